"""GD on a strongly convex quadratic: f − f* stays under the (1 − γμ)^{2t} bound.

f(x) = ½xᵀHx with eigenvalues log-spaced in [μ, L] = [0.1, 10] (random rotation), step γ = 1/L,
random starts. Plotted: the relative gap (f(x_t) − f*)/(f(x_0) − f*) (median and 10–90 % band over
runs), the guarantee (1 − γμ)^{2t} (dashed) and the contraction factor fitted by the claim's
window (dash-dotted). Settings are those of the claim ``general/gd-linear-rate``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.analysis import contraction_fit
from samlab.claims.general import SPECTRUM
from samlab.experiment import data_dir, figure_dir, script_main

PAPER = "general"
FIGURES = ["gd_linear_rate"]
CLAIMS = ["general/gd-linear-rate"]


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = sl.claims.get(CLAIMS[0]).settings(quick)
    seed = 0
    p = sl.problems.Quadratic.from_spectrum(np.geomspace(*SPECTRUM, s["dim"]), seed=seed)
    lr = 1.0 / p.L
    x0 = np.random.default_rng(seed).standard_normal((s["runs"], p.dim))
    res = sl.run(p, sl.algorithms.gd(lr), x0, s["steps"], checkpoints=200, name="gd-linear-rate", seed=seed)
    data = res.save(data_dir(PAPER, out) / "gd_linear_rate")
    return [plot(data, lr=lr, mu=p.mu, L=p.L, out=out)]


def plot(data: Path, *, lr: float, mu: float, L: float, out=None) -> Path:
    res = sl.Result.load(data)
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    q = (1.0 - lr * mu) ** 2
    fig, ax = plotting.new_figure(width=6.4, height=4.4)
    plotting.plot_metric(ax, t, rel, name="gd", label=f"GD, γ = 1/L ({res.runs} runs)", logy=True)
    plotting.add_bound(ax, t, q ** t, label=r"bound $(1-\gamma\mu)^{2t}$")
    mask = (rel.max(axis=1) <= 1e-2) & (rel.min(axis=1) >= 1e-25)
    if mask.sum() >= 3:
        fit = contraction_fit(t[mask], rel[mask])
        ts = np.linspace(t[mask][0], t[mask][-1], 50)
        ax.plot(ts, fit.predict(ts), color="#222222", linestyle="-.", linewidth=1.8,
                label=rf"fit: $q$ = {fit.factor:.4f} ≤ {q:.4f}")
    ax.set_ylim(max(float(np.nanmin(rel[rel > 0])), 1e-300) / 10, 10)
    plotting.label_axes(ax, r"iteration $t$", r"$(f(x_t) - f^\star)/(f(x_0) - f^\star)$",
                        f"GD on a quadratic, μ = {mu:.3g}, L = {L:.3g}")
    plotting.legend(ax, loc="upper right")
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "gd_linear_rate.png")


if __name__ == "__main__":
    script_main(main)
