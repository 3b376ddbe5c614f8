"""Deterministic SAM on a strongly convex quadratic: Θ̃(1/T²) with a T-dependent step, a plateau with a constant one.

Si & Yun (2023), abstract: deterministic SAM on smooth strongly convex functions converges at the tight
rate Θ̃(1/T²). Construction E1 (samlab.setups.si_yun_2023): f = ½xᵀdiag(μ, β)x with μ = 0.1, β = 1,
ρ = 0.1, x0 = (1, 1).
Left: f(x_T) − f* against T for SAM with the anytime schedule η_t = 2/(μ(t + 2β/μ)) (one run read at
every T), SAM with the log-tuned constant step η(T) = min(1/β, 2 ln T/(μT)) (one run per T), SAM with
a constant η = 0.05 (settles on the 2-cycle plateau (β/2)(ηβρ/(2 − ηβ))², dashed), USAM and GD with the
same constant η (linear convergence). Fitted slopes in the legend, 1/T² reference dotted.
Right: the lower-bound side — for each T the worst case over the family (a/2)x², a ∈ [μ, β],
x0 ∈ [0.5, 1], minimized over constant steps (the protocol of the claim sc-minimax-rate), with its fitted
slope.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import (add_fit, add_level, add_reference_slope, label_axes, legend, new_figure, plot_metric,
                             save_figure, set_log, style)
from samlab.setups import si_yun_2023 as setup
from samlab.theory import cycle_plateau
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["sc_rates"]
CLAIMS = [f"{PAPER}/sc-rate-t-dependent-step", f"{PAPER}/sc-minimax-rate", f"{PAPER}/sc-two-cycle",
          f"{PAPER}/controls-converge"]
MU, BETA, RHO, ETA_CONST = 0.1, 1.0, 0.1, 0.05
SETTINGS = {"quick": {"T_max": 1600, "n_T": 6, "family": {"n_a": 5, "n_x0": 4, "n_eta": 60}, "T_family": (1600, 5)},
            "full": {"T_max": 12800, "n_T": 8, "family": {"n_a": 9, "n_x0": 6, "n_eta": 100}, "T_family": (6400, 7)}}


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(SETTINGS, quick)
    T_max = cfg["T_max"]
    Ts = np.unique(np.geomspace(100, T_max, cfg["n_T"]).astype(int))
    fam = cfg["family"]
    T_fam = np.unique(np.geomspace(100, *cfg["T_family"]).astype(int))
    p = setup.e1(MU, BETA)
    x0 = np.ones(2)
    d = data_dir(PAPER, out)
    ck = np.unique(np.concatenate([np.geomspace(1, T_max, 80).astype(int), Ts]))
    runs = {
        "anytime": run(p, algorithms.sam(th.anytime_lr(MU, BETA), RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "log_tuned": run(p, algorithms.sam(np.asarray(th.log_tuned_lr(Ts, MU, BETA)), RHO), x0, T_max,
                         checkpoints=Ts, name="sc-rates"),
        "constant": run(p, algorithms.sam(ETA_CONST, RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "usam": run(p, algorithms.usam(ETA_CONST, RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "gd": run(p, algorithms.gd(ETA_CONST), x0, T_max, checkpoints=ck, name="sc-rates"),
    }
    a, xs0, eta, (A, X, E) = setup.curvature_family(MU, BETA, fam["n_a"], fam["n_x0"], fam["n_eta"])
    res_fam = setup.curvature_family_run(A, X, E, RHO, int(T_fam[-1]), T_fam, "sc-rates-family")
    res_fam.meta["family"] = {"a": a.tolist(), "x0": xs0.tolist(), "eta": eta.tolist()}
    paths = {k: r.save(d / f"sc_rates_{k}") for k, r in runs.items()}
    paths["family"] = res_fam.save(d / "sc_rates_family")

    # ------------------------------------------------------------------ draw from the saved data
    R = {k: Result.load(v) for k, v in paths.items()}
    fig, (ax, bx) = new_figure(ncols=2, width=13.0, height=5.2)
    r = R["anytime"]
    sel = r.t >= 1
    plot_metric(ax, r.t[sel], r.f_gap[sel, 0], label=r"SAM, $\eta_t = 2/(\mu(t + 2\beta/\mu))$", name="sam", band=None,
                logx=True, logy=True, markers=0)
    fa = loglog_fit(r.t[np.isin(r.t, Ts)], r.f_gap[np.isin(r.t, Ts), 0], n_boot=0)
    add_fit(ax, fa, "  fit: slope {slope:.2f}", name="sam")
    rl = R["log_tuned"]
    g_log = rl.f_gap[1:][np.arange(Ts.size), np.arange(Ts.size)]
    st = style("unified_sam")
    ax.plot(Ts, g_log, linestyle="none", marker="D", color=st["color"], markersize=7,
            label=r"SAM, constant $\eta(T) = \min(1/\beta, 2\ln T/(\mu T))$")
    fl = loglog_fit(Ts, g_log, n_boot=0)
    add_fit(ax, fl, "  fit: slope {slope:.2f}", color=st["color"])
    rc = R["constant"]
    plot_metric(ax, rc.t[rc.t >= 1], rc.f_gap[rc.t >= 1, 0], label=rf"SAM, constant $\eta = {ETA_CONST}$", name="theory",
                band=None, logx=True, logy=True, markers=0, color="#8c564b", linestyle="-")
    add_level(ax, float(cycle_plateau(ETA_CONST, RHO, BETA)), r"2-cycle plateau $\frac{\beta}{2}(\frac{\eta\beta\rho}{2-\eta\beta})^2$",
              color="#8c564b")
    for k, nm in (("usam", "usam"), ("gd", "gd")):
        rr = R[k]
        keep = (rr.t >= 1) & (rr.f_gap[:, 0] > 1e-17)
        plot_metric(ax, rr.t[keep], rr.f_gap[keep, 0], label=f"{'USAM' if k == 'usam' else 'GD'}, constant η = {ETA_CONST} (linear)",
                    name=nm, band=None, logx=True, logy=True, markers=4,
                    **({"linestyle": (0, (4, 2)), "linewidth": 2.6} if k == "usam" else {}))
    add_reference_slope(ax, -2.0, (Ts[0], Ts[-1]), anchor=(Ts[0], fa.predict(Ts[0]) * 0.15), label=r"$1/T^2$ reference",
                        linestyle=":")
    ax.set_ylim(1e-16, 3.0)
    label_axes(ax, "iterations T (log scale)", r"$f(x_T) - f^\star$ (log scale)",
               f"E1: μ = {MU}, β = {BETA}, ρ = {RHO}, x₀ = (1, 1)")
    legend(ax, fontsize=8.5, loc="lower left")

    rf = R["family"]
    fam_meta = rf.meta["family"]
    na, nx, ne = len(fam_meta["a"]), len(fam_meta["x0"]), len(fam_meta["eta"])
    best, best_eta = setup.minimax_over_family(rf.f_gap[1:], na * nx, fam_meta["eta"])
    bx.plot(T_fam, best, marker="s", color=style("sam")["color"], linewidth=2.0,
            label=r"$\min_\eta \max_{a, x_0}\ f_a(x_T) - f^\star$")
    fm = loglog_fit(T_fam, best, n_boot=0)
    add_fit(bx, fm, "  fit: slope {slope:.2f}", name="sam")
    add_reference_slope(bx, -2.0, (T_fam[0], T_fam[-1]), anchor=(T_fam[0], best[0] * 2.5), label=r"$1/T^2$ reference",
                        linestyle=":")
    ratio = best_eta * MU * T_fam / np.log(T_fam)
    fe = loglog_fit(T_fam, best_eta, n_boot=0)
    bx.plot([], [], linestyle="none", label=rf"best $\eta \propto T^{{{fe.slope:.2f}}}$;  $\eta^*\mu T/\ln T$: {ratio[0]:.2f} → {ratio[-1]:.2f}")
    set_log(bx, "both")
    label_axes(bx, "iterations T (log scale)", "minimax gap (log scale)",
               f"Lower-bound side: family (a/2)x², a ∈ [μ, β], x₀ ∈ [0.5, 1]\n{na}×{nx} members, best of {ne} constant η")
    legend(bx, fontsize=9, loc="lower left")
    fig.suptitle("Si & Yun (2023): deterministic SAM on a strongly convex quadratic — Θ̃(1/T²) needs a T-dependent step",
                 fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "sc_rates.png")]


if __name__ == "__main__":
    script_main(main)
