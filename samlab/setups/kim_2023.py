"""Kim, Park, Choi & Lee 2023: the instances, settings and run protocols its claims and figures share.

Claims (:mod:`samlab.claims.kim_2023`) and figure scripts (``experiments/kim_2023``) take from here
every instance and number they both use, so that a figure shows what its claim checks:

- the official settings of the Beale experiment (Harry24k/sam-saddle [official code]) and its GD
  stopping rule, which fixes the length of every official run (:data:`OFFICIAL_BEALE`,
  :func:`official_gd_stop`); the per-step observers of the Case III picture (:data:`BEALE_OBSERVE`);
- the x² − y² demo of the official code (:data:`X2Y2_EIGENVALUES`, :data:`X2Y2_START`,
  :data:`SADDLE_LR`, :data:`X2Y2_RHO`);
- the stochastic saddle with minibatch-like noise N(0, |H|/B) (:func:`stochastic_saddle`) and exact
  first-passage (escape) times from it (:func:`escape_steps`, :func:`saved_escape_steps`);
- random quadratic saddles of any index (:func:`random_saddle_spectra`) and the bisection of many
  monotone decisions at once (:func:`bisect_batched`);
- Theorem 2's model SDE as a problem + noise (:func:`model_sde_problem`) and as a direct
  Euler–Maruyama simulation (:func:`simulate_model_sde`);
- the quick/full settings a claim shares with a figure, and each figure's own (:data:`FIGURES`).

Seeds: every random draw comes from ``samlab.seeding.rng(seed, key)`` with a key naming what is drawn.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import problems
from ..engine import run
from ..linalg import row_norms
from ..noise import MinibatchNoise
from ..problems.base import Problem, as_batch
from ..problems.quadratic import Quadratic, random_rotation
from ..seeding import rng
from ..theory._common import _arr
from ..theory.kim_2023 import minibatch_covariance
from ..theory.linearization import sam_objective_rates

__all__ = [
    "OFFICIAL_BEALE",
    "BEALE_TRAP",
    "BEALE_CASE_III_RHO",
    "WP_PLOT_START",
    "SADDLE_REACHED",
    "BEALE_OBSERVE",
    "first_step_within",
    "SADDLE_LR",
    "X2Y2_EIGENVALUES",
    "X2Y2_START",
    "X2Y2_RHO",
    "ESCAPE_RADIUS",
    "stochastic_saddle",
    "random_saddle_spectra",
    "escape_steps",
    "saved_escape_steps",
    "model_sde_problem",
    "simulate_model_sde",
    "official_gd_stop",
    "bisect_batched",
    "FIGURES",
]


# ----------------------------------------------------------------------------- Beale (official code)

OFFICIAL_BEALE = {
    "start": (1.0, 2.0),
    "lr": 1e-3 / 80.0,  # 1.25e-5, Harry24k/sam-saddle
    "rhos": (0.1, 0.5, 1.0),
    "max_steps": 100_000,
    "minimum": (3.0, 0.5),
    "saddle": (0.0, 1.0),
    "gd_stop_step": 87_683,
}
"""Settings of the official Beale experiment (Harry24k/sam-saddle [official code]).

``gd_stop_step``: where the official GD stopping rule fires at lr 1.25e-5 (rule (b) of
:func:`official_gd_stop`), the length of every official run; re-derived by the full mode of the claim
``kim-2023/beale-saddle-trap``."""


BEALE_TRAP = {
    "quick": {"lr": 1e-4, "steps": 4000, "official_steps": False},
    "full": {"lr": OFFICIAL_BEALE["lr"], "steps": None, "official_steps": True,
             "max_steps": OFFICIAL_BEALE["max_steps"]},
}
"""Settings of the claim ``kim-2023/beale-saddle-trap``; its quick mode (η = 1e-4, the step size of
the paper's Beale figure as reported, 4,000 steps) is also the quick mode of the Beale figure."""

BEALE_CASE_III_RHO = 0.5
"""ρ of the trapped Beale run whose Case III signature the claim checks and the figure shows."""

WP_PLOT_START = 5000
"""First step of the official perturbed-point (w^p) plot: 8 consecutive y_t from t = 5,000."""

SADDLE_REACHED = 1e-2
"""‖x_t − saddle‖ below which the Beale run counts as having reached the saddle (t₀)."""


def _cosine(view):
    """cos(∇f(x_{t−1}), ∇f(y_t)) from the step's exact ascent and descent gradients."""
    g, gy = view.g, view.g_descent
    den = row_norms(g) * row_norms(gy)
    return np.where(den > 0, np.einsum("ij,ij->i", g, gy) / np.where(den > 0, den, 1.0), 1.0)


BEALE_OBSERVE = {"cos": _cosine, "yx": lambda v: v.y[:, 0], "yy": lambda v: v.y[:, 1]}
"""Per-step observers of the Case III picture: the gradient cosine and the perturbed point y_t."""


def first_step_within(path, point, radius: float = SADDLE_REACHED):
    """First index t of a (T + 1, d) path with ‖x_t − point‖ < ``radius``; None if never."""
    path = np.asarray(path, dtype=float)
    near = row_norms(path - np.asarray(point, dtype=float)) < radius
    return int(np.argmax(near)) if near.any() else None


def official_gd_stop(dist_to_min, moves, f, *, max_steps: int = 100_000):
    """Step at which the official Beale GD run stops (Harry24k/sam-saddle [official code]).

    Rules, checked after each step t = 1, 2, …: (a) ‖x_t − (3, 0.5)‖ < 0.15; (b) ‖x_t − (3, 0.5)‖ <
    0.55 and the last 500 moves ‖x_s − x_{s−1}‖ (s = t−499 … t) are all < 1e-5; (c) the relative loss
    change |f_s − f_{s−1}|/|f_{s−1}| < 1e-8 for 80 consecutive steps; (d) t = ``max_steps``.
    ``dist_to_min``, ``f``: (N+1,) per step from x_0; ``moves``: (N,) with moves[t−1] = ‖x_t − x_{t−1}‖
    (for GD: η‖∇f(x_{t−1})‖). Returns (t, rule) with rule in "a", "b", "c", "d", or (None, None)
    if the record ends first. At lr 1.25e-5 rule (b) fires at t = 87,683 [derived] (``OFFICIAL_BEALE``).
    """
    dist = _arr(dist_to_min, "dist_to_min").reshape(-1)
    f = _arr(f, "f").reshape(-1)
    moves = _arr(moves, "moves").reshape(-1)
    n = moves.size
    if dist.size != n + 1 or f.size != n + 1:
        raise ValueError("dist_to_min and f must have one entry more than moves (x_0 … x_N)")
    t = np.arange(1, n + 1)
    small = (moves < 1e-5).astype(np.int64)
    run_small = np.concatenate([[0], np.cumsum(small)])
    last500 = np.where(t >= 500, run_small[t] - run_small[np.maximum(t - 500, 0)], 0) == 500
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(np.diff(f)) / np.abs(f[:-1])
    calm = (rel < 1e-8).astype(np.int64)
    # length of the current streak of calm steps ending at t
    idx = np.where(calm == 0, t, 0)
    last_break = np.maximum.accumulate(idx)
    streak80 = (t - last_break) >= 80
    rules = {"a": dist[1:] < 0.15, "b": (dist[1:] < 0.55) & last500, "c": streak80, "d": t >= max_steps}
    first = {k: int(t[np.argmax(v)]) for k, v in rules.items() if v.any()}
    if not first:
        return None, None
    rule = min(first, key=lambda k: (first[k], k))
    return first[rule], rule

# ----------------------------------------------------------------------------- saddles

SADDLE_LR = 0.01
"""η of every saddle experiment: the official x² − y² demo's step size."""

X2Y2_EIGENVALUES = (2.0, -2.0)
"""f = x² − y² = ½(2x² − 2y²): the official demo's saddle (Harry24k/sam-saddle [official code])."""

X2Y2_START = (-3.0, -0.01)
"""Start of the official x² − y² demo."""

X2Y2_RHO = 0.5
"""ρ of the official x² − y² demo; for USAM exactly the threshold ρ|λ₋| = 1."""

ESCAPE_RADIUS = 2.0
"""An escape is the first step with |v₋ᵀx| ≥ 2 (v₋ the unstable eigenvector of the saddle)."""


def stochastic_saddle(seed: int, eigenvalues=(1.0, -1.0)):
    """The rotated quadratic saddle of the stochastic experiments, its unstable eigenvector and |H|.

    Returns (problem, v₋, C) with C = |H| = Q|Λ|Qᵀ, the per-sample noise covariance of Kim et al.'s
    SDE (:func:`samlab.theory.kim_2023.minibatch_covariance`); the rotation is drawn from
    ``rng(seed, "saddle-rotation")``.
    """
    p = problems.quadratic_saddle(tuple(float(e) for e in eigenvalues), seed=rng(seed, "saddle-rotation"))
    w, V = np.linalg.eigh(p.H)
    return p, V[:, 0], minibatch_covariance(p.H)


def random_saddle_spectra(n: int, dim: int, index: int, rng, *, magnitudes=(0.5, 2.0), gap=1.25):
    """(n, dim) random saddle spectra with ``index`` negative eigenvalues, rows ascending.

    Magnitudes |λ| are log-uniform in ``magnitudes``. The negative eigenvalue closest to 0 (the one
    that fixes Theorem 1's threshold 1/min|λ₋|) is kept a factor ≥ ``gap`` away in magnitude from the
    other negative ones (rejection sampling), so that near the threshold every other negative
    direction contracts at a rate of order (gap − 1): a finite run can then decide the sign of the
    slowest multiplier. ``rng``: numpy Generator.
    """
    if not (1 <= index < dim):
        raise ValueError(f"index must satisfy 1 <= index < dim, got index={index}, dim={dim}")
    lo, hi = (float(v) for v in magnitudes)
    if not 0 < lo < hi:
        raise ValueError(f"magnitudes must be (lo, hi) with 0 < lo < hi, got {magnitudes!r}")
    if not gap >= 1:
        raise ValueError(f"gap must be >= 1, got {gap!r}")
    out = np.empty((n, dim))
    filled = 0
    while filled < n:
        mags = np.exp(rng.uniform(np.log(lo), np.log(hi), (4 * n, dim)))
        neg = np.sort(mags[:, :index], axis=1)
        ok = np.ones(mags.shape[0], dtype=bool) if index == 1 else neg[:, 1] >= gap * neg[:, 0]
        rows = np.concatenate([-neg, mags[:, index:]], axis=1)[ok]
        take = min(n - filled, rows.shape[0])
        out[filled:filled + take] = np.sort(rows[:take], axis=1)
        filled += take
    return out


class _EscapeRegion(Problem):
    """A problem restricted to the slab |vᵀ(x − c)| < r around a saddle c: leaving it ends the run.

    Inside the slab value, gradient and Hessian are those of ``problem``; at a point with
    |vᵀ(x − c)| ≥ r (``direction`` v, unit; ``radius`` r) the gradient is undefined (NaN). The first
    gradient the algorithm asks for outside the slab makes its next iterate non-finite, and
    ``samlab.run`` (by its documented contract) marks the run "diverged" at that step and keeps its
    last finite iterate. For an iterate x_k outside, that happens at step k + 1 with x_k kept: exact
    first passage without per-step checkpoints (:func:`escape_steps`). A SAM perturbed point can
    also leave first; along a negative-curvature direction the ascent step points back toward the
    saddle, so this needs noise larger than |λ₋|r (rare for r ≫ the noise; counted by
    :func:`escape_steps`). Values stay finite; ``grad_norm`` records NaN once escaped.
    """

    def __init__(self, problem: Problem, direction, radius: float, *, center=None):
        if not isinstance(problem, Problem):
            raise ValueError(f"problem must be a samlab Problem, got {type(problem).__name__}")
        v = _arr(direction, "direction").reshape(-1)
        if v.shape != (problem.dim,) or not np.linalg.norm(v) > 0:
            raise ValueError(f"direction must be a nonzero vector of length {problem.dim}")
        if not (np.isfinite(radius) and radius > 0):
            raise ValueError(f"radius must be > 0, got {radius!r}")
        c = np.zeros(problem.dim) if center is None else _arr(center, "center").reshape(-1)
        if c.shape != (problem.dim,):
            raise ValueError(f"center must have shape ({problem.dim},)")
        self.inner, self.direction, self.radius, self.center = problem, v / np.linalg.norm(v), float(radius), c
        self.dim, self.name = problem.dim, f"escape_region({problem.name}, r={float(radius):g})"
        self.L, self.mu, self.x_star, self.f_star = problem.L, None, None, None

    def coordinate(self, X) -> np.ndarray:
        """(B,) signed coordinate vᵀ(x − c)."""
        return (as_batch(X, self.dim) - self.center) @ self.direction

    def value(self, X):
        return self.inner.value(X)

    def grad(self, X):
        g = np.array(self.inner.grad(X), dtype=float)
        out = np.abs(self.coordinate(X)) >= self.radius
        if out.any():
            g[out] = np.nan
        return g

    def hess(self, X):
        return self.inner.hess(X)

    def describe(self):
        return {**super().describe(), "inner": self.inner.describe(), "radius": self.radius,
                "direction": self.direction.tolist()}


def escape_steps(problem: Problem, algorithm, radius: float, steps: int, *, runs: int, direction=None,
                 center=None, noise=None, seed: int = 0, name: str = "escape", x0=None):
    """First step k with |v₋ᵀ(x_k − c)| ≥ ``radius`` for each run (−1 if none within ``steps``).

    v₋ (``direction``) defaults to the eigenvector of the most negative eigenvalue of ``problem.H``
    (a :class:`~samlab.problems.Quadratic` saddle), c (``center``) to its centre, and x0 to c. The
    run goes through :class:`_EscapeRegion` (absorbing at the radius), so the times are exact first
    passages of the iterates. Returns (steps (runs,), early (runs,) bool, Result); ``early`` flags
    runs ended because a perturbed point left the slab while x_k had not (their step is then the
    step before the trigger, a lower bound within one step of the trigger).
    """
    if direction is None or center is None:
        if not isinstance(problem, Quadratic):
            raise ValueError("give direction and center for a problem that is not a Quadratic")
        w, V = np.linalg.eigh(problem.H)
        if not w[0] < 0:
            raise ValueError("problem has no negative eigenvalue: nothing to escape from")
        direction = V[:, 0] if direction is None else direction
        center = problem.center if center is None else center
    region = _EscapeRegion(problem, direction, radius, center=center)
    start = region.center if x0 is None else np.asarray(x0, dtype=float)
    res = run(region, algorithm, start, steps, runs=runs, noise=noise, seed=seed, checkpoints=[steps],
              name=name)
    ended = res.diverged_at > 0
    by_iterate = np.abs(region.coordinate(res.x)) >= region.radius
    res.meta["escape_radius"] = float(radius)
    return np.where(ended, res.diverged_at - 1, -1), ended & ~by_iterate, res


def saved_escape_steps(res) -> np.ndarray:
    """Escape steps (np.inf where a run never escaped) of a saved :func:`escape_steps` Result.

    Needs ``res.meta["escape_direction"]`` (v₋, stored by the caller) and ``res.meta["escape_radius"]``.
    A run ended at step k + 1 by the escape of its iterate x_k escaped at step k.
    """
    v = np.asarray(res.meta["escape_direction"])
    escaped = (res.diverged_at > 0) & (np.abs(res.x @ v) >= res.meta["escape_radius"])
    return np.where(escaped, res.diverged_at - 1.0, np.inf)


# ----------------------------------------------------------------------------- Theorem 2's model SDE

def model_sde_problem(eigenvalues, rho, batch_size, *, seed=None):
    """Kim et al. 2023's model SDE dw = −∇ℓ_SAM dt + √(ηC) dW as (Quadratic, MinibatchNoise).

    Along eigen-direction j: dz_j = −λ_j(1 + ρλ_j)² z_j dt + √(η|λ_j|/B) dW_j (Theorem 2's drift: the
    gradient of the SAM objective, :func:`samlab.theory.sam_objective_rates` [derived]). GD with
    step η (``lr``) on the returned quadratic with the returned noise is its Euler–Maruyama scheme
    with Δt = η: z ← z − η(a z + √(|λ|/B)ξ). Heavy-ball momentum on it models SAM with momentum
    (Theorem 3). ``seed``: random rotation of the eigenbasis (None: diagonal; an integer s draws it
    from ``samlab.seeding.rng(s)``, or pass a Generator such as ``rng(seed, "model-sde-rotation")``).
    ρ → ``rho``, B → ``batch_size`` (float or (runs,) array).
    """
    eig = _arr(eigenvalues, "eigenvalues").reshape(-1)
    a = np.asarray(sam_objective_rates(rho, eig), dtype=float).reshape(-1)
    if seed is None:
        Q = np.eye(eig.size)
    else:
        Q = random_rotation(eig.size, seed if isinstance(seed, np.random.Generator) else rng(seed))
    drift = Quadratic((Q * a) @ Q.T, f_star=0.0, name=f"sam_model_sde(rho={float(rho):g})")
    noise = MinibatchNoise((Q * np.abs(eig)) @ Q.T, batch_size)
    return drift, noise


def simulate_model_sde(lam, lr, rho, batch_size, steps, paths, seed=0):
    """Euler–Maruyama simulation of Kim et al. 2023's model SDE; per-step mean-square displacement.

        dz = −λ(1 + ρλ)² z dt + √(η|λ|/B) dW,   z(0) = 0,   Δt = η
        ⇒ z_{k+1} = z_k − ηλ(1 + ρλ)² z_k + η√(|λ|/B)·ξ_k,   ξ_k ~ N(0, 1)

    λ → ``lam`` (scalar or array of eigenvalues simulated together), η → ``lr``, ρ → ``rho``,
    B → ``batch_size`` (scalars); ``paths`` independent paths advance as one array; ``seed``: a
    non-negative integer s (the generator ``samlab.seeding.rng(s, "model-sde-paths")``) or a
    Generator. Returns MSD = mean over paths of z_k², shape (steps,) + lam's shape, entry k−1 at SDE
    time kη. A model simulation, not a SAM run (λ = −1, η = 0.01, B = 8, ρ = 0.2, 200 steps:
    σ²(2) = 1.166e-2 by :func:`samlab.theory.sam_diffusion_variance`).
    """
    lam = _arr(lam, "lam")
    for value, name in ((lr, "lr"), (rho, "rho"), (batch_size, "batch_size")):
        if np.ndim(value):
            raise ValueError(f"{name} must be a scalar, got shape {np.shape(value)}")
    lr, rho, B = float(_arr(lr, "lr")), float(_arr(rho, "rho")), float(_arr(batch_size, "batch_size"))
    if lr <= 0 or B <= 0 or rho < 0:
        raise ValueError(f"need lr > 0, batch_size > 0 and rho >= 0, got {lr!r}, {B!r}, {rho!r}")
    for value, name in ((steps, "steps"), (paths, "paths")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    steps, paths = int(steps), int(paths)
    gen = seed if isinstance(seed, np.random.Generator) else rng(seed, "model-sde-paths")
    keep = 1.0 - lr * np.asarray(sam_objective_rates(rho, lam))
    scale = lr * np.sqrt(np.abs(lam) / B)
    keep, scale = np.asarray(keep)[..., None], np.asarray(scale)[..., None]
    z = np.zeros(lam.shape + (paths,))  # paths on the last (contiguous) axis
    noise = np.empty_like(z)
    msd = np.empty((steps,) + lam.shape)
    for k in range(steps):  # one whole block of normals per step, updated in place
        gen.standard_normal(out=noise)
        noise *= scale
        z *= keep
        z += noise
        msd[k] = np.einsum("...p,...p->...", z, z) / paths
    return msd


# ----------------------------------------------------------------------------- batched bisection

def bisect_batched(decide: Callable[[np.ndarray], np.ndarray], lo, hi, *, rtol: float = 1e-3,
                   max_iter: int = 60, geometric: bool = False):
    """Bisect n monotone decisions at once: ``decide(mid)`` → (n,) bool, True on the ``hi`` side.

    Each iteration calls ``decide`` once with all n midpoints (one batched run); the brackets
    [lo, hi] halve until (hi − lo) ≤ rtol·hi for every instance. ``geometric`` bisects in log
    (lo > 0). Returns (lo, hi, iterations); the boundary of instance i lies in [lo_i, hi_i] provided
    decide(lo) is False and decide(hi) True (check the ends first).
    """
    lo = np.array(_arr(lo, "lo"), dtype=float).reshape(-1)
    hi = np.array(np.broadcast_to(_arr(hi, "hi"), lo.shape), dtype=float)
    if np.any(hi <= lo):
        raise ValueError("hi must exceed lo for every instance")
    if geometric and np.any(lo <= 0):
        raise ValueError("geometric bisection needs lo > 0")
    if not 0 < rtol < 1:
        raise ValueError(f"rtol must lie in (0, 1), got {rtol!r}")
    it = 0
    while np.any(hi - lo > rtol * hi) and it < max_iter:
        mid = np.sqrt(lo * hi) if geometric else 0.5 * (lo + hi)
        upper = np.asarray(decide(mid), dtype=bool).reshape(lo.shape)
        hi = np.where(upper, mid, hi)
        lo = np.where(upper, lo, mid)
        it += 1
    return lo, hi, it


# ----------------------------------------------------------------------------- figure settings

FIGURES = {
    "saddle_x2y2": {"quick": {"steps": 500}, "full": {"steps": 1000}},
    "stability_map": {"quick": {"grid": 24, "steps": 1000}, "full": {"grid": 60, "steps": 3000}},
    "beale_trajectories": {"quick": BEALE_TRAP["quick"],
                           "full": {"lr": OFFICIAL_BEALE["lr"], "steps": OFFICIAL_BEALE["gd_stop_step"]}},
    "beale_case_iii": {"quick": {"steps": 6000}, "full": {"steps": 30_000}},
    "escape_statistics": {"quick": {"runs": 40, "steps": 2000, "msd_paths": 4000, "msd_steps": 300, "msd_B": 64},
                          "full": {"runs": 300, "steps": 5000, "msd_paths": 20000, "msd_steps": 300, "msd_B": 64}},
}
"""Quick/full settings of each figure script (``experiments/kim_2023/<name>.py``); the Beale figure's
quick mode is its claim's (:data:`BEALE_TRAP`), its full mode the official run length."""
