"""Constant ρ keeps SAM's floor, ρ_t → 0 loses it: stochastic (E2, E3) and nonconvex (E4) setups.

Si & Yun (2023), abstract: "SAM with and without decaying ρ behave very differently". The constructions
are those of samlab.setups.si_yun_2023. (a) m-SAM on E2 (ρ₀ = 0.4, η_t = 1/(t + 10)): mean f(x_t) − f*
over R runs (band: ±2 SE) for constant ρ, ρ_t = ρ₀/√t, ρ_t = ρ₀/t and SGD; dashed: the predicted
constant-ρ floor ρ₀²/4. (b) n-SAM on E3 (ρ₀ = 0.8) likewise, floor ρ₀²/18. (c) Deterministic SAM on the
scaled cosine built for ρ₀ = 0.2 (β = 1, η = 0.5): the largest (solid) and the median (dashed) |f'(x_t)|
over random starts in [−5, 5], relative to the stall value 2βρ₀/(3π) (dotted at 1). Takeaway: with a
constant ρ the gap and the gradient stall at their Θ(ρ²) levels; with a vanishing radius they fall like
SGD's and GD's (claims decaying-rho-stochastic and decaying-rho-nonconvex, with larger runs).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from samlab import Result, algorithms, run
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_level, label_axes, legend, span_panels, new_figure, save_figure, set_log
from samlab.problems import scaled_cosine
from samlab.seeding import rng
from samlab.setups import si_yun_2023 as setup
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["constant_vs_decaying_rho"]
CLAIMS = [f"{PAPER}/decaying-rho-stochastic", f"{PAPER}/decaying-rho-nonconvex", f"{PAPER}/nonconvex-stall"]
COLORS = {"constant": "#d62728", "rho0/sqrt(t)": "#1f77b4", "rho0/t": "#2ca02c", "SGD": "#7f7f7f"}
LABELS = {"constant": r"constant $\rho_0$", "rho0/sqrt(t)": r"$\rho_t = \rho_0/\sqrt{t}$",
          "rho0/t": r"$\rho_t = \rho_0/t$", "SGD": r"SGD ($\rho = 0$)"}
SETTINGS = {"quick": {"runs": 100, "steps": 800, "starts": 60, "steps_e4": 800},
            "full": {"runs": 200, "steps": 20000, "starts": 300, "steps_e4": 20000}}
REPRODUCES = None
RHO0_E4, BETA_E4 = 0.2, 1.0  # the cosine of decaying-rho-nonconvex's quick mode


def _schedules(rho0):
    return {**setup.rho_schedules(rho0), "SGD": 0.0}


def main(quick: bool = False, out=None) -> list[Path]:
    d = data_dir(PAPER, out)
    s = setup.settings(SETTINGS, quick)
    R, T, starts, T_nc = s["runs"], s["steps"], s["starts"], s["steps_e4"]
    paths = {}
    rho0s = setup.DECAYING_RHO0
    for key, inst in (("E2", setup.e2()), ("E3", setup.e3())):
        rho0 = rho0s[key]
        for lab, rh in _schedules(rho0).items():
            res = inst.run(inst.algorithm(inst.lr, rh), T, R, 0, 40, keep_iterates=False, name="const-vs-decay")
            res.meta["panel"] = {"instance": key, "rho0": rho0, "floor": inst.gap(inst.limit(rho0)[0])}
            paths[(key, lab)] = res.save(d / f"constant_vs_decaying_{key}_{lab.replace('/', '_')}")
    rho0, beta = RHO0_E4, BETA_E4
    p = scaled_cosine(rho0, beta)
    xs = setup.e4_starts(rng(0, "e4-starts"), starts)
    for lab, rh in _schedules(rho0).items():
        if lab == "SGD":
            continue
        res = run(p, algorithms.sam(0.5 / beta, rh), xs, T_nc, checkpoints=40, name="const-vs-decay-nc")
        res.meta["panel"] = {"rho0": rho0, "beta": beta}
        paths[("E4", lab)] = res.save(d / f"constant_vs_decaying_E4_{lab.replace('/', '_')}")

    return [plot(paths, runs=R, starts=starts, quick=quick, out=out)]


def plot(paths, *, runs, starts, quick=False, out=None) -> Path:
    rho0s = setup.DECAYING_RHO0
    fig, axes = new_figure(ncols=2, nrows=2, width=7.0, height=7.0)
    cx = span_panels(fig, axes, 1)
    for ax, key, title, name in ((axes[0, 0], "E2", f"(a) m-SAM on E2, ρ₀ = {rho0s['E2']:g}", "ρ₀²/4"),
                                 (axes[0, 1], "E3", f"(b) n-SAM on E3, ρ₀ = {rho0s['E3']:g}", "ρ₀²/18")):
        floor = None
        for lab in COLORS:
            r = Result.load(paths[(key, lab)])
            floor = r.meta["panel"]["floor"]
            t = r.t[1:].astype(float)
            g = r.f_gap[1:]
            m = g.mean(axis=1)
            se = g.std(axis=1, ddof=1) / np.sqrt(g.shape[1])
            ax.plot(t, m, color=COLORS[lab], linewidth=1.4)
            ax.fill_between(t, np.maximum(m - 2 * se, m / 10), m + 2 * se, color=COLORS[lab], alpha=0.2, linewidth=0)
        add_level(ax, floor, f"predicted floor {name} = {floor:.3g}", color=COLORS["constant"])
        set_log(ax, "both")
        label_axes(ax, "iteration t", r"mean $f(x_t) - f^\star$", f"{title}, {runs} runs")
        legend(ax, where="below")
    rho0, beta = RHO0_E4, BETA_E4
    stall = float(th.stall_grad_norm(rho0, beta))
    for lab in ("constant", "rho0/sqrt(t)", "rho0/t"):
        r = Result.load(paths[("E4", lab)])
        t = r.t[1:].astype(float)
        g = r.grad_norm[1:] / stall
        cx.plot(t, g.max(axis=1), color=COLORS[lab], linewidth=1.6)
        cx.plot(t, np.median(g, axis=1), color=COLORS[lab], linewidth=1.2, linestyle="--")
    add_level(cx, 1.0, color="black", linestyle=":")
    set_log(cx, "both")
    label_axes(cx, "iteration t", r"$|f'(x_t)|\ /\ (2\beta\rho_0/(3\pi))$",
               f"(c) SAM on the scaled cosine, ρ₀ = {rho0}, β = {beta:g}, η = 0.5, {starts} starts")
    for lab in COLORS:  # one legend for the three panels: the colours are the radii
        cx.plot([], [], color=COLORS[lab], linewidth=1.6, label=LABELS[lab])
    cx.plot([], [], color="0.3", linewidth=1.6, label="(c) max over starts")
    cx.plot([], [], color="0.3", linewidth=1.2, linestyle="--", label="(c) median over starts")
    cx.plot([], [], color="black", linestyle=":", label="(c) stall value 2βρ₀/(3π)")
    legend(cx, where="below", ncols=4)
    fig.suptitle("Si & Yun (2023): constant ρ stalls at Θ(ρ²); with ρ_t → 0 the floor disappears", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "constant_vs_decaying_rho.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
