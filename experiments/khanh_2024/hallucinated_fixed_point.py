"""The hallucinated fixed point of −cos x: constant ρ stalls at 2π − ρ where f' ≠ 0; ρ_k → 0 removes it.

Why Khanh et al.'s Theorem 3.3 needs ρ_k → 0 [derived]: f(x) = −cos x, nine starts x¹ ∈ (0, π).
Left: constant ρ = 4, t = 0.1 — every run converges to x̂ = 2π − ρ ≈ 2.283 with f'(x̂) = −sin ρ ≈ 0.757
(attracting with multiplier 1 − t). Middle: the same starts with ρ_k = 4/k^0.5, t_k = 0.1/k^0.6 (Σt = ∞,
Σt² < ∞, Σtρ < ∞): every run ends stationary — at the minimizer 0, or, from starts ≳ 2.3, at the
maximizer π (a stationary point: in 1-D SAM's ascent step jumps across a maximum, which then attracts).
Bottom: max over starts of |f'(x_k)| for both, with the residual 2-cycle envelope c_k = t_kρ_k/(2 − t_k):
the constant-ρ runs settle at |sin ρ| ≠ 0, the vanishing-radius runs follow the envelope down (the claim
khanh-2024/hallucinated-fixed-point checks |f'(x_k)| ≤ 3c_k over the last 100 steps). Takeaway: with a
constant radius the limit need not be stationary, which is why the nonconvex theory needs ρ_k → 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, problems, run, schedules
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_level, label_axes, new_figure, save_figure, sequential_colors
from samlab.setups import khanh_2024 as setup
from samlab.theory import khanh_2024 as T

PAPER = "khanh-2024"
FIGURES = ["hallucinated_fixed_point"]
CLAIMS = [f"{PAPER}/hallucinated-fixed-point", f"{PAPER}/convex-descent-inequality"]
REPRODUCES = None
NC = setup.NEG_COS
RHO, LR, A_EXP, P_EXP = NC["rho"], NC["lr"], NC["lr_power"], NC["rho_power"]


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.FIGURES["hallucinated_fixed_point"]["quick" if quick else "full"]
    K = s["steps"]
    starts = setup.neg_cos_starts(s["starts"])[:, None]
    p = problems.neg_cos()
    ck = np.unique(np.concatenate([[0], np.geomspace(1, K, 300).astype(int)]))
    data = data_dir(PAPER, out)
    paths = {
        "constant": run(p, algorithms.sam(LR, RHO), starts, K, checkpoints=ck, keep_iterates=True,
                        name="negcos-constant").save(data / "negcos_constant"),
        "vanishing": run(p, algorithms.sam(schedules.inverse_power(LR, A_EXP), schedules.inverse_power(RHO, P_EXP)),
                         starts, K, checkpoints=ck, keep_iterates=True, name="negcos-vanishing").save(data / "negcos_vanishing"),
    }
    res = {k: Result.load(v) for k, v in paths.items()}
    colors = sequential_colors(starts.shape[0], "viridis")
    xhat = float(T.neg_cos_hallucinated_point(RHO))
    fig, grid = new_figure(ncols=2, nrows=2, width=7.0, height=5.6)
    axes = [grid[0, 0], grid[0, 1], grid[1, 0]]
    for ax, key, title in ((axes[0], "constant", f"constant ρ = {RHO:g}, t = {LR:g}"),
                           (axes[1], "vanishing", r"$\rho_k = 4/k^{0.5}$, $t_k = 0.1/k^{0.6}$")):
        r = res[key]
        t = np.maximum(r.t, 0.8)
        for j in range(r.runs):
            ax.plot(t, r.iterates[:, j, 0], color=colors[j], lw=1.6, label=f"x¹ = {starts[j, 0]:.2f}" if key == "constant" else None)
        lab = key == "constant"
        add_level(ax, xhat, label=f"hallucinated x̂ = 2π − ρ = {xhat:.4f} (f' = {-np.sin(RHO):.3f})" if lab else None,
                  color="#d62728")
        add_level(ax, 0.0, label="minimizer 0" if lab else None, color="#1f77b4", linestyle=":")
        add_level(ax, np.pi, label="maximizer π" if lab else None, color="#7f7f7f", linestyle=":")
        ax.set_xscale("log")
        label_axes(ax, "iteration k", r"$x_k$", title)
    cx = axes[2]
    for key, color, ls in (("constant", "#d62728", "-"), ("vanishing", "#1f77b4", "-")):
        r = res[key]
        g = np.abs(np.sin(r.iterates[1:, :, 0]))
        t = r.t[1:].astype(float)
        cx.plot(t, g.max(axis=1), color=color, lw=2.0, linestyle=ls,
                label=f"max over starts of |f'(xₖ)|, {'constant ρ' if key == 'constant' else 'vanishing ρₖ'}")
    t = res["vanishing"].t[1:].astype(float)
    add_bound(cx, t, setup.neg_cos_envelope(t, LR, RHO, A_EXP, P_EXP),
              label=r"envelope $c_k = t_k\rho_k/(2 - t_k)$ (slope −1.1)")
    add_level(cx, abs(np.sin(RHO)), label=f"|sin ρ| = {abs(np.sin(RHO)):.4f}", color="#d62728")
    cx.set_xscale("log")
    cx.set_yscale("log")
    label_axes(cx, "iteration k", r"$\max_{x^1} |f'(x_k)|$", f"stationarity of the {starts.shape[0]} runs")
    lx = grid[1, 1]
    lx.axis("off")
    h0, l0 = axes[0].get_legend_handles_labels()
    h2, l2 = cx.get_legend_handles_labels()
    lx.legend(h0 + h2, l0 + l2, loc="center", fontsize=7, ncols=2 if len(h0) > 6 else 1, frameon=False)
    fig.suptitle("f(x) = −cos x: constant-ρ SAM stalls at a non-stationary point; with ρₖ → 0 every limit is stationary",
                 fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "hallucinated_fixed_point.png", add_legends=False, quick=quick)]


if __name__ == "__main__":
    script_main(main)
