"""Three textbook facts that exercise the whole chain run → analysis → verdict.

The instance (a rotated quadratic with eigenvalues log-spaced in [0.1, 10]), its starts and the
settings come from :mod:`samlab.setups.general`, shared with the figure scripts.
"""

from __future__ import annotations

import numpy as np

from .. import algorithms
from ..engine import run
from ..setups import general as setup
from ..theory import cycle_plateau, usam_contraction
from .base import Verdict, claim


@claim(
    id="general/gd-linear-rate",
    statement="GD with step γ ≤ 1/L on a μ-strongly convex quadratic contracts f − f* at least by (1 − γμ)² per step",
    provenance="Nesterov 2004, Introductory Lectures on Convex Optimization, Thm 2.1.15 (linear rate of GD) [paper]; "
               "on a quadratic [derived]: f − f* = ½Σλ_j z_j², each z_j contracts by |1 − γλ_j| ≤ 1 − γμ",
    kind="linear rate",
    **setup.GD_LINEAR_RATE,
)
def gd_linear_rate(s, seed):
    """Fit log(f − f*) = a + k·log q over the window where f − f* ∈ [1e-25, 1e-2]·(f₀ − f*).

    Tolerance: the fitted factor must satisfy q ≤ (1 − γμ)² (1 + 1e-6). The guarantee is a worst case
    over starts and the slowest mode attains it exactly, so the fit is expected within rounding of the
    bound; 1e-6 relative covers the regression's noise on float64 gaps. The slowest run decides.
    """
    p = setup.quadratic(s["dim"], seed)
    lr = 1.0 / p.L
    x0 = setup.starts(seed, s["runs"], p.dim)
    res = run(p, algorithms.gd(lr), x0, s["steps"], checkpoints=200, name="gd-linear-rate", seed=seed)
    bound = (1 - lr * p.mu) ** 2
    factors = [fit.factor for fit in setup.gd_fits(res.t, res.f_gap)]
    worst = float(np.max(factors))
    return Verdict(passed=worst <= bound * (1 + 1e-6), measured=worst, predicted=bound,
                   tolerance="q_fit ≤ (1 − γμ)²·(1 + 1e-6)",
                   details={"factors_min": float(np.min(factors)), "lr": lr, "mu": p.mu, "L": p.L,
                            "window": "rel. gap in [{:g}, {:g}]".format(*setup.GD_FIT_WINDOW)})


@claim(
    id="general/usam-exact-convergence",
    statement="USAM with the GD step size converges to the exact minimizer of a strongly convex quadratic (no plateau)",
    provenance="[derived] USAM on ½xᵀHx is linear: z_j ← (1 − γλ_j(1 + ρλ_j)) z_j, a contraction when γL(1 + ρL) < 2",
    kind="limit",
    **setup.USAM_EXACT,
)
def usam_exact(s, seed):
    """Every run's final relative gap (f_T − f*)/(f_0 − f*) must be ≤ 1e-20.

    Tolerance: with γ = 1/(2L) the slowest USAM multiplier is q = 1 − γμ(1 + ρμ) ≈ 0.995, so the gap
    decays like q^{2T} ≈ 1e-26 after the quick mode's 6000 steps (the prediction is reported). A
    constant-ρ SAM run on the same problem stalls at the 2-cycle plateau, ~1e-7 relative for ρ = 0.05,
    so 1e-20 separates exact convergence from a plateau by thirteen decades while leaving six decades
    for the start's components along the slow modes.
    """
    p = setup.quadratic(s["dim"], seed)
    lr, rho = 1.0 / (2 * p.L), s["rho"]
    x0 = setup.starts(seed, s["runs"], p.dim)
    res = run(p, algorithms.usam(lr, rho), x0, s["steps"], name="usam-exact", seed=seed)
    q = float(usam_contraction(lr, rho, p.eigenvalues))
    worst = float(np.max(res.f_gap[-1] / res.f_gap[0]))
    return Verdict(passed=worst <= 1e-20 and bool(np.all(res.ok)), measured=worst, predicted=q ** (2 * s["steps"]),
                   tolerance="relative gap ≤ 1e-20 (prediction q^{2T} shown)",
                   details={"contraction_q": q, "lr": lr, "rho": rho, "steps": s["steps"]})


@claim(
    id="general/sam-period-two-cycle",
    statement="Normalized SAM with constant γ, ρ on a quadratic settles at the period-2 cycle ±c·e_top, "
              "c = γLρ/(2 − γL), f − f* = (L/2)c²",
    provenance="[derived] along e_top the SAM map is z ↦ (1 − γL)z − γLρ·sign(z), whose 2-cycle solves "
               "c(2 − γL) = γLρ; the cycle of SAM on quadratics is described by Bartlett, Long & Bousquet 2022 "
               "(abstract) [paper] and is the constant-step plateau of Si & Yun 2023 and Khanh et al. 2024 (figure, p. 5)",
    kind="plateau",
    **setup.SAM_CYCLE,
)
def sam_cycle(s, seed):
    """Final f − f* against the closed form, relative error ≤ 1e-8 for every run and ρ.

    Tolerance: the cycle attracts with two-step factor (1 − γL)² on the top mode and the other modes
    contract at (1 − γλ₂)-type rates; on a rotated Hessian (no underflow artefact) the measured plateau
    matches to ~1e-15 after convergence, so 1e-8 leaves room for the slowest mode's remainder in the
    quick mode while still failing any wrong amplitude (a wrong factor of 2 in c is an error of 300%).
    """
    p = setup.quadratic(s["dim"], seed)
    rhos = np.repeat(np.asarray(s["rho"], dtype=float), s["runs"])
    x0 = setup.starts(seed, rhos.size, p.dim)
    res = run(p, algorithms.sam(s["lr"], rhos), x0, s["steps"], name="sam-cycle", seed=seed)
    predicted = cycle_plateau(s["lr"], rhos, p.L)
    rel = np.abs(res.f_gap[-1] - predicted) / predicted
    largest = rhos == rhos.max()
    return Verdict(passed=bool(np.max(rel) <= 1e-8), measured=float(np.mean(res.f_gap[-1][largest])),
                   predicted=float(predicted[largest][0]),
                   tolerance="relative error of every run's plateau ≤ 1e-8 (headline: largest ρ)",
                   details={"max_relative_error": float(np.max(rel)),
                            "plateaus": {f"rho={r:g}": float(predicted[i * s['runs']]) for i, r in enumerate(s["rho"])},
                            "L": p.L, "lr": s["lr"]})
