"""Uniform vs importance sampling (p_i ∝ L_i): importance is L_max/L̄ times faster; unweighted, it settles at its biased floor.

Experiment (c) of Oikonomou & Loizou (2025): ridge regression with A = Q diag(1, 10, u₃ … u₁₀₀) Qᵀ, u_j ~ U(1, 2),
Q Haar, b ~ N(0, I), λ_reg = 3/n, n = d = 100, seed 3107 (μ = 0.04, L = 1.03, L̄ = 3.302, L_max = 8.414).
Single-element sampling with the older Thm 3.2 formula (ρ = ρ_max/2, γ = γ_max), L = L_max, and (A, B) from
``er_constants`` of the uniform (A = L_max) or importance (A = L̄) sampler, as in the authors' saved figures.
Three samplers: uniform; importance reweighted by 1/(np_i) (unbiased: theory-faithful); importance unweighted
(the official code: biased, figure-faithful). 3·10⁵ iterations, 5 runs; mean relative gap over runs, band ±1 std.
Dotted: where each importance variant settles for small γ, f(x̄) − f* at the zero x̄ of its mean field
(``theory.sampled_stationary_point``: for the unweighted variant the pull towards x_p = argmin Σ p_i f_i plus
SAM's own bias; the plain f(x_p) − f*, grey, omits SAM's bias and lies below the unweighted run at λ = 1). The
speed-up in each title is the claim ``importance-speedup``'s statistic (median ratio of iterations to reach the
same gap), computed by the same function on the same run (the same call, shared through the run cache).
Takeaway: the reweighted sampler keeps the L_max/L̄ speed-up down to its own floor; the unweighted one is as fast
at first, then stalls at its biased floor.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import label_axes, new_figure, save_figure, set_log, style
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.setups.oikonomou_loizou_2025 import IMPORTANCE_LABELS
from samlab.theory.oikonomou_loizou_2025 import biased_minimizer_gap

PAPER = "oikonomou-loizou-2025"
FIGURES = ["importance_sampling"]
CLAIMS = [f"{PAPER}/importance-speedup", f"{PAPER}/importance-through-the-draws", f"{PAPER}/er-constants"]
REPRODUCES = "the experiment (c) figure of the official code's notebook (dimitris-oik/unifiedsam, numpy_exps)"
SETTINGS = setup.IMPORTANCE_SPEEDUP
STYLES = (("sam", "-"), ("gd", "--"), ("vasso", "-."))


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    runs, lams = s["runs"], list(s["lams"])
    what = ("experiment (c), n = d = 100, seed 3107" if s["instance"] == "c"
            else f"small ridge sum (n = {s['n']}, d = {s['d']})")
    res, _, inst = setup.importance_run(s, seed=0)  # the claim's call
    p = inst.problem
    path = res.save(data_dir(PAPER, out) / "importance_sampling")

    res = Result.load(path)
    cfg = res.meta["configs"]
    stats = setup.importance_statistics(res, cfg, p, lams, runs)  # the claim's statistics
    f0 = float(res.f_gap[0, 0])
    xp_floor = biased_minimizer_gap(p) / f0
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    target = p.L_max / p.L_mean
    fig, axes = new_figure(ncols=2, width=7.0, height=3.9, sharey=True)
    for ax, st in zip(axes, stats):
        for k, (label, (name, ls)) in enumerate(zip(IMPORTANCE_LABELS, STYLES)):
            c = st["cols"][k]
            m, sd = rel[:, c].mean(axis=1), rel[:, c].std(axis=1)
            color = style(name)["color"]
            ax.fill_between(t, np.maximum(m - sd, m / 10), m + sd, color=color, alpha=0.2, lw=0)
            ax.plot(t, m, color=color, linestyle=ls, lw=1.4, label=label)
        for k in (1, 2):
            ax.axhline(st["floors"][k], color=style(STYLES[k][0])["color"], linestyle=":", lw=1.2,
                       label=f"floor f(x̄) − f* of the {('', 'reweighted', 'unweighted')[k]} mean field")
        ax.axhline(xp_floor, color="0.5", linestyle=":", lw=1.0, label="f(x_p) − f*, x_p = argmin Σ p_i f_i")
        set_log(ax, "y")
        label_axes(ax, "iterations t", r"$(f(x^t) - f^\star)/(f(x^0) - f^\star)$" if ax is axes[0] else None,
                   f"λ = {st['lam']:g}: speed-up ×{st['speedup']:.3f}\n(L_max/L̄ = {target:.3f})")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7)
    fig.suptitle(f"Unified SAM, uniform vs importance sampling: {what}\n"
                 f"older Thm 3.2 steps, L = L_max; μ = {p.mu:.3g}, L = {p.L:.3g}, L̄ = {p.L_mean:.4g}, "
                 f"L_max = {p.L_max:.4g}; {runs} runs, mean ± 1 std", fontsize=8.5)
    return [save_figure(fig, figure_dir(PAPER, out) / "importance_sampling.png", quick=quick, add_legends=False)]


if __name__ == "__main__":
    script_main(main)
