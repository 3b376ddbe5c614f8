"""Constant-step SAM on a strongly convex quadratic: the 2-cycle plateau scales as η² and as ρ² (closed form).

Si & Yun (2023): with a constant step, deterministic SAM does not reach the optimum [derived on E1 and a
rotated quadratic, samlab.setups.si_yun_2023]. Deterministic SAM with constant η and ρ settles on the
period-2 orbit x* ± c·e_top, c = ηLρ/(2 − ηL), at f − f* = (L/2)c² (dashed: closed form). Markers: the
measured final f − f* on E1 (diag(0.1, 1), L = 1) and on the first random rotated 4-D quadratic of the
claim sc-plateau-scaling (its runs and fits), (a) against the dimensionless step ηL at ρ = 0.1 and
(b) against ρ at ηL = 0.05, with the claim's fitted slopes. Dotted in (a): the derived upper bound
B = L⁴η²ρ²/(8μ(1 − ηL)²) + L³η²ρ²/2 of the strongly convex analysis (det-sc-bound), loose by about L/μ.
Takeaway: the plateau is (L/2)c² to rounding, ∝ η²ρ²; it vanishes only when η or ρ does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_fit, label_axes, legend, new_figure, save_figure, set_log
from samlab.setups import si_yun_2023 as setup
from samlab.theory import cycle_plateau
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["sc_plateau"]
CLAIMS = [f"{PAPER}/sc-plateau-scaling", f"{PAPER}/sc-two-cycle", f"{PAPER}/det-sc-bound"]
REPRODUCES = None
STYLES = (("#d62728", "o"), ("#1f77b4", "s"))


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(setup.SC_PLATEAU, quick)
    d = data_dir(PAPER, out)
    paths = {}
    for key, q in setup.plateau_instances(0, 1):  # the claim's E1 and first random instance (seed 0)
        fit = setup.plateau_fits(q, cfg["points"], cfg["steps"])
        res = fit["result"]
        res.meta["sweep"] = {"grid": fit["grid"].tolist(), "L": q.L, "mu": q.mu, "label": key,
                             "eta_slope": fit["eta_fit"].slope, "rho_slope": fit["rho_fit"].slope,
                             "eta_fit": [fit["eta_fit"].slope, fit["eta_fit"].intercept],
                             "rho_fit": [fit["rho_fit"].slope, fit["rho_fit"].intercept]}
        paths[key] = res.save(d / f"sc_plateau_{key.split(' ')[0].replace('#', '')}")
    return [plot(paths, steps=cfg["steps"], quick=quick, out=out)]


def _line(slope_intercept, grid):
    from types import SimpleNamespace
    slope, intercept = slope_intercept
    return SimpleNamespace(slope=slope, intercept=intercept, window=(float(grid[0]), float(grid[-1])))


def plot(paths, *, steps, quick=False, out=None) -> Path:
    fig, (ax, bx) = new_figure(ncols=2, width=7.0, height=5.0)
    fine = np.geomspace(0.008, 0.1, 100)
    for (key, path), (color, marker) in zip(paths.items(), STYLES):
        r = Result.load(path)
        sw = r.meta["sweep"]
        g, L, mu = np.asarray(sw["grid"]), sw["L"], sw["mu"]
        n = g.size
        lev_eta, lev_rho = r.f_gap[-1, :n], r.f_gap[-1, n:]
        ax.plot(g, lev_eta, linestyle="none", marker=marker, color=color, markersize=5,
                label=f"{sw['label']}: slope {sw['eta_slope']:.3f}")
        add_fit(ax, _line(sw["eta_fit"], g), None, color=color)
        add_bound(ax, fine, np.asarray(cycle_plateau(fine / L, 0.1, L)), color=color, linestyle="--")
        add_bound(ax, fine, np.asarray(th.det_sc_floor(fine / L, 0.1, L, mu)), color=color, linestyle=":")
        bx.plot(g, lev_rho, linestyle="none", marker=marker, color=color, markersize=5,
                label=f"{sw['label']}: slope {sw['rho_slope']:.3f}")
        add_fit(bx, _line(sw["rho_fit"], g), None, color=color)
        add_bound(bx, fine, np.asarray(cycle_plateau(0.05 / L, fine, L)), color=color, linestyle="--")
    for axis in (ax, bx):
        axis.plot([], [], color="0.3", linestyle="--", label="closed form (L/2)c²")
        axis.plot([], [], color="0.3", linestyle="-.", label="fit (the claim's)")
    ax.plot([], [], color="0.3", linestyle=":", label="derived bound B (det-sc-bound)")
    set_log(ax, "both")
    set_log(bx, "both")
    label_axes(ax, r"step $\eta L$", r"plateau $f(x_T) - f^\star$", "(a) against the step, ρ = 0.1")
    label_axes(bx, r"radius $\rho$", r"plateau $f(x_T) - f^\star$", r"(b) against the radius, $\eta L$ = 0.05")
    legend(ax, where="below", ncols=1)
    legend(bx, where="below", ncols=1)
    fig.suptitle(rf"Si & Yun (2023): constant-step SAM stalls at $\frac{{L}}{{2}}c^2$, $c = \frac{{\eta L\rho}}{{2-\eta L}}$"
                 f" ({steps} steps)", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "sc_plateau.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
