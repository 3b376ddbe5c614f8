"""Beale: GD reaches the valley of the minimum, SAM with ρ ≥ 0.5 is trapped at the saddle (0, 1).

Kim et al. 2023's Beale figure with the settings of Harry24k/sam-saddle [official code]: start (1, 2),
lr 1.25e-5, float64, normalized SAM with ρ ∈ {0.1, 0.5, 1.0} (ρ = 0 is GD), one batched run. The run
length is fixed as in the official code: GD runs until its stopping rule fires (87,683 steps: within
0.55 of (3, 0.5) with 500 consecutive moves < 1e-5; re-derived by the full mode of the claim
kim-2023/beale-saddle-trap) and every SAM run uses the same number of steps. (a) Trajectories on the
official log-scaled contour of f; (b) f(x_t) against t, with the saddle's level f = 14.203125.
Takeaway: ρ = 0.5 and ρ = 1 stop on the saddle's level for good; GD and ρ = 0.1 go on to the valley.
The run is the claim's (:func:`samlab.setups.kim_2023.beale_trap_run`); the data file keeps ~2,400 of
its checkpoints. Quick mode: the claim's quick mode, η = 1e-4 (the step size reported for the paper's
figure) for 4,000 steps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K

PAPER = "kim-2023"
FIGURES = ["beale_trajectories"]
CLAIMS = ["kim-2023/beale-saddle-trap"]
REPRODUCES = "the Beale trajectory figure of Kim et al. 2023 (intro.pdf and intro.gif of the official code)"

SAM = plotting.style("sam")["color"]
STYLES = {0.0: (plotting.style("gd")["color"], "-", "GD"), 0.1: (SAM, ":", "SAM ρ = 0.1"),
          0.5: (SAM, "-", "SAM ρ = 0.5"), 1.0: (SAM, "--", "SAM ρ = 1")}


def _plot_steps(steps: int) -> np.ndarray:
    """The checkpoints kept for the figure: every step of the first 400, then ~2,000 log-spaced."""
    return np.unique(np.concatenate([np.arange(0, min(steps, 400) + 1), np.geomspace(1, steps, 2000).round().astype(int),
                                     [steps]]))


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = setup.FIGURES["beale_trajectories"]["quick" if quick else "full"]
    lr, steps = s["lr"], int(s["steps"])
    res = setup.beale_trap_run(lr, steps, seed=0)
    res = setup.thin_result(res, _plot_steps(steps))
    res.meta["stop"] = {"lr": lr, "steps": steps,
                        "rule": f"quick: η = {lr:g}, fixed horizon" if quick else "the official GD stopping step"}
    data = res.save(data_dir(PAPER, out) / "beale_trajectories")
    return [plot(data, out=out, quick=quick)]


def _log_contour(ax, fn, lim=(-4.5, 4.5), n=200):
    """The official figure's contour: z = f − min f + 1.1 on a 200-point grid, 40 log-spaced levels."""
    from matplotlib.colors import LogNorm

    g = np.linspace(*lim, n)
    X, Y = np.meshgrid(g, g)
    Z = fn(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    Z = Z - Z.min() + 1.1
    levels = np.geomspace(1.0, Z.max(), 40)
    ax.contourf(X, Y, Z, levels=levels, norm=LogNorm(vmin=1.0, vmax=Z.max()), cmap="jet", alpha=0.35)
    ax.contour(X, Y, Z, levels=levels, norm=LogNorm(vmin=1.0, vmax=Z.max()), colors="k", linewidths=0.25, alpha=0.3)


def plot(data: Path, out=None, quick: bool = False) -> Path:
    res = sl.Result.load(data)
    stop = res.meta["stop"]
    rhos = [float(r) for r in res.meta["algorithm"]["rho"]]
    p = sl.problems.beale()
    sad = K.beale_saddle()
    fig, axes = plotting.new_figure(ncols=2, nrows=2, width=7.0, height=6.4, squeeze=False)
    ax = plotting.span_panels(fig, axes, 0)
    bx = plotting.span_panels(fig, axes, 1)
    _log_contour(ax, p.value)
    for b, rho in enumerate(rhos):
        color, ls, label = STYLES[rho]
        ax.plot(res.iterates[:, b, 0], res.iterates[:, b, 1], color=color, linestyle=ls,
                linewidth=2.0 if rho in (0.0, 0.5) else 1.3, label=label, zorder=3)
        ax.plot(*res.x[b], marker="o", color=color, markersize=4, zorder=4)
    plotting.mark_point(ax, setup.OFFICIAL_BEALE["start"], marker="P", color="black", size=8, label="start (1, 2)")
    plotting.mark_point(ax, setup.OFFICIAL_BEALE["minimum"], marker="*", color="gold", size=11,
                        markeredgecolor="black", label="minimum (3, 0.5)")
    plotting.mark_point(ax, sad["point"], marker="X", color="white", size=8, markeredgecolor="black",
                        label="saddle (0, 1)")
    ax.set_xlim(-1.5, 3.7)
    ax.set_ylim(-0.5, 2.7)
    plotting.label_axes(ax, r"$x$", r"$y$", f"(a) trajectories, lr = {stop['lr']:g}, {stop['steps']:,} steps")
    plotting.legend(ax, where="right")

    t = res.t.astype(float)
    for b, rho in enumerate(rhos):
        color, ls, label = STYLES[rho]
        bx.plot(t[1:], res.f[1:, b], color=color, linestyle=ls, linewidth=1.6, label=label)
    plotting.add_level(bx, sad["value"], label=f"f(saddle) = {sad['value']:g}")
    plotting.set_log(bx, "both")
    bx.set_ylim(1e-2, 300)
    plotting.label_axes(bx, r"iteration $t$", r"$f(x_t)$", "(b) SAM with ρ ≥ 0.5 stalls at the saddle's level")
    plotting.legend(bx, where="right")
    fig.suptitle(f"GD vs SAM on Beale from (1, 2) ({stop['rule']})", fontsize=plotting.FONT_TITLE)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "beale_trajectories.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
