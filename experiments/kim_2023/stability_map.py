"""Stability maps over (ρ, |λ₋|): USAM's sharp threshold ρ|λ₋| = 1 vs normalized SAM's trajectory-dependent trap.

Saddles f = ½(λ₊x² − |λ₋|y²) with λ₊ = 2, one per grid cell, all in ONE batched run per algorithm
(:class:`samlab.problems.SaddleFamily`); η = 0.01, start (x, y) = (−3, −0.01) (the official x² − y²
demo's start; x² − y² is the cell ρ = 0.5, |λ₋| = 2). (a) USAM: each cell coloured by the measured
growth rate of |y| per unit time, log|y_T/y_{T/2}|/(ηT/2) (blue: escapes, red: attracted; a
symmetric-log scale, so that only |rate| < 1e-3 is white); the solid
line is the measured boundary (the zero contour of that rate), the dashed one Theorem 1's threshold
ρ|λ₋| = 1: they coincide. (b) Normalized SAM: each cell is escaped (|y_T| > 1), trapped on the
2-cycle (‖x_T‖ < 0.1 and |y_T| < 1e-6) or trapped but still oscillating around the saddle
(‖x_T‖ < 0.1); only the outcomes that occur are listed. The dashed curve is USAM's threshold for
comparison, the dotted line the derived limit |λ₋| = μ*(η, λ₊) = 2.02 above which SAM's 2-cycle
repels the unstable coordinate (|m₋| > 1): below it SAM is trapped for every ρ ≥ 0.1, with no
ρ-threshold. Takeaway: Theorem 1's threshold is exact for USAM and says nothing about the SAM the
official code runs (claims kim-2023/usam-attraction-threshold and kim-2023/sam-saddle-two-cycle).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import ListedColormap, SymLogNorm
from matplotlib.patches import Patch

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.linalg import row_norms
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K

PAPER = "kim-2023"
FIGURES = ["stability_map"]
CLAIMS = ["kim-2023/usam-attraction-threshold", "kim-2023/sam-saddle-two-cycle"]
REPRODUCES = None

LR, LAM_PLUS, START = setup.SADDLE_LR, 2.0, setup.X2Y2_START
OUTCOMES = (("escaped (|y_T| > 1)", "#4393c3"), ("neither", "#d9d9d9"),
            ("trapped, oscillating (‖x_T‖ < 0.1)", "#f4a582"), ("trapped on the 2-cycle (|y_T| < 1e-6)", "#b2182b"))


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
    for key in ("usam", "sam"):
        res = sl.run(fam, setup.variant(key, LR, R.ravel()), x0, steps, runs=fam.runs, checkpoints=[steps // 2, steps],
                     keep_iterates=True, name=f"stability-map-{key}", seed=0)
        res.meta["grid"] = {"rho": rhos.tolist(), "lam_minus_abs": mags.tolist(), "lam_plus": LAM_PLUS}
        paths[key] = res.save(folder / f"stability_map_{key}")
    return [plot(paths, out=out, quick=quick)]


def usam_growth_rate(usam) -> np.ndarray:
    """log|y_T/y_{T/2}|/(η(T − T/2)) per cell, NaN for diverged runs (shape of the grid: |λ₋| × ρ)."""
    rhos, mags = usam.meta["grid"]["rho"], usam.meta["grid"]["lam_minus_abs"]
    T = int(usam.t[-1])
    y = np.abs(usam.iterates[:, :, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(y[-1] / y[1]) / (LR * (T - int(usam.t[1])))
    return np.where(usam.ok, rate, np.inf).reshape(len(mags), len(rhos))


def sam_outcomes(sam) -> np.ndarray:
    """Index into :data:`OUTCOMES` per cell (shape of the grid)."""
    rhos, mags = sam.meta["grid"]["rho"], sam.meta["grid"]["lam_minus_abs"]
    yS = np.abs(sam.iterates[-1, :, 0])
    nS = row_norms(sam.iterates[-1])
    cat = np.full(yS.shape, 1)  # neither
    cat[nS < 0.1] = 2
    cat[(nS < 0.1) & (yS < 1e-6)] = 3
    cat[~sam.ok | (yS > 1)] = 0
    return cat.reshape(len(mags), len(rhos))


def plot(paths: dict, out=None, quick: bool = False) -> Path:
    usam, sam = sl.Result.load(paths["usam"]), sl.Result.load(paths["sam"])
    rhos = np.asarray(usam.meta["grid"]["rho"])
    mags = np.asarray(usam.meta["grid"]["lam_minus_abs"])
    T = int(usam.t[-1])
    fig, (ax, bx) = plotting.new_figure(ncols=2, width=7.0, height=4.3)
    rr = np.linspace(rhos[0], rhos[-1], 400)

    rate = usam_growth_rate(usam)
    shown = np.clip(np.where(np.isfinite(rate), rate, 1.0), -1, 1)
    pc = ax.pcolormesh(rhos, mags, shown, cmap="RdBu", norm=SymLogNorm(1e-3, vmin=-1.0, vmax=1.0), shading="nearest",
                       rasterized=True)
    cb = fig.colorbar(pc, ax=ax, location="right", shrink=0.8, extend="both", ticks=[-1, -0.1, -0.01, 0, 0.01, 0.1, 1])
    cb.ax.set_yticklabels(["−1", "−0.1", "−0.01", "0", "0.01", "0.1", "1"])
    cb.set_label("growth rate of |y| per unit time (symlog)", fontsize=plotting.FONT_LEGEND)
    cb.ax.tick_params(labelsize=plotting.FONT_LEGEND)
    ax.contour(rhos, mags, np.where(np.isfinite(rate), rate, 1.0), levels=[0.0], colors="black", linewidths=1.6)
    ax.plot([], [], color="black", linewidth=1.6, label="measured boundary (rate = 0)")
    ax.plot(rr, 1 / rr, color="#ffd700", linestyle="--", linewidth=1.4, label=r"Theorem 1: $\rho|\lambda_-| = 1$")
    _axes(ax, mags, "(a) USAM: sharp threshold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), fontsize=plotting.FONT_LEGEND, framealpha=0.9)

    cat = sam_outcomes(sam)
    present = sorted(set(cat.ravel().tolist()))
    colors = [c for _, c in OUTCOMES]
    bx.pcolormesh(rhos, mags, cat, cmap=ListedColormap(colors), vmin=-0.5, vmax=3.5, shading="nearest",
                  rasterized=True)
    bx.plot(rr, 1 / rr, color="black", linestyle="--", linewidth=1.2, label=r"USAM threshold $\rho|\lambda_-| = 1$")
    mu = float(K.sam_saddle_cycle_limit(LR, LAM_PLUS))
    bx.axhline(mu, color="black", linestyle=":", linewidth=1.6,
               label=rf"2-cycle stability limit $|\lambda_-|$ = {mu:.3f} (derived)")
    _axes(bx, mags, "(b) normalized SAM: no ρ-threshold")
    handles, labels = bx.get_legend_handles_labels()
    handles += [Patch(color=OUTCOMES[i][1]) for i in present]
    labels += [OUTCOMES[i][0] for i in present]
    bx.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.17), fontsize=plotting.FONT_LEGEND,
              ncols=1, framealpha=0.9)
    fig.suptitle(rf"Saddles ½($\lambda_+ x^2 - |\lambda_-| y^2$), $\lambda_+$ = {LAM_PLUS:g}, η = {LR}, "
                 f"start (−3, −0.01), {T:,} steps", fontsize=plotting.FONT_TITLE)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "stability_map.png", quick=quick)


def _axes(ax, mags, title):
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([0.25, 0.5, 1, 2, 4]))
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(mags[0], mags[-1])
    ax.set_xlim(0, 1.5)
    plotting.label_axes(ax, r"$\rho$", r"$|\lambda_-|$", title)


if __name__ == "__main__":
    script_main(main)
