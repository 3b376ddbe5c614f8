r"""Si & Yun (2023), "Practical SAM cannot converge all the way to optima": closed forms and bounds.

Practical (normalized, constant-ρ) SAM, η → ``lr``, ρ → ``rho``, β → ``beta`` (smoothness), μ → ``mu``:

    y_t = x_t + ρ g̃_t/‖g̃_t‖,   x_{t+1} = x_t − η ∇f(y_t; ξ_t)

with g̃_t = ∇f(x_t) (deterministic), ∇f(x_t; ξ_t) (m-SAM, same sample) or ∇f(x_t; ξ̃_t) (n-SAM,
independent sample). The paper's claims (abstract and introduction) are a tight Θ̃(1/T²) rate for
deterministic SAM on smooth strongly convex functions and an unavoidable additive O(ρ²) term for
stochastic SAM in every setting and for deterministic SAM on nonconvex functions [paper]. Its theorem
statements, constants and lower-bound examples are not available to samlab, so every formula here is
[derived] for samlab: upper bounds derived from smoothness alone, and four constructions whose limits
are exact,

* E1: f = ½xᵀdiag(μ, β)x, deterministic SAM (the constant-η 2-cycle; the 1/T² rate with T-dependent η);
* E2: f = ½Σ_{i=1,2} (a_i/2)(x − c_i)², a = (1, 3), c = (−1, 1), m-SAM with one-sample sampling;
* E3: f = x²/2 with the oracle x + ξ, ξ = 2 w.p. 1/3 and −1 w.p. 2/3, n-SAM;
* E4: the ρ-scaled cosine f = −(βP²/(4π²))cos(2πx/P), P = 4ρ/3, deterministic SAM.

Derivations are done with sympy where they are derivations (cached on first use) and evaluated with
NumPy. The instances themselves are built in :mod:`samlab.setups.si_yun_2023`.

Contents
--------
* E1 (deterministic, strongly convex): the anytime step η_t = 2/(μ(t + 2β/μ)), the log-tuned constant
  step min(1/β, 2 ln T/(μT)); the 2-cycle plateau itself is :func:`samlab.theory.cycle_plateau`.
* Upper bounds: deterministic strongly convex / convex / nonconvex, stochastic strongly convex
  (a per-step recursion, in closed form for a constant step) and nonconvex, for n-SAM and m-SAM.
* E2/E3 (stochastic): the biased limit x̄ of m-SAM/n-SAM on least-squares finite sums and of
  n-SAM/m-SAM on quadratics with additive noise, the linear transient of E x_t towards x̄, and the
  stationary mean and variance of n-SAM and m-SAM with a constant step on 1-D additive noise (equal
  means, different variances).
* E4 (nonconvex): the stall gradient 2βρ/(3π) of the ρ-scaled cosine.
* φ(s) = s⁴/(1 + s²), the profile of the flat-bottomed convex sums (:class:`samlab.problems.FlatConvex`).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import sympy as sp

from ..linalg import row_norms
from ..noise import Discrete, Gaussian, Noise
from ..schedules import Schedule, inverse_power
from ._common import _arr, _nonnegative, _out, _positive

__all__ = [
    "si_yun_symbols",
    "stall_exprs",
    "two_component_bias_expr",
    "sc_floor_exprs",
    "flat_phi_exprs",
    "anytime_lr",
    "log_tuned_lr",
    "bound_tuned_lr",
    "det_sc_floor",
    "det_sc_bound",
    "det_convex_bound",
    "det_nonconvex_bound",
    "stoch_sc_bound",
    "stoch_nonconvex_bound",
    "noise_second_moment",
    "stall_grad_norm",
    "stall_mean_sq_grad",
    "finite_sum_limit",
    "noise_limit",
    "linear_transient",
    "sgd_stationary_gap",
    "two_component_bias",
    "stoch_sc_bound_constant",
    "additive_noise_stationary",
]


# ----------------------------------------------------------------------------- sympy derivations

@functools.cache
def si_yun_symbols():
    """Sympy symbols (η, ρ, β, μ, x) = (lr, rho, beta, mu, iterate)."""
    eta, rho, beta, mu = sp.symbols("eta rho beta mu", positive=True)
    x = sp.Symbol("x", real=True)
    return eta, rho, beta, mu, x


@functools.cache
def stall_exprs():
    """Sympy facts of E4, f(x) = −(βP²/(4π²))cos(2πx/P) with P = 4ρ/3 [derived].

    Returns a dict (by the symmetry x → −x, x̂ = m + ρ with f' < 0 is a stall point too):
    ``grad_at_stall`` = f'(x̂) at x̂ = −ρ (minimum m = 0) → 2βρ/(3π);
    ``grad_at_probe`` = f'(x̂ + ρ) → 0 (the probe lands on the minimum, so the SAM step is 0);
    ``multiplier`` = d/dx of the SAM map x − η f'(x + ρ) at x̂ → 1 − ηβ (attracting for 0 < ηβ < 2);
    ``mean_sq_grad`` = f'(x̂)² → 4β²ρ²/(9π²); ``lipschitz`` = max |f'| → 2βρ/(3π).
    """
    eta, rho, beta, _, x = si_yun_symbols()
    P = sp.Rational(4, 3) * rho
    f = -(beta * P**2 / (4 * sp.pi**2)) * sp.cos(2 * sp.pi * x / P)
    fp = sp.diff(f, x)
    xhat = -rho
    grad = sp.simplify(fp.subs(x, xhat))
    probe = sp.simplify(fp.subs(x, xhat + rho))
    mult = sp.simplify(sp.diff(x - eta * fp.subs(x, x + rho), x).subs(x, xhat))
    lip = sp.simplify(beta * P / (2 * sp.pi))
    return {"f": f, "grad": fp, "grad_at_stall": grad, "grad_at_probe": probe, "multiplier": mult,
            "mean_sq_grad": sp.simplify(grad**2), "lipschitz": lip}


@functools.cache
def two_component_bias_expr():
    """Sympy: m-SAM's limit on f = ½Σ_i (a_i/2)(x − c_i)², c₁ < x̄ < c₂ [derived].

    The mean field ½Σ_i a_i(x − c_i + ρ·sign(x − c_i)) with signs (+, −) vanishes at
    x̄ = x* + ρ(a₂ − a₁)/(a₁ + a₂), x* = (a₁c₁ + a₂c₂)/(a₁ + a₂). Returns (x̄, x*, gap f(x̄) − f*).
    """
    _, rho, _, _, x = si_yun_symbols()
    a1, a2 = sp.symbols("a1 a2", positive=True)
    c1, c2 = sp.symbols("c1 c2", real=True)
    field = (a1 * (x - c1 + rho) + a2 * (x - c2 - rho)) / 2
    (xbar,) = sp.solve(sp.Eq(field, 0), x)
    xstar = (a1 * c1 + a2 * c2) / (a1 + a2)
    f = (a1 * (x - c1) ** 2 / 2 + a2 * (x - c2) ** 2 / 2) / 2
    gap = sp.factor(sp.simplify(f.subs(x, xbar) - f.subs(x, xstar)))
    return sp.simplify(xbar), sp.simplify(xstar), gap


@functools.cache
def sc_floor_exprs():
    """Sympy: the level B of the deterministic strongly convex bound [derived].

    With g = ∇f(x), d = ∇f(y) − g, ‖d‖ ≤ βρ and (convexity) ⟨g, d⟩ ≥ ‖g‖‖d‖²/(βρ), the descent lemma's
    d-terms are ‖d‖²(βη²/2 − η(1 − βη)‖g‖/(βρ)) ≤ 0 once ‖g‖ ≥ G₀. Below G₀, f − f* ≤ G₀²/(2μ) and one
    step adds at most β³η²ρ²/2. Returns (G₀, B) with B = G₀²/(2μ) + β³η²ρ²/2
    = β⁴η²ρ²/(8μ(1 − βη)²) + β³η²ρ²/2.
    """
    eta, rho, beta, mu, _ = si_yun_symbols()
    G = sp.Symbol("G", positive=True)
    (G0,) = sp.solve(sp.Eq(beta * eta**2 / 2 - eta * (1 - beta * eta) * G / (beta * rho), 0), G)
    B = sp.simplify(G0**2 / (2 * mu) + beta**3 * eta**2 * rho**2 / 2)
    return sp.simplify(G0), B


@functools.cache
def flat_phi_exprs():
    """Sympy: φ(s) = s⁴/(1 + s²), its derivatives and smoothness max φ'' = 5/2 (at s² = 1).

    φ is convex (φ'' = 2 + (6s² − 2)/(1 + s²)³ ∈ [0, 5/2]) with φ''(0) = 0: convex, 5/2-smooth, not
    strongly convex at its minimum (f − f* ~ s⁴). Returns (φ, φ', φ'', max φ''); max φ'' is the constant
    ``samlab.problems.flat_convex.PHI_SMOOTHNESS``.
    """
    s = sp.Symbol("s", real=True)
    phi = s**4 / (1 + s**2)
    d1 = sp.simplify(sp.diff(phi, s))
    d2 = sp.simplify(sp.diff(phi, s, 2))
    u = sp.Symbol("u", nonnegative=True)
    d2u = sp.simplify(d2.subs(s, sp.sqrt(u)))
    crit = [c for c in sp.solve(sp.diff(d2u, u), u) if c.is_real and c >= 0]
    cands = [d2u.subs(u, c) for c in crit] + [d2u.subs(u, 0), sp.limit(d2u, u, sp.oo)]
    return phi, d1, d2, sp.nsimplify(max(cands))


# ----------------------------------------------------------------------------- step sizes (E1)

def anytime_lr(mu: float, beta: float) -> Schedule:
    """E1's decaying step η_t = 2/(μ(t + 2β/μ)), t = 0, 1, … (η₀ = 1/β), as a samlab schedule.

    samlab steps are 1-based (step k uses t = k − 1), so this is inverse_power(2/μ, 1, t0 = 2β/μ − 1).
    With it, f(x_T) − f* of deterministic SAM on a μ-strongly convex quadratic decays like T^{-2}
    [derived]. μ → ``mu``, β → ``beta``.
    """
    mu, beta = float(_positive(mu, "mu")), float(_positive(beta, "beta"))
    if mu > beta:
        raise ValueError(f"mu must be <= beta, got mu={mu!r}, beta={beta!r}")
    return inverse_power(2.0 / mu, 1.0, t0=2.0 * beta / mu - 1.0)


def log_tuned_lr(T, mu, beta):
    """E1's T-dependent constant step η(T) = min(1/β, 2 ln T/(μT)) [derived].

    With it f(x_T) − f* decays like ln²T/T² (the log factor flattens the log-log slope by ≈ 2/ln T).

    T → ``T`` (horizon, ≥ 2), μ → ``mu``, β → ``beta``. Broadcasts.
    """
    T = _arr(T, "T")
    if np.any(T < 2):
        raise ValueError(f"T must be >= 2, got {T!r}")
    mu, beta = _positive(mu, "mu"), _positive(beta, "beta")
    return _out(np.minimum(1.0 / beta, 2.0 * np.log(T) / (mu * T)))


def bound_tuned_lr(T, mu, beta, rho, delta):
    """Step balancing the deterministic strongly convex bound: min{1/(2β), ln(μ³T²Δ/(β⁴ρ²))/(μT)}.

    Plugged into :func:`det_sc_bound` it gives Õ(Δe^{−μT/(2β)} + β⁴ρ²/(μ³T²)) [derived], the shape of the
    paper's Θ̃(1/T²) upper bound. Δ → ``delta`` = f(x₀) − f*. The log is clipped at 1.
    """
    T = _positive(T, "T")
    mu, beta, rho, delta = (_positive(v, n) for v, n in ((mu, "mu"), (beta, "beta"), (rho, "rho"), (delta, "delta")))
    log_term = np.maximum(np.log(mu**3 * T**2 * delta / (beta**4 * rho**2)), 1.0)
    return _out(np.minimum(0.5 / beta, log_term / (mu * T)))


# ----------------------------------------------------------------------------- upper bounds

def _check_lr(lr, beta, limit, strict, what):
    lr, beta = _positive(lr, "lr"), _positive(beta, "beta")
    bad = lr * beta >= limit if strict else lr * beta > limit
    if np.any(bad):
        rel = "<" if strict else "<="
        raise ValueError(f"lr must satisfy lr*beta {rel} {limit:g} for the {what} bound, got lr*beta = "
                         f"{np.max(lr * beta)!r}")
    return lr, beta


def det_sc_floor(lr, rho, beta, mu):
    """B = β⁴η²ρ²/(8μ(1 − βη)²) + β³η²ρ²/2, the level deterministic SAM cannot be pushed out of.

    From :func:`sc_floor_exprs` (sympy). Needs ηβ < 1. On quadratics the true plateau is
    (β/2)(ηβρ/(2 − ηβ))² ≈ β³η²ρ²/8, so B is loose by about a factor β/μ [derived].
    """
    lr, beta = _check_lr(lr, beta, 1.0, True, "strongly convex")
    rho, mu = _nonnegative(rho, "rho"), _positive(mu, "mu")
    return _out(beta**4 * lr**2 * rho**2 / (8.0 * mu * (1.0 - beta * lr) ** 2) + beta**3 * lr**2 * rho**2 / 2.0)


def det_sc_bound(t, lr, rho, beta, mu, delta):
    """Deterministic SAM, β-smooth μ-strongly convex f, constant η with ηβ < 1 [derived]:

        f(x_t) − f* ≤ (1 − μη)^t Δ + B,   B = :func:`det_sc_floor`,  Δ = f(x₀) − f*

    (induction over the two cases ‖∇f‖ ≥ G₀ — a
    (1 − μη) contraction — and ‖∇f‖ < G₀ — then f − f* ≤ B after the step). t → ``t`` (≥ 0).
    """
    t = _nonnegative(t, "t")
    B = np.asarray(det_sc_floor(lr, rho, beta, mu))
    lr, mu, delta = _positive(lr, "lr"), _positive(mu, "mu"), _nonnegative(delta, "delta")
    return _out((1.0 - mu * lr) ** t * delta + B)


def det_convex_bound(t, lr, rho, beta, delta):
    """Deterministic SAM, β-smooth convex f, constant η ≤ 1/β [derived]:

        (1/T) Σ_{t<T} ‖∇f(x_t)‖² ≤ 2Δ/(ηT) + β³ηρ²

    Co-coercivity gives ⟨∇f(x), ∇f(y) − ∇f(x)⟩ ≥ 0, hence f(x_{t+1}) ≤ f(x_t) − (η/2)‖∇f(x_t)‖² +
    β³η²ρ²/2. The ρ² term is O(η): no floor once η → 0. t → ``t`` = T ≥ 1.
    """
    t = _positive(t, "t")
    lr, beta = _check_lr(lr, beta, 1.0, False, "convex")
    rho, delta = _nonnegative(rho, "rho"), _nonnegative(delta, "delta")
    return _out(2.0 * delta / (lr * t) + beta**3 * lr * rho**2)


def det_nonconvex_bound(t, lr, rho, beta, delta):
    """Deterministic SAM, β-smooth f (no convexity), constant η ≤ 1/(4β) [derived]:

        (1/T) Σ_{t<T} ‖∇f(x_t)‖² ≤ 4Δ/(ηT) + 3β²ρ²,   Δ = f(x₀) − inf f

    (from f(x_{t+1}) ≤ f(x_t) − (η/4)‖∇f(x_t)‖² + (3/4)ηβ²ρ², summed over t). The ρ² term does
    not shrink with η. A lower bound on inf f in Δ keeps the bound valid. t → ``t`` = T ≥ 1.
    """
    return stoch_nonconvex_bound(t, lr, rho, beta, 0.0, delta, "n")


def _kappa(variant: str) -> float:
    if variant not in ("n", "m"):
        raise ValueError(f"variant must be 'n' (n-SAM) or 'm' (m-SAM), got {variant!r}")
    return 0.5 if variant == "n" else 1.0


def stoch_sc_bound(lrs, rho, beta, mu, sigma2, delta, variant="n"):
    """E f(x_t) − f* ≤ e_t for stochastic SAM on a β-smooth μ-strongly convex (or μ-PL) f [derived]:

        e_0 = Δ,   e_k = (1 − μη_k/2) e_{k−1} + (3/4)η_kβ²ρ² + κβη_k²σ²,   η_k ≤ 1/(4β)

    κ = 1/2 for n-SAM (the descent sample is independent of y) and κ = 1 for m-SAM (‖∇f_ξ(y_ξ)‖² ≤
    2‖∇f_ξ(x)‖² + 2β²ρ², needs every component β-smooth); σ² ≥ E‖∇f(x; ξ) − ∇f(x)‖². The limit is
    (3/2)β²ρ²/μ + 2κβησ²/μ for constant η: the ρ² part does not vanish (the paper's "inevitable" O(ρ²)
    term [paper]). ``lrs``: η_1 … η_T (array); returns e_0 … e_T, shape (T + 1,). σ² → ``sigma2``,
    Δ → ``delta``. For m-SAM the extra 2β²ρ² of ‖∇f_ξ(y_ξ)‖² doubles the σ² term (κ = 1).
    """
    lrs = _positive(lrs, "lrs").reshape(-1)
    _check_lr(lrs, beta, 0.25, False, "stochastic")
    beta, mu = float(_positive(beta, "beta")), float(_positive(mu, "mu"))
    rho, sigma2, delta = (float(_nonnegative(v, n)) for v, n in ((rho, "rho"), (sigma2, "sigma2"), (delta, "delta")))
    k = _kappa(variant)
    a = 1.0 - 0.5 * mu * lrs
    b = 0.75 * lrs * beta**2 * rho**2 + k * beta * lrs**2 * sigma2
    out = np.empty(lrs.size + 1)
    out[0] = delta
    e = delta
    for i in range(lrs.size):  # a scalar recursion over the steps
        e = a[i] * e + b[i]
        out[i + 1] = e
    return out


def stoch_nonconvex_bound(t, lr, rho, beta, sigma2, delta, variant="n"):
    """(1/T) Σ_{t<T} E‖∇f(x_t)‖² ≤ 4Δ/(ηT) + 3β²ρ² + 4κβησ² for stochastic SAM, η ≤ 1/(4β) [derived].

    κ = 1/2 (n-SAM: 2βησ²) or 1 (m-SAM: 4βησ², components β-smooth). σ² = 0
    gives the deterministic bound. t → ``t`` = T ≥ 1, Δ → ``delta`` = f(x₀) − inf f (or an upper bound).
    """
    t = _positive(t, "t")
    lr, beta = _check_lr(lr, beta, 0.25, False, "nonconvex")
    rho, sigma2, delta = (_nonnegative(v, n) for v, n in ((rho, "rho"), (sigma2, "sigma2"), (delta, "delta")))
    k = _kappa(variant)
    return _out(4.0 * delta / (lr * t) + 3.0 * beta**2 * rho**2 + 4.0 * k * beta * lr * sigma2)


def stoch_sc_bound_constant(t, lr, rho, beta, mu, sigma2, delta, variant="n"):
    """:func:`stoch_sc_bound` for a constant step η, in closed form and broadcasting over every argument:

        e_t = a^t Δ + b(1 − a^t)/(1 − a),   a = 1 − μη/2,   b = (3/4)ηβ²ρ² + κβη²σ²

    (the recursion e_k = a e_{k−1} + b summed) [derived]; η ≤ 1/(4β). Used by the worst-case searches,
    where every candidate has its own (η, ρ). t → ``t`` (≥ 0), the rest as in :func:`stoch_sc_bound`.
    """
    t = _nonnegative(t, "t")
    lr, beta = _check_lr(lr, beta, 0.25, False, "stochastic")
    mu = _positive(mu, "mu")
    rho, sigma2, delta = (_nonnegative(v, n) for v, n in ((rho, "rho"), (sigma2, "sigma2"), (delta, "delta")))
    k = _kappa(variant)
    a = 1.0 - 0.5 * mu * lr
    b = 0.75 * lr * beta**2 * rho**2 + k * beta * lr**2 * sigma2
    at = a**t
    return _out(at * delta + b * (1.0 - at) / (1.0 - a))


def additive_noise_stationary(lr, rho, values, probs, variant, a=1.0):
    """Stationary mean and variance of SAM with constant η on (a/2)x² with the oracle ax + ξ (1-D).

    ξ is a zero-mean discrete law (``values``, ``probs``), E3's is ξ ∈ {2, −1} w.p. (1/3, 2/3). While
    |a·x_t| < min|ξ| the ascent sign is sign(a x_t + ξ) = sign ξ, so the step is linear [derived]:

        x_{t+1} = (1 − ηa) x_t − η(ξ_t + aρ s_t),   s_t = sign ξ_t (m-SAM, same sample) or sign ξ̃_t (n-SAM)

    an AR(1) with i.i.d. innovations ζ = ξ + aρs. With m = E[sign ξ], σ² = E ξ²:

        E x = −ρ m,   Var x = ηV/(a(2 − ηa)),   V_n = σ² + a²ρ²(1 − m²),   V_m = V_n + 2aρ E|ξ|

    (Cov(ξ, sign ξ) = E|ξ| because E ξ = 0). The two variants share the mean (E3: x̄ = ρ/3) but m-SAM's
    shared sample makes its step noisier by 2aρE|ξ|: on E3 at ρ = 0.4 the variance ratio m/n is 1.50.
    η → ``lr`` (0 < ηa < 2), ρ → ``rho``, a → ``a``, variant "n" or "m". Returns (mean, variance).
    """
    lr, rho, a = _positive(lr, "lr"), _nonnegative(rho, "rho"), _positive(a, "a")
    if np.any(lr * a >= 2):
        raise ValueError(f"lr must satisfy lr*a < 2 (a stable step), got lr*a = {np.max(lr * a)!r}")
    v = _arr(values, "values").reshape(-1)
    p = _nonnegative(probs, "probs").reshape(-1)
    if v.shape != p.shape or not math.isclose(float(p.sum()), 1.0, rel_tol=0, abs_tol=1e-12):
        raise ValueError("values and probs must have the same length and probs must sum to 1")
    if abs(float(p @ v)) > 1e-12 * max(1.0, float(np.max(np.abs(v)))) or np.any(v == 0):
        raise ValueError("the noise must have mean 0 and no zero value (its sign must be defined)")
    k = _kappa(variant)
    m = float(p @ np.sign(v))
    sigma2 = float(p @ (v * v))
    V = sigma2 + a**2 * rho**2 * (1.0 - m**2) + (2.0 * a * rho * float(p @ np.abs(v)) if k == 1.0 else 0.0)
    return _out(-rho * m * np.ones_like(V)), _out(lr * V / (a * (2.0 - lr * a)))


def noise_second_moment(noise: Noise, dim: int) -> float:
    """σ² = E‖ξ‖² of an additive noise law of samlab.noise in dimension ``dim`` (exact)."""
    dim = int(dim)
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim!r}")
    if isinstance(noise, Gaussian):
        if noise.chol is not None:
            return float(np.trace(noise.cov))
        s = np.broadcast_to(np.asarray(noise.sigma, dtype=float), (dim,))
        return float(np.sum(s * s))
    if isinstance(noise, Discrete):
        v, p = noise.values, noise.probs
        if v.ndim == 1:
            return float(dim * (p @ (v * v)))
        return float(p @ np.einsum("md,md->m", v, v))
    raise ValueError(f"noise must be a samlab Gaussian or Discrete law, got {type(noise).__name__}")


# ----------------------------------------------------------------------------- E4: the stall

@functools.cache
def _stall_fns():
    eta, rho, beta, _, _ = si_yun_symbols()
    e = stall_exprs()
    return (sp.lambdify((rho, beta), sp.Abs(e["grad_at_stall"]), "numpy"),
            sp.lambdify((rho, beta), e["mean_sq_grad"], "numpy"))


def stall_grad_norm(rho, beta=1.0):
    """|f'(x̂)| = 2βρ/(3π): where SAM with radius ρ stalls on E4's ρ-scaled cosine (sympy, :func:`stall_exprs`)."""
    rho, beta = _positive(rho, "rho"), _positive(beta, "beta")
    return _out(_stall_fns()[0](rho, beta))


def stall_mean_sq_grad(rho, beta=1.0):
    """(1/T)Σ‖∇f(x_t)‖² → 4β²ρ²/(9π²) ≈ 0.045β²ρ² once every run sits at its stall point (E4)."""
    rho, beta = _positive(rho, "rho"), _positive(beta, "beta")
    return _out(_stall_fns()[1](rho, beta) * np.ones_like(rho * beta))


# ----------------------------------------------------------------------------- E2/E3: biased limits

@functools.cache
def _two_component_fn():
    _, rho, _, _, _ = si_yun_symbols()
    xbar, xstar, gap = two_component_bias_expr()
    a1p, a2p = sp.symbols("a1 a2", positive=True)
    c1r, c2r = sp.symbols("c1 c2", real=True)
    args = (a1p, a2p, c1r, c2r, rho)
    return sp.lambdify(args, xbar, "numpy"), sp.lambdify(args, gap, "numpy")


def two_component_bias(a, c, rho):
    """(x̄, gap) of m-SAM on f = ½Σ_{i=1,2} (a_i/2)(x − c_i)² (E2 in closed form, c₁ < x̄ < c₂).

    a → ``a`` (a₁, a₂) > 0, c → ``c`` (c₁ < c₂), ρ → ``rho``. E2's a = (1, 3), c = (−1, 1): x̄ = ½ + ρ/2,
    gap ρ²/4. Valid while x̄ stays in (c₁, c₂), where the sign pattern at x̄ is the one used; NaN otherwise.
    """
    a = _positive(a, "a").reshape(-1)
    c = _arr(c, "c").reshape(-1)
    if a.size != 2 or c.size != 2 or not c[0] < c[1]:
        raise ValueError("a and c must hold two values each, with c[0] < c[1]")
    rho = _nonnegative(rho, "rho")
    xbar_fn, gap_fn = _two_component_fn()
    xbar = np.asarray(xbar_fn(a[0], a[1], c[0], c[1], rho), dtype=float)
    gap = np.asarray(gap_fn(a[0], a[1], c[0], c[1], rho), dtype=float) * np.ones_like(xbar)
    ok = (xbar > c[0]) & (xbar < c[1])
    return _out(np.where(ok, xbar, np.nan)), _out(np.where(ok, gap, np.nan))


def finite_sum_limit(problem, rho, variant="m", *, max_iter=None):
    """Limit point x̄ of stochastic SAM with one-sample uniform sampling on a least-squares finite sum.

    f = (1/n)Σ_i ½(a_iᵀx − b_i)² (``problem``: samlab LeastSquares, reg = 0, nonsingular Hessian H).
    With s_i = sign(a_iᵀx − b_i) the normalized component gradient is s_i a_i/‖a_i‖, so the mean fields
    are [derived]

        m-SAM:  ∇f(x) + (ρ/n) Σ_i ‖a_i‖ s_i a_i      (E_i ∇f_i(x + ρ s_i a_i/‖a_i‖))
        n-SAM:  ∇f(x) + ρ H (1/n) Σ_j s_j a_j/‖a_j‖   (E_j ∇f(x + ρ s_j a_j/‖a_j‖))

    piecewise linear in x. The root is found on its sign pattern: x̄ = x* − ρH⁻¹v(s), iterating
    s ← sign(Ax̄ − b) until it is consistent (the formulas hold while the pattern at x̄ is the one
    used). Returns (x̄ of shape (d,), H_eff = H, the mean field's Jacobian at x̄). Raises
    ValueError if no consistent pattern is found (the limit then sits on a kink).
    """
    from ..problems.finite_sums import LeastSquares

    if not isinstance(problem, LeastSquares) or problem.reg != 0:
        raise ValueError("problem must be a samlab LeastSquares with reg = 0")
    if not problem.mu > 1e-12 * problem.L:
        raise ValueError("problem must have a nonsingular Hessian (mu > 0)")
    rho = float(_nonnegative(rho, "rho"))
    _kappa(variant)
    A, b, n = problem.A, problem.b, problem.n
    norms = np.sqrt(problem.row_norms2)
    H = problem.hessian_matrix
    xs = problem.x_star
    if rho == 0:
        return xs.copy(), H.copy()
    s = np.sign(A @ xs - b)
    seen = set()
    for _ in range(max_iter or 4 * n + 4):
        if variant == "m":
            v = (norms * s) @ A / n
            xbar = xs - rho * np.linalg.solve(H, v)
        else:
            xbar = xs - rho * ((s / norms) @ A) / n
        s_new = np.sign(A @ xbar - b)
        if np.array_equal(s_new, s) and np.all(s_new != 0):
            return xbar, H.copy()
        key = tuple(s_new.astype(int))
        if key in seen:
            break
        seen.add(key)
        s = s_new
    raise ValueError("no consistent sign pattern: the limit sits on a kink of the mean field (rho too large?)")


def _noise_outcomes(noise: Noise, dim: int):
    """(probabilities (m,), values (m, d)) of a Discrete law (coordinates independent for 1-D values)."""
    v, p = noise.values, noise.probs
    if v.ndim == 2:
        return p, v
    combos = list(itertools.product(range(v.size), repeat=dim))
    vals = np.array([[v[j] for j in c] for c in combos], dtype=float)
    probs = np.array([np.prod([p[j] for j in c]) for c in combos], dtype=float)
    return probs, vals


def noise_limit(problem, noise: Noise, rho):
    """Limit point x̄ of n-SAM (and m-SAM) on a quadratic f = ½(x − x*)ᵀH(x − x*) with additive noise.

    Oracle ∇f(x) + ξ (``noise``: samlab Discrete or Gaussian). With w = H(x − x*) + ξ the mean field is
    H(x − x*) + ρH·m(x), m(x) = E[w/‖w‖], for both variants (the descent noise has mean 0) [derived]. x̄ solves x − x* + ρm(x) = 0. In 1-D with |a(x̄ − x*)| < min|ξ| this is
    x̄ = x* − ρE[sign ξ] (independent of a). A Gaussian law is symmetric, so m(x*) = 0 and x̄ = x*.
    Returns (x̄ (d,), J), J = H + ρH·E[(I − uuᵀ)/‖w‖]·H the Jacobian of the mean field at x̄ (u = w/‖w‖).
    """
    from scipy import optimize

    from ..problems.quadratic import Quadratic

    if not isinstance(problem, Quadratic) or problem.x_star is None or not problem.mu > 0:
        raise ValueError("problem must be a positive definite samlab Quadratic")
    rho = float(_nonnegative(rho, "rho"))
    H, xs, d = problem.H, problem.x_star, problem.dim
    if isinstance(noise, Gaussian) or rho == 0:
        if not isinstance(noise, (Gaussian, Discrete)):
            raise ValueError("noise must be a samlab Gaussian or Discrete law")
        return xs.copy(), H.copy()  # symmetric law: E[ξ/‖ξ‖] = 0, so x* is the root
    if not isinstance(noise, Discrete):
        raise ValueError("noise must be a samlab Gaussian or Discrete law")
    noise.check(d)
    probs, vals = _noise_outcomes(noise, d)

    def m_and_jac(x):
        w = (H @ (x - xs))[None, :] + vals
        nw = row_norms(w)
        if np.any(nw == 0):
            raise ValueError("the mean field is not differentiable at the limit (a noise value cancels the gradient)")
        u = w / nw[:, None]
        m = probs @ u
        M = np.einsum("m,mij->ij", probs / nw, np.eye(d)[None] - u[:, :, None] * u[:, None, :])
        return m, M

    # fixed-point iteration x ← x* − ρ m(x) (a contraction when ρ‖Dm‖ < 1; exact after a few steps in
    # 1-D, where m is piecewise constant), then scipy's root finder with the exact Jacobian if needed
    x = xs.copy()
    for _ in range(2000):
        x_new = xs - rho * m_and_jac(x)[0]
        done = np.abs(x_new - x).max() <= 1e-16 * (1.0 + np.abs(xs).max())
        x = x_new
        if done:
            break
    if np.abs(x - xs + rho * m_and_jac(x)[0]).max() > 1e-13 * (1.0 + rho):
        sol = optimize.root(lambda z: z - xs + rho * m_and_jac(z)[0], x,
                            jac=lambda z: np.eye(d) + rho * m_and_jac(z)[1] @ H, tol=1e-13)
        x = sol.x
    m, M = m_and_jac(x)
    if np.abs(x - xs + rho * m).max() > 1e-10 * (1 + rho):
        raise ValueError("the limit point equation is not satisfied (kink at the limit?)")
    J = H + rho * H @ M @ H
    return x, 0.5 * (J + J.T)


def linear_transient(J, lrs, delta0):
    """Π_k (I − η_k J) δ₀: E x_T − x̄ when the mean field is J(x − x̄) near x̄ (J symmetric).

    For E2/E3 the mean field is exactly linear on the sign pattern of x̄, so E x_T = x̄ + this term
    (the deterministic transient the stochastic runs still carry at T). ``lrs``: η_1 … η_T.
    """
    J = _arr(J, "J")
    J = np.atleast_2d(J)
    lrs = _positive(lrs, "lrs").reshape(-1)
    delta0 = _arr(delta0, "delta0").reshape(-1)
    w, V = np.linalg.eigh(0.5 * (J + J.T))
    fac = 1.0 - lrs[:, None] * w[None, :]
    sign = np.prod(np.sign(fac), axis=0)
    with np.errstate(divide="ignore"):
        logmag = np.sum(np.log(np.abs(fac)), axis=0)
    mult = sign * np.exp(logmag)
    return V @ (mult * (V.T @ delta0))


def sgd_stationary_gap(a, c, probs, lr):
    """Stationary E f(x) − f* of constant-step SGD on a 1-D sum f = Σ_i p_i (a_i/2)(x − c_i)² [derived].

    Component i is drawn with probability p_i (``probs``), curvature a_i (``a``), centre c_i (``c``);
    η → ``lr``. With z = x − x*: z⁺ = (1 − ηa_i)z + ηa_i(c_i − x*), E z → 0 and

        E z² = η E[a_i²(c_i − x*)²] / (2ā − η E[a_i²]),   E f − f* = (ā/2) E z²,   ā = Σ p_i a_i

    (additive noise ξ on (a/2)x² is the case a_i = a, c_i = −ξ_i/a). The value is ∝ η for small η: the
    SGD part of the stochastic gap shrinks with the step, unlike SAM's ρ² floor.
    Needs 2ā > η E[a_i²]; NaN otherwise. Broadcasts over ``lr``.
    """
    a = _positive(a, "a").reshape(-1)
    c = _arr(c, "c").reshape(-1)
    p = _nonnegative(probs, "probs").reshape(-1)
    if not (a.shape == c.shape == p.shape) or not math.isclose(float(p.sum()), 1.0, rel_tol=0, abs_tol=1e-12):
        raise ValueError("a, c and probs must have the same length and probs must sum to 1")
    lr = _positive(lr, "lr")
    abar = float(p @ a)
    xs = float(p @ (a * c)) / abar
    num = lr * float(p @ (a * a * (c - xs) ** 2))
    den = 2.0 * abar - lr * float(p @ (a * a))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, 0.5 * abar * num / den, np.nan)
    return _out(out)


def _self_check() -> None:  # pragma: no cover - documentation of the derivations
    e = stall_exprs()
    eta, rho, beta, _, _ = si_yun_symbols()
    assert sp.simplify(e["grad_at_stall"] - 2 * beta * rho / (3 * sp.pi)) == 0
    assert sp.simplify(e["grad_at_probe"]) == 0
    assert sp.simplify(e["multiplier"] - (1 - eta * beta)) == 0
    assert math.isclose(float(flat_phi_exprs()[3]), 2.5)
