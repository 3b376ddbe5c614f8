"""The textbook GD rate is tight: the bound, its exact PEP worst case, the worst instance found and typical ones.

GD with step γ = 1/L on L-smooth μ-strongly convex functions, (μ, L) = (0.1, 10), from f(x_0) − f* = 1:
f(x_T) − f* against the horizon T on log-log axes — the bound max(|1 − γμ|, |1 − γL|)^{2T} (black dashed;
Taylor, Hendrickx & Glineur 2018), the exact performance-estimation worst case of GD (blue squares,
T ≤ 10, samlab.pep), the worst value an adversarial search over quadratics and Huber sums reaches at
t = T (red) and the median over random members of those families (grey). The claim
general/gd-linear-rate-worst-case also searches γL ∈ [0.01, 1.99]. Takeaway: the PEP and the search both
sit on the bound — it is attained (by a quadratic started along the eigenvector of μ), so it cannot be
improved; typical instances are far below it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import label_axes, legend, new_figure, save_figure, set_log, style
from samlab.result import atomic_write_bytes
from samlab.setups import general as setup

PAPER = "general"
FIGURES = ["worst_case"]
CLAIMS = ["general/gd-linear-rate-worst-case", "general/gd-linear-rate"]
REPRODUCES = None


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(setup.GD_WORST_CASE_FIGURE, quick)
    cases, alg, bound = setup.gd_figure_cases()
    mu, L = setup.SPECTRUM
    curve = setup.worst_case_curve(cases, bound, alg, T=cfg["T"], budget=cfg["budget"], samples=cfg["samples"],
                                   pep_steps=cfg["pep_steps"], L=L, mu=mu, metric="f_gap")
    meta = {"lr": "1/L", "mu": mu, "L": L, "families": [c.label for c in cases], "budget": cfg["budget"],
            "relaxation": curve.pop("relaxation"), "pep_exact": curve.pop("pep_exact")}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **curve, meta=np.asarray(json.dumps(meta, sort_keys=True)))
    path = data_dir(PAPER, out) / "worst_case_gd.npz"
    atomic_write_bytes(path, buffer.getvalue())
    return [plot(path, quick=quick, out=out)]


def plot(path: Path, *, quick=False, out=None) -> Path:
    with np.load(path) as z:
        c = {k: z[k] for k in z.files}
    meta = json.loads(str(c.pop("meta")))
    T = c["T"].astype(float)
    fig, ax = new_figure(width=6.4, height=3.6)
    ax.plot(T, c["bound"], color="black", linestyle="--", linewidth=1.4, label=r"bound $\max(|1-\gamma\mu|, |1-\gamma L|)^{2T}$")
    ax.plot(c["pep_N"], c["pep"], color=style("gd")["color"], marker="s", markersize=5, linestyle="none",
            label="PEP worst case (exact)" if meta["pep_exact"] else "PEP worst case (relaxation)")
    ax.plot(T, c["worst"], color=style("sam")["color"], marker="o", markersize=4, linewidth=1.0,
            label="adversarial worst at t = T")
    ax.plot(T, c["median"], color="0.55", marker=".", linewidth=1.0, label="median of random members")
    set_log(ax, "both")
    label_axes(ax, "T", r"$f(x_T) - f^\star$", f"GD, γ = 1/L, μ = {meta['mu']:g}, L = {meta['L']:g}, f(x₀) − f* = 1")
    legend(ax, where="right")
    return save_figure(fig, figure_dir(PAPER, out) / "worst_case.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
