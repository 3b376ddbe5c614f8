"""Kim, Park, Choi & Lee 2023 ("Stability Analysis of Sharpness-Aware Minimization"): closed forms.

The closed forms specific to that paper's checks; the shared ones live in
:mod:`samlab.theory.linearization` (Theorem 1, step limits) and :mod:`samlab.theory.diffusion`
(Theorem 2, Corollary 1, Theorem 3 as transcribed). The paper's instances and run protocols (random
saddles, escape times, the official Beale settings and stopping rule) are in
:mod:`samlab.setups.kim_2023`.

- :func:`minibatch_covariance`: the SDE noise covariance C = (1/B)[H]⁺.
- :func:`usam_discrete_step_limit`, :func:`usam_stability_margin`: when discrete USAM is attracted
  to a critical point.
- :func:`sam_saddle_cycle_multiplier`, :func:`sam_saddle_cycle_limit`: normalized SAM's 2-cycle at a
  saddle and the contraction of the unstable coordinate on it.
- :func:`accumulated_cycle_amplitude`, :func:`accumulated_cycle_multiplier`: the same for the update
  of the official x² − y² demo, which adds ∇f(w) to ∇f(w^p) (no ``zero_grad`` between the calls).
- :func:`usam_same_sample_variance`: exact variance of real stochastic USAM (one minibatch for both
  calls) along an eigen-direction, the discrete update that Theorem 2's model SDE approximates.
- :func:`usam_matching_momentum`, :func:`theorem3_matching_momentum`: the momentum with which SAM
  diffuses like SGD.
- :func:`heavy_ball_model_msd`, :func:`heavy_ball_model_msd_batch`: exact variance of heavy-ball
  momentum on the model SDE (Theorem 3), for one setting or many at once.
- :func:`beale_saddle`: the Beale saddle (0, 1) derived with sympy.

Theorem statements are known from a secondary summary of the paper, not checked against its text;
every formula here is derived and checked numerically [derived].
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from .diffusion import momentum_diffusion_as_transcribed, sgd_diffusion_variance
from .linearization import linearization_exprs, linearization_symbols, sam_objective_rates
from ._common import _arr, _eigs, _lambdify, _nonnegative, _out, _positive
from .quadratic_cycle import cycle_amplitude_expr, cycle_symbols

__all__ = [
    "minibatch_covariance",
    "usam_discrete_step_limit",
    "usam_stability_margin",
    "sam_saddle_cycle_multiplier",
    "sam_saddle_cycle_limit",
    "sam_saddle_cycle_exprs",
    "accumulated_cycle_exprs",
    "accumulated_cycle_amplitude",
    "accumulated_cycle_multiplier",
    "usam_same_sample_variance",
    "usam_matching_momentum",
    "theorem3_matching_momentum",
    "heavy_ball_model_msd",
    "heavy_ball_model_msd_batch",
    "beale_saddle",
]


def minibatch_covariance(H, batch_size=1.0) -> np.ndarray:
    """C = Q|Λ|Qᵀ/B for H = QΛQᵀ: the SDE noise covariance of Kim et al. 2023 (C ≈ (1/B)[H]⁺).

    The stochastic SAM SDE of Theorem 2: [H]⁺ is the positive version Q|Λ|Qᵀ (the Fisher ≈ Hessian
    approximation; read off the theorem's |λ_j| [derived]); B → ``batch_size``. Per-step minibatch noise ξ ~ N(0, C) added to
    the gradient then gives the noise η√C·ξ of the SDE with Δt = η. ``H``: (d, d) or (..., d, d).
    """
    H = _arr(H, "H")
    B = _positive(batch_size, "batch_size")
    if H.ndim < 2 or H.shape[-1] != H.shape[-2]:
        raise ValueError(f"H must be square, got shape {H.shape}")
    w, V = np.linalg.eigh(H)
    C = np.einsum("...ik,...k,...jk->...ij", V, np.abs(w), V)
    return C / np.asarray(B, dtype=float)[..., None, None] if B.ndim else C / float(B)


# ----------------------------------------------------------------------------- discrete USAM limits

@functools.cache
def _step_limit_fn():
    _, rho, lam, _, _ = linearization_symbols()
    return _lambdify((rho, lam), linearization_exprs()["usam_step_limit"])


def usam_stability_margin(lr, rho, eigenvalues):
    """max_j |1 − ηλ_j(1 + ρλ_j)|: the USAM map attracts the critical point iff this is < 1.

    Discrete form of Theorem 1 [derived]; multipliers from
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
    gives 1/3 [derived]; for a negative λ_j it reads 2/(|λ_j|(ρ|λ_j| − 1)).
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
    """Sympy [derived]: normalized SAM near a saddle with eigenvalues λ₊ > 0 > λ₋ (Kim et al. 2023).

    On the 2-cycle ±a₊ along the λ₊ eigenvector, a₊ = ηρλ₊/(2 − ηλ₊) (SAM's 2-cycle on a quadratic,
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

    (:func:`sam_saddle_cycle_exprs`). Independent of ρ. η → ``lr``,
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


# ----------------------------------------------------------------------------- the official demo's rule

@functools.cache
def accumulated_cycle_exprs():
    """Sympy [derived]: the update of the official x² − y² demo near a saddle (λ₊ > 0 > λ₋ = −μ).

    The demo (Harry24k/sam-saddle, ``sam_stability/saddle/demo.py`` [official code]) calls
    ``backward()`` at w and at w^p = w + ρ∇f(w)/‖∇f(w)‖ without ``zero_grad()`` in between, so it
    steps along the accumulated gradient: w⁺ = w − η(∇f(w) + ∇f(w^p)). On the λ₊ eigenvector
    (y = 0, x > 0) this is φ(x) = x − η(λ₊x + λ₊(x + ρ)); the 2-cycle φ(a) = −a gives

        a_acc = ηρλ₊/(2 − 2ηλ₊)          (x² − y², η = 0.01, ρ = 0.5: 0.0051020; pure SAM 0.0050505).

    Linearizing the unstable coordinate on that cycle (‖∇f‖ = G = λ₊a_acc, the perturbation's
    y-component ρλ₋y/G) gives the per-step multiplier

        m_acc = 1 + 2η|λ₋| − |λ₋|²(2 − 2ηλ₊)/λ₊²        (ρ cancels; x² − y²: −0.92).

    Returns a dict of sympy expressions ``amplitude``, ``multiplier`` of (η, ρ, λ₊, μ) = ``symbols``.
    """
    eta, rho, lp, mu = sp.symbols("eta rho lambda_plus mu", positive=True)
    x, y, G = sp.symbols("x y G", positive=True)
    step = x - eta * (lp * x + lp * (x + rho))
    (amp,) = sp.solve(sp.Eq(step, -x), x)
    y_next = y - eta * (-mu * y + (-mu) * (y + rho * (-mu) * y / G))
    mult = sp.expand(sp.simplify((y_next / y).subs(G, lp * amp)))
    return {"amplitude": sp.simplify(amp), "multiplier": mult, "symbols": (eta, rho, lp, mu)}


@functools.cache
def _accumulated_fns():
    ex = accumulated_cycle_exprs()
    eta, rho, lp, mu = ex["symbols"]
    if ex["multiplier"].has(rho):  # pragma: no cover - derivation guard
        raise RuntimeError("the accumulated-rule multiplier should not depend on rho")
    return _lambdify((eta, rho, lp), ex["amplitude"]), _lambdify((eta, lp, mu), ex["multiplier"])


def accumulated_cycle_amplitude(lr, rho, lam_plus):
    """a_acc = ηρλ₊/(2 − 2ηλ₊): the x-orbit of the official demo's accumulated update [derived].

    (:func:`accumulated_cycle_exprs`.) η → ``lr`` (ηλ₊ < 1), ρ → ``rho``, λ₊ → ``lam_plus``; broadcast.
    """
    lr, lp = _positive(lr, "lr"), _positive(lam_plus, "lam_plus")
    rho = _nonnegative(rho, "rho")
    if np.any(lr * lp >= 1):
        raise ValueError("lr·lam_plus must be < 1 (otherwise the accumulated rule has no bounded cycle)")
    shape = np.broadcast_shapes(lr.shape, rho.shape, lp.shape)
    return _out(np.array(np.broadcast_to(_accumulated_fns()[0](lr, rho, lp), shape), dtype=float))


def accumulated_cycle_multiplier(lr, lam_plus, lam_minus):
    """m_acc = 1 + 2η|λ₋| − |λ₋|²(2 − 2ηλ₊)/λ₊²: the unstable coordinate on the accumulated cycle.

    (:func:`accumulated_cycle_exprs` [derived].) η → ``lr``, λ₊ → ``lam_plus`` (ηλ₊ < 1),
    λ₋ → ``lam_minus`` (< 0); broadcast. x² − y² at η = 0.01: −0.92 (pure SAM: −0.96).
    """
    lr, lp = _positive(lr, "lr"), _positive(lam_plus, "lam_plus")
    lm = _arr(lam_minus, "lam_minus")
    if np.any(lm >= 0):
        raise ValueError(f"lam_minus must be < 0, got {lam_minus!r}")
    if np.any(lr * lp >= 1):
        raise ValueError("lr·lam_plus must be < 1")
    shape = np.broadcast_shapes(lr.shape, lp.shape, lm.shape)
    return _out(np.array(np.broadcast_to(_accumulated_fns()[1](lr, lp, -lm), shape), dtype=float))


# ----------------------------------------------------------------------------- real stochastic USAM

def usam_same_sample_variance(lam, lr, rho, batch_size, steps):
    """Exact E z_k² (k = 1 … steps) of real stochastic USAM along an eigen-direction, from z_0 = 0.

    With one minibatch for both gradient calls, ∇ℓ_B = λz + ξ, ξ ~ N(0, |λ|/B) (the noise of Kim et
    al.'s SDE, C = |H|/B), USAM moves by z⁺ = z − η(1 + ρλ)(λz + ξ), so [derived]

        E z_k² = η²(1 + ρλ)²(|λ|/B)·Σ_{i<k} r^{2i},   r = 1 − ηλ(1 + ρλ).

    Compared with Theorem 2's model (drift λ(1 + ρλ)², noise not multiplied by 1 + ρλ) its noise is
    smaller by (1 + ρλ)² at small t (0.64 at ρ = 0.2, 0.25 at ρ = 0.5 for λ = −1) and its growth
    rate |λ|(1 + ρλ) larger. λ → ``lam``, η → ``lr``, ρ → ``rho``, B → ``batch_size`` (scalars);
    returns (steps,), entry k − 1 after k steps.
    """
    lam = float(_arr(lam, "lam"))
    lr, B = float(_positive(lr, "lr")), float(_positive(batch_size, "batch_size"))
    rho = float(_nonnegative(rho, "rho"))
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    c = 1.0 + rho * lam
    u = lr * lam * c  # r = 1 − u
    k = np.arange(1, int(steps) + 1, dtype=float)
    r2m1 = -u * (2.0 - u)  # r² − 1, without cancellation
    if r2m1 == 0.0:
        geo = k
    else:
        geo = np.expm1(2.0 * k * np.log1p(-u)) / r2m1
    return lr * lr * c * c * abs(lam) / B * geo


# ----------------------------------------------------------------------------- momentum to match SGD

def usam_matching_momentum(rho, lam_minus):
    """γ* = ρ|λ₋|: heavy-ball momentum with which stochastic USAM diffuses like SGD without it.

    Derived (effective step, valid for η|λ|/(1−γ)² ≪ 1): with the same minibatch at both calls USAM
    moves along λ₋ by −η(1 + ρλ₋)(λ₋z + ξ); momentum γ rescales the step to η/(1 − γ), so the update
    equals SGD's −η(λ₋z + ξ) iff (1 + ρλ₋)/(1 − γ) = 1, i.e. γ = −ρλ₋ (requires ρ|λ₋| < 1;
    Kim et al. 2023's 'larger ρ needs larger momentum' [derived]). ρ → ``rho``, λ₋ → ``lam_minus`` (< 0).
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
    (larger ρ needs larger momentum). Root by scipy.optimize.brentq on γ ∈ [0, 0.999]; NaN when SAM
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


# ----------------------------------------------------------------------------- Theorem 2/3 model

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


def heavy_ball_model_msd_batch(lam, lr, rho, batch_size, momentum, steps):
    """:func:`heavy_ball_model_msd` for many settings at once: (steps,) + the broadcast shape.

    The same covariance recursion S ← A S Aᵀ + (|λ|/B) b bᵀ (A = [[1 − ηa, −ηγ], [a, γ]], b = (−η, 1),
    a = λ(1 + ρλ)², [derived]) written on the three entries of S, each an array over the settings;
    the one Python loop runs over the steps. λ → ``lam``, η → ``lr``, ρ → ``rho``,
    B → ``batch_size``, γ → ``momentum`` ∈ [0, 1) broadcast together; entry k − 1 at time kη.
    """
    lam = _arr(lam, "lam")
    lr, B = _positive(lr, "lr"), _positive(batch_size, "batch_size")
    rho, gm = _nonnegative(rho, "rho"), _nonnegative(momentum, "momentum")
    if np.any(gm >= 1):
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    lam, lr, rho, B, gm = np.broadcast_arrays(lam, lr, rho, B, gm)
    a = lam * (1.0 + rho * lam) ** 2
    a00, a01, a10, a11 = 1.0 - lr * a, -lr * gm, a, gm
    q = np.abs(lam) / B
    zz = np.zeros(lam.shape)
    zv = np.zeros(lam.shape)
    vv = np.zeros(lam.shape)
    out = np.empty((int(steps),) + lam.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(int(steps)):
            zz, zv, vv = (a00 * a00 * zz + 2.0 * a00 * a01 * zv + a01 * a01 * vv + q * lr * lr,
                          a00 * a10 * zz + (a00 * a11 + a01 * a10) * zv + a01 * a11 * vv - q * lr,
                          a10 * a10 * zz + 2.0 * a10 * a11 * zv + a11 * a11 * vv + q)
            out[k] = zz
    return out


# ----------------------------------------------------------------------------- Beale

@functools.cache
def beale_saddle():
    """The Beale saddle derived with sympy: point (0, 1), f = 909/64, Hessian [[0, 111/4], [111/4, 0]].

    Returns a dict: ``point`` (2,), ``value`` (14.203125), ``eigenvalues`` (−27.75, 27.75),
    ``eigenvectors`` (columns (1, −1)/√2 and (1, 1)/√2), exact sympy values under ``exact``.
    Checks that ∇f vanishes there exactly [derived] (the saddle where SAM gets stuck in Kim et al.
    2023's Beale figure).
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


