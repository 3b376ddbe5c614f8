"""Nonconvex log-loss: with ρ_k → 0 the gradients of SAM, USAM, VaSSO, RSAM and F-SAM vanish; constant ρ plateaus.

Khanh et al. (2024), Theorem 3.3, Corollary 3.5 and Theorem 4.1 on f(x) = Σ_i log(1 + (Ax − b)_i²) with
A, b ~ N(0, 1), m = n, seed 0, x¹ = 0, L = 2‖A‖² (this project's instance [derived]). Schedules (Set A:
Σt = ∞, Σt² < ∞, Σtρ < ∞): t_k = 1/(L k^0.6), ρ_k = 0.1/k^0.5; VaSSO θ = 0.4, F-SAM σ = 1, β = 0.9, RSAM
σ_k = ρ_k (4 runs, median and 10–90% band). Control: SAM with t = 1/L, ρ = 0.1 (dashed: its 2-cycle value
L·taρ/(2 − ta)). Dotted: the residual 2-cycle envelope a·c_k, c_k = t_k aρ_k/(2 − t_k a), a = L.
Right: the step lengths ‖x_k − x_{k−1}‖ (mean between records) of SAM with Set-A radii (on the residual
2-cycle they are ≈ t_k aρ_k ∝ k^−1.1: summable, finite path length) and with ρ_k = 0.1/k^0.3 (Set B only:
Σt_kρ_k = ∞, steps ∝ k^−0.9, infinite length while ∇f → 0), and of constant-ρ SAM (constant steps).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run, schedules
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import (add_bound, add_fit, add_level, add_reference_slope, label_axes, legend, new_figure,
                             plot_metric, save_figure)
from samlab.setups import khanh_2024 as setup
from samlab.setups.khanh_2024 import FIVE, every_step, variant
from samlab.theory import khanh_2024 as T

PAPER = "khanh-2024"
FIGURES = ["nonconvex_gradients"]
CLAIMS = [f"{PAPER}/nonconvex-vanishing-radius", f"{PAPER}/constant-radius-plateau", f"{PAPER}/igd-error-bound"]
NC = setup.NONCONVEX
C, A_EXP, P_EXP, P_SETB = NC["C"], NC["lr_power"], NC["rho_power"], NC["setb_rho_power"]
CONTROL_COLOR = "#555555"


def _reduce(res: Result, ck: np.ndarray) -> Result:
    """Keep the checkpoints ``ck`` of a per-step run and record the path length Σ_{i≤k}‖x_i − x_{i−1}‖."""
    idx = np.searchsorted(res.t, ck)
    path = np.concatenate([np.zeros((1, res.runs)), np.cumsum(res.observed["step"], axis=0)])
    return replace(res, t=res.t[idx], f=res.f[idx], f_gap=res.f_gap[idx], grad_norm=res.grad_norm[idx],
                   dist=None if res.dist is None else res.dist[idx], perturbation=res.perturbation[idx],
                   iterates=None, observed={"path_length": path[idx][1:]}, meta={**res.meta, "reduced_to": len(idx)})


def _anchor(res, slope: float, K: int) -> float:
    """Where the reference line of ``slope`` ends at k = K: on the Set-A (−1.1) or Set-B (−0.9) curve."""
    key = "sam" if slope < -1 else "path_setb"
    r = res[(2, key)]
    path = r.observed["path_length"][:, 0]
    return float((path[-1] - path[-2]) / (r.t[-1] - r.t[-2]))


def main(quick: bool = False, out=None) -> list[Path]:
    cases = setup.FIGURES["nonconvex_gradients"]["quick" if quick else "full"]["cases"]
    data = data_dir(PAPER, out)
    paths = {}
    for n, K in cases:
        p = setup.log_loss_instance(n, seed=0)
        lr = setup.decay_schedule(1.0 / p.L, A_EXP)  # the claim's schedule with t0 = 0 (its full mode)
        rho = schedules.inverse_power(C, P_EXP)
        ck = np.unique(np.concatenate([[0], np.geomspace(1, K, 200).astype(int)]))
        for m in FIVE:
            runs = 4 if m == "rsam" else 1
            x0 = np.zeros((runs, n))
            if m == "sam" and n == 2:
                r = run(p, variant(m, lr, rho), x0, K, checkpoints=every_step(K),
                        observe={"step": setup.step_length},
                        name=f"nonconvex-{m}-n{n}")
                r = _reduce(r, ck)
            else:
                r = run(p, variant(m, lr, rho), x0, K, checkpoints=ck, name=f"nonconvex-{m}-n{n}")
            paths[(n, m)] = r.save(data / f"nonconvex_n{n}_{m}")
        rc = run(p, algorithms.sam(1.0 / p.L, C), np.zeros(n), K, checkpoints=ck, name=f"nonconvex-control-n{n}")
        paths[(n, "control")] = rc.save(data / f"nonconvex_n{n}_control")
        if n == 2:
            for label, r_ in (("setb", schedules.inverse_power(C, P_SETB)), ("constant", schedules.constant(C))):
                lr_ = lr if label == "setb" else 1.0 / p.L
                r = run(p, algorithms.sam(lr_, r_), np.zeros(n), K, checkpoints=every_step(K),
                        observe={"step": setup.step_length},
                        name=f"nonconvex-path-{label}-n{n}")
                paths[(n, f"path_{label}")] = _reduce(r, ck).save(data / f"nonconvex_n{n}_path_{label}")

    res = {k: Result.load(v) for k, v in paths.items()}
    ncols = len(cases) + 1
    fig, axes = new_figure(ncols=ncols, width=6.2 * ncols, height=5.4)
    for ax, (n, K) in zip(axes, cases):
        p = setup.log_loss_instance(n, seed=0)
        a = p.L
        for m in FIVE:
            plot_metric(ax, res[(n, m)], "grad_norm", name=m, logx=True, markers=5)
        plot_metric(ax, res[(n, "control")], "grad_norm", label="SAM, constant t = 1/L, ρ = 0.1",
                    color=CONTROL_COLOR, logx=True, markers=0, linestyle="-")
        add_level(ax, float(T.sam_envelope_gradient(1.0 / p.L, C, a)),
                  label=f"control 2-cycle L·taρ/(2−ta) = {float(T.sam_envelope_gradient(1.0 / p.L, C, a)):.3g}",
                  color=CONTROL_COLOR)
        t = res[(n, "sam")].t[1:].astype(float)
        env = np.asarray(T.sam_envelope_gradient(1.0 / (p.L * t ** A_EXP), C / t ** P_EXP, a))
        add_bound(ax, t, env, label=r"2-cycle envelope $a c_k$ (slope −1.1)", linestyle=":")
        rs = res[(n, "sam")]
        sel = rs.t >= K // 2
        fit = loglog_fit(rs.t[sel], rs.grad_norm[sel], n_boot=0)
        add_fit(ax, fit, label_fmt="SAM fit on [K/2, K]: slope {slope:.2f}", name="sam")
        label_axes(ax, "iteration k", r"$\|\nabla f(x_k)\|$",
                   f"log-loss n = m = {n}, L = {p.L:.3g}: " + r"$t_k = 1/(Lk^{0.6}),\ \rho_k = 0.1/k^{0.5}$")
        legend(ax, fontsize=8.5, loc="lower left")
    bx = axes[-1]
    for key, label, kw in (("sam", r"SAM, $\rho_k = 0.1/k^{0.5}$: Σtρ < ∞", {"name": "sam"}),
                           ("path_setb", r"SAM, $\rho_k = 0.1/k^{0.3}$: Σtρ = ∞, Σtρ² < ∞", {"color": "#b15928"}),
                           ("path_constant", "SAM, constant t = 1/L, ρ = 0.1", {"color": CONTROL_COLOR})):
        r = res[(2, key)]
        t = r.t[1:].astype(float)
        path = r.observed["path_length"][:, 0]
        mean_step = np.diff(path) / np.diff(t)  # mean ‖x_i − x_{i−1}‖ between consecutive records
        plot_metric(bx, t[1:], mean_step, label=label, logx=True, markers=5, **kw)
        kw.pop("name", None)
    K2 = cases[0][1]
    for slope, txt, color in ((-1.1, r"2-cycle steps $\propto k^{-1.1}$ (Set A)", "#d62728"),
                              (-0.9, r"2-cycle steps $\propto k^{-0.9}$ (Set B only)", "#b15928")):
        add_reference_slope(bx, slope, (K2 / 30, K2), anchor=(K2, _anchor(res, slope, K2)), label=txt, color=color)
    label_axes(bx, "iteration k", r"mean step length $\|x_k - x_{k-1}\|$",
               "n = 2: finite path length ⇔ steps decay faster than 1/k")
    legend(bx, fontsize=8.5, loc="lower left")
    lengths = {key: float(res[(2, key)].observed["path_length"][-1, 0]) for key in ("sam", "path_setb", "path_constant")}
    bx.text(0.98, 0.97, "total length at K:\n" + "\n".join(
        f"{lab} {lengths[k]:.3g}" for k, lab in (("sam", "Set A"), ("path_setb", "Set B"), ("path_constant", "const"))),
        transform=bx.transAxes, ha="right", va="top", fontsize=9, bbox={"fc": "white", "alpha": 0.85, "ec": "0.7"})
    fig.suptitle("Khanh et al. 2024 (Thm 3.3, Cor. 3.5, Thm 4.1): vanishing radii give ∇f(xₖ) → 0 on a nonconvex "
                 "log-loss; constant ρ does not", fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "nonconvex_gradients.png")]


if __name__ == "__main__":
    script_main(main)
