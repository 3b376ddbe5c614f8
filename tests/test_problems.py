"""Problems: constants against eigenvalues and closed forms, derivatives against finite differences.

Every named problem has its gradient checked with ``scipy.optimize.check_grad`` at random points
and its Hessian against central differences of the gradient; finite sums also have their
component gradients checked and summed (Σ_i ∇f_i / n = ∇f).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

import samlab as sl
from samlab.problems import FiniteSum

RNG_SEED = 20240601


def _rng(k=0):
    return np.random.default_rng([RNG_SEED, k])


def _ls(n=6, d=3, reg=0.0, seed=0):
    rng = _rng(seed)
    return sl.problems.LeastSquares(rng.standard_normal((n, d)), rng.standard_normal(n), reg=reg)


def _logreg(n=6, d=3, reg=0.1, seed=0):
    rng = _rng(100 + seed)
    A = rng.standard_normal((n, d))
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return sl.problems.logistic_regression(A, y, reg)


def _logloss(solvable=True, seed=0):
    rng = _rng(200 + seed)
    A = rng.standard_normal((4, 3))
    b = A @ rng.standard_normal(3) if solvable else rng.standard_normal(4)
    return sl.problems.log_loss(A, b)


# name -> (factory, scale of the random test points around the origin)
NAMED = {
    "beale": (lambda: sl.problems.beale(), 1.5),
    "neg_cos": (lambda: sl.problems.neg_cos(), 3.0),
    "scaled_cosine": (lambda: sl.problems.scaled_cosine(0.5, beta=2.0), 1.0),
    "pl_sine": (lambda: sl.problems.pl_sine(), 3.0),
    "rosenbrock": (lambda: sl.problems.rosenbrock(), 1.5),
    "log_loss": (lambda: _logloss(), 2.0),
    "quadratic_saddle": (lambda: sl.problems.quadratic_saddle((3.0, -1.0, 0.5), seed=4), 2.0),
    "logistic_regression": (lambda: _logreg(), 2.0),
    "least_squares": (lambda: _ls(reg=0.2), 2.0),
    "from_expression": (lambda: sl.problems.from_expression("x**2*y + sin(x*y) + exp(y/3) + z**4/4 - x*z"), 1.5),
    "quadratic": (lambda: sl.problems.Quadratic.from_spectrum([0.3, 1.0, 4.0], seed=2, x_star=[1.0, -2.0, 0.5]), 2.0),
}


def _points(problem, scale, count=5, seed=0):
    return scale * _rng(300 + seed).uniform(-1.0, 1.0, (count, problem.dim))


def _fd_hess(problem, x, h=1e-5):
    """Central differences of the gradient: column j = (∇f(x + h e_j) − ∇f(x − h e_j)) / 2h."""
    d = x.size
    E = np.eye(d) * h
    gp = problem.grad(x[None, :] + E)
    gm = problem.grad(x[None, :] - E)
    return ((gp - gm) / (2 * h)).T


# ----------------------------------------------------------------------------- derivatives

@pytest.mark.parametrize("name", sorted(NAMED))
def test_gradient_matches_finite_differences(name):
    factory, scale = NAMED[name]
    p = factory()
    for x in _points(p, scale):
        f = lambda z: float(p.value(z[None, :])[0])
        g = lambda z: p.grad(z[None, :])[0]
        err = optimize.check_grad(f, g, x)
        assert err <= 2e-6 * (1.0 + np.linalg.norm(g(x))), (name, x, err)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_batched_value_grad_hess_shapes_and_rows(name):
    factory, scale = NAMED[name]
    p = factory()
    X = _points(p, scale, count=4, seed=1)
    v, G, Hs = p.value(X), p.grad(X), p.hess(X)
    assert v.shape == (4,) and G.shape == (4, p.dim) and Hs.shape == (4, p.dim, p.dim)
    assert v.dtype == G.dtype == Hs.dtype == np.float64
    for b in range(4):  # a batch is the rows evaluated one at a time (to rounding: matmul kernels)
        np.testing.assert_allclose(p.value(X[b:b + 1])[0], v[b], rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(p.grad(X[b:b + 1])[0], G[b], rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_hessian_matches_finite_differences_of_the_gradient(name):
    factory, scale = NAMED[name]
    p = factory()
    for x in _points(p, scale, seed=2):
        H = p.hess(x[None, :])[0]
        np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * (1 + np.abs(H).max()))
        fd = _fd_hess(p, x)
        np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-6 * (1 + np.abs(H).max()))


FINITE_SUMS = {
    "least_squares": lambda: _ls(reg=0.0),
    "ridge": lambda: _ls(reg=0.3, seed=1),
    "logistic_regression": lambda: _logreg(),
}


@pytest.mark.parametrize("name", sorted(FINITE_SUMS))
def test_component_gradients(name):
    p = FINITE_SUMS[name]()
    assert isinstance(p, FiniteSum) and p.is_finite_sum
    X = _points(p, 2.0, count=3, seed=3)
    # each component's gradient against finite differences of its value
    for x in X:
        for i in range(p.n):
            f = lambda z, i=i: float(p.component_values(z[None, :])[0, i])
            g = lambda z, i=i: p.component_grad(z[None, :], np.array([[i]]), np.array([[1.0]]))[0]
            assert optimize.check_grad(f, g, x) <= 2e-6 * (1 + np.linalg.norm(g(x)))
    # f = mean_i f_i and ∇f = Σ_i ∇f_i / n
    np.testing.assert_allclose(p.component_values(X).mean(axis=1), p.value(X), rtol=1e-14, atol=1e-14)
    idx = np.broadcast_to(np.arange(p.n), (X.shape[0], p.n))
    full = p.component_grad(X, idx, np.full((X.shape[0], p.n), 1.0 / p.n))
    np.testing.assert_allclose(full, p.grad(X), rtol=1e-13, atol=1e-13)
    # coefficients are linear: Σ_j c_j ∇f_{i_j} with repeated indices
    idx2 = np.array([[0, 0, 1]] * X.shape[0])
    coef2 = np.array([[0.5, 0.25, 2.0]] * X.shape[0])
    one = lambda i: p.component_grad(X, np.full((X.shape[0], 1), i), np.ones((X.shape[0], 1)))
    np.testing.assert_allclose(p.component_grad(X, idx2, coef2), 0.75 * one(0) + 2.0 * one(1), rtol=1e-13, atol=1e-13)
    # each L_i bounds the component's curvature, and f_i^inf = inf f_i (checked by scipy)
    for i in range(p.n):
        res = optimize.minimize(lambda z: float(p.component_values(z[None, :])[0, i]), np.zeros(p.dim),
                                jac=lambda z: p.component_grad(z[None, :], np.array([[i]]), np.array([[1.0]]))[0],
                                method="BFGS", options={"gtol": 1e-12})
        assert p.component_inf()[i] <= res.fun + 1e-12
        assert p.component_inf()[i] >= res.fun - 1e-9


# ----------------------------------------------------------------------------- constants

def test_quadratic_constants_from_eigenvalues():
    eig = np.array([0.25, 1.0, 3.0, 10.0])
    xs = np.array([1.0, -2.0, 0.5, 3.0])
    p = sl.problems.Quadratic.from_spectrum(eig, seed=7, x_star=xs, f_star=1.5)
    np.testing.assert_allclose(np.linalg.eigvalsh(p.H), eig, rtol=1e-13)
    assert p.L == pytest.approx(10.0, rel=1e-13) and p.mu == pytest.approx(0.25, rel=1e-12)
    assert p.condition_number == pytest.approx(40.0, rel=1e-12)
    assert p.strongly_convex and p.pl and p.pl_mu == pytest.approx(0.25, rel=1e-12)
    np.testing.assert_array_equal(p.x_star, xs)
    assert p.f_star == 1.5
    # exact values at the minimizer: zero gradient and f*, bit for bit
    assert np.array_equal(p.grad(xs[None, :]), np.zeros((1, 4)))
    assert p.value(xs[None, :])[0] == 1.5
    # f(x) = ½(x−x*)ᵀH(x−x*) + f* and the Hessian is H everywhere
    z = _rng(5).standard_normal((3, 4))
    X = xs + z
    np.testing.assert_allclose(p.value(X), 0.5 * np.einsum("bi,ij,bj->b", z, p.H, z) + 1.5, rtol=1e-13)
    np.testing.assert_array_equal(p.hess(X), np.broadcast_to(p.H, (3, 4, 4)))
    # unrotated: diagonal H
    q = sl.problems.Quadratic.from_spectrum([2.0, 5.0], rotate=False)
    np.testing.assert_array_equal(q.H, np.diag([2.0, 5.0]))
    assert (q.L, q.mu) == (5.0, 2.0)
    # a random rotation is orthogonal
    Q = sl.problems.random_rotation(5, np.random.default_rng(0))
    np.testing.assert_allclose(Q @ Q.T, np.eye(5), atol=1e-14)


def test_quadratic_psd_singular_and_indefinite():
    p = sl.problems.Quadratic(np.diag([0.0, 2.0, 5.0]))
    assert p.mu == 0.0 and not p.strongly_convex
    assert p.pl_mu == 2.0 and p.pl
    assert p.L == 5.0 and p.condition_number is None
    s = sl.problems.quadratic_saddle()  # x² − y²
    assert s.x_star is None and s.f_star is None and s.mu is None and s.pl_mu is None
    assert s.L == 2.0
    np.testing.assert_array_equal(s.hessian_eigenvalues(), [-2.0, 2.0])
    np.testing.assert_array_equal(s.critical_points(), [[0.0, 0.0]])
    np.testing.assert_allclose(s.value(np.array([[1.0, 2.0]])), [1.0 - 4.0])
    r = sl.problems.quadratic_saddle((4.0, -1.0, 2.0), seed=3, center=[1.0, 1.0, 1.0])
    np.testing.assert_allclose(r.hessian_eigenvalues(), [-1.0, 2.0, 4.0], rtol=1e-13)
    assert r.L == pytest.approx(4.0, rel=1e-13)
    np.testing.assert_array_equal(r.grad(np.ones((1, 3))), np.zeros((1, 3)))


@pytest.mark.parametrize("reg", [0.0, 0.25])
def test_least_squares_constants(reg):
    rng = _rng(11)
    n, d = 7, 3
    A, b = rng.standard_normal((n, d)), rng.standard_normal(n)
    p = sl.problems.LeastSquares(A, b, reg=reg)
    eig = np.linalg.eigvalsh(A.T @ A) / n
    assert p.n == n and p.dim == d
    np.testing.assert_allclose(p.L_i, np.sum(A * A, axis=1) + reg, rtol=1e-15)
    assert p.L_max == pytest.approx(np.max(p.L_i), rel=1e-15)
    assert p.L_mean == pytest.approx(np.mean(p.L_i), rel=1e-15)
    assert p.L == pytest.approx(eig[-1] + reg, rel=1e-13)
    assert p.mu == pytest.approx(eig[0] + reg, rel=1e-12)
    # x* against the augmented least-squares problem [A/√n; √reg I] x = [b/√n; 0]
    M = np.vstack([A / np.sqrt(n), np.sqrt(reg) * np.eye(d)])
    rhs = np.concatenate([b / np.sqrt(n), np.zeros(d)])
    x_ref = np.linalg.lstsq(M, rhs, rcond=None)[0]
    np.testing.assert_allclose(p.x_star, x_ref, rtol=1e-12, atol=1e-12)
    assert np.linalg.norm(p.grad(p.x_star[None, :])) <= 1e-13
    f_ref = 0.5 * np.mean((A @ x_ref - b) ** 2) + 0.5 * reg * x_ref @ x_ref
    assert p.f_star == pytest.approx(f_ref, rel=1e-13)
    # the Hessian AᵀA/n + reg I
    np.testing.assert_allclose(p.hess(np.zeros((2, d)))[1], A.T @ A / n + reg * np.eye(d), rtol=1e-14)
    # f_i^inf closed form: reg b_i² / (2(‖a_i‖² + reg))
    expected_inf = reg * b**2 / (2 * (np.sum(A * A, axis=1) + reg))
    np.testing.assert_allclose(p.component_inf(), expected_inf, rtol=1e-14, atol=0)
    assert p.delta_inf == pytest.approx(p.f_star - expected_inf.mean(), rel=1e-13)
    assert not p.interpolating


def test_least_squares_rank_deficient_minimum_norm_solution():
    rng = _rng(12)
    A = rng.standard_normal((3, 5))
    b = rng.standard_normal(3)
    p = sl.problems.LeastSquares(A, b)
    np.testing.assert_allclose(p.x_star, np.linalg.pinv(A) @ b, rtol=1e-10, atol=1e-12)
    assert p.f_star == pytest.approx(0.0, abs=1e-25)
    assert p.interpolating
    assert p.delta_inf == pytest.approx(0.0, abs=1e-25)
    positive = np.linalg.eigvalsh(A.T @ A / 3)[-3:]
    assert p.pl_mu == pytest.approx(positive[0], rel=1e-12)


def test_least_squares_rank_deficient_mu_is_exactly_zero():
    for seed in range(6):
        rng = np.random.default_rng(seed)
        p = sl.problems.LeastSquares(rng.standard_normal((3, 5)), rng.standard_normal(3))
        assert p.mu == 0.0, (seed, p.mu)
        assert not p.strongly_convex
        assert p.condition_number is None


def test_logistic_regression_constants():
    p = _logreg(n=8, d=3, reg=0.05, seed=3)
    assert p.mu == 0.05
    # x*: gradient ≤ 1e-10 and no lower value found by scipy from several starts
    assert np.linalg.norm(p.grad(p.x_star[None, :])[0]) <= 1e-10
    for x0 in _rng(4).standard_normal((3, 3)):
        res = optimize.minimize(lambda z: float(p.value(z)[0]), x0, jac=lambda z: p.grad(z[None, :])[0],
                                method="BFGS", options={"gtol": 1e-11})
        assert res.fun >= p.f_star - 1e-13
    assert p.f_star == pytest.approx(float(p.value(p.x_star)[0]), rel=0, abs=0)
    # L and L_i are upper bounds of the curvature (σ' ≤ ¼), tight at the origin … up to the reg term
    A = p.A
    assert p.L == pytest.approx(np.linalg.eigvalsh(A.T @ A)[-1] / (4 * p.n) + 0.05, rel=1e-13)
    np.testing.assert_allclose(p.L_i, np.sum(A * A, axis=1) / 4 + 0.05, rtol=1e-15)
    X = 3.0 * _rng(5).standard_normal((20, 3))
    top = np.linalg.eigvalsh(p.hess(X))[:, -1]
    assert np.all(top <= p.L * (1 + 1e-13))
    assert np.all(np.linalg.eigvalsh(p.hess(X))[:, 0] >= 0.05 * (1 - 1e-13))
    h0 = np.linalg.eigvalsh(p.hess(np.zeros((1, 3)))[0])[-1]
    assert h0 == pytest.approx(p.L, rel=1e-13)  # σ'(0) = ¼: the bound is attained at the origin
    # labels must be ±1 and reg > 0
    with pytest.raises(ValueError, match="y"):
        sl.problems.logistic_regression(A, np.arange(p.n, dtype=float), 0.1)
    with pytest.raises(ValueError, match="reg"):
        sl.problems.logistic_regression(A, np.ones(p.n), 0.0)


def test_log_loss_constants():
    p = _logloss(solvable=True)
    assert p.L == pytest.approx(2 * np.linalg.svd(p.A, compute_uv=False)[0] ** 2, rel=1e-13)
    assert p.f_star == 0.0
    assert np.linalg.norm(p.A @ p.x_star - p.b) <= 1e-12
    assert p.value(p.x_star[None, :])[0] == pytest.approx(0.0, abs=1e-24)
    # at a solution every residual is 0, so ∇²f = 2AᵀA and L = 2‖A‖² is attained
    top = np.linalg.eigvalsh(p.hess(p.x_star[None, :])[0])[-1]
    assert top == pytest.approx(p.L, rel=1e-10)
    X = 5.0 * _rng(6).standard_normal((50, 3))
    assert np.all(np.abs(np.linalg.eigvalsh(p.hess(X))) <= p.L * (1 + 1e-13))
    q = _logloss(solvable=False)
    assert q.x_star is None and q.f_star is None


def test_beale_minimum_and_saddle():
    p = sl.problems.beale()
    assert p.value(np.array([[3.0, 0.5]]))[0] == 0.0
    np.testing.assert_array_equal(p.grad(np.array([[3.0, 0.5]])), [[0.0, 0.0]])
    saddle = np.array([[0.0, 1.0]])
    assert p.value(saddle)[0] == 14.203125
    np.testing.assert_array_equal(p.grad(saddle), [[0.0, 0.0]])
    np.testing.assert_allclose(p.hessian_eigenvalues([0.0, 1.0]), [-27.75, 27.75], rtol=1e-15)
    assert p.refine_critical_point([0.1, 0.9]) == pytest.approx([0.0, 1.0], abs=1e-12)
    assert p.x_star.tolist() == [3.0, 0.5] and p.f_star == 0.0


@pytest.mark.parametrize("rho,beta", [(0.05, 1.0), (0.3, 2.5), (1.0, 0.5)])
def test_scaled_cosine_stall_point(rho, beta):
    p = sl.problems.scaled_cosine(rho, beta=beta)
    P = 4 * rho / 3
    m = P / 2  # a maximizer of f: f'(m) = 0, f''(m) = −β
    assert p.grad(np.array([[m]]))[0, 0] == pytest.approx(0.0, abs=1e-15)
    assert p.hess(np.array([[m]]))[0, 0, 0] == pytest.approx(-beta, rel=1e-14)
    g_hat = p.grad(np.array([[m - rho]]))[0, 0]
    assert abs(g_hat) == pytest.approx(2 * beta * rho / (3 * np.pi), rel=1e-14)
    # 2βρ/(3π) is the largest slope and β the largest curvature
    xs = np.linspace(-2 * P, 2 * P, 4001)[:, None]
    assert np.max(np.abs(p.grad(xs))) <= 2 * beta * rho / (3 * np.pi) * (1 + 1e-14)
    assert np.max(np.abs(p.hess(xs))) <= beta * (1 + 1e-14) and p.L == beta
    assert p.f_star == pytest.approx(-beta * P**2 / (4 * np.pi**2), rel=1e-14)
    assert p.value(np.zeros((1, 1)))[0] == pytest.approx(p.f_star, rel=1e-15)
    # SAM with radius ρ does not move from x̂ = m − ρ: its ascent point x̂ − ρ is a critical point
    res = sl.run(p, sl.algorithms.sam(0.1 / beta, rho), x0=[m - rho], steps=3)
    assert abs(res.x[0, 0] - (m - rho)) <= 1e-14 * rho


def test_flat_convex_and_trig_sum():
    """Si & Yun (2023) problem families: gradients, minimum, lower bound and smoothness constants."""
    from scipy.optimize import check_grad

    rng = np.random.default_rng(1)
    fc = sl.problems.FlatConvex(rng.normal(size=(2, 3)), rng.normal(size=3), [1.0, 2.0])
    ts = sl.problems.TrigSum(rng.normal(size=(3, 2)), rng.normal(size=3), rng.uniform(0, 6, 3))
    for prob in (fc, ts):
        for _ in range(3):
            x = rng.normal(size=prob.dim)
            err = check_grad(lambda z: prob.value(z[None])[0], lambda z: prob.grad(z[None])[0], x)
            assert err < 1e-5 * (1 + np.linalg.norm(prob.grad(x[None])))
    assert fc.value(fc.x_star[None])[0] == 0.0 and fc.mu == 0.0
    pts = rng.normal(size=(2000, 2)) * 5
    assert np.all(ts.value(pts) >= ts.f_lower)
    # the smoothness constants bound the Hessian along random directions (finite differences)
    for prob in (fc, ts):
        x, d = rng.normal(size=(200, prob.dim)), rng.normal(size=(200, prob.dim))
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        h = 1e-5
        curv = np.linalg.norm(prob.grad(x + h * d) - prob.grad(x - h * d), axis=1) / (2 * h)
        assert np.all(curv <= prob.L * (1 + 1e-6))
    with pytest.raises(ValueError, match="weights"):
        sl.problems.FlatConvex([[1.0]], [0.0], [-1.0])
    # the smoothness of φ(s) = s⁴/(1 + s²) is the sympy-derived max φ''
    from samlab.problems.flat_convex import PHI_SMOOTHNESS
    from samlab.theory.si_yun_2023 import flat_phi_exprs

    assert PHI_SMOOTHNESS == float(flat_phi_exprs()[3])
    # a single point (d,) is a batch of one
    x = rng.normal(size=ts.dim)
    np.testing.assert_array_equal(ts.grad(x), ts.grad(x[None]))


def test_neg_cos_pl_sine_rosenbrock_constants():
    nc = sl.problems.neg_cos()
    assert (nc.L, nc.f_star) == (1.0, -1.0) and nc.x_star.tolist() == [0.0]
    xs = np.linspace(-10, 10, 2001)[:, None]
    assert np.max(np.abs(nc.hess(xs))) <= 1.0
    ps = sl.problems.pl_sine()
    assert (ps.L, ps.f_star, ps.pl_mu) == (8.0, 0.0, 1 / 32)
    assert ps.pl and not ps.strongly_convex
    assert np.max(np.abs(ps.hess(xs))) <= 8.0 * (1 + 1e-15)
    # PL inequality ½ f'² ≥ μ (f − f*) with μ = 1/32
    assert np.all(0.5 * ps.grad(xs)[:, 0] ** 2 >= ps.pl_mu * ps.value(xs) * (1 - 1e-12))
    rb = sl.problems.rosenbrock(a=2.0, b=10.0)
    assert rb.x_star.tolist() == [2.0, 4.0] and rb.f_star == 0.0
    np.testing.assert_array_equal(rb.grad(np.array([[2.0, 4.0]])), [[0.0, 0.0]])
    assert np.all(np.linalg.eigvalsh(rb.hess(np.array([[2.0, 4.0]]))[0]) > 0)


def test_from_expression():
    p = sl.problems.from_expression("x**2 - y**2")
    assert p.dim == 2 and [str(v) for v in p.variables] == ["x", "y"]
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    np.testing.assert_array_equal(p.value(X), [-3.0, 8.75])
    np.testing.assert_array_equal(p.grad(X), [[2.0, -4.0], [-6.0, -1.0]])
    np.testing.assert_array_equal(p.hess(X), np.broadcast_to(np.diag([2.0, -2.0]), (2, 2, 2)))
    np.testing.assert_array_equal(p.critical_points(), [[0.0, 0.0]])
    np.testing.assert_array_equal(p.hessian_eigenvalues([0.0, 0.0]), [-2.0, 2.0])
    assert p.L is None and p.x_star is None and p.f_star is None
    # constant partial derivatives broadcast over the batch
    q = sl.problems.from_expression("x**2 + 3*y")
    np.testing.assert_array_equal(q.grad(X), [[2.0, 3.0], [-6.0, 3.0]])
    # explicit variable order and known constants; f* is computed from x* when not given
    r = sl.problems.from_expression("(y - 1)**2 + 2*x**2", ["y", "x"], x_star=(1.0, 0.0), L=4.0, mu=2.0)
    assert [str(v) for v in r.variables] == ["y", "x"]
    assert r.f_star == 0.0 and r.L == 4.0 and r.strongly_convex
    with pytest.raises(ValueError, match="expr"):
        sl.problems.from_expression("x**2 +* y")
    with pytest.raises(ValueError, match="unknown name"):
        sl.problems.from_expression("x**2 + a*y", ["x", "y"])
    with pytest.raises(ValueError, match="variables"):
        sl.problems.from_expression("3")
    with pytest.raises(ValueError, match="x_star"):
        sl.problems.from_expression("x**2 + y**2", x_star=(0.0,))


def test_symbolic_grad_of_an_integer_batch_is_float():
    p = sl.problems.from_expression("x**2/4 + y**2/4")
    np.testing.assert_array_equal(p.grad(np.array([[1, 1]])), [[0.5, 0.5]])


def test_describe_is_plain_data():
    for name, (factory, _) in NAMED.items():
        d = factory().describe()
        assert d["dim"] >= 1 and isinstance(d["name"], str)
        for key in ("L", "mu", "f_star"):
            assert d[key] is None or type(d[key]) is float, (name, key)
    assert _ls().describe()["n"] == 6


def test_invalid_problem_inputs_name_the_argument():
    with pytest.raises(ValueError, match="H"):
        sl.problems.Quadratic(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        sl.problems.Quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="H"):
        sl.problems.Quadratic([[np.nan, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="x_star"):
        sl.problems.Quadratic(np.eye(2), x_star=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="f_star"):
        sl.problems.Quadratic(np.eye(2), f_star=np.inf)
    with pytest.raises(ValueError, match="eigenvalues"):
        sl.problems.Quadratic.from_spectrum([])
    with pytest.raises(ValueError, match="eigenvalues"):
        sl.problems.quadratic_saddle((1.0, 2.0))
    with pytest.raises(ValueError, match="A"):
        sl.problems.LeastSquares(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="b"):
        sl.problems.LeastSquares(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError, match="reg"):
        sl.problems.LeastSquares(np.ones((3, 2)), np.ones(3), reg=-1.0)
    with pytest.raises(ValueError, match="A"):
        sl.problems.LeastSquares([[1.0, np.inf]], [1.0])
    with pytest.raises(ValueError, match="b"):
        sl.problems.log_loss(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="rho"):
        sl.problems.scaled_cosine(0.0)
    with pytest.raises(ValueError, match="beta"):
        sl.problems.scaled_cosine(0.1, beta=-1.0)
    with pytest.raises(ValueError, match="X"):
        sl.problems.Quadratic(np.eye(2)).value(np.ones((2, 3)))


# ----------------------------------------------------------------------------- diagonal quadratics
def test_a_diagonal_quadratic_is_evaluated_elementwise():
    """Coordinates never mix: an infinite coordinate leaves the others' gradient finite (a matrix
    product would give inf·0 = NaN in every column), and each entry is the one product (x_j − c_j)h_j."""
    eig = np.array([0.5, 2.0, 7.0])
    centre = np.array([1.0, -1.0, 0.25])
    for p in (sl.problems.Quadratic.from_spectrum(eig, rotate=False, x_star=centre),
              sl.problems.Quadratic(np.diag(eig), x_star=centre)):
        g = p.grad(np.array([np.inf, 3.0, 1.0]))[0]
        assert g[0] == np.inf and g.tolist()[1:] == [(3.0 + 1.0) * 2.0, (1.0 - 0.25) * 7.0]
    rotated = sl.problems.Quadratic.from_spectrum(eig, seed=3)
    assert rotated.diagonal is None and sl.problems.Quadratic(np.diag(eig)).diagonal.tolist() == eig.tolist()


@pytest.mark.parametrize("make", [
    lambda lr: sl.algorithms.gd(lr, momentum=0.5),
    lambda lr: sl.algorithms.sam(lr, 0.1),
    lambda lr: sl.algorithms.usam(lr, 0.2),
    lambda lr: sl.algorithms.unified_sam(lr, 0.1, 0.5),
])
def test_batch_equals_loop_bit_for_bit_on_a_diagonal_quadratic(make):
    """B runs advanced as one (B, d) array equal B single runs bit for bit (iterates and every metric)."""
    p = sl.problems.Quadratic.from_spectrum(np.geomspace(0.01, 30.0, 37), rotate=False,
                                            x_star=_rng(7).standard_normal(37), f_star=0.3)
    lrs = np.linspace(0.005, 0.06, 6)
    X0 = _rng(8).standard_normal((6, 37))
    kw = dict(keep_iterates=True, checkpoints=np.arange(41))
    batch = sl.run(p, make(lrs), X0, 40, **kw)
    for b in range(6):
        single = sl.run(p, make(lrs[b]), X0[b], 40, **kw)
        assert np.array_equal(single.iterates[:, 0], batch.iterates[:, b])
        for field in ("f", "f_gap", "grad_norm", "dist", "perturbation"):
            assert np.array_equal(getattr(single, field)[:, 0], getattr(batch, field)[:, b]), field


@pytest.mark.parametrize("build, name", [
    (lambda: sl.problems.Quadratic(np.zeros((0, 0))), "H"),
    (lambda: sl.problems.Quadratic([]), "H"),
    (lambda: sl.problems.Quadratic([["1"]]), "H"),
    (lambda: sl.problems.Quadratic([[True]]), "H"),
    (lambda: sl.problems.Quadratic(np.eye(2) * (1 + 1j)), "H"),
    (lambda: sl.problems.Quadratic(np.eye(2), x_star=["1", "2"]), "x_star"),
    (lambda: sl.problems.Quadratic(np.eye(2), x_star=[np.nan, 0.0]), "x_star"),
    (lambda: sl.problems.Quadratic(np.eye(2), f_star="0"), "f_star"),
    (lambda: sl.problems.Quadratic(np.eye(2), f_star=1j), "f_star"),
    (lambda: sl.problems.Quadratic(np.eye(2), name=3), "name"),
    (lambda: sl.problems.Quadratic.from_spectrum([1.0, 2.0], rotate="no"), "rotate"),
    (lambda: sl.problems.Quadratic.from_spectrum(["1", "2"]), "eigenvalues"),
    (lambda: sl.problems.quadratic_saddle(("2", "-2")), "eigenvalues"),
])
def test_quadratic_types_are_strict(build, name):
    with pytest.raises(ValueError, match=name):
        build()
