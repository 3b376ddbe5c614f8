"""USAM vs SAM on a quadratic: USAM converges exactly, SAM stalls at its closed-form plateau.

f(x) = ½xᵀHx with eigenvalues log-spaced in [0.1, 10] (random rotation), γ = 1/(2L), ρ = 0.05, the
same random starts for both. USAM (y = x + ρ∇f) is linear with contraction q = max_j |1 − γλ_j(1 + ρλ_j)|,
so f − f* decays like q^{2t} (dotted); normalized SAM (y = x + ρ∇f/‖∇f‖) settles at the 2-cycle level
(L/2)c², c = γLρ/(2 − γL) (dashed). Instance, starts and settings come from samlab.setups.general,
shared with ``general/usam-exact-convergence``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import general as setup
from samlab.theory import cycle_plateau, usam_contraction

PAPER = "general"
FIGURES = ["usam_vs_sam"]
CLAIMS = ["general/usam-exact-convergence"]
REPRODUCES = None


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = setup.settings(setup.USAM_EXACT, quick)
    seed = 0
    p = setup.quadratic(s["dim"], seed)
    lr, rho = 1.0 / (2 * p.L), s["rho"]
    x0 = setup.starts(seed, s["runs"], p.dim)
    folder = data_dir(PAPER, out)
    paths = {}
    for name, alg in (("usam", sl.algorithms.usam(lr, rho)), ("sam", sl.algorithms.sam(lr, rho))):
        res = sl.run(p, alg, x0, s["steps"], checkpoints=200, name="usam-vs-sam", seed=seed)
        paths[name] = res.save(folder / f"usam_vs_sam_{name}")
    q = float(usam_contraction(lr, rho, p.eigenvalues))
    level = float(cycle_plateau(lr, rho, p.L))
    return [plot(paths, q=q, level=level, lr=lr, rho=rho, quick=quick, out=out)]


def plot(paths: dict[str, Path], *, q: float, level: float, lr: float, rho: float, quick=False, out=None) -> Path:
    usam, sam = sl.Result.load(paths["usam"]), sl.Result.load(paths["sam"])
    fig, ax = plotting.new_figure(width=6.4, height=4.4)
    plotting.plot_metric(ax, sam, "f_gap", name="sam", label=f"SAM ({sam.runs} runs)", logy=True)
    plotting.plot_metric(ax, usam, "f_gap", name="usam", label=f"USAM ({usam.runs} runs)", logy=True)
    plotting.add_level(ax, level, label=r"SAM 2-cycle $\frac{L}{2}c^2$", name="sam")
    t = usam.t.astype(float)
    start = float(np.exp(np.mean(np.log(usam.f_gap[0]))))
    plotting.add_bound(ax, t, start * q ** (2 * t), label=rf"USAM $q^{{2t}}$, $q$ = {q:.4f}", name="usam",
                       linestyle=":")
    positive = usam.f_gap[usam.f_gap > 0]
    ax.set_ylim(max(float(positive.min()) / 10, 1e-300) if positive.size else 1e-32, 1e3)
    plotting.label_axes(ax, r"iteration $t$", r"$f(x_t) - f^\star$", f"γ = 1/(2L) = {lr:.3g}, ρ = {rho:g}")
    plotting.legend(ax, loc="lower left")
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "usam_vs_sam.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
