"""Constant-step SAM oscillates on a strongly convex quadratic while GD converges; diminishing steps converge.

Khanh et al. (2024), figure p. 5 (GD vs constant-stepsize SAM, f vs iterations) and Theorem 3.2
(constant ρ, Σt = ∞, Σt² < ∞). Left: f = ½xᵀdiag(1, 10)x from x¹ = (1, 1), ρ = 0.1: GD and SAM with
t = 0.05, SAM with t_k = 0.05/k^0.6. Dashed: the 2-cycle plateau (a/2)(taρ/(2 − ta))² (a = 10) and the
envelope (a/2)(t_k aρ/(2 − t_k a))² with its slope. Right: f = ½x², t = 0.1, ρ = 0.5, x¹ = 3: the
iterates flip sign every step on ±taρ/(2 − ta) = ±0.02632 [derived: the paper's figure states no
parameters]. The fitted slope is the claim khanh-2024/convex-diminishing-steps's: the two-step average
of f − f* over [K/2, K] (in full mode the same run, 20,000 steps).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, problems, run, schedules
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import (add_bound, add_fit, add_level, label_axes, legend, new_figure, plot_metric,
                             save_figure, style)
from samlab.setups import khanh_2024 as setup
from samlab.theory import khanh_2024 as T

PAPER = "khanh-2024"
FIGURES = ["quadratic_cycle"]
CLAIMS = [f"{PAPER}/constant-step-cycle", f"{PAPER}/convex-diminishing-steps", f"{PAPER}/convex-descent-inequality"]
REPRODUCES = "Figure p. 5 of Khanh et al. 2024"

LR, RHO, A_TOP = setup.CYCLE["lr"], setup.CYCLE["rho"], max(setup.CYCLE["diag"])
POWER = setup.CONVEX_DIMINISHING["full"]["power"]
SC = setup.SCALAR_CYCLE
DIM_COLOR = "#6a3d9a"


def main(quick: bool = False, out=None) -> list[Path]:
    K = setup.FIGURES["quadratic_cycle"]["quick" if quick else "full"]["steps"]
    p = setup.diag_quadratic()
    x0 = np.array(setup.CYCLE["start"])
    # the claim's pair checkpoints on [K/2, K]: the fit below is its fit of the two-step average
    ck = setup.convex_diminishing_checkpoints(K)
    data = data_dir(PAPER, out)
    runs = {
        "gd": run(p, algorithms.gd(LR), x0, K, checkpoints=ck, name="quadratic-gd"),
        "sam_constant": run(p, algorithms.sam(LR, RHO), x0, K, checkpoints=ck, name="quadratic-sam-constant"),
        # the claim's run of diag(1, 10) (c = 1/(2L) = 0.05): the same call, computed once with the run cache
        "sam_diminishing": run(p, algorithms.sam(schedules.inverse_power(1.0 / (2.0 * p.L), POWER), RHO), x0[None, :],
                               K, checkpoints=ck, name="convex-dim-diag(1,10)"),
    }
    paths = {k: r.save(data / f"quadratic_cycle_{k}") for k, r in runs.items()}
    p1 = problems.Quadratic(np.array([[SC["a"]]]))
    k1 = 80
    paths["scalar"] = run(p1, algorithms.sam(SC["lr"], SC["rho"]), np.array([SC["start"]]), k1,
                          checkpoints=np.arange(k1 + 1),
                          keep_iterates=True, name="quadratic-scalar").save(data / "quadratic_cycle_scalar")

    res = {k: Result.load(v) for k, v in paths.items()}
    fig, (ax, bx) = new_figure(ncols=2, width=7.0, height=3.9)
    plot_metric(ax, res["gd"], "f_gap", name="gd", label="GD, t = 0.05", logx=True)
    plot_metric(ax, res["sam_constant"], "f_gap", name="sam", label="SAM, t = 0.05 (constant)", logx=True)
    rd = res["sam_diminishing"]
    plot_metric(ax, rd, "f_gap", label=r"SAM, $t_k = 0.05/k^{0.6}$ (diminishing)", color=DIM_COLOR, logx=True)
    plateau = float(T.sam_envelope_level(LR, RHO, A_TOP))
    add_level(ax, plateau, label=f"2-cycle plateau (a/2)c² = {plateau:.4g}", name="sam")
    t = rd.t[rd.t > 0].astype(float)
    env = np.asarray(T.sam_envelope_level(LR / t ** POWER, RHO, A_TOP))
    add_bound(ax, t, env, label=r"envelope $(a/2)c_k^2$, $c_k = t_k a\rho/(2 - t_k a)$")
    fit = loglog_fit(*setup.pair_average(rd.t, rd.f_gap, K // 2), n_boot=0)
    add_fit(ax, fit, label_fmt=r"fit of $(f_k + f_{{k+1}})/2$ on [K/2, K]: slope {slope:.3f}", color=DIM_COLOR)
    ax.set_ylim(1e-16, 30)
    label_axes(ax, "iteration k", r"$f(x_k) - f^\star$", "diag(1, 10), x¹ = (1, 1), ρ = 0.1")
    legend(ax, where="below", ncols=1)

    sc = res["scalar"]
    xs = sc.iterates[:, 0, 0]
    c = float(T.sam_envelope_amplitude(SC["lr"], SC["rho"], SC["a"]))
    bx.plot(sc.t, xs, color=style("sam")["color"], marker="o", ms=4, lw=1.2, label="SAM iterates $x_k$")
    for sign in (1, -1):
        add_level(bx, sign * c, label=f"±taρ/(2 − ta) = ±{c:.5f}" if sign > 0 else None)
    bx.set_yscale("symlog", linthresh=0.05)
    label_axes(bx, "iteration k", r"$x_k$ (symlog)", "f = x²/2, t = 0.1, ρ = 0.5, x¹ = 3")
    legend(bx, where="below", ncols=1)
    fig.suptitle("Constant-step SAM stalls on a strongly convex quadratic; diminishing steps converge", fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "quadratic_cycle.png", quick=quick)]


if __name__ == "__main__":
    script_main(main)
