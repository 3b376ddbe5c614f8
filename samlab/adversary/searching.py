r"""``search``: the member of a family that comes closest to breaking a bound (differential evolution).

For a candidate instance c and the recorded steps t, the ratio is

    r_c(t) = measured_c(t) / bound(t),      ratio_c = r_c(steps) (``at="final"``) or max_{t≥1} r_c(t) (``at="all"``)

and the search maximizes ratio_c over the family's box with scipy's differential evolution
(``vectorized=True``, ``updating="deferred"``): each generation's population is ONE batched
``samlab.run`` whose runs are the candidates (S rows of a batched problem). A ratio above 1 is a
violation of the bound; the largest ratio found says how tight the bound is on that family.

Metrics (measured at step t; the same definitions as :mod:`samlab.pep`):
``"f_gap"`` f(x_t) − f*; ``"distance"`` ‖x_t − x*‖² (to the saddle point for saddles);
``"grad_norm"`` min_{s≤t} ‖∇f(x_s)‖²; ``"grad_norm_avg"`` (1/t) Σ_{s<t} ‖∇f(x_s)‖²; or a callable
of a :class:`samlab.StepView` returning (B,) values (recorded for t ≥ 1), e.g. Khanh et al.'s
‖∇f(y_t) − ∇f(x_{t−1})‖.

Hyperparameters: with ``hypers={"lr": (low, high), …}`` the box grows by those ranges and
``algorithm`` is a factory called with one (S,) array per name (samlab's per-run hyperparameters,
so a population with different step sizes is still one run); ``bound`` is then called as
bound(t, **hypers) with t of shape (K, 1) and each hyperparameter of shape (S,) — a theorem's
bound over its own conditions (e.g. every η ≤ 1/(4β)).

Stochastic families (finite sums with a sampling) and ``noise=`` runs average ``replicas`` Monte
Carlo runs per candidate (all candidates × replicas in one run). The reported value is then the
mean over ``final_replicas`` fresh runs of the best instance, with a Student-t confidence interval
(``scipy.stats``); the search itself maximizes a noisy mean, so its best is biased upwards and is
not what is reported.

Reproducibility: the returned ``worst_ratio`` is measured by re-running the returned instance
(``.problem`` from ``.x0``) with ``samlab.run``, the very call a user makes, so a re-run gives it
back (bit for bit when deterministic; the search's batched value agrees to rounding, see
``search_ratio``). With samlab's cache on (``samlab.cache``), the optimum and history of a search are
kept under its inputs' key: the same search again (a figure script repeating a claim's) skips the
differential evolution and re-measures that optimum, with the same result.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from scipy import optimize, stats

from .. import cache as _cache, seeding
from ..checks import integer, real
from ..engine import run
from ..linalg import row_norms
from .families import Family, Instance

__all__ = ["search", "sample_ratios", "Search", "METRICS"]

METRICS = {
    "f_gap": "f(x_t) − f*",
    "distance": "‖x_t − x*‖²",
    "grad_norm": "min_{s≤t} ‖∇f(x_s)‖²",
    "grad_norm_avg": "(1/t) Σ_{s<t} ‖∇f(x_s)‖²",
}


@dataclass
class Search:
    """The outcome of :func:`search`.

    ``worst_ratio``: measured/bound of the returned instance at step ``t`` (a Monte Carlo mean for
    stochastic runs, with ``ci``); ``problem``, ``x0``: the instance (run it with ``samlab.run``);
    ``params``: its parameters in the family's box; ``hypers``: the hyperparameters of the worst
    case when they were searched (``algorithm`` is then built with them); ``history``: the best ratio after each
    generation (the initial population first); ``search_ratio``: the best ratio as the batched search
    measured it; ``evaluations``: instances evaluated (without replicas).
    """

    worst_ratio: float
    problem: Any
    x0: np.ndarray
    t: int
    measured: float
    bound_value: float
    history: np.ndarray
    search_ratio: float
    params: np.ndarray
    center: np.ndarray | None
    algorithm: Any
    family: dict
    metric: str
    at: str
    steps: int
    budget: int
    evaluations: int
    generations: int
    population: int
    seed: int
    seconds: float
    stochastic: bool = False
    replicas: int = 1
    ci: tuple[float, float] | None = None
    sem: float | None = None
    confidence: float | None = None
    sampling: Any = None
    noise: Any = None
    hypers: dict = field(default_factory=dict)
    hyper_box: dict = field(default_factory=dict)
    _bound: Any = field(default=None, repr=False)
    _metric: Any = field(default=None, repr=False)  # the metric as given: a name or a callable

    @property
    def violated(self) -> bool:
        """True when the instance exceeds the bound (for a stochastic search: the whole CI does)."""
        if self.ci is not None:
            return self.ci[0] > 1.0
        return self.worst_ratio > 1.0

    def rerun(self, *, seed: int | None = None, replicas: int | None = None):
        """``samlab.run`` of the returned instance with the search's settings (what a user would type)."""
        return run(self.problem, self.algorithm, self.x0, self.steps,
                   runs=(replicas or self.replicas) if self.stochastic else None,
                   sampling=self.sampling, noise=self.noise, seed=self.seed if seed is None else seed,
                   checkpoints=_checkpoints(self.steps, self.at, self._metric),
                   observe=_observers(self._metric, None if self.center is None else self.center[None]),
                   name="adversary/final")

    def ratios(self, result) -> tuple[np.ndarray, np.ndarray]:
        """(t, ratios (K', B)) of a result of :meth:`rerun` (rows: the steps the search compares)."""
        t, values = _measure(result, self._metric, self.at, self.steps)
        return t, values / _bound_values(self._bound, t, {k: np.array([v]) for k, v in self.hypers.items()})

    def describe(self) -> dict[str, Any]:
        """JSON-friendly summary: what was searched, how hard, and the worst instance's numbers."""
        out = {
            "worst_ratio": self.worst_ratio, "t": self.t, "measured": self.measured, "bound": self.bound_value,
            "search_ratio": self.search_ratio, "violated": self.violated,
            "metric": self.metric,
            "at": self.at, "steps": self.steps, "algorithm": repr(self.algorithm), **self.family,
            "budget": self.budget, "evaluations": self.evaluations, "generations": self.generations,
            "population": self.population, "seed": self.seed, "params": self.params.tolist(),
            "x0": self.x0.tolist(), "history": self.history.tolist(),
        }
        if self.hypers:
            out.update({"hypers": dict(self.hypers), "hyper_box": {k: list(v) for k, v in self.hyper_box.items()}})
        if self.stochastic:
            out.update({"replicas": self.replicas, "ci": list(self.ci), "sem": self.sem,
                        "confidence": self.confidence})
        return out


# ----------------------------------------------------------------------------- measurements

def _check_metric(metric) -> Callable | None:
    if callable(metric):
        return metric
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)} or a callable of a StepView, got {metric!r}")
    return None


def _checkpoints(steps: int, at: str, metric) -> np.ndarray:
    if at == "all" or metric in ("grad_norm", "grad_norm_avg"):
        return np.arange(1, steps + 1)
    return np.array([steps])


def _observers(metric, center):
    if callable(metric):
        return {"metric": metric}
    if metric == "distance" and center is not None:
        return {"distance": lambda view, c=center: row_norms(view.x - c) ** 2}
    return None


def _measure(res, metric, at, steps) -> tuple[np.ndarray, np.ndarray]:
    """(t, values (K', B)) of the metric at the steps compared with the bound."""
    t = res.t
    if callable(metric):
        values, tt = res.observed["metric"], t[1:]
    elif metric == "f_gap":
        values, tt = res.f_gap, t
    elif metric == "distance":
        if res.dist is not None:
            values, tt = res.dist ** 2, t
        else:
            values, tt = res.observed["distance"], t[1:]
    elif metric == "grad_norm":
        values, tt = np.minimum.accumulate(res.grad_norm ** 2, axis=0), t
    else:  # grad_norm_avg: every step is recorded
        sq = res.grad_norm ** 2
        values, tt = np.cumsum(sq, axis=0)[:-1] / t[1:, None], t[1:]
    keep = tt >= 1 if at == "all" else tt == steps
    return tt[keep], values[keep]


def _bound_values(bound, t: np.ndarray, hypers: dict | None = None) -> np.ndarray:
    """The bound at the compared steps as a (K, 1) column, or (K, S) with searched hyperparameters.

    Raises ValueError naming the bound if it is NaN, infinite or ≤ 0 anywhere (a ratio to it would
    mean nothing)."""
    name = getattr(bound, "__name__", None) or repr(bound)
    S = len(next(iter(hypers.values()))) if hypers else 1
    if callable(bound):
        try:
            values = bound(t.astype(float)[:, None], **hypers) if hypers else bound(t.astype(float))
            values = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bound {name} failed on the step array t: {exc}") from exc
        if not hypers and values.ndim == 1:
            values = values[:, None]
        try:
            values = np.broadcast_to(values, (t.size, S)).astype(float)
        except ValueError as exc:
            shape = f"({t.size}, {S}): one value per step and per candidate" if hypers else f"({t.size},)"
            raise ValueError(f"bound {name} must return shape {shape}, got {np.shape(values)}") from exc
    else:
        if hypers:
            raise ValueError("bound must be a callable of (t, **hypers) when hyperparameters are searched")
        try:
            values = np.full((t.size, 1), float(bound))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bound must be a float or a callable of the step array, got {bound!r}") from exc
    bad = ~np.isfinite(values) | (values <= 0)
    if np.any(bad):
        i, j = np.unravel_index(int(np.argmax(bad)), bad.shape)
        at = "" if not hypers else " for " + ", ".join(f"{k} = {float(v[j])!r}" for k, v in hypers.items())
        raise ValueError(f"bound {name} must be finite and > 0 at every compared step; at t = {int(t[i])}{at} "
                         f"it is {float(values[i, j])!r}")
    return values


def _reduce(ratios: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(best ratio per column, index of its row); NaN ratios (non-finite runs) count as −inf."""
    r = np.where(np.isnan(ratios), -np.inf, ratios)
    i = np.argmax(r, axis=0)
    return r[i, np.arange(r.shape[1])], i


class _Evaluator:
    """Ratios of a population: one batched run (candidates × replicas).

    Columns of the parameters: the family's box, then the searched hyperparameters (if any)."""

    def __init__(self, algorithm, family: Family, steps, bound, metric, at, replicas, noise, seed, hypers):
        self.algorithm, self.family, self.steps = algorithm, family, steps
        self.bound, self.metric, self.at = bound, metric, at
        self.replicas, self.noise, self.seed = replicas, noise, seed
        self.hyper_names = list(hypers)
        self._hyper_box = dict(hypers)
        self.stochastic = family.stochastic or noise is not None
        self.calls = 0
        self.evaluated = 0  # instances (without replicas)
        self.checkpoints = _checkpoints(steps, at, metric)

    @property
    def box(self) -> list[tuple[float, float]]:
        return list(self.family.box) + [self._hyper_box[k] for k in self.hyper_names]

    def split(self, P: np.ndarray) -> tuple[np.ndarray, dict]:
        n = len(self.family.box)
        return P[:, :n], {k: P[:, n + i].copy() for i, k in enumerate(self.hyper_names)}

    def algorithm_for(self, hypers: dict):
        return self.algorithm(**hypers) if self.hyper_names else self.algorithm

    def __call__(self, P: np.ndarray) -> np.ndarray:
        """(S,) ratios of parameters P (S, p), each the mean over the replicas."""
        S = P.shape[0]
        R = self.replicas if self.stochastic else 1
        Pr = np.repeat(P, R, axis=0) if R > 1 else P
        params, hypers = self.split(Pr)
        problem, X0, center = self.family.batch(params)
        res = run(problem, self.algorithm_for(hypers), X0, self.steps, sampling=self.family.sampling,
                  noise=self.noise, seed=self.seed, checkpoints=self.checkpoints,
                  observe=_observers(self.metric, center), name=f"adversary/{self.calls}",
                  cache=False)  # storing populations costs more than the few a figure script repeats (measured)
        self.calls += 1
        self.evaluated += S
        t, values = _measure(res, self.metric, self.at, self.steps)
        ratios = values / _bound_values(self.bound, t, hypers)
        if R > 1:
            ratios = ratios.reshape(t.size, S, R).mean(axis=2)
        best, _ = _reduce(ratios, t)
        return best


# ----------------------------------------------------------------------------- entry points

def _check_hypers(hypers) -> dict[str, tuple[float, float]]:
    if hypers is None:
        return {}
    if not isinstance(hypers, dict) or not hypers:
        raise ValueError(f"hypers must be a dict name -> (low, high), got {hypers!r}")
    out = {}
    for name, rng in hypers.items():
        if not isinstance(rng, (tuple, list)) or len(rng) != 2:
            raise ValueError(f"hypers[{name!r}] must be a range (low, high), got {rng!r}")
        lo, hi = real(rng[0], f"hypers[{name!r}]"), real(rng[1], f"hypers[{name!r}]")
        if not lo <= hi:
            raise ValueError(f"hypers[{name!r}] must satisfy low <= high (finite), got {rng!r}")
        out[str(name)] = (lo, hi)
    return out


def _check_common(algorithm, family, steps, bound, metric, at, seed, hypers):
    from ..algorithms import Algorithm

    hyper_box = _check_hypers(hypers)
    if not isinstance(family, Family):
        raise ValueError(f"family must be a samlab.adversary family (Quadratics, Huber, Saddles, Cosines, "
                         f"LeastSquaresFamily), got {type(family).__name__}")
    if hyper_box:
        if not callable(algorithm) or isinstance(algorithm, Algorithm):
            raise ValueError("with hypers, algorithm must be a factory called with one array per hyperparameter "
                             "(e.g. lambda lr, rho: sl.algorithms.sam(lr, rho))")
        probe = {k: np.array([lo, hi]) for k, (lo, hi) in hyper_box.items()}
        try:
            built = algorithm(**probe)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"algorithm factory failed on the ends of hypers {hyper_box}: {exc}") from exc
        if not isinstance(built, Algorithm):
            raise ValueError(f"the algorithm factory must return a samlab algorithm, got {type(built).__name__}")
    else:
        if not isinstance(algorithm, Algorithm):
            raise ValueError(f"algorithm must be built by samlab.algorithms, got {type(algorithm).__name__}")
        for name, h in algorithm.hypers.items():
            if h.kind == "array":
                raise ValueError(f"{name}: per-run arrays cannot be searched as such (the runs are the "
                                 "candidates); give a range in hypers= and a factory instead")
    steps = integer(steps, "steps", minimum=1)
    if at not in ("final", "all"):
        raise ValueError(f"at must be 'final' or 'all', got {at!r}")
    _check_metric(metric)
    integer(seed, "seed", minimum=0)
    t = np.arange(1, steps + 1) if at == "all" else np.array([steps])
    # NaN or ≤ 0 anywhere: ValueError naming the bound, before any run (hyperparameters: at the box's
    # ends and middle; every population is checked again when it is evaluated)
    probe = {k: np.array([lo, 0.5 * (lo + hi), hi]) for k, (lo, hi) in hyper_box.items()}
    _bound_values(bound, t, probe or None)
    return hyper_box


def search(algorithm, family: Family, *, steps: int, bound, metric="f_gap", at: str = "final",
           budget: int = 2000, seed: int = 0, population: int | None = None, replicas: int = 16,
           final_replicas: int = 400, confidence: float = 0.95, noise=None, hypers=None,
           progress: Callable[[int, float], None] | None = None) -> Search:
    """The member of ``family`` with the largest measured/bound ratio for ``algorithm``.

    ``bound``: a float or a callable of the step array t (K,) → (K,); NaN or ≤ 0 anywhere raises
    ValueError naming it. ``hypers``: ranges {name: (low, high)} searched together with the instance;
    ``algorithm`` is then a factory of those names and ``bound`` a callable bound(t, **hypers) (see
    the module docstring). ``at``: "final" (t = steps) or "all" (max over t = 1 … steps). ``budget``:
    instance evaluations (population × generations; Monte Carlo replicas not counted);
    ``population``: candidates per generation (default 5 per parameter, clipped to [20, 100]).
    Stochastic runs (family with a sampling, or ``noise``): ``replicas`` runs per candidate during
    the search, ``final_replicas`` for the reported mean and its ``confidence`` interval.
    ``progress``: called as ``progress(generation, best_ratio)`` after each generation (0 is the
    initial population; best_ratio is the largest ratio seen so far), e.g. by ``samlab worst-case``.
    """
    hyper_box = _check_common(algorithm, family, steps, bound, metric, at, seed, hypers)
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be a callable progress(generation, best_ratio), got {progress!r}")
    budget = integer(budget, "budget", minimum=1)
    replicas = integer(replicas, "replicas", minimum=1)
    final_replicas = integer(final_replicas, "final_replicas", minimum=2)
    if not 0 < real(confidence, "confidence") < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    evaluator = _Evaluator(algorithm, family, int(steps), bound, metric, at, replicas, noise, seed, hyper_box)
    n_par = len(evaluator.box)
    if population is None:
        population = min(max(5 * n_par, 20), 100)
    population = integer(population, "population", minimum=4)
    multiplier = max(1, math.ceil(population / n_par))
    size = multiplier * n_par  # scipy's population: multiplier × number of parameters
    if budget < size:
        raise ValueError(f"budget must allow one population of {size} instances ({multiplier} per parameter "
                         f"× {n_par} parameters), got {budget}")
    generations = budget // size - 1
    history: list[float] = []

    def objective(X: np.ndarray) -> np.ndarray:  # X: (p, S) as scipy's vectorized mode passes it
        ratios = evaluator(X.T)
        best = float(np.max(ratios))
        history.append(best if not history else max(history[-1], best))
        if progress is not None:
            progress(len(history) - 1, history[-1])
        return -ratios

    started = time.perf_counter()
    lo, hi = np.array(evaluator.box).T
    key = _cache.search_key({
        "algorithm": algorithm, "family": family, "steps": int(steps), "bound": bound, "metric": metric, "at": at,
        "budget": budget, "seed": int(seed), "population": population, "replicas": replicas, "noise": noise,
        "hypers": hyper_box}) if _cache.enabled() else None
    outcome = _cache.load_search(key) if key is not None else None
    if outcome is not None:  # the same search ran before: its optimum, re-measured below
        history[:] = outcome["history"]
        evaluator.evaluated = int(outcome["evaluated"])
        if progress is not None:
            progress(len(history) - 1, history[-1])
    else:
        result = optimize.differential_evolution(
            objective, list(zip(lo, hi)), popsize=multiplier, maxiter=generations, tol=0.0, atol=0.0, polish=False,
            init="latinhypercube", updating="deferred", vectorized=True,
            rng=seeding.rng(seed, "adversary", family.name), disp=False)
        outcome = {"x": [float(v) for v in result.x], "fun": float(result.fun), "history": history,
                   "evaluated": evaluator.evaluated}
        if key is not None:
            _cache.store_search(key, outcome)
    params, best_hypers = evaluator.split(np.clip(np.asarray(outcome["x"], dtype=float), lo, hi)[None, :])
    best_hypers = {k: float(v[0]) for k, v in best_hypers.items()}
    instance = family.instance(params[0])
    final_algorithm = algorithm(**best_hypers) if hyper_box else algorithm
    found = _final(final_algorithm, instance, evaluator, best_hypers, final_replicas, confidence)
    seconds = time.perf_counter() - started
    stochastic = evaluator.stochastic
    return Search(
        worst_ratio=found["ratio"], problem=instance.problem, x0=instance.x0, t=found["t"], measured=found["measured"],
        bound_value=found["bound"], history=np.array(history), search_ratio=-float(outcome["fun"]),
        params=instance.params, center=instance.center, algorithm=final_algorithm, family=family.describe(),
        metric=metric if isinstance(metric, str) else getattr(metric, "__name__", "callable"), at=at, steps=int(steps), budget=budget,
        evaluations=evaluator.evaluated, generations=len(history), population=size, seed=int(seed), seconds=seconds,
        stochastic=stochastic, replicas=final_replicas if stochastic else 1, ci=found.get("ci"),
        sem=found.get("sem"), confidence=confidence if stochastic else None, sampling=family.sampling, noise=noise,
        hypers=best_hypers, hyper_box=hyper_box, _bound=bound, _metric=metric)


def _final(algorithm, instance: Instance, ev: _Evaluator, hypers: dict, final_replicas: int,
           confidence: float) -> dict:
    """Measure the returned instance with ``samlab.run`` exactly as :meth:`Search.rerun` does."""
    R = final_replicas if ev.stochastic else None
    center = None if instance.center is None else instance.center[None]
    res = run(instance.problem, algorithm, instance.x0, ev.steps, runs=R, sampling=ev.family.sampling,
              noise=ev.noise, seed=ev.seed, checkpoints=ev.checkpoints,
              observe=_observers(ev.metric, center), name="adversary/final")
    t, values = _measure(res, ev.metric, ev.at, ev.steps)
    bounds = _bound_values(ev.bound, t, {k: np.array([v]) for k, v in hypers.items()} or None)[:, 0]
    mean = values.mean(axis=1)
    ratio = mean / bounds
    i = int(np.argmax(np.where(np.isnan(ratio), -np.inf, ratio)))
    out = {"ratio": float(ratio[i]), "t": int(t[i]), "measured": float(mean[i]), "bound": float(bounds[i])}
    if ev.stochastic:
        r = values[i] / bounds[i]
        sem = float(stats.sem(r))
        lo, hi = stats.t.interval(confidence, df=r.size - 1, loc=float(r.mean()), scale=sem) if sem > 0 else (
            float(r.mean()), float(r.mean()))
        out.update({"ci": (float(lo), float(hi)), "sem": sem})
    return out


def sample_ratios(algorithm, family: Family, *, steps: int, bound, metric="f_gap", at: str = "final",
                  n: int = 100, seed: int = 0, replicas: int = 16, noise=None, hypers=None) -> np.ndarray:
    """(n,) ratios of members drawn uniformly in the family's box: what random instances show.

    The same measurement as :func:`search` (one batched run), for comparing the adversarial worst
    with typical instances (e.g. the median over random draws).
    """
    hyper_box = _check_common(algorithm, family, steps, bound, metric, at, seed, hypers)
    n = integer(n, "n", minimum=1)
    replicas = integer(replicas, "replicas", minimum=1)
    ev = _Evaluator(algorithm, family, int(steps), bound, metric, at, replicas, noise, seed, hyper_box)
    lo, hi = np.array(ev.box).T
    P = lo + (hi - lo) * seeding.rng(seed, "adversary-sample", family.name).random((n, lo.size))
    return ev(P)
