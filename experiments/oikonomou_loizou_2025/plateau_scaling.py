"""The plateau of Unified SAM scales as (ρλ)²: deterministic least squares and stochastic interpolation.

Left: experiment (a) (least squares, n = d = 100, cond(A) = 10, seed 3107; L = 10, μ = 0.1), full gradient,
γ = 0.0125, a grid of ρ and λ, 4·10⁴ iterations: final f − f* against ρλ, with the closed form
(L/2)c², c = γLρλ/(2 − γL(1 + ρ(1−λ)L)) (crosses) and the fitted log-log slope. Right: consistent least
squares (b = A x_true, no regularizer, n = 200, d = 20, C = 0), single-element uniform sampling,
γ = 1/(4L_max), ρ ∈ {½, 1, 2, 4}·ρ₀ with ρ₀ = 1/(8L_max), λ ∈ {0.25, 0.5, 1}, 16 runs, 2·10⁴ iterations:
plateau = mean of f − f* over the last 30 % of the iterations and the runs (bars: ±2 standard errors
over runs); λ = 0 converges to f* exactly (not shown on the log axis). Protocols and the plateau statistic
are those of the claims (samlab.setups.oikonomou_loizou_2025); in full mode the left panel is the run of
``plateau-rho-lambda-squared``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from samlab import Result
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_fit, add_reference_slope, label_axes, legend, new_figure, save_figure, sequential_colors, set_log
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import cycle_plateau

PAPER = "oikonomou-loizou-2025"
FIGURES = ["plateau_scaling"]
CLAIMS = [f"{PAPER}/plateau-rho-lambda-squared", f"{PAPER}/interpolation-exact"]
SETTINGS = {
    "quick": {"deterministic": {"dim": 20, "steps": 12000, "lr": 0.0125, "rhos": [0.0125, 0.025, 0.05],
                                "lams": [0.1, 0.3, 1.0]},
              "interpolation": {"n": 50, "d": 5, "instance_seed": 0, "lams": [0.25, 1.0], "rho_mult": [1.0, 2.0],
                                "runs": 4, "steps": 3000}},
    "full": {"deterministic": setup.PLATEAU_RHO_LAMBDA["full"],
             "interpolation": {"n": 200, "d": 20, "instance_seed": 0, "lams": [0.25, 0.5, 1.0],
                               "rho_mult": [0.5, 1.0, 2.0, 4.0], "runs": 16, "steps": 20000, "records": 80}},
}


def main(quick: bool = False, out=None) -> list[Path]:
    settings = setup.settings(SETTINGS, quick)
    sd, s = settings["deterministic"], settings["interpolation"]
    lr, dim = sd["lr"], sd["dim"]
    det, p, _, _ = setup.plateau_grid(sd, name="plateau-deterministic")
    det.meta["L"] = p.L
    dpath = det.save(data_dir(PAPER, out) / "plateau_deterministic")
    sto, _, rho0, _, _ = setup.interpolation_sweep(s, 0)
    spath = sto.save(data_dir(PAPER, out) / "plateau_interpolation")

    det, sto = Result.load(dpath), Result.load(spath)
    fig, (ax1, ax2) = new_figure(ncols=2, width=13.0, height=5.4)
    algo = det.meta["algorithm"]
    rho, lam = np.asarray(algo["rho"]), np.asarray(algo["lam"])
    level = det.f_gap[-1]
    x = rho * lam
    colors = sequential_colors(len(np.unique(lam)), "viridis")
    ulam = np.unique(lam)
    for k, (c, lv) in enumerate(zip(colors, ulam)):
        sel = lam == lv  # equal ρλ from different (ρ, λ) overlap: shrinking markers keep each visible
        ax1.plot(x[sel], level[sel], "osD^vp"[k % 6], color=c, ms=13 - 7 * k / max(1, ulam.size - 1),
                 label=f"λ = {lv:g}", markeredgecolor="white", zorder=4)
    ax1.plot(x, cycle_plateau(lr, rho, det.meta["L"], lam), "x", color="black", ms=5, label="closed form (L/2)c²",
             zorder=5)
    fit = loglog_fit(x, level, n_boot=0)
    add_fit(ax1, fit, "fit: slope {slope:.3f}", linewidth=1.5)
    set_log(ax1, "both")
    label_axes(ax1, "ρλ", r"plateau $f - f^\star$",
               f"Deterministic, least squares d = {dim} (seed 3107)\nL = {det.meta['L']:.3g}, γ = {lr}, "
               f"{det.meta['steps']} iterations")
    legend(ax1, fontsize=9, loc="upper left", ncol=2)

    cfg = sto.meta["configs"]
    R = cfg["runs_per_config"]
    lam_s, rho_s = np.asarray(cfg["lam"])[::R], np.asarray(cfg["rho"])[::R]
    pts = []
    colors = sequential_colors(len(s["lams"]), "plasma")
    for i, (lv, rv) in enumerate(zip(lam_s, rho_s)):
        if lv == 0:
            continue
        m, se = setup.tail_mean(sto, slice(i * R, (i + 1) * R))
        pts.append((rv * lv, m, se, lv))
    pts = np.array(pts)
    for k, (c, lv) in enumerate(zip(colors, s["lams"])):
        sel = pts[:, 3] == lv
        ax2.errorbar(pts[sel, 0], pts[sel, 1], yerr=2 * pts[sel, 2], fmt="osD"[k % 3], color=c,
                     ms=13 - 7 * k / max(1, len(s["lams"]) - 1), capsize=3, label=f"λ = {lv:g}",
                     markeredgecolor="white", zorder=4)
    fit2 = loglog_fit(pts[:, 0], pts[:, 1], n_boot=0)
    add_fit(ax2, fit2, "fit: slope {slope:.3f}", linewidth=1.5)
    xs = np.array([pts[:, 0].min(), pts[:, 0].max()])
    add_reference_slope(ax2, 2.0, tuple(xs), anchor=(xs[0], fit2.predict(xs[0]) / 3), label="slope 2")
    set_log(ax2, "both")
    lam0 = sto.f_gap[-1, :R] / sto.f_gap[0, :R]
    label_axes(ax2, "ρλ", r"plateau $E[f - f^\star]$",
               f"Stochastic, interpolation (C = 0): n = {s['n']}, d = {s['d']}, γ = 1/(4L_max)\n"
               f"L_max = {cfg['L_max']:.3g}, μ = {cfg['mu']:.3g}; λ = 0 ends at rel. gap {lam0.max():.1e}")
    legend(ax2, fontsize=9, loc="upper left")
    for ax in (ax1, ax2):
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
    fig.suptitle("Unified SAM plateau ∝ (ρλ)²", fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "plateau_scaling.png")]


if __name__ == "__main__":
    script_main(main)
