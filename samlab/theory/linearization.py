"""USAM and SAM linearized at a critical point: multipliers, flow rates, attraction (Kim et al.).

At a critical point d with Hessian H = QΛQᵀ, z = Qᵀ(w − d) and ∇ℓ(w) ≈ H(w − d), each
eigen-direction j (eigenvalue λ_j → ``eigenvalues``) evolves on its own (Kim et al. 2023,
the mechanism of Theorem 1 [derived]):

    USAM map   w ← w − η∇ℓ(w + ρ∇ℓ(w)):   z_j ← (1 − ηλ_j(1 + ρλ_j)) z_j
    USAM flow  ẇ = −∇ℓ(w + ρ∇ℓ(w)):       ż_j = −λ_j(1 + ρλ_j) z_j
    SAM objective flow ẇ = −∇[ℓ(w + ρ∇ℓ(w))]: ż_j = −λ_j(1 + ρλ_j)² z_j  (Theorem 2's drift)
    normalized SAM, ‖∇ℓ‖ held fixed:      z_j ← (1 − ηλ_j(1 + ρλ_j/‖∇ℓ‖)) z_j

η → ``lr``, ρ → ``rho``. Each closed form is derived with sympy on ℓ(z) = ½λz² at first use
(cached) and evaluated by a lambdified, vectorized function. Elementwise functions broadcast all
arguments like NumPy; functions that reduce over a spectrum (``usam_attracts``,
``usam_flow_attracts``, ``attraction_threshold``) take it on the last axis of ``eigenvalues`` and
broadcast the hyperparameters against the leading axes.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from ._common import _arr, _eigs, _lambdify, _nonnegative, _out, _positive

__all__ = [
    "usam_multipliers",
    "usam_flow_rates",
    "sam_objective_rates",
    "sam_multipliers",
    "sam_negative_multiplier",
    "usam_attracts",
    "usam_flow_attracts",
    "attraction_threshold",
    "usam_step_limit",
    "linearization_symbols",
    "linearization_exprs",
]


@functools.cache
def linearization_symbols():
    """Sympy symbols (η, ρ, λ, G, z) = (lr, rho, eigenvalue, ‖∇ℓ‖, eigen-coordinate)."""
    eta, rho, G = sp.symbols("eta rho G", positive=True)
    lam, z = sp.symbols("lambda z", real=True)
    return eta, rho, lam, G, z


@functools.cache
def linearization_exprs():
    """Sympy derivations on the 1-D model ℓ(z) = ½λz² (dict of expressions) [derived].

    - ``usam_multiplier``: d/dz of z − η ℓ'(z + ρℓ'(z))  →  1 − ηλ(1 + ρλ)
    - ``usam_flow_rate``: −d/dz of the flow field −ℓ'(z + ρℓ'(z))  →  λ(1 + ρλ)
    - ``sam_objective_rate``: d²/dz² ℓ(z + ρℓ'(z))  →  λ(1 + ρλ)²
    - ``sam_multiplier``: d/dz of z − ηℓ'(z + ρℓ'(z)/G) with G = ‖∇ℓ‖ fixed  →  1 − ηλ(1 + ρλ/G)
    - ``usam_step_limit``: the η solving ηλ(1 + ρλ) = 2  →  2/(λ(1 + ρλ))
    - ``attraction_threshold``: the ρ solving λ(1 + ρλ) = 0 (λ < 0)  →  −1/λ = 1/|λ|
    """
    eta, rho, lam, G, z = linearization_symbols()

    def loss(u):
        return lam * u**2 / 2

    def dloss(u):
        return sp.diff(loss(z), z).subs(z, u)

    usam_step = z - eta * dloss(z + rho * dloss(z))
    sam_step = z - eta * dloss(z + rho * dloss(z) / G)
    usam_rate = sp.factor(sp.diff(dloss(z + rho * dloss(z)), z))
    objective_rate = sp.factor(sp.diff(loss(z + rho * dloss(z)), z, 2))
    (step_limit,) = sp.solve(sp.Eq(eta * usam_rate, 2), eta)
    threshold = [s for s in sp.solve(sp.Eq(usam_rate, 0), rho) if s != 0]
    if len(threshold) != 1:  # pragma: no cover - derivation guard
        raise RuntimeError(f"unexpected attraction thresholds {threshold}")
    return {
        "usam_multiplier": sp.expand(sp.diff(usam_step, z)),
        "usam_flow_rate": usam_rate,
        "sam_objective_rate": objective_rate,
        "sam_multiplier": sp.expand(sp.diff(sam_step, z)),
        "usam_step_limit": sp.factor(step_limit),
        "attraction_threshold": sp.simplify(threshold[0]),
    }


@functools.cache
def _usam_multiplier_fn():
    eta, rho, lam, _, _ = linearization_symbols()
    return _lambdify((eta, rho, lam), linearization_exprs()["usam_multiplier"])


@functools.cache
def _rate_fns():
    _, rho, lam, _, _ = linearization_symbols()
    ex = linearization_exprs()
    return (_lambdify((rho, lam), ex["usam_flow_rate"]),
            _lambdify((rho, lam), ex["sam_objective_rate"]))


@functools.cache
def _sam_multiplier_fn():
    eta, rho, lam, G, _ = linearization_symbols()
    return _lambdify((eta, rho, lam, G), linearization_exprs()["sam_multiplier"])


@functools.cache
def _step_limit_fn():
    _, rho, lam, _, _ = linearization_symbols()
    return _lambdify((rho, lam), linearization_exprs()["usam_step_limit"])


@functools.cache
def _threshold_fn():
    _, _, lam, _, _ = linearization_symbols()
    return _lambdify((lam,), linearization_exprs()["attraction_threshold"])


def _float_result(fn, *args):
    """fn(*args) as float64 with the broadcast shape of the arguments (a constant expression too)."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in args))
    return _out(np.array(np.broadcast_to(np.asarray(fn(*args), dtype=np.float64), shape)))


def usam_multipliers(lr, rho, eigenvalues):
    """Per-step multipliers of the USAM map at a critical point: 1 − ηλ_j(1 + ρλ_j).

    Linearization of USAM at a saddle (Kim et al. 2023 [derived]). η → ``lr``, ρ → ``rho``,
    λ_j → ``eigenvalues`` (all broadcast). |multiplier| < 1: direction j contracts.
    """
    lr, rho, eig = _positive(lr, "lr"), _nonnegative(rho, "rho"), _arr(eigenvalues, "eigenvalues")
    return _float_result(_usam_multiplier_fn(), lr, rho, eig)


def usam_flow_rates(rho, eigenvalues):
    """Rates of the USAM gradient flow ẇ = −∇ℓ(w + ρ∇ℓ(w)) at a critical point: λ_j(1 + ρλ_j).

    ż_j = −rate_j·z_j; the effective Hessian is Λ + ρΛ² (Kim et al. 2023, the mechanism of
    Theorem 1; form [derived]). ρ → ``rho``, λ_j → ``eigenvalues`` (broadcast).
    """
    rho, eig = _nonnegative(rho, "rho"), _arr(eigenvalues, "eigenvalues")
    return _float_result(_rate_fns()[0], rho, eig)


def sam_objective_rates(rho, eigenvalues):
    """Rates of the flow on the SAM objective ℓ(w + ρ∇ℓ(w)) at a critical point: λ_j(1 + ρλ_j)².

    Its gradient is (I + ρH)∇ℓ(w + ρ∇ℓ(w)); this is the drift of Kim et al. 2023's Theorem 2 model
    SDE [derived from the theorem's variance formula], not the drift λ(1 + ρλ) of the discrete SAM
    update.
    ρ → ``rho``, λ_j → ``eigenvalues`` (broadcast).
    """
    rho, eig = _nonnegative(rho, "rho"), _arr(eigenvalues, "eigenvalues")
    return _float_result(_rate_fns()[1], rho, eig)


def sam_multipliers(lr, rho, eigenvalues, grad_norm):
    """Normalized-SAM per-step multipliers with ‖∇ℓ‖ held fixed: 1 − ηλ_j(1 + ρλ_j/‖∇ℓ‖).

    y = w + ρ∇ℓ/‖∇ℓ‖ on the linearized loss acts like USAM with radius ρ/‖∇ℓ‖ (normalized SAM at a
    saddle, Kim et al. 2023 [derived]); valid while ‖∇ℓ‖ (→ ``grad_norm`` > 0) changes little over a step,
    e.g. on the 2-cycle near a saddle where ‖∇ℓ‖ = λ₊a₊. η → ``lr``, ρ → ``rho``, λ_j → ``eigenvalues``.
    """
    lr, rho = _positive(lr, "lr"), _nonnegative(rho, "rho")
    eig, G = _arr(eigenvalues, "eigenvalues"), _positive(grad_norm, "grad_norm")
    return _float_result(_sam_multiplier_fn(), lr, rho, eig, G)


def sam_negative_multiplier(lr, rho, lam_minus, grad_norm):
    """Normalized-SAM multiplier along a negative-curvature direction: 1 + η|λ₋|(1 − ρ|λ₋|/‖∇ℓ‖).

    Normalized SAM at a saddle (Kim et al. 2023 [derived]): contracting (|·| < 1) when ‖∇ℓ‖ is small
    compared with
    ρ|λ₋|, e.g. −1 + 2ηλ on the saddle orbit when |λ₋| = λ₊ = λ. η → ``lr``, ρ → ``rho``,
    λ₋ → ``lam_minus`` (< 0), ‖∇ℓ‖ → ``grad_norm`` (> 0). Same as :func:`sam_multipliers` at λ₋.
    """
    lam_minus = _arr(lam_minus, "lam_minus")
    if np.any(lam_minus >= 0):
        raise ValueError(f"lam_minus must be < 0 (a negative eigenvalue), got {lam_minus!r}")
    return sam_multipliers(lr, rho, lam_minus, grad_norm)


def usam_attracts(lr, rho, eigenvalues):
    """Whether the discrete USAM map makes the critical point locally asymptotically stable.

    True iff 0 < ηλ_j(1 + ρλ_j) < 2 for every j, i.e. every multiplier 1 − ηλ_j(1 + ρλ_j) lies in
    (−1, 1): for λ_j < 0 this needs ρ|λ_j| > 1 and η|λ_j|(ρ|λ_j| − 1) < 2; for λ_j > 0,
    ηλ_j(1 + ρλ_j) < 2 (discrete form of Kim et al. 2023's Theorem 1 [derived]). ``eigenvalues``: (..., d)
    spectrum on the last axis; ``lr`` (η), ``rho`` (ρ) broadcast against the leading axes.
    """
    eig = _eigs(eigenvalues)
    lr = _positive(lr, "lr")[..., None]
    rho = _nonnegative(rho, "rho")[..., None]
    m = _usam_multiplier_fn()(lr, rho, eig)
    return _out(np.all((m > -1.0) & (m < 1.0), axis=-1))


def usam_flow_attracts(rho, eigenvalues):
    """Whether the USAM gradient flow attracts the critical point: λ_j(1 + ρλ_j) > 0 for all j.

    Kim et al. 2023, Theorem 1 (stated for an index-1 saddle; index-k form [derived]): a saddle becomes an
    attractor once ρ|λ_j| > 1 for every negative λ_j. Zero eigenvalues are neutral (never attracting).
    ``eigenvalues``: (..., d) on the last axis; ``rho`` (ρ) broadcasts against the leading axes.
    """
    eig = _eigs(eigenvalues)
    rho = _nonnegative(rho, "rho")[..., None]
    return _out(np.all(_rate_fns()[0](rho, eig) > 0, axis=-1))


def attraction_threshold(eigenvalues):
    """Kim et al. Theorem 1 threshold ρ* = 1/min_{λ_j<0}|λ_j| (index-k saddle form [derived]).

    For ρ > ρ* the USAM flow attracts the critical point (if its positive eigenvalues stay
    positive: always); for ρ < ρ* some negative direction still repels. Obtained by solving
    λ(1 + ρλ) = 0 for ρ (→ −1/λ) and taking the largest over negative λ_j. 0.0 when there is no
    negative eigenvalue (a minimum attracts at every ρ ≥ 0). ``eigenvalues``: (..., d), last axis.
    """
    eig = _eigs(eigenvalues)
    neg = eig < 0
    per = np.where(neg, _threshold_fn()(np.where(neg, eig, -1.0)), 0.0)
    return _out(np.max(per, axis=-1))


def usam_step_limit(rho, lam_plus):
    """Largest stable USAM step along a positive direction: η < 2/(λ₊(1 + ρλ₊)).

    Discrete USAM at a critical point (Kim et al. 2023 [derived]; λ₊ = 2, ρ = 1 → 1/3); also the
    divergence threshold of USAM (λ = 0) in Oikonomou & Loizou 2025's Unified SAM [derived].
    ρ → ``rho``, λ₊ → ``lam_plus`` (> 0), broadcast.
    """
    rho, lam_plus = _nonnegative(rho, "rho"), _positive(lam_plus, "lam_plus")
    return _float_result(_step_limit_fn(), rho, lam_plus)
