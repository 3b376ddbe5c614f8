"""Algorithms: hand-computed steps, equivalences between variants, validation, and invariants.

Step convention: x_0 is the start; step k maps x_{k−1} to x_k. Hand computations use
f(x) = ½ xᵀ diag(1, 4) x from x_0 = (3, 1), where g = (3, 4) and ‖g‖ = 5.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as hst

import samlab as sl
from samlab import algorithms as al

D2 = sl.problems.Quadratic(np.diag([1.0, 4.0]))
X0 = np.array([3.0, 1.0])
Q1 = sl.problems.Quadratic([[2.0]])  # f(x) = x², f'(x) = 2x
EVERY_STEP = dict(keep_iterates=True, checkpoints=None)


def _iterates(problem, algorithm, x0, steps, **kw):
    res = sl.run(problem, algorithm, x0, steps, keep_iterates=True, checkpoints=np.arange(steps + 1), **kw)
    return res.iterates  # (steps + 1, B, d)


def _grad(x):
    return np.diag([1.0, 4.0]) @ x


# ----------------------------------------------------------------------------- single steps by hand

def test_gd_step_by_hand():
    it = _iterates(D2, al.gd(0.1), X0, 1)
    np.testing.assert_allclose(it[1, 0], [2.7, 0.6], rtol=0, atol=1e-15)
    it = _iterates(Q1, al.gd(0.25), [1.0], 3)  # x_k = (1 − 2γ)^k x_0 = 0.5^k
    assert it[:, 0, 0].tolist() == [1.0, 0.5, 0.25, 0.125]


def test_sam_step_by_hand():
    # y = (3, 1) + 0.5 (0.6, 0.8) = (3.3, 1.4); ∇f(y) = (3.3, 5.6); x_1 = x_0 − 0.1 ∇f(y)
    it = _iterates(D2, al.sam(0.1, 0.5), X0, 1)
    np.testing.assert_allclose(it[1, 0], [2.67, 0.44], rtol=0, atol=1e-15)
    # 1-D: x_1 = x_0 − γ·2(x_0 + ρ sign x_0) = 1 − 0.1·2·1.5 = 0.7
    it = _iterates(Q1, al.sam(0.1, 0.5), [[1.0], [-1.0]], 1)
    np.testing.assert_allclose(it[1, :, 0], [0.7, -0.7], rtol=0, atol=1e-15)


def test_usam_step_by_hand():
    # y = (3, 1) + 0.5 (3, 4) = (4.5, 3); ∇f(y) = (4.5, 12)
    it = _iterates(D2, al.usam(0.1, 0.5), X0, 1)
    np.testing.assert_allclose(it[1, 0], [2.55, -0.2], rtol=0, atol=1e-15)
    # 1-D: x_1 = x_0 − γ·2(1 + 2ρ)x_0 = 1 − 0.1·2·2 = 0.6
    it = _iterates(Q1, al.usam(0.1, 0.5), [1.0], 1)
    assert it[1, 0, 0] == pytest.approx(0.6, abs=1e-15)


def test_unified_sam_step_by_hand():
    # λ = ½: y = x + ρ(½ + ½/5) g = x + 0.3 g = (3.9, 2.2); ∇f(y) = (3.9, 8.8)
    it = _iterates(D2, al.unified_sam(0.1, 0.5, 0.5), X0, 1)
    np.testing.assert_allclose(it[1, 0], [2.61, 0.12], rtol=0, atol=1e-15)
    # per-run λ: λ = 0 is the USAM step and λ = 1 the SAM step
    it = _iterates(D2, al.unified_sam(0.1, 0.5, np.array([0.0, 0.5, 1.0])), X0, 1)
    np.testing.assert_allclose(it[1], [[2.55, -0.2], [2.61, 0.12], [2.67, 0.44]], rtol=0, atol=1e-15)


def test_vasso_two_steps_by_hand():
    rho, lr, theta = 0.5, 0.1, 0.25
    it = _iterates(D2, al.vasso(lr, rho, theta), X0, 2)
    # step 1: d_1 = g_1 (a SAM step)
    np.testing.assert_allclose(it[1, 0], [2.67, 0.44], rtol=0, atol=1e-15)
    # step 2: d_2 = (1 − θ) d_1 + θ g_2, y = x_1 + ρ d_2/‖d_2‖
    x1 = np.array([2.67, 0.44])
    d2 = (1 - theta) * np.array([3.0, 4.0]) + theta * _grad(x1)
    y = x1 + rho * d2 / np.linalg.norm(d2)
    np.testing.assert_allclose(it[2, 0], x1 - lr * _grad(y), rtol=0, atol=1e-15)


def test_fsam_two_steps_by_hand():
    rho, lr, sigma, beta = 0.5, 0.1, 1.0, 0.9
    it = _iterates(D2, al.fsam(lr, rho, sigma, beta), X0, 2)
    # step 1: m_1 = (1 − β) g_1, d_1 = g_1 − σ m_1 = 0.9 g_1: the SAM direction
    np.testing.assert_allclose(it[1, 0], [2.67, 0.44], rtol=0, atol=1e-15)
    # step 2: m_2 = β m_1 + (1 − β) g_2, d_2 = g_2 − σ m_2
    x1 = np.array([2.67, 0.44])
    g2 = _grad(x1)
    m2 = beta * 0.1 * np.array([3.0, 4.0]) + 0.1 * g2
    d2 = g2 - sigma * m2
    y = x1 + rho * d2 / np.linalg.norm(d2)
    np.testing.assert_allclose(it[2, 0], x1 - lr * _grad(y), rtol=0, atol=1e-15)
    # σ(1 − β) > 1 flips the first direction: d_1 = (1 − σ(1 − β)) g_1 = −g_1 for σ = 20
    it = _iterates(D2, al.fsam(lr, rho, 20.0, beta), X0, 1)
    y = X0 - rho * np.array([0.6, 0.8])
    np.testing.assert_allclose(it[1, 0], X0 - lr * _grad(y), rtol=0, atol=1e-15)


def test_rsam_step_by_hand_with_the_documented_stream():
    # u ~ N(0, σ²I) from the algorithm stream: SeedSequence([seed, crc32(name)]).spawn(5)[4]
    seed, name, sigma, rho, lr = 7, "rsam-hand", 0.3, 0.5, 0.1
    X = np.array([[3.0, 1.0], [-1.0, 2.0]])
    res = sl.run(D2, al.rsam(lr, rho, sigma), X, 1, seed=seed, name=name, keep_iterates=True)
    ss = np.random.SeedSequence([seed, zlib.crc32(name.encode())]).spawn(5)[4]
    u = np.random.Generator(np.random.PCG64(ss)).standard_normal((2, 2)) * sigma
    d = (X + u) @ np.diag([1.0, 4.0])
    y = X + rho * d / np.linalg.norm(d, axis=1, keepdims=True)
    np.testing.assert_allclose(res.x, X - lr * y @ np.diag([1.0, 4.0]), rtol=0, atol=1e-15)
    # ‖y − x‖ = ρ exactly (to rounding) whatever u is
    np.testing.assert_allclose(res.perturbation[-1], [rho, rho], rtol=1e-15)


def test_heavy_ball_momentum_has_pytorch_semantics():
    # PyTorch SGD (dampening 0, no Nesterov): buf_1 = g_1, buf_k = β buf_{k−1} + g_k, x_k = x_{k−1} − γ buf_k
    it = _iterates(Q1, al.gd(0.05, momentum=0.9), [1.0], 3)
    # f = x²: g = 2x; v_1 = 2, x_1 = 0.9; v_2 = 1.8 + 1.8 = 3.6, x_2 = 0.72; v_3 = 3.24 + 1.44, x_3 = 0.486
    np.testing.assert_allclose(it[:, 0, 0], [1.0, 0.9, 0.72, 0.486], rtol=0, atol=1e-15)

    def torch_like(perturb, x, steps, lr, beta):
        buf = None
        for _ in range(steps):
            g = _grad(x)
            gy = _grad(x + perturb(g))
            buf = gy.copy() if buf is None else beta * buf + gy
            x = x - lr * buf
        return x

    sam_dir = lambda g: 0.5 * g / np.linalg.norm(g)
    it = _iterates(D2, al.sam(0.05, 0.5, momentum=0.8), X0, 4)
    for k in range(1, 5):
        np.testing.assert_allclose(it[k, 0], torch_like(sam_dir, X0, k, 0.05, 0.8), rtol=1e-14, atol=1e-15)
    # per-run momentum: β = 0 reproduces the plain step exactly
    it0 = _iterates(D2, al.sam(0.05, 0.5, momentum=np.array([0.0, 0.8])), X0, 4)
    plain = _iterates(D2, al.sam(0.05, 0.5), X0, 4)
    np.testing.assert_array_equal(it0[:, 0], plain[:, 0])
    np.testing.assert_allclose(it0[4, 1], torch_like(sam_dir, X0, 4, 0.05, 0.8), rtol=1e-14)
    # the first step of any momentum is the plain step (v_1 = g_1)
    np.testing.assert_array_equal(it0[1, 1], plain[1, 0])


def test_observe_sees_the_step():
    seen = {}

    def grab(view):
        seen[view.k] = view
        return np.zeros(view.x.shape[0])

    res = sl.run(D2, al.sam(0.1, 0.5), X0, 2, checkpoints=[1, 2], observe={"grab": grab})
    v = seen[1]
    np.testing.assert_array_equal(v.x_prev, [X0])
    np.testing.assert_array_equal(v.g, [[3.0, 4.0]])
    np.testing.assert_allclose(v.y, [[3.3, 1.4]], atol=1e-15)
    np.testing.assert_allclose(v.g_descent, [[3.3, 5.6]], atol=1e-15)
    np.testing.assert_allclose(v.x, [[2.67, 0.44]], atol=1e-15)
    assert v.problem is D2 and seen[2].k == 2
    np.testing.assert_array_equal(seen[2].x_prev, v.x)
    np.testing.assert_array_equal(res.x, seen[2].x)
    seen.clear()
    sl.run(D2, al.gd(0.1), X0, 1, checkpoints=[1], observe={"grab": grab})
    np.testing.assert_array_equal(seen[1].y, [X0])  # gd: y = x_prev
    np.testing.assert_array_equal(seen[1].g_descent, [[3.0, 4.0]])


def test_grads_per_step_and_describe():
    counts = {"gd": al.gd(0.1), "sam": al.sam(0.1, 0.1), "usam": al.usam(0.1, 0.1),
              "unified_sam": al.unified_sam(0.1, 0.1, 0.5), "vasso": al.vasso(0.1, 0.1, 0.5),
              "rsam": al.rsam(0.1, 0.1, 0.1), "fsam": al.fsam(0.1, 0.1)}
    for name, alg in counts.items():
        assert alg.name == name
        assert alg.grads_per_step == (1 if name == "gd" else 2)
        res = sl.run(D2, alg, X0, 7)
        assert res.n_grad == alg.grads_per_step * 7
        assert res.meta["algorithm"]["name"] == name
        assert al.ALGORITHMS[name] is getattr(al, name)
    d = al.unified_sam(np.array([0.1, 0.2]), sl.schedules.inverse_power(1.0, 0.5), 0.5, momentum=0.9).describe()
    assert d["lr"] == [0.1, 0.2] and d["lam"] == 0.5 and d["momentum"] == 0.9
    assert "schedule" in d["rho"] and d["same_sample"] is True
    assert "sam(" in repr(al.sam(0.1, 0.2))


# ----------------------------------------------------------------------------- equivalences

PROBLEMS = {
    "quadratic": sl.problems.Quadratic.from_spectrum([0.5, 1.0, 3.0], seed=1, x_star=[1.0, -1.0, 0.5]),
    "rosenbrock": sl.problems.rosenbrock(),
}


def _x0(problem, B=3, seed=0):
    return 0.7 * np.random.default_rng(seed).standard_normal((B, problem.dim)) + 0.2


@pytest.mark.parametrize("pname", sorted(PROBLEMS))
def test_rho_zero_is_gd_bit_for_bit(pname):
    p = PROBLEMS[pname]
    lr = 1e-3 if pname == "rosenbrock" else 0.1
    x0 = _x0(p)
    ref = _iterates(p, al.gd(lr, momentum=0.5), x0, 30)
    for alg in (al.sam(lr, 0.0, momentum=0.5), al.usam(lr, 0.0, momentum=0.5),
                al.unified_sam(lr, 0.0, 0.3, momentum=0.5), al.vasso(lr, 0.0, 0.4, momentum=0.5),
                al.rsam(lr, 0.0, 0.7, momentum=0.5), al.fsam(lr, 0.0, 1.0, 0.9, momentum=0.5),
                al.sam(lr, sl.schedules.constant(0.0), momentum=0.5)):
        assert np.array_equal(_iterates(p, alg, x0, 30), ref), alg


def test_rho_zero_is_gd_bit_for_bit_with_sampling_and_noise():
    rng = np.random.default_rng(3)
    ls = sl.problems.LeastSquares(rng.standard_normal((6, 3)), rng.standard_normal(6), reg=0.05)
    x0 = rng.standard_normal((4, 3))
    oracles = [dict(sampling=sl.sampling.Uniform(1)), dict(sampling=sl.sampling.Nice(3)),
               dict(sampling=sl.sampling.Importance()), dict(sampling=sl.sampling.Uniform(2, replace=True)),
               dict(noise=sl.noise.Gaussian(0.3)),
               dict(sampling=sl.sampling.Nice(2), noise=sl.noise.Discrete([2.0, -1.0], [1 / 3, 2 / 3]))]
    for kw in oracles:
        ref = _iterates(ls, al.gd(0.1), x0, 25, seed=11, **kw)
        for alg in (al.sam(0.1, 0.0), al.usam(0.1, 0.0), al.unified_sam(0.1, 0.0, 0.5),
                    al.vasso(0.1, 0.0, 0.5), al.rsam(0.1, 0.0, 0.5), al.fsam(0.1, 0.0)):
            assert np.array_equal(_iterates(ls, alg, x0, 25, seed=11, **kw), ref), (kw, alg)
        # n-SAM descends with the primary sample too (its ascent sample is the independent one),
        # so with ρ = 0 it is SGD bit for bit
        other = _iterates(ls, al.sam(0.1, 0.0, same_sample=False), x0, 25, seed=11, **kw)
        assert np.array_equal(other, ref)


def _equivalence_cases():
    rng = np.random.default_rng(5)
    ls = sl.problems.LeastSquares(rng.standard_normal((6, 3)), rng.standard_normal(6), reg=0.05)
    return [
        (PROBLEMS["quadratic"], {}),
        (PROBLEMS["rosenbrock"], {}),
        (ls, dict(sampling=sl.sampling.Nice(2), noise=sl.noise.Gaussian(0.1))),
    ]


@pytest.mark.parametrize("case", range(3))
def test_variants_that_reduce_to_sam_or_usam_are_bit_identical(case):
    p, kw = _equivalence_cases()[case]
    lr = 1e-3 if p.name == "rosenbrock" else 0.1
    x0 = _x0(p, seed=case)
    run = lambda alg: _iterates(p, alg, x0, 30, seed=2, **kw)
    sam, usam = run(al.sam(lr, 0.2)), run(al.usam(lr, 0.2))
    # λ = 1 → SAM and λ = 0 → USAM, bit for bit (also as a schedule and per run)
    assert np.array_equal(run(al.unified_sam(lr, 0.2, 1.0)), sam)
    assert np.array_equal(run(al.unified_sam(lr, 0.2, 0.0)), usam)
    assert np.array_equal(run(al.unified_sam(lr, 0.2, sl.schedules.constant(1.0))), sam)
    # VaSSO θ = 1, F-SAM σ = 0 and RSAM σ = 0 are SAM
    assert np.array_equal(run(al.vasso(lr, 0.2, 1.0)), sam)
    assert np.array_equal(run(al.fsam(lr, 0.2, 0.0, 0.9)), sam)
    assert np.array_equal(run(al.rsam(lr, 0.2, 0.0)), sam)
    # λ_k = 1/k starts as SAM: the first step is SAM's
    assert np.array_equal(run(al.unified_sam(lr, 0.2, sl.schedules.lam_inverse()))[1], sam[1])
    assert np.array_equal(run(al.unified_sam(lr, 0.2, sl.schedules.lam_one_minus_inverse()))[1], usam[1])
    # sanity: the variants really differ when their parameter is generic
    assert not np.array_equal(run(al.vasso(lr, 0.2, 0.5)), sam)
    assert not np.array_equal(sam, usam)


def test_eps_regularized_normalization():
    eps = 0.25
    it = _iterates(D2, al.sam(0.1, 0.5, eps=eps), X0, 1)
    y = X0 + 0.5 * np.array([3.0, 4.0]) / (5.0 + eps)
    np.testing.assert_allclose(it[1, 0], X0 - 0.1 * _grad(y), rtol=0, atol=1e-15)
    it = _iterates(D2, al.unified_sam(0.1, 0.5, 0.5, eps=eps), X0, 1)
    y = X0 + 0.5 * (0.5 + 0.5 / (5.0 + eps)) * np.array([3.0, 4.0])
    np.testing.assert_allclose(it[1, 0], X0 - 0.1 * _grad(y), rtol=0, atol=1e-15)
    assert sl.run(D2, al.sam(0.1, 0.5, eps=eps), X0, 1).meta["eps"] == eps


def test_sam_normalizes_a_tiny_nonzero_gradient():
    for x0 in (1e-160, 1e-170, 1e-200):
        res = sl.run(Q1, al.sam(0.1, 0.5), [x0], 1)
        assert res.n_zero_grad[0] == 0, x0
        assert res.perturbation[1, 0] == 0.5, x0
        assert res.x[0, 0] == pytest.approx(x0 - 0.1 * 2 * (x0 + 0.5), rel=1e-15), x0


_ROW_VALUES = hst.one_of(hst.just(0.0), hst.floats(-1e200, 1e200, allow_nan=False, allow_subnormal=True))


@settings(max_examples=200, deadline=None)
@given(hst.integers(1, 4), hst.integers(1, 3).flatmap(lambda d: hst.lists(
    hst.lists(_ROW_VALUES, min_size=d, max_size=d), min_size=1, max_size=5)))
def test_one_pass_inverse_norms_are_the_safe_path_bit_for_bit(_, rows):
    """linalg.inverse_row_norms gives 1/row_norms exactly, and None exactly when the safe path is needed
    (a zero row, or Σa² outside (1e-290, 1e290)); the zero-row count is the same either way."""
    from samlab.linalg import inverse_row_norms, row_norms

    a = np.array(rows, dtype=float)
    with np.errstate(over="ignore"):  # 1/‖a‖ of a subnormal one-column row is inf on both paths (as in a run)
        inv = inverse_row_norms(a)
        norms = row_norms(a)
        if a.shape[1] == 1:
            needs_safe = not np.all(norms > 0)
        else:
            s = np.einsum("ij,ij->i", a, a)
            needs_safe = not (s.min() > 1e-290 and s.max() < 1e290)
        assert (inv is None) == needs_safe
        if inv is not None:
            np.testing.assert_array_equal(inv, 1.0 / norms)
        ctx = al.StepContext(1, None, None)
        out = ctx.inverse_norm(a)[:, 0]
        np.testing.assert_array_equal(out, np.where(norms == 0.0, 0.0, 1.0 / np.where(norms == 0.0, 1.0, norms)))
    zero = np.zeros(a.shape[0], bool) if ctx.zero is None else ctx.zero
    np.testing.assert_array_equal(zero, norms == 0.0)


# ----------------------------------------------------------------------------- validation

@pytest.mark.parametrize("make,arg", [
    (lambda: al.sam(0.1, -0.1), "rho"),
    (lambda: al.usam(0.1, -1e-9), "rho"),
    (lambda: al.unified_sam(0.1, -0.1, 0.5), "rho"),
    (lambda: al.vasso(0.1, -0.1, 0.5), "rho"),
    (lambda: al.rsam(0.1, -0.1, 0.5), "rho"),
    (lambda: al.fsam(0.1, -0.1), "rho"),
    (lambda: al.sam(0.1, np.array([0.1, -0.1])), "rho"),
    (lambda: al.sam(0.1, np.nan), "rho"),
    (lambda: al.unified_sam(0.1, 0.1, 1.5), "lam"),
    (lambda: al.unified_sam(0.1, 0.1, -0.01), "lam"),
    (lambda: al.unified_sam(0.1, 0.1, np.array([0.0, 1.0000001])), "lam"),
    (lambda: al.gd(0.0), "lr"),
    (lambda: al.gd(-0.1), "lr"),
    (lambda: al.sam(np.inf, 0.1), "lr"),
    (lambda: al.sam(np.array([0.1, 0.0]), 0.1), "lr"),
    (lambda: al.gd([[0.1, 0.2]]), "lr"),
    (lambda: al.gd(np.array([])), "lr"),
    (lambda: al.gd(True), "lr"),
    (lambda: al.gd("0.1"), "lr"),
    (lambda: al.gd(0.1 + 0j), "lr"),
    (lambda: al.gd(np.array([0.1 + 0j])), "lr"),
    (lambda: al.gd([0.1, True]), "lr"),
    (lambda: al.gd(None), "lr"),
    (lambda: al.sam(0.1, np.array([True, False])), "rho"),
    (lambda: al.sam(0.1, 0.1, eps=True), "eps"),
    (lambda: al.vasso(0.1, 0.1, 0.0), "theta"),
    (lambda: al.vasso(0.1, 0.1, 1.5), "theta"),
    (lambda: al.rsam(0.1, 0.1, -0.5), "sigma"),
    (lambda: al.fsam(0.1, 0.1, sigma=-1.0), "sigma"),
    (lambda: al.fsam(0.1, 0.1, beta=1.0), "beta"),
    (lambda: al.fsam(0.1, 0.1, beta=-0.1), "beta"),
    (lambda: al.gd(0.1, momentum=1.0), "momentum"),
    (lambda: al.sam(0.1, 0.1, momentum=-0.1), "momentum"),
    (lambda: al.sam(0.1, 0.1, eps=-1.0), "eps"),
    (lambda: al.sam(0.1, 0.1, eps=np.nan), "eps"),
    (lambda: al.sam(0.1, 0.1, same_sample=1), "same_sample"),
])
def test_bad_hyperparameters_name_the_argument(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


def test_boundary_values_are_accepted():
    al.sam(1e-300, 0.0)
    al.unified_sam(0.1, 0.1, 0.0)
    al.unified_sam(0.1, 0.1, 1.0)
    al.vasso(0.1, 0.1, 1.0)
    al.fsam(0.1, 0.1, sigma=0.0, beta=0.0)
    al.gd(0.1, momentum=0.0)
    al.gd(0.1, momentum=0.999)


# ----------------------------------------------------------------------------- properties

# radii and coordinates stay clear of the squared-norm underflow (|v| < 1e-154), tested separately
RADII = hst.one_of(hst.just(0.0), hst.floats(1e-100, 10.0))
COORDS = hst.one_of(hst.just(0.0), hst.floats(1e-100, 100.0), hst.floats(-100.0, -1e-100))


@settings(max_examples=60, deadline=None)
@given(rho=RADII, lam=hst.floats(0.0, 1.0), x=hst.lists(COORDS, min_size=2, max_size=2),
       lr=hst.floats(1e-4, 0.2))
def test_unified_perturbation_radius(rho, lam, x, lr):
    """Any ρ ≥ 0, λ ∈ [0, 1]: the step is finite and ‖y − x‖ = ρ((1 − λ)‖g‖ + λ) (λ-term 0 when g = 0)."""
    x0 = np.array(x)
    res = sl.run(D2, al.unified_sam(lr, rho, lam), x0, 1)
    assert np.all(np.isfinite(res.x)) and res.status[0] == "ok"
    gnorm = np.linalg.norm(_grad(x0))
    expected = rho * ((1 - lam) * gnorm + (lam if gnorm > 0 else 0.0))
    assert res.perturbation[1, 0] == pytest.approx(expected, rel=1e-13, abs=1e-300)
    assert res.n_zero_grad[0] == int(gnorm == 0)


@settings(max_examples=40, deadline=None)
@given(rho=RADII, theta=hst.floats(0.01, 1.0), sigma=hst.floats(0.0, 2.0),
       beta=hst.floats(0.0, 0.99), seed=hst.integers(0, 2**32 - 1))
def test_normalized_rules_have_radius_rho(rho, theta, sigma, beta, seed):
    """sam, vasso, rsam and fsam move to distance exactly ρ from x (to rounding) at every step."""
    assume(abs(1 - sigma * (1 - beta)) > 1e-3)  # F-SAM's first direction (1 − σ(1 − β)) g is not 0
    x0 = np.random.default_rng(seed).uniform(-3, 3, (2, 2))
    for alg in (al.sam(0.05, rho), al.vasso(0.05, rho, theta), al.rsam(0.05, rho, sigma), al.fsam(0.05, rho, sigma, beta)):
        res = sl.run(D2, alg, x0, 3, checkpoints=[1, 2, 3], seed=seed)
        assert np.all(np.isfinite(res.x))
        np.testing.assert_allclose(res.perturbation[1:], rho, rtol=1e-13, atol=0)
