"""The plateau of Unified SAM scales as (ρλ)²: deterministic least squares and stochastic interpolation.

Left: experiment (a) of Oikonomou & Loizou (2025) (least squares, n = d = 100, cond(A) = 10, seed 3107; L = 10,
μ = 0.1), full gradient, γ = 0.0125, ρ ∈ {0.00625, …, 0.05} × λ ∈ {0.1, …, 1}, 4·10⁴ iterations: the final
f − f* against ρλ (one marker shape per λ), the closed form (L/2)c², c = γLρλ/(2 − γL(1 + ρ(1−λ)L)) (crosses)
and the fitted log-log slope (the claim ``plateau-rho-lambda-squared``'s fit). Right: consistent least squares
(b = A x_true, no regularizer, n = 200, d = 20, so C = 0), single-element uniform sampling, γ = 1/(4L_max),
ρ ∈ {1, 2}·ρ₀ with ρ₀ = 1/(8L_max), λ ∈ {0.25, 0.5, 1}, 16 runs, 2·10⁴ iterations: plateau = mean of f − f*
over the last 30 % of the iterations and the runs (bars: ±2 standard errors over runs); λ = 0 converges to f*
exactly (its final gap is printed, not drawn on the log axis). Takeaway: both plateaus grow as (ρλ)², the
deterministic one exactly as the closed form. Both panels are the claims' runs (``plateau-rho-lambda-squared``,
``interpolation-exact``: same calls, shared through the run cache) and print the claims' statistics.
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
REPRODUCES = None


def main(quick: bool = False, out=None) -> list[Path]:
    sd = setup.settings(setup.PLATEAU_RHO_LAMBDA, quick)
    s = setup.settings(setup.INTERPOLATION_EXACT, quick)
    det, p, _, _ = setup.plateau_grid(sd, seed=0, name="plateau-scaling")  # the claims' calls
    det.meta["L"] = p.L
    dpath = det.save(data_dir(PAPER, out) / "plateau_deterministic")
    sto, _, _, _, _ = setup.interpolation_sweep(s, 0)
    spath = sto.save(data_dir(PAPER, out) / "plateau_interpolation")

    det, sto = Result.load(dpath), Result.load(spath)
    fig, (ax1, ax2) = new_figure(ncols=2, nrows=1, width=7.0, height=3.5)
    algo = det.meta["algorithm"]
    rho, lam = np.asarray(algo["rho"]), np.asarray(algo["lam"])
    level = det.f_gap[-1]
    x = rho * lam
    ulam = np.unique(lam)
    colors = sequential_colors(ulam.size, "viridis")
    for k, (c, lv) in enumerate(zip(colors, ulam)):
        sel = lam == lv  # equal ρλ from different (ρ, λ) overlap: shrinking markers keep each visible
        ax1.plot(x[sel], level[sel], "osD^vp"[k % 6], color=c, ms=8 - 4 * k / max(1, ulam.size - 1),
                 label=f"λ = {lv:g}", markeredgecolor="white", markeredgewidth=0.5, zorder=4)
    ax1.plot(x, cycle_plateau(sd["lr"], rho, det.meta["L"], lam), "x", color="black", ms=3.5,
             label="closed form (L/2)c²", zorder=5)
    fit = loglog_fit(x, level, n_boot=0)  # the claim's fit
    add_fit(ax1, fit, "fit: slope {slope:.3f}", linewidth=1.2)
    set_log(ax1, "both")
    label_axes(ax1, "ρλ", r"plateau $f - f^\star$",
               f"Deterministic, experiment (a), d = {sd['dim']}\nγ = {sd['lr']}, {det.meta['steps']} iterations")
    legend(ax1, where="below", ncols=3)

    cfg = sto.meta["configs"]
    R = cfg["runs_per_config"]
    lam_s, rho_s = np.asarray(cfg["lam"])[::R], np.asarray(cfg["rho"])[::R]
    pts = []
    for i, (lv, rv) in enumerate(zip(lam_s, rho_s)):
        if lv > 0:
            m, se = setup.tail_mean(sto, slice(i * R, (i + 1) * R))  # the claim's plateau statistic
            pts.append((rv * lv, m, se, lv))
    pts = np.array(pts)
    colors = sequential_colors(len(s["lams"]), "plasma")
    for k, (c, lv) in enumerate(zip(colors, s["lams"])):
        sel = pts[:, 3] == lv
        ax2.errorbar(pts[sel, 0], pts[sel, 1], yerr=2 * pts[sel, 2], fmt="osD"[k % 3], color=c,
                     ms=7 - 3 * k / max(1, len(s["lams"]) - 1), capsize=2, label=f"λ = {lv:g}",
                     markeredgecolor="white", markeredgewidth=0.5, zorder=4)
    fit2 = loglog_fit(pts[:, 0], pts[:, 1], n_boot=0)  # the claim's reported slope
    add_fit(ax2, fit2, "fit: slope {slope:.3f}", linewidth=1.2)
    xs = np.array([pts[:, 0].min(), pts[:, 0].max()])
    add_reference_slope(ax2, 2.0, tuple(xs), anchor=(xs[0], fit2.predict(xs[0]) / 3), label="slope 2")
    set_log(ax2, "both")
    lam0 = sto.f_gap[-1, :R] / sto.f_gap[0, :R]
    label_axes(ax2, "ρλ", r"plateau $E[f - f^\star]$",
               f"Stochastic, interpolation (C = 0)\nn = {s['n']}, d = {s['d']}, γ = 1/(4L_max)")
    ax2.text(0.97, 0.04, f"λ = 0: final relative gap ≤ {lam0.max():.0e}", transform=ax2.transAxes, ha="right",
             va="bottom", fontsize=7)
    legend(ax2, where="below", ncols=3)
    for ax in (ax1, ax2):
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
    return [save_figure(fig, figure_dir(PAPER, out) / "plateau_scaling.png", quick=quick)]


if __name__ == "__main__":
    script_main(main)
