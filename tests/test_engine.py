"""The run engine: batch = loop, statuses, zero gradients, checkpoints, validation, determinism.

Batch vs loop: on problems whose arithmetic is elementwise per run (symbolic problems, diagonal
quadratics) a batched run with per-run hyperparameters equals the loop of single runs bit for
bit. Problems computed with a matrix product (rotated quadratics, least squares) go through BLAS,
whose kernel for a (B, d) @ (d, d) product differs from the (1, d) one: there the statement that
holds is agreement to a few ulps per step.
"""

from __future__ import annotations

import numpy as np
import pytest

import samlab as sl
from samlab import algorithms as al
from samlab import engine as engine_mod
from samlab import noise as noise_mod

DIAG = sl.problems.Quadratic(np.diag([0.5, 1.0, 3.0]), x_star=[1.0, 2.0, -1.0], f_star=0.25)
ROT = sl.problems.Quadratic.from_spectrum([0.5, 1.0, 3.0], seed=1, x_star=[1.0, 2.0, -1.0])


def _ls(seed=0, n=6, d=3, reg=0.05):
    rng = np.random.default_rng(seed)
    return sl.problems.LeastSquares(rng.standard_normal((n, d)), rng.standard_normal(n), reg=reg)


def _all_steps(steps):
    return dict(keep_iterates=True, checkpoints=np.arange(steps + 1))


# per-run hyperparameters of every algorithm, B = 4
LR = np.array([0.02, 0.05, 0.1, 0.2])
RHO = np.array([0.0, 0.01, 0.1, 0.3])
LAM = np.array([0.0, 0.3, 0.7, 1.0])
THETA = np.array([0.2, 0.5, 0.9, 1.0])
MOM = np.array([0.0, 0.5, 0.9, 0.0])
SIGMA = np.array([0.0, 0.5, 1.0, 2.0])
BETA = np.array([0.0, 0.5, 0.9, 0.95])

FACTORIES = {  # b: run index (or slice(None) for the batch), s: a scale of the step size
    "gd": lambda b, s=1.0: al.gd(s * LR[b], momentum=MOM[b]),
    "sam": lambda b, s=1.0: al.sam(s * LR[b], RHO[b], momentum=MOM[b]),
    "usam": lambda b, s=1.0: al.usam(s * LR[b], RHO[b]),
    "unified_sam": lambda b, s=1.0: al.unified_sam(s * LR[b], RHO[b], LAM[b]),
    "vasso": lambda b, s=1.0: al.vasso(s * LR[b], RHO[b], THETA[b]),
    "fsam": lambda b, s=1.0: al.fsam(s * LR[b], RHO[b], SIGMA[b], BETA[b]),
    "rsam": lambda b, s=1.0: al.rsam(s * LR[b], RHO[b], 0.0),
}
ALL = slice(None)


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("pname", ["diag", "rosenbrock"])
def test_batch_equals_loop_bit_for_bit_on_elementwise_problems(name, pname):
    p = DIAG if pname == "diag" else sl.problems.rosenbrock()
    scale = 1.0 if pname == "diag" else 0.01
    make = FACTORIES[name]
    rng = np.random.default_rng(4)
    X0 = rng.uniform(-1.5, 1.5, (4, p.dim))
    rb = sl.run(p, make(ALL, scale), X0, 40, **_all_steps(40))
    for b in range(4):
        rs = sl.run(p, make(b, scale), X0[b], 40, **_all_steps(40))
        assert np.array_equal(rs.iterates[:, 0], rb.iterates[:, b]), (name, b)
        for field in ("f", "f_gap", "grad_norm", "perturbation"):
            assert np.array_equal(getattr(rs, field)[:, 0], getattr(rb, field)[:, b]), (name, b, field)
        assert rs.n_zero_grad[0] == rb.n_zero_grad[b]


@pytest.mark.parametrize("pname", ["rotated", "least_squares"])
def test_batch_equals_loop_to_a_few_ulps_through_matrix_products(pname):
    p = ROT if pname == "rotated" else _ls()
    X0 = np.random.default_rng(5).standard_normal((4, 3))
    for name in ("gd", "sam", "unified_sam", "vasso", "fsam"):
        make = FACTORIES[name]
        rb = sl.run(p, make(ALL), X0, 1)
        rb5 = sl.run(p, make(ALL), X0, 5)
        for b in range(4):
            rs = sl.run(p, make(b), X0[b], 1)
            np.testing.assert_allclose(rs.x[0], rb.x[b], rtol=4e-16 * 4, atol=1e-300)
            rs5 = sl.run(p, make(b), X0[b], 5)
            np.testing.assert_allclose(rs5.x[0], rb5.x[b], rtol=1e-13, atol=1e-15)


def test_per_run_schedule_parameters_equal_the_loop():
    c = np.array([0.05, 0.1, 0.4])
    X0 = np.random.default_rng(6).uniform(-2, 2, (3, 3))
    rb = sl.run(DIAG, al.sam(0.1, sl.schedules.inverse_power(c, 0.5)), X0, 30, runs=3, **_all_steps(30))
    for b in range(3):
        rs = sl.run(DIAG, al.sam(0.1, sl.schedules.inverse_power(c[b], 0.5)), X0[b], 30, **_all_steps(30))
        assert np.array_equal(rs.iterates[:, 0], rb.iterates[:, b])
    # and a scalar x0 with runs=B gives B identical deterministic runs
    r = sl.run(DIAG, al.sam(0.1, 0.2), [1.0, 1.0, 1.0], 10, runs=3)
    assert r.x.shape == (3, 3) and np.all(r.x == r.x[0])


def test_per_run_schedule_of_the_wrong_length_names_the_argument():
    alg = al.sam(0.1, sl.schedules.inverse_power(np.array([0.1, 0.2, 0.3]), 0.5))
    with pytest.raises(ValueError, match="rho"):
        sl.run(DIAG, alg, np.zeros((2, 3)), 5)
    try:  # without runs=, either B = 3 is inferred from the schedule or the error names rho
        res = sl.run(DIAG, alg, np.zeros(3), 5)
        assert res.x.shape == (3, 3)
    except ValueError as exc:
        assert "rho" in str(exc)


# ----------------------------------------------------------------------------- statuses

def _gd_path(x, lr, curvature, steps, threshold=1e100):
    """Scalar replica of the engine's arithmetic x ← x − γ(hx): (iterates, first k with |x_k| ≥ threshold)."""
    path = [x]
    for k in range(1, steps + 1):
        x = x - lr * (x * curvature)
        if not abs(x) < threshold:
            return path, k
        path.append(x)
    return path, -1


def test_every_status_in_one_batch():
    p = sl.problems.Quadratic(np.diag([1.0, 4.0]))
    lr = np.array([0.1, 0.4, 1.0, 5.0])  # factors 1 − 4γ on the second axis: 0.6, −0.6, −3, −19
    x0 = np.array([0.0, 1.0])
    steps = 400
    res = sl.run(p, al.gd(lr), x0, steps, keep_iterates=True, checkpoints=np.arange(steps + 1))
    assert res.status.tolist() == ["ok", "ok", "diverged", "diverged"]
    assert res.ok.tolist() == [True, True, False, False]
    for b in range(4):
        path, k_div = _gd_path(1.0, lr[b], 4.0, steps)
        assert res.diverged_at[b] == k_div
        if k_div > 0:
            assert k_div == (210 if b == 2 else 79)  # 3^210 > 1e100 > 3^209, 19^79 > 1e100 > 19^78
            # frozen at the last finite iterate x_{k−1}, recorded unchanged from then on
            assert res.x[b, 1] == path[-1] and res.x[b, 0] == 0.0
            assert np.all(res.iterates[k_div:, b, 1] == path[-1])
            np.testing.assert_array_equal(res.iterates[1:k_div, b, 1], path[1:])
        else:
            np.testing.assert_array_equal(res.iterates[:, b, 1], path)
    assert np.all(np.isfinite(res.f)) and np.all(np.isfinite(res.grad_norm)) and np.all(np.isfinite(res.x))
    # the runs that did not diverge are exactly the runs made alone
    for b in (0, 1):
        alone = sl.run(p, al.gd(lr[b]), x0, steps, keep_iterates=True, checkpoints=np.arange(steps + 1))
        assert np.array_equal(alone.iterates[:, 0], res.iterates[:, b])
        assert alone.status[0] == "ok" and alone.diverged_at[0] == -1


def test_divergence_to_nan_and_custom_threshold():
    p = sl.problems.rosenbrock()
    res = sl.run(p, al.sam(np.array([2e-4, 0.5, 1e-4]), 0.05), [-1.5, 2.0], 200)
    assert res.status.tolist() == ["ok", "diverged", "ok"]
    assert res.diverged_at[1] >= 1 and np.all(np.isfinite(res.x))
    assert np.all(np.isfinite(res.f[:, [0, 2]]))
    q = sl.problems.Quadratic([[1.0]])
    res = sl.run(q, al.gd(np.array([0.5, 3.0])), [1.0], 50, divergence_threshold=1e3)
    # x_k = (−2)^k: |x_10| = 1024 ≥ 1e3
    assert res.status.tolist() == ["ok", "diverged"] and res.diverged_at.tolist() == [-1, 10]
    assert res.x[1, 0] == (-2.0) ** 9


def test_divergence_is_detected_when_runs_grow_with_opposite_signs():
    q = sl.problems.Quadratic([[1.0]])
    res = sl.run(q, al.gd(3.0), [[1.0], [-1.0]], 2000)  # x_k = ±(−2)^k
    assert res.diverged_at.tolist() == [333, 333]  # 2^333 > 1e100 > 2^332
    assert np.all(np.abs(res.x) < 1e100)
    H = np.array([[2.0, -1.0], [-1.0, 2.0]])  # eigenvector (1, −1) with eigenvalue 3: x_k = (−2)^k (1, −1)
    res = sl.run(sl.problems.Quadratic(H), al.gd(1.0), [1.0, -1.0], 2000)
    assert res.diverged_at[0] == 333


# ----------------------------------------------------------------------------- zero gradients

ZERO_DIRECTION = {
    "sam": lambda eps: al.sam(0.1, 0.3, eps=eps),
    "unified_half": lambda eps: al.unified_sam(0.1, 0.3, 0.5, eps=eps),
    "unified_sam": lambda eps: al.unified_sam(0.1, 0.3, 1.0, eps=eps),
    "vasso": lambda eps: al.vasso(0.1, 0.3, 0.5, eps=eps),
    "fsam": lambda eps: al.fsam(0.1, 0.3, eps=eps),
    "rsam_sigma0": lambda eps: al.rsam(0.1, 0.3, 0.0, eps=eps),
    "sam_momentum": lambda eps: al.sam(0.1, 0.3, momentum=0.9, eps=eps),
}


@pytest.mark.parametrize("name", sorted(ZERO_DIRECTION))
@pytest.mark.parametrize("eps", [0.0, 1e-8])
def test_start_at_the_minimizer_stays_there_without_nan(name, eps):
    alg = ZERO_DIRECTION[name](eps)
    xs = ROT.x_star
    X0 = np.stack([xs, xs + np.array([0.5, -0.5, 0.25])])
    steps = 6
    res = sl.run(ROT, alg, X0, steps, **_all_steps(steps))
    assert np.array_equal(res.iterates[:, 0], np.broadcast_to(xs, (steps + 1, 3)))
    assert res.n_zero_grad.tolist() == [steps, 0]
    assert np.all(res.perturbation[:, 0] == 0.0)
    for field in ("f", "f_gap", "grad_norm", "perturbation", "dist", "iterates"):
        assert np.all(np.isfinite(getattr(res, field))), field
    assert res.f_gap[-1, 0] == 0.0 and res.dist[-1, 0] == 0.0 and res.grad_norm[-1, 0] == 0.0
    assert res.status.tolist() == ["ok", "ok"]
    assert res.meta["eps"] == eps and res.meta["algorithm"]["eps"] == eps


def test_usam_gd_and_random_sam_at_the_minimizer():
    xs = ROT.x_star
    for alg in (al.gd(0.1), al.usam(0.1, 0.3)):
        res = sl.run(ROT, alg, xs, 5, keep_iterates=True)
        assert np.all(res.iterates == xs) and res.n_zero_grad.tolist() == [0]
    # RSAM with σ > 0 perturbs to x + u first, so it does leave x* (finitely)
    res = sl.run(ROT, al.rsam(0.1, 0.3, 0.5), xs, 5, keep_iterates=True)
    assert np.all(np.isfinite(res.iterates)) and not np.all(res.iterates[-1] == xs)
    assert res.n_zero_grad.tolist() == [0]


# ----------------------------------------------------------------------------- records and meta

def test_records_match_the_problem_at_the_checkpoints():
    p = DIAG
    res = sl.run(p, al.sam(0.1, np.array([0.1, 0.2])), [3.0, -1.0, 2.0], 50, checkpoints=[5, 20, 50],
                 keep_iterates=True)
    np.testing.assert_array_equal(res.t, [0, 5, 20, 50])
    assert res.t.dtype.kind == "i"
    K, B = 4, 2
    assert res.f.shape == res.f_gap.shape == res.grad_norm.shape == res.dist.shape == (K, B)
    assert res.iterates.shape == (K, B, 3) and res.x.shape == (B, 3)
    for i in range(K):
        X = res.iterates[i]
        np.testing.assert_array_equal(res.f[i], p.value(X))
        np.testing.assert_array_equal(res.f_gap[i], p.value(X) - 0.25)
        np.testing.assert_allclose(res.grad_norm[i], np.linalg.norm(p.grad(X), axis=1), rtol=1e-15)
        np.testing.assert_allclose(res.dist[i], np.linalg.norm(X - p.x_star, axis=1), rtol=1e-15)
    np.testing.assert_array_equal(res.iterates[-1], res.x)
    np.testing.assert_array_equal(res.iterates[0], [[3.0, -1.0, 2.0]] * 2)
    assert np.all(res.perturbation[0] == 0) and np.allclose(res.perturbation[1:], [0.1, 0.2], rtol=1e-15)
    m = res.meta
    assert (m["steps"], m["runs"], m["seed"], m["name"]) == (50, 2, 0, "")
    assert m["f_star"] == 0.25 and m["sampling"] is None and m["noise"] is None
    assert m["problem"]["name"] == "quadratic" and m["algorithm"]["rho"] == [0.1, 0.2]
    # unknown f*: f_gap is f itself and dist is None
    s = sl.run(sl.problems.quadratic_saddle(), al.gd(0.1), [1.0, 1e-3], 10)
    assert s.dist is None and s.meta["f_star"] is None
    np.testing.assert_array_equal(s.f_gap, s.f)


def test_checkpoints():
    assert sl.default_checkpoints(1).tolist() == [0, 1]
    c = sl.default_checkpoints(10_000)
    assert c[0] == 0 and c[-1] == 10_000 and np.all(np.diff(c) > 0) and 80 <= c.size <= 102
    res = sl.run(DIAG, al.gd(0.1), np.zeros(3), 1000, checkpoints=10)
    assert res.t[0] == 0 and res.t[-1] == 1000 and res.t.size <= 12
    res = sl.run(DIAG, al.gd(0.1), np.zeros(3), 100, checkpoints=np.array([100, 7, 7, 0]))
    assert res.t.tolist() == [0, 7, 100]
    res = sl.run(DIAG, al.gd(0.1), np.zeros(3), 100)
    np.testing.assert_array_equal(res.t, sl.default_checkpoints(100))


def test_observe_records_one_row_per_checkpoint_after_the_start():
    res = sl.run(DIAG, al.sam(0.1, np.array([0.1, 0.3])), [3.0, -1.0, 2.0], 20, checkpoints=[1, 10, 20],
                 keep_iterates=True,
                 observe={"k": lambda v: np.full(v.x.shape[0], float(v.k)),
                          "step": lambda v: np.linalg.norm(v.x - v.x_prev, axis=1),
                          "radius": lambda v: np.linalg.norm(v.y - v.x_prev, axis=1),
                          "scalar": lambda v: 1.0})
    K = res.t.size
    obs = res.observed
    # rows aligned with the checkpoints t ≥ 1 (the engine records K − 1 rows; a K-row layout would lead with t = 0)
    assert obs["k"].shape[0] in (K - 1, K) and obs["k"].shape[1] == 2
    np.testing.assert_array_equal(obs["k"][-(K - 1):, 0], res.t[1:])
    np.testing.assert_allclose(obs["radius"][-(K - 1):], [[0.1, 0.3]] * (K - 1), rtol=1e-13)  # (x + δ) − x
    np.testing.assert_array_equal(obs["scalar"][-1], [1.0, 1.0])
    assert res.final("radius") == pytest.approx([0.1, 0.3], rel=1e-13)
    with pytest.raises(ValueError, match="observe"):
        sl.run(DIAG, al.gd(0.1), np.zeros(3), 3, observe={"bad": 3.0})


# ----------------------------------------------------------------------------- validation

def _bad_runs():
    q = DIAG
    ls = _ls()
    ok = al.gd(0.1)
    return [
        (lambda: sl.run(q, ok, np.zeros(2), 5), "x0"),
        (lambda: sl.run(q, ok, np.zeros((2, 4)), 5), "x0"),
        (lambda: sl.run(q, ok, np.zeros((1, 2, 3)), 5), "x0"),
        (lambda: sl.run(q, ok, [0.0, np.nan, 1.0], 5), "x0"),
        (lambda: sl.run(q, ok, [[0.0, 0.0, np.inf]], 5), "x0"),
        (lambda: sl.run(q, al.gd(np.array([0.1, 0.2])), np.zeros((3, 3)), 5), "runs"),
        (lambda: sl.run(q, al.gd(np.array([0.1, 0.2])), np.zeros(3), 5, runs=3), "runs"),
        (lambda: sl.run(q, al.sam(np.array([0.1, 0.2]), np.array([0.1, 0.2, 0.3])), np.zeros(3), 5), "runs"),
        (lambda: sl.run(q, ok, np.zeros((2, 3)), 5, runs=3), "runs"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, runs=0), "runs"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, runs=1.5), "runs"),
        (lambda: sl.run(q, ok, np.zeros(3), 0), "steps"),
        (lambda: sl.run(q, ok, np.zeros(3), -3), "steps"),
        (lambda: sl.run(q, ok, np.zeros(3), 2.5), "steps"),
        (lambda: sl.run(q, ok, np.zeros(3), True), "steps"),
        (lambda: sl.run(q, ok, np.zeros(3), "10"), "steps"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, seed=-1), "seed"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, seed=1.5), "seed"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, sampling=sl.sampling.Uniform(1)), "sampling"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, sampling=sl.sampling.Importance()), "sampling"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, sampling="uniform"), "sampling"),
        (lambda: sl.run(ls, ok, np.zeros(3), 5, sampling=sl.sampling.Nice(7)), "batch_size"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, noise=0.1), "noise"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, noise=sl.noise.Gaussian([1.0, 2.0])), "sigma"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, noise=sl.noise.Gaussian(cov=np.eye(2))), "cov"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, noise=sl.noise.Discrete([[1.0, 1.0], [-1.0, -1.0]], [0.5, 0.5])),
         "dimension"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, checkpoints=[3, 9]), "checkpoints"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, checkpoints=[-1]), "checkpoints"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, checkpoints=[1.5]), "checkpoints"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, checkpoints=1), "checkpoints"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, checkpoints=[[1, 2]]), "checkpoints"),
        (lambda: sl.run(q, ok, np.zeros(3), 5, divergence_threshold=0.0), "divergence_threshold"),
        (lambda: sl.run("quadratic", ok, np.zeros(3), 5), "problem"),
        (lambda: sl.run(q, "sam", np.zeros(3), 5), "algorithm"),
        (lambda: sl.run(q, al.gd(sl.schedules.from_callable(lambda k: 0.1 - 0.01 * k)), np.zeros(3), 20), "lr"),
        (lambda: sl.run(q, al.gd(sl.schedules.inverse_power(0.0, 1.0)), np.zeros(3), 5), "lr"),
        (lambda: sl.run(q, al.unified_sam(0.1, 0.1, sl.schedules.from_callable(lambda k: 1.0 - 2.0 / k)),
                        np.zeros(3), 5), "lam"),
        (lambda: sl.run(q, al.sam(0.1, sl.schedules.from_callable(lambda k: 0.5 - 0.1 * k)), np.zeros(3), 10), "rho"),
        (lambda: sl.run(q, al.gd(0.1, momentum=sl.schedules.from_callable(lambda k: 1.0 - 1.0 / (k + 1) + 0.2)),
                        np.zeros(3), 5), "momentum"),
        (lambda: sl.run(q, al.sam(0.1, sl.schedules.from_callable(lambda k: np.where(k > 1e4, np.nan, 0.1))),
                        np.zeros(3), 20_000), "rho"),
    ]


@pytest.mark.parametrize("case", range(len(_bad_runs())))
def test_bad_run_inputs_name_the_argument(case):
    make, arg = _bad_runs()[case]
    with pytest.raises(ValueError, match=arg):
        make()


@pytest.mark.parametrize("kwargs,arg", [
    (dict(steps=None), "steps"),
    (dict(steps=float("inf")), "steps"),
    (dict(steps=float("nan")), "steps"),
    (dict(steps=5, seed=None), "seed"),
    (dict(steps=5, seed="abc"), "seed"),
    (dict(steps=5, seed=float("nan")), "seed"),
])
def test_non_numeric_steps_and_seeds_name_the_argument(kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        sl.run(DIAG, al.gd(0.1), np.zeros(3), **kwargs)


# ----------------------------------------------------------------------------- determinism

def _stochastic(seed=0, name="", B=3, alg=None, **kw):
    ls = _ls(seed=1)
    alg = alg or al.rsam(0.05, 0.1, 0.2, same_sample=False)
    return sl.run(ls, alg, np.zeros(3), 40, runs=B, sampling=sl.sampling.Nice(2),
                  noise=sl.noise.Gaussian(0.1), seed=seed, name=name, keep_iterates=True, **kw)


def test_same_seed_same_bits_and_different_seeds_or_names_differ():
    a, b = _stochastic(seed=3, name="exp"), _stochastic(seed=3, name="exp")
    assert np.array_equal(a.iterates, b.iterates) and np.array_equal(a.f, b.f)
    assert not np.array_equal(a.iterates, _stochastic(seed=4, name="exp").iterates)
    assert not np.array_equal(a.iterates, _stochastic(seed=3, name="other").iterates)
    # the B runs of one batch are independent: they do not repeat each other
    assert not np.array_equal(a.iterates[:, 0], a.iterates[:, 1])
    # large seeds are fine
    big = _stochastic(seed=2**80)
    assert np.all(np.isfinite(big.x))


def _decoded_samples(alg, steps=30, seed=5, name="pair", B=4):
    """The index drawn at each step, read off the gradients of f_i(x) = ½(x_i − b_i)²."""
    n = 5
    p = sl.problems.LeastSquares(np.eye(n), np.arange(1.0, n + 1.0) * 10.0)
    rec = {"asc": [], "desc": []}

    def grab(v):
        if v.g is not None:
            rec["asc"].append(np.argmax(np.abs(v.g), axis=1))
        rec["desc"].append(np.argmax(np.abs(v.g_descent), axis=1))
        return np.zeros(v.x.shape[0])

    sl.run(p, alg, np.zeros(n), steps, runs=B, sampling=sl.sampling.Uniform(1), seed=seed, name=name,
           checkpoints=np.arange(steps + 1), observe={"grab": grab})
    return {k: np.array(v) for k, v in rec.items() if v}


def test_gd_sam_usam_see_the_same_samples():
    gd = _decoded_samples(al.gd(0.01))["desc"]
    assert np.unique(gd).size == 5  # every index shows up: the decoding works
    for alg in (al.sam(0.01, 0.1), al.usam(0.01, 0.1), al.unified_sam(0.01, 0.1, 0.5), al.vasso(0.01, 0.1, 0.5),
                al.fsam(0.01, 0.1)):
        s = _decoded_samples(alg)
        np.testing.assert_array_equal(s["asc"], gd)  # paired with SGD
        np.testing.assert_array_equal(s["desc"], gd)  # m-SAM: the same sample for both gradients
    np.testing.assert_array_equal(_decoded_samples(al.rsam(0.01, 0.1, 0.3))["desc"], gd)
    # n-SAM: the ascent sample is still SGD's, the descent sample is a fresh one
    n = _decoded_samples(al.sam(0.01, 0.1, same_sample=False))
    np.testing.assert_array_equal(n["desc"], gd)  # n-SAM descends with SGD's sample
    assert np.mean(n["asc"] == gd) < 0.5  # and draws its ascent sample independently
    assert not np.array_equal(_decoded_samples(al.gd(0.01), seed=6)["desc"], gd)
    assert not np.array_equal(_decoded_samples(al.gd(0.01), name="other")["desc"], gd)


def test_noise_is_paired_across_algorithms():
    def xi(alg):
        def grab(v):
            g = v.g if v.g is not None else v.g_descent
            return (g - v.problem.grad(v.x_prev))[:, 0]
        return sl.run(ROT, alg, np.zeros(3), 20, runs=3, noise=sl.noise.Gaussian(0.5), seed=9,
                      checkpoints=np.arange(21), observe={"xi": grab}).observed["xi"]

    ref = xi(al.gd(0.05))
    assert np.std(ref) > 0.3
    for alg in (al.sam(0.05, 0.1), al.usam(0.05, 0.1), al.unified_sam(0.05, 0.1, 0.3)):
        np.testing.assert_allclose(xi(alg), ref, rtol=0, atol=1e-14)


# ----------------------------------------------------------------------------- stop events and statuses
def test_stop_event_first_passage_on_saddle():
    """GD (γ = 0.1) on x² − y² multiplies y by 1.2 per step: |y| ≥ 1 from y0 = 1e-3 first at k = 38."""
    p = sl.problems.from_expression("x**2 - y**2")
    res = sl.run(p, al.gd(0.1), [1.0, 1e-3], 200, stop=lambda v: np.abs(v.x[:, 1]) >= 1.0)
    assert res.status.tolist() == ["stopped"] and res.stopped_at.tolist() == [38]
    assert res.diverged_at.tolist() == [-1]
    y38 = 1e-3 * 1.2**38
    assert res.x[0, 1] == pytest.approx(y38, rel=1e-12)  # frozen at the iterate that fired the event
    assert np.all(res.f[-1] == res.f[res.t >= 38][0])  # later checkpoints repeat the frozen values


def test_stop_freezes_only_the_runs_it_fires_for():
    p = sl.problems.from_expression("x**2 - y**2")
    x0 = np.array([[1.0, 1e-3], [1.0, 1e-6], [1.0, 0.0]])
    res = sl.run(p, al.gd(0.1), x0, 100, stop=lambda v: np.abs(v.x[:, 1]) >= 1.0)
    assert res.status.tolist() == ["stopped", "stopped", "ok"]
    assert res.stopped_at.tolist() == [38, 76, -1]


@pytest.mark.parametrize("bad", [lambda v: np.ones(3, dtype=bool), lambda v: np.zeros(2), "not callable"])
def test_stop_must_return_one_bool_per_run(bad):
    with pytest.raises(ValueError, match="stop"):
        sl.run(DIAG, al.gd(0.1), np.zeros((2, 3)), 5, stop=bad)


def test_nan_objective_with_finite_iterate_is_nonfinite():
    """log x from x0 = −1: x stays finite (∇ = 1/x), f is NaN from the start: status at step 0."""
    p = sl.problems.from_expression("log(x)")
    res = sl.run(p, al.gd(0.1), [[-1.0], [2.0]], 10)
    assert res.status.tolist() == ["nonfinite", "ok"] and res.diverged_at.tolist() == [0, -1]
    assert np.all(np.isfinite(res.f_gap[:, res.ok])) and np.all(np.isfinite(res.grad_norm[:, res.ok]))


def test_overflowing_objective_is_diverged_at_step_zero():
    """x⁴ from 1e78 overflows f to inf while x is finite (< the 1e100 threshold)."""
    p = sl.problems.from_expression("x**4")
    res = sl.run(p, al.gd(1e-3), [[1e78], [1.0]], 5)
    assert res.status.tolist() == ["diverged", "ok"] and res.diverged_at.tolist() == [0, -1]


def test_nonfinite_found_mid_run_freezes_at_that_checkpoint():
    """sqrt(x) + x²: GD with a large step jumps to x < 0 where f is NaN but x is finite."""
    p = sl.problems.from_expression("sqrt(x) + x**2")
    res = sl.run(p, al.gd(2.0), [[1.0]], 10, checkpoints=np.arange(11))
    assert res.status.tolist() == ["nonfinite"] and res.diverged_at.tolist() == [1]
    assert res.x[0, 0] < 0  # frozen where the NaN was seen


def test_early_exit_when_every_run_is_frozen_matches_a_batch_that_keeps_stepping():
    """A diverging run alone (stepping ends early) equals its row in a batch with a live run."""
    p = sl.problems.Quadratic(np.diag([1.0, 4.0]))
    alone = sl.run(p, al.gd(1.0), [[3.0, 1.0]], 400, checkpoints=20)  # |1 − γL| = 3: diverges by k ≈ 210
    both = sl.run(p, al.gd(np.array([1.0, 0.1])), [[3.0, 1.0], [3.0, 1.0]], 400, checkpoints=20)
    assert alone.status.tolist() == ["diverged"] and both.status.tolist() == ["diverged", "ok"]
    for field in ("f", "f_gap", "grad_norm", "dist", "perturbation"):
        assert np.array_equal(getattr(alone, field)[:, 0], getattr(both, field)[:, 0]), field
    assert alone.diverged_at[0] == both.diverged_at[0]


@pytest.mark.parametrize("x0, message", [
    (np.array([1 + 1j, 0.0, 0.0]), "x0 must be real numbers"),
    (np.zeros((0, 3)), "x0 must have at least one row"),
    (np.array(["1", "2", "3"]), "x0 must be real numbers"),
    ([True, False, True], "x0 must be real numbers"),
])
def test_x0_types_are_strict(x0, message):
    with pytest.raises(ValueError, match=message):
        sl.run(DIAG, al.gd(0.1), x0, 5)


NOISES_WITH_BLOCKS = [
    noise_mod.Gaussian(0.5), noise_mod.Gaussian([0.1, 2.0]), noise_mod.Discrete([2.0, -1.0], [1 / 3, 2 / 3]),
    noise_mod.Discrete([1.0, 0.0, -2.0], [0.5, 0.25, 0.25]), noise_mod.Discrete([[1.0, 2.0], [-1.0, -2.0]], [0.5, 0.5]),
    noise_mod.Gaussian(cov=np.array([[1.0, 0.3], [0.3, 2.0]])),  # no blocks: drawn step by step
]


@pytest.mark.parametrize("nz", NOISES_WITH_BLOCKS, ids=lambda n: n.describe()["name"])
@pytest.mark.parametrize("same_sample", [False, True])
def test_noise_drawn_in_blocks_is_the_same_as_step_by_step(monkeypatch, nz, same_sample):
    """Noise drawn for many steps at once gives the very bits of one draw per step (n-SAM and m-SAM)."""
    p = sl.problems.Quadratic(np.diag([1.0, 3.0]))
    alg = sl.algorithms.sam(0.1, 0.05, same_sample=same_sample)
    blocked = sl.run(p, alg, np.ones(2), 257, runs=37, noise=nz, seed=3, checkpoints=40, cache=False)
    monkeypatch.setattr(engine_mod, "NOISE_BLOCK_VALUES", 1)
    stepwise = sl.run(p, alg, np.ones(2), 257, runs=37, noise=nz, seed=3, checkpoints=40, cache=False)
    assert np.array_equal(blocked.x, stepwise.x) and np.array_equal(blocked.f, stepwise.f)


def test_a_noise_subclass_overriding_only_draw_is_drawn_step_by_step():
    """A user's subclass that changes ``draw`` must be called: the inherited block draw would bypass it."""
    calls = []

    class Counted(noise_mod.Gaussian):
        def draw(self, rng, runs, dim):
            calls.append(runs)
            return super().draw(rng, runs, dim)

    sl.run(sl.problems.Quadratic(np.diag([1.0, 3.0])), sl.algorithms.gd(0.1), np.ones(2), 50, runs=4,
           noise=Counted(0.1), seed=0, cache=False)
    assert len(calls) == 50
