"""Case III at the Beale saddle: the gradient cosine fills [−1, 1] and the perturbed point alternates sides.

SAM ρ = 0.5 on Beale from (1, 2), official lr 1.25e-5 (Kim et al. 2023's gradient-cosine and w^p
figures; settings from Harry24k/sam-saddle [official code]). Every step is observed: cos(∇f(x_{t−1}), ∇f(y_t)) from the step's two exact
gradients, and the perturbed point y_t = x_{t−1} + ρ∇f/‖∇f‖. Left: the cosine over the first 30,000
steps (the official figure shows 50,000; the picture is stationary after the trap at t ≈ 2,238) with
its 500-step running mean; middle: 60 steps from t = 5,000,
where the sign of (y_t)_x flips almost every step; right: 8 consecutive perturbed points from
t = 5,000 drawn as arrows from x_{t−1} (the official w^p plot). The cosine, the perturbed points and t₀
are the claim kim-2023/beale-case-iii's observers and rule. Quick mode: 6,000 steps.
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
FIGURES = ["beale_case_iii"]
CLAIMS = ["kim-2023/beale-case-iii"]

RHO = setup.BEALE_CASE_III_RHO
ZOOM = setup.WP_PLOT_START


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    steps = setup.FIGURES["beale_case_iii"]["quick" if quick else "full"]["steps"]
    p = sl.problems.beale()
    res = sl.run(p, sl.algorithms.sam(setup.OFFICIAL_BEALE["lr"], RHO), list(setup.OFFICIAL_BEALE["start"]), steps,
                 checkpoints=np.arange(steps + 1), observe=setup.BEALE_OBSERVE, keep_iterates=True,
                 name="beale-case-iii", seed=0)
    data = res.save(data_dir(PAPER, out) / "beale_case_iii")
    return [plot(data, out=out)]


def plot(data: Path, out=None) -> Path:
    res = sl.Result.load(data)
    sad = K.beale_saddle()
    t = res.t[1:].astype(float)  # observed rows: steps 1 … T
    cos = res.observed["cos"][:, 0]
    yx, yy = res.observed["yx"][:, 0], res.observed["yy"][:, 0]
    x_prev = res.iterates[:-1, 0, :]
    t0 = setup.first_step_within(res.iterates[:, 0, :], sad["point"])

    fig, axes = plotting.new_figure(ncols=3, width=16.0, height=5.0)
    ax, bx, cx = axes
    ax.plot(t, cos, ".", color=plotting.style("sam")["color"], markersize=1.5, alpha=0.25, rasterized=True)
    w = 500
    if t.size > w:
        mean = np.convolve(cos, np.ones(w) / w, mode="valid")
        ax.plot(t[w - 1:], mean, color="black", linewidth=1.8, label=f"running mean ({w} steps)")
    if t0:
        ax.axvline(t0, color="#555555", linestyle=":", linewidth=1.5,
                   label=f"within {setup.SADDLE_REACHED:g} of (0, 1): t = {t0:,}")
    ax.set_ylim(-1.2, 1.2)
    plotting.label_axes(ax, r"iteration $t$", r"$\cos(\nabla f(x_{t-1}), \nabla f(y_t))$",
                        "Gradient cosine (one dot per step)")
    plotting.legend(ax, loc="lower right", fontsize=10)

    z = slice(ZOOM - 1, min(ZOOM + 59, t.size))
    bx.plot(t[z], cos[z], "-o", color=plotting.style("sam")["color"], markersize=3.5, linewidth=1.2, label="cosine")
    bx.plot(t[z], yx[z] / RHO, "-s", color="#1f77b4", markersize=3.5, linewidth=1.0, label=r"$(y_t)_x/\rho$")
    bx.axhline(0, color="black", linewidth=0.8)
    bx.set_ylim(-1.2, 1.2)
    plotting.label_axes(bx, r"iteration $t$", r"cosine  and  $(y_t)_x/\rho$",
                        f"Steps {ZOOM:,}–{ZOOM + 59:,}: $y_t$ jumps across x = 0")
    plotting.legend(bx, loc="lower right", fontsize=10)

    k = np.arange(ZOOM - 1, min(ZOOM + 7, t.size))
    cx.plot(yx[k], yy[k], "--", color="#777777", linewidth=1.0, zorder=2)
    count = {1: 0, -1: 0}
    for i, j in enumerate(k):
        c = plt_color(i, k.size)
        cx.annotate("", xy=(yx[j], yy[j]), xytext=(x_prev[j, 0], x_prev[j, 1]),
                    arrowprops={"arrowstyle": "-|>", "color": c, "linewidth": 1.4, "alpha": 0.8})
        cx.plot(yx[j], yy[j], "o", color=c, markersize=8, markeredgecolor="black", zorder=4)
        side = 1 if yx[j] > 0 else -1
        lx, ly = side * 0.75, 1.0 + side * (0.3 + 0.13 * count[side])
        count[side] += 1
        cx.annotate(f"{i + 1}: t = {ZOOM + i:,}", xy=(yx[j], yy[j]), xytext=(lx, ly), fontsize=10, ha="center",
                    va="center", color=c, fontweight="bold",
                    arrowprops={"arrowstyle": "-", "color": c, "linewidth": 0.6, "alpha": 0.7})
    cx.axhline(1.0, color="black", linestyle="--", linewidth=1.0)
    cx.axvline(0.0, color="black", linestyle="--", linewidth=1.0)
    plotting.mark_point(cx, sad["point"], marker="X", color="white", size=12, markeredgecolor="black",
                        label="saddle (0, 1)")
    cx.set_xlim(-1, 1)
    cx.set_ylim(0, 2)
    cx.set_aspect("equal")
    plotting.label_axes(cx, r"$x$", r"$y$", f"Perturbed points $y_t$ (numbered), t = {ZOOM:,}…{ZOOM + 7:,}")
    plotting.legend(cx, loc="upper right", fontsize=10)
    fig.suptitle(f"SAM ρ = {RHO} trapped at the Beale saddle: Case III oscillation (lr = "
                 f"{res.meta['algorithm']['lr']:g})", fontsize=12.5)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "beale_case_iii.png")


def plt_color(i: int, n: int):
    return plotting.sequential_colors(n, "plasma")[i]


if __name__ == "__main__":
    script_main(main)
