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
0.99 at small t, less elsewhere): the constant c is slightly conservative. (d) The convex descent
inequality ⟨∇f(y), ∇f(x)⟩ ≥ ‖∇f(x)‖² of SAM's direction, as (2‖∇f(x)‖² − ⟨∇f(y), ∇f(x)⟩)/‖∇f(x)‖² ≤ 1
over convex quadratics and Huber sums — attained exactly where f is affine along the ascent ray, and the
exact PEP over L-smooth convex f is 1. (e) Remark 3.6 (ρ_k = C/k^p, p = 0.001, against ρ = C, t = 1/L):
|f_K(C/k^p) − f_K(C)|/f_K(C) over its first-order bound 1 − K^{−2p} at t = K, worst over C and the
instance — exactly 1 on convex quadratics (the derivation's class), exceeded beyond it by Huber sums
(whose 2-cycle is pushed off-centre by their affine coordinates) and by cosine sums (the two arms settle in
different wells); no PEP applies (two runs compared). The last T is the claims' horizon
(khanh-2024/igd-error-bound-worst-case, khanh-2024/usam-monotone-descent-worst-case,
khanh-2024/convex-descent-inequality-worst-case; K of khanh-2024/almost-constant-radius-worst-case), whose
worst ratios these are. Medians below 0.05 (in (c) they are negative at small T: most steps decrease f by
more than t‖∇f‖²) are drawn at 0.05. Takeaway: no instance breaks any of the per-step bounds, and the IGD
error bound Lρ and the convex descent inequality are tight; Remark 3.6's first-order bound is exact on
quadratics only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import FONT_LEGEND, label_axes, new_figure, save_figure, style
from samlab.result import atomic_write_text
from samlab.setups import khanh_2024 as setup

PAPER = "khanh-2024"
FIGURES = ["worst_case"]
CLAIMS = [f"{PAPER}/igd-error-bound-worst-case", f"{PAPER}/usam-monotone-descent-worst-case",
          f"{PAPER}/convex-descent-inequality-worst-case", f"{PAPER}/almost-constant-radius-worst-case",
          f"{PAPER}/igd-error-bound", f"{PAPER}/usam-monotone-descent", f"{PAPER}/convex-descent-inequality",
          f"{PAPER}/almost-constant-radius"]
REPRODUCES = None
REMARK36_K = {"quick": [50, 150, setup.ALMOST_CONSTANT_WORST["quick"]["steps"]],
              "full": [100, 300, 1000, setup.ALMOST_CONSTANT_WORST["full"]["steps"]]}
"""Horizons K of panel (e) (the last is the claim's K)."""
FLOOR = 0.05  # medians below it (panel (c): negative at small T, a step that decreases f by more than t‖∇f‖²) are drawn on it


def _sweep(quick: bool) -> dict:
    s = dict(setup.WORST_CASE["quick" if quick else "full"])
    Ts = setup.WORST_FIGURE_T["quick" if quick else "full"]
    L = setup.WORST_L
    out = {"T": Ts, "normalized": [], "usam_relative": [], "usam_descent": [], "convex_descent": []}
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
        rows, _ = setup.worst_rows(("sam",), setup.convex_descent_families(int(s["dim"])), setup.convex_descent_factory,
                                   lambda m: setup.convex_descent_metric, setup.unit_bound, s, 0)
        out["convex_descent"].append({"worst": max(r["worst_ratio"] for r in rows),
                                      "median": float(np.median([r["median_random"] for r in rows]))})
    pep_abs, pep_rel = setup.igd_step_pep(0.1, False), setup.igd_step_pep(0.1, True)
    grid = s["pep_grid"]
    rho_grid = setup.CONVEX_DESCENT_WORST["quick" if quick else "full"]["pep_rho"]
    out["pep"] = {"normalized": pep_abs["ratio"], "usam_relative": pep_rel["ratio"],
                  "usam_descent": max(setup.usam_step_pep(u, v)["ratio"] for u in grid for v in grid),
                  "convex_descent": max(setup.convex_descent_pep(r)["ratio"] for r in rho_grid)}
    out["remark36"] = _remark36_sweep(quick)
    return out


def _remark36_sweep(quick: bool) -> dict:
    """Worst |f_K(C/k^p) − f_K(C)|/f_K(C)/(1 − K^{−2p}) at t = K per family, for each horizon K."""
    s = dict(setup.ALMOST_CONSTANT_WORST["quick" if quick else "full"])
    Ks = REMARK36_K["quick" if quick else "full"]
    factory = setup.almost_constant_factory(s["p"], C_range=s["C"])
    fams = setup.almost_constant_families(int(s["dim"]))
    out = {"K": Ks, **{name: [] for name in fams}}
    for K in Ks:
        s["steps"] = K
        rows, _ = setup.worst_rows(("sam",), fams, lambda m: factory, lambda m: setup.almost_constant_metric,
                                   setup.almost_constant_worst_bound(s["p"]), s, 0, at="final")
        for r in rows:
            out[r["family"]].append({"worst": r["worst_ratio"], "median": r["median_random"]})
    return out


def _remark36_panel(ax, r36: dict) -> None:
    """(e): worst ratio at t = K against K per family; the derivation's class (quadratics) and beyond it."""
    K = np.asarray(r36["K"], float)
    ax.plot(K, np.ones_like(K), color="black", lw=1.2, linestyle="--")
    lines = (("quadratics", "convex quadratics (the class): worst", style("sam")["color"], "o"),
             ("huber", "Huber sums (beyond): worst", "#ff7f00", "D"),
             ("cosines", "cosine sums (beyond): worst", "#33a02c", "v"))
    for key, lab, color, marker in lines:
        ax.plot(K, [r["worst"] for r in r36[key]], color=color, marker=marker, ms=4, lw=1.3, label=lab)
    ax.plot(K, np.clip([r["median"] for r in r36["quadratics"]], FLOOR, None), color="#1f77b4", marker="^", ms=4,
            lw=1.0, label="quadratics: median")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.3, 2e5)
    label_axes(ax, "horizon K (steps)", "ratio / (1 − K$^{-2p}$)",
               "(e) Remark 3.6: |f_K(C/k^p) − f_K(C)|/f_K(C), p = 0.001")
    ax.title.set_fontsize(7.5)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xticks(K, [str(int(v)) for v in K])
    ax.text(0.97, 0.3, f"no PEP (two runs compared)\nquadratics at K = {int(K[-1])}: {r36['quadratics'][-1]['worst']:.6f}",
            transform=ax.transAxes, ha="right", va="center", fontsize=7,
            bbox={"fc": "white", "alpha": 0.85, "ec": "0.7"})


def main(quick: bool = False, out=None) -> list[Path]:
    data = _sweep(quick)
    atomic_write_text(data_dir(PAPER, out) / "worst_case_sweep.json", json.dumps(data, indent=1, sort_keys=True) + "\n")
    fig, grid = new_figure(ncols=2, nrows=3, width=7.0, height=8.0)
    panels = ((grid[0, 0], "normalized", "(a) SAM, VaSSO, RSAM, F-SAM: ‖∇f(y) − ∇f(x)‖/(Lρ)", "ball relaxation"),
              (grid[0, 1], "usam_relative", "(b) USAM: ‖∇f(y) − ∇f(x)‖/(Lρ‖∇f(x)‖)", "exact"),
              (grid[1, 0], "usam_descent", "(c) USAM: (Δf + t‖∇f‖²)/(t(1 − c)‖∇f‖²)", "exact, max over (u, v) grid"),
              (grid[1, 1], "convex_descent", "(d) SAM, convex f: (2‖∇f(x)‖² − ⟨∇f(y), ∇f(x)⟩)/‖∇f(x)‖²",
               "exact, max over Lρ/‖∇f‖"))
    T = np.asarray(data["T"], float)
    for ax, key, title, pep_kind in panels:
        worst = [r["worst"] for r in data[key]]
        med = [r["median"] for r in data[key]]
        ax.plot(T, np.ones_like(T), color="black", lw=1.2, linestyle="--", label="bound (ratio 1)")
        ax.plot(T, np.full_like(T, data["pep"][key]), color="#6a3d9a", lw=0, marker="s", ms=5, mfc="none",
                label="PEP, one step (relaxation or exact)")
        ax.plot(T, worst, color=style("sam")["color"], marker="o", ms=4, lw=1.4, label="adversarial worst over t ≤ T")
        ax.plot(T, np.clip(med, FLOOR, None), color="#1f77b4", marker="^", ms=4, lw=1.2,
                label=f"median of random instances (at {FLOOR:g} if lower)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(FLOOR * 0.8, 2.0)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(T, [str(int(v)) for v in T])
        label_axes(ax, "horizon T (steps)", "measured / bound", title)
        ax.title.set_fontsize(7.5)
        ax.text(0.97, 0.45, f"PEP: {pep_kind}\nworst at T = {int(T[-1])}: {worst[-1]:.6f}", transform=ax.transAxes,
                ha="right", va="center", fontsize=7, bbox={"fc": "white", "alpha": 0.85, "ec": "0.7"})
    _remark36_panel(grid[2, 0], data["remark36"])
    lx = grid[2, 1]
    lx.axis("off")
    h, lab = grid[0, 0].get_legend_handles_labels()
    first = lx.legend(h, lab, loc="upper left", bbox_to_anchor=(-0.12, 1.0), fontsize=FONT_LEGEND, frameon=False,
                      title="(a)–(d)", title_fontsize=FONT_LEGEND)
    lx.add_artist(first)
    h, lab = grid[2, 0].get_legend_handles_labels()
    lx.legend(h, lab, loc="lower left", bbox_to_anchor=(-0.12, 0.0), fontsize=FONT_LEGEND, frameon=False,
              title="(e), dashed: the bound 1 − K$^{-2p}$ (ratio 1)", title_fontsize=FONT_LEGEND)
    fig.suptitle("Khanh et al. 2024: worst cases of the per-step bounds and of Remark 3.6 (L = 1, d = 4)", fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "worst_case.png", add_legends=False, quick=quick)]


if __name__ == "__main__":
    script_main(main)
