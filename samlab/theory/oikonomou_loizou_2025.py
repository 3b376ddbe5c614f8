r"""Unified SAM (Oikonomou & Loizou 2025): step sizes, ER constants, schedules and closed forms.

Unified SAM with a sampling vector v (one shared sample per step; γ → ``lr``, ρ → ``rho``, λ → ``lam``):

    e^t = x^t + ρ(1 − λ + λ/‖∇f_v(x^t)‖)∇f_v(x^t),    x^{t+1} = x^t − γ∇f_v(e^t).

Noise assumption (expected residual, second-moment form, the paper's §Assumptions):

    E_v‖∇f_v(x)‖² ≤ 2A(f(x) − f*) + B‖∇f(x)‖² + C,    C = 2AΔ^inf,  Δ^inf = f* − (1/n)Σ_i f_i^inf.

Symbols → arguments: L → ``L`` (smoothness used in the step sizes: L_max for single-sample runs,
λ_max(∇²f) for full batch), μ → ``mu`` (PL constant), A, B → ``A``, ``B``, λ → ``lam``.

Sources: the step-size conditions of Thm 3.2, the simplified closed form of the experiment driver and
the Thm 3.5 schedule are [official code] (dimitris-oik/unifiedsam, ``numpy_exps``; the older Thm 3.2
formula is confirmed by the same authors' dimitris-oik/sam_sps); the (A, B, C) constants are
[official code] for A, B and Khaled & Richtárik (2020) for C. The exact statements of Thm 3.2, 3.5
and 3.7 are not available to samlab: everything marked [derived] was derived for samlab and is
checked by tests/test_claims_oikonomou_loizou_2025.py. In particular the conclusion of Thm 3.2 with explicit
constants (:func:`thm32_one_step`, :func:`thm32_neighbourhood`, :func:`thm32_bound`) is derived from the one-step
analysis whose conditions are exactly the authors' ρ_max and γ_max, and :func:`sampled_stationary_point` gives
where a constant-step stochastic run settles (SAM's bias and the unweighted sampler's bias). The authors'
instances are built in :mod:`samlab.setups.oikonomou_loizou_2025`.
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from .. import schedules as _schedules
from ..sampling import Sampling
from ._common import _arr, _nonnegative, _out, _positive, _unit_interval

__all__ = [
    "descent_margin",
    "rho_max",
    "gamma_max",
    "thm32_steps",
    "simplified_steps",
    "guaranteed_factor",
    "thm32_conditions",
    "thm32_one_step",
    "thm32_neighbourhood",
    "thm32_bound",
    "thm35_lr",
    "thm35_rho",
    "thm35_schedules",
    "thm35_switch",
    "sam_sps_deterministic_usam",
    "sam_sps_stochastic_usam",
    "nice_constants",
    "single_element_constants",
    "with_replacement_constants",
    "er_constants_closed_form",
    "exact_second_moment",
    "er_bound",
    "unified_divergence_threshold",
    "unified_quadratic_factor",
    "unified_distance_bound",
    "er_constants_rows",
    "biased_minimizer_gap",
    "sampled_stationary_point",
]


# ----------------------------------------------------------------------------- Theorem 3.2

def _common(L, mu, A, B, lam):
    return (_positive(L, "L"), _positive(mu, "mu"), _nonnegative(A, "A"), _nonnegative(B, "B"),
            _unit_interval(lam, "lam"))


def descent_margin(rho, L, mu, A, B, lam):
    """N(ρ) = μ − Lρ[μ + 2(1−λ)²(Bμ + A)], the descent margin of Thm 3.2 [official code; derived].

    The conclusion of Thm 3.2 as reconstructed for samlab is E[f(x^t) − f*] ≤ (1 − γN)^t (f(x^0) − f*) + R
    (the paper states linear convergence to a neighbourhood; N and R are [derived]); N > 0 ⇔ ρ < ρ_max(λ).
    At ρ = ρ_max/2, N = μ/2.
    """
    rho = _nonnegative(rho, "rho")
    L, mu, A, B, lam = _common(L, mu, A, B, lam)
    return _out(mu - L * rho * (mu + 2.0 * (1.0 - lam) ** 2 * (B * mu + A)))


def rho_max(L, mu, A, B, lam):
    """ρ_max(λ) = μ / (L[μ + 2(1−λ)²(Bμ + A)]) (Thm 3.2 step-size condition ρ < ρ_max) [official code].

    Increasing in λ; ρ_max(1) = 1/L whatever A and B [derived]. The root of
    :func:`descent_margin` in ρ (checked with sympy in the tests).
    """
    L, mu, A, B, lam = _common(L, mu, A, B, lam)
    return _out(mu / (L * (mu + 2.0 * (1.0 - lam) ** 2 * (B * mu + A))))


def gamma_max(rho, L, mu, A, B, lam):
    """γ_max(ρ, λ) = (μ − Lρ[μ + 2(1−λ)²(Bμ + A)]) / (2L(Bμ + A)(1 + 2L²ρ²(1−λ)²)) [official code].

    The Thm 3.2 condition γ ≤ γ_max (the "older formula" of the official driver, confirmed by the
    sam_sps follow-up). Negative where ρ ≥ ρ_max. Increasing in λ at fixed ρ. Needs Bμ + A > 0
    (every sampling of :func:`er_constants_closed_form` has it; full batch is (A, B) = (0, 1)).
    """
    rho = _nonnegative(rho, "rho")
    L, mu, A, B, lam = _common(L, mu, A, B, lam)
    s = B * mu + A
    if np.any(s <= 0):
        raise ValueError("A and B must give Bμ + A > 0")
    num = mu - L * rho * (mu + 2.0 * (1.0 - lam) ** 2 * s)
    return _out(num / (2.0 * L * s * (1.0 + 2.0 * L**2 * rho**2 * (1.0 - lam) ** 2)))


def thm32_steps(L, mu, A, B, lam, rho_fraction=0.5):
    """(ρ, γ) = (f·ρ_max(λ), γ_max(f·ρ_max, λ)), f = ``rho_fraction`` ∈ (0, 1) [official code].

    The authors' "older formula" takes f = 1/2 (then N = μ/2 and the guaranteed factor is 1 − γμ/2);
    it produced the saved figures of experiment (c).
    """
    frac = _arr(rho_fraction, "rho_fraction")
    if np.any((frac <= 0) | (frac >= 1)):
        raise ValueError(f"rho_fraction must lie in (0, 1), got {rho_fraction!r}")
    rho = frac * np.asarray(rho_max(L, mu, A, B, lam))
    return _out(rho), gamma_max(rho, L, mu, A, B, lam)


def simplified_steps(L, mu, A, B, lam):
    """Closed form of the current driver ("the closed-form ρ*, γ* from Theorem 3.2") [official code]:

        ρ = min{1, μ/(2(Bμ + A)(1−λ)²)} / (4L)   (ρ = 1/(4L) at λ = 1),
        γ = min{2, μ/(8(Bμ + A))} / L.

    It satisfies the Thm 3.2 conditions: Lρ[μ + 2(1−λ)²(Bμ+A)] ≤ μ/2 and 2L²ρ²(1−λ)² ≤ 1/8, hence
    γ ≤ γ_max and N ≥ μ/2 [derived, checked on grids in the tests].
    """
    L, mu, A, B, lam = _common(L, mu, A, B, lam)
    s = B * mu + A
    if np.any(s <= 0):
        raise ValueError("A and B must give Bμ + A > 0")
    with np.errstate(divide="ignore"):
        ratio = np.where(lam == 1.0, np.inf, mu / (2.0 * s * np.where(lam == 1.0, 1.0, 1.0 - lam) ** 2))
    rho = np.minimum(1.0, ratio) / (4.0 * L)
    gamma = np.minimum(2.0, mu / (8.0 * s)) / L
    return _out(rho), _out(np.broadcast_to(gamma, np.broadcast(rho, gamma).shape))


def guaranteed_factor(lr, rho, L, mu, A, B, lam):
    """Per-step contraction 1 − γN(ρ) of the linear term of Thm 3.2 (reconstructed, see :func:`descent_margin`) [derived].

    The measured contraction of E[f − f*] over the linear phase must be at least this fast.
    """
    lr = _positive(lr, "lr")
    return _out(1.0 - lr * np.asarray(descent_margin(rho, L, mu, A, B, lam)))


def thm32_conditions(lr, rho, L, mu, A, B, lam):
    """True where (γ, ρ) satisfy the Thm 3.2 step-size conditions ρ < ρ_max(λ) and γ ≤ γ_max(ρ, λ)
    [official code] (elementwise; needs Bμ + A > 0)."""
    lr, rho = _positive(lr, "lr"), _nonnegative(rho, "rho")
    ok = (rho < np.asarray(rho_max(L, mu, A, B, lam))) & (lr <= np.asarray(gamma_max(rho, L, mu, A, B, lam)))
    return _out(ok)


def thm32_one_step(lr, rho, L, mu, A, B, C, lam):
    r"""(q, R₁) of the one-step inequality E[δ_{t+1}] ≤ q δ_t + R₁, δ = f − f*, of Unified SAM under the
    Thm 3.2 assumptions [derived]:

        q  = 1 − γ(μ + N − 2L(Bμ + A)γK),    K = 1 + 2L²ρ²(1−λ)²,    N = descent_margin,
        R₁ = [γLρ(1−λ)² + Lγ²K]·C + γLρλ² + 2L³γ²ρ²λ².

    Derivation (f L-smooth and μ-PL, every f_v L-smooth, ER with (A, B, C); L is the smoothness used in
    the step sizes, L_max for sampled gradients): with g = ∇f_v(x) and d = ∇f_v(e) − g, ‖d‖ ≤
    Lρ((1−λ)‖g‖ + λ), so ‖d‖² ≤ 2L²ρ²(1−λ)²‖g‖² + 2L²ρ²λ². The descent lemma, Young's inequality
    −⟨∇f, d⟩ ≤ (Lρ/2)‖∇f‖² + ‖d‖²/(2Lρ), ‖∇f_v(e)‖² ≤ 2‖g‖² + 2‖d‖², the ER bound on E‖g‖² and PL
    (‖∇f‖² ≥ 2μδ, its coefficient being negative under the conditions) give the inequality. The
    conditions of Thm 3.2 are exactly what makes it contract: N > 0 ⇔ ρ < ρ_max and γ ≤ γ_max ⇔
    2L(Bμ + A)γK ≤ N, hence q ≤ 1 − γμ ≤ 1 − γN = :func:`guaranteed_factor`. The Young weight Lρ/2 is
    the one that produces the Lρμ term of ρ_max, so these are the constants of the authors' analysis
    as far as the step-size formulas reveal it; the paper's own neighbourhood term is not available to
    samlab.
    """
    lr = _positive(lr, "lr")
    rho = _nonnegative(rho, "rho")
    C = _nonnegative(C, "C")
    L, mu, A, B, lam = _common(L, mu, A, B, lam)
    K = 1.0 + 2.0 * L**2 * rho**2 * (1.0 - lam) ** 2
    N = np.asarray(descent_margin(rho, L, mu, A, B, lam))
    q = 1.0 - lr * (mu + N - 2.0 * L * (B * mu + A) * lr * K)
    R1 = (lr * L * rho * (1.0 - lam) ** 2 + L * lr**2 * K) * C + lr * L * rho * lam**2 \
        + 2.0 * L**3 * lr**2 * rho**2 * lam**2
    return _out(q), _out(R1)


def thm32_neighbourhood(lr, rho, L, mu, A, B, C, lam):
    r"""R = R₁/(γN): the neighbourhood term of Thm 3.2 as reconstructed for samlab [derived].

    With the factor 1 − γN of :func:`guaranteed_factor` (q ≤ 1 − γN, see :func:`thm32_one_step`),
    unrolling E[δ_{t+1}] ≤ q δ_t + R₁ gives E[δ_t] ≤ (1 − γN)^t δ_0 + R(1 − (1 − γN)^t) ≤ (1 − γN)^t δ_0 + R.
    R = 0 exactly when C = 0 and λ = 0 (deterministic or interpolating USAM converges exactly).
    Valid under the step-size conditions (:func:`thm32_conditions`); N ≤ 0 is a ValueError.
    """
    N = np.asarray(descent_margin(rho, L, mu, A, B, lam))
    if np.any(N <= 0):
        raise ValueError("rho must satisfy rho < rho_max(lam) (descent margin N > 0)")
    _, R1 = thm32_one_step(lr, rho, L, mu, A, B, C, lam)
    return _out(np.asarray(R1) / (np.asarray(lr) * N))


def thm32_bound(t, gap0, lr, rho, L, mu, A, B, C, lam):
    r"""E[f(x^t) − f*] ≤ (1 − γN)^t (f(x⁰) − f*) + R(1 − (1 − γN)^t): Thm 3.2 with samlab's
    reconstructed constants [derived] (linear convergence to a neighbourhood [paper; official code]).

    t → ``t`` (steps, any shape broadcasting with the hyperparameters), f(x⁰) − f* → ``gap0``; the factor
    is :func:`guaranteed_factor`, R is :func:`thm32_neighbourhood`. Valid under the conditions of
    :func:`thm32_conditions` for every L-smooth μ-PL f whose sampled gradients satisfy ER with (A, B, C).
    """
    t = _nonnegative(t, "t")
    gap0 = _nonnegative(gap0, "gap0")
    q = np.asarray(guaranteed_factor(lr, rho, L, mu, A, B, lam))
    if np.any(q < 0):
        raise ValueError("lr is too large for the guaranteed factor 1 − γN to be a contraction (1 − γN < 0)")
    R = np.asarray(thm32_neighbourhood(lr, rho, L, mu, A, B, C, lam))
    decay = q**t
    return _out(decay * gap0 + R * (1.0 - decay))


def sam_sps_deterministic_usam(L):
    """Deterministic USAM steps of the sam_sps baseline: ρ = 1/(6L), γ = (1 − 3Lρ)/(2L(2L²ρ² + 1)).

    [official code, sam_sps]; equals :func:`thm32_steps` with (A, B, λ) = (0, 1, 0) and any μ.
    """
    L = _positive(L, "L")
    rho = 1.0 / (6.0 * L)
    return _out(rho), _out((1.0 - 3.0 * L * rho) / (2.0 * L * (2.0 * L**2 * rho**2 + 1.0)))


def sam_sps_stochastic_usam(L_max, mu):
    """Single-sample USAM steps of the sam_sps baseline [official code, sam_sps]:
    ρ = μ/(2L_max(μ + 2L_max)), γ = (μ − L_max ρ(μ + 2L_max)) / (2L_max²(2L_max²ρ² + 1)).

    Equals :func:`thm32_steps` with (A, B, λ) = (L_max, 0, 0) and L = L_max.
    """
    Lm, mu = _positive(L_max, "L_max"), _positive(mu, "mu")
    rho = mu / (2.0 * Lm * (mu + 2.0 * Lm))
    return _out(rho), _out((mu - Lm * rho * (mu + 2.0 * Lm)) / (2.0 * Lm**2 * (2.0 * Lm**2 * rho**2 + 1.0)))


# ----------------------------------------------------------------------------- Theorem 3.5

def thm35_lr(k, lr, mu):
    """γ_k = min{γ, (2t+1)/((t+1)²μ)} with t = k − 1 (samlab's 1-based step k) [official code].

    The official loop counts t = 0, 1, … for the step x^t → x^{t+1}; samlab's step k maps x_{k−1} to
    x_k, so t = k − 1 and γ_k = min{γ, (2k−1)/(k²μ)}. O(1/k) after :func:`thm35_switch`.
    """
    k = np.asarray(k, dtype=float)
    t = k - 1.0
    return np.minimum(lr, (2.0 * t + 1.0) / ((t + 1.0) ** 2 * mu))


def thm35_rho(k, rho):
    """ρ_k = min{ρ, 1/(2t+1)} with t = k − 1, i.e. min{ρ, 1/(2k−1)} in samlab's steps [official code]."""
    k = np.asarray(k, dtype=float)
    return np.minimum(rho, 1.0 / (2.0 * (k - 1.0) + 1.0))


def thm35_schedules(lr, rho, mu):
    """samlab Schedules (γ_k, ρ_k) of Thm 3.5 from the constant Thm 3.2 values (γ, ρ) and μ.

    ``lr`` and ``rho`` may be (B,) arrays (one value per run); a per-run ``lr`` equal to +inf is not
    allowed, but a run may keep constant steps by using :func:`samlab.schedules.constant` instead.
    """
    lr, rho, mu = _positive(lr, "lr"), _nonnegative(rho, "rho"), _positive(mu, "mu")
    lr_s = _schedules.from_callable(lambda k: thm35_lr(k, lr, mu), f"min(γ, (2k−1)/(k²μ)), μ={float(np.mean(mu)):.4g}")
    rho_s = _schedules.from_callable(lambda k: thm35_rho(k, rho), "min(ρ, 1/(2k−1))")
    return lr_s, rho_s


@functools.cache
def _switch_expr():
    g, m, t = sp.symbols("gamma mu t", positive=True)
    roots = sp.solve(sp.Eq(g * m * (t + 1) ** 2, 2 * t + 1), t)
    # the larger root: where (2t+1)/((t+1)²μ) falls below γ for good
    return (g, m), sp.simplify(max(roots, key=lambda r: float(r.subs({g: 1e-3, m: 1e-2}))))


def thm35_switch(lr, mu):
    """Step t* (0-based, as in the official loop) after which γ_t = (2t+1)/((t+1)²μ) < γ [derived, sympy].

    Solves γμ(t+1)² = 2t + 1: t* = (1 + √(1 − γμ))/(γμ) − 1 ≈ 2/(μγ) (≈ 1.6·10⁵ in experiment (b)).
    """
    lr, mu = _positive(lr, "lr"), _positive(mu, "mu")
    if np.any(lr * mu >= 1):
        raise ValueError("lr·mu must be < 1 (otherwise the cap never binds after the first step)")
    (g, m), expr = _switch_expr()
    return _out(sp.lambdify((g, m), expr, "numpy")(lr, mu))


# ----------------------------------------------------------------------------- ER constants

def nice_constants(n, tau, L_max, delta_inf=0.0):
    """τ-nice sampling (τ of n without replacement): A = (n−τ)L_max/(τ(n−1)), B = n(τ−1)/(τ(n−1)),
    C = 2AΔ^inf [official code for A, B; Khaled & Richtárik 2020 for C]. τ = n gives (0, 1, 0).
    """
    n, tau = int(n), int(tau)
    if n < 1 or not 1 <= tau <= n:
        raise ValueError(f"tau must lie in [1, n={n}], got {tau}")
    if n == 1:
        return 0.0, 1.0, 0.0
    A = (n - tau) * float(L_max) / (tau * (n - 1))
    return A, n * (tau - 1) / (tau * (n - 1)), 2.0 * A * float(delta_inf)


def single_element_constants(L_i, p, delta_inf=0.0):
    """Single element drawn with probabilities p_i, reweighted by 1/(np_i): A = max_i L_i/(np_i), B = 0,
    C = 2AΔ^inf. Uniform p gives A = L_max; p_i ∝ L_i gives A = L̄ [official code; derived]."""
    L_i, p = _positive(L_i, "L_i"), _positive(p, "p")
    if L_i.shape != p.shape or L_i.ndim != 1:
        raise ValueError("L_i and p must be 1-D arrays of the same length")
    if abs(p.sum() - 1.0) > 1e-12:
        raise ValueError("p must sum to 1")
    A = float(np.max(L_i / (L_i.size * p)))
    return A, 0.0, 2.0 * A * float(delta_inf)


def with_replacement_constants(L_i, q, tau, delta_inf=0.0):
    """τ i.i.d. draws with probabilities q (reweighted): A = max_i L_i/(τnq_i), B = 1 − 1/τ, C = 2AΔ^inf
    (Khaled & Richtárik 2020)."""
    A, _, _ = single_element_constants(L_i, q)
    tau = int(tau)
    if tau < 1:
        raise ValueError("tau must be >= 1")
    return A / tau, 1.0 - 1.0 / tau, 2.0 * (A / tau) * float(delta_inf)


def er_constants_closed_form(problem, kind, tau=1):
    """(A, B, C) in closed form for ``kind`` ∈ {"uniform", "importance", "nice", "replace", "full"} on a
    finite-sum ``problem``: the functions above, computed independently of samlab.sampling.*.er_constants."""
    L_i = np.asarray(problem.L_i, dtype=float)
    n, delta = problem.n, problem.delta_inf
    if kind == "uniform":
        return single_element_constants(L_i, np.full(n, 1.0 / n), delta)
    if kind == "importance":
        return single_element_constants(L_i, L_i / L_i.sum(), delta)
    if kind == "nice":
        return nice_constants(n, tau, L_i.max(), delta)
    if kind == "replace":
        return with_replacement_constants(L_i, np.full(n, 1.0 / n), tau, delta)
    if kind == "full":
        return 0.0, 1.0, 0.0
    raise ValueError(f"kind must be uniform, importance, nice, replace or full, got {kind!r}")


def er_constants_rows(L_i, delta_inf, kind, tau=1):
    r"""(A, B, C) of ``kind`` ∈ {"uniform", "importance", "nice"} for many finite sums at once: ``L_i`` (S, n)
    smoothness constants of the components, ``delta_inf`` (S,) Δ^inf, τ → ``tau``; arrays (S,) [derived from the
    closed forms above: uniform A = max_i L_i, importance A = L̄ = mean_i L_i (B = 0), τ-nice
    A = (n−τ)max_i L_i/(τ(n−1)), B = n(τ−1)/(τ(n−1)); C = 2AΔ^inf]. The batched objective of the ER worst-case
    search; the reported worst instance is measured again with the sampling's own ``er_constants``.
    """
    L_i = np.atleast_2d(_positive(L_i, "L_i"))
    delta = _nonnegative(delta_inf, "delta_inf")
    n = L_i.shape[1]
    if kind == "uniform":
        A, B = L_i.max(axis=1), np.zeros(L_i.shape[0])
    elif kind == "importance":
        A, B = L_i.mean(axis=1), np.zeros(L_i.shape[0])
    elif kind == "nice":
        tau = int(tau)
        if not 1 <= tau <= n:
            raise ValueError(f"tau must lie in [1, n={n}], got {tau}")
        if n == 1:
            A, B = np.zeros(1), np.ones(1)
        else:
            A = (n - tau) * L_i.max(axis=1) / (tau * (n - 1))
            B = np.full(L_i.shape[0], n * (tau - 1) / (tau * (n - 1)))
    else:
        raise ValueError(f"kind must be uniform, importance or nice, got {kind!r}")
    return A, B, 2.0 * A * delta


def exact_second_moment(problem, sampling: Sampling, X):
    """Exact E_v‖∇f_v(x)‖² and E_v[∇f_v(x)] at the rows of X (B, d), by enumerating every outcome of
    ``sampling`` with its probability (``Sampling.outcomes``). Returns ((B,), (B, d))."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    m2 = np.zeros(X.shape[0])
    mean = np.zeros_like(X)
    total = 0.0
    for prob, idx, coef in sampling.outcomes(problem):
        g = problem.component_grad(X, np.broadcast_to(idx, (X.shape[0], idx.size)),
                                   np.broadcast_to(coef, (X.shape[0], coef.size)))
        m2 += prob * np.einsum("bi,bi->b", g, g)
        mean += prob * g
        total += prob
    if abs(total - 1.0) > 1e-12:
        raise ValueError(f"sampling outcomes' probabilities sum to {total}, not 1")
    return m2, mean


def er_bound(problem, X, A, B, C):
    """Right-hand side 2A(f(x) − f*) + B‖∇f(x)‖² + C at the rows of X."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    g = problem.grad(X)
    return 2.0 * A * (problem.value(X) - problem.f_star) + B * np.einsum("bi,bi->b", g, g) + C


# ----------------------------------------------------------------------------- stability

def unified_divergence_threshold(lr, h, lam=0.0):
    """ρ above which Unified SAM diverges on a quadratic of top curvature h [derived, algebra only]:

    the unnormalized part gives the linear map z ← (1 − γh(1 + ρ(1−λ)h))z, unstable once
    γh(1 + ρ(1−λ)h) > 2, i.e. ρ > (2/(γh) − 1)/((1−λ)h); the normalized part adds a bounded term.
    λ = 0 is USAM's threshold (2/(γh) − 1)/h (effective curvature h(1 + ρh)); +inf at λ = 1 (SAM) or
    γh ≥ 2 → 0. Not a statement of the paper: it explains why USAM needs the small ρ of Thm 3.2.
    """
    lr, h = _positive(lr, "lr"), _positive(h, "h")
    lam = _unit_interval(lam, "lam")
    with np.errstate(divide="ignore"):
        thr = (2.0 / (lr * h) - 1.0) / np.where(lam < 1, (1.0 - lam) * h, 0.0)
    return _out(np.where(lam < 1, np.maximum(thr, 0.0), np.inf))


def unified_quadratic_factor(lr, rho, lam, mu, h, *, gd_factor=False):
    r"""q = max(|φ(μ)|, |φ(h)|), φ(s) = 1 − γs − γρ(1−λ)s²: the contraction of the linear part of Unified SAM
    on a quadratic with spectrum in [μ, h] [derived].

    On f = ½(x − x*)ᵀH(x − x*), z = x − x*, the step is z⁺ = (I − γH − γρ(1−λ)H²)z − γρλ·H(Hz)/‖Hz‖. The linear
    part has eigenvalues φ(s_j); φ'(s) = −γ − 2γρ(1−λ)s < 0 on s ≥ 0, so |φ| is largest at an end of [μ, h] and
    ‖I − γH − γρ(1−λ)H²‖ ≤ q. q < 1 exactly when γh(1 + ρ(1−λ)h) < 2 (with μ > 0), i.e. below
    :func:`unified_divergence_threshold`. ``gd_factor=True`` drops the ρ(1−λ)s² term (plain GD's factor
    max(|1 − γμ|, |1 − γh|)): the control of the worst-case claim. γ → ``lr``, ρ → ``rho``, λ → ``lam``.
    """
    lr, rho, mu, h = _positive(lr, "lr"), _nonnegative(rho, "rho"), _positive(mu, "mu"), _positive(h, "h")
    lam = _unit_interval(lam, "lam")
    c = 0.0 if gd_factor else rho * (1.0 - lam)
    return _out(np.maximum(np.abs(1.0 - lr * mu - lr * c * mu**2), np.abs(1.0 - lr * h - lr * c * h**2)))


def unified_distance_bound(t, lr, rho, lam, mu, h, r0=1.0, *, gd_factor=False):
    r"""‖x_t − x*‖² ≤ (q^t r₀ + γρλh(1 − q^t)/(1 − q))² for Unified SAM on any quadratic with spectrum in [μ, h]
    from ‖x_0 − x*‖ ≤ r₀, q = :func:`unified_quadratic_factor` < 1 [derived].

    From z⁺ = (I − γH − γρ(1−λ)H²)z − γρλ·H(Hz)/‖Hz‖ (the normalized term is zero when Hz = 0): the first part
    has norm ≤ q‖z‖ and the second ≤ γρλh (‖Hu‖ ≤ h for a unit u), so ‖z_{t+1}‖ ≤ q‖z_t‖ + γρλh, unrolled.
    Attained: at λ = 0 along the eigenvector whose |φ| is q; for λ > 0 in 1-D along e_top when φ(h) ≤ −|φ(μ)|
    (z⁺ = φ(h)z − γρλh·sign z has |z⁺| = |φ(h)||z| + γρλh, the signs alternating). ``gd_factor``: see
    :func:`unified_quadratic_factor` (the control). t → ``t`` (broadcasts with the hyperparameters).
    """
    t = _nonnegative(t, "t")
    r0 = _nonnegative(r0, "r0")
    q = np.asarray(unified_quadratic_factor(lr, rho, lam, mu, h, gd_factor=gd_factor))
    if np.any(q >= 1):
        raise ValueError("the linear factor q must be < 1 (ρ(1−λ) below the divergence threshold and μ > 0)")
    decay = q**t
    drift = np.asarray(lr) * np.asarray(rho) * np.asarray(lam) * np.asarray(h) * (1.0 - decay) / (1.0 - q)
    return _out((decay * r0 + drift) ** 2)


# ----------------------------------------------------------------------------- importance sampling

def biased_minimizer_gap(problem) -> float:
    """f(x_p) − f*, x_p = argmin Σ_i p_i f_i with p_i ∝ L_i, on a least-squares/ridge finite sum [derived].

    The official importance-sampling option draws i with probability p_i but does not reweight ∇f_i by
    1/(np_i): it is SGD-type on Σ_i p_i f_i, so it stalls near x_p, at this gap. x_p solves
    (Σ_i p_i a_i a_iᵀ + reg·I) x = Σ_i p_i b_i a_i (``problem``: samlab LeastSquares).
    """
    from ..problems.finite_sums import LeastSquares

    if not isinstance(problem, LeastSquares):
        raise ValueError("problem must be a samlab LeastSquares")
    p = problem.L_i / problem.L_i.sum()
    A, b = problem.A, problem.b
    H = (A * p[:, None]).T @ A + problem.reg * np.eye(problem.dim)
    x_p = np.linalg.solve(H, A.T @ (p * b))
    return float(problem.value(x_p[None, :])[0] - problem.f_star)


def sampled_stationary_point(problem, rho, lam, *, weights=None, x_init=None):
    r"""Zero x̄ of the mean field F(x) = Σ_i p_i c_i ∇f_i(e_i(x)) of stochastic Unified SAM with one shared
    single-element sample [derived]: e_i = x + ρ(1 − λ + λ/‖c_i∇f_i(x)‖) c_i∇f_i(x).

    ``weights``: None for uniform sampling (p_i = 1/n, c_i = 1); "importance" for p_i ∝ L_i reweighted
    (c_i = 1/(np_i)); "unweighted" for p_i ∝ L_i without reweighting (c_i = 1, the official code). The
    expected step from x is −γF(x), so for small γ a constant-step run settles around x̄ and f(x̄) − f*
    is where it settles up to an O(γ) noise term: SAM's own bias (the zero of F is not x* once ρλ > 0
    and the samples disagree at x*) and, unweighted, the bias of sampling Σ p_i f_i, whose minimizer is
    x_p (:func:`biased_minimizer_gap`). Solved with scipy.optimize.root (hybr) from ``x_init`` (default:
    x* when reweighted or uniform, x_p when unweighted). Returns (x̄, f(x̄) − f*).
    """
    from scipy import optimize

    if not getattr(problem, "is_finite_sum", False):
        raise ValueError("problem must be a finite sum")
    rho = float(_nonnegative(rho, "rho"))
    lam = float(_unit_interval(lam, "lam"))
    n, d = problem.n, problem.dim
    if weights is None:
        p, c = np.full(n, 1.0 / n), np.ones(n)
    elif weights in ("importance", "unweighted"):
        p = np.asarray(problem.L_i, dtype=float) / np.sum(problem.L_i)
        c = 1.0 / (n * p) if weights == "importance" else np.ones(n)
    else:
        raise ValueError(f"weights must be None, 'importance' or 'unweighted', got {weights!r}")
    idx = np.arange(n)[:, None]
    coef = c[:, None]

    def field(x):
        X = np.broadcast_to(x, (n, d))
        G = problem.component_grad(X, idx, coef)
        norm = np.sqrt(np.einsum("ij,ij->i", G, G))
        scale = np.where(norm > 0, 1.0 - lam + lam / np.where(norm > 0, norm, 1.0), 0.0)
        E = X + rho * scale[:, None] * G
        return p @ problem.component_grad(E, idx, coef)

    if x_init is None:
        if weights == "unweighted" and hasattr(problem, "A"):  # least squares: start at x_p
            H = (problem.A * p[:, None]).T @ problem.A + problem.reg * np.eye(d)
            x_init = np.linalg.solve(H, problem.A.T @ (p * problem.b))
        else:
            x_init = problem.x_star
    sol = optimize.root(field, np.asarray(x_init, dtype=float), method="hybr", options={"xtol": 1e-14})
    resid = float(np.linalg.norm(field(sol.x)))
    scale = float(np.linalg.norm(p @ np.abs(problem.component_grad(np.broadcast_to(problem.x_star, (n, d)), idx, coef))))
    if not resid <= 1e-9 * max(scale, 1.0):
        raise ValueError(f"the mean field has no zero near x_init (residual {resid:.3g}): {sol.message}")
    return sol.x, float(problem.value(sol.x[None, :])[0] - problem.f_star)
