"""Deterministic SAM on a strongly convex quadratic: Θ̃(1/T²) with a T-dependent step, a plateau with a constant one.

Si & Yun (2023), abstract: deterministic SAM on smooth strongly convex functions converges at the tight
rate Θ̃(1/T²). Construction E1 (samlab.setups.si_yun_2023): f = ½xᵀdiag(μ, β)x with μ = 0.1, β = 1,
ρ = 0.1, x₀ = (1, 1). (a) f(x_T) − f* against T for SAM with the anytime schedule η_t = 2/(μ(t + 2β/μ))
(one run), SAM with the log-tuned constant step η(T) = min(1/β, 2 ln T/(μT)) (one run per T, diamonds),
SAM with a constant η = 0.05 (it settles on the 2-cycle plateau (β/2)(ηβρ/(2 − ηβ))², dashed), and USAM
and GD with the same constant η (linear convergence); the fitted slopes are those of the claim
sc-rate-t-dependent-step (same runs, same T grid), the 1/T² reference dotted. (b) The lower-bound side:
for each T the worst case over the family (a/2)x², a ∈ [μ, β], x₀ ∈ [0.5, 1], minimized over constant
steps, with the fitted slope and the best step's exponent of the claim sc-minimax-rate (same grid).
Takeaway: only a step that shrinks like ln T/T gives the 1/T² rate; a constant step stalls.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from samlab import Result, algorithms, run
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.result import atomic_write_text
from samlab.plotting import (add_fit, add_level, add_reference_slope, label_axes, legend, new_figure, plot_metric,
                             save_figure, set_log, style)
from samlab.setups import si_yun_2023 as setup
from samlab.theory import cycle_plateau
from samlab.theory import si_yun_2023 as th

PAPER = "si-yun-2023"
FIGURES = ["sc_rates"]
CLAIMS = [f"{PAPER}/sc-rate-t-dependent-step", f"{PAPER}/sc-minimax-rate", f"{PAPER}/sc-two-cycle",
          f"{PAPER}/controls-converge"]
REPRODUCES = None
MU, BETA, RHO, ETA_CONST = 0.1, 1.0, 0.1, 0.05


def main(quick: bool = False, out=None) -> list[Path]:
    rate = setup.settings(setup.SC_RATE, quick)
    minimax = setup.settings(setup.SC_MINIMAX, quick)
    Ts = np.asarray(rate["T"], dtype=int)
    T_max = int(Ts[-1])
    p = setup.e1(MU, BETA)
    x0 = np.ones(2)
    d = data_dir(PAPER, out)
    # the claim's runs and fits (E1 is its first instance): the numbers printed below are its numbers
    fits, (r_sched, r_tuned) = setup.sc_rate_fits(p, x0, RHO, Ts)
    ck = np.unique(np.geomspace(1, T_max, 80).astype(int))
    runs = {
        "anytime": run(p, algorithms.sam(th.anytime_lr(MU, BETA), RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "constant": run(p, algorithms.sam(ETA_CONST, RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "usam": run(p, algorithms.usam(ETA_CONST, RHO), x0, T_max, checkpoints=ck, name="sc-rates"),
        "gd": run(p, algorithms.gd(ETA_CONST), x0, T_max, checkpoints=ck, name="sc-rates"),
        "log_tuned": r_tuned,
    }
    mu_f, beta_f, rho_f = setup.MINIMAX_FAMILIES[0]
    fam, _ = setup.minimax_fits(mu_f, beta_f, rho_f, minimax)  # its runs (10⁵ members) are not kept: the summary is
    summary = {"T": fam["T"].tolist(), "best": fam["best"].tolist(), "best_eta": fam["best_eta"].tolist(),
               "gap_fit": _fit_meta(fam["gap_fit"]), "eta_fit": _fit_meta(fam["eta_fit"]),
               "grid": [minimax["n_a"], minimax["n_x0"], minimax["n_eta"]]}
    runs["log_tuned"].meta["fits"] = {"T": Ts.tolist(), "schedule": _fit_meta(fits["schedule"]),
                                      "log_tuned": _fit_meta(fits["log_tuned"]),
                                      "gaps_log_tuned": np.asarray(fits["gaps_log_tuned"]).tolist()}
    paths = {k: r.save(d / f"sc_rates_{k}") for k, r in runs.items()}
    paths["family"] = d / "sc_rates_family.json"
    atomic_write_text(paths["family"], json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return [plot(paths, quick=quick, out=out)]


def _fit_meta(fit) -> dict:
    return {"slope": fit.slope, "intercept": fit.intercept, "window": list(fit.window)}


def _fit(meta) -> SimpleNamespace:
    """A saved fit as add_fit reads it (log y = intercept + slope·log x over the window)."""
    fit = SimpleNamespace(**meta)
    fit.predict = lambda x: np.exp(fit.intercept + fit.slope * np.log(np.asarray(x, dtype=float)))
    return fit


def plot(paths, *, quick=False, out=None) -> Path:
    R = {k: Result.load(v) for k, v in paths.items() if k != "family"}
    meta = R["log_tuned"].meta["fits"]
    Ts = np.asarray(meta["T"])
    fits = {"schedule": _fit(meta["schedule"]), "log_tuned": _fit(meta["log_tuned"]),
            "gaps_log_tuned": np.asarray(meta["gaps_log_tuned"])}
    mm = json.loads(Path(paths["family"]).read_text())
    fam = {"T": mm["T"], "best": np.asarray(mm["best"]), "best_eta": np.asarray(mm["best_eta"]),
           "gap_fit": _fit(mm["gap_fit"]), "eta_fit": _fit(mm["eta_fit"])}
    fig, (ax, bx) = new_figure(nrows=2, width=7.0, height=6.4)
    r = R["anytime"]
    sel = r.t >= 1
    plot_metric(ax, r.t[sel], r.f_gap[sel, 0], label=r"SAM, $\eta_t = 2/(\mu(t + 2\beta/\mu))$", name="sam", band=None,
                logx=True, logy=True, markers=0)
    add_fit(ax, fits["schedule"], "  fit on the claim's T: slope {slope:.3f}", name="sam")
    st = style("unified_sam")
    ax.plot(Ts, fits["gaps_log_tuned"], linestyle="none", marker="D", color=st["color"], markersize=4.5,
            label=r"SAM, $\eta(T) = \min(1/\beta, 2\ln T/(\mu T))$")
    add_fit(ax, fits["log_tuned"], "  fit: slope {slope:.3f}", color=st["color"])
    rc = R["constant"]
    plot_metric(ax, rc.t[rc.t >= 1], rc.f_gap[rc.t >= 1, 0], label=rf"SAM, constant $\eta = {ETA_CONST}$", name="theory",
                band=None, logx=True, logy=True, markers=0, color="#8c564b", linestyle="-")
    add_level(ax, float(cycle_plateau(ETA_CONST, RHO, BETA)), "  its 2-cycle plateau", color="#8c564b")
    for k in ("usam", "gd"):
        rr = R[k]
        keep = (rr.t >= 1) & (rr.f_gap[:, 0] > 1e-17)
        plot_metric(ax, rr.t[keep], rr.f_gap[keep, 0], label=f"{'USAM' if k == 'usam' else 'GD'}, constant η = {ETA_CONST}",
                    name=k, band=None, logx=True, logy=True, markers=4,
                    **({"linestyle": (0, (4, 2)), "linewidth": 2.2} if k == "usam" else {}))
    add_reference_slope(ax, -2.0, (Ts[0], Ts[-1]), anchor=(Ts[0], fits["schedule"].predict(Ts[0]) * 0.1),
                        label=r"$1/T^2$", linestyle=":")
    ax.set_ylim(1e-16, 3.0)
    label_axes(ax, "iterations T", r"$f(x_T) - f^\star$", f"(a) E1, ρ = {RHO}, x₀ = (1, 1)")
    legend(ax, where="right")

    T_fam = np.asarray(fam["T"])
    bx.plot(T_fam, fam["best"], marker="s", color=style("sam")["color"], linewidth=1.6, markersize=4.5,
            label=r"$\min_\eta \max_{a, x_0} f_a(x_T) - f^\star$")
    add_fit(bx, fam["gap_fit"], "  fit: slope {slope:.3f}", name="sam")
    add_reference_slope(bx, -2.0, (T_fam[0], T_fam[-1]), anchor=(T_fam[0], fam["best"][0] * 2.5), label=r"$1/T^2$",
                        linestyle=":")
    ratio = fam["best_eta"] * MU * T_fam / np.log(T_fam)
    bx.plot([], [], linestyle="none", label=rf"best $\eta \propto T^{{{fam['eta_fit'].slope:.2f}}}$; "
                                            rf"$\eta^*\mu T/\ln T$: {ratio[0]:.2f} → {ratio[-1]:.2f}")
    set_log(bx, "both")
    n = mm["grid"]
    label_axes(bx, "iterations T", "minimax gap",
               f"(b) family (a/2)x², a ∈ [μ, β], x₀ ∈ [0.5, 1]: {n[0]}×{n[1]} members, best of {n[2]} constant η")
    legend(bx, where="right")
    fig.suptitle("Si & Yun (2023), E1: Θ̃(1/T²) needs a T-dependent step", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "sc_rates.png", quick=quick)


if __name__ == "__main__":
    script_main(main)
