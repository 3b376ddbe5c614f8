"""Reading an experiment file: every key checked, with errors that name the file and the key.

:func:`load_config` turns a TOML file (see :mod:`samlab.config`) into a :class:`Config` of
:class:`Experiment` objects whose problems, oracles and algorithms are built and validated (schedules
included, at every step of the run): nothing is run here.
"""

from __future__ import annotations

import difflib
import inspect
import itertools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import algorithms as _algorithms
from .. import noise as _noise
from .. import sampling as _sampling
from .. import schedules as _schedules
from ..problems.catalog import PROBLEMS
from ..seeding import rng

__all__ = ["ConfigError", "Config", "Experiment", "AlgorithmSpec", "Plot", "load_config", "algorithm_params",
           "METRICS", "SYMBOLS"]

METRICS = ("f_gap", "grad_norm", "dist", "f")
SYMBOLS = {"lr": "γ", "rho": "ρ", "lam": "λ", "theta": "θ", "sigma": "σ", "beta": "β", "momentum": "momentum"}


class ConfigError(ValueError):
    """A malformed experiment file: ``<file>: <key>: <what was expected>, got <value>``."""

    def __init__(self, file: str, key: str, message: str):
        self.file, self.key, self.message = file, key, message
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, file: str, key: str = ""):
        self.file, self.key = file, key

    def at(self, key: str | int) -> "_Ctx":
        if isinstance(key, int):
            return _Ctx(self.file, f"{self.key}[{key}]")
        return _Ctx(self.file, f"{self.key}.{key}" if self.key else key)

    def error(self, message: str) -> ConfigError:
        return ConfigError(self.file, self.key, message)

    def expected(self, what: str, value: Any) -> ConfigError:
        return self.error(f"expected {what}, got {_show(value)}")


# ----------------------------------------------------------------------------- scalar readers
def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _float(ctx: _Ctx, v: Any) -> float:
    if not _is_number(v) or not math.isfinite(v):
        raise ctx.expected("a finite float", v)
    return float(v)


def _int(ctx: _Ctx, v: Any, low: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ctx.expected("an integer", v)
    if low is not None and v < low:
        raise ctx.expected(f"an integer >= {low}", v)
    return int(v)


def _bool(ctx: _Ctx, v: Any) -> bool:
    if not isinstance(v, bool):
        raise ctx.expected("true or false", v)
    return v


def _str(ctx: _Ctx, v: Any, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(v, str):
        raise ctx.expected("a string" if choices is None else f"one of {', '.join(map(repr, choices))}", v)
    if choices is not None and v not in choices:
        hint = difflib.get_close_matches(v, choices, n=1)
        raise ctx.error(f"expected one of {', '.join(map(repr, choices))}, got {v!r}"
                        + (f" (did you mean {hint[0]!r}?)" if hint else ""))
    return v


def _floats(ctx: _Ctx, v: Any, what: str = "a list of floats") -> list[float]:
    if not isinstance(v, list) or not v or not all(_is_number(x) and math.isfinite(x) for x in v):
        raise ctx.expected(f"{what} (non-empty)", v)
    return [float(x) for x in v]


def _table(ctx: _Ctx, v: Any, what: str = "a table") -> dict:
    if not isinstance(v, dict):
        raise ctx.expected(what, v)
    return v


def _check_keys(ctx: _Ctx, table: dict, allowed: tuple[str, ...] | list[str], what: str = "") -> None:
    for key in table:
        if key not in allowed:
            hint = difflib.get_close_matches(key, list(allowed), n=1)
            raise ctx.at(key).error(
                f"unknown key{' in ' + what if what else ''}; expected one of {', '.join(allowed)}"
                + (f" (did you mean {hint[0]!r}?)" if hint else ""))


def _call(ctx: _Ctx, fn, *args, _keys: tuple[str, ...] = (), **kwargs):
    """Build a library object; its ValueError becomes a ConfigError at ``ctx``.

    When the library's message starts with one of ``_keys`` (it names the argument), the error
    points at that key: ``experiment[0].problem.reg: reg must be >= 0``.
    """
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        text = str(exc)
        for key in _keys:
            if re.match(rf"{re.escape(key)}\b", text):
                raise ctx.at(key).error(text) from None
        raise ctx.error(text) from None


def _typed(ctx: _Ctx, kind: str, v: Any):
    if kind == "int":
        return _int(ctx, v)
    if kind == "float":
        return _float(ctx, v)
    if kind == "floats":
        return _floats(ctx, v)
    if kind == "str":
        return _str(ctx, v)
    if kind == "bool":
        return _bool(ctx, v)
    raise AssertionError(kind)


def _problem(ctx: _Ctx, spec: Any):
    spec = dict(_table(ctx, spec, "a problem table such as {kind = \"least_squares\", n = 100, d = 20}"))
    if "kind" not in spec and "expression" in spec:
        spec["kind"] = "expression"
    if "kind" not in spec:
        raise ctx.error(f"missing 'kind' (one of {', '.join(PROBLEMS)})")
    kind = _str(ctx.at("kind"), spec["kind"], tuple(PROBLEMS))
    builder, params = PROBLEMS[kind]
    rest = {k: v for k, v in spec.items() if k != "kind"}
    _check_keys(ctx, rest, tuple(params) or ("(none)",), f"a {kind} problem")
    kwargs = {k: _typed(ctx.at(k), params[k], v) for k, v in rest.items()}
    sig = inspect.signature(builder)
    missing = [name for name, p in sig.parameters.items() if p.default is inspect.Parameter.empty
               and name not in kwargs]
    if missing:
        raise ctx.error(f"a {kind} problem needs {', '.join(map(repr, missing))}")
    return _call(ctx, builder, _keys=tuple(kwargs), **kwargs), {"kind": kind, **kwargs}


# ----------------------------------------------------------------------------- oracles
def _sampling_spec(ctx: _Ctx, spec: Any, problem):
    spec = _table(ctx, spec, "a sampling table such as {kind = \"uniform\", batch_size = 1}")
    kinds = ("uniform", "nice", "importance", "full_batch")
    kind = _str(ctx.at("kind"), spec.get("kind"), kinds)
    allowed = {"uniform": ("kind", "batch_size", "replace"), "nice": ("kind", "tau"),
               "importance": ("kind", "reweight"), "full_batch": ("kind",)}[kind]
    _check_keys(ctx, spec, allowed, f"a {kind} sampling")
    if kind == "uniform":
        s = _call(ctx, _sampling.Uniform, batch_size=_int(ctx.at("batch_size"), spec.get("batch_size", 1), 1),
                  replace=_bool(ctx.at("replace"), spec.get("replace", False)))
    elif kind == "nice":
        if "tau" not in spec:
            raise ctx.error("a nice sampling needs 'tau'")
        s = _call(ctx, _sampling.Nice, _int(ctx.at("tau"), spec["tau"], 1))
    elif kind == "importance":
        s = _sampling.Importance(reweight=_bool(ctx.at("reweight"), spec.get("reweight", True)))
    else:
        s = _sampling.FullBatch()
    _call(ctx, s.check, problem)
    return s


def _noise_spec(ctx: _Ctx, spec: Any, problem):
    spec = _table(ctx, spec, "a noise table such as {kind = \"gaussian\", sigma = 0.1}")
    kind = _str(ctx.at("kind"), spec.get("kind"), ("gaussian", "discrete"))
    if kind == "gaussian":
        _check_keys(ctx, spec, ("kind", "sigma"), "a gaussian noise")
        if "sigma" not in spec:
            raise ctx.error("a gaussian noise needs 'sigma'")
        sigma = spec["sigma"]
        sigma = _floats(ctx.at("sigma"), sigma, "a float or a list of floats") if isinstance(sigma, list) \
            else _float(ctx.at("sigma"), sigma)
        n = _call(ctx, _noise.Gaussian, sigma, _keys=("sigma",))
    else:
        _check_keys(ctx, spec, ("kind", "values", "probs"), "a discrete noise")
        for key in ("values", "probs"):
            if key not in spec:
                raise ctx.error(f"a discrete noise needs '{key}'")
        n = _call(ctx, _noise.Discrete, _floats(ctx.at("values"), spec["values"]),
                  _floats(ctx.at("probs"), spec["probs"]), _keys=("values", "probs"))
    _call(ctx, n.check, problem.dim)
    return n


# ----------------------------------------------------------------------------- hyperparameters
SCHEDULES = {
    "constant": ("value",),
    "inverse_power": ("c", "power", "t0"),
    "lam_inverse": (),
    "lam_one_minus_inverse": (),
}
_HYPER_EXPECTED = "a float, a list of floats or a schedule table"


@dataclass
class _Param:
    """A hyperparameter as declared: fixed, varied over configurations, or a schedule."""

    kind: str  # "float" | "list" | "schedule"
    value: Any  # float | list[float] | (name, {param: float | list[float]})

    def list_lengths(self) -> dict[str, int]:
        if self.kind == "list":
            return {"": len(self.value)}
        if self.kind == "schedule":
            return {k: len(v) for k, v in self.value[1].items() if isinstance(v, list)}
        return {}


def _param(ctx: _Ctx, v: Any) -> _Param:
    if _is_number(v):
        if not math.isfinite(v):
            raise ctx.expected(_HYPER_EXPECTED, v)
        return _Param("float", float(v))
    if isinstance(v, list):
        if not v or not all(_is_number(x) and math.isfinite(x) for x in v):
            raise ctx.expected(_HYPER_EXPECTED, v)
        return _Param("list", [float(x) for x in v])
    if isinstance(v, dict):
        if "schedule" not in v:
            raise ctx.error(f"a schedule table needs 'schedule' (one of {', '.join(SCHEDULES)})")
        name = _str(ctx.at("schedule"), v["schedule"], tuple(SCHEDULES))
        params = {k: x for k, x in v.items() if k != "schedule"}
        _check_keys(ctx, params, SCHEDULES[name] or ("(none)",), f"a {name} schedule")
        parsed: dict[str, Any] = {}
        for k, x in params.items():
            if isinstance(x, list):
                parsed[k] = _floats(ctx.at(k), x, "a float or a list of floats")
            else:
                parsed[k] = _float(ctx.at(k), x)
        required = {"constant": ("value",), "inverse_power": ("c", "power")}.get(name, ())
        for k in required:
            if k not in parsed:
                raise ctx.error(f"a {name} schedule needs '{k}'")
        return _Param("schedule", (name, parsed))
    raise ctx.expected(_HYPER_EXPECTED, v)


def _schedule_text(name: str, p: dict[str, float]) -> str:
    if name == "constant":
        return f"{p['value']:g}"
    if name == "lam_inverse":
        return "1/t"
    if name == "lam_one_minus_inverse":
        return "1 − 1/t"
    c, power, t0 = p["c"], p["power"], p.get("t0", 0.0)
    base = "t" if t0 == 0 else f"(t+{t0:g})"
    if power == 0:
        return f"{c:g}"
    if power == 1:
        return f"{c:g}/{base}"
    if power == 0.5:
        return f"{c:g}/√{base}"
    return f"{c:g}/{base}^{power:g}"


def _build_schedule(ctx: _Ctx, name: str, p: dict[str, Any]):
    if name == "constant":
        return _call(ctx, _schedules.constant, p["value"], _keys=("value",))
    if name == "inverse_power":
        return _call(ctx, _schedules.inverse_power, p["c"], p["power"], p.get("t0", 0.0), _keys=("c", "power", "t0"))
    if name == "lam_inverse":
        return _schedules.lam_inverse()
    return _schedules.lam_one_minus_inverse()


@dataclass
class AlgorithmSpec:
    """One ``[[experiment.algorithms]]`` entry expanded into C configurations × R repetitions.

    ``configs`` holds, per configuration, the scalar value of each hyperparameter (schedules as
    text); ``labels`` the legend label of each configuration. Row ``c·R + r`` of the batched run is
    repetition r of configuration c.
    """

    name: str
    kind: str
    key: str
    hypers: dict[str, Any]  # name -> float | (B,) array | Schedule, ready for the factory
    options: dict[str, Any]
    configs: list[dict[str, Any]]
    labels: list[str]
    runs: int  # R, repetitions per configuration
    color: str | None = None
    linestyle: str | None = None

    @property
    def n_configs(self) -> int:
        return len(self.configs)

    @property
    def batch(self) -> int:
        return self.n_configs * self.runs

    def build(self):
        return _algorithms.get(self.kind)(**self.hypers, **self.options)


_ALG_OWN_KEYS = ("name", "algorithm", "grid", "color", "linestyle")


_OPTIONS = ("same_sample", "eps")
_NOT_FROM_TOML = ("descent",)  # a rule object: not a number a file can give


def algorithm_params(kind: str) -> tuple[list[str], list[str], list[str]]:
    """(hyperparameters, required ones, boolean/float options) of the factory named ``kind`` (a
    registered name, ``"pkg.module:factory"`` or ``"file.py:factory"``), read from its signature."""
    sig = inspect.signature(_algorithms.get(kind))
    hypers, required, options = [], [], []
    for name, p in sig.parameters.items():
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD) or name in _NOT_FROM_TOML:
            continue
        if name in _OPTIONS:
            options.append(name)
            continue
        hypers.append(name)
        if p.default is inspect.Parameter.empty:
            required.append(name)
    return hypers, required, options


def _source_relative(name: str, base: Path | None) -> str:
    """``"variants.py:f"`` names a file beside the config when one is there (else as the library reads it)."""
    source, sep, attr = name.rpartition(":")
    if sep and source.endswith(".py") and base is not None and not Path(source).is_absolute() \
            and (base / source).is_file():
        return f"{(base / source).as_posix()}:{attr}"
    return name


def _algorithm(ctx: _Ctx, spec: Any, exp_grid: dict[str, list[float]], runs: int, steps: int,
               base: Path | None = None) -> AlgorithmSpec:
    spec = _table(ctx, spec, "an algorithm table such as {algorithm = \"sam\", lr = 0.01, rho = 0.05}")
    if "algorithm" not in spec:
        raise ctx.error(f"missing 'algorithm' (one of {', '.join(_algorithms.names())}, "
                        "or 'module:factory' / 'file.py:factory')")
    kind = _source_relative(_str(ctx.at("algorithm"), spec["algorithm"]), base)
    try:
        hyper_names, required, option_names = algorithm_params(kind)
    except ValueError as exc:
        raise ctx.at("algorithm").error(str(exc)) from None
    _check_keys(ctx, spec, (*_ALG_OWN_KEYS, *hyper_names, *option_names), f"a {kind} algorithm")

    options: dict[str, Any] = {}
    if "same_sample" in spec:
        options["same_sample"] = _bool(ctx.at("same_sample"), spec["same_sample"])
    if "eps" in spec:
        options["eps"] = _float(ctx.at("eps"), spec["eps"])

    params = {k: _param(ctx.at(k), spec[k]) for k in hyper_names if k in spec}
    grid: dict[str, list[float]] = {}
    if "grid" in spec:
        gctx = ctx.at("grid")
        table = _table(gctx, spec["grid"], "a table of hyperparameter lists such as {rho = [0.01, 0.1]}")
        _check_keys(gctx, table, tuple(hyper_names), f"the grid of a {kind} algorithm")
        for k, v in table.items():
            if k in params:
                raise gctx.at(k).error(f"{k} is given both as a value and in the grid")
            grid[k] = _floats(gctx.at(k), v)
    for k, values in exp_grid.items():  # the experiment's grid applies where the algorithm takes it
        if k in hyper_names and k not in params and k not in grid:
            grid[k] = values
    missing = [k for k in required if k not in params and k not in grid]
    if missing:
        raise ctx.error(f"{kind} needs {', '.join(map(repr, missing))} (hyperparameters: {', '.join(hyper_names)})")

    # the zipped axis: every list (plain or inside a schedule) has one value per configuration
    lengths = {(k + ("." + sub if sub else "")): n for k, p in params.items() for sub, n in p.list_lengths().items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ctx.error(f"lists must have the same length (one value per configuration): {desc}")
    n_zip = next(iter(lengths.values()), None)
    axes: list[list[dict[str, Any]]] = []
    if n_zip is not None:
        axes.append([{"__zip__": i} for i in range(n_zip)])
    for k, values in grid.items():
        axes.append([{k: v} for v in values])
    combos = [dict(kv for part in combo for kv in part.items()) for combo in itertools.product(*axes)] or [{}]

    # per-configuration scalar values, then per-run arrays (configuration-major, R repeats each)
    configs: list[dict[str, Any]] = []
    for combo in combos:
        i = combo.get("__zip__")
        conf: dict[str, Any] = {}
        for k, p in params.items():
            if p.kind == "float":
                conf[k] = p.value
            elif p.kind == "list":
                conf[k] = p.value[i]
            else:
                name, sp = p.value
                conf[k] = (name, {q: (x[i] if isinstance(x, list) else x) for q, x in sp.items()})
        for k in grid:
            conf[k] = combo[k]
        configs.append(conf)

    C = len(configs)
    hypers: dict[str, Any] = {}
    for k in [*params, *grid]:
        first = configs[0][k]
        if isinstance(first, tuple):  # schedule: parameters may vary per run
            name, _ = first
            keys = set().union(*(c[k][1] for c in configs))
            merged = {}
            for q in keys:
                vals = [c[k][1][q] for c in configs]
                merged[q] = vals[0] if len(set(vals)) == 1 else np.repeat(np.asarray(vals, dtype=float), runs)
            hypers[k] = _build_schedule(ctx.at(k), name, merged)
        else:
            vals = [c[k] for c in configs]
            hypers[k] = vals[0] if len(set(vals)) == 1 else np.repeat(np.asarray(vals, dtype=float), runs)
    varying = [k for k in [*params, *grid] if len({_conf_text(c[k]) for c in configs}) > 1]

    name = spec.get("name")
    if name is not None:
        name = _str(ctx.at("name"), name)
    labels = []
    for conf in configs:
        shown = varying if name is not None else list(conf)
        text = ", ".join(f"{SYMBOLS.get(k, k)} = {_conf_text(conf[k])}" for k in shown)
        base = name if name is not None else _algorithm_label(kind)
        labels.append(base if not text else (f"{base} ({text})" if name is not None else f"{base}, {text}"))
    color = _str(ctx.at("color"), spec["color"]) if "color" in spec else None
    linestyle = _str(ctx.at("linestyle"), spec["linestyle"]) if "linestyle" in spec else None
    out = AlgorithmSpec(name=name or _algorithm_label(kind), kind=kind, key=ctx.key, hypers=hypers,
                        options=options, configs=[{k: _conf_text(v) for k, v in c.items()} for c in configs],
                        labels=labels, runs=runs, color=color, linestyle=linestyle)
    # bounds (ρ ≥ 0, λ ∈ [0, 1], lr > 0 …), schedules included, are checked now, not mid-run
    built = _call(ctx, out.build, _keys=tuple(spec))
    for h in built.hypers.values():
        _call(ctx, h.bind, out.batch, steps, _keys=tuple(spec))
    return out


def _conf_text(v: Any) -> str:
    if isinstance(v, tuple):
        return _schedule_text(*v)
    return f"{v:g}"


def _algorithm_label(kind: str) -> str:
    """The legend name: "SAM" for "sam", "sign_sam" for "variants.py:sign_sam"."""
    from ..plotting import display_name

    return display_name(kind.rsplit(":", 1)[-1])


# ----------------------------------------------------------------------------- experiments
@dataclass
class Plot:
    metric: str = "f_gap"
    logx: bool = True
    logy: bool = True
    x: str = "t"
    title: str | None = None
    ylim: tuple[float, float] | None = None


@dataclass
class Experiment:
    """One ``[[experiment]]`` block, validated and ready to run."""

    name: str
    key: str
    problem: Any
    problem_spec: dict[str, Any]
    algorithms: list[AlgorithmSpec]
    steps: int
    runs: int
    seed: int
    x0: np.ndarray  # (R, d): the same R starts for every configuration and algorithm
    x0_spec: Any
    sampling: Any = None
    noise: Any = None
    checkpoints: int = 100
    plot: Plot = field(default_factory=Plot)
    title: str | None = None


@dataclass
class Config:
    path: Path
    title: str
    experiments: list[Experiment]
    quick: bool = False


_EXP_KEYS = ("name", "title", "problem", "algorithms", "grid", "steps", "runs", "seed", "x0", "sampling",
             "noise", "checkpoints", "plot", "quick")
def _x0(ctx: _Ctx, spec: Any, problem, runs: int, seed: int) -> np.ndarray:
    d = problem.dim
    if spec is None:
        spec = {"random": "normal", "scale": 1.0}
    if isinstance(spec, list):
        x = _floats(ctx, spec)
        if len(x) != d:
            raise ctx.error(f"expected {d} floats (the problem's dimension), got {len(x)}")
        return np.tile(np.asarray(x), (runs, 1))
    if isinstance(spec, dict):
        _check_keys(ctx, spec, ("random", "scale", "center", "seed"), "a random start")
        dist = _str(ctx.at("random"), spec.get("random"), ("normal", "uniform"))
        scale = _float(ctx.at("scale"), spec.get("scale", 1.0))
        if scale < 0:
            raise ctx.at("scale").expected("a float >= 0", scale)
        center = np.zeros(d)
        if "center" in spec:
            c = spec["center"]
            if c == "x_star":
                if problem.x_star is None:
                    raise ctx.at("center").error("'x_star' needs a problem with a known minimizer")
                center = np.asarray(problem.x_star, dtype=float)
            else:
                center = np.asarray(_floats(ctx.at("center"), c, "a list of floats or \"x_star\""))
                if center.shape != (d,):
                    raise ctx.at("center").error(f"expected {d} floats, got {center.size}")
        s = _int(ctx.at("seed"), spec.get("seed", seed), 0)
        g = rng(s, "x0")
        z = g.standard_normal((runs, d)) if dist == "normal" else g.uniform(-1.0, 1.0, (runs, d))
        return center + scale * z
    raise ctx.expected("a list of floats or a table such as {random = \"normal\", scale = 1.0}", spec)


def _plot(ctx: _Ctx, spec: Any, problem) -> Plot:
    if spec is None:
        return Plot()
    spec = _table(ctx, spec, "a plot table such as {metric = \"f_gap\", logx = true, logy = true}")
    _check_keys(ctx, spec, ("metric", "logx", "logy", "x", "title", "ylim"), "plot")
    p = Plot(metric=_str(ctx.at("metric"), spec.get("metric", "f_gap"), METRICS),
             logx=_bool(ctx.at("logx"), spec.get("logx", True)),
             logy=_bool(ctx.at("logy"), spec.get("logy", True)),
             x=_str(ctx.at("x"), spec.get("x", "t"), ("t", "grad_evals")),
             title=_str(ctx.at("title"), spec["title"]) if "title" in spec else None)
    if "ylim" in spec:
        lim = _floats(ctx.at("ylim"), spec["ylim"], "two floats [low, high]")
        if len(lim) != 2 or not lim[0] < lim[1] or (p.logy and lim[0] <= 0):
            raise ctx.at("ylim").expected("two floats [low, high] with low < high (low > 0 on a log axis)",
                                          spec["ylim"])
        p.ylim = (lim[0], lim[1])
    if p.metric == "dist" and problem.x_star is None:
        raise ctx.at("metric").error("'dist' needs a problem with a known minimizer x*")
    return p


def _experiment(ctx: _Ctx, spec: Any, index: int, quick: bool, base: Path | None = None) -> Experiment:
    spec = _table(ctx, spec, "an [[experiment]] table")
    _check_keys(ctx, spec, _EXP_KEYS, "an experiment")
    for key in ("problem", "algorithms", "steps"):
        if key not in spec:
            raise ctx.error(f"missing '{key}'")
    name = _str(ctx.at("name"), spec.get("name", f"experiment-{index + 1}"))
    steps = _int(ctx.at("steps"), spec["steps"], 1)
    runs = _int(ctx.at("runs"), spec.get("runs", 1), 1)
    seed = _int(ctx.at("seed"), spec.get("seed", 0), 0)
    checkpoints = _int(ctx.at("checkpoints"), spec.get("checkpoints", 100), 2)
    if "quick" in spec:
        qctx = ctx.at("quick")
        q = _table(qctx, spec["quick"], "a table such as {steps = 500, runs = 2}")
        _check_keys(qctx, q, ("steps", "runs", "checkpoints"), "quick")
    else:
        q = {}
    if quick:
        steps = _int(ctx.at("quick").at("steps"), q["steps"], 1) if "steps" in q else max(10, steps // 10)
        runs = _int(ctx.at("quick").at("runs"), q["runs"], 1) if "runs" in q else min(runs, 2)
        if "checkpoints" in q:
            checkpoints = _int(ctx.at("quick").at("checkpoints"), q["checkpoints"], 2)
    problem, problem_spec = _problem(ctx.at("problem"), spec["problem"])
    sampling = _sampling_spec(ctx.at("sampling"), spec["sampling"], problem) if "sampling" in spec else None
    noise = _noise_spec(ctx.at("noise"), spec["noise"], problem) if "noise" in spec else None
    exp_grid: dict[str, list[float]] = {}
    if "grid" in spec:
        gctx = ctx.at("grid")
        table = _table(gctx, spec["grid"], "a table of hyperparameter lists such as {rho = [0.01, 0.1]}")
        exp_grid = {k: _floats(gctx.at(k), v) for k, v in table.items()}
    algs_raw = spec["algorithms"]
    if not isinstance(algs_raw, list) or not algs_raw:
        raise ctx.at("algorithms").expected("a non-empty list of tables ([[experiment.algorithms]])", algs_raw)
    algs = [_algorithm(ctx.at("algorithms").at(i), a, exp_grid, runs, steps, base) for i, a in enumerate(algs_raw)]
    for k in exp_grid:
        if not any(k in algorithm_params(a.kind)[0] for a in algs):
            raise ctx.at("grid").at(k).error("no algorithm of this experiment takes this hyperparameter")
    labels = [lab for a in algs for lab in a.labels]
    dup = sorted({lab for lab in labels if labels.count(lab) > 1})
    if dup:
        raise ctx.at("algorithms").error(f"two curves would share the label {dup[0]!r}: give each algorithm a 'name'")
    x0 = _x0(ctx.at("x0"), spec.get("x0"), problem, runs, seed)
    plot = _plot(ctx.at("plot"), spec.get("plot"), problem)
    title = _str(ctx.at("title"), spec["title"]) if "title" in spec else None
    return Experiment(name=name, key=ctx.key, problem=problem, problem_spec=problem_spec, algorithms=algs,
                      steps=steps, runs=runs, seed=seed, x0=x0, x0_spec=spec.get("x0"), sampling=sampling,
                      noise=noise, checkpoints=checkpoints, plot=plot, title=title)


def load_config(path: str | Path, quick: bool = False) -> Config:
    """Read and validate a TOML experiment file (raises :class:`ConfigError`)."""
    path = Path(path)
    file = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "", f"invalid TOML: {exc}") from None
    ctx = _Ctx(file)
    _check_keys(ctx, raw, ("title", "experiment"), "the top level")
    if "experiment" not in raw:
        raise ctx.error("no [[experiment]] block")
    exps = raw["experiment"]
    if not isinstance(exps, list) or not exps:
        raise ctx.at("experiment").expected("one or more [[experiment]] blocks", exps)
    experiments = [_experiment(_Ctx(file, f"experiment[{i}]"), e, i, quick, path.parent) for i, e in enumerate(exps)]
    names = [e.name for e in experiments]
    if len(set(names)) != len(names):
        raise ctx.at("experiment").error(f"experiment names must be distinct, got {names}")
    title = _str(ctx.at("title"), raw["title"]) if "title" in raw else path.stem.replace("_", " ")
    return Config(path=path, title=title, experiments=experiments, quick=quick)


