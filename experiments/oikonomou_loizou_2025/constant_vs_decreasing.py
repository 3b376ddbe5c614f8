"""Ridge regression, constant vs Thm 3.5 decreasing step sizes: the decreasing run goes below the plateau at O(1/k).

Experiment (b) of Oikonomou & Loizou (2025) (RQ2): f(x) = (1/(2n))‖Ax − b‖² + (λ_reg/2)‖x‖², λ_reg = 3/n,
b = A x_true, n = d = 100, cond(A) = 10, seed 3107 (μ = 0.031, L = 0.13, L̄ = 2.209, L_max = 3.117);
single-element uniform sampling, simplified Thm 3.2 constants with A = L = L_max, B = 0; Thm 3.5:
γ_t = min{γ, (2t+1)/((t+1)²μ)}, ρ_t = min{ρ, 1/(2t+1)} (t counted from 0). 10⁶ iterations, 5 runs per
curve; constant and decreasing runs share their samples. Curves: mean relative gap over runs, band ±1 std
of the relative gap. Dotted: the switch k* ≈ 2/(μγ); dashed: a c/k reference through the decreasing
curve at 2k*. In full mode the run is the claim ``decreasing-steps``'s run (same protocol, instance,
samples and records, from samlab.setups.oikonomou_loizou_2025).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, label_axes, legend, new_figure, save_figure, set_log, style
from samlab.setups import oikonomou_loizou_2025 as setup

PAPER = "oikonomou-loizou-2025"
FIGURES = ["constant_vs_decreasing"]
CLAIMS = [f"{PAPER}/decreasing-steps", f"{PAPER}/stochastic-neighbourhood-shrinks"]
SETTINGS = {"quick": {**setup.DECREASING_STEPS["quick"], "runs": 4, "steps": 3000},
            "full": setup.DECREASING_STEPS["full"]}


def _band(ax, t, y, color, label, **kw):
    """Mean over runs with a ±1 std band, both in the plotted units (lower edge clipped at mean/10 on the log axis)."""
    m, s = y.mean(axis=1), y.std(axis=1)
    ax.fill_between(t, np.maximum(m - s, m / 10), m + s, color=color, alpha=0.2, lw=0)
    return ax.plot(t, m, color=color, lw=2.0, label=label, **kw)[0]


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    inst, steps = setup.decreasing_instance(s)
    runs, lams = s["runs"], tuple(s["lams"])
    what = ("experiment (b), n = d = 100, seed 3107" if s["instance"] == "b"
            else f"small ridge sum (n = {s['n']}, d = {s['d']}), quick mode")
    p = inst.problem
    res, _ = setup.decreasing_vs_constant(p, inst.x0, lams, runs, steps, seed=0)
    path = res.save(data_dir(PAPER, out) / "constant_vs_decreasing")

    res = Result.load(path)
    cfg = res.meta["configs"]
    ks = cfg["switch_step"] + 1.0
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    fig, axes = new_figure(ncols=3, width=15.0, height=5.0, sharey=True)
    for i, (ax, lam) in enumerate(zip(axes, lams)):
        c = slice(i * runs, (i + 1) * runs)
        d = slice((len(lams) + i) * runs, (len(lams) + i + 1) * runs)
        _band(ax, t, rel[:, c], style("sam")["color"], f"constant (γ = {cfg['lr'][i * runs]:.3g}, ρ = {cfg['rho'][i * runs]:.3g})")
        _band(ax, t, rel[:, d], style("gd")["color"], "decreasing (Thm 3.5)", linestyle="--")
        ax.axvline(ks, color="0.4", lw=1.2, linestyle=":", label=f"switch k* = {ks:.3g}")
        m = rel[:, d].mean(axis=1)
        j = int(np.searchsorted(t, 2 * ks))
        if j < t.size:
            tt = t[j:]
            add_bound(ax, tt, m[j] * t[j] / tt, label="c/k reference", color="black", linestyle=(0, (5, 3)), linewidth=1.3)
        set_log(ax, "y")
        label_axes(ax, "iterations t", r"$(f(x^t) - f^\star)/(f(x^0) - f^\star)$" if i == 0 else None, f"λ = {lam:g}")
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
        legend(ax, fontsize=9, loc="upper right")
    fig.suptitle(f"Unified SAM, constant vs decreasing steps: {what}\n"
                 f"μ = {p.mu:.3g}, L = {p.L:.3g}, L̄ = {p.L_mean:.4g}, L_max = {p.L_max:.4g}; {runs} runs, "
                 f"mean ± 1 std (lower edge clipped at mean/10); {steps:.3g} iterations", fontsize=12.5)
    return [save_figure(fig, figure_dir(PAPER, out) / "constant_vs_decreasing.png")]


if __name__ == "__main__":
    script_main(main)
