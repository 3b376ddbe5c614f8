"""samlab.theory: each closed form against a simulation, and sympy-derived forms against hand forms."""

import numpy as np
import pytest
import sympy as sp

import samlab as sl
from samlab import theory as th
from samlab.setups import kim_2023 as kim_setup
from samlab.theory import diffusion as di
from samlab.theory import linearization as li
from samlab.theory import quadratic_cycle as qc

RNG = np.random.default_rng(20240611)


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


def _close(a, b, scale, tol=1e-14):
    """|a − b| ≤ tol·scale elementwise (scale: the size of the terms that were summed)."""
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) <= tol * np.asarray(scale)))


# ----------------------------------------------------------------------------- sympy vs hand forms

def test_cycle_forms_match_hand_formulas():
    lr = RNG.uniform(1e-3, 0.05, 200)
    rho = RNG.uniform(0.0, 0.5, 200)
    lam = RNG.uniform(0.05, 1.0, 200)
    L = RNG.uniform(0.5, 10.0, 200)
    D = 2 - lr * L * (1 + rho * (1 - lam) * L)
    assert np.all(D > 0)
    c = lr * L * rho * lam / D
    assert _rel(th.cycle_amplitude(lr, rho, L, lam), c) < 1e-14
    assert _rel(th.cycle_plateau(lr, rho, L, lam), 0.5 * L * c * c) < 1e-14
    # SAM (λ = 1): c = γLρ/(2 − γL), the 2-cycle of Si & Yun's construction E1
    assert _rel(th.cycle_amplitude(lr, rho, L), lr * L * rho / (2 - lr * L)) < 1e-14

    eig = RNG.uniform(-3.0, 4.0, (200, 6))
    eig[:, 2] = 5.0  # simple top eigenvalue L = 5 in the middle of the spectrum
    m = th.cycle_multipliers(lr, rho, eig, lam)  # hyperparameters broadcast against leading axes
    L5 = 5.0
    D5 = 2 - lr * L5 * (1 + rho * (1 - lam) * L5)
    c5 = lr * L5 * rho * lam / D5
    hand = 1 - lr[:, None] * eig * (1 + rho[:, None] * (1 - lam[:, None]) * eig
                                     + rho[:, None] * lam[:, None] * eig / (L5 * c5[:, None]))
    hand[:, 2] = 1 - lr * L5 * (1 + rho * (1 - lam) * L5)
    ok = c5 > 0
    assert np.max(np.abs(m[ok] - hand[ok])) < 1e-13
    assert _rel(th.cycle_contraction(lr, rho, eig, lam)[ok],
                np.max(hand**2, axis=1)[ok]) < 1e-13
    assert _rel(th.usam_contraction(lr, rho, eig),
                np.max(np.abs(1 - lr[:, None] * eig * (1 + rho[:, None] * eig)), axis=1)) < 1e-14


def test_cycle_derivation_is_the_expected_expression():
    gamma, rho, L, lam, h = qc.cycle_symbols()
    c = qc.cycle_amplitude_expr()
    assert sp.simplify(c - gamma * L * rho * lam / (2 - gamma * L * (1 + rho * (1 - lam) * L))) == 0
    m_top, m_h = qc.cycle_multiplier_exprs()
    assert sp.simplify(m_top - (1 - gamma * L * (1 + rho * (1 - lam) * L))) == 0
    assert sp.simplify(m_h - (1 - gamma * h * (1 + rho * (1 - lam) * h + rho * lam * h / (L * c)))) == 0


def test_linearization_forms_match_hand_formulas():
    eta = RNG.uniform(1e-3, 0.5, 500)
    rho = RNG.uniform(0.0, 2.0, 500)
    lam = RNG.uniform(-5.0, 5.0, 500)
    G = RNG.uniform(1e-3, 2.0, 500)
    # 1e-14 relative to the size of the terms (a multiplier 1 − x may cancel to ~0)
    usam = eta * lam * (1 + rho * lam)
    assert _close(th.usam_multipliers(eta, rho, lam), 1 - usam, 1 + np.abs(usam))
    assert _close(th.usam_flow_rates(rho, lam), lam * (1 + rho * lam), np.abs(lam) * (1 + rho * np.abs(lam)))
    assert _rel(th.sam_objective_rates(rho, lam), lam * (1 + rho * lam) ** 2) < 1e-14
    sam = eta * lam * (1 + rho * lam / G)
    assert _close(th.sam_multipliers(eta, rho, lam, G), 1 - sam,
                  1 + eta * np.abs(lam) * (1 + rho * np.abs(lam) / G))
    neg = -np.abs(lam) - 0.1
    assert _close(th.sam_negative_multiplier(eta, rho, neg, G),
                  1 + eta * np.abs(neg) * (1 - rho * np.abs(neg) / G),
                  1 + eta * np.abs(neg) * (1 + rho * np.abs(neg) / G))
    pos = np.abs(lam) + 0.1
    assert _rel(th.usam_step_limit(rho, pos), 2 / (pos * (1 + rho * pos))) < 1e-14
    assert th.usam_step_limit(1.0, 2.0) == pytest.approx(1 / 3, rel=1e-15)  # λ₊ = 2, ρ = 1: 1/3 on x² − y²
    spectra = RNG.uniform(-4.0, 4.0, (300, 5))
    expected = np.array([1 / np.min(np.abs(s[s < 0])) if np.any(s < 0) else 0.0 for s in spectra])
    assert _rel(th.attraction_threshold(spectra), expected) < 1e-15
    assert th.attraction_threshold([1.0, 2.0]) == 0.0
    assert th.attraction_threshold([27.75, -27.75]) == pytest.approx(1 / 27.75, rel=1e-15)  # Beale


def test_theorem1_flow_threshold_and_discrete_stability():
    eig = np.array([3.0, 1.0, -0.5, -2.0])  # index-2 saddle, ρ* = 1/0.5 = 2
    rho_star = th.attraction_threshold(eig)
    assert rho_star == 2.0
    rhos = rho_star * np.array([0.9, 0.999, 1.001, 1.1, 3.0])
    assert list(th.usam_flow_attracts(rhos, eig)) == [False, False, True, True, True]
    assert not th.usam_flow_attracts(0.0, eig)  # GD is never attracted
    # discrete form: 0 < ηλ(1 + ρλ) < 2 for every λ
    lr = np.array([0.01, 0.05, 0.2])
    got = th.usam_attracts(lr[:, None], np.array([1.8, 2.2])[None, :], eig)
    rate = lr[:, None, None] * eig * (1 + np.array([1.8, 2.2])[None, :, None] * eig)
    assert np.array_equal(got, np.all((rate > 0) & (rate < 2), axis=-1))
    assert np.array_equal(got, [[False, True], [False, True], [False, False]])


def test_diffusion_forms_match_hand_formulas():
    t = RNG.uniform(0.0, 3.0, 400)
    lam = RNG.uniform(-3.0, 3.0, 400)
    eta = RNG.uniform(1e-3, 0.1, 400)
    rho = RNG.uniform(0.0, 0.3, 400)  # keeps 1 + ρλ away from 0
    B = RNG.integers(1, 256, 400).astype(float)
    hand = eta * np.abs(lam) / (2 * B * lam * (1 + rho * lam) ** 2) * (
        1 - np.exp(-2 * lam * (1 + rho * lam) ** 2 * t))
    got = th.sam_diffusion_variance(t, lam, eta, rho, B)
    assert _rel(got, hand) < 1e-12  # the naive hand form loses digits to 1 − exp; expm1 does not
    A = lam * (1 + rho * lam) ** 2
    assert _rel(got, -eta * np.abs(lam) / (2 * B * A) * np.expm1(-2 * A * t)) < 1e-14
    assert np.all(got >= 0)
    assert _rel(th.sgd_diffusion_variance(t, lam, eta, B),
                eta * np.abs(lam) / (2 * B * lam) * (1 - np.exp(-2 * lam * t))) < 1e-12
    assert _rel(th.corollary1_gap(t, lam, eta, rho, B),
                2 * eta * t**2 * np.abs(lam) ** 3 * rho / B) < 1e-14
    # λ = −1, η = 0.01, B = 8, ρ = 0.2, t = 2
    assert th.sam_diffusion_variance(2.0, -1.0, 0.01, 0.2, 8) == pytest.approx(1.1656e-2, rel=1e-4)
    # limits: a = λ(1+ρλ)² = 0 gives pure diffusion q·t; tiny λ is continuous
    assert th.sam_diffusion_variance(2.0, -5.0, 0.01, 0.2, 8) == pytest.approx(0.01 * 5 * 2 / 8, rel=1e-15)
    assert th.sam_diffusion_variance(2.0, 0.0, 0.01, 0.2, 8) == 0.0
    assert th.sam_diffusion_variance(2.0, 1e-12, 0.01, 0.2, 8) == pytest.approx(0.01 * 1e-12 * 2 / 8, rel=1e-10)


def test_diffusion_derivations_symbolic():
    t, lam, eta, rho, B, a, q, gm = di.diffusion_symbols()
    var = di.sam_diffusion_variance_expr()
    A = lam * (1 + rho * lam) ** 2
    assert sp.simplify(var - eta * sp.Abs(lam) / (2 * B * A) * (1 - sp.exp(-2 * A * t))) == 0
    # Corollary 1 as transcribed is the ρ-linear part of the t² coefficient of the exact gap
    assert sp.simplify(di.corollary1_gap_expr() - 2 * eta * t**2 * sp.Abs(lam) ** 3 * rho / B) == 0
    c2 = sp.expand(di.diffusion_gap_series_expr(3)).coeff(t, 2)
    assert sp.simplify(c2 - eta * sp.Abs(lam) / B * (2 * rho * lam**2 + rho**2 * lam**3)) == 0
    # Theorem 3 as transcribed: its second term at γ = 0 is Theorem 2's σ²(t)
    mom = di.momentum_diffusion_expr()
    C1 = eta**2 * sp.Abs(lam) / 2
    first = C1 * (1 - sp.exp(-(eta / t) * (1 - gm))) ** 2 / ((1 - gm) ** 3 * B)
    assert sp.simplify((mom - first).subs(gm, 0) - var) == 0


def test_gap_series_converges_to_exact_gap():
    args = dict(lam=-1.5, lr=0.01, rho=0.3, batch_size=8)
    t = 0.05
    var = di.sam_diffusion_variance_expr()
    ts, lams, etas, rhos, Bs, *_ = di.diffusion_symbols()
    subs = {ts: sp.Rational(1, 20), lams: sp.Rational(-3, 2), etas: sp.Rational(1, 100),
            rhos: sp.Rational(3, 10), Bs: 8}
    exact = float((var.subs(rhos, 0) - var).subs(subs).evalf(40))
    assert th.sam_sgd_diffusion_gap(t, **args) == pytest.approx(exact, rel=1e-11)
    errors = [abs(th.diffusion_gap_series(t, order=k, **args) - exact) / exact for k in (2, 3, 4)]
    assert errors[0] < 0.2 and errors[1] < errors[0] / 5 and errors[2] < errors[1] / 5
    assert th.corollary1_gap(t, **args) == pytest.approx(
        th.diffusion_gap_series(t, order=2, **args) * 2 / (2 + 0.3 * -1.5), rel=1e-14)


# ----------------------------------------------------------------------------- cycle vs samlab.run

def test_unified_sam_plateau_on_rotated_quadratic():
    """Unified SAM's deterministic plateau (Oikonomou & Loizou 2025) and SAM's 2-cycle (Si & Yun 2023): final f = (L/2)c² to 1e-8."""
    eig = np.concatenate([np.linspace(1.0, 5.0, 19), [10.0]])
    p = sl.problems.Quadratic.from_spectrum(eig, seed=3)
    lr, L = 0.0125, 10.0
    lam = np.array([0.1, 0.5, 1.0, 0.1, 0.5, 1.0, 0.0])
    rho = np.array([0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.025])
    x0 = np.random.default_rng(0).standard_normal((lam.size, eig.size))
    # slowest deviation: eigenvalue 1, two-step factor 0.9385; 0.9385^1500 ≈ 1e-41
    assert np.all(th.cycle_contraction(lr, rho[:6], eig, lam[:6]) < 0.94)
    res = sl.run(p, sl.algorithms.unified_sam(lr, rho, lam), x0, 3000, checkpoints=[2999, 3000])
    assert np.all(res.status == "ok")
    f_final = res.f[-1]
    plateau = th.cycle_plateau(lr, rho, L, lam)
    assert _rel(f_final[:6], plateau[:6]) < 1e-8
    assert f_final[6] < 1e-25  # USAM (λ = 0) converges to x*: plateau 0
    # plateau ∝ (ρλ)² up to the small γL·ρ(1−λ)L correction in the denominator (here < 3%)
    ratio = plateau[:6] / (rho[:6] * lam[:6]) ** 2
    assert np.ptp(ratio) / ratio.mean() < 0.05
    # the final iterates sit on ±c·e_top
    pts = th.cycle_point(p.H, lr, rho[2], lam[2])
    d = np.min(np.linalg.norm(res.x[2] - pts, axis=1))
    assert d < 1e-9 * th.cycle_amplitude(lr, rho[2], L, lam[2])


def test_cycle_contraction_and_usam_contraction_measured():
    eig = np.array([0.5, 2.0, 3.0, 4.0, 8.0])
    p = sl.problems.Quadratic.from_spectrum(eig, seed=1)
    lr, rho = 0.05, 0.05
    x0 = np.random.default_rng(1).standard_normal(eig.size)
    # SAM: deviation from the cycle shrinks by cycle_contraction per two steps
    res = sl.run(p, sl.algorithms.sam(lr, rho), x0, 402, checkpoints=[400, 402], keep_iterates=True)
    pts = th.cycle_point(p.H, lr, rho)
    dev = [np.min(np.linalg.norm(res.iterates[k, 0] - pts, axis=1)) for k in (1, 2)]
    assert dev[1] / dev[0] == pytest.approx(th.cycle_contraction(lr, rho, eig), rel=1e-6)
    # USAM: ‖x‖ shrinks by usam_contraction per step
    res = sl.run(p, sl.algorithms.usam(lr, rho), x0, 301, checkpoints=[300, 301])
    assert res.dist[-1, 0] / res.dist[-2, 0] == pytest.approx(th.usam_contraction(lr, rho, eig), rel=1e-6)


def test_cycle_existence_boundary_and_validation():
    L, rho, lam = 4.0, 0.1, 0.5
    lr_max = 2 / (L * (1 + rho * (1 - lam) * L))
    assert th.cycle_exists(0.999 * lr_max, rho, L, lam)
    assert not th.cycle_exists(1.001 * lr_max, rho, L, lam)
    assert np.isnan(th.cycle_amplitude(1.001 * lr_max, rho, L, lam))
    assert not th.cycle_exists(0.1, rho, L, 0.0)  # USAM: no cycle
    assert th.cycle_amplitude(0.1, rho, L, 0.0) == 0.0
    with pytest.raises(ValueError, match="lr"):
        th.cycle_amplitude(-0.1, rho, L)
    with pytest.raises(ValueError, match="rho"):
        th.cycle_plateau(0.1, -1.0, L)
    with pytest.raises(ValueError, match="lam"):
        th.cycle_exists(0.1, rho, L, 1.5)
    with pytest.raises(ValueError, match="L"):
        th.cycle_amplitude(0.1, rho, 0.0)
    with pytest.raises(ValueError, match="not simple"):
        th.cycle_point(np.diag([1.0, 3.0, 3.0]), 0.1, rho)
    with pytest.raises(ValueError, match="symmetric"):
        th.cycle_point([[1.0, 0.5], [0.0, 1.0]], 0.1, rho)
    with pytest.raises(ValueError, match="no 2-cycle"):
        th.cycle_point(np.diag([1.0, 3.0]), 1.0, rho)
    with pytest.raises(ValueError, match="lam_minus"):
        th.sam_negative_multiplier(0.1, 0.1, 1.0, 1.0)
    with pytest.raises(ValueError, match="batch_size"):
        th.sam_diffusion_variance(1.0, -1.0, 0.01, 0.1, 0)
    with pytest.raises(ValueError, match="momentum"):
        th.momentum_diffusion_as_transcribed(1.0, -1.0, 0.01, 0.1, 8, 1.0)
    with pytest.raises(ValueError, match="order"):
        th.diffusion_gap_series(1.0, -1.0, 0.01, 0.1, 8, order=1)
    # a repeated top eigenvalue is neutral for the cycle
    assert th.cycle_contraction(0.1, rho, [1.0, 3.0, 3.0]) == pytest.approx(1.0, abs=1e-15)


# ----------------------------------------------------------------------------- saddles vs samlab.run

def test_usam_saddle_threshold_and_step_limit():
    """Theorem 1 and its discrete form: stable/unstable on both sides of ρ* and of the step limit."""
    eig = np.array([3.0, 1.0, -0.5, -2.0])
    p = sl.problems.Quadratic(np.diag(eig))  # centre 0: an index-2 saddle
    x0 = np.array([0.3, -0.2, 0.01, 0.02])
    lr, steps = 0.05, 4000
    rhos = th.attraction_threshold(eig) * np.array([0.9, 1.1])
    res = sl.run(p, sl.algorithms.usam(lr, rhos), x0, steps, checkpoints=[steps])
    predicted = th.usam_attracts(lr, rhos, eig)
    assert list(predicted) == [False, True]
    norm = np.linalg.norm(res.x, axis=1)
    # slowest factors 1 ± ηλ₋(1 + ρλ₋) = 1 ± 0.0025 at λ₋ = −0.5: e^{±10} over 4000 steps
    assert norm[0] > 100 * np.linalg.norm(x0) and norm[1] < 1e-3 * np.linalg.norm(x0)
    # diagonal Hessian: each coordinate is multiplied by exactly 1 − ηλ(1 + ρλ) per step
    expected = th.usam_multipliers(lr, rhos[:, None], eig) ** steps * x0
    assert _rel(res.x, expected) < 1e-9
    # x² − y² at ρ = 1/|λ₋| = 0.5: the unstable coordinate freezes
    saddle = sl.problems.quadratic_saddle((2.0, -2.0))
    res = sl.run(saddle, sl.algorithms.usam(0.01, np.array([0.45, 0.5, 0.55])), [-3.0, -0.01], 20000,
                 checkpoints=[20000])
    y = np.abs(res.x[:, 1])
    assert y[0] > 1e6 and y[1] == 0.01 and y[2] < 1e-15
    # step limit η* = 2/(λ₊(1 + ρλ₊)) = 1/3 at λ₊ = 2, ρ = 1
    limit = th.usam_step_limit(1.0, 2.0)
    lrs = limit * np.array([0.9, 1.02])
    assert list(th.usam_attracts(lrs, 1.0, [2.0, -2.0])) == [True, False]
    res = sl.run(saddle, sl.algorithms.usam(lrs, 1.0), [0.5, 0.5], 2000, checkpoints=[2000])
    assert np.linalg.norm(res.x[0]) < 1e-12
    assert res.status[1] == "diverged" or np.linalg.norm(res.x[1]) > 1e10


def test_normalized_sam_orbit_at_saddle():
    """Normalized SAM trapped at x² − y², and its multiplier along the negative direction."""
    lr, rho = 0.01, 0.5
    saddle = sl.problems.quadratic_saddle((2.0, -2.0))
    res = sl.run(saddle, sl.algorithms.sam(lr, rho), [-3.0, -0.01], 2000,
                 checkpoints=[1000, 1001, 1002, 2000], keep_iterates=True)
    c = th.cycle_amplitude(lr, rho, 2.0)
    assert c == pytest.approx(0.005051, abs=1e-6)
    assert abs(abs(res.x[0, 0]) - c) < 1e-14 and abs(res.x[0, 1]) < 1e-6
    it = res.iterates[1:, 0, :]  # steps 1000, 1001, 1002, 2000 (row 0 of iterates is x_0)
    # y multiplier on the orbit: 1 + η|λ₋|(1 − ρ|λ₋|/‖∇ℓ‖), ‖∇ℓ‖ = λ₊c; = −1 + 2ηλ = −0.96
    m = th.sam_negative_multiplier(lr, rho, -2.0, 2.0 * c)
    assert m == pytest.approx(-0.96, rel=1e-14)
    assert it[1, 1] / it[0, 1] == pytest.approx(m, rel=1e-8)
    # deviation from the orbit: two-step factor = cycle_contraction = max(0.98², 0.96²)
    pts = th.cycle_point(saddle.H, lr, rho)
    dev = [np.min(np.linalg.norm(it[k] - pts, axis=1)) for k in (0, 2)]
    assert dev[1] / dev[0] == pytest.approx(th.cycle_contraction(lr, rho, [2.0, -2.0]), rel=1e-6)
    # a shallow negative direction makes the orbit unstable: predicted and observed escape
    # (unstable iff |λ₋| < γL²/D; here γ = 0.1, L = 2: |λ₋| < 0.222; per-step factor 1.0055 at 0.1)
    shallow = [2.0, -0.1]
    assert th.cycle_contraction(0.1, rho, shallow) > 1
    assert th.cycle_contraction(0.1, rho, [2.0, -0.3]) < 1
    res = sl.run(sl.problems.quadratic_saddle(shallow), sl.algorithms.sam(0.1, rho), [-3.0, -0.01], 2000,
                 checkpoints=[2000])
    assert abs(res.x[0, 1]) > 1.0


# ----------------------------------------------------------------------------- diffusion vs model SDE

def test_theorem2_against_model_sde():
    """Kim et al. Theorem 2: MSD of the model SDE within 3% of σ²(t), 40,000 paths."""
    lam = np.array([1.0, -1.0])
    lr, B, steps, paths = 0.01, 8, 200, 40_000
    t = steps * lr
    msd_sam = kim_setup.simulate_model_sde(lam, lr, 0.2, B, steps, paths, seed=0)
    sam = th.sam_diffusion_variance(t, lam, lr, 0.2, B)
    sgd = th.sgd_diffusion_variance(t, lam, lr, B)
    assert sam[1] == pytest.approx(1.166e-2, rel=1e-3)
    assert _rel(msd_sam[-1], sam) < 0.03
    msd_sgd = kim_setup.simulate_model_sde(-1.0, lr, 0.0, B, steps, 10_000, seed=1)  # ρ = 0: SGD
    assert msd_sgd[-1] == pytest.approx(sgd[1], rel=0.05)
    # against the exact Euler–Maruyama variance: within 4 standard errors of the Monte Carlo mean
    se = np.sqrt(2.0 / paths)  # z² of a Gaussian: sd/mean = √2
    em = th.model_sde_em_variance(lam, lr, 0.2, B, steps)
    assert np.all(np.abs(msd_sam[[49, 199]] / em[[49, 199]] - 1) < 4 * se)
    # Corollary 1 ordering along λ = −1: SAM diffuses less than SGD
    assert msd_sam[-1, 1] < msd_sgd[-1]
    assert th.sam_sgd_diffusion_gap(t, -1.0, lr, 0.2, B) > 0
    # both ∝ 1/B
    assert th.sam_diffusion_variance(t, -1.0, lr, 0.2, 64) * 64 == pytest.approx(sam[1] * 8, rel=1e-14)


def test_momentum_formula_as_transcribed():
    t, lam, lr, rho, B = 2.0, -1.0, 0.01, 0.2, 64
    gammas = np.array([0.0, 0.5, 0.9])
    values = th.momentum_diffusion_as_transcribed(t, lam, lr, rho, B, gammas)
    assert np.all(np.diff(values) > 0)  # increasing in momentum (Theorem 3, qualitative)
    first = (lr**2 * abs(lam) / 2) * (1 - np.exp(-lr / t)) ** 2 / B
    assert values[0] - first == pytest.approx(th.sam_diffusion_variance(t, lam, lr, rho, B), rel=1e-12)
    other = th.momentum_diffusion_as_transcribed(t, lam, lr, rho, B, 0.0, c2_reading="t/eta")
    assert other != values[0]


# ----------------------------------------------------------------------------- layering

@pytest.mark.parametrize("module", ["samlab.theory", "samlab.theory.khanh_2024", "samlab.theory.kim_2023",
                                    "samlab.theory.quadratic_cycle", "samlab.theory.linearization",
                                    "samlab.theory.diffusion", "samlab.theory._common",
                                    "samlab.theory.si_yun_2023", "samlab.theory.oikonomou_loizou_2025"])
def test_theory_module_imports_no_engine(module):
    """A fresh interpreter importing the module loads no engine, algorithm, result, claim or setup."""
    import subprocess
    import sys

    code = (f"import sys, {module}\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[:2] in (['samlab', 'engine'], ['samlab', 'algorithms'],"
            " ['samlab', 'result'], ['samlab', 'claims'], ['samlab', 'setups'], ['samlab', 'analysis'],"
            " ['samlab', 'experiment'], ['samlab', 'execution']))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
