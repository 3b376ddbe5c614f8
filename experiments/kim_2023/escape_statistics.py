"""Escape from a saddle with minibatch noise: SAM escapes later than SGD; momentum and small batches help.

Saddle f = ½(z₊² − z₋²) (λ = (1, −1), random rotation: the claims' saddle at seed 0), minibatch-like
gradient noise ξ ~ N(0, |H|/B) (Kim et al. 2023's SDE covariance C ≈ (1/B)[H]⁺), the same ξ at both
SAM gradient calls, η = 0.01, start at the saddle.
Escape time = first step with |v₋ᵀx| ≥ 2 (exact first passage). (a) Distribution of escape times at
B = 64 without momentum; (b) median escape step against B and (c) against the momentum γ (bands:
quartiles; a missing point means fewer than half of the runs escaped within the horizon — the
stochastic trap of normalized SAM); (d) mean-square displacement along λ₋ against SDE time t = kη for
SGD and USAM (real runs, 20,000 paths each) and for the paper's model SDE, with Theorem 2's closed form
σ²(t) dashed. Quick mode: fewer runs and shorter horizons.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir, script_main
from samlab.setups import kim_2023 as setup
from samlab.theory import sam_diffusion_variance, sam_objective_rates

PAPER = "kim-2023"
FIGURES = ["escape_statistics"]
CLAIMS = ["kim-2023/sam-escapes-slower", "kim-2023/batch-size-scaling", "kim-2023/momentum-helps-escape",
          "kim-2023/theorem2-diffusion"]

LR, RADIUS, SEED = setup.SADDLE_LR, setup.ESCAPE_RADIUS, 0
BATCHES = (8, 16, 32, 64, 128, 256, 512)
GAMMAS = (0.0, 0.5, 0.8, 0.9)
METHODS = {  # key: (factory(momentum), label, colour, linestyle)
    "sgd": (lambda g: sl.algorithms.gd(LR, momentum=g), "SGD", plotting.style("sgd")["color"], "-"),
    "usam02": (lambda g: sl.algorithms.usam(LR, 0.2, momentum=g), "USAM ρ = 0.2", plotting.style("usam")["color"], "-"),
    "usam05": (lambda g: sl.algorithms.usam(LR, 0.5, momentum=g), "USAM ρ = 0.5", "#8c564b", "--"),
    "sam02": (lambda g: sl.algorithms.sam(LR, 0.2, momentum=g), "SAM ρ = 0.2", plotting.style("sam")["color"], "-"),
}
MSD_RHOS = (0.0, 0.2, 0.5)


def main(quick: bool = False, out: str | Path | None = None) -> list[Path]:
    s = setup.FIGURES["escape_statistics"]["quick" if quick else "full"]
    runs, steps = s["runs"], s["steps"]
    p, v, C = setup.stochastic_saddle(SEED)  # the claims' saddle at seed 0
    configs = [(b, 0.0) for b in BATCHES] + [(64, g) for g in GAMMAS if g > 0]  # B sweep at γ = 0, γ sweep at B = 64
    bb = np.repeat([float(b) for b, _ in configs], runs)
    gg = np.repeat([g for _, g in configs], runs)
    folder = data_dir(PAPER, out)
    paths = {}
    for key, (make, *_rest) in METHODS.items():
        _, early, res = setup.escape_steps(p, make(gg), RADIUS, steps, runs=bb.size,
                                           noise=sl.noise.MinibatchNoise(C, bb), seed=SEED, name=f"escape-{key}")
        res.meta.update({"escape_direction": v.tolist(), "early_triggers": int(early.sum())})
        paths[key] = res.save(folder / f"escape_{key}")
    # MSD along λ₋ = −1: n independent paths as one run on ½λ‖z‖² (exact for SGD/USAM: coordinates decouple)
    n, T, B = s["msd_paths"], s["msd_steps"], s["msd_B"]
    iso = sl.problems.IsotropicQuadratic(-1.0, n)
    noise = sl.noise.Gaussian(np.sqrt(1.0 / B))
    for rho in MSD_RHOS:
        alg = sl.algorithms.gd(LR) if rho == 0 else sl.algorithms.usam(LR, rho)
        res = sl.run(iso, alg, np.zeros(n), T, noise=noise, seed=SEED, checkpoints=np.arange(T + 1),
                     name=f"msd-real-{rho}")
        res.meta.update({"paths": n, "batch_size": B, "rho": rho})
        paths[f"msd_real_{rho}"] = res.save(folder / f"escape_msd_real_{rho}")
        if rho > 0:
            model = sl.problems.IsotropicQuadratic(float(sam_objective_rates(rho, -1.0)), n)
            res = sl.run(model, sl.algorithms.gd(LR), np.zeros(n), T, noise=noise, seed=SEED,
                         checkpoints=np.arange(T + 1), name=f"msd-model-{rho}")
            res.meta.update({"paths": n, "batch_size": B, "rho": rho})
            paths[f"msd_model_{rho}"] = res.save(folder / f"escape_msd_model_{rho}")
    return [plot(paths, out=out)]


def _quartiles(s: np.ndarray):
    """Quartiles of escape steps; NaN where that quantile is a never-escaped (censored) run."""
    srt = np.sort(s)
    idx = np.clip(np.round(np.array([0.25, 0.5, 0.75]) * (srt.size - 1)).astype(int), 0, srt.size - 1)
    q = srt[idx]
    return np.where(np.isfinite(q), q, np.nan) if np.isfinite(q[1]) else np.full(3, np.nan)


def plot(paths: dict, out=None) -> Path:
    fig, axes = plotting.new_figure(ncols=2, nrows=2, width=12.5, height=9.6)
    (ax, bx), (cx, dx) = axes
    horizon = None
    for key, (_, label, color, ls) in METHODS.items():
        res = sl.Result.load(paths[key])
        horizon = int(res.meta["steps"])
        s = setup.saved_escape_steps(res)
        B = np.asarray(res.meta["noise"]["batch_size"])
        g = np.asarray(res.meta["algorithm"]["momentum"])
        sel = np.sort(s[(B == 64) & (g == 0)])
        ecdf = np.arange(1, sel.size + 1) / sel.size
        fin = np.isfinite(sel)
        ax.step(np.concatenate([[0], sel[fin]]), np.concatenate([[0], ecdf[fin]]), where="post", color=color,
                linestyle=ls, linewidth=2.2, label=f"{label} ({100 * fin.mean():.0f}% escaped)")
        qb = np.array([_quartiles(s[(B == b) & (g == 0)]) for b in BATCHES])
        bx.plot(BATCHES, qb[:, 1], marker="o", color=color, linestyle=ls, linewidth=2.0, label=label)
        bx.fill_between(BATCHES, qb[:, 0], qb[:, 2], color=color, alpha=0.15)
        qg = np.array([_quartiles(s[(B == 64) & (g == gm)]) for gm in GAMMAS])
        cx.plot(GAMMAS, qg[:, 1], marker="o", color=color, linestyle=ls, linewidth=2.0, label=label)
        cx.fill_between(GAMMAS, qg[:, 0], qg[:, 2], color=color, alpha=0.15)
    plotting.label_axes(ax, "escape step", "fraction of runs escaped",
                        f"(a) Escape-time distribution, B = 64, γ = 0")
    ax.set_xlim(0, horizon)
    plotting.legend(ax, loc="lower right", fontsize=9.5)
    plotting.set_log(bx, "both")
    bx.set_xticks(BATCHES, [str(b) for b in BATCHES])
    bx.minorticks_off()
    plotting.label_axes(bx, "batch size B", "median escape step (quartile band)",
                        "(b) Smaller batches escape faster (γ = 0)")
    plotting.legend(bx, loc="upper left", fontsize=9.5)
    plotting.set_log(cx, "y")
    plotting.label_axes(cx, "momentum γ", "median escape step (quartile band)", "(c) Momentum speeds escape (B = 64)")
    plotting.legend(cx, loc="lower left", fontsize=9.5)

    colors = {0.0: plotting.style("sgd")["color"], 0.2: plotting.style("usam")["color"], 0.5: "#8c564b"}
    for rho in MSD_RHOS:
        res = sl.Result.load(paths[f"msd_real_{rho}"])
        n, B = res.meta["paths"], res.meta["batch_size"]
        t = res.t * LR
        msd = sl.problems.IsotropicQuadratic(-1.0, n).msd(res.f[:, 0])
        name = "SGD" if rho == 0 else f"USAM ρ = {rho}"
        dx.plot(t[1:], msd[1:], color=colors[rho], linewidth=2.4, label=f"{name} (real runs)")
        if rho > 0:
            rm = sl.Result.load(paths[f"msd_model_{rho}"])
            a = float(sam_objective_rates(rho, -1.0))
            dx.plot(t[1:], sl.problems.IsotropicQuadratic(a, n).msd(rm.f[1:, 0]), color=colors[rho], linewidth=1.4,
                    linestyle="-.",
                    label=f"model SDE, ρ = {rho}")
        tt = np.linspace(t[1], t[-1], 200)
        dx.plot(tt, sam_diffusion_variance(tt, -1.0, LR, rho, B), color="black", linestyle="--", linewidth=1.3,
                label="Theorem 2 closed form σ²(t) (the model SDE lies on it)" if rho == 0 else None, zorder=5)
    plotting.set_log(dx, "y")
    plotting.label_axes(dx, r"SDE time $t = k\eta$", r"MSD along $\lambda_-$: $E[(v_-^\top x)^2]$",
                        f"(d) Diffusion from the saddle, B = {B}")
    plotting.legend(dx, loc="upper left", fontsize=9)
    fig.suptitle(f"Saddle λ = (1, −1), noise N(0, |H|/B), η = {LR}, escape at |v₋ᵀx| ≥ {RADIUS:g}, "
                 f"horizon {horizon:,} steps", fontsize=12.5)
    return plotting.save_figure(fig, figure_dir(PAPER, out) / "escape_statistics.png")


if __name__ == "__main__":
    script_main(main)
