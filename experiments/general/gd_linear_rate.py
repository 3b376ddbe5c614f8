"""GD on a strongly convex quadratic: f − f* stays under the (1 − γμ)^{2t} bound.

f(x) = ½xᵀHx with eigenvalues log-spaced in [μ, L] = [0.1, 10] (random rotation), step γ = 1/L,
random starts. Plotted: the relative gap (f(x_t) − f*)/(f(x_0) − f*) (median and 10–90 % band over
runs), the guarantee (1 − γμ)^{2t} (dashed) and the fit the claim judges, the slowest run's contraction
factor over the claim's window (dash-dotted). Instance, starts, settings and fit come from
samlab.setups.general, shared with the claim ``general/gd-linear-rate``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import general as setup

PAPER = "general"
FIGURES = ["gd_linear_rate"]
CLAIMS = ["general/gd-linear-rate"]
REPRODUCES = None


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = setup.settings(setup.GD_LINEAR_RATE, quick)
    seed = 0
    p = setup.quadratic(s["dim"], seed)
    lr = 1.0 / p.L
    x0 = setup.starts(seed, s["runs"], p.dim)
    res = sl.run(p, sl.algorithms.gd(lr), x0, s["steps"], checkpoints=200, name="gd-linear-rate", seed=seed)
    data = res.save(data_dir(PAPER, out) / "gd_linear_rate")
    return [plot(data, lr=lr, mu=p.mu, L=p.L, quick=quick, out=out)]


def plot(data: Path, *, lr: float, mu: float, L: float, quick=False, out=None) -> Path:
    res = sl.Result.load(data)
    rel = res.f_gap / res.f_gap[0]
    t = res.t.astype(float)
    q = (1.0 - lr * mu) ** 2
    fig, ax = plotting.new_figure(width=6.4, height=4.4)
    plotting.plot_metric(ax, t, rel, name="gd", label=f"GD, γ = 1/L ({res.runs} runs)", logy=True)
    plotting.add_bound(ax, t, q ** t, label=r"bound $(1-\gamma\mu)^{2t}$")
    fits = setup.gd_fits(res.t, res.f_gap)
    b = int(np.argmax([fit.factor for fit in fits]))  # the slowest run: the factor the claim judges
    fit = fits[b]
    ts = np.linspace(fit.window[0], fit.window[1], 50)
    ax.plot(ts, fit.predict(ts) / res.f_gap[0, b], color="#222222", linestyle="-.", linewidth=1.8,
            label=rf"slowest run's fit: $q$ = {fit.factor:.4f} ≤ {q:.4f}")
    ax.set_ylim(max(float(np.nanmin(rel[rel > 0])), 1e-300) / 10, 10)
    plotting.label_axes(ax, r"iteration $t$", r"$(f(x_t) - f^\star)/(f(x_0) - f^\star)$",
                        f"GD on a quadratic, μ = {mu:.3g}, L = {L:.3g}")
    plotting.legend(ax, loc="upper right")
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "gd_linear_rate.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
