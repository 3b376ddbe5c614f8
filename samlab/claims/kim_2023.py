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
* Stochastic: ∇ℓ_B = ∇ℓ + ξ, ξ ~ N(0, |H|/B) (the paper's C ≈ (1/B)[H]⁺, model B: σ ∝ 1/√B); the
  same ξ at both calls (``same_sample=True``) unless stated. SDE time t = steps·η.

Statistics: Monte Carlo means carry their standard error (scipy.stats.sem); orderings of escape
times use the Mann–Whitney U test (scipy.stats.mannwhitneyu) with censored runs (no escape within
the horizon) ranked last, which is exact for ranks.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .. import algorithms, problems
from .. import noise as noises
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
from ..theory.linearization import attraction_threshold, sam_objective_rates
from ..theory.quadratic_cycle import cycle_amplitude
from .base import Verdict, claim

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
    quick={"dim": 4, "per_index": 6, "steps": 600, "rtol": 1e-3, "x2y2_steps": 4000},
    full={"dim": 6, "per_index": 24, "steps": 2000, "rtol": 1e-3, "x2y2_steps": 20000},
)
def usam_attraction_threshold(s, seed):
    """Batched bisection of the USAM escape/attraction boundary in ρ on random saddles.

    Instances: ``per_index`` random spectra in dimension ``dim`` for every index k = 1 … dim−1
    (|λ| log-uniform in [0.5, 2], random rotation; the negative eigenvalue nearest 0 is ≥ 1.25× away
    from the others so that the binding direction is unambiguous). Every bisection iteration is ONE
    batched ``samlab.run`` of USAM over all instances: step η_b = 1/max_j |λ_j(1 + ρ_bλ_j)| (all
    multipliers in [0, 2]), a random unit start, T = ``steps`` steps; "attracted" iff
    ‖x_T‖ < ‖x_{T/2}‖ (or ‖x_T‖ underflowed to 0). Bracket [0, 4/min_j|λ_j|], checked at both ends (ρ = 0 is GD: all must escape).

    Tolerance 1e-3 on ρ̂·min|λ₋|: bisection stops at relative width 1e-3, so the midpoint is within
    5e-4 of a correctly bracketed boundary. Decisions are exact except within a relative distance δ
    where the binding multiplier 1 − η|λ₋|δ changes log‖x‖ over T/2 steps by less than the remainder
    of the other (contracting) directions; the details report that margin at δ = 5e-4
    (``decision_margin``: ≥ 7e-3 in log vs a remainder below 1e-4), so the remaining 5e-4 of the
    tolerance is never used. Also x² − y² (the official demo's saddle, start and η = 0.01) with USAM
    at ρ = 0.45 / 0.5 / 0.55, i.e. ±10 % around its threshold ρ|λ₋| = 1: log|y_T/y_0| must be > 0 /
    = 0 exactly (the multiplier is exactly 1) / < 0, and GD must escape.
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
        res = run(fam, algorithms.usam(lr, rho), x0, T, checkpoints=[T // 2, T], keep_iterates=True,
                  name="usam-threshold", seed=seed)
        nrm = np.linalg.norm(res.iterates, axis=-1)
        return ((nrm[-1] < nrm[1]) | (nrm[-1] == 0.0)) & res.ok  # == 0: contracted below underflow

    lo0 = np.zeros(n)
    hi0 = 4.0 / np.min(np.abs(eig), axis=1)
    gd_escapes = ~attracted(lo0)
    hi_attracts = attracted(hi0)
    lo, hi, iters = setup.bisect_batched(attracted, lo0, hi0, rtol=s["rtol"])
    rho_hat = 0.5 * (lo + hi)
    ratio = rho_hat * m_min
    err = np.abs(ratio - 1.0)
    # decision margin at δ = 5e-4 below the boundary: log-growth of the binding direction over T/2 steps
    rho_m = (1 - 5e-4) / m_min
    lr_m = 1.0 / np.abs(eig * (1.0 + rho_m[:, None] * eig)).max(axis=1)
    margin = float(np.min(lr_m * m_min * 5e-4 * (T // 2)))
    predicted = np.asarray(attraction_threshold(spectra))

    # x² − y² at ρ = 0.45, 0.5 (the threshold), 0.55
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    rhos = np.array([0.0, 0.45, 0.5, 0.55])
    r2 = run(p2, algorithms.usam(setup.SADDLE_LR, rhos), list(setup.X2Y2_START), int(s["x2y2_steps"]), checkpoints=2,
             name="usam-x2y2", seed=seed)
    y_t = np.abs(r2.x[:, 1])
    logratio = np.log(y_t / 0.01)
    x2y2_ok = bool((r2.status[0] == "diverged" or logratio[0] > 0) and logratio[1] > 0
                   and r2.x[2, 1] == -0.01 and logratio[3] < 0)
    per_index = {f"index {k}": float(np.max(err[index == k])) for k in range(1, d)}
    passed = bool(np.all(gd_escapes) and np.all(hi_attracts) and np.max(err) <= 1e-3 and x2y2_ok)
    return Verdict(
        passed=passed, measured=float(ratio[np.argmax(err)]), predicted=1.0,
        tolerance="max over instances |ρ̂·min|λ₋| − 1| ≤ 1e-3 (bisection width 1e-3); GD escapes on all",
        details={"instances": n, "dim": d, "bisection_iterations": iters, "max_abs_error": float(np.max(err)),
                 "median_abs_error": float(np.median(err)), "max_error_by_index": per_index,
                 "theory_threshold_matches_1_over_min_neg": bool(np.allclose(predicted * m_min, 1.0)),
                 "gd_escapes_all": bool(np.all(gd_escapes)), "upper_bracket_attracts_all": bool(np.all(hi_attracts)),
                 "decision_margin": margin, "steps": T,
                 "x2y2": {"rho": rhos.tolist(), "status": r2.status.tolist(),
                          "log_abs_y_ratio": logratio.tolist(), "y_T_rho_0.5": float(r2.x[2, 1]),
                          "steps": int(s["x2y2_steps"]), "passed": x2y2_ok}})


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
    quick={"dim": 4, "instances": 16, "steps": 400, "rtol": 1e-3},
    full={"dim": 6, "instances": 96, "steps": 1500, "rtol": 1e-3},
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
        res = run(fam, algorithms.usam(lr, rhos), x0, T, checkpoints=[T // 2, T], keep_iterates=True,
                  name="usam-step-limit", seed=seed)
        nrm = np.linalg.norm(res.iterates, axis=-1)
        return ~res.ok | (nrm[-1] > nrm[1])

    L_eff = np.max(np.abs(spectra) * (1 + rhos[:, None] * np.abs(spectra)), axis=1)
    lo0, hi0 = 1.0 / L_eff, 20.0 / L_eff
    ends_ok = bool(np.all(~diverging(lo0)) and np.all(diverging(hi0)))
    lo, hi, iters = setup.bisect_batched(diverging, lo0, hi0, rtol=s["rtol"], geometric=True)
    eta_hat = np.sqrt(lo * hi)
    eta_star = np.asarray(K.usam_discrete_step_limit(rhos, spectra))
    rel = np.abs(eta_hat / eta_star - 1.0)
    # x² − y² itself (2-D), ρ = 1: η* = 1/3
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    r2 = run(p2, algorithms.usam(np.array([0.30, 0.34]), 1.0), list(setup.X2Y2_START), 2000, checkpoints=[1000, 2000],
             keep_iterates=True, name="usam-x2y2-limit", seed=seed)
    n2 = np.linalg.norm(r2.iterates, axis=-1)
    example_ok = bool(r2.ok[0] and n2[-1, 0] < n2[1, 0] and (not r2.ok[1] or n2[-1, 1] > n2[1, 1]))
    passed = ends_ok and bool(np.max(rel) <= 1e-3) and example_ok
    return Verdict(
        passed=passed, measured=float(eta_hat[-1]), predicted=float(eta_star[-1]),
        tolerance="max over instances |η̂/η* − 1| ≤ 1e-3 (bisection width); headline: the x² − y², ρ = 1 instance",
        details={"instances": n, "bisection_iterations": iters, "max_rel_error": float(np.max(rel)),
                 "median_rel_error": float(np.median(rel)), "bracket_ends_ok": ends_ok,
                 "x2y2_eta_0.30_converges": bool(r2.ok[0] and n2[-1, 0] < n2[1, 0]),
                 "x2y2_eta_0.34_diverges": bool(not r2.ok[1] or n2[-1, 1] > n2[1, 1]),
                 "x2y2_final_0.34": r2.x[1].tolist()})


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
           "spectra": [[2.0, -2.0], [1.0, -1.0], [3.0, -1.0], [4.0, -1.0]], "rate_steps": 1500},
    full={"steps": 500, "grid_steps": 4000, "rhos": [0.02, 0.05, 0.1, 0.2, 0.3, 0.7, 1.0, 2.0],
          "spectra": [[2.0, -2.0], [1.0, -1.0], [3.0, -1.0], [4.0, -1.0], [1.5, -1.2], [2.5, -1.0]],
          "rate_steps": 4000},
)
def sam_saddle_two_cycle(s, seed):
    """The official x² − y² demo, a ρ sweep, and the contraction rate of y on other saddles.

    (a) The official demo's settings (in float64): 500 steps; SAM must end with |y_T| < 1e-6,
    ||x_T| − a₊| ≤ 1e-5 and x_T·x_{T−1} < 0 (period 2); GD with |y_T| > 100. Tolerance 1e-5 (0.2 % of
    a₊): the cycle attracts with two-step factor (1 − ηλ₊)² = 0.96, so the distance to it at T = 500
    is ~1e-9; the official float32 demo is not reproducible below ~1e-7. The demo itself runs no
    zero_grad between its two backward passes, so it steps along ∇f(w) + ∇f(w^p), whose orbit is
    2ηρ/(2 − 4η) = 0.0051020 [official code]; this claim checks pure SAM (0.0050505), as the Beale
    runs of the same code do.
    (b) ρ sweep (``grid_steps``): ρ = 0.05 and below escape (|y_T| > 1), ρ ≥ 0.1 are trapped with
    ||x_T|/a₊(ρ) − 1| ≤ 1e-3 (relative, since a₊ ∝ ρ) and |y_T| < 1e-6. The USAM threshold would be
    ρ = 0.5: normalized SAM has no such threshold (Theorem 1's condition is for the unnormalized
    perturbation).
    (c) Other saddles ½(λ₊x² + λ₋y²) (one batched run over a :class:`samlab.problems.SaddleFamily`), ρ = 0.5: the
    fitted per-step factor of |y_t| over the trapped phase (|x_t| within 1 % of a₊, 1e-200 < |y_t|)
    must equal |m₋| within 1e-3 relative; the measured agreement is ~1e-9, the tolerance only guards
    against the window picking up the approach phase.
    """
    lr, rho, start = setup.SADDLE_LR, setup.X2Y2_RHO, list(setup.X2Y2_START)
    lam_plus = max(setup.X2Y2_EIGENVALUES)
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    T = int(s["steps"])
    r = run(p2, algorithms.sam(lr, rho), start, T, checkpoints=[T - 1, T], keep_iterates=True,
            name="sam-x2y2", seed=seed)
    g = run(p2, algorithms.gd(lr), start, T, checkpoints=2, name="gd-x2y2", seed=seed)
    a = float(cycle_amplitude(lr, rho, lam_plus))
    x_T, y_T = r.x[0]
    official_ok = bool(abs(y_T) < 1e-6 and abs(abs(x_T) - a) <= 1e-5
                       and r.iterates[-1, 0, 0] * r.iterates[-2, 0, 0] < 0 and abs(g.x[0, 1]) > 100)

    rhos = np.asarray(s["rhos"], dtype=float)
    Tg = int(s["grid_steps"])
    rg = run(p2, algorithms.sam(lr, rhos), start, Tg, checkpoints=2, name="sam-x2y2-rho", seed=seed)
    amp = np.asarray(cycle_amplitude(lr, rhos, lam_plus))
    escaped = np.abs(rg.x[:, 1]) > 1
    trapped = (np.abs(rg.x[:, 1]) < 1e-6) & (np.abs(np.abs(rg.x[:, 0]) / amp - 1) <= 1e-3)
    expect_trap = rhos >= 0.1
    sweep_ok = bool(np.all(trapped[expect_trap]) and np.all(escaped[~expect_trap]))

    spec = np.asarray(s["spectra"], dtype=float)  # rows (λ₊, λ₋)
    fam = problems.SaddleFamily.from_spectra(spec[:, ::-1])  # ascending: coordinate 0 is λ₋ (y), 1 is λ₊ (x)
    Tr = int(s["rate_steps"])
    rr = run(fam, algorithms.sam(lr, 0.5), [-0.01, -3.0], Tr, runs=fam.runs, checkpoints=np.arange(Tr + 1),
             keep_iterates=True, name="sam-saddle-rate", seed=seed)
    m_pred = np.abs(np.asarray(K.sam_saddle_cycle_multiplier(lr, spec[:, 0], spec[:, 1])))
    amps = np.asarray(cycle_amplitude(lr, 0.5, spec[:, 0]))
    q_fit, rate_err = [], []
    for b in range(fam.runs):
        y = np.abs(rr.iterates[:, b, 0])
        x = np.abs(rr.iterates[:, b, 1])
        mask = (np.abs(x / amps[b] - 1) < 1e-2) & (y > 1e-200) & (y < 1e-2)
        mask[: Tr // 10] = False
        if mask.sum() < 10 or m_pred[b] >= 1:
            q_fit.append(float("nan"))
            rate_err.append(float("inf"))
            continue
        fit = contraction_fit(rr.t[mask], y[mask], n_boot=0)
        q_fit.append(fit.factor)
        rate_err.append(abs(fit.factor / m_pred[b] - 1))
    rate_ok = bool(np.all(np.asarray(rate_err) <= 1e-3))
    passed = official_ok and sweep_ok and rate_ok
    return Verdict(
        passed=passed, measured=float(abs(x_T)), predicted=a,
        tolerance="official protocol: ||x_T| − a₊| ≤ 1e-5, |y_T| < 1e-6, period 2, GD |y_T| > 100; sweep and rates "
                  "within 1e-3 relative",
        details={"official": {"x_T": float(x_T), "y_T": float(y_T), "gd_y_T": float(g.x[0, 1]), "passed": official_ok},
                 "sweep": {"rho": rhos.tolist(), "x_T": rg.x[:, 0].tolist(), "y_T": rg.x[:, 1].tolist(),
                           "amplitude": amp.tolist(), "trapped": trapped.tolist(), "escaped": escaped.tolist(),
                           "steps": Tg, "passed": sweep_ok},
                 "rates": {"spectra": spec.tolist(), "multiplier_pred": m_pred.tolist(), "factor_fit": q_fit,
                           "rel_error": rate_err, "passed": rate_ok},
                 "n_zero_grad": int(r.n_zero_grad.sum())})


# ============================================================================= Beale
BEALE = setup.OFFICIAL_BEALE


def _beale_official_steps(lr, max_steps, seed):
    """Run GD as the official code does and return its stopping step (rule) and the Result."""
    p = problems.beale()
    res = run(p, algorithms.gd(lr), list(BEALE["start"]), max_steps, checkpoints=np.arange(max_steps + 1),
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
    quick=setup.BEALE_TRAP["quick"],
    full=setup.BEALE_TRAP["full"],
)
def beale_saddle_trap(s, seed):
    """GD and SAM (ρ = 0.1, 0.5, 1.0) on Beale as one batched run (ρ = 0 is GD bit for bit).

    Full mode reproduces the official protocol: GD runs up to 100,000 steps and stops by the code's
    rules (:func:`samlab.setups.kim_2023.official_gd_stop`); rule (b) fires at 87,683 steps (asserted
    to ±5 steps: the distance crosses 0.55 with a margin of 8e-7 against a per-step change of 5e-6);
    all runs then use that many steps. Quick mode uses η = 1e-4 (the step size a secondary summary
    reports for the paper's figure) for 4,000 steps (SAM ρ = 0.5 reaches the saddle after ~280
    steps, ρ = 1 after ~75).

    Tolerance. Trapped (ρ ∈ {0.5, 1}): max over the last half of the run of ‖x_t − (0, 1)‖ ≤ 20a, a =
    ηρλ₊/(2 − ηλ₊) the 2-cycle amplitude (λ₊ = 27.75), and |f_T − 14.203125| < 1e-3. The Beale orbit is
    not a clean 2-cycle (Case III oscillation); its excursions measured 8a at both step sizes, so 20a
    leaves a factor 2.5 and is still ≥ 50× below the distance of any escaped run. Full mode also
    requires ‖x_T − (0, 1)‖ < 1e-3 (measured 2e-4 and 4e-4 for ρ = 0.5 and 1: the orbit's size at
    η = 1.25e-5). Not trapped (GD, ρ = 0.1): ‖x_T − (0, 1)‖ > 1,
    f_T < 0.1·14.2 and ‖x_T − (3, 0.5)‖ < ‖x_{T/2} − (3, 0.5)‖ (still heading to the minimum); full mode
    also GD f_T < 0.1 (GD stops in the valley at f = 0.083, before the 0.15-ball of rule (a)).
    """
    lr = float(s["lr"])
    info = {}
    if s["official_steps"]:
        steps, rule, _ = _beale_official_steps(lr, int(s["max_steps"]), seed)
        info = {"official_stop_step": steps, "stop_rule": rule,
                "expected_stop_step": setup.OFFICIAL_BEALE["gd_stop_step"]}
    else:
        steps = int(s["steps"])
    p = problems.beale()
    rhos = np.array([0.0] + list(BEALE["rhos"]))
    ck = np.arange(steps // 2, steps + 1)
    res = run(p, algorithms.sam(lr, rhos), list(BEALE["start"]), steps, checkpoints=ck, keep_iterates=True,
              name="beale-trap", seed=seed)
    sad = K.beale_saddle()
    d_sad = np.linalg.norm(res.iterates - sad["point"], axis=-1)  # (K, 4), K[0] = x_0
    d_min = res.dist  # to (3, 0.5)
    lam_p = float(sad["eigenvalues"][-1])
    amp = np.asarray(cycle_amplitude(lr, rhos, lam_p))  # 0 for GD
    half = slice(1, None)  # checkpoints from T/2 on
    max_half = d_sad[half].max(axis=0)
    f_T = res.f[-1]
    trapped = (max_half <= 20 * amp) & (np.abs(f_T - sad["value"]) < 1e-3)
    free = (d_sad[-1] > 1) & (f_T < 0.1 * sad["value"]) & (d_min[-1] < d_min[1])
    ok = bool(trapped[2] and trapped[3] and free[0] and free[1])
    if s["official_steps"]:
        ok = ok and abs(steps - setup.OFFICIAL_BEALE["gd_stop_step"]) <= 5 and bool(np.all(d_sad[-1, 2:] < 1e-3)) and f_T[0] < 0.1
    return Verdict(
        passed=ok, measured=float(d_sad[-1, 2]), predicted=0.0,
        tolerance="ρ ∈ {0.5, 1}: max_{t ≥ T/2} ‖x_t − (0,1)‖ ≤ 20·ηρλ₊/(2 − ηλ₊) and |f − 14.203125| < 1e-3; "
                  "GD and ρ = 0.1: > 1 away, f < 1.42, approaching (3, 0.5)",
        details={**info, "lr": lr, "steps": steps, "rho": rhos.tolist(), "x_T": res.x.tolist(),
                 "f_T": f_T.tolist(), "dist_saddle_T": d_sad[-1].tolist(),
                 "max_dist_saddle_last_half": max_half.tolist(), "cycle_amplitude": amp.tolist(),
                 "ratio_max_to_amplitude": np.where(amp > 0, max_half / np.where(amp > 0, amp, 1.0), np.nan).tolist(),
                 "dist_min_T": d_min[-1].tolist(),
                 "trapped": trapped.tolist(), "heading_to_minimum": free.tolist(),
                 "n_zero_grad": res.n_zero_grad.tolist()})


@claim(
    id="kim-2023/beale-case-iii",
    statement="Case III signature of the trapped Beale run (SAM ρ = 0.5): once at the saddle, cos(∇f(x_t), ∇f(y_t)) "
              "fills [−1, 1] in every 5000-step window, and the perturbed point y_t = x_t + ρ∇f/‖∇f‖ jumps across "
              "the line x = 0 to the other side at (almost) every step, at |y_x| ≈ ρ",
    provenance=f"{P}, the Case III picture (the iterate oscillates across the saddle's stable manifold; "
               "exact statement unverified) and the gradient-cosine and w^p figures, whose settings are read from "
               "Harry24k/sam-saddle [official code]; per-window and per-step criteria [derived]",
    kind="limit",
    quick={"lr": setup.OFFICIAL_BEALE["lr"], "steps": 7500, "window": 5000},
    full={"lr": setup.OFFICIAL_BEALE["lr"], "steps": setup.OFFICIAL_BEALE["gd_stop_step"], "window": 5000},
)
def beale_case_iii(s, seed):
    """SAM ρ = 0.5 on Beale (official lr 1.25e-5, start (1, 2)), every step observed.

    t₀ = first step with ‖x_t − (0, 1)‖ < 1e-2 (≈ 2,237). Tolerances: over each full 5000-step
    window after t₀: min cos < −0.99 and max cos > 0.99 ("fills [−1, 1]", as the official cosine
    figure shows it; measured extremes ≤ −0.993 and ≥ 0.998 in all 17 full-mode windows). Over
    [t₀, T]: the sign of (y_t)_x alternates between consecutive steps in ≥ 85 % of the steps (measured
    0.936 overall and 0.917–0.948 in each of the 17 full-mode windows; a perturbed point on a random
    side would give 0.5; alternation at every step is too strong: short stretches without
    alternation occur when the iterate slides along the unstable direction)
    and |(y_t)_x| ≥ 0.9ρ in ≥ 90 % of the steps (measured 0.97: y_t sits near (±ρ, 1)). Quick mode
    decides the same at the same lr on the first window.

    Finding: the per-window extremes depend on rounding. With Beale's gradient compiled as one
    common-subexpression-shared function (same maths, different rounding) the full run's second
    window (steps 7,238–12,237) reaches only min cos = −0.976, so the "every window" criterion
    fails there while the other 16 windows reach ≤ −0.998 and the alternation stays 0.938. The claim
    keeps the criterion and reports the failure rather than loosening it: "fills [−1, 1] in
    every window" is not a property robust to rounding of this chaotic orbit.
    """
    lr, T, W = float(s["lr"]), int(s["steps"]), int(s["window"])
    W0 = setup.WP_PLOT_START
    p = problems.beale()
    res = run(p, algorithms.sam(lr, setup.BEALE_CASE_III_RHO), list(BEALE["start"]), T, checkpoints=np.arange(T + 1),
              observe=setup.BEALE_OBSERVE, keep_iterates=True, name="beale-case-iii", seed=seed)
    sad = K.beale_saddle()
    cos = res.observed["cos"][:, 0]  # row k−1 ↔ step k
    yx, yy = res.observed["yx"][:, 0], res.observed["yy"][:, 0]
    reached = setup.first_step_within(res.iterates[:, 0, :], sad["point"], setup.SADDLE_REACHED)
    t0 = T if reached is None else max(reached, 1)
    wins = []
    for start in range(t0, T - W + 1, W):
        c = cos[start - 1:start - 1 + W]
        wins.append((start, float(c.min()), float(c.max())))
    sx = np.sign(yx[t0 - 1:])
    alternation = float(np.mean(sx[1:] * sx[:-1] < 0)) if sx.size > 1 else 0.0
    near_rho = float(np.mean(np.abs(yx[t0 - 1:]) >= 0.45)) if sx.size else 0.0
    fills = bool(wins) and all(lo < -0.99 and hi > 0.99 for _, lo, hi in wins)
    passed = fills and alternation >= 0.85 and near_rho >= 0.9
    return Verdict(
        passed=passed, measured=alternation, predicted=1.0,
        tolerance="every 5000-step window after t₀: min cos < −0.99, max cos > 0.99; alternation of sign((y_t)_x) "
                  "≥ 0.85 and |(y_t)_x| ≥ 0.9ρ in ≥ 90 % of steps",
        details={"t0": t0, "windows": [{"start": a, "min_cos": b, "max_cos": c} for a, b, c in wins],
                 "mean_cos_after_t0": float(np.mean(cos[t0 - 1:])), "alternation_fraction": alternation,
                 "fraction_abs_yx_ge_0.9rho": near_rho,
                 f"y_8_steps_from_{W0}": np.column_stack([yx[W0 - 1:W0 + 7], yy[W0 - 1:W0 + 7]]).tolist()
                 if T >= W0 + 7 else None,
                 "lr": lr, "steps": T})


# ============================================================================= Theorem 2
@claim(
    id="kim-2023/theorem2-diffusion",
    statement="Theorem 2: started at a saddle, the model SDE dw = −∇ℓ_SAM dt + √(ηC) dW has per-direction variance "
              "σ_j²(t) = η|λ_j|/(2Bλ_j(1+ρλ_j)²)·[1 − exp(−2λ_j(1+ρλ_j)²t)] (growing exponentially along λ_j < 0)",
    provenance=f"{P}, Theorem 2 (exact statement unverified) [derived: the closed form re-derived with sympy from "
               "the model SDE and checked against its Euler–Maruyama simulation]",
    kind="plateau",
    quick={"paths": 40000, "t": 2.0, "cases": [[[1.0, -1.0], 0.2, 8, 0.01], [[1.0, -1.0], 0.5, 64, 0.01]]},
    full={"paths": 100000, "t": 2.0,
          "cases": [[[1.0, -1.0], 0.2, 8, 0.01], [[1.0, -1.0], 0.5, 64, 0.01],
                    [[2.0, 0.5, -0.5, -1.5], 0.3, 16, 0.005], [[1.0, -3.0], 0.1, 32, 0.0025]]},
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
    """
    t, N = float(s["t"]), int(s["paths"])
    rows, ok = [], True
    for i, (eig, rho, B, lr) in enumerate(s["cases"]):
        eig = np.asarray(eig, dtype=float)
        T = int(round(t / lr))
        prob, noise = setup.model_sde_problem(eig, rho, B, seed=rng(seed, "model-sde-rotation", i))
        res = run(prob, algorithms.gd(lr), np.zeros(eig.size), T, runs=N, noise=noise, seed=seed,
                  checkpoints=[T], name=f"theorem2-{i}")
        w, V = np.linalg.eigh(prob.H)  # eigenvalues a_j = λ_j(1+ρλ_j)² (ascending); map back to λ_j
        for lam in eig:
            a_j = float(sam_objective_rates(rho, lam))
            col = int(np.argmin(np.abs(w - a_j)))
            mc = mc_mean((res.x @ V[:, col]) ** 2)
            closed = float(sam_diffusion_variance(t, lam, lr, rho, B))
            em = float(model_sde_em_variance(lam, lr, rho, B, T)[-1])
            rel, bias = mc.mean / closed - 1, em / closed - 1
            z_em = (mc.mean - em) / mc.sem
            ok &= abs(rel) <= 0.03 and abs(rel) <= abs(bias) + 3 * mc.sem / closed and abs(z_em) <= 4
            rows.append({"lambda": float(lam), "rho": rho, "B": B, "lr": lr, "steps": T, "msd": mc.mean, "sem": mc.sem,
                         "sigma2_closed_form": closed, "em_exact": em, "rel_error": rel, "em_bias": bias,
                         "z_vs_em": z_em})
    worst = max(rows, key=lambda r: abs(r["rel_error"]))
    return Verdict(
        passed=bool(ok), measured=worst["msd"], predicted=worst["sigma2_closed_form"],
        tolerance="|MSD/σ²(t) − 1| ≤ min(3 %, |EM bias| + 3 SE) per direction and |MSD − EM exact| ≤ 4 SE "
                  "(headline: worst direction)",
        details={"t": t, "paths": N, "cases": rows})


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
           "window": [0.01, 0.05]},
    full={"paths": 200000, "groups": 100, "lr": 1e-4, "steps": 500, "rhos": [0.05, 0.2, 0.5], "B": 8,
          "window": [0.01, 0.05]},
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
    """
    lr, T, N, B, G = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["B"]), int(s["groups"])
    n = N // G  # paths per run: the coordinates of an isotropic quadratic (independent 1-D paths)
    ck = np.arange(0, T + 1, max(T // 100, 1))
    noise = noises.Gaussian(math.sqrt(1.0 / B))  # |λ|/B with λ = −1
    msd = {}
    for rho in [0.0] + list(s["rhos"]):
        a = float(sam_objective_rates(rho, -1.0))
        iso = problems.IsotropicQuadratic(a, n)
        res = run(iso, algorithms.gd(lr), np.zeros(n), T, runs=G, noise=noise, seed=seed, checkpoints=ck,
                  name="corollary1")
        msd[rho] = iso.msd(res.f)  # (K, G): mean square of each group of n paths
    t = res.t * lr
    k = res.t
    em0 = np.concatenate([[0.0], model_sde_em_variance(-1.0, lr, 0.0, B, T)])[k]
    rows, ok = [], True
    lo, hi = s["window"]
    for rho in s["rhos"]:
        d = msd[0.0] - msd[rho]  # paired: the same noise draws for both
        mc = mc_mean(d[1:], axis=1)
        gap = np.concatenate([[0.0], np.atleast_1d(mc.mean)])
        sem = np.concatenate([[np.inf], np.atleast_1d(mc.sem)])
        em = em0 - np.concatenate([[0.0], model_sde_em_variance(-1.0, lr, rho, B, T)])[k]
        pos = bool(np.all(gap[t >= 0.01] > 0))
        zmax = float(np.max(np.abs(gap[1:] - em[1:]) / sem[1:]))
        fit = loglog_fit(t, gap, window=(lo, hi), n_boot=0)
        i0 = int(np.argmin(np.abs(t - lo)))
        em_factor = (k[i0] - 1) / k[i0]
        full_t2 = float(diffusion_gap_series(t[i0], -1.0, lr, rho, B, order=2))
        cor1 = float(corollary1_gap(t[i0], -1.0, lr, rho, B))
        meas = gap[i0] / em_factor
        closer = abs(meas / full_t2 - 1) < abs(meas / cor1 - 1) or rho < 0.2
        em_fit = loglog_fit(t[1:], em[1:], window=(lo, hi), n_boot=0)
        ok &= pos and abs(fit.slope - 2) <= 0.1 and zmax <= 4 and closer
        rows.append({"rho": rho, "gap_positive": pos, "slope": fit.slope, "slope_ci": fit.slope_ci,
                     "exact_model_local_slope": em_fit.slope,
                     "max_z_vs_em": zmax, "t_coef": float(t[i0]), "gap": float(gap[i0]), "sem": float(sem[i0]),
                     "corollary1": cor1, "full_t2_term": full_t2,
                     "coefficient_ratio_measured_over_corollary1": float(meas / cor1),
                     "predicted_ratio_1_plus_rho_lambda_over_2": 1 - rho / 2})
    head = rows[-1]
    return Verdict(
        passed=bool(ok), measured=head["slope"], predicted=2.0,
        tolerance="gap > 0; log-log slope over t ∈ window = 2 ± 0.1; |gap − EM gap| ≤ 4 SE; coefficient closer to "
                  "the full t² term than to the transcribed Corollary 1 (ρ ≥ 0.2)",
        details={"lambda": -1.0, "B": B, "lr": lr, "paths": N, "window": [lo, hi], "cases": rows,
                 "discrepancy": "Corollary 1 as transcribed keeps only the ρ-linear part of the t² coefficient; the "
                                "exact coefficient is (η|λ|/B)(2ρλ² + ρ²λ³), i.e. ×(1 + ρλ/2) (0.75 at ρ = 0.5, λ = −1)"})


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
           "escape_runs": 200, "escape_steps": 3000, "radius": setup.ESCAPE_RADIUS},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "B": [8, 64], "rhos": [0.2, 0.5],
          "escape_runs": 2000, "escape_steps": 5000, "radius": setup.ESCAPE_RADIUS},
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
    only (1) and (4) are asserted for it.
    """
    lr, T, N = float(s["lr"]), int(s["steps"]), int(s["paths"])
    p, v, C = setup.stochastic_saddle(seed)
    variants = {"sgd": lambda r: algorithms.gd(lr),
                "usam_same": lambda r: algorithms.usam(lr, r),
                "usam_indep": lambda r: algorithms.usam(lr, r, same_sample=False),
                "sam_same": lambda r: algorithms.sam(lr, r)}
    msd = {}
    for B in s["B"]:
        noise = noises.MinibatchNoise(C, float(B))
        for name, make in variants.items():
            for rho in ([0.0] if name == "sgd" else s["rhos"]):
                res = run(p, make(rho), np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                          name=f"msd-{name}-{rho}-{B}")
                msd[(name, rho, B)] = _msd(res, v)

    def below(a, b):  # a < b by ≥ 3 combined SE
        return (b.mean - a.mean) >= 3 * math.hypot(a.sem, b.sem)

    Bref = 64 if 64 in s["B"] else s["B"][-1]
    sgd = msd[("sgd", 0.0, Bref)]
    c1 = all(below(msd[(n, r, Bref)], sgd) for n in variants if n != "sgd" for r in s["rhos"])
    r_lo, r_hi = min(s["rhos"]), max(s["rhos"])
    c2 = all(below(msd[(n, r_hi, Bref)], msd[(n, r_lo, Bref)]) for n in ("usam_same", "usam_indep"))
    ratios = {}
    for B in s["B"]:
        a, b = msd[("usam_same", r_lo, B)], msd[("sgd", 0.0, B)]
        ratio = a.mean / b.mean
        se = ratio * math.hypot(a.sem / a.mean, b.sem / b.mean)
        ratios[B] = (ratio, se)
    (ra, sa), (rb, sb) = ratios[s["B"][0]], ratios[s["B"][-1]]
    c3 = abs(ra - rb) <= 3 * math.hypot(sa, sb)
    # escape times at B = Bref
    R, Te, rad = int(s["escape_runs"]), int(s["escape_steps"]), float(s["radius"])
    noise = noises.MinibatchNoise(C, float(Bref))
    esc = {}
    for name, make in variants.items():
        for rho in ([0.0] if name == "sgd" else [r_lo]):
            st_, early, _ = setup.escape_steps(p, make(rho), rad, Te, runs=R, noise=noise, seed=seed,
                                           name=f"escape-{name}-{rho}")
            esc[(name, rho)] = (st_, int(early.sum()))
    pvals = {n: _escape_order(esc[(n, r_lo)][0], esc[("sgd", 0.0)][0], Te) for n in variants if n != "sgd"}
    c4 = all(pv < 1e-3 for pv in pvals.values())
    passed = c1 and c2 and c3 and c4
    table = {f"{n} rho={r} B={B}": {"msd": m.mean, "sem": m.sem} for (n, r, B), m in msd.items()}
    return Verdict(
        passed=passed, measured=msd[("usam_same", r_lo, Bref)].mean, predicted=f"< SGD's {sgd.mean:.4g}",
        tolerance="each ordering by ≥ 3 combined SE; USAM ratio B-independent within 3 SE; escape-time "
                  "Mann–Whitney p < 1e-3",
        details={"msd_table": table, "sgd_vs_sam": c1, "usam_monotone_in_rho": c2,
                 "usam_ratio_by_B": {str(B): {"ratio": r, "se": e} for B, (r, e) in ratios.items()},
                 "ratio_B_independent": c3,
                 "theorem2_ratio": float(sam_diffusion_variance(T * lr, -1.0, lr, r_lo, Bref)
                                         / sam_diffusion_variance(T * lr, -1.0, lr, 0.0, Bref)),
                 "escape_median": {f"{n} rho={r}": _median_escape(st_) for (n, r), (st_, _) in esc.items()},
                 "escape_fraction": {f"{n} rho={r}": float(np.mean(st_ >= 0)) for (n, r), (st_, _) in esc.items()},
                 "escape_early_triggers": {f"{n} rho={r}": e for (n, r), (_, e) in esc.items()},
                 "escape_pvalues": pvals, "escape_radius": rad, "escape_horizon": Te, "B": Bref})


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
           "escape_runs": 150, "escape_steps": 2500, "escape_B": [8, 32, 128, 512], "radius": setup.ESCAPE_RADIUS},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": [8, 16, 32, 64, 128, 256, 512],
          "escape_runs": 1000, "escape_steps": 5000, "escape_B": [8, 32, 128, 512], "radius": setup.ESCAPE_RADIUS},
)
def batch_size_scaling(s, seed):
    """MSD at t = 2 along λ₋ = −1 vs B for the model SDE, SGD and USAM; escape times vs B.

    Every (method, B) has its own noise stream. Slopes by :func:`samlab.analysis.loglog_fit` on the
    MSD means; tolerance ±0.05 on −1. With N paths each MSD has relative SE
    √(2/N)·(1 + small) ≈ 1.6 % (quick) / 0.7 % (full), so the slope's standard error over a 64×
    range of B is ≈ 0.01 / 0.004: 0.05 is ≥ 5 SE. The gap Δ_SGD − Δ_SAM (USAM-same) must have slope
    −1 ± 0.1 (a difference of two noisy means: ~2× the SE). Escape times: median escape step strictly
    increasing in B for SGD, USAM and normalized SAM (censored runs count as +∞; normalized SAM at
    B ≥ 128 never escapes within the horizon — the stochastic trap), and consecutive B ordered by a
    one-sided Mann–Whitney test at p < 1e-2 wherever both medians are finite.
    """
    lr, T, N, rho = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["rho"])
    p, v, C = setup.stochastic_saddle(seed)
    Bs = np.asarray(s["B"], dtype=float)
    out = {"sde": [], "sgd": [], "usam": []}
    for B in Bs:
        prob, noise = setup.model_sde_problem([1.0, -1.0], rho, B)
        res = run(prob, algorithms.gd(lr), np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                  name=f"bs-sde-{B}")
        out["sde"].append(mc_mean(res.x[:, 1] ** 2))
        noise = noises.MinibatchNoise(C, B)
        for name, alg in (("sgd", algorithms.gd(lr)), ("usam", algorithms.usam(lr, rho))):
            res = run(p, alg, np.zeros(2), T, runs=N, noise=noise, seed=seed, checkpoints=[T],
                      name=f"bs-{name}-{B}")
            out[name].append(_msd(res, v))
    slopes = {k: loglog_fit(Bs, np.array([m.mean for m in ms]), n_boot=0) for k, ms in out.items()}
    gap = np.array([a.mean - b.mean for a, b in zip(out["sgd"], out["usam"])])
    gap_fit = loglog_fit(Bs, gap, n_boot=0)
    c_slopes = all(abs(f.slope + 1) <= 0.05 for f in slopes.values())
    c_gap = abs(gap_fit.slope + 1) <= 0.1
    # escape times vs B (one batched run per method: batch size per run)
    R, Te, rad = int(s["escape_runs"]), int(s["escape_steps"]), float(s["radius"])
    eB = np.asarray(s["escape_B"], dtype=float)
    bb = np.repeat(eB, R)
    noise = noises.MinibatchNoise(C, bb)
    med, mono, pv = {}, {}, {}
    for name, alg in (("sgd", algorithms.gd(lr)), ("usam", algorithms.usam(lr, rho)), ("sam", algorithms.sam(lr, rho))):
        st_, _, _ = setup.escape_steps(p, alg, rad, Te, runs=bb.size, noise=noise, seed=seed, name=f"bs-escape-{name}")
        groups = [st_[bb == B] for B in eB]
        m = [_median_escape(g) for g in groups]
        med[name] = m
        ps = []
        for a, b, ma, mb in zip(groups[1:], groups[:-1], m[1:], m[:-1]):
            ps.append(_escape_order(a, b, Te) if np.isfinite(ma) and np.isfinite(mb) else 0.0)
        pv[name] = ps
        good = []
        for i in range(len(m) - 1):
            a_, b_ = m[i], m[i + 1]  # medians at B_i < B_{i+1}
            if np.isfinite(a_) and np.isfinite(b_):
                good.append(b_ > a_ and ps[i] < 1e-2)
            elif np.isfinite(a_):
                good.append(True)  # escapes at B_i, (mostly) never at B_{i+1}
            else:
                good.append(name == "sam" and not np.isfinite(b_))  # the trap persists at larger B
        mono[name] = all(good)
    c_escape = all(mono.values())
    passed = c_slopes and c_gap and c_escape
    return Verdict(
        passed=passed, measured=slopes["usam"].slope, predicted=-1.0,
        tolerance="MSD-vs-B slopes −1 ± 0.05 (SDE, SGD, USAM); gap slope −1 ± 0.1; median escape step increasing in B",
        details={"B": Bs.tolist(), "slopes": {k: {"slope": f.slope, "ci": f.slope_ci} for k, f in slopes.items()},
                 "msd": {k: [m.mean for m in ms] for k, ms in out.items()},
                 "gap_sgd_minus_usam": gap.tolist(), "gap_slope": gap_fit.slope,
                 "ratio_usam_over_sgd": [a.mean / b.mean for a, b in zip(out["usam"], out["sgd"])],
                 "batch_reading": "the absolute gap shrinks ∝ 1/B and the ratio is B-independent: a larger batch does "
                                  "not widen the gap (Theorem 2: B divides both variances)",
                 "escape_B": eB.tolist(), "escape_median": med, "escape_pvalues_consecutive": pv,
                 "escape_monotone": mono})


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
           "escape_runs": 200, "escape_steps": 5000, "radius": setup.ESCAPE_RADIUS, "det_steps": 2000, "det_gammas": [0.0, 0.9, 0.95, 0.99],
           "beale": False},
    full={"paths": 40000, "steps": 200, "lr": setup.SADDLE_LR, "rho": 0.2, "B": 64, "gammas": [0.0, 0.3, 0.5, 0.7, 0.9],
          "escape_runs": 2000, "escape_steps": 5000, "radius": setup.ESCAPE_RADIUS, "det_steps": 2000,
          "det_gammas": [0.0, 0.5, 0.9, 0.95, 0.99], "beale": True},
)
def momentum_helps_escape(s, seed):
    """Heavy ball (PyTorch semantics, buffer starts at the first gradient) on the saddle λ = (1, −1).

    Tolerances. (1) MSD of stochastic USAM-same (B = 64, ρ = 0.2, t = 2) strictly increasing over
    ``gammas`` by ≥ 3 combined SE (measured 1.4e-3 → 6e-2 → 4e5 for γ = 0, 0.5, 0.9); Theorem 3 as transcribed is
    also increasing (both C₂ readings; reported).
    (2) Escape times (exact first passage of |v₋ᵀx| ≥ ``radius``): for SGD, USAM and SAM the median
    decreases strictly with γ and consecutive γ are ordered by one-sided Mann–Whitney p < 1e-3. The
    horizon (``escape_steps`` = 5,000 in both modes) must exceed SAM's median at γ = 0.5, measured at
    2,600–3,050 steps over seeds 0–7 (200 runs each); at 3,000 steps that median is censored about
    half of the time and two censored medians cannot be ordered. SAM's median at γ = 0 is censored
    (most runs stay trapped), which orders it last.
    (3) Deterministic normalized SAM on x² − y² from (−3, −0.01), ρ = 0.5, η = 0.01, ``det_steps``
    steps: γ ≤ 0.95 stays trapped, ‖x_T‖ < 0.05 (measured ≤ 0.019: the heavy-ball orbit around the
    saddle; the start is 3 away), γ = 0.99 escapes (|y_T| > 1, or the run leaves every bound).
    Full mode adds a Beale run: lr 1e-4, γ = 0.9, ρ = 0.5 escapes the saddle and ends near the
    minimum (f < 0.01 after 37,931 steps, the step at which GD reaches the 0.15-ball at lr 1e-4;
    measured 2.7e-3).
    """
    lr, T, N, rho, B = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["rho"]), float(s["B"])
    p, v, C = setup.stochastic_saddle(seed)
    noise = noises.MinibatchNoise(C, B)
    gms = np.asarray(s["gammas"], dtype=float)
    msd = []
    for gm in gms:
        res = run(p, algorithms.usam(lr, rho, momentum=gm), np.zeros(2), T, runs=N, noise=noise, seed=seed,
                  checkpoints=[T], name=f"mom-msd-{gm}")
        msd.append(_msd(res, v))
    c1 = all((b.mean - a.mean) >= 3 * math.hypot(a.sem, b.sem) for a, b in zip(msd[:-1], msd[1:]))
    formula = {r: [float(momentum_diffusion_as_transcribed(T * lr, -1.0, lr, rho, B, g, c2_reading=r)) for g in gms]
               for r in ("eta/t", "t/eta")}
    formula_increasing = all(np.all(np.diff(f) > 0) for f in formula.values())
    # escape times vs γ: one batched run per method (momentum per run)
    R, Te, rad = int(s["escape_runs"]), int(s["escape_steps"]), float(s["radius"])
    egm = np.array(sorted({0.0, 0.5, 0.9} | set(s["gammas"])))
    gg = np.repeat(egm, R)
    med, pv, c2 = {}, {}, True
    for name, alg in (("sgd", algorithms.gd(lr, momentum=gg)), ("usam", algorithms.usam(lr, rho, momentum=gg)),
                      ("sam", algorithms.sam(lr, rho, momentum=gg))):
        st_, _, _ = setup.escape_steps(p, alg, rad, Te, runs=gg.size, noise=noise, seed=seed, name=f"mom-escape-{name}")
        groups = [st_[gg == g] for g in egm]
        m = [_median_escape(g) for g in groups]
        ps = [_escape_order(a, b, Te) for a, b in zip(groups[:-1], groups[1:])]
        med[name], pv[name] = m, ps
        c2 &= all(a > b for a, b in zip(m[:-1], m[1:])) and all(x < 1e-3 for x in ps)
    # deterministic x² − y²
    p2 = problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    dg = np.asarray(s["det_gammas"], dtype=float)
    rd = run(p2, algorithms.sam(setup.SADDLE_LR, setup.X2Y2_RHO, momentum=dg), list(setup.X2Y2_START),
             int(s["det_steps"]), checkpoints=2,
             name="mom-x2y2", seed=seed)
    nx = row_norms(rd.x)
    trapped = rd.ok & (nx < 0.05)
    escaped = (np.abs(rd.x[:, 1]) > 1) | ~rd.ok
    c3 = bool(np.all(trapped[dg <= 0.95]) and np.all(escaped[dg >= 0.99]))
    beale = None
    if s["beale"]:
        rb = run(problems.beale(), algorithms.sam(1e-4, 0.5, momentum=0.9), list(BEALE["start"]), 37931,
                 checkpoints=2, name="mom-beale", seed=seed)
        beale = {"x_T": rb.x[0].tolist(), "f_T": float(rb.f[-1, 0])}
        c3 = c3 and rb.f[-1, 0] < 0.01
    passed = c1 and c2 and c3 and formula_increasing
    return Verdict(
        passed=passed, measured=[m.mean for m in msd], predicted="increasing in γ",
        tolerance="MSD steps ≥ 3 combined SE; escape medians strictly decreasing with Mann–Whitney p < 1e-3; "
                  "x² − y²: γ ≤ 0.95 trapped, γ = 0.99 escapes",
        details={"gammas": gms.tolist(), "msd": [m.mean for m in msd], "msd_sem": [m.sem for m in msd],
                 "theorem3_as_transcribed": formula, "formula_increasing": formula_increasing,
                 "escape_gammas": egm.tolist(), "escape_median": med, "escape_pvalues": pv,
                 "x2y2": {"gammas": dg.tolist(), "final": rd.x.tolist(), "status": rd.status.tolist(),
                          "trapped": trapped.tolist(), "escaped": escaped.tolist()},
                 "beale_lr1e-4_gamma0.9": beale})


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
           "far": {"lr": 0.01, "t": 2.0, "gamma": 0.9}},
    full={"paths": 100000, "lr": 1e-3, "t": 1.0, "gammas": [0.0, 0.3, 0.5], "rho": 0.2, "B": 64,
          "far": {"lr": 0.01, "t": 2.0, "gamma": 0.9}},
)
def theorem3_as_transcribed(s, seed):
    """Simulate heavy-ball GD on the model SDE (drift λ(1+ρλ)², noise |λ|/B) along λ = −1.

    Tolerances. (1) The simulated MSD at time t matches the exact heavy-ball variance
        (:func:`samlab.theory.kim_2023.heavy_ball_model_msd`) within 4 standard errors (validation).
    (2) In the regime t(1−γ)/η ≥ 500 and η|λ|/(1−γ)² ≤ 4e-3 (the ``gammas`` at η = 1e-3, t = 1), the
        transcribed formula matches the simulated MSD within 3 % + 3 SE; its own error there is the
        O(η/(1−γ)²) effective-step error (exact ratios 1.001–1.02, reported).
    (3) Discrepancies reported: far from that regime (η = 0.01, t = 2, γ = 0.9) the formula
        overestimates by the ratio ``far_ratio`` (×4.9e3: momentum needs ~1/(1−γ) steps to build up and
        the heavy-ball growth rate is below η|a|/(1−γ)); the two C₂ readings differ by < 1e-3 relative at
        the regime points, so simulation cannot tell them apart; the η/t reading's t → 0 limit
        C₁/((1−γ)³B) is > 0 although Δ(0) = 0 (reported), while t/η gives 0 — only t/η is consistent.
    """
    lr, t, N, rho, B = float(s["lr"]), float(s["t"]), int(s["paths"]), float(s["rho"]), float(s["B"])
    steps = int(round(t / lr))
    prob, noise = setup.model_sde_problem([-1.0], rho, B)
    rows, ok = [], True
    for gm in s["gammas"]:
        res = run(prob, algorithms.gd(lr, momentum=gm), np.zeros(1), steps, runs=N, noise=noise, seed=seed,
                  checkpoints=[steps], name=f"thm3-{gm}")
        mc = mc_mean(res.x[:, 0] ** 2)
        exact = float(K.heavy_ball_model_msd(-1.0, lr, rho, B, gm, steps)[-1])
        f1 = float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, gm, c2_reading="eta/t"))
        f2 = float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, gm, c2_reading="t/eta"))
        z = (mc.mean - exact) / mc.sem
        rel = abs(f1 / mc.mean - 1)
        ok &= abs(z) <= 4 and rel <= 0.03 + 3 * mc.sem / mc.mean
        rows.append({"gamma": gm, "msd": mc.mean, "sem": mc.sem, "exact": exact, "z_vs_exact": z,
                     "formula_eta_over_t": f1, "formula_t_over_eta": f2, "rel_error_vs_sim": rel,
                     "formula_over_exact": f1 / exact, "c2_readings_rel_diff": abs(f1 / f2 - 1),
                     "regime_t(1-g)/eta": t * (1 - gm) / lr, "regime_eta|l|/(1-g)^2": lr / (1 - gm) ** 2})
    # outside the regime (same η, t): the effective-step error grows like η|λ|/(1 − γ)²
    breakdown = {f"{g:g}": float(momentum_diffusion_as_transcribed(t, -1.0, lr, rho, B, g))
                 / float(K.heavy_ball_model_msd(-1.0, lr, rho, B, g, steps)[-1]) for g in (0.7, 0.8, 0.9, 0.95)}
    far = s["far"]
    fs = int(round(far["t"] / far["lr"]))
    far_exact = float(K.heavy_ball_model_msd(-1.0, far["lr"], rho, B, far["gamma"], fs)[-1])
    far_formula = float(momentum_diffusion_as_transcribed(far["t"], -1.0, far["lr"], rho, B, far["gamma"]))
    res = run(prob, algorithms.gd(far["lr"], momentum=far["gamma"]), np.zeros(1), fs, runs=min(N, 20000), noise=noise,
              seed=seed, checkpoints=[fs], name="thm3-far")
    far_sim = mc_mean(res.x[:, 0] ** 2)
    g0 = float(s["gammas"][-1])
    tiny = 1e-9
    lim_eta_t = float(momentum_diffusion_as_transcribed(tiny, -1.0, lr, rho, B, g0, c2_reading="eta/t"))
    lim_t_eta = float(momentum_diffusion_as_transcribed(tiny, -1.0, lr, rho, B, g0, c2_reading="t/eta"))
    c1_limit = lr * lr / 2 / ((1 - g0) ** 3 * B)
    head = max(rows, key=lambda r: r["rel_error_vs_sim"])
    return Verdict(
        passed=bool(ok), measured=head["msd"], predicted=head["formula_eta_over_t"],
        tolerance="simulation vs exact heavy-ball variance ≤ 4 SE; formula vs simulation ≤ 3 % + 3 SE in the "
                  "effective-step regime (headline: worst γ)",
        details={"t": t, "lr": lr, "rho": rho, "B": B, "paths": N, "rows": rows,
                 "formula_over_exact_outside_regime": breakdown,
                 "far": {**far, "simulated": far_sim.mean, "sem": far_sim.sem, "exact": far_exact,
                         "formula": far_formula, "far_ratio": far_formula / far_exact},
                 "t_to_0_limit": {"gamma": g0, "eta_over_t": lim_eta_t, "t_over_eta": lim_t_eta,
                                  "C1_over_(1-g)^3B": c1_limit},
                 "discrepancy": "C₂ = η/t makes Δ(t→0) = C₁/((1−γ)³B) ≠ 0; C₂ = t/η is consistent. Either way the "
                                "formula is the η → 0 effective-step limit, off by orders of magnitude at η = 0.01, γ = 0.9"})


# ============================================================================= ρ and momentum
@claim(
    id="kim-2023/larger-rho-needs-more-momentum",
    statement="A larger ρ needs a larger momentum γ for SAM to diffuse away from a saddle like SGD (Theorem 3): "
              "the γ*(ρ) with MSD_SAM(ρ, γ*) = MSD_SGD(γ = 0), bisected on real stochastic USAM runs, increases with "
              "ρ (derived effective-step value γ* ≈ ρ|λ₋|)",
    provenance=f"{P}, Theorem 3 and the CIFAR ρ × γ table (Table 1; both known from a secondary summary, unverified); "
               "bisection on real stochastic runs and the effective-step value γ* = ρ|λ₋| [derived]",
    kind="ordering",
    quick={"paths": 2000, "steps": 200, "lr": setup.SADDLE_LR, "B": 64, "rhos": [0.1, 0.4, 0.7], "rtol": 1e-2},
    full={"paths": 10000, "steps": 200, "lr": setup.SADDLE_LR, "B": 64, "rhos": [0.1, 0.2, 0.3, 0.5, 0.7], "rtol": 1e-3},
)
def larger_rho_more_momentum(s, seed):
    """Batched bisection in γ ∈ [0, 0.99] of MSD_USAM(ρ, γ) ≥ MSD_SGD(0), all ρ in one run per iteration.

    Common random numbers: every iteration uses the same seed and run name, so the noise paths are
    fixed and MSD(γ) is a smooth increasing function of γ for each ρ; SGD's target uses the same
    draws. Tolerance: γ* must increase strictly with ρ, each step by more than 3× its standard error; the SE
    of γ* is the MSD's relative SE divided by d log MSD/dγ, measured by a finite difference
    (γ* ± 0.01) in one extra batched run. The derived effective-step value γ* = ρ|λ₋| (USAM's
    update (1+ρλ)(λz + ξ) rescaled by 1/(1 − γ) equals SGD's) and Theorem 3's value (transcribed
    formula solved by brentq) are reported; the former is within 0.02 of the measurement at η = 0.01
    (its O(η|λ|/(1−γ)²) error).
    """
    lr, T, N, B = float(s["lr"]), int(s["steps"]), int(s["paths"]), float(s["B"])
    p, v, C = setup.stochastic_saddle(seed)
    noise = noises.MinibatchNoise(C, B)
    rhos = np.asarray(s["rhos"], dtype=float)
    n = rhos.size
    rr = np.repeat(rhos, N)
    target_res = run(p, algorithms.gd(lr), np.zeros(2), T, runs=rr.size, noise=noise, seed=seed, checkpoints=[T],
                     name="gamma-star")
    target = mc_mean((target_res.x @ v) ** 2)

    def msd_at(g):
        res = run(p, algorithms.usam(lr, rr, momentum=np.repeat(g, N)), np.zeros(2), T, runs=rr.size, noise=noise,
                  seed=seed, checkpoints=[T], name="gamma-star")
        z2 = ((res.x @ v) ** 2).reshape(n, N)
        return z2.mean(axis=1), z2.std(axis=1, ddof=1) / math.sqrt(N)

    lo, hi, iters = setup.bisect_batched(lambda g: msd_at(g)[0] >= target.mean, np.zeros(n), np.full(n, 0.99),
                                     rtol=s["rtol"])
    g_star = 0.5 * (lo + hi)
    m_plus, se_plus = msd_at(np.minimum(g_star + 0.01, 0.99))
    m_minus, _ = msd_at(np.maximum(g_star - 0.01, 0.0))
    dlog = (np.log(m_plus) - np.log(m_minus)) / 0.02
    se_g = (se_plus / m_plus) / dlog
    steps_ok = np.diff(g_star) > 3 * np.hypot(se_g[1:], se_g[:-1])
    eff = np.asarray(K.usam_matching_momentum(rhos, -1.0))
    thm3 = [K.theorem3_matching_momentum(T * lr, -1.0, lr, r, B) for r in rhos]
    passed = bool(np.all(steps_ok) and np.all(np.abs(g_star - eff) <= 0.02 + s["rtol"]))
    return Verdict(
        passed=passed, measured=g_star.tolist(), predicted="increasing in ρ (≈ ρ|λ₋|)",
        tolerance="consecutive γ* differences > 3 combined SE; |γ* − ρ|λ₋|| ≤ 0.02 + bisection width",
        details={"rho": rhos.tolist(), "gamma_star": g_star.tolist(), "gamma_star_se": se_g.tolist(),
                 "effective_step_prediction": eff.tolist(), "theorem3_transcribed_prediction": thm3,
                 "sgd_target_msd": target.mean, "target_sem": target.sem, "bisection_iterations": iters,
                 "paths_per_rho": N})
