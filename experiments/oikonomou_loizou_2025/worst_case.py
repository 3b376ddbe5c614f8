"""How tight is Thm 3.2? The bound against the worst cases found by PEP and by adversarial search, against T.

The bound of Oikonomou & Loizou (2025), Thm 3.2, as samlab reconstructs it (theory.thm32_bound):
E[f(x_T) − f*] ≤ (1 − γN)^T (f(x⁰) − f*) + R(1 − (1 − γN)^T), N = μ − Lρ[μ + 2(1−λ)²(Bμ + A)], R the derived
neighbourhood term, here with L = 1, μ = 0.1, f(x⁰) − f* = 1 and the older step rule ρ = ρ_max(λ)/2,
γ = γ_max(ρ, λ). For each T: the bound (black); the PEP worst case over all L-smooth μ-strongly convex functions
(exact for λ = 0, the sound ball relaxation of the normalized step for λ > 0) and over PEPit's PL class (a
relaxation, λ = 0); the worst instance found by adversarial search (differential evolution over rotated
quadratics and Huber-type functions, or ridge finite sums with single uniform sampling and their ER constants,
a Monte Carlo mean with its 95 % CI); and the median over 100 random members of the same families. (a) USAM
(λ = 0), full gradient; (b) SAM (λ = 1), full gradient; (c) λ = 0.5, stochastic; (d) the worst ratios
measured/bound. Takeaway: no instance reaches the bound; for λ = 0 it is within a factor 1–2 of the exact worst
case over the first steps and drifts away as T grows (the guaranteed factor 1 − γN is slower than the worst
contraction); for λ > 0 the neighbourhood term R is orders of magnitude above every plateau found. The claim
``thm32-linear-rate-worst-case`` searches the same bound over all hyperparameters allowed by the theorem; the
companions ``er-constants-worst-case`` (the ER constants are tight: worst ratio → 1) and
``usam-divergence-threshold-worst-case`` (the distance bound below the threshold is attained on quadratics, and
exceeded beyond them by USAM's exact PEP) report their tightness in the report's Tightness table, not in this figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from samlab import adversary, algorithms
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.pep import PEPSolverError
from samlab.plotting import display_name, label_axes, new_figure, save_figure, set_log, style
from samlab.result import atomic_write_text
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import oikonomou_loizou_2025 as T

PAPER = "oikonomou-loizou-2025"
FIGURES = ["worst_case"]
CLAIMS = [f"{PAPER}/thm32-linear-rate-worst-case", f"{PAPER}/thm32-linear-rate", f"{PAPER}/er-constants-worst-case",
          f"{PAPER}/usam-divergence-threshold-worst-case"]
REPRODUCES = None
SETTINGS = {
    "quick": {"det_T": [1, 3, 10, 30, 100], "sto_T": [1, 3, 10, 30], "pep_T": [1, 2, 3], "pl_T": [1, 2], "budget": 140,
              "random": 40},
    "full": {"det_T": [1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 130, 200, 300, 500, 800],
             "sto_T": [1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 130, 200], "pep_T": [1, 2, 3, 4, 5, 6, 7, 8],
             "pl_T": [1, 2, 3, 4, 5], "budget": 600, "random": 100},
}
CASES = [("a", 0.0, "deterministic"), ("b", 1.0, "deterministic"), ("c", 0.5, "stochastic")]


def _searches(lam, kind, s, w):
    """Worst case and median ratio per T for one panel (fixed λ and steps ρ_max/2, γ_max)."""
    fams = {name: (fam, const) for name, fam, const, _ in setup.worst_case_families(w)}
    chosen = ["quadratics", "huber"] if kind == "deterministic" else ["least squares"]
    A, B, C = fams[chosen[0]][1]
    rho, lr = setup.thm32_fraction_steps(w["L"], w["mu"], A, B, lam, 0.5, 1.0)
    alg = algorithms.unified_sam(float(lr), float(rho), lam)
    rows = []
    for steps in s["det_T" if kind == "deterministic" else "sto_T"]:
        bound = float(T.thm32_bound(steps, w["gap0"], lr, rho, w["L"], w["mu"], A, B, C, lam))
        best, median = None, []
        for name in chosen:
            fam = fams[name][0]
            with np.errstate(all="ignore"):
                r = adversary.search(alg, fam, steps=steps, bound=bound, metric="f_gap", budget=s["budget"],
                                     replicas=w["replicas"], final_replicas=w["final_replicas"])
                median.append(adversary.sample_ratios(alg, fam, steps=steps, bound=bound, n=s["random"],
                                                      replicas=w["replicas"]))
            if best is None or r.worst_ratio > best.worst_ratio:
                best = r
        rows.append({"T": steps, "bound": bound, "worst": best.measured, "worst_ratio": best.worst_ratio,
                     "ci_low": None if best.ci is None else best.ci[0] * bound,
                     "ci_high": None if best.ci is None else best.ci[1] * bound,
                     "median": float(np.median(np.concatenate(median))) * bound})
    return {"lam": lam, "rho": float(rho), "lr": float(lr), "A": A, "B": B, "C": C, "rows": rows}


def _peps(lam, s, w):
    """PEP values per T (strongly convex class; for λ = 0 also the PL relaxation)."""
    out = []
    classes = [("smooth_strongly_convex", s["pep_T"])] + ([("smooth_pl", s["pl_T"])] if lam == 0 else [])
    for cls, steps_list in classes:
        for steps in steps_list:
            try:
                out.append(setup.thm32_pep(lam, 0.5, 1.0, cls, steps, w))
            except PEPSolverError as exc:  # an inaccurate SDP gives no number
                out.append({"lam": lam, "class": cls, "steps": steps, "error": str(exc)[:100]})
    return out


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    w = setup.settings(setup.WORST_CASE, quick)
    panels = []
    for letter, lam, kind in CASES:
        d = _searches(lam, kind, s, w)
        d.update({"panel": letter, "kind": kind, "pep": _peps(lam, s, w) if kind == "deterministic" else []})
        panels.append(d)
    data = data_dir(PAPER, out) / "worst_case.json"
    atomic_write_text(data, json.dumps({"L": w["L"], "mu": w["mu"], "gap0": w["gap0"], "panels": panels},
                                       indent=1, sort_keys=True) + "\n")

    panels = json.loads(data.read_text())["panels"]
    fig, axes = new_figure(ncols=2, nrows=2, width=7.0, height=6.2)
    algo = {"a": "usam", "b": "sam", "c": "unified_sam"}  # one colour per algorithm (samlab.plotting.style)
    grey = "0.3"
    for ax, d in zip(axes.ravel()[:3], panels):
        rows = d["rows"]
        color = style(algo[d["panel"]])["color"]
        tt = np.array([r["T"] for r in rows], float)
        ax.plot(tt, [r["bound"] for r in rows], color="black", lw=1.6)
        for cls in ("smooth_strongly_convex", "smooth_pl"):
            pts = [(r["steps"], r["pep_value"], r["exact"]) for r in d["pep"] if r["class"] == cls and "pep_value" in r]
            if pts:
                ax.plot([q[0] for q in pts], [q[1] for q in pts], "D-" if cls == "smooth_strongly_convex" else "D:",
                        color=grey, ms=3.5, lw=1.0, mfc=grey if pts[0][2] else "white")
        worst = np.array([r["worst"] for r in rows])
        if rows[0]["ci_low"] is not None:
            lo = worst - np.array([r["ci_low"] for r in rows])
            hi = np.array([r["ci_high"] for r in rows]) - worst
            ax.errorbar(tt, worst, yerr=[lo, hi], fmt="s-", color=color, ms=3.5, lw=1.2, capsize=2)
        else:
            ax.plot(tt, worst, "s-", color=color, ms=3.5, lw=1.2)
        ax.plot(tt, [r["median"] for r in rows], "o--", color=color, ms=3, lw=1.0, alpha=0.6)
        set_log(ax, "both")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_minor_formatter(NullFormatter())
        lo, hi = ax.get_ylim()
        if hi / lo < 10:  # less than a decade: label a few plain ticks
            ax.set_yticks([v for v in (0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0) if lo <= v <= hi])
            ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        what = "full gradient" if d["kind"] == "deterministic" else "uniform single sampling"
        label_axes(ax, "T", r"$E[f(x_T) - f^\star]$" if d["panel"] in "ac" else None,
                   f"({d['panel']}) {display_name(algo[d['panel']])} (λ = {d['lam']:g}), {what}\n"
                   f"ρ = {d['rho']:.3g}, γ = {d['lr']:.3g}, (A, B, C) = ({d['A']:.3g}, {d['B']:.3g}, {d['C']:.3g})")
    ax = axes.ravel()[3]
    for d in panels:
        color = style(algo[d["panel"]])["color"]
        ax.plot([r["T"] for r in d["rows"]], [r["worst_ratio"] for r in d["rows"]], "s-", color=color, ms=3.5, lw=1.2)
        pep = [(r["steps"], r["ratio"], r["exact"]) for r in d["pep"] if r["class"] == "smooth_strongly_convex" and "ratio" in r]
        if pep:
            ax.plot([q[0] for q in pep], [q[1] for q in pep], "D-", color=color, ms=3, lw=0.8,
                    mfc=color if pep[0][2] else "white")
    ax.axhline(1.0, color="black", lw=1.6)
    set_log(ax, "both")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(NullFormatter())
    label_axes(ax, "T", "worst case / bound", "(d) tightness: worst case / bound")
    handles = [Line2D([], [], color="black", lw=1.6, label="Thm 3.2 bound (ratio 1 in (d))"),
               Line2D([], [], color=grey, marker="D", ms=3.5, lw=1.0, label="PEP, strongly convex: exact (filled)"),
               Line2D([], [], color=grey, marker="D", mfc="white", ms=3.5, lw=1.0,
                      label="PEP relaxation (hollow; dotted: PL class)"),
               Line2D([], [], color=grey, marker="s", ms=3.5, lw=1.2, label="adversarial worst (bars: 95 % CI)"),
               Line2D([], [], color=grey, marker="o", ms=3, lw=1.0, linestyle="--", alpha=0.6,
                      label="median of random instances")]
    handles += [Line2D([], [], color=style(a)["color"], lw=2.5, label=f"({k}) {display_name(a)}") for k, a in algo.items()]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7)
    fig.suptitle(f"Thm 3.2 against its worst cases: L = {w['L']:g}, μ = {w['mu']:g}, f(x⁰) − f* = {w['gap0']:g}, "
                 "ρ = ρ_max/2, γ = γ_max", fontsize=9)
    return [save_figure(fig, figure_dir(PAPER, out) / "worst_case.png", quick=quick, add_legends=False)]


if __name__ == "__main__":
    script_main(main)
