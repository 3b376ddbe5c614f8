"""Si & Yun (2023): every claim passes in quick mode, reads like a paper (named headline, criteria, flat
details), has a control that makes it fail, and keeps its verdict when every start moves by one ulp; the
worst-case companions report the schema the report reads; the theory module agrees with simulation;
each figure script writes its PNGs in quick mode and prints the claims' numbers."""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path

import numpy as np
import pytest

import samlab as sl
import samlab.claims.si_yun_2023  # noqa: F401  (registers the claims)
import samlab.claims.si_yun_2023 as sy_claims
from samlab.claims.base import registry
from samlab.setups import si_yun_2023 as setup
from samlab.theory import si_yun_2023 as th

ROOT = Path(__file__).resolve().parents[1]
CLAIM_IDS = sorted(cid for cid, c in registry().items() if c.paper == "si-yun-2023")
SCRIPTS = sorted((ROOT / "experiments" / "si_yun_2023").glob("*.py"))


def test_every_prediction_has_a_claim():
    slugs = {cid.split("/", 1)[1] for cid in CLAIM_IDS}
    expected = {"sc-two-cycle", "sc-plateau-scaling", "sc-rate-t-dependent-step", "sc-minimax-rate", "convex-no-floor",
                "nonconvex-stall", "nonconvex-average-grad", "msam-biased-limit", "nsam-biased-limit",
                "controls-converge", "floor-insensitive-to-step-and-horizon", "stochastic-floor-scaling",
                "det-sc-bound", "det-convex-bound", "det-nonconvex-bound", "stoch-sc-bound", "stoch-nonconvex-bound",
                "decaying-rho-stochastic", "decaying-rho-nonconvex", "nsam-vs-msam"}
    expected |= {f"{b}-worst-case" for b in ("det-sc-bound", "det-convex-bound", "det-nonconvex-bound",
                                             "stoch-sc-bound", "stoch-nonconvex-bound")}
    assert expected <= slugs
    for cid in CLAIM_IDS:
        c = registry()[cid]
        assert c.provenance.startswith("Si & Yun 2023") and re.search(r"\[(paper|derived)", c.provenance)
        assert not re.search(r"\.md\b|(^|\s)/[a-z]+/|Pitfall|Prediction|\bP\d+\b|\bnote", c.provenance + c.doc)
        assert "olerance" in c.doc or "Tolerance" in c.doc


def _flat(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _check_reads_like_a_paper(v):
    """A named headline, criteria deciding the verdict, flat details (scalars, short lists of scalars, or
    tables: lists of flat dicts)."""
    assert v.quantity.strip() and v.tolerance.strip() and v.criteria
    assert v.passed == all(c.passed for c in v.criteria)
    for key, value in v.details.items():
        assert isinstance(key, str)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    assert all(_flat(x) for x in item.values()), (key, item)
                else:
                    assert _flat(item), (key, item)
        else:
            assert _flat(value), (key, value)
    assert all(isinstance(f, str) and f.strip() for f in v.findings)


_QUICK: dict = {}


def _quick(claim_id):
    if claim_id not in _QUICK:
        _QUICK[claim_id] = registry()[claim_id].check(quick=True, seed=0)
    return _QUICK[claim_id]


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_passes_quick_and_reads_like_a_paper(claim_id):
    v = _quick(claim_id)
    assert v.passed, (claim_id, v.measured, v.predicted, [c.text for c in v.criteria if not c.passed])
    _check_reads_like_a_paper(v)


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_every_control_makes_its_claim_fail(claim_id):
    """Each claim discriminates: under every declared control (wrong algorithm, mutated rule, violated
    hypothesis) the same protocol and criteria give a failing verdict, not an error."""
    c = registry()[claim_id]
    assert c.controls, f"{claim_id} declares no control"
    for outcome in c.check_controls(quick=True, seed=0):
        assert outcome.error is None, (claim_id, outcome.name, outcome.error)
        assert outcome.discriminates, (claim_id, outcome.name, outcome.verdict.measured)
        _check_reads_like_a_paper(outcome.verdict)


def _nudged(real_run):
    """samlab.run with every start moved by one ulp towards +inf (a change of rounding only)."""
    def run(problem, algorithm, x0, *args, **kw):
        return real_run(problem, algorithm, np.nextafter(np.asarray(x0, dtype=float), np.inf), *args, **kw)
    return run


@pytest.mark.parametrize("claim_id", [c for c in CLAIM_IDS if not c.endswith("-worst-case")])
def test_verdict_does_not_flip_with_the_last_bit(claim_id, monkeypatch):
    """Every run's x0 moved by 1 ulp (np.nextafter): the verdict is the same, and the headline moves by far
    less than the margin of the criteria (a verdict that flips would be measuring rounding). The worst-case
    claims compare ratios with a float tolerance of 1e-9 and are covered by their own test."""
    base = _quick(claim_id)
    sy_claims._sweep.cache_clear()
    monkeypatch.setattr(sy_claims, "run", _nudged(sy_claims.run))
    monkeypatch.setattr(setup, "run", _nudged(setup.run))
    try:
        v = registry()[claim_id].check(quick=True, seed=0)
    finally:
        sy_claims._sweep.cache_clear()
    assert v.passed == base.passed
    for a, b in zip(base.criteria, v.criteria):
        assert a.passed == b.passed, (claim_id, a.text, b.text)


WORST_CASE_KEYS = {"bound_claim": str, "worst_ratio": float, "family": str, "budget": int, "instance": str,
                   "broken": bool, "relaxation": str}


@pytest.mark.parametrize("claim_id", [c for c in CLAIM_IDS if c.endswith("-worst-case")])
def test_worst_case_schema(claim_id):
    v = _quick(claim_id)
    c = registry()[claim_id]
    assert c.kind == "worst-case" and "budget" in c.quick and "budget" in c.full
    d = v.details
    for key, typ in WORST_CASE_KEYS.items():
        assert isinstance(d[key], typ), (key, d[key])
    assert d["bound_claim"] in registry() and registry()[d["bound_claim"]].kind == "bound"
    assert d["bound_claim"] + "-worst-case" == claim_id
    assert not d["broken"] and v.measured == d["worst_ratio"] <= 1 + 1e-9
    stochastic = claim_id.split("/")[1].startswith("stoch")
    if stochastic:  # Monte Carlo: no PEP; every search has its CI
        assert d["pep_ratio"] is None and d["pep_exact"] is None and d["relaxation"] == ""
        assert all("ci low" in row for row in d["searches"])
    else:  # SAM's PEP is the ball relaxation (never exact)
        assert d["pep_exact"] is False and d["relaxation"] and d["pep_ratio"] > 0
    assert d["instance"] == ""  # quick mode saves nothing
    assert d["budget"] == c.quick["budget"]


def test_worst_case_budget_and_progress_are_read():
    c = registry()["si-yun-2023/det-convex-bound-worst-case"]
    seen = []
    s = {**c.quick, "budget": 2 * c.quick["budget"], "progress": lambda done, best: seen.append((done, best))}
    v = c.measure(s, 0)
    assert v.details["budget"] == 2 * c.quick["budget"] and len(seen) == len(v.details["searches"])
    assert seen[-1][1] == pytest.approx(v.details["worst_ratio"])
    assert sum(r["evaluations"] for r in v.details["searches"]) >= 2 * c.quick["budget"] - 100


def test_worst_case_instance_is_saved_and_rebuilt(tmp_path, monkeypatch):
    """Full-mode saving: the npz rebuilds the instance, and a rerun gives the ratio back."""
    from samlab.setups import general as gsetup

    c = registry()["si-yun-2023/det-sc-bound-worst-case"]
    monkeypatch.setattr("samlab.claims.general.data_dir", lambda paper: tmp_path / "si_yun_2023" / "data")
    v = c.measure({**c.quick, "save": True}, 0)
    path = tmp_path / v.details["instance"]
    assert v.details["instance"] == f"si_yun_2023/data/det_sc_bound_worst_budget{c.quick['budget']}.npz"
    with np.load(path) as z:
        import json
        meta = json.loads(str(z["meta"]))
        assert float(z["worst_ratio"]) == v.details["worst_ratio"]
        cases = setup.worst_case_cases("det-sc-bound", c.quick)
        case = next(k for k in cases if k.label == meta["case"])
        inst = case.family.instance(z["params"])
        np.testing.assert_array_equal(inst.x0, z["x0"])
        alg = case.factory(**meta["hypers"])
        res = sl.run(inst.problem, alg, inst.x0, int(meta["steps"]), checkpoints=np.arange(int(meta["steps"]) + 1))
        t = int(z["t"])
        ratio = res.f_gap[t, 0] / float(np.asarray(case.bound(t, **meta["hypers"])).reshape(-1)[0])
        assert ratio == pytest.approx(float(z["worst_ratio"]), rel=1e-9)
    assert gsetup.instance_name("det-sc-bound", 6000, 6000) == "det_sc_bound_worst.npz"


# ----------------------------------------------------------------------------- theory vs closed forms

def test_sympy_derivations():
    e = th.stall_exprs()
    eta, rho, beta, _, _ = th.si_yun_symbols()
    import sympy as sp

    assert sp.simplify(e["grad_at_stall"] - 2 * beta * rho / (3 * sp.pi)) == 0
    assert e["grad_at_probe"] == 0
    assert sp.simplify(e["multiplier"] - (1 - eta * beta)) == 0
    xbar, xstar, gap = th.two_component_bias_expr()
    a1, a2 = sp.symbols("a1 a2", positive=True)
    c1, c2 = sp.symbols("c1 c2", real=True)
    vals = {a1: 1, a2: 3, c1: -1, c2: 1, rho: sp.Rational(1, 10)}
    assert xbar.subs(vals) == sp.Rational(55, 100) and gap.subs(vals) == sp.Rational(1, 400)
    G0, B = th.sc_floor_exprs()
    mu = th.si_yun_symbols()[3]
    assert sp.simplify(B - (beta**4 * eta**2 * rho**2 / (8 * mu * (1 - beta * eta) ** 2) + beta**3 * eta**2 * rho**2 / 2)) == 0
    assert th.flat_phi_exprs()[3] == sp.Rational(5, 2)


def test_additive_noise_stationary_and_constant_step_bound():
    mean_n, var_n = th.additive_noise_stationary(0.01, 0.4, *setup.E3_NOISE, "n")
    mean_m, var_m = th.additive_noise_stationary(0.01, 0.4, *setup.E3_NOISE, "m")
    assert mean_n == mean_m == pytest.approx(0.4 / 3)
    Vn = 2 + 0.16 * (1 - 1 / 9)
    assert var_n == pytest.approx(0.01 * Vn / 1.99) and var_m == pytest.approx(0.01 * (Vn + 2 * 0.4 * 4 / 3) / 1.99)
    with pytest.raises(ValueError, match="mean 0"):
        th.additive_noise_stationary(0.01, 0.4, [1.0, -1.0], [0.3, 0.7], "n")
    lrs = np.full(40, 0.1)
    for v in ("n", "m"):
        np.testing.assert_allclose(th.stoch_sc_bound_constant(np.arange(41), 0.1, 0.3, 1.0, 0.5, 2.0, 1.5, v),
                                   th.stoch_sc_bound(lrs, 0.3, 1.0, 0.5, 2.0, 1.5, v), rtol=1e-13)


def test_e5_limits_differ_between_the_variants():
    for variant, shift in (("n", 1 / 3), ("m", 2 / 3)):
        inst = setup.e5(variant)
        assert inst.problem.x_star[0] == pytest.approx(-2 / 3)
        assert inst.limit(0.2)[0][0] == pytest.approx(-2 / 3 - shift * 0.2)


def test_refined_best_eta_finds_the_vertex_between_grid_points():
    eta = np.geomspace(0.01, 1.0, 21)
    gaps = np.exp((np.log(eta) - np.log(0.123)) ** 2)[None, :]  # one member, one record, minimum at 0.123
    assert setup.refined_best_eta(gaps, 1, eta)[0] == pytest.approx(0.123, rel=1e-9)
    assert setup.minimax_over_family(gaps, 1, eta)[1][0] != pytest.approx(0.123, rel=1e-3)


def test_closed_forms_values():
    assert math.isclose(th.stall_grad_norm(0.3, 2.0), 2 * 2.0 * 0.3 / (3 * math.pi))
    assert math.isclose(th.stall_mean_sq_grad(0.3, 2.0), 4 * 4.0 * 0.09 / (9 * math.pi**2))
    xb, gap = th.two_component_bias([1, 3], [-1, 1], [0.05, 0.4])
    np.testing.assert_allclose(xb, [0.525, 0.7])
    np.testing.assert_allclose(gap, [0.05**2 / 4, 0.4**2 / 4])
    assert np.isnan(th.two_component_bias([1, 3], [-1, 1], 1.5)[0])  # outside the validity range
    sched = th.anytime_lr(0.1, 1.0)
    assert math.isclose(sched(1), 1.0) and math.isclose(sched(11), 2 / (0.1 * (10 + 20)))
    assert math.isclose(th.log_tuned_lr(1000, 0.1, 1.0), 2 * math.log(1000) / 100)
    e = th.stoch_sc_bound(np.full(1000, 0.01), 0.1, 1.0, 0.5, 2.0, 1.0, "n")
    limit = (1.5 * 0.01 / 0.5) + 1.0 * 0.01 * 2.0 / 0.5
    assert e[0] == 1.0 and abs(e[-1] - (limit + (1 - 0.0025) ** 1000 * (1 - limit))) < 1e-12


def test_bounds_reject_steps_outside_their_range():
    with pytest.raises(ValueError, match="lr"):
        th.det_sc_bound(10, 1.0, 0.1, 1.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="lr"):
        th.det_nonconvex_bound(10, 0.3, 0.1, 1.0, 1.0)
    with pytest.raises(ValueError, match="variant"):
        th.stoch_nonconvex_bound(10, 0.1, 0.1, 1.0, 1.0, 1.0, "x")


def test_noise_second_moment():
    assert th.noise_second_moment(sl.noise.Discrete([2, -1], [1 / 3, 2 / 3]), 1) == pytest.approx(2.0)
    assert th.noise_second_moment(sl.noise.Discrete([2, -1], [1 / 3, 2 / 3]), 3) == pytest.approx(6.0)
    assert th.noise_second_moment(sl.noise.Gaussian(0.5), 4) == pytest.approx(1.0)
    v = np.array([[1.0, 2.0], [-0.5, -1.0]])
    assert th.noise_second_moment(sl.noise.Discrete(v, [1 / 3, 2 / 3]), 2) == pytest.approx(5 / 3 + 2 / 3 * 1.25)


def test_limits_of_the_constructions():
    p = sl.problems.LeastSquares([[1.0], [math.sqrt(3)]], [-1.0, math.sqrt(3)])
    for rho in (0.05, 0.4):
        assert th.finite_sum_limit(p, rho, "m")[0][0] == pytest.approx(0.5 + rho / 2)
        assert th.finite_sum_limit(p, rho, "n")[0][0] == pytest.approx(0.5)  # symmetric two components
    q = sl.problems.Quadratic([[2.0]])
    nz = sl.noise.Discrete([2, -1], [1 / 3, 2 / 3])
    assert th.noise_limit(q, nz, 0.3)[0][0] == pytest.approx(0.1)  # −ρE[sign ξ], independent of a
    assert th.noise_limit(q, sl.noise.Gaussian(1.0), 0.3)[0][0] == 0.0
    e3_sum = sl.problems.LeastSquares([[1.0], [1.0], [1.0]], [-2.0, 1.0, 1.0])  # E3 as a finite sum
    assert th.finite_sum_limit(e3_sum, 0.3, "n")[0][0] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="kink"):
        th.finite_sum_limit(p, 2.5, "m")


def test_noise_limit_against_simulation():
    """2-D n-SAM with a 3-atom vector noise: mean x_T matches x̄ + linear transient within 4 SE."""
    q = sl.problems.Quadratic.from_spectrum([0.8, 2.0], seed=4)
    v = np.array([[2.0, 0.5], [-1.0, 1.0], [-0.5, -1.5]])
    p = np.array([0.25, 0.35, 0.4])
    nz = sl.noise.Discrete(v - p @ v, p)
    rho, steps = 0.3, 1500
    xbar, J = th.noise_limit(q, nz, rho)
    lr = sl.schedules.inverse_power(2.0 / 0.8, 1.0, t0=10.0)
    x0 = np.array([1.0, -1.0])
    res = sl.run(q, sl.algorithms.sam(lr, rho, same_sample=False), x0, steps, runs=800, noise=nz, seed=1,
                 checkpoints=2)
    pred = xbar + th.linear_transient(J, sl.schedules.step_array(lr, steps), x0 - xbar)
    se = res.x.std(axis=0, ddof=1) / math.sqrt(res.runs)
    assert np.all(np.abs(res.x.mean(axis=0) - pred) <= 4 * se + 0.02 * np.linalg.norm(xbar - q.x_star))
    assert np.linalg.norm(xbar - q.x_star) > 10 * se.max()  # the bias is resolved


def test_finite_sum_limit_against_simulation():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(4, 2))
    p = sl.problems.LeastSquares(A, rng.normal(size=4))
    rho = 0.2
    xbar, H = th.finite_sum_limit(p, rho, "m")
    eta0 = 2.0 / p.mu
    lr = sl.schedules.inverse_power(eta0, 1.0, t0=math.ceil(2 * eta0 * p.L_i.max()))
    res = sl.run(p, sl.algorithms.sam(lr, rho), p.x_star, 1500, runs=800, sampling=sl.sampling.Uniform(1), seed=2,
                 checkpoints=2)
    se = res.x.std(axis=0, ddof=1) / math.sqrt(res.runs)
    pred = xbar + th.linear_transient(H, sl.schedules.step_array(lr, 1500), p.x_star - xbar)
    assert np.all(np.abs(res.x.mean(axis=0) - pred) <= 4 * se + 0.02 * np.linalg.norm(xbar - p.x_star))


def test_sgd_stationary_gap_against_simulation():
    a, c, probs, lr = np.array([1.0, 3.0]), np.array([-1.0, 1.0]), np.array([0.5, 0.5]), 0.05
    p = sl.problems.LeastSquares(np.sqrt(a)[:, None], np.sqrt(a) * c)
    res = sl.run(p, sl.algorithms.gd(lr), p.x_star, 1200, runs=400, sampling=sl.sampling.Uniform(1), seed=3,
                 checkpoints=np.linspace(200, 1200, 60).astype(int))
    gaps = res.f_gap[1:].mean(axis=0)  # time average per run over the stationary window
    m, se = gaps.mean(), gaps.std(ddof=1) / math.sqrt(gaps.size)
    assert abs(m - th.sgd_stationary_gap(a, c, probs, lr)) <= 4 * se


def test_stall_on_the_scaled_cosine_for_a_random_instance():
    rho, beta = 0.37, 1.7
    p = sl.problems.scaled_cosine(rho, beta)
    x0 = np.random.default_rng(0).uniform(-3, 3, (50, 1))
    res = sl.run(p, sl.algorithms.sam(0.8 / beta, rho), x0, 400, checkpoints=2)
    np.testing.assert_allclose(res.grad_norm[-1], th.stall_grad_norm(rho, beta), rtol=1e-9)


# ----------------------------------------------------------------------------- setups shared by claims and figures

def test_paired_shift_and_floor():
    """b = mean(x_SAM − x_SGD) with its SE; floor ½bᵀHb with first-order SE ‖(Hb)∘se‖."""
    class _R:  # the two fields paired_shift reads
        def __init__(self, x):
            self.iterates = np.asarray(x)[None]

    sam = _R([[1.0, 2.0], [3.0, 2.0], [2.0, 5.0]])
    sgd = _R([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    b, se = setup.paired_shift(sam, sgd)
    np.testing.assert_allclose(b, [1.0, 2.0])
    np.testing.assert_allclose(se, np.array([1.0, np.sqrt(3.0)]) / np.sqrt(3.0))  # sample SDs 1 and √3
    H = np.diag([2.0, 1.0])
    floor, floor_se = setup.shift_floor(H, b, se)
    assert floor == pytest.approx(0.5 * (2 * 1 + 1 * 4)) and floor_se == pytest.approx(np.hypot(2.0 * se[0], 2.0 * se[1]))


def test_minimax_over_family_picks_worst_member_then_best_step():
    eta = np.array([0.1, 0.2, 0.3])
    # one record, two members × three steps: worst over members is [3, 2, 5] → best step 0.2
    gaps = np.array([[1.0, 2.0, 5.0, 3.0, 1.0, 4.0]])
    best, best_eta = setup.minimax_over_family(gaps, 2, eta)
    assert best.tolist() == [2.0] and best_eta.tolist() == [0.2]


def test_plateau_sweep_and_e4_starts():
    grid, lr, rho = setup.plateau_sweep(4, 2.0)
    np.testing.assert_allclose(grid, np.geomspace(0.01, 0.08, 4))
    np.testing.assert_allclose(lr, np.concatenate([grid, np.full(4, 0.05)]) / 2.0)
    np.testing.assert_allclose(rho, np.concatenate([np.full(4, 0.1), grid]))
    x = setup.e4_starts(np.random.default_rng(0), 500)
    assert x.shape == (500, 1) and x.min() >= -5 and x.max() <= 5


# ----------------------------------------------------------------------------- figure scripts

def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"si_yun_fig_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_there_are_six_figure_scripts():
    assert [p.stem for p in SCRIPTS] == ["constant_vs_decaying_rho", "nonconvex_stall", "sc_plateau", "sc_rates",
                                         "stochastic_floor", "worst_case"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_figure_script_quick(script, tmp_path):
    mod = _load(script)
    assert mod.PAPER == "si-yun-2023" and mod.FIGURES and mod.CLAIMS and mod.__doc__.strip()
    assert mod.REPRODUCES is None  # the paper's own figures are not available to samlab
    title, _, caption = mod.__doc__.strip().partition("\n\n")
    assert "\n" not in title and len(caption) > 200
    for cid in mod.CLAIMS:
        assert cid in registry()
    paths = mod.main(quick=True, out=tmp_path)
    for name in mod.FIGURES:
        png = tmp_path / "si_yun_2023" / f"{name}.png"
        assert png.is_file() and png.stat().st_size > 10_000
        assert png in [Path(p) for p in paths]
        from PIL import Image
        with Image.open(png) as im:  # at most 7 in wide at the saved 200 dpi
            assert im.size[0] <= 7 * 200
    assert any((tmp_path / "si_yun_2023" / "data").glob("*.npz"))


def test_figures_print_the_claims_numbers():
    """sc_rates.py and stochastic_floor.py draw their slopes with the claims' functions on the claims' runs."""
    v = registry()["si-yun-2023/sc-rate-t-dependent-step"].check(quick=True, seed=0)
    fits, _ = setup.sc_rate_fits(setup.e1(), np.ones(2), 0.1, setup.settings(setup.SC_RATE, True)["T"])
    assert fits["schedule"].slope == v.measured
    assert fits["log_tuned"].slope == v.details["instances"][0]["slope, log-tuned eta(T)"]
    s = setup.settings(setup.FLOOR_SCALING, True)
    v = registry()["si-yun-2023/stochastic-floor-scaling"].check(quick=True, seed=0)
    inst, res = sy_claims._sweep(("e2", "m"), tuple(s["rhos"]), s["runs"], s["steps"], 0, None, False)
    assert setup.floor_scaling(inst, res, s["rhos"])["floor_fit"].slope == v.measured
    m = setup.settings(setup.SC_MINIMAX, True)
    v = registry()["si-yun-2023/sc-minimax-rate"].check(quick=True, seed=0)
    fam, _ = setup.minimax_fits(*setup.MINIMAX_FAMILIES[0], m)
    assert fam["gap_fit"].slope == v.measured


@pytest.mark.parametrize("key, usam", [
    (("e2", "m"), False), (("e3", 1.0, "n", 2.0, 20.0), False), (("e3", 1.0, "n", 2.0, 20.0), True),
    (("e5", "n"), False), (("e5", "m"), False),
    (("ls", 0, (0.05, 0.4), "m", 2, 5), False), (("ls", 0, (0.05, 0.4), "n", 1, 3), False),
    (("noise", 0, (0.05, 0.4), "n", 2), False), (("e2", "m"), True)])
def test_rho_sweep_blocks_are_the_runs_alone(key, usam):
    """The batched sweep (one run, a ρ per block, samples shared across blocks) gives, block by block, the
    run at that ρ alone bit for bit, with its meta: every claim's SAM against SGD stays paired."""
    inst = sy_claims._instance(key)
    runner = sy_claims._UsamInstance(inst) if usam else inst
    rhos, R, T = (0.05, 0.4), 7, 60
    sweep = setup.rho_sweep(runner, rhos, R, T, 3, name="sweep-test")
    assert list(sweep) == [0.0, *rhos]
    for rho, block in sweep.items():
        alone = runner.run(runner.algorithm(runner.lr, rho), T, R, 3, [T // 4, T], name="sweep-test")
        for field in ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "status", "n_zero_grad",
                      "diverged_at", "stopped_at", "iterates"):
            np.testing.assert_array_equal(getattr(block, field), getattr(alone, field), err_msg=field)
        assert block.n_grad == alone.n_grad
        drop = (lambda m: {k: v for k, v in m.items() if k != "seconds"})
        assert drop(block.meta) == drop(alone.meta)


def test_paired_noise_repeats_one_draw():
    """PairedNoise: copies of one draw of ``runs`` rows, step by step and in blocks; strict arguments."""
    base = sl.noise.Discrete([2.0, -1.0], [1 / 3, 2 / 3])
    paired = sl.noise.PairedNoise(base, 3, 2)
    a = paired.draws(np.random.default_rng(1), 6, 1, 4)
    b = base.draws(np.random.default_rng(1), 3, 1, 4)
    np.testing.assert_array_equal(a, np.concatenate([b, b], axis=1))
    np.testing.assert_array_equal(paired.draw(np.random.default_rng(1), 6, 1), a[0])
    assert sl.noise.PairedNoise(sl.noise.Gaussian(cov=np.eye(2)), 3, 2).draws(np.random.default_rng(1), 6, 2, 4) is None
    with pytest.raises(ValueError, match="covers 6 runs"):
        paired.draw(np.random.default_rng(1), 5, 1)
    for bad in ((base, 2.0, 2), (base, 2, True), (base, 0, 2), ("gauss", 2, 2)):
        with pytest.raises(ValueError):
            sl.noise.PairedNoise(*bad)


def test_paired_noise_respects_a_subclass_that_overrides_only_draw():
    """A user's noise that overrides draw alone is drawn step by step through PairedNoise too, never
    through the parent's block draws (which would bypass the user's draw)."""
    class Doubled(sl.noise.Gaussian):
        def draw(self, rng, runs, dim):
            return 2.0 * super().draw(rng, runs, dim)

    paired = sl.noise.PairedNoise(Doubled(1.0), 3, 2)
    assert paired.draws(np.random.default_rng(1), 6, 1, 4) is None
    res = sl.run(sl.problems.Quadratic([[1.0]]), sl.algorithms.gd(0.1), [0.0], 5, runs=6, noise=paired, seed=2)
    alone = sl.run(sl.problems.Quadratic([[1.0]]), sl.algorithms.gd(0.1), [0.0], 5, runs=3, noise=Doubled(1.0), seed=2)
    np.testing.assert_array_equal(res.x, np.tile(alone.x, (2, 1)))
