"""Case III at the Beale saddle: the gradient cosine fills [−1, 1] and the perturbed point alternates sides.

SAM ρ = 0.5 on Beale from (1, 2), official lr 1.25e-5, 50,000 steps (Kim et al. 2023's gradient-cosine
and w^p figures; settings from Harry24k/sam-saddle [official code]). Every step is observed:
cos(∇f(x_{t−1}), ∇f(y_t)) from the step's two exact gradients, and the perturbed point
y_t = x_{t−1} + ρ∇f/‖∇f‖. (a) The cosine of the official run, one dot per step, with its 500-step
running mean; the shaded bands are the 5000-step windows the claim kim-2023/beale-case-iii checks
(from t₀, the first step within 1e-2 of (0, 1)), each labelled with the number of steps whose cosine
lies in [−1, −0.9] (below) and in [0.9, 1] (above). (b) The claim's criterion over all its runs — the
official start, the same moved by one ulp either way, four starts 0.01 away, each with samlab's
compiled Beale gradient and with a plainly lambdified one (another rounding): the fewest visits to
each end in each window (bars) against the claim's limit of 1 (dashed); the strict per-window
minimum of the cosine varies with the rounding, these counts do not. (c) 60 steps from t = 5,000,
where the sign of (y_t)_x flips almost every step; (d) 8 consecutive perturbed points from t = 5,000
drawn as arrows from x_{t−1} (the official w^p plot). Runs, windows and counts are the claim's
(:func:`samlab.setups.kim_2023.beale_case_iii_runs`, :func:`~samlab.setups.kim_2023.case_iii_windows`).
Quick mode: 7,500 steps, compiled gradient only.
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
REPRODUCES = ("the gradient-cosine and w^p figures of Kim et al. 2023 (grad_cos.pdf and wp.pdf of the official "
              "code)")

RHO = setup.BEALE_CASE_III_RHO
ZOOM = setup.WP_PLOT_START
SAM = plotting.style("sam")["color"]


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    from samlab.claims import get

    s = get("kim-2023/beale-case-iii").settings(quick)
    runs = setup.beale_case_iii_runs(s["lr"], s["steps"], seed=0, plain_gradient=s["plain_gradient"], rho=s["rho"])
    sad = K.beale_saddle()
    windows = []
    for code, res in runs.items():
        for b in range(res.runs):
            t0 = setup.first_step_within(res.iterates[:, b, :], sad["point"], setup.SADDLE_REACHED)
            for w in setup.case_iii_windows(res.observed["cos"][:, b], t0) if t0 else []:
                windows.append({"gradient": code, "run": b, **w})
    official = setup.select_runs(runs["compiled"], [0])
    t0 = setup.first_step_within(official.iterates[:, 0, :], sad["point"], setup.SADDLE_REACHED)
    official.meta.update({"case_iii_windows": windows, "t0": t0,
                          "x_prev_from_zoom": official.iterates[ZOOM - 1:ZOOM + 7, 0, :].tolist()})
    official.iterates = None  # the plot reads the observables, t₀ and the 8 points of panel (d): a smaller file
    data = official.save(data_dir(PAPER, out) / "beale_case_iii")
    return [plot(data, out=out, quick=quick)]


def plot(data: Path, out=None, quick: bool = False) -> Path:
    res = sl.Result.load(data)
    sad = K.beale_saddle()
    t = res.t[1:].astype(float)  # observed rows: steps 1 … T
    cos = res.observed["cos"][:, 0]
    yx, yy = res.observed["yx"][:, 0], res.observed["yy"][:, 0]
    x_prev = np.asarray(res.meta["x_prev_from_zoom"])  # x_{t−1} for t = ZOOM … ZOOM + 7
    t0 = res.meta["t0"]
    windows = res.meta["case_iii_windows"]
    W, end = setup.CASE_III["window"], setup.CASE_III["end"]

    fig, axes = plotting.new_figure(ncols=2, nrows=3, width=7.0, height=8.2, squeeze=False)
    ax = plotting.span_panels(fig, axes, 0)
    bx = plotting.span_panels(fig, axes, 1)
    cx, dx = axes[2]
    ax.plot(t, cos, ".", color=SAM, markersize=1.0, alpha=0.25, rasterized=True)
    if t.size > 500:
        mean = np.convolve(cos, np.ones(500) / 500, mode="valid")
        ax.plot(t[499:], mean, color="black", linewidth=1.2, label="running mean (500 steps)")
    own = [w for w in windows if w["gradient"] == "compiled" and w["run"] == 0]
    for i, w in enumerate(own):
        ax.axvspan(w["start"], w["start"] + W, color="#999999" if i % 2 else "#cccccc", alpha=0.35, lw=0, zorder=0)
        mid = w["start"] + W / 2
        ax.text(mid, -1.14, str(w["low_visits"]), ha="center", va="center", fontsize=plotting.FONT_LEGEND)
        ax.text(mid, 1.14, str(w["high_visits"]), ha="center", va="center", fontsize=plotting.FONT_LEGEND)
    for y0 in (-end, end):
        ax.axhline(y0, color="#555555", linestyle=":", linewidth=0.8)
    if t0:
        ax.axvline(t0, color="#555555", linestyle="--", linewidth=1.0, label=f"t₀ = {t0:,} (within 1e-2 of (0, 1))")
    ax.set_ylim(-1.25, 1.25)
    ax.set_xlim(0, t[-1])
    plotting.label_axes(ax, r"iteration $t$", r"$\cos(\nabla f(x_{t-1}), \nabla f(y_t))$",
                        f"(a) cosine; shaded: checked windows, visits to ±[{end:g}, 1]")
    plotting.legend(ax, where="below", ncols=2)

    if windows:
        slots = _slots(windows)
        low = [min(w["low_visits"] for w in slots[i]) for i in range(len(slots))]
        high = [min(w["high_visits"] for w in slots[i]) for i in range(len(slots))]
        k = np.arange(1, len(slots) + 1)
        bx.bar(k - 0.2, low, width=0.4, color="#4393c3", label=f"fewest visits to [−1, −{end:g}]")
        bx.bar(k + 0.2, high, width=0.4, color="#d6604d", label=f"fewest visits to [{end:g}, 1]")
        bx.axhline(setup.CASE_III["min_visits"], color="black", linestyle="--", linewidth=1.0,
                   label="the claim's limit (≥ 1 visit per window)")
        bx.set_xticks(k)
        n_runs = len({(w["gradient"], w["run"]) for w in windows})
        bx.set_yscale("log")
        plotting.label_axes(bx, "window (k-th 5,000 steps after t₀)", "visits (fewest over runs)",
                            f"(b) the claim's criterion over its {n_runs} runs (starts × gradient codes)")
        plotting.legend(bx, where="below", ncols=2)

    z = slice(ZOOM - 1, min(ZOOM + 59, t.size))
    cx.plot(t[z], cos[z], "-o", color=SAM, markersize=2.0, linewidth=0.8, label="cosine")
    cx.plot(t[z], yx[z] / RHO, "-s", color="#1f77b4", markersize=2.0, linewidth=0.6, label=r"$(y_t)_x/\rho$")
    cx.axhline(0, color="black", linewidth=0.6)
    cx.set_ylim(-1.2, 1.2)
    plotting.label_axes(cx, r"iteration $t$", r"cosine and $(y_t)_x/\rho$", f"(c) steps {ZOOM:,}–{ZOOM + 59:,}")
    plotting.legend(cx, where="below", ncols=2)

    k8 = np.arange(ZOOM - 1, min(ZOOM + 7, t.size))
    colors = plotting.sequential_colors(k8.size, "plasma")
    dx.plot(yx[k8], yy[k8], "--", color="#777777", linewidth=0.8, zorder=2)
    for i, j in enumerate(k8):
        dx.annotate("", xy=(yx[j], yy[j]), xytext=(x_prev[i, 0], x_prev[i, 1]),
                    arrowprops={"arrowstyle": "-|>", "color": colors[i], "linewidth": 1.0, "alpha": 0.8})
        dx.plot(yx[j], yy[j], "o", color=colors[i], markersize=5, markeredgecolor="black", zorder=4)
        side = 1 if yx[j] > 0 else -1
        dx.text(side * 0.5, 1.0 + side * (0.3 + 0.12 * (i // 2)), f"{i + 1}: t = {ZOOM + i:,}", fontsize=7,
                ha="center", va="center", color=colors[i], fontweight="bold")
    dx.axhline(1.0, color="black", linestyle="--", linewidth=0.8)
    dx.axvline(0.0, color="black", linestyle="--", linewidth=0.8)
    plotting.mark_point(dx, sad["point"], marker="X", color="white", size=7, markeredgecolor="black",
                        label="saddle (0, 1)")
    dx.set_xlim(-1, 1)
    dx.set_ylim(0, 2)
    dx.set_aspect("equal")
    plotting.label_axes(dx, r"$x$", r"$y$", f"(d) perturbed points $y_t$, t = {ZOOM:,}…{ZOOM + 7:,}")
    plotting.legend(dx, where="below")
    fig.suptitle(f"SAM ρ = {RHO} trapped at the Beale saddle: Case III oscillation "
                 f"(lr = {res.meta['algorithm']['lr']:g})", fontsize=plotting.FONT_TITLE)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "beale_case_iii.png", quick=quick)


def _slots(windows):
    """Windows grouped by their rank after t₀ (the k-th window of every run), in order."""
    runs = {}
    for w in windows:
        runs.setdefault((w["gradient"], w["run"]), []).append(w)
    depth = max(len(v) for v in runs.values())
    return [[v[i] for v in runs.values() if len(v) > i] for i in range(depth)]


if __name__ == "__main__":
    script_main(main)
