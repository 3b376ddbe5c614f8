"""Samplings of finite sums, checked exactly by enumerating every outcome on small sums.

For each sampling v: E_v ∇f_v(x) = ∇f(x) (to 1e-12) and the ER condition
E_v‖∇f_v(x)‖² ≤ 2A(f(x) − f*) + B‖∇f(x)‖² + C with no slack beyond rounding, at several points
x* + r·N(0, I). The empirical frequencies of ``draw`` match the outcome probabilities (chi-square).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

import samlab as sl
from samlab import sampling as sm


def _ls(n, d=3, reg=0.0, seed=0, row_scales=None):
    rng = np.random.default_rng([7, n, seed])
    A = rng.standard_normal((n, d))
    if row_scales is not None:
        A *= np.asarray(row_scales)[:, None]
    return sl.problems.LeastSquares(A, rng.standard_normal(n), reg=reg)


def _logreg(n, d=2, reg=0.1, seed=0):
    rng = np.random.default_rng([8, n, seed])
    A = rng.standard_normal((n, d)) * np.linspace(0.5, 2.0, n)[:, None]
    return sl.problems.logistic_regression(A, np.where(np.arange(n) % 2 == 0, 1.0, -1.0), reg)


PROBLEMS = {
    "ls5": lambda: _ls(5),
    "ridge6": lambda: _ls(6, reg=0.3, seed=1, row_scales=[0.2, 0.5, 1.0, 1.5, 2.0, 3.0]),
    "interp5": lambda: _ls(5, d=6, seed=2),  # n < d: every f_i is minimized at x*, C = 0
    "logreg5": lambda: _logreg(5),
}


def _samplings(n):
    out = {"uniform1": sm.Uniform(1), "full": sm.FullBatch(), "importance": sm.Importance(),
           "uniform2_replace": sm.Uniform(2, replace=True), "uniform3_replace": sm.Uniform(3, replace=True)}
    for tau in sorted({1, 2, 3, n}):
        out[f"nice{tau}"] = sm.Nice(tau)
    return out


def _points(p, seed=0):
    rng = np.random.default_rng(seed)
    pts = [p.x_star]
    for r in (1e-3, 0.1, 1.0, 10.0):
        pts.extend(p.x_star + r * rng.standard_normal((2, p.dim)))
    return np.array(pts)


def _moments(p, sampling, X):
    """Exact E[∇f_v] (B, d) and E‖∇f_v‖² (B,) over every outcome, and the total probability."""
    B = X.shape[0]
    mean = np.zeros_like(X)
    second = np.zeros(B)
    total = 0.0
    for prob, idx, coef in sampling.outcomes(p):
        g = p.component_grad(X, np.broadcast_to(idx, (B, idx.size)), np.broadcast_to(coef, (B, coef.size)))
        mean += prob * g
        second += prob * np.einsum("bd,bd->b", g, g)
        total += prob
    return mean, second, total


@pytest.mark.parametrize("pname", sorted(PROBLEMS))
def test_unbiased_and_er_condition_by_enumeration(pname):
    p = PROBLEMS[pname]()
    X = _points(p)
    grad = p.grad(X)
    gap = p.value(X) - p.f_star
    assert np.all(gap >= -1e-15 * max(1.0, abs(p.f_star)))
    gap = np.maximum(gap, 0.0)
    gn2 = np.einsum("bd,bd->b", grad, grad)
    # rounding scale: the terms summed are of the size of the component gradients ‖∇f_i(x)‖², and each
    # gradient carries an absolute rounding error ~1e-16·L_max(1 + ‖x‖) (it vanishes at x* only in exact arithmetic)
    _, comp2, _ = _moments(p, sm.Uniform(1), X)
    floor = (1e-13 * p.L_max * (1 + np.linalg.norm(X, axis=1) + np.abs(getattr(p, "b", 0.0)).max())) ** 2
    for sname, s in _samplings(p.n).items():
        mean, second, total = _moments(p, s, X)
        assert total == pytest.approx(1.0, abs=1e-14), sname
        np.testing.assert_allclose(mean, grad, rtol=0, atol=1e-12 * (1 + np.abs(grad).max()), err_msg=sname)
        A, Bc, C = s.er_constants(p)
        assert A >= 0 and Bc >= 0 and C >= 0, sname
        bound = 2 * A * gap + Bc * gn2 + C
        slack = 1e-12 * np.maximum(bound, comp2) + floor
        assert np.all(second <= bound + slack), (sname, (second - bound).max())
        if sname == "full" or (sname.startswith("nice") and s.batch_size == p.n):
            assert (A, Bc, C) == (0.0, 1.0, 0.0)
            assert np.all(np.abs(second - gn2) <= slack)  # equality for the full batch
        if pname != "logreg5":  # and it is not vacuous: tight within a factor 2 on least squares
            far = np.linalg.norm(X - p.x_star, axis=1) > 0.05
            assert np.max(second[far] / bound[far]) > 0.5, sname
        if pname == "interp5":  # C = 2AΔ^inf with Δ^inf = f* = 0 up to the rounding of f(x*)
            assert p.interpolating and C <= 1e-24


def test_er_constants_closed_forms():
    p = PROBLEMS["ridge6"]()
    n, Lmax, Lbar, dinf = p.n, p.L_max, p.L_mean, p.delta_inf
    assert dinf > 0
    for tau in range(1, n + 1):
        A, B, C = sm.Nice(tau).er_constants(p)
        assert A == pytest.approx((n - tau) * Lmax / (tau * (n - 1)), rel=1e-15)
        assert B == pytest.approx(n * (tau - 1) / (tau * (n - 1)), rel=1e-15)
        assert C == pytest.approx(2 * A * dinf, rel=1e-15)
    assert sm.Uniform(1).er_constants(p)[:2] == (pytest.approx(Lmax, rel=1e-15), 0.0)
    A, B, _ = sm.Uniform(4, replace=True).er_constants(p)
    assert (A, B) == (pytest.approx(Lmax / 4, rel=1e-15), pytest.approx(0.75, rel=1e-15))
    A, B, C = sm.Importance().er_constants(p)
    assert A == pytest.approx(Lbar, rel=1e-14) and B == 0.0 and C == pytest.approx(2 * Lbar * dinf, rel=1e-14)
    assert Lbar < Lmax  # importance sampling has the smaller A here
    assert sm.FullBatch().er_constants(p) == (0.0, 1.0, 0.0)


def test_the_uniform_bound_is_attained_at_the_minimizer_with_equal_rows():
    # least squares with ‖a_i‖ = 1: ‖∇f_i(x*)‖² = r_i² = 2 L_i f_i(x*), so E‖∇f_i(x*)‖² = 2 L_max Δ^inf = C exactly
    rng = np.random.default_rng(3)
    A = rng.standard_normal((6, 2))
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    p = sl.problems.LeastSquares(A, rng.standard_normal(6))
    _, second, _ = _moments(p, sm.Uniform(1), p.x_star[None, :])
    C = sm.Uniform(1).er_constants(p)[2]
    assert C > 0 and second[0] == pytest.approx(C, rel=1e-13)


def test_outcome_probabilities():
    p = _ls(5)
    assert len(sm.Nice(2).outcomes(p)) == 10
    assert len(sm.Uniform(2, replace=True).outcomes(p)) == 25
    assert sum(q for q, _, _ in sm.Importance().outcomes(p)) == pytest.approx(1.0, abs=1e-15)
    probs = sm.Importance().probabilities(p)
    np.testing.assert_allclose(probs, p.L_i / p.L_i.sum(), rtol=1e-15)
    for q, idx, coef in sm.Importance().outcomes(p):
        assert coef[0] == pytest.approx(1 / (p.n * probs[idx[0]]), rel=1e-15)


# ----------------------------------------------------------------------------- draws

def _chi2(counts, probs):
    observed = np.asarray(counts, dtype=float)
    expected = np.asarray(probs) * observed.sum()
    return stats.chisquare(observed, expected).pvalue


@pytest.mark.parametrize("sname", ["uniform1", "nice2", "nice3", "uniform2_replace", "importance", "importance_unweighted"])
def test_draw_frequencies_match_the_outcomes(sname):
    p = PROBLEMS["ridge6"]()
    s = {"uniform1": sm.Uniform(1), "nice2": sm.Nice(2), "nice3": sm.Nice(3),
         "uniform2_replace": sm.Uniform(2, replace=True), "importance": sm.Importance(),
         "importance_unweighted": sm.Importance(reweight=False)}[sname]
    outcomes = s.outcomes(p)
    ordered = s.__class__ is sm.Uniform and s.replace
    key = (lambda idx: tuple(int(i) for i in idx)) if ordered else (lambda idx: tuple(sorted(int(i) for i in idx)))
    table = {key(idx): (q, coef) for q, idx, coef in outcomes}
    rng = np.random.default_rng(12345)
    N = 60_000
    idx, coef = s.draw(rng, N, p)
    assert idx.shape == coef.shape == (N, outcomes[0][1].size)
    counts = Counter(key(row) for row in idx)
    assert set(counts) <= set(table)
    if not ordered:
        assert all(len(set(k)) == len(k) for k in counts)  # no repeated index without replacement
    keys = sorted(table)
    pval = _chi2([counts.get(k, 0) for k in keys], [table[k][0] for k in keys])
    assert pval > 1e-4, pval
    # the coefficients of each draw are those of its outcome
    for row_idx, row_coef in zip(idx[:200], coef[:200]):
        np.testing.assert_allclose(row_coef, table[key(row_idx)][1][: row_coef.size], rtol=1e-15)


def test_nice_full_and_full_batch_draw_every_component():
    p = _ls(5)
    rng = np.random.default_rng(0)
    for s in (sm.Nice(5), sm.FullBatch()):
        idx, coef = s.draw(rng, 4, p)
        assert np.all(np.sort(idx, axis=1) == np.arange(5)) and np.all(coef == 0.2)
    X = np.random.default_rng(1).standard_normal((4, 3))
    idx, coef = sm.FullBatch().draw(rng, 4, p)
    np.testing.assert_allclose(p.component_grad(X, idx, coef), p.grad(X), rtol=1e-13, atol=1e-14)


def test_draws_are_one_block_per_step_from_the_generator():
    p = _ls(6)
    for s in (sm.Uniform(1), sm.Nice(3), sm.Importance(), sm.Uniform(2, replace=True)):
        a = s.draw(np.random.default_rng(3), 10, p)
        b = s.draw(np.random.default_rng(3), 10, p)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


# ----------------------------------------------------------------------------- unweighted importance

def test_unweighted_importance_is_biased_refuses_er_constants_and_says_so_in_meta():
    p = PROBLEMS["ridge6"]()
    s = sm.Importance(reweight=False)
    with pytest.raises(ValueError, match="biased"):
        s.er_constants(p)
    X = _points(p)[:3]
    mean, _, _ = _moments(p, s, X)
    assert np.abs(mean - p.grad(X)).max() > 1e-3  # it estimates ∇ Σ p_i f_i, not ∇f
    probs = s.probabilities(p)
    weighted = sum(probs[i] * p.component_grad(X, np.full((3, 1), i), np.ones((3, 1))) for i in range(p.n))
    np.testing.assert_allclose(mean, weighted, rtol=1e-13, atol=1e-14)
    res = sl.run(p, sl.algorithms.sam(0.05, 0.1), np.zeros(3), 5, sampling=s)
    assert res.meta["sampling"]["reweight"] is False
    assert "biased" in res.meta["sampling"]["note"]
    assert "note" not in sm.Importance().describe()


# ----------------------------------------------------------------------------- validation and meta

def test_sampling_validation():
    with pytest.raises(ValueError, match="batch_size"):
        sm.Uniform(0)
    with pytest.raises(ValueError, match="batch_size"):
        sm.Uniform(1.5)
    with pytest.raises(ValueError, match="tau"):
        sm.Nice(-2)
    p = _ls(5)
    with pytest.raises(ValueError, match="batch_size"):
        sm.Nice(6).er_constants(p)
    sm.Uniform(6, replace=True).check(p)  # with replacement τ > n is fine
    q = sl.problems.Quadratic(np.eye(2))
    for s in (sm.Uniform(1), sm.Nice(2), sm.Importance(), sm.FullBatch()):
        with pytest.raises(ValueError, match="finite-sum"):
            s.check(q)
    with pytest.raises(ValueError, match="finite-sum"):
        sm.Uniform(1).er_constants(q)
    z = sl.problems.LeastSquares(np.array([[1.0, 0.0], [0.0, 0.0]]), [1.0, 0.0])
    with pytest.raises(ValueError, match="L_i"):
        sm.Importance().probabilities(z)
    unknown = _ls(5)
    unknown.f_star = None
    with pytest.raises(ValueError, match="f\\*"):
        unknown.delta_inf


def test_sampling_meta():
    p = _ls(5)
    res = sl.run(p, sl.algorithms.gd(0.1), np.zeros(3), 3, sampling=sm.Nice(2), noise=sl.noise.Gaussian(0.1))
    assert res.meta["sampling"] == {"name": "uniform", "batch_size": 2, "replace": False}
    assert res.meta["noise"] == {"name": "gaussian", "sigma": 0.1}
    assert res.meta["problem"]["n"] == 5
    assert sm.Uniform(1).name == "uniform" and sm.FullBatch().describe() == {"name": "full_batch"}


@pytest.mark.parametrize("build, name", [
    (lambda: sm.Uniform(2, replace="no"), "replace"),
    (lambda: sm.Uniform(2, replace=1), "replace"),
    (lambda: sm.Uniform(1.5), "batch_size"),
    (lambda: sm.Uniform(2.0), "batch_size"),
    (lambda: sm.Uniform(True), "batch_size"),
    (lambda: sm.Uniform("2"), "batch_size"),
    (lambda: sm.Nice(2.5), "tau"),
    (lambda: sm.Nice(True), "tau"),
    (lambda: sm.Importance(reweight="no"), "reweight"),
    (lambda: sm.Importance(reweight=0), "reweight"),
    (lambda: sm.RunwiseSampling([(sm.Uniform(), 1.5)]), "counts"),
    (lambda: sm.RunwiseSampling([(sm.Uniform(), True)]), "counts"),
    (lambda: sm.PairedSampling(sm.Uniform(), 2.0, 2), "runs"),
    (lambda: sm.PairedSampling(sm.Uniform(), 2, False), "copies"),
])
def test_sampling_types_are_strict(build, name):
    """Booleans are bools and integers are integers: "no" is not False, 1.5 and True are not counts."""
    with pytest.raises(ValueError, match=name):
        build()
    # numpy scalars of the right kind are fine
    assert sm.Uniform(np.int64(2), replace=np.bool_(True)).batch_size == 2
