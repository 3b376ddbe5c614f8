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

Schedules use the convention t = 0, 1, …, η_t = η₀/(t + t₀), which is ``inverse_power(η₀, 1, t0=t₀ − 1)``
in samlab's 1-based steps (:func:`decay`). Random instances are drawn from a generator passed in by the
caller (``samlab.seeding.rng(seed, key)``), so a claim's instances depend on its seed and key only.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import algorithms, noise as noises, problems, sampling, schedules
from ..engine import run
from ..seeding import rng
from ..theory import si_yun_2023 as th

__all__ = [
    "DECAYING_RHO0", "E4_START_RANGE", "PLATEAU_RANGE",
    "settings", "loguniform", "plateau_sweep", "decay", "rotated_quadratic", "rotated_sc", "e1", "e4_starts", "curvature_family_run",
    "curvature_family", "minimax_over_family", "StochasticInstance", "e2", "e3", "random_least_squares",
    "random_noise_instance", "nonconvex_instances", "random_noise_law", "rho_sweep", "paired_shift",
    "shift_floor", "rho_schedules",
]

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


def curvature_family_run(a, x0, lr, rho, steps, checkpoints, name):
    """Deterministic SAM on the 1-D family f_a(x) = (a/2)x², one run per (a, x0, η, ρ) row, batched.

    Exact rescaling z = √a·x: f_a(x) = z²/2 and sign(∇f) is invariant, so SAM on f_a with (η, ρ) from
    x0 is SAM on z²/2 with (ηa, ρ√a) from √a·x0, and f_a(x_t) = z_t²/2. One problem, per-run arrays.
    """
    a = np.asarray(a, dtype=float)
    p = problems.Quadratic([[1.0]], name="z^2/2 (rescaled curvature family)")
    return run(p, algorithms.sam(lr * a, rho * np.sqrt(a)), (np.sqrt(a) * x0)[:, None], steps,
               checkpoints=checkpoints, name=name)


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

    def run(self, algo, steps, runs, seed, checkpoints, keep_iterates=True, name="stoch"):
        return run(self.problem, algo, self.x0, steps, runs=runs, sampling=self.sampling, noise=self.noise,
                   seed=seed, checkpoints=checkpoints, keep_iterates=keep_iterates, name=name)

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
    """SAM at every ρ in ``rhos`` (plus, with ``baseline``, the paired SGD run ρ = 0: same seed, same samples),
    recorded at T/4 and T with iterates kept. Returns {ρ: Result}."""
    out = {}
    for rho in ((0.0,) if baseline else ()) + tuple(rhos):
        out[rho] = inst.run(inst.algorithm(inst.lr, rho), steps, runs, seed, [steps // 4, steps], name=name)
    return out


def paired_shift(res_sam, res_sgd):
    """b = mean over runs of x_T^SAM − x_T^SGD and its standard error, each (d,).

    SAM and SGD see the same samples (same seed and name), so the difference cancels the shared noise
    and the common transient: b → x̄ − x*, the shift SAM adds.
    """
    D = res_sam.iterates[-1] - res_sgd.iterates[-1]
    return D.mean(axis=0), D.std(axis=0, ddof=1) / math.sqrt(D.shape[0])


def shift_floor(H, b, se):
    """The floor ½bᵀHb of a shift b on a quadratic of Hessian H, with its first-order standard error
    ‖(Hb)∘se‖ (coordinates of b treated as independent)."""
    H = np.atleast_2d(H)
    g = H @ b
    return 0.5 * float(b @ g), float(np.sqrt(np.sum((g * se) ** 2)))
