r"""Kim, Park, Choi & Lee (2023), "Stability Analysis of Sharpness-Aware Minimization".

The paper's results as claims, on general constructions (random quadratic saddles of any index, a
family of saddles swept in one batched run, Beale and x² − y² with the official settings of
Harry24k/sam-saddle, the paper's model SDE and real stochastic SAM runs); instances, settings and run
protocols shared with the figure scripts are in :mod:`samlab.setups.kim_2023`.

Provenance. The abstract's statements are [paper]; settings read from the authors' code are
[official code]. The statements of Theorems 1–3 and Corollary 1 are known from a secondary summary
of the paper and are not checked against its text: the claims cite them by number and test forms
derived here [derived] (index-k and discrete versions, the model SDE's closed forms, the effective-
step reading of Theorem 3), each checked numerically.

Algorithms (η → ``lr``, ρ → ``rho``, γ → ``momentum``, heavy ball with PyTorch semantics):

* USAM (the analysis' SAM): y = x + ρ∇ℓ(x), x⁺ = x − η∇ℓ(y).
* SAM (the official code's): y = x + ρ∇ℓ/‖∇ℓ‖, x⁺ = x − η∇ℓ(y); exact-zero rule instead of the code's
  +1e-16 (irrelevant: the iterate never hits ∇ℓ = 0 exactly in these runs; n_zero_grad is reported).
* The official x² − y² demo's update, which accumulates ∇ℓ(x) + ∇ℓ(y) (no ``zero_grad`` between its
  two backward passes): :func:`samlab.setups.kim_2023.accumulated_sam`.
* Stochastic: ∇ℓ_B = ∇ℓ + ξ, ξ ~ N(0, |H|/B) (the paper's C ≈ (1/B)[H]⁺, model B: σ ∝ 1/√B); the
  same ξ at both calls (``same_sample=True``) unless stated. SDE time t = steps·η.

Every claim declares controls: settings under which its statement is false (a mutated rule such as
the ascent step with its sign flipped or momentum with dampening, the discrete update's drift in
place of the model SDE's, a noise that ignores B, a radius too small to trap); each must make its
claim fail. Statistics: Monte Carlo means carry their standard error (scipy.stats.sem); orderings of
escape times use the Mann–Whitney U test (scipy.stats.mannwhitneyu) with censored runs (no escape
within the horizon) ranked last, which is exact for ranks.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .. import problems
from .. import noise as noises
from ..adversary import search as adversary_search
from ..analysis import contraction_fit, loglog_fit, mc_mean
from ..engine import run
from ..linalg import row_norms
from ..seeding import rng
from ..setups import kim_2023 as setup
from ..theory import kim_2023 as K
from ..theory.diffusion import (
    corollary1_gap,
    diffusion_gap_series,
    model_sde_em_variance,
    momentum_diffusion_as_transcribed,
    sam_diffusion_variance,
)
from ..theory.linearization import attraction_threshold
from ..theory.quadratic_cycle import cycle_amplitude
from .base import Criterion, Verdict, claim

P = "Kim, Park, Choi & Lee 2023 (arXiv 2301.06308)"

# ----------------------------------------------------------------------------- shared helpers


def _msd(res, v):
    """Monte Carlo mean of (v₋ᵀx_T)² over runs (MonteCarlo: mean, sem)."""
    return mc_mean((res.x @ v) ** 2)


def _escape_order(a, b, T):
    """Mann–Whitney p-value for 'escape times a are stochastically larger than b' (−1 = censored)."""
    ra = np.where(a >= 0, a, 10 * T).astype(float)
    rb = np.where(b >= 0, b, 10 * T).astype(float)
    return float(stats.mannwhitneyu(ra, rb, alternative="greater").pvalue)


def _median_escape(s):
    """Median escape step with censored runs counted as +∞ (inf when half or more never escape)."""
    v = np.where(s >= 0, s, np.inf).astype(float)
    return float(np.median(v))


def _verdict(*, measured, predicted, tolerance, criteria, details, quantity, unit="", findings=()):
    """A Verdict whose ``passed`` is all(criteria) (the report shows each criterion's margin)."""
    return Verdict(passed=all(c.passed for c in criteria), measured=measured, predicted=predicted,
                   tolerance=tolerance, details=details, quantity=quantity, unit=unit, criteria=list(criteria),
                   findings=list(findings))


def _saddle_algorithm(name, lr, rho, problem=None):
    """The algorithm a saddle claim runs, by setting: a :func:`setup.variant` name or the demo's
    accumulated rule (``"sam_accumulated"``, which needs the problem)."""
    if name == "sam_accumulated":
        return setup.accumulated_sam(lr, rho, problem)
    return setup.variant(name, lr, rho)


# ============================================================================= Theorem 1
@claim(
    id="kim-2023/usam-attraction-threshold",
    statement="Theorem 1: USAM turns a saddle into an attractor exactly when ρ|λ₋| > 1 for every negative "
              "eigenvalue; on random quadratic saddles of index 1…d−1 the escape/attraction boundary, located by "
              "bisection, is ρ·min|λ₋| = 1 ± 1e-3; GD (ρ = 0) always escapes; on x² − y² ρ = 0.5 freezes y",
    provenance=f"{P}, Theorem 1 (a saddle becomes an attractor of unnormalized SAM once ρ|λ₁| > 1; exact statement "
               "unverified) [derived: index-k form from the linearization at the saddle, located by batched bisection "
               "on random saddles; the x² − y² threshold run]",
    kind="limit",
    quick={"dim": 4, "per_index": 6, "steps": 600, "rtol": 1e-3, "x2y2_steps": 4000, "algorithm": "usam"},
    full={"dim": 6, "per_index": 24, "steps": 2000, "rtol": 1e-3, "x2y2_steps": 20000, "algorithm": "usam"},
    controls={"normalized SAM (no ρ-threshold)": {"algorithm": "sam"}},
)
def usam_attraction_threshold(s, seed):
    """Batched bisection of the USAM escape/attraction boundary in ρ on random saddles.

    Instances: ``per_index`` random spectra in dimension ``dim`` for every index k = 1 … dim−1
    (|λ| log-uniform in [0.5, 2], random rotation; the negative eigenvalue nearest 0 is ≥ 1.25× away
    from the others so that the binding direction is unambiguous). Every bisection iteration is ONE
    batched ``samlab.run`` of USAM over all instances: step η_b = 1/max_j |λ_j(1 + ρ_bλ_j)| (all
    multipliers in [0, 2]), a random unit start, T = ``steps`` steps; "attracted" iff
    ‖x_T‖ < ‖x_{T/2}‖ (or ‖x_T‖ underflowed to 0). Bracket [0, 4/min_j|λ_j|], checked at both ends
    (ρ = 0 is GD: all must escape; the upper end must attract all).

    Tolerance 1e-3 on ρ̂·min|λ₋|: bisection stops at relative width 1e-3, so the midpoint is within
    5e-4 of a correctly bracketed boundary. Decisions are exact except within a relative distance δ
    where the binding multiplier 1 − η|λ₋|δ changes log‖x‖ over T/2 steps by less than the remainder
    of the other (contracting) directions; the details report that margin at δ = 5e-4
    (``decision_margin``: ≥ 7e-3 in log vs a remainder below 1e-4), so the remaining 5e-4 of the
    tolerance is never used. Also x² − y² (the official demo's saddle, start and η = 0.01) with USAM
    at ρ = 0.45 / 0.5 / 0.55, i.e. ±10 % around its threshold ρ|λ₋| = 1: log|y_T/y_0| must be > 0 /
    = 0 exactly (the multiplier is exactly 1) / < 0, and GD must escape.

    Control: normalized SAM (``algorithm="sam"``) has no ρ-threshold (it is trapped on a 2-cycle
    for small ρ as well, :func:`sam_saddle_two_cycle`), so the bisected boundary is not ρ|λ₋| = 1.
    """
    d = int(s["dim"])
    draw = rng(seed, "saddle-spectra")
    spectra = np.concatenate([setup.random_saddle_spectra(s["per_index"], d, k, draw) for k in range(1, d)])
    index = np.repeat(np.arange(1, d), s["per_index"])
    fam = problems.SaddleFamily.from_spectra(spectra, seed=rng(seed, "saddle-rotations"))
    n = fam.runs
    x0 = rng(seed, "x0").standard_normal((n, d))
    x0 /= row_norms(x0)[:, None]
    T = int(s["steps"])
    eig = fam.eigenvalues
    m_min = -np.max(np.where(eig < 0, eig, -np.inf), axis=1)  # min |λ₋|

    def attracted(rho):
        rate = np.abs(eig * (1.0 + rho[:, None] * eig))
        lr = 1.0 / rate.max(axis=1)
        res = run(fam, setup.variant(s["algorithm"], lr, rho), x0, T, checkpoints=[T // 2, T], keep_iterates=True,
                  name="usam-threshold", seed=seed)
        nrm = np.linalg.norm(res.iterates, axis=-1)
        return ((nrm[-1] < nrm[1]) | (nrm[-1] == 0.0)) & res.ok  # == 0: contracted below underflow

    lo0 = np.zeros(n)
    hi0 = 4.0 / np.min(np.abs(eig), axis=1)
    gd_escapes = ~attracted(lo0)
    hi_attracts = attracted(hi0)
    lo, hi, iters = setup.bisect_batched(attracted, lo0, hi0, rtol=s["rtol"])
    ratio = 0.5 * (lo + hi) * m_min
    err = np.abs(ratio - 1.0)
    # decision margin at δ = 5e-4 below the boundary: log-growth of the binding direction over T/2 steps
    rho_m = (1 - 5e-4) / m_min
    lr_m = 1.0 / np.abs(eig * (1.0 + rho_m[:, None] * eig)).max(axis=1)
    margin = float(np.min(lr_m * m_min * 5e-4 * (T // 2)))
    predicted = np.asarray(attraction_threshold(spectra))

    # x² − y² at ρ = 0 (GD), 0.45, 0.5 (the threshold), 0.55
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    rhos = np.array([0.0, 0.45, 0.5, 0.55])
    r2 = run(p2, setup.variant(s["algorithm"], setup.SADDLE_LR, rhos), list(setup.X2Y2_START), int(s["x2y2_steps"]),
             checkpoints=2, keep_iterates=True, name="usam-x2y2", seed=seed)
    y0 = float(r2.iterates[0, 2, 1])  # the start as run (y of x0)
    with np.errstate(divide="ignore"):
        logratio = np.where(r2.ok, np.log(np.abs(r2.x[:, 1]) / abs(y0)), np.inf)  # a diverged run escaped
    criteria = [
        Criterion("max over instances of |ρ̂·min|λ₋| − 1|", float(np.max(err)), "<=", 1e-3),
        Criterion("instances where GD (ρ = 0) escapes", int(np.sum(gd_escapes)), ">=", n),
        Criterion("instances attracted at the bracket's end ρ = 4/min|λ|", int(np.sum(hi_attracts)), ">=", n),
        Criterion("x² − y², GD: log|y_T/y₀| (+∞ once diverged)", float(logratio[0]), ">", 0.0),
        Criterion("x² − y², ρ = 0.45: log|y_T/y₀|", float(logratio[1]), ">", 0.0),
        Criterion("x² − y², ρ = 0.5 (ρ|λ₋| = 1): |y_T − y₀|", float(abs(r2.x[2, 1] - y0)), "<=", 0.0),
        Criterion("x² − y², ρ = 0.55: log|y_T/y₀|", float(logratio[3]), "<", 0.0),
    ]
    findings = []
    if criteria[5].passed:
        findings.append("At the official demo's ρ = 0.5, x² − y² sits exactly on USAM's threshold ρ|λ₋| = 1 "
                        "(λ + ρλ² = 0 for λ = −2, not > 0 as the secondary summary says): y stays at its start "
                        f"{y0:g} to the last bit for {int(s['x2y2_steps']):,} steps, neither escaping nor attracted.")
    return _verdict(
        measured=float(np.max(err)), predicted=0.0,
        quantity="max |ρ̂·min|λ₋| − 1| over random saddles (bisected USAM escape/attraction boundary)",
        tolerance="≤ 1e-3 (the bisection's relative width); GD escapes on all; x² − y² signs at ρ = 0.45 / 0.5 / 0.55",
        criteria=criteria, findings=findings,
        details={"instances": n, "dim": d, "steps": T, "bisection_iterations": iters,
                 "max_abs_error": float(np.max(err)), "median_abs_error": float(np.median(err)),
                 "decision_margin": margin,
                 "theory_threshold_matches_1_over_min_neg": bool(np.allclose(predicted * m_min, 1.0)),
                 "by_index": [{"index": k, "instances": int(np.sum(index == k)),
                               "max_abs_error": float(np.max(err[index == k]))} for k in range(1, d)],
                 "x2y2_steps": int(s["x2y2_steps"]),
                 "x2y2": [{"rho": float(r), "status": str(st), "log_abs_y_ratio": float(lg), "y_T": float(y)}
                          for r, st, lg, y in zip(rhos, r2.status, logratio, r2.x[:, 1])]})


# ============================================================================= discrete Theorem 1
def _step_limit_instances(n, d, gen, *, gap=1.25, floor=0.05):
    """Random saddles with ρ above threshold and a unique, well-separated binding step limit."""
    spectra, rhos = [], []
    while len(rhos) < n:
        k = int(gen.integers(1, d))
        eig = setup.random_saddle_spectra(1, d, k, gen)[0]
        m_min = -eig[eig < 0].max()
        rho = gen.uniform(1.5, 3.0) / m_min
        c = np.sort(eig * (1 + rho * eig))
        if c[0] > floor * c[-1] and c[-1] >= gap * c[-2]:
            spectra.append(eig)
            rhos.append(rho)
    return np.array(spectra), np.array(rhos)


@claim(
    id="kim-2023/usam-step-size-limit",
    statement="Discrete USAM is attracted to a saddle with ρ|λ₋| > 1 iff η < min_j 2/(λ_j(1 + ρλ_j)) "
              "(x² − y², ρ = 1: η* = 1/3); the bisected limit matches to 1e-3 on random saddles",
    provenance=f"{P}, Theorem 1 [derived: its discrete form, USAM with step η is attracted iff every "
               "ηλ_j(1 + ρλ_j) lies in (0, 2)]",
    kind="limit",
    quick={"dim": 4, "instances": 16, "steps": 400, "rtol": 1e-3, "algorithm": "usam"},
    full={"dim": 6, "instances": 96, "steps": 1500, "rtol": 1e-3, "algorithm": "usam"},
    controls={"ascent step with its sign flipped (y = x − ρ∇f)": {"algorithm": "usam_flipped"}},
)
def usam_step_size_limit(s, seed):
    """Batched geometric bisection in η of convergence vs divergence of USAM at saddles.

    Instances: random rotated saddles (|λ| ∈ [0.5, 2], random index) with ρ = κ/min|λ₋|, κ ∈ [1.5, 3],
    so the saddle attracts for small η; the largest rate c_j = λ_j(1 + ρλ_j) is ≥ 1.25× the next and
    the smallest ≥ 0.05× the largest, plus x² − y² with ρ = 1 (c = (6, 2), η* = 1/3). One batched
    ``samlab.run`` per iteration; "diverging" iff ‖x_T‖ > ‖x_{T/2}‖ (or the run diverged).
    Bracket [1/L_eff, 20/L_eff], L_eff = max|λ|(1 + ρ|λ|), checked at both ends.

    Tolerance 1e-3 relative on η̂/η*: the bisection's final width is 1e-3. At a relative distance δ
    the binding multiplier is −1 − 2δ (log-growth 2δ per step: 0.4 over T/2 = 200 steps at δ = 5e-4)
    while the other multipliers lie in [−0.6, 0.95] and vanish in T/2 steps, so decisions are exact
    at the last bisection scales. Also on x² − y² itself (ρ = 1, η* = 1/3): η = 0.30 converges and
    η = 0.34 diverges.

    Control: the ascent step with its sign flipped (y = x − ρ∇f) has multipliers
    1 + η|λ₋|(1 + ρ|λ₋|) > 1 along every negative direction: no step size attracts.
    """
    d = int(s["dim"])
    spectra, rhos = _step_limit_instances(int(s["instances"]) - 1, d, rng(seed, "saddle-spectra"))
    spectra = np.concatenate([spectra, np.concatenate([[-2.0], np.full(d - 2, 1.0), [2.0]])[None]])
    rhos = np.append(rhos, 1.0)
    # the x² − y² instance embedded in dim d: extra directions with λ = 1 (rate 2 < 6, not binding)
    rot = rng(seed, "saddle-rotations")
    H = []
    for b, eig in enumerate(spectra):
        Q = np.eye(d) if b == len(spectra) - 1 else problems.random_rotation(d, rot)
        H.append((Q * eig) @ Q.T)
    fam = problems.SaddleFamily(np.array(H))
    n = fam.runs
    x0 = rng(seed, "x0").standard_normal((n, d))
    x0 /= row_norms(x0)[:, None]
    T = int(s["steps"])

    def diverging(lr):
        res = run(fam, setup.variant(s["algorithm"], lr, rhos), x0, T, checkpoints=[T // 2, T], keep_iterates=True,
                  name="usam-step-limit", seed=seed)
        nrm = np.linalg.norm(res.iterates, axis=-1)
        return ~res.ok | (nrm[-1] > nrm[1])

    L_eff = np.max(np.abs(spectra) * (1 + rhos[:, None] * np.abs(spectra)), axis=1)
    lo0, hi0 = 1.0 / L_eff, 20.0 / L_eff
    converge_lo, diverge_hi = ~diverging(lo0), diverging(hi0)
    lo, hi, iters = setup.bisect_batched(diverging, lo0, hi0, rtol=s["rtol"], geometric=True)
    eta_hat = np.sqrt(lo * hi)
    eta_star = np.asarray(K.usam_discrete_step_limit(rhos, spectra))
    rel = np.abs(eta_hat / eta_star - 1.0)
    # x² − y² itself (2-D), ρ = 1: η* = 1/3
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    r2 = run(p2, setup.variant(s["algorithm"], np.array([0.30, 0.34]), 1.0), list(setup.X2Y2_START), 2000,
             checkpoints=[1000, 2000], keep_iterates=True, name="usam-x2y2-limit", seed=seed)
    n2 = np.linalg.norm(r2.iterates, axis=-1)
    growth = np.where(r2.ok, n2[-1] / n2[1], np.inf)  # ‖x_T‖/‖x_{T/2}‖, +∞ once diverged
    criteria = [
        Criterion("max over instances of |η̂/η* − 1|", float(np.nanmax(rel)) if np.all(np.isfinite(rel)) else math.nan,
                  "<=", 1e-3),
        Criterion("instances converging at the bracket's end η = 1/L_eff", int(np.sum(converge_lo)), ">=", n),
        Criterion("instances diverging at the bracket's end η = 20/L_eff", int(np.sum(diverge_hi)), ">=", n),
        Criterion("x² − y², ρ = 1, η = 0.30: ‖x_T‖/‖x_{T/2}‖", float(growth[0]), "<", 1.0),
        Criterion("x² − y², ρ = 1, η = 0.34: ‖x_T‖/‖x_{T/2}‖ (+∞ once diverged)", float(growth[1]), ">", 1.0),
    ]
    return _verdict(
        measured=float(np.nanmax(rel)), predicted=0.0,
        quantity="max relative error |η̂/η* − 1| of the bisected USAM step-size limit over random saddles",
        tolerance="≤ 1e-3 (the bisection's width); brackets checked at both ends; x² − y² at η = 0.30 / 0.34",
        criteria=criteria,
        details={"instances": n, "bisection_iterations": iters, "max_rel_error": float(np.nanmax(rel)),
                 "median_rel_error": float(np.nanmedian(rel)), "x2y2_eta_hat": float(eta_hat[-1]),
                 "x2y2_eta_star": float(eta_star[-1]), "x2y2_final_eta_0.34": r2.x[1].tolist()})


# ============================================================================= normalized SAM at a saddle
@claim(
    id="kim-2023/sam-saddle-two-cycle",
    statement="Normalized SAM on x² − y² (ρ = 0.5, η = 0.01, from (−3, −0.01)) is trapped at the saddle in the "
              "period-2 orbit x = ±ηρλ₊/(2 − ηλ₊) = ±0.005051 with y → 0, while GD escapes; trapping holds for every "
              "ρ ≥ 0.1 (no ρ|λ| > 1 threshold) and the unstable coordinate contracts by the derived multiplier "
              "1 + η|λ₋| − |λ₋|²(2 − ηλ₊)/λ₊² on other saddles",
    provenance=f"{P}, the x² − y² trajectory figure: settings of its demo in Harry24k/sam-saddle [official code]; "
               "the 2-cycle amplitude, the absence of a ρ-threshold for normalized SAM and the multiplier of the "
               "unstable coordinate [derived]",
    kind="limit",
    quick={"steps": 500, "grid_steps": 1500, "rhos": [0.05, 0.1, 0.3, 1.0, 2.0],
           "spectra": [[2.0, -2.0], [1.0, -1.0], [3.0, -1.0], [4.0, -1.0]], "rate_steps": 1500, "algorithm": "sam"},
    full={"steps": 500, "grid_steps": 4000, "rhos": [0.02, 0.05, 0.1, 0.2, 0.3, 0.7, 1.0, 2.0],
          "spectra": [[2.0, -2.0], [1.0, -1.0], [3.0, -1.0], [4.0, -1.0], [1.5, -1.2], [2.5, -1.0]],
          "rate_steps": 4000, "algorithm": "sam"},
    controls={"USAM instead of SAM": {"algorithm": "usam"},
              "the official demo's accumulated update ∇f(w) + ∇f(w^p)": {"algorithm": "sam_accumulated"}},
)
def sam_saddle_two_cycle(s, seed):
    """The official x² − y² demo, a ρ sweep, and the contraction rate of y on other saddles.

    (a) The official demo's settings (in float64): 500 steps; SAM must end with |y_T| < 1e-6,
    ||x_T| − a₊| ≤ 1e-5 and x_T·x_{T−1} < 0 (period 2); GD with |y_T| > 100. Tolerance 1e-5 (0.2 % of
    a₊): the cycle attracts |x| with per-step factor 1 − ηλ₊ = 0.98, so at T = 500 the distance to it
    is 1.1e-7 (measured); the official float32 demo is not reproducible below ~1e-7, and the demo's
    own accumulated update orbits 5.1e-5 away (its control below fails by that much).
    (b) ρ sweep (``grid_steps``): ρ = 0.05 and below escape (|y_T| > 1), ρ ≥ 0.1 are trapped with
    ||x_T|/a₊(ρ) − 1| ≤ 1e-3 (relative, since a₊ ∝ ρ) and |y_T| < 1e-6. The USAM threshold would be
    ρ = 0.5: normalized SAM has no such threshold (Theorem 1's condition is for the unnormalized
    perturbation).
    (c) Other saddles ½(λ₊x² + λ₋y²) (one batched run over a :class:`samlab.problems.SaddleFamily`), ρ = 0.5: the
    fitted per-step factor of |y_t| over the trapped phase (|x_t| within 1 % of a₊, 1e-200 < |y_t|)
    must equal |m₋| within 1e-3 relative; the measured agreement is ~1e-9, the tolerance only guards
    against the window picking up the approach phase.

    Controls: USAM (at ρ = 0.5 exactly on its threshold on x² − y²: y freezes, x → 0, no 2-cycle) and
    the official demo's accumulated update (orbit 2ηρ/(2 − 4η) = 0.0051020, not 0.0050505, and
    multiplier −0.92, not −0.96): both must fail.
    """
    lr, rho, start = setup.SADDLE_LR, setup.X2Y2_RHO, list(setup.X2Y2_START)
    lam_plus = max(setup.X2Y2_EIGENVALUES)
    name = s["algorithm"]
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    T = int(s["steps"])
    r = run(p2, _saddle_algorithm(name, lr, rho, p2), start, T, checkpoints=[T - 1, T], keep_iterates=True,
            name="sam-x2y2", seed=seed)
    g = run(p2, setup.variant("gd", lr), start, T, checkpoints=2, name="gd-x2y2", seed=seed)
    a = float(cycle_amplitude(lr, rho, lam_plus))
    x_T, y_T = r.x[0]

    rhos = np.asarray(s["rhos"], dtype=float)
    Tg = int(s["grid_steps"])
    rg = run(p2, _saddle_algorithm(name, lr, rhos, p2), start, Tg, checkpoints=2, name="sam-x2y2-rho", seed=seed)
    amp = np.asarray(cycle_amplitude(lr, rhos, lam_plus))
    escaped = np.abs(rg.x[:, 1]) > 1
    trapped = (np.abs(rg.x[:, 1]) < 1e-6) & (np.abs(np.abs(rg.x[:, 0]) / amp - 1) <= 1e-3)
    expect_trap = rhos >= 0.1

    spec = np.asarray(s["spectra"], dtype=float)  # rows (λ₊, λ₋)
    fam = problems.SaddleFamily.from_spectra(spec[:, ::-1])  # ascending: coordinate 0 is λ₋ (y), 1 is λ₊ (x)
    Tr = int(s["rate_steps"])
    rr = run(fam, _saddle_algorithm(name, lr, 0.5, fam), [-0.01, -3.0], Tr, runs=fam.runs,
             checkpoints=np.arange(Tr + 1), keep_iterates=True, name="sam-saddle-rate", seed=seed)
    m_pred = np.abs(np.asarray(K.sam_saddle_cycle_multiplier(lr, spec[:, 0], spec[:, 1])))
    amps = np.asarray(cycle_amplitude(lr, 0.5, spec[:, 0]))
    rows = []
    for b in range(fam.runs):
        y = np.abs(rr.iterates[:, b, 0])
        x = np.abs(rr.iterates[:, b, 1])
        mask = (np.abs(x / amps[b] - 1) < 1e-2) & (y > 1e-200) & (y < 1e-2)
        mask[: Tr // 10] = False
        q = err = math.nan
        if mask.sum() >= 10 and m_pred[b] < 1:
            q = contraction_fit(rr.t[mask], y[mask], n_boot=0).factor
            err = abs(q / m_pred[b] - 1)
        rows.append({"lambda_plus": float(spec[b, 0]), "lambda_minus": float(spec[b, 1]),
                     "multiplier_pred": float(m_pred[b]), "factor_fit": q, "rel_error": err,
                     "window_steps": int(mask.sum())})
    rate_err = np.array([row["rel_error"] for row in rows])
    criteria = [
        Criterion("official demo: ||x_T| − a₊|", float(abs(abs(x_T) - a)), "<=", 1e-5),
        Criterion("official demo: |y_T|", float(abs(y_T)), "<", 1e-6),
        Criterion("official demo: x_T·x_{T−1} (< 0: period 2)", float(r.iterates[-1, 0, 0] * r.iterates[-2, 0, 0]),
                  "<", 0.0),
        Criterion("official demo, GD: |y_T|", float(abs(g.x[0, 1])), ">", 100.0),
        Criterion("ρ sweep: runs with ρ ≥ 0.1 on the 2-cycle (||x_T|/a₊ − 1| ≤ 1e-3, |y_T| < 1e-6)",
                  int(np.sum(trapped[expect_trap])), ">=", int(expect_trap.sum())),
        Criterion("ρ sweep: runs with ρ ≤ 0.05 escaped (|y_T| > 1)", int(np.sum(escaped[~expect_trap])), ">=",
                  int((~expect_trap).sum())),
        Criterion("other saddles: max relative error of the fitted factor of |y_t| vs |m₋|",
                  float(np.max(rate_err)) if np.all(np.isfinite(rate_err)) else math.nan, "<=", 1e-3),
    ]
    findings = []
    if criteria[4].passed and criteria[5].passed:
        findings.append("Theorem 1's threshold does not govern normalized SAM (the official code's SAM): on x² − y² it "
                        f"is trapped for every ρ ≥ 0.1 (ρ|λ₋| = 0.2 < 1) and escapes only for ρ ≤ 0.05, after {Tg:,} "
                        "steps from the official start.")
    return _verdict(
        measured=float(abs(x_T)), predicted=a,
        quantity="|x_T| of SAM on the official x² − y² demo (500 steps) vs the 2-cycle amplitude a₊ = ηρλ₊/(2 − ηλ₊)",
        tolerance="||x_T| − a₊| ≤ 1e-5, |y_T| < 1e-6, period 2, GD |y_T| > 100; sweep and rates within 1e-3 relative",
        criteria=criteria, findings=findings,
        details={"x_T": float(x_T), "y_T": float(y_T), "gd_y_T": float(g.x[0, 1]), "amplitude": a,
                 "distance_to_cycle": float(abs(abs(x_T) - a)), "sweep_steps": Tg,
                 "sweep": [{"rho": float(rh), "x_T": float(xx), "y_T": float(yy), "amplitude": float(am),
                            "trapped": bool(tr), "escaped": bool(es)}
                           for rh, xx, yy, am, tr, es in zip(rhos, rg.x[:, 0], rg.x[:, 1], amp, trapped, escaped)],
                 "rates": rows, "n_zero_grad": int(r.n_zero_grad.sum())})


@claim(
    id="kim-2023/x2y2-demo-accumulated-gradient",
    statement="The official x² − y² demo steps along ∇f(w) + ∇f(w^p) (no zero_grad between its two backward passes): "
              "its orbit is |x| = 2ηρ/(2 − 4η) = 0.0051020 (η = 0.01, ρ = 0.5), 1.02 % wider than pure SAM's "
              "ηρλ₊/(2 − ηλ₊) = 0.0050505; both rules are trapped at the saddle, and the paper's x² − y² figure "
              "(drawn by that demo) shows the accumulated rule",
    provenance=f"{P}, the x² − y² figure; its demo Harry24k/sam-saddle sam_stability/saddle/demo.py (loss.backward() "
               "then loss_p.backward() before optimizer.step()) [official code]; the two orbits and multipliers "
               "[derived]",
    kind="limit",
    quick={"steps": 3000, "demo_steps": 500, "demo_rule": "sam_accumulated"},
    full={"steps": 3000, "demo_steps": 500, "demo_rule": "sam_accumulated"},
    controls={"pure SAM taken for the demo's rule": {"demo_rule": "sam"}},
)
def x2y2_demo_accumulated_gradient(s, seed):
    """Both rules on x² − y² from (−3, −0.01), η = 0.01, ρ = 0.5, against their closed forms.

    The demo's rule (``demo_rule``, :func:`samlab.setups.kim_2023.accumulated_sam`) and pure SAM run
    ``steps`` = 3,000 steps, long enough for both to reach their 2-cycles to rounding: the distance
    to the cycle contracts by 1 − 2ηλ₊ = 0.96 (accumulated) and 1 − ηλ₊ = 0.98 (pure) per step,
    i.e. below 1e-25 after 3,000 steps. Tolerance: ||x_T|/a − 1| ≤ 1e-12 for each rule (about 5,000
    ulps of a: the orbit's last bits, far below the 1.02 % between the two closed forms, so a rule
    swapped for the other fails by 1e10 tolerances); and |y_T| < 1e-12 (the unstable coordinate
    contracts by |m| = 0.92 and 0.96 per step on the cycles, to below 1e-100). At the demo's own
    length (``demo_steps`` = 500) the accumulated rule is already within 1e-9 of its orbit (reported).

    Control: pure SAM put in place of the demo's rule must fail (|x_T| = 0.0050505 is 1.02 % from
    0.0051020).
    """
    lr, rho, lam_plus = setup.SADDLE_LR, setup.X2Y2_RHO, max(setup.X2Y2_EIGENVALUES)
    lam_minus = min(setup.X2Y2_EIGENVALUES)
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    T, T0 = int(s["steps"]), int(s["demo_steps"])
    a_acc = float(K.accumulated_cycle_amplitude(lr, rho, lam_plus))
    a_sam = float(cycle_amplitude(lr, rho, lam_plus))
    demo = run(p2, _saddle_algorithm(s["demo_rule"], lr, rho, p2), list(setup.X2Y2_START), T,
               checkpoints=[T0, T], keep_iterates=True, name="x2y2-demo-rule", seed=seed)
    pure = run(p2, setup.variant("sam", lr, rho), list(setup.X2Y2_START), T, checkpoints=[T0, T], keep_iterates=True,
               name="x2y2-pure-sam", seed=seed)
    x_demo, x_pure = abs(float(demo.x[0, 0])), abs(float(pure.x[0, 0]))
    diff_meas, diff_pred = x_demo - x_pure, a_acc - a_sam
    criteria = [
        Criterion("demo's rule: ||x_T|/a_acc − 1|", abs(x_demo / a_acc - 1), "<=", 1e-12),
        Criterion("pure SAM: ||x_T|/a₊ − 1|", abs(x_pure / a_sam - 1), "<=", 1e-12),
        Criterion("demo's rule: |y_T|", abs(float(demo.x[0, 1])), "<", 1e-12),
        Criterion("pure SAM: |y_T|", abs(float(pure.x[0, 1])), "<", 1e-12),
    ]
    findings = ["The official x² − y² demo is not pure SAM: it adds ∇f(w) to ∇f(w^p) (no zero_grad between the two "
                f"backward passes), so its orbit is |x| = {x_demo:.7f} = 2ηρ/(2 − 4η), 1.02 % wider than SAM's "
                f"{x_pure:.7f}; the paper's x² − y² figure, drawn by that demo, shows this rule (both are trapped, "
                "so the picture is the same at its scale)."] if all(c.passed for c in criteria) else []
    return _verdict(
        measured=x_demo, predicted=a_acc,
        quantity="orbit amplitude |x_T| of the demo's accumulated rule vs 2ηρ/(2 − 4η)",
        tolerance="||x_T|/a − 1| ≤ 1e-12 for both rules (3,000 steps: rounding only), |y_T| < 1e-12",
        criteria=criteria, findings=findings,
        details={"lr": lr, "rho": rho, "steps": T,
                 "rules": [{"rule": "accumulated (demo)", "x_T": x_demo, "closed_form": a_acc,
                            "multiplier_of_y": float(K.accumulated_cycle_multiplier(lr, lam_plus, lam_minus)),
                            "x_at_demo_length": abs(float(demo.iterates[1, 0, 0])),
                            "distance_at_demo_length": abs(abs(float(demo.iterates[1, 0, 0])) - a_acc)},
                           {"rule": "pure SAM", "x_T": x_pure, "closed_form": a_sam,
                            "multiplier_of_y": float(K.sam_saddle_cycle_multiplier(lr, lam_plus, lam_minus)),
                            "x_at_demo_length": abs(float(pure.iterates[1, 0, 0])),
                            "distance_at_demo_length": abs(abs(float(pure.iterates[1, 0, 0])) - a_sam)}],
                 "difference_measured": diff_meas, "difference_closed_form": diff_pred,
                 "relative_widening": a_acc / a_sam - 1, "demo_steps": T0,
                 "figure_shows": "the accumulated rule (the demo draws the paper's x² − y² figure)"})


# ============================================================================= Beale
BEALE = setup.OFFICIAL_BEALE


def _beale_official_steps(lr, max_steps, seed):
    """Run GD as the official code does and return its stopping step (rule) and the Result."""
    p = problems.beale()
    res = run(p, setup.variant("gd", lr), list(BEALE["start"]), max_steps, checkpoints=np.arange(max_steps + 1),
              name="beale-gd-official", seed=seed)
    moves = lr * res.grad_norm[:-1, 0]  # ‖x_t − x_{t−1}‖ = η‖∇f(x_{t−1})‖ for GD
    step, rule = setup.official_gd_stop(res.dist[:, 0], moves, res.f[:, 0], max_steps=max_steps)
    return step, rule, res


@claim(
    id="kim-2023/beale-saddle-trap",
    statement="On Beale from (1, 2) (official settings: lr 1.25e-5, run length fixed by GD's stopping rule, "
              "87,683 steps), normalized SAM with ρ ∈ {0.5, 1} ends at the saddle (0, 1), f = 14.203125; SAM with "
              "ρ = 0.1 and GD are not trapped and head to the minimum (3, 0.5)",
    provenance=f"{P}, abstract [paper] (SAM gets stuck at saddle points) and the Beale figure: start, lr, ρ values "
               "and GD's stopping rule from Harry24k/sam-saddle [official code]; re-simulated in float64 [derived]",
    kind="limit",
    quick={**setup.BEALE_TRAP["quick"], "algorithm": "sam"},
    full={**setup.BEALE_TRAP["full"], "algorithm": "sam"},
    controls={"ascent step with its sign flipped (y = x − ρ∇f/‖∇f‖)": {"algorithm": "sam_flipped"}},
)
def beale_saddle_trap(s, seed):
    """GD and SAM (ρ = 0.1, 0.5, 1.0) on Beale as one batched run (ρ = 0 is GD bit for bit).

    Full mode reproduces the official protocol: GD runs up to 100,000 steps and stops by the code's
    rules (:func:`samlab.setups.kim_2023.official_gd_stop`); rule (b) fires at 87,683 steps (asserted
    to ±5 steps: the distance crosses 0.55 with a margin of 8e-7 against a per-step change of 5e-6);
    all runs then use that many steps (:func:`samlab.setups.kim_2023.beale_trap_run`, the run of the
    figure ``beale_trajectories``). Quick mode uses η = 1e-4 (the step size a secondary summary
    reports for the paper's figure) for 4,000 steps (SAM ρ = 0.5 reaches the saddle after ~280
    steps, ρ = 1 after ~75).

    Tolerance. Trapped (ρ ∈ {0.5, 1}): max over the last half of the run of ‖x_t − (0, 1)‖ ≤ 20a, a =
    ηρλ₊/(2 − ηλ₊) the 2-cycle amplitude (λ₊ = 27.75), and |f_T − 14.203125| < 1e-3. The Beale orbit is
    not a clean 2-cycle (Case III oscillation); its excursions measured 8a at both step sizes, so 20a
    leaves a factor 2.5 and is still ≥ 50× below the distance of any escaped run. Full mode also
    requires ‖x_T − (0, 1)‖ < 1e-3 (measured 2e-4 and 4e-4 for ρ = 0.5 and 1: the orbit's size at
    η = 1.25e-5). Not trapped (GD, ρ = 0.1): ‖x_T − (0, 1)‖ > 1, f_T < 0.1·14.2 and
    ‖x_T − (3, 0.5)‖ < ‖x_{T/2} − (3, 0.5)‖ (still heading to the minimum); full mode also GD
    f_T < 0.1 (GD stops in the valley at f = 0.083, before the 0.15-ball of rule (a)).

    Control: the ascent step with its sign flipped (y = x − ρ∇f/‖∇f‖) is not trapped.
    """
    lr = float(s["lr"])
    info = {}
    if s["official_steps"]:
        steps, rule, _ = _beale_official_steps(lr, int(s["max_steps"]), seed)
        info = {"official_stop_step": steps, "stop_rule": rule,
                "expected_stop_step": setup.OFFICIAL_BEALE["gd_stop_step"]}
    else:
        steps = int(s["steps"])
    res = setup.beale_trap_run(lr, steps, seed=seed, algorithm=s["algorithm"])
    rhos = np.array(setup.BEALE_RHOS)
    sad = K.beale_saddle()
    second = res.t >= steps // 2
    d_sad = np.linalg.norm(res.iterates[second] - sad["point"], axis=-1)  # (K', 4), row 0 at t = T/2
    d_min = res.dist[second]  # to (3, 0.5)
    lam_p = float(sad["eigenvalues"][-1])
    amp = np.asarray(cycle_amplitude(lr, rhos, lam_p))  # 0 for GD
    max_half = d_sad.max(axis=0)
    f_T = res.f[-1]
    excursion = np.where(amp > 0, max_half / np.where(amp > 0, amp, 1.0), np.nan)
    criteria = []
    for b in (2, 3):
        criteria += [Criterion(f"ρ = {rhos[b]:g}: max_(t ≥ T/2) ‖x_t − (0, 1)‖ / a", float(excursion[b]), "<=", 20.0),
                     Criterion(f"ρ = {rhos[b]:g}: |f_T − f(saddle)|", float(abs(f_T[b] - sad["value"])), "<", 1e-3)]
    for b, label in ((0, "GD"), (1, "ρ = 0.1")):
        criteria += [Criterion(f"{label}: ‖x_T − (0, 1)‖", float(d_sad[-1, b]), ">", 1.0),
                     Criterion(f"{label}: f_T", float(f_T[b]), "<", 0.1 * sad["value"]),
                     Criterion(f"{label}: ‖x_T − x*‖ − ‖x_(T/2) − x*‖ (< 0: approaching the minimum)",
                               float(d_min[-1, b] - d_min[0, b]), "<", 0.0)]
    if s["official_steps"]:
        criteria += [Criterion("official GD stop step − 87,683", abs(steps - setup.OFFICIAL_BEALE["gd_stop_step"]),
                               "<=", 5),
                     Criterion("ρ = 0.5: ‖x_T − (0, 1)‖", float(d_sad[-1, 2]), "<", 1e-3),
                     Criterion("ρ = 1: ‖x_T − (0, 1)‖", float(d_sad[-1, 3]), "<", 1e-3),
                     Criterion("GD: f_T", float(f_T[0]), "<", 0.1)]
    return _verdict(
        measured=float(d_sad[-1, 2]), predicted=0.0,
        quantity="‖x_T − (0, 1)‖ of SAM ρ = 0.5 on Beale (distance to the saddle at the end of the official run)",
        tolerance="ρ ∈ {0.5, 1}: max_{t ≥ T/2} ‖x_t − (0,1)‖ ≤ 20·ηρλ₊/(2 − ηλ₊) and |f − 14.203125| < 1e-3; "
                  "GD and ρ = 0.1: > 1 away, f < 1.42, approaching (3, 0.5)",
        criteria=criteria,
        details={**info, "lr": lr, "steps": steps,
                 "runs": [{"rho": float(r), "x_T": res.x[b].tolist(), "f_T": float(f_T[b]),
                           "dist_saddle_T": float(d_sad[-1, b]), "max_dist_saddle_last_half": float(max_half[b]),
                           "cycle_amplitude": float(amp[b]), "excursion_over_amplitude": float(excursion[b]),
                           "dist_min_T": float(d_min[-1, b]), "n_zero_grad": int(res.n_zero_grad[b])}
                          for b, r in enumerate(rhos)]})


@claim(
    id="kim-2023/beale-case-iii",
    statement="Case III signature of the trapped Beale run (SAM ρ = 0.5): once at the saddle, cos(∇f(x_t), ∇f(y_t)) "
              "fills [−1, 1], visiting both [−1, −0.9] and [0.9, 1] in every 5000-step window, and the perturbed point "
              "y_t = x_t + ρ∇f/‖∇f‖ jumps across the line x = 0 at (almost) every step, at |y_x| ≈ ρ; the same for "
              "starts near the official one and for another rounding of the gradient",
    provenance=f"{P}, the Case III picture (the iterate oscillates across the saddle's stable manifold; "
               "exact statement unverified) and the gradient-cosine and w^p figures, whose settings are read from "
               "Harry24k/sam-saddle [official code]; per-window and per-step criteria [derived]",
    kind="limit",
    quick={"lr": setup.OFFICIAL_BEALE["lr"], "steps": 7500, "plain_gradient": False, "rho": setup.BEALE_CASE_III_RHO,
           "algorithm": "sam"},
    full={"lr": setup.OFFICIAL_BEALE["lr"], "steps": 50_000, "plain_gradient": True, "rho": setup.BEALE_CASE_III_RHO,
          "algorithm": "sam"},
    controls={"ascent step with its sign flipped (y = x − ρ∇f/‖∇f‖)": {"algorithm": "sam_flipped"}},
)
def beale_case_iii(s, seed):
    """SAM ρ = 0.5 on Beale (official lr 1.25e-5), every step observed, from seven starts, two gradient codes.

    Runs (:func:`samlab.setups.kim_2023.beale_case_iii_runs`): the official start (1, 2), the same
    moved one ulp up and one ulp down, and four starts 0.01 away; full mode runs them with samlab's
    compiled Beale gradient (common subexpressions shared) and with the plain term-by-term lambdified
    gradient, which rounds differently; 50,000 steps, the length of the official cosine figure. t₀ =
    first step with ‖x_t − (0, 1)‖ < 1e-2 (≈ 2,238 from the official start).

    Tolerance, i.e. what "fills [−1, 1]" means here (:data:`samlab.setups.kim_2023.CASE_III`): in every full
    5000-step window after t₀ the cosine visits both ends of the interval, i.e. takes at least one
    value in [−1, −0.9] and one in [0.9, 1] (each end is 5 % of the range, the band where the official
    figure's dots touch ±1). Measured in full mode over the 2 gradient codes × 7 starts × 9 windows:
    at least 4 visits to [−1, −0.9] and 14 to [0.9, 1] in every window (medians 32 and 40; over the
    official run length of 87,683 steps and 16 such runs, at least 4 and 12), so a window without a
    visit would be a change of behaviour, not of rounding. The strict per-window extremes are
    reported, not judged: the chaotic orbit's deepest cosine in a window ranges from −0.95 to
    −0.99999 across starts and roundings, and the earlier criterion "min cos < −0.99 in every window"
    flipped with the rounding of the gradient (finding: 2 of the 126 windows miss it, both with the
    plain gradient). Per step, over
    [t₀, T]: the sign of (y_t)_x alternates between consecutive steps in ≥ 85 % of the steps (measured
    0.93–0.94 in every run; a perturbed point on a random side would give 0.5; stretches without
    alternation occur when the iterate slides along the unstable direction) and |(y_t)_x| ≥ 0.9ρ in
    ≥ 90 % of the steps (measured 0.97: y_t sits near (±ρ, 1)). Every run must reach the saddle.
    Quick mode: 7,500 steps (one window), compiled gradient only.

    Control: the flipped ascent step (y = x − ρ∇f/‖∇f‖) is not trapped: no run reaches the saddle, so
    no window after t₀ exists (ρ = 0.1, the official run that escapes, fails the same way).
    """
    lr, T, rho = float(s["lr"]), int(s["steps"]), float(s["rho"])
    cfg = setup.CASE_III
    runs = setup.beale_case_iii_runs(lr, T, seed=seed, plain_gradient=bool(s["plain_gradient"]), rho=rho,
                                     algorithm=s["algorithm"])
    sad = K.beale_saddle()
    starts = setup.beale_case_iii_starts(seed)
    labels = ["official (1, 2)", "official + 1 ulp", "official − 1 ulp"] + [f"0.01 away #{i}" for i in range(1, 5)]
    rows, windows = [], []
    for code, res in runs.items():
        cos, yx = res.observed["cos"], res.observed["yx"]  # row k − 1 ↔ step k
        for b in range(res.runs):
            reached = setup.first_step_within(res.iterates[:, b, :], sad["point"], setup.SADDLE_REACHED)
            t0 = T if reached is None else max(reached, 1)
            wins = setup.case_iii_windows(cos[:, b], t0, window=cfg["window"], end=cfg["end"]) if reached else []
            sx = np.sign(yx[t0 - 1:, b])
            alternation = float(np.mean(sx[1:] * sx[:-1] < 0)) if sx.size > 1 else 0.0
            near = float(np.mean(np.abs(yx[t0 - 1:, b]) >= cfg["near_rho"] * rho)) if sx.size else 0.0
            rows.append({"gradient": code, "start": labels[b], "x0": starts[b].tolist(),
                         "t0": None if reached is None else int(t0), "windows": len(wins),
                         "fewest_low_visits": min((w["low_visits"] for w in wins), default=0),
                         "fewest_high_visits": min((w["high_visits"] for w in wins), default=0),
                         "deepest_window_min_cos": max((w["min_cos"] for w in wins), default=math.nan),
                         "windows_min_cos_above_-0.99": sum(w["min_cos"] > -0.99 for w in wins),
                         "alternation": alternation, "fraction_abs_yx_ge_0.9rho": near,
                         "mean_cos_after_t0": float(np.mean(cos[t0 - 1:, b])) if reached else math.nan})
            windows += [{"gradient": code, "start": labels[b], **w} for w in wins]
    reached_all = sum(r["t0"] is not None and r["windows"] > 0 for r in rows)
    low = min(r["fewest_low_visits"] for r in rows)
    high = min(r["fewest_high_visits"] for r in rows)
    criteria = [
        Criterion("runs reaching the saddle with ≥ 1 full window after t₀", reached_all, ">=", len(rows)),
        Criterion("fewest visits of cos to [−1, −0.9] in a 5000-step window", low, ">=", cfg["min_visits"]),
        Criterion("fewest visits of cos to [0.9, 1] in a 5000-step window", high, ">=", cfg["min_visits"]),
        Criterion("lowest fraction of steps where sign((y_t)_x) alternates", min(r["alternation"] for r in rows),
                  ">=", cfg["alternation"]),
        Criterion("lowest fraction of steps with |(y_t)_x| ≥ 0.9ρ", min(r["fraction_abs_yx_ge_0.9rho"] for r in rows),
                  ">=", cfg["near_rho"]),
    ]
    strict_misses = sum(r["windows_min_cos_above_-0.99"] for r in rows)
    findings = []
    if strict_misses and all(c.passed for c in criteria):
        worst = max(r["deepest_window_min_cos"] for r in rows)
        findings.append(f"'The cosine reaches −1 in every window' is not robust to rounding: {strict_misses} of "
                        f"{len(windows)} windows (over {len(runs)} gradient code(s) and {len(starts)} starts) stay "
                        f"above −0.99 (the deepest reaches only {worst:.3f}), while every window visits both "
                        f"[−1, −0.9] (≥ {low} times) and [0.9, 1] (≥ {high} times).")
    official = rows[0]
    mid = setup.WP_PLOT_START
    res0 = runs["compiled"]
    return _verdict(
        measured=low, predicted=f"≥ {cfg['min_visits']}",
        quantity="fewest visits of cos(∇f(x_t), ∇f(y_t)) to [−1, −0.9] in any 5000-step window after t₀ "
                 "(over starts and gradient codes)",
        unit="steps",
        tolerance="every window visits [−1, −0.9] and [0.9, 1] at least once; alternation ≥ 0.85; "
                  "|(y_t)_x| ≥ 0.9ρ in ≥ 90 % of steps; every run trapped",
        criteria=criteria, findings=findings,
        details={"lr": lr, "steps": T, "rho": rho, "window": cfg["window"], "end": cfg["end"],
                 "t0_official": official["t0"], "windows_checked": len(windows),
                 "windows_min_cos_above_-0.99": strict_misses,
                 "mean_cos_after_t0_official": official["mean_cos_after_t0"],
                 f"y_8_steps_from_{mid}": np.column_stack([res0.observed["yx"][mid - 1:mid + 7, 0],
                                                           res0.observed["yy"][mid - 1:mid + 7, 0]]).tolist()
                 if T >= mid + 7 else None,
                 "runs": rows, "windows": windows})


# ============================================================================= Theorem 2
@claim(
    id="kim-2023/theorem2-diffusion",
    statement="Theorem 2: started at a saddle, the model SDE dw = −∇ℓ_SAM dt + √(ηC) dW has per-direction variance "
              "σ_j²(t) = η|λ_j|/(2Bλ_j(1+ρλ_j)²)·[1 − exp(−2λ_j(1+ρλ_j)²t)] (growing exponentially along λ_j < 0); "
              "real same-minibatch USAM follows its own discrete variance instead",
    provenance=f"{P}, Theorem 2 (exact statement unverified) [derived: the closed form re-derived with sympy from "
               "the model SDE and checked against its Euler–Maruyama simulation; the exact variance of the real "
               "USAM update]",
    kind="plateau",
    quick={"paths": 40000, "t": 2.0, "cases": [[[1.0, -1.0], 0.2, 8, 0.01], [[1.0, -1.0], 0.5, 64, 0.01]],
           "drift": "sam_objective", "real_paths": 4000, "real_steps": 300, "real_B": 64, "real_rhos": [0.0, 0.2, 0.5]},
    full={"paths": 100000, "t": 2.0,
          "cases": [[[1.0, -1.0], 0.2, 8, 0.01], [[1.0, -1.0], 0.5, 64, 0.01],
                    [[2.0, 0.5, -0.5, -1.5], 0.3, 16, 0.005], [[1.0, -3.0], 0.1, 32, 0.0025]],
          "drift": "sam_objective", "real_paths": 20000, "real_steps": 300, "real_B": 64, "real_rhos": [0.0, 0.2, 0.5]},
    controls={"the discrete update's drift λ(1 + ρλ) in the model": {"drift": "usam"}},
)
def theorem2_diffusion(s, seed):
    """Euler–Maruyama of the model SDE = GD (step η) on the model quadratic with noise N(0, |λ|/B).

    :func:`samlab.setups.kim_2023.model_sde_problem` builds the drift λ(1+ρλ)² and the noise (random
    eigenbasis from ``rng(seed, "model-sde-rotation", case)``); the paths start at the saddle and run
    t/η steps (t = 2); the MSD along each eigenvector is compared with
    :func:`samlab.theory.sam_diffusion_variance` at time t. Cases are (spectrum, ρ, B, η); the first
    two use λ = (1, −1), η = 0.01 (200 steps).

    Tolerance: |MSD/σ²(t) − 1| ≤ 3 % (a closed form whose error were larger than the simulation's
    3 SE and its EM bias would be wrong) AND ≤ |b| + 3·SE/σ², where b is the
    Euler–Maruyama bias computed exactly (:func:`samlab.theory.model_sde_em_variance`; ≤ 1.2 % in the
    first two cases, ≤ 1.3 % in the others thanks to their smaller η) and SE = √(2/N)·σ² the Monte Carlo
    error (0.7 % at 40,000 paths, 0.45 % at 100,000): the closed form must be off by no more than the
    discretization and sampling explain. Separately the MSD must match the exact EM variance within 4
    standard errors, which isolates sampling error from discretization (validates the simulation).

    Real runs (the figure ``escape_statistics``, panel d): SGD and USAM with one minibatch for both
    calls, λ = −1, B = 64, η = 0.01, ``real_paths`` paths (:func:`samlab.setups.kim_2023.real_usam_msd_runs`):
    their MSD after ``real_steps`` steps must match the exact variance of the discrete update
    (:func:`samlab.theory.kim_2023.usam_same_sample_variance`) within 4 SE. Their ratio to Theorem 2's
    σ²(t) is reported (finding): the model is not the update.

    Control: the discrete update's drift λ(1 + ρλ) in place of the SAM objective's λ(1 + ρλ)² must
    miss σ²(t) (by ×1.6 at ρ = 0.2, t = 2).
    """
    t, N = float(s["t"]), int(s["paths"])
    rows = []
    for i, (eig, rho, B, lr) in enumerate(s["cases"]):
        eig = np.asarray(eig, dtype=float)
        T = int(round(t / lr))
        prob, noise = setup.model_sde_problem(eig, rho, B, seed=rng(seed, "model-sde-rotation", i), drift=s["drift"])
        res = run(prob, setup.variant("gd", lr), np.zeros(eig.size), T, runs=N, noise=noise, seed=seed,
                  checkpoints=[T], name=f"theorem2-{i}")
        w, V = np.linalg.eigh(prob.H)  # eigenvalues a_j (ascending); map back to λ_j
        for lam in eig:
            a_j = float(setup.DRIFTS[s["drift"]](rho, lam))
            col = int(np.argmin(np.abs(w - a_j)))
            mc = mc_mean((res.x @ V[:, col]) ** 2)
            closed = float(sam_diffusion_variance(t, lam, lr, rho, B))
            em = float(model_sde_em_variance(lam, lr, rho, B, T)[-1])
            rel, bias = mc.mean / closed - 1, em / closed - 1
            rows.append({"lambda": float(lam), "rho": rho, "B": B, "lr": lr, "steps": T, "msd": mc.mean, "sem": mc.sem,
                         "sigma2_closed_form": closed, "em_exact": em, "rel_error": rel, "em_bias": bias,
                         "excess": abs(rel) - (abs(bias) + 3 * mc.sem / closed), "z_vs_em": (mc.mean - em) / mc.sem})
    # real stochastic SGD / USAM along λ = −1 (one minibatch for both calls)
    Tr, Br, lr_r = int(s["real_steps"]), float(s["real_B"]), setup.SADDLE_LR
    real = setup.real_usam_msd_runs(seed, s["real_rhos"], int(s["real_paths"]), Tr, batch_size=Br)
    real_rows = []
    for rho, res in real.items():
        mc = mc_mean(res.x[0] ** 2)
        exact = K.usam_same_sample_variance(-1.0, lr_r, rho, Br, Tr)
        model = sam_diffusion_variance(np.arange(1, Tr + 1) * lr_r, -1.0, lr_r, rho, Br)
        ratio = exact / model
        cross = np.flatnonzero(ratio >= 1.0)
        real_rows.append({"rho": rho, "steps": Tr, "msd": mc.mean, "sem": mc.sem, "exact_discrete": float(exact[-1]),
                          "z_vs_exact": (mc.mean - float(exact[-1])) / mc.sem,
                          "over_theorem2_first_step": float(ratio[0]), "over_theorem2_last_step": float(ratio[-1]),
                          "noise_factor_(1+rho*lambda)^2": (1.0 - rho) ** 2,
                          "crosses_theorem2_at_t": float((cross[0] + 1) * lr_r) if cross.size and rho > 0 else None})
    worst = max(rows, key=lambda r: abs(r["rel_error"]))
    criteria = [
        Criterion("max over directions of |MSD/σ²(t) − 1|", max(abs(r["rel_error"]) for r in rows), "<=", 0.03),
        Criterion("max over directions of |MSD/σ²(t) − 1| − (|EM bias| + 3 SE/σ²)", max(r["excess"] for r in rows),
                  "<=", 0.0),
        Criterion("max over directions of |MSD − EM exact|/SE", max(abs(r["z_vs_em"]) for r in rows), "<=", 4.0),
        Criterion("real SGD/USAM: max |MSD − exact discrete variance|/SE", max(abs(r["z_vs_exact"]) for r in real_rows),
                  "<=", 4.0),
    ]
    findings = []
    if criteria[3].passed:
        parts = ", ".join(f"{r['over_theorem2_first_step']:.2f} at ρ = {r['rho']:g}" for r in real_rows if r["rho"] > 0)
        findings.append("Theorem 2's model SDE is not the SAM update: real USAM with one minibatch for both calls "
                        f"diffuses less at small t (MSD/σ²(t) after one step: {parts}, i.e. (1 + ρλ)², because the "
                        "shared minibatch multiplies the noise by 1 + ρλ) and grows at its own rate λ(1 + ρλ); the real "
                        "runs follow that discrete variance, not σ²(t).")
    return _verdict(
        measured=worst["msd"], predicted=worst["sigma2_closed_form"],
        quantity="MSD of the model SDE along the direction where it is farthest from Theorem 2's σ²(t)",
        tolerance="|MSD/σ²(t) − 1| ≤ min(3 %, |EM bias| + 3 SE) per direction and |MSD − EM exact| ≤ 4 SE; real "
                  "runs within 4 SE of their exact discrete variance",
        criteria=criteria, findings=findings,
        details={"t": t, "paths": N, "drift": s["drift"], "max_rel_error": float(abs(worst["rel_error"])),
                 "cases": rows, "real_runs": real_rows})


# ============================================================================= Corollary 1
@claim(
    id="kim-2023/corollary1-gap",
    statement="Corollary 1: for |λ|t ≪ 1 along a negative direction, Δ_SGD − Δ_SAM grows like t² (coefficient "
              "2η|λ|³ρ/B to first order in ρ) — SAM diffuses away from the saddle more slowly; the transcribed "
              "coefficient drops a ρ²λ³|λ| term (exact: (η|λ|/B)(2ρλ² + ρ²λ³))",
    provenance=f"{P}, Corollary 1 (exact statement unverified) [derived: the exact t-expansion of Theorem 2's "
               "variance with sympy, and a paired simulation of the model SDE]",
    kind="rate",
    quick={"paths": 20000, "groups": 40, "lr": 1e-4, "steps": 500, "rhos": [0.05, 0.5], "B": 8,
           "window": [0.01, 0.05], "drift": "sam_objective"},
    full={"paths": 200000, "groups": 100, "lr": 1e-4, "steps": 500, "rhos": [0.05, 0.2, 0.5], "B": 8,
          "window": [0.01, 0.05], "drift": "sam_objective"},
    controls={"the discrete update's drift λ(1 + ρλ) in the model": {"drift": "usam"}},
)
def corollary1_gap_claim(s, seed):
    """Paired (common random numbers) model-SDE simulations with ρ = 0 and ρ > 0, λ = −1.

    The N paths of the 1-D model dz = −λ(1+ρλ)²z dt + √(η|λ|/B) dW are the coordinates of
    :class:`samlab.problems.IsotropicQuadratic` runs (``groups`` runs of N/groups paths; the
    recorded f gives each group's mean square). Same seed and run name ⇒ the same noise draws for SGD
    and SAM, so the gap Δ_SGD − Δ_SAM is estimated from paired group differences (standard error ~1 %
    of the gap, from the spread over groups). Checks and tolerances:
    (1) the gap is positive at every checkpoint with t ≥ 0.01 (SAM escapes more slowly);
    (2) its log-log slope over t ∈ ``window`` (Corollary 1's t² law) is 2 within 0.1 — the window's
    own curvature (O(|λ|t) terms and the Euler–Maruyama factor (k−1)/k, k ≥ 100 steps) moves the
    local slope by ≈ +0.05 (the exact model's local slope is reported), so 0.1 still rejects 1 or 3;
    (3) the simulated gap matches the exact EM gap (:func:`samlab.theory.model_sde_em_variance`
    differences) within 4 standard errors at every checkpoint;
    (4) the transcription: at the smallest window time the measured gap, divided by the EM factor, is
    closer to the full t² coefficient than to Corollary 1's for the largest ρ (ratio 1 + ρλ/2 = 0.75
    at ρ = 0.5), reported as ``coefficient_ratio``.

    Control: the discrete update's drift λ(1 + ρλ) halves the gap's leading coefficient, which the
    exact EM gap of the model then rejects (3).
    """
    lr, T, N, B, G = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["B"]), int(s["groups"])
    n = N // G  # paths per run: the coordinates of an isotropic quadratic (independent 1-D paths)
    ck = np.arange(0, T + 1, max(T // 100, 1))
    noise = noises.Gaussian(math.sqrt(1.0 / B))  # |λ|/B with λ = −1
    msd = {}
    for rho in [0.0] + list(s["rhos"]):
        a = float(setup.DRIFTS[s["drift"]](rho, -1.0))
        iso = problems.IsotropicQuadratic(a, n)
        res = run(iso, setup.variant("gd", lr), np.zeros(n), T, runs=G, noise=noise, seed=seed, checkpoints=ck,
                  name="corollary1")
        msd[rho] = iso.msd(res.f)  # (K, G): mean square of each group of n paths
    t = res.t * lr
    k = res.t
    em0 = np.concatenate([[0.0], model_sde_em_variance(-1.0, lr, 0.0, B, T)])[k]
    rows = []
    lo, hi = s["window"]
    for rho in s["rhos"]:
        d = msd[0.0] - msd[rho]  # paired: the same noise draws for both
        mc = mc_mean(d[1:], axis=1)
        gap = np.concatenate([[0.0], np.atleast_1d(mc.mean)])
        sem = np.concatenate([[np.inf], np.atleast_1d(mc.sem)])
        em = em0 - np.concatenate([[0.0], model_sde_em_variance(-1.0, lr, rho, B, T)])[k]
        zmax = float(np.max(np.abs(gap[1:] - em[1:]) / sem[1:]))
        fit = loglog_fit(t, gap, window=(lo, hi), n_boot=0)
        i0 = int(np.argmin(np.abs(t - lo)))
        em_factor = (k[i0] - 1) / k[i0]
        full_t2 = float(diffusion_gap_series(t[i0], -1.0, lr, rho, B, order=2))
        cor1 = float(corollary1_gap(t[i0], -1.0, lr, rho, B))
        meas = gap[i0] / em_factor
        em_fit = loglog_fit(t[1:], em[1:], window=(lo, hi), n_boot=0)
        rows.append({"rho": rho, "min_gap_t_ge_0.01": float(np.min(gap[t >= 0.01])), "slope": fit.slope,
                     "slope_ci": list(fit.slope_ci), "exact_model_local_slope": em_fit.slope, "max_z_vs_em": zmax,
                     "t_coef": float(t[i0]), "gap": float(gap[i0]), "sem": float(sem[i0]),
                     "corollary1": cor1, "full_t2_term": full_t2,
                     "closer_to_full_than_corollary1": abs(meas / full_t2 - 1) - abs(meas / cor1 - 1),
                     "coefficient_ratio_measured_over_corollary1": float(meas / cor1),
                     "predicted_ratio_1_plus_rho_lambda_over_2": 1 - rho / 2})
    head = rows[-1]
    criteria = [
        Criterion("smallest gap Δ_SGD − Δ_SAM over t ≥ 0.01 and ρ", min(r["min_gap_t_ge_0.01"] for r in rows), ">", 0.0),
        Criterion("max over ρ of |log-log slope − 2| over t ∈ window", max(abs(r["slope"] - 2) for r in rows), "<=", 0.1),
        Criterion("max over ρ and t of |gap − EM gap|/SE", max(r["max_z_vs_em"] for r in rows), "<=", 4.0),
        Criterion(f"ρ = {head['rho']:g}: |c/c_full − 1| − |c/c_Cor1 − 1| (< 0: the full t² coefficient)",
                  head["closer_to_full_than_corollary1"], "<", 0.0),
    ]
    findings = []
    if criteria[3].passed:
        findings.append("Corollary 1 as transcribed keeps only the ρ-linear part of the t² coefficient: at "
                        f"ρ = {head['rho']:g} the measured coefficient is {head['coefficient_ratio_measured_over_corollary1']:.3f} "
                        "of 2η|λ|³ρ/B, as the exact (η|λ|/B)(2ρλ² + ρ²λ³) predicts (1 + ρλ/2 = "
                        f"{head['predicted_ratio_1_plus_rho_lambda_over_2']:.2f}).")
    return _verdict(
        measured=head["slope"], predicted=2.0,
        quantity=f"fitted slope of log(Δ_SGD − Δ_SAM) vs log t over t ∈ [{lo:g}, {hi:g}] (ρ = {head['rho']:g})",
        tolerance="gap > 0; slope 2 ± 0.1; |gap − EM gap| ≤ 4 SE; coefficient closer to the full t² term than to "
                  "the transcribed Corollary 1",
        criteria=criteria, findings=findings,
        details={"lambda": -1.0, "B": B, "lr": lr, "paths": N, "window": [lo, hi], "drift": s["drift"],
                 "cases": rows})


# ============================================================================= Corollary 1 on real runs
@claim(
    id="kim-2023/sam-escapes-slower",
    statement="SAM diffuses away from a saddle more slowly than SGD (Corollary 1): on real stochastic runs the "
              "mean-square displacement along λ₋ at fixed t is smaller for USAM (same or independent minibatch) and "
              "normalized SAM, decreasing in ρ for USAM, with a ratio to SGD independent of B; escape takes longer",
    provenance=f"{P}, abstract [paper] ('SAM's diffusion is worse than GD's for escaping saddles') and "
               "Corollary 1; orderings on real stochastic runs and escape times [derived]",
    kind="ordering",
    quick={"paths": 4000, "steps": 200, "lr": setup.SADDLE_LR, "B": [8, 64], "rhos": [0.2, 0.5],
           "escape_runs": 200, "escape_steps": 3000, "radius": setup.ESCAPE_RADIUS, "flip_ascent": False},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "B": [8, 64], "rhos": [0.2, 0.5],
          "escape_runs": 2000, "escape_steps": 5000, "radius": setup.ESCAPE_RADIUS, "flip_ascent": False},
    controls={"ascent step with its sign flipped (y = x − ρg, x − ρg/‖g‖)": {"flip_ascent": True}},
)
def sam_escapes_slower(s, seed):
    """Stochastic SGD, USAM (same / independent minibatch) and SAM on a rotated saddle λ = (1, −1).

    Noise ξ ~ N(0, |H|/B); start at the saddle; t = steps·η = 2; N paths per configuration, each
    configuration with its own stream (run name). Tolerance: each ordering must hold by ≥ 3 combined
    standard errors, √(SE₁² + SE₂²) (a false ordering then has probability < 0.2 % per comparison):
    (1) MSD_SAM < MSD_SGD for every variant and ρ at B = 64 (measured at ρ = 0.2 / 0.5: SGD 4.1e-3,
        USAM-same 1.44e-3 / 2.47e-4, USAM-indep 2.34e-3 / 1.25e-3, SAM 8.6e-5 / 2.1e-4);
    (2) USAM (both variants) MSD decreasing in ρ;
    (3) USAM-same ratio MSD_SAM/MSD_SGD equal at B = 8 and B = 64 within 3 combined SE (delta method);
    (4) escape times (first |v₋ᵀx| ≥ ``radius``, exact first passage) at B = 64: SAM's are
        stochastically larger than SGD's (one-sided Mann–Whitney p < 1e-3) for every variant.
    Normalized SAM is nonlinear in the noise (its ratio depends on B and is non-monotone in ρ), so
    only (1) and (4) are asserted for it; its ratios at both B are reported (finding).

    Control: the ascent step with its sign flipped moves toward the unstable direction, so every
    variant diffuses faster than SGD and (1) fails.
    """
    lr, T, N = float(s["lr"]), int(s["steps"]), int(s["paths"])
    p, v, C = setup.stochastic_saddle(seed)
    flip = setup.flipped if s["flip_ascent"] else (lambda name: name)
    variants = {"sgd": lambda r: setup.variant("gd", lr),
                "usam_same": lambda r: setup.variant(flip("usam"), lr, r),
                "usam_indep": lambda r: setup.variant(flip("usam"), lr, r, same_sample=False),
                "sam_same": lambda r: setup.variant(flip("sam"), lr, r)}
    msd = {}
    for B in s["B"]:
        noise = noises.MinibatchNoise(C, float(B))
        for name, make in variants.items():
            for rho in ([0.0] if name == "sgd" else s["rhos"]):
                res = run(p, make(rho), np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                          name=f"msd-{name}-{rho}-{B}")
                msd[(name, rho, B)] = _msd(res, v)

    def z_below(a, b):  # (b − a) in combined standard errors
        return (b.mean - a.mean) / math.hypot(a.sem, b.sem)

    Bref = 64 if 64 in s["B"] else s["B"][-1]
    sgd = msd[("sgd", 0.0, Bref)]
    z1 = min(z_below(msd[(n, r, Bref)], sgd) for n in variants if n != "sgd" for r in s["rhos"])
    r_lo, r_hi = min(s["rhos"]), max(s["rhos"])
    z2 = min(z_below(msd[(n, r_hi, Bref)], msd[(n, r_lo, Bref)]) for n in ("usam_same", "usam_indep"))

    def ratio(name, rho, B):
        a, b = msd[(name, rho, B)], msd[("sgd", 0.0, B)]
        r = a.mean / b.mean
        return r, r * math.hypot(a.sem / a.mean, b.sem / b.mean)

    (ra, sa), (rb, sb) = ratio("usam_same", r_lo, s["B"][0]), ratio("usam_same", r_lo, s["B"][-1])
    z3 = abs(ra - rb) / math.hypot(sa, sb)
    (qa, ua), (qb, ub) = ratio("sam_same", r_lo, s["B"][0]), ratio("sam_same", r_lo, s["B"][-1])
    # escape times at B = Bref
    R, Te, rad = int(s["escape_runs"]), int(s["escape_steps"]), float(s["radius"])
    noise = noises.MinibatchNoise(C, float(Bref))
    esc = {}
    for name, make in variants.items():
        rho = 0.0 if name == "sgd" else r_lo
        st_, _ = setup.escape_steps(p, make(rho), rad, Te, runs=R, noise=noise, seed=seed, name=f"escape-{name}-{rho}")
        esc[name] = st_
    pvals = {n: _escape_order(esc[n], esc["sgd"], Te) for n in variants if n != "sgd"}
    criteria = [
        Criterion(f"B = {Bref}: min over variants and ρ of (MSD_SGD − MSD_SAM)/combined SE", z1, ">=", 3.0),
        Criterion(f"USAM: min over variants of (MSD(ρ = {r_lo:g}) − MSD(ρ = {r_hi:g}))/combined SE", z2, ">=", 3.0),
        Criterion(f"USAM-same: |ratio(B = {s['B'][0]}) − ratio(B = {s['B'][-1]})|/combined SE", z3, "<=", 3.0),
        Criterion("escape times: max one-sided Mann–Whitney p (SAM later than SGD)", max(pvals.values()), "<", 1e-3),
    ]
    findings = []
    z_sam = abs(qa - qb) / math.hypot(ua, ub)
    if z_sam > 3 and all(c.passed for c in criteria):
        findings.append("Corollary 1's B-independent ratio holds only for the linear (unnormalized) dynamics: normalized "
                        f"SAM's MSD ratio to SGD is {qa:.3f} at B = {s['B'][0]} and {qb:.3f} at B = {s['B'][-1]} "
                        f"(ρ = {r_lo:g}; {z_sam:.0f} SE apart).")
    return _verdict(
        measured=rb, predicted="< 1",
        quantity=f"MSD ratio USAM (one minibatch, ρ = {r_lo:g}) / SGD along λ₋ at t = {T * lr:g}, B = {s['B'][-1]}",
        tolerance="each ordering by ≥ 3 combined SE; USAM ratio B-independent within 3 SE; escape-time "
                  "Mann–Whitney p < 1e-3",
        criteria=criteria, findings=findings,
        details={"t": T * lr, "paths": N, "sgd_msd_B64": sgd.mean,
                 "msd": [{"variant": nm, "rho": r, "B": B, "msd": m.mean, "sem": m.sem} for (nm, r, B), m in msd.items()],
                 "usam_same_ratio": [{"B": s["B"][0], "ratio": ra, "se": sa}, {"B": s["B"][-1], "ratio": rb, "se": sb}],
                 "sam_same_ratio": [{"B": s["B"][0], "ratio": qa, "se": ua}, {"B": s["B"][-1], "ratio": qb, "se": ub}],
                 "theorem2_ratio": float(sam_diffusion_variance(T * lr, -1.0, lr, r_lo, Bref)
                                         / sam_diffusion_variance(T * lr, -1.0, lr, 0.0, Bref)),
                 "escape": [{"variant": nm, "rho": 0.0 if nm == "sgd" else r_lo, "median": _median_escape(st_),
                             "fraction_escaped": float(np.mean(st_ >= 0)), "p_later_than_sgd": pvals.get(nm)}
                            for nm, st_ in esc.items()],
                 "escape_radius": rad, "escape_horizon": Te, "B": Bref})


# ============================================================================= batch size
@claim(
    id="kim-2023/batch-size-scaling",
    statement="Both diffusions scale as 1/B (Theorem 2): log-log slope of MSD vs B is −1 ± 0.05 for the model SDE, "
              "SGD and USAM, so smaller batches escape faster; the SAM–SGD gap also shrinks as 1/B (the summary's "
              "'larger batch widens the gap' is wrong as written); escape times grow with B for SGD, USAM and SAM",
    provenance=f"{P}, abstract [paper] (batch size matters against the instability) and Theorem 2's 1/B "
               "[derived: slopes on the model SDE and real runs; the gap's 1/B scaling read off the closed form]",
    kind="rate",
    quick={"paths": 8000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": [8, 32, 128, 512],
           **{f"escape_{k}": v for k, v in setup.ESCAPE["batch"]["quick"].items()}, "radius": setup.ESCAPE_RADIUS,
           "noise_scales_with_B": True},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": [8, 16, 32, 64, 128, 256, 512],
          **{f"escape_{k}": v for k, v in setup.ESCAPE["batch"]["full"].items()}, "radius": setup.ESCAPE_RADIUS,
          "noise_scales_with_B": True},
    controls={"minibatch noise that ignores B (always N(0, |H|))": {"noise_scales_with_B": False}},
)
def batch_size_scaling(s, seed):
    """MSD at t = 2 along λ₋ = −1 vs B for the model SDE, SGD and USAM; escape times vs B.

    Every (method, B) has its own noise stream. Slopes by :func:`samlab.analysis.loglog_fit` on the
    MSD means; tolerance ±0.05 on −1. With N paths each MSD has relative SE
    √(2/N)·(1 + small) ≈ 1.6 % (quick) / 0.7 % (full), so the slope's standard error over a 64×
    range of B is ≈ 0.01 / 0.004: 0.05 is ≥ 5 SE. The gap Δ_SGD − Δ_SAM (USAM-same) must have slope
    −1 ± 0.1 (a difference of two noisy means: ~2× the SE). Escape times
    (:func:`samlab.setups.kim_2023.batch_escape_runs`, the runs of the figure ``escape_statistics``):
    median escape step strictly increasing in B for SGD, USAM and normalized SAM (censored runs count
    as +∞; normalized SAM at B ≥ 128 never escapes within the horizon — the stochastic trap), and
    consecutive B ordered by a one-sided Mann–Whitney test at p < 1e-2 wherever both medians are
    finite.

    Control: a minibatch noise that ignores B (N(0, |H|) at every B) gives slopes 0, not −1.
    """
    lr, T, N, rho = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["rho"])
    p, v, C = setup.stochastic_saddle(seed)
    Bs = np.asarray(s["B"], dtype=float)
    scale = bool(s["noise_scales_with_B"])
    out = {"sde": [], "sgd": [], "usam": []}
    for B in Bs:
        Bn = B if scale else 1.0
        prob, noise = setup.model_sde_problem([1.0, -1.0], rho, Bn)
        res = run(prob, setup.variant("gd", lr), np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                  name=f"bs-sde-{B}")
        out["sde"].append(mc_mean(res.x[:, 1] ** 2))
        noise = noises.MinibatchNoise(C, Bn)
        for name, alg in (("sgd", setup.variant("gd", lr)), ("usam", setup.variant("usam", lr, rho))):
            res = run(p, alg, np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                      name=f"bs-{name}-{B}")
            out[name].append(_msd(res, v))
    slopes = {k: loglog_fit(Bs, np.array([m.mean for m in ms]), n_boot=0) for k, ms in out.items()}
    gap = np.array([a.mean - b.mean for a, b in zip(out["sgd"], out["usam"])])
    gap_fit = loglog_fit(Bs, gap, n_boot=0) if np.all(gap > 0) else None
    # escape times vs B (one batched run per method: batch size per run)
    Te = int(s["escape_steps"])
    eB = np.asarray(s["escape_B"], dtype=float)
    runs = setup.batch_escape_runs(seed, eB, int(s["escape_runs"]), Te, lr=lr, rho=rho, radius=float(s["radius"]),
                                   noise_scales_with_batch=scale)
    esc_rows, ordered = [], {}
    for name, (st_, bb, _) in runs.items():
        groups = [st_[bb == B] for B in eB]
        m = [_median_escape(g) for g in groups]
        good = 0
        for i in range(len(m) - 1):
            a_, b_ = m[i], m[i + 1]  # medians at B_i < B_{i+1}
            pv = _escape_order(groups[i + 1], groups[i], Te) if np.isfinite(a_) and np.isfinite(b_) else None
            if np.isfinite(a_) and np.isfinite(b_):
                good += int(b_ > a_ and pv < 1e-2)
            elif np.isfinite(a_):
                good += 1  # escapes at B_i, (mostly) never at B_{i+1}
            else:
                good += int(name == "sam" and not np.isfinite(b_))  # the trap persists at larger B
            esc_rows.append({"method": name, "B": float(eB[i + 1]), "median": b_, "median_previous_B": a_,
                             "p_later_than_previous_B": pv})
        ordered[name] = good
    pairs = len(eB) - 1
    criteria = [Criterion(f"{k}: |slope of log MSD vs log B + 1|", abs(f.slope + 1), "<=", 0.05)
                for k, f in slopes.items()]
    criteria.append(Criterion("gap SGD − USAM: |slope + 1|", abs(gap_fit.slope + 1) if gap_fit else math.inf,
                              "<=", 0.1))
    criteria += [Criterion(f"{name}: consecutive B with a later (or censored) median escape", ordered[name], ">=", pairs)
                 for name in runs]
    findings = []
    if gap_fit is not None and criteria[3].passed:
        findings.append("'A larger batch widens the SAM–SGD gap' (the summary's reading of Theorem 2) is wrong as "
                        f"written: the gap SGD − USAM shrinks as B^{gap_fit.slope:.2f} and the ratio USAM/SGD is "
                        "independent of B, since B divides both variances.")
    return _verdict(
        measured=slopes["usam"].slope, predicted=-1.0,
        quantity="fitted slope of log MSD vs log B along λ₋ at t = 2 (USAM, one minibatch, ρ = 0.2)",
        tolerance="MSD-vs-B slopes −1 ± 0.05 (SDE, SGD, USAM); gap slope −1 ± 0.1; median escape step increasing in B",
        criteria=criteria, findings=findings,
        details={"B": Bs.tolist(), "paths": N,
                 "slopes": [{"method": k, "slope": f.slope, "ci": list(f.slope_ci)} for k, f in slopes.items()],
                 "msd": [{"B": float(B), **{k: out[k][i].mean for k in out},
                          "ratio_usam_over_sgd": out["usam"][i].mean / out["sgd"][i].mean,
                          "gap_sgd_minus_usam": float(gap[i])} for i, B in enumerate(Bs)],
                 "gap_slope": gap_fit.slope if gap_fit else None, "escape_horizon": Te,
                 "escape_runs_per_B": int(s["escape_runs"]), "escape": esc_rows})


# ============================================================================= momentum
@claim(
    id="kim-2023/momentum-helps-escape",
    statement="Momentum helps SAM escape saddles (Theorem 3): the stochastic USAM MSD at fixed t increases with γ, "
              "median escape times decrease with γ for SGD, USAM and SAM, and deterministic normalized SAM trapped at "
              "the x² − y² saddle (ρ = 0.5) escapes with γ = 0.99 but not with γ ≤ 0.95",
    provenance=f"{P}, abstract [paper] (momentum mitigates the instability) and Theorem 3 (exact statement "
               "unverified); MSD and escape-time orderings and the deterministic x² − y² and Beale runs [derived]",
    kind="ordering",
    quick={"paths": 4000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": 64, "gammas": [0.0, 0.5, 0.9],
           **{f"escape_{k}": v for k, v in setup.ESCAPE["momentum"]["quick"].items()}, "radius": setup.ESCAPE_RADIUS,
           "det_steps": 2000, "det_gammas": [0.0, 0.9, 0.95, 0.99], "beale": False, "dampening": False},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": 64, "gammas": [0.0, 0.3, 0.5, 0.7, 0.9],
          **{f"escape_{k}": v for k, v in setup.ESCAPE["momentum"]["full"].items()}, "radius": setup.ESCAPE_RADIUS,
          "det_steps": 2000, "det_gammas": [0.0, 0.5, 0.9, 0.95, 0.99], "beale": True, "dampening": False},
    controls={"momentum with dampening (v = γv + (1 − γ)g)": {"dampening": True}},
)
def momentum_helps_escape(s, seed):
    """Heavy ball (PyTorch semantics, buffer starts at the first gradient) on the saddle λ = (1, −1).

    Tolerances. (1) MSD of stochastic USAM-same (B = 64, ρ = 0.2, t = 2) strictly increasing over
    ``gammas`` by ≥ 3 combined SE (measured 1.4e-3 → 6e-2 → 4e5 for γ = 0, 0.5, 0.9); Theorem 3 as
    transcribed is also increasing (both C₂ readings; reported).
    (2) Escape times (exact first passage of |v₋ᵀx| ≥ ``radius``;
    :func:`samlab.setups.kim_2023.momentum_escape_runs`, the runs of the figure ``escape_statistics``):
    for SGD, USAM and SAM the median decreases strictly with γ and consecutive γ are ordered by
    one-sided Mann–Whitney p < 1e-3. The horizon (``escape_steps`` = 5,000 in both modes) must exceed
    SAM's median at γ = 0.5, measured at 2,600–3,050 steps over seeds 0–7 (200 runs each); at 3,000
    steps that median is censored about half of the time and two censored medians cannot be ordered.
    SAM's median at γ = 0 is censored (most runs stay trapped), which orders it last.
    (3) Deterministic normalized SAM on x² − y² from (−3, −0.01), ρ = 0.5, η = 0.01, ``det_steps``
    steps: γ ≤ 0.95 stays trapped, ‖x_T‖ < 0.05 (measured ≤ 0.019: the heavy-ball orbit around the
    saddle; the start is 3 away), γ = 0.99 escapes (|y_T| > 1, or the run leaves every bound).
    Full mode adds a Beale run: lr 1e-4, γ = 0.9, ρ = 0.5 escapes the saddle and ends near the
    minimum (f < 0.01 after 37,931 steps, the step at which GD reaches the 0.15-ball at lr 1e-4;
    measured 2.7e-3).

    Control: momentum with dampening (v = γv + (1 − γ)g, effective step η instead of η/(1 − γ)) does
    not speed escape: the MSD no longer grows with γ and γ = 0.99 stays trapped on x² − y².
    """
    lr, T, N, rho, B = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["rho"]), float(s["B"])
    damp = bool(s["dampening"])
    p, v, C = setup.stochastic_saddle(seed)
    noise = noises.MinibatchNoise(C, B)
    gms = np.asarray(s["gammas"], dtype=float)
    msd = []
    for gm in gms:
        res = run(p, setup.variant("usam", lr, rho, momentum=gm, dampening=damp), np.zeros(2), T, runs=N, noise=noise,
                  seed=seed, checkpoints=[T], name=f"mom-msd-{gm}")
        msd.append(_msd(res, v))
    z_msd = min((b.mean - a.mean) / math.hypot(a.sem, b.sem) for a, b in zip(msd[:-1], msd[1:]))
    formula = {r: [float(momentum_diffusion_as_transcribed(T * lr, -1.0, lr, rho, B, g, c2_reading=r)) for g in gms]
               for r in ("eta/t", "t/eta")}
    formula_steps = sum(int(np.sum(np.diff(f) > 0)) for f in formula.values())
    # escape times vs γ: one batched run per method (momentum per run)
    Te = int(s["escape_steps"])
    egm = np.array(sorted({0.0, 0.5, 0.9} | set(s["escape_gammas"]) | set(s["gammas"])))
    runs = setup.momentum_escape_runs(seed, egm, int(s["escape_runs"]), Te, batch_size=float(s["escape_B"]), lr=lr,
                                      rho=rho, radius=float(s["radius"]), dampening=damp)
    esc_rows, ordered = [], 0
    for name, (st_, gg, _) in runs.items():
        groups = [st_[gg == g] for g in egm]
        m = [_median_escape(g) for g in groups]
        for i in range(len(egm) - 1):
            pv = _escape_order(groups[i], groups[i + 1], Te)
            ok = m[i] > m[i + 1] and pv < 1e-3
            ordered += int(ok)
            esc_rows.append({"method": name, "gamma": float(egm[i + 1]), "median": m[i + 1],
                             "median_previous_gamma": m[i], "p_previous_later": pv})
    # deterministic x² − y²
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    dg = np.asarray(s["det_gammas"], dtype=float)
    rd = run(p2, setup.variant("sam", setup.SADDLE_LR, setup.X2Y2_RHO, momentum=dg, dampening=damp),
             list(setup.X2Y2_START), int(s["det_steps"]), checkpoints=2, name="mom-x2y2", seed=seed)
    nx = row_norms(rd.x)
    trapped = rd.ok & (nx < 0.05)
    escaped = (np.abs(rd.x[:, 1]) > 1) | ~rd.ok
    criteria = [
        Criterion("min over consecutive γ of (MSD increase)/combined SE", z_msd, ">=", 3.0),
        Criterion("Theorem 3 as transcribed: consecutive γ where Δ increases (both C₂ readings)", formula_steps, ">=",
                  2 * (len(gms) - 1)),
        Criterion("escape medians: consecutive γ ordered (median decreases, Mann–Whitney p < 1e-3)", ordered, ">=",
                  len(runs) * (len(egm) - 1)),
        Criterion("x² − y²: runs trapped (‖x_T‖ < 0.05) among γ ≤ 0.95", int(np.sum(trapped[dg <= 0.95])), ">=",
                  int(np.sum(dg <= 0.95))),
        Criterion("x² − y²: runs escaped among γ ≥ 0.99", int(np.sum(escaped[dg >= 0.99])), ">=", int(np.sum(dg >= 0.99))),
    ]
    beale = {}
    if s["beale"]:
        rb = run(problems.beale(), setup.variant("sam", 1e-4, 0.5, momentum=0.9, dampening=damp), list(BEALE["start"]),
                 37931, checkpoints=2, name="mom-beale", seed=seed)
        beale = {"beale_x_T": rb.x[0].tolist(), "beale_f_T": float(rb.f[-1, 0])}
        criteria.append(Criterion("Beale, lr 1e-4, γ = 0.9, ρ = 0.5: f_T", float(rb.f[-1, 0]), "<", 0.01))
    return _verdict(
        measured=[m.mean for m in msd], predicted="increasing in γ",
        quantity=f"MSD of stochastic USAM along λ₋ at t = {T * lr:g} (B = {B:g}, ρ = {rho:g}) for γ = "
                 + ", ".join(f"{g:g}" for g in gms),
        tolerance="MSD steps ≥ 3 combined SE; escape medians strictly decreasing with Mann–Whitney p < 1e-3; "
                  "x² − y²: γ ≤ 0.95 trapped, γ = 0.99 escapes",
        criteria=criteria,
        details={"msd": [{"gamma": float(g), "msd": m.mean, "sem": m.sem, "theorem3_eta_over_t": f1,
                          "theorem3_t_over_eta": f2}
                         for g, m, f1, f2 in zip(gms, msd, formula["eta/t"], formula["t/eta"])],
                 "escape_gammas": egm.tolist(), "escape_runs_per_gamma": int(s["escape_runs"]), "escape_horizon": Te,
                 "escape": esc_rows,
                 "x2y2": [{"gamma": float(g), "x_T": rd.x[i].tolist(), "status": str(rd.status[i]),
                           "trapped": bool(trapped[i]), "escaped": bool(escaped[i])} for i, g in enumerate(dg)],
                 **beale})


# ============================================================================= Theorem 3 formula
@claim(
    id="kim-2023/theorem3-as-transcribed",
    statement="Theorem 3 as transcribed, Δ_SAM = C₁(1−e^{−C₂(1−γ)})²/((1−γ)³B) + C₃(1−e^{−C₄/(1−γ)})/((1−γ)B), "
              "matches heavy-ball SAM diffusion (model SDE) only as an effective-step approximation "
              "(t(1−γ)/η ≫ 1, η|λ|/(1−γ)² ≪ 1); there both C₂ readings (η/t, t/η) agree within 0.1 %; "
              "the η/t reading gives Δ(0⁺) > 0",
    provenance=f"{P}, Theorem 3 as transcribed by a secondary summary (unverified; C₂ may be η/t or t/η); "
               "effective-step reading and "
               "the heavy-ball model [derived]",
    kind="plateau",
    quick={"paths": 12000, "lr": 1e-3, "t": 1.0, "gammas": [0.0, 0.5], "rho": 0.2, "B": 64,
           "far": {"lr": 0.01, "t": 2.0, "gamma": 0.9}, "dampening": False},
    full={"paths": 100000, "lr": 1e-3, "t": 1.0, "gammas": [0.0, 0.3, 0.5], "rho": 0.2, "B": 64,
          "far": {"lr": 0.01, "t": 2.0, "gamma": 0.9}, "dampening": False},
    controls={"momentum with dampening (v = γv + (1 − γ)g)": {"dampening": True}},
)
def theorem3_as_transcribed(s, seed):
    """Simulate heavy-ball GD on the model SDE (drift λ(1+ρλ)², noise |λ|/B) along λ = −1.

    Tolerances. (1) The simulated MSD at time t matches the exact heavy-ball variance
        (:func:`samlab.theory.kim_2023.heavy_ball_model_msd`) within 4 standard errors (validation).
    (2) In the regime t(1−γ)/η ≥ 500 and η|λ|/(1−γ)² ≤ 4e-3 (the ``gammas`` at η = 1e-3, t = 1), the
        transcribed formula matches the simulated MSD within 3 % + 3 SE; its own error there is the
        O(η/(1−γ)²) effective-step error (exact ratios 1.001–1.02, reported).
    (3) Discrepancies reported (findings): at the same η and t the formula's error grows with γ
        (formula/exact ×1.04 at γ = 0.7, ×2.3 at γ = 0.9, ×132 at γ = 0.95), so it holds within 3 %
        only up to γ = 0.65 (the ``gammas`` checked stop at 0.5);
        far from the regime (η = 0.01, t = 2, γ = 0.9) it overestimates by ×4.9e3 (momentum needs
        ~1/(1−γ) steps to build up and the heavy-ball growth rate is below η|a|/(1−γ)); the two C₂
        readings differ by < 1e-3 relative at the regime points, so simulation cannot tell them apart;
        the η/t reading's t → 0 limit C₁/((1−γ)³B) is > 0 although Δ(0) = 0, while t/η gives 0 — only
        t/η is consistent.

    Control: momentum with dampening (v = γv + (1 − γ)g) is not the heavy ball of Theorem 3: its MSD
    misses both the exact heavy-ball variance and the formula at γ > 0.
    """
    lr, t, N, rho, B = float(s["lr"]), float(s["t"]), int(s["paths"]), float(s["rho"]), float(s["B"])
    damp = bool(s["dampening"])
    steps = int(round(t / lr))
    prob, noise = setup.model_sde_problem([-1.0], rho, B)
    rows = []
    for gm in s["gammas"]:
        res = run(prob, setup.variant("gd", lr, momentum=gm, dampening=damp), np.zeros(1), steps, runs=N, noise=noise,
                  seed=seed, checkpoints=[steps], name=f"thm3-{gm}")
        mc = mc_mean(res.x[:, 0] ** 2)
        exact = float(K.heavy_ball_model_msd(-1.0, lr, rho, B, gm, steps)[-1])
        f1 = float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, gm, c2_reading="eta/t"))
        f2 = float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, gm, c2_reading="t/eta"))
        rel = abs(f1 / mc.mean - 1)
        rows.append({"gamma": gm, "msd": mc.mean, "sem": mc.sem, "exact": exact, "z_vs_exact": (mc.mean - exact) / mc.sem,
                     "formula_eta_over_t": f1, "formula_t_over_eta": f2, "rel_error_vs_sim": rel,
                     "excess": rel - (0.03 + 3 * mc.sem / mc.mean),
                     "formula_over_exact": f1 / exact, "c2_readings_rel_diff": abs(f1 / f2 - 1),
                     "regime_t(1-g)/eta": t * (1 - gm) / lr, "regime_eta|l|/(1-g)^2": lr / (1 - gm) ** 2})
    # outside the regime (same η, t): the effective-step error grows like η|λ|/(1 − γ)²
    breakdown = [{"gamma": g, "formula_over_exact": float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, g))
                  / float(K.heavy_ball_model_msd(-1.0, lr, rho, B, g, steps)[-1])} for g in (0.6, 0.7, 0.8, 0.9, 0.95)]
    fine = np.round(np.arange(0.0, 0.96, 0.05), 2)
    within = [g for g in fine if abs(float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, g))
                                     / float(K.heavy_ball_model_msd(-1.0, lr, rho, B, g, steps)[-1]) - 1) <= 0.03]
    largest_within = float(max(within)) if within else None
    far = s["far"]
    fs = int(round(far["t"] / far["lr"]))
    far_exact = float(K.heavy_ball_model_msd(-1.0, far["lr"], rho, B, far["gamma"], fs)[-1])
    far_formula = float(momentum_diffusion_as_transcribed(far["t"], -1.0, far["lr"], rho, B, far["gamma"]))
    res = run(prob, setup.variant("gd", far["lr"], momentum=far["gamma"], dampening=damp), np.zeros(1), fs,
              runs=min(N, 20000), noise=noise, seed=seed, checkpoints=[fs], name="thm3-far")
    far_sim = mc_mean(res.x[:, 0] ** 2)
    g0 = float(s["gammas"][-1])
    tiny = 1e-9
    lim_eta_t = float(momentum_diffusion_as_transcribed(tiny, -1.0, lr, rho, B, g0, c2_reading="eta/t"))
    lim_t_eta = float(momentum_diffusion_as_transcribed(tiny, -1.0, lr, rho, B, g0, c2_reading="t/eta"))
    head = max(rows, key=lambda r: r["rel_error_vs_sim"])
    criteria = [
        Criterion("max over γ of |MSD − exact heavy-ball variance|/SE", max(abs(r["z_vs_exact"]) for r in rows),
                  "<=", 4.0),
        Criterion("max over γ of |Δ_formula/MSD − 1| − (3 % + 3 SE/MSD)", max(r["excess"] for r in rows), "<=", 0.0),
    ]
    findings = []
    if all(c.passed for c in criteria):
        off = [b for b in breakdown if abs(b["formula_over_exact"] - 1) > 0.03]
        if off:
            findings.append(f"Theorem 3 as transcribed matches the heavy-ball diffusion within 3 % only up to γ = "
                            f"{largest_within:g} (grid of 0.05) at η = {lr:g}, t = {t:g}; beyond, formula/exact is "
                            + ", ".join(f"{b['formula_over_exact']:.3g} at γ = {b['gamma']:g}" for b in off) + ".")
        findings.append(f"Far from the effective-step regime (η = {far['lr']:g}, t = {far['t']:g}, γ = {far['gamma']:g}) "
                        f"the transcribed formula overestimates the diffusion by ×{far_formula / far_exact:.3g}.")
        findings.append("With C₂ = η/t as transcribed, Δ_SAM(t → 0) = C₁/((1−γ)³B) = "
                        f"{lim_eta_t:.3g} ≠ 0 although the walk starts at the saddle; only C₂ = t/η is consistent "
                        f"(→ {lim_t_eta:.3g}).")
    return _verdict(
        measured=head["msd"], predicted=head["formula_eta_over_t"],
        quantity=f"simulated heavy-ball MSD at t = {t:g} vs Theorem 3 as transcribed (C₂ = η/t), worst γ in the regime",
        tolerance="simulation vs exact heavy-ball variance ≤ 4 SE; formula vs simulation ≤ 3 % + 3 SE in the "
                  "effective-step regime",
        criteria=criteria, findings=findings,
        details={"t": t, "lr": lr, "rho": rho, "B": B, "paths": N, "rows": rows,
                 "formula_over_exact_outside_regime": breakdown, "largest_gamma_within_3_percent": largest_within,
                 "far_lr": far["lr"], "far_t": far["t"], "far_gamma": far["gamma"], "far_simulated": far_sim.mean,
                 "far_sem": far_sim.sem, "far_exact": far_exact, "far_formula": far_formula,
                 "far_ratio": far_formula / far_exact,
                 "t_to_0_gamma": g0, "t_to_0_eta_over_t": lim_eta_t, "t_to_0_t_over_eta": lim_t_eta})


# ============================================================================= Theorem 3 as a bound: worst case
_THM3_INSTANCE = "theorem3_as_transcribed_worst"
_THM3_TOL = 1e-9


@claim(
    id="kim-2023/theorem3-as-transcribed-worst-case",
    statement="Read as an upper bound on the diffusion of heavy-ball SAM away from a saddle (the model SDE's escape "
              "direction), Theorem 3 as transcribed is never exceeded over η ∈ [1e-4, 0.05], ρ ∈ [0, 1], γ ∈ [0, 0.99] "
              "and every horizon searched: the worst measured/bound approaches 1 (tight where the drift per step "
              "vanishes), for both C₂ readings",
    provenance=f"{P}, Theorem 3 as transcribed by a secondary summary (unverified) [derived: the exact heavy-ball "
               "variance of the model, its maximization over the class by differential evolution, and an adversarial "
               "search over real runs with samlab.adversary]",
    kind="worst-case",
    quick={"budget": 300, "steps": 300, "mc_budget": 42, "mc_steps": 50, "mc_replicas": 64, "mc_final": 4000,
           "save_instance": False, "out": None},
    full={"budget": 1500, "steps": 2000, "mc_budget": 105, "mc_steps": 200, "mc_replicas": 256, "mc_final": 20000,
          "save_instance": True, "out": None},
    controls={"the bound with momentum dropped (Δ_SAM at γ = 0 for every γ)": {"bound_gamma": 0.0}},
)
def theorem3_as_transcribed_worst_case(s, seed):
    """The largest exact measured/bound of Theorem 3 over its class, and an adversarial search on real runs.

    Class (:data:`samlab.setups.kim_2023.THEOREM3_CLASS`): the escape direction λ = −1 of Theorem 2's
    model SDE with B = 64 — no loss of generality: the exact heavy-ball variance and the transcribed
    Δ_SAM are both (|λ|/B)·η² times a function of (ηλ(1 + ρλ)², γ, N) [derived], so λ, ρ, η and B
    enter the ratio only through the drift per step —, η ∈ [1e-4, 0.05] (log-uniform), ρ ∈ [0, 1],
    γ ∈ [0, 0.99] and every horizon N = 1 … ``steps`` (t = Nη), started at the saddle.

    (1) Exact search: measured = the exact variance of heavy ball on the model
    (:func:`samlab.theory.kim_2023.heavy_ball_model_msd_batch`, validated against simulations within
    4 SE by ``kim-2023/theorem3-as-transcribed``), bound = the transcribed Δ_SAM, for both C₂
    readings; differential evolution over (log η, ρ, γ), each candidate at its worst N
    (:func:`samlab.setups.kim_2023.theorem3_worst_case`, ``budget`` candidates per reading).
    (2) Adversarial search on real runs: ``samlab.adversary.search`` over (η, ρ, γ) with
    :class:`samlab.setups.kim_2023.ModelSDEDirection` and :func:`~samlab.setups.kim_2023.model_sde_heavy_ball`
    (heavy-ball runs of the model with noise N(0, 1/B)), N = ``mc_steps``, ``mc_replicas`` runs per
    candidate, the best re-measured with ``mc_final`` runs and a 95 % interval.

    Tolerance: the bound is broken when the exact ratio exceeds 1 + 1e-9 (both quantities are float64
    evaluations of an N-step recursion and a closed form, accurate to ~N·10ε ≈ 4e-12 at N = 2000: the
    tolerance is 250× that and far below any meaningful excess), or when the real runs' interval lies
    entirely above 1. No PEP applies (the measured quantity is a variance under additive noise, not a
    deterministic worst case): pep_ratio is None. Along stable directions (λ = +1), outside this class,
    the discrete heavy ball's variance exceeds the formula (the Euler–Maruyama excess): by ×1.15 at
    most on the reported grid (η ≤ 0.05, ρ ≤ 1, γ ≤ 0.9, so ηλ(1+ρλ)² ≤ 0.2;
    ``stable_direction_worst_ratio``).

    Control: the bound evaluated at γ = 0 for every γ (momentum's amplification dropped from the
    formula) is exceeded by heavy ball with momentum, which both searches must find.
    """
    budget, steps = int(s["budget"]), int(s["steps"])
    progress = s.get("progress")
    bound_gamma = s.get("bound_gamma")
    c = setup.THEOREM3_CLASS

    def bound_fn(t, lr, rho, momentum, reading="eta/t"):
        gm = momentum if bound_gamma is None else np.zeros_like(np.asarray(momentum, dtype=float))
        return setup.theorem3_bound(t, lr, rho, gm, c2_reading=reading)

    exact = {r: setup.theorem3_worst_case(budget, steps, seed=seed, c2_reading=r, progress=progress,
                                          bound_momentum=bound_gamma) for r in ("eta/t", "t/eta")}
    worst_reading = max(exact, key=lambda r: exact[r]["ratio"])
    w = exact[worst_reading]
    kw = {"progress": progress} if progress is not None else {}
    mc = adversary_search(
        lambda lr, rho, momentum: setup.model_sde_heavy_ball(lr, rho, momentum), setup.ModelSDEDirection(c["lam"]),
        steps=int(s["mc_steps"]), bound=lambda t, lr, rho, momentum: bound_fn(t, lr, rho, momentum),
        metric="distance", at="final", budget=int(s["mc_budget"]),
        noise=noises.Gaussian(math.sqrt(abs(c["lam"]) / c["batch_size"])),
        hypers={"lr": c["lr"], "rho": c["rho"], "momentum": c["momentum"]}, replicas=int(s["mc_replicas"]),
        final_replicas=int(s["mc_final"]), seed=seed, **kw)
    mc_exact = float(setup.theorem3_exact_ratios(mc.hypers["lr"], mc.hypers["rho"], mc.hypers["momentum"],
                                                 int(s["mc_steps"]))[-1, 0]) if bound_gamma is None else None
    stable = setup.theorem3_exact_ratios(*_stable_grid(), min(steps, 300), lam=1.0)
    instance = ""
    if s["save_instance"] and bound_gamma is None:  # a control's mutated bound never replaces the instance
        instance = _save_theorem3_instance(exact, mc, s.get("out"))
    broken = bool(w["ratio"] > 1 + _THM3_TOL or mc.ci[0] > 1.0)
    criteria = [
        Criterion("exact search: worst measured/bound (both C₂ readings)", w["ratio"], "<=", 1 + _THM3_TOL),
        Criterion("real runs: lower end of the 95 % interval of the worst measured/bound", float(mc.ci[0]), "<=", 1.0),
    ]
    findings = []
    if not broken:
        gam = _claim_settings_ratios()
        findings.append("Read as an upper bound on heavy-ball SAM's diffusion from the saddle, Theorem 3 as transcribed "
                        f"holds over the whole class searched (worst measured/bound {w['ratio']:.10f}, approached where "
                        "the drift per step ηλ(1+ρλ)² vanishes) but loosens fast with momentum: at η = 1e-3, t = 1, "
                        "ρ = 0.2 "
                        "the ratio is " + ", ".join(f"{r:.3g} at γ = {g:g}" for g, r in gam) + ".")
    return _verdict(
        measured=w["ratio"], predicted="≤ 1",
        quantity="largest exact measured/bound of Theorem 3 (as transcribed) over its class and horizons",
        tolerance=f"≤ 1 + {_THM3_TOL:g} (float error of the exact evaluation); real runs' 95 % interval not above 1",
        criteria=criteria, findings=findings,
        details={"bound_claim": "kim-2023/theorem3-as-transcribed", "worst_ratio": w["ratio"], "pep_ratio": None,
                 "pep_exact": None, "relaxation": "",
                 "family": "escape direction of Theorem 2's model SDE (λ = −1, B = 64) from the saddle, heavy ball; "
                           "η ∈ [1e-4, 0.05], ρ ∈ [0, 1], γ ∈ [0, 0.99], N ≤ steps; exact variance",
                 "budget": budget, "instance": instance, "broken": broken, "steps": steps,
                 "worst_reading": worst_reading,
                 "exact_search": [{"c2_reading": r, "worst_ratio": e["ratio"], "lr": e["lr"], "rho": e["rho"],
                                   "momentum": e["momentum"], "N": e["N"], "measured": e["measured"],
                                   "bound": e["bound"], "evaluations": e["evaluations"]} for r, e in exact.items()],
                 "runs_search_ratio": mc.worst_ratio, "runs_search_ci": list(mc.ci), "runs_search_lr": mc.hypers["lr"],
                 "runs_search_rho": mc.hypers["rho"], "runs_search_momentum": mc.hypers["momentum"],
                 "runs_search_steps": int(s["mc_steps"]), "runs_search_exact_ratio": mc_exact,
                 "runs_search_evaluations": mc.evaluations, "tolerance": _THM3_TOL,
                 "stable_direction_worst_ratio": float(np.nanmax(stable))})


def _stable_grid():
    """A grid of (η, ρ, γ) for the stable-direction (λ = +1) comparison reported by the worst-case claim."""
    lr, rho, gm = np.meshgrid(np.geomspace(1e-4, 0.05, 12), np.linspace(0.0, 1.0, 6), np.linspace(0.0, 0.9, 6))
    return lr.ravel(), rho.ravel(), gm.ravel()


def _claim_settings_ratios():
    """(γ, exact/bound) at the settings of kim-2023/theorem3-as-transcribed (η = 1e-3, t = 1, ρ = 0.2)."""
    g = np.array([0.0, 0.5, 0.7, 0.9, 0.95])
    r = setup.theorem3_exact_ratios(np.full(g.size, 1e-3), np.full(g.size, 0.2), g, 1000)[-1]
    return list(zip(g.tolist(), r.tolist()))


def _save_theorem3_instance(exact, mc, out):
    """Write the worst instances found (JSON) to figures/kim_2023/data/; return the path relative to figures/."""
    import json

    from ..experiment import data_dir
    from ..result import atomic_write_text

    record = {"class": {k: list(v) if isinstance(v, tuple) else v for k, v in setup.THEOREM3_CLASS.items()},
              "exact_search": {r: {"worst_ratio": e["ratio"], "lr": e["lr"], "rho": e["rho"], "momentum": e["momentum"],
                                   "N": e["N"], "measured": e["measured"], "bound": e["bound"],
                                   "history": e["history"].tolist(), "evaluations": e["evaluations"]}
                               for r, e in exact.items()},
              "runs_search": {"worst_ratio": mc.worst_ratio, "ci": list(mc.ci), "lr": mc.hypers["lr"],
                              "rho": mc.hypers["rho"], "momentum": mc.hypers["momentum"], "N": mc.steps,
                              "replicas": mc.replicas, "history": mc.history.tolist()},
              "rerun": "samlab.setups.kim_2023.theorem3_exact_ratios(lr, rho, momentum, N, c2_reading=...)[-1]"}
    atomic_write_text(data_dir("kim-2023", out) / f"{_THM3_INSTANCE}.json",
                      json.dumps(record, indent=1, sort_keys=True) + "\n")
    return f"kim_2023/data/{_THM3_INSTANCE}.json"


# ============================================================================= ρ and momentum
@claim(
    id="kim-2023/larger-rho-needs-more-momentum",
    statement="A larger ρ needs a larger momentum γ for SAM to diffuse away from a saddle like SGD (Theorem 3): "
              "the γ*(ρ) with MSD_SAM(ρ, γ*) = MSD_SGD(γ = 0), bisected on real stochastic USAM runs, increases with "
              "ρ (derived effective-step value γ* ≈ ρ|λ₋|)",
    provenance=f"{P}, Theorem 3 and the CIFAR ρ × γ table (Table 1; both known from a secondary summary, unverified); "
               "bisection on real stochastic runs and the effective-step value γ* = ρ|λ₋| [derived]",
    kind="ordering",
    quick={"paths": 2000, "steps": 200, "lr": setup.SADDLE_LR, "B": 64, "rhos": [0.1, 0.4, 0.7], "rtol": 1e-2,
           "flip_ascent": False},
    full={"paths": 10000, "steps": 200, "lr": setup.SADDLE_LR, "B": 64, "rhos": [0.1, 0.2, 0.3, 0.5, 0.7], "rtol": 1e-3,
          "flip_ascent": False},
    controls={"ascent step with its sign flipped (y = x − ρg)": {"flip_ascent": True}},
)
def larger_rho_more_momentum(s, seed):
    """Batched bisection in γ ∈ [0, 0.99] of MSD_USAM(ρ, γ) ≥ MSD_SGD(0), all ρ in one run per iteration.

    Common random numbers: every iteration uses the same seed and run name, so the noise paths are
    fixed and MSD(γ) is a smooth increasing function of γ for each ρ; SGD's target uses the same
    draws. Tolerance: γ* must increase strictly with ρ, each step by more than 3× its standard error; the SE
    of γ* is the MSD's relative SE divided by d log MSD/dγ, measured by a finite difference
    (γ* ± 0.01) in one extra batched run. The derived effective-step value γ* = ρ|λ₋| (USAM's
    update (1+ρλ)(λz + ξ) rescaled by 1/(1 − γ) equals SGD's) must be within 0.02 + the bisection
    width of the measurement (its O(η|λ|/(1−γ)²) error at η = 0.01); Theorem 3's value (transcribed
    formula solved by brentq) is reported.

    Control: with the ascent step's sign flipped, USAM already diffuses faster than SGD at γ = 0, so
    γ* = 0 for every ρ and does not increase.
    """
    lr, T, N, B = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["B"])
    p, v, C = setup.stochastic_saddle(seed)
    noise = noises.MinibatchNoise(C, B)
    rhos = np.asarray(s["rhos"], dtype=float)
    name = setup.flipped("usam") if s["flip_ascent"] else "usam"
    n = rhos.size
    rr = np.repeat(rhos, N)
    target_res = run(p, setup.variant("gd", lr), np.zeros(2), T, runs=rr.size, noise=noise, seed=seed, checkpoints=[T],
                     name="gamma-star")
    target = mc_mean((target_res.x @ v) ** 2)

    def msd_at(g):
        res = run(p, setup.variant(name, lr, rr, momentum=np.repeat(g, N)), np.zeros(2), T, runs=rr.size, noise=noise,
                  seed=seed, checkpoints=[T], name="gamma-star")
        z2 = ((res.x @ v) ** 2).reshape(n, N)
        return z2.mean(axis=1), z2.std(axis=1, ddof=1) / math.sqrt(N)

    # relative width rtol (every γ* here is ≥ 0.1, where rtol·γ* ≥ atol); atol ends a bracket closing on 0
    lo, hi, iters = setup.bisect_batched(lambda g: msd_at(g)[0] >= target.mean, np.zeros(n), np.full(n, 0.99),
                                         rtol=s["rtol"], atol=0.1 * s["rtol"])
    g_star = 0.5 * (lo + hi)
    m_plus, se_plus = msd_at(np.minimum(g_star + 0.01, 0.99))
    m_minus, _ = msd_at(np.maximum(g_star - 0.01, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        dlog = (np.log(m_plus) - np.log(m_minus)) / 0.02
        se_g = (se_plus / m_plus) / dlog
        z_steps = np.diff(g_star) / np.hypot(se_g[1:], se_g[:-1])
    eff = np.asarray(K.usam_matching_momentum(rhos, -1.0))
    thm3 = [K.theorem3_matching_momentum(T * lr, -1.0, lr, r, B) for r in rhos]
    criteria = [
        Criterion("min over consecutive ρ of (γ* increase)/combined SE", float(np.min(z_steps)), ">", 3.0),
        Criterion("max over ρ of |γ* − ρ|λ₋||", float(np.max(np.abs(g_star - eff))), "<=", 0.02 + s["rtol"]),
    ]
    findings = []
    thm3_err = np.abs(np.asarray(thm3) - g_star)
    if all(c.passed for c in criteria) and np.nanmax(thm3_err) > 0.02 + s["rtol"]:
        i = int(np.nanargmax(thm3_err))
        findings.append(f"Theorem 3 as transcribed misplaces the matching momentum: solved for γ* it gives {thm3[i]:.3f} "
                        f"at ρ = {rhos[i]:g} against the measured {g_star[i]:.3f} (the effective-step value ρ|λ₋| = "
                        f"{eff[i]:.3f} matches within {np.max(np.abs(g_star - eff)):.3f}).")
    return _verdict(
        measured=g_star.tolist(), predicted=eff.tolist(),
        quantity="momentum γ*(ρ) with which stochastic USAM diffuses like SGD (bisected), per ρ",
        tolerance="consecutive γ* differences > 3 combined SE; |γ* − ρ|λ₋|| ≤ 0.02 + bisection width",
        criteria=criteria, findings=findings,
        details={"rows": [{"rho": float(r), "gamma_star": float(g), "se": float(e), "effective_step": float(f),
                           "theorem3_transcribed": float(h)} for r, g, e, f, h in zip(rhos, g_star, se_g, eff, thm3)],
                 "sgd_target_msd": target.mean, "target_sem": target.sem, "bisection_iterations": iters,
                 "paths_per_rho": N})
