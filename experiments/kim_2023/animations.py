"""Saddle trapping you can watch: GD beside SAM on Beale and on x² − y², with SAM's perturbed point.

Two animated GIFs. Beale (official settings of Harry24k/sam-saddle: start (1, 2), lr 1.25e-5, 87,683
steps; frames log-spaced in t so that the first moves and the long trap both show): GD (left) goes
down the valley towards the minimum (3, 0.5) while SAM with ρ = 0.5 (right) is caught at the saddle
(0, 1), its perturbed point y = x + ρ∇f/‖∇f‖ (open circle, joined to x) jumping from one side of
the saddle to the other — the Case III oscillation. x² − y² (the official demo's start (−3, −0.01),
η = 0.01, 500 steps, one frame every 5 steps): GD escapes along y, SAM with ρ = 0.5 settles on its
2-cycle at the saddle while its perturbed point flips between x ≈ ±ρ. The runs are those of the
figures beale_trajectories and saddle_x2y2 (the same ``samlab.run`` calls). Quick mode: Beale at
η = 1e-4 for 4,000 steps and fewer frames.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import figure_dir, script_main
from samlab.linalg import row_norms
from samlab.result import atomic_write_bytes
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K

PAPER = "kim-2023"
FIGURES = ["beale_gd_vs_sam", "saddle_x2y2_gd_vs_sam"]
CLAIMS = ["kim-2023/beale-saddle-trap", "kim-2023/beale-case-iii", "kim-2023/sam-saddle-two-cycle"]
REPRODUCES = "the animation at the top of the official code's README (intro.gif: Beale, GD vs SAM ρ = 0.5)"

DPI = 100
FPS = 12
GD, SAM = plotting.style("gd")["color"], plotting.style("sam")["color"]


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    folder = figure_dir(PAPER, out)
    return [beale_animation(quick, folder), x2y2_animation(quick, folder)]


def _perturbed(problem, X, rho):
    """y = x + ρ∇f(x)/‖∇f(x)‖ row-wise (x where ∇f = 0)."""
    g = problem.grad(X)
    n = row_norms(g)
    return X + rho * np.divide(g, n[:, None], out=np.zeros_like(g), where=n[:, None] > 0)


def _save_gif(fig, artists, update, n_frames: int, path: Path) -> Path:
    """Render ``n_frames`` frames and write them as one GIF, atomically (Pillow; bytes, then one rename).

    The static part (contours, axes, labels) is drawn once and kept as a background; each frame
    redraws only ``artists`` after ``update(i)`` (matplotlib's blitting), at :data:`DPI`.
    """
    from PIL import Image

    fig.set_dpi(DPI)
    canvas = fig.canvas
    update(0)  # every artist has its content when the layout is computed
    for a in artists:
        a.set_animated(True)
    canvas.draw()
    fig.set_layout_engine("none")  # keep the layout of the first draw
    background = canvas.copy_from_bbox(fig.bbox)
    frames = []
    for i in range(n_frames):
        canvas.restore_region(background)
        update(i)
        for a in artists:
            fig.draw_artist(a)
        w, h = canvas.get_width_height()
        rgb = Image.frombuffer("RGBA", (w, h), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")
        frames.append(rgb.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=int(1000 / FPS), loop=0)
    atomic_write_bytes(path, buffer.getvalue())
    plotting._close(fig)
    return path


def _panels(title_left, title_right):
    fig, axes = plotting.new_figure(ncols=2, width=7.0, height=3.4)
    for ax, title in zip(axes, (title_left, title_right)):
        plotting.label_axes(ax, r"$x$", r"$y$", title)
    return fig, axes


def beale_animation(quick: bool, folder: Path) -> Path:
    s = setup.FIGURES["beale_trajectories"]["quick" if quick else "full"]
    lr, steps = s["lr"], int(s["steps"])
    res = setup.beale_trap_run(lr, steps, seed=0)
    p = sl.problems.beale()
    sad = K.beale_saddle()
    want = np.unique(np.round(np.geomspace(1, steps, 60 if quick else 110)).astype(int))
    rows = np.unique(np.searchsorted(res.t, want).clip(0, res.t.size - 1))
    t = res.t[rows]
    gd, sam = res.iterates[:, 0, :], res.iterates[:, 2, :]  # ρ = 0 (GD) and ρ = 0.5
    y_sam = _perturbed(p, sam[rows], setup.BEALE_CASE_III_RHO)
    fig, (ax, bx) = _panels("GD", f"SAM ρ = {setup.BEALE_CASE_III_RHO:g}")
    g = np.linspace(-1.5, 3.7, 160)
    h = np.linspace(-0.5, 2.7, 120)
    X, Y = np.meshgrid(g, h)
    Z = np.log10(p.value(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape) + 1.1)
    for a in (ax, bx):
        a.contourf(X, Y, Z, levels=14, cmap="jet", alpha=0.3)
        a.plot(*setup.OFFICIAL_BEALE["minimum"], marker="*", color="gold", markersize=9, markeredgecolor="black")
        a.plot(*sad["point"], marker="X", color="white", markersize=7, markeredgecolor="black")
        a.set_xlim(g[0], g[-1])
        a.set_ylim(h[0], h[-1])
    trail_a, = ax.plot([], [], color=GD, linewidth=1.6)
    dot_a, = ax.plot([], [], "o", color=GD, markersize=6)
    trail_b, = bx.plot([], [], color=SAM, linewidth=1.6)
    dot_b, = bx.plot([], [], "o", color=SAM, markersize=6)
    pert, = bx.plot([], [], "o", color=SAM, markerfacecolor="white", markersize=6, markeredgewidth=1.4,
                    label="perturbed point y")
    link, = bx.plot([], [], color=SAM, linewidth=0.8, linestyle=":")
    bx.legend(loc="lower right", fontsize=plotting.FONT_LEGEND)
    title = fig.suptitle("", fontsize=plotting.FONT_TITLE)

    def update(i):
        k = rows[i]
        trail_a.set_data(gd[:k + 1, 0], gd[:k + 1, 1])
        dot_a.set_data([gd[k, 0]], [gd[k, 1]])
        trail_b.set_data(sam[:k + 1, 0], sam[:k + 1, 1])
        dot_b.set_data([sam[k, 0]], [sam[k, 1]])
        pert.set_data([y_sam[i, 0]], [y_sam[i, 1]])
        link.set_data([sam[k, 0], y_sam[i, 0]], [sam[k, 1], y_sam[i, 1]])
        title.set_text(f"Beale from (1, 2), lr = {lr:g}: step t = {int(t[i]):,} of {steps:,}")

    return _save_gif(fig, [trail_a, dot_a, trail_b, dot_b, pert, link, title], update, rows.size,
                     folder / "beale_gd_vs_sam.gif")


def x2y2_animation(quick: bool, folder: Path) -> Path:
    steps = setup.FIGURES["saddle_x2y2"]["quick" if quick else "full"]["steps"]
    shown = 500
    p = sl.problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    runs = {key: sl.run(p, alg, list(setup.X2Y2_START), steps, checkpoints=np.arange(steps + 1), keep_iterates=True,
                        name=f"x2y2-{key}", seed=0)
            for key, alg in (("gd", setup.variant("gd", setup.SADDLE_LR)),
                             ("sam", setup.variant("sam", setup.SADDLE_LR, setup.X2Y2_RHO)))}
    gd, sam = runs["gd"].iterates[:, 0, :], runs["sam"].iterates[:, 0, :]
    rows = np.arange(0, min(shown, steps) + 1, 10 if quick else 5)
    y_sam = _perturbed(p, sam[rows], setup.X2Y2_RHO)
    fig, (ax, bx) = _panels("GD", f"SAM ρ = {setup.X2Y2_RHO:g}")
    g = np.linspace(-4.5, 4.5, 121)
    X, Y = np.meshgrid(g, g)
    Z = X ** 2 - Y ** 2
    for a in (ax, bx):
        a.contourf(X, Y, Z, levels=12, cmap="coolwarm", alpha=0.4)
        a.plot(0, 0, marker="X", color="white", markersize=7, markeredgecolor="black")
        a.set_xlim(-4.5, 4.5)
        a.set_ylim(-4.5, 4.5)
        a.set_aspect("equal")
    trail_a, = ax.plot([], [], color=GD, linewidth=1.6)
    dot_a, = ax.plot([], [], "o", color=GD, markersize=6)
    trail_b, = bx.plot([], [], color=SAM, linewidth=1.6)
    dot_b, = bx.plot([], [], "o", color=SAM, markersize=6)
    pert, = bx.plot([], [], "o", color=SAM, markerfacecolor="white", markersize=6, markeredgewidth=1.4,
                    label="perturbed point y")
    link, = bx.plot([], [], color=SAM, linewidth=0.8, linestyle=":")
    bx.legend(loc="lower right", fontsize=plotting.FONT_LEGEND)
    title = fig.suptitle("", fontsize=plotting.FONT_TITLE)

    def clip(path):
        inside = np.all(np.abs(path) <= 4.5, axis=1)
        return path[: (np.argmin(inside) if not inside.all() else path.shape[0])]

    def update(i):
        k = rows[i]
        a, b = clip(gd[:k + 1]), clip(sam[:k + 1])
        trail_a.set_data(a[:, 0], a[:, 1])
        dot_a.set_data(a[-1:, 0], a[-1:, 1])
        trail_b.set_data(b[:, 0], b[:, 1])
        dot_b.set_data(b[-1:, 0], b[-1:, 1])
        pert.set_data([y_sam[i, 0]], [y_sam[i, 1]])
        link.set_data([sam[k, 0], y_sam[i, 0]], [sam[k, 1], y_sam[i, 1]])
        title.set_text(f"f = x² − y², η = {setup.SADDLE_LR:g}, from (−3, −0.01): step t = {int(k):,}")

    return _save_gif(fig, [trail_a, dot_a, trail_b, dot_b, pert, link, title], update, rows.size,
                     folder / "saddle_x2y2_gd_vs_sam.gif")


if __name__ == "__main__":
    script_main(main)
