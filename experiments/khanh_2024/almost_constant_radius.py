"""Remark 3.6: SAM with the "almost constant" radius ρ_k = C/k^p behaves like SAM with ρ = C; GD differs.

Khanh et al. (2024), Remark 3.6 and the appendix figure p. 25: f(x) = Σ_i log(1 + (Ax − b)_i²) for
n ∈ {2, 20, 50, 100} (A, b ~ N(0, 1), m = n, seed 0, x¹ = 0; the paper states none of m, A, b, C, p, t_k,
these are this project's [derived]), constant t = 1/L, C = 0.1, p = 0.001, f vs iterations: the runs
and the bound of the claim khanh-2024/almost-constant-radius (its full mode is this figure's).
Dashed: the first-order 2-cycle level (L/2)ρ² reached with ta = 1 near x* (a = L); the legends give the final
relative differences and the first-order bound 1 − K^{−2p}.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_level, label_axes, legend, new_figure, plot_metric, save_figure
from samlab.setups import khanh_2024 as setup

PAPER = "khanh-2024"
FIGURES = ["almost_constant_radius"]
CLAIMS = [f"{PAPER}/almost-constant-radius"]
C, P = setup.REMARK_36["full"]["C"], setup.REMARK_36["full"]["p"]
POW_COLOR = "#6a3d9a"


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.FIGURES["almost_constant_radius"]["quick" if quick else "full"]
    ns, K = tuple(s["n"]), s["steps"]
    data = data_dir(PAPER, out)
    paths = {}
    ck = np.unique(np.concatenate([[0], np.geomspace(1, K, 150).astype(int)]))
    for n in ns:  # the claim's runs (khanh-2024/almost-constant-radius), recorded more densely
        for key, r in setup.almost_constant_runs(n, K, C, P, checkpoints=ck).items():
            paths[(n, key)] = r.save(data / f"almost_constant_n{n}_{key}")

    res = {k: Result.load(v) for k, v in paths.items()}
    ncols = 2
    nrows = (len(ns) + 1) // 2
    fig, axes = new_figure(ncols=ncols, nrows=nrows, width=13.0, height=4.8 * nrows + 0.6, squeeze=False)
    bound = setup.almost_constant_bound(K, P)
    for ax, n in zip(axes.flat, ns):
        p = setup.log_loss_instance(n, seed=0)
        fc, fp = res[(n, "const")].f[-1, 0], res[(n, "pow")].f[-1, 0]
        plot_metric(ax, res[(n, "gd")], "f", name="gd", label="GD, t = 1/L", logx=True)
        plot_metric(ax, res[(n, "const")], "f", name="sam", label=f"SAM, ρ = C = {C:g}", logx=True)
        plot_metric(ax, res[(n, "pow")], "f", label=rf"SAM, $\rho_k = C/k^{{{P:g}}}$ (final Δf/f = {abs(fp - fc) / fc:.2%})",
                    color=POW_COLOR, logx=True, linestyle="--")
        add_level(ax, 0.5 * p.L * C ** 2, label=f"first-order 2-cycle level Lρ²/2 = {0.5 * p.L * C ** 2:.3g}",
                  color="#555555")
        label_axes(ax, "iteration k", r"$f(x_k)$", f"n = m = {n}, L = {p.L:.3g}")
        legend(ax, fontsize=8.5, loc="lower left")
    fig.suptitle(f"Khanh et al. 2024, Remark 3.6 (fig. p. 25): SAM with ρₖ = C/k^p, p = {P:g}, is SAM with ρ = C\n"
                 f"log-loss Σ log(1 + (Ax − b)ᵢ²), t = 1/L, K = {K}: ρ_K/C = K^(−p) = {K ** -P:.4f}; "
                 f"first-order bound on Δf/f: 1 − K^(−2p) = {bound:.2%}", fontsize=12.5)
    return [save_figure(fig, figure_dir(PAPER, out) / "almost_constant_radius.png")]


if __name__ == "__main__":
    script_main(main)
