r"""Closed forms and schedules for Khanh, Luong, Mordukhovich & Tran (2024), "Fundamental Convergence
Analysis of Sharpness-Aware Minimization" (NeurIPS 2024; arXiv 2401.08060).

The paper reads SAM and its normalized variants as inexact gradient descent (IGD) with absolute
error Lρ_k, and USAM as IGD with relative error. This module holds what samlab needs to check it:

* the learning-rate schedules Diminish 1–3 of the official code (lhchau/fundamental-sam,
  ``scheduler/``, ``utils/get_scheduler.py``) as :class:`samlab.schedules.Schedule` objects;
* exact summability verdicts (sympy) for Σt_k = ∞, Σt_k² < ∞, Σt_kρ_k < ∞, Σt_kρ_k² < ∞, for the
  Diminish schedules and for inverse powers t_k = c/k^a, ρ_k = C/k^p;
* the residual SAM oscillation ("envelope") with diminishing steps on a curvature-a direction;
* the USAM sufficient-descent region ρ < 1/L, t < 2(1 − Lρ)/(L(1 + Lρ)²) [derived, sympy];
* the hallucinated SAM fixed point of f = −cos x, x̂ = 2π − ρ [derived, sympy];
* the stationary laws of the normalized variants' directions under Gaussian gradient noise on a
  constant gradient: VaSSO's orthogonal energy (d − 1)θσ²/(2 − θ) and F-SAM's direction
  g − σm ~ N((1 − σ)∇f, s²I) [derived, sympy].

The paper's exact step-size hypotheses are not available to this project: the summability
conditions below (Set A: Σt = ∞, t → 0, Σtρ < ∞; Set B: Σtρ² < ∞ instead of Σtρ < ∞; Theorem
3.2-type: constant ρ, Σt = ∞, Σt² < ∞) are reconstructions [derived], corroborated by the official
Diminish schedules. The paper's instances and run protocols are in :mod:`samlab.setups.khanh_2024`.

Symbols: t_k → ``lr`` (the paper's stepsize), ρ_k → ``rho``, a → the curvature ``a`` (an eigenvalue
of the Hessian at the limit point), L → ``L``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from ..schedules import Schedule, from_callable
from ._common import _arr, _out
from .quadratic_cycle import cycle_amplitude

__all__ = [
    "diminish1",
    "diminish2",
    "diminish3",
    "diminish_schedules",
    "diminish_epoch_term",
    "series_converges",
    "schedule_conditions",
    "power_schedule_conditions",
    "diminish_summability",
    "sam_envelope_amplitude",
    "sam_envelope_level",
    "sam_envelope_gradient",
    "usam_descent_exprs",
    "usam_descent_step_limit",
    "usam_descent_constant",
    "neg_cos_fixed_point_exprs",
    "neg_cos_hallucinated_point",
    "neg_cos_hallucination_multiplier",
    "ema_variance_exprs",
    "vasso_ema_variance",
    "vasso_orthogonal_energy",
    "fsam_direction_law",
]


# ----------------------------------------------------------------------------- input helpers

def _positive_float(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def _epoch(k, iters_per_epoch: int) -> np.ndarray:
    """0-based epoch of the 1-based iteration k (vectorized)."""
    k = np.asarray(k, dtype=float)
    return np.floor((k - 1.0) / iters_per_epoch)


# ----------------------------------------------------------------------------- Diminish 1–3

def diminish1(base: float = 0.1, iters_per_epoch: int = 1) -> Schedule:
    """Diminish 1 [official code: LambdaLR(lambda epoch: 1/(epoch+1))]: t = base/(e + 1).

    e = ⌊(k − 1)/``iters_per_epoch``⌋ is the 0-based epoch of the 1-based iteration k (the official
    code steps the scheduler once per epoch, ~352 iterations on CIFAR-10 with batch 128);
    ``iters_per_epoch=1`` makes it an iteration-level schedule t_k = base/k. base → lr (0.1).
    """
    base = _positive_float(base, "base")
    m = _positive_int(iters_per_epoch, "iters_per_epoch")
    return from_callable(lambda k: base / (_epoch(k, m) + 1.0),
                         f"diminish1: {base:g}/(e+1), e = (k-1)//{m}")


def diminish2(base: float = 0.1, iters_per_epoch: int = 1, power: float = 0.5001) -> Schedule:
    """Diminish 2 [official code: scheduler/diminish2.py]: t = base for e = 0, base/e^0.5001 for e ≥ 1.

    The scheduler writes lr = base/(epoch+1)^0.5001 only after an epoch, so epoch e ≥ 1 trains with
    base/e^power and epoch 0 with base. The exponent 0.5001 (not 0.5) keeps Σt² < ∞ — formally:
    the tail Σ_{e>E} base²/e^{1.0002} = base²·E^{−0.0002}/0.0002 is still ≈ 50·base² at E = 10⁹.
    """
    base = _positive_float(base, "base")
    m = _positive_int(iters_per_epoch, "iters_per_epoch")
    p = _positive_float(power, "power")
    return from_callable(lambda k: base / np.maximum(_epoch(k, m), 1.0) ** p,
                         f"diminish2: {base:g}/max(e,1)^{p:g}, e = (k-1)//{m}")


def diminish3(base: float = 0.1, iters_per_epoch: int = 1, block: int = 5) -> Schedule:
    """Diminish 3 [official code: scheduler/diminish3.py]: t = base/(n ln n), n = 3 + ⌊(e − 1)/5⌋.

    Epoch 0 keeps the optimizer's base lr; n starts at 3 for epochs 1–5 and grows by one every
    ``block`` = 5 epochs (natural log). Σt = ∞ (like Σ 1/(n ln n), doubly-logarithmic growth) and
    Σt² < ∞.
    """
    base = _positive_float(base, "base")
    m = _positive_int(iters_per_epoch, "iters_per_epoch")
    blk = _positive_int(block, "block")

    def fn(k):
        e = _epoch(k, m)
        n = 3.0 + np.floor(np.maximum(e - 1.0, 0.0) / blk)
        return np.where(e < 1.0, base, base / (n * np.log(n)))

    return from_callable(fn, f"diminish3: {base:g}/(n ln n), n = 3 + (e-1)//{blk}, e = (k-1)//{m}")


def diminish_schedules(base: float = 0.1, iters_per_epoch: int = 1) -> dict[str, Schedule]:
    """The three official schedules by name: {"diminish1": …, "diminish2": …, "diminish3": …}."""
    return {"diminish1": diminish1(base, iters_per_epoch), "diminish2": diminish2(base, iters_per_epoch),
            "diminish3": diminish3(base, iters_per_epoch)}


# ----------------------------------------------------------------------------- summability (sympy)

_N = sp.Symbol("n", integer=True, positive=True)


def diminish_epoch_term(name: str, base: float = 0.1, power: float = 0.5001) -> tuple[sp.Expr, int]:
    """Sympy term u_n and start n₀ whose series has the same convergence as Σ_e t_e for a schedule.

    diminish1: base/n from n = 1 (n = epoch + 1); diminish2: base/n^power from n = 1;
    diminish3: 5·base/(n ln n) from n = 3 (five epochs share each n, a finite factor).
    Σ over iterations is ``iters_per_epoch`` times Σ over epochs, so verdicts carry over.
    """
    b = sp.nsimplify(base)
    if name == "diminish1":
        return b / _N, 1  # Σ_{e≥0} base/(e + 1) = Σ_{n≥1} base/n
    if name == "diminish2":
        return b / _N ** sp.nsimplify(power), 1
    if name == "diminish3":
        return 5 * b / (_N * sp.log(_N)), 3
    raise ValueError(f"name must be diminish1, diminish2 or diminish3, got {name!r}")


def series_converges(term: sp.Expr, start: int = 1, var: sp.Symbol = _N) -> bool:
    """Exact verdict of sympy's convergence tests for Σ_{var ≥ start} term (raises if undecided)."""
    verdict = sp.Sum(term, (var, int(start), sp.oo)).is_convergent()
    if verdict not in (True, False, sp.true, sp.false):
        raise ValueError(f"sympy could not decide the convergence of Σ {term}")
    return bool(verdict)


def schedule_conditions(t_term: sp.Expr, rho_term: sp.Expr | None = None, start: int = 1,
                        var: sp.Symbol = _N) -> dict[str, bool]:
    """Which reconstructed step-size conditions of the paper's theorems a pair (t_n, ρ_n) satisfies (sympy).

    Keys: ``sum_t_diverges`` (Σt = ∞), ``sum_t2_converges`` (Σt² < ∞) — Theorem 3.2-type, convex,
    constant ρ; ``t_to_zero``; with ρ: ``rho_to_zero``, ``sum_t_rho_converges`` (Σtρ < ∞, "Set A"),
    ``sum_t_rho2_converges`` (Σtρ² < ∞, "Set B") — Theorem 3.3-type, nonconvex [derived]: the
    paper's exact hypotheses are not available, Set A (absolute-error IGD) and Set B (the weaker
    "slowly decreasing radii") are the two candidates.
    """
    out = {
        "sum_t_diverges": not series_converges(t_term, start, var),
        "sum_t2_converges": series_converges(t_term**2, start, var),
        "t_to_zero": bool(sp.limit(t_term, var, sp.oo) == 0),
    }
    if rho_term is not None:
        out["rho_to_zero"] = bool(sp.limit(rho_term, var, sp.oo) == 0)
        out["sum_t_rho_converges"] = series_converges(t_term * rho_term, start, var)
        out["sum_t_rho2_converges"] = series_converges(t_term * rho_term**2, start, var)
    return out


@functools.cache
def power_schedule_conditions(a: float, p: float | None = None) -> dict[str, bool]:
    """:func:`schedule_conditions` for t_k = c/k^a and ρ_k = C/k^p (p = 0: constant ρ; None: no ρ).

    Exponents are made exact rationals (nsimplify), so 0.5001 is 5001/10000: the verdicts are exact
    (Σ 1/k^s converges iff s > 1), not read off finite partial sums.
    """
    a_ = sp.nsimplify(a)
    t = 1 / _N**a_
    rho = None if p is None else 1 / _N ** sp.nsimplify(p)
    return schedule_conditions(t, rho, 1)


@functools.cache
def diminish_summability(power: float = 0.5001) -> dict[str, dict[str, bool]]:
    """Σt = ∞ and Σt² < ∞ for each Diminish schedule (sympy), plus the exponent-0.5 control."""
    out = {}
    for name in ("diminish1", "diminish2", "diminish3"):
        term, start = diminish_epoch_term(name, 1.0, power)
        out[name] = {"sum_t_diverges": not series_converges(term, start),
                     "sum_t2_converges": series_converges(term**2, start)}
    term, start = diminish_epoch_term("diminish2", 1.0, 0.5)
    out["diminish2_power_0.5"] = {"sum_t_diverges": not series_converges(term, start),
                                  "sum_t2_converges": series_converges(term**2, start)}
    return out


# ----------------------------------------------------------------------------- SAM envelope

def sam_envelope_amplitude(lr, rho, a):
    """Amplitude c_k = t_k aρ_k/(2 − t_k a) of SAM's residual 2-cycle along a curvature-a direction.

    With constant (t, ρ) this is the exact period-2 orbit ±c of SAM on (a/2)x² (why constant-stepsize
    SAM need not converge, Khanh et al.'s figure p. 5 [derived]; :func:`samlab.theory.cycle_amplitude`).
    With slowly varying t_k, ρ_k the orbit tracks c(t_k, ρ_k) (adiabatic: the orbit contracts by
    (1 − t_k a)² per two steps while t_k changes by a factor 1 + O(1/k)), so c_k is the envelope of
    the oscillation, ≈ t_k aρ_k/2 → 0 (the residual oscillation under Theorem 3.2's diminishing
    steps [derived]). NaN where t a ≥ 2. Broadcasts.
    """
    return cycle_amplitude(lr, rho, a)


def sam_envelope_level(lr, rho, a):
    """f − f* on the envelope: (a/2)c_k² (≈ (a_max/2)(t_k a_max ρ/2)² for small t_k a)."""
    c = np.asarray(sam_envelope_amplitude(lr, rho, a), dtype=np.float64)
    return _out(0.5 * _arr(a, "a") * c * c)


def sam_envelope_gradient(lr, rho, a):
    """‖∇f‖ on the envelope: a·c_k (the constant-ρ control plateau when lr, rho are constant)."""
    c = np.asarray(sam_envelope_amplitude(lr, rho, a), dtype=np.float64)
    return _out(_arr(a, "a") * c)


# ----------------------------------------------------------------------------- USAM descent region

@functools.cache
def usam_descent_exprs() -> tuple[sp.Expr, sp.Expr]:
    """Sympy (c, t̄): f(x⁺) ≤ f(x) − t·c·‖∇f(x)‖² for USAM, and the step bound where c = 0 [derived].

    USAM: x⁺ = x − t∇f(x + ρ∇f(x)). With e = ∇f(x + ρ∇f(x)) − ∇f(x), ‖e‖ ≤ Lρ‖∇f(x)‖ (relative
    error), so ⟨∇f, ∇f + e⟩ ≥ (1 − Lρ)‖∇f‖² and ‖∇f + e‖ ≤ (1 + Lρ)‖∇f‖; the descent lemma gives
        c = (1 − Lρ) − (Lt/2)(1 + Lρ)²,    c > 0  ⟺  t < t̄ = 2(1 − Lρ)/(L(1 + Lρ)²)
    (a sufficient condition of Theorem 4.1's type for USAM [derived], needs ρ < 1/L).
    """
    t, rho, L = sp.symbols("t rho L", positive=True)
    G = sp.Symbol("G", positive=True)  # ‖∇f(x)‖
    inner_lower = (1 - L * rho) * G**2
    norm_upper = (1 + L * rho) * G
    decrease = -t * inner_lower + L * t**2 / 2 * norm_upper**2  # f(x⁺) − f(x) ≤ decrease
    c = sp.simplify(sp.expand(-decrease / (t * G**2)))
    (tbar,) = sp.solve(sp.Eq(c, 0), t)
    return c, sp.simplify(tbar)


@functools.cache
def _usam_fns():
    t, rho, L = sp.symbols("t rho L", positive=True)
    c, tbar = usam_descent_exprs()
    return (sp.lambdify((t, rho, L), c, "numpy"), sp.lambdify((rho, L), tbar, "numpy"))


def usam_descent_step_limit(L, rho):
    """t̄ = 2(1 − Lρ)/(L(1 + Lρ)²): USAM with constant t < t̄, ρ < 1/L is a monotone descent method.

    L → ``L`` (Lipschitz constant of ∇f), ρ → ``rho``. NaN where Lρ ≥ 1 (the bound gives nothing).
    Source: a Theorem 4.1-type sufficient condition [derived] (:func:`usam_descent_exprs`).
    """
    L, rho = _arr(L, "L"), _arr(rho, "rho")
    if np.any(L <= 0):
        raise ValueError("L must be > 0")
    if np.any(rho < 0):
        raise ValueError("rho must be >= 0")
    with np.errstate(all="ignore"):
        out = _usam_fns()[1](rho, L)
    return _out(np.where(L * rho < 1, out, np.nan))


def usam_descent_constant(lr, rho, L):
    """c = (1 − Lρ) − (L t/2)(1 + Lρ)² in f(x⁺) ≤ f(x) − t c ‖∇f(x)‖² (t → ``lr``); > 0 inside the region."""
    lr, rho, L = _arr(lr, "lr"), _arr(rho, "rho"), _arr(L, "L")
    if np.any(lr <= 0) or np.any(L <= 0) or np.any(rho < 0):
        raise ValueError("lr and L must be > 0 and rho >= 0")
    return _out(_usam_fns()[0](lr, rho, L))


# ----------------------------------------------------------------------------- −cos x: hallucination

@functools.cache
def neg_cos_fixed_point_exprs() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Sympy (x̂, φ'(x̂), f'(x̂)) for the attracting SAM fixed point of f = −cos x in (0, π) [derived].

    For x ∈ (0, π), f'(x) = sin x > 0, so SAM's perturbed point is y = x + ρ and the map is
    φ(x) = x − t sin(x + ρ). Fixed points solve sin(x + ρ) = 0, x = mπ − ρ, with multiplier
    φ' = 1 − t cos(mπ); m even gives 1 − t (attracting for 0 < t < 2), m odd gives 1 + t (repelling).
    The attracting one in (0, π) is x̂ = 2π − ρ, which exists iff ρ ∈ (π, 2π); f'(x̂) = −sin ρ ≠ 0,
    so x̂ is not stationary (a "hallucinated minimizer", Park, Jang, Ryu & Yang, arXiv 2509.21818:
    why Theorem 3.3 needs ρ_k → 0). Mirror: −x̂.
    """
    x, t, rho = sp.symbols("x t rho", real=True)
    phi = x - t * sp.sin(x + rho)
    xhat = 2 * sp.pi - rho
    if sp.simplify(phi.subs(x, xhat) - xhat) != 0:  # pragma: no cover - algebra guard
        raise RuntimeError("x̂ is not a fixed point")
    mult = sp.simplify(sp.diff(phi, x).subs(x, xhat))
    slope = sp.simplify(sp.diff(-sp.cos(x), x).subs(x, xhat))
    return xhat, mult, slope


def neg_cos_hallucinated_point(rho):
    """x̂ = 2π − ρ (mod 2π) where constant-ρ SAM on −cos x stalls; NaN unless ρ mod 2π ∈ (π, 2π).

    ρ → ``rho``. f'(x̂) = −sin ρ (0.7568 at ρ = 4). Attracting for every step 0 < t < 2
    (:func:`neg_cos_hallucination_multiplier`). Source: :func:`neg_cos_fixed_point_exprs` [derived].
    """
    rho = _arr(rho, "rho")
    if np.any(rho <= 0):
        raise ValueError("rho must be > 0")
    r = np.mod(rho, 2 * np.pi)
    ok = (r > np.pi) & (r < 2 * np.pi)
    return _out(np.where(ok, 2 * np.pi - r, np.nan))


def neg_cos_hallucination_multiplier(lr):
    """φ'(x̂) = 1 − t: the fixed point attracts iff 0 < t < 2 (t → ``lr``)."""
    lr = _arr(lr, "lr")
    if np.any(lr <= 0):
        raise ValueError("lr must be > 0")
    return _out(1.0 - lr)


# ----------------------------------------------------------------------------- noisy directions

@functools.cache
def ema_variance_exprs() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Sympy stationary variances (per coordinate, unit noise variance) of the two moving averages [derived].

    VaSSO: d_k = (1 − θ)d_{k−1} + θ g_k. With g_k = c + ξ_k, ξ_k i.i.d. N(0, σ²I), e_k = d_k − c obeys
    e_k = (1 − θ)e_{k−1} + θξ_k, whose stationary variance v solves v = (1 − θ)²v + θ²:
        v_VaSSO = θ/(2 − θ).
    F-SAM: m_k = βm_{k−1} + (1 − β)g_k, d_k = g_k − σm_k. With η_k = m_k − c (stationary variance
    (1 − β)/(1 + β)) and d_k = (1 − σ)c + (1 − σ(1 − β))ξ_k − σβη_{k−1} (η_{k−1} independent of ξ_k):
        v_F-SAM = (1 − σ(1 − β))² + σ²β²(1 − β)/(1 + β).
    Returns (v_VaSSO, v_EMA(β), v_F-SAM) in the symbols θ, β, σ.
    """
    theta, beta, sigma, v = sp.symbols("theta beta sigma v", positive=True)
    (v_vasso,) = sp.solve(sp.Eq(v, (1 - theta) ** 2 * v + theta**2), v)
    (v_ema,) = sp.solve(sp.Eq(v, beta**2 * v + (1 - beta) ** 2), v)
    v_fsam = (1 - sigma * (1 - beta)) ** 2 + sigma**2 * beta**2 * v_ema
    return sp.simplify(v_vasso), sp.simplify(v_ema), sp.simplify(v_fsam)


def vasso_ema_variance(theta):
    """θ/(2 − θ): the stationary variance of VaSSO's moving average per unit noise variance (θ → ``theta``)."""
    theta = _arr(theta, "theta")
    if np.any((theta <= 0) | (theta > 1)):
        raise ValueError("theta must lie in (0, 1]")
    return _out(theta / (2.0 - theta))


def vasso_orthogonal_energy(theta, sigma, dim, grad_norm=None):
    """E‖P⊥(y − x)/ρ‖²·‖∇f‖² of VaSSO with x fixed, Gaussian gradient noise N(0, σ²I) in ``dim`` dimensions.

    [derived] With a constant gradient c = ∇f and the stationary moving average d = c + e,
    e ~ N(0, s²I), s² = θσ²/(2 − θ) (:func:`ema_variance_exprs`; Gaussian because it is a linear
    combination of Gaussians), y − x = ρd/‖d‖ and P⊥ the projection orthogonal to c:

        E‖P⊥ e‖²‖c‖²/‖c + e‖² = (d − 1)s²·[1 − (d − 2)s²/‖c‖² + O(d²s⁴/‖c‖⁴)]

    (expand 1/‖c + e‖² in e: E‖e⊥‖⁴ = (d² − 1)s⁴, E e∥² = s²). The leading term (d − 1)θσ²/(2 − θ)
    is exact in the limit σ/‖∇f‖ → 0 (the normalization is the only nonlinearity); with
    ``grad_norm`` = ‖∇f‖ the first correction is included. θ → ``theta``, σ → ``sigma``, d → ``dim``.
    """
    s2 = np.asarray(vasso_ema_variance(theta), float) * _arr(sigma, "sigma") ** 2
    dim = _arr(dim, "dim")
    out = (dim - 1.0) * s2
    if grad_norm is not None:
        out = out * (1.0 - (dim - 2.0) * s2 / _arr(grad_norm, "grad_norm") ** 2)
    return _out(out)


def fsam_direction_law(sigma, beta, noise):
    """(a, s): F-SAM's stationary direction d = g − σm on a constant gradient c is N(a·c, s²I) [derived].

    a = 1 − σ and s² = noise²·[(1 − σ(1 − β))² + σ²β²(1 − β)/(1 + β)] (:func:`ema_variance_exprs`),
    for m_k = βm_{k−1} + (1 − β)g_k, d_k = g_k − σm_k (Li et al. 2024), g_k = c + ξ_k with
    ξ_k ~ N(0, noise²I) i.i.d.; exact once β^k is negligible (m_0 = 0). σ → ``sigma``, β → ``beta``.
    """
    sigma, beta, noise = _arr(sigma, "sigma"), _arr(beta, "beta"), _arr(noise, "noise")
    if np.any((beta < 0) | (beta >= 1)):
        raise ValueError("beta must lie in [0, 1)")
    v = (1.0 - sigma * (1.0 - beta)) ** 2 + sigma**2 * beta**2 * (1.0 - beta) / (1.0 + beta)
    return _out(1.0 - sigma), _out(np.abs(noise) * np.sqrt(v))
