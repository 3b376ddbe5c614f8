"""Kim et al. 2023: every claim in quick mode, the theory module against simulations, the figure scripts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import check_grad

import samlab as sl
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K
from samlab.theory import cycle_amplitude, model_sde_em_variance, usam_multipliers

ROOT = Path(__file__).resolve().parents[1]
PAPER = "kim-2023"
CLAIM_IDS = [c.id for c in sl.claims.by_paper(PAPER)]


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """Claims and figures run with one BLAS thread, as under samlab verify/reproduce (samlab.execution)."""
    from samlab.execution import single_blas_thread

    with single_blas_thread():
        yield


def test_every_prediction_has_a_claim():
    assert len(CLAIM_IDS) == 14
    for c in sl.claims.by_paper(PAPER):
        assert c.kind in sl.claims.KINDS and "Kim" in c.provenance and "olerance" in c.doc
        assert c.controls, f"{c.id} declares no control"


_QUICK: dict[str, sl.claims.Verdict] = {}


def _quick(claim_id):
    """The quick-mode verdict of a claim, measured once per session (two tests read it)."""
    if claim_id not in _QUICK:
        _QUICK[claim_id] = sl.claims.get(claim_id).check(quick=True)
    return _QUICK[claim_id]


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_quick(claim_id):
    v = _quick(claim_id)
    assert v.passed, (claim_id, [c.text for c in v.criteria if not c.passed], v.details)
    assert v.quantity and v.criteria and v.passed == all(c.passed for c in v.criteria)
    for key, value in v.details.items():  # flat: scalars, short lists, or lists of flat dicts (tables)
        if isinstance(value, dict):
            assert all(not isinstance(x, (dict, list)) for x in value.values()), (claim_id, key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            assert all(not isinstance(x, dict) for row in value for x in row.values()), (claim_id, key)


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_every_control_makes_its_claim_fail(claim_id):
    outcomes = sl.claims.get(claim_id).check_controls(quick=True)
    assert outcomes
    for o in outcomes:
        assert o.error is None, (claim_id, o.name, o.error)
        assert o.discriminates, (claim_id, o.name, [c.text for c in o.verdict.criteria])


def _nudged_run(problem, algorithm, x0, steps, **kwargs):
    from samlab import engine

    return engine.run(problem, algorithm, np.nextafter(np.asarray(x0, dtype=float), np.inf), steps, **kwargs)


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_verdict_does_not_depend_on_the_last_bit_of_x0(claim_id, monkeypatch):
    """A verdict that flips with the last bit of a start measures rounding, not the paper's statement:
    every run of the claim (direct or through samlab.setups.kim_2023) starts one ulp away
    (np.nextafter(x0, +inf); a start at 0 becomes the smallest subnormal) and every criterion must
    come out the same."""
    from samlab.claims import kim_2023 as claims_module

    base = _quick(claim_id)
    monkeypatch.setattr(claims_module, "run", _nudged_run)
    monkeypatch.setattr(setup, "run", _nudged_run)
    moved = sl.claims.get(claim_id).check(quick=True)
    assert moved.passed == base.passed
    assert [c.passed for c in moved.criteria] == [c.passed for c in base.criteria], (
        claim_id, [(a.text, b.text) for a, b in zip(base.criteria, moved.criteria) if a.passed != b.passed])


# ----------------------------------------------------------------------------- problems and noise

def test_saddle_family_matches_members():
    rng = np.random.default_rng(1)
    eig = np.array([[-1.0, 0.5, 2.0], [-0.3, -2.0, 1.0]])
    fam = sl.problems.SaddleFamily.from_spectra(eig, seed=3, center=[0.1, -0.2, 0.3])
    X = rng.standard_normal((2, 3))
    for b in range(2):
        q = sl.problems.Quadratic(fam.H[b], x_star=fam.center[b])
        assert np.allclose(fam.grad(X)[b], q.grad(X[b:b + 1])[0])
        assert np.isclose(fam.value(X)[b], q.value(X[b:b + 1])[0])
        assert np.allclose(np.sort(eig[b]), fam.eigenvalues[b])
    err = check_grad(lambda x: fam.value(np.stack([x, X[1]]))[0], lambda x: fam.grad(np.stack([x, X[1]]))[0], X[0])
    assert err < 1e-6
    assert np.allclose(fam.project(fam.center + fam.eigenvectors[:, :, 0]), 1.0)
    with pytest.raises(ValueError, match="one point per family member"):
        fam.grad(X[:1])
    with pytest.raises(ValueError, match="H"):
        sl.problems.SaddleFamily(np.ones((2, 3)))


def test_saddle_family_runs_one_problem_per_run():
    fam = sl.problems.SaddleFamily.from_spectra(np.array([[-2.0, 2.0], [-1.0, 1.0]]))
    res = sl.run(fam, sl.algorithms.usam(0.01, np.array([1.0, 1.0])), [0.1, 0.1], 50, runs=2, checkpoints=2)
    m = usam_multipliers(0.01, 1.0, np.array([[-2.0, 2.0], [-1.0, 1.0]]))
    assert np.allclose(res.x, 0.1 * m ** 50, rtol=1e-12)


def test_minibatch_noise_covariance_per_run():
    H = np.array([[0.0, 2.0], [2.0, 0.0]])
    C = K.minibatch_covariance(H, 1.0)
    assert np.allclose(C, 2 * np.eye(2))  # |H| of a ±2 saddle
    B = np.repeat([1.0, 16.0], 20000)
    xi = sl.noise.MinibatchNoise(C, B).draw(np.random.default_rng(0), B.size, 2)
    for b in (1.0, 16.0):
        emp = np.cov(xi[B == b].T)
        assert np.allclose(emp, C / b, atol=5 * np.sqrt(2 / 20000) * 2 / b)
    with pytest.raises(ValueError, match="batch_size"):
        sl.noise.MinibatchNoise(C, B).draw(np.random.default_rng(0), 3, 2)
    with pytest.raises(ValueError, match="batch_size"):
        sl.noise.MinibatchNoise(C, 0.0)


def test_isotropic_quadratic_msd_is_mean_square():
    iso = sl.problems.IsotropicQuadratic(-1.0, 500)
    res = sl.run(iso, sl.algorithms.usam(0.01, 0.2), np.zeros(500), 100, noise=sl.noise.Gaussian(0.3), seed=2,
                 checkpoints=[50, 100], keep_iterates=True)
    assert np.allclose(iso.msd(res.f[:, 0]), np.mean(res.iterates[:, 0, :] ** 2, axis=1))
    with pytest.raises(ValueError, match="curvature"):
        sl.problems.IsotropicQuadratic(0.0, 3)


# ----------------------------------------------------------------------------- closed forms vs simulation

def test_usam_discrete_step_limit():
    assert np.isclose(K.usam_discrete_step_limit(1.0, [-2.0, 2.0]), 1 / 3)
    assert np.isnan(K.usam_discrete_step_limit(0.4, [-2.0, 2.0]))  # below Theorem 1's threshold
    # binding negative direction: 2/(|λ|(ρ|λ| − 1))
    assert np.isclose(K.usam_discrete_step_limit(2.0, [-3.0, 0.5]), 2 / (3 * 5))
    p = sl.problems.quadratic_saddle((2.0, -2.0))
    res = sl.run(p, sl.algorithms.usam(np.array([0.33, 0.337]), 1.0), [1.0, 1.0], 3000, checkpoints=2)
    assert np.linalg.norm(res.x[0]) < 1e-3 and (not res.ok[1] or np.linalg.norm(res.x[1]) > 1)


def test_sam_saddle_cycle_multiplier_matches_simulation():
    assert np.isclose(K.sam_saddle_cycle_multiplier(0.01, 2.0, -2.0), -1 + 2 * 0.01 * 2)
    assert not K.sam_saddle_cycle_exprs()["multiplier"].has(K.sam_saddle_cycle_exprs()["symbols"][1])
    p = sl.problems.quadratic_saddle((2.0, -2.0))
    res = sl.run(p, sl.algorithms.sam(0.01, 0.7), [-3.0, -0.01], 1001, checkpoints=[1000, 1001], keep_iterates=True)
    y = np.abs(res.iterates[1:, 0, 1])
    assert np.isclose(y[1] / y[0], 0.96, rtol=1e-7)
    assert np.isclose(abs(res.x[0, 0]), cycle_amplitude(0.01, 0.7, 2.0), rtol=1e-9)
    mu = K.sam_saddle_cycle_limit(0.01, 2.0)
    assert np.isclose(K.sam_saddle_cycle_multiplier(0.01, 2.0, -mu), -1.0)
    with pytest.raises(ValueError, match="lam_minus"):
        K.sam_saddle_cycle_multiplier(0.01, 2.0, 1.0)


def test_escape_steps_are_exact_first_passages():
    p = sl.problems.quadratic_saddle((1.0, -1.0, 0.5), seed=4)
    noise = sl.noise.MinibatchNoise(K.minibatch_covariance(p.H), 8.0)
    alg = sl.algorithms.usam(0.01, 0.2, momentum=0.5)
    steps, res = setup.escape_steps(p, alg, 1.0, 800, runs=40, noise=noise, seed=1, name="esc")
    v = np.linalg.eigh(p.H)[1][:, 0]
    dense = sl.run(p, alg, np.zeros(3), 800, runs=40, noise=noise, seed=1, name="esc",
                   checkpoints=np.arange(801), keep_iterates=True)
    z = np.abs(dense.iterates @ v)
    first = np.where((z >= 1).any(axis=0), np.argmax(z >= 1, axis=0), -1)
    assert np.array_equal(steps, first) and (steps >= 0).mean() > 0.5
    assert set(res.status) <= {"stopped", "ok"} and np.array_equal(res.status == "stopped", steps >= 0)
    saved = setup.saved_escape_steps(res)
    assert np.array_equal(saved[steps >= 0], steps[steps >= 0]) and np.all(np.isinf(saved[steps < 0]))
    with pytest.raises(ValueError, match="radius"):
        setup.escape_stop(v, 0.0, np.zeros(3))


def test_model_sde_simulation_matches_em_variance():
    prob, noise = setup.model_sde_problem([1.0, -1.0], 0.2, 8.0, seed=5)
    res = sl.run(prob, sl.algorithms.gd(0.01), np.zeros(2), 100, runs=20000, noise=noise, seed=3, checkpoints=2)
    w, V = np.linalg.eigh(prob.H)
    for lam in (1.0, -1.0):
        a = lam * (1 + 0.2 * lam) ** 2
        z2 = (res.x @ V[:, np.argmin(np.abs(w - a))]) ** 2
        em = model_sde_em_variance(lam, 0.01, 0.2, 8.0, 100)[-1]
        assert abs(z2.mean() - em) < 4 * z2.std() / np.sqrt(z2.size)


def test_heavy_ball_model_msd():
    em = model_sde_em_variance(-1.0, 0.01, 0.3, 16.0, 150)
    assert np.allclose(K.heavy_ball_model_msd(-1.0, 0.01, 0.3, 16.0, 0.0, 150), em, rtol=1e-12)
    prob, noise = setup.model_sde_problem([-1.0], 0.3, 16.0)
    res = sl.run(prob, sl.algorithms.gd(0.01, momentum=0.8), np.zeros(1), 150, runs=20000, noise=noise, seed=4,
                 checkpoints=2)
    z2 = res.x[:, 0] ** 2
    exact = K.heavy_ball_model_msd(-1.0, 0.01, 0.3, 16.0, 0.8, 150)[-1]
    assert abs(z2.mean() - exact) < 4 * z2.std() / np.sqrt(z2.size)
    with pytest.raises(ValueError, match="momentum"):
        K.heavy_ball_model_msd(-1.0, 0.01, 0.3, 16.0, 1.0, 10)


def test_matching_momentum():
    assert np.allclose(K.usam_matching_momentum([0.1, 0.5], -1.0), [0.1, 0.5])
    g = [K.theorem3_matching_momentum(2.0, -1.0, 0.01, r, 64) for r in (0.1, 0.3, 0.6)]
    assert np.all(np.diff(g) > 0)
    assert np.isnan(K.theorem3_matching_momentum(2.0, -1.0, 0.01, 0.0, 64))


def test_accumulated_rule_matches_its_closed_forms():
    """The official demo's update ∇f(w) + ∇f(w^p): orbit 2ηρ/(2 − 4η) and y-multiplier −0.92 on x² − y²."""
    assert np.isclose(K.accumulated_cycle_amplitude(0.01, 0.5, 2.0), 0.01 / 1.96, rtol=1e-14)
    assert np.isclose(K.accumulated_cycle_multiplier(0.01, 2.0, -2.0), -0.92, rtol=1e-14)
    p = sl.problems.quadratic_saddle((2.0, -2.0))
    res = sl.run(p, setup.accumulated_sam(0.01, 0.5, p), [-3.0, -0.01], 1501, checkpoints=[1500, 1501],
                 keep_iterates=True)
    y = res.iterates[1:, 0, 1]
    assert np.isclose(y[1] / y[0], -0.92, rtol=1e-6)
    assert np.isclose(abs(res.x[0, 0]), K.accumulated_cycle_amplitude(0.01, 0.5, 2.0), rtol=1e-6)
    # one step by hand: w − η(∇f(w) + ∇f(w + ρ∇f/‖∇f‖))
    w = np.array([0.3, -0.2])
    g = p.grad(w[None])[0]
    expected = w - 0.01 * (g + p.grad((w + 0.5 * g / np.linalg.norm(g))[None])[0])
    one = sl.run(p, setup.accumulated_sam(0.01, 0.5, p), w, 1, checkpoints=[1])
    assert np.allclose(one.x[0], expected, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="problem"):
        setup.accumulated_sam(0.01, 0.5, "x^2")
    with pytest.raises(ValueError, match="lr"):
        K.accumulated_cycle_amplitude(0.6, 0.5, 2.0)


def test_control_rules():
    """The mutated rules the controls swap in do what their names say."""
    p = sl.problems.quadratic_saddle((2.0, -1.0))
    x = np.array([[0.4, 0.3]])
    g = p.grad(x)
    for name, y in (("usam_flipped", x - 0.5 * g), ("sam_flipped", x - 0.5 * g / np.linalg.norm(g)),
                    ("usam", x + 0.5 * g), ("sam", x + 0.5 * g / np.linalg.norm(g))):
        res = sl.run(p, setup.variant(name, 0.1, 0.5), x, 1, checkpoints=[1])
        assert np.allclose(res.x, x - 0.1 * p.grad(y), atol=1e-15), name
    damp = sl.run(p, setup.variant("gd", 0.1, momentum=0.9, dampening=True), x, 2, checkpoints=[1, 2], keep_iterates=True)
    x1 = x - 0.1 * 0.1 * g  # v₁ = (1 − β)g
    v1 = 0.1 * g
    assert np.allclose(damp.iterates[1], x1) and np.allclose(damp.iterates[2], x1 - 0.1 * (0.9 * v1 + 0.1 * p.grad(x1)))
    with pytest.raises(ValueError, match="name"):
        setup.variant("adam", 0.1, 0.5)
    with pytest.raises(ValueError, match="drift"):
        setup.model_sde_problem([-1.0], 0.2, 8.0, drift="sgd")


def test_real_usam_variance_matches_simulation():
    res = setup.real_usam_msd_runs(3, [0.5], 20000, 150, batch_size=16.0)[0.5]
    z2 = res.x[0] ** 2
    exact = K.usam_same_sample_variance(-1.0, 0.01, 0.5, 16.0, 150)[-1]
    assert abs(z2.mean() - exact) < 4 * z2.std() / np.sqrt(z2.size)
    assert np.isclose(K.usam_same_sample_variance(-1.0, 0.01, 0.5, 16.0, 1)[0], 0.01**2 * 0.25 / 16, rtol=1e-14)


def test_theorem3_ratio_is_a_function_of_the_drift_per_step():
    """The worst-case claim searches λ = −1, B = 64 only: the ratio depends on (λ, ρ, η, B) only through ηλ(1+ρλ)²."""
    from samlab.theory import momentum_diffusion_as_transcribed as F

    N = 400
    for lam, rho, lr, B, gm in ((-2.0, 0.1, 0.004, 8.0, 0.6), (-0.5, 0.9, 0.02, 128.0, 0.3)):
        a = lam * (1 + rho * lam) ** 2
        lr_ref = lr * a / (-1.0)  # the same drift per step with λ = −1, ρ = 0
        mine = K.heavy_ball_model_msd_batch(lam, lr, rho, B, gm, N)[-1] / F(N * lr, lam, lr, rho, B, gm)
        ref = setup.theorem3_exact_ratios(lr_ref, 0.0, gm, N)[-1, 0]
        assert np.isclose(mine, ref, rtol=1e-9)


def test_theorem3_worst_case_writes_its_instance(tmp_path):
    c = sl.claims.get("kim-2023/theorem3-as-transcribed-worst-case")
    v = c.measure({**c.quick, "save_instance": True, "out": tmp_path}, 0)
    path = tmp_path / v.details["instance"]
    import json

    record = json.loads(path.read_text())
    best = record["exact_search"][v.details["worst_reading"]]
    again = setup.theorem3_exact_ratios(best["lr"], best["rho"], best["momentum"], best["N"],
                                        c2_reading=v.details["worst_reading"])[-1, 0]
    assert np.isclose(again, v.details["worst_ratio"], rtol=1e-12) and v.details["worst_ratio"] <= 1 + 1e-9
    assert set(v.details) >= {"bound_claim", "worst_ratio", "pep_ratio", "pep_exact", "relaxation", "family", "budget",
                              "instance", "broken"}
    control = c.measure({**c.quick, **c.controls[next(iter(c.controls))], "save_instance": True, "out": tmp_path}, 0)
    assert not control.passed and control.details["instance"] == ""
    assert json.loads(path.read_text()) == record  # a control never replaces the saved worst case
    with pytest.raises(ValueError, match="lam"):
        setup.ModelSDEDirection(1.0)


def test_plain_beale_gradient_is_the_same_maths_rounded_differently():
    X = np.random.default_rng(0).normal(size=(200, 2))
    a, b = sl.problems.beale().grad(X), setup.beale_plain().grad(X)
    assert np.allclose(a, b, rtol=1e-12, atol=1e-12) and np.any(a != b)


def test_case_iii_observables_are_the_steps_own_bits():
    p = sl.problems.beale()
    starts = setup.beale_case_iii_starts()[:2]
    res = sl.run(p, sl.algorithms.sam(1.25e-5, 0.5), starts, 300, checkpoints=np.arange(301),
                 observe=setup.BEALE_OBSERVE, keep_iterates=True)
    post = setup.case_iii_observables(p, res.iterates, 0.5)
    assert all(np.array_equal(post[k], res.observed[k]) for k in ("cos", "yx", "yy"))


def test_case_iii_windows():
    cos = np.tile([0.95, -0.95, 0.0, 0.2], 10)  # 40 steps
    w = setup.case_iii_windows(cos, 5, window=10, end=0.9)
    assert [x["start"] for x in w] == [5, 15, 25]
    for x in w:
        c = cos[x["start"] - 1:x["start"] + 9]
        assert (x["low_visits"], x["high_visits"]) == (np.sum(c <= -0.9), np.sum(c >= 0.9)) and x["min_cos"] == -0.95


# ----------------------------------------------------------------------------- Beale and bisection

def test_beale_saddle_facts():
    s = K.beale_saddle()
    p = sl.problems.beale()
    assert np.allclose(p.grad(s["point"][None]), 0.0, atol=1e-12)
    assert s["value"] == 14.203125 and np.allclose(s["eigenvalues"], [-27.75, 27.75])
    assert np.allclose(p.hessian_eigenvalues(s["point"]), s["eigenvalues"])


def test_official_gd_stop_rules():
    n = 2000
    f = np.linspace(10, 1, n + 1)
    moves = np.full(n, 1e-3)
    dist = np.linspace(3, 0.1, n + 1)
    t, rule = setup.official_gd_stop(dist, moves, f)
    assert rule == "a" and dist[t] < 0.15 <= dist[t - 1]
    moves[:] = 1e-6
    t, rule = setup.official_gd_stop(np.full(n + 1, 0.5), moves, f)
    assert (t, rule) == (500, "b")
    f2 = np.full(n + 1, 1.0)
    f2[:100] = np.linspace(2, 1, 100)
    t, rule = setup.official_gd_stop(np.full(n + 1, 1.0), np.full(n, 1e-3), f2)
    assert rule == "c" and t == 99 + 80
    t, rule = setup.official_gd_stop(np.full(n + 1, 1.0), np.full(n, 1e-3), f, max_steps=1500)
    assert (t, rule) == (1500, "d")


def test_bisect_batched():
    target = np.array([0.3, 1.7, 5.0])
    calls = []

    def decide(mid):
        calls.append(mid.copy())
        return mid >= target

    lo, hi, it = setup.bisect_batched(decide, np.zeros(3), np.full(3, 10.0), rtol=1e-4)
    assert np.all((lo <= target) & (target <= hi)) and np.all(hi - lo <= 1e-4 * hi)
    assert len(calls) == it and all(c.shape == (3,) for c in calls)
    lo, hi, _ = setup.bisect_batched(decide, np.full(3, 0.01), np.full(3, 10.0), rtol=1e-4, geometric=True)
    assert np.all((lo <= target) & (target <= hi))
    with pytest.raises(ValueError, match="hi"):
        setup.bisect_batched(decide, np.ones(3), np.ones(3))


# ----------------------------------------------------------------------------- figure scripts

SCRIPTS = sorted((ROOT / "experiments" / "kim_2023").glob("*.py"))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"kim_fig_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_figure_scripts():
    assert {s.stem for s in SCRIPTS} == {"beale_trajectories", "beale_case_iii", "saddle_x2y2", "stability_map",
                                         "escape_statistics", "worst_case", "animations"}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_figure_script_quick(script, tmp_path):
    mod = _load(script)
    assert mod.PAPER == PAPER and mod.FIGURES and mod.__doc__.strip()
    assert mod.REPRODUCES is None or (isinstance(mod.REPRODUCES, str) and mod.REPRODUCES.strip())
    assert set(mod.CLAIMS) <= set(CLAIM_IDS)
    written = [Path(w) for w in mod.main(quick=True, out=tmp_path)]
    for name in mod.FIGURES:
        image = next(tmp_path.glob(f"kim_2023/{name}.*"))
        assert image in written and image.stat().st_size > 10_000
        if image.suffix == ".gif":  # animations: small enough to commit, and really animated
            from PIL import Image

            assert image.stat().st_size < 2_000_000 and Image.open(image).n_frames > 20
        else:
            from PIL import Image

            width, _ = Image.open(image).size
            assert width <= 7.0 * sl.plotting.DPI
    if script.stem != "animations":
        assert any((tmp_path / "kim_2023" / "data").glob("*.*"))
