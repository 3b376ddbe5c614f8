"""Constant-step SAM on a strongly convex quadratic: the 2-cycle plateau scales as η² and as ρ² (closed form).

Si & Yun (2023): with a constant step, deterministic SAM does not reach the optimum [derived on E1 and a
rotated quadratic, samlab.setups.si_yun_2023]. Deterministic SAM with constant η and ρ settles on the
period-2 orbit x* ± c·e_top, c = ηLρ/(2 − ηL), at f − f* = (L/2)c² (dashed: closed form). Markers: the
measured final f − f* on E1 (diag(0.1, 1), L = 1) and on a randomly rotated 6-D quadratic with L = 3,
against the dimensionless step ηL (left, ρ = 0.1) and against ρ (right, ηL = 0.05); fitted slopes in the
legend. Dotted: the derived upper bound B = L⁴η²ρ²/(8μ(1 − ηL)²) + L³η²ρ²/2 of the strongly convex
analysis (loose by about L/μ).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_fit, label_axes, legend, new_figure, save_figure, set_log
from samlab.seeding import rng
from samlab.setups import si_yun_2023 as setup
from samlab.theory import cycle_plateau
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["sc_plateau"]
CLAIMS = [f"{PAPER}/sc-plateau-scaling", f"{PAPER}/sc-two-cycle", f"{PAPER}/det-sc-bound"]


SETTINGS = {"quick": {"points": 6, "steps": 6000}, "full": {"points": 10, "steps": 40000}}


def _instances():
    rot = setup.rotated_quadratic([0.5, 0.9, 1.3, 1.8, 2.2, 3.0], rng(0, "sc-plateau-rotation"),
                                  x_star=np.linspace(-1, 1, 6), name="rotated 6-D, L = 3")
    return [("E1", setup.e1(), "#d62728", "o"), ("rotated", rot, "#1f77b4", "s")]


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(SETTINGS, quick)
    steps = cfg["steps"]
    d = data_dir(PAPER, out)
    paths = {}
    for key, q, _, _ in _instances():
        grid, lr, rho = setup.plateau_sweep(cfg["points"], q.L)
        res = run(q, algorithms.sam(lr, rho), q.x_star + 1.0, steps, checkpoints=10, name="sc-plateau")
        res.meta["sweep"] = {"grid": grid.tolist(), "L": q.L, "mu": q.mu, "label": q.name}
        paths[key] = res.save(d / f"sc_plateau_{key}")

    fig, (ax, bx) = new_figure(ncols=2, width=13.0, height=5.0)
    fine = np.geomspace(0.008, 0.1, 100)
    for key, _, color, marker in _instances():
        r = Result.load(paths[key])
        sw = r.meta["sweep"]
        g, L, mu = np.asarray(sw["grid"]), sw["L"], sw["mu"]
        n = g.size
        lev_eta, lev_rho = r.f_gap[-1, :n], r.f_gap[-1, n:]
        ax.plot(g, lev_eta, linestyle="none", marker=marker, color=color, markersize=8, label=f"{sw['label']}: measured")
        add_fit(ax, loglog_fit(g, lev_eta, n_boot=0), "  fit: slope {slope:.3f}", color=color)
        add_bound(ax, fine, np.asarray(cycle_plateau(fine / L, 0.1, L)), label=f"  closed form (L/2)c², L = {L:g}", color=color,
                  linestyle="--")
        add_bound(ax, fine, np.asarray(th.det_sc_floor(fine / L, 0.1, L, mu)), label=f"  bound B (μ = {mu:.2g})", color=color,
                  linestyle=":")
        bx.plot(g, lev_rho, linestyle="none", marker=marker, color=color, markersize=8, label=f"{sw['label']}: measured")
        add_fit(bx, loglog_fit(g, lev_rho, n_boot=0), "  fit: slope {slope:.3f}", color=color)
        add_bound(bx, fine, np.asarray(cycle_plateau(0.05 / L, fine, L)), label="  closed form (L/2)c²", color=color,
                  linestyle="--")
    set_log(ax, "both")
    set_log(bx, "both")
    label_axes(ax, r"step size $\eta L$ (dimensionless, log scale)", r"plateau $f(x_T) - f^\star$ (log scale)",
               "Plateau vs step size (ρ = 0.1)")
    label_axes(bx, r"perturbation radius $\rho$ (log scale)", r"plateau $f(x_T) - f^\star$ (log scale)",
               r"Plateau vs radius ($\eta L$ = 0.05)")
    legend(ax, fontsize=8.5, loc="upper left")
    legend(bx, fontsize=8.5, loc="upper left")
    fig.suptitle(r"Si & Yun (2023): constant-step SAM stalls on its 2-cycle, $f - f^\star = \frac{L}{2}\left(\frac{\eta L\rho}{2-\eta L}\right)^2 \propto \eta^2\rho^2$"
                 f"  ({steps} steps)", fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "sc_plateau.png")]


if __name__ == "__main__":
    script_main(main)
