"""Kim, Park, Choi & Lee 2023 ("Stability Analysis of Sharpness-Aware Minimization"): constructions.

Everything here is specific to that paper's checks (kim_2023.md); the shared closed forms live in
:mod:`samlab.theory.linearization` (Theorem 1, step limits) and :mod:`samlab.theory.diffusion`
(Theorem 2, Corollary 1, Theorem 3 as transcribed).

- :class:`SaddleFamily`: B quadratics ½(x − c)ᵀH_b(x − c), one per run, so that a sweep over
  instances (random saddles, a (ρ, |λ₋|) grid) is ONE batched ``samlab.run``.
- :class:`MinibatchNoise`: Gaussian gradient noise N(0, C/B_b) with a batch size per run
  (model B: σ ∝ 1/√B; C ≈ |H| is the Fisher ≈ Hessian approximation of the paper's SDE).
- :class:`EscapeRegion`, :func:`escape_steps`: exact first-passage times |v₋ᵀ(x − c)| ≥ r from a saddle.
- :func:`model_sde_problem`: Theorem 2's model SDE as a quadratic + noise, so that GD with step η
  on it IS its Euler–Maruyama scheme (Δt = η).
- :func:`heavy_ball_model_msd`: exact variance of heavy-ball momentum on that model (Theorem 3).
- :func:`usam_discrete_step_limit`: the largest η for which USAM is attracted (Prediction 2).
- :func:`beale_saddle`, :func:`official_gd_stop`: the Beale saddle (0, 1) derived with sympy and
  the stopping rule of the official code (Harry24k/sam-saddle) that fixes the Beale run length.
- :func:`bisect_batched`: bisection of many monotone decisions at once (one batched run per step).
"""

from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np
import sympy as sp

from ..noise import Noise
from ..problems.base import Problem, as_batch
from ..problems.quadratic import Quadratic, random_rotation
from .diffusion import momentum_diffusion_as_transcribed, sgd_diffusion_variance
from .linearization import linearization_exprs, linearization_symbols, sam_objective_rates
from ._common import _arr, _eigs, _lambdify, _nonnegative, _out, _positive
from .quadratic_cycle import cycle_amplitude_expr, cycle_symbols

__all__ = [
    "SaddleFamily",
    "IsotropicQuadratic",
    "MinibatchNoise",
    "minibatch_covariance",
    "random_saddle_spectra",
    "usam_discrete_step_limit",
    "usam_stability_margin",
    "sam_saddle_cycle_multiplier",
    "sam_saddle_cycle_limit",
    "sam_saddle_cycle_exprs",
    "usam_matching_momentum",
    "theorem3_matching_momentum",
    "EscapeRegion",
    "escape_steps",
    "model_sde_problem",
    "heavy_ball_model_msd",
    "beale_saddle",
    "official_gd_stop",
    "bisect_batched",
    "OFFICIAL_BEALE",
]

OFFICIAL_BEALE = {
    "start": (1.0, 2.0),
    "lr": 1e-3 / 80.0,  # 1.25e-5, Harry24k/sam-saddle
    "rhos": (0.1, 0.5, 1.0),
    "max_steps": 100_000,
    "minimum": (3.0, 0.5),
    "saddle": (0.0, 1.0),
    "gd_stop_step": 87_683,
}
"""Settings of the official Beale experiment (kim_2023.md, "Beale function" [official code]).

``gd_stop_step``: where the official GD stopping rule fires at lr 1.25e-5 (rule (b) of
:func:`official_gd_stop`), the length of every official run; re-derived by the full mode of the claim
``kim-2023/beale-saddle-trap``."""


# ----------------------------------------------------------------------------- problems and noise

class SaddleFamily(Problem):
    """One quadratic per run: run b minimizes f_b(x) = ½(x − c_b)ᵀH_b(x − c_b).

    ``H``: (B, d, d) symmetric matrices (or (B, d) eigenvalues via :meth:`from_spectra`);
    ``center``: (d,) or (B, d), default 0. A batched ``samlab.run`` must use exactly B runs (run b
    sees f_b), so a sweep over instances is one run. ``eigenvalues`` (B, d) ascending,
    ``eigenvectors`` (B, d, d) (columns). Critical point of every member: its centre.
    """

    def __init__(self, H, center=None, *, name: str = "saddle_family"):
        H = np.array(H, dtype=float)
        if H.ndim != 3 or H.shape[1] != H.shape[2] or H.shape[0] < 1:
            raise ValueError(f"H must have shape (B, d, d), got {H.shape}")
        if not np.all(np.isfinite(H)):
            raise ValueError("H must be finite")
        scale = max(1.0, float(np.abs(H).max()))
        if np.max(np.abs(H - np.swapaxes(H, 1, 2))) > 1e-12 * scale:
            raise ValueError("H must be symmetric")
        self.H = 0.5 * (H + np.swapaxes(H, 1, 2))
        self.runs, self.dim = H.shape[0], H.shape[1]
        c = np.zeros(self.dim) if center is None else np.array(center, dtype=float)
        if c.shape not in ((self.dim,), (self.runs, self.dim)) or not np.all(np.isfinite(c)):
            raise ValueError(f"center must be finite with shape ({self.dim},) or ({self.runs}, {self.dim})")
        self.center = np.broadcast_to(c, (self.runs, self.dim)).copy()
        self.eigenvalues, self.eigenvectors = np.linalg.eigh(self.H)
        self.name = name
        self.L = float(np.abs(self.eigenvalues).max())
        self.mu = None
        self.x_star = None
        self.f_star = None

    @classmethod
    def from_spectra(cls, eigenvalues, seed=None, *, center=None, name: str = "saddle_family"):
        """H_b = Q_b diag(λ_b) Q_bᵀ; Q_b Haar-random from ``seed`` (``seed=None``: diagonal H_b)."""
        eig = np.array(eigenvalues, dtype=float)
        if eig.ndim != 2 or eig.shape[1] < 1:
            raise ValueError(f"eigenvalues must have shape (B, d), got {eig.shape}")
        if not np.all(np.isfinite(eig)):
            raise ValueError("eigenvalues must be finite")
        if seed is None:
            H = np.einsum("bi,ij->bij", eig, np.eye(eig.shape[1]))
        else:
            rng = np.random.default_rng(seed)
            Q = np.stack([random_rotation(eig.shape[1], rng) for _ in range(eig.shape[0])])
            H = np.einsum("bik,bk,bjk->bij", Q, eig, Q)
        return cls(H, center=center, name=name)

    def _z(self, X):
        X = as_batch(X, self.dim)
        if X.shape[0] != self.runs:
            raise ValueError(f"X must hold one point per family member ({self.runs}), got {X.shape[0]}")
        return X - self.center

    def value(self, X):
        Z = self._z(X)
        return 0.5 * np.einsum("bi,bij,bj->b", Z, self.H, Z)

    def grad(self, X):
        return np.einsum("bij,bj->bi", self.H, self._z(X))

    def hess(self, X):
        self._z(X)
        return self.H.copy()

    def project(self, X, j: int = 0) -> np.ndarray:
        """(B,) coordinate of x − c along eigenvector j (ascending order: j = 0 is the most negative)."""
        return np.einsum("bi,bi->b", self._z(X), self.eigenvectors[:, :, j])

    def describe(self):
        return {**super().describe(), "runs": int(self.runs)}


class IsotropicQuadratic(Problem):
    """f(x) = ½λ‖x − c‖² in R^n: n independent copies of the 1-D quadratic ½λz² (λ of any sign).

    With i.i.d. per-coordinate noise (``MinibatchNoise(|λ|·I, B)`` or ``Gaussian(σ)``), one run of
    GD or USAM advances n independent paths of the 1-D process (the coordinates never mix: USAM's
    perturbation ρ∇f acts coordinatewise; not so for normalized SAM), and the recorded value gives
    their mean square: MSD = (1/n)Σ z_i² = 2(f − 0)/(λn) (:meth:`msd`). Along the unstable
    eigenvector of a saddle whose noise covariance is diagonal in the eigenbasis (|H|/B), this is
    exactly the 1-D motion of SGD / USAM there; ``curvature`` λ, ``dim`` n.
    """

    def __init__(self, curvature: float, dim: int, *, name: str | None = None):
        lam = float(curvature)
        if not (np.isfinite(lam) and lam != 0):
            raise ValueError(f"curvature must be finite and nonzero, got {curvature!r}")
        if isinstance(dim, bool) or int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        self.curvature, self.dim = lam, int(dim)
        self.name = name or f"isotropic_quadratic(lam={lam:g}, n={int(dim)})"
        self.L = abs(lam)
        self.mu = lam if lam > 0 else None
        self.x_star = np.zeros(self.dim) if lam > 0 else None
        self.f_star = 0.0 if lam > 0 else None

    def value(self, X):
        X = as_batch(X, self.dim)
        return 0.5 * self.curvature * np.einsum("bi,bi->b", X, X)

    def grad(self, X):
        return self.curvature * np.asarray(X, dtype=float)

    def hess(self, X):
        X = as_batch(X, self.dim)
        return np.broadcast_to(self.curvature * np.eye(self.dim), (X.shape[0], self.dim, self.dim))

    def msd(self, f) -> np.ndarray:
        """Mean square of the coordinates from recorded values f (any shape): 2f/(λn)."""
        return 2.0 * np.asarray(f, dtype=float) / (self.curvature * self.dim)


def minibatch_covariance(H, batch_size=1.0) -> np.ndarray:
    """C = Q|Λ|Qᵀ/B for H = QΛQᵀ: the SDE noise covariance of Kim et al. (C ≈ (1/B)[H]⁺).

    kim_2023.md "Stochastic SAM, SDE model" [secondary]: [H]⁺ is the positive version Q|Λ|Qᵀ (the
    Fisher ≈ Hessian approximation); B → ``batch_size``. Per-step minibatch noise ξ ~ N(0, C) added to
    the gradient then gives the noise η√C·ξ of the SDE with Δt = η. ``H``: (d, d) or (..., d, d).
    """
    H = _arr(H, "H")
    B = _positive(batch_size, "batch_size")
    if H.ndim < 2 or H.shape[-1] != H.shape[-2]:
        raise ValueError(f"H must be square, got shape {H.shape}")
    w, V = np.linalg.eigh(H)
    C = np.einsum("...ik,...k,...jk->...ij", V, np.abs(w), V)
    return C / np.asarray(B, dtype=float)[..., None, None] if B.ndim else C / float(B)


class MinibatchNoise(Noise):
    """Gaussian gradient noise ξ_b ~ N(0, C/B_b) with one batch size B_b per run (model B: σ ∝ 1/√B).

    ``cov``: C (d, d) PSD, the per-sample covariance (e.g. |H|, see :func:`minibatch_covariance`);
    ``batch_size``: a float or a (B,) array (then a run must have exactly B runs). With
    ``same_sample=True`` SAM uses the same ξ at both gradient calls (the engine's paired draw).
    """

    name = "minibatch_gaussian"

    def __init__(self, cov, batch_size):
        c = _arr(cov, "cov")
        if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
            raise ValueError("cov must be a symmetric square matrix")
        w, V = np.linalg.eigh(c)
        if w[0] < -1e-12 * max(1.0, abs(w[-1])):
            raise ValueError("cov must be positive semidefinite")
        self.cov = c
        self.chol = V * np.sqrt(np.clip(w, 0.0, None))
        b = _positive(batch_size, "batch_size")
        if b.ndim > 1:
            raise ValueError("batch_size must be a float or a 1-D array (one per run)")
        self.batch_size = b
        self._scale = 1.0 / np.sqrt(b)[:, None] if b.ndim == 1 else 1.0 / math.sqrt(float(b))

    def check(self, dim):
        if self.chol.shape[0] != dim:
            raise ValueError(f"cov has shape {self.chol.shape} but the problem has dimension {dim}")

    def draw(self, rng, runs, dim):
        if self.batch_size.ndim == 1 and self.batch_size.shape[0] != runs:
            raise ValueError(f"batch_size has {self.batch_size.shape[0]} values but the run has {runs} runs")
        return (rng.standard_normal((runs, dim)) @ self.chol.T) * self._scale

    def describe(self):
        b = self.batch_size
        return {"name": self.name, "cov": self.cov.tolist(), "batch_size": b.tolist() if b.ndim else float(b)}


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


# ----------------------------------------------------------------------------- discrete USAM limits

@functools.cache
def _step_limit_fn():
    _, rho, lam, _, _ = linearization_symbols()
    return _lambdify((rho, lam), linearization_exprs()["usam_step_limit"])


def usam_stability_margin(lr, rho, eigenvalues):
    """max_j |1 − ηλ_j(1 + ρλ_j)|: the USAM map attracts the critical point iff this is < 1.

    kim_2023.md, Theorem 1 generalizations [derived]; multipliers from
    :func:`samlab.theory.usam_multipliers`. ``eigenvalues`` (..., d) on the last axis; η → ``lr``,
    ρ → ``rho`` broadcast against the leading axes.
    """
    eig = _eigs(eigenvalues)
    lr = _positive(lr, "lr")[..., None]
    rho = _nonnegative(rho, "rho")[..., None]
    return _out(np.max(np.abs(1.0 - lr * eig * (1.0 + rho * eig)), axis=-1))


def usam_discrete_step_limit(rho, eigenvalues):
    """η* = min_j 2/(λ_j(1 + ρλ_j)): discrete USAM is attracted to the critical point iff η < η*.

    Valid when every λ_j(1 + ρλ_j) > 0 (Theorem 1's condition ρ|λ_j| > 1 on each negative λ_j);
    otherwise no step size attracts and the result is NaN. For λ₊ = 2, ρ = 1 the positive direction
    gives 1/3 (kim_2023.md Prediction 2 [derived]); for a negative λ_j it reads 2/(|λ_j|(ρ|λ_j| − 1)).
    The per-eigenvalue form is the sympy solution of ηλ(1 + ρλ) = 2
    (``linearization_exprs()["usam_step_limit"]``). ρ → ``rho``, λ_j → ``eigenvalues`` (..., d).
    """
    eig = _eigs(eigenvalues)
    rho = _nonnegative(rho, "rho")[..., None]
    rate = eig * (1.0 + rho * eig)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(rate > 0, _step_limit_fn()(rho, eig), np.inf)
    lim = np.min(per, axis=-1)
    return _out(np.where(np.all(rate > 0, axis=-1), lim, np.nan))


# ----------------------------------------------------------------------------- normalized SAM at a saddle

@functools.cache
def sam_saddle_cycle_exprs():
    """Sympy [derived]: normalized SAM near a saddle with eigenvalues λ₊ > 0 > λ₋ (kim_2023.md).

    On the 2-cycle ±a₊ along the λ₊ eigenvector, a₊ = ηρλ₊/(2 − ηλ₊) (the si_yun_2023.md E1 cycle,
    ``cycle_amplitude_expr``), ‖∇ℓ‖ = λ₊a₊. Substituting G = λ₊a₊ into the normalized-SAM
    multiplier 1 − ηλ(1 + ρλ/G) at λ = λ₋ gives the per-step multiplier of the unstable coordinate

        m₋ = 1 + η|λ₋| − |λ₋|²(2 − ηλ₊)/λ₊²        (ρ cancels),

    e.g. −1 + 2ηλ for |λ₋| = λ₊ = λ (x² − y²: −0.96 at η = 0.01). |m₋| < 1: the saddle orbit
    attracts the unstable coordinate (the trap); |m₋| > 1: it does not. Returns a dict with the
    sympy expressions ``amplitude``, ``grad_norm``, ``multiplier`` of (η, ρ, λ₊, μ) with μ = |λ₋|.
    """
    gamma, rho_c, L, lam_c, _ = cycle_symbols()
    eta, rho, lam, G, _ = linearization_symbols()
    lp = sp.Symbol("lambda_plus", positive=True)
    mu = sp.Symbol("mu", positive=True)  # |λ₋|
    amp = cycle_amplitude_expr().subs({gamma: eta, rho_c: rho, L: lp, lam_c: 1})
    gnorm = sp.simplify(lp * amp)
    mult = linearization_exprs()["sam_multiplier"].subs({lam: -mu, G: gnorm})
    return {"amplitude": sp.simplify(amp), "grad_norm": gnorm, "multiplier": sp.expand(sp.simplify(mult)),
            "symbols": (eta, rho, lp, mu)}


@functools.cache
def _cycle_multiplier_fn():
    ex = sam_saddle_cycle_exprs()
    eta, rho, lp, mu = ex["symbols"]
    if ex["multiplier"].has(rho):  # pragma: no cover - derivation guard
        raise RuntimeError("the saddle-cycle multiplier should not depend on rho")
    return _lambdify((eta, lp, mu), ex["multiplier"])


def sam_saddle_cycle_multiplier(lr, lam_plus, lam_minus):
    """Per-step multiplier of the unstable coordinate on normalized SAM's saddle 2-cycle [derived].

        m₋ = 1 + η|λ₋| − |λ₋|²(2 − ηλ₊)/λ₊²

    (:func:`sam_saddle_cycle_exprs`; kim_2023.md "Normalized SAM"). Independent of ρ. η → ``lr``,
    λ₊ → ``lam_plus`` (> 0, the top eigenvalue, ηλ₊ < 2), λ₋ → ``lam_minus`` (< 0); broadcast.
    """
    lr, lp = _positive(lr, "lr"), _positive(lam_plus, "lam_plus")
    lm = _arr(lam_minus, "lam_minus")
    if np.any(lm >= 0):
        raise ValueError(f"lam_minus must be < 0, got {lam_minus!r}")
    if np.any(lr * lp >= 2):
        raise ValueError("lr·lam_plus must be < 2 (otherwise there is no bounded cycle)")
    shape = np.broadcast_shapes(lr.shape, lp.shape, lm.shape)
    return _out(np.array(np.broadcast_to(_cycle_multiplier_fn()(lr, lp, -lm), shape), dtype=float))


@functools.cache
def _cycle_limit_fn():
    ex = sam_saddle_cycle_exprs()
    eta, _, lp, mu = ex["symbols"]
    roots = sp.solve(sp.Eq(ex["multiplier"], -1), mu)
    return [_lambdify((eta, lp), r) for r in roots]


def sam_saddle_cycle_limit(lr, lam_plus):
    """Largest |λ₋| for which normalized SAM's saddle 2-cycle attracts the unstable coordinate.

    Positive root μ* of m₋(μ) = −1 (:func:`sam_saddle_cycle_exprs`, solved with sympy): for
    |λ₋| < μ* the multiplier lies in (−1, 1) (it equals 1 only at |λ₋| = 0 and decreases); for
    |λ₋| > μ* the orbit repels, whatever ρ. λ₊ = 2, η = 0.01 → 2.0202. η → ``lr``, λ₊ → ``lam_plus``.
    """
    lr, lp = _positive(lr, "lr"), _positive(lam_plus, "lam_plus")
    if np.any(lr * lp >= 2):
        raise ValueError("lr·lam_plus must be < 2")
    with np.errstate(invalid="ignore"):
        vals = np.stack([np.asarray(f(lr, lp), dtype=float) * np.ones(np.broadcast(lr, lp).shape)
                         for f in _cycle_limit_fn()])
    return _out(np.nanmax(np.where(vals > 0, vals, np.nan), axis=0))


# ----------------------------------------------------------------------------- momentum to match SGD

def usam_matching_momentum(rho, lam_minus):
    """γ* = ρ|λ₋|: heavy-ball momentum with which stochastic USAM diffuses like SGD without it.

    Derived (effective step, valid for η|λ|/(1−γ)² ≪ 1): with the same minibatch at both calls USAM
    moves along λ₋ by −η(1 + ρλ₋)(λ₋z + ξ); momentum γ rescales the step to η/(1 − γ), so the update
    equals SGD's −η(λ₋z + ξ) iff (1 + ρλ₋)/(1 − γ) = 1, i.e. γ = −ρλ₋ (requires ρ|λ₋| < 1;
    kim_2023.md Prediction 10 [derived]). ρ → ``rho``, λ₋ → ``lam_minus`` (< 0).
    """
    rho = _nonnegative(rho, "rho")
    lm = _arr(lam_minus, "lam_minus")
    if np.any(lm >= 0):
        raise ValueError(f"lam_minus must be < 0, got {lam_minus!r}")
    g = -rho * lm
    return _out(np.where(g < 1, g, np.nan))


def theorem3_matching_momentum(t, lam, lr, rho, batch_size, *, c2_reading="eta/t"):
    """γ* solving Δ_SAM(ρ, γ) = Δ_SGD(γ = 0) with Theorem 3 as transcribed (scalar arguments).

    Δ_SAM from :func:`samlab.theory.momentum_diffusion_as_transcribed`, Δ_SGD from Theorem 2 at ρ = 0
    (kim_2023.md Prediction 10). Root by scipy.optimize.brentq on γ ∈ [0, 0.999]; NaN when SAM
    already diffuses at least as much at γ = 0 (e.g. ρ = 0). t → ``t``, λ → ``lam``, η → ``lr``,
    ρ → ``rho``, B → ``batch_size``.
    """
    from scipy.optimize import brentq

    target = float(sgd_diffusion_variance(t, lam, lr, batch_size))

    def gap(g):
        return np.log(float(momentum_diffusion_as_transcribed(t, lam, lr, rho, batch_size, g,
                                                              c2_reading=c2_reading))) - np.log(target)

    if gap(0.0) >= 0:
        return float("nan")
    if gap(0.999) <= 0:  # pragma: no cover - not reached for moderate t
        return float("nan")
    return float(brentq(gap, 0.0, 0.999, xtol=1e-12))


# ----------------------------------------------------------------------------- escape from a saddle

class EscapeRegion(Problem):
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
    run goes through :class:`EscapeRegion` (absorbing at the radius), so the times are exact first
    passages of the iterates. Returns (steps (runs,), early (runs,) bool, Result); ``early`` flags
    runs ended because a perturbed point left the slab while x_k had not (their step is then the
    step before the trigger, a lower bound within one step of the trigger).
    """
    from ..engine import run

    if direction is None or center is None:
        if not isinstance(problem, Quadratic):
            raise ValueError("give direction and center for a problem that is not a Quadratic")
        w, V = np.linalg.eigh(problem.H)
        if not w[0] < 0:
            raise ValueError("problem has no negative eigenvalue: nothing to escape from")
        direction = V[:, 0] if direction is None else direction
        center = problem.center if center is None else center
    region = EscapeRegion(problem, direction, radius, center=center)
    start = region.center if x0 is None else np.asarray(x0, dtype=float)
    res = run(region, algorithm, start, steps, runs=runs, noise=noise, seed=seed, checkpoints=[steps],
              name=name)
    ended = res.diverged_at > 0
    by_iterate = np.abs(region.coordinate(res.x)) >= region.radius
    res.meta["escape_radius"] = float(radius)
    return np.where(ended, res.diverged_at - 1, -1), ended & ~by_iterate, res


# ----------------------------------------------------------------------------- Theorem 2/3 model

def model_sde_problem(eigenvalues, rho, batch_size, *, seed=None):
    """Kim et al.'s model SDE dw = −∇ℓ_SAM dt + √(ηC) dW as (Quadratic, MinibatchNoise).

    Along eigen-direction j: dz_j = −λ_j(1 + ρλ_j)² z_j dt + √(η|λ_j|/B) dW_j (Theorem 2's drift: the
    gradient of the SAM objective; kim_2023.md [secondary], :func:`sam_objective_rates`). GD with
    step η (``lr``) on the returned quadratic with the returned noise is its Euler–Maruyama scheme
    with Δt = η: z ← z − η(a z + √(|λ|/B)ξ). Heavy-ball momentum on it models SAM with momentum
    (Theorem 3). ``seed``: random rotation of the eigenbasis (None: diagonal). ρ → ``rho``,
    B → ``batch_size`` (float or (runs,) array).
    """
    eig = _arr(eigenvalues, "eigenvalues").reshape(-1)
    a = np.asarray(sam_objective_rates(rho, eig), dtype=float).reshape(-1)
    if seed is None:
        Q = np.eye(eig.size)
    else:
        Q = random_rotation(eig.size, np.random.default_rng(seed))
    drift = Quadratic((Q * a) @ Q.T, f_star=0.0, name=f"sam_model_sde(rho={float(rho):g})")
    noise = MinibatchNoise((Q * np.abs(eig)) @ Q.T, batch_size)
    return drift, noise


def heavy_ball_model_msd(lam, lr, rho, batch_size, momentum, steps):
    """Exact E z_k² (k = 1 … steps) of heavy-ball momentum on the model SDE along one direction.

        v_k = γ v_{k−1} + (a z_{k−1} + √(|λ|/B) ξ_k),   z_k = z_{k−1} − η v_k,   z_0 = v_0 = 0,

    a = λ(1 + ρλ)² (samlab's / PyTorch's heavy ball; γ = 0 is Euler–Maruyama of Theorem 2's SDE).
    The covariance of s = (z, v) obeys S ← A S Aᵀ + (|λ|/B) b bᵀ with A = [[1 − ηa, −ηγ], [a, γ]],
    b = (−η, 1) [derived]. Scalars λ → ``lam``, η → ``lr``, ρ → ``rho``, B → ``batch_size``,
    γ → ``momentum``; returns (steps,), entry k − 1 at SDE time kη.
    """
    lam = float(_arr(lam, "lam"))
    lr, B = float(_positive(lr, "lr")), float(_positive(batch_size, "batch_size"))
    gm = float(_nonnegative(momentum, "momentum"))
    if gm >= 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    a = float(sam_objective_rates(rho, lam))
    A = np.array([[1.0 - lr * a, -lr * gm], [a, gm]])
    Qn = abs(lam) / B * np.outer([-lr, 1.0], [-lr, 1.0])
    S = np.zeros((2, 2))
    out = np.empty(int(steps))
    for k in range(int(steps)):
        S = A @ S @ A.T + Qn
        out[k] = S[0, 0]
    return out


# ----------------------------------------------------------------------------- Beale

@functools.cache
def beale_saddle():
    """The Beale saddle derived with sympy: point (0, 1), f = 909/64, Hessian [[0, 111/4], [111/4, 0]].

    Returns a dict: ``point`` (2,), ``value`` (14.203125), ``eigenvalues`` (−27.75, 27.75),
    ``eigenvectors`` (columns (1, −1)/√2 and (1, 1)/√2), exact sympy values under ``exact``.
    Checks that ∇f vanishes there exactly (kim_2023.md, "Beale function" [derived]).
    """
    x, y = sp.symbols("x y")
    f = (sp.Rational(3, 2) - x + x * y) ** 2 + (sp.Rational(9, 4) - x + x * y**2) ** 2 \
        + (sp.Rational(21, 8) - x + x * y**3) ** 2
    at = {x: 0, y: 1}
    grad = [sp.simplify(sp.diff(f, v).subs(at)) for v in (x, y)]
    if any(g != 0 for g in grad):  # pragma: no cover - derivation guard
        raise RuntimeError(f"(0, 1) is not a critical point of Beale: {grad}")
    H = sp.hessian(f, (x, y)).subs(at)
    eig = sorted(H.eigenvals(), key=lambda e: float(e))
    w, V = np.linalg.eigh(np.array(H.tolist(), dtype=float))
    return {
        "point": np.array([0.0, 1.0]),
        "value": float(f.subs(at)),
        "eigenvalues": np.array([float(e) for e in eig]),
        "eigenvectors": V,
        "exact": {"value": f.subs(at), "hessian": H, "eigenvalues": eig},
    }


def official_gd_stop(dist_to_min, moves, f, *, max_steps: int = 100_000):
    """Step at which the official Beale GD run stops (Harry24k/sam-saddle [official code]).

    Rules, checked after each step t = 1, 2, …: (a) ‖x_t − (3, 0.5)‖ < 0.15; (b) ‖x_t − (3, 0.5)‖ <
    0.55 and the last 500 moves ‖x_s − x_{s−1}‖ (s = t−499 … t) are all < 1e-5; (c) the relative loss
    change |f_s − f_{s−1}|/|f_{s−1}| < 1e-8 for 80 consecutive steps; (d) t = ``max_steps``.
    ``dist_to_min``, ``f``: (N+1,) per step from x_0; ``moves``: (N,) with moves[t−1] = ‖x_t − x_{t−1}‖
    (for GD: η‖∇f(x_{t−1})‖). Returns (t, rule) with rule in "a", "b", "c", "d", or (None, None)
    if the record ends first. kim_2023.md: at lr 1.25e-5 rule (b) fires at t = 87,683.
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
