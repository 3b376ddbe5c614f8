"""The textbook claims' instance (a rotated quadratic), its random starts, and the settings that the
claims of :mod:`samlab.claims.general` and the scripts of ``experiments/general/`` share.

    from samlab.setups import general as setup
    s = setup.settings(setup.GD_LINEAR_RATE, quick=True)
    p = setup.quadratic(s["dim"], seed=0)            # eigenvalues log-spaced in [μ, L] = [0.1, 10]
    x0 = setup.starts(0, s["runs"], p.dim)           # N(0, I) starts

A figure built from here shows the claim's instance, starts and fit, not a copy of them.

Worst cases (shared by every paper's worst-case claims and ``worst_case.py`` figures): a bound is
searched over a family of its class with :func:`samlab.adversary.search` (:class:`SearchCase`,
:func:`run_searches`), compared with a performance estimation (:func:`pep_ratios`) and with random
members (:func:`sample_median`); the worst instance is saved as data (:func:`save_worst_instance`).
``GD_WORST_CASE`` and :func:`gd_rate_bound` are the textbook GD rate's.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .. import adversary, algorithms, pep, problems
from ..analysis import LinearRateFit, contraction_fit
from ..result import atomic_write_bytes
from ..seeding import rng

__all__ = ["SPECTRUM", "GD_LINEAR_RATE", "USAM_EXACT", "SAM_CYCLE", "GD_FIT_WINDOW", "GD_WORST_CASE", "settings",
           "quadratic", "starts", "gd_fits", "gd_rate_bound", "gd_worst_case_cases", "SearchCase", "run_searches",
           "sample_median", "pep_ratios", "save_worst_instance", "instance_name", "FLOAT_TOLERANCE",
           "worst_case_curve", "gd_figure_cases", "GD_WORST_CASE_FIGURE"]

SPECTRUM = (0.1, 10.0)
"""[μ, L]: the eigenvalues of the quadratic are log-spaced in this range (condition number 100)."""

GD_LINEAR_RATE = {"quick": {"dim": 20, "runs": 8, "steps": 2000},
                  "full": {"dim": 100, "runs": 64, "steps": 8000}}
"""Settings of ``general/gd-linear-rate`` and of experiments/general/gd_linear_rate.py."""

USAM_EXACT = {"quick": {"dim": 20, "runs": 8, "steps": 6000, "rho": 0.05},
              "full": {"dim": 100, "runs": 64, "steps": 20000, "rho": 0.05}}
"""Settings of ``general/usam-exact-convergence`` and of experiments/general/usam_vs_sam.py."""

SAM_CYCLE = {"quick": {"dim": 20, "runs": 8, "steps": 6000, "lr": 0.05, "rho": [0.01, 0.1]},
             "full": {"dim": 100, "runs": 32, "steps": 40000, "lr": 0.05, "rho": [0.005, 0.01, 0.05, 0.1]}}
"""Settings of ``general/sam-period-two-cycle`` and of experiments/general/sam_cycle.py."""

GD_WORST_CASE = {"quick": {"budget": 240, "steps": 20, "dim": 3, "pep_steps": [1, 3], "samples": 40, "save": False},
                 "full": {"budget": 4000, "steps": 80, "dim": 4, "pep_steps": [1, 2, 4, 6, 8, 10], "samples": 400,
                          "save": True}}
"""Settings of ``general/gd-linear-rate-worst-case``: the search budget (instances evaluated, shared by
the searches), the horizon N, the dimension of the families, the steps of the PEPs, the random members
whose median is reported, and whether the worst instance is saved under figures/general/data/."""

FLOAT_TOLERANCE = 1e-9
"""Relative tolerance of a deterministic worst-case check: measured ≤ bound·(1 + 1e-9). A run of at most
a few hundred float64 steps on a family member computes f, ‖∇f‖ and distances to about 1e-13 relative
(rounding of ~1e-16 per operation, grown by at most the steps' count and a condition number ≤ 100), and
the bounds are closed forms evaluated to 1e-15; 1e-9 is four decades above that, and still rejects any
excess a real counterexample would show (the controls' exceed their bound by factors ≥ 2)."""

GD_FIT_WINDOW = (1e-25, 1e-2)
"""Relative gaps (f − f*)/(f₀ − f*) over which GD's contraction factor is fitted: below 1e-2 the start's
fast modes are gone, above 1e-25 the gap is far from float64 rounding of f."""


def settings(table: dict, quick: bool) -> dict:
    """A copy of ``table["quick"]`` or ``table["full"]``."""
    return dict(table["quick" if quick else "full"])


def quadratic(dim: int, seed: int) -> problems.Quadratic:
    """f(x) = ½xᵀHx, H = Q diag(λ)Qᵀ with λ log-spaced in SPECTRUM and Q Haar, drawn from rng(seed, "rotation").

    A rotated Hessian: on an axis-aligned one the high-curvature coordinates can underflow to exactly 0
    and hide SAM's top-eigenvector cycle.
    """
    eig = np.geomspace(*SPECTRUM, int(dim))
    q = problems.random_rotation(eig.size, rng(seed, "rotation"))
    return problems.Quadratic((q * eig) @ q.T)


def starts(seed: int, runs: int, dim: int) -> np.ndarray:
    """(runs, dim) N(0, I) starts from rng(seed, "x0") (a prefix of rows is the same for fewer runs)."""
    return rng(seed, "x0").standard_normal((int(runs), int(dim)))


def gd_fits(t: np.ndarray, f_gap: np.ndarray) -> list[LinearRateFit]:
    """Per run b, the contraction fit of f_gap[:, b] over the records whose relative gap lies in GD_FIT_WINDOW.

    The claim judges the slowest run's factor; the figure draws that same fit.
    """
    lo, hi = GD_FIT_WINDOW
    fits = []
    for b in range(f_gap.shape[1]):
        rel = f_gap[:, b] / f_gap[0, b]
        mask = (rel <= hi) & (rel >= lo)
        fits.append(contraction_fit(t[mask], f_gap[mask, b]))
    return fits


# ----------------------------------------------------------------------------- worst cases

def gd_rate_bound(t, lr, mu: float, L: float):
    """max(|1 − γμ|, |1 − γL|)^{2t}: GD's worst-case contraction of f − f* (and of ‖x − x*‖²) after t steps
    on L-smooth μ-strongly convex f with 0 < γ < 2/L, attained by quadratics (Taylor, Hendrickx & Glineur
    2018, exact worst-case rates of gradient descent [paper]; the PEP of samlab.pep is exact for GD).
    γ → ``lr`` (broadcasts with ``t``).
    """
    lr = np.asarray(lr, dtype=float)
    q = np.maximum(np.abs(1.0 - lr * mu), np.abs(1.0 - lr * L))
    return q ** (2.0 * np.asarray(t, dtype=float))


@dataclass(frozen=True)
class SearchCase:
    """One adversarial search: a family of the theorem's class, the method as a factory of the searched
    hyperparameters (``hypers``: name → (low, high)), the bound as a callable bound(t, **hypers), the metric
    (as in :func:`samlab.adversary.search`), for stochastic bounds an additive ``noise`` law, and ``at``:
    "all" (the largest ratio over every t ≤ steps) or "final" (at t = steps only: a search aimed at the
    late regime, where an early, trivially tight t would otherwise win)."""

    label: str
    family: Any
    factory: Callable[..., Any]
    bound: Callable[..., Any]
    hypers: dict = field(default_factory=dict)
    metric: str = "f_gap"
    noise: Any = None
    at: str = "all"

    @property
    def stochastic(self) -> bool:
        return self.noise is not None or bool(getattr(self.family, "stochastic", False))

    def population(self) -> int:
        """The population size :func:`samlab.adversary.search` uses for this case (its default rule)."""
        n_par = len(self.family.box) + len(self.hypers)
        pop = min(max(5 * n_par, 20), 100)
        return math.ceil(pop / n_par) * n_par


def run_searches(cases, *, steps: int, budget: int, seed: int, replicas: int = 16,
                 final_replicas: int = 400, confidence: float = 0.999, progress=None) -> list:
    """One :func:`samlab.adversary.search` per case (at the case's ``at``), the budget (instances
    evaluated) split equally.

    A case gets at least two populations (the initial one and one generation). ``progress``, if given,
    is called as progress(searches done, best ratio so far) after each search. Returns the Search objects.
    """
    cases = list(cases)
    per = int(budget) // len(cases)
    out = []
    for i, case in enumerate(cases):
        found = adversary.search(case.factory, case.family, steps=int(steps), bound=case.bound, metric=case.metric,
                                 at=case.at, budget=max(per, 2 * case.population()), seed=int(seed),
                                 hypers=case.hypers or None, noise=case.noise, replicas=replicas,
                                 final_replicas=final_replicas, confidence=confidence)
        out.append(found)
        if progress is not None:
            progress(i + 1, max(x.worst_ratio for x in out))
    return out


def sample_median(case: SearchCase, *, steps: int, n: int, seed: int, replicas: int = 16) -> float:
    """Median measured/bound over ``n`` members (and hyperparameters) drawn uniformly in the case's box."""
    r = adversary.sample_ratios(case.factory, case.family, steps=int(steps), bound=case.bound, metric=case.metric,
                                at=case.at, n=int(n), seed=int(seed), hypers=case.hypers or None, noise=case.noise,
                                replicas=replicas)
    return float(np.median(r))


def pep_ratios(algorithm, bound_at: Callable[[int], float], *, L: float, mu: float, steps, metric: str,
               initial: str = "f_gap", function_class=None) -> dict:
    """The PEP worst case of ``algorithm`` (constant hyperparameters) after each N in ``steps`` against
    the bound at N (``bound_at(N)``), with initial condition ``initial`` ≤ 1.

    Returns {"rows": [{"N", "pep", "bound", "ratio"}], "ratio": the largest pep/bound, "exact": bool,
    "relaxation": text ("" when exact)}.
    """
    rows, exact, relaxation = [], True, ""
    for N in steps:
        w = pep.worst_case(algorithm, L=L, mu=mu, steps=int(N), metric=metric, initial=initial,
                           function_class=function_class)
        b = float(bound_at(int(N)))
        rows.append({"N": int(N), "pep": w.value, "bound": b, "ratio": w.value / b})
        exact, relaxation = exact and w.exact, w.relaxation or relaxation
    return {"rows": rows, "ratio": max(r["ratio"] for r in rows), "exact": exact, "relaxation": relaxation}


def instance_name(slug: str, budget: int, default_budget: int) -> str:
    """File name of a worst instance: ``<slug>_worst.npz``, or ``<slug>_worst_budget<N>.npz`` for a search
    deeper (or shallower) than the claim's full-mode default, so that ``samlab worst-case --budget N`` does
    not overwrite the committed instance."""
    stem = slug.replace("-", "_") + "_worst"
    return f"{stem}.npz" if int(budget) == int(default_budget) else f"{stem}_budget{int(budget)}.npz"


def save_worst_instance(path, found, *, claim: str, case: str) -> Path:
    """Save the instance a search returned (``found``: a :class:`samlab.adversary.Search`) as one npz file.

    Arrays: ``x0``, ``params`` (the member's parameters in the family's box: ``family.instance(params)``
    rebuilds it), ``t``, ``worst_ratio``, ``measured``, ``bound``, the problem's defining arrays (``H`` of
    a quadratic, ``delta`` of a Huber sum, ``omega`` of a cosine sum), and ``meta``: JSON with the claim,
    the case, the family's description, the algorithm, the hyperparameters, metric, steps, seed, budget and,
    for stochastic searches, the Monte Carlo CI. Written atomically.
    """
    arrays = {"x0": np.asarray(found.x0, float), "params": np.asarray(found.params, float),
              "t": np.asarray(found.t), "worst_ratio": np.asarray(found.worst_ratio, float),
              "measured": np.asarray(found.measured, float), "bound": np.asarray(found.bound_value, float)}
    for name in ("H", "delta", "omega", "A", "b"):
        value = getattr(found.problem, name, None)
        if isinstance(value, np.ndarray):
            arrays[name] = np.asarray(value, float)
    meta = {"claim": claim, "case": case, **found.describe()}
    meta.pop("history", None)
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True, default=_json_value))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path = Path(path)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _json_value(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return repr(value)


def gd_worst_case_cases(dim: int, *, bound_mu_scale: float = 1.0) -> list[SearchCase]:
    """The searches of ``general/gd-linear-rate-worst-case``: GD with γL ∈ [0.01, 1.99] (hyperparameter
    ``lr_L``) on the quadratics and the (non-quadratic) Huber sums of the class L-smooth μ-strongly convex,
    (μ, L) = SPECTRUM, from f(x_0) − f* = 1; metric f(x_t) − f*, bound :func:`gd_rate_bound` (with μ
    multiplied by ``bound_mu_scale`` in the bound only: the claim's control, a wrong constant)."""
    mu, L = SPECTRUM

    def factory(lr_L):
        return algorithms.gd(np.asarray(lr_L, dtype=float) / L if np.ndim(lr_L) else float(lr_L) / L)

    def bound(t, lr_L):
        return gd_rate_bound(t, np.asarray(lr_L, dtype=float) / L, bound_mu_scale * mu, L)

    bound.__name__ = "gd_rate_bound" if bound_mu_scale == 1.0 else f"gd_rate_bound_mu_times_{bound_mu_scale:g}"
    hypers = {"lr_L": (0.01, 1.99)}
    return [SearchCase(f"quadratics d={dim}", adversary.Quadratics(dim, L, mu, start="f_gap"), factory, bound, hypers),
            SearchCase("Huber sums d=1", adversary.Huber(1, L, mu, start="f_gap"), factory, bound, hypers),
            SearchCase(f"Huber sums d={dim}", adversary.Huber(dim, L, mu, start="f_gap"), factory, bound, hypers)]


GD_WORST_CASE_FIGURE = {"quick": {"T": [1, 3, 10, 30], "budget": 60, "samples": 20, "pep_steps": [1, 3]},
                        "full": {"T": [1, 3, 10, 30, 100, 300], "budget": 400, "samples": 200,
                                 "pep_steps": [1, 2, 4, 6, 8, 10]}}
"""Settings of experiments/general/worst_case.py: horizons, search budget per horizon, random members, PEP's N."""


def gd_figure_cases(dim: int = 3, lr_L: float = 1.0) -> tuple[list[SearchCase], Any, Callable]:
    """GD with γ = lr_L/L on the quadratics and Huber sums of the class (SPECTRUM), searched at t = T:
    (cases, algorithm, bound(t))."""
    mu, L = SPECTRUM
    alg = algorithms.gd(lr_L / L)

    def bound(t):
        return gd_rate_bound(t, lr_L / L, mu, L)

    return ([SearchCase(f"quadratics d={dim}", adversary.Quadratics(dim, L, mu, start="f_gap"), alg, bound, {},
                        "f_gap", None, "final"),
             SearchCase(f"Huber sums d={dim}", adversary.Huber(dim, L, mu, start="f_gap"), alg, bound, {},
                        "f_gap", None, "final")], alg, bound)


def worst_case_curve(cases, bound, algorithm, *, T, budget: int, samples: int, seed: int = 0, pep_steps=(),
                     L: float, mu: float = 0.0, metric: str = "f_gap", function_class=None, replicas: int = 16,
                     final_replicas: int = 400) -> dict:
    """What worst_case.py draws for one bound at fixed hyperparameters, for each horizon T in ``T``: the bound,
    the adversarial worst (largest measured value over the cases' searches at t = T, ``budget`` instances
    per T), the median over ``samples`` random members, and the PEP worst case at N in ``pep_steps``
    (empty: no PEP). Returns arrays {"T", "bound", "worst", "worst_ci", "median", "pep_N", "pep", "pep_exact",
    "relaxation"} (measured values, not ratios)."""
    T = np.asarray(T, dtype=int)
    out = {"T": T, "bound": np.asarray([float(np.asarray(bound(np.array([t]))).reshape(-1)[0]) for t in T]),
           "worst": [], "worst_ci": [], "median": []}
    for t in T:
        found = run_searches(cases, steps=int(t), budget=budget, seed=seed, replicas=replicas,
                             final_replicas=final_replicas)
        i = int(np.argmax([f.worst_ratio for f in found]))
        out["worst"].append(found[i].measured)
        ci = found[i].ci
        out["worst_ci"].append([c * found[i].bound_value for c in ci] if ci is not None else [np.nan, np.nan])
        meds = [sample_median(c, steps=int(t), n=samples, seed=seed, replicas=replicas) for c in cases]
        out["median"].append(float(np.max(meds)) * float(np.asarray(bound(np.array([t]))).reshape(-1)[0]))
    out = {k: np.asarray(v) for k, v in out.items()}
    if len(pep_steps):
        pep_out = pep_ratios(algorithm, lambda N: float(np.asarray(bound(np.array([N]))).reshape(-1)[0]), L=L, mu=mu,
                             steps=pep_steps, metric=metric, initial="f_gap", function_class=function_class)
        out.update({"pep_N": np.asarray([r["N"] for r in pep_out["rows"]]),
                    "pep": np.asarray([r["pep"] for r in pep_out["rows"]]), "pep_exact": pep_out["exact"],
                    "relaxation": pep_out["relaxation"]})
    else:
        out.update({"pep_N": np.zeros(0, int), "pep": np.zeros(0), "pep_exact": None, "relaxation": ""})
    return out
