"""Kim, Park, Choi & Lee 2023: the instances, settings and run protocols its claims and figures share.

Claims (:mod:`samlab.claims.kim_2023`) and figure scripts (``experiments/kim_2023``) take from here
every instance and number they both use, so that a figure shows what its claim checks:

- the official settings of the Beale experiment (Harry24k/sam-saddle [official code]) and its GD
  stopping rule, which fixes the length of every official run (:data:`OFFICIAL_BEALE`,
  :func:`official_gd_stop`); the per-step observers of the Case III picture (:data:`BEALE_OBSERVE`,
  and :func:`case_iii_observables`, the same from a run's iterates);
- the x² − y² demo of the official code (:data:`X2Y2_EIGENVALUES`, :data:`X2Y2_START`,
  :data:`SADDLE_LR`, :data:`X2Y2_RHO`);
- the stochastic saddle with minibatch-like noise N(0, |H|/B) (:func:`stochastic_saddle`), exact
  first-passage (escape) times from it as a stop event of ``samlab.run`` (:func:`escape_stop`,
  :func:`escape_steps`, :func:`saved_escape_steps`) and the escape and diffusion runs the claims and
  the figure ``escape_statistics`` share (:data:`ESCAPE`, :func:`batch_escape_runs`,
  :func:`momentum_escape_runs`, :func:`real_usam_msd_runs`);
- the Beale runs the claims and figures share (:func:`beale_trap_run`, :func:`beale_case_iii_runs`,
  with a second rounding of the gradient, :func:`beale_plain`), the Case III criteria
  (:data:`CASE_III`, :func:`case_iii_windows`), and helpers that keep figure data small
  (:func:`thin_result`, :func:`select_runs`);
- the algorithms the claims compare and the mutated ones their controls swap in (:func:`variant`:
  the ascent step with its sign flipped, heavy ball with dampening), and the official x² − y² demo's
  accumulated-gradient update (:func:`accumulated_sam`);
- random quadratic saddles of any index (:func:`random_saddle_spectra`) and the bisection of many
  monotone decisions at once (:func:`bisect_batched`);
- Theorem 2's model SDE as a problem + noise (:func:`model_sde_problem`) and as a direct
  Euler–Maruyama simulation (:func:`simulate_model_sde`);
- Theorem 3 read as a bound, its class and the exact search of its worst case
  (:data:`THEOREM3_CLASS`, :func:`theorem3_exact_ratios`, :func:`theorem3_worst_case`), and the same
  class as a family of ``samlab.adversary`` over real runs (:class:`ModelSDEDirection`,
  :func:`model_sde_heavy_ball`, :func:`theorem3_bound`);
- the quick/full settings a claim shares with a figure, and each figure's own (:data:`FIGURES`).

Seeds: every random draw comes from ``samlab.seeding.rng(seed, key)`` with a key naming what is drawn.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

import sympy as sp

from .. import problems
from ..adversary import Family
from ..algorithms import MOMENTUM, NONNEGATIVE, Algorithm, Bounds, Descent, Perturbation, heavy_ball, perturbations
from ..engine import run
from ..linalg import row_norms
from ..noise import Gaussian, MinibatchNoise
from ..problems.base import Problem
from ..problems.quadratic import Quadratic, random_rotation
from ..problems.symbolic import SymbolicProblem
from ..seeding import rng
from ..theory._common import _arr
from ..theory.diffusion import momentum_diffusion_as_transcribed
from ..theory.kim_2023 import minibatch_covariance
from ..theory.linearization import sam_objective_rates, usam_flow_rates

__all__ = [
    "OFFICIAL_BEALE",
    "BEALE_TRAP",
    "BEALE_CASE_III_RHO",
    "WP_PLOT_START",
    "SADDLE_REACHED",
    "BEALE_OBSERVE",
    "first_step_within",
    "BEALE_RHOS",
    "beale_trap_checkpoints",
    "beale_trap_run",
    "thin_result",
    "select_runs",
    "SADDLE_LR",
    "X2Y2_EIGENVALUES",
    "X2Y2_START",
    "X2Y2_RHO",
    "ESCAPE_RADIUS",
    "stochastic_saddle",
    "random_saddle_spectra",
    "escape_stop",
    "escape_steps",
    "saved_escape_steps",
    "ESCAPE",
    "ESCAPE_METHODS",
    "batch_escape_runs",
    "momentum_escape_runs",
    "real_usam_msd_runs",
    "model_sde_problem",
    "simulate_model_sde",
    "official_gd_stop",
    "bisect_batched",
    "DRIFTS",
    "accumulated_sam",
    "dampened_heavy_ball",
    "variant",
    "flipped",
    "CASE_III",
    "PlainGradientProblem",
    "beale_plain",
    "beale_case_iii_starts",
    "case_iii_windows",
    "case_iii_observables",
    "beale_case_iii_runs",
    "THEOREM3_CLASS",
    "model_sde_heavy_ball",
    "ModelSDEDirection",
    "theorem3_bound",
    "theorem3_exact_ratios",
    "theorem3_worst_case",
    "theorem3_random_ratios",
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


BEALE_RHOS = (0.0,) + tuple(OFFICIAL_BEALE["rhos"])
"""ρ of the Beale trap runs, one batch: 0 (GD, bit for bit), 0.1, 0.5, 1 [official code]."""


def beale_trap_checkpoints(steps: int) -> np.ndarray:
    """Checkpoints of the Beale trap runs: every step of the first 400 (the fast first moves), about
    2,000 log-spaced ones, and every step of the second half (the claim's trap criterion reads them)."""
    steps = int(steps)
    return np.unique(np.concatenate([np.arange(0, min(steps, 400) + 1), np.geomspace(1, steps, 2000).round().astype(int),
                                     np.arange(steps // 2, steps + 1)]))


def beale_trap_run(lr: float, steps: int, *, seed: int = 0, algorithm: str = "sam"):
    """GD and SAM with ρ ∈ {0.1, 0.5, 1} on Beale from (1, 2), one batched run (the claim's and the figure's).

    ``algorithm``: a :func:`variant` name (``"sam_flipped"`` for the claim's control); η → ``lr``."""
    return run(problems.beale(), variant(algorithm, lr, np.array(BEALE_RHOS)), list(OFFICIAL_BEALE["start"]),
               int(steps), checkpoints=beale_trap_checkpoints(steps), keep_iterates=True, name="beale-trap", seed=seed)


def thin_result(res, keep):
    """A copy of a Result with only the checkpoints at the steps ``keep`` (figure data kept small)."""
    import dataclasses

    rows = np.flatnonzero(np.isin(res.t, np.asarray(keep)))
    pick = (lambda a: None if a is None else a[rows])
    obs_rows = rows[rows > 0] - 1
    return dataclasses.replace(res, t=res.t[rows], f=res.f[rows], f_gap=res.f_gap[rows], grad_norm=res.grad_norm[rows],
                               dist=pick(res.dist), perturbation=res.perturbation[rows], iterates=pick(res.iterates),
                               observed={k: v[obs_rows] for k, v in res.observed.items()}, meta=dict(res.meta))


def select_runs(res, cols):
    """A copy of a Result with only the runs ``cols`` (figure data kept small)."""
    return res.select(cols)


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


def escape_stop(direction, radius: float, center):
    """The stop event of an escape: |vᵀ(x_k − c)| ≥ r after step k (``samlab.run(..., stop=…)``).

    v → ``direction`` (normalized here), r → ``radius``, c → ``center``. A run stops with status
    "stopped" at the first step k whose iterate x_k is out of the slab, so ``Result.stopped_at`` is
    the exact first passage of the iterates (no per-step checkpoints needed).
    """
    v = _arr(direction, "direction").reshape(-1)
    c = _arr(center, "center").reshape(-1)
    if v.shape != c.shape or not np.linalg.norm(v) > 0:
        raise ValueError(f"direction must be a nonzero vector of the centre's length {c.size}")
    if not (np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be > 0, got {radius!r}")
    v = v / np.linalg.norm(v)
    r = float(radius)

    def escaped(view):
        return np.abs((view.x - c) @ v) >= r

    return escaped


def escape_steps(problem: Problem, algorithm, radius: float, steps: int, *, runs: int, direction=None,
                 center=None, noise=None, seed: int = 0, name: str = "escape", x0=None):
    """First step k with |v₋ᵀ(x_k − c)| ≥ ``radius`` for each run (−1 if none within ``steps``).

    v₋ (``direction``) defaults to the eigenvector of the most negative eigenvalue of ``problem.H``
    (a :class:`~samlab.problems.Quadratic` saddle), c (``center``) to its centre, and x0 to c. The
    run stops each run at its escape (:func:`escape_stop`, status "stopped"), so the times are
    exact first passages of the iterates. Returns (steps (runs,), Result); the Result's meta holds
    ``escape_direction`` and ``escape_radius`` for :func:`saved_escape_steps`.
    """
    if direction is None or center is None:
        if not isinstance(problem, Quadratic):
            raise ValueError("give direction and center for a problem that is not a Quadratic")
        w, V = np.linalg.eigh(problem.H)
        if not w[0] < 0:
            raise ValueError("problem has no negative eigenvalue: nothing to escape from")
        direction = V[:, 0] if direction is None else direction
        center = problem.center if center is None else center
    stop = escape_stop(direction, radius, center)
    start = np.asarray(center, dtype=float) if x0 is None else np.asarray(x0, dtype=float)
    res = run(problem, algorithm, start, steps, runs=runs, noise=noise, seed=seed, checkpoints=[steps],
              stop=stop, name=name)
    v = _arr(direction, "direction").reshape(-1)
    res.meta["escape_direction"] = (v / np.linalg.norm(v)).tolist()
    res.meta["escape_radius"] = float(radius)
    return np.where(res.status == "stopped", res.stopped_at, -1), res


def saved_escape_steps(res) -> np.ndarray:
    """Escape steps (np.inf where a run never escaped) of a saved :func:`escape_steps` Result."""
    return np.where(res.status == "stopped", res.stopped_at.astype(float), np.inf)


ESCAPE = {
    "batch": {"quick": {"runs": 150, "steps": 2500, "B": [8, 32, 128, 512]},
              "full": {"runs": 1000, "steps": 5000, "B": [8, 32, 128, 512]}},
    "momentum": {"quick": {"runs": 200, "steps": 5000, "B": 64, "gammas": [0.0, 0.5, 0.9]},
                 "full": {"runs": 2000, "steps": 5000, "B": 64, "gammas": [0.0, 0.3, 0.5, 0.7, 0.9]}},
}
"""Escape-time protocols shared by the claims ``kim-2023/batch-size-scaling`` and
``kim-2023/momentum-helps-escape`` and the figure ``escape_statistics`` (the same runs: with the run
cache on, the figure reuses the claims' runs). η = ``SADDLE_LR``, ρ = 0.2, radius ``ESCAPE_RADIUS``."""

ESCAPE_METHODS = ("sgd", "usam", "sam")
"""The methods whose escape times are compared: SGD, USAM and normalized SAM (ρ = 0.2, one minibatch)."""


def _escape_algorithm(name, lr, rho, momentum=0.0, *, flip=False, dampening=False):
    base = {"sgd": "gd", "usam": "usam", "sam": "sam"}[name]
    return variant(flipped(base) if flip else base, lr, rho, momentum=momentum, dampening=dampening)


def batch_escape_runs(seed: int, batch_sizes, runs: int, steps: int, *, lr: float = SADDLE_LR, rho: float = 0.2,
                      radius: float = ESCAPE_RADIUS, noise_scales_with_batch: bool = True):
    """Escape steps against the batch size B for each of :data:`ESCAPE_METHODS` (γ = 0).

    One batched run per method over ``runs`` × len(``batch_sizes``) runs (the batch size per run),
    noise N(0, |H|/B) on :func:`stochastic_saddle` (``seed``), start at the saddle, exact first
    passage of |v₋ᵀx| ≥ ``radius`` (:func:`escape_steps`). ``noise_scales_with_batch=False`` is a
    control: the noise stays N(0, |H|) whatever B. Returns {method: (steps (n,), B (n,), Result)}.
    """
    p, v, C = stochastic_saddle(seed)
    bb = np.repeat(np.asarray(batch_sizes, dtype=float), int(runs))
    noise = MinibatchNoise(C, bb if noise_scales_with_batch else np.ones_like(bb))
    out = {}
    for name in ESCAPE_METHODS:
        st, res = escape_steps(p, _escape_algorithm(name, lr, rho), radius, int(steps), runs=bb.size, noise=noise,
                               seed=seed, name=f"bs-escape-{name}", direction=v, center=np.zeros(2))
        out[name] = (st, bb, res)
    return out


def momentum_escape_runs(seed: int, gammas, runs: int, steps: int, *, batch_size: float = 64.0,
                         lr: float = SADDLE_LR, rho: float = 0.2, radius: float = ESCAPE_RADIUS,
                         dampening: bool = False):
    """Escape steps against the heavy-ball momentum γ for each of :data:`ESCAPE_METHODS` (B = 64).

    One batched run per method over ``runs`` × len(``gammas``) runs (γ per run); otherwise as
    :func:`batch_escape_runs`. ``dampening=True`` is a control (:func:`dampened_heavy_ball`).
    Returns {method: (steps (n,), γ (n,), Result)}.
    """
    p, v, C = stochastic_saddle(seed)
    gg = np.repeat(np.asarray(gammas, dtype=float), int(runs))
    noise = MinibatchNoise(C, float(batch_size))
    out = {}
    for name in ESCAPE_METHODS:
        alg = _escape_algorithm(name, lr, rho, momentum=gg, dampening=dampening)
        st, res = escape_steps(p, alg, radius, int(steps), runs=gg.size, noise=noise, seed=seed,
                               name=f"mom-escape-{name}", direction=v, center=np.zeros(2))
        out[name] = (st, gg, res)
    return out


def real_usam_msd_runs(seed: int, rhos, paths: int, steps: int, *, batch_size: float = 64.0, lr: float = SADDLE_LR):
    """Real stochastic USAM (one minibatch for both calls) along λ₋ = −1, as n independent paths.

    The paths are the coordinates of one run on ½λ‖z‖² (:class:`samlab.problems.IsotropicQuadratic`,
    exact for SGD and USAM: the coordinates decouple) with noise N(0, |λ|/B) per coordinate, from
    z₀ = 0, a checkpoint at every step. ρ = 0 is SGD. Shared by the claim
    ``kim-2023/theorem2-diffusion`` and the figure ``escape_statistics`` (panel d). Returns
    {ρ: Result}; ``problems.IsotropicQuadratic(-1.0, paths).msd(res.f[:, 0])`` is the MSD per step.
    """
    iso = problems.IsotropicQuadratic(-1.0, int(paths))
    noise = Gaussian(np.sqrt(1.0 / float(batch_size)))
    out = {}
    for rho in rhos:
        rho = float(rho)
        alg = variant("gd", lr) if rho == 0 else variant("usam", lr, rho)
        out[rho] = run(iso, alg, np.zeros(int(paths)), int(steps), noise=noise, seed=seed,
                       checkpoints=np.arange(int(steps) + 1), name=f"msd-real-{rho}")
    return out


# ----------------------------------------------------------------------------- Theorem 2's model SDE

DRIFTS = {"sam_objective": sam_objective_rates, "usam": usam_flow_rates}
"""Drift rates of the model SDE along λ: the SAM objective's λ(1 + ρλ)² (Theorem 2) or, as a control,
the discrete update's λ(1 + ρλ)."""


def model_sde_problem(eigenvalues, rho, batch_size, *, seed=None, drift: str = "sam_objective"):
    """Kim et al. 2023's model SDE dw = −∇ℓ_SAM dt + √(ηC) dW as (Quadratic, MinibatchNoise).

    Along eigen-direction j: dz_j = −λ_j(1 + ρλ_j)² z_j dt + √(η|λ_j|/B) dW_j (Theorem 2's drift: the
    gradient of the SAM objective, :func:`samlab.theory.sam_objective_rates` [derived]). GD with
    step η (``lr``) on the returned quadratic with the returned noise is its Euler–Maruyama scheme
    with Δt = η: z ← z − η(a z + √(|λ|/B)ξ). Heavy-ball momentum on it models SAM with momentum
    (Theorem 3). ``seed``: random rotation of the eigenbasis (None: diagonal; an integer s draws it
    from ``samlab.seeding.rng(s)``, or pass a Generator such as ``rng(seed, "model-sde-rotation")``).
    ρ → ``rho``, B → ``batch_size`` (float or (runs,) array). ``drift="usam"`` swaps in the drift
    λ(1 + ρλ) of the discrete SAM update (the Jacobian (I + ρH) dropped): a control under which
    Theorem 2's variance does not hold.
    """
    if drift not in DRIFTS:
        raise ValueError(f"drift must be one of {sorted(DRIFTS)}, got {drift!r}")
    eig = _arr(eigenvalues, "eigenvalues").reshape(-1)
    a = np.asarray(DRIFTS[drift](rho, eig), dtype=float).reshape(-1)
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


# ----------------------------------------------------------------------------- rules: the demo's and the controls'

def _accumulated_step_factory(grad):
    def step(x, g, lr, state, h):
        return x - lr * (g + grad(x)), state

    return step


def accumulated_sam(lr, rho, problem: Problem) -> Algorithm:
    """The official x² − y² demo's update: w⁺ = w − η(∇f(w) + ∇f(w^p)), w^p = w + ρ∇f(w)/‖∇f(w)‖.

    Harry24k/sam-saddle's ``sam_stability/saddle/demo.py`` [official code] calls ``loss.backward()``
    at w and ``loss_p.backward()`` at w^p with no ``zero_grad()`` in between, so PyTorch's SGD step
    uses the sum of both gradients; its Beale experiment zeroes them (pure SAM). Written on the
    public algorithms API: SAM's normalized perturbation and a descent rule of its own that adds
    ∇f(w), which it evaluates with ``problem.grad`` (an exact oracle: the demo is deterministic, so
    this rule is for deterministic runs; its extra gradient is not counted in ``Result.n_grad``).
    η → ``lr``, ρ → ``rho``. Its x² − y² orbit is ±ηρλ₊/(2 − 2ηλ₊)
    (:func:`samlab.theory.kim_2023.accumulated_cycle_amplitude`).
    """
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a samlab Problem, got {type(problem).__name__}")
    descent = Descent("accumulated", _accumulated_step_factory(problem.grad))
    return Algorithm("sam_accumulated", perturbations.normalized(rho), lr=lr, descent=descent)


def _flipped_usam_step(g, x, state, h, ctx):
    return g * (-h.rho), state


def _flipped_sam_step(g, x, state, h, ctx):
    return ctx.normalize(g, -h.rho), state


def _dampened_step(x, g, lr, v, h):
    v = h.momentum * v + (1.0 - h.momentum) * g
    return x - lr * v, v


def dampened_heavy_ball(momentum) -> Descent:
    """Mutated heavy ball (a control): v_k = βv_{k−1} + (1 − β)g, x_k = x_{k−1} − γv_k (v_0 = 0).

    The dampening 1 − β makes the velocity an average of gradients instead of their sum, so the
    effective step stays γ instead of γ/(1 − β): the "momentum with dampening" bug under which
    momentum no longer helps escape. β → ``momentum``.
    """
    return Descent("dampened_heavy_ball", _dampened_step, init=np.zeros_like, momentum=(momentum, MOMENTUM))


def variant(name: str, lr, rho=0.0, *, momentum=0.0, dampening: bool = False, same_sample: bool = True) -> Algorithm:
    """The algorithms the claims compare, and the mutated ones their controls swap in, by name.

    ``"gd"``, ``"usam"``, ``"sam"``: the built-ins. Controls: ``"usam_flipped"`` (y = x − ρg) and
    ``"sam_flipped"`` (y = x − ρg/‖g‖), the ascent step with its sign flipped. ``dampening=True``
    uses :func:`dampened_heavy_ball` instead of heavy ball. η → ``lr``, ρ → ``rho``,
    β → ``momentum`` (floats or per-run arrays).
    """
    descent = dampened_heavy_ball(momentum) if dampening else heavy_ball(momentum)
    if name == "gd":
        return Algorithm("gd", None, lr=lr, descent=descent)
    rules = {
        "usam": lambda: perturbations.unnormalized(rho),
        "sam": lambda: perturbations.normalized(rho),
        "usam_flipped": lambda: Perturbation("usam_flipped", _flipped_usam_step, rho=(rho, NONNEGATIVE)),
        "sam_flipped": lambda: Perturbation("sam_flipped", _flipped_sam_step, rho=(rho, NONNEGATIVE)),
    }
    if name not in rules:
        raise ValueError(f"name must be one of {sorted(['gd', *rules])}, got {name!r}")
    return Algorithm(name, rules[name](), lr=lr, descent=descent, same_sample=same_sample)


def flipped(name: str) -> str:
    """``"usam"`` → ``"usam_flipped"`` (the control's name for an algorithm), ``"gd"`` unchanged."""
    return name if name == "gd" else f"{name}_flipped"


# ----------------------------------------------------------------------------- Case III at the Beale saddle

CASE_III = {"window": 5000, "end": 0.9, "min_visits": 1, "alternation": 0.85, "near_rho": 0.9}
"""The Case III criteria of the claim ``kim-2023/beale-case-iii`` (shared with its figure).

Every full ``window`` steps after t₀ the cosine must visit both ends of [−1, 1], i.e. take at least
``min_visits`` values in [−1, −``end``] and in [``end``, 1]; the sign of (y_t)_x must alternate in at
least ``alternation`` of the steps and |(y_t)_x| ≥ ``near_rho``·ρ in at least 90 % of them."""


class PlainGradientProblem(SymbolicProblem):
    """A symbolic problem whose gradient is compiled term by term, without shared subexpressions.

    The same mathematics as :class:`samlab.problems.SymbolicProblem` (whose gradient is one
    lambdified function with common subexpressions shared), rounded differently: running both shows
    which statements depend on the last bits of the gradient.
    """

    def __init__(self, expr, variables, **known):
        super().__init__(expr, variables, **known)
        self._g = sp.lambdify(self.variables, self.gradient_exprs, "numpy")


def beale_plain() -> PlainGradientProblem:
    """Beale with its gradient lambdified without common subexpressions (another rounding of ∇f)."""
    ref = problems.beale()
    return PlainGradientProblem(ref.expr, ref.variables, name="beale (plain gradient code)",
                                x_star=ref.x_star, f_star=ref.f_star)


def beale_case_iii_starts(seed: int = 0) -> np.ndarray:
    """Starts of the Case III robustness runs: the official (1, 2), the same moved by one ulp up and
    down in both coordinates, and four points at distance 0.01 from it in random directions."""
    st = np.array(OFFICIAL_BEALE["start"], dtype=float)
    ang = rng(seed, "beale-case-iii-starts").uniform(0.0, 2 * np.pi, 4)
    near = st + 0.01 * np.column_stack([np.cos(ang), np.sin(ang)])
    return np.vstack([st, np.nextafter(st, np.inf), np.nextafter(st, -np.inf), near])


def case_iii_windows(cos, t0: int, *, window: int = CASE_III["window"], end: float = CASE_III["end"]):
    """Per-window statistics of the gradient cosine of one run: a list of flat dicts.

    ``cos``: (T,) with cos[k − 1] at step k; windows [s, s + window) for s = t₀, t₀ + window, … that
    fit in the record. Each dict: ``start``, ``low_visits`` = #{cos ≤ −end}, ``high_visits`` =
    #{cos ≥ end}, ``min_cos``, ``max_cos`` (the strict extremes, reported).
    """
    cos = np.asarray(cos, dtype=float).reshape(-1)
    out = []
    for start in range(int(t0), cos.size - int(window) + 2, int(window)):
        c = cos[start - 1:start - 1 + int(window)]
        if c.size < int(window):
            break
        out.append({"start": int(start), "low_visits": int(np.sum(c <= -end)), "high_visits": int(np.sum(c >= end)),
                    "min_cos": float(c.min()), "max_cos": float(c.max())})
    return out


def case_iii_observables(problem, iterates, rho):
    """cos(∇f(x_{t−1}), ∇f(y_t)) and the perturbed point y_t = x_{t−1} + ρ∇f/‖∇f‖ of every step, from the iterates.

    ``iterates``: (T + 1, B, d) with row t = x_t (a run with a checkpoint at every step and
    ``keep_iterates``); ρ → ``rho`` (negative for the flipped control). For a deterministic run this is
    what the step computed, bit for bit (the same exact oracle and operations at the same points, and
    samlab's zero rule: y = x and cos = 1 where ∇f = 0), evaluated in one vectorized call instead of
    a per-step observer.
    Returns {"cos": (T, B), "yx": (T, B), "yy": (T, B)}; row t − 1 belongs to step t.
    """
    X = np.asarray(iterates, dtype=float)[:-1]
    T, B, d = X.shape
    flat = X.reshape(-1, d)
    g = problem.grad(flat)
    n = row_norms(g)
    inv = np.divide(1.0, n, out=np.zeros_like(n), where=n > 0)[:, None]
    y = flat + g * (inv * float(rho))  # the same operations as the step's normalization: the same bits
    gy = problem.grad(y)
    den = n * row_norms(gy)
    cos = np.where(den > 0, np.einsum("ij,ij->i", g, gy) / np.where(den > 0, den, 1.0), 1.0)
    return {"cos": cos.reshape(T, B), "yx": y[:, 0].reshape(T, B), "yy": y[:, 1].reshape(T, B)}


def beale_case_iii_runs(lr: float, steps: int, *, seed: int = 0, plain_gradient: bool = True, rho=None,
                        algorithm: str = "sam"):
    """SAM on Beale from :func:`beale_case_iii_starts`, every step kept, with its Case III observables.

    One batched run with samlab's compiled Beale gradient and, with ``plain_gradient``, one with
    :func:`beale_plain` (same maths, other rounding); each Result's ``observed`` holds
    :func:`case_iii_observables` (computed with that run's own gradient code). ρ → ``rho`` (default
    :data:`BEALE_CASE_III_RHO`), η → ``lr``; ``algorithm`` a :func:`variant` name. Returns
    {"compiled": Result, "plain": Result}.
    """
    rho = BEALE_CASE_III_RHO if rho is None else float(rho)
    starts = beale_case_iii_starts(seed)
    problems_ = {"compiled": problems.beale()}
    if plain_gradient:
        problems_["plain"] = beale_plain()
    out = {}
    for key, p in problems_.items():
        res = run(p, variant(algorithm, lr, rho), starts, int(steps), checkpoints=np.arange(int(steps) + 1),
                  keep_iterates=True, name="beale-case-iii", seed=seed)
        res.observed = case_iii_observables(p, res.iterates, -rho if algorithm.endswith("_flipped") else rho)
        out[key] = res
    return out


# ----------------------------------------------------------------------------- Theorem 3 as a bound

THEOREM3_CLASS = {"lam": -1.0, "batch_size": 64.0, "lr": (1e-4, 0.05), "rho": (0.0, 1.0), "momentum": (0.0, 0.99)}
"""The searched class of the worst-case companion of ``kim-2023/theorem3-as-transcribed``: the escape
direction λ = −1 of the model SDE with B = 64 (the ratio measured/bound does not depend on |λ|/B, and
depends on (λ, ρ, η) only through ηλ(1 + ρλ)² [derived]), step sizes η, radii ρ and momenta γ in
these ranges, and every horizon N ≤ the claim's ``steps``."""


_REAL = Bounds(-np.inf, np.inf, low_open=True, high_open=True)


def _drift_step(g, x, state, h, ctx):
    return x * ((1.0 + h.rho * h.lam) ** 2 - 1.0), state


def model_sde_heavy_ball(lr, rho, momentum=0.0, *, lam: float = THEOREM3_CLASS["lam"]) -> Algorithm:
    """Heavy-ball momentum on Theorem 2's model SDE, as an algorithm on the saddle direction f = ½λz².

    The perturbation y = z + ((1 + ρλ)² − 1)z makes the descent gradient ∇f(y) = λ(1 + ρλ)²z, the
    drift of the model SDE (the SAM objective's gradient at a quadratic saddle centred at 0 [derived]);
    it reads no ascent gradient, so additive noise N(0, |λ|/B) enters once, at the descent call, as
    in the model. Then v_k = γv_{k−1} + ∇f(y_k) + ξ_k, z_k = z_{k−1} − ηv_k (Theorem 3's heavy
    ball). η → ``lr``, ρ → ``rho``, γ → ``momentum``, λ → ``lam`` (floats or per-run arrays).
    """
    rule = Perturbation("sam_objective_drift", _drift_step, uses_ascent_gradient=False,
                        rho=(rho, NONNEGATIVE), lam=(lam, _REAL))
    return Algorithm("model_sde_heavy_ball", rule, lr=lr, descent=heavy_ball(momentum))


class ModelSDEDirection(Family):
    """Theorem 3's class for ``samlab.adversary.search``: the saddle direction f = ½λz² from z₀ = 0.

    One instance for the whole family (λ fixed, start at the saddle): the free parameters of the
    class are the hyperparameters (η, ρ, γ, searched through ``hypers=`` with
    :func:`model_sde_heavy_ball`) and the horizon (``at="all"``); the noise N(0, |λ|/B) is passed as
    ``noise=``. "distance" measures z_t², whose Monte Carlo mean is the MSD Δ of the theorem.
    """

    name = "model_sde_direction"

    def __init__(self, lam: float = THEOREM3_CLASS["lam"]):
        lam = float(lam)
        if not (np.isfinite(lam) and lam < 0):
            raise ValueError(f"lam must be < 0 (an escape direction), got {lam!r}")
        self.lam, self.dim, self.box = lam, 1, []

    def _settings(self):
        return {"lam": self.lam, "start": "saddle"}

    def _check(self, P) -> np.ndarray:
        """Parameters of shape (S, 0): the family has a single member (nothing to check in a box)."""
        P = np.array(P, dtype=float)
        if P.ndim == 1:
            P = P[None, :]
        if P.ndim != 2 or P.shape[1] != 0:
            raise ValueError(f"parameters must have shape (S, 0) (the family has one member), got {np.shape(P)}")
        return P

    def _problem(self):
        return Quadratic(np.array([[self.lam]]), x_star=None, f_star=None, name="model_sde_direction")

    def _build(self, P):
        zeros = np.zeros((P.shape[0], 1))
        return self._problem(), zeros, zeros

    def _single(self, p):
        zeros = np.zeros((1, 1))
        return self._problem(), zeros, zeros


def theorem3_bound(t_steps, lr, rho, momentum, *, lam: float = THEOREM3_CLASS["lam"],
                   batch_size: float = THEOREM3_CLASS["batch_size"], c2_reading: str = "eta/t"):
    """Theorem 3 as transcribed, Δ_SAM at SDE time t = Nη, as a callable bound of the step count N.

    ``t_steps``: N (any shape broadcasting with the hyperparameters: the search passes (K, 1) against
    (S,) arrays). η → ``lr``, ρ → ``rho``, γ → ``momentum``; λ, B fixed by the class.
    """
    N = np.asarray(t_steps, dtype=float)
    return momentum_diffusion_as_transcribed(N * lr, lam, lr, rho, batch_size, momentum, c2_reading=c2_reading)


def theorem3_exact_ratios(lr, rho, momentum, steps: int, *, lam: float = THEOREM3_CLASS["lam"],
                          batch_size: float = THEOREM3_CLASS["batch_size"], c2_reading: str = "eta/t",
                          bound_momentum=None):
    """Exact measured/bound of Theorem 3 for many settings: (steps, S) ratios, row N − 1 at horizon N.

    Measured: the exact variance E z_N² of heavy-ball momentum on the model SDE
    (:func:`samlab.theory.kim_2023.heavy_ball_model_msd_batch`); bound: the transcribed Δ_SAM at
    t = Nη (:func:`theorem3_bound`). η → ``lr``, ρ → ``rho``, γ → ``momentum``: (S,) arrays.
    ``bound_momentum`` (a control): evaluate the bound at this γ instead of the run's.
    """
    from ..theory.kim_2023 import heavy_ball_model_msd_batch

    lr, rho, gm = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (lr, rho, momentum))
    exact = heavy_ball_model_msd_batch(lam, lr, rho, batch_size, gm, int(steps))
    N = np.arange(1, int(steps) + 1, dtype=float)[:, None]
    gb = gm if bound_momentum is None else np.full_like(gm, float(bound_momentum))
    with np.errstate(over="ignore", invalid="ignore"):
        bound = np.asarray(theorem3_bound(N, lr, rho, gb, lam=lam, batch_size=batch_size, c2_reading=c2_reading))
        return exact / bound


def _theorem3_box():
    c = THEOREM3_CLASS
    return [(np.log10(c["lr"][0]), np.log10(c["lr"][1])), c["rho"], c["momentum"]]


def theorem3_worst_case(budget: int, steps: int, *, seed: int = 0, c2_reading: str = "eta/t", progress=None,
                        bound_momentum=None, at: str = "all"):
    """Largest exact measured/bound of Theorem 3 over :data:`THEOREM3_CLASS` and every horizon N ≤ ``steps``.

    scipy's differential evolution (vectorized: each generation is one call of
    :func:`theorem3_exact_ratios` on the whole population) over (log₁₀η, ρ, γ); a candidate's value is
    its largest ratio over N = 1 … ``steps`` (``at="all"``) or its ratio at N = ``steps``
    (``at="final"``). ``budget`` = candidates evaluated; ``bound_momentum``
    as in :func:`theorem3_exact_ratios` (a control). ``progress``:
    optional callable (generation, best ratio). Returns a dict: ``ratio``, ``lr``, ``rho``,
    ``momentum``, ``N``, ``measured``, ``bound``, ``history`` (best per generation), ``evaluations``,
    ``population`` (all evaluated parameters, (E, 3), and their ratios (E,)) for the figure.
    """
    from scipy import optimize

    if at not in ("all", "final"):
        raise ValueError(f"at must be 'all' or 'final', got {at!r}")
    box = _theorem3_box()
    multiplier = 10
    size = multiplier * len(box)
    if int(budget) < size:
        raise ValueError(f"budget must allow one population of {size} candidates, got {budget!r}")
    generations = int(budget) // size - 1
    history, evaluated, values = [], [], []

    def objective(X):
        P = X.T
        r = theorem3_exact_ratios(10.0 ** P[:, 0], P[:, 1], P[:, 2], steps, c2_reading=c2_reading,
                                  bound_momentum=bound_momentum)
        r = r if at == "all" else r[-1:]
        best = np.max(np.where(np.isfinite(r), r, -np.inf), axis=0)
        evaluated.append(P.copy())
        values.append(best)
        history.append(float(max(best.max(), history[-1] if history else -np.inf)))
        if progress is not None:
            progress(len(history), history[-1])
        return -best

    result = optimize.differential_evolution(
        objective, box, popsize=multiplier, maxiter=generations, tol=0.0, atol=0.0, polish=False,
        init="latinhypercube", updating="deferred", vectorized=True,
        rng=rng(seed, "theorem3-worst-case", c2_reading), disp=False)
    lo, hi = np.array(box).T
    p = np.clip(result.x, lo, hi)
    lr, rho, gm = 10.0 ** p[0], p[1], p[2]
    r = theorem3_exact_ratios(lr, rho, gm, steps, c2_reading=c2_reading, bound_momentum=bound_momentum)[:, 0]
    k = int(np.argmax(np.where(np.isfinite(r), r, -np.inf))) if at == "all" else int(steps) - 1
    from ..theory.kim_2023 import heavy_ball_model_msd_batch

    measured = float(heavy_ball_model_msd_batch(THEOREM3_CLASS["lam"], lr, rho, THEOREM3_CLASS["batch_size"], gm,
                                                k + 1)[-1])
    return {"ratio": float(r[k]), "lr": float(lr), "rho": float(rho), "momentum": float(gm), "N": k + 1,
            "measured": measured, "bound": measured / float(r[k]), "history": np.array(history),
            "evaluations": int(sum(len(v) for v in values)),
            "population": (np.concatenate(evaluated), np.concatenate(values))}


def theorem3_random_ratios(n: int, steps: int, *, seed: int = 0, c2_reading: str = "eta/t"):
    """Exact ratios of ``n`` settings drawn uniformly in the class's box (log-uniform η): (steps, n), params."""
    gen = rng(seed, "theorem3-random", c2_reading)
    box = np.array(_theorem3_box())
    P = box[:, 0] + (box[:, 1] - box[:, 0]) * gen.random((int(n), 3))
    return theorem3_exact_ratios(10.0 ** P[:, 0], P[:, 1], P[:, 2], steps, c2_reading=c2_reading), P


# ----------------------------------------------------------------------------- batched bisection

def bisect_batched(decide: Callable[[np.ndarray], np.ndarray], lo, hi, *, rtol: float = 1e-3,
                   max_iter: int = 60, geometric: bool = False, atol: float = 0.0):
    """Bisect n monotone decisions at once: ``decide(mid)`` → (n,) bool, True on the ``hi`` side.

    Each iteration calls ``decide`` once with all n midpoints (one batched run); the brackets
    [lo, hi] halve until (hi − lo) ≤ max(rtol·hi, ``atol``) for every instance (``atol`` ends a
    bracket that closes on 0, where no relative width is ever reached). ``geometric`` bisects in log
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
    if not atol >= 0:
        raise ValueError(f"atol must be >= 0, got {atol!r}")
    while np.any(hi - lo > np.maximum(rtol * hi, atol)) and it < max_iter:
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
}
"""Quick/full settings of the figure scripts (``experiments/kim_2023/<name>.py``) that have their own;
the Beale figure's quick mode is its claim's (:data:`BEALE_TRAP`), its full mode the official run
length. ``beale_case_iii``, ``escape_statistics`` and ``worst_case`` use their claims' settings (and
runs): :data:`ESCAPE`, :func:`beale_case_iii_runs`, :func:`real_usam_msd_runs`."""
