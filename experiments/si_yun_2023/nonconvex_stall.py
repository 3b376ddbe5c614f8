"""Deterministic SAM stalls at non-stationary points of the ρ-scaled cosine: |f'| = 2βρ/(3π) from every start.

Si & Yun (2023), abstract: deterministic SAM on nonconvex functions keeps an unavoidable O(ρ²) term. The
construction E4 (samlab.setups.si_yun_2023): f(x) = −(βP²/(4π²))cos(2πx/P) with period P = 4ρ/3, so
the perturbation ρ = ¾P jumps over the neighbouring maximum. From x̂ = m − ρ (m a minimum; by symmetry
also m + ρ) the probe y = x̂ ± ρ lands exactly on m, the SAM step is 0, yet |f'(x̂)| = 2βρ/(3π). Left: the landscape (β = 1,
ρ = 0.2) with starts (+) and where SAM ends (●, on the stall points x̂, dashed) and where GD ends (×,
on the minima). Middle: trajectories x_t of SAM (η = 0.5/β) from the same starts against t. Right: the
final |f'(x_T)| over many random starts in [−5, 5] (min = median = max, the markers coincide) against ρ,
for β = 1 and β = 3, with the prediction 2βρ/(3π) (dashed) and the fitted slope; GD ends at |f'| ≈ 1e-16.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, label_axes, legend, new_figure, save_figure, sequential_colors, set_log, style
from samlab.problems import scaled_cosine
from samlab.seeding import rng
from samlab.setups import si_yun_2023 as setup
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["nonconvex_stall"]
CLAIMS = [f"{PAPER}/nonconvex-stall", f"{PAPER}/nonconvex-average-grad", f"{PAPER}/det-nonconvex-bound"]
RHO_DEMO, BETA_DEMO = 0.2, 1.0
SETTINGS = {"quick": {"steps": 400, "starts": 60, "rhos": [0.05, 0.2, 0.8]},
            "full": {"steps": 5000, "starts": 1000, "rhos": [0.025, 0.05, 0.1, 0.2, 0.4, 0.8]}}


def main(quick: bool = False, out=None) -> list[Path]:
    d = data_dir(PAPER, out)
    cfg = setup.settings(SETTINGS, quick)
    T, starts, rhos = cfg["steps"], cfg["starts"], cfg["rhos"]
    paths = {}
    # demo: a few starts, every iterate near the start kept
    p = scaled_cosine(RHO_DEMO, BETA_DEMO)
    x0 = np.linspace(-0.75, 0.75, 9)[:, None] + 0.013
    ck = np.unique(np.concatenate([np.arange(0, 60), np.geomspace(60, T, 40).astype(int)]))
    res = run(p, algorithms.sam(0.5 / BETA_DEMO, RHO_DEMO), x0, T, checkpoints=ck, keep_iterates=True, name="stall-demo")
    paths["demo_sam"] = res.save(d / "nonconvex_stall_demo_sam")
    res = run(p, algorithms.gd(0.5 / BETA_DEMO), x0, T, checkpoints=ck, keep_iterates=True, name="stall-demo")
    paths["demo_gd"] = res.save(d / "nonconvex_stall_demo_gd")
    xs = setup.e4_starts(rng(0, "e4-starts"), starts)
    for beta in (1.0, 3.0):
        for rho in rhos:
            q = scaled_cosine(rho, beta)
            r = run(q, algorithms.sam(0.5 / beta, rho), xs, T, checkpoints=2, name="stall-sweep")
            r.meta["sweep"] = {"rho": rho, "beta": beta}
            paths[("sam", beta, rho)] = r.save(d / f"nonconvex_stall_sam_beta{beta:g}_rho{rho:g}")
        r = run(scaled_cosine(0.2, beta), algorithms.gd(0.5 / beta), xs, T, checkpoints=2, name="stall-sweep")
        paths[("gd", beta)] = r.save(d / f"nonconvex_stall_gd_beta{beta:g}")

    # ------------------------------------------------------------------ draw from the saved data
    fig, (ax, bx, cx) = new_figure(ncols=3, width=17.0, height=5.2)
    sam, gd = Result.load(paths["demo_sam"]), Result.load(paths["demo_gd"])
    P = 4 * RHO_DEMO / 3
    grid = np.linspace(-0.95, 0.95, 800)
    ax.plot(grid, p.value(grid[:, None]), color="0.35", linewidth=1.6, label=f"f, P = 4ρ/3 = {P:.3f}")
    mins = np.arange(-4, 5) * P
    stalls = np.concatenate([mins - RHO_DEMO, mins + RHO_DEMO])  # m ∓ ρ: the probe lands on the minimum m
    stalls = stalls[(stalls > -0.95) & (stalls < 0.95)]
    fmin = float(p.value(np.array([[0.0]]))[0])
    for i, s in enumerate(stalls):
        ax.axvline(s, color=style("sam")["color"], linestyle="--", linewidth=0.9, alpha=0.6,
                   label="stall points x̂ = m ∓ ρ" if i == 0 else None)
    colors = sequential_colors(x0.shape[0], "plasma")
    for b in range(x0.shape[0]):
        ax.plot(x0[b, 0], p.value(x0[b:b + 1])[0], marker="+", color=colors[b], markersize=12, markeredgewidth=2)
        xe = sam.x[b:b + 1]
        ax.plot(xe[0, 0], p.value(xe)[0], marker="o", color=colors[b], markersize=8, markeredgecolor="black")
        xg = gd.x[b:b + 1]
        ax.plot(xg[0, 0], p.value(xg)[0], marker="x", color=colors[b], markersize=9, markeredgewidth=2)
    ax.plot([], [], "k+", markersize=10, label="starts")
    ax.plot([], [], "o", color="0.6", markeredgecolor="black", label="SAM ends (stall)")
    ax.plot([], [], "x", color="0.3", markersize=9, label="GD ends (minima)")
    ax.set_ylim(fmin * 1.15, -fmin * 2.2)
    label_axes(ax, "x", "f(x)", f"Landscape, β = {BETA_DEMO:g}, ρ = {RHO_DEMO}: SAM stalls between min and max")
    legend(ax, fontsize=8.5, loc="upper left", ncols=2)

    t = sam.t.astype(float)
    for b in range(x0.shape[0]):
        bx.plot(np.maximum(t, 0.7), sam.iterates[:, b, 0], color=colors[b], linewidth=1.6)
    for s in stalls:
        bx.axhline(s, color=style("sam")["color"], linestyle="--", linewidth=0.9, alpha=0.6)
    for m in mins[(mins > -0.95) & (mins < 0.95)]:
        bx.axhline(m, color="0.5", linestyle=":", linewidth=0.9)
    bx.plot([], [], "--", color=style("sam")["color"], label="stall points x̂")
    bx.plot([], [], ":", color="0.5", label="minima m")
    set_log(bx, "x")
    label_axes(bx, "iteration t (log scale; t = 0 drawn at 0.7)", r"$x_t$", "SAM trajectories, η = 0.5/β")
    legend(bx, fontsize=9, loc="lower right")

    fine = np.geomspace(0.02, 1.0, 50)
    for beta, mk in ((1.0, "o"), (3.0, "s")):
        col = style("sam")["color"] if beta == 1.0 else style("n-sam")["color"]
        lo, med, hi = [], [], []
        for rho in rhos:
            r = Result.load(paths[("sam", beta, rho)])
            g = r.grad_norm[-1]
            lo.append(g.min()); med.append(np.median(g)); hi.append(g.max())
        fit = loglog_fit(np.asarray(rhos), np.asarray(med), n_boot=0)
        cx.plot(rhos, hi, linestyle="none", marker="^", color=col, markersize=7, alpha=0.8)
        cx.plot(rhos, lo, linestyle="none", marker="v", color=col, markersize=7, alpha=0.8)
        cx.plot(rhos, med, linestyle="none", marker=mk, color=col, markersize=9, markeredgecolor="white",
                label=f"SAM, β = {beta:g}: min ▼ / median / max ▲ over {starts} starts (slope {fit.slope:.3f})")
        add_bound(cx, fine, np.asarray(th.stall_grad_norm(fine, beta)), label=f"  2βρ/(3π), β = {beta:g}", color=col)
        gdr = Result.load(paths[("gd", beta)])
        cx.plot([0.2], [max(float(np.max(gdr.grad_norm[-1])), 1e-18)], marker="X", color=col, markersize=10,
                linestyle="none", label=f"  GD (ρ = 0.2 function): max |f'| over starts")
    set_log(cx, "both")
    label_axes(cx, r"perturbation radius $\rho$ (log scale)", r"final $|f'(x_T)|$ (log scale)",
               f"Stall gradient vs ρ (T = {T}, η = 0.5/β)")
    legend(cx, fontsize=8, loc="center right")
    fig.suptitle("Si & Yun (2023): deterministic SAM on the ρ-scaled cosine stops at |f'| = 2βρ/(3π) — an unavoidable Θ(ρ²) term in ‖∇f‖²",
                 fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "nonconvex_stall.png")]


if __name__ == "__main__":
    script_main(main)
