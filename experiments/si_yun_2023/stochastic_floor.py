"""Stochastic SAM converges only to a ρ²-neighbourhood, and n-SAM and m-SAM to different ones.

Si & Yun (2023), abstract: stochastic SAM carries an inevitable additive O(ρ²) term, for both sampling
variants. Constructions of samlab.setups.si_yun_2023. E2: f = ½Σ_i (a_i/2)(x − c_i)², a = (1, 3),
c = (−1, 1), m-SAM with one-sample sampling, x₀ = 2. E3: f = x²/2 with oracle x + ξ, ξ = 2 w.p. 1/3 and
−1 w.p. 2/3, n-SAM, x₀ = 1. (a) The floor (f''/2)b² (±2 SE) against ρ, b = E[x_T^SAM − x_T^SGD] the
shift SAM adds (paired with SGD on the same samples), with the predicted floors ρ²/4 and ρ²/18 (dashed)
and the fitted slopes of the claim stochastic-floor-scaling (its runs); hollow markers: the rougher
estimate E gap − E gap_SGD; dotted: SGD's own gap at T; the controls (n-SAM with symmetric Gaussian
noise of the same variance on E3, n-SAM on E2's symmetric two-component sum, smaller runs) stay at the
SGD level. (b) |b| against ρ with the predictions ρ/2 and ρ/3; the controls' |E x_T − x*| sit at their
Monte Carlo noise (2 SE, dotted). (c) E5 (a = (1, 1, 4), c = (−3, 3, −1)): E x_T − x* of n-SAM and of
m-SAM against ρ with their different limits −ρ/3 and −2ρ/3 (claim nsam-vs-msam). (d) E3 with a constant
step (η = 0.01, ρ = 0.4): the stationary distribution of x_t for n-SAM and m-SAM, same mean ρ/3 but
different spreads (the variances printed are the claim's estimates), against the normal laws of the
predicted variances ηV/(2 − η). Takeaway: the floor
is Θ(ρ²) and does not care about T; which sample the descent step uses changes where SAM ends up and
how much it fluctuates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter
from scipy import stats

from samlab import Result, noise as noises
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import add_bound, add_fit, label_axes, legend, new_figure, save_figure, set_log, style
from samlab.setups import si_yun_2023 as setup
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["stochastic_floor"]
CLAIMS = [f"{PAPER}/msam-biased-limit", f"{PAPER}/nsam-biased-limit", f"{PAPER}/stochastic-floor-scaling",
          f"{PAPER}/nsam-vs-msam", f"{PAPER}/controls-converge"]
REPRODUCES = None
CONTROLS = {"quick": {"runs": 100, "steps": 600}, "full": {"runs": 500, "steps": 20000}}
E5_RHOS = [0.1, 0.2, 0.3]


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(setup.FLOOR_SCALING, quick)
    ctl = setup.settings(CONTROLS, quick)
    nm = setup.settings(setup.NSAM_VS_MSAM, quick)
    rhos, R, T = cfg["rhos"], cfg["runs"], cfg["steps"]
    m3, t3 = cfg["e3_schedule"]
    d = data_dir(PAPER, out)
    e3 = setup.e3(eta_mult=m3, t0=t3)
    paths = {}
    # the claims' sweeps (same calls: the run cache shares them with stochastic-floor-scaling)
    for key, inst in (("E2", setup.e2()), ("E3", e3)):
        sweep = setup.rho_sweep(inst, tuple(rhos), R, T, 0)
        sc = setup.floor_scaling(inst, sweep, rhos)
        for rho, res in sweep.items():
            res.meta["sweep"] = {"instance": key, "rho": rho, "x_star": inst.problem.x_star.tolist()}
            if rho == 0.0:
                res.meta["scaling"] = {k: (v.tolist() if isinstance(v, np.ndarray) else
                                           {"slope": v.slope, "intercept": v.intercept, "window": list(v.window)}
                                           if hasattr(v, "slope") else v) for k, v in sc.items()}
            paths[(key, rho)] = res.save(d / f"stochastic_floor_{key}_rho{rho:g}")
    # controls: symmetric noise / symmetric sum (smaller runs; no number of the figure comes from them)
    e3c = setup.e3()
    for key, inst in (("E2_nsam", setup.e2(variant="n")), ("E3_gauss", e3c.replace(noise=noises.Gaussian(np.sqrt(2.0))))):
        for rho, res in setup.rho_sweep(inst, tuple(rhos), ctl["runs"], ctl["steps"], 0, baseline=False,
                                        name="stochastic-floor").items():
            res.meta["sweep"] = {"instance": key, "rho": rho, "x_star": inst.problem.x_star.tolist()}
            paths[(key, rho)] = res.save(d / f"stochastic_floor_{key}_rho{rho:g}")
    # E5: n-SAM and m-SAM limits (the claim nsam-vs-msam's runs at its ρ, plus neighbours)
    rhos5 = sorted(set(E5_RHOS) | {nm["rho_limit"]})
    for variant in ("n", "m"):
        inst = setup.e5(variant)
        for rho, res in setup.rho_sweep(inst, (nm["rho_limit"],), nm["runs"], nm["steps"], 0).items():
            if rho:
                paths[("E5", variant, rho)] = _e5_save(res, inst, rho, d)
        for rho in rhos5:
            if rho != nm["rho_limit"]:
                res = setup.rho_sweep(inst, (rho,), nm["runs"], nm["steps"], 0, baseline=False)[rho]
                paths[("E5", variant, rho)] = _e5_save(res, inst, rho, d)
    # E3 stationary distributions (the claim's runs)
    for variant in ("n", "m"):
        res = setup.stationary_runs(setup.e3(), nm["lr_var"], nm["rho_var"], nm["runs_var"], nm["burn_in"],
                                    nm["samples"], nm["spacing"], 0, variant=variant, name="nsam-vs-msam-variance")
        res.meta["stationary"] = {"variant": variant, "lr": nm["lr_var"], "rho": nm["rho_var"]}
        paths[("E3_var", variant)] = res.save(d / f"stochastic_floor_E3_stationary_{variant}sam")
    return [plot(paths, rhos=rhos, rhos5=rhos5, R=R, T=T, quick=quick, out=out)]


def _e5_save(res, inst, rho, d):
    xbar, J = inst.limit(rho)
    res.meta["e5"] = {"variant": inst.variant, "rho": rho, "x_star": float(inst.problem.x_star[0]),
                      "x_bar": float(xbar[0])}
    return res.save(d / f"stochastic_floor_E5_{inst.variant}sam_rho{rho:g}")


def _fit(meta):
    from types import SimpleNamespace
    return SimpleNamespace(**meta)


def plot(paths, *, rhos, rhos5, R, T, quick=False, out=None) -> Path:
    fig, axes = new_figure(ncols=2, nrows=2, width=7.0, height=8.4)
    (ax, bx), (cx, dx) = axes
    fine = np.geomspace(min(rhos) * 0.8, max(rhos) * 1.25, 50)
    r_arr = np.asarray(rhos)
    ha, hb = [], []
    for key, nm, pred_gap, pred_x, lab, gtxt, xtxt in (
            ("E2", "m-sam", lambda r: r**2 / 4, lambda r: r / 2, "m-SAM on E2", "ρ²/4", "ρ/2"),
            ("E3", "n-sam", lambda r: r**2 / 18, lambda r: r / 3, "n-SAM on E3", "ρ²/18", "ρ/3")):
        base = Result.load(paths[(key, 0.0)])
        sc = base.meta["scaling"]
        st = style(nm)
        floors, ses = np.asarray(sc["floor"]), np.asarray(sc["floor_se"])
        ha.append(ax.errorbar(r_arr, floors, yerr=2 * ses, linestyle="none", marker=st["marker"], color=st["color"],
                              markersize=5, capsize=2,
                              label=f"{lab}: (f''/2)b², slope {sc['floor_fit']['slope']:.3f}"))
        add_fit(ax, _fit(sc["floor_fit"]), None, color=st["color"])
        ax.plot(r_arr, sc["gap_diff"], linestyle="none", marker=st["marker"], markerfacecolor="none", color=st["color"],
                markersize=7)
        ha.append(add_bound(ax, fine, pred_gap(fine), label=f"  predicted {gtxt}", color=st["color"], linestyle="--"))
        ax.axhline(base.f_gap[-1].mean(), color=st["color"], linestyle=":", linewidth=1.2)
        hb.append(bx.errorbar(r_arr, sc["shift"], yerr=2 * np.asarray(sc["shift_se"]), linestyle="none",
                              marker=st["marker"], color=st["color"], markersize=5, capsize=2,
                              label=f"{lab}: |b|, slope {sc['dist_fit']['slope']:.3f}"))
        add_fit(bx, _fit(sc["dist_fit"]), None, color=st["color"])
        hb.append(add_bound(bx, fine, pred_x(fine), label=f"  predicted x̄ − x* = {xtxt}", color=st["color"],
                            linestyle="--"))
    ha += ax.plot([], [], linestyle="none", marker="o", markerfacecolor="none", color="0.3",
                  label="hollow: E gap − E gap$_{SGD}$")
    ha += ax.plot([], [], linestyle=":", color="0.3", label="dotted: SGD's own gap at T")
    for key, lab, color, marker in (("E3_gauss", "control: n-SAM, E3, Gaussian ξ", "#2ca02c", "v"),
                                    ("E2_nsam", "control: n-SAM, E2 (symmetric)", "#9467bd", "^")):
        gaps, shifts, sh_se = [], [], []
        for rho in rhos:
            r = Result.load(paths[(key, rho)])
            gaps.append(r.f_gap[-1].mean())
            x = r.iterates[-1][:, 0]
            shifts.append(abs(x.mean() - r.meta["sweep"]["x_star"][0]))
            sh_se.append(2 * x.std(ddof=1) / np.sqrt(x.size))
        ha += ax.plot(r_arr, gaps, marker=marker, color=color, linestyle="-", linewidth=1.0, markersize=4,
                      label=f"{lab}: E gap")
        hb += bx.plot(r_arr, shifts, marker=marker, color=color, linestyle="none", markersize=4,
                      label=f"{lab}: |E x_T − x*|")
        bx.plot(r_arr, sh_se, color=color, linestyle=":", linewidth=1.0)
    hb += bx.plot([], [], linestyle=":", color="0.3", label="dotted: 2 SE of a control (noise level)")
    for axis in (ax, bx):
        set_log(axis, "both")
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_xticks(r_arr, [f"{r:g}" for r in r_arr])
    label_axes(ax, r"radius $\rho$", r"gap at $T$", f"(a) floor of the gap, {R} runs, T = {T}")
    label_axes(bx, r"radius $\rho$", "|b|,  |E x_T − x*|", "(b) shift of the limit")
    legend(ax, where="below", ncols=1, handles=ha, labels=[h.get_label() for h in ha])
    legend(bx, where="below", ncols=1, handles=hb, labels=[h.get_label() for h in hb])

    hc = []
    for variant in ("n", "m"):
        st = style(f"{variant}-sam")
        ms, ses, preds = [], [], []
        for rho in rhos5:
            r = Result.load(paths[("E5", variant, rho)])
            meta = r.meta["e5"]
            x = r.iterates[-1][:, 0] - meta["x_star"]
            ms.append(x.mean())
            ses.append(x.std(ddof=1) / np.sqrt(x.size))
            preds.append(meta["x_bar"] - meta["x_star"])
        hc.append(cx.errorbar(rhos5, ms, yerr=2 * np.asarray(ses), linestyle="none", marker=st["marker"],
                              color=st["color"], markersize=5, capsize=2, label=f"{variant}-SAM: E x_T − x* (±2 SE)"))
        hc += cx.plot(rhos5, preds, color=st["color"], linestyle="--", linewidth=1.2,
                      label=f"  limit −{'ρ/3' if variant == 'n' else '2ρ/3'}")
    cx.axhline(0.0, color="0.5", linewidth=0.8)
    cx.set_xticks(rhos5, [f"{r:g}" for r in rhos5])
    label_axes(cx, r"radius $\rho$", "E x_T − x*", "(c) E5: n-SAM and m-SAM end apart")
    legend(cx, where="below", ncols=1, handles=hc, labels=[h.get_label() for h in hc])

    for variant in ("n", "m"):
        st = style(f"{variant}-sam")
        r = Result.load(paths[("E3_var", variant)])
        meta = r.meta["stationary"]
        x = r.iterates[1:, :, 0].ravel()
        mean, var = th.additive_noise_stationary(meta["lr"], meta["rho"], *setup.E3_NOISE, variant)
        measured, _ = setup.stationary_variance(r, mean)  # the claim's estimator, on its runs
        dx.hist(x, bins=60, density=True, histtype="step", color=st["color"], linewidth=1.3,
                label=f"{variant}-SAM: variance {measured:.4g} (predicted {var:.4g})")
        grid = np.linspace(x.min(), x.max(), 200)
        dx.plot(grid, stats.norm.pdf(grid, mean, np.sqrt(var)), color=st["color"], linestyle="--", linewidth=1.0)
    dx.plot([], [], color="0.3", linestyle="--", label="normal law of the predicted variance")
    dx.axvline(meta["rho"] / 3, color="0.4", linestyle=":", linewidth=1.0, label="common mean ρ/3")
    label_axes(dx, r"$x_t$ (stationary)", "density", f"(d) E3, η = {meta['lr']:g}, ρ = {meta['rho']:g}")
    legend(dx, where="below", ncols=1)
    fig.suptitle("Si & Yun (2023): stochastic SAM stalls Θ(ρ²) from the optimum", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "stochastic_floor.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
