r"""Si & Yun (2023): the constructions E1–E4, random instances of each function class, the run protocols
and the values shared by :mod:`samlab.claims.si_yun_2023` and ``experiments/si_yun_2023/``.

The paper's own lower-bound examples are not available to samlab; its claims are checked on four
constructions derived for samlab [derived], each with an exactly predictable limit:

* **E1** — f = ½xᵀdiag(μ, β)x (μ = 0.1, β = 1), deterministic SAM: the constant-η 2-cycle, and the
  Θ̃(1/T²) rate with a T-dependent η (:func:`e1`, :func:`curvature_family_run`).
* **E2** — f = ½Σ_{i=1,2} (a_i/2)(x − c_i)², a = (1, 3), c = (−1, 1), m-SAM with uniform one-sample
  sampling, x₀ = 2, η_t = 1/(t + 10): limit x̄ = ½ + ρ/2, floor ρ²/4 (:func:`e2`).
* **E3** — f = x²/2 with the oracle x + ξ, ξ = 2 w.p. 1/3 and −1 w.p. 2/3, n-SAM, x₀ = 1,
  η_t = 1/(t + 10): limit x̄ = ρ/3, floor ρ²/18 (:func:`e3`).
* **E4** — the ρ-scaled cosine f = −(βP²/(4π²))cos(2πx/P), P = 4ρ/3 (:func:`samlab.problems.scaled_cosine`),
  deterministic SAM from starts uniform in [−5, 5] (:func:`e4_starts`): SAM stalls at |f'| = 2βρ/(3π).
* **E5** — f = ⅓Σ_{i=1..3} (a_i/2)(x − c_i)², a = (1, 1, 4), c = (−3, 3, −1), one-sample sampling
  (:func:`e5`): n-SAM and m-SAM are both biased but towards different points, x* − ρ/3 and x* − 2ρ/3
  (x* = −2/3), where E3 cannot tell them apart (same mean; their variances differ:
  :func:`stationary_runs`).

Worst cases: the searches of the bound claims' companions (``*_CASES`` builders, settings ``WORST_CASE``)
over the families of :mod:`samlab.adversary` with the bounds of :mod:`samlab.theory.si_yun_2023`; the
fixed hyperparameters of the figure worst_case.py (``WORST_CASE_FIGURE``).

Schedules use the convention t = 0, 1, …, η_t = η₀/(t + t₀), which is ``inverse_power(η₀, 1, t0=t₀ − 1)``
in samlab's 1-based steps (:func:`decay`). Random instances are drawn from a generator passed in by the
caller (``samlab.seeding.rng(seed, key)``), so a claim's instances depend on its seed and key only.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .. import adversary, algorithms, noise as noises, problems, sampling, schedules
from ..engine import run
from ..seeding import rng
from ..theory import si_yun_2023 as th
from .general import SearchCase

__all__ = [
    "DECAYING_RHO0", "E4_START_RANGE", "PLATEAU_RANGE",
    "settings", "loguniform", "plateau_sweep", "decay", "rotated_quadratic", "rotated_sc", "e1", "e4_starts", "curvature_family_run",
    "curvature_family", "minimax_over_family", "refined_best_eta", "StochasticInstance", "e2", "e3", "random_least_squares",
    "random_noise_instance", "nonconvex_instances", "random_noise_law", "rho_sweep", "paired_shift",
    "shift_floor", "rho_schedules", "e5", "stationary_runs", "stationary_variance", "NSAM_VS_MSAM", "FLOOR_SCALING", "floor_scaling", "E3_NOISE", "WORST_CASE", "WORST_CASE_FIGURE",
    "WC_BETA", "WC_LOG_RHO", "WC_NOISES", "SC_PLATEAU", "plateau_instances", "plateau_fits", "SC_RATE", "SC_MINIMAX", "MINIMAX_FAMILIES", "sc_rate_fits",
    "minimax_fits", "det_sc_cases", "det_convex_cases", "det_nonconvex_cases",
    "stoch_sc_cases", "stoch_nonconvex_cases", "worst_case_cases", "sam_factory", "figure_cases",
]

E3_NOISE = ((2.0, -1.0), (1 / 3, 2 / 3))
"""E3's noise law ξ ∈ {2, −1} with probabilities (1/3, 2/3): zero mean, σ² = 2, E[sign ξ] = −1/3, E|ξ| = 4/3."""

DECAYING_RHO0 = {"E2": 0.4, "E3": 0.8}
"""ρ₀ of the constant-vs-decaying-ρ comparisons on E2 and E3 (E3's limit stays inside its validity range
|x̄| < 1 at ρ₀ = 0.8); the claim ``decaying-rho-stochastic`` and the figure constant_vs_decaying_rho.png."""

E4_START_RANGE = (-5.0, 5.0)
"""Starts of the E4 runs are uniform in this interval (many periods P = 4ρ/3 for every ρ ≤ 1)."""

PLATEAU_RANGE = (0.01, 0.08)
"""Range of ηL (at ρ = 0.1) and of ρ (at ηL = 0.05) in the plateau-scaling sweeps: small enough that the
closed form's slope in η is 2 + O(ηL) ≈ 2.03."""


# ----------------------------------------------------------------------------- helpers

def settings(table: dict, quick: bool) -> dict:
    """A copy of ``table["quick"]`` or ``table["full"]``."""
    return dict(table["quick" if quick else "full"])


def loguniform(gen: np.random.Generator, lo, hi, size=None):
    """exp(U(log lo, log hi)): a scale drawn uniformly on a log axis."""
    return np.exp(gen.uniform(np.log(lo), np.log(hi), size))


def decay(eta0: float, t0: float) -> schedules.Schedule:
    """η_t = η₀/(t + t₀), t = 0, 1, … (samlab step k = t + 1)."""
    return schedules.inverse_power(float(eta0), 1.0, t0=float(t0) - 1.0)


def rho_schedules(rho0: float) -> dict:
    """The radii compared in the decaying-ρ checks: constant ρ₀, ρ₀/√t and ρ₀/t (t = samlab's step)."""
    return {"constant": rho0, "rho0/sqrt(t)": schedules.inverse_power(rho0, 0.5),
            "rho0/t": schedules.inverse_power(rho0, 1.0)}


def plateau_sweep(points: int, L: float):
    """The plateau-scaling sweep on a quadratic with top curvature L, one run per entry:
    ηL over ``points`` log-spaced values of PLATEAU_RANGE at ρ = 0.1, then ρ over the same values at ηL = 0.05.

    Returns (grid (points,), lr (2·points,), rho (2·points,)).
    """
    grid = np.geomspace(*PLATEAU_RANGE, int(points))
    lr = np.concatenate([grid / L, np.full(grid.size, 0.05 / L)])
    rho = np.concatenate([np.full(grid.size, 0.1), grid])
    return grid, lr, rho


# ----------------------------------------------------------------------------- deterministic instances

def rotated_quadratic(eigenvalues, gen: np.random.Generator, *, x_star=None, f_star=0.0,
                      name="quadratic") -> problems.Quadratic:
    """½(x − x*)ᵀQ diag(eigenvalues)Qᵀ(x − x*) + f*, Q Haar-distributed, drawn from ``gen``."""
    eig = np.asarray(eigenvalues, dtype=float).reshape(-1)
    q = problems.random_rotation(eig.size, gen)
    return problems.Quadratic((q * eig) @ q.T, x_star=x_star, f_star=f_star, name=name)


def rotated_sc(gen: np.random.Generator, dim: int, mu: float, L: float, *, gap: float = 0.8) -> problems.Quadratic:
    """Randomly rotated quadratic with spectrum {μ, L, others in [μ, gap·L]}, random centre and f*, all from ``gen``."""
    eig = np.concatenate([[mu], gen.uniform(mu, gap * L, max(dim - 2, 0)), [L]])[:dim]
    return problems.Quadratic.from_spectrum(eig, seed=int(gen.integers(2**31)), x_star=gen.normal(size=dim),
                                            f_star=float(gen.normal()))


def e1(mu=0.1, beta=1.0) -> problems.Quadratic:
    """E1: f = ½xᵀdiag(μ, β)x (2-D, so the axis alignment cannot underflow a coordinate and hide the cycle)."""
    return problems.Quadratic(np.diag([mu, beta]), name=f"E1 diag({mu:g}, {beta:g})")


def e4_starts(gen: np.random.Generator, n: int) -> np.ndarray:
    """(n, 1) starts uniform in E4_START_RANGE."""
    return gen.uniform(*E4_START_RANGE, (int(n), 1))


def curvature_family_run(a, x0, lr, rho, steps, checkpoints, name, *, usam=False):
    """Deterministic SAM on the 1-D family f_a(x) = (a/2)x², one run per (a, x0, η, ρ) row, batched.

    Exact rescaling z = √a·x: f_a(x) = z²/2 and sign(∇f) is invariant, so SAM on f_a with (η, ρ) from
    x0 is SAM on z²/2 with (ηa, ρ√a) from √a·x0, and f_a(x_t) = z_t²/2. One problem, per-run arrays.
    ``usam=True`` runs USAM instead (y = x + ρ∇f: on z²/2 that is USAM with (ηa, ρa)).
    """
    a = np.asarray(a, dtype=float)
    p = problems.Quadratic([[1.0]], name="z^2/2 (rescaled curvature family)")
    alg = algorithms.usam(lr * a, rho * a) if usam else algorithms.sam(lr * a, rho * np.sqrt(a))
    return run(p, alg, (np.sqrt(a) * x0)[:, None], steps, checkpoints=checkpoints, name=name)


SC_PLATEAU = {"quick": {"steps": 15000, "points": 6, "random_instances": 1},
              "full": {"steps": 40000, "points": 8, "random_instances": 3}}
"""Settings of ``sc-plateau-scaling``; the figure sc_plateau.py shows its E1 and first random instance."""


def plateau_instances(seed: int, n_random: int) -> list:
    """E1 and ``n_random`` random rotated 4-D quadratics (L ∈ [0.5, 5] log-uniform, μ/L ∈ [0.1, 0.3]) drawn
    from rng(seed, "sc-plateau-scaling"): the instances of ``sc-plateau-scaling`` as (label, problem)."""
    gen = rng(seed, "sc-plateau-scaling")
    insts = [("E1", e1())]
    for i in range(int(n_random)):
        L = float(loguniform(gen, 0.5, 5.0))
        insts.append((f"random#{i} (L={L:.3g})", rotated_sc(gen, 4, gen.uniform(0.1, 0.3) * L, L)))
    return insts


def plateau_fits(q, points: int, steps: int, *, usam: bool = False, name="sc-plateau-scaling") -> dict:
    """The plateau sweep (:func:`plateau_sweep`) of deterministic SAM (USAM with ``usam``, the control) on
    ``q`` from x* + 1, one batched run: the final levels, the closed forms (L/2)c², and the log-log fits of
    the level against ηL (at ρ = 0.1) and against ρ (at ηL = 0.05). Shared by the claim and sc_plateau.py."""
    from ..analysis import loglog_fit
    from ..theory import cycle_plateau

    L = q.L
    grid, lr, rho = plateau_sweep(points, L)
    alg = algorithms.usam(lr, rho) if usam else algorithms.sam(lr, rho)
    res = run(q, alg, q.x_star + np.ones(q.dim), int(steps), checkpoints=10, name=name)
    level = np.maximum(res.f_gap[-1], 1e-300)
    pred = np.asarray(cycle_plateau(lr, rho, L))
    n = grid.size
    return {"grid": grid, "level": level, "predicted": pred, "result": res,
            "eta_fit": loglog_fit(grid, level[:n], n_boot=0), "rho_fit": loglog_fit(grid, level[n:], n_boot=0),
            "eta_fit_closed_form": loglog_fit(grid, pred[:n], n_boot=0),
            "max_rel_error": float(np.max(np.abs(level - pred) / pred))}


SC_RATE = {"quick": {"T": [200, 400, 800, 1600, 3200], "random_instances": 1},
           "full": {"T": [200, 400, 800, 1600, 3200, 6400], "random_instances": 4}}
"""Settings of ``sc-rate-t-dependent-step``; the figure sc_rates.py draws E1's fits on the same T grid."""

SC_MINIMAX = {"quick": {"n_a": 7, "n_x0": 6, "n_eta": 120, "T": [100, 200, 400, 800, 1600]},
              "full": {"n_a": 19, "n_x0": 26, "n_eta": 300, "T": [100, 200, 400, 800, 1600, 3200]}}
"""Settings of ``sc-minimax-rate`` (family grid and T); the figure sc_rates.py shows the same minimax."""

MINIMAX_FAMILIES = ((0.1, 1.0, 0.1), (0.05, 2.0, 0.05))
"""(μ, β, ρ) of the curvature families of ``sc-minimax-rate``; the first is E1's."""


def sc_rate_fits(q, x0, rho, Ts, *, constant=False, name="sc-rate"):
    """Deterministic SAM on the strongly convex quadratic ``q`` (μ = q.mu, β = q.L) from ``x0`` with radius ρ:
    the anytime schedule η_t = 2/(μ(t + 2β/μ)) (one run read at every T of ``Ts``) and the log-tuned
    constant step η(T) = min(1/β, 2 ln T/(μT)) (one run per T, per-run η, read at its own T), with
    the OLS fits of log(f(x_T) − f*) on log T. ``constant=True`` (the claim's control) uses η = 1/(2β)
    for both. Shared by ``sc-rate-t-dependent-step`` and sc_rates.py, so the figure prints the claim's slopes.

    Returns ({"schedule", "log_tuned": PowerFit, "gaps_schedule", "gaps_log_tuned": (K,)}, [run 1, run 2]).
    """
    from ..analysis import loglog_fit

    Ts = np.asarray(Ts, dtype=int)
    mu, beta = q.mu, q.L
    lr1 = 0.5 / beta if constant else th.anytime_lr(mu, beta)
    r1 = run(q, algorithms.sam(lr1, rho), x0, int(Ts[-1]), checkpoints=Ts, name=name)
    g1 = r1.f_gap[1:, 0]
    etas = np.full(Ts.size, 0.5 / beta) if constant else np.asarray(th.log_tuned_lr(Ts, mu, beta))
    r2 = run(q, algorithms.sam(etas, rho), x0, int(Ts[-1]), checkpoints=Ts, name=name)
    g2 = r2.f_gap[1:][np.arange(Ts.size), np.arange(Ts.size)]
    fits = {"schedule": loglog_fit(Ts, np.maximum(g1, 1e-300), n_boot=0),
            "log_tuned": loglog_fit(Ts, np.maximum(g2, 1e-300), n_boot=0), "gaps_schedule": g1, "gaps_log_tuned": g2}
    return fits, [r1, r2]


def minimax_fits(mu, beta, rho, s, *, usam=False, name="sc-minimax"):
    """The minimax protocol of ``sc-minimax-rate`` on one family (settings ``s`` of SC_MINIMAX): for each T of
    s["T"], min over constant η of the max over the family of f(x_T) − f*, with the fits of the minimax gap
    and of the best η (:func:`refined_best_eta`, between grid points) against T. Returns ({"T", "best", "best_eta", "gap_fit", "eta_fit"}, Result)."""
    from ..analysis import loglog_fit

    Ts = np.asarray(s["T"], dtype=int)
    a, x0, eta, (A, X, E) = curvature_family(mu, beta, s["n_a"], s["n_x0"], s["n_eta"])
    res = curvature_family_run(A, X, E, rho, int(Ts[-1]), Ts, name, usam=usam)
    best, _ = minimax_over_family(res.f_gap[1:], a.size * x0.size, eta)
    best_eta = refined_best_eta(res.f_gap[1:], a.size * x0.size, eta)
    return {"T": Ts, "best": best, "best_eta": best_eta, "gap_fit": loglog_fit(Ts, np.maximum(best, 1e-300), n_boot=0),
            "eta_fit": loglog_fit(Ts, best_eta, n_boot=0)}, res


def curvature_family(mu, beta, n_a, n_x0, n_eta):
    """The minimax grid: curvatures a ∈ [μ, β] (n_a, linear), starts x0 ∈ [0.5, 1] (n_x0) and n_eta constant
    steps log-spaced in [1e-3, 1.99]/β. Returns (a, x0, eta, (A, X, E) flattened a-major, then x0, then η)."""
    a = np.linspace(mu, beta, int(n_a))
    x0 = np.linspace(0.5, 1.0, int(n_x0))
    eta = np.geomspace(1e-3, 1.99, int(n_eta)) / beta
    A, X, E = (v.ravel() for v in np.meshgrid(a, x0, eta, indexing="ij"))
    return a, x0, eta, (A, X, E)


def minimax_over_family(f_gap, n_members: int, eta):
    """From (K, members·η) gaps of :func:`curvature_family_run` on :func:`curvature_family`'s grid: for every
    record, the worst case over the family's members, then the best constant step.

    Returns (min_η max_member gap, argmin η), each of shape (K,).
    """
    eta = np.asarray(eta)
    g = np.asarray(f_gap).reshape(-1, int(n_members), eta.size)
    worst = g.max(axis=1)
    return worst.min(axis=1), eta[worst.argmin(axis=1)]


def refined_best_eta(f_gap, n_members: int, eta):
    """The best constant step of :func:`minimax_over_family` between grid points: the vertex of the parabola
    through log(worst gap) against log η at the grid's argmin and its two neighbours (the grid's own argmin
    at an end of the grid, or where the three points are not convex).

    A grid of ratio r quantizes η by a factor up to √r; between T's a jump of one grid point moves the fitted
    exponent by log r/log(T_max/T_min) — 0.026 for the quick grid — and can flip with the last bit of two
    nearly equal worst gaps. The vertex varies continuously. Returns (K,) steps.
    """
    eta = np.asarray(eta, dtype=float)
    g = np.asarray(f_gap).reshape(-1, int(n_members), eta.size)
    worst = np.log(np.maximum(g.max(axis=1), 1e-300))
    i = worst.argmin(axis=1)
    out = eta[i].copy()
    u = np.log(eta)
    for k, j in enumerate(i):
        if 0 < j < eta.size - 1:
            x, y = u[j - 1:j + 2], worst[k, j - 1:j + 2]
            c2, c1, _ = np.polyfit(x - x[1], y, 2)
            if c2 > 0:
                out[k] = float(np.exp(x[1] - c1 / (2.0 * c2)))
    return out


# ----------------------------------------------------------------------------- stochastic instances

@dataclass(frozen=True)
class StochasticInstance:
    """A stochastic instance: problem, oracle (``sampling`` or additive ``noise``), start, variant ("m" or
    "n") and the schedule η_t = η₀/(t + t₀)."""

    label: str
    problem: Any
    x0: np.ndarray
    variant: str  # "m" or "n"
    eta0: float
    t0: float
    sampling: Any = None
    noise: Any = None

    @property
    def lr(self):
        return decay(self.eta0, self.t0)

    def algorithm(self, lr, rho, *, usam=False):
        same = self.variant == "m"
        return algorithms.usam(lr, rho, same_sample=same) if usam else algorithms.sam(lr, rho, same_sample=same)

    def run(self, algo, steps, runs, seed, checkpoints, keep_iterates=True, name="stoch", copies=1):
        """``runs`` runs of ``algo``; with ``copies`` > 1, ``copies`` blocks of ``runs`` runs (the algorithm's
        per-run hyperparameters tell them apart) that see the same samples: row c·runs + j of the result is
        run j of block c (``sampling.PairedSampling``, ``noise.PairedNoise``)."""
        samp, noise = self.sampling, self.noise
        if copies > 1:
            samp = None if samp is None else sampling.PairedSampling(samp, runs, copies)
            noise = None if noise is None else noises.PairedNoise(noise, runs, copies)
        return run(self.problem, algo, self.x0, steps, runs=runs * copies, sampling=samp, noise=noise,
                   seed=seed, checkpoints=checkpoints, keep_iterates=keep_iterates, name=name)

    def describe_oracle(self) -> dict:
        """The ``sampling`` and ``noise`` entries of a run's meta for this instance's own oracle."""
        return {"sampling": None if self.sampling is None else self.sampling.describe(),
                "noise": None if self.noise is None else self.noise.describe()}

    def limit(self, rho):
        """(x̄, Jacobian of the mean field at x̄) from samlab.theory.si_yun_2023."""
        if isinstance(self.problem, problems.LeastSquares):
            return th.finite_sum_limit(self.problem, rho, self.variant)
        return th.noise_limit(self.problem, self.noise, rho)

    def gap(self, x):
        return float(self.problem.value(np.atleast_2d(x))[0] - self.problem.f_star)

    def replace(self, **changes) -> "StochasticInstance":
        return dataclasses.replace(self, **changes)


def _fmt(v) -> str:
    return "(" + ", ".join(f"{float(x):g}" for x in np.ravel(v)) + ")"


def e2(a=(1.0, 3.0), c=(-1.0, 1.0), variant="m") -> StochasticInstance:
    """E2: f = ½Σ_i (a_i/2)(x − c_i)² as LeastSquares(A = √a, b = √a·c), uniform one-sample sampling,
    x0 = 2, η_t = 1/(t + 10) (μ_f·η₀ = 2 with μ_f = f'' = 2)."""
    a, c = np.asarray(a, float), np.asarray(c, float)
    p = problems.LeastSquares(np.sqrt(a)[:, None], np.sqrt(a) * c, name="E2 finite sum")
    return StochasticInstance(f"E2 a={_fmt(a)}, c={_fmt(c)} ({variant}-SAM)", p, np.array([2.0]), variant, 1.0, 10.0,
                              sampling=sampling.Uniform(1))


def e3(a=1.0, values=(2.0, -1.0), probs=(1 / 3, 2 / 3), variant="n", eta_mult=1.0, t0=10.0) -> StochasticInstance:
    """E3: f = (a/2)x² with oracle ax + ξ, ξ ~ Discrete(values, probs); x0 = 1; η_t = m/(a(t + t₀)).

    m = 1, t₀ = 10 is E3's schedule (μη₀ = 1, so the transient decays only like 1/T); m = 2 makes it
    (t₀/T)², which the quick modes use to decide the same question with 20× fewer steps.
    """
    p = problems.Quadratic([[a]], name=f"E3 ({a:g}/2)x^2")
    return StochasticInstance(f"E3 a={a:g}, xi={_fmt(values)} ({variant}-SAM)", p, np.array([1.0]), variant,
                              float(eta_mult) / a, float(t0), noise=noises.Discrete(list(values), list(probs)))


def e5(variant="n", a=(1.0, 1.0, 4.0), c=(-3.0, 3.0, -1.0)) -> StochasticInstance:
    """E5: f = ⅓Σ_i (a_i/2)(x − c_i)² as LeastSquares(A = √a, b = √a·c), uniform one-sample sampling, x0 = 0,
    η_t = 1/(t + 8) (μ_f·η₀ = 2 with μ_f = f'' = 2; t₀ = ⌈2η₀ max a_i⌉ keeps the first steps stable).

    x* = −2/3 and the signs of x − c_i there are (+, −, +): n-SAM's limit is x* − ρ·mean(s_i) = x* − ρ/3,
    m-SAM's x* − ρ·mean(a_i s_i)/f'' = x* − 2ρ/3 (samlab.theory.si_yun_2023.finite_sum_limit), valid while
    x̄ > c₃ = −1 (ρ < 1/2 for m-SAM)."""
    a, c = np.asarray(a, float), np.asarray(c, float)
    p = problems.LeastSquares(np.sqrt(a)[:, None], np.sqrt(a) * c, name="E5 finite sum")
    t0 = math.ceil(2.0 * float(a.max()) * 1.0)
    return StochasticInstance(f"E5 a={_fmt(a)}, c={_fmt(c)} ({variant}-SAM)", p, np.array([0.0]), variant, 1.0,
                              float(t0), sampling=sampling.Uniform(1))


def stationary_runs(inst: StochasticInstance, lr: float, rho: float, runs: int, burn_in: int, samples: int,
                    spacing: int, seed: int, *, variant=None, name="stationary"):
    """SAM with a constant step ``lr`` on ``inst`` (variant ``variant``, default the instance's), recorded at
    ``samples`` checkpoints spaced ``spacing`` steps apart after ``burn_in`` steps, iterates kept.

    Returns the Result; the window's iterates are ``res.iterates[1:]`` (samples, runs, d)."""
    run_inst = inst if variant is None else inst.replace(variant=variant)
    ck = burn_in + spacing * np.arange(int(samples))
    steps = int(ck[-1])
    return run_inst.run(run_inst.algorithm(float(lr), float(rho)), steps, runs, seed, ck, name=name)


def stationary_variance(res, mean: float):
    """Variance of a :func:`stationary_runs` result around the known stationary ``mean`` (1-D): per run the
    mean of (x_t − mean)² over the window, averaged over runs; the SE is across runs (independent, while the
    records within a run are correlated). Returns (variance, SE). Shared by ``nsam-vs-msam`` and its figure."""
    per_run = ((res.iterates[1:, :, 0] - mean) ** 2).mean(axis=0)
    return float(per_run.mean()), float(per_run.std(ddof=1) / math.sqrt(per_run.size))


def random_least_squares(seed, rhos, variant, dim=2, n=5) -> StochasticInstance:
    """Random least-squares finite sum (drawn from rng(seed, f"random-ls-{variant}-{dim}-{n}")) whose limits
    x̄(ρ) share the sign pattern of x* for every ρ in ``rhos``, so the limit formula is valid."""
    gen = rng(seed, f"random-ls-{variant}-{dim}-{n}")
    for _ in range(200):
        A = gen.normal(size=(n, dim))
        b = gen.normal(size=n)
        p = problems.LeastSquares(A, b, name=f"random least squares {n}x{dim}")
        if p.mu < 0.3:
            continue
        s0 = np.sign(A @ p.x_star - b)
        try:
            pats = [np.sign(A @ th.finite_sum_limit(p, r, variant)[0] - b) for r in rhos]
        except ValueError:
            continue
        if all(np.array_equal(q, s0) for q in pats):
            eta0 = 2.0 / p.mu
            t0 = math.ceil(2.0 * eta0 * float(p.L_i.max()))
            x0 = p.x_star + gen.normal(size=dim)
            return StochasticInstance(f"random LS {n}x{dim} ({variant}-SAM)", p, x0, variant, eta0, t0,
                                      sampling=sampling.Uniform(1))
    raise RuntimeError("no admissible random least-squares instance found")


def random_noise_instance(seed, rhos, variant, dim=2) -> StochasticInstance:
    """Random rotated quadratic with an asymmetric zero-mean discrete vector noise (3 atoms), drawn from
    rng(seed, f"random-noise-{variant}-{dim}")."""
    gen = rng(seed, f"random-noise-{variant}-{dim}")
    mu, L = gen.uniform(0.5, 1.0), gen.uniform(1.5, 3.0)
    q = rotated_sc(gen, dim, mu, L)
    p = gen.dirichlet([2.0, 2.0, 2.0])
    v = gen.normal(scale=1.5, size=(3, dim))
    v -= p @ v  # zero mean
    nz = noises.Discrete(v, p)
    for r in rhos:
        th.noise_limit(q, nz, r)  # raises if the limit is not well defined
    eta0 = 2.0 / q.mu
    return StochasticInstance(f"random quadratic d={dim} + 3-atom noise ({variant}-SAM)", q,
                              q.x_star + gen.normal(size=dim), variant, eta0, math.ceil(2.0 * eta0 * q.L), noise=nz)


def nonconvex_instances(gen: np.random.Generator, n: int):
    """n random nonconvex instances cycling through the ρ-scaled cosine (random β, ρ_f), a 2-D trigonometric
    sum and pl_sine: (label, problem, lower bound on inf f)."""
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            beta, rf = float(loguniform(gen, 0.3, 3.0)), float(loguniform(gen, 0.05, 1.0))
            p = problems.scaled_cosine(rf, beta)
            out.append((f"scaled cosine (beta={beta:.3g}, rho_f={rf:.3g})", p, p.f_star))
        elif kind == 1:
            p = problems.TrigSum(gen.normal(size=(4, 2)), gen.normal(size=4), gen.uniform(0, 2 * np.pi, 4))
            out.append((f"trig sum#{i}", p, p.f_lower))
        else:
            p = problems.pl_sine()
            out.append(("pl_sine", p, p.f_star))
    return out


def random_noise_law(gen: np.random.Generator, dim: int):
    """Gaussian (σ ∈ [0.3, 1.5]) or an asymmetric zero-mean 3-atom vector law, each with probability ½."""
    if gen.random() < 0.5:
        return noises.Gaussian(float(gen.uniform(0.3, 1.5)))
    p = gen.dirichlet([2.0, 2.0, 2.0])
    v = gen.normal(scale=1.0, size=(3, dim))
    return noises.Discrete(v - p @ v, p)


# ----------------------------------------------------------------------------- protocols

def rho_sweep(inst: StochasticInstance, rhos, runs: int, steps: int, seed: int, *, baseline: bool = True,
              name: str = "sweep") -> dict:
    """SAM at every ρ in ``rhos`` (plus, with ``baseline``, the paired SGD run ρ = 0: same samples),
    recorded at T/4 and T with iterates kept. Returns {ρ: Result}.

    One batched run with a ρ per run, every ρ's block seeing the same samples: each block is bit for bit
    (meta included, but for its timing) the run of ``runs`` runs at that ρ alone with this seed and name,
    and the per-step cost of the small runs is paid once for the whole sweep."""
    grid = ((0.0,) if baseline else ()) + tuple(float(r) for r in rhos)
    res = inst.run(inst.algorithm(inst.lr, np.repeat(grid, runs)), steps, runs, seed, [steps // 4, steps],
                   name=name, copies=len(grid))
    out = {}
    for i, rho in enumerate(grid):
        block = res.select(slice(i * runs, (i + 1) * runs))
        block.meta.update(algorithm={**res.meta["algorithm"], "rho": rho}, **inst.describe_oracle())
        out[rho] = block
    return out


def paired_shift(res_sam, res_sgd):
    """b = mean over runs of x_T^SAM − x_T^SGD and its standard error, each (d,).

    SAM and SGD see the same samples (same seed and name), so the difference cancels the shared noise
    and the common transient: b → x̄ − x*, the shift SAM adds.
    """
    D = res_sam.iterates[-1] - res_sgd.iterates[-1]
    return D.mean(axis=0), D.std(axis=0, ddof=1) / math.sqrt(D.shape[0])


FLOOR_SCALING = {"quick": {"rhos": [0.05, 0.1, 0.2, 0.4], "runs": 500, "steps": 1600, "e3_schedule": [2.0, 20.0],
                           "random": True},
                 "full": {"rhos": [0.025, 0.05, 0.1, 0.2, 0.4], "runs": 2000, "steps": 40000,
                          "e3_schedule": [1.0, 10.0], "random": True}}
"""Settings of ``stochastic-floor-scaling`` (the same ρ sweeps as msam-/nsam-biased-limit); the figure
stochastic_floor.py draws E2's and E3's sweeps and fits from the same runs."""

NSAM_VS_MSAM = {"quick": {"rho_limit": 0.2, "runs": 400, "steps": 1600, "rho_var": 0.4, "lr_var": 0.01,
                           "runs_var": 100, "burn_in": 1500, "samples": 20, "spacing": 100},
                 "full": {"rho_limit": 0.2, "runs": 2000, "steps": 20000, "rho_var": 0.4, "lr_var": 0.01,
                          "runs_var": 400, "burn_in": 3000, "samples": 60, "spacing": 100}}
"""Settings of ``nsam-vs-msam`` (E5's limits at ρ = rho_limit; E3's stationary variance at ρ = rho_var,
η = lr_var); the figure stochastic_floor.py reads the same runs."""


def floor_scaling(inst: StochasticInstance, res: dict, rhos) -> dict:
    """The ρ-scaling protocol of ``stochastic-floor-scaling`` on one instance's :func:`rho_sweep` (with its SGD
    baseline ``res[0.0]``): per ρ the paired shift b (:func:`paired_shift`), its norm and SE, the floor
    ½bᵀHb with its SE (:func:`shift_floor`), E gap_SAM − E gap_SGD, and the theory's ‖x̄ − x*‖ and
    f(x̄) − f*; the log-log fits of ‖b‖ and of the floor against ρ (and of the theory's values).

    Shared by the claim and the figure stochastic_floor.py, which prints these slopes."""
    from ..analysis import loglog_fit

    base = res[0.0]
    H = np.atleast_2d(inst.problem.hess(inst.x0[None])[0])
    out = {k: [] for k in ("shift", "shift_se", "floor", "floor_se", "gap_diff", "dist_pred", "gap_pred")}
    for rho in rhos:
        b, se = paired_shift(res[rho], base)
        out["shift"].append(float(np.linalg.norm(b)))
        out["shift_se"].append(float(np.linalg.norm(se)))
        F, F_se = shift_floor(H, b, se)
        out["floor"].append(F)
        out["floor_se"].append(F_se)
        out["gap_diff"].append(float(np.mean(res[rho].f_gap[-1] - base.f_gap[-1])))
        xb, _ = inst.limit(rho)
        out["dist_pred"].append(float(np.linalg.norm(xb - inst.problem.x_star)))
        out["gap_pred"].append(inst.gap(xb))
    out = {k: np.asarray(v) for k, v in out.items()}
    r = np.asarray(rhos, dtype=float)
    out["dist_fit"] = loglog_fit(r, np.maximum(out["shift"], 1e-300), n_boot=0)
    out["floor_fit"] = loglog_fit(r, np.maximum(out["floor"], 1e-300), n_boot=0)
    out["dist_pred_slope"] = loglog_fit(r, out["dist_pred"], n_boot=0).slope
    out["gap_pred_slope"] = loglog_fit(r, out["gap_pred"], n_boot=0).slope
    out["gap_diff_slope"] = (loglog_fit(r, out["gap_diff"], n_boot=0).slope if np.min(out["gap_diff"]) > 0
                             else float("nan"))
    return out


def shift_floor(H, b, se):
    """The floor ½bᵀHb of a shift b on a quadratic of Hessian H, with its first-order standard error
    ‖(Hb)∘se‖ (coordinates of b treated as independent)."""
    H = np.atleast_2d(H)
    g = H @ b
    return 0.5 * float(b @ g), float(np.sqrt(np.sum((g * se) ** 2)))


# ----------------------------------------------------------------------------- worst cases

WC_BETA = 1.0
"""Smoothness β of every worst-case family: the bounds and SAM are invariant under f → f/β with η → βη
(normalized directions do not change), so β = 1 loses no generality; η is searched as ηβ."""

WC_LOG_RHO = (-3.0, 1.0)
"""log10 ρ searched: ρ ∈ [1e-3, 10] with Δ = f(x_0) − f* (or − inf f) = 1. x → sx maps (Δ, ρ, σ) to
(s²Δ, sρ, sσ) and leaves every ratio measured/bound unchanged, so this range is ρ²/Δ ∈ [1e-6, 100]
(E4's stall needs a well of depth 0.09βρ² ≥ Δ, i.e. ρ ≥ 3.3 at Δ = 1)."""

WC_NOISES = {"E3 law": noises.Discrete(*E3_NOISE), "E3 law x0.1": noises.Discrete([0.2, -0.1], [1 / 3, 2 / 3]),
             "Gaussian sigma=1": noises.Gaussian(1.0)}
"""Additive noise laws of the stochastic worst-case searches (each coordinate independent): E3's asymmetric
law (σ² = 2 per coordinate, the one that biases n-SAM), the same scaled by 0.1 (σ²/Δ = 0.02 per
coordinate: the ρ² term dominates) and a symmetric Gaussian. A search cannot change the law, so the ratio
σ²/Δ takes these three values per coordinate."""

WC_MU = {"det-sc": (0.05, 0.5), "stoch-sc": (0.5,)}
"""μ/β of the strongly convex worst-case families."""

WORST_CASE = {
    "det-sc-bound": {"quick": {"budget": 320, "steps": 20, "dim": 2, "pep_steps": [2], "samples": 40, "save": False},
                     "full": {"budget": 6000, "steps": 150, "dim": 3, "pep_steps": [1, 2, 4, 6, 8], "samples": 400,
                              "save": True}},
    "det-convex-bound": {"quick": {"budget": 300, "steps": 20, "dim": 2, "pep_steps": [2], "samples": 40, "save": False},
                         "full": {"budget": 6000, "steps": 150, "dim": 3, "pep_steps": [1, 2, 4, 6, 8],
                                  "samples": 400, "save": True}},
    "det-nonconvex-bound": {"quick": {"budget": 300, "steps": 100, "dim": 2, "pep_steps": [2], "samples": 40,
                                      "save": False},
                            "full": {"budget": 6000, "steps": 300, "dim": 3, "pep_steps": [1, 2, 4, 6, 8],
                                     "samples": 400, "save": True}},
    "stoch-sc-bound": {"quick": {"budget": 160, "steps": 150, "replicas": 8, "final_replicas": 200, "samples": 16,
                                 "laws": ["E3 law x0.1"], "save": False},
                       "full": {"budget": 6000, "steps": 300, "replicas": 16, "final_replicas": 1000, "samples": 200,
                                "save": True}},
    "stoch-nonconvex-bound": {"quick": {"budget": 160, "steps": 150, "replicas": 8, "final_replicas": 200,
                                        "samples": 16, "laws": ["E3 law x0.1"], "save": False},
                              "full": {"budget": 6000, "steps": 300, "replicas": 16, "final_replicas": 1000,
                                       "samples": 200, "save": True}},
}
"""Settings of the worst-case companions ``<bound>-worst-case``: the budget (instances evaluated, split over
the searches), the horizon (every t ≤ steps is compared), the families' dimension, the PEP's N, the random
members of the median, Monte Carlo replicas (search / reported), the noise laws searched (quick mode: E3's
law scaled by 0.1 only, where the ρ² term matters most; full mode: all of WC_NOISES), and whether the worst
instance is saved."""

WORST_CASE_FIGURE = {
    "det-sc-bound": {"lr_beta": 0.5, "log_rho": -1.0, "mu": 0.1},
    "det-convex-bound": {"lr_beta": 0.5, "log_rho": -1.0},
    "det-nonconvex-bound": {"lr_beta": 0.25, "log_rho": -1.0},
    "stoch-sc-bound": {"lr_beta": 0.1, "log_rho": -1.0, "mu": 0.5, "noise": "E3 law", "variant": "n"},
    "stoch-nonconvex-bound": {"lr_beta": 0.1, "log_rho": -1.0, "noise": "E3 law", "variant": "n"},
}
"""Fixed (ηβ, log10 ρ, μ/β, noise, variant) of each bound in worst_case.py, which plots against T."""


def sam_factory(variant: str = "n"):
    """Factory of SAM from the searched hyperparameters ηβ (``lr_beta``) and log10 ρ (``log_rho``)."""
    same = variant == "m"

    def factory(lr_beta, log_rho):
        return algorithms.sam(np.asarray(lr_beta, float) / WC_BETA if np.ndim(lr_beta) else float(lr_beta) / WC_BETA,
                              10.0 ** np.asarray(log_rho, float) if np.ndim(log_rho) else 10.0 ** float(log_rho),
                              same_sample=same)
    return factory


def _named(fn, name):
    fn.__name__ = name
    return fn


def _both_ends(cases: list[SearchCase]) -> list[SearchCase]:
    """Each case searched over every t ≤ T and at t = T (the late regime, where the ρ² terms decide)."""
    out = []
    for c in cases:
        for at in ("all", "final"):
            out.append(dataclasses.replace(c, label=f"{c.label}, t {'≤' if at == 'all' else '='} T", at=at))
    return out


def _rho(log_rho, rho_factor):
    return rho_factor * 10.0 ** np.asarray(log_rho, dtype=float)


def det_sc_cases(dim: int, rho_factor: float = 1.0) -> list[SearchCase]:
    """f(x_t) − f* ≤ (1 − μη)^tΔ + B (det_sc_bound) over quadratics and Huber sums, μ/β in WC_MU, ηβ ∈
    [0.005, 0.995] (ηβ < 1), ρ in WC_LOG_RHO, Δ = 1. ``rho_factor`` scales ρ in the bound only (0: the
    bound without its ρ² term, the controls). Each searched over every t ≤ T and at t = T."""
    out = []
    for mu in WC_MU["det-sc"]:
        def bound(t, lr_beta, log_rho, mu=mu):
            return th.det_sc_bound(t, np.asarray(lr_beta) / WC_BETA, _rho(log_rho, rho_factor), WC_BETA, mu, 1.0)
        _named(bound, "det_sc_bound")
        hyp = {"lr_beta": (0.005, 0.995), "log_rho": WC_LOG_RHO}
        for fam in (adversary.Quadratics(dim, WC_BETA, mu, start="f_gap"), adversary.Huber(dim, WC_BETA, mu, start="f_gap")):
            out.append(SearchCase(f"{fam.name} d={dim}, mu={mu:g}", fam, sam_factory(), bound, hyp, "f_gap"))
    return _both_ends(out)


def det_convex_cases(dim: int, rho_factor: float = 1.0) -> list[SearchCase]:
    """(1/T)Σ‖∇f‖² ≤ 2Δ/(ηT) + β³ηρ² (det_convex_bound) over convex quadratics and Huber sums (μ = 0, 1-D
    and ``dim``-D), ηβ ∈ [0.01, 1], ρ in WC_LOG_RHO, Δ = 1; each searched over every t ≤ T and at t = T."""
    def bound(t, lr_beta, log_rho):
        return th.det_convex_bound(t, np.asarray(lr_beta) / WC_BETA, _rho(log_rho, rho_factor), WC_BETA, 1.0)
    _named(bound, "det_convex_bound")
    hyp = {"lr_beta": (0.01, 1.0), "log_rho": WC_LOG_RHO}
    fams = (adversary.Quadratics(max(dim, 2), WC_BETA, 0.0, start="f_gap"), adversary.Huber(1, WC_BETA, 0.0, start="f_gap"),
            adversary.Huber(dim, WC_BETA, 0.0, start="f_gap"))
    return _both_ends([SearchCase(f"{f.name} d={f.dim}", f, sam_factory(), bound, hyp, "grad_norm_avg") for f in fams])


def det_nonconvex_cases(dim: int, rho_factor: float = 1.0) -> list[SearchCase]:
    """(1/T)Σ‖∇f‖² ≤ 4Δ/(ηT) + 3β²ρ² (det_nonconvex_bound) over cosine sums (nonconvex, inf f = 0; 1-D and
    ``dim``-D) and convex quadratics, ηβ ∈ [0.01, 0.25], ρ in WC_LOG_RHO, Δ = f(x_0) − inf f = 1; each
    searched over every t ≤ T and at t = T."""
    def bound(t, lr_beta, log_rho):
        return th.det_nonconvex_bound(t, np.asarray(lr_beta) / WC_BETA, _rho(log_rho, rho_factor), WC_BETA, 1.0)
    _named(bound, "det_nonconvex_bound")
    hyp = {"lr_beta": (0.01, 0.25), "log_rho": WC_LOG_RHO}
    fams = (adversary.Cosines(1, WC_BETA, start="f_gap"), adversary.Cosines(dim, WC_BETA, start="f_gap"),
            adversary.Quadratics(max(dim, 2), WC_BETA, 0.0, start="f_gap"))
    return _both_ends([SearchCase(f"{f.name} d={f.dim}", f, sam_factory(), bound, hyp, "grad_norm_avg") for f in fams])


def stoch_sc_cases(rho_factor: float = 1.0, dim: int = 2, laws=None) -> list[SearchCase]:
    """E f(x_t) − f* ≤ e_t (stoch_sc_bound_constant) for n-SAM (κ = ½) and m-SAM (κ = 1) on 2-D quadratics
    with μ/β = 0.5 (the floor regime t ≫ 2/(μη) is then within a few hundred steps) and each additive noise
    of WC_NOISES (σ² = E‖ξ‖² exact), ηβ ∈ [0.005, 0.25], ρ in WC_LOG_RHO, Δ = 1; each searched over every
    t ≤ T and at t = T."""
    out = []
    mu = WC_MU["stoch-sc"][0]
    hyp = {"lr_beta": (0.005, 0.25), "log_rho": WC_LOG_RHO}
    for variant in ("n", "m"):
        for law, noise in WC_NOISES.items():
            if laws is not None and law not in laws:
                continue
            sigma2 = th.noise_second_moment(noise, dim)

            def bound(t, lr_beta, log_rho, sigma2=sigma2, variant=variant):
                return th.stoch_sc_bound_constant(t, np.asarray(lr_beta) / WC_BETA, _rho(log_rho, rho_factor), WC_BETA,
                                                  mu, sigma2, 1.0, variant)
            _named(bound, "stoch_sc_bound")
            fam = adversary.Quadratics(dim, WC_BETA, mu, start="f_gap")
            for at in ("all", "final"):
                out.append(SearchCase(f"{variant}-SAM, {law}, quadratics d={dim}, t {'≤' if at == 'all' else '='} T",
                                      fam, sam_factory(variant), bound, hyp, "f_gap", noise, at))
    return out


def stoch_nonconvex_cases(rho_factor: float = 1.0, dim: int = 2, laws=None) -> list[SearchCase]:
    """(1/T)ΣE‖∇f‖² ≤ 4Δ/(ηT) + 3β²ρ² + 4κβησ² (stoch_nonconvex_bound) for n-SAM and m-SAM on 2-D cosine
    sums with each additive noise of WC_NOISES, ηβ ∈ [0.005, 0.25], ρ in WC_LOG_RHO, Δ = 1; each searched
    over every t ≤ T and at t = T."""
    out = []
    hyp = {"lr_beta": (0.005, 0.25), "log_rho": WC_LOG_RHO}
    for variant in ("n", "m"):
        for law, noise in WC_NOISES.items():
            if laws is not None and law not in laws:
                continue
            sigma2 = th.noise_second_moment(noise, dim)

            def bound(t, lr_beta, log_rho, sigma2=sigma2, variant=variant):
                return th.stoch_nonconvex_bound(t, np.asarray(lr_beta) / WC_BETA, _rho(log_rho, rho_factor), WC_BETA,
                                                sigma2, 1.0, variant)
            _named(bound, "stoch_nonconvex_bound")
            fam = adversary.Cosines(dim, WC_BETA, start="f_gap")
            for at in ("all", "final"):
                out.append(SearchCase(f"{variant}-SAM, {law}, cosines d={dim}, t {'≤' if at == 'all' else '='} T",
                                      fam, sam_factory(variant), bound, hyp, "grad_norm_avg", noise, at))
    return out


def worst_case_cases(bound: str, settings: dict, rho_factor: float = 1.0) -> list[SearchCase]:
    """The searches of the companion of ``si-yun-2023/<bound>`` (a key of WORST_CASE)."""
    if bound == "det-sc-bound":
        return det_sc_cases(settings["dim"], rho_factor)
    if bound == "det-convex-bound":
        return det_convex_cases(settings["dim"], rho_factor)
    if bound == "det-nonconvex-bound":
        return det_nonconvex_cases(settings["dim"], rho_factor)
    if bound == "stoch-sc-bound":
        return stoch_sc_cases(rho_factor, laws=settings.get("laws"))
    if bound == "stoch-nonconvex-bound":
        return stoch_nonconvex_cases(rho_factor, laws=settings.get("laws"))
    raise ValueError(f"bound must be one of {sorted(WORST_CASE)}, got {bound!r}")


def figure_cases(bound: str, dim: int = 2) -> tuple[list[SearchCase], Any, Callable]:
    """The searches of worst_case.py for ``bound`` at the fixed hyperparameters of WORST_CASE_FIGURE, at t = T
    (``at="final"``: one search per horizon T). Returns (cases, the algorithm, bound(t) at those hyperparameters)."""
    fig = WORST_CASE_FIGURE[bound]
    hyp = {"lr_beta": fig["lr_beta"], "log_rho": fig["log_rho"]}
    variant = fig.get("variant", "n")
    alg = sam_factory(variant)(**hyp)
    if bound == "det-sc-bound":
        mu = fig["mu"]
        fams = (adversary.Quadratics(dim, WC_BETA, mu, start="f_gap"), adversary.Huber(dim, WC_BETA, mu, start="f_gap"))
        b = _named(lambda t: th.det_sc_bound(t, hyp["lr_beta"] / WC_BETA, 10.0 ** hyp["log_rho"], WC_BETA, mu, 1.0),
                   "det_sc_bound")
        metric, noise = "f_gap", None
    elif bound == "det-convex-bound":
        fams = (adversary.Quadratics(dim, WC_BETA, 0.0, start="f_gap"), adversary.Huber(1, WC_BETA, 0.0, start="f_gap"))
        b = _named(lambda t: th.det_convex_bound(np.maximum(t, 1), hyp["lr_beta"] / WC_BETA, 10.0 ** hyp["log_rho"],
                                                 WC_BETA, 1.0), "det_convex_bound")
        metric, noise = "grad_norm_avg", None
    elif bound == "det-nonconvex-bound":
        fams = (adversary.Cosines(1, WC_BETA, start="f_gap"), adversary.Cosines(dim, WC_BETA, start="f_gap"))
        b = _named(lambda t: th.det_nonconvex_bound(np.maximum(t, 1), hyp["lr_beta"] / WC_BETA,
                                                    10.0 ** hyp["log_rho"], WC_BETA, 1.0), "det_nonconvex_bound")
        metric, noise = "grad_norm_avg", None
    elif bound == "stoch-sc-bound":
        mu, noise = fig["mu"], WC_NOISES[fig["noise"]]
        sigma2 = th.noise_second_moment(noise, dim)
        fams = (adversary.Quadratics(dim, WC_BETA, mu, start="f_gap"),)
        b = _named(lambda t: th.stoch_sc_bound_constant(t, hyp["lr_beta"] / WC_BETA, 10.0 ** hyp["log_rho"], WC_BETA,
                                                        mu, sigma2, 1.0, variant), "stoch_sc_bound")
        metric = "f_gap"
    elif bound == "stoch-nonconvex-bound":
        noise = WC_NOISES[fig["noise"]]
        sigma2 = th.noise_second_moment(noise, dim)
        fams = (adversary.Cosines(dim, WC_BETA, start="f_gap"),)
        b = _named(lambda t: th.stoch_nonconvex_bound(np.maximum(t, 1), hyp["lr_beta"] / WC_BETA, 10.0 ** hyp["log_rho"],
                                                      WC_BETA, sigma2, 1.0, variant), "stoch_nonconvex_bound")
        metric = "grad_norm_avg"
    else:
        raise ValueError(f"bound must be one of {sorted(WORST_CASE_FIGURE)}, got {bound!r}")
    cases = [SearchCase(f"{f.name} d={f.dim}", f, alg, b, {}, metric, noise, "final") for f in fams]
    return cases, alg, b
