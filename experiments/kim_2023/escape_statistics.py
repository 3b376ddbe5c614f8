"""Escape from a saddle with minibatch noise: SAM escapes later than SGD; momentum and small batches help.

Saddle f = ½(z₊² − z₋²) (λ = (1, −1), random rotation: the claims' saddle at seed 0), minibatch-like
gradient noise ξ ~ N(0, |H|/B) (Kim et al. 2023's SDE covariance C ≈ (1/B)[H]⁺), the same ξ at both
SAM gradient calls, η = 0.01, ρ = 0.2, start at the saddle; escape = first step with |v₋ᵀx| ≥ 2 (exact
first passage: the run stops there). The runs are those of the claims kim-2023/batch-size-scaling
(1,000 runs per B), kim-2023/momentum-helps-escape (2,000 runs per γ) and kim-2023/theorem2-diffusion
(20,000 paths), horizon 5,000 steps. (a) Distribution of escape times at B = 64 without momentum; a
run that has not escaped by the horizon is censored: each curve stops at the horizon (open circle)
and the gap to 1 is the censored fraction, 79 % for SAM. (b) Median escape step against B and (c)
against the momentum γ (bands: quartiles); a median that is censored (half of the runs or more never
escaped) is drawn as a triangle on the horizon line — normalized SAM at B ≥ 128 and at γ = 0: the
stochastic trap. (d) Mean-square displacement along λ₋ against SDE time t = kη for real SGD and USAM
runs (thick), Theorem 2's σ²(t) for the model SDE (dashed) and the exact variance of the real update
(dotted). The real USAM runs lie 1.6× (ρ = 0.2) and 4× (ρ = 0.5) below Theorem 2's curve at small t
because the model is not the update: one minibatch for both calls multiplies the noise by
1 + ρλ (variance ×0.64 and ×0.25), and the update's drift λ(1 + ρλ) grows faster than the model's
λ(1 + ρλ)², so the ρ = 0.2 curve crosses σ²(t) at t ≈ 2.0. Quick mode: the claims' quick settings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import kim_2023 as setup
from samlab.theory import kim_2023 as K
from samlab.theory import sam_diffusion_variance

PAPER = "kim-2023"
FIGURES = ["escape_statistics"]
CLAIMS = ["kim-2023/sam-escapes-slower", "kim-2023/batch-size-scaling", "kim-2023/momentum-helps-escape",
          "kim-2023/theorem2-diffusion"]
REPRODUCES = None

SEED, RHO = 0, 0.2
LABELS = {"sgd": ("SGD", plotting.style("sgd")["color"]), "usam": (f"USAM ρ = {RHO:g}", plotting.style("usam")["color"]),
          "sam": (f"SAM ρ = {RHO:g}", plotting.style("sam")["color"])}


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    from samlab.claims import get

    mode = "quick" if quick else "full"
    folder = data_dir(PAPER, out)
    bset, mset = setup.ESCAPE["batch"][mode], setup.ESCAPE["momentum"][mode]
    mom_gammas = sorted({0.0, 0.5, 0.9} | set(mset["gammas"]) | set(get("kim-2023/momentum-helps-escape").settings(quick)
                                                                      ["gammas"]))
    paths = {}
    for key, runs in (("batch", setup.batch_escape_runs(SEED, bset["B"], bset["runs"], bset["steps"], rho=RHO)),
                      ("momentum", setup.momentum_escape_runs(SEED, mom_gammas, mset["runs"], mset["steps"],
                                                              batch_size=mset["B"], rho=RHO))):
        for name, (_, values, res) in runs.items():
            res.meta["swept"] = {"name": "B" if key == "batch" else "gamma", "values": values.tolist()}
            paths[f"{key}_{name}"] = res.save(folder / f"escape_{key}_{name}")
    t2 = get("kim-2023/theorem2-diffusion").settings(quick)
    for rho, res in setup.real_usam_msd_runs(SEED, t2["real_rhos"], t2["real_paths"], t2["real_steps"],
                                             batch_size=t2["real_B"]).items():
        res.meta.update({"paths": t2["real_paths"], "batch_size": t2["real_B"], "rho": rho})
        paths[f"msd_{rho}"] = res.save(folder / f"escape_msd_real_{rho}")
    return [plot(paths, out=out, quick=quick)]


def _quartiles(s: np.ndarray):
    """Quartiles of escape steps; +inf where that quantile is a never-escaped (censored) run."""
    return np.quantile(s, [0.25, 0.5, 0.75], method="inverted_cdf")


def _sweep(ax, xs, q, color, horizon, label):
    """Median with its quartile band; censored medians as triangles on the horizon line."""
    fin = np.isfinite(q[:, 1])
    ax.plot(xs[fin], q[fin, 1], marker="o", color=color, markersize=4, linewidth=1.4, label=label)
    upper = np.where(np.isfinite(q[:, 2]), q[:, 2], horizon)
    lower = np.where(np.isfinite(q[:, 0]), q[:, 0], horizon)
    ax.fill_between(xs, lower, upper, color=color, alpha=0.15, lw=0)
    if (~fin).any():
        ax.plot(xs[~fin], np.full((~fin).sum(), horizon), marker="^", linestyle="none", color=color, markersize=6,
                markerfacecolor="white", markeredgewidth=1.4)


def _log_ticks(axis, values):
    axis.set_major_locator(FixedLocator(values))
    axis.set_major_formatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def plot(paths: dict, out=None, quick: bool = False) -> Path:
    fig, axes = plotting.new_figure(ncols=2, nrows=2, width=7.0, height=7.0, squeeze=False)
    (ax, bx), (cx, dx) = axes
    horizon = None
    for name, (label, color) in LABELS.items():
        rb = sl.Result.load(paths[f"batch_{name}"])
        rm = sl.Result.load(paths[f"momentum_{name}"])
        horizon = int(rm.meta["steps"])
        Bv, gv = np.asarray(rb.meta["swept"]["values"]), np.asarray(rm.meta["swept"]["values"])
        sb, sm = setup.saved_escape_steps(rb), setup.saved_escape_steps(rm)
        sel = np.sort(sm[gv == 0.0])
        ecdf = np.arange(1, sel.size + 1) / sel.size
        fin = np.isfinite(sel)
        escaped = fin.mean()
        ax.step(np.concatenate([[0], sel[fin], [horizon]]), np.concatenate([[0], ecdf[fin], [escaped]]), where="post",
                color=color, linewidth=1.5, label=f"{label}: {100 * escaped:.0f} % escaped, {100 * (1 - escaped):.0f} % censored")
        ax.plot([horizon], [escaped], marker="o", markerfacecolor="white", color=color, markersize=5, clip_on=False)
        Bs, gs = np.unique(Bv), np.unique(gv)
        _sweep(bx, Bs, np.array([_quartiles(sb[Bv == b]) for b in Bs]), color, int(rb.meta["steps"]), label)
        _sweep(cx, gs, np.array([_quartiles(sm[gv == g]) for g in gs]), color, horizon, label)
    ax.axvline(horizon, color="#555555", linestyle=":", linewidth=1.0)
    ax.set_xlim(0, horizon * 1.02)
    ax.set_ylim(0, 1.02)
    plotting.label_axes(ax, "escape step", "fraction of runs escaped", "(a) escape times, B = 64, γ = 0")
    plotting.legend(ax, where="below", ncols=1)

    hb = int(sl.Result.load(paths["batch_sgd"]).meta["steps"])
    bx.axhline(hb, color="#555555", linestyle=":", linewidth=1.0)
    bx.set_xscale("log")
    bx.set_yscale("log")
    _log_ticks(bx.xaxis, Bs)
    _log_ticks(bx.yaxis, [100, 200, 500, 1000, 2000, 5000])
    bx.set_ylim(80, hb * 1.6)
    plotting.label_axes(bx, "batch size B", "median escape step", "(b) smaller batches escape faster (γ = 0)")
    cx.axhline(horizon, color="#555555", linestyle=":", linewidth=1.0)
    cx.set_yscale("log")
    _log_ticks(cx.yaxis, [50, 100, 200, 500, 1000, 2000, 5000])
    cx.set_ylim(40, horizon * 1.6)
    plotting.label_axes(cx, "momentum γ", "median escape step", "(c) momentum speeds escape (B = 64)")
    handles = [Line2D([], [], color=c, marker="o", markersize=4, label=lab) for lab, c in LABELS.values()]
    handles += [Line2D([], [], color="#555555", linestyle=":", label="horizon (runs stop escaping there)"),
                Line2D([], [], color="#555555", marker="^", markerfacecolor="white", linestyle="none",
                       label="median censored (≥ half never escaped)")]
    bx.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=plotting.FONT_LEGEND,
              ncols=1, framealpha=0.9)

    colors = {0.0: LABELS["sgd"][1], 0.2: LABELS["usam"][1], 0.5: "#8c564b"}
    lr = setup.SADDLE_LR
    for key in sorted(k for k in paths if k.startswith("msd_")):
        res = sl.Result.load(paths[key])
        rho, n, B = float(res.meta["rho"]), int(res.meta["paths"]), float(res.meta["batch_size"])
        k = res.t[1:]
        t = k * lr
        msd = sl.problems.IsotropicQuadratic(-1.0, n).msd(res.f[1:, 0])
        color = colors.get(rho, "#555555")
        dx.plot(t, msd, color=color, linewidth=3.0, alpha=0.45, label="SGD" if rho == 0 else f"USAM ρ = {rho:g}")
        dx.plot(t, sam_diffusion_variance(t, -1.0, lr, rho, B), color=color, linestyle="--", linewidth=1.2)
        dx.plot(t, K.usam_same_sample_variance(-1.0, lr, rho, B, int(k[-1]))[k - 1], color="black", linestyle=":",
                linewidth=1.0)
    plotting.set_log(dx, "y")
    plotting.label_axes(dx, r"SDE time $t = k\eta$", r"MSD along $\lambda_-$", f"(d) diffusion from the saddle, B = {B:g}")
    handles, labels = dx.get_legend_handles_labels()
    handles += [Line2D([], [], color="#555555", linewidth=3.0, alpha=0.45, label=f"real runs ({n:,} paths)"),
                Line2D([], [], color="#555555", linestyle="--", label="Theorem 2: σ²(t) of the model SDE"),
                Line2D([], [], color="black", linestyle=":", label="exact variance of the real update")]
    dx.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=plotting.FONT_LEGEND, ncols=2,
              framealpha=0.9)
    fig.suptitle(f"Saddle λ = (1, −1), noise N(0, |H|/B), η = {lr}, escape at |v₋ᵀx| ≥ {setup.ESCAPE_RADIUS:g}",
                 fontsize=plotting.FONT_TITLE)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "escape_statistics.png", quick=quick, add_legends=False)


if __name__ == "__main__":
    script_main(main)
