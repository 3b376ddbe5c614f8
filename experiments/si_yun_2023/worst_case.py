"""How tight are the derived bounds? Each against the worst instance found, the PEP worst case and typical instances.

The five upper bounds of samlab's Si & Yun (2023) claims (det-sc-bound, det-convex-bound,
det-nonconvex-bound, stoch-sc-bound, stoch-nonconvex-bound; derived for samlab, the paper's constants are
not available) at fixed hyperparameters (ηβ, ρ; samlab.setups.si_yun_2023.WORST_CASE_FIGURE, β = 1,
f(x_0) − f* = 1), against the horizon T on log-log axes: the bound (black dashed), the worst value an
adversarial search over the bound's class reaches at t = T (red: quadratics, Huber sums or cosine sums;
Monte Carlo means with 99.9 % intervals for the stochastic bounds, E3's noise law), the PEP worst case
of SAM (blue, T ≤ 10; a sound relaxation, the ascent point anywhere in the ball of radius ρ, so it lies
above the true worst case and may exceed the bound without breaking it) and the median over random
members of the class (grey). The worst-case claims (<bound>-worst-case) search the hyperparameters too.
Takeaway: no instance exceeds a bound. The convex bound stays within a small factor of the worst case
at every T; the strongly convex bounds are nearly attained in the first steps but sit more than an order
of magnitude above the worst plateau once the floor is reached (the level B is loose by about β/μ on
quadratics); the nonconvex bounds are loose at every T (their 3β²ρ² against E4's stall at 0.045β²ρ²).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import label_axes, legend, new_figure, save_figure, set_log, style
from samlab.result import atomic_write_bytes
from samlab.setups import general as gsetup
from samlab.setups import si_yun_2023 as setup

PAPER = "si-yun-2023"
FIGURES = ["worst_case"]
BOUNDS = ["det-sc-bound", "det-convex-bound", "det-nonconvex-bound", "stoch-sc-bound", "stoch-nonconvex-bound"]
CLAIMS = [f"{PAPER}/{b}-worst-case" for b in BOUNDS] + [f"{PAPER}/{b}" for b in BOUNDS]
REPRODUCES = None
SETTINGS = {"quick": {"T": [1, 4, 16], "budget": 40, "samples": 12, "pep_steps": [1, 2], "replicas": 4,
                      "final_replicas": 100},
            "full": {"T": [1, 2, 5, 10, 20, 50, 100, 200], "budget": 300, "samples": 100,
                     "pep_steps": [1, 2, 4, 6, 8, 10], "replicas": 16, "final_replicas": 600}}
PEP = {"det-sc-bound": ("f_gap", None), "det-convex-bound": ("grad_norm_avg", None),
       "det-nonconvex-bound": ("grad_norm_avg", "smooth")}
TITLES = {"det-sc-bound": "(a) deterministic, strongly convex: f(x_T) − f*",
          "det-convex-bound": "(b) deterministic, convex: (1/T)Σ‖∇f‖²",
          "det-nonconvex-bound": "(c) deterministic, nonconvex: (1/T)Σ‖∇f‖²",
          "stoch-sc-bound": "(d) stochastic, strongly convex: E f(x_T) − f*",
          "stoch-nonconvex-bound": "(e) stochastic, nonconvex: (1/T)ΣE‖∇f‖²"}


def main(quick: bool = False, out=None) -> list[Path]:
    cfg = setup.settings(SETTINGS, quick)
    d = data_dir(PAPER, out)
    paths = {}
    for bound in BOUNDS:
        cases, alg, b = setup.figure_cases(bound)
        fig = setup.WORST_CASE_FIGURE[bound]
        metric, cls = PEP.get(bound, (None, None))
        curve = gsetup.worst_case_curve(cases, b, alg, T=cfg["T"], budget=cfg["budget"], samples=cfg["samples"],
                                        pep_steps=cfg["pep_steps"] if bound in PEP else (), L=setup.WC_BETA,
                                        mu=fig.get("mu", 0.0) if bound == "det-sc-bound" else 0.0,
                                        metric=metric or "f_gap", function_class=cls, replicas=cfg["replicas"],
                                        final_replicas=cfg["final_replicas"])
        meta = {"bound": bound, "hypers": fig, "families": [c.label for c in cases], "budget": cfg["budget"],
                "relaxation": curve.pop("relaxation"), "pep_exact": curve.pop("pep_exact")}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **curve, meta=np.asarray(json.dumps(meta, sort_keys=True)))
        path = d / f"worst_case_{bound.replace('-', '_')}.npz"
        atomic_write_bytes(path, buffer.getvalue())
        paths[bound] = path
    return [plot(paths, quick=quick, out=out)]


def plot(paths, *, quick=False, out=None) -> Path:
    fig, axes = new_figure(ncols=2, nrows=3, width=7.0, height=8.6)
    flat = list(axes.flat)
    for ax, bound in zip(flat, BOUNDS):
        with np.load(paths[bound]) as z:
            c = {k: z[k] for k in z.files}
        meta = json.loads(str(c.pop("meta")))
        T = c["T"].astype(float)
        ax.plot(T, c["bound"], color="black", linestyle="--", linewidth=1.4, label="bound")
        worst = c["worst"]
        ci = c["worst_ci"]
        if np.all(np.isfinite(ci)):
            err = [np.maximum(worst - ci[:, 0], 0.0), np.maximum(ci[:, 1] - worst, 0.0)]  # rounding can give −1e-17
            ax.errorbar(T, worst, yerr=err, color=style("sam")["color"], marker="o",
                        markersize=4, linewidth=1.2, capsize=2, label="adversarial worst")
        else:
            ax.plot(T, worst, color=style("sam")["color"], marker="o", markersize=4, linewidth=1.2,
                    label="adversarial worst")
        ax.plot(T, c["median"], color="0.55", marker=".", linewidth=1.0, label="median of random members")
        if c["pep_N"].size:
            ax.plot(c["pep_N"], c["pep"], color=style("gd")["color"], marker="s", markersize=4, linestyle=":",
                    linewidth=1.2, label="PEP (ball relaxation)")
        set_log(ax, "both")
        h = meta["hypers"]
        label_axes(ax, "T", None, f"{TITLES[bound]}\nηβ = {h['lr_beta']:g}, ρ = {10 ** h['log_rho']:g}"
                   + (f", μ = {h['mu']:g}" if "mu" in h else ""))
        ax.title.set_fontsize(8)
    legend_ax = flat[-1]
    legend_ax.axis("off")
    for lab, kw in (("bound (derived for samlab)", {"color": "black", "linestyle": "--"}),
                    ("adversarial worst at t = T (±99.9 % CI when stochastic)", {"color": style("sam")["color"],
                                                                                 "marker": "o"}),
                    ("PEP worst case (ball relaxation, an upper bound)", {"color": style("gd")["color"], "marker": "s",
                                                                           "linestyle": ":"}),
                    ("median of random members", {"color": "0.55", "marker": "."})):
        legend_ax.plot([], [], label=lab, **kw)
    legend(legend_ax, loc="center")
    fig.suptitle("Si & Yun (2023): the derived bounds against their worst cases", fontsize=10)
    return save_figure(fig, figure_dir(PAPER, out) / "worst_case.png", quick=quick, add_legends=False)


if __name__ == "__main__":
    script_main(main)
