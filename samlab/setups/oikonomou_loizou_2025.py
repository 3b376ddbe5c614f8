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
* :func:`importance_stationary_run`, :func:`importance_draw_means` — importance sampling through its draws and
  run until it settles.
* :func:`er_check` — exact E‖∇f_v‖² against the ER bound for every sampling.
* :func:`thm32_search`, :func:`thm32_pep` — the worst case of the Thm 3.2 bound (adversarial search over
  :func:`worst_case_families` and the step-size conditions; performance estimation).
* :func:`threshold_cases`, :func:`threshold_pep` — the worst case of the distance bound below the Unified SAM
  divergence threshold (adversarial search over quadratics and (γh, ρ(1−λ), ρλ); PEP of USAM).
* :func:`er_search`, :func:`er_remeasure` — the worst case of the ER inequality over ridge finite sums and points
  (differential evolution on exact expectations; no run is involved).

ER constants (A, B, C) always come from the samplings (:func:`er_constants`, i.e. ``sampling.<S>().er_constants``;
:data:`FULL_GRADIENT_ER` for the exact gradient), never typed by hand. Settings keys read by the protocols for the
claims' controls and rounding checks: ``x0_ulp`` (:func:`nudge`), ``lam_reversed``, ``consistent``, ``reweight``,
``schedule``.

Statistics read from those runs by claims and figures alike: :func:`tail_mean`, :func:`mean_gap`,
:func:`speedup_median`, :func:`importance_statistics`, :func:`decreasing_statistics`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import adversary, algorithms, problems, sampling, schedules
from ..engine import run
from ..linalg import row_norms
from ..seeding import rng
from ..theory import oikonomou_loizou_2025 as th

__all__ = [
    "PAPER_SEED", "LAMBDA_GRID", "IMPORTANCE_LABELS", "FULL_GRADIENT_ER", "er_constants", "nudged", "nudge",
    "DETERMINISTIC_USAM_EXACT", "PLATEAU_RHO_LAMBDA", "DECREASING_STEPS", "IMPORTANCE_SPEEDUP", "settings",
    "linear_checkpoints", "mixed_checkpoints",
    "Instance", "authors_matrix", "instance_a", "instance_b", "instance_c", "ridge_instance",
    "interpolation_instance", "rotated_quadratic", "deterministic_instance", "decreasing_instance",
    "importance_instance", "er_instances",
    "lambda_sweep", "plateau_grid", "interpolation_sweep", "decreasing_vs_constant", "importance_comparison",
    "importance_run", "er_samplings", "er_points", "er_check",
    "mean_gap", "tail_mean", "crossing_time", "speedup", "speedup_median", "importance_statistics",
    "decreasing_statistics", "INTERPOLATION_EXACT",
    "WORST_CASE", "thm32_fraction_steps", "thm32_factory", "thm32_bound_fn", "worst_case_families", "thm32_search",
    "thm32_pep", "IMPORTANCE_DRAWS", "importance_draw_means", "importance_stationary_run",
    "THRESHOLD_WORST_CASE", "threshold_steps", "threshold_cases", "threshold_pep",
    "ER_WORST_CASE", "ER_ROUNDING", "er_worst_case_family", "er_sampling", "er_ratio_rows", "er_search", "er_remeasure",
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

INTERPOLATION_EXACT = {
    "quick": {"n": 50, "d": 5, "instance_seed": 0, "lams": [0.25, 0.5, 1.0], "rho_mult": [1.0, 2.0], "runs": 8,
              "steps": 6000},
    "full": {"n": 200, "d": 20, "instance_seed": 0, "lams": [0.25, 0.5, 1.0], "rho_mult": [1.0, 2.0], "runs": 16,
             "steps": 20000},
}
"""Claim ``interpolation-exact``; also the right panel of plateau_scaling.png (the same run)."""

DECREASING_STEPS = {
    "quick": {"instance": "small", "n": 20, "d": 3, "reg": 0.1, "instance_seed": 0, "lams": [0.0, 0.5, 1.0],
              "runs": 240, "horizon_in_switches": 30},
    "full": {"instance": "b", "lams": [0.0, 0.5, 1.0], "runs": 5, "steps": 1000000},
}
"""Claim ``decreasing-steps``; in full mode also the figure constant_vs_decreasing.png (experiment (b))."""

IMPORTANCE_SPEEDUP = {
    "quick": {"instance": "small", "n": 20, "d": 5, "reg": 0.01, "instance_seed": 3, "heavy": 4, "start_scale": 10.0,
              "consistent": False, "lams": [0.5, 1.0], "runs": 32, "steps": 6000, "window": [1000, 4000]},
    "full": {"instance": "c", "lams": [0.5, 1.0], "runs": 5, "steps": 300000, "window": [25000, 75000]},
}
"""Claim ``importance-speedup``; in full mode also the figure importance_sampling.png (experiment (c))."""


def settings(table: dict, quick: bool) -> dict:
    """A copy of ``table["quick"]`` or ``table["full"]``."""
    return dict(table["quick" if quick else "full"])


FULL_GRADIENT_ER = (0.0, 1.0, 0.0)
"""(A, B, C) of the exact gradient, E‖∇f‖² = ‖∇f‖²: what ``sampling.FullBatch().er_constants`` returns for
every finite sum, used for the deterministic runs on quadratics (which are not finite sums)."""


def er_constants(samp, problem, a_scale: float = 1.0) -> tuple[float, float, float]:
    """(A, B, C) of sampling ``samp`` on ``problem`` from ``samp.er_constants(problem)`` (never typed by hand);
    ``a_scale`` ≠ 1 multiplies A and C: the "wrong ER constant" control of the claims."""
    A, B, C = samp.er_constants(problem)
    return float(A) * a_scale, float(B), float(C) * a_scale


def nudged(x, s: dict) -> np.ndarray:
    """``x`` moved by ``s.get("x0_ulp", 0)`` units in the last place (np.nextafter towards +inf): the rounding
    perturbation under which no claim's verdict may change."""
    x = np.array(x, dtype=float)
    for _ in range(int(s.get("x0_ulp", 0))):
        x = np.nextafter(x, np.inf)
    return x


def nudge(inst: "Instance", s: dict) -> "Instance":
    """The instance with x⁰ :func:`nudged` by ``s.get("x0_ulp", 0)`` ulps (the same instance when 0)."""
    if int(s.get("x0_ulp", 0)) == 0:
        return inst
    return replace(inst, x0=nudged(inst.x0, s))


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


def interpolation_instance(n=200, d=20, seed=0, consistent=True) -> Instance:
    """Consistent least squares (reg = 0, b = A x_true): every f_i is minimized at x*, so C = 0.
    ``consistent=False`` adds N(0, 1) noise to b (the same A and x⁰ draws): C > 0, no interpolation."""
    return ridge_instance(n, d, 0.0, seed, consistent=consistent)


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
    """Experiment (c) when ``s["instance"] == "c"``; otherwise a ridge sum whose first ``s["heavy"]`` rows have
    squared norm 4 (the others 1), which spreads the L_i; b = A x_true, plus N(0, 1) noise unless
    ``s.get("consistent", True)`` (noise moves the minimizer x_p of Σ p_i f_i away from x*, as in (c))."""
    if s["instance"] == "c":
        return instance_c()
    r2 = np.where(np.arange(s["n"]) < s["heavy"], 4.0, 1.0)
    return ridge_instance(s["n"], s["d"], s["reg"], s["instance_seed"], consistent=s.get("consistent", True),
                          row_norms2=r2, start_scale=s.get("start_scale", 1.0))


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

def lambda_sweep(inst: Instance, steps: int, *, seed: int = 0, name: str = "lambda-sweep", lams=None):
    """Experiment (a) protocol: deterministic Unified SAM for every λ of LAMBDA_GRID (or ``lams``) in one batch,
    simplified Thm 3.2 steps with the full-gradient constants (A, B) = (0, 1), recorded at 100 evenly spaced
    steps (the paper's epochs)."""
    p = inst.problem
    lams = np.array(LAMBDA_GRID if lams is None else lams, dtype=float)
    A, B, _ = FULL_GRADIENT_ER
    rho, gam = th.simplified_steps(p.L, p.mu, A, B, lams)
    return run(p, algorithms.unified_sam(gam, rho, lams), inst.x0, steps,
               checkpoints=linear_checkpoints(steps, 100), name=name, seed=seed)


def plateau_grid(s: dict, *, seed: int = 0, name: str = "plateau-grid"):
    """Deterministic Unified SAM on the experiment (a) generator at dimension ``s["dim"]``, constant γ = ``s["lr"]``,
    every (ρ, λ) of ``s["rhos"]`` × ``s["lams"]`` in one batch (ρ-major), 50 records. ``s["lam_reversed"]``
    (a control) runs 1 − λ where λ is reported: Unified SAM's mixing reversed.

    Returns (Result, problem, ρ per run, λ per run).
    """
    inst = nudge(instance_a(n=s["dim"]), s)
    rr, ll = np.meshgrid(np.asarray(s["rhos"], float), np.asarray(s["lams"], float), indexing="ij")
    rho, lam = rr.ravel(), ll.ravel()
    lam_run = 1.0 - lam if s.get("lam_reversed") else lam
    res = run(inst.problem, algorithms.unified_sam(s["lr"], rho, lam_run), inst.x0, s["steps"],
              checkpoints=50, name=name, seed=seed)
    return res, inst.problem, rho, lam


def interpolation_sweep(s: dict, seed: int):
    """Batched run on consistent least squares: λ × ρ multiples × runs, single uniform sampling,
    γ = 1/(4L_max), ρ₀ = 1/(8L_max); the first block is λ = 0. ``s.get("consistent", True)``: False adds label
    noise (a control: C > 0). Returns (Result, configs, ρ₀, γ, problem)."""
    inst = nudge(interpolation_instance(s["n"], s["d"], s["instance_seed"], consistent=s.get("consistent", True)), s)
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


def decreasing_vs_constant(problem, x0, lams, runs, steps, *, seed=0, checkpoints=None, name="dec-vs-const",
                           schedule="thm35"):
    """One batched run: for each λ, ``runs`` constant-step runs then (same samples, via PairedSampling)
    ``runs`` Thm 3.5 runs; simplified Thm 3.2 steps with uniform single sampling, L = L_max and (A, B) from
    ``sampling.Uniform().er_constants`` (A = L_max, B = 0).

    ``schedule`` (the controls of the claim): "thm35" (γ_k and ρ_k of Thm 3.5), "constant" (the second copy keeps
    the constant steps) or "constant_rho" (γ_k of Thm 3.5 but a constant ρ).
    Column order: copy (constant, decreasing) × λ × run. Returns (Result, info dict).
    """
    if schedule not in ("thm35", "constant", "constant_rho"):
        raise ValueError(f"schedule must be 'thm35', 'constant' or 'constant_rho', got {schedule!r}")
    lams = np.asarray(lams, dtype=float)
    lam_col = np.tile(np.repeat(lams, runs), 2)
    dec = np.repeat([False, True], lams.size * runs)
    A, B, _ = er_constants(sampling.Uniform(), problem)
    rho, gam = th.simplified_steps(problem.L_max, problem.mu, A, B, lam_col)
    rho, gam = np.asarray(rho, dtype=float), np.asarray(gam, dtype=float)
    mu = problem.mu
    dec_lr = dec if schedule != "constant" else np.zeros_like(dec)
    dec_rho = dec if schedule == "thm35" else np.zeros_like(dec)
    lr = schedules.from_callable(lambda k: np.where(dec_lr, th.thm35_lr(k, gam, mu), gam), "Thm 3.5 γ_k | constant γ")
    rh = schedules.from_callable(lambda k: np.where(dec_rho, th.thm35_rho(k, rho), rho), "Thm 3.5 ρ_k | constant ρ")
    samp = sampling.PairedSampling(sampling.Uniform(), lams.size * runs, 2)
    res = run(problem, algorithms.unified_sam(lr, rh, lam_col), x0, steps, sampling=samp, seed=seed,
              checkpoints=checkpoints if checkpoints is not None else mixed_checkpoints(steps), name=name)
    res.meta["configs"] = {"lam": lam_col.tolist(), "decreasing": dec.tolist(), "rho": rho.tolist(),
                           "lr": gam.tolist(), "rule": "simplified Thm 3.2 steps; Thm 3.5 schedule (official 0-based t = k−1)",
                           "schedule": schedule,
                           "switch_step": float(th.thm35_switch(gam[0], mu)), "runs_per_config": int(runs)}
    return res, res.meta["configs"]


def importance_comparison(problem, x0, lams, runs, steps, *, rule="older", seed=0, checkpoints=None,
                          name="importance", reweight=True):
    """One batched run: uniform, reweighted importance and unweighted importance (official code)
    single-element sampling, each for every λ with ``runs`` runs, Thm 3.2 steps with L = L_max and
    (A, B) from ``er_constants`` of ``sampling.Uniform()`` (A = L_max, B = 0) or ``sampling.Importance()``
    (A = L̄, B = 0; the unweighted variant too, as the official driver plugs L̄ in). ``reweight=False`` (a
    control) draws the "reweighted" block with the unweighted sampler as well.

    Column order: sampling × λ × run. Returns (Result, info dict).
    """
    lams = np.asarray(lams, dtype=float)
    blocks, lam_col, rho_col, gam_col, kind = [], [], [], [], []
    uniform_er = er_constants(sampling.Uniform(), problem)
    importance_er = er_constants(sampling.Importance(), problem)
    for label, samp, (A, B, _) in ((IMPORTANCE_LABELS[0], sampling.Uniform(), uniform_er),
                                   (IMPORTANCE_LABELS[1], sampling.Importance(reweight=reweight), importance_er),
                                   (IMPORTANCE_LABELS[2], sampling.Importance(reweight=False), importance_er)):
        for lam in lams:
            if rule == "older":
                rho, gam = th.thm32_steps(problem.L_max, problem.mu, A, B, lam)
            else:
                rho, gam = th.simplified_steps(problem.L_max, problem.mu, A, B, lam)
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
    inst = nudge(importance_instance(s), s)
    ck = np.unique(np.concatenate([mixed_checkpoints(s["steps"], 300), np.asarray(s.get("window") or [], int)]))
    res, info = importance_comparison(inst.problem, inst.x0, list(s["lams"]), s["runs"], s["steps"], seed=seed,
                                      checkpoints=ck, reweight=s.get("reweight", True))
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


def er_check(problem, points, a_scale=1.0):
    """Exact E‖∇f_v‖² against the ER bound for every sampling of :func:`er_samplings`, with (A, B, C) from
    :func:`er_constants` (``a_scale`` ≠ 1: the wrong-constant control); returns rows of results."""
    rows = []
    for label, samp, kind, tau in er_samplings(problem.n):
        A, B, C = er_constants(samp, problem, a_scale)
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


def decreasing_statistics(res, info, lams, runs):
    """What the decreasing-steps claim judges and its figure prints, per λ, from one :func:`decreasing_vs_constant`
    run: the mean gaps of the constant (``gc``) and decreasing (``gd``) copies, the constant plateau (tail mean)
    and its SE, k·ḡ_k over [2k*, T] and its growth max/first, its relative standard error, the log-log slope of ḡ
    over [2k*, T], and the largest relative difference of the two curves before k* while the constant one is ≥ 3×
    above its plateau. k* = the Thm 3.5 switch (official 0-based t*) + 1. Returns (k*, list of dicts)."""
    from ..analysis import loglog_fit

    ks = float(info["switch_step"]) + 1.0
    t = res.t
    after = t >= 2 * ks
    out = []
    for i, lam in enumerate(lams):
        c_cols = slice(i * runs, (i + 1) * runs)
        d_cols = slice((len(lams) + i) * runs, (len(lams) + i + 1) * runs)
        level, sem = tail_mean(res, c_cols)
        gd, gc = mean_gap(res, d_cols), mean_gap(res, c_cols)
        kg = t[after] * gd[after]
        kg_se = t[after] * res.f_gap[after][:, d_cols].std(axis=1, ddof=1) / np.sqrt(runs)
        before = (t <= ks) & (gc >= 3 * level) & (t > 0)
        out.append({"lam": float(lam), "gc": gc, "gd": gd, "level": level, "sem": sem, "final": float(gd[-1]),
                    "kg": kg, "growth": float(kg.max() / kg[0]), "kg_rel_se_median": float(np.median(kg_se / kg)),
                    "coincide": float(np.max(np.abs(gd[before] / gc[before] - 1.0))) if before.any() else 0.0,
                    "slope": loglog_fit(t[after], gd[after], n_boot=0).slope,
                    "rho_switch_step": float((1.0 / info["rho"][(len(lams) + i) * runs] + 1.0) / 2.0)})
    return ks, out


def importance_statistics(res, info, problem, lams, runs):
    """What the importance claim judges and its figure prints, per λ, from one :func:`importance_comparison` run.

    Mean relative gaps (f − f*)/(f(x⁰) − f*) of the three samplers; the median speed-up of the reweighted sampler
    over uniform (:func:`speedup_median`, the claim's statistic, printed as is in the figure); the final mean
    gaps; and the level where each sampler settles for small γ, f(x̄) − f* at the zero x̄ of its mean field
    (``theory.sampled_stationary_point``: SAM's own bias included, and the sampling bias of the unweighted
    variant). Returns a list of dicts (one per λ).
    """
    f0 = float(res.f_gap[0, 0])
    weights = (None, "importance", "unweighted")
    out = []
    for i, lam in enumerate(lams):
        cols = [slice((k * len(lams) + i) * runs, (k * len(lams) + i + 1) * runs) for k in range(3)]
        means = [mean_gap(res, c) / f0 for c in cols]
        med, levels, ratios = speedup_median(res.t, means[0], means[1])
        rhos = [float(info["rho"][c.start]) for c in cols]
        floors = [th.sampled_stationary_point(problem, r, lam, weights=w)[1] / f0 for r, w in zip(rhos, weights)]
        out.append({"lam": float(lam), "means": means, "speedup": med, "levels": levels, "ratios": ratios,
                    "finals": [float(m[-1]) for m in means], "floors": floors, "rho": rhos,
                    "lr": [float(info["lr"][c.start]) for c in cols], "cols": cols})
    return out


# ----------------------------------------------------------------------------- Thm 3.2 worst case

WORST_CASE = {
    "quick": {"L": 1.0, "mu": 0.1, "gap0": 1.0, "dim": 3, "huber_dim": 2, "steps": 400, "budget": 210,
              "n": 3, "ls_dim": 2, "delta_inf": 0.05, "stoch_steps": 100, "replicas": 8, "final_replicas": 64,
              "lam": [0.0, 1.0], "rho_frac": [0.0, 0.999], "lr_frac": [0.05, 1.0], "neighbourhood": True,
              "pep_steps": 3, "pep_cases": [[0.0, 0.9, 0.5, "smooth_strongly_convex"], [1.0, 0.5, 1.0, "smooth_strongly_convex"]],
              "save_instance": False},
    "full": {"L": 1.0, "mu": 0.1, "gap0": 1.0, "dim": 4, "huber_dim": 3, "steps": 1000, "budget": 2100,
             "n": 4, "ls_dim": 3, "delta_inf": 0.05, "stoch_steps": 300, "replicas": 16, "final_replicas": 400,
             "lam": [0.0, 1.0], "rho_frac": [0.0, 0.999], "lr_frac": [0.05, 1.0], "neighbourhood": True,
             "pep_steps": 6,
             "pep_cases": [[0.0, 0.9, 0.9, "smooth_strongly_convex"], [0.0, 0.5, 1.0, "smooth_strongly_convex"],
                           [0.0, 0.9, 0.5, "smooth_pl"], [0.5, 0.9, 0.5, "smooth_strongly_convex"],
                           [1.0, 0.5, 1.0, "smooth_strongly_convex"], [1.0, 0.1, 1.0, "smooth_strongly_convex"]],
             "save_instance": True},
}
"""Settings of the claim ``thm32-linear-rate-worst-case`` (and of the figure worst_case.py): L = 1, μ = 0.1,
f(x⁰) − f* = gap0; the box of hyperparameters: λ, ρ = rho_frac·ρ_max(λ), γ = lr_frac·γ_max(ρ, λ)."""


def thm32_fraction_steps(L, mu, A, B, lam, rho_frac, lr_frac):
    """(ρ, γ) = (rho_frac·ρ_max(λ), lr_frac·γ_max(ρ, λ)): a point of the Thm 3.2 step-size conditions for
    rho_frac ∈ [0, 1) and lr_frac ∈ (0, 1] (beyond them: the conditions violated, for controls)."""
    rho = np.asarray(rho_frac, float) * np.asarray(th.rho_max(L, mu, A, B, lam))
    lr = np.asarray(lr_frac, float) * np.asarray(th.gamma_max(rho, L, mu, A, B, lam))
    return rho, lr


def thm32_factory(L, mu, A, B):
    """Unified SAM as a function of (λ, rho_frac, lr_frac) arrays (one value per candidate), for adversary.search."""
    def make(lam, rho_frac, lr_frac):
        rho, lr = thm32_fraction_steps(L, mu, A, B, lam, rho_frac, lr_frac)
        return algorithms.unified_sam(lr, rho, np.asarray(lam, float))
    return make


def thm32_bound_fn(L, mu, A, B, C, gap0, neighbourhood=True):
    """bound(t, lam, rho_frac, lr_frac) = theory.thm32_bound (or, ``neighbourhood=False`` (a control), the
    linear term (1 − γN)^t·gap0 alone), shapes (K, 1) × (S,) → (K, S)."""
    def thm32_bound(t, lam, rho_frac, lr_frac):
        rho, lr = thm32_fraction_steps(L, mu, A, B, lam, rho_frac, lr_frac)
        if neighbourhood:
            return th.thm32_bound(t, gap0, lr, rho, L, mu, A, B, C, lam)
        return np.asarray(th.guaranteed_factor(lr, rho, L, mu, A, B, lam)) ** t * gap0
    return thm32_bound


def worst_case_families(s):
    """The theorem's class as searchable families, each with its ER constants (A, B, C) and the L of the step sizes:
    deterministic rotated quadratics and Huber-type convex functions (μ-strongly convex, hence μ-PL; full gradient,
    (A, B, C) = FULL_GRADIENT_ER) and ridge least-squares finite sums with single uniform sampling (each f_i
    L_max-smooth, (A, B, C) from the family's ``er_constants``, i.e. ``sampling.Uniform().er_constants``)."""
    L, mu, g0 = s["L"], s["mu"], s["gap0"]
    quad = adversary.Quadratics(s["dim"], L, mu, start="f_gap", start_value=g0)
    hub = adversary.Huber(s["huber_dim"], L, mu, start="f_gap", start_value=g0)
    ls = adversary.LeastSquaresFamily(s["n"], s["ls_dim"], L, mu, s["delta_inf"], sampling=sampling.Uniform(),
                                      start="f_gap", start_value=g0)
    return [("quadratics", quad, FULL_GRADIENT_ER, s["steps"]), ("huber", hub, FULL_GRADIENT_ER, s["steps"]),
            ("least squares", ls, ls.er_constants, s["stoch_steps"])]


def thm32_search(family, constants, steps, s, *, seed=0, budget=None):
    """adversary.search of the Thm 3.2 bound over ``family`` and the hyperparameter box of ``s`` (λ ∈ s["lam"],
    rho_frac, lr_frac), every recorded t ≤ steps (at="all"). The budget is at least two populations."""
    A, B, C = constants
    L, mu = s["L"], s["mu"]
    box = {"lam": tuple(s["lam"]), "rho_frac": tuple(s["rho_frac"]), "lr_frac": tuple(s["lr_frac"])}
    n_par = len(family.box) + len(box)
    population = min(max(5 * n_par, 20), 100)
    size = -(-population // n_par) * n_par
    budget = max(int(s["budget"] if budget is None else budget), 2 * size)
    return adversary.search(thm32_factory(L, mu, A, B), family, steps=int(steps),
                            bound=thm32_bound_fn(L, mu, A, B, C, s["gap0"], s.get("neighbourhood", True)),
                            metric="f_gap", at="all", budget=budget, seed=seed, hypers=box,
                            replicas=s["replicas"], final_replicas=s["final_replicas"])


def thm32_pep(lam, rho_frac, lr_frac, cls, steps, s):
    """PEP of ``steps`` steps of deterministic Unified SAM at (λ, rho_frac, lr_frac) on the class ``cls`` (f_gap
    from f(x⁰) − f* ≤ gap0): exact for λ = 0 on smooth strongly convex functions (a subclass of the theorem's PL
    class), a sound relaxation otherwise (the ball relaxation of the normalized part; PEPit's necessary PL
    conditions). Returns a flat dict with the value, the bound at ``steps`` and their ratio."""
    from .. import pep

    L, mu, g0 = s["L"], s["mu"], s["gap0"]
    A, B, C = FULL_GRADIENT_ER
    rho, lr = thm32_fraction_steps(L, mu, A, B, lam, rho_frac, lr_frac)
    bound = float(th.thm32_bound(steps, g0, lr, rho, L, mu, A, B, C, lam))
    wc = pep.worst_case(algorithms.unified_sam(float(lr), float(rho), float(lam)), L=L, mu=mu, steps=int(steps),
                        metric="f_gap", initial="f_gap", initial_value=g0, function_class=cls)
    return {"lam": float(lam), "rho": float(rho), "lr": float(lr), "class": cls, "steps": int(steps),
            "pep_value": float(wc.value), "bound": bound, "ratio": float(wc.value) / bound, "exact": bool(wc.exact),
            "relaxation": wc.relaxation}


# ----------------------------------------------------------------------------- importance sampling through the draws

IMPORTANCE_DRAWS = {
    "quick": {"n": 20, "d": 3, "reg": 0.05, "instance_seed": 2, "heavy": 4, "start_scale": 3.0, "draws": 20000,
              "lams": [0.5, 1.0], "runs": 16, "steps": 6000, "lr_frac": 0.25, "uniform": False, "reweight": True},
    "full": {"n": 20, "d": 3, "reg": 0.05, "instance_seed": 2, "heavy": 4, "start_scale": 3.0, "draws": 200000,
             "lams": [0.0, 0.5, 1.0], "runs": 128, "steps": 12000, "lr_frac": 0.25, "uniform": True, "reweight": True},
}
"""Claim ``importance-through-the-draws``: a small noisy ridge sum whose first ``heavy`` rows have ‖a_i‖² = 4
(L_max/L̄ = 2.45), so that the minimizer x_p of Σ p_i f_i (p_i ∝ L_i) is not x*."""


def importance_draw_means(problem, points, draws, gen, *, reweight=True):
    """Monte Carlo mean and standard error of ``draws`` gradients ∇f_v(x) sampled through
    ``sampling.Importance(reweight).draw`` at each point (rows of ``points``). Returns (means, ses), (P, d) each."""
    samp = sampling.Importance(reweight=reweight)
    means, ses = [], []
    for x in np.atleast_2d(points):
        idx, coef = samp.draw(gen, int(draws), problem)
        g = problem.component_grad(np.broadcast_to(x, (int(draws), problem.dim)), idx, coef)
        means.append(g.mean(axis=0))
        ses.append(g.std(axis=0, ddof=1) / np.sqrt(int(draws)))
    return np.array(means), np.array(ses)


def importance_stationary_run(s, *, seed=0):
    """Reweighted and unweighted importance sampling (and uniform sampling when ``s["uniform"]``) run until they
    settle: older Thm 3.2 steps ρ = ρ_max/2, γ = ``s["lr_frac"]``·γ_max (γ ≤ γ_max: a small γ keeps the O(γ) noise
    term well under the floors), L = L_max, (A, B) from ``er_constants`` of ``sampling.Importance()`` (A = L̄, both
    importance variants, as the official driver) or ``sampling.Uniform()`` (A = L_max); ``runs`` runs per λ, one
    batched run from the instance of ``s``. ``s["reweight"] = False`` (a control) draws the reweighted block
    unweighted. Column order: sampler (reweighted, unweighted[, uniform]) × λ × run. Returns (Result, info, instance).
    """
    inst = nudge(ridge_instance(s["n"], s["d"], s["reg"], s["instance_seed"],
                                row_norms2=np.where(np.arange(s["n"]) < s["heavy"], 4.0, 1.0),
                                start_scale=s["start_scale"]), s)
    p = inst.problem
    lams = np.asarray(s["lams"], float)
    R = int(s["runs"])
    blocks = [("reweighted", sampling.Importance(reweight=bool(s.get("reweight", True))), sampling.Importance()),
              ("unweighted", sampling.Importance(reweight=False), sampling.Importance())]
    if s.get("uniform"):
        blocks.append(("uniform", sampling.Uniform(), sampling.Uniform()))
    rho_col, lr_col, lam_col, runwise, labels = [], [], [], [], []
    for label, samp, constants in blocks:
        A, B, _ = er_constants(constants, p)
        rho, gam = th.thm32_steps(p.L_max, p.mu, A, B, lams)
        rho_col.append(np.repeat(np.atleast_1d(rho), R))
        lr_col.append(np.repeat(float(s["lr_frac"]) * np.atleast_1d(gam), R))
        lam_col.append(np.repeat(lams, R))
        runwise.append((samp, lams.size * R))
        labels.append(label)
    rho, gam, lam_col = np.concatenate(rho_col), np.concatenate(lr_col), np.concatenate(lam_col)
    res = run(p, algorithms.unified_sam(gam, rho, lam_col), inst.x0, int(s["steps"]),
              sampling=sampling.RunwiseSampling(runwise), seed=seed,
              checkpoints=linear_checkpoints(int(s["steps"]), 100), name="importance-draws")
    return res, {"lam": lam_col, "rho": rho, "lr": gam, "runs": R, "blocks": labels}, inst


# ----------------------------------------------------------------------------- divergence threshold: worst case

THRESHOLD_WORST_CASE = {
    "quick": {"h": 1.0, "mu": 0.1, "dims": [2, 3], "steps": 30, "budget": 2800, "rho_lam": [0.0, 1.0],
              "samples": 40, "pep_steps": [1, 2], "pep_points": [[0.2, 0.98]], "save": False},
    "full": {"h": 1.0, "mu": 0.1, "dims": [2, 4], "steps": 120, "budget": 16000, "rho_lam": [0.0, 1.0],
             "samples": 200, "pep_steps": [1, 2, 3, 4, 5],
             "pep_points": [[0.2, 0.5], [0.2, 0.9], [0.2, 0.98], [0.5, 0.9], [0.5, 0.98], [1.0, 0.98], [1.5, 0.98]],
             "save": True},
}
"""Claim ``usam-divergence-threshold-worst-case``: quadratics with spectrum in [μ, h] (both attained), ‖x_0 − x*‖ = 1,
every t ≤ steps; hyperparameters γh ∈ (0.05, 1.95), u = ρ(1−λ)/threshold ∈ (0.02, 0.98), ρλ ∈ ``rho_lam``; the
exact PEP of USAM at the worst λ = 0 hyperparameters found and at the (γh, u) of ``pep_points``."""

THRESHOLD_HYPERS = {"lr_h": (0.05, 1.95), "u": (0.02, 0.98)}
"""The searched box of the threshold claim's hyperparameters (ρλ is added for λ > 0)."""


def threshold_steps(h, lr_h, u, rho_lam=0.0):
    """(γ, ρ, λ) from (γh, u, ρλ): c = ρ(1−λ) = u·(2/(γh) − 1)/h (u < 1: below the divergence threshold of
    ``theory.unified_divergence_threshold``), ρ = c + ρλ, λ = ρλ/ρ. Finite for every point of the box (c > 0), so λ
    reaches 1 only in the limit, without ρ blowing up as a parametrization by λ would."""
    lr_h, u, a = (np.asarray(v, dtype=float) for v in (lr_h, u, rho_lam))
    lr = lr_h / h
    c = u * np.asarray(th.unified_divergence_threshold(lr, h, 0.0))
    rho = c + a
    return lr, rho, a / rho


def threshold_cases(s, *, gd_factor=False):
    """The searches of ``usam-divergence-threshold-worst-case`` (samlab.setups.general.SearchCase): for each dimension
    in ``s["dims"]``, USAM (λ = 0; hyperparameters γh, u) and Unified SAM (γh, u, ρλ ∈ ``s["rho_lam"]``) on
    ``adversary.Quadratics(d, L=h, mu)`` from ‖x_0 − x*‖² = 1, metric ‖x_t − x*‖² at every t (at="all"), bound
    ``theory.unified_distance_bound`` (``gd_factor=True``: with plain GD's factor, the control)."""
    from .general import SearchCase

    h, mu = float(s["h"]), float(s["mu"])

    def usam_factory(lr_h, u):
        lr, rho, lam = threshold_steps(h, lr_h, u)
        return algorithms.unified_sam(lr, rho, lam)

    def usam_bound(t, lr_h, u):
        lr, rho, lam = threshold_steps(h, lr_h, u)
        return th.unified_distance_bound(t, lr, rho, lam, mu, h, gd_factor=gd_factor)

    def unified_factory(lr_h, u, rho_lam):
        lr, rho, lam = threshold_steps(h, lr_h, u, rho_lam)
        return algorithms.unified_sam(lr, rho, lam)

    def unified_bound(t, lr_h, u, rho_lam):
        lr, rho, lam = threshold_steps(h, lr_h, u, rho_lam)
        return th.unified_distance_bound(t, lr, rho, lam, mu, h, gd_factor=gd_factor)

    name = "gd_factor_bound" if gd_factor else "unified_distance_bound"
    usam_bound.__name__ = unified_bound.__name__ = name
    cases = []
    for d in s["dims"]:
        fam = adversary.Quadratics(int(d), h, mu, start="distance", start_value=1.0)
        cases.append(SearchCase(f"USAM (λ = 0), quadratics d={d}", fam, usam_factory, usam_bound,
                                dict(THRESHOLD_HYPERS), metric="distance"))
        cases.append(SearchCase(f"Unified SAM, quadratics d={d}", fam, unified_factory, unified_bound,
                                {**THRESHOLD_HYPERS, "rho_lam": tuple(s["rho_lam"])}, metric="distance"))
    return cases


def threshold_pep(s, lr_h, u, *, gd_factor=False) -> dict:
    """Exact PEP (samlab.pep, USAM is linear in the oracle) of ‖x_N − x*‖² over every h-smooth μ-strongly convex f
    from ‖x_0 − x*‖² ≤ 1, for N in ``s["pep_steps"]``, against q^{2N} (the λ = 0 bound of
    ``theory.unified_distance_bound``): samlab.setups.general.pep_ratios."""
    from .general import pep_ratios

    h, mu = float(s["h"]), float(s["mu"])
    lr, rho, lam = threshold_steps(h, lr_h, u)
    alg = algorithms.usam(float(lr), float(rho))
    return pep_ratios(alg, lambda N: float(th.unified_distance_bound(N, lr, rho, 0.0, mu, h, gd_factor=gd_factor)),
                      L=h, mu=mu, steps=s["pep_steps"], metric="distance", initial="distance")


# ----------------------------------------------------------------------------- ER inequality: worst case

ER_WORST_CASE = {
    "quick": {"n": 3, "dim": 2, "L_max": 1.0, "mu": 0.1, "delta_inf": [0.0, 0.05], "start": [0.01, 4.0],
              "samplings": [["uniform", 1], ["importance", 1], ["nice", 2]], "popsize": 8, "budget": 6000,
              "samples": 200, "save": False},
    "full": {"n": 4, "dim": 3, "L_max": 1.0, "mu": 0.1, "delta_inf": [0.0, 0.05, 1.0], "start": [0.01, 4.0],
             "samplings": [["uniform", 1], ["importance", 1], ["nice", 2], ["nice", 3]], "popsize": 10,
             "budget": 60000, "samples": 2000, "save": True},
}
"""Claim ``er-constants-worst-case``: ridge finite sums f_i = ½(a_iᵀx − b_i)² + (μ/2)‖x‖² with ‖a_i‖² ≤ L_max − μ and
Δ^inf in ``delta_inf`` (``adversary.LeastSquaresFamily``), points at squared distance ``start`` from x*; samplings
(kind, τ); ``budget`` candidates (instance, point) per search, ``popsize`` candidates per parameter and generation."""


def er_worst_case_family(s, delta_inf):
    """``adversary.LeastSquaresFamily`` of the ER search: n components in d dimensions, each f_i L_max-smooth, f
    μ-strongly convex, Δ^inf = ``delta_inf``; its "start" is the point x where the ER inequality is evaluated,
    ‖x − x*‖² ∈ ``s["start"]`` (its size a searched parameter)."""
    return adversary.LeastSquaresFamily(int(s["n"]), int(s["dim"]), float(s["L_max"]), float(s["mu"]),
                                        float(delta_inf), start="distance", start_value=tuple(s["start"]))


def er_sampling(kind, tau=1):
    """The samlab sampling of ``kind``: Uniform() ("uniform"), Importance() (reweighted), Nice(τ) ("nice")."""
    if kind == "uniform":
        return sampling.Uniform()
    if kind == "importance":
        return sampling.Importance()
    if kind == "nice":
        return sampling.Nice(int(tau))
    raise ValueError(f"kind must be uniform, importance or nice, got {kind!r}")


ER_ROUNDING = 64.0 * np.finfo(float).eps
"""Rounding allowance per unit of condition number κ in the ER worst case: a computed ratio is certified above 1
only beyond 1 + ER_ROUNDING·κ (sums of ≤ 35 terms round to ≤ 35ε relative to the sum of their magnitudes; 64ε
covers that with room)."""


def er_condition(A, B, m2, value, f_star, f_inf_mean, grad_sq, rhs):
    """κ = [m2 + 2A(|f(x)| + 2|f*| + (1/n)Σ_i |f_i^inf|) + B‖∇f‖²] / rhs: the magnitudes whose rounding enters the
    computed ratio (f(x) − f* and Δ^inf = f* − (1/n)Σ_i f_i^inf are differences of values that grow like ‖b‖², so
    a member with nearly flat components and large data b (the only way to reach a given Δ^inf with tiny ‖a_i‖)
    makes them cancel), relative to the right-hand side 2A(f − f*) + B‖∇f‖² + C."""
    mag = m2 + 2.0 * A * (np.abs(value) + 2.0 * np.abs(f_star) + f_inf_mean) + B * grad_sq
    return mag / rhs


def er_ratio_rows(family, P, kind, tau=1, a_scale=1.0):
    """E‖∇f_v(x)‖² / (2A(f(x) − f*) + B‖∇f(x)‖² + C) for every row of the family's parameters P (S, p), batched:
    one BatchedLeastSquares of S instances, the expectation exact (a sum over the sampling's outcomes: the n
    indices, or the C(n, τ) subsets; importance probabilities p_i = L_i/Σ_j L_j per instance), (A, B, C) from
    ``theory.er_constants_rows`` (A and C times ``a_scale``: the control). Returns ((S,) ratios, (S,) condition
    numbers κ of :func:`er_condition`)."""
    prob, X, _ = family.batch(P)
    S, n = prob.rows, prob.n
    L_i = prob.row_norms2 + prob.reg
    A, B, C = th.er_constants_rows(L_i, prob.delta_inf, kind, tau)
    A, C = A * a_scale, C * a_scale
    m2 = np.zeros(S)
    if kind == "importance":
        p = L_i / L_i.sum(axis=1, keepdims=True)
        for i in range(n):  # a loop over the n outcomes, never over candidates
            g = prob.component_grad(X, np.full((S, 1), i), (1.0 / (n * p[:, i]))[:, None])
            m2 += p[:, i] * np.einsum("sd,sd->s", g, g)
    else:
        for w, idx, coef in er_sampling(kind, tau).outcomes(prob):
            g = prob.component_grad(X, np.broadcast_to(idx, (S, idx.size)), np.broadcast_to(coef, (S, coef.size)))
            m2 += w * np.einsum("sd,sd->s", g, g)
    grad = prob.grad(X)
    gsq = np.einsum("sd,sd->s", grad, grad)
    value = prob.value(X)
    rhs = 2.0 * A * (value - prob.f_star) + B * gsq + C
    kappa = er_condition(A, B, m2, value, prob.f_star, prob.component_inf().mean(axis=1), gsq, rhs)
    return m2 / rhs, kappa


def er_search(family, kind, tau, s, *, seed=0, a_scale=1.0):
    """Differential evolution (scipy, ``vectorized=True``: each generation is one call of :func:`er_ratio_rows` on
    the whole population) of the certified ER ratio, ratio − ER_ROUNDING·κ (what the float evaluation proves:
    the search is not drawn to ill-conditioned members whose computed ratio is rounding), over the family's box
    (the instance and the point x). Budget ``s["budget"]`` candidates, ``s["popsize"]`` per parameter. Returns
    (best parameters, its batched certified ratio, candidates evaluated, best certified ratio per generation)."""
    from scipy import optimize

    lo, hi = np.array(family.box).T
    size = int(s["popsize"]) * lo.size
    generations = max(int(s["budget"]) // size - 1, 1)
    history, count = [], [0]

    def objective(Xt):
        ratio, kappa = er_ratio_rows(family, np.clip(Xt.T, lo, hi), kind, tau, a_scale)
        r = ratio - ER_ROUNDING * kappa
        count[0] += r.size
        best = float(np.max(r))
        history.append(best if not history else max(history[-1], best))
        return -r

    res = optimize.differential_evolution(
        objective, list(zip(lo, hi)), popsize=int(s["popsize"]), maxiter=generations, tol=0.0, atol=0.0,
        polish=False, init="latinhypercube", updating="deferred", vectorized=True,
        rng=rng(seed, "er-worst-case", kind, str(tau), str(family.delta_inf)))
    return np.clip(res.x, lo, hi), float(-res.fun), count[0], history


def er_remeasure(family, params, kind, tau=1, a_scale=1.0):
    """The ratio of one member measured as ``er-constants`` measures it: the instance as a samlab LeastSquares
    (``family.instance``), (A, B, C) from the sampling's own ``er_constants`` (:func:`er_constants`), the exact
    E‖∇f_v‖² by enumerating ``Sampling.outcomes`` (``theory.exact_second_moment``) and ``theory.er_bound``.
    Returns (ratio, κ of :func:`er_condition`, instance, (A, B, C))."""
    inst = family.instance(params)
    p = inst.problem
    samp = er_sampling(kind, tau)
    A, B, C = er_constants(samp, p, a_scale)
    X = inst.x0[None, :]
    lhs, _ = th.exact_second_moment(p, samp, X)
    rhs = th.er_bound(p, X, A, B, C)
    g = p.grad(X)[0]
    kappa = er_condition(A, B, lhs[0], p.value(X)[0], p.f_star, float(np.mean(p.component_inf())), float(g @ g),
                         rhs[0])
    return float(lhs[0] / rhs[0]), float(kappa), inst, (A, B, C)
