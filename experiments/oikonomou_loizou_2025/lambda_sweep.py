"""Deterministic Unified SAM on least squares: only λ = 0 (USAM) converges to the minimizer; λ > 0 plateaus.

Experiment (a) of Oikonomou & Loizou (2025) (RQ1): f(x) = ½‖Ax − b‖², b = A x_true, n = d = 100,
cond(A) = 10 (L = 10, μ = 0.1), the authors' generator and seed 3107; full gradient, simplified Thm 3.2
steps with (A, B) = (0, 1): γ = 1/(8L), ρ(λ) = min{1, 1/(2(1−λ)²)}/(4L); λ ∈ {0, 0.1, …, 1}; 10⁴
iterations recorded every 100 (the paper's epochs). Dotted lines: the closed-form 2-cycle plateau
(L/2)c², c = γLρλ/(2 − γL(1 + ρ(1−λ)L)), relative to f(x⁰) − f*. In full mode the run is the claim
``deterministic-usam-exact``'s run on experiment (a) (same protocol, samlab.setups.oikonomou_loizou_2025).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_level, label_axes, legend, new_figure, save_figure, sequential_colors, set_log
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import cycle_plateau

PAPER = "oikonomou-loizou-2025"
FIGURES = ["lambda_sweep"]
CLAIMS = [f"{PAPER}/deterministic-usam-exact", f"{PAPER}/plateau-rho-lambda-squared", f"{PAPER}/thm32-linear-rate"]
SETTINGS = {"quick": {"dim": 20, "steps": 4000},
            "full": {"dim": 100, "steps": setup.DETERMINISTIC_USAM_EXACT["full"]["steps"]}}


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    dim = s["dim"]
    inst = setup.instance_a(n=dim)
    p = inst.problem
    res = setup.lambda_sweep(inst, s["steps"])
    path = res.save(data_dir(PAPER, out) / "lambda_sweep")

    res = Result.load(path)
    algo = res.meta["algorithm"]
    rho_s, lam_s, lr0 = np.asarray(algo["rho"]), np.asarray(algo["lam"]), float(np.ravel(algo["lr"])[0])
    rel = res.f_gap / res.f_gap[0]
    fig, ax = new_figure(width=8.0, height=5.6)
    colors = sequential_colors(lam_s.size, "viridis")
    for j, lam in enumerate(lam_s):
        ax.plot(res.t, rel[:, j], color=colors[j], lw=2.0, label=f"λ = {lam:.1f} (ρ = {rho_s[j]:.4f})",
                marker="os^vD<>ph*X"[j], markevery=20, markersize=5.5, markeredgecolor="white")
        if lam > 0:
            add_level(ax, cycle_plateau(lr0, rho_s[j], p.L, lam) / res.f_gap[0, j], color=colors[j], linewidth=1.0,
                      linestyle=":")
    ax.plot([], [], color="black", lw=1.0, linestyle=":", label="closed-form plateau (L/2)c²")
    # Thm 3.2 (reconstructed): E[f − f*] ≤ (1 − γN)^t (f₀ − f*) + R with N ≥ μ/2 for these steps
    add_bound(ax, res.t.astype(float), (1.0 - lr0 * p.mu / 2.0) ** res.t.astype(float),
              label=r"Thm 3.2 linear term $(1-\gamma\mu/2)^t$", color="black", linestyle="--")
    set_log(ax, "y")
    ax.set_ylim(max(rel[rel > 0].min() / 3, 1e-17), 3)
    label_axes(ax, "iterations t", r"$(f(x^t) - f^\star)/(f(x^0) - f^\star)$",
               f"Deterministic Unified SAM on least squares (experiment (a), seed 3107)\n"
               f"n = d = {dim}, L = {p.L:.3g}, μ = {p.mu:.3g}; γ = 1/(8L) = {lr0:.4g}, ρ(λ) simplified Thm 3.2")
    legend(ax, ncol=2, fontsize=9, loc="lower left")
    return [save_figure(fig, figure_dir(PAPER, out) / "lambda_sweep.png")]


if __name__ == "__main__":
    script_main(main)
