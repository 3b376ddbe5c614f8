"""Remark 3.6: SAM with the "almost constant" radius ρ_k = C/k^p behaves like SAM with ρ = C; GD differs.

Khanh et al. (2024), Remark 3.6 and its appendix figure (p. 25): f(x) = Σ_i log(1 + (Ax − b)_i²) for
n ∈ {2, 20, 50, 100} (A, b ~ N(0, 1), m = n, seed 0, x¹ = 0; the paper states none of m, A, b, C, p,
t_k: these are this project's [derived]), constant t = 1/L, C = 0.1, p = 0.001, K = 5000: f(x_k) for GD,
SAM with ρ = C and SAM with ρ_k = C/k^p — the runs of the claim khanh-2024/almost-constant-radius. The
two SAM curves coincide at every n (ρ_K/C = K^(−p) = 0.9915); each panel gives the final relative
difference Δf/f the claim reports, against the first-order bound 1 − K^(−2p) = 1.69%. For n = 2 the
runs settle near x*, where ta = 1 and the 2-cycle level is (L/2)ρ² (dashed); for n ≥ 20 they are still
descending at K, so no level is drawn. Takeaway: a radius that vanishes this slowly is, for every
practical horizon, a constant radius — the theory's ρ_k → 0 buys nothing here.
"""

from __future__ import annotations

from pathlib import Path

from samlab import Result
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_level, label_axes, new_figure, plot_metric, save_figure
from samlab.setups import khanh_2024 as setup

PAPER = "khanh-2024"
FIGURES = ["almost_constant_radius"]
CLAIMS = [f"{PAPER}/almost-constant-radius"]
REPRODUCES = "Figure p. 25 (appendix, Remark 3.6) of Khanh et al. 2024"
C, P = setup.REMARK_36["full"]["C"], setup.REMARK_36["full"]["p"]
POW_COLOR = "#6a3d9a"


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.FIGURES["almost_constant_radius"]["quick" if quick else "full"]
    ns, K = tuple(s["n"]), s["steps"]
    data = data_dir(PAPER, out)
    paths = {}
    for n in ns:  # the claim's runs (khanh-2024/almost-constant-radius), same records
        for key, r in setup.almost_constant_runs(n, K, C, P, checkpoints=setup.almost_constant_checkpoints(K)).items():
            paths[(n, key)] = r.save(data / f"almost_constant_n{n}_{key}")

    res = {k: Result.load(v) for k, v in paths.items()}
    nrows = (len(ns) + 1) // 2
    fig, axes = new_figure(ncols=2, nrows=nrows, width=7.0, height=2.5 * nrows + 0.9, squeeze=False)
    bound = setup.almost_constant_bound(K, P)
    for ax, n in zip(axes.flat, ns):
        p = setup.log_loss_instance(n, seed=0)
        dif = setup.almost_constant_differences({k: res[(n, k)] for k in ("const", "pow", "gd")})
        plot_metric(ax, res[(n, "gd")], "f", name="gd", label="GD, t = 1/L", logx=True, markers=4)
        plot_metric(ax, res[(n, "const")], "f", name="sam", label=f"SAM, ρ = C = {C:g}", logx=True, markers=4)
        plot_metric(ax, res[(n, "pow")], "f", label=rf"SAM, $\rho_k = C/k^{{{P:g}}}$", color=POW_COLOR, logx=True,
                    linestyle="--", markers=4)
        if n == 2:
            add_level(ax, 0.5 * p.L * C ** 2, label="2-cycle level (L/2)ρ² near x*", color="#555555")
        ax.text(0.04, 0.05, f"final Δf/f = {dif['relative_difference']:.2%}", transform=ax.transAxes, ha="left",
                va="bottom", fontsize=7.5, bbox={"fc": "white", "alpha": 0.85, "ec": "0.7"})
        ax.tick_params(axis="both", which="both", labelsize=7.5)
        label_axes(ax, "iteration k", r"$f(x_k)$", f"n = m = {n}, L = {p.L:.3g}")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    fig.suptitle(f"Remark 3.6: SAM with ρₖ = C/k^{P:g} is SAM with ρ = C (t = 1/L, K = {K}; "
                 f"first-order bound on Δf/f: {bound:.2%})", fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "almost_constant_radius.png", add_legends=False, quick=quick)]


if __name__ == "__main__":
    script_main(main)
