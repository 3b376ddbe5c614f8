"""Diffusion of SAM near a saddle: Kim et al. 2023, Theorem 2, Corollary 1 and Theorem 3.

Model (Kim et al. 2023, the stochastic SAM SDE of Theorem 2, with noise covariance C ≈ (1/B)[H]⁺;
the theorem's statement is known from a secondary summary and not checked against the paper's
text): along an eigen-direction of the Hessian with eigenvalue λ (``lam``), started at the critical
point,

    dz = −a z dt + √q dW,    a = λ(1 + ρλ)²  (gradient of the SAM objective),  q = η|λ|/B,

with η → ``lr``, ρ → ``rho``, B → ``batch_size``; SDE time t = steps·η. Its variance σ²(t) solves
dσ²/dt = −2aσ² + q, σ²(0) = 0. Closed forms are derived with sympy at first use (cached) and
evaluated by lambdified, vectorized functions (all arguments broadcast like NumPy arrays).
This is a model of SAM's diffusion, not the discrete SAM update: its drift includes the Jacobian
(I + ρH) of the SAM objective, the discrete update's does not. A Monte Carlo simulation of the model
lives with the paper's other protocols (:func:`samlab.setups.kim_2023.simulate_model_sde`).
"""

from __future__ import annotations

import functools
import operator

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1

from .linearization import linearization_exprs, linearization_symbols, sam_objective_rates
from ._common import _arr, _lambdify, _nonnegative, _out, _positive

__all__ = [
    "sam_diffusion_variance",
    "sgd_diffusion_variance",
    "sam_sgd_diffusion_gap",
    "corollary1_gap",
    "diffusion_gap_series",
    "momentum_diffusion_as_transcribed",
    "model_sde_em_variance",
    "diffusion_symbols",
    "ou_variance_expr",
    "sam_diffusion_variance_expr",
    "diffusion_gap_series_expr",
    "corollary1_gap_expr",
    "momentum_diffusion_expr",
]


# ----------------------------------------------------------------------------- derivations

@functools.cache
def diffusion_symbols():
    """Sympy symbols (t, λ, η, ρ, B, a, q, γ_m): time, eigenvalue, lr, rho, batch size, drift rate,
    noise intensity and momentum."""
    t = sp.Symbol("t", nonnegative=True)
    lam = sp.Symbol("lambda", real=True, nonzero=True)
    eta, rho, B, q = sp.symbols("eta rho B q", positive=True)
    a = sp.Symbol("a", real=True, nonzero=True)
    gm = sp.Symbol("gamma_m", nonnegative=True)
    return t, lam, eta, rho, B, a, q, gm


@functools.cache
def ou_variance_expr():
    """Sympy: (σ²(t) in expm1 form, its a → 0 limit) for dz = −az dt + √q dW, z(0) = 0 [derived].

    dsolve of dσ²/dt = −2aσ² + q, σ²(0) = 0 gives σ² = q(1 − e^{−2at})/(2a) = −q·expm1(−2at)/(2a);
    the limit a → 0 is q·t (pure diffusion, e.g. at the USAM threshold 1 + ρλ = 0).
    """
    t, _, _, _, _, a, q, _ = diffusion_symbols()
    s = sp.Function("s")
    sol = sp.dsolve(sp.Eq(s(t).diff(t), -2 * a * s(t) + q), s(t), ics={s(0): 0})
    var = sp.simplify(sol.rhs)
    var_expm1 = sp.simplify(var.replace(sp.exp, lambda arg: expm1(arg) + 1))
    return var_expm1, sp.limit(var, a, 0)


def _drift_and_noise_exprs():
    """(a, q) as sympy expressions of (λ, ρ, η, B): a from linearization, q = η|λ|/B."""
    t, lam, eta, rho, B, a, q, _ = diffusion_symbols()
    _, rho_l, lam_l, _, _ = linearization_symbols()
    a_expr = linearization_exprs()["sam_objective_rate"].subs({rho_l: rho, lam_l: lam})
    return a_expr, eta * sp.Abs(lam) / B


@functools.cache
def sam_diffusion_variance_expr():
    """Sympy: Kim et al. Theorem 2, σ²(t) = η|λ|/(2Bλ(1+ρλ)²)·[1 − exp(−2λ(1+ρλ)²t)] (exp form)."""
    t, lam, eta, rho, B, a, q, _ = diffusion_symbols()
    var_expm1, _ = ou_variance_expr()
    a_expr, q_expr = _drift_and_noise_exprs()
    var = var_expm1.replace(expm1, lambda arg: sp.exp(arg) - 1)
    return var.subs({a: a_expr, q: q_expr})


@functools.cache
def diffusion_gap_series_expr(order: int = 3):
    """Sympy: Taylor polynomial in t, up to t^order, of Δ_SGD − Δ_SAM = σ²|_{ρ=0} − σ² [derived].

    Term by term, (η|λ|/B)·Σ_{k≥1} (−2)^k (λ^k − a^k) t^{k+1}/(k+1)!, a = λ(1+ρλ)²; the t² term is
    (η|λ|/B)(2ρλ² + ρ²λ³)t², whose ρ-linear part is Kim et al. 2023's Corollary 1 [derived].
    """
    t, lam, eta, rho, B, a, q, _ = diffusion_symbols()
    var_expm1, _ = ou_variance_expr()
    var = var_expm1.replace(expm1, lambda arg: sp.exp(arg) - 1)
    poly = sp.expand(sp.series(var, t, 0, order + 1).removeO())  # q·Σ (−2a)^k t^{k+1}/(k+1)!
    a_expr, q_expr = _drift_and_noise_exprs()
    terms = []
    for k in range(1, order + 1):
        coeff = poly.coeff(t, k)
        gap_k = coeff.subs({a: a_expr.subs(rho, 0), q: q_expr}) - coeff.subs({a: a_expr, q: q_expr})
        terms.append(sp.factor(gap_k) * t**k)
    return functools.reduce(operator.add, terms, sp.Integer(0))


@functools.cache
def corollary1_gap_expr():
    """Sympy: Corollary 1's leading term, the ρ-linear part of the t² coefficient of the gap series.

    d/dρ|_{ρ=0} of the t² coefficient, times ρt²: 2ηλ²|λ|ρt²/B = 2ηt²|λ|³ρ/B.
    """
    t, lam, eta, rho, B, *_ = diffusion_symbols()
    c2 = sp.expand(diffusion_gap_series_expr(2)).coeff(t, 2)
    return sp.factor(sp.diff(c2, rho).subs(rho, 0) * rho * t**2)


@functools.cache
def momentum_diffusion_expr(c2_reading: str = "eta/t"):
    """Sympy: Kim et al. 2023, Theorem 3 as transcribed by a secondary summary (not verified).

    Δ = C₁(1 − e^{−C₂(1−γ)})²/((1−γ)³B) + C₃(1 − e^{−C₄/(1−γ)})/((1−γ)B),
    C₁ = η²|λ|/2, C₂ = η/t (``c2_reading="eta/t"``, as transcribed) or t/η (``"t/eta"``),
    C₃ = η|λ|/(2λ(1+ρλ)²), C₄ = 2λ(1+ρλ)²t; γ = momentum (symbol γ_m).
    """
    t, lam, eta, rho, B, a, q, gm = diffusion_symbols()
    if c2_reading not in ("eta/t", "t/eta"):
        raise ValueError(f"c2_reading must be 'eta/t' or 't/eta', got {c2_reading!r}")
    a_expr, _ = _drift_and_noise_exprs()
    C1 = eta**2 * sp.Abs(lam) / 2
    C2 = eta / t if c2_reading == "eta/t" else t / eta
    C3 = eta * sp.Abs(lam) / (2 * a_expr)
    C4 = 2 * a_expr * t
    return (C1 * (1 - sp.exp(-C2 * (1 - gm)))**2 / ((1 - gm)**3 * B)
            + C3 * (1 - sp.exp(-C4 / (1 - gm))) / ((1 - gm) * B))


@functools.cache
def _ou_fns():
    t, _, _, _, _, a, q, _ = diffusion_symbols()
    var_expm1, var_limit = ou_variance_expr()
    return _lambdify((t, a, q), var_expm1), _lambdify((t, q), var_limit)


@functools.cache
def _noise_fn():
    t, lam, eta, rho, B, *_ = diffusion_symbols()
    return _lambdify((lam, eta, B), _drift_and_noise_exprs()[1])


@functools.cache
def _series_fn(order: int):
    t, lam, eta, rho, B, *_ = diffusion_symbols()
    return _lambdify((t, lam, eta, rho, B), diffusion_gap_series_expr(order))


@functools.cache
def _corollary1_fn():
    t, lam, eta, rho, B, *_ = diffusion_symbols()
    return _lambdify((t, lam, eta, rho, B), corollary1_gap_expr())


# ----------------------------------------------------------------------------- numerics

def _ou_variance(t, a, q):
    """−q·expm1(−2at)/(2a), and q·t where a = 0 (NumPy arrays, broadcast)."""
    t, a, q = np.broadcast_arrays(np.asarray(t, float), np.asarray(a, float), np.asarray(q, float))
    f_expm1, f_limit = _ou_fns()
    zero = a == 0
    with np.errstate(over="ignore"):
        var = f_expm1(t, np.where(zero, 1.0, a), q)
    return np.where(zero, f_limit(t, q), var)


def _diffusion_args(t, lam, lr, rho, batch_size):
    return (_nonnegative(t, "t"), _arr(lam, "lam"), _positive(lr, "lr"),
            _nonnegative(rho, "rho"), _positive(batch_size, "batch_size"))


def sam_diffusion_variance(t, lam, lr, rho, batch_size):
    """Kim et al. Theorem 2: variance of SAM's model SDE along eigenvalue λ at SDE time t.

        σ²(t) = η|λ| / (2Bλ(1 + ρλ)²) · [1 − exp(−2λ(1 + ρλ)²t)]

    t → ``t`` (= steps·η), λ → ``lam``, η → ``lr``, ρ → ``rho``, B → ``batch_size``. Evaluated as
    −q·expm1(−2at)/(2a) with a = λ(1+ρλ)², q = η|λ|/B: signs kept for λ < 0 (σ² grows like
    e^{2|a|t}: the escape), exact limit q·t where a = 0 (λ = 0 gives 0; 1 + ρλ = 0 gives η|λ|t/B).
    ρ = 0 gives SGD. Kim et al. 2023, Theorem 2; derived here from the model SDE with sympy
    (:func:`ou_variance_expr`) [derived]; the claim ``kim-2023/theorem2-diffusion`` checks it against
    an Euler–Maruyama simulation.
    """
    t, lam, lr, rho, B = _diffusion_args(t, lam, lr, rho, batch_size)
    a = sam_objective_rates(rho, lam)
    q = _noise_fn()(lam, lr, B)
    return _out(_ou_variance(t, a, q))


def sgd_diffusion_variance(t, lam, lr, batch_size):
    """SGD's variance η|λ|/(2Bλ)·[1 − exp(−2λt)]: :func:`sam_diffusion_variance` at ρ = 0."""
    return sam_diffusion_variance(t, lam, lr, 0.0, batch_size)


def sam_sgd_diffusion_gap(t, lam, lr, rho, batch_size):
    """Δ_SGD − Δ_SAM = σ²(t)|_{ρ=0} − σ²(t) (exact, from :func:`sam_diffusion_variance`).

    Positive for ρ > 0 along a negative direction: SAM diffuses (escapes) more slowly (Corollary 1).
    For very small t it suffers cancellation (relative error ~1e-16/(|λ|t)); use
    :func:`diffusion_gap_series` there.
    """
    return _out(np.asarray(sam_diffusion_variance(t, lam, lr, 0.0, batch_size))
                - np.asarray(sam_diffusion_variance(t, lam, lr, rho, batch_size)))


def corollary1_gap(t, lam, lr, rho, batch_size):
    """Kim et al. Corollary 1 leading term: Δ_SGD − Δ_SAM ≈ 2ηt²|λ|³ρ/B for |λ|t ≪ 1.

    Kim et al. 2023, Corollary 1. Derived with sympy as the ρ-linear part of the t²
    coefficient of the exact expansion (:func:`corollary1_gap_expr`); the full t² coefficient is
    (η|λ|/B)(2ρλ² + ρ²λ³), so the transcribed corollary drops a ρ²λ³|λ| term and O(t³) terms
    (:func:`diffusion_gap_series`). Arguments as in :func:`sam_diffusion_variance`.
    """
    t, lam, lr, rho, B = _diffusion_args(t, lam, lr, rho, batch_size)
    shape = np.broadcast_shapes(t.shape, lam.shape, lr.shape, rho.shape, B.shape)
    return _out(np.array(np.broadcast_to(_corollary1_fn()(t, lam, lr, rho, B), shape), dtype=float))


def diffusion_gap_series(t, lam, lr, rho, batch_size, order=3):
    """Exact small-t expansion of Δ_SGD − Δ_SAM up to t^order (sympy series, [derived]).

        (η|λ|/B)·Σ_{k=1}^{order−1} (−2)^k (λ^k − a^k) t^{k+1}/(k+1)!,   a = λ(1+ρλ)²

    Its t² term contains :func:`corollary1_gap`. ``order`` ≥ 2 (int). Other arguments as in
    :func:`sam_diffusion_variance`.
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 2:
        raise ValueError(f"order must be an integer >= 2, got {order!r}")
    t, lam, lr, rho, B = _diffusion_args(t, lam, lr, rho, batch_size)
    shape = np.broadcast_shapes(t.shape, lam.shape, lr.shape, rho.shape, B.shape)
    value = _series_fn(int(order))(t, lam, lr, rho, B)
    return _out(np.array(np.broadcast_to(value, shape), dtype=float))


def momentum_diffusion_as_transcribed(t, lam, lr, rho, batch_size, momentum, *, c2_reading="eta/t"):
    """Kim et al. Theorem 3 (momentum γ, batch B) AS TRANSCRIBED by a secondary source — doubtful.

        Δ_SAM = C₁(1 − e^{−C₂(1−γ)})² / ((1−γ)³B) + C₃(1 − e^{−C₄/(1−γ)}) / ((1−γ)B)
        C₁ = η²|λ|/2,  C₂ = η/t,  C₃ = η|λ|/(2λ(1+ρλ)²),  C₄ = 2λ(1+ρλ)²t

    γ → ``momentum`` ∈ [0, 1), t → ``t`` (> 0), λ → ``lam``, η → ``lr``, ρ → ``rho``,
    B → ``batch_size``. Transcription doubt (the summary's Theorem 3 is not verified): C₂
    may be t/η rather than η/t (``c2_reading="t/eta"``); with η/t the first term does not vanish as
    t → 0. Consistency [derived]: at γ = 0 the second term equals Theorem 2's σ²(t); it is σ² at
    time t/(1−γ) divided by (1−γ). Use only for qualitative trends (monotone in γ, ∝ 1/B).
    """
    if c2_reading not in ("eta/t", "t/eta"):
        raise ValueError(f"c2_reading must be 'eta/t' or 't/eta', got {c2_reading!r}")
    t = _positive(t, "t")
    lam, lr = _arr(lam, "lam"), _positive(lr, "lr")
    rho, B = _nonnegative(rho, "rho"), _positive(batch_size, "batch_size")
    gm = _nonnegative(momentum, "momentum")
    if np.any(gm >= 1):
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    one = 1.0 - gm
    C1 = lr * lr * np.abs(lam) / 2.0
    C2 = lr / t if c2_reading == "eta/t" else t / lr
    first = C1 * np.expm1(-C2 * one) ** 2 / (one**3 * B)
    a = sam_objective_rates(rho, lam)
    second = _ou_variance(t / one, a, _noise_fn()(lam, lr, B)) / one
    return _out(first + second)


def model_sde_em_variance(lam, lr, rho, batch_size, steps):
    """Exact variance after ``steps`` Euler–Maruyama steps (Δt = η) of the model SDE [derived].

    z_{k+1} = (1 − aη)z_k + η√(|λ|/B)·ξ_k gives v_k = η²(|λ|/B)·Σ_{i<k}(1 − aη)^{2i}; it tends to
    :func:`sam_diffusion_variance` at t = kη as η → 0. Returns (steps,) (or (steps,) + lam's shape),
    entry k−1 at time kη. λ → ``lam`` (scalar or array of eigenvalues), scalars η → ``lr``,
    ρ → ``rho``, B → ``batch_size``; ``steps`` a positive integer.
    """
    lam, lr, rho, B = _sde_args(lam, lr, rho, batch_size)
    steps = _count(steps, "steps")
    r2 = (1.0 - lr * np.asarray(sam_objective_rates(rho, lam))) ** 2
    k = np.arange(steps).reshape((steps,) + (1,) * lam.ndim)
    return np.cumsum(lr * lr * np.abs(lam) / B * r2**k, axis=0)


def _sde_args(lam, lr, rho, batch_size):
    lam, lr = _arr(lam, "lam"), _positive(lr, "lr")
    rho, B = _nonnegative(rho, "rho"), _positive(batch_size, "batch_size")
    for value, name in ((lr, "lr"), (rho, "rho"), (B, "batch_size")):
        if value.ndim:
            raise ValueError(f"{name} must be a scalar, got shape {value.shape}")
    return lam, float(lr), float(rho), float(B)


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
