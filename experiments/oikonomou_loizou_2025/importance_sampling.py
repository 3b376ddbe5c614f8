"""Uniform vs importance sampling (p_i ∝ L_i): importance sampling is L_max/L̄ times faster; unweighted, it stalls.

Experiment (c) of Oikonomou & Loizou (2025): ridge regression with A = Q diag(1, 10, u₃ … u₁₀₀) Qᵀ,
u_j ~ U(1, 2), Q Haar, b ~ N(0, I), λ_reg = 3/n, n = d = 100, seed 3107 (μ = 0.04, L = 1.03, L̄ = 3.302,
L_max = 8.414). Single-element sampling with the older Thm 3.2 formula (ρ = ρ_max/2, γ = γ_max), L = L_max,
B = 0 and A = L_max (uniform) or A = L̄ (importance), as in the authors' saved figures. Three samplers:
uniform; importance reweighted by 1/(np_i) (unbiased: theory-faithful); importance unweighted (the official
code: biased, figure-faithful). 3·10⁵ iterations, 5 runs; mean relative gap over runs, band ±1 std of the
relative gap. Dotted: the unweighted variant's derived floor f(x_p) − f*, x_p = argmin Σ p_i f_i. The
speed-up in the titles is the claim's statistic; in full mode the run is the claim ``importance-speedup``'s
run (same protocol, samples and records, from samlab.setups.oikonomou_loizou_2025).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_level, label_axes, legend, new_figure, save_figure, set_log, style
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.setups.oikonomou_loizou_2025 import IMPORTANCE_LABELS
from samlab.theory.oikonomou_loizou_2025 import biased_minimizer_gap

PAPER = "oikonomou-loizou-2025"
FIGURES = ["importance_sampling"]
CLAIMS = [f"{PAPER}/importance-speedup", f"{PAPER}/er-constants"]
SETTINGS = {"quick": {**setup.IMPORTANCE_SPEEDUP["quick"], "runs": 4, "steps": 2000, "window": None},
            "full": setup.IMPORTANCE_SPEEDUP["full"]}
STYLES = (("sam", "-"), ("gd", "--"), ("vasso", "-."))


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    runs, lams = s["runs"], tuple(s["lams"])
    what = ("experiment (c), n = d = 100, seed 3107" if s["instance"] == "c"
            else f"small ridge sum (n = {s['n']}, d = {s['d']}), quick mode")
    res, _, inst = setup.importance_run(s, seed=0)
    p = inst.problem
    res.meta["unweighted_floor"] = biased_minimizer_gap(p)
    path = res.save(data_dir(PAPER, out) / "importance_sampling")

    res = Result.load(path)
    cfg = res.meta["configs"]
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    fig, axes = new_figure(ncols=2, width=13.0, height=5.4, sharey=True)
    target = cfg["L_max"] / cfg["L_mean"]
    for i, (ax, lam) in enumerate(zip(axes, lams)):
        means = []
        for k, (label, (name, ls)) in enumerate(zip(IMPORTANCE_LABELS, STYLES)):
            c = slice((k * len(lams) + i) * runs, (k * len(lams) + i + 1) * runs)
            m, sd = rel[:, c].mean(axis=1), rel[:, c].std(axis=1)
            means.append(m)
            color = style(name)["color"]
            ax.fill_between(t, np.maximum(m - sd, m / 10), m + sd, color=color, alpha=0.2, lw=0)
            j = k * len(lams) * runs + i * runs
            ax.plot(t, m, color=color, linestyle=ls, lw=2.0, label=f"{label}: γ = {cfg['lr'][j]:.3g}, ρ = {cfg['rho'][j]:.3g}")
        sp, _, _ = setup.speedup_median(t, means[0], means[1])
        add_level(ax, res.meta["unweighted_floor"] / res.f_gap[0, 0], label="unweighted floor f(x_p) − f*",
                  color=style("vasso")["color"], linestyle=":", linewidth=1.4)
        set_log(ax, "y")
        label_axes(ax, "iterations t", r"$(f(x^t) - f^\star)/(f(x^0) - f^\star)$" if i == 0 else None,
                   f"λ = {lam:g}: measured speed-up ×{sp:.2f} (L_max/L̄ = {target:.2f})")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
        legend(ax, fontsize=9, loc="lower left")
    fig.suptitle(f"Unified SAM, uniform vs importance sampling (older Thm 3.2 steps, L = L_max): {what}\n"
                 f"μ = {p.mu:.3g}, L = {p.L:.3g}, L̄ = {p.L_mean:.4g}, L_max = {p.L_max:.4g}; {runs} runs, mean ± 1 std "
                 f"(lower edge clipped at mean/10)\nspeed-up = median ratio of iterations needed to reach the same gap",
                 fontsize=12)
    return [save_figure(fig, figure_dir(PAPER, out) / "importance_sampling.png")]


if __name__ == "__main__":
    script_main(main)
