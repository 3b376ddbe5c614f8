r"""The theory card: one fixed battery of experiments that places a variant beside gd, usam and sam.

    import samlab as sl
    card = sl.card("sam")                                   # a registered name, "pkg.mod:factory",
    card = sl.card(sl.algorithms.unified_sam, lam=0.5)      # "file.py:factory" or a factory
    print(card)                                             # the terminal table
    card.rows; card.to_json(); card.save_png("unified_sam.png")

Every row is measured from runs made in the call, for the variant and for the reference algorithms
gd, usam and sam (the same instances, starts, samples and step sizes; never typed in). Row ids are
fixed so that outside tools can read the JSON:

=================================  =====================================================================
``exact-convergence``              with constant hyperparameters, does it reach the minimizer of a
                                   strongly convex quadratic (true/false)?
``plateau-rho-exponent``           fitted exponent of the plateau f − f* in ρ (null when it converges exactly)
``plateau-lr-exponent``            the same in the step size
``stochastic-floor-rho-exponent``  exponent of the floor in ρ on a finite sum with one-sample gradients
``decaying-rho-removes-floor``     does ρ_t → 0 remove that floor (true/false)?
``saddle-trapped``                 started near the saddle of x² − y², is it trapped (true/false)?
``saddle-threshold``               smallest ρ that traps on a saddle with |λ₋| = 1 (null if none scanned)
``hallucinated-point``             distance of the limit on −cos x from the nearest stationary point
``max-stable-lr-L``                the largest stable lr·L on a quadratic at the given ρ
=================================  =====================================================================

Each row states its protocol and decision rule (with the tolerances and why) in its ``protocol``
text; :data:`ROWS` lists them. Conventions:

* **Step sizes are lr·L.** The card's ``lr`` (default 0.1) is the step size times the smoothness L of
  each instance (L = 1 except x² − y², where L = 2, and the finite sum, where L_max = max_i L_i = 1
  is used, the constant that governs one-sample steps). ``rho`` (default 0.05) is absolute.
* ``hypers`` are the variant's fixed hyperparameters (``lam=0.5``, ``theta=0.5``, ``momentum=0.9``
  …), passed to its factory as keywords, with ``lr`` and ``rho``; the rows that sweep lr or ρ
  override those two. The references are plain ``gd(lr)``, ``usam(lr, rho)``, ``sam(lr, rho)`` at
  the card's lr and ρ. A factory without a ``rho`` parameter (gd) has null ρ-rows.
* **Numbers.** Fits are :func:`samlab.analysis.loglog_fit` (a 95% regression interval and a 95%
  bootstrap interval over starts or runs; the row's ``ci`` is the hull of both); thresholds are
  batched grids refined by bisection-like rounds (``ci`` is then the final bracket). The JSON is
  byte-identical for the same inputs and seed.
* ``quick=True`` (for tests) uses fewer starts, Monte Carlo runs and shorter horizons; the decision
  rules are the same.

Sources of the reference closed forms (the ``theory`` entries of a row): the 2-cycle ±c·e_top of
deterministic SAM on a quadratic, c = γLρ/(2 − γL), plateau (L/2)c² [derived] (cf. Bartlett, Long &
Bousquet 2022; it is the ρ-neighbourhood of Si & Yun 2023's constant-ρ bounds); USAM's step limit
γL(1 + ρL) < 2 [derived]; USAM's saddle attraction iff ρ|λ₋| > 1 (Kim et al. 2023, Theorem 1
[paper]); SAM's fixed point x̂ = 2π − ρ of −cos x [derived], the constant-ρ failure ("hallucinated
minimizer", Park et al. 2025) that the ρ_k → 0 schedules of Khanh et al. 2024 rule out.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import numbers
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

__all__ = ["card", "Card", "ROWS", "ROW_IDS", "REFERENCES", "DEFAULT_LR", "DEFAULT_RHO", "prepare", "markdown_table"]

DEFAULT_LR = 0.1
"""Default lr·L of the rows that do not sweep the step size."""
DEFAULT_RHO = 0.05
"""Default ρ of the rows that do not sweep ρ."""
REFERENCES = ("gd", "usam", "sam")
"""The reference algorithms of every card, in column order."""

RESOLUTION = 1e-20
"""f − f* at or below which a run has reached the minimizer in float64 (see exact-convergence)."""

ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("exact-convergence",
     "with constant hyperparameters, does it reach the minimizer of a strongly convex quadratic (true/false)?",
     None),
    ("plateau-rho-exponent",
     "fitted exponent of the plateau f − f* in ρ (null when it converges exactly)", "exponent"),
    ("plateau-lr-exponent", "the same in the step size", "exponent"),
    ("stochastic-floor-rho-exponent",
     "exponent of the floor in ρ on a finite sum with one-sample gradients", "exponent"),
    ("decaying-rho-removes-floor", "does ρ_t → 0 remove that floor (true/false)?", None),
    ("saddle-trapped",
     "started near the saddle of x² − y² with the given hyperparameters, is it trapped (true/false)?", None),
    ("saddle-threshold",
     "smallest ρ that traps on a saddle with |λ₋| = 1 (null if none in the range scanned)", "ρ"),
    ("hallucinated-point",
     "distance of the limit on −cos x from the nearest stationary point", "distance in x"),
    ("max-stable-lr-L", "the largest stable lr·L on a quadratic at the given ρ", "lr·L"),
)
"""(id, question, unit) of every row, in card order."""
ROW_IDS = tuple(r[0] for r in ROWS)
_CI_KIND = {
    "plateau-rho-exponent": "fit: hull of the 95% regression and bootstrap intervals",
    "plateau-lr-exponent": "fit: hull of the 95% regression and bootstrap intervals",
    "stochastic-floor-rho-exponent": "fit: hull of the 95% regression and bootstrap intervals",
    "saddle-threshold": "bracket: last non-trapping and first trapping ρ scanned",
    "max-stable-lr-L": "bracket: largest stable and first unstable lr·L scanned",
}
"""What a row's ``ci`` is (rows without one have null)."""


# ----------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class _Settings:
    """Sizes of the battery; quick and full differ in sample sizes and horizons, not in rules."""

    mode: str
    starts: int               # starts on the quadratic (deterministic rows)
    efolds: float             # quadratic and finite-sum horizon T = ⌈efolds/(γμ)⌉
    rho_grid: tuple[float, ...]
    lr_grid: tuple[float, ...]
    window: int               # dense final window (steps) of the plateau rows
    sto_runs: int             # Monte Carlo runs per ρ on the finite sum
    sto_rho_grid: tuple[float, ...]
    sto_window: int
    saddle_units: float       # saddle horizon T = ⌈units/(lr·L)⌉
    cos_units: float          # −cos x horizon T = ⌈units/(lr·L)⌉
    threshold_points: int     # first ρ grid of the saddle threshold (1e-4 … 10)
    stab_points: int          # first lr·L grid of the stability edge (0.05 … 8)
    stab_steps: int
    refine_rounds: int
    refine_points: int
    n_boot: int


_FULL = _Settings("full", starts=16, efolds=80.0, rho_grid=tuple(np.geomspace(0.005, 0.05, 6)),
                  lr_grid=tuple(np.geomspace(0.01, 0.1, 6)), window=512, sto_runs=64,
                  sto_rho_grid=tuple(np.geomspace(0.005, 0.05, 5)), sto_window=1024, saddle_units=1000.0,
                  cos_units=200.0, threshold_points=61, stab_points=64, stab_steps=4000, refine_rounds=3,
                  refine_points=16, n_boot=999)
_QUICK = _Settings("quick", starts=3, efolds=40.0, rho_grid=tuple(np.geomspace(0.005, 0.05, 4)),
                   lr_grid=tuple(np.geomspace(0.02, 0.1, 4)), window=128, sto_runs=10,
                   sto_rho_grid=tuple(np.geomspace(0.005, 0.05, 4)), sto_window=256, saddle_units=500.0,
                   cos_units=200.0, threshold_points=26, stab_points=32, stab_steps=2000, refine_rounds=2,
                   refine_points=10, n_boot=299)

_PLATEAU_SETTLED = 0.05
"""Relative change of a plateau between the window ending at T/2 and the final one below which it is
called settled (a 2-cycle changes by 0; a run still descending by more than 5% over T/2 steps is not
on its plateau)."""
_STABLE_GROWTH = 2.0
"""A run whose distance to x* grows more than ×2 between the second and the last quarter is unstable."""


# ----------------------------------------------------------------------------- the subject

@dataclass(frozen=True)
class _Subject:
    """A factory with its fixed hyperparameters: ``build(lr, rho)`` → Algorithm (ρ dropped if untaken)."""

    name: str
    factory: Callable
    fixed: tuple[tuple[str, Any], ...]
    takes_rho: bool

    def build(self, lr, rho=None):
        kw = dict(self.fixed)
        kw["lr"] = lr
        if self.takes_rho:
            kw["rho"] = DEFAULT_RHO if rho is None else rho
        return self.factory(**kw)


def _parameters(factory: Callable) -> tuple[dict[str, inspect.Parameter], bool] | None:
    """The factory's named parameters and whether it takes **kwargs (None if it has no signature)."""
    try:
        sig = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    named = {n: p for n, p in sig.parameters.items()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    var_kw = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    return named, var_kw


def _hyper_value(name: str, value: Any):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real):
        v = float(value) if not isinstance(value, numbers.Integral) else int(value)
        if not math.isfinite(v):
            raise ValueError(f"hyperparameter {name} must be finite, got {value!r}")
        return v
    raise ValueError(f"hyperparameter {name} must be a number or a boolean (a card describes one fixed variant; "
                     f"wrap anything else in your own factory, e.g. functools.partial), got {value!r}")


def prepare(factory, hypers: Mapping[str, Any] | None = None) -> tuple[_Subject, dict[str, Any]]:
    """Resolve ``factory`` and check ``hypers`` without running anything.

    Returns the subject and the card's hyperparameters ``{"lr": lr·L, "rho": ρ (if taken), …}``.
    ValueError (naming the argument) for an unknown name, a factory that takes no ``lr``, a
    hyperparameter the factory does not take or needs and is not given, or a value the factory rejects.
    """
    from . import algorithms

    if isinstance(factory, str):
        factory = algorithms.get(factory)
    if not callable(factory):
        raise ValueError(f"factory must be an algorithm factory or a name, got {factory!r}")
    hypers = {str(k): _hyper_value(str(k), v) for k, v in dict(hypers or {}).items()}
    lr = hypers.pop("lr", DEFAULT_LR)
    if isinstance(lr, bool) or not lr > 0:
        raise ValueError(f"lr (lr·L) must be > 0, got {lr!r}")
    rho = hypers.pop("rho", None)
    if rho is not None and (isinstance(rho, bool) or not rho >= 0):
        raise ValueError(f"rho must be >= 0, got {rho!r}")
    params = _parameters(factory)
    label = getattr(factory, "__name__", None) or type(factory).__name__
    if params is not None:
        named, var_kw = params
        if "lr" not in named and not var_kw:
            raise ValueError(f"factory {label} takes no lr: a card needs a factory(lr, rho, …)")
        takes_rho = "rho" in named or var_kw
        unknown = [k for k in hypers if k not in named and not var_kw]
        if unknown:
            raise ValueError(f"{label} takes no hyperparameter {', '.join(unknown)}"
                             f" (it takes {', '.join(n for n in named) or 'nothing'})")
        missing = [n for n, p in named.items() if p.default is p.empty and n not in ("lr", "rho") and n not in hypers]
        if missing:
            raise ValueError(f"{label} needs {', '.join(missing)}: give a value for each"
                             f" (e.g. {missing[0]}=0.5)")
    else:
        takes_rho = True
    if rho is not None and not takes_rho:
        raise ValueError(f"{label} takes no rho")
    subject = _Subject("", factory, tuple(hypers.items()), takes_rho)
    try:  # the factory validates its values now, before any run
        alg = subject.build(float(lr), DEFAULT_RHO if rho is None else rho)
    except TypeError as exc:
        raise ValueError(f"{label} cannot be called as {label}(lr=…, rho=…, **hypers): {exc}") from None
    from .algorithms import Algorithm

    if not isinstance(alg, Algorithm):
        raise ValueError(f"factory {label} must return a samlab Algorithm, got {type(alg).__name__}")
    subject = _Subject(alg.name, factory, tuple(hypers.items()), takes_rho)
    card_hypers: dict[str, Any] = {"lr": float(lr)}
    if takes_rho:
        card_hypers["rho"] = float(DEFAULT_RHO if rho is None else rho)
    card_hypers.update(hypers)
    return subject, card_hypers


# ----------------------------------------------------------------------------- instances

def _quadratic():
    """½(x − x*)ᵀH(x − x*), H = Q diag(1, ½, ¼) Qᵀ (fixed rotation): L = 1, μ = ¼, x* = (1, −½, ¼), f* = 0."""
    from .problems import Quadratic

    return Quadratic.from_spectrum([1.0, 0.5, 0.25], seed=1, x_star=[1.0, -0.5, 0.25], name="card_quadratic")


def _frame_least_squares():
    """Consistent least squares on a rotated harmonic unit-norm tight frame of 16 vectors in R⁴.

    a_k = R·(cos θ_k, sin θ_k, cos 2θ_k, sin 2θ_k)/√2, θ_k = 2πk/16: ‖a_k‖ = 1 (L_i = 1) and
    AᵀA/16 = I/4 (L = μ = 1/4 exactly); b = A x* with ‖x*‖ = 1, so every f_i is minimized at x*.
    """
    from .problems import LeastSquares, random_rotation
    from .seeding import rng

    theta = 2.0 * np.pi * np.arange(16) / 16.0
    frame = np.stack([np.cos(theta), np.sin(theta), np.cos(2 * theta), np.sin(2 * theta)], axis=1) / np.sqrt(2.0)
    g = rng(0, "card", "frame")
    A = frame @ random_rotation(4, g).T
    x_star = g.standard_normal(4)
    x_star /= np.linalg.norm(x_star)
    return LeastSquares(A, A @ x_star, name="card_frame_least_squares")


@functools.cache
def _saddle_problem(expr: str):
    """x² − y² or ½(x² − y²) from its expression (compiled once per process)."""
    from .problems import from_expression

    return from_expression(expr, name="card_saddle")


def _unit_vectors(seed: int, key: str, count: int, dim: int) -> np.ndarray:
    from .seeding import rng

    u = rng(seed, "card", key).standard_normal((count, dim))
    return u / np.linalg.norm(u, axis=1, keepdims=True)


# ----------------------------------------------------------------------------- outcomes

@dataclass
class _Outcome:
    measured: Any = None
    ci: tuple[float, float] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    curves: dict[str, Any] = field(default_factory=dict)


def _fit(grid: np.ndarray, levels: np.ndarray, seed: int, n_boot: int):
    """loglog_fit of levels (P, B) vs grid over the points above RESOLUTION; (slope, ci hull, n) or None."""
    from .analysis import loglog_fit

    keep = np.all(np.isfinite(levels), axis=1) & np.all(levels > RESOLUTION, axis=1)
    if np.count_nonzero(keep) < 3:
        return None
    fit = loglog_fit(grid[keep], levels[keep], seed=seed, n_boot=n_boot)
    lo, hi = fit.slope_ci
    if fit.slope_ci_boot is not None:
        lo, hi = min(lo, fit.slope_ci_boot[0]), max(hi, fit.slope_ci_boot[1])
    return fit.slope, (lo, hi), int(np.count_nonzero(keep))


def _geomean(values: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.exp(np.log(np.maximum(values, 1e-300)).mean(axis=axis))


def _windows(T: int, W: int, curve_points: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checkpoints: log-spaced (for curves) + the dense windows ending at T/2 and at T."""
    half = T // 2
    mid = np.arange(max(1, half - W + 1), half + 1)
    end = np.arange(max(1, T - W + 1), T + 1)
    logs = np.unique(np.round(np.geomspace(1, T, curve_points)).astype(np.int64))
    return np.unique(np.concatenate([logs, mid, end])), mid, end


# ----------------------------------------------------------------------------- the experiments

def _horizon(efolds: float, contraction: float, cap: int = 400_000) -> int:
    return int(min(cap, math.ceil(efolds / contraction)))


def _exact_convergence(subject: _Subject, lr: float, rho: float | None, S: _Settings, seed: int) -> _Outcome:
    from .engine import run

    q = _quadratic()
    x0 = q.x_star + _unit_vectors(seed, "quadratic-starts", S.starts, q.dim)
    T = _horizon(S.efolds, lr * q.mu)
    res = run(q, subject.build(lr / q.L, rho), x0, T, checkpoints=80, name="card/exact-convergence", seed=seed)
    final = res.f_gap[-1]
    ok = res.status == "ok"
    reached = bool(np.all(ok) and np.all(final <= RESOLUTION))
    worst = float(np.max(final)) if np.all(ok) else math.inf
    return _Outcome(reached, None,
                    {"f_gap_final_max": worst, "runs_finite": int(np.count_nonzero(ok)), "runs": int(ok.size),
                     "steps": T},
                    {"t": res.t, "f_gap": _geomean(np.where(ok, res.f_gap, np.nan), axis=1)})


def _plateau_sweep(subject: _Subject, grid: np.ndarray, lrs: np.ndarray, rhos: np.ndarray, S: _Settings,
                   seed: int, key: str) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Plateau levels (P, starts) on the quadratic for per-point (lr·L, ρ); NaN for non-finite runs."""
    from .engine import run

    q = _quadratic()
    P, n = grid.size, S.starts
    x0 = np.tile(q.x_star + _unit_vectors(seed, "quadratic-starts", n, q.dim), (P, 1))
    T = _horizon(S.efolds, float(lrs.min()) * q.mu)
    ck, mid, end = _windows(T, S.window)
    alg = subject.build(np.repeat(lrs / q.L, n), np.repeat(rhos, n))
    res = run(q, alg, x0, T, checkpoints=ck, name=f"card/{key}", seed=seed)
    ok = (res.status == "ok").reshape(P, n)
    in_mid, in_end = np.isin(res.t, mid), np.isin(res.t, end)
    level = res.f_gap[in_end].mean(axis=0).reshape(P, n)
    level_mid = res.f_gap[in_mid].mean(axis=0).reshape(P, n)
    level = np.where(ok, level, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        change = np.abs(level - level_mid) / level
    settled = ok & ((change < _PLATEAU_SETTLED) | (level <= RESOLUTION))
    info = {"steps": T, "grid": grid, "level": _geomean(np.where(ok, level, np.nan), axis=1),
            "settled_fraction": float(np.mean(settled)), "runs_finite": int(np.count_nonzero(ok)),
            "runs": int(ok.size)}
    return level, ok, info


def _plateau_exponent(subject, lr, rho, S, seed, which: str, converges: bool) -> _Outcome:
    if not subject.takes_rho and which == "rho":
        return _Outcome(None, None, {"note": "no ρ"})
    if converges:
        return _Outcome(None, None, {"note": "converges exactly (exact-convergence is true)"})
    if which == "rho":
        grid = np.asarray(S.rho_grid)
        level, ok, info = _plateau_sweep(subject, grid, np.full(grid.size, lr), grid, S, seed, "plateau-rho")
    else:
        grid = np.asarray(S.lr_grid)
        level, ok, info = _plateau_sweep(subject, grid, grid, np.full(grid.size, rho if rho is not None else 0.0),
                                         S, seed, "plateau-lr")
    fitted = _fit(grid, level, seed, S.n_boot)
    details = {"grid": grid, "plateau": info["level"], "steps": info["steps"],
               "settled_fraction": info["settled_fraction"], "runs_finite": info["runs_finite"],
               "runs": info["runs"]}
    curves = {"grid": grid, "plateau": info["level"]}
    if fitted is None:
        details["note"] = "fewer than 3 grid points with a finite plateau above 1e-20"
        return _Outcome(None, None, details, curves)
    slope, ci, used = fitted
    details["points_fitted"] = used
    return _Outcome(slope, ci, details, curves)


def _stochastic(subject: _Subject, lr: float, rho: float | None, S: _Settings, seed: int) -> tuple[_Outcome, _Outcome]:
    """The floor's ρ-exponent and whether ρ_k → 0 removes it (one finite-sum instance, one-sample gradients)."""
    from .analysis import mc_mean, plateau
    from .engine import run
    from .sampling import Uniform
    from .schedules import inverse_power

    if not subject.takes_rho:
        return _Outcome(None, None, {"note": "no ρ"}), _Outcome(None, None, {"note": "no ρ"})
    ls = _frame_least_squares()
    L_max = float(np.max(ls.L_i))
    gamma = lr / L_max
    grid = np.asarray(S.sto_rho_grid)
    P, R = grid.size, S.sto_runs
    starts = ls.x_star + _unit_vectors(seed, "finite-sum-starts", R, ls.dim)
    T = _horizon(S.efolds, gamma * ls.mu)
    ck, _, end = _windows(T, S.sto_window)
    second_half = np.unique(np.round(np.geomspace(T // 2, T, 32)).astype(np.int64))  # log-uniform in [T/2, T]
    ck = np.union1d(ck, second_half)
    sampling = Uniform(batch_size=1)
    res = run(ls, subject.build(np.full(P * R, gamma), np.repeat(grid, R)), np.tile(starts, (P, 1)), T,
              sampling=sampling, checkpoints=ck, name="card/stochastic-floor", seed=seed)
    in_end = np.isin(res.t, end)
    ok = (res.status == "ok").reshape(P, R)
    floor = np.where(ok, res.f_gap[in_end].mean(axis=0).reshape(P, R), np.nan)
    fitted = _fit(grid, floor, seed, S.n_boot)
    gm = _geomean(floor, axis=1)
    details = {"grid": grid, "floor": gm, "steps": T, "runs_per_rho": R, "runs_finite": int(np.count_nonzero(ok)),
               "lr": gamma}
    has_floor = bool(np.all(ok) and np.all(floor > RESOLUTION))
    if fitted is None:
        details["note"] = ("no floor: one-sample runs reach f − f* ≤ 1e-20" if np.all(ok)
                           else "fewer than 3 ρ values with a finite floor")
        exponent = _Outcome(None, None, details, {"grid": grid, "floor": gm})
    else:
        slope, ci, used = fitted
        details["points_fitted"] = used
        exponent = _Outcome(slope, ci, details, {"grid": grid, "floor": gm})

    rho0 = float(rho if rho is not None else DEFAULT_RHO)
    t0 = T / 20.0
    runs = {}
    for label, rho_value in (("constant", rho0), ("decaying", inverse_power(rho0 * t0, 1.0, t0))):
        # the same seed, name and number of runs: both see the same component samples (paired)
        runs[label] = run(ls, subject.build(gamma, rho_value), starts, T, sampling=sampling, checkpoints=ck,
                          name="card/decaying-rho", seed=seed)
    const, dec = runs["constant"], runs["decaying"]
    curves = {"t": dec.t, "constant": _geomean(np.where(const.status == "ok", const.f_gap, np.nan), axis=1),
              "decaying": _geomean(np.where(dec.status == "ok", dec.f_gap, np.nan), axis=1)}
    dd = {"rho0": rho0, "t0": t0, "steps": T, "rho_final": rho0 * t0 / (T + t0)}
    if not has_floor:
        dd["note"] = "no floor to remove" if np.all(ok) else "runs with constant ρ are not all finite"
        return exponent, _Outcome(None, None, dd, curves)
    if not (np.all(const.status == "ok") and np.all(dec.status == "ok")):
        dd["note"] = "a constant- or decaying-ρ run is not finite"
        return exponent, _Outcome(False, None, dd, curves)
    const_level = const.f_gap[in_end].mean(axis=0)
    dec_level = dec.f_gap[in_end].mean(axis=0)
    mc_const, mc_dec = mc_mean(const_level), mc_mean(dec_level)
    second = np.isin(dec.t, second_half)
    at_resolution = bool(np.all(dec_level <= RESOLUTION))
    if at_resolution:
        slope, slope_ci = -math.inf, (-math.inf, -math.inf)
    else:
        pl = plateau(dec.t[second], np.maximum(dec.f_gap[second], 1e-300), tail=1.0)
        slope, slope_ci = pl.log_slope, pl.log_slope_ci
    decreasing = at_resolution or slope_ci[1] < 0.0
    below = mc_dec.ci[1] < mc_const.ci[0]
    dd.update({"floor_constant": mc_const.mean, "floor_constant_ci": mc_const.ci, "level_decaying": mc_dec.mean,
               "level_decaying_ci": mc_dec.ci, "log_slope_second_half": slope, "log_slope_ci": slope_ci,
               "still_decreasing": bool(decreasing), "below_constant_floor": bool(below)})
    return exponent, _Outcome(bool(decreasing and below), None, dd, curves)


def _saddle_runs(subject: _Subject, expr: str, L: float, lr: float, rhos, seed: int, units: float, key: str):
    """Runs from (1, 1e-3) on a 2-D saddle, escape |y| ≥ 1 (a stop event); returns (trapped (B,), t, |y| (K, B), res).

    Trapped ⇔ finite, no escape in T steps, and max |y| over the last quarter ≤ 2 × max |y| over the
    second quarter (the unstable coordinate is not growing: decaying, a cycle or a bounded chaotic orbit).
    """
    from .engine import run

    p = _saddle_problem(expr)
    T = _horizon(units, lr)
    x0 = np.array([1.0, 1e-3])
    B = 1 if rhos is None or np.ndim(rhos) == 0 else len(rhos)
    alg = subject.build(lr / L if B == 1 else np.full(B, lr / L), rhos)
    ck = np.arange(0, T + 1, max(1, T // 2000))
    res = run(p, alg, np.tile(x0, (B, 1)), T, stop=lambda v: np.abs(v.x[:, 1]) >= 1.0, checkpoints=ck,
              keep_iterates=True, name=f"card/{key}", seed=seed)
    y = np.abs(res.iterates[:, :, 1])
    second = (res.t >= T // 4) & (res.t < T // 2)
    last = res.t >= 3 * T // 4
    not_growing = y[last].max(axis=0) <= _STABLE_GROWTH * y[second].max(axis=0)
    return (res.status == "ok") & not_growing, res.t, y, res


def _saddle_trapped(subject, lr, rho, S, seed) -> _Outcome:
    trapped, t, y, res = _saddle_runs(subject, "x**2 - y**2", 2.0, lr, rho, seed, S.saddle_units, "saddle")
    T = int(t[-1])
    last = t >= 3 * T // 4
    details = {"steps": T, "status": str(res.status[0]), "escaped_at": int(res.stopped_at[0]),
               "y_max_last_quarter": float(y[last, 0].max()), "y_final": float(abs(res.x[0, 1])),
               "x_final": float(res.x[0, 0])}
    keep = np.unique(np.round(np.geomspace(1, t.size - 1, 200)).astype(np.int64))
    return _Outcome(bool(trapped[0]), None, details, {"t": t[keep], "y": y[keep, 0]})


def _edge(evaluate: Callable[[np.ndarray], np.ndarray], grid: np.ndarray, rounds: int, points: int):
    """Scan an ascending grid for the first value where ``evaluate`` (batched, (n,) bool) is True, then
    refine the bracket (last False, first True) ``rounds`` times with ``points`` geometric points.

    Returns (lo, hi, values, flags): lo None if the first value is True, hi None if none is.
    """
    values, flags = list(grid), list(evaluate(grid))
    first = next((i for i, f in enumerate(flags) if f), None)
    if first is None:
        return float(grid[-1]), None, np.asarray(values), np.asarray(flags)
    if first == 0:
        return None, float(grid[0]), np.asarray(values), np.asarray(flags)
    lo, hi = float(grid[first - 1]), float(grid[first])
    for _ in range(rounds):
        inner = np.geomspace(lo, hi, points + 2)[1:-1]
        got = evaluate(inner)
        values += list(inner)
        flags += list(got)
        hit = next((i for i, f in enumerate(got) if f), None)
        if hit is None:
            lo = float(inner[-1])
        else:
            hi = float(inner[hit])
            lo = float(inner[hit - 1]) if hit > 0 else lo
    order = np.argsort(values, kind="stable")
    return lo, hi, np.asarray(values)[order], np.asarray(flags)[order]


def _reversal(values: np.ndarray, flags: np.ndarray, edge: float | None) -> float | None:
    """The smallest scanned value above ``edge`` whose flag is False again (None: the flags stay True)."""
    if edge is None:
        return None
    back = values[(values > edge) & ~flags]
    return float(back.min()) if back.size else None


def _saddle_threshold(subject, lr, S, seed) -> _Outcome:
    if not subject.takes_rho:
        return _Outcome(None, None, {"note": "no ρ"})

    def trapped(rhos):
        return _saddle_runs(subject, "x**2/2 - y**2/2", 1.0, lr, np.asarray(rhos), seed, S.saddle_units,
                            "saddle-threshold")[0]

    grid = np.geomspace(1e-4, 10.0, S.threshold_points)
    lo, hi, values, flags = _edge(trapped, grid, S.refine_rounds, S.refine_points)
    details = {"range": (1e-4, 10.0), "steps": _horizon(S.saddle_units, lr), "bracket": (lo, hi),
               "escapes_again_at": _reversal(values, flags, hi)}
    curves = {"rho": values, "trapped": flags}
    if hi is None:
        details["note"] = "no ρ in [1e-4, 10] traps"
        return _Outcome(None, None, details, curves)
    if lo is None:
        details["note"] = "traps already at the smallest ρ scanned (1e-4)"
        return _Outcome(hi, None, details, curves)
    return _Outcome(hi, (lo, hi), details, curves)


def _hallucinated_point(subject, lr, S, seed) -> _Outcome:
    from .engine import run
    from .problems import neg_cos

    p = neg_cos()
    T = _horizon(S.cos_units, lr)
    W = 64
    ck = np.unique(np.concatenate([np.round(np.geomspace(1, T, 60)).astype(np.int64), np.arange(T - W + 1, T + 1)]))
    res = run(p, subject.build(lr, 4.0), np.array([2.0]), T, checkpoints=ck, keep_iterates=True,
              name="card/hallucinated-point", seed=seed)
    x = res.iterates[:, 0, 0]
    tail = res.t > T - W
    dist = np.abs(x[tail] - np.pi * np.round(x[tail] / np.pi))
    half = dist.size // 2
    details = {"rho": 4.0, "x0": 2.0, "steps": T, "status": str(res.status[0]), "x_final": float(x[-1]),
               "settled": bool(abs(dist[half:].max() - dist[:half].max()) <= 1e-9)}
    curves = {"t": res.t, "x": x}
    if res.status[0] != "ok":
        details["note"] = "the run is not finite"
        return _Outcome(None, None, details, curves)
    return _Outcome(float(dist.max()), None, details, curves)


def _max_stable_lr(subject, rho, S, seed) -> _Outcome:
    from .engine import run

    q = _quadratic()
    x0 = q.x_star + _unit_vectors(seed, "quadratic-starts", 1, q.dim)[0]
    T = S.stab_steps
    ck = np.arange(0, T + 1, max(1, T // 400))
    quarter2 = (ck >= T // 4) & (ck < T // 2)
    quarter4 = ck >= 3 * T // 4
    traces: list[tuple[np.ndarray, np.ndarray]] = []

    def unstable(lr_l):
        lr_l = np.asarray(lr_l, dtype=float)
        res = run(q, subject.build(lr_l / q.L, np.full(lr_l.size, rho) if rho is not None else None),
                  np.tile(x0, (lr_l.size, 1)), T, checkpoints=ck, divergence_threshold=1e6,
                  name="card/max-stable-lr", seed=seed)
        d = res.dist
        before = np.maximum(d[quarter2].max(axis=0), 1e-12)
        after = d[quarter4].max(axis=0)
        bad = (res.status != "ok") | ~(after <= _STABLE_GROWTH * before)
        traces.append((lr_l, np.where(res.status == "ok", after, np.inf)))
        return bad

    grid = np.geomspace(0.05, 8.0, S.stab_points)
    lo, hi, values, flags = _edge(unstable, grid, S.refine_rounds, S.refine_points)
    lrs = np.concatenate([t[0] for t in traces])
    dist = np.concatenate([t[1] for t in traces])
    order = np.argsort(lrs, kind="stable")
    details = {"range": (0.05, 8.0), "steps": T, "bracket": (lo, hi),
               "stable_again_at": _reversal(values, flags, hi)}
    curves = {"lr": lrs[order], "dist_final": dist[order], "stable": ~flags}
    if hi is None:
        details["note"] = "stable at every lr·L scanned (up to 8)"
        return _Outcome(None, None, details, curves)
    if lo is None:
        details["note"] = "unstable already at the smallest lr·L scanned (0.05)"
        return _Outcome(None, None, details, curves)
    return _Outcome(lo, (lo, hi), details, curves)


def _battery(subject: _Subject, lr: float, rho: float | None, S: _Settings, seed: int,
             progress: Callable[[str], None] | None = None) -> tuple[dict[str, _Outcome], dict[str, float]]:
    """Every row for one algorithm: {row id: outcome} and {row id: seconds}."""
    out: dict[str, _Outcome] = {}
    seconds: dict[str, float] = {}

    def timed(key, fn):
        start = time.perf_counter()
        value = fn()
        seconds[key] = time.perf_counter() - start
        if progress is not None:
            progress(f"{subject.name}: {key} ({seconds[key]:.1f} s)")
        return value

    out["exact-convergence"] = timed("exact-convergence", lambda: _exact_convergence(subject, lr, rho, S, seed))
    converges = out["exact-convergence"].measured is True
    out["plateau-rho-exponent"] = timed("plateau-rho-exponent",
                                        lambda: _plateau_exponent(subject, lr, rho, S, seed, "rho", converges))
    out["plateau-lr-exponent"] = timed("plateau-lr-exponent",
                                       lambda: _plateau_exponent(subject, lr, rho, S, seed, "lr", converges))
    floor, decay = timed("stochastic-floor-rho-exponent", lambda: _stochastic(subject, lr, rho, S, seed))
    out["stochastic-floor-rho-exponent"], out["decaying-rho-removes-floor"] = floor, decay
    out["saddle-trapped"] = timed("saddle-trapped", lambda: _saddle_trapped(subject, lr, rho, S, seed))
    out["saddle-threshold"] = timed("saddle-threshold", lambda: _saddle_threshold(subject, lr, S, seed))
    out["hallucinated-point"] = timed("hallucinated-point", lambda: _hallucinated_point(subject, lr, S, seed))
    out["max-stable-lr-L"] = timed("max-stable-lr-L", lambda: _max_stable_lr(subject, rho, S, seed))
    return out, seconds


# ----------------------------------------------------------------------------- protocols and theory

def _protocols(S: _Settings) -> dict[str, str]:
    g = lambda values: ", ".join(f"{v:.3g}" for v in values)  # noqa: E731
    quad = ("f = ½(x − x*)ᵀH(x − x*), H = Q diag(1, 0.5, 0.25)Qᵀ with a fixed rotation Q (L = 1, μ = 0.25), "
            "x* = (1, −0.5, 0.25), f* = 0")
    horizon = (f"T = ⌈{S.efolds:g}/(γμ)⌉ steps ({S.efolds:g} e-folds of GD's contraction 1 − γμ; "
               "GD needs 23 to go from ‖x0 − x*‖ = 1 to f − f* ≤ 1e-20)")
    plateau_rule = (f"plateau = mean of f − f* over the last {S.window} steps, recorded at every step (a cycle "
                    f"whose period divides {S.window} averages exactly); exponent = slope of log plateau vs log of "
                    "the swept value (samlab.analysis.loglog_fit over the grid points whose plateau is finite and "
                    "above 1e-20, geometric mean over starts); ci = hull of the 95% regression interval and the 95% "
                    "bootstrap interval over starts; settled_fraction = share of runs whose plateau moved by < 5% "
                    f"between the {S.window}-step window ending at T/2 and the last one (for a variant with its "
                    "own noise the two windows also differ by that noise). Null when exact-convergence is true.")
    return {
        "exact-convergence": (
            f"{quad}; {S.starts} starts x* + u, ‖u‖ = 1; lr = lr·L/L, ρ as given; {horizon}. Reaches the minimizer "
            "⇔ every run stays finite and ends with f − f* ≤ 1e-20: float64 resolves x* to ~1e-16‖x*‖, i.e. "
            "f − f* ~ 1e-32, while a ρ-plateau of SAM's kind is (L/2)(γLρ/(2 − γL))² ≈ 3.5e-6 at the defaults."),
        "plateau-rho-exponent": (
            f"{quad}; the same starts; lr·L as given, ρ ∈ {{{g(S.rho_grid)}}}; {horizon} at that lr; "
            + plateau_rule),
        "plateau-lr-exponent": (
            f"{quad}; the same starts; ρ as given, lr·L ∈ {{{g(S.lr_grid)}}}; {horizon} at the smallest lr; "
            + plateau_rule + " SAM's closed form (L/2)(γLρ/(2 − γL))² has the local exponent 4/(2 − γL), "
            "2 only as γ → 0: its theory entry is the least-squares slope of the closed form on this grid."),
        "stochastic-floor-rho-exponent": (
            "f = (1/16)Σ_i ½(a_iᵀx − b_i)², a_i a rotated harmonic unit-norm tight frame in R⁴ (L_i = 1, "
            "L = μ = 1/4 exactly), b = A x*, ‖x*‖ = 1: a consistent system, so every f_i is minimized at x*, "
            "one-sample SGD converges exactly and any floor is the perturbation's. One uniformly sampled "
            "component per step (both gradients of a step share it unless the variant says otherwise); "
            "lr = lr·L/L_max, "
            f"ρ ∈ {{{g(S.sto_rho_grid)}}}, {S.sto_runs} runs per ρ from x* + u, ‖u‖ = 1; {horizon}; floor = per-run "
            f"mean of f − f* over the last {S.sto_window} steps; exponent and ci as for the plateaus (bootstrap over "
            "runs). Null when every floor is ≤ 1e-20 (no floor) or without ρ."),
        "decaying-rho-removes-floor": (
            "The same finite sum, runs and horizon; ρ_k = ρ₀t₀/(k + t₀), t₀ = T/20 (ρ_T ≈ ρ₀/21), ρ₀ = ρ, beside "
            "constant ρ₀ with the same samples. Removes the floor ⇔ (a) the gap keeps decreasing: the Theil–Sen "
            "slope of log(geometric-mean gap over runs) vs log k at 32 log-spaced steps of [T/2, T] has its 95% "
            "interval below 0 (or every run is at f − f* ≤ 1e-20), and (b) the 95% Monte Carlo interval of the mean "
            f"final-window level ({S.sto_window} steps) lies below that of the constant-ρ₀ floor. Null when "
            "constant ρ has no floor, or without ρ."),
        "saddle-trapped": (
            "f = x² − y² (eigenvalues ±2, saddle at 0), start (1, 1e-3), lr = lr·L/2, ρ as given, "
            f"T = ⌈{S.saddle_units:g}/(lr·L)⌉ steps (GD escapes after ≈ ln(1000)/(lr·L) ≈ 70 steps at lr·L = 0.1); "
            "escape = |y| ≥ 1 (1000 × the initial offset), a stop event. Trapped ⇔ finite, no escape, and "
            "max |y| over the last quarter ≤ 2 × max |y| over the second quarter: the unstable coordinate is not "
            "growing (it decays, cycles or stays bounded near the saddle). A mode growing by a factor 1 + ε per "
            "step with ε < 2 ln 2/T reads trapped: for unnormalized SAM this moves ρ* down by "
            f"2 ln 2/{S.saddle_units:g} = {2 * math.log(2) / S.saddle_units:.2%} (saddle-threshold)."),
        "saddle-threshold": (
            f"f = ½(x² − y²) (λ₋ = −1, λ₊ = 1), start (1, 1e-3), lr = lr·L, T = ⌈{S.saddle_units:g}/(lr·L)⌉, "
            f"trapped as in saddle-trapped; ρ on a log grid of {S.threshold_points} points in [1e-4, 10] (one batched "
            f"run), then {S.refine_rounds} rounds of {S.refine_points} geometric points between the last "
            "non-trapping and the first trapping ρ. measured = the first trapping ρ; ci = the final bracket. "
            "Unnormalized SAM traps iff ρ|λ₋| > 1 (Kim et al. 2023, Theorem 1 [paper]): ρ* = 1 here; "
            "normalized SAM has no sharp threshold (it depends on the start and on lr)."),
        "hallucinated-point": (
            "f = −cos x (stationary points kπ), start x0 = 2, ρ = 4 (overrides the card's ρ: constant-ρ SAM has "
            "an attracting non-stationary fixed point x̂ = 2π − ρ only when ρ mod 2π ∈ (π, 2π) [derived]; "
            f"Khanh et al. 2024 need ρ_k → 0 for this reason), lr = lr·L, T = ⌈{S.cos_units:g}/(lr·L)⌉; "
            "measured = the largest distance to the nearest kπ over the last 64 steps (0 for a stationary limit, the half-width for a cycle around "
            "one); settled: the two halves of that window agree within 1e-9."),
        "max-stable-lr-L": (
            f"{quad}; start x* + u_0, ρ as given; lr·L on a log grid of {S.stab_points} points in [0.05, 8], then "
            f"{S.refine_rounds} rounds of {S.refine_points} points in the bracket; T = {S.stab_steps} steps. Stable ⇔ "
            "finite (|x_i| < 1e6) and max ‖x − x*‖ over the last quarter ≤ 2 × its max over the second quarter "
            "(bounded and not growing; a mode growing by 1 + ε per step with ε < 2 ln 2/T reads stable, which moves "
            f"GD's edge up by at most 2 ln 2/T = {2 * math.log(2) / S.stab_steps:.1g}). measured = the largest stable "
            "lr·L below the first unstable one; ci = the final bracket. Closed forms [derived]: gd 2, "
            "usam 2/(1 + ρL), sam 2 (its 2-cycle amplitude γLρ/(2 − γL) is finite for γL < 2)."),
    }


def _theory(S: _Settings, lr: float, rho: float) -> dict[str, tuple[dict[str, Any], str]]:
    """Closed-form values of the references where one exists: {row: ({algorithm: value}, source)}."""
    from .theory import attraction_threshold, cycle_plateau, usam_step_limit
    from .theory.khanh_2024 import neg_cos_hallucinated_point

    lr_grid = np.asarray(S.lr_grid)
    lr_slope = None
    if rho > 0:  # ordinary least squares, the estimator of loglog_fit on identical starts
        closed = np.log(cycle_plateau(lr_grid, rho, 1.0))
        lr_slope = float(np.polyfit(np.log(lr_grid), closed, 1)[0])
    xhat = float(neg_cos_hallucinated_point(4.0))
    two_cycle = ("SAM's 2-cycle on a quadratic, f − f* = (L/2)(γLρ/(2 − γL))² [derived] "
                 "(cf. Bartlett, Long & Bousquet 2022; Si & Yun 2023's ρ-neighbourhood)")
    return {
        "exact-convergence": ({"gd": True, "usam": True, "sam": rho == 0.0},
                              "GD and USAM contract linearly to x*; " + two_cycle),
        "plateau-rho-exponent": ({"gd": None, "usam": None, "sam": 2.0 if rho > 0 else None}, two_cycle),
        "plateau-lr-exponent": ({"gd": None, "usam": None, "sam": lr_slope if rho > 0 else None},
                                two_cycle + "; least-squares slope on the card's lr grid"),
        "saddle-threshold": ({"gd": None, "usam": float(attraction_threshold([1.0, -1.0])), "sam": None},
                             "USAM attracts the saddle iff ρ|λ₋| > 1 (Kim et al. 2023, Theorem 1 [paper])"),
        "hallucinated-point": ({"gd": 0.0, "sam": abs(xhat - math.pi)},
                               "SAM's fixed point x̂ = 2π − ρ of −cos x at ρ = 4, at distance 4 − π from π "
                               "[derived] (the constant-ρ failure behind Khanh et al. 2024's ρ_k → 0)"),
        "max-stable-lr-L": ({"gd": 2.0, "usam": float(usam_step_limit(rho, 1.0)), "sam": 2.0},
                            "gd: γL < 2; usam: γL(1 + ρL) < 2 [derived]; sam: the 2-cycle exists for γL < 2 "
                            "[derived]"),
    }


# ----------------------------------------------------------------------------- the card

def _clean(value: Any) -> Any:
    """JSON-ready: numpy → Python, tuples → lists, NaN/±inf → None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_clean(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


@dataclass
class Card:
    """A measured theory card. ``rows`` and :meth:`to_json` are the JSON; ``str(card)`` the table.

    ``seconds`` ({algorithm: {row: seconds}}) and ``curves`` (the data of the figure) are not in the
    JSON, so that the JSON is byte-identical for the same inputs and seed.
    """

    algorithm: str
    hypers: dict[str, Any]
    mode: str
    seed: int
    rows: list[dict[str, Any]]
    reference_rho: float = DEFAULT_RHO
    curves: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    seconds: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return _clean({"algorithm": self.algorithm, "hypers": self.hypers, "mode": self.mode, "seed": self.seed,
                       "lr_unit": "lr·L: the step size times the L of each instance",
                       "reference_hypers": {"lr": self.hypers["lr"], "rho": self.reference_rho},
                       "rows": self.rows})

    def to_json(self) -> str:
        """The card as JSON text (stable key order, NaN/inf as null, a final newline)."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def row(self, row_id: str) -> dict[str, Any]:
        for r in self.rows:
            if r["id"] == row_id:
                return r
        raise KeyError(f"no row {row_id!r} (rows: {', '.join(ROW_IDS)})")

    def save_json(self, path) -> Path:
        from .result import atomic_write_text

        path = Path(path)
        atomic_write_text(path, self.to_json())
        return path

    def table(self) -> str:
        """Rows × (variant, gd, usam, sam): measured values, the variant's ci in brackets."""
        names = [self.algorithm, *REFERENCES]
        head = ["row", f"{self.algorithm} (ci)", *REFERENCES]
        body = []
        for r in self.rows:
            cell = _fmt(r["measured"])
            if r["ci"] is not None:
                cell += f" [{_fmt(r['ci'][0])}, {_fmt(r['ci'][1])}]"
            body.append([r["id"], cell, *(_fmt(r["reference"][n]) for n in names[1:])])
        widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
        hyp = ", ".join(f"{k}={_fmt(v)}" for k, v in self.hypers.items())
        lines = [f"theory card: {self.algorithm} ({hyp}; lr is lr·L) — {self.mode} mode, seed {self.seed}",
                 "  ".join(h.ljust(w) for h, w in zip(head, widths)),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in body]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def figure(self):
        """One page (7 × 8.4 in): small multiples of the key curves, the references in grey."""
        return _figure(self)

    def save_png(self, path) -> Path:
        """Write :meth:`figure` as PNG atomically (samlab.plotting.save_figure)."""
        from .plotting import save_figure

        return save_figure(self.figure(), path, add_legends=False)


def markdown_table(cards: Sequence[Card | Mapping[str, Any]], digits: int = 3) -> str:
    """A markdown table of several cards: one row per card row, one column per algorithm.

    ``cards``: Card objects or their JSON (``json.loads(card.to_json())``). A cell is the measured value,
    with the ci in brackets where there is one; "—" is null (not applicable, or no value in range).
    """
    data = [c.as_dict() if isinstance(c, Card) else dict(c) for c in cards]
    if not data:
        raise ValueError("cards must not be empty")

    def cell(row):
        text = _fmt(row["measured"], digits)
        if row.get("ci") is not None and row["measured"] is not None:
            text += f" [{_fmt(row['ci'][0], digits)}, {_fmt(row['ci'][1], digits)}]"
        return text

    head = "| row | " + " | ".join(f"`{d['algorithm']}`" for d in data) + " |"
    lines = [head, "|" + " --- |" * (len(data) + 1)]
    for i, row_id in enumerate(ROW_IDS):
        cells = []
        for d in data:
            row = d["rows"][i]
            if row["id"] != row_id:
                raise ValueError(f"card {d['algorithm']!r} has row {row['id']!r} where {row_id!r} was expected")
            cells.append(cell(row))
        lines.append(f"| `{row_id}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.{digits}g}"
    return str(value)


def card(factory, *, quick: bool = False, seed: int = 0, progress: Callable[[str], None] | None = None,
         **hypers) -> Card:
    """The theory card of ``factory`` (a factory, a registered name, "pkg.mod:factory" or "file.py:factory").

    ``hypers``: the variant's fixed hyperparameters (numbers or booleans), ``lr`` as lr·L (default 0.1)
    and ``rho`` (default 0.05). ``quick``: smaller samples and horizons (tests). ``seed``: starts,
    samples and bootstrap. ``progress``: called with one line per finished row. See the module docstring.
    """
    if not isinstance(quick, (bool, np.bool_)):
        raise ValueError(f"quick must be True or False, got {quick!r}")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    subject, card_hypers = prepare(factory, hypers)
    S = _QUICK if quick else _FULL
    lr = card_hypers["lr"]
    rho = card_hypers.get("rho", DEFAULT_RHO)
    from . import algorithms

    refs = {"gd": _Subject("gd", algorithms.gd, (), False),
            "usam": _Subject("usam", algorithms.usam, (), True),
            "sam": _Subject("sam", algorithms.sam, (), True)}
    outcomes: dict[str, dict[str, _Outcome]] = {}
    seconds: dict[str, dict[str, float]] = {}
    key = (subject.factory, subject.fixed, subject.takes_rho)
    for name, ref in refs.items():
        outcomes[name], seconds[name] = _battery(ref, lr, rho, S, seed, progress)
    same = next((n for n, r in refs.items() if (r.factory, r.fixed, r.takes_rho) == key), None)
    if same is not None:  # the variant is a reference: its rows are that reference's, measured above
        variant, seconds[subject.name] = outcomes[same], dict(seconds[same])
    else:
        variant, seconds[subject.name] = _battery(subject, lr, rho if subject.takes_rho else None, S, seed, progress)
    protocols, theory = _protocols(S), _theory(S, lr, rho)
    rows = []
    for row_id, question, unit in ROWS:
        o = variant[row_id]
        row: dict[str, Any] = {"id": row_id, "question": question, "measured": o.measured, "ci": o.ci,
                               "reference": {n: outcomes[n][row_id].measured for n in REFERENCES},
                               "unit": unit, "ci_kind": _CI_KIND.get(row_id), "protocol": protocols[row_id],
                               "details": o.details,
                               "reference_ci": {n: outcomes[n][row_id].ci for n in REFERENCES},
                               "reference_details": {n: outcomes[n][row_id].details for n in REFERENCES}}
        if row_id in theory:
            values, source = theory[row_id]
            row["theory"] = {"values": values, "source": source}
        rows.append(_clean(row))
    curves = {"variant": {k: o.curves for k, o in variant.items()},
              **{n: {k: o.curves for k, o in outcomes[n].items()} for n in REFERENCES}}
    return Card(subject.name, card_hypers, S.mode, seed, rows, rho, curves, seconds)


# ----------------------------------------------------------------------------- the figure

_GREYS = {"gd": ("#9a9a9a", "-", "o"), "usam": ("#5f5f5f", "--", "^"), "sam": ("#2f2f2f", ":", "s")}
_FONT = 7.5


def _figure(c: Card):
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullFormatter

    from .plotting import display_name, new_figure, set_log, style

    fig, axes = new_figure(ncols=3, nrows=3, width=7.0, height=8.4)
    axes = axes.ravel()
    vs = style(c.algorithm)
    vlabel = display_name(c.algorithm)
    series = [("variant", vlabel, vs["color"], "-", vs.get("marker", "o"), 1.8, 3)] + \
             [(n, display_name(n), col, ls, mk, 1.1, 2) for n, (col, ls, mk) in _GREYS.items()]
    rows = {r["id"]: r for r in c.rows}

    def small(ax, title, xlabel, ylabel):
        ax.set_title(title, fontsize=_FONT + 0.5)
        ax.set_xlabel(xlabel, fontsize=_FONT)
        ax.set_ylabel(ylabel, fontsize=_FONT)
        ax.tick_params(which="both", labelsize=_FONT - 0.5, length=3)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_minor_formatter(NullFormatter())

    def draw(ax, row, xkey, ykey, mark=True, floor=None):
        for key, label, col, ls, mk, lw, z in series:
            d = c.curves[key].get(row, {})
            if xkey not in d or ykey not in d:
                continue
            x, y = np.asarray(d[xkey], float), np.asarray(d[ykey], float)
            good = np.isfinite(y) & ((y > floor) if floor is not None else True)
            if not good.any():
                continue
            ax.plot(x[good], y[good], color=col, linestyle=ls, marker=mk if mark else None, markersize=3,
                    linewidth=lw, label=label, zorder=z)

    # 1 exact convergence
    ax = axes[0]
    draw(ax, "exact-convergence", "t", "f_gap", mark=False, floor=0.0)
    ax.axhline(RESOLUTION, color="#b0b0b0", linewidth=0.8, linestyle="-.")
    set_log(ax, "both")
    small(ax, "quadratic, constant lr, ρ", "step", "f − f* (geo-mean)")
    # 2–3 plateaus
    for ax, row, xlabel in ((axes[1], "plateau-rho-exponent", "ρ"), (axes[2], "plateau-lr-exponent", "lr·L")):
        draw(ax, row, "grid", "plateau", floor=RESOLUTION)
        set_log(ax, "both")
        _grid_ticks(ax, c.curves, row)
        small(ax, f"plateau vs {xlabel}: slope {_fmt(rows[row]['measured'])}", xlabel, "plateau f − f*")
    # 4 stochastic floor
    ax = axes[3]
    draw(ax, "stochastic-floor-rho-exponent", "grid", "floor", floor=RESOLUTION)
    set_log(ax, "both")
    _grid_ticks(ax, c.curves, "stochastic-floor-rho-exponent")
    small(ax, f"one-sample floor: slope {_fmt(rows['stochastic-floor-rho-exponent']['measured'])}", "ρ",
          "floor f − f*")
    # 5 decaying ρ
    ax = axes[4]
    for key, label, col, ls, mk, lw, z in series:
        if key not in ("variant", "sam"):
            continue
        d = c.curves[key].get("decaying-rho-removes-floor", {})
        if "t" not in d:
            continue
        t = np.asarray(d["t"], float)
        for curve, style_ls, suffix in (("constant", "--", " const ρ"), ("decaying", "-", " ρₖ→0")):
            y = np.asarray(d[curve], float)
            good = np.isfinite(y) & (y > 0) & (t > 0)
            if good.any():
                ax.plot(t[good], y[good], color=col, linestyle=style_ls, linewidth=lw, label=label + suffix, zorder=z)
    set_log(ax, "both")
    small(ax, f"decaying ρ removes floor: {_fmt(rows['decaying-rho-removes-floor']['measured'])}", "step",
          "f − f* (geo-mean)")
    ax.legend([Line2D([], [], color="#444444", linestyle="--", linewidth=1.0),
               Line2D([], [], color="#444444", linestyle="-", linewidth=1.0)],
              ["constant ρ", "ρₖ = ρ₀t₀/(k + t₀)"], fontsize=_FONT - 0.5, loc="lower left", frameon=True,
              framealpha=0.9, title=f"{vlabel} and SAM" if "t" in c.curves["variant"].get(
                  "decaying-rho-removes-floor", {}) and c.algorithm != "sam" else "SAM",
              title_fontsize=_FONT - 0.5)
    # 6 saddle
    ax = axes[5]
    draw(ax, "saddle-trapped", "t", "y", mark=False, floor=0.0)
    ax.axhline(1.0, color="#b0b0b0", linewidth=0.8, linestyle="-.")
    set_log(ax, "both")
    ax.set_ylim(1e-16, 10.0)
    small(ax, f"x² − y²: trapped {_fmt(rows['saddle-trapped']['measured'])}", "step", "|y| (unstable coord.)")
    # 7 saddle threshold
    ax = axes[6]
    for i, (key, label, col, ls, mk, lw, z) in enumerate(series):
        d = c.curves[key].get("saddle-threshold", {})
        if "rho" not in d:
            continue
        r, f = np.asarray(d["rho"], float), np.asarray(d["trapped"], bool)
        ax.step(r, f.astype(float) + 0.04 * (len(series) - 1 - i), where="post", color=col, linestyle=ls,
                linewidth=lw, label=label, zorder=z)
    set_log(ax, "x")
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["escapes", "trapped"])
    ax.set_ylim(-0.15, 1.35)
    small(ax, f"½(x² − y²): threshold {_fmt(rows['saddle-threshold']['measured'])}", "ρ", "")
    # 8 −cos x
    ax = axes[7]
    draw(ax, "hallucinated-point", "t", "x", mark=False)
    for k in (0, 1, 2):
        ax.axhline(k * np.pi, color="#b0b0b0", linewidth=0.8, linestyle="-.")
    ax.set_xscale("log")
    small(ax, f"−cos x, ρ = 4: distance {_fmt(rows['hallucinated-point']['measured'])}", "step", "x (lines: kπ)")
    # 9 stability
    ax = axes[8]
    draw(ax, "max-stable-lr-L", "lr", "dist_final", mark=False, floor=0.0)
    for key, label, col, ls, mk, lw, z in series:
        value = (rows["max-stable-lr-L"]["measured"] if key == "variant"
                 else rows["max-stable-lr-L"]["reference"][key])
        if value is not None:
            ax.axvline(value, color=col, linestyle=ls, linewidth=0.9)
    set_log(ax, "both")
    small(ax, f"stability edge: lr·L = {_fmt(rows['max-stable-lr-L']['measured'])}", "lr·L",
          "max ‖x − x*‖, last quarter")

    handles = [Line2D([], [], color=col, linestyle=ls, marker=mk, markersize=3, linewidth=lw)
               for _, _, col, ls, mk, lw, _ in series]
    labels = [vlabel] + [f"{display_name(n)} (reference)" for n in _GREYS]
    hyp = ", ".join(f"{k}={_fmt(v)}" for k, v in c.hypers.items())
    fig.suptitle(f"Theory card: {vlabel} ({hyp}; lr is lr·L) — references in grey", fontsize=_FONT + 2)
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=_FONT, frameon=False)
    return fig


def _grid_ticks(ax, curves, row) -> None:
    """Major x ticks at the swept values (a sweep spans about one decade: decade ticks would leave one label)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    grid = next((np.asarray(curves[k][row]["grid"], float) for k in curves if "grid" in curves[k].get(row, {})), None)
    if grid is None:
        return
    ax.xaxis.set_major_locator(FixedLocator(grid))
    ax.xaxis.set_minor_locator(NullLocator())
    step = 1 if grid.size <= 5 else 2  # every other label on a longer grid, so that labels do not touch
    ax.set_xticklabels([f"{v:.2g}" if (grid.size - 1 - i) % step == 0 else "" for i, v in enumerate(grid)])
