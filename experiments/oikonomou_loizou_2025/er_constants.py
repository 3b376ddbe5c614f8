"""ER constants (A, B, C) per sampling, the Thm 3.2 step sizes they give, and an exact check of the ER bound.

E_v‖∇f_v(x)‖² ≤ 2A(f(x) − f*) + B‖∇f(x)‖² + C, C = 2AΔ^inf (Oikonomou & Loizou 2025; constants from the
official code and Khaled & Richtárik 2020). Writes er_constants.md: the constants and the step sizes
(simplified closed form and older formula ρ_max/2, γ_max) for the authors' instances (b) and (c) (seed 3107),
and the exact check on small finite sums. The figure plots, for every sampling, the exact second moment
(enumerating every sample with its probability) against the ER right-hand side at points x* + r·u.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from samlab import sampling
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.plotting import label_axes, legend, new_figure, save_figure, sequential_colors, set_log
from samlab.result import atomic_write_text
from samlab.seeding import rng
from samlab.setups import oikonomou_loizou_2025 as setup
from samlab.theory import oikonomou_loizou_2025 as T

PAPER = "oikonomou-loizou-2025"
FIGURES = ["er_constants"]
CLAIMS = [f"{PAPER}/er-constants", f"{PAPER}/step-size-formulas"]
LAMS = (0.0, 0.5, 1.0)
SETTINGS = {"quick": {"radii": 6, "directions": 4}, "full": {"radii": 11, "directions": 12}}  # radii in [1e-3, 1e2]


def _samplings_for_table(n):
    return [
        ("single uniform", sampling.Uniform(), "L_max"),
        ("single importance, reweighted (p_i ∝ L_i)", sampling.Importance(), "L_max"),
        ("single importance, unweighted (official code; biased, A = L̄ plugged in)", None, "L_max"),
        ("10-nice (no replacement)", sampling.Nice(10), "L_max"),
        ("50-nice (no replacement)", sampling.Nice(50), "L_max"),
        ("10 i.i.d. uniform draws (official minibatch)", sampling.Uniform(batch_size=10, replace=True), "L_max"),
        (f"full batch (τ = n = {n})", sampling.FullBatch(), "L"),
    ]


def _table(inst, label):
    p = inst.problem
    rows = [f"### Instance {label}: n = d = {p.n}, μ = {p.mu:.4g}, L = {p.L:.4g}, L̄ = {p.L_mean:.4g}, "
            f"L_max = {p.L_max:.4g}, f* = {p.f_star:.6g}, Δ^inf = {p.delta_inf:.4g}", "",
            "| sampling | A | B | C | L in the step sizes |", "|---|---|---|---|---|"]
    steps = ["", "| sampling | λ | ρ (simplified) | γ (simplified) | ρ = ρ_max/2 (older) | γ = γ_max (older) |",
             "|---|---|---|---|---|---|"]
    for name, samp, which in _samplings_for_table(p.n):
        A, B, C = samp.er_constants(p) if samp is not None else (p.L_mean, 0.0, float("nan"))
        L = p.L_max if which == "L_max" else p.L
        c_txt = "n/a (biased estimator)" if np.isnan(C) else f"{C:.4g}"
        rows.append(f"| {name} | {A:.4g} | {B:.4g} | {c_txt} | {which} = {L:.4g} |")
        for lam in LAMS:
            rs, gs = T.simplified_steps(L, p.mu, A, B, lam)
            ro, go = T.thm32_steps(L, p.mu, A, B, lam)
            steps.append(f"| {name} | {lam:g} | {rs:.4g} | {gs:.4g} | {ro:.4g} | {go:.4g} |")
    return rows + steps


def main(quick: bool = False, out=None) -> list[Path]:
    s = setup.settings(SETTINGS, quick)
    instances = [(setup.instance_b(), "(b) ridge, cond(A) = 10"),
                 (setup.instance_c(), "(c) ridge, spectrum (1, 10, U(1, 2))")]
    radii = np.geomspace(1e-3, 1e2, s["radii"])
    gen = rng(0, "er-directions")
    checks, scatter = [], {}
    for prob in setup.er_instances(quick):
        pts = setup.er_points(prob, radii, s["directions"], gen)
        checks += setup.er_check(prob, pts)
        for label, samp, _, _ in setup.er_samplings(prob.n):
            A, B, C = samp.er_constants(prob)
            lhs, _ = T.exact_second_moment(prob, samp, pts)
            rhs = T.er_bound(prob, pts, A, B, C)
            scatter.setdefault(label, []).append(np.stack([rhs, lhs], axis=1))
    scatter = {k: np.concatenate(v) for k, v in scatter.items()}
    data = data_dir(PAPER, out) / "er_check.npz"
    np.savez(data, **{k.replace(" ", "_"): v for k, v in scatter.items()})

    lines = ["# ER constants and step sizes per sampling (Oikonomou & Loizou 2025)", "",
             "E_v‖∇f_v(x)‖² ≤ 2A(f(x) − f*) + B‖∇f(x)‖² + C with C = 2AΔ^inf. Step sizes of Thm 3.2: simplified closed",
             "form ρ = min{1, μ/(2(Bμ+A)(1−λ)²)}/(4L), γ = min{2, μ/(8(Bμ+A))}/L, and the older formula ρ = ρ_max/2,",
             "γ = γ_max(ρ). L = L_max for sampled gradients and L = λ_max(∇²f) for full batch, as in the official driver.",
             "Instances regenerated with numpy.random.RandomState(3107) in the authors' draw order.", ""]
    for inst, label in instances:
        lines += _table(inst, label) + [""]
    lines += ["### Exact check of the ER inequality on small finite sums", "",
              "Every sample enumerated with its probability (Sampling.outcomes); points x* + r·u, r ∈ [1e-3, 1e2].",
              "", "| problem | sampling | A | B | C | max lhs/rhs | closed form = sampling.er_constants |", "|---|---|---|---|---|---|---|"]
    for r in checks:
        lines.append(f"| {r['problem']} | {r['sampling']} | {r['A']:.4g} | {r['B']:.4g} | {r['C']:.3g} | "
                     f"{r['max_lhs_over_rhs']:.6f} | {'yes' if r['closed_form_match'] else 'NO'} |")
    md = figure_dir(PAPER, out) / "er_constants.md"
    atomic_write_text(md, "\n".join(lines) + "\n")

    loaded = dict(np.load(data))
    fig, ax = new_figure(width=8.0, height=5.6)
    colors = sequential_colors(len(loaded), "turbo")
    markers = "os^vD<>ph*XP"
    for (k, v), c, m in zip(loaded.items(), colors, markers * 3):
        ax.plot(v[:, 0], v[:, 1] / v[:, 0], m, color=c, ms=4.5, alpha=0.8, label=k.replace("_", " "))
    ax.axhline(1.0, color="black", linestyle="--", lw=1.5, label="bound (ratio 1)")
    set_log(ax, "x")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(0, 1.08)
    label_axes(ax, r"ER right-hand side $2A(f-f^\star)+B\|\nabla f\|^2+C$ at $x = x^\star + r u$",
               r"exact $E_v\|\nabla f_v(x)\|^2$ / right-hand side",
               "ER condition on small finite sums (ridge, consistent LS, logistic), exact expectations:\n"
               "every ratio ≤ 1 (no violation); full batch = 1 (equality)")
    legend(ax, fontsize=8, loc="lower left", ncol=3)
    return [save_figure(fig, figure_dir(PAPER, out) / "er_constants.png"), md]


if __name__ == "__main__":
    script_main(main)
