"""How tight are Khanh et al.'s per-step bounds? Worst ratio over L-smooth instances against the horizon T.

For each bound, measured/bound (1 = the bound is attained) against the horizon T on log-log axes: the
largest ratio over t ≤ T that adversarial search finds (``samlab.adversary.search``, differential
evolution over convex quadratics, Huber sums, saddles or nonconvex cosine sums, d = 4, L = 1, with the
hyperparameters free), the median over uniformly drawn instances, the per-step PEP value (PEPit,
L-smooth interpolation; the relations involve one step, so it is the same for every T) and the bound.
(a) The normalized variants (SAM, VaSSO, RSAM, F-SAM) as inexact gradient descent with absolute error:
‖∇f(y) − ∇f(x)‖/(Lρ) — attained (ratio 1 up to rounding) by quadratics along the top eigenvector, and the
PEP over the ball ‖y − x‖ ≤ ρ gives exactly (Lρ)². (b) USAM's relative error ‖∇f(y) − ∇f(x)‖/(Lρ‖∇f(x)‖):
attained too (exact PEP). (c) The derived USAM descent bound f(x⁺) ≤ f(x) − tc‖∇f‖² over its region
ρL < 1, t < t̄(ρ): (f(x⁺) − f(x) + t‖∇f‖²)/(t(1 − c)‖∇f‖²) — below 1 (the exact one-step PEP reaches
0.99 at small t, less elsewhere): the constant c is slightly conservative. The last T is the claims'
horizon (khanh-2024/igd-error-bound-worst-case, khanh-2024/usam-monotone-descent-worst-case), whose
worst ratios these are. Medians below 0.05 (in (c) they are negative at small T: most steps decrease f by
more than t‖∇f‖²) are drawn at 0.05. Takeaway: no instance breaks any of the bounds; the IGD error bound Lρ is tight.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import FONT_LEGEND, label_axes, new_figure, save_figure, style
from samlab.result import atomic_write_text
from samlab.setups import khanh_2024 as setup

PAPER = "khanh-2024"
FIGURES = ["worst_case"]
CLAIMS = [f"{PAPER}/igd-error-bound-worst-case", f"{PAPER}/usam-monotone-descent-worst-case",
          f"{PAPER}/igd-error-bound", f"{PAPER}/usam-monotone-descent"]
REPRODUCES = None
FLOOR = 0.05  # medians below it (panel (c): negative at small T, a step that decreases f by more than t‖∇f‖²) are drawn on it


def _sweep(quick: bool) -> dict:
    s = dict(setup.WORST_CASE["quick" if quick else "full"])
    Ts = setup.WORST_FIGURE_T["quick" if quick else "full"]
    L = setup.WORST_L
    out = {"T": Ts, "normalized": [], "usam_relative": [], "usam_descent": []}
    for T in Ts:
        s["steps"] = T
        rows, _ = setup.worst_rows(setup.NORMALIZED + ("usam",), setup.igd_families(int(s["dim"])), setup.igd_factory,
                                   lambda m: setup.igd_ratio_metric(L, m == "usam"), setup.igd_bound, s, 0)
        for key, sel in (("normalized", [r for r in rows if r["method"] != "usam"]),
                         ("usam_relative", [r for r in rows if r["method"] == "usam"])):
            out[key].append({"worst": max(r["worst_ratio"] for r in sel),
                             "median": float(np.median([r["median_random"] for r in sel]))})
        rows, _ = setup.worst_rows(("usam",), setup.usam_families(int(s["dim"])), lambda m: setup.usam_factory(),
                                   lambda m: setup.usam_descent_metric, setup.usam_bound, s, 0)
        out["usam_descent"].append({"worst": max(r["worst_ratio"] for r in rows),
                                    "median": float(np.median([r["median_random"] for r in rows]))})
    pep_abs, pep_rel = setup.igd_step_pep(0.1, False), setup.igd_step_pep(0.1, True)
    grid = s["pep_grid"]
    out["pep"] = {"normalized": pep_abs["ratio"], "usam_relative": pep_rel["ratio"],
                  "usam_descent": max(setup.usam_step_pep(u, v)["ratio"] for u in grid for v in grid)}
    return out


def main(quick: bool = False, out=None) -> list[Path]:
    data = _sweep(quick)
    atomic_write_text(data_dir(PAPER, out) / "worst_case_sweep.json", json.dumps(data, indent=1, sort_keys=True) + "\n")
    fig, grid = new_figure(ncols=2, nrows=2, width=7.0, height=5.4)
    panels = ((grid[0, 0], "normalized", "(a) SAM, VaSSO, RSAM, F-SAM: ‖∇f(y) − ∇f(x)‖/(Lρ)", "ball relaxation"),
              (grid[0, 1], "usam_relative", "(b) USAM: ‖∇f(y) − ∇f(x)‖/(Lρ‖∇f(x)‖)", "exact"),
              (grid[1, 0], "usam_descent", "(c) USAM: (Δf + t‖∇f‖²)/(t(1 − c)‖∇f‖²)", "exact, max over (u, v) grid"))
    T = np.asarray(data["T"], float)
    for ax, key, title, pep_kind in panels:
        worst = [r["worst"] for r in data[key]]
        med = [r["median"] for r in data[key]]
        ax.plot(T, np.ones_like(T), color="black", lw=1.2, linestyle="--", label="bound (ratio 1)")
        ax.plot(T, np.full_like(T, data["pep"][key]), color="#6a3d9a", lw=0, marker="s", ms=5, mfc="none",
                label="PEP, one step (relaxation or exact)")
        ax.plot(T, worst, color=style("sam")["color"], marker="o", ms=4, lw=1.4, label="adversarial worst over t ≤ T")
        ax.plot(T, np.clip(med, FLOOR, None), color="#1f77b4", marker="^", ms=4, lw=1.2,
                label=f"median over random instances (drawn at {FLOOR:g} when lower)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(FLOOR * 0.8, 2.0)
        label_axes(ax, "horizon T (steps)", "measured / bound", title)
        ax.title.set_fontsize(7.5)
        ax.text(0.97, 0.45, f"PEP: {pep_kind}\nworst at T = {int(T[-1])}: {worst[-1]:.6f}", transform=ax.transAxes,
                ha="right", va="center", fontsize=7, bbox={"fc": "white", "alpha": 0.85, "ec": "0.7"})
    lx = grid[1, 1]
    lx.axis("off")
    h, lab = grid[0, 0].get_legend_handles_labels()
    lx.legend(h, lab, loc="center", fontsize=FONT_LEGEND + 0.5, frameon=False)
    fig.suptitle("Khanh et al. 2024: worst cases of the per-step bounds over L-smooth f (L = 1, d = 4)", fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "worst_case.png", add_legends=False, quick=quick)]


if __name__ == "__main__":
    script_main(main)
