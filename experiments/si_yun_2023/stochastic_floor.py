"""Stochastic SAM converges only to a ρ²-neighbourhood: m-SAM on E2 and n-SAM on E3, with controls that converge.

Si & Yun (2023), abstract: stochastic SAM carries an inevitable additive O(ρ²) term. Constructions E2 and
E3 of samlab.setups.si_yun_2023. E2: f = ½Σ_i (a_i/2)(x − c_i)², a = (1, 3),
c = (−1, 1), m-SAM with uniform one-sample sampling, x0 = 2. E3: f = x²/2 with oracle x + ξ,
ξ = 2 w.p. 1/3 and −1 w.p. 2/3, n-SAM, x0 = 1. Both with η_t = 1/(t + 10), R runs each, read at the
final T (the ρ-sweep protocol of the claims, samlab.setups.si_yun_2023.rho_sweep). SAM is paired with SGD
on the same samples: b = E[x_T^SAM − x_T^SGD] is the shift SAM adds (the common transient cancels).
Left: the floor (f''/2)b² (error bars ±2 SE) against ρ with the predicted floors ρ²/4 and ρ²/18 (dashed)
and fitted slopes (the estimate of stochastic-floor-scaling); hollow markers: the rougher estimate
E gap − E gap_SGD, which at finite T also carries transient and variance terms; dotted: SGD's own gap at
T; the gaps of the controls (n-SAM with symmetric Gaussian noise of the same variance on E3, n-SAM on
E2's symmetric two-component sum) stay at the SGD level. Right: |b| against ρ with the predictions ρ/2
and ρ/3; the controls' |E x_T − x*| sit at the Monte Carlo noise level (their 2 SE, dotted).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from samlab import Result, noise as noises
from samlab.analysis import loglog_fit
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_fit, label_axes, legend, new_figure, save_figure, set_log, style
from samlab.setups import si_yun_2023 as setup

PAPER = "si-yun-2023"
FIGURES = ["stochastic_floor"]
CLAIMS = [f"{PAPER}/msam-biased-limit", f"{PAPER}/nsam-biased-limit", f"{PAPER}/stochastic-floor-scaling",
          f"{PAPER}/controls-converge"]
SETTINGS = {"quick": {"rhos": [0.1, 0.2, 0.4], "runs": 100, "steps": 600},
            "full": {"rhos": [0.025, 0.05, 0.1, 0.2, 0.4], "runs": 500, "steps": 20000}}


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(SETTINGS, quick)
    rhos, R, T = cfg["rhos"], cfg["runs"], cfg["steps"]
    d = data_dir(PAPER, out)
    e3 = setup.e3()
    sweeps = {"E2": (setup.e2(), True), "E3": (e3, True), "E2_nsam": (setup.e2(variant="n"), False),
              "E3_gauss": (e3.replace(noise=noises.Gaussian(np.sqrt(2.0))), False)}  # SGD baselines for E2, E3 only
    paths = {}
    for key, (inst, baseline) in sweeps.items():
        for rho, res in setup.rho_sweep(inst, rhos, R, T, 0, baseline=baseline, name="stochastic-floor").items():
            res.meta["sweep"] = {"instance": key, "rho": rho, "x_star": inst.problem.x_star.tolist()}
            paths[(key, rho)] = res.save(d / f"stochastic_floor_{key}_rho{rho:g}")

    fig, (ax, bx) = new_figure(ncols=2, width=13.5, height=5.4)
    fine = np.geomspace(min(rhos) * 0.8, max(rhos) * 1.25, 50)
    r_arr = np.asarray(rhos)
    ha, hb = [], []
    for key, nm, pred_gap, pred_x, lab in (("E2", "m-sam", lambda r: r**2 / 4, lambda r: r / 2, "m-SAM on E2"),
                                           ("E3", "n-sam", lambda r: r**2 / 18, lambda r: r / 3, "n-SAM on E3")):
        base = Result.load(paths[(key, 0.0)])
        floors, ses, gap_diff, shifts, sh_se = [], [], [], [], []
        for rho in rhos:
            r = Result.load(paths[(key, rho)])
            a = float(r.meta["problem"]["L"])  # f'' of the 1-D instance (2 for E2, 1 for E3)
            b, b_se = setup.paired_shift(r, base)  # paired shift (same samples)
            floor, floor_se = setup.shift_floor([[a]], b, b_se)
            shifts.append(abs(float(b[0])))
            sh_se.append(float(b_se[0]))
            floors.append(floor)
            ses.append(floor_se)
            gap_diff.append((r.f_gap[-1] - base.f_gap[-1]).mean())
        st = style(nm)
        fg = loglog_fit(r_arr, np.asarray(floors), n_boot=0)
        ha.append(ax.errorbar(r_arr, floors, yerr=2 * np.asarray(ses), linestyle="none", marker=st["marker"], color=st["color"],
                    markersize=8, capsize=3, label=f"{lab}: (f''/2)b², fit slope {fg.slope:.2f}"))
        add_fit(ax, fg, None, color=st["color"])
        ha += ax.plot(r_arr, gap_diff, linestyle="none", marker=st["marker"], markerfacecolor="none", color=st["color"],
                markersize=11, label="  E gap − E gap$_{SGD}$ (rougher estimate)")
        ha.append(add_bound(ax, fine, pred_gap(fine), label="  predicted " + ("ρ²/4" if key == "E2" else "ρ²/18"), color=st["color"],
                  linestyle="--"))
        ha.append(ax.axhline(base.f_gap[-1].mean(), color=st["color"], linestyle=":", linewidth=1.5,
                   label=f"  SGD gap at T on {key}"))
        fs = loglog_fit(r_arr, np.asarray(shifts), n_boot=0)
        hb.append(bx.errorbar(r_arr, shifts, yerr=2 * np.asarray(sh_se), linestyle="none", marker=st["marker"], color=st["color"],
                    markersize=8, capsize=3, label=f"{lab}: |b|, fit slope {fs.slope:.2f}"))
        add_fit(bx, fs, None, color=st["color"])
        hb.append(add_bound(bx, fine, pred_x(fine), label="  predicted x̄ − x* = " + ("ρ/2" if key == "E2" else "ρ/3"),
                  color=st["color"], linestyle="--"))
    for key, lab, color, marker in (("E3_gauss", "control: n-SAM on E3, Gaussian ξ (σ² = 2)", "#2ca02c", "v"),
                                    ("E2_nsam", "control: n-SAM on E2 (symmetric)", "#9467bd", "^")):
        gaps, shifts, sh_se = [], [], []
        for rho in rhos:
            r = Result.load(paths[(key, rho)])
            gaps.append(r.f_gap[-1].mean())
            x = r.iterates[-1][:, 0]
            shifts.append(abs(x.mean() - r.meta["sweep"]["x_star"][0]))
            sh_se.append(2 * x.std(ddof=1) / np.sqrt(x.size))
        ha += ax.plot(r_arr, gaps, marker=marker, color=color, linestyle="-", linewidth=1.2, markersize=7, label=f"{lab}: E gap")
        hb += bx.plot(r_arr, shifts, marker=marker, color=color, linestyle="none", markersize=7, label=f"{lab}: |E x_T − x*|")
        hb += bx.plot(r_arr, sh_se, color=color, linestyle=":", linewidth=1.3, label="  its 2 SE (noise level)")
    for axis in (ax, bx):
        set_log(axis, "both")
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_xticks(r_arr, [f"{r:g}" for r in r_arr])
    label_axes(ax, r"perturbation radius $\rho$ (log scale)", r"gap at $T$ (log scale)", "Floor of the gap vs ρ")
    ax.set_ylim(top=ax.get_ylim()[1] * 30)
    bx.set_ylim(top=bx.get_ylim()[1] * 6)
    label_axes(bx, r"perturbation radius $\rho$ (log scale)", r"shift $|b|$, $|\mathbb{E}\,x_T - x^\star|$ (log scale)",
               "Shift of the limit vs ρ")
    for axis, hs in ((ax, ha), (bx, hb)):
        legend(axis, fontsize=8, loc="upper left", handles=hs, labels=[h.get_label() for h in hs])
    fig.suptitle(f"Si & Yun (2023): stochastic SAM stalls at Θ(ρ²) from the optimum — {R} runs, T = {T}, "
                 r"$\eta_t = 1/(t+10)$", fontsize=13)
    return [save_figure(fig, figure_dir(PAPER, out) / "stochastic_floor.png")]


if __name__ == "__main__":
    script_main(main)
