r"""Oikonomou & Loizou (2025): the authors' instances, small ridge instances, the run protocols and the
settings shared by :mod:`samlab.claims.oikonomou_loizou_2025` and ``experiments/oikonomou_loizou_2025/``.

Instances
---------
* Experiments (a), (b), (c) of Section 4.1, regenerated exactly as the official code does
  (dimitris-oik/unifiedsam, ``numpy_exps``): the global NumPy seed 3107 (``np.random.RandomState``) and
  the authors' draw order [official code]. These are the only draws in samlab that do not go through
  :func:`samlab.seeding.rng`: reproducing the authors' data needs their generator.
* Small Gaussian ridge / consistent least-squares sums and rotated quadratics for fast checks, drawn from
  ``seeding.rng``.

Protocols (one batched ``samlab.run`` each, used by a claim and by a figure)
-------------------------------------------------------------------------------
* :func:`lambda_sweep` — experiment (a): every λ on 0:0.1:1 with the simplified Thm 3.2 steps.
* :func:`plateau_grid` — the deterministic ρ × λ grid on the experiment (a) generator.
* :func:`interpolation_sweep` — stochastic Unified SAM under interpolation (C = 0).
* :func:`decreasing_vs_constant` — experiment (b): constant vs Thm 3.5 steps on the same samples.
* :func:`importance_run` — experiment (c): uniform vs importance sampling (reweighted and unweighted).
* :func:`er_check` — exact E‖∇f_v‖² against the ER bound for every sampling.

Statistics read from those runs by claims and figures alike: :func:`tail_mean`, :func:`mean_gap`,
:func:`speedup_median`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import algorithms, problems, sampling, schedules
from ..engine import run
from ..linalg import row_norms
from ..seeding import rng
from ..theory import oikonomou_loizou_2025 as th

__all__ = [
    "PAPER_SEED", "LAMBDA_GRID", "IMPORTANCE_LABELS",
    "DETERMINISTIC_USAM_EXACT", "PLATEAU_RHO_LAMBDA", "DECREASING_STEPS", "IMPORTANCE_SPEEDUP", "settings",
    "linear_checkpoints", "mixed_checkpoints",
    "Instance", "authors_matrix", "instance_a", "instance_b", "instance_c", "ridge_instance",
    "interpolation_instance", "rotated_quadratic", "deterministic_instance", "decreasing_instance",
    "importance_instance", "er_instances",
    "lambda_sweep", "plateau_grid", "interpolation_sweep", "decreasing_vs_constant", "importance_comparison",
    "importance_run", "er_samplings", "er_points", "er_check",
    "mean_gap", "tail_mean", "crossing_time", "speedup", "speedup_median",
]

PAPER_SEED = 3107
"""The authors' global NumPy seed, set before every synthetic experiment [official code]."""

LAMBDA_GRID = tuple(np.round(np.linspace(0.0, 1.0, 11), 10))
"""λ ∈ {0, 0.1, …, 1}, the grid of experiment (a)."""

IMPORTANCE_LABELS = ("uniform", "importance (reweighted)", "importance (official, unweighted)")
"""The three samplings of :func:`importance_comparison`, in column order."""

# ----------------------------------------------------------------------------- shared settings

DETERMINISTIC_USAM_EXACT = {"quick": {"instances": ["a"], "steps": 10000},
                            "full": {"instances": ["a", "q1", "q2"], "steps": 10000}}
"""Claim ``deterministic-usam-exact``; its experiment (a) run is the figure lambda_sweep.png (full mode)."""

PLATEAU_RHO_LAMBDA = {
    "quick": {"dim": 20, "steps": 20000, "lr": 0.0125, "rhos": [0.0125, 0.025, 0.05], "lams": [0.1, 0.2, 0.5, 1.0]},
    "full": {"dim": 100, "steps": 40000, "lr": 0.0125, "rhos": [0.00625, 0.0125, 0.025, 0.05],
             "lams": [0.1, 0.2, 0.3, 0.5, 0.7, 1.0]},
}
"""Claim ``plateau-rho-lambda-squared``; in full mode also the left panel of plateau_scaling.png."""

DECREASING_STEPS = {
    "quick": {"instance": "small", "n": 20, "d": 3, "reg": 0.1, "instance_seed": 0, "lams": [0.0, 0.5, 1.0],
              "runs": 240, "horizon_in_switches": 30},
    "full": {"instance": "b", "lams": [0.0, 0.5, 1.0], "runs": 5, "steps": 1000000},
}
"""Claim ``decreasing-steps``; in full mode also the figure constant_vs_decreasing.png (experiment (b))."""

IMPORTANCE_SPEEDUP = {
    "quick": {"instance": "small", "n": 20, "d": 5, "reg": 0.01, "instance_seed": 1, "heavy": 2, "start_scale": 10.0,
              "lams": [0.5, 1.0], "runs": 32, "steps": 6000, "window": [1000, 4000], "stationary": None},
    "full": {"instance": "c", "lams": [0.5, 1.0], "runs": 5, "steps": 300000, "window": [25000, 75000],
             "stationary": {"d": 4, "reg": 0.02, "steps": 24000, "runs": 128}},
}
"""Claim ``importance-speedup``; in full mode also the figure importance_sampling.png (experiment (c))."""


def settings(table: dict, quick: bool) -> dict:
    """A copy of ``table["quick"]`` or ``table["full"]``."""
    return dict(table["quick" if quick else "full"])


# ----------------------------------------------------------------------------- records

def linear_checkpoints(steps: int, count: int = 200) -> np.ndarray:
    """``count`` evenly spaced records (the paper records once per epoch on a linear axis)."""
    return np.unique(np.linspace(0, steps, count + 1).round().astype(np.int64))


def mixed_checkpoints(steps: int, count: int = 200) -> np.ndarray:
    """Linear records plus log-spaced ones (for log-log views of the 1/k tail)."""
    return np.unique(np.concatenate([linear_checkpoints(steps, count),
                                     np.geomspace(1, steps, count).round().astype(np.int64)]))


# ----------------------------------------------------------------------------- instances

def authors_matrix(n, cond, rs: np.random.RandomState):
    """Symmetric positive definite n×n matrix with cond(A) = ``cond`` (the authors' generator).

    A = U S² Uᵀ with S = diag(cond^{−1/4} … cond^{1/4}) log-spaced, U the Q factor of QR((M − 5)·200),
    M uniform on [0, 1)^{n×n}; a second such matrix is drawn (the factor V, which cancels in
    (USVᵀ)(USVᵀ)ᵀ) to keep the authors' draw order [official code].
    """
    n = int(n)
    if n < 2 or cond < 1:
        raise ValueError("n must be >= 2 and cond >= 1")
    s = np.exp(np.linspace(-np.log(cond) / 4.0, np.log(cond) / 4.0, n))
    U, _ = np.linalg.qr((rs.rand(n, n) - 5.0) * 200.0)
    rs.rand(n, n)  # the second factor V cancels in (U S Vᵀ)(U S Vᵀ)ᵀ but is drawn by the authors
    return (U * s**2) @ U.T


@dataclass(frozen=True)
class Instance:
    """A problem of the experiments with its start and constants (``problem``: a samlab problem)."""

    problem: object
    x0: np.ndarray
    name: str

    def constants(self) -> dict:
        p = self.problem
        out = {"L": float(p.L), "mu": float(p.mu)}
        if getattr(p, "is_finite_sum", False):
            out.update({"L_mean": p.L_mean, "L_max": p.L_max, "n": p.n})
        return out


def instance_a(n=100, cond=10.0, seed=PAPER_SEED) -> Instance:
    """Experiment (a): f = ½‖Ax − b‖², b = A x_true, as Quadratic(AᵀA, x_true); L = 10, μ = 0.1 [official code].

    Draw order after RandomState(3107): the two uniform matrices, x_true ~ N(0, I), x⁰ ~ N(0, I).
    """
    rs = np.random.RandomState(seed)
    A = authors_matrix(n, cond, rs)
    x_true = rs.randn(n)
    x0 = rs.randn(n)
    return Instance(problems.Quadratic(A.T @ A, x_star=x_true, name="least_squares_a"), x0, "a")


def instance_b(n=100, cond=10.0, reg=None, seed=PAPER_SEED) -> Instance:
    """Experiment (b): ridge f = (1/(2n))‖Ax − b‖² + (reg/2)‖x‖², reg = 3/n, b = A x_true (samlab
    LeastSquares(A, b, reg)); μ = 0.031, L = 0.13, L̄ = 2.209, L_max = 3.117. Same draws as (a) [official code]."""
    rs = np.random.RandomState(seed)
    A = authors_matrix(n, cond, rs)
    x_true = rs.randn(n)
    x0 = rs.randn(n)
    reg = 3.0 / n if reg is None else reg
    return Instance(problems.LeastSquares(A, A @ x_true, reg=reg, name="ridge_b"), x0, "b")


def instance_c(d=100, top=10.0, reg=None, seed=PAPER_SEED) -> Instance:
    """Experiment (c): A = Q diag(1, 10, u_3 … u_d) Qᵀ, u_j ~ U(1, 2), Q Haar, b ~ N(0, I), reg = 3/n [official code].

    Draw order after RandomState(3107): the d−2 uniforms, Q (scipy ortho_group with the same
    RandomState), b, x⁰. μ = 0.04, L = 1.03, L̄ = 3.302, L_max = 8.414.
    """
    from scipy.stats import ortho_group

    rs = np.random.RandomState(seed)
    eig = np.concatenate(([1.0, top], rs.uniform(1.0, 2.0, d - 2)))
    Q = ortho_group.rvs(d, random_state=rs)
    A = (Q * eig) @ Q.T
    b = rs.randn(d)
    x0 = rs.randn(d)
    reg = 3.0 / d if reg is None else reg
    return Instance(problems.LeastSquares(A, b, reg=reg, name="ridge_c"), x0, "c")


def ridge_instance(n, d, reg, seed, *, consistent=False, row_norms2=None, start_scale=1.0) -> Instance:
    """A small Gaussian ridge problem for fast checks: A ~ N(0, 1) (rows rescaled to squared norms
    ``row_norms2`` when given, e.g. to spread the L_i for importance sampling), b = A x_true
    (+ N(0, 1) noise unless ``consistent``), x⁰ = x_true + start_scale·N(0, I); all drawn, in this
    order, from rng(seed, "ridge-instance")."""
    gen = rng(int(seed), "ridge-instance")
    A = gen.standard_normal((n, d))
    if row_norms2 is not None:
        r2 = np.broadcast_to(np.asarray(row_norms2, dtype=float), (n,))
        if np.any(r2 <= 0):
            raise ValueError("row_norms2 must be > 0")
        A *= (np.sqrt(r2) / row_norms(A))[:, None]
    x_true = gen.standard_normal(d)
    b = A @ x_true + (0.0 if consistent else gen.standard_normal(n))
    x0 = x_true + float(start_scale) * gen.standard_normal(d)
    return Instance(problems.LeastSquares(A, b, reg=reg, name="ridge"), x0, "ridge")


def interpolation_instance(n=200, d=20, seed=0) -> Instance:
    """Consistent least squares (reg = 0, b = A x_true): every f_i is minimized at x*, so C = 0."""
    return ridge_instance(n, d, 0.0, seed, consistent=True)


def rotated_quadratic(spectrum, dim, seed) -> Instance:
    """Rotated quadratic with eigenvalues log-spaced in ``spectrum``; rotation, centre x* ~ N(0, I) and start
    x⁰ ~ N(0, I) from rng(seed, "rotation"), rng(seed, "x_star") and rng(seed, "x0")."""
    eig = np.geomspace(*spectrum, int(dim))
    q = problems.random_rotation(eig.size, rng(seed, "rotation"))
    p = problems.Quadratic((q * eig) @ q.T, x_star=rng(seed, "x_star").standard_normal(eig.size))
    return Instance(p, rng(seed, "x0").standard_normal(eig.size), f"quadratic{tuple(spectrum)}")


def deterministic_instance(name: str, dim: int | None = None) -> Instance:
    """'a' = experiment (a) (optionally at another dimension); 'q1', 'q2' = rotated quadratics with spectra
    [0.5, 10] (d = 50) and [1, 40] (d = 30)."""
    if name == "a":
        return instance_a(n=dim or 100)
    if name == "q1":
        return rotated_quadratic((0.5, 10.0), dim or 50, 11)
    if name == "q2":
        return rotated_quadratic((1.0, 40.0), dim or 30, 12)
    raise ValueError(f"unknown deterministic instance {name!r}")


def decreasing_instance(s: dict) -> tuple[Instance, int]:
    """(instance, steps) of the constant-vs-decreasing comparison from its settings ``s``.

    ``s["instance"] == "b"``: experiment (b) for ``s["steps"]`` iterations. Otherwise a consistent ridge sum
    with unit-norm rows (n = s["n"], d = s["d"], reg = s["reg"]), run for ``s["steps"]`` or, if absent,
    ``s["horizon_in_switches"]`` times the Thm 3.5 switch step of the λ = 0 simplified step size.
    """
    if s["instance"] == "b":
        return instance_b(), int(s["steps"])
    inst = ridge_instance(s["n"], s["d"], s["reg"], s["instance_seed"], consistent=True, row_norms2=1.0)
    if "steps" in s:
        return inst, int(s["steps"])
    p = inst.problem
    _, g0 = th.simplified_steps(p.L_max, p.mu, p.L_max, 0.0, 0.0)
    return inst, int(s["horizon_in_switches"] * th.thm35_switch(g0, p.mu))


def importance_instance(s: dict) -> Instance:
    """Experiment (c) when ``s["instance"] == "c"``; otherwise a consistent ridge sum whose first ``s["heavy"]``
    rows have squared norm 4 (the others 1), which spreads the L_i."""
    if s["instance"] == "c":
        return instance_c()
    r2 = np.where(np.arange(s["n"]) < s["heavy"], 4.0, 1.0)
    return ridge_instance(s["n"], s["d"], s["reg"], s["instance_seed"], consistent=True, row_norms2=r2,
                          start_scale=s.get("start_scale", 1.0))


def er_instances(quick: bool) -> list:
    """Small finite sums for the exact ER checks: ridge (Δ^inf > 0), consistent least squares (Δ^inf = 0) and
    ℓ2-logistic regression, n = 5 (quick) or 7 components in d = 3, drawn from rng(0, "er-instances")."""
    gen = rng(0, "er-instances")
    n, d = (5, 3) if quick else (7, 3)
    A = gen.standard_normal((n, d)) * gen.uniform(0.5, 2.0, (n, 1))
    ridge = problems.LeastSquares(A, gen.standard_normal(n), reg=0.3, name="ridge")
    consistent = problems.LeastSquares(A, A @ gen.standard_normal(d), name="consistent")
    logistic = problems.LogisticRegression(A, np.where(gen.random(n) < 0.5, -1.0, 1.0), reg=0.2, name="logistic")
    return [ridge, consistent, logistic]


# ----------------------------------------------------------------------------- run protocols

def lambda_sweep(inst: Instance, steps: int, *, seed: int = 0, name: str = "lambda-sweep"):
    """Experiment (a) protocol: deterministic Unified SAM for every λ of LAMBDA_GRID in one batch, simplified
    Thm 3.2 steps with (A, B) = (0, 1), recorded at 100 evenly spaced steps (the paper's epochs)."""
    p = inst.problem
    lams = np.array(LAMBDA_GRID)
    rho, gam = th.simplified_steps(p.L, p.mu, 0.0, 1.0, lams)
    return run(p, algorithms.unified_sam(gam, rho, lams), inst.x0, steps,
               checkpoints=linear_checkpoints(steps, 100), name=name, seed=seed)


def plateau_grid(s: dict, *, seed: int = 0, name: str = "plateau-grid"):
    """Deterministic Unified SAM on the experiment (a) generator at dimension ``s["dim"]``, constant γ = ``s["lr"]``,
    every (ρ, λ) of ``s["rhos"]`` × ``s["lams"]`` in one batch (ρ-major), 50 records.

    Returns (Result, problem, ρ per run, λ per run).
    """
    inst = instance_a(n=s["dim"])
    rr, ll = np.meshgrid(np.asarray(s["rhos"], float), np.asarray(s["lams"], float), indexing="ij")
    rho, lam = rr.ravel(), ll.ravel()
    res = run(inst.problem, algorithms.unified_sam(s["lr"], rho, lam), inst.x0, s["steps"],
              checkpoints=50, name=name, seed=seed)
    return res, inst.problem, rho, lam


def interpolation_sweep(s: dict, seed: int):
    """Batched run on consistent least squares: λ × ρ multiples × runs, single uniform sampling,
    γ = 1/(4L_max), ρ₀ = 1/(8L_max); the first block is λ = 0. Returns (Result, configs, ρ₀, γ, problem)."""
    inst = interpolation_instance(s["n"], s["d"], s["instance_seed"])
    p = inst.problem
    rho0, lr = 1.0 / (8.0 * p.L_max), 1.0 / (4.0 * p.L_max)
    cfg = [(0.0, 1.0)] + [(lam, m) for lam in s["lams"] for m in s["rho_mult"]]
    R = s["runs"]
    lam = np.repeat([c[0] for c in cfg], R)
    rho = np.repeat([rho0 * c[1] for c in cfg], R)
    res = run(p, algorithms.unified_sam(lr, rho, lam), inst.x0, s["steps"], sampling=sampling.Uniform(),
              checkpoints=linear_checkpoints(s["steps"], s.get("records", 200)), name="interpolation", seed=seed)
    res.meta["configs"] = {"lam": lam.tolist(), "rho": rho.tolist(), "lr": lr, "runs_per_config": R,
                           "L_max": p.L_max, "mu": p.mu}
    return res, cfg, rho0, lr, p


def decreasing_vs_constant(problem, x0, lams, runs, steps, *, seed=0, checkpoints=None, name="dec-vs-const"):
    """One batched run: for each λ, ``runs`` constant-step runs then (same samples, via PairedSampling)
    ``runs`` Thm 3.5 runs; simplified Thm 3.2 steps with uniform single sampling (A = L = L_max, B = 0).

    Column order: copy (constant, decreasing) × λ × run. Returns (Result, info dict).
    """
    lams = np.asarray(lams, dtype=float)
    lam_col = np.tile(np.repeat(lams, runs), 2)
    dec = np.repeat([False, True], lams.size * runs)
    rho, gam = th.simplified_steps(problem.L_max, problem.mu, problem.L_max, 0.0, lam_col)
    rho, gam = np.asarray(rho, dtype=float), np.asarray(gam, dtype=float)
    mu = problem.mu
    lr = schedules.from_callable(lambda k: np.where(dec, th.thm35_lr(k, gam, mu), gam), "Thm 3.5 γ_k | constant γ")
    rh = schedules.from_callable(lambda k: np.where(dec, th.thm35_rho(k, rho), rho), "Thm 3.5 ρ_k | constant ρ")
    samp = sampling.PairedSampling(sampling.Uniform(), lams.size * runs, 2)
    res = run(problem, algorithms.unified_sam(lr, rh, lam_col), x0, steps, sampling=samp, seed=seed,
              checkpoints=checkpoints if checkpoints is not None else mixed_checkpoints(steps), name=name)
    res.meta["configs"] = {"lam": lam_col.tolist(), "decreasing": dec.tolist(), "rho": rho.tolist(),
                           "lr": gam.tolist(), "rule": "simplified Thm 3.2 steps; Thm 3.5 schedule (official 0-based t = k−1)",
                           "switch_step": float(th.thm35_switch(gam[0], mu)), "runs_per_config": int(runs)}
    return res, res.meta["configs"]


def importance_comparison(problem, x0, lams, runs, steps, *, rule="older", seed=0, checkpoints=None,
                          name="importance"):
    """One batched run: uniform, reweighted importance and unweighted importance (official code)
    single-element sampling, each for every λ with ``runs`` runs, Thm 3.2 steps with L = L_max and
    A = L_max (uniform) or A = L̄ (importance, both variants, as the official driver), B = 0.

    Column order: sampling × λ × run. Returns (Result, info dict).
    """
    lams = np.asarray(lams, dtype=float)
    blocks, lam_col, rho_col, gam_col, kind = [], [], [], [], []
    for label, samp, A in ((IMPORTANCE_LABELS[0], sampling.Uniform(), problem.L_max),
                           (IMPORTANCE_LABELS[1], sampling.Importance(), problem.L_mean),
                           (IMPORTANCE_LABELS[2], sampling.Importance(reweight=False), problem.L_mean)):
        for lam in lams:
            if rule == "older":
                rho, gam = th.thm32_steps(problem.L_max, problem.mu, A, 0.0, lam)
            else:
                rho, gam = th.simplified_steps(problem.L_max, problem.mu, A, 0.0, lam)
            lam_col += [lam] * runs
            rho_col += [rho] * runs
            gam_col += [gam] * runs
            kind += [label] * runs
        blocks.append((samp, lams.size * runs))
    res = run(problem, algorithms.unified_sam(np.array(gam_col), np.array(rho_col), np.array(lam_col)), x0, steps,
              sampling=sampling.RunwiseSampling(blocks), seed=seed,
              checkpoints=checkpoints if checkpoints is not None else linear_checkpoints(steps), name=name)
    res.meta["configs"] = {"lam": lam_col, "rho": rho_col, "lr": gam_col, "sampling": kind,
                           "rule": f"Thm 3.2 {rule} formula, L = L_max", "runs_per_config": int(runs),
                           "L_max": problem.L_max, "L_mean": problem.L_mean, "mu": problem.mu}
    return res, res.meta["configs"]


def importance_run(s: dict, *, seed: int = 0):
    """Experiment (c) protocol from settings ``s``: :func:`importance_comparison` with the older Thm 3.2
    formula on :func:`importance_instance`, recorded at mixed checkpoints plus the ends of ``s["window"]``.
    Returns (Result, info dict, instance)."""
    inst = importance_instance(s)
    ck = np.unique(np.concatenate([mixed_checkpoints(s["steps"], 300), np.asarray(s.get("window") or [], int)]))
    res, info = importance_comparison(inst.problem, inst.x0, list(s["lams"]), s["runs"], s["steps"], seed=seed,
                                      checkpoints=ck)
    return res, info, inst


def er_samplings(n):
    """(label, sampling, closed-form kind, τ) for uniform, importance, τ-nice (τ = 1 … n), τ i.i.d. draws
    (τ = 2, 3) and full batch."""
    out = [("uniform", sampling.Uniform(), "uniform", 1), ("importance", sampling.Importance(), "importance", 1)]
    out += [(f"{tau}-nice", sampling.Nice(tau), "nice", tau) for tau in range(1, n + 1)]
    out += [(f"{tau} i.i.d. draws", sampling.Uniform(batch_size=tau, replace=True), "replace", tau) for tau in (2, 3)]
    out += [("full batch", sampling.FullBatch(), "full", n)]
    return out


def er_points(problem, radii, directions: int, gen: np.random.Generator) -> np.ndarray:
    """Points x* + r·u (r in ``radii``, u uniform on the sphere, ``directions`` of them from ``gen``),
    shape (len(radii)·directions, d)."""
    u = gen.standard_normal((int(directions), problem.dim))
    u /= row_norms(u)[:, None]
    return (problem.x_star + np.asarray(radii, float)[:, None, None] * u[None]).reshape(-1, problem.dim)


def er_check(problem, points):
    """Exact E‖∇f_v‖² against the ER bound for every sampling of :func:`er_samplings`; returns rows of results."""
    rows = []
    for label, samp, kind, tau in er_samplings(problem.n):
        A, B, C = samp.er_constants(problem)
        Acf, Bcf, Ccf = th.er_constants_closed_form(problem, kind, tau)
        lhs, mean = th.exact_second_moment(problem, samp, points)
        rhs = th.er_bound(problem, points, A, B, C)
        g = problem.grad(points)
        scale = np.maximum(1.0, rhs)
        rows.append({"problem": problem.name, "sampling": label, "A": A, "B": B, "C": C,
                     "closed_form_match": bool(np.allclose([A, B, C], [Acf, Bcf, Ccf], rtol=1e-12, atol=1e-14)),
                     "max_lhs_over_rhs": float(np.max(lhs / rhs)),
                     "max_violation": float(np.max((lhs - rhs) / scale)),
                     "unbiased_err": float(np.max(np.abs(mean - g)) / max(1.0, np.abs(g).max())),
                     "equality_err": float(np.max(np.abs(lhs - rhs) / scale)) if kind == "full" else None})
    return rows


# ----------------------------------------------------------------------------- statistics of the runs

def mean_gap(res, cols) -> np.ndarray:
    """Mean of f − f* over the runs ``cols`` at every record, shape (K,)."""
    return res.f_gap[:, cols].mean(axis=1)


def tail_mean(res, cols, tail=0.3):
    """Plateau of E[f − f*]: mean over the records in the last ``tail`` of the steps and over the runs ``cols``,
    with the standard error over runs (each run's time average is one sample). Returns (mean, SE)."""
    sel = res.t >= (1.0 - tail) * res.t[-1]
    if sel.sum() < 4:
        sel = np.arange(res.t.size) >= res.t.size - 4
    per_run = res.f_gap[sel][:, cols].mean(axis=0)
    sem = float(per_run.std(ddof=1) / np.sqrt(per_run.size)) if per_run.size > 1 else 0.0
    return float(per_run.mean()), sem


def crossing_time(t, y, level):
    """First t where the curve y falls to ``level`` (log-linear interpolation between records); NaN if never."""
    below = np.flatnonzero(y <= level)
    if below.size == 0 or below[0] == 0:
        return float("nan")
    j = below[0]
    a, b = np.log(y[j - 1]), np.log(y[j])
    return float(t[j - 1] + (np.log(level) - a) / (b - a) * (t[j] - t[j - 1]))


def speedup(t, slow, fast, levels):
    """Ratios crossing_time(slow)/crossing_time(fast) at each level: the speed-up in iterations."""
    return np.array([crossing_time(t, slow, lv) / crossing_time(t, fast, lv) for lv in levels])


def speedup_median(t, slow, fast):
    """Median speed-up of ``fast`` over ``slow`` (relative mean gaps) at six levels log-spaced from 0.3 down to
    1.5× the lowest level ``slow`` reaches. Returns (median, levels, ratios)."""
    levels = np.geomspace(0.3, 1.5 * float(np.min(slow)), 6)
    ratios = speedup(t, slow, fast, levels)
    return float(np.nanmedian(ratios)), levels, ratios
