"""Oikonomou & Loizou (2025): quick claims, the theory module against simulation, and the figure scripts."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import samlab as sl
import samlab.claims.oikonomou_loizou_2025  # noqa: F401  (registers the claims)
from samlab.claims.base import registry
from samlab.seeding import rng
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import oikonomou_loizou_2025 as T

PAPER = "oikonomou-loizou-2025"
CLAIM_IDS = sorted(cid for cid, c in registry().items() if c.paper == PAPER)
SCRIPTS = Path(__file__).resolve().parents[1] / "experiments" / "oikonomou_loizou_2025"


_QUICK: dict = {}


def _quick(claim_id):
    """The quick verdict of a claim, computed once per test session."""
    if claim_id not in _QUICK:
        _QUICK[claim_id] = registry()[claim_id].check(quick=True)
    return _QUICK[claim_id]


def _flat(value):
    """A details value the report renders as a table cell or a table: scalars, lists of scalars, lists of flat dicts."""
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, scalar):
        return True
    if isinstance(value, list):
        return all(isinstance(v, scalar) for v in value) or all(
            isinstance(v, dict) and all(isinstance(x, scalar) for x in v.values()) for v in value)
    return False


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_quick(claim_id):
    v = _quick(claim_id)
    assert v.passed, (claim_id, [c.text for c in v.criteria if not c.passed], v.details)
    assert v.quantity and v.criteria and v.passed == all(c.passed for c in v.criteria)
    bad = {k: type(x).__name__ for k, x in v.details.items() if not _flat(x)}
    assert not bad, f"details must be flat (scalars, lists of flat dicts): {bad}"


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_every_control_makes_its_claim_fail(claim_id):
    """Each claim declares a control (a wrong algorithm, a mutated rule or a violated hypothesis) and fails under it."""
    c = registry()[claim_id]
    assert c.controls, f"{claim_id} declares no control"
    for outcome in c.check_controls(quick=True):
        assert outcome.error is None, (claim_id, outcome.name, outcome.error)
        assert outcome.discriminates, (claim_id, outcome.name, outcome.verdict.measured)


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_verdict_does_not_flip_with_the_last_bit(claim_id):
    """x⁰ moved by one ulp (settings key x0_ulp) leaves every criterion's outcome unchanged (the claims whose runs
    do not start from an x⁰ — formulas, exact ER checks, adversarial search — perturb their points or are immune)."""
    c = registry()[claim_id]
    base = _quick(claim_id)
    nudged = c.measure({**c.settings(True), "x0_ulp": 1}, 0)
    assert [x.passed for x in nudged.criteria] == [x.passed for x in base.criteria]


def test_every_prediction_has_a_claim():
    slugs = {cid.split("/", 1)[1] for cid in CLAIM_IDS}
    assert {"deterministic-usam-exact", "plateau-rho-lambda-squared", "thm32-linear-rate",
            "stochastic-neighbourhood-shrinks", "interpolation-exact", "decreasing-steps", "importance-speedup",
            "er-constants", "step-size-formulas", "usam-divergence-threshold", "lambda-schedules",
            "importance-through-the-draws", "thm32-linear-rate-worst-case", "er-constants-worst-case",
            "usam-divergence-threshold-worst-case"} <= slugs
    for cid in CLAIM_IDS:
        c = registry()[cid]
        assert c.provenance.startswith("Oikonomou & Loizou 2025") and re.search(r"\[(paper|official code|derived)",
                                                                               c.provenance)
        assert not re.search(r"\.md\b|(^|\s)/[a-z]+/|Pitfall|Prediction|\bnote", c.provenance + c.doc)


def test_worst_case_details_follow_the_report_schema():
    v = _quick(f"{PAPER}/thm32-linear-rate-worst-case")
    d = v.details
    assert registry()[f"{PAPER}/thm32-linear-rate-worst-case"].kind == "worst-case"
    assert d["bound_claim"] == f"{PAPER}/thm32-linear-rate" and d["bound_claim"] in CLAIM_IDS
    assert isinstance(d["worst_ratio"], float) and 0 < d["worst_ratio"] <= 1 + 1e-9
    assert d["pep_ratio"] is not None and d["pep_exact"] in (True, False) and isinstance(d["relaxation"], str)
    assert isinstance(d["family"], str) and d["family"] and isinstance(d["budget"], int)
    assert d["instance"] == "" and d["broken"] is False  # quick mode saves no instance
    assert registry()[f"{PAPER}/thm32-linear-rate-worst-case"].settings(False)["save_instance"]


# ----------------------------------------------------------------------------- Thm 3.2 bound (derived)

def test_thm32_one_step_inequality_holds_exactly():
    """E[f(x⁺)] − f* ≤ q(f(x) − f*) + R₁ (theory.thm32_one_step), with the expectation over every sample enumerated,
    on random ridge sums, samplings, λ and step sizes within the conditions; and q ≤ 1 − γμ ≤ 1 − γN."""
    gen = np.random.default_rng(0)
    worst = 0.0
    for trial in range(60):
        n, d = int(gen.integers(2, 7)), int(gen.integers(1, 4))
        A = gen.standard_normal((n, d)) * gen.uniform(0.2, 2, (n, 1))
        p = sl.problems.LeastSquares(A, gen.standard_normal(n) * gen.uniform(0, 3), reg=gen.uniform(0.01, 1))
        samp = [sl.sampling.Uniform(), sl.sampling.Importance(), sl.sampling.Nice(max(1, n // 2))][trial % 3]
        a, b, c = samp.er_constants(p)
        lam = gen.uniform(0, 1)
        rho, lr = setup.thm32_fraction_steps(p.L_max, p.mu, a, b, lam, gen.uniform(0, 0.99), gen.uniform(0.01, 1))
        q, r1 = T.thm32_one_step(lr, rho, p.L_max, p.mu, a, b, c, lam)
        assert q <= 1 - lr * p.mu + 1e-15 and q <= T.guaranteed_factor(lr, rho, p.L_max, p.mu, a, b, lam) + 1e-15
        X = p.x_star + gen.standard_normal((40, d)) * 10 ** gen.uniform(-4, 1, (40, 1))
        nxt = np.zeros(40)
        for prob, idx, coef in samp.outcomes(p):
            I, C = np.broadcast_to(idx, (40, idx.size)), np.broadcast_to(coef, (40, coef.size))
            g = p.component_grad(X, I, C)
            norm = np.linalg.norm(g, axis=1)
            e = X + rho * np.where(norm > 0, 1 - lam + lam / np.where(norm > 0, norm, 1), 0)[:, None] * g
            nxt += prob * (p.value(X - lr * p.component_grad(e, I, C)) - p.f_star)
        worst = max(worst, float(np.max(nxt / (q * (p.value(X) - p.f_star) + r1))))
    assert worst <= 1 + 1e-12


def test_thm32_bound_and_neighbourhood():
    L, mu = 10.0, 0.1
    rho, lr = T.thm32_steps(L, mu, 0.0, 1.0, 0.0)
    assert T.thm32_neighbourhood(lr, rho, L, mu, 0.0, 1.0, 0.0, 0.0) == 0.0  # deterministic USAM: R = 0
    t = np.arange(0, 50)
    np.testing.assert_allclose(T.thm32_bound(t, 2.0, lr, rho, L, mu, 0.0, 1.0, 0.0, 0.0),
                               2.0 * T.guaranteed_factor(lr, rho, L, mu, 0.0, 1.0, 0.0) ** t, rtol=1e-14)
    rho, lr = T.thm32_steps(L, mu, 1.0, 0.0, 0.5)  # (A, B, C) = (1, 0, 0.3): R > 0, reached as t → ∞
    R = T.thm32_neighbourhood(lr, rho, L, mu, 1.0, 0.0, 0.3, 0.5)
    assert T.thm32_bound(10**9, 1.0, lr, rho, L, mu, 1.0, 0.0, 0.3, 0.5) == pytest.approx(R, rel=1e-9) and R > 0
    assert T.thm32_conditions(lr, rho, L, mu, 1.0, 0.0, 0.5) and not T.thm32_conditions(2 * lr, rho, L, mu, 1.0, 0.0, 0.5)
    with pytest.raises(ValueError, match="rho"):
        T.thm32_neighbourhood(lr, 2 * T.rho_max(L, mu, 0.0, 1.0, 0.0), L, mu, 0.0, 1.0, 0.0, 0.0)


def test_sampled_stationary_point_is_the_zero_of_the_mean_field():
    """ρ = 0: the reweighted (and uniform) mean field vanishes at x*, the unweighted one at x_p; ρ > 0: at its root."""
    p = setup.ridge_instance(8, 3, 0.2, 1, row_norms2=np.linspace(0.5, 4.0, 8)).problem
    x, gap = T.sampled_stationary_point(p, 0.0, 1.0, weights="importance")
    np.testing.assert_allclose(x, p.x_star, atol=1e-10)
    assert gap == pytest.approx(0.0, abs=1e-12)
    x, gap = T.sampled_stationary_point(p, 0.0, 0.5, weights="unweighted")
    assert gap == pytest.approx(T.biased_minimizer_gap(p), rel=1e-8)
    x1, _ = T.sampled_stationary_point(p, 0.1, 1.0)
    x2, _ = T.sampled_stationary_point(p, 0.1, 1.0, weights="importance")
    np.testing.assert_allclose(x1, x2, atol=1e-10)  # λ = 1: reweighting leaves SAM's mean field unchanged
    with pytest.raises(ValueError, match="weights"):
        T.sampled_stationary_point(p, 0.1, 1.0, weights="other")


def test_computed_er_constants():
    """Step sizes come from the samplings' er_constants; the full-gradient constants are FullBatch's."""
    p = _small_ridge()
    assert setup.FULL_GRADIENT_ER == sl.sampling.FullBatch().er_constants(p)
    assert setup.er_constants(sl.sampling.Uniform(), p) == pytest.approx(sl.sampling.Uniform().er_constants(p))
    a, b, c = setup.er_constants(sl.sampling.Importance(), p, 0.5)
    a0, b0, c0 = sl.sampling.Importance().er_constants(p)
    assert (a, b, c) == pytest.approx((a0 / 2, b0, c0 / 2))


def test_importance_draws_are_unbiased_only_when_reweighted():
    p = _small_ridge()
    x = p.x_star[None] + 0.5
    m, se = setup.importance_draw_means(p, x, 50_000, np.random.default_rng(1))
    assert np.all(np.abs(m - p.grad(x)) <= 4.5 * se)
    m, se = setup.importance_draw_means(p, x, 50_000, np.random.default_rng(1), reweight=False)
    w = p.L_i / p.L_i.sum()
    grads = p.component_grad(np.broadcast_to(x, (p.n, p.dim)), np.arange(p.n)[:, None], np.ones((p.n, 1)))
    assert np.all(np.abs(m - w @ grads) <= 4.5 * se) and np.max(np.abs(m - p.grad(x)) / se) > 10


# ----------------------------------------------------------------------------- instances

def test_authors_instances_constants():
    """The seeded generators reproduce the constants printed by the official notebook (seed 3107, authors' draw order)."""
    a = setup.instance_a().problem
    assert a.L == pytest.approx(10.0, rel=1e-12) and a.mu == pytest.approx(0.1, rel=1e-12)
    b = setup.instance_b().problem
    assert (round(b.mu, 3), round(b.L, 2), round(b.L_mean, 3), round(b.L_max, 3)) == (0.031, 0.13, 2.209, 3.117)
    c = setup.instance_c().problem
    assert (round(c.mu, 2), round(c.L, 2), round(c.L_mean, 3), round(c.L_max, 3)) == (0.04, 1.03, 3.302, 8.414)
    assert c.L_max / c.L_mean == pytest.approx(2.55, abs=0.005)


def test_instance_a_is_the_finite_sum_scaled():
    """Quadratic(AᵀA, x_true) equals the authors' ½‖Ax − b‖², i.e. samlab LeastSquares(√n A, √n b)."""
    rs = np.random.RandomState(setup.PAPER_SEED)
    A = setup.authors_matrix(100, 10.0, rs)
    x_true = rs.randn(100)
    inst = setup.instance_a()
    ls = sl.problems.LeastSquares(np.sqrt(100) * A, np.sqrt(100) * (A @ x_true))
    X = np.random.default_rng(0).standard_normal((3, 100))
    np.testing.assert_allclose(inst.problem.value(X), ls.value(X), rtol=1e-10)
    np.testing.assert_allclose(inst.problem.value(X), 0.5 * np.sum((X @ A.T - A @ x_true) ** 2, axis=1), rtol=1e-10)


def test_ridge_instances_are_keyed_by_their_seed():
    """seeding.rng(seed, "ridge-instance"): the same seed gives the same instance, another seed another one."""
    a, b = setup.ridge_instance(6, 3, 0.1, 4), setup.ridge_instance(6, 3, 0.1, 4)
    np.testing.assert_array_equal(a.problem.A, b.problem.A)
    np.testing.assert_array_equal(a.x0, b.x0)
    assert not np.array_equal(a.problem.A, setup.ridge_instance(6, 3, 0.1, 5).problem.A)
    r2 = np.array([4.0, 1.0, 1.0, 2.0, 1.0, 1.0])
    np.testing.assert_allclose(setup.ridge_instance(6, 3, 0.1, 4, row_norms2=r2).problem.row_norms2, r2, rtol=1e-14)


def test_biased_minimizer_gap_is_the_gap_at_the_weighted_minimizer():
    """x_p = argmin Σ p_i f_i, p_i ∝ L_i: Σ p_i ∇f_i(x_p) = 0 and the closed form returns f(x_p) − f*."""
    p = setup.ridge_instance(8, 3, 0.2, 1, row_norms2=np.linspace(0.5, 4.0, 8)).problem
    w = p.L_i / p.L_i.sum()
    gap = T.biased_minimizer_gap(p)
    H = (p.A * w[:, None]).T @ p.A + p.reg * np.eye(p.dim)
    x_p = np.linalg.solve(H, p.A.T @ (w * p.b))
    grads = p.component_grad(np.broadcast_to(x_p, (p.n, p.dim)), np.arange(p.n)[:, None], np.ones((p.n, 1)))
    np.testing.assert_allclose(w @ grads, 0.0, atol=1e-12)
    assert gap == pytest.approx(float(p.value(x_p[None])[0] - p.f_star), rel=1e-12) and gap > 0
    with pytest.raises(ValueError, match="LeastSquares"):
        T.biased_minimizer_gap(sl.problems.Quadratic(np.eye(2)))


def test_speedup_median_of_two_geometric_curves():
    t = np.arange(0, 3001, 10).astype(float)
    med, levels, ratios = setup.speedup_median(t, np.exp(-1e-3 * t), np.exp(-2.5e-3 * t))
    assert levels[0] == 0.3 and levels.size == 6
    assert med == pytest.approx(2.5, rel=1e-9)  # log-linear interpolation is exact for geometric curves


# ----------------------------------------------------------------------------- step sizes

def test_rho_max_is_the_root_of_the_descent_margin():
    rho, L, mu, A, B, lam = sp.symbols("rho L mu A B lambda", positive=True)
    N = mu - L * rho * (mu + 2 * (1 - lam) ** 2 * (B * mu + A))
    (root,) = sp.solve(sp.Eq(N, 0), rho)
    f = sp.lambdify((L, mu, A, B, lam), root)
    vals = (3.0, 0.2, 1.5, 0.4, 0.3)
    assert T.rho_max(*vals) == pytest.approx(f(*vals), rel=1e-14)
    assert T.gamma_max(T.rho_max(*vals), *vals) == pytest.approx(0.0, abs=1e-14)
    assert T.descent_margin(0.5 * T.rho_max(*vals), *vals) == pytest.approx(0.1, rel=1e-12)  # μ/2


def test_simplified_rule_satisfies_the_conditions_on_a_grid():
    rng = np.random.default_rng(1)
    L = 10 ** rng.uniform(-2, 2, 500)
    mu = L * 10 ** rng.uniform(-4, 0, 500)
    A = rng.uniform(0, 5, 500) * L
    B = rng.uniform(0, 1, 500)
    for lam in np.linspace(0, 1, 11):
        r, g = T.simplified_steps(L, mu, A, B, lam)
        assert np.all(L * r * (mu + 2 * (1 - lam) ** 2 * (B * mu + A)) <= mu / 2 * (1 + 1e-12))
        assert np.all(2 * L**2 * r**2 * (1 - lam) ** 2 <= 1 / 8 * (1 + 1e-12))
        assert np.all(g <= T.gamma_max(r, L, mu, A, B, lam))


def test_step_size_inputs_are_validated():
    with pytest.raises(ValueError, match="lam"):
        T.rho_max(1.0, 0.1, 0.0, 1.0, 1.5)
    with pytest.raises(ValueError, match="mu"):
        T.simplified_steps(1.0, -0.1, 0.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="rho_fraction"):
        T.thm32_steps(1.0, 0.1, 0.0, 1.0, 0.5, rho_fraction=1.0)
    with pytest.raises(ValueError, match="Bμ"):
        T.gamma_max(0.01, 1.0, 0.1, 0.0, 0.0, 0.5)


def test_thm35_schedule_matches_the_official_loop_in_a_run():
    """sl.run with thm35_schedules equals a hand-written loop using the official 0-based formulas."""
    p = sl.problems.Quadratic(np.diag([0.5, 2.0]))
    lr, rho, lam, mu = 0.3, 0.2, 0.5, 0.5
    lr_s, rho_s = T.thm35_schedules(lr, rho, mu)
    res = sl.run(p, sl.algorithms.unified_sam(lr_s, rho_s, lam), np.array([1.0, -1.0]), 50, keep_iterates=True,
                 checkpoints=np.arange(51))
    x = np.array([1.0, -1.0])
    for t in range(50):  # official: t = 0, 1, …
        g_t, r_t = min(lr, (2 * t + 1) / ((t + 1) ** 2 * mu)), min(rho, 1 / (2 * t + 1))
        g = p.H @ x
        e = x + r_t * (1 - lam + lam / np.linalg.norm(g)) * g
        x = x - g_t * (p.H @ e)
        np.testing.assert_allclose(res.iterates[t + 1, 0], x, rtol=1e-13, atol=1e-15)


def test_thm35_switch_point_by_brute_force():
    lr, mu = 3.99e-4, 0.031
    t = np.arange(0, 400000)
    last_capped = t[(2 * t + 1) / ((t + 1) ** 2 * mu) >= lr].max()
    assert T.thm35_switch(lr, mu) == pytest.approx(last_capped, abs=1.0)
    assert T.thm35_switch(lr, mu) == pytest.approx(2 / (mu * lr), rel=1e-4)


def test_sam_sps_special_cases():
    r, g = T.thm32_steps(10.0, 0.1, 0.0, 1.0, 0.0)
    assert (r, g) == pytest.approx(T.sam_sps_deterministic_usam(10.0), rel=1e-14)
    r, g = T.thm32_steps(8.414, 0.04, 8.414, 0.0, 0.0)
    assert (r, g) == pytest.approx(T.sam_sps_stochastic_usam(8.414, 0.04), rel=1e-14)


# ----------------------------------------------------------------------------- ER constants

def _small_ridge():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 3)) * rng.uniform(0.5, 2, (6, 1))
    return sl.problems.LeastSquares(A, rng.standard_normal(6), reg=0.2)


@pytest.mark.parametrize("kind,samp,tau", [("uniform", sl.sampling.Uniform(), 1), ("importance", sl.sampling.Importance(), 1),
                                           ("nice", sl.sampling.Nice(3), 3), ("replace", sl.sampling.Uniform(3, replace=True), 3),
                                           ("full", sl.sampling.FullBatch(), 6)])
def test_er_closed_forms_match_core(kind, samp, tau):
    p = _small_ridge()
    np.testing.assert_allclose(T.er_constants_closed_form(p, kind, tau), samp.er_constants(p), rtol=1e-12, atol=1e-15)


def test_exact_second_moment_matches_sampled_draws():
    """Enumeration (outcomes) against a Monte Carlo of the engine's own draws (simulation)."""
    p = _small_ridge()
    x = p.x_star + np.array([0.7, -0.3, 1.1])
    for samp in (sl.sampling.Importance(), sl.sampling.Nice(2)):
        exact, mean = T.exact_second_moment(p, samp, x[None])
        rng = np.random.default_rng(0)
        N = 200_000
        idx, coef = samp.draw(rng, N, p)
        g = p.component_grad(np.broadcast_to(x, (N, 3)), idx, coef)
        sq = np.einsum("bi,bi->b", g, g)
        assert abs(sq.mean() - exact[0]) <= 4 * sq.std() / np.sqrt(N)
        np.testing.assert_allclose(mean[0], p.grad(x[None])[0], rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------- samplings for batching

def test_paired_and_runwise_samplings():
    p = _small_ridge()
    rng = np.random.default_rng(0)
    idx, coef = sl.sampling.PairedSampling(sl.sampling.Uniform(), 4, 3).draw(rng, 12, p)
    np.testing.assert_array_equal(idx[:4], idx[4:8])
    np.testing.assert_array_equal(idx[:4], idx[8:])
    rw = sl.sampling.RunwiseSampling([(sl.sampling.Uniform(), 2), (sl.sampling.Importance(reweight=False), 3), (sl.sampling.Nice(2), 1)])
    idx, coef = rw.draw(rng, 6, p)
    assert idx.shape == (6, 2)
    np.testing.assert_array_equal(coef[:5, 1], 0.0)  # padded single-element blocks
    np.testing.assert_array_equal(coef[2:5, 0], 1.0)  # unweighted importance
    assert coef[5].tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="runs"):
        rw.draw(rng, 5, p)
    with pytest.raises(ValueError, match="blocks"):
        sl.sampling.RunwiseSampling([(sl.sampling.Uniform(), 0)])


def test_divergence_threshold_matches_linearization():
    from samlab.theory import usam_multipliers

    lr, h = 0.1, 4.0
    thr = T.unified_divergence_threshold(lr, h, 0.0)
    m = usam_multipliers(lr, thr, h)
    assert abs(m) == pytest.approx(1.0, rel=1e-12)
    assert T.unified_divergence_threshold(lr, h, 0.5) == pytest.approx(2 * thr, rel=1e-12)
    assert T.unified_divergence_threshold(lr, h, 1.0) == np.inf


# ----------------------------------------------------------------------------- worst-case companions

@pytest.mark.parametrize("slug, bound", [("er-constants-worst-case", "er-constants"),
                                         ("usam-divergence-threshold-worst-case", "usam-divergence-threshold")])
def test_new_worst_case_companions_schema_and_tightness(slug, bound):
    cid = f"{PAPER}/{slug}"
    v = _quick(cid)
    d = v.details
    assert v.passed and registry()[cid].kind == "worst-case"
    assert d["bound_claim"] == f"{PAPER}/{bound}" and d["bound_claim"] in CLAIM_IDS
    assert {"worst_ratio", "pep_ratio", "pep_exact", "relaxation", "family", "budget", "instance", "broken"} <= set(d)
    # no instance beyond the bound, and the bound is attained (tight) to within the search's resolution
    assert 0.999 <= d["worst_ratio"] <= 1 + 1e-9
    assert d["instance"] == "" and d["broken"] is False and isinstance(d["budget"], int)
    assert registry()[cid].settings(False)["save"]


def test_er_worst_case_every_search_is_tight_and_has_no_pep():
    d = _quick(f"{PAPER}/er-constants-worst-case").details
    assert d["pep_ratio"] is None and d["pep_exact"] is None and "not applicable" in d["pep"]
    assert {r["sampling"] for r in d["searches"]} == {"uniform", "importance", "2-nice"}
    for r in d["searches"]:
        assert 0.99 <= r["worst ratio"] <= r["allowed"]
        assert r["median of random members"] < r["worst ratio"]


def test_er_worst_case_control_reaches_two():
    """A and C halved: an equality member of the class (parallel rows, x on their line) gives ratio 2."""
    c = registry()[f"{PAPER}/er-constants-worst-case"]
    v = c.measure({**c.settings(True), "A_scale": 0.5}, 0)
    assert not v.passed and v.details["broken"] and v.findings
    assert v.details["worst_ratio"] == pytest.approx(2.0, rel=1e-3)


def test_er_batched_ratio_equals_the_samplings_own_measurement():
    s = setup.settings(setup.ER_WORST_CASE, True)
    fam = setup.er_worst_case_family(s, 0.05)
    P = fam.random(20, rng(1, "er-batched-test"))
    for kind, tau in s["samplings"]:
        batched, kappa = setup.er_ratio_rows(fam, P, kind, tau)
        single = [setup.er_remeasure(fam, p, kind, tau)[0] for p in P]
        np.testing.assert_allclose(batched, single, rtol=1e-10)
        assert np.all(batched <= 1 + 1e-9 + setup.ER_ROUNDING * kappa) and np.all(kappa >= 1)


def test_er_equality_member_reaches_one():
    """Parallel rows of norm² L_max − μ and x on their line: the ER inequality is an equality for uniform,
    importance and τ-nice sampling (the derivation in the claim's docstring)."""
    a = np.array([[1.0, 0.0], [-1.0, 0.0], [1.0, 0.0]]) * np.sqrt(0.9)
    p = sl.problems.LeastSquares(a, np.array([0.3, -1.0, 2.0]), reg=0.1)
    x = p.x_star + np.array([0.7, 0.0])
    for samp in (sl.sampling.Uniform(), sl.sampling.Importance(), sl.sampling.Nice(2)):
        A, B, C = setup.er_constants(samp, p)
        lhs, _ = T.exact_second_moment(p, samp, x[None])
        assert lhs[0] / T.er_bound(p, x[None], A, B, C)[0] == pytest.approx(1.0, rel=1e-12)


def test_unified_distance_bound_attained_in_one_dimension():
    """λ > 0, 1-D, φ(h) < −|φ(μ)|: |z_t| = q^t|z_0| + γρλh(1 − q^t)/(1 − q) exactly (signs alternate); λ = 0:
    equality along e_top; the GD factor (the control) is smaller than q there."""
    h, mu = 1.0, 0.1
    lr_, rho, lam = setup.threshold_steps(h, 1.8, 0.5, 0.3)  # φ(h) = −0.9, φ(μ) ≈ 0.82
    res = sl.run(sl.problems.Quadratic([[h]]), sl.algorithms.unified_sam(float(lr_), float(rho), float(lam)), [[1.0]],
                 25, checkpoints=np.arange(26))
    t = res.t.astype(float)
    bound = T.unified_distance_bound(t, lr_, rho, lam, mu, h)
    np.testing.assert_allclose(res.x[0, 0] ** 2, bound[-1], rtol=1e-12)
    np.testing.assert_allclose(res.f_gap[:, 0] * 2 / h, bound, rtol=1e-12)
    q = T.unified_quadratic_factor(lr_, rho, lam, mu, h)
    assert q < 1 and T.unified_quadratic_factor(lr_, rho, lam, mu, h, gd_factor=True) < q
    assert rho * (1 - lam) == pytest.approx(0.5 * T.unified_divergence_threshold(lr_, h, 0.0), rel=1e-12)
    assert rho * lam == pytest.approx(0.3, rel=1e-12)


def test_unified_quadratic_factor_below_one_exactly_below_the_threshold():
    h, mu = 2.0, 0.1
    for lr_h in (0.1, 1.0, 1.9):
        thr = T.unified_divergence_threshold(lr_h / h, h, 0.0)
        assert T.unified_quadratic_factor(lr_h / h, 0.999 * thr, 0.0, mu, h) < 1
        assert T.unified_quadratic_factor(lr_h / h, 1.001 * thr, 0.0, mu, h) > 1
    with pytest.raises(ValueError, match="q must be < 1"):
        T.unified_distance_bound(3, 1.0 / h, 1.01 * T.unified_divergence_threshold(1.0 / h, h, 0.0), 0.0, mu, h)


def test_threshold_worst_case_pep_finding_and_control():
    d = _quick(f"{PAPER}/usam-divergence-threshold-worst-case")
    v = d.details
    assert v["pep_exact"] is True and v["pep_ratio"] > 1.1  # beyond quadratics: the finding
    assert any("beyond quadratics" in f for f in d.findings)
    assert len(v["pep"]) == 2 * len(setup.settings(setup.THRESHOLD_WORST_CASE, True)["pep_steps"])
    c = registry()[f"{PAPER}/usam-divergence-threshold-worst-case"]
    ctl = c.measure({**c.settings(True), "gd_factor": True}, 0)
    assert not ctl.passed and ctl.details["worst_ratio"] > 10


# ----------------------------------------------------------------------------- figure scripts

def _load(name):
    spec = importlib.util.spec_from_file_location(f"ol2025_{name}", SCRIPTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", sorted(p.stem for p in SCRIPTS.glob("*.py")))
def test_figure_script_quick(name, tmp_path):
    mod = _load(name)
    assert mod.PAPER == PAPER and mod.FIGURES and set(mod.CLAIMS) <= set(CLAIM_IDS)
    lines = mod.__doc__.strip().splitlines()
    assert lines[0] and len(lines) > 2  # a title line and a caption
    assert mod.REPRODUCES is None or (isinstance(mod.REPRODUCES, str) and "official code" in mod.REPRODUCES)
    assert re.search(r"^REPRODUCES = ", (SCRIPTS / f"{name}.py").read_text(), re.M)  # a literal the report reads
    paths = mod.main(quick=True, out=tmp_path)
    for fig in mod.FIGURES:
        png = tmp_path / "oikonomou_loizou_2025" / f"{fig}.png"
        assert png.is_file() and png.stat().st_size > 10_000
    assert all(Path(p).is_file() for p in paths)
