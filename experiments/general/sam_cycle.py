"""SAM's period-2 cycle on a quadratic: plateaus, their ρ² scaling and the ±c orbit, against the closed form.

Normalized SAM with constant γ = 0.05 and ρ on f(x) = ½xᵀHx (eigenvalues log-spaced in [0.1, 10],
random rotation) settles at the 2-cycle ±c·e_top with c = γLρ/(2 − γL), where f − f* = (L/2)c².
(a) f − f* against t for the claim's radii (median and 10–90 % band over random starts), closed forms
dashed. (b) The final level over a sweep of ρ (markers, median over starts) against (L/2)c² (line).
(c) The component ⟨x_t, e_top⟩ over the last steps of every run at the largest radius, alternating
between ±c (recorded with ``observe``). Instance, starts and settings come from samlab.setups.general,
shared with ``general/sam-period-two-cycle``. Takeaway: constant-ρ SAM never reaches the minimum; it
settles on a 2-cycle whose level is known in closed form and grows like ρ².
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import general as setup
from samlab.theory import cycle_amplitude, cycle_plateau

PAPER = "general"
FIGURES = ["sam_cycle"]
CLAIMS = ["general/sam-period-two-cycle"]
REPRODUCES = None

SWEEP = np.array([0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3])  # radii of the scaling panel
LAST = 12  # steps shown in the orbit panel


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = setup.settings(setup.SAM_CYCLE, quick)
    seed = 0
    p = setup.quadratic(s["dim"], seed)
    runs = max(2, s["runs"] // 2)
    radii = np.unique(np.concatenate([s["rho"], SWEEP]))
    rhos = np.repeat(radii, runs)  # one batched run: every radius × `runs` random starts
    x0 = np.tile(setup.starts(seed, runs, p.dim), (radii.size, 1))
    steps = s["steps"]
    checkpoints = np.unique(np.concatenate([sl.default_checkpoints(steps), np.arange(steps - LAST, steps + 1)]))
    e_top = p.top_eigenvector
    res = sl.run(p, sl.algorithms.sam(s["lr"], rhos), x0, steps, checkpoints=checkpoints,
                 observe={"top": lambda view: view.x @ e_top}, name="sam-cycle", seed=seed)
    data = res.save(data_dir(PAPER, out) / "sam_cycle")
    return [plot(data, lr=s["lr"], L=p.L, shown=list(s["rho"]), runs=runs, quick=quick, out=out)]


def plot(data: Path, *, lr: float, L: float, shown: list[float], runs: int, quick=False, out=None) -> Path:
    res = sl.Result.load(data)
    rhos = np.asarray(res.meta["algorithm"]["rho"], dtype=float)
    radii = rhos[::runs]
    fig, grid = plotting.new_figure(2, 2, width=7.0, height=6.4)
    axes = [grid[0, 0], grid[0, 1], plotting.span_panels(fig, grid, 1)]
    ax = axes[0]
    colors = plotting.sequential_colors(len(shown), "plasma")
    for color, rho in zip(colors, shown):
        cols = np.flatnonzero(np.isclose(rhos, rho))
        plotting.plot_metric(ax, res, "f_gap", runs=cols, label=f"SAM, ρ = {rho:g}", color=color, logx=True,
                             logy=True, marker="s", linestyle="-")
        plotting.add_level(ax, float(cycle_plateau(lr, rho, L)), color=color,
                           label=r"$\frac{L}{2}c^2$" if rho == shown[0] else None)
    plotting.label_axes(ax, r"iteration $t$", r"$f(x_t) - f^\star$", "(a) settling at the plateau")
    plotting.legend(ax, where="below", ncols=2)

    ax = axes[1]
    final = np.median(res.f_gap[-1].reshape(radii.size, runs), axis=1)
    fine = np.geomspace(radii[0], radii[-1], 100)
    plotting.add_bound(ax, fine, cycle_plateau(lr, fine, L), label=r"$\frac{L}{2}c^2$, $c = \frac{\gamma L\rho}{2-\gamma L}$")
    ax.plot(radii, final, linestyle="none", marker="s", markersize=7, color=plotting.style("sam")["color"],
            label="SAM, final f − f*")
    plotting.set_log(ax, "both")
    plotting.label_axes(ax, r"radius $\rho$", r"plateau $f - f^\star$", r"(b) plateau $\propto \rho^2$")
    plotting.legend(ax, where="below", ncols=1)

    ax = axes[2]
    rho = max(shown)
    cols = np.flatnonzero(np.isclose(rhos, rho))
    t = res.t[1:]  # observed values start at the first checkpoint after 0
    last = t >= t[-1] - LAST
    proj = res.observed["top"][last][:, cols]  # ⟨x_t, e_top⟩, (K, runs)
    proj *= np.sign(proj[-1])[None, :]  # e_top is defined up to sign: end every run at +c
    c = float(cycle_amplitude(lr, rho, L))
    for b in range(proj.shape[1]):
        ax.plot(t[last], proj[:, b], marker="o", markersize=6, linewidth=1.2,
                color=plotting.style("sam")["color"], alpha=0.6, label="SAM runs" if b == 0 else None)
    plotting.add_level(ax, c, label=r"$\pm c$")
    plotting.add_level(ax, -c)
    ax.set_ylim(-1.6 * c, 1.6 * c)
    plotting.label_axes(ax, r"iteration $t$", r"$\langle x_t, e_{\mathrm{top}}\rangle$", f"(c) the ±c orbit, ρ = {rho:g}")
    plotting.legend(ax, where="right")
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "sam_cycle.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
