"""Khanh, Luong, Mordukhovich & Tran 2024: the instances, settings and protocols its claims and figures share.

Claims (:mod:`samlab.claims.khanh_2024`) and figure scripts (``experiments/khanh_2024``) take from
here every instance and number they both use, so that a figure shows what its claim checks. The
paper's toy problems come without parameters (its figures p. 5 and p. 25 state none), so the
instances are constructions of this project [derived]:

- the strongly convex quadratics of the constant-stepsize figure (p. 5): f = ½xᵀdiag(1, 10)x from
  (1, 1) with t = 0.05, ρ = 0.1, and f = ½x² from 3 with t = 0.1, ρ = 0.5 (:data:`CYCLE`,
  :data:`SCALAR_CYCLE`); rotated quadratics and a logistic regression (:func:`convex_instances`);
- the log-loss f(x) = Σ_i log(1 + (Ax − b)_i²) of the Remark 3.6 figure (p. 25), A, b Gaussian
  (:func:`log_loss_instance`), with the vanishing-radius schedules of the nonconvex theorems
  (:data:`NONCONVEX`, :func:`decay_schedule`);
- f = −cos x with ρ = 4, the hallucinated fixed point (:data:`NEG_COS`, :func:`neg_cos_envelope`);
- the five methods with their parameters (:func:`variant`), the per-step observer of step lengths
  (:func:`step_length`), and the quick/full settings a claim shares with a figure (:data:`FIGURES`).

Seeds: every random draw comes from ``samlab.seeding.rng(seed, key, …)`` with keys naming what is drawn.
"""

from __future__ import annotations

import math

import numpy as np

from .. import algorithms, problems, schedules
from ..analysis import loglog_fit
from ..engine import run
from ..adversary.families import Family
from ..algorithms.base import NONNEGATIVE, Algorithm, Perturbation
from ..linalg import row_norms
from ..problems.base import Problem
from ..seeding import rng
from ..theory.khanh_2024 import sam_envelope_amplitude, usam_descent_constant, usam_descent_step_limit

__all__ = [
    "FIVE",
    "NORMALIZED",
    "CYCLE",
    "SCALAR_CYCLE",
    "NONCONVEX",
    "NEG_COS",
    "REMARK_36",
    "CONVEX_DIMINISHING",
    "HALLUCINATED",
    "FIGURES",
    "variant",
    "every_step",
    "step_length",
    "decay_schedule",
    "hess_top",
    "log_loss_instance",
    "logistic_instance",
    "convex_instances",
    "diag_quadratic",
    "rotated_quadratic",
    "neg_cos_envelope",
    "neg_cos_starts",
    "pair_checkpoints",
    "pair_average",
    "NONCONVEX_CASES",
    "nonconvex_checkpoints",
    "dyadic_windows",
    "path_statistics",
    "predicted_step_slope",
    "convex_diminishing_checkpoints",
    "nonconvex_method_run",
    "nonconvex_path_runs",
    "nonconvex_constant_run",
    "almost_constant_runs",
    "almost_constant_differences",
    "almost_constant_checkpoints",
    "almost_constant_bound",
    "WORST_L",
    "WORST_CASE",
    "WORST_FIGURE_T",
    "GUARD",
    "igd_ratio_metric",
    "usam_descent_metric",
    "segment_difference",
    "igd_factory",
    "igd_bound",
    "igd_families",
    "usam_factory",
    "usam_bound",
    "usam_families",
    "igd_step_pep",
    "usam_step_pep",
    "worst_rows",
    "save_worst_instance",
    "CONVEX_DESCENT_WORST",
    "convex_descent_metric",
    "convex_descent_factory",
    "unit_bound",
    "convex_descent_families",
    "convex_descent_pep",
    "ALMOST_CONSTANT_WORST",
    "PairedProblem",
    "PairedFamily",
    "paired_sam",
    "almost_constant_factory",
    "almost_constant_metric",
    "almost_constant_worst_bound",
    "almost_constant_families",
]

NORMALIZED = ("sam", "vasso", "rsam", "fsam")
"""The normalized variants: inexact gradient descent with absolute error Lρ_k (Corollary 3.5)."""

FIVE = ("sam", "usam", "vasso", "rsam", "fsam")
"""The five methods of the paper's nonconvex results (Theorem 3.3, Corollary 3.5, Theorem 4.1)."""

CYCLE = {"diag": (1.0, 10.0), "start": (1.0, 1.0), "lr": 0.05, "rho": 0.1}
"""f = ½xᵀdiag(1, 10)x from x¹ = (1, 1), t = 0.05, ρ = 0.1: constant-stepsize SAM vs GD (figure p. 5)."""

SCALAR_CYCLE = {"a": 1.0, "start": 3.0, "lr": 0.1, "rho": 0.5}
"""f = (a/2)x², a = 1, from x¹ = 3 with t = 0.1, ρ = 0.5: the period-2 orbit ±taρ/(2 − ta) = ±0.026316."""

NONCONVEX = {"C": 0.1, "lr_power": 0.6, "rho_power": 0.5, "setb_rho_power": 0.3}
"""Schedules of the nonconvex checks: t_k = (1/L)((1 + t0)/(k + t0))^0.6, ρ_k = C/k^0.5 (Set A:
Σt = ∞, Σt² < ∞, Σtρ < ∞) and the Set-B-only control ρ_k = C/k^0.3 (Σtρ = ∞, Σtρ² < ∞)."""

NONCONVEX_CASES = {
    "quick": [[2, 2048, 1e-3, 50.0]],
    "full": [[2, 131072, 1e-5, 0.0], [20, 100000, 2e-2, 1000.0]],
}
"""Cases (n, K, gradient tolerance, t0) of ``khanh-2024/nonconvex-vanishing-radius``, shared with the
figure ``nonconvex_gradients`` (same runs: the run cache computes them once). n = 20 keeps t ≈ 1/L for
~t0 = 1000 steps (same tail exponent), so that ‖∇f‖ falls 13 → ~5e-3 within K = 10⁵ instead of
13 → 0.6 with t0 = 0."""

NEG_COS = {"rho": 4.0, "lr": 0.1, "start": 2.0, "lr_power": 0.6, "rho_power": 0.5}
"""f = −cos x, ρ = 4, t = 0.1 from x¹ = 2 (hallucinated point 2π − 4); vanishing: ρ_k = 4/k^0.5, t_k = 0.1/k^0.6."""

REMARK_36 = {
    "quick": {"n": [2, 20], "steps": 2000, "C": 0.1, "p": 0.001},
    "full": {"n": [2, 20, 50, 100], "steps": 5000, "C": 0.1, "p": 0.001},
}
"""Settings of the claim ``khanh-2024/almost-constant-radius``; its full mode is the figure's."""

CONVEX_DIMINISHING = {
    "quick": {"steps": 8000, "rho": CYCLE["rho"], "power": 0.6, "rotated_dims": [10], "logistic": True},
    "full": {"steps": 20000, "rho": CYCLE["rho"], "power": 0.6, "rotated_dims": [10, 50], "logistic": True},
}
"""Settings of the claim ``khanh-2024/convex-diminishing-steps`` (t_k = (1/(2L))/k^0.6, i.e.
0.05/k^0.6 on diag(1, 10)); its full horizon is the quadratic-cycle figure's."""

HALLUCINATED = {
    "quick": {"rhos": [3.5, 4.0, 5.0, 6.0], "lrs": [0.1, 0.5, 1.0], "starts": 5, "steps": 1000,
              "vanishing_steps": 10000, "lr_power": NEG_COS["lr_power"], "rho_power": NEG_COS["rho_power"]},
    "full": {"rhos": [3.3, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0], "lrs": [0.1, 0.5, 1.0, 1.5], "starts": 9, "steps": 4000,
             "vanishing_steps": 100000, "lr_power": NEG_COS["lr_power"], "rho_power": NEG_COS["rho_power"]},
}
"""Settings of the claim ``khanh-2024/hallucinated-fixed-point``; its full vanishing-radius horizon
and starts are the figure's."""

FIGURES = {
    "quadratic_cycle": {"quick": {"steps": 2000}, "full": {"steps": CONVEX_DIMINISHING["full"]["steps"]}},
    "hallucinated_fixed_point": {"quick": {"steps": 2000, "starts": 9},
                                 "full": {"steps": HALLUCINATED["full"]["vanishing_steps"],
                                          "starts": HALLUCINATED["full"]["starts"]}},
    "nonconvex_gradients": {"quick": {"cases": NONCONVEX_CASES["quick"]}, "full": {"cases": NONCONVEX_CASES["full"]}},
    "almost_constant_radius": {"quick": {"n": REMARK_36["quick"]["n"], "steps": 500},
                               "full": {"n": REMARK_36["full"]["n"], "steps": REMARK_36["full"]["steps"]}},
}
"""Quick/full settings of each figure script (``experiments/khanh_2024/<name>.py``)."""


# ----------------------------------------------------------------------------- methods and observers

def variant(name: str, lr, rho, *, theta: float = 0.4, sigma_f: float = 1.0, beta_f: float = 0.9,
            sigma_r=None):
    """One of the five methods (or ``"gd"``) with the parameters of the checks: VaSSO θ = 0.4; F-SAM
    σ = 1, EMA β = 0.9; RSAM u ~ N(0, σ²I) with σ = ρ_k by default (the ascent point is renormalized
    to radius ρ_k, so the IGD bound Lρ_k holds whatever the noise)."""
    if name == "sam":
        return algorithms.sam(lr, rho)
    if name == "usam":
        return algorithms.usam(lr, rho)
    if name == "vasso":
        return algorithms.vasso(lr, rho, theta)
    if name == "rsam":
        return algorithms.rsam(lr, rho, rho if sigma_r is None else sigma_r)
    if name == "fsam":
        return algorithms.fsam(lr, rho, sigma_f, beta_f)
    if name == "gd":
        return algorithms.gd(lr)
    raise ValueError(f"unknown method {name!r}")


def every_step(steps: int) -> np.ndarray:
    """Checkpoints at every step 0 … steps (per-step observations)."""
    return np.arange(steps + 1)


def step_length(view) -> np.ndarray:
    """Observer: ‖x_k − x_{k−1}‖ (its running sum is the path length Σ‖x_k − x_{k−1}‖)."""
    return row_norms(view.x - view.x_prev)


def decay_schedule(c: float, power: float, t0: float = 0.0) -> schedules.Schedule:
    """k ↦ c·((1 + t0)/(k + t0))^power: an inverse power with value c at k = 1 (t0 = 0: c/k^power).

    t0 > 0 keeps the step near c for the first ~t0 steps; the tail is (c(1 + t0)^power)/k^power, so
    every summability verdict is that of c/k^power.
    """
    if t0 == 0:
        return schedules.inverse_power(c, power)
    scale = c * (1.0 + t0) ** power
    return schedules.inverse_power(scale, power, t0)


def pair_checkpoints(steps: int, lo: int, count: int = 100) -> np.ndarray:
    """Checkpoints k and k + 1 for ``count`` log-spaced k in [lo, steps − 1] (both phases of a 2-cycle)."""
    k = np.unique(np.geomspace(max(lo, 1), steps - 1, count).astype(int))
    return np.unique(np.concatenate([k, k + 1]))


def pair_average(t, values, start: int = 0):
    """(k, (v_k + v_{k+1})/2) over consecutive checkpoints k, k + 1 with k ≥ ``start``.

    Averaging the two phases removes the alternation of a 2-cycle; ``values`` has one row per
    checkpoint ``t`` (any trailing shape).
    """
    t = np.asarray(t)
    values = np.asarray(values)
    idx = np.flatnonzero((t[:-1] >= start) & (np.diff(t) == 1))
    return t[idx], 0.5 * (values[idx] + values[idx + 1])


def neg_cos_envelope(k, lr, rho, lr_power: float, rho_power: float):
    """c_k = t_kρ_k/(2 − t_k) with t_k = lr/k^lr_power, ρ_k = rho/k^rho_power: the residual 2-cycle
    amplitude of SAM at curvature |f''| = 1 (the minimizer or maximizer of −cos x); broadcasts."""
    k = np.asarray(k, dtype=float)
    return sam_envelope_amplitude(lr / k**lr_power, rho / k**rho_power, 1.0)


def neg_cos_starts(count: int) -> np.ndarray:
    """``count`` starts x¹ evenly spread over (0, π), from 0.05 to π − 0.05."""
    return np.linspace(0.05, np.pi - 0.05, int(count))


def hess_top(problem, x) -> float:
    """Top eigenvalue of ∇²f at x (the curvature a of the residual 2-cycle)."""
    return float(np.linalg.eigvalsh(problem.hess(np.asarray(x, dtype=float)[None, :])[0])[-1])


# ----------------------------------------------------------------------------- instances

def log_loss_instance(n: int, m: int | None = None, seed: int = 0) -> problems.LogLoss:
    """f(x) = Σ_i log(1 + (Ax − b)_i²) with A (m×n), then b, i.i.d. N(0, 1) drawn from ``rng(seed)``.

    The Remark 3.6 figure's function (p. 25) with m = n, seed 0 and x¹ = 0 [derived: the paper states
    none of m, A, b, x¹]; L = 2‖A‖₂² since |d²/dr² log(1 + r²)| ≤ 2. With m = n, Ax = b is solvable,
    so f* = 0 at x* = A⁻¹b and ∇²f(x*) = 2AᵀA has top eigenvalue exactly L.

    ``seed`` names the instance (every check uses seed 0), it is not a claim's seed: the generator is
    ``samlab.seeding.rng(seed)`` with no key (= ``numpy.random.default_rng(seed)``), so the instances
    are the ones every constant quoted for them refers to (n = 2: L = 0.865, λ_min(∇²f(x*)) = 0.044,
    ‖∇f(x¹)‖ = 0.353; n = 20: L = 125, ‖∇f(x¹)‖ = 13), and the checks' absolute thresholds were set
    on them. A keyed draw gives other instances: the n = 2 one is 10× stiffer (L = 8.25), its 2-cycle
    gradients 10× larger, and ``khanh-2024/nonconvex-vanishing-radius`` (absolute gradient threshold
    1e-3) fails there in quick mode.
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    n = int(n)
    if m is not None and (isinstance(m, bool) or int(m) != m or m < 1):
        raise ValueError(f"m must be an integer >= 1, got {m!r}")
    m = n if m is None else int(m)
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    gen = rng(int(seed))
    A = gen.standard_normal((m, n))
    b = gen.standard_normal(m)
    p = problems.log_loss(A, b)
    p.name = f"log_loss(n={n}, m={m}, seed={seed})"
    return p


def logistic_instance(seed: int, n_samples: int = 60, dim: int = 5, reg: float = 0.1):
    """ℓ2-regularized logistic regression with Gaussian features and random ±1 labels (convex, not
    quadratic; x* from Newton's method) from ``rng(seed, "logistic-data")``, and a N(0, I) start
    from ``rng(seed, "logistic-x0")``."""
    gen = rng(seed, "logistic-data")
    A = gen.standard_normal((n_samples, dim))
    y = np.where(gen.random(n_samples) < 0.5, -1.0, 1.0)
    p = problems.logistic_regression(A, y, reg)
    return p, rng(seed, "logistic-x0").standard_normal(dim)


def diag_quadratic() -> problems.Quadratic:
    """f = ½xᵀdiag(1, 10)x (:data:`CYCLE`)."""
    return problems.Quadratic(np.diag(np.asarray(CYCLE["diag"], dtype=float)))


def rotated_quadratic(dim: int, seed: int, top: float = 10.0) -> problems.Quadratic:
    """A quadratic with spectrum log-spaced in [1, ``top``], Haar-rotated by ``rng(seed, "rotation", dim)``."""
    return problems.Quadratic.from_spectrum(np.geomspace(1.0, top, dim), seed=rng(seed, "rotation", dim))


def convex_instances(dims, seed: int, logistic: bool = True):
    """diag(1, 10) from (1, 1), rotated quadratics with spectrum in [1, 10] (4 starts from
    ``rng(seed, "x0", d)``) and a logistic regression: [(label, problem, x0 (B, d), a = top curvature
    at x*)]."""
    out = [("diag(1,10)", diag_quadratic(), np.array([CYCLE["start"]]), max(CYCLE["diag"]))]
    for d in dims:
        p = rotated_quadratic(d, seed)
        out.append((f"rotated d={d}", p, rng(seed, "x0", d).standard_normal((4, d)), p.L))
    if logistic:
        p, x0 = logistic_instance(seed)
        out.append(("logistic", p, x0[None, :], hess_top(p, p.x_star)))
    return out


# ----------------------------------------------------------------------------- protocols

def dyadic_windows(steps: int, first: int = 1):
    """Windows (2^{j−1}, 2^j] ∩ [first, steps] as (start, stop) pairs with stop ≤ steps."""
    out, hi = [], 1
    while hi * 2 <= steps:
        lo, hi = hi, hi * 2
        if lo >= first:
            out.append((lo, hi))
    return out


def path_statistics(res, steps: int, col=slice(None)) -> dict:
    """Step-length decay, path length, Cauchy residuals and f oscillation of a run (columns ``col``).

    The step lengths s_k = ‖x_k − x_{k−1}‖ (observer ``step``) at the recorded pairs (k, k + 1) with
    k ∈ [K/2, K) are summed in pairs (s_k + s_{k+1}, which removes the alternation of a 2-cycle) and
    fitted as C·k^{slope} (:func:`samlab.analysis.loglog_fit`, 95% interval): Σ s_k < ∞ iff slope < −1
    for such a power law, and the tail beyond K is then ≈ C·K^{1+slope}/(−1 − slope). The total length
    Σ_{k≤K} s_k needs every step recorded (None otherwise). With iterates kept: the Cauchy residual
    sup over recorded k ≥ K/2 of ‖x_k − x_K‖, and the same suprema over dyadic windows after K/64.
    """
    t = res.t
    s_k = res.observed["step"][:, col]  # row i: the step to t[i + 1]
    if s_k.ndim == 1:
        s_k = s_k[:, None]
    ts = t[1:]
    idx = np.flatnonzero((ts[:-1] >= steps // 2) & (np.diff(ts) == 1))
    fit = loglog_fit(ts[idx], s_k[idx] + s_k[idx + 1], n_boot=0)
    slope = fit.slope
    tail = (0.5 * math.exp(fit.intercept) * steps ** (1 + slope) / (-1 - slope)) if slope < -1 else float("inf")
    f = res.f[:, col]
    if f.ndim == 1:
        f = f[:, None]
    late = t >= steps // 2
    out = {"step_slope": slope, "step_slope_ci_low": fit.slope_ci[0], "step_slope_ci_high": fit.slope_ci[1],
           "step_fit_pairs": int(idx.size), "tail_estimate": tail,
           "total_length": float(s_k.sum(axis=0).max()) if t.size == steps + 1 else None,
           "f_oscillation_last_half": float(np.max(f[late].max(axis=0) - f[late].min(axis=0))),
           "f_decrease": float(np.min(f[0] - f[-1]))}
    if res.iterates is not None:
        X = res.iterates[:, col]
        xK = X[-1]
        dist = np.linalg.norm(X - xK[None], axis=-1)
        windows = []
        for lo, hi in dyadic_windows(steps, first=max(steps // 64, 1)):
            sel = np.flatnonzero((t >= lo) & (t <= hi))
            windows.append(float(np.max(np.linalg.norm(X[sel] - X[sel[-1]][None], axis=-1))))
        out.update({"cauchy_last_half": float(dist[late].max()), "cauchy_windows": windows,
                    "displacement": float(np.max(row_norms(xK - X[0])))})
    return out


def predicted_step_slope(lr, rho, a: float, steps: int) -> float:
    """Slope of the 2-cycle's step length 2c_k = 2t_k aρ_k/(2 − t_k a) over [K/2, K] (log-log)."""
    k = np.arange(steps // 2, steps, dtype=float)
    c = np.asarray(sam_envelope_amplitude(np.asarray(lr(k), float), np.asarray(rho(k), float), a))
    return float(np.polyfit(np.log(k), np.log(2 * c), 1)[0])



def convex_diminishing_checkpoints(steps: int) -> np.ndarray:
    """Records of ``khanh-2024/convex-diminishing-steps`` and of the quadratic-cycle figure: ~300
    log-spaced steps, the first 60, and consecutive pairs (k, k + 1) (100 on [K/2, K], 400 on [K/16, K])."""
    return np.unique(np.concatenate([np.geomspace(1, steps, 300).astype(int), np.arange(1, 60),
                                     pair_checkpoints(steps, steps // 2), pair_checkpoints(steps, max(steps // 16, 1), 400)]))


def nonconvex_checkpoints(steps: int) -> np.ndarray:
    """~300 log-spaced records and ~300 consecutive pairs (k, k + 1) on [K/64, K] (both phases of the
    residual 2-cycle, for pair sums of step lengths, Cauchy suprema and the f oscillation)."""
    return np.unique(np.concatenate([np.geomspace(1, steps, 300).astype(int),
                                     pair_checkpoints(steps, max(steps // 64, 1), 300)]))


def nonconvex_method_run(n: int, steps: int, method: str, t0: float, *, seed: int = 0, rho_power: float | None = None):
    """One of the five methods on the log-loss of size n from x¹ = 0 with t_k = decay_schedule(1/L, 0.6, t0),
    ρ_k = C/k^0.5 (``rho_power`` overrides 0.5; RSAM: 4 runs), recorded at :func:`nonconvex_checkpoints`
    with the step length observed and the iterates kept: the run of the nonconvex claim and of its figure."""
    p = log_loss_instance(n, seed=0)
    lr = decay_schedule(1.0 / p.L, NONCONVEX["lr_power"], t0)
    rho = schedules.inverse_power(NONCONVEX["C"], NONCONVEX["rho_power"] if rho_power is None else rho_power)
    runs = 4 if method == "rsam" else 1
    return run(p, variant(method, lr, rho), np.zeros((runs, n)), steps, checkpoints=nonconvex_checkpoints(steps),
               keep_iterates=True, observe={"step": step_length}, name=f"nonconvex-{method}-n{n}", seed=seed)


PATH_RUNS = ("set A: rho_k = C/k^0.5", "set B only: rho_k = C/k^0.3", "constant t = 1/L, rho = C")
"""Columns of :func:`nonconvex_path_runs`."""


def nonconvex_path_runs(n: int, steps: int, t0: float, *, seed: int = 0):
    """SAM with Set-A radii, Set-B-only radii (ρ_k = C/k^0.3) and constant (t, ρ) = (1/L, C), as one
    batched run with per-run schedules, every step recorded with the step length observed: the
    path lengths Σ‖x_k − x_{k−1}‖ (columns as :data:`PATH_RUNS`)."""
    p = log_loss_instance(n, seed=0)
    lr_a = decay_schedule(1.0 / p.L, NONCONVEX["lr_power"], t0)
    C = NONCONVEX["C"]
    inv_L = 1.0 / p.L

    def lr_fn(k):
        t = np.asarray(lr_a(k), float)
        return np.stack([t, t, np.full(np.shape(t), inv_L)])

    def rho_fn(k):
        k = np.asarray(k, float)
        return np.stack([C / k ** NONCONVEX["rho_power"], C / k ** NONCONVEX["setb_rho_power"], np.full(k.shape, C)])

    lr = schedules.from_callable(lr_fn, "set A | set B | constant 1/L")
    rho = schedules.from_callable(rho_fn, "C/k^0.5 | C/k^0.3 | C")
    return run(p, algorithms.sam(lr, rho), np.zeros((3, n)), steps, checkpoints=every_step(steps),
               observe={"step": step_length}, name=f"nonconvex-paths-n{n}", seed=seed)


def nonconvex_constant_run(n: int, steps: int, *, seed: int = 0):
    """SAM with constant t = 1/L, ρ = C on the log-loss of size n (the control that plateaus)."""
    p = log_loss_instance(n, seed=0)
    return run(p, algorithms.sam(1.0 / p.L, NONCONVEX["C"]), np.zeros(n), steps,
               checkpoints=nonconvex_checkpoints(steps), name=f"nonconvex-control-n{n}", seed=seed)


def almost_constant_runs(n: int, steps: int, C: float, p: float, *, checkpoints, seed: int = 0) -> dict:
    """Remark 3.6 on the log-loss of size n from x¹ = 0 with t = 1/L: {"gd": GD, "const": SAM with
    ρ = C, "pow": SAM with ρ_k = C/k^p} (Results, recorded at ``checkpoints``)."""
    prob = log_loss_instance(n, seed=0)
    lr = 1.0 / prob.L
    algs = {"const": algorithms.sam(lr, C), "pow": algorithms.sam(lr, schedules.inverse_power(C, p)),
            "gd": algorithms.gd(lr)}
    return {key: run(prob, alg, np.zeros(n), steps, checkpoints=checkpoints, name=f"remark36-{key}-n{n}", seed=seed)
            for key, alg in algs.items()}


def almost_constant_checkpoints(steps: int) -> np.ndarray:
    """~150 log-spaced records: those of the claim ``khanh-2024/almost-constant-radius`` and of its figure."""
    return np.unique(np.geomspace(1, steps, 150).astype(int))


def almost_constant_differences(runs: dict) -> dict:
    """Final values of :func:`almost_constant_runs` and the relative differences the claim and its
    figure report: |f_K(C/k^p) − f_K(C)|/f_K(C) and |f_K(GD) − f_K(C)|/f_K(C)."""
    fc, fp, fg = (float(runs[k].f[-1, 0]) for k in ("const", "pow", "gd"))
    return {"sam_const": fc, "sam_power": fp, "gd": fg, "relative_difference": abs(fp - fc) / fc,
            "gd_relative_difference": abs(fg - fc) / fc}


def almost_constant_bound(steps: int, p: float) -> float:
    """1 − K^{−2p}: the first-order bound on |f_K(C/k^p) − f_K(C)|/f_K(C) [derived]. Near x* with
    t·a = 1, constant-step SAM ends on its 2-cycle at the level f ≈ F + Gρ² (F, G ≥ 0), so replacing
    ρ by ρ_K = C·K^{−p} changes f_K by at most the factor 1 − K^{−2p}."""
    return 1.0 - steps ** (-2.0 * p)


# ----------------------------------------------------------------------------- worst cases of the per-step bounds

WORST_L = 1.0
"""Smoothness constant of the searched classes (every bound here is homogeneous in L: L = 1 loses nothing)."""

WORST_CASE = {
    "quick": {"dim": 4, "steps": 8, "budget": 150, "random": 100, "pep_grid": [0.1, 0.5, 0.9], "save": False},
    "full": {"dim": 4, "steps": 30, "budget": 1500, "random": 400, "pep_grid": [0.1, 0.3, 0.5, 0.7, 0.9],
             "save": True},
}
"""Settings of the worst-case claims (``s["budget"]``: instance evaluations per method and family)."""

WORST_FIGURE_T = {"quick": [1, 4, 8], "full": [1, 2, 4, 8, 16, 30]}
"""Horizons T of the worst-case figure (the worst over t ≤ T, for each T; the last is the claims' ``steps``)."""

GUARD = 1e8
"""A per-step ratio is recorded only where its denominator exceeds GUARD·u·L·(‖x‖ + 1), u = 2⁻⁵³
(NaN otherwise: not resolvable in float64). A gradient evaluation errs by ≲ d·u·L(‖x‖ + 1) per
coordinate, so a recorded ratio errs by ≲ 4d/GUARD = 1.6e-7 at d = 4: the worst-case claims'
tolerance 1e-6 sits above every rounding an adversary can exploit, and below any real violation."""

_U = float(np.finfo(float).eps) / 2


def igd_ratio_metric(L: float, relative: bool):
    """The adversary's metric for the IGD bound Lρ at step t (a callable of a StepView, (B,) values).

    Absolute error (normalized variants): ‖∇f(y_t) − ∇f(x_{t−1})‖; relative error (USAM):
    ‖∇f(y_t) − ∇f(x_{t−1})‖/‖∇f(x_{t−1})‖. NaN where the bound on the difference, L‖y_t − x_{t−1}‖
    (= Lρ, or Lρ‖∇f‖ for USAM), is below the rounding scale (:data:`GUARD`).
    """

    def metric(view):
        g = view.problem.grad(view.x_prev)
        num = row_norms(view.problem.grad(view.y) - g)
        ok = L * row_norms(view.y - view.x_prev) > GUARD * _U * L * (row_norms(view.x_prev) + 1.0)
        den = row_norms(g) if relative else np.ones_like(num)
        return np.divide(num, den, out=np.full_like(num, np.nan), where=ok & (den > 0))

    metric.__name__ = "igd_relative_error" if relative else "igd_absolute_error"
    return metric


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


def segment_difference(problem, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """f(x1) − f(x0) (B,) as ∫₀¹⟨∇f(x0 + s(x1 − x0)), x1 − x0⟩ds by 16-point Gauss–Legendre quadrature.

    Differencing two values of f loses everything below the rounding of f itself (for a cosine sum
    (L/ω²)(1 − cos ωx) that is u·L/ω² however small the step); the quadrature's rounding is relative to
    ‖∇f‖‖x1 − x0‖, the scale of the descent terms it is compared with. Exact for polynomials of degree
    ≤ 31 (quadratics, saddles); for the cosine sums, whose phase changes by ω‖x1 − x0‖ ≤ 2√d per step,
    the quadrature error is far below rounding (checked against direct differences in the tests).
    """
    delta = x1 - x0
    out = np.zeros(x0.shape[0])
    for node, weight in zip(_GL_NODES, _GL_WEIGHTS):
        g = problem.grad(x0 + (0.5 * (node + 1.0)) * delta)
        out += 0.5 * weight * np.einsum("ij,ij->i", g, delta)
    return out


def usam_descent_metric(view):
    """(f(x_t) − f(x_{t−1}) + t‖∇f(x_{t−1})‖²)/‖∇f(x_{t−1})‖²: what the USAM descent bound caps by
    t(1 − c). t is recovered exactly from the step (x_t = x_{t−1} − t∇f(y_t)) and the difference of f
    by :func:`segment_difference`; NaN where ‖∇f(x_{t−1})‖ is below the rounding scale of a gradient
    (:data:`GUARD`·u·L(‖x‖ + 1), L = :data:`WORST_L`)."""
    g = view.problem.grad(view.x_prev)
    g2 = np.einsum("ij,ij->i", g, g)
    gd = view.g_descent
    lr = np.einsum("ij,ij->i", view.x_prev - view.x, gd) / np.maximum(np.einsum("ij,ij->i", gd, gd), 1e-300)
    df = segment_difference(view.problem, view.x_prev, view.x)
    ok = np.sqrt(g2) > GUARD * _U * WORST_L * (row_norms(view.x_prev) + 1.0)
    out = np.full_like(g2, np.nan)
    np.divide(df + lr * g2, g2, out=out, where=ok)
    return out


def igd_factory(method: str):
    """(factory, hyperparameter box) of a method for the adversary: lr·L ∈ (0.05, 1.9), ρ ∈ (0.01, 1)
    (ρL for USAM ∈ (0.01, 0.95)), and each variant's own parameters free: VaSSO θ ∈ (0.05, 1),
    RSAM σ ∈ (0, 1), F-SAM σ ∈ (0, 1.5), β ∈ (0, 0.99)."""
    L = WORST_L
    box = {"lr": (0.05 / L, 1.9 / L), "rho": (0.01, 1.0 if method != "usam" else 0.95 / L)}
    if method == "sam":
        return (lambda lr, rho: algorithms.sam(lr, rho)), box
    if method == "usam":
        return (lambda lr, rho: algorithms.usam(lr, rho)), box
    if method == "vasso":
        return (lambda lr, rho, theta: algorithms.vasso(lr, rho, theta)), {**box, "theta": (0.05, 1.0)}
    if method == "rsam":
        return (lambda lr, rho, sigma: algorithms.rsam(lr, rho, sigma)), {**box, "sigma": (0.0, 1.0)}
    if method == "fsam":
        return (lambda lr, rho, sigma, beta: algorithms.fsam(lr, rho, sigma, beta)), \
            {**box, "sigma": (0.0, 1.5), "beta": (0.0, 0.99)}
    raise ValueError(f"unknown method {method!r}")


def igd_bound(t, lr, rho, **_):
    """Lρ: the bound of ‖∇f(y) − ∇f(x)‖ (absolute) and of ‖∇f(y) − ∇f(x)‖/‖∇f(x)‖ (USAM, relative)."""
    return WORST_L * np.broadcast_to(rho, np.broadcast_shapes(np.shape(t), np.shape(rho)))


def igd_families(dim: int) -> dict:
    """The searched L-smooth classes: convex quadratics, Huber sums (convex, not quadratic), cosine sums (nonconvex)."""
    from .. import adversary

    L = WORST_L
    return {"quadratics": adversary.Quadratics(dim, L, 0.0), "huber": adversary.Huber(dim, L, 0.0),
            "cosines": adversary.Cosines(dim, L)}


def usam_factory():
    """(factory, box) for USAM over the derived region: ρ = u/L, t = v·t̄(ρ), u, v ∈ (0.02, 0.98)."""
    L = WORST_L

    def make(u, v):
        rho = np.asarray(u, float) / L
        return algorithms.usam(np.asarray(v, float) * np.asarray(usam_descent_step_limit(L, rho)), rho)

    return make, {"u": (0.02, 0.98), "v": (0.02, 0.98)}


def usam_bound(t, u, v):
    """t(1 − c) = t(Lρ + (Lt/2)(1 + Lρ)²): the cap of f(x⁺) − f(x) + t‖∇f‖² per ‖∇f‖² (ρ = u/L, t = v·t̄)."""
    L = WORST_L
    rho = np.asarray(u, float) / L
    lr = np.asarray(v, float) * np.asarray(usam_descent_step_limit(L, rho))
    val = lr * (1.0 - np.asarray(usam_descent_constant(lr, rho, L)))
    return np.broadcast_to(val, np.broadcast_shapes(np.shape(t), np.shape(val)))


def usam_families(dim: int) -> dict:
    """L-smooth classes for the USAM descent bound: convex quadratics, saddles (indefinite), cosine sums."""
    from .. import adversary

    L = WORST_L
    return {"quadratics": adversary.Quadratics(dim, L, 0.0),
            "saddles": adversary.Saddles(dim, positive=(0.02, L), negative=(0.02, L)),
            "cosines": adversary.Cosines(dim, L)}


def igd_step_pep(rho: float, relative: bool) -> dict:
    """Per-step PEP of the IGD relation over L-smooth (nonconvex) f, PEPit's exact interpolation.

    Absolute: max ‖∇f(y) − ∇f(x)‖² over ‖y − x‖ ≤ ρ (the ascent point anywhere in the ball: a
    relaxation containing SAM, VaSSO, RSAM and F-SAM); relative (USAM, exact: y = x + ρ∇f(x) is linear
    in the oracle): max ‖∇f(y) − ∇f(x)‖² given ‖∇f(x)‖² ≤ 1. Returns the value and value/(Lρ)² (the
    bound squared), which the solver gives to ~1e-7 relative (:data:`samlab.pep.GAP_TOLERANCE`).
    """
    from PEPit import PEP, Point
    from PEPit.functions import SmoothFunction

    from ..pep import solve

    L = WORST_L
    pb = PEP()
    f = pb.declare_function(SmoothFunction, L=L)
    x0 = pb.set_initial_point()
    g0, _ = f.oracle(x0)
    if relative:
        pb.set_initial_condition(g0 ** 2 <= 1)
        y = x0 + rho * g0
    else:
        delta = Point()
        pb.add_constraint(delta ** 2 <= rho ** 2)
        pb.set_initial_condition(delta ** 2 <= rho ** 2)
        y = x0 + delta
    pb.set_performance_metric((f.gradient(y) - g0) ** 2)
    value = solve(pb)[0]
    return {"value": value, "ratio": float(np.sqrt(value) / (L * rho)), "exact": bool(relative)}


def usam_step_pep(u: float, v: float) -> dict:
    """Exact one-step PEP of USAM's descent over L-smooth f: max f(x₁) − f(x₀) + t‖∇f(x₀)‖² given
    ‖∇f(x₀)‖² ≤ 1, with ρ = u/L, t = v·t̄(ρ); ratio = value/(t(1 − c)) (the derived bound's tightness)."""
    from PEPit import PEP
    from PEPit.functions import SmoothFunction

    from ..pep import solve

    L = WORST_L
    rho = u / L
    lr = v * float(usam_descent_step_limit(L, rho))
    pb = PEP()
    f = pb.declare_function(SmoothFunction, L=L)
    x0 = pb.set_initial_point()
    g0, f0 = f.oracle(x0)
    pb.set_initial_condition(g0 ** 2 <= 1)
    x1 = x0 - lr * f.gradient(x0 + rho * g0)
    pb.set_performance_metric(f(x1) - f0 + lr * g0 ** 2)
    value = solve(pb)[0]
    return {"value": value, "ratio": float(value / float(usam_bound(1.0, u, v))), "exact": True, "u": u, "v": v}


def worst_rows(methods, families, factory_of, metric_of, bound, s, seed, at="all"):
    """One adversarial search (``s["budget"]`` instances, t ≤ ``s["steps"]``, or t = ``s["steps"]`` only with
    ``at="final"``) and ``s["random"]`` uniform draws per (method, family): rows (worst ratio, its step and
    hyperparameters, median of the draws), and (the overall worst Search, its method, its family). Shared by
    the worst-case claims and figure."""
    from .. import adversary

    rows, best = [], None
    for m in methods:
        factory, box = factory_of(m)
        for fname, fam in families.items():
            sr = adversary.search(factory, fam, steps=int(s["steps"]), bound=bound, metric=metric_of(m), at=at,
                                  budget=int(s["budget"]), seed=seed, hypers=box, progress=s.get("progress"))
            rand = adversary.sample_ratios(factory, fam, steps=int(s["steps"]), bound=bound, metric=metric_of(m),
                                           at=at, n=int(s["random"]), seed=seed, hypers=box)
            rand = rand[np.isfinite(rand)]
            rows.append({"method": m, "family": fname, "worst_ratio": sr.worst_ratio, "at_step": sr.t,
                         "median_random": float(np.median(rand)) if rand.size else float("nan"),
                         **{f"worst_{k}": v for k, v in sr.hypers.items()}})
            if best is None or sr.worst_ratio > best[0].worst_ratio:
                best = (sr, m, fname)
    return rows, best


def save_worst_instance(name: str, search, extra: dict | None = None, out=None) -> str:
    """Save a worst instance (family parameters, x0, hyperparameters, ratio) to
    ``figures/khanh_2024/data/<name>.npz``; returns the path relative to the figures folder."""
    import io
    import json

    from ..experiment import data_dir
    from ..result import atomic_write_bytes

    arrays = {"params": np.asarray(search.params, float), "x0": np.asarray(search.x0, float),
              "worst_ratio": np.array(search.worst_ratio), "t": np.array(search.t),
              "hyper_names": np.array(sorted(search.hypers)),
              "hyper_values": np.array([search.hypers[k] for k in sorted(search.hypers)], float),
              "family": np.array(json.dumps(search.family, sort_keys=True)),
              "algorithm": np.array(repr(search.algorithm)),
              "extra": np.array(json.dumps(extra or {}, sort_keys=True))}
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    atomic_write_bytes(data_dir("khanh-2024", out) / f"{name}.npz", buf.getvalue())
    return f"khanh_2024/data/{name}.npz"


# ----------------------------------------------------------------------------- worst case of the convex descent inequality

CONVEX_DESCENT_WORST = {
    "quick": {**WORST_CASE["quick"], "pep_rho": [0.1, 1.0, 10.0], "convex": True},
    "full": {**WORST_CASE["full"], "pep_rho": [0.01, 0.1, 1.0, 10.0, 100.0], "convex": True},
}
"""Settings of ``khanh-2024/convex-descent-inequality-worst-case``: the per-step searches of
:data:`WORST_CASE` and the PEP at Lρ/‖∇f(x)‖ = ``pep_rho`` (``convex``: False searches nonconvex
classes instead, the control)."""


def convex_descent_metric(view):
    """r = 1 − ⟨∇f(y_t) − ∇f(x_{t−1}), ∇f(x_{t−1})⟩/‖∇f(x_{t−1})‖² = (2‖g‖² − ⟨∇f(y), g⟩)/‖g‖², g = ∇f(x_{t−1}).

    ⟨∇f(y), g⟩ ≥ ‖g‖² (the convex descent inequality) is exactly r ≤ 1. r is finite wherever g ≠ 0
    (no pole where ⟨∇f(y), g⟩ ≤ 0, which convex f never reaches: a nonconvex f that reverses the
    direction gives r ≥ 2). NaN where ‖g‖ is below the rounding scale GUARD·u·L(‖x‖ + ‖y − x‖ + 1)
    (:data:`GUARD`): each gradient errs by ≲ d·u·L(‖·‖ + 1) per coordinate, so the recorded r errs by
    ≲ 4d^{3/2}/GUARD ≈ 3e-7 at d = 4 (the difference ∇f(y) − g is formed first: no cancellation of
    ⟨∇f(y), g⟩ against ‖g‖²).
    """
    g = view.problem.grad(view.x_prev)
    diff = view.problem.grad(view.y) - g
    g2 = np.einsum("ij,ij->i", g, g)
    scale = GUARD * _U * WORST_L * (row_norms(view.x_prev) + row_norms(view.y - view.x_prev) + 1.0)
    out = np.full_like(g2, np.nan)
    np.divide(np.einsum("ij,ij->i", diff, g), g2, out=out, where=np.sqrt(g2) > scale)
    return 1.0 - out


def convex_descent_factory(method: str = "sam"):
    """(factory, box) of SAM for the convex-descent search: lr·L ∈ (0.05, 1.9), ρ ∈ (0.01, 1) (:func:`igd_factory`)."""
    return igd_factory(method)


def unit_bound(t, **hypers):
    """The bound 1 of a metric that is already a ratio (one value per step and candidate)."""
    shape = np.broadcast_shapes(np.shape(t), *(np.shape(v) for v in hypers.values()))
    return np.ones(shape)


def convex_descent_families(dim: int, convex: bool = True) -> dict:
    """Searched classes. Convex (the inequality's hypothesis), L = 1, μ = 0: quadratics (least squares are
    quadratics up to a translation and a rotation, under which SAM is equivariant) with ‖x₀‖ ∈ (0.1, 10),
    and Huber sums (affine far from x*). ``convex=False`` (the control): nonconvex cosine sums and saddles."""
    from .. import adversary

    L = WORST_L
    if convex:
        return {"quadratics": adversary.Quadratics(dim, L, 0.0, start_value=(1e-2, 1e2)),
                "huber": adversary.Huber(dim, L, 0.0)}
    return {"cosines": adversary.Cosines(dim, L),
            "saddles": adversary.Saddles(dim, positive=(0.02, L), negative=(0.02, L))}


def convex_descent_pep(rho: float, convex: bool = True) -> dict:
    """Exact one-step PEP of the convex descent inequality: max 2‖g‖² − ⟨∇f(x + ρg), g⟩ over L-smooth convex f
    (PEPit's exact interpolation) given ‖g‖² = 1, g = ∇f(x); the value is the worst ratio r.

    Exact for SAM: with ‖g‖ = 1 the ascent point x + ρg/‖g‖ = x + ρg is linear in the oracle. No
    generality is lost: r is invariant under f ↦ f/‖∇f(x)‖, which maps L to L/‖∇f(x)‖, so the class at
    every (L, ρ, ‖∇f(x)‖) is the PEP at L = 1 and radius Lρ/‖∇f(x)‖ (``rho``). ``convex=False``: L-smooth
    (nonconvex) f, the control. The solver is accurate to ~1e-7 (:data:`samlab.pep.GAP_TOLERANCE`).
    """
    from PEPit import PEP
    from PEPit.functions import SmoothConvexFunction, SmoothFunction

    from ..pep import solve

    pb = PEP()
    f = pb.declare_function(SmoothConvexFunction if convex else SmoothFunction, L=WORST_L)
    x0 = pb.set_initial_point()
    g0, _ = f.oracle(x0)
    pb.set_initial_condition(g0 ** 2 == 1)
    pb.set_performance_metric(2 * g0 ** 2 - f.gradient(x0 + rho * g0) * g0)
    value = solve(pb)[0]
    return {"rho": float(rho), "value": value, "ratio": float(value), "exact": True}


# ----------------------------------------------------------------------------- worst case of Remark 3.6 (two arms per instance)

ALMOST_CONSTANT_WORST = {
    "quick": {"dim": 4, "steps": 500, "p": REMARK_36["quick"]["p"], "C": (0.01, 1.0), "budget": 150, "random": 100,
              "run_p": None, "save": False},
    "full": {"dim": 4, "steps": REMARK_36["quick"]["steps"], "p": REMARK_36["full"]["p"], "C": (0.01, 1.0),
             "budget": 1500, "random": 400, "run_p": None, "save": True},
}
"""Settings of ``khanh-2024/almost-constant-radius-worst-case``: K = ``steps``, p, the searched range of C,
the search budget per family; ``run_p`` (the control) runs arm b with ρ_k = C/k^run_p instead of C/k^p."""


class PairedProblem(Problem):
    """Two copies of one (batched) problem side by side: F(x_a, x_b) = f(x_a) + f(x_b) on R^{2d}.

    A run of :func:`paired_sam` on it is two independent SAM runs on f (the arms a and b), so that two
    radii compared on the same instance are one batched run with one row per instance. ``base`` is the
    problem f (its ``rows`` instances, if batched)."""

    def __init__(self, base):
        if not isinstance(base, Problem):
            raise ValueError(f"base must be a samlab problem, got {type(base).__name__}")
        self.base = base
        self.rows = getattr(base, "rows", 1)
        self.dim = 2 * base.dim
        self.name = f"paired {base.name}"
        self.L, self.mu = base.L, base.mu
        xs = base.x_star
        self.x_star = None if xs is None else np.concatenate([xs, xs], axis=-1)
        self.f_star = None if base.f_star is None else 2.0 * np.asarray(base.f_star, float)
        if self.f_star is not None and self.f_star.ndim == 0:
            self.f_star = float(self.f_star)

    def arms(self, X):
        """(x_a, x_b) of points X (B, 2d)."""
        X = np.atleast_2d(np.asarray(X, float))
        d = self.base.dim
        return X[:, :d], X[:, d:]

    def value(self, X):
        a, b = self.arms(X)
        return self.base.value(a) + self.base.value(b)

    def grad(self, X):
        a, b = self.arms(X)
        return np.concatenate([self.base.grad(a), self.base.grad(b)], axis=1)

    def describe(self):
        return {"name": self.name, "dim": int(self.dim), "base": self.base.describe()}


def _paired_sam_step(g, x, state, h, ctx):
    d = g.shape[1] // 2
    return np.concatenate([ctx.normalize(g[:, :d], h.rho), ctx.normalize(g[:, d:], h.rho / ctx.k ** h.p)], axis=1), state


def paired_sam(lr, C, p):
    """SAM on a :class:`PairedProblem`: arm a with constant ρ = C, arm b with ρ_k = C/k^p, each normalized on
    its own half (y_a = x_a + C g_a/‖g_a‖, y_b = x_b + (C/k^p) g_b/‖g_b‖), the same step t → ``lr``.
    Built on the public perturbation API; arm b is SAM with ``schedules.inverse_power(C, p)``."""
    return Algorithm("paired_sam", Perturbation("paired_sam", _paired_sam_step, rho=(C, NONNEGATIVE),
                                                p=(p, NONNEGATIVE)), lr=lr)


class PairedFamily(Family):
    """A family whose problems are :class:`PairedProblem` s of a base family's members, each started at
    (x₀, x₀): the same box and instances as ``base``, two arms per row."""

    stochastic = False

    def __init__(self, base: Family):
        if not isinstance(base, Family) or base.stochastic:
            raise ValueError(f"base must be a deterministic samlab.adversary family, got {base!r}")
        self.base = base
        self.name = f"paired {base.name}"
        self.dim = 2 * base.dim
        self.box = list(base.box)

    def _settings(self):
        return {"base": self.base.describe()}

    def _build(self, P):
        prob, X0, _ = self.base._build(P)
        return PairedProblem(prob), np.concatenate([X0, X0], axis=1), None

    def _single(self, P):
        prob, X0, _ = self.base._single(P)
        return PairedProblem(prob), np.concatenate([X0, X0], axis=1), None


def almost_constant_factory(p: float, L: float = WORST_L, C_range=(0.01, 1.0)):
    """(factory, box) for the adversary: :func:`paired_sam` with t = 1/L (Remark 3.6's protocol) and exponent
    ``p`` for arm b, C searched in ``C_range``."""
    def make(C):
        return paired_sam(1.0 / L, C, p)

    return make, {"C": tuple(float(c) for c in C_range)}


def almost_constant_metric(view):
    """|f(x_b) − f(x_a)|/f(x_a) at step t: the relative difference of the final f between ρ_k = C/k^p (arm b)
    and constant ρ = C (arm a) on the same instance; NaN where f(x_a) = 0 (nothing to compare with)."""
    fa = view.problem.base.value(view.x[:, :view.problem.base.dim])
    fb = view.problem.base.value(view.x[:, view.problem.base.dim:])
    out = np.full_like(fa, np.nan)
    np.divide(np.abs(fb - fa), fa, out=out, where=fa > 0)
    return out


def almost_constant_worst_bound(p: float):
    """bound(t, C) = 1 − t^{−2p} (:func:`almost_constant_bound` at K = t), one value per step and candidate."""
    def bound(t, **hypers):
        val = 1.0 - np.asarray(t, float) ** (-2.0 * p)
        shape = np.broadcast_shapes(np.shape(val), *(np.shape(v) for v in hypers.values()))
        return np.broadcast_to(val, shape)

    bound.__name__ = "one_minus_K_to_minus_2p"
    return bound


def almost_constant_families(dim: int) -> dict:
    """Paired families, L = 1 (t·a = 1 at x*), f* = 0. "quadratics" (spectrum in [0, L], λ_max = L): the
    derivation's class, where the cycle level is exactly F + Gρ². Beyond its hypotheses (reported, not
    part of the bound's class): "huber" (convex, L-smooth, quadratic only within |x_j| ≤ δ_j, so the level
    is F + Gρ² only while the cycle stays inside) and "cosines" (nonconvex, wells of width 2π/ω_j)."""
    from .. import adversary

    L = WORST_L
    return {"quadratics": PairedFamily(adversary.Quadratics(dim, L, 0.0)),
            "huber": PairedFamily(adversary.Huber(dim, L, 0.0)),
            "cosines": PairedFamily(adversary.Cosines(dim, L))}
