"""Deterministic SAM stalls at non-stationary points of the ρ-scaled cosine: |f'| = 2βρ/(3π) from every start.

Si & Yun (2023), abstract: deterministic SAM on nonconvex functions keeps an unavoidable O(ρ²) term. The
construction E4 (samlab.setups.si_yun_2023): f(x) = −(βP²/(4π²))cos(2πx/P) with period P = 4ρ/3, so the
perturbation ρ = ¾P jumps over the neighbouring maximum. From x̂ = m − ρ (m a minimum; by symmetry also
m + ρ) the probe y = x̂ ± ρ lands exactly on m, the SAM step is 0, yet |f'(x̂)| = 2βρ/(3π).
(a) The landscape (β = 1, ρ = 0.2) with starts (+), where SAM ends (●, on the stall points x̂, dashed)
and where GD ends (×, on the minima). (b) Trajectories x_t of SAM (η = 0.5/β) from the same starts.
(c) The final |f'(x_T)| over many random starts in [−5, 5] (min ▼, median, max ▲: they coincide)
against ρ for β = 1 and β = 3, with 2βρ/(3π) (dashed); GD ends at |f'| ≈ 1e-16 (✕).
(d) The running average (1/T)Σ‖∇f(x_t)‖² of SAM with η = 0.2/β on E4 (β = 1, ρ = 0.2; median and
10–90 % band over the starts) against its limit 4β²ρ²/(9π²) and the derived bound 4Δ/(ηT) + 3β²ρ²
(median Δ), the protocol of nonconvex-average-grad. Takeaway: every start stalls at a gradient ∝ ρ,
far below the derived bound's 3β²ρ² but never at 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.result import atomic_write_text
from samlab.plotting import (add_bound, add_level, label_axes, legend, new_figure, save_figure, sequential_colors,
                             set_log, style)
from samlab.problems import scaled_cosine
from samlab.seeding import rng
from samlab.setups import si_yun_2023 as setup
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["nonconvex_stall"]
CLAIMS = [f"{PAPER}/nonconvex-stall", f"{PAPER}/nonconvex-average-grad", f"{PAPER}/det-nonconvex-bound"]
REPRODUCES = None
RHO_DEMO, BETA_DEMO = 0.2, 1.0
SETTINGS = {"quick": {"steps": 400, "starts": 60, "rhos": [0.05, 0.2, 0.8], "avg_steps": 400},
            "full": {"steps": 5000, "starts": 1000, "rhos": [0.025, 0.05, 0.1, 0.2, 0.4, 0.8], "avg_steps": 4000}}


def main(quick: bool = False, out=None) -> list[Path]:
    d = data_dir(PAPER, out)
    cfg = setup.settings(SETTINGS, quick)
    T, starts, rhos = cfg["steps"], cfg["starts"], cfg["rhos"]
    paths = {}
    # demo: a few starts, every iterate near the start kept
    p = scaled_cosine(RHO_DEMO, BETA_DEMO)
    x0 = np.linspace(-0.75, 0.75, 9)[:, None] + 0.013
    ck = np.unique(np.concatenate([np.arange(0, 60), np.geomspace(60, T, 40).astype(int)]))
    res = run(p, algorithms.sam(0.5 / BETA_DEMO, RHO_DEMO), x0, T, checkpoints=ck, keep_iterates=True, name="stall-demo")
    paths["demo_sam"] = res.save(d / "nonconvex_stall_demo_sam")
    res = run(p, algorithms.gd(0.5 / BETA_DEMO), x0, T, checkpoints=ck, keep_iterates=True, name="stall-demo")
    paths["demo_gd"] = res.save(d / "nonconvex_stall_demo_gd")
    xs = setup.e4_starts(rng(0, "e4-starts"), starts)
    for beta in (1.0, 3.0):
        for rho in rhos:
            q = scaled_cosine(rho, beta)
            r = run(q, algorithms.sam(0.5 / beta, rho), xs, T, checkpoints=2, name="stall-sweep")
            r.meta["sweep"] = {"rho": rho, "beta": beta}
            paths[("sam", beta, rho)] = r.save(d / f"nonconvex_stall_sam_beta{beta:g}_rho{rho:g}")
        r = run(scaled_cosine(0.2, beta), algorithms.gd(0.5 / beta), xs, T, checkpoints=2, name="stall-sweep")
        paths[("gd", beta)] = r.save(d / f"nonconvex_stall_gd_beta{beta:g}")
    Ta = cfg["avg_steps"]
    r = run(p, algorithms.sam(0.2 / BETA_DEMO, RHO_DEMO), xs, Ta, checkpoints=np.arange(Ta + 1), name="stall-average")
    g2 = r.grad_norm ** 2  # every step is needed for the running average; only its quantiles are kept
    avg = np.cumsum(g2[:-1], axis=0) / np.arange(1, g2.shape[0])[:, None]
    keep = np.unique(np.geomspace(1, Ta, 200).astype(int)) - 1
    summary = {"rho": RHO_DEMO, "beta": BETA_DEMO, "lr": 0.2 / BETA_DEMO, "T": (keep + 1).tolist(),
               "median": np.median(avg[keep], axis=1).tolist(), "q10": np.quantile(avg[keep], 0.1, axis=1).tolist(),
               "q90": np.quantile(avg[keep], 0.9, axis=1).tolist(), "delta_median": float(np.median(r.f[0] - p.f_star))}
    paths["average"] = d / "nonconvex_stall_average.json"
    atomic_write_text(paths["average"], json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return [plot(paths, rhos=rhos, starts=starts, T=T, quick=quick, out=out)]


def plot(paths, *, rhos, starts, T, quick=False, out=None) -> Path:
    fig, axes = new_figure(ncols=2, nrows=2, width=7.0, height=7.4)
    (ax, bx), (cx, dx) = axes
    sam, gd = Result.load(paths["demo_sam"]), Result.load(paths["demo_gd"])
    p = scaled_cosine(RHO_DEMO, BETA_DEMO)
    P = 4 * RHO_DEMO / 3
    grid = np.linspace(-0.95, 0.95, 800)
    ax.plot(grid, p.value(grid[:, None]), color="0.35", linewidth=1.3, label=f"f, P = 4ρ/3 = {P:.3f}")
    mins = np.arange(-4, 5) * P
    stalls = np.concatenate([mins - RHO_DEMO, mins + RHO_DEMO])  # m ∓ ρ: the probe lands on the minimum m
    stalls = stalls[(stalls > -0.95) & (stalls < 0.95)]
    fmin = float(p.value(np.array([[0.0]]))[0])
    for i, s in enumerate(stalls):
        ax.axvline(s, color=style("sam")["color"], linestyle="--", linewidth=0.7, alpha=0.6,
                   label="stall points x̂ = m ∓ ρ" if i == 0 else None)
    x0 = sam.iterates[0]
    colors = sequential_colors(x0.shape[0], "plasma")
    for b in range(x0.shape[0]):
        ax.plot(x0[b, 0], p.value(x0[b:b + 1])[0], marker="+", color=colors[b], markersize=8, markeredgewidth=1.5)
        xe = sam.x[b:b + 1]
        ax.plot(xe[0, 0], p.value(xe)[0], marker="o", color=colors[b], markersize=5, markeredgecolor="black")
        xg = gd.x[b:b + 1]
        ax.plot(xg[0, 0], p.value(xg)[0], marker="x", color=colors[b], markersize=6, markeredgewidth=1.5)
    ax.plot([], [], "k+", markersize=8, label="starts")
    ax.plot([], [], "o", color="0.6", markeredgecolor="black", label="SAM ends (stall)")
    ax.plot([], [], "x", color="0.3", markersize=6, label="GD ends (minima)")
    ax.set_ylim(fmin * 1.15, -fmin * 1.3)
    label_axes(ax, "x", "f(x)", f"(a) landscape, β = {BETA_DEMO:g}, ρ = {RHO_DEMO}")
    legend(ax, where="below", ncols=2)

    t = sam.t.astype(float)
    for b in range(x0.shape[0]):
        bx.plot(np.maximum(t, 0.7), sam.iterates[:, b, 0], color=colors[b], linewidth=1.2)
    for s in stalls:
        bx.axhline(s, color=style("sam")["color"], linestyle="--", linewidth=0.7, alpha=0.6)
    for m in mins[(mins > -0.95) & (mins < 0.95)]:
        bx.axhline(m, color="0.5", linestyle=":", linewidth=0.8)
    bx.plot([], [], "--", color=style("sam")["color"], label="stall points x̂")
    bx.plot([], [], ":", color="0.5", label="minima m")
    set_log(bx, "x")
    label_axes(bx, "iteration t (t = 0 drawn at 0.7)", r"$x_t$", "(b) SAM trajectories, η = 0.5/β")
    legend(bx, where="below", ncols=2)

    fine = np.geomspace(min(rhos) * 0.8, max(rhos) * 1.25, 50)
    for beta, mk in ((1.0, "o"), (3.0, "s")):
        col = style("sam")["color"] if beta == 1.0 else style("n-sam")["color"]
        lo, med, hi = [], [], []
        for rho in rhos:
            g = Result.load(paths[("sam", beta, rho)]).grad_norm[-1]
            lo.append(g.min())
            med.append(np.median(g))
            hi.append(g.max())
        cx.plot(rhos, hi, linestyle="none", marker="^", color=col, markersize=5, alpha=0.8)
        cx.plot(rhos, lo, linestyle="none", marker="v", color=col, markersize=5, alpha=0.8)
        cx.plot(rhos, med, linestyle="none", marker=mk, color=col, markersize=6, markeredgecolor="white",
                label=f"SAM, β = {beta:g}: min ▼, median, max ▲")
        add_bound(cx, fine, np.asarray(th.stall_grad_norm(fine, beta)), label=f"  2βρ/(3π), β = {beta:g}", color=col)
        gdr = Result.load(paths[("gd", beta)])
        cx.plot([0.2], [max(float(np.max(gdr.grad_norm[-1])), 1e-18)], marker="X", color=col, markersize=7,
                linestyle="none", label=f"  GD, β = {beta:g}: max |f'| (ρ = 0.2 cosine)")
    set_log(cx, "both")
    label_axes(cx, r"radius $\rho$", r"final $|f'(x_T)|$", f"(c) over {starts} starts, T = {T}")
    legend(cx, where="below", ncols=1)

    a = json.loads(Path(paths["average"]).read_text())
    Ts = np.asarray(a["T"], dtype=float)
    st = style("sam")
    dx.plot(Ts, a["median"], color=st["color"], linewidth=1.4, label=r"SAM: $\frac{1}{T}\sum_{t<T}\|\nabla f(x_t)\|^2$")
    dx.fill_between(Ts, a["q10"], a["q90"], color=st["color"], alpha=0.18, linewidth=0)
    set_log(dx, "both")
    add_level(dx, float(th.stall_mean_sq_grad(a["rho"], a["beta"])), r"limit $4\beta^2\rho^2/(9\pi^2)$")
    add_bound(dx, Ts, np.asarray(th.det_nonconvex_bound(Ts, a["lr"], a["rho"], a["beta"], a["delta_median"])),
              label=r"bound $4\Delta/(\eta T) + 3\beta^2\rho^2$", linestyle=":")
    label_axes(dx, "T", r"running average of $\|\nabla f\|^2$", f"(d) η = {a['lr']:g}/β, ρ = {a['rho']:g}")
    legend(dx, where="below", ncols=1)
    fig.suptitle("Si & Yun (2023), E4: SAM stops at |f'| = 2βρ/(3π), an unavoidable Θ(ρ²) in ‖∇f‖²", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "nonconvex_stall.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
