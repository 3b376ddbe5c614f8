"""samlab.pep: tight known results, soundness against samlab.run, relaxations, limits and bad input.

Tolerances: Clarabel solves to feasibility 1e-7 and gaps 1e-8, and samlab.pep refuses answers whose
primal–dual gap exceeds 1e-6·value + 1e-9 (GAP_TOLERANCE). A PEP value is therefore compared with
exact closed forms to RTOL = 2e-6 relative (the gap allowance plus the solver's own 1e-7), and a
measured instance may exceed a PEP value by at most that same amount (it never should by more than
solver rounding: the PEP is an upper bound).
"""

import json
import math

import numpy as np
import pytest

import samlab as sl
from samlab import pep
from samlab.adversary import DiagonalQuadratics, HuberSum

RTOL = 2e-6
L = 1.0


def wc(alg, **kw):
    return pep.worst_case(alg, **kw)


# ----------------------------------------------------------------------------- tight known results

@pytest.mark.parametrize("N", [1, 3, 5])
@pytest.mark.parametrize("h", [0.5, 1.0])
@pytest.mark.parametrize("Lc", [1.0, 2.5])
def test_gd_smooth_convex_matches_drori_teboulle(N, h, Lc):
    """GD, L-smooth convex f, γ = h/L ≤ 1/L: f(x_N) − f* = L‖x_0 − x*‖²/(4Nh + 2) exactly (Drori & Teboulle 2014)."""
    w = wc(sl.algorithms.gd(h / Lc), L=Lc, steps=N, metric="f_gap", initial="distance")
    assert w.exact and w.relaxation == "" and w.status == "optimal" and w.solver == "CLARABEL"
    assert w.function_class == "smooth_convex"
    assert w.value == pytest.approx(Lc / (4 * N * h + 2), rel=RTOL)
    assert w.primal_value == pytest.approx(w.value, rel=RTOL)


@pytest.mark.parametrize("N", [1, 3])
@pytest.mark.parametrize("lr", [0.3, 1.0, 1.6])
def test_gd_strongly_convex_distance_contracts_by_the_textbook_factor(N, lr):
    """GD, L-smooth μ-strongly convex f: ‖x_N − x*‖² ≤ max(|1 − γμ|, |1 − γL|)^{2N}‖x_0 − x*‖², attained."""
    mu = 0.1
    w = wc(sl.algorithms.gd(lr), L=L, mu=mu, steps=N, metric="distance", initial_value=2.0)
    factor = max(abs(1 - lr * mu), abs(1 - lr * L)) ** 2
    assert w.exact and w.function_class == "smooth_strongly_convex"
    assert w.value == pytest.approx(2.0 * factor**N, rel=RTOL)


def test_gd_nonconvex_average_gradient_is_the_descent_lemma_bound():
    """GD with γ = 1/L on L-smooth f: the descent lemma f(x_{k+1}) ≤ f(x_k) − ‖∇f(x_k)‖²/(2L) gives
    (1/N)Σ_{k<N}‖∇f(x_k)‖² ≤ 2L(f(x_0) − f*)/N, and the PEP finds it attained."""
    w = wc(sl.algorithms.gd(1.0 / L), L=L, steps=4, metric="grad_norm_avg", initial="f_gap", function_class="smooth")
    assert w.value == pytest.approx(2.0 * L / 4, rel=RTOL)
    assert not w.exact and "class" in w.relaxation  # the class with f* is a relaxation, and says so


# ----------------------------------------------------------------------------- soundness against runs

def _measure(res, metric):
    if metric == "distance":
        return res.dist[-1] ** 2
    if metric == "f_gap":
        return res.f_gap[-1]
    return np.min(res.grad_norm**2, axis=0)  # grad_norm: every step recorded


def _random_instances(rng, mu, count=400, dim=4):
    """Random diagonal quadratics (spectrum in [μ, L], both ends attained) and Huber sums, with unit starts.

    The methods are rotation-equivariant, so a diagonal Hessian with a random start direction is a
    random rotated quadratic; a few explicitly rotated ones are run too (see the test)."""
    eig = rng.uniform(mu, L, (count, dim))
    eig[:, 0], eig[:, -1] = mu, L
    U = rng.standard_normal((count, dim))
    X0 = U / np.linalg.norm(U, axis=1, keepdims=True)
    delta = 10.0 ** rng.uniform(-3, 0.5, (count, dim))
    return [(DiagonalQuadratics(eig), X0), (HuberSum(L, mu, delta), X0)]


SOUND_CASES = [
    (sl.algorithms.sam(0.5, 0.1), 0.1),
    (sl.algorithms.sam(1.0, 0.3), 0.0),
    (sl.algorithms.sam(0.5, 0.1, momentum=0.5), 0.1),
    (sl.algorithms.unified_sam(0.5, 0.2, 0.5), 0.1),
    (sl.algorithms.usam(0.5, 0.2), 0.1),
    (sl.algorithms.vasso(0.5, 0.2, 0.4), 0.1),
    (sl.algorithms.fsam(0.5, 0.2), 0.1),
    (sl.algorithms.rsam(0.5, 0.2, 0.05), 0.1),  # the ball holds for every draw of rsam's noise
    (sl.algorithms.sam(0.5, 0.1, eps=1e-2), 0.0),  # ‖δ‖ < ρ with ε > 0: inside the ball
    (sl.algorithms.gd(1.0, momentum=0.3), 0.1),
]


@pytest.mark.parametrize("alg,mu", SOUND_CASES, ids=lambda v: repr(v) if not isinstance(v, float) else f"mu{v}")
@pytest.mark.parametrize("metric", ["distance", "f_gap", "grad_norm"])
def test_pep_value_is_never_below_a_run(alg, mu, metric):
    """The PEP value bounds every instance of the class run with samlab.run (‖x_0 − x*‖ = 1)."""
    N = 4
    w = wc(alg, L=L, mu=mu, steps=N, metric=metric)
    rng = np.random.default_rng(11)
    worst = 0.0
    for problem, X0 in _random_instances(rng, mu):
        res = sl.run(problem, alg, X0, N, checkpoints=np.arange(N + 1))
        assert np.all(res.status == "ok")
        worst = max(worst, float(np.max(_measure(res, metric))))
    for seed in range(3):  # rotated quadratics, as a user builds them
        eig = np.concatenate([[mu, L], rng.uniform(mu, L, 3)])
        problem = sl.problems.Quadratic.from_spectrum(eig, seed=seed)
        x0 = rng.standard_normal(5)
        res = sl.run(problem, alg, x0 / np.linalg.norm(x0), N, checkpoints=np.arange(N + 1))
        worst = max(worst, float(_measure(res, metric)[0]))
    assert 0 < worst <= w.value * (1 + RTOL)
    if alg.name in ("gd", "usam"):
        assert w.exact and w.relaxation == ""
    else:
        assert not w.exact and "ascent point" in w.relaxation


@pytest.mark.parametrize("metric", ["f_gap", "grad_norm_avg"])
@pytest.mark.parametrize("mu", [0.0, 0.1])
def test_pep_with_an_initial_gap_is_never_below_a_run(metric, mu):
    """initial="f_gap": f(x_0) − f* = 2 on random quadratics and Huber sums (the adversary's families
    draw them), SAM with heavy ball: every run stays under the PEP."""
    alg = sl.algorithms.sam(0.4, 0.1, momentum=0.3)
    w = wc(alg, L=L, mu=mu, steps=4, metric=metric, initial="f_gap", initial_value=2.0)
    worst = max(float(np.max(sl.adversary.sample_ratios(alg, fam, steps=4, bound=1.0, metric=metric, n=300)))
                for fam in (sl.adversary.Quadratics(4, L, mu, start="f_gap", start_value=2.0),
                            sl.adversary.Huber(3, L, mu, start="f_gap", start_value=2.0)))
    assert 0 < worst <= w.value * (1 + RTOL)


def test_pep_is_at_least_the_worst_quadratic_and_the_worst_1d_huber():
    """Cross-check with the adversary: no quadratic of the class and no 1-D Huber-type function beats
    the PEP (SAM, relaxation); for gd the 1-D Huber search reaches the exact PEP (Drori–Teboulle's
    worst function is a Huber function)."""
    N = 4
    sam = sl.algorithms.sam(0.5, 0.1)
    w = wc(sam, L=L, mu=0.1, steps=N, metric="f_gap")
    quad = sl.adversary.search(sam, sl.adversary.Quadratics(3, L, 0.1), steps=N, bound=1.0, metric="f_gap",
                               budget=600)
    hub = sl.adversary.search(sam, sl.adversary.Huber(1, L, 0.1), steps=N, bound=1.0, metric="f_gap", budget=600)
    assert quad.worst_ratio <= w.value * (1 + RTOL)
    assert hub.worst_ratio <= w.value * (1 + RTOL)
    assert hub.worst_ratio > 0.5 * w.value  # the relaxation is within a factor 2 of a real instance here

    gd = sl.algorithms.gd(1.0)
    w = wc(gd, L=L, steps=N, metric="f_gap")
    hub = sl.adversary.search(gd, sl.adversary.Huber(1, L, 0.0), steps=N, bound=1.0, metric="f_gap", budget=600)
    assert hub.worst_ratio <= w.value * (1 + RTOL)
    assert hub.worst_ratio == pytest.approx(w.value, rel=1e-3)  # DE to 1e-3 with 600 evaluations


def test_nonconvex_pep_bounds_the_worst_cosine():
    """Class "smooth" (nonconvex, inf f = f*): no cosine sum (exactly L-smooth, f* = 0) with
    f(x_0) − f* = 1 beats the PEP, for gd (where the search reaches the PEP's 2L/N to 1e-2) and sam."""
    for alg, close in ((sl.algorithms.gd(1.0), True), (sl.algorithms.sam(0.5, 0.1), False)):
        w = wc(alg, L=L, steps=4, metric="grad_norm_avg", initial="f_gap", function_class="smooth")
        s = sl.adversary.search(alg, sl.adversary.Cosines(2, L, start="f_gap"), steps=4, bound=1.0,
                                metric="grad_norm_avg", budget=600)
        assert s.worst_ratio <= w.value * (1 + RTOL)
        if close:
            assert s.worst_ratio == pytest.approx(w.value, rel=1e-2)


def test_ball_and_inexact_gradient_relaxations():
    """The inexact-gradient view of SAM (‖e‖ ≤ Lρ, Khanh et al.) is looser than the ascent-point ball."""
    sam = sl.algorithms.sam(0.5, 0.1)
    ball = wc(sam, L=L, mu=0.1, steps=3, metric="f_gap")
    inexact = wc(sam, L=L, mu=0.1, steps=3, metric="f_gap", relaxation="inexact_gradient")
    assert inexact.value > ball.value
    assert "Khanh" in inexact.relaxation and "ascent point" in ball.relaxation
    usam = sl.algorithms.usam(0.5, 0.1)
    exact = wc(usam, L=L, mu=0.1, steps=3, metric="f_gap")
    relaxed = wc(usam, L=L, mu=0.1, steps=3, metric="f_gap", exact=False)
    assert exact.exact and not relaxed.exact and "‖e_k‖ ≤ Lρ‖∇f" in relaxed.relaxation
    assert relaxed.value >= exact.value * (1 - RTOL)


def test_exact_formulations_and_what_is_refused():
    sam = sl.algorithms.sam(0.5, 0.1)
    with pytest.raises(ValueError, match=r"cannot be represented exactly.*gd, usam, unified_sam with lam = 0"):
        wc(sam, L=L, steps=2, exact=True)
    # ρ = 0 and unified SAM with λ = 0 are linear: exact
    assert wc(sl.algorithms.sam(0.5, 0.0), L=L, steps=2, exact=True).value == pytest.approx(
        wc(sl.algorithms.gd(0.5), L=L, steps=2).value, rel=RTOL)
    u0 = wc(sl.algorithms.unified_sam(0.5, 0.1, 0.0), L=L, mu=0.1, steps=2, exact=True)
    us = wc(sl.algorithms.usam(0.5, 0.1), L=L, mu=0.1, steps=2)
    assert u0.exact and u0.value == us.value
    with pytest.raises(ValueError, match="function_class='smooth' has no exact formulation"):
        wc(sl.algorithms.gd(0.5), L=L, steps=2, function_class="smooth", initial="f_gap", exact=True)
    with pytest.raises(ValueError, match="inexact_gradient.*not unified_sam"):
        wc(sl.algorithms.unified_sam(0.5, 0.1, 0.5), L=L, steps=2, relaxation="inexact_gradient")


def test_per_step_values_schedules_and_per_run_arrays():
    lrs = np.array([0.5, 0.8, 0.3])
    a = wc(sl.algorithms.gd(lrs), L=L, mu=0.1, steps=3)  # an array of length steps: one value per step
    sched = sl.schedules.from_callable(lambda k: np.asarray([0.5, 0.8, 0.3])[np.asarray(k, int) - 1], "lrs")
    b = wc(sl.algorithms.gd(sched), L=L, mu=0.1, steps=3)
    assert a.value == b.value
    assert a.value == pytest.approx(np.prod(np.maximum(np.abs(1 - 0.1 * lrs), np.abs(1 - lrs)) ** 2), rel=RTOL)
    with pytest.raises(ValueError, match="per-run arrays are not meaningful"):
        wc(sl.algorithms.gd(lrs), L=L, steps=2)
    with pytest.raises(ValueError, match="rho: .*length steps = 2"):
        wc(sl.algorithms.sam(0.5, [0.1, 0.2, 0.3]), L=L, steps=2)


def test_deterministic_quiet_and_describable(capfd):
    sam = sl.algorithms.sam(0.5, 0.1, momentum=0.2)
    a = wc(sam, L=L, mu=0.1, steps=3, metric="grad_norm")
    b = wc(sam, L=L, mu=0.1, steps=3, metric="grad_norm")
    assert a.value == b.value and a.primal_value == b.primal_value  # same bits
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # neither PEPit nor the solver prints
    d = json.loads(json.dumps(a.describe()))
    assert d["metric_text"] == "min_{0≤k≤N} ‖∇f(x_k)‖²" and d["initial_text"] == "‖x_0 − x*‖² ≤ 1"
    assert "L-smooth μ-strongly convex" in str(a) and d["steps"] == 3


def test_step_limit():
    sam, gd = sl.algorithms.sam(0.5, 0.1), sl.algorithms.gd(0.5)
    assert pep.max_steps(sam) == pep.MAX_STEPS and pep.max_steps(gd) == pep.MAX_STEPS_GD
    with pytest.raises(ValueError, match=f"exceeds the SDP limit of {pep.MAX_STEPS} steps"):
        wc(sam, L=L, steps=pep.MAX_STEPS + 1)
    with pytest.raises(ValueError, match=f"limit of {pep.MAX_STEPS_GD} steps for gd"):
        wc(gd, L=L, steps=pep.MAX_STEPS_GD + 1)


def test_solver_failure_is_an_error_not_a_number():
    """Nonconvex f with only f(x_0) − f* bounded: ‖x_N − x*‖² is unbounded; the solver says so."""
    with pytest.raises(pep.PEPSolverError, match="unbounded"):
        wc(sl.algorithms.gd(0.5), L=L, steps=2, metric="distance", initial="f_gap", function_class="smooth")


@pytest.mark.parametrize("kw,name", [
    (dict(metric="loss"), "metric"), (dict(initial="radius"), "initial"), (dict(function_class="pl"), "function_class"),
    (dict(L=0.0), "L"), (dict(L=-1.0), "L"), (dict(mu=-0.1), "mu"), (dict(mu=1.0), "mu"), (dict(mu=2.0), "mu"),
    (dict(steps=0), "steps"), (dict(steps=2.0), "steps"), (dict(initial_value=0.0), "initial_value"),
    (dict(function_class="smooth_strongly_convex"), "function_class"), (dict(function_class="smooth", mu=0.1), "function_class"),
    (dict(exact="yes"), "exact"), (dict(relaxation="sphere"), "relaxation"), (dict(L=math.nan), "L"),
])
def test_bad_input_names_the_argument(kw, name):
    args = dict(L=L, steps=2)
    args.update(kw)
    with pytest.raises(ValueError, match=name):
        wc(sl.algorithms.sam(0.5, 0.1), **args)


def test_algorithm_without_a_pep_formulation():
    assert "rsam" in wc(sl.algorithms.rsam(0.5, 0.1, 0.01), L=L, steps=2).algorithm  # the ball covers rsam
    A = sl.algorithms
    sign = A.Perturbation("sign_sam", lambda g, x, state, h, ctx: (h.rho * np.sign(g), state), rho=(0.1, A.NONNEGATIVE))
    with pytest.raises(ValueError, match="perturbation 'sign_sam' has no PEP formulation"):
        pep.worst_case(A.Algorithm("sign_sam", sign, lr=0.5), L=L, steps=2)
    fake = A.Perturbation("sam", lambda g, x, state, h, ctx: (h.rho * np.sign(g), state), rho=(0.1, A.NONNEGATIVE))
    with pytest.raises(ValueError, match="perturbation 'sam' has no PEP formulation"):  # a user's rule named "sam"
        pep.worst_case(A.Algorithm("my_sam", fake, lr=0.5), L=L, steps=2)
    with pytest.raises(ValueError, match="algorithm must be a samlab algorithm"):
        pep.worst_case(object(), L=L, steps=2)


def test_nesterov_momentum_is_exact_and_sound():
    """Nesterov (PyTorch's form, samlab.algorithms.nesterov): exact PEP for gd and usam, never below a run."""
    A = sl.algorithms
    N, mu = 4, 0.1
    rng = np.random.default_rng(5)
    for alg in (A.gd(0.8, descent=A.nesterov(0.4)), A.usam(0.5, 0.2, descent=A.nesterov(0.3)),
                A.sam(0.5, 0.1, descent=A.nesterov(0.3))):
        w = wc(alg, L=L, mu=mu, steps=N, metric="distance")
        assert w.exact == (alg.name != "sam")
        worst = 0.0
        for problem, X0 in _random_instances(rng, mu):
            res = sl.run(problem, alg, X0, N)
            worst = max(worst, float(np.max(res.dist[-1] ** 2)))
        assert 0 < worst <= w.value * (1 + RTOL)
    # Nesterov differs from heavy ball with the same β (the PEP sees the descent rule)
    assert wc(A.gd(0.8, descent=A.nesterov(0.4)), L=L, mu=mu, steps=3).value != pytest.approx(
        wc(A.gd(0.8, momentum=0.4), L=L, mu=mu, steps=3).value, rel=1e-3)
