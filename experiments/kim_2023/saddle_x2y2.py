"""x² − y²: GD escapes along y, normalized SAM is trapped at the saddle in a period-2 orbit — with either update rule.

Kim et al. 2023's x² − y² figure with its demo's settings (Harry24k/sam-saddle): start (−3, −0.01), η = 0.01,
no momentum, ρ = 0.5 (samlab runs in float64; the demo used float32). Two SAM updates are drawn: pure
SAM (w⁺ = w − η∇f(w^p), as in the official Beale runs) and the demo's own update, which adds ∇f(w) to
∇f(w^p) because it runs no zero_grad between its two backward passes; the paper's figure, drawn by that
demo, shows the second. Also shown: SAM with ρ = 0.05 (escapes: no trap without the
ρ-neighbourhood), USAM at its threshold ρ = 0.5 (ρ|λ₋| = 1: y freezes) and above it, ρ = 0.6
(attracted). (a) Trajectories on the contours of f (clipped to the box); (b) |y_t| (log) with the
derived per-step factor |m₋| = |1 + η|λ₋| − |λ₋|²(2 − ηλ₊)/λ₊²| = 0.96 of the trapped SAM run; (c) |x_t|
settling on the 2-cycle; (d) the last 60 steps of (c) on a linear scale: pure SAM orbits at
a₊ = ηρλ₊/(2 − ηλ₊) = 0.0050505, the demo's rule 1.02 % wider at 2ηρ/(2 − 4η) = 0.0051020 (both
closed forms dashed). Takeaway: both SAM rules are trapped; the difference is invisible at the
paper's scale. Numbers and runs: claims kim-2023/sam-saddle-two-cycle and
kim-2023/x2y2-demo-accumulated-gradient.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import kim_2023 as setup
from samlab.theory import cycle_amplitude
from samlab.theory import kim_2023 as K

PAPER = "kim-2023"
FIGURES = ["saddle_x2y2"]
CLAIMS = ["kim-2023/sam-saddle-two-cycle", "kim-2023/x2y2-demo-accumulated-gradient",
          "kim-2023/usam-attraction-threshold"]
REPRODUCES = "the x² − y² trajectory figure of Kim et al. 2023 (traj.pdf of the official code's demo)"

LR, START, RHO = setup.SADDLE_LR, setup.X2Y2_START, setup.X2Y2_RHO
SAM, USAM, DEMO = plotting.style("sam")["color"], plotting.style("usam")["color"], "#7b0e2e"
RUNS = {  # name: (algorithm factory of the problem, label, colour, line style)
    "gd": (lambda p: setup.variant("gd", LR), "GD", plotting.style("gd")["color"], "-"),
    "sam": (lambda p: setup.variant("sam", LR, RHO), f"SAM ρ = {RHO:g} (pure)", SAM, "-"),
    "sam_demo": (lambda p: setup.accumulated_sam(LR, RHO, p), f"SAM ρ = {RHO:g}, demo's rule ∇f(w) + ∇f(w^p)", DEMO,
                 "--"),
    "sam_small": (lambda p: setup.variant("sam", LR, 0.05), "SAM ρ = 0.05", SAM, ":"),
    "usam_thr": (lambda p: setup.variant("usam", LR, RHO), f"USAM ρ = {RHO:g} (ρ|λ₋| = 1)", USAM, "-"),
    "usam_att": (lambda p: setup.variant("usam", LR, 0.6), "USAM ρ = 0.6", USAM, "-."),
}
ZOOM = 60  # last steps shown in panel (d)


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    steps = setup.FIGURES["saddle_x2y2"]["quick" if quick else "full"]["steps"]
    p = sl.problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    folder = data_dir(PAPER, out)
    paths = {}
    for key, (make, *_rest) in RUNS.items():
        res = sl.run(p, make(p), list(START), steps, checkpoints=np.arange(steps + 1), keep_iterates=True,
                     name=f"x2y2-{key}", seed=0)
        paths[key] = res.save(folder / f"saddle_x2y2_{key}")
    return [plot(paths, out=out, quick=quick)]


def plot(paths: dict, out=None, quick: bool = False) -> Path:
    res = {k: sl.Result.load(v) for k, v in paths.items()}
    p = sl.problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    lam_plus, lam_minus = max(setup.X2Y2_EIGENVALUES), min(setup.X2Y2_EIGENVALUES)
    a = float(cycle_amplitude(LR, RHO, lam_plus))
    a_demo = float(K.accumulated_cycle_amplitude(LR, RHO, lam_plus))
    m = abs(float(K.sam_saddle_cycle_multiplier(LR, lam_plus, lam_minus)))
    fig, axes = plotting.new_figure(ncols=2, nrows=2, width=7.0, height=6.6, squeeze=False)
    (ax, bx), (cx, dx) = axes

    g = np.linspace(-4.5, 4.5, 181)
    X, Y = np.meshgrid(g, g)
    Z = p.value(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    ax.contourf(X, Y, Z, levels=24, cmap="coolwarm", alpha=0.45)
    ax.contour(X, Y, Z, levels=[0.0], colors="k", linewidths=0.6, linestyles="--")
    for key, r in res.items():
        _, label, color, ls = RUNS[key]
        path = r.iterates[:, 0, :]
        inside = np.all(np.abs(path) <= 4.5, axis=1)
        last = np.argmin(inside) if not inside.all() else path.shape[0]
        ax.plot(path[:last, 0], path[:last, 1], color=color, linestyle=ls, linewidth=1.4)
    plotting.mark_point(ax, START, marker="P", color="black", size=7, label="start (−3, −0.01)")
    plotting.mark_point(ax, (0, 0), marker="X", color="white", size=7, markeredgecolor="black", label="saddle")
    ax.set_xlim(-4.5, 4.5)
    ax.set_ylim(-4.5, 4.5)
    ax.set_aspect("equal")
    plotting.label_axes(ax, r"$x$", r"$y$", r"(a) trajectories on $f = x^2 - y^2$")
    plotting.legend(ax, loc="upper left")

    for key, r in res.items():
        _, label, color, ls = RUNS[key]
        t = r.t.astype(float)
        bx.plot(t, np.abs(r.iterates[:, 0, 1]), color=color, linestyle=ls, linewidth=1.4, label=label)
        cx.plot(t, np.abs(r.iterates[:, 0, 0]), color=color, linestyle=ls, linewidth=1.4)
    tr = res["sam"]
    y = np.abs(tr.iterates[:, 0, 1])
    t = tr.t.astype(float)
    k0 = int(np.argmax(np.abs(np.abs(tr.iterates[:, 0, 0]) / a - 1) < 1e-2))
    ts = np.linspace(t[k0], t[-1], 50)
    bx.plot(ts, y[k0] * m ** (ts - t[k0]) * 10, color="black", linestyle="--", linewidth=1.1,
            label=rf"slope $|m_-|^t$, $|m_-|$ = {m:.2f} (×10)")
    plotting.set_log(bx, "y")
    bx.set_ylim(1e-20, 1e4)
    plotting.label_axes(bx, r"iteration $t$", r"$|y_t|$ (unstable coordinate)", "(b) escape (up) vs trap (down)")
    handles, labels = bx.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=plotting.FONT_LEGEND, frameon=False)

    plotting.set_log(cx, "y")
    cx.set_ylim(1e-6, 10)
    plotting.label_axes(cx, r"iteration $t$", r"$|x_t|$ (stable coordinate)", "(c) SAM settles on a 2-cycle")

    last = t >= t[-1] - ZOOM
    for key in ("sam", "sam_demo"):
        _, label, color, ls = RUNS[key]
        r = res[key]
        dx.plot(r.t[last], 1e3 * np.abs(r.iterates[last, 0, 0]), color=color, linestyle=ls, marker="o", markersize=2.5,
                linewidth=1.0)
    dx.axhline(1e3 * a, color=SAM, linestyle="--", linewidth=1.0,
               label=rf"$a_+ = \eta\rho\lambda_+/(2-\eta\lambda_+)$ = {a:.7f}")
    dx.axhline(1e3 * a_demo, color=DEMO, linestyle="--", linewidth=1.0,
               label=rf"demo's rule: $2\eta\rho/(2-4\eta)$ = {a_demo:.7f}")
    dx.set_ylim(1e3 * a * 0.995, 1e3 * a_demo * 1.006)
    plotting.label_axes(dx, r"iteration $t$", r"$|x_t|$ (×10⁻³)", f"(d) the last {ZOOM} steps: two orbits")
    plotting.legend(dx, loc="upper right")
    fig.suptitle(r"$f = x^2 - y^2$, η = 0.01, start (−3, −0.01): GD escapes, SAM (either rule) is trapped",
                 fontsize=plotting.FONT_TITLE)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "saddle_x2y2.png", quick=quick, add_legends=False)


if __name__ == "__main__":
    script_main(main)
