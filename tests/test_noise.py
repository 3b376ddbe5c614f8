"""Additive gradient noise: validation, distributions, and how the engine adds it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import samlab as sl
from samlab import noise as nz


def test_gaussian_scalar_and_per_coordinate():
    rng = np.random.default_rng(0)
    N = 40_000
    xi = nz.Gaussian(0.5).draw(rng, N, 3)
    assert xi.shape == (N, 3) and xi.dtype == np.float64
    for j in range(3):
        assert stats.kstest(xi[:, j] / 0.5, "norm").pvalue > 1e-4
    xi = nz.Gaussian([0.1, 1.0, 3.0]).draw(rng, N, 3)
    np.testing.assert_allclose(xi.std(axis=0), [0.1, 1.0, 3.0], rtol=0.03)
    assert np.all(np.abs(xi.mean(axis=0)) <= 4 * np.array([0.1, 1.0, 3.0]) / np.sqrt(N))
    assert np.all(nz.Gaussian(0.0).draw(rng, 5, 2) == 0.0)
    assert nz.Gaussian([0.1, 0.2]).describe() == {"name": "gaussian", "sigma": [0.1, 0.2]}


def test_gaussian_covariance():
    cov = np.array([[2.0, 0.8, 0.0], [0.8, 1.0, -0.3], [0.0, -0.3, 0.5]])
    N = 200_000
    xi = nz.Gaussian(cov=cov).draw(np.random.default_rng(1), N, 3)
    emp = np.cov(xi.T)
    se = np.sqrt((cov**2 + np.outer(np.diag(cov), np.diag(cov))) / N)  # standard error of each entry
    assert np.all(np.abs(emp - cov) <= 5 * se)
    assert np.all(np.abs(xi.mean(axis=0)) <= 5 * np.sqrt(np.diag(cov) / N))
    # a singular (PSD) covariance: all noise along one direction
    u = np.array([1.0, 2.0]) / np.sqrt(5)
    xi = nz.Gaussian(cov=np.outer(u, u)).draw(np.random.default_rng(2), 1000, 2)
    np.testing.assert_allclose(xi @ np.array([-u[1], u[0]]), 0.0, atol=1e-14)
    assert nz.Gaussian(cov=np.eye(2)).describe() == {"name": "gaussian", "cov": [[1.0, 0.0], [0.0, 1.0]]}


def test_gaussian_validation():
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian()
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian(1.0, cov=np.eye(2))
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian(-0.1)
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian(np.nan)
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian(np.ones((2, 2)))
    with pytest.raises(ValueError, match="cov"):
        nz.Gaussian(cov=[[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="cov"):
        nz.Gaussian(cov=[[1.0, 2.0], [2.0, 1.0]])  # eigenvalue −1
    with pytest.raises(ValueError, match="cov"):
        nz.Gaussian(cov=[1.0, 2.0])
    with pytest.raises(ValueError, match="cov"):
        nz.Gaussian(cov=np.eye(2)).check(3)
    with pytest.raises(ValueError, match="sigma"):
        nz.Gaussian([1.0, 2.0]).check(3)
    nz.Gaussian(0.3).check(7)


def test_discrete_validation():
    with pytest.raises(ValueError, match="mean zero"):
        nz.Discrete([1.0, -1.0], [0.4, 0.6])
    with pytest.raises(ValueError, match="mean zero"):
        nz.Discrete([[1.0, 0.0], [-1.0, 1.0]], [0.5, 0.5])
    with pytest.raises(ValueError, match="probs"):
        nz.Discrete([1.0, -1.0], [0.5, 0.6])
    with pytest.raises(ValueError, match="probs"):
        nz.Discrete([2.0, -1.0, 0.0], [1 / 3, 2 / 3 + 0.5, -0.5])
    with pytest.raises(ValueError, match="probs"):
        nz.Discrete([1.0, -1.0], [1.0])
    with pytest.raises(ValueError, match="values"):
        nz.Discrete([], [])
    with pytest.raises(ValueError, match="values"):
        nz.Discrete(np.ones((2, 2, 2)), [0.5, 0.5])
    with pytest.raises(ValueError, match="values"):
        nz.Discrete([np.inf, -np.inf], [0.5, 0.5])
    with pytest.raises(ValueError, match="dimension"):
        nz.Discrete([[1.0, 1.0], [-1.0, -1.0]], [0.5, 0.5]).check(3)
    # exactly representable and rounding-level means are accepted
    nz.Discrete([2.0, -1.0], [1 / 3, 2 / 3])
    nz.Discrete([0.3, -0.1], [0.25, 0.75])


def test_discrete_draws_and_mean_sign():
    d = nz.Discrete([2.0, -1.0], [1 / 3, 2 / 3])
    assert d.mean_sign == pytest.approx(-1 / 3, rel=1e-15)  # Si & Yun E3: x̄ = −ρ E[sign ξ]
    N = 30_000
    xi = d.draw(np.random.default_rng(4), N, 2)
    assert xi.shape == (N, 2) and set(np.unique(xi)) == {2.0, -1.0}
    for j in range(2):  # independent per coordinate
        counts = [(xi[:, j] == 2.0).sum(), (xi[:, j] == -1.0).sum()]
        assert stats.chisquare(counts, [N / 3, 2 * N / 3]).pvalue > 1e-4
    both = ((xi[:, 0] == 2.0) & (xi[:, 1] == 2.0)).sum()
    assert stats.binomtest(both, N, 1 / 9).pvalue > 1e-4
    vec = nz.Discrete([[1.0, 2.0], [-1.0, -2.0], [0.0, 0.0]], [0.25, 0.25, 0.5])
    xi = vec.draw(np.random.default_rng(5), N, 2)
    rows = {tuple(r) for r in xi}
    assert rows == {(1.0, 2.0), (-1.0, -2.0), (0.0, 0.0)}  # whole vectors
    counts = [np.sum(xi[:, 0] == v) for v in (1.0, -1.0, 0.0)]
    assert stats.chisquare(counts, [N / 4, N / 4, N / 2]).pvalue > 1e-4
    with pytest.raises(ValueError, match="scalar"):
        vec.mean_sign
    assert vec.describe()["probs"] == [0.25, 0.25, 0.5]


def test_engine_adds_the_noise_to_the_exact_gradient():
    p = sl.problems.Quadratic.from_spectrum([0.5, 2.0], seed=0)
    steps, B, sigma = 30, 500, 0.7

    def xi(view):
        return (view.g_descent - view.problem.grad(view.x_prev))[:, 0]

    res = sl.run(p, sl.algorithms.gd(0.05), [1.0, 1.0], steps, runs=B, noise=nz.Gaussian(sigma), seed=3,
                 checkpoints=np.arange(steps + 1), observe={"xi": xi})
    samples = res.observed["xi"][-steps:].ravel()
    assert stats.kstest(samples / sigma, "norm").pvalue > 1e-4
    # f, grad_norm are those of the full objective, not the noisy one
    np.testing.assert_array_equal(res.f[-1], p.value(res.x))
    # zero noise is the deterministic run bit for bit
    det = sl.run(p, sl.algorithms.sam(0.05, 0.1), [1.0, 1.0], 20, keep_iterates=True)
    zero = sl.run(p, sl.algorithms.sam(0.05, 0.1), [1.0, 1.0], 20, keep_iterates=True, noise=nz.Gaussian(0.0))
    assert np.array_equal(det.iterates, zero.iterates)


def test_discrete_noise_in_a_run_makes_sam_drift():
    # Si & Yun E3 on f = x²/2 with ξ ∈ {2, −1}: for |x| < 1, E[sign(x + ξ)] = E[sign ξ] = −1/3, so the mean
    # descent gradient x + ρE[sign(x + ξ)] vanishes at x̄ = −ρE[sign ξ] = ρ/3, not at the minimizer 0
    p = sl.problems.Quadratic([[1.0]])
    noise = nz.Discrete([2.0, -1.0], [1 / 3, 2 / 3])
    rho = 0.5
    res = sl.run(p, sl.algorithms.sam(0.01, rho), [0.0], 4000, runs=200, noise=noise, seed=1)
    mean_x = res.x.mean()
    assert np.all(np.isfinite(res.x))
    assert abs(mean_x - rho / 3) < 0.03  # run-to-run sd ≈ 0.13, so the mean of 200 has sd ≈ 0.01


@pytest.mark.parametrize("build, name", [
    (lambda: nz.Gaussian("0.1"), "sigma"),
    (lambda: nz.Gaussian(["0.1", "0.2"]), "sigma"),
    (lambda: nz.Gaussian(0.1 + 0.2j), "sigma"),
    (lambda: nz.Gaussian(True), "sigma"),
    (lambda: nz.Gaussian(cov=[["1", "0"], ["0", "1"]]), "cov"),
    (lambda: nz.Gaussian(cov=np.eye(2) * 1j), "cov"),
    (lambda: nz.Discrete(["1", "-1"], [0.5, 0.5]), "values"),
    (lambda: nz.Discrete([1j, -1j], [0.5, 0.5]), "values"),
    (lambda: nz.Discrete([1.0, -1.0], ["0.5", "0.5"]), "probs"),
    (lambda: nz.Discrete([True, False], [0.5, 0.5]), "values"),
])
def test_noise_types_are_strict(build, name):
    """Strings, complex numbers and booleans are refused, not converted."""
    with pytest.raises(ValueError, match=name):
        build()


@pytest.mark.parametrize("values, probs", [([-1.0, 2.0], [2 / 3, 1 / 3]), ([-3.0, -1.0, 1.0, 3.0], [0.25] * 4),
                                           (list(np.arange(-10.0, 11.0)), [1 / 21] * 21)])
def test_discrete_draws_are_the_inverse_cdf_of_the_same_uniforms(values, probs):
    """Counting thresholds gives searchsorted's indices exactly (the draws, not only their law)."""
    d = sl.noise.Discrete(values, probs)
    u = np.random.default_rng(5).random((500, 3))
    expected = d.values[np.minimum(np.searchsorted(np.cumsum(d.probs), u, side="right"), len(values) - 1)]
    assert np.array_equal(d.draw(np.random.default_rng(5), 500, 3), expected)
