"""Deterministic Unified SAM on least squares: only λ = 0 (USAM) converges to the minimizer; every λ > 0 plateaus.

Experiment (a) of Oikonomou & Loizou (2025), RQ1: f(x) = ½‖Ax − b‖², b = A x_true, n = d = 100, cond(A) = 10
(L = 10, μ = 0.1), the authors' generator and seed 3107; full gradient, simplified Thm 3.2 steps with
(A, B) = (0, 1): γ = 1/(8L), ρ(λ) = min{1, 1/(2(1−λ)²)}/(4L); λ ∈ {0, 0.1, …, 1}; 10⁴ iterations recorded
every 100 (the paper's epochs). Curves: relative gap (f − f*)/(f(x⁰) − f*); dotted: the closed-form 2-cycle
plateau (L/2)c², c = γLρλ/(2 − γL(1 + ρ(1−λ)L)), of each λ > 0; dashed: the linear term (1 − γμ/2)^t of
Thm 3.2 as reconstructed. Takeaway: all curves share the linear phase; λ = 0 goes on to 4e-15, every λ > 0
stops at its closed-form plateau, higher for larger λ. In full mode the run is the claim
``deterministic-usam-exact``'s run on experiment (a) (same call, shared through the run cache).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, label_axes, legend, new_figure, save_figure, sequential_colors, set_log
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import cycle_plateau

PAPER = "oikonomou-loizou-2025"
FIGURES = ["lambda_sweep"]
CLAIMS = [f"{PAPER}/deterministic-usam-exact", f"{PAPER}/plateau-rho-lambda-squared", f"{PAPER}/thm32-linear-rate"]
REPRODUCES = "the experiment (a) figure of the official code's notebook (dimitris-oik/unifiedsam, numpy_exps)"
SETTINGS = setup.DETERMINISTIC_USAM_EXACT


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    inst = setup.instance_a()
    p = inst.problem
    res = setup.lambda_sweep(inst, s["steps"], seed=0, name="det-a")  # the claim's call
    path = res.save(data_dir(PAPER, out) / "lambda_sweep")

    res = Result.load(path)
    algo = res.meta["algorithm"]
    rho_s, lam_s, lr0 = np.asarray(algo["rho"]), np.asarray(algo["lam"]), float(np.ravel(algo["lr"])[0])
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    fig, ax = new_figure(width=7.0, height=3.6)
    colors = sequential_colors(lam_s.size, "viridis")
    for j, lam in enumerate(lam_s):
        ax.plot(t, rel[:, j], color=colors[j], lw=1.4, label=f"λ = {lam:.1f} (ρ = {rho_s[j]:.4f})",
                marker="os^vD<>ph*X"[j], markevery=(j * 2, 20), markersize=3.5, markeredgecolor="white",
                markeredgewidth=0.4)
        if lam > 0:  # the closed form over the second half, where the runs have settled
            level = cycle_plateau(lr0, rho_s[j], p.L, lam) / res.f_gap[0, j]
            ax.plot([t[-1] / 2, t[-1]], [level, level], color="black", lw=0.8, linestyle=":", zorder=4)
    ax.plot([], [], color="black", lw=0.8, linestyle=":", label="closed-form plateau (L/2)c²")
    add_bound(ax, t, (1.0 - lr0 * p.mu / 2.0) ** t, label=r"Thm 3.2 linear term $(1-\gamma\mu/2)^t$",
              color="black", linestyle="--", linewidth=1.2)
    set_log(ax, "y")
    ax.set_ylim(max(rel[rel > 0].min() / 3, 1e-17), 3)
    label_axes(ax, "iterations t", r"$(f(x^t) - f^\star)/(f(x^0) - f^\star)$",
               f"Deterministic Unified SAM, experiment (a): n = d = {p.dim},\n"
               f"L = {p.L:.3g}, μ = {p.mu:.3g}, γ = 1/(8L) = {lr0:.4g}, simplified Thm 3.2 ρ(λ)")
    legend(ax, where="right")
    return [save_figure(fig, figure_dir(PAPER, out) / "lambda_sweep.png", quick=quick)]


if __name__ == "__main__":
    script_main(main)
