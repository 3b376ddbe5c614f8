"""Nonconvex log-loss: with ρ_k → 0 the gradients of SAM, USAM, VaSSO, RSAM and F-SAM vanish and the path is finite.

Khanh et al. (2024), Theorem 3.3, Corollary 3.5 and Theorem 4.1 on f(x) = Σ_i log(1 + (Ax − b)_i²) with
A, b ~ N(0, 1), m = n, seed 0, x¹ = 0, L = 2‖A‖² (this project's instance [derived]); schedules of Set A
(Σt = ∞, Σt² < ∞, Σtρ < ∞): t_k = (1/L)((1 + t0)/(k + t0))^0.6, ρ_k = 0.1/k^0.5 (n = 2: t0 = 0, K = 2¹⁷;
n = 20: t0 = 1000, K = 10⁵); VaSSO θ = 0.4, F-SAM σ = 1, β = 0.9, RSAM σ_k = ρ_k (4 runs, median and
10–90% band). One panel per method and size (the runs of the claim khanh-2024/nonconvex-vanishing-radius),
each with the constant-ρ control (grey, t = 1/L, ρ = 0.1: it settles near its 2-cycle value) and the
residual 2-cycle envelope a·c_k, c_k = t_k aρ_k/(2 − t_k a), a = L (dotted); the number is the final
‖∇f(x_K)‖ the claim checks. Bottom (n = 2): left, the cumulative path length Σ_{i≤k}‖x_i − x_{i−1}‖ of SAM
with Set-A radii (it levels off: finite length), with ρ_k = 0.1/k^0.3 (Set B only: Σt_kρ_k = ∞, the
length keeps growing like k^0.1 while ∇f → 0) and with constant (t, ρ) (grows like k, off the linear
axis; its total is in the legend); right, the pair
sums of step lengths on [K/2, K] with the claim's fitted slopes (95% intervals; finite length needs < −1).
Takeaway: vanishing radii give ∇f → 0 for every variant; finiteness of the path rests on Σt_kρ_k < ∞.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from samlab import Result, schedules
from samlab.result import save_npz
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import (FONT_LEGEND, FONT_TICK, add_bound, display_name, label_axes, new_figure,
                             plot_metric, save_figure, style)
from samlab.setups import khanh_2024 as setup
from samlab.setups.khanh_2024 import FIVE
from samlab.theory import khanh_2024 as T

PAPER = "khanh-2024"
FIGURES = ["nonconvex_gradients"]
CLAIMS = [f"{PAPER}/nonconvex-vanishing-radius", f"{PAPER}/constant-radius-plateau", f"{PAPER}/igd-error-bound"]
REPRODUCES = None
NC = setup.NONCONVEX
C, A_EXP, P_EXP, P_SETB = NC["C"], NC["lr_power"], NC["rho_power"], NC["setb_rho_power"]
CONTROL_COLOR = "#555555"
PATH_STYLE = (("Set A: ρₖ = 0.1/k^0.5 (Σtρ < ∞)", style("sam")["color"], "-"),
              ("Set B only: ρₖ = 0.1/k^0.3 (Σtρ = ∞)", "#b15928", "--"),
              ("constant t = 1/L, ρ = 0.1", CONTROL_COLOR, ":"))


def _reduce_paths(res: Result, steps: int) -> Result:
    """The every-step path runs kept at ~400 log-spaced records, with the cumulative path length."""
    ck = np.unique(np.concatenate([[0], np.geomspace(1, steps, 400).astype(int)]))
    idx = np.searchsorted(res.t, ck)
    path = np.concatenate([np.zeros((1, res.runs)), np.cumsum(res.observed["step"], axis=0)])
    return replace(res, t=res.t[idx], f=res.f[idx], f_gap=res.f_gap[idx], grad_norm=res.grad_norm[idx],
                   dist=None if res.dist is None else res.dist[idx], perturbation=res.perturbation[idx],
                   iterates=None, observed={"path_length": path[idx][1:]}, meta={**res.meta, "reduced_to": len(idx)})


def main(quick: bool = False, out=None) -> list[Path]:
    cases = setup.FIGURES["nonconvex_gradients"]["quick" if quick else "full"]["cases"]
    data = data_dir(PAPER, out)
    paths, stats = {}, {}
    n2, K2, _, t02 = next(c for c in cases if c[0] == 2)
    for n, K, _, t0 in cases:  # the claim's runs (the run cache computes them once)
        for m in FIVE:
            r = setup.nonconvex_method_run(n, int(K), m, t0)
            if n == 2 and m == "sam":
                stats["sam"] = setup.path_statistics(r, int(K))
            paths[(n, m)] = replace(r, iterates=None).save(data / f"nonconvex_n{n}_{m}")
        paths[(n, "control")] = setup.nonconvex_constant_run(n, int(K)).save(data / f"nonconvex_n{n}_control")
    rp = setup.nonconvex_path_runs(2, int(K2), t02)
    stats["setb"] = setup.path_statistics(rp, int(K2), col=1)
    pair_idx = np.flatnonzero((rp.t[1:-1] >= K2 // 2) & (np.diff(rp.t[1:]) == 1))[::64]
    pair_k, pair_s = rp.t[1:][pair_idx], rp.observed["step"][pair_idx] + rp.observed["step"][pair_idx + 1]
    paths["paths"] = _reduce_paths(rp, int(K2)).save(data / "nonconvex_n2_paths")
    save_npz(data / "nonconvex_n2_step_pairs.npz", k=pair_k, pair_sum=pair_s)

    res = {k: Result.load(v) for k, v in paths.items()}
    nrows = len(cases) + 1
    fig = new_figure(width=7.0, height=2.2 * len(cases) + 2.9)[0]
    fig.clear()
    subs = fig.subfigures(nrows, 1, height_ratios=[1.0] * len(cases) + [1.35])
    for sub, (n, K, tol, t0) in zip(subs, cases):
        p = setup.log_loss_instance(n, seed=0)
        axes = sub.subplots(1, len(FIVE), sharey=True, sharex=True)
        t = res[(n, "sam")].t[1:].astype(float)
        lr = setup.decay_schedule(1.0 / p.L, A_EXP, t0)
        env = np.asarray(T.sam_envelope_gradient(np.asarray(lr(t), float), C / t ** P_EXP, p.L))
        for ax, m in zip(axes, FIVE):
            plot_metric(ax, res[(n, "control")], "grad_norm", label="SAM, constant ρ", color=CONTROL_COLOR, logx=True,
                        markers=0, linestyle="-", linewidth=1.0)
            add_bound(ax, t, env, label=r"2-cycle envelope $a c_k$", linestyle=":")
            plot_metric(ax, res[(n, m)], "grad_norm", name=m, logx=True, markers=0)
            ax.text(0.05, 0.05, f"{float(res[(n, m)].grad_norm[-1].max()):.1e}", transform=ax.transAxes, fontsize=7,
                    bbox={"fc": "white", "alpha": 0.85, "ec": "0.7", "pad": 1.5})
            ax.set_title(display_name(m), fontsize=8, color=style(m)["color"])
            ax.tick_params(which="both", labelsize=FONT_TICK - 0.5)
            ax.set_xlabel("k", fontsize=8)
            ax.set_ylabel("")
        axes[0].set_ylabel(r"$\|\nabla f(x_k)\|$", fontsize=8)
        sub.suptitle(f"n = m = {n}, L = {p.L:.3g}, t0 = {t0:g}, K = {int(K)}: final ‖∇f(x_K)‖ in each panel "
                     f"(claim tolerance {tol:g})", fontsize=8.5)
    h, lab = axes[0].get_legend_handles_labels()
    subs[len(cases) - 1].legend(h[:2], ["SAM with constant t = 1/L, ρ = 0.1 (control)", lab[1]],
                                loc="outside lower center", ncols=2, fontsize=FONT_LEGEND, frameon=False)

    ax, bx = subs[-1].subplots(1, 2)
    rq = res["paths"]
    for j, (label, color, ls) in enumerate(PATH_STYLE):
        ax.plot(rq.t[1:], rq.observed["path_length"][:, j], color=color, linestyle=ls, lw=1.5,
                label=f"{label}: {rq.observed['path_length'][-1, j]:.3g}")
    ax.set_xscale("log")
    final = rq.observed["path_length"][-1, :2]
    ax.set_ylim(0.0, 1.45 * float(final.max()))  # the constant-step run leaves the axes (its total is in the legend)
    label_axes(ax, "iteration k", r"$\sum_{i\leq k}\|x_i - x_{i-1}\|$", "n = 2: cumulative path length (total at K)")
    ax.tick_params(which="both", labelsize=FONT_TICK)
    ax.legend(fontsize=FONT_LEGEND, loc="upper left", framealpha=0.9)
    rs = Result.load(paths[(2, "sam")])
    ts = rs.t[1:]
    idx = np.flatnonzero((ts[:-1] >= K2 // 2) & (np.diff(ts) == 1))
    a_top = setup.log_loss_instance(2, seed=0).L
    for key, kk, ss, (label, color, _) in (("sam", ts[idx], rs.observed["step"][idx, 0] + rs.observed["step"][idx + 1, 0],
                                            PATH_STYLE[0]),
                                           ("setb", pair_k, pair_s[:, 1], PATH_STYLE[1])):
        st = stats[key]
        bx.plot(kk, ss, "o", ms=2.2, color=color)
        fit_y = np.exp(np.log(ss).mean() + st["step_slope"] * (np.log(kk) - np.log(kk).mean()))
        bx.plot(kk, fit_y, color=color, lw=1.2,
                label=f"{label.split(':')[0]}: slope {st['step_slope']:.3f} "
                      f"[{st['step_slope_ci_low']:.3f}, {st['step_slope_ci_high']:.3f}]")
    lr2 = setup.decay_schedule(1.0 / a_top, A_EXP, t02)
    for pw, label in ((P_EXP, "2-cycle slope, Set A"), (P_SETB, "2-cycle slope, Set B")):
        pred = setup.predicted_step_slope(lr2, schedules.inverse_power(C, pw), a_top, int(K2))
        bx.plot([], [], " ", label=f"{label}: {pred:.3f}")
    bx.set_xscale("log")
    bx.set_yscale("log")
    label_axes(bx, "iteration k", r"$s_k + s_{k+1}$", "n = 2: step pairs on [K/2, K], fits (95% CI)")
    bx.tick_params(which="both", labelsize=FONT_TICK)
    lo, hi = bx.get_ylim()
    bx.set_ylim(lo, hi * 8)
    bx.legend(fontsize=FONT_LEGEND, loc="upper right", framealpha=0.9)
    return [save_figure(fig, figure_dir(PAPER, out) / "nonconvex_gradients.png", add_legends=False, quick=quick)]


if __name__ == "__main__":
    script_main(main)
