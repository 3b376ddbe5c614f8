"""The period-2 cycle of Unified SAM on a quadratic, and the linear contraction of GD/USAM.

Unified SAM (Oikonomou & Loizou 2025) with constant step γ (``lr``), radius ρ (``rho``) and mixture
λ (``lam``; λ = 0 USAM, λ = 1 normalized SAM) on f(x) = ½xᵀHx:

    y = x + ρ(1 − λ + λ/‖∇f(x)‖)∇f(x),    x ← x − γ∇f(y).

With λ > 0 and γL(1 + ρ(1−λ)L) < 2 (L = top eigenvalue of H, simple) the iterates end on the
symmetric 2-cycle ±c·e_top [derived]: at λ = 1 the orbit that keeps constant-step SAM a ρ²-sized
distance from the minimizer of a strongly convex quadratic (Si & Yun 2023; cf. Bartlett, Long &
Bousquet 2022), for general λ the plateau of Oikonomou & Loizou 2025's deterministic λ-sweep
(Section 4.1). The closed forms below are derived with sympy at first use (cached) and evaluated
by lambdified, vectorized functions; arguments broadcast like NumPy arrays.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from ._common import _arr, _eigs, _lambdify, _nonnegative, _out, _positive, _unit_interval
from .linearization import usam_multipliers

__all__ = [
    "cycle_amplitude",
    "cycle_plateau",
    "cycle_exists",
    "cycle_point",
    "cycle_multipliers",
    "cycle_contraction",
    "usam_contraction",
    "cycle_symbols",
    "cycle_amplitude_expr",
    "cycle_multiplier_exprs",
]


# ----------------------------------------------------------------------------- derivations

@functools.cache
def cycle_symbols():
    """The sympy symbols of the derivations: (γ, ρ, L, λ, h) = (lr, rho, L, lam, other eigenvalue)."""
    gamma, rho, L, lam = sp.symbols("gamma rho L lambda", positive=True)
    h = sp.Symbol("h", real=True)
    return gamma, rho, L, lam, h


@functools.cache
def cycle_amplitude_expr():
    """Sympy: c solving the symmetric 2-cycle equation φ(c) = −c of the 1-D map [derived].

    On the top eigen-direction (curvature L) and for x > 0, Unified SAM is
    φ(x) = x − γL(x + ρ(1−λ)Lx + ρλ·sign(x)); the orbit ±c needs φ(c) = −c, which gives
    c = γLρλ / (2 − γL(1 + ρ(1−λ)L)).
    """
    gamma, rho, L, lam, _ = cycle_symbols()
    c = sp.Symbol("c", positive=True)
    step = c - gamma * L * (c + rho * (1 - lam) * L * c + rho * lam * sp.sign(c))
    (solution,) = sp.solve(sp.Eq(step, -c), c)
    return sp.simplify(solution)


@functools.cache
def cycle_multiplier_exprs():
    """Sympy: (m_top, m_h), the one-step Jacobian eigenvalues of Unified SAM at the cycle [derived].

    Derived on the 2-D quadratic H = diag(L, h) at x = (c, 0) (the same at −c by symmetry), with the
    exact normalized perturbation ρλ Hx/‖Hx‖, then c replaced by :func:`cycle_amplitude_expr`:
        m_top = 1 − γL(1 + ρ(1−λ)L)                  (along e_top)
        m_h   = 1 − γh + γh²/L − 2h²/L²              (along an eigen-direction of eigenvalue h)
    m_h does not depend on ρ or λ; it is −1 at h = L (a repeated top eigenvalue is neutral).
    """
    gamma, rho, L, lam, h = cycle_symbols()
    x1, x2 = sp.symbols("x1 x2", real=True)
    c, D = sp.symbols("c D", positive=True)  # the cycle point (c, 0) with c > 0, and D > 0 below
    X = sp.Matrix([x1, x2])
    H = sp.diag(L, h)
    G = H * X
    norm = sp.sqrt(G.dot(G))
    Y = X + rho * (1 - lam) * G + rho * lam * G / norm
    step = X - gamma * H * Y
    J = step.jacobian(X).subs(x2, 0).subs(x1, c)
    # c = γLρλ/D with D = 2 − γL(1 + ρ(1−λ)L) > 0 where the cycle exists
    D_value = 2 - gamma * L * (1 + rho * (1 - lam) * L)
    if sp.simplify(cycle_amplitude_expr() - gamma * L * rho * lam / D_value) != 0:  # pragma: no cover
        raise RuntimeError("unexpected cycle amplitude")
    m_top = sp.expand(J[0, 0])
    m_h = sp.expand(sp.simplify(J[1, 1].subs(c, gamma * L * rho * lam / D)).subs(D, D_value))
    if J[0, 1] != 0 or J[1, 0] != 0 or not m_h.free_symbols <= {gamma, L, h}:  # pragma: no cover
        raise RuntimeError("unexpected cycle Jacobian")
    return m_top, m_h


@functools.cache
def _amplitude_fn():
    gamma, rho, L, lam, _ = cycle_symbols()
    return _lambdify((gamma, rho, L, lam), cycle_amplitude_expr())


@functools.cache
def _multiplier_fns():
    gamma, rho, L, lam, h = cycle_symbols()
    m_top, m_h = cycle_multiplier_exprs()
    return _lambdify((gamma, rho, L, lam), m_top), _lambdify((gamma, L, h), m_h)


def _cycle_args(lr, rho, L, lam):
    return (_positive(lr, "lr"), _nonnegative(rho, "rho"), _positive(L, "L"),
            _unit_interval(lam, "lam"))


def _denominator(lr, rho, L, lam):
    """D = 2 − γL(1 + ρ(1−λ)L); the cycle is bounded and attracting along e_top iff D > 0."""
    return 2.0 - lr * L * (1.0 + rho * (1.0 - lam) * L)


# ----------------------------------------------------------------------------- public API

def cycle_amplitude(lr, rho, L, lam=1.0):
    """Amplitude c of the 2-cycle ±c·e_top of Unified SAM on a quadratic with top eigenvalue L.

        c = γLρλ / (2 − γL(1 + ρ(1−λ)L))

    γ → ``lr``, ρ → ``rho``, λ → ``lam`` (mixture), L → ``L``. At λ = 1 (normalized SAM)
    c = γLρ/(2 − γL) (Si & Yun 2023's setting [derived]); general λ: Unified SAM of Oikonomou &
    Loizou 2025 [derived]. c = 0 for λ = 0 or ρ = 0 (USAM/GD converge
    to the minimizer). NaN where γL(1 + ρ(1−λ)L) ≥ 2 (no bounded orbit: the top direction diverges).
    """
    lr, rho, L, lam = _cycle_args(lr, rho, L, lam)
    D = _denominator(lr, rho, L, lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = _amplitude_fn()(lr, rho, L, lam)
    return _out(np.where(D > 0, c, np.nan))


def cycle_plateau(lr, rho, L, lam=1.0):
    """Level f − f* = (L/2)c² where constant-step Unified SAM settles on a quadratic.

    c = :func:`cycle_amplitude` (same arguments and sources). Plateau ≈ (L/8)(γLρλ)² for small γL,
    hence ∝ (ρλ)² and ∝ γ² [derived]: the O(ρ²) term of Si & Yun 2023 and the λ-dependent
    plateaus of Oikonomou & Loizou 2025, Section 4.1. NaN where the
    cycle does not exist because γL(1 + ρ(1−λ)L) ≥ 2.
    """
    c = np.asarray(cycle_amplitude(lr, rho, L, lam))
    return _out(0.5 * np.asarray(L, dtype=np.float64) * c * c)


def cycle_exists(lr, rho, L, lam=1.0):
    """True where the nontrivial 2-cycle exists: γL(1 + ρ(1−λ)L) < 2 and c > 0 (ρ > 0, λ > 0).

    Same arguments as :func:`cycle_amplitude`. Where it exists it also attracts along e_top
    (multiplier 1 − γL(1 + ρ(1−λ)L) ∈ (−1, 1)); see :func:`cycle_contraction` for the other directions.
    """
    lr, rho, L, lam = _cycle_args(lr, rho, L, lam)
    D = _denominator(lr, rho, L, lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = _amplitude_fn()(lr, rho, L, lam)
    return _out((D > 0) & (c > 0))


def cycle_point(H, lr, rho, lam=1.0, *, x_star=None):
    """The two points x* ± c·e_top of the 2-cycle of Unified SAM on f = ½(x−x*)ᵀH(x−x*), shape (2, d).

    H → ``H`` (symmetric, top eigenvalue L = λ_max(H) > 0 and simple); c = :func:`cycle_amplitude`
    with scalar ``lr`` (γ), ``rho`` (ρ), ``lam`` (λ). e_top is the unit top eigenvector, signed so that
    its largest-magnitude entry is positive; row 0 is x* + c·e_top, row 1 is x* − c·e_top. Other
    eigenvalues may be negative (a saddle: the orbit around it that traps SAM, Kim et al. 2023).
    Raises ValueError if H is not symmetric, its top eigenvalue is not simple, or the cycle does not
    exist (:func:`cycle_exists`).
    """
    H = _arr(H, "H")
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"H must be a non-empty square matrix, got shape {H.shape}")
    scale = max(float(np.abs(H).max()), 1e-300)
    if np.abs(H - H.T).max() > 1e-12 * scale:
        raise ValueError("H must be symmetric")
    for value, name in ((lr, "lr"), (rho, "rho"), (lam, "lam")):
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be a scalar for cycle_point, got shape {np.shape(value)}")
    w, V = np.linalg.eigh(0.5 * (H + H.T))
    L = float(w[-1])
    if L <= 0:
        raise ValueError(f"H must have a positive top eigenvalue, got {L!r}")
    if w.size > 1 and w[-1] - w[-2] <= 1e-10 * scale:
        raise ValueError(
            f"H's top eigenvalue is not simple (λ_max = {w[-1]!r}, next = {w[-2]!r}); "
            "the cycle direction is not unique")
    if not cycle_exists(lr, rho, L, lam):
        raise ValueError(
            f"no 2-cycle for lr={lr!r}, rho={rho!r}, lam={lam!r}, L={L!r}: "
            "needs rho > 0, lam > 0 and lr*L*(1 + rho*(1-lam)*L) < 2")
    e = V[:, -1]
    e = e * np.sign(e[np.argmax(np.abs(e))])
    centre = np.zeros(H.shape[0]) if x_star is None else _arr(x_star, "x_star").reshape(-1)
    if centre.shape != (H.shape[0],):
        raise ValueError(f"x_star must have shape ({H.shape[0]},), got {np.shape(x_star)}")
    c = cycle_amplitude(lr, rho, L, lam)
    return np.stack([centre + c * e, centre - c * e])


def cycle_multipliers(lr, rho, eigenvalues, lam=1.0):
    """One-step Jacobian eigenvalues of Unified SAM at its 2-cycle, per eigen-direction [derived].

        m_j = 1 − γL(1 + ρ(1−λ)L)                  for the top direction (j = argmax λ_j, λ_j = L)
        m_j = 1 − γλ_j + γλ_j²/L − 2λ_j²/L²         for the others

    (the second form is 1 − γλ_j(1 + ρ(1−λ)λ_j + ρλλ_j/(Lc)) with c the amplitude: the normalized
    perturbation acts like an extra curvature ρλλ_j/‖∇f‖.) ``eigenvalues``: (..., d), last axis the
    spectrum of H (any order; negative values allowed, L = max > 0); ``lr`` (γ), ``rho`` (ρ), ``lam``
    (λ) broadcast against the leading axes. Output (..., d); NaN where the cycle does not exist.
    Derived with sympy on diag(L, h) (:func:`cycle_multiplier_exprs`). For a direction of negative
    curvature λ₋ at λ = 1 this is 1 + η|λ₋|(1 − ρ|λ₋|/‖∇ℓ‖) with ‖∇ℓ‖ = Lc, the normalized-SAM
    multiplier at a saddle (Kim et al. 2023 [derived]).
    """
    eig = _eigs(eigenvalues)
    L = eig.max(axis=-1)
    lr, rho, L, lam = _cycle_args(lr, rho, L, lam)
    lr, rho, L, lam = np.broadcast_arrays(lr, rho, L, lam)
    top_fn, other_fn = _multiplier_fns()
    m = np.array(other_fn(lr[..., None], L[..., None], eig), dtype=np.float64)
    m_top = np.broadcast_to(top_fn(lr, rho, L, lam), L.shape)
    idx = np.argmax(np.broadcast_to(eig, m.shape), axis=-1)[..., None]
    np.put_along_axis(m, idx, m_top[..., None], axis=-1)
    ok = np.asarray(cycle_exists(lr, rho, L, lam))
    return _out(np.where(ok[..., None], m, np.nan))


def cycle_contraction(lr, rho, eigenvalues, lam=1.0):
    """Two-step contraction factor of the 2-cycle: max_j m_j², m_j = :func:`cycle_multipliers`.

    The Jacobians at +c·e_top and −c·e_top coincide, so one period multiplies a deviation along
    eigen-direction j by m_j². A factor < 1 means the cycle attracts (deviations shrink like
    factor^(steps/2)); ≥ 1 means it does not (e.g. a saddle with a small |λ₋|, or a repeated top
    eigenvalue, which gives exactly 1). Arguments as in :func:`cycle_multipliers`; output (...).
    """
    m = np.asarray(cycle_multipliers(lr, rho, eigenvalues, lam))
    return _out(np.max(m * m, axis=-1))


def usam_contraction(lr, rho, eigenvalues):
    """Linear contraction factor of USAM (GD at ρ = 0) on a quadratic: max_j |1 − γλ_j(1 + ρλ_j)|.

    USAM y = x + ρ∇f(x), x ← x − γ∇f(y) on ½xᵀHx multiplies eigen-coordinate j by 1 − γλ_j(1 + ρλ_j)
    (effective curvature λ_j(1 + ρλ_j) [derived]; the multipliers are
    :func:`samlab.theory.linearization.usam_multipliers`). ``eigenvalues``: (..., d), last axis the
    spectrum; ``lr`` (γ) and ``rho`` (ρ) broadcast against the leading axes. < 1: linear convergence.
    """
    eig = _eigs(eigenvalues)
    lr = _positive(lr, "lr")[..., None]
    rho = _nonnegative(rho, "rho")[..., None]
    m = np.asarray(usam_multipliers(lr, rho, eig))
    return _out(np.max(np.abs(m), axis=-1))
