"""Stability maps over (ρ, |λ₋|): USAM's sharp threshold ρ|λ₋| = 1 vs normalized SAM's trajectory-dependent trap.

Saddles f = ½(λ₊x² − |λ₋|y²) with λ₊ = 2, one per grid cell, all in ONE batched run per algorithm
(:class:`samlab.problems.SaddleFamily`); η = 0.01, start (x, y) = (−3, −0.01).
USAM (left): colour = measured growth rate of |y| per unit time, log|y_T/y_{T/2}|/(ηT/2); blue escapes,
red is attracted; dashed: Theorem 1's threshold ρ|λ₋| = 1 (the linearized rate is |λ₋|(1 − ρ|λ₋|)).
Normalized SAM (right): escaped (|y_T| > 1), trapped on the 2-cycle (|y_T| < 1e-6), trapped but
oscillating around the saddle (‖x_T‖ < 0.1) or neither; dashed: the USAM
threshold for comparison; dotted: the derived limit |λ₋| = μ*(η, λ₊) above which SAM's saddle 2-cycle
repels the unstable coordinate (|m₋| > 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import ListedColormap, TwoSlopeNorm

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.linalg import row_norms
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K

PAPER = "kim-2023"
FIGURES = ["stability_map"]
CLAIMS = ["kim-2023/usam-attraction-threshold", "kim-2023/sam-saddle-two-cycle"]

LR, LAM_PLUS, START = setup.SADDLE_LR, 2.0, setup.X2Y2_START


def grid(quick: bool):
    n = setup.FIGURES["stability_map"]["quick" if quick else "full"]["grid"]
    rhos = np.linspace(0.0, 1.5, n + 1)[1:]
    mags = np.geomspace(0.25, 4.0, n)
    R, M = np.meshgrid(rhos, mags)  # rows: |λ₋|, columns: ρ
    return rhos, mags, R, M


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    steps = setup.FIGURES["stability_map"]["quick" if quick else "full"]["steps"]
    rhos, mags, R, M = grid(quick)
    spectra = np.column_stack([-M.ravel(), np.full(M.size, LAM_PLUS)])  # ascending: y (λ₋), x (λ₊)
    fam = sl.problems.SaddleFamily.from_spectra(spectra)
    x0 = np.array([START[1], START[0]])  # coordinate 0 is y, 1 is x
    folder = data_dir(PAPER, out)
    paths = {}
    for key, alg in (("usam", sl.algorithms.usam(LR, R.ravel())), ("sam", sl.algorithms.sam(LR, R.ravel()))):
        res = sl.run(fam, alg, x0, steps, runs=fam.runs, checkpoints=[steps // 2, steps], keep_iterates=True,
                     name=f"stability-map-{key}", seed=0)
        res.meta["grid"] = {"rho": rhos.tolist(), "lam_minus_abs": mags.tolist(), "lam_plus": LAM_PLUS}
        paths[key] = res.save(folder / f"stability_map_{key}")
    return [plot(paths, out=out)]


def plot(paths: dict, out=None) -> Path:
    usam, sam = sl.Result.load(paths["usam"]), sl.Result.load(paths["sam"])
    rhos = np.asarray(usam.meta["grid"]["rho"])
    mags = np.asarray(usam.meta["grid"]["lam_minus_abs"])
    shape = (mags.size, rhos.size)
    T = int(usam.t[-1])
    fig, (ax, bx) = plotting.new_figure(ncols=2, width=13.5, height=5.6)

    y = np.abs(usam.iterates[:, :, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(y[-1] / y[1]) / (LR * (T - int(usam.t[1])))
    rate = np.where(usam.ok, rate, np.nan).reshape(shape)
    pc = ax.pcolormesh(rhos, mags, np.clip(rate, -1, 1), cmap="RdBu", norm=TwoSlopeNorm(0.0, -1.0, 1.0),
                       shading="nearest")
    fig.colorbar(pc, ax=ax, label="measured growth rate of |y| per unit time (clipped to ±1)", extend="both")
    rr = np.linspace(rhos[0], rhos[-1], 400)
    ax.plot(rr, 1 / rr, color="black", linestyle="--", linewidth=2.2, label=r"Theorem 1: $\rho|\lambda_-| = 1$")
    ax.text(1.0, 2.6, "attracted", fontsize=13, color="white", fontweight="bold")
    ax.text(0.1, 0.35, "escapes", fontsize=13, color="#053061", fontweight="bold")
    _axes(ax, mags, "USAM: sharp threshold")

    yS = np.abs(sam.iterates[-1, :, 0])
    nS = row_norms(sam.iterates[-1])
    cat = np.full(yS.shape, 1)  # neither
    cat[nS < 0.1] = 2  # trapped, oscillating around the saddle
    cat[(nS < 0.1) & (yS < 1e-6)] = 3  # trapped on the 2-cycle (unstable coordinate gone)
    cat[~sam.ok | (yS > 1)] = 0  # escaped
    cat = cat.reshape(shape)
    colors = ["#4393c3", "#d9d9d9", "#f4a582", "#b2182b"]
    cmap = ListedColormap(colors)
    bx.pcolormesh(rhos, mags, cat, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
    bx.plot(rr, 1 / rr, color="black", linestyle="--", linewidth=1.8, label=r"USAM threshold $\rho|\lambda_-| = 1$")
    mu = float(K.sam_saddle_cycle_limit(LR, LAM_PLUS))
    bx.axhline(mu, color="black", linestyle=":", linewidth=2.2,
               label=rf"2-cycle stability limit $|\lambda_-|$ = {mu:.3f} (derived)")
    for c, name in zip(colors, ("escaped (|y| > 1)", "neither", "trapped, oscillating (‖x‖ < 0.1)",
                                "trapped on the 2-cycle (|y| < 1e-6)")):
        bx.fill_between([], [], color=c, label=name)
    _axes(bx, mags, "Normalized SAM: no ρ-threshold", loc="lower right")
    fig.suptitle(rf"Saddles ½($\lambda_+ x^2 - |\lambda_-| y^2$), $\lambda_+$ = {LAM_PLUS:g}, η = {LR}, "
                 f"start (−3, −0.01), {T:,} steps", fontsize=12.5)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "stability_map.png")


def _axes(ax, mags, title, loc="upper right"):
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([0.25, 0.5, 1, 2, 4]))
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(mags[0], mags[-1])
    ax.set_xlim(0, 1.5)
    plotting.label_axes(ax, r"$\rho$", r"$|\lambda_-|$", title)
    plotting.legend(ax, loc=loc, fontsize=9.5)


if __name__ == "__main__":
    script_main(main)
