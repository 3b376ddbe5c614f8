"""x² − y²: GD escapes along y, normalized SAM is trapped at the saddle in a period-2 orbit.

Kim et al. 2023's x² − y² figure with its demo's settings (Harry24k/sam-saddle): start (−3, −0.01), η = 0.01, no
momentum, normalized SAM with ρ = 0.5 (samlab runs in float64; the demo used float32). Also shown:
SAM with ρ = 0.05 (escapes: no trap without the ρ-neighbourhood), USAM at its threshold ρ = 0.5
(ρ|λ₋| = 1: y freezes) and above it, ρ = 0.6 (attracted). Left: trajectories on the contours of f;
middle: |y_t| (log) with the derived per-step factor |m₋| = |1 + η|λ₋| − |λ₋|²(2 − ηλ₊)/λ₊²| = 0.96 of
the trapped SAM run; right: |x_t| converging to the 2-cycle amplitude a₊ = ηρλ₊/(2 − ηλ₊) (pure SAM;
the demo's own update, which accumulates ∇f(w) + ∇f(w^p), orbits at 2ηρ/(2 − 4η) = 0.0051020).
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
CLAIMS = ["kim-2023/sam-saddle-two-cycle", "kim-2023/usam-attraction-threshold"]

LR, START, RHO = setup.SADDLE_LR, setup.X2Y2_START, setup.X2Y2_RHO
RUNS = {  # name: (algorithm factory, label, colour, style)
    "gd": (lambda: sl.algorithms.gd(LR), "GD", plotting.style("gd")["color"], "-"),
    "sam": (lambda: sl.algorithms.sam(LR, RHO), f"SAM ρ = {RHO:g}", plotting.style("sam")["color"], "-"),
    "sam_small": (lambda: sl.algorithms.sam(LR, 0.05), "SAM ρ = 0.05", "#e377c2", "--"),
    "usam_thr": (lambda: sl.algorithms.usam(LR, RHO), f"USAM ρ = {RHO:g} (ρ|λ₋| = 1)", plotting.style("usam")["color"],
                 ":"),
    "usam_att": (lambda: sl.algorithms.usam(LR, 0.6), "USAM ρ = 0.6", "#8c564b", "-."),
}


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    steps = setup.FIGURES["saddle_x2y2"]["quick" if quick else "full"]["steps"]
    p = sl.problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    folder = data_dir(PAPER, out)
    paths = {}
    for key, (make, *_rest) in RUNS.items():
        res = sl.run(p, make(), list(START), steps, checkpoints=np.arange(steps + 1), keep_iterates=True,
                     name=f"x2y2-{key}", seed=0)
        paths[key] = res.save(folder / f"saddle_x2y2_{key}")
    return [plot(paths, out=out)]


def plot(paths: dict, out=None) -> Path:
    res = {k: sl.Result.load(v) for k, v in paths.items()}
    p = sl.problems.quadratic_saddle(setup.X2Y2_EIGENVALUES)
    lam_plus, lam_minus = max(setup.X2Y2_EIGENVALUES), min(setup.X2Y2_EIGENVALUES)
    a = float(cycle_amplitude(LR, RHO, lam_plus))
    m = abs(float(K.sam_saddle_cycle_multiplier(LR, lam_plus, lam_minus)))
    fig, (ax, bx, cx) = plotting.new_figure(ncols=3, width=16.5, height=5.2)
    g = np.linspace(-4.5, 4.5, 241)
    X, Y = np.meshgrid(g, g)
    Z = p.value(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
    cs = ax.contourf(X, Y, Z, levels=30, cmap="coolwarm", alpha=0.55)
    ax.contour(X, Y, Z, levels=[0.0], colors="k", linewidths=0.8, linestyles="--")
    fig.colorbar(cs, ax=ax, shrink=0.85, label=r"$f = x^2 - y^2$")
    for key, r in res.items():
        _, label, color, ls = RUNS[key]
        path = r.iterates[:, 0, :]
        inside = np.all(np.abs(path) <= 4.5, axis=1)
        last = np.argmin(inside) if not inside.all() else path.shape[0]
        plotting.plot_trajectory(ax, path[:last], label=label, color=color, linestyle=ls, linewidth=2.2,
                                 start_marker=None)
    plotting.mark_point(ax, START, marker="P", color="black", size=12, label="start (−3, −0.01)")
    plotting.mark_point(ax, (0, 0), marker="X", color="white", size=12, markeredgecolor="black", label="saddle")
    ax.set_xlim(-4.5, 4.5)
    ax.set_ylim(-4.5, 4.5)
    ax.set_aspect("equal")
    plotting.label_axes(ax, r"$x$", r"$y$", "Trajectories (clipped to the box)")

    for key, r in res.items():
        _, label, color, ls = RUNS[key]
        t = r.t.astype(float)
        bx.plot(t, np.abs(r.iterates[:, 0, 1]), color=color, linestyle=ls, linewidth=2.0, label=label)
        cx.plot(t, np.abs(r.iterates[:, 0, 0]), color=color, linestyle=ls, linewidth=2.0, label=label)
    tr = res["sam"]
    y = np.abs(tr.iterates[:, 0, 1])
    t = tr.t.astype(float)
    k0 = int(np.argmax(np.abs(np.abs(tr.iterates[:, 0, 0]) / a - 1) < 1e-2))
    ts = np.linspace(t[k0], t[-1], 50)
    bx.plot(ts, y[k0] * m ** (ts - t[k0]) * 10, color="black", linestyle="--", linewidth=1.6,
            label=rf"slope $|m_-|^t$, $|m_-|$ = {m:.2f} (×10)")
    plotting.set_log(bx, "y")
    bx.set_ylim(1e-20, 1e4)
    plotting.label_axes(bx, r"iteration $t$", r"$|y_t|$ (unstable coordinate)", "Escape (up) vs trap (down)")
    plotting.legend(bx, loc="lower left", fontsize=9.5)
    plotting.add_level(cx, a, label=rf"$a_+ = \eta\rho\lambda_+/(2-\eta\lambda_+)$ = {a:.6f}")
    plotting.set_log(cx, "y")
    cx.set_ylim(1e-6, 10)
    plotting.label_axes(cx, r"iteration $t$", r"$|x_t|$ (stable coordinate)", "SAM settles on the 2-cycle ±a₊")
    plotting.legend(cx, loc="lower left", fontsize=9.5)
    plotting.legend(ax, loc="upper left", fontsize=9, ncols=1)
    fig.suptitle(r"$f(x, y) = x^2 - y^2$, η = 0.01, start (−3, −0.01): GD escapes, normalized SAM is trapped",
                 fontsize=12.5)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "saddle_x2y2.png")


if __name__ == "__main__":
    script_main(main)
