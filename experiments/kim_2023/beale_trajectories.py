"""Beale: GD reaches the valley of the minimum, SAM with ρ ≥ 0.5 is trapped at the saddle (0, 1).

Kim et al. 2023's Beale figure with the settings of Harry24k/sam-saddle [official code]: start (1, 2), lr 1.25e-5,
float64, normalized SAM with ρ ∈ {0.1, 0.5, 1.0} (ρ = 0 is GD). The run length is fixed as in the
official code: GD runs until its stopping rule fires (87,683 steps: within 0.55 of (3, 0.5) with
500 consecutive moves < 1e-5; re-derived by the full mode of the claim kim-2023/beale-saddle-trap)
and every SAM run uses the same number of steps; GD is the ρ = 0 run of the batch. Left: trajectories
on a log-scaled contour of f; right: f(x_t) against t. Quick mode: the claim's quick mode, η = 1e-4
(the step size reported for the paper's figure) for 4,000 steps (no stopping-rule run).
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

RHOS = (0.0,) + tuple(setup.OFFICIAL_BEALE["rhos"])
COLORS = {0.0: plotting.style("gd")["color"], 0.1: "#2ca02c", 0.5: plotting.style("sam")["color"], 1.0: "#9467bd"}


def _checkpoints(steps: int) -> np.ndarray:
    """Dense early (the fast first moves), then about 2,000 log-spaced points."""
    early = np.arange(0, min(steps, 400) + 1)
    return np.unique(np.concatenate([early, np.geomspace(1, steps, 2000).round().astype(int), [steps]]))


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    seed = 0
    p = sl.problems.beale()
    start = list(setup.OFFICIAL_BEALE["start"])
    folder = data_dir(PAPER, out)
    s = setup.FIGURES["beale_trajectories"]["quick" if quick else "full"]
    lr, steps = s["lr"], int(s["steps"])
    if quick:  # the claim's quick mode
        stop = {"lr": lr, "steps": steps, "rule": f"quick: η = {lr:g} variant, fixed horizon"}
    else:
        # the official GD stopping step; the claim kim-2023/beale-saddle-trap re-derives it (full mode)
        stop = {"lr": lr, "steps": steps, "rule": "official GD stopping step"}
    res = sl.run(p, sl.algorithms.sam(lr, np.array(RHOS)), start, steps, checkpoints=_checkpoints(steps),
                 keep_iterates=True, name="beale-trajectories", seed=seed)
    res.meta["stop"] = stop
    data = res.save(folder / "beale_trajectories")
    return [plot(data, out=out)]


def _log_contour(ax, fn, lim=(-4.5, 4.5), n=200):
    """The official figure's contour: z = f − min f + 1.1 on a 200-point grid, 40 log-spaced levels."""
    from matplotlib.colors import LogNorm

    g = np.linspace(*lim, n)
    X, Y = np.meshgrid(g, g)
    Z = fn(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    Z = Z - Z.min() + 1.1
    levels = np.geomspace(1.0, Z.max(), 40)
    cs = ax.contourf(X, Y, Z, levels=levels, norm=LogNorm(vmin=1.0, vmax=Z.max()), cmap="jet", alpha=0.5)
    ax.contour(X, Y, Z, levels=levels, norm=LogNorm(vmin=1.0, vmax=Z.max()), colors="k", linewidths=0.3,
               alpha=0.35)
    return cs


def plot(data: Path, out=None) -> Path:
    res = sl.Result.load(data)
    stop = res.meta["stop"]
    rhos = res.meta["algorithm"]["rho"]
    p = sl.problems.beale()
    sad = K.beale_saddle()
    fig, (ax, bx) = plotting.new_figure(ncols=2, width=13.0, height=5.4)
    _log_contour(ax, p.value)
    for b, rho in enumerate(rhos):
        label = "GD" if rho == 0 else f"SAM ρ = {rho:g}"
        path = res.iterates[:, b, :]
        plotting.plot_trajectory(ax, path, label=label, color=COLORS[float(rho)], start_marker=None,
                                 linestyle="-", linewidth=2.6 if rho in (0.0, 0.5) else 1.6, zorder=3)
    plotting.mark_point(ax, setup.OFFICIAL_BEALE["start"], marker="P", color="black", size=13, label="start (1, 2)")
    plotting.mark_point(ax, setup.OFFICIAL_BEALE["minimum"], marker="*", color="gold", size=20,
                        markeredgecolor="black", label="minimum (3, 0.5)")
    plotting.mark_point(ax, sad["point"], marker="X", color="white", size=13, markeredgecolor="black",
                        label="saddle (0, 1)")
    ax.set_xlim(-1.5, 3.7)
    ax.set_ylim(-0.5, 2.7)
    plotting.label_axes(ax, r"$x$", r"$y$", f"Beale, lr = {stop['lr']:g}, {stop['steps']:,} steps")
    plotting.legend(ax, loc="upper right", fontsize=10)

    t = res.t.astype(float)
    for b, rho in enumerate(rhos):
        label = "GD" if rho == 0 else f"SAM ρ = {rho:g}"
        bx.plot(t[1:], res.f[1:, b], color=COLORS[float(rho)], linewidth=2.2, label=label)
    plotting.add_level(bx, sad["value"], label=f"f(saddle) = {sad['value']:g}")
    plotting.set_log(bx, "both")
    bx.set_ylim(1e-2, 300)
    plotting.label_axes(bx, r"iteration $t$", r"$f(x_t)$",
                        "SAM ρ ≥ 0.5 stalls at the saddle level")
    plotting.legend(bx, loc="lower left", fontsize=10)
    fig.suptitle(f"GD vs SAM on Beale from (1, 2) — run length: {stop['rule']}", fontsize=12.5)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "beale_trajectories.png")


if __name__ == "__main__":
    script_main(main)
