"""Three textbook facts that exercise the whole chain run → analysis → verdict, and the worst case of
the textbook GD rate over its whole class.

The instance (a rotated quadratic with eigenvalues log-spaced in [0.1, 10]), its starts and the
settings come from :mod:`samlab.setups.general`, shared with the figure scripts. Every claim declares a
control (a violated hypothesis or a wrong algorithm) under which it must fail.

:func:`worst_case_verdict` turns adversarial searches and PEPs into the verdict of a worst-case claim
(kind "worst-case"); the worst-case claims of the papers use it too.
"""

from __future__ import annotations

import numpy as np

from .. import algorithms
from ..engine import run
from ..experiment import data_dir, paper_folder
from ..setups import general as setup
from ..theory import cycle_plateau, usam_contraction
from .base import Criterion, Verdict, claim

__all__ = ["worst_case_verdict", "not_ok_criterion"]


def not_ok_criterion(*results) -> Criterion:
    """Criterion: no run of ``results`` diverged or went non-finite (every status "ok")."""
    bad = sum(int(np.sum(~np.asarray(r.ok))) for r in results)
    return Criterion("runs that diverged or went non-finite", bad, "<=", 0, "runs")


def _verdict(criteria, **kw) -> Verdict:
    return Verdict(passed=all(c.passed for c in criteria), criteria=list(criteria), **kw)


@claim(
    id="general/gd-linear-rate",
    statement="GD with step γ ≤ 1/L on a μ-strongly convex quadratic contracts f − f* at least by (1 − γμ)² per step",
    provenance="Nesterov 2004, Introductory Lectures on Convex Optimization, Thm 2.1.15 (linear rate of GD) [paper]; "
               "on a quadratic [derived]: f − f* = ½Σλ_j z_j², each z_j contracts by |1 − γλ_j| ≤ 1 − γμ",
    kind="linear rate",
    controls={"step 1.99/L (violates γ ≤ 1/L)": {"lr_scale": 1.99}},
    **setup.GD_LINEAR_RATE,
)
def gd_linear_rate(s, seed):
    """Fit log(f − f*) = a + k·log q over the window where f − f* ∈ [1e-25, 1e-2]·(f₀ − f*); γ = 1/L.

    Tolerance: the fitted factor must satisfy q ≤ (1 − γμ)² (1 + 1e-6). The guarantee is a worst case
    over starts and the slowest mode attains it exactly, so the fit is expected within rounding of the
    bound; 1e-6 relative covers the regression's noise on float64 gaps. The slowest run decides.
    Control: γ = 1.99/L, outside γ ≤ 1/L; the top mode then contracts by (1 − γL)² = 0.98 per step,
    slower than (1 − γμ)² = 0.96, and the claim must fail.
    """
    p = setup.quadratic(s["dim"], seed)
    lr = s.get("lr_scale", 1.0) / p.L
    x0 = setup.starts(seed, s["runs"], p.dim)
    res = run(p, algorithms.gd(lr), x0, s["steps"], checkpoints=200, name="gd-linear-rate", seed=seed)
    bound = (1 - lr * p.mu) ** 2
    factors = [fit.factor for fit in setup.gd_fits(res.t, res.f_gap)]
    worst = float(np.max(factors))
    criteria = [Criterion("slowest run's fitted factor q", worst, "<=", bound * (1 + 1e-6), "per step")]
    return _verdict(criteria, measured=worst, predicted=bound, tolerance="q_fit ≤ (1 − γμ)²·(1 + 1e-6)",
                    quantity="fitted contraction factor of f − f* per step (slowest run)", unit="per step",
                    details={"fastest run's factor": float(np.min(factors)), "lr": lr, "mu": p.mu, "L": p.L,
                             "runs": s["runs"], "steps": s["steps"],
                             "window": "rel. gap in [{:g}, {:g}]".format(*setup.GD_FIT_WINDOW)})


@claim(
    id="general/usam-exact-convergence",
    statement="USAM with the GD step size converges to the exact minimizer of a strongly convex quadratic (no plateau)",
    provenance="[derived] USAM on ½xᵀHx is linear: z_j ← (1 − γλ_j(1 + ρλ_j)) z_j, a contraction when γL(1 + ρL) < 2",
    kind="limit",
    controls={"normalized SAM instead of USAM": {"algorithm": "sam"}},
    **setup.USAM_EXACT,
)
def usam_exact(s, seed):
    """Every run's final relative gap (f_T − f*)/(f_0 − f*) must be ≤ 1e-20.

    Tolerance: with γ = 1/(2L) the slowest USAM multiplier is q = 1 − γμ(1 + ρμ) ≈ 0.995, so the gap
    decays like q^{2T} ≈ 1e-26 after the quick mode's 6000 steps (the prediction is reported). A
    constant-ρ SAM run on the same problem stalls at the 2-cycle plateau, ~1e-7 relative for ρ = 0.05,
    so 1e-20 separates exact convergence from a plateau by thirteen decades while leaving six decades
    for the start's components along the slow modes. Control: normalized SAM with the same γ, ρ (it
    plateaus, so the claim must fail).
    """
    p = setup.quadratic(s["dim"], seed)
    lr, rho = 1.0 / (2 * p.L), s["rho"]
    x0 = setup.starts(seed, s["runs"], p.dim)
    alg = algorithms.sam(lr, rho) if s.get("algorithm", "usam") == "sam" else algorithms.usam(lr, rho)
    res = run(p, alg, x0, s["steps"], name="usam-exact", seed=seed)
    q = float(usam_contraction(lr, rho, p.eigenvalues))
    worst = float(np.max(res.f_gap[-1] / res.f_gap[0]))
    criteria = [Criterion("largest final relative gap", worst, "<=", 1e-20), not_ok_criterion(res)]
    return _verdict(criteria, measured=worst, predicted=q ** (2 * s["steps"]),
                    tolerance="relative gap ≤ 1e-20 (prediction q^{2T} shown)",
                    quantity="largest final relative gap (f(x_T) − f*)/(f(x_0) − f*) over runs",
                    details={"contraction_q": q, "lr": lr, "rho": rho, "steps": s["steps"], "runs": s["runs"],
                             "SAM plateau relative to the mean start gap":
                                 float(cycle_plateau(lr, rho, p.L) / np.mean(res.f_gap[0]))})


@claim(
    id="general/sam-period-two-cycle",
    statement="Normalized SAM with constant γ, ρ on a quadratic settles at the period-2 cycle ±c·e_top, "
              "c = γLρ/(2 − γL), f − f* = (L/2)c²",
    provenance="[derived] along e_top the SAM map is z ↦ (1 − γL)z − γLρ·sign(z), whose 2-cycle solves "
               "c(2 − γL) = γLρ; the cycle of SAM on quadratics is described by Bartlett, Long & Bousquet 2022 "
               "(abstract) [paper] and is the constant-step plateau of Si & Yun 2023 and Khanh et al. 2024 (figure, p. 5)",
    kind="plateau",
    controls={"USAM instead of SAM": {"algorithm": "usam"}},
    **setup.SAM_CYCLE,
)
def sam_cycle(s, seed):
    """Final f − f* against the closed form, relative error ≤ 1e-8 for every run and ρ.

    Tolerance: the cycle attracts with two-step factor (1 − γL)² on the top mode and the other modes
    contract at (1 − γλ₂)-type rates; on a rotated Hessian (no underflow artefact) the measured plateau
    matches to ~1e-15 after convergence, so 1e-8 leaves room for the slowest mode's remainder in the
    quick mode while still failing any wrong amplitude (a wrong factor of 2 in c is an error of 300%).
    Control: USAM with the same γ, ρ (it converges to x*: relative error 1).
    """
    p = setup.quadratic(s["dim"], seed)
    rhos = np.repeat(np.asarray(s["rho"], dtype=float), s["runs"])
    x0 = setup.starts(seed, rhos.size, p.dim)
    alg = algorithms.usam(s["lr"], rhos) if s.get("algorithm", "sam") == "usam" else algorithms.sam(s["lr"], rhos)
    res = run(p, alg, x0, s["steps"], name="sam-cycle", seed=seed)
    predicted = cycle_plateau(s["lr"], rhos, p.L)
    rel = np.abs(res.f_gap[-1] - predicted) / predicted
    rows = []
    for i, r in enumerate(s["rho"]):
        sel = slice(i * s["runs"], (i + 1) * s["runs"])
        rows.append({"rho": float(r), "plateau (L/2)c²": float(predicted[sel][0]),
                     "mean measured f − f*": float(np.mean(res.f_gap[-1][sel])),
                     "max relative error": float(np.max(rel[sel]))})
    worst = float(np.max(rel))
    criteria = [Criterion("max relative error of the plateau", worst, "<=", 1e-8), not_ok_criterion(res)]
    return _verdict(criteria, measured=worst, predicted=0.0, tolerance="relative error of every run's plateau ≤ 1e-8",
                    quantity="max relative error of the plateau f(x_T) − f* against (L/2)c², over runs and ρ",
                    details={"per_rho": rows, "L": p.L, "lr": s["lr"], "runs per rho": s["runs"], "steps": s["steps"]})


# ============================================================================ worst cases

@claim(
    id="general/divergence-at-its-step",
    statement="GD with γL > 2 diverges geometrically on a quadratic, |x_k| = |1 − γL|^k|x_0|, and samlab reports "
              "the run 'diverged' at the first step whose iterate leaves every bound (|x| > 10¹⁰⁰, or NaN), keeping "
              "its last finite iterate",
    provenance="GD on ½Lx² multiplies x by 1 − γL per step, so |1 − γL| > 1 diverges (textbook) [paper]; the "
               "step and the kept iterate follow from samlab's divergence convention [derived]",
    kind="limit",
    controls={"γL = 1.5: |1 − γL| < 1, no divergence": {"lr_L": [1.5, 1.5, 1.5]}},
    quick={"lr_L": [3.0, 5.0, 9.0], "steps": 400},
    full={"lr_L": [3.0, 5.0, 9.0], "steps": 2000},
)
def divergence_at_its_step(s, seed):
    """(i) GD on f = ½x² from x0 = 1 with γL ∈ {3, 5, 9}: x_k = (1 − γL)^k = (−2)^k, (−4)^k, (−8)^k, exact in
    float64 (powers of two), so the first step with |x_k| > 10¹⁰⁰ is known exactly: the least k with
    2^{bk} > 10¹⁰⁰ (b = 1, 2, 3: 333, 167, 111); the run must be "diverged" at that step, keeping x_{k−1}: inside
    the bound, with (1 − γL)x_{k−1} outside it (a start moved by an ulp moves neither).
    (ii) GD with γ = 2 on f = x² + √x from x0 = 1: x1 = 1 − 2(2 + ½) = −4, where ∇f is NaN (√ of a negative), so
    x2 is NaN: the run must be "diverged" at step 2 keeping x1 = −4 (to 1e-12: one rounding of the start moves it
    by ulps; no checkpoint before step 10, so only the step's own screen can see it). The steps are exact
    integers. Control: γL = 1.5, which
    converges, so no run diverges at the predicted step.
    """
    from ..problems import Quadratic, from_expression

    lr_L = np.asarray(s["lr_L"], dtype=float)
    steps = int(s["steps"])
    res = run(Quadratic([[1.0]]), algorithms.gd(lr_L), np.ones((lr_L.size, 1)), steps, checkpoints=[steps],
              name="divergence-at-its-step", seed=seed)
    rows, criteria = [], []
    for j, g in enumerate(lr_L):
        base = abs(1.0 - g)
        b = int(round(np.log2(base))) if base > 1 else 0
        k_star = next(k for k in range(1, 10_000) if 2 ** (b * k) > 10 ** 100) if b > 0 else None
        kept = float(res.x[j, 0])  # the last finite iterate: inside the bound, its successor outside
        last_before = bool(abs(kept) <= 1e100 < abs((1.0 - g) * kept))
        rows.append({"lr_L": float(g), "status": str(res.status[j]), "diverged_at": int(res.diverged_at[j]),
                     "predicted_step": k_star, "kept_iterate": kept})
        criteria += [Criterion(f"γL = {g:g}: status", str(res.status[j]), "==", "diverged"),
                     Criterion(f"γL = {g:g}: step at which it is reported", int(res.diverged_at[j]), "==",
                               k_star if k_star is not None else -1),
                     Criterion(f"γL = {g:g}: kept iterate is the last inside the bound", last_before, "==", True)]
    nan_case = run(from_expression("x**2 + sqrt(x)"), algorithms.gd(2.0), [[1.0]], 10, checkpoints=[10],
                   name="divergence-at-its-step-nan", seed=seed)
    kept = float(nan_case.x[0, 0])
    criteria += [Criterion("NaN iterate: status", str(nan_case.status[0]), "==", "diverged"),
                 Criterion("NaN iterate: step at which it is reported", int(nan_case.diverged_at[0]), "==", 2),
                 Criterion("NaN iterate: kept iterate x1 ≈ −4, finite, where ∇f is NaN",
                           bool(np.isfinite(kept) and abs(kept + 4.0) <= 1e-12), "==", True)]
    rows.append({"lr_L": "γ = 2 on x² + √x", "status": str(nan_case.status[0]),
                 "diverged_at": int(nan_case.diverged_at[0]), "predicted_step": 2, "kept_iterate": kept})
    first = rows[0]
    return _verdict(criteria, measured=first["diverged_at"], predicted=first["predicted_step"],
                    tolerance="exact: status, step and kept iterate",
                    details={"cases": rows, "divergence_threshold": 1e100},
                    quantity="step at which GD with γL = 3 is reported diverged", unit="steps")


def worst_case_verdict(*, bound_claim: str, cases, searches, medians, pep: dict | None, budget: int,
                       family: str, instance: str, stochastic: bool, tolerance: float = setup.FLOAT_TOLERANCE,
                       pep_exact_limit: float | None = None, details: dict | None = None,
                       findings: list[str] | None = None) -> Verdict:
    """The verdict of a worst-case claim from its searches (one per case), the medians over random
    members, and the PEP summary (:func:`samlab.setups.general.pep_ratios`, or None when no PEP applies).

    Deterministic: passes when the worst measured/bound found is ≤ 1 + ``tolerance``. Stochastic (Monte
    Carlo means): passes when no search's confidence interval lies above 1 + ``tolerance`` (its lower
    end ≤ 1 + tolerance); the mean is the headline. An exact PEP (``pep_exact_limit`` given) must also
    stay ≤ that limit (the bound is then checked over the whole class at those N). ``details`` gets the
    schema keys bound_claim, worst_ratio, pep_ratio, pep_exact, relaxation, family, budget, instance,
    broken, and a row per search.
    """
    rows = []
    for case, found, med in zip(cases, searches, medians):
        row = {"search": case.label, "worst ratio": found.worst_ratio, "at t": int(found.t), "compared": case.at,
               **{k: float(v) for k, v in found.hypers.items()}, "median of random members": med,
               "evaluations": int(found.evaluations)}
        if found.ci is not None:
            row.update({"ci low": float(found.ci[0]), "ci high": float(found.ci[1])})
        rows.append(row)
    i = int(np.argmax([f.worst_ratio for f in searches]))
    worst = float(searches[i].worst_ratio)
    limit = 1.0 + tolerance
    if stochastic:
        ci_low = max(float(f.ci[0]) for f in searches)
        broken = ci_low > limit
        criteria = [Criterion("largest lower confidence limit of measured/bound", ci_low, "<=", limit)]
        tol_text = f"no search's confidence interval of the Monte Carlo ratio lies above 1 + {tolerance:g}"
    else:
        broken = worst > limit
        criteria = [Criterion("largest measured/bound found", worst, "<=", limit)]
        tol_text = f"measured ≤ bound·(1 + {tolerance:g}) on every instance searched"
    if pep is not None and pep_exact_limit is not None:
        criteria.append(Criterion("exact PEP worst case / bound", pep["ratio"], "<=", pep_exact_limit))
        broken = broken or pep["ratio"] > pep_exact_limit
        tol_text += f"; exact PEP ≤ bound·(1 + {pep_exact_limit - 1.0:.0e})"
    found_list = list(findings or [])
    if broken:
        found_list.append(f"The bound of {bound_claim} is exceeded: the worst instance found reaches {worst:.4g} "
                          f"of it ({searches[i].metric} at t = {searches[i].t}, search {cases[i].label!r}); "
                          f"the instance is saved as {instance or 'data (full mode)'}.")
    late = [f.worst_ratio for c, f in zip(cases, searches) if c.at == "final"]
    out = {"bound_claim": bound_claim, "worst_ratio": worst,
           "pep_ratio": None if pep is None else float(pep["ratio"]),
           "pep_exact": None if pep is None else bool(pep["exact"]),
           "relaxation": "" if pep is None else pep["relaxation"], "family": family, "budget": int(budget),
           "instance": instance, "broken": bool(broken), "worst search": cases[i].label,
           "worst t": int(searches[i].t), **{f"worst {k}": float(v) for k, v in searches[i].hypers.items()},
           "worst ratio at t = T (late regime)": max(late) if late else None, "searches": rows}
    if pep is not None:
        out["pep"] = [{k: (float(v) if k != "N" else int(v)) for k, v in r.items()} for r in pep["rows"]]
    out.update(details or {})
    return Verdict(passed=all(c.passed for c in criteria), measured=worst, predicted="≤ 1", tolerance=tol_text,
                   quantity="worst measured/bound over the class (adversarial search)" +
                            (", Monte Carlo mean" if stochastic else ""),
                   criteria=criteria, details=out, findings=found_list)


def save_instance(paper: str, slug: str, claim_id: str, s: dict, default_budget: int, cases, searches) -> str:
    """Save the worst instance of the searches under figures/<paper folder>/data/ (full mode, ``s["save"]``);
    returns its path relative to the figures folder ("" when not saved)."""
    if not s.get("save", False):
        return ""
    i = int(np.argmax([f.worst_ratio for f in searches]))
    name = setup.instance_name(slug, s["budget"], default_budget)
    setup.save_worst_instance(data_dir(paper) / name, searches[i], claim=claim_id, case=cases[i].label)
    return f"{paper_folder(paper)}/data/{name}"


@claim(
    id="general/gd-linear-rate-worst-case",
    statement="No L-smooth μ-strongly convex f and no step 0 < γ < 2/L make GD exceed f(x_N) − f* ≤ "
              "max(|1 − γμ|, |1 − γL|)^{2N}(f(x_0) − f*); the bound is attained (ratio 1), so it is tight",
    provenance="Taylor, Hendrickx & Glineur 2018, exact worst-case convergence rates of gradient descent on smooth "
               "strongly convex functions [paper]; the rate of general/gd-linear-rate for γ ≤ 1/L; worst case by "
               "adversarial search and by the exact PEP of GD [derived]",
    kind="worst-case",
    controls={"a wrong strong-convexity constant: 2μ in the bound": {"bound_mu_scale": 2.0}},
    **setup.GD_WORST_CASE,
)
def gd_linear_rate_worst_case(s, seed):
    """Adversarial search (differential evolution over the family and γL ∈ [0.01, 1.99], budget ``s["budget"]``
    instances split over three searches) on quadratics and Huber sums of the class with (μ, L) = (0.1, 10)
    from f(x_0) − f* = 1, over every t ≤ N; the exact PEP of GD at the worst γ for N in ``s["pep_steps"]``;
    the median over ``s["samples"]`` random members.

    Tolerance: measured ≤ bound·(1 + 1e-9) (samlab.setups.general.FLOAT_TOLERANCE: float rounding of the
    runs is ~1e-13), and the exact PEP ≤ bound·(1 + 1e-6) (Clarabel's accuracy, about 1e-7 relative,
    samlab.pep.GAP_TOLERANCE). Quadratics attain the bound, so the worst ratio is expected at 1 − O(search
    resolution). Control: the bound with 2μ in place of μ (a wrong constant): the slowest mode contracts by
    (1 − γμ)² per step, not (1 − 2γμ)², so every γ ≤ 2/(L + 2μ) breaks it (by (0.99/0.98)^{2N} ≈ 5 at γL = 1,
    N = 80). (The claim's own rate (1 − γμ)^{2N} used beyond its condition fails only for γL in (1.980,
    1.99), 0.5 % of the box, which a full-budget search missed: no control.)
    """
    mu, L = setup.SPECTRUM
    cases = setup.gd_worst_case_cases(s["dim"], bound_mu_scale=float(s.get("bound_mu_scale", 1.0)))
    searches = setup.run_searches(cases, steps=s["steps"], budget=s["budget"], seed=seed, progress=s.get("progress"))
    medians = [setup.sample_median(c, steps=s["steps"], n=s["samples"], seed=seed) for c in cases]
    i = int(np.argmax([f.worst_ratio for f in searches]))
    lr_L = searches[i].hypers["lr_L"]
    pep = setup.pep_ratios(algorithms.gd(lr_L / L), lambda N: float(cases[i].bound(N, lr_L)), L=L, mu=mu,
                           steps=s["pep_steps"], metric="f_gap", initial="f_gap")
    instance = save_instance("general", "gd-linear-rate", "general/gd-linear-rate-worst-case", s,
                             setup.GD_WORST_CASE["full"]["budget"], cases, searches)
    return worst_case_verdict(bound_claim="general/gd-linear-rate", cases=cases, searches=searches, medians=medians,
                              pep=pep, budget=s["budget"], instance=instance, stochastic=False,
                              family=f"L-smooth μ-strongly convex, (μ, L) = ({mu:g}, {L:g}): quadratics and Huber "
                                     f"sums, 0.01 ≤ γL ≤ 1.99, f(x_0) − f* = 1, t ≤ {s['steps']}",
                              pep_exact_limit=1.0 + 1e-6, details={"steps": s["steps"], "mu": mu, "L": L})
