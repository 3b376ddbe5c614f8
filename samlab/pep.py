r"""Performance estimation (PEP): the worst case of a SAM-family method over a whole function class.

``worst_case(algorithm, L=…, mu=…, steps=N, metric=…, initial=…)`` writes N steps of the method
as a performance estimation problem with PEPit (Drori & Teboulle 2014; Taylor, Hendrickx & Glineur
2017) and solves the SDP with cvxpy. The value is the largest ``metric`` that any function of the
class and any start satisfying ``initial`` can produce: a bound that no instance run with
``samlab.run`` can exceed.

One step k = 1 … N (1-based, as in :mod:`samlab.algorithms`), γ → ``lr``, β → ``momentum``:

    g_k = ∇f(x_{k−1}),   y_k = x_{k−1} + δ_k,   v_k = β_k v_{k−1} + ∇f(y_k)  (v_0 = 0)
    heavy ball:  x_k = x_{k−1} − γ_k v_k
    Nesterov:    x_k = x_{k−1} − γ_k (∇f(y_k) + β_k v_k)

Both ∇f(x_{k−1}) and ∇f(y_k) are oracle calls of the same function, so every method whose δ_k is
linear in past gradients has an **exact** PEP (the interpolation conditions of the class are
necessary and sufficient): gd (δ = 0), usam (δ = ρ g), unified_sam with λ = 0, with heavy-ball or
Nesterov momentum and any known per-step γ_k, ρ_k, β_k.

Normalized methods are not linear in the oracle; their PEP is a **sound relaxation** (its set of
trajectories contains every real one, so its value is an upper bound):

* ``"ball"`` (default). δ_k is a free vector with ‖δ_k − ρ_k(1 − λ_k) g_k‖² ≤ ρ_k²λ_k² and
  ⟨δ_k − ρ_k(1 − λ_k) g_k, g_k⟩ ≥ 0, both linear in the Gram matrix. With λ = 1 (sam) this is the
  ascent point y_k anywhere in the ball of radius ρ_k around x_{k−1}, in the half-space of ascent
  directions. For vasso, fsam: ‖δ_k‖² ≤ ρ_k² and ⟨δ_k, d_k⟩ ≥ 0 with their direction d_k (a linear
  combination of past gradients, tracked exactly); rsam: ‖δ_k‖² ≤ ρ_k² only (its direction is a
  gradient at a random point). The ball, not the sphere ‖δ_k‖ = ρ_k, so that a zero direction
  (δ = 0) and ε > 0 (‖δ‖ < ρ) stay inside; on the tests' instances the two give the same value.
* ``"inexact_gradient"``: x_k = x_{k−1} − γ_k(∇f(x_{k−1}) + e_k) with ‖e_k‖ ≤ Lρ_k for the
  normalized methods and ‖e_k‖ ≤ Lρ_k‖∇f(x_{k−1})‖ for usam (Khanh et al. 2024, SAM and USAM as
  inexact gradient descent with absolute / relative error [paper]). Looser than the ball: it
  forgets that ∇f(y_k) is a gradient of f.

Classes (``function_class``; None picks the first or second from μ):
``"smooth_strongly_convex"`` (μ > 0), ``"smooth_convex"`` (μ = 0) — exact interpolation;
``"smooth"`` (L-smooth, nonconvex, inf f = f*): smooth interpolation plus f(x_i) − f* ≥
‖∇f(x_i)‖²/(2L) at every evaluated point (the descent lemma from x_i), necessary but not known to
be sufficient: an upper bound, reported as a relaxation of the class; ``"smooth_pl"``
(L-smooth, μ-PL: ½‖∇f‖² ≥ μ(f − f*)): PEPit's necessary conditions (Rubbens, Hendrickx & Taylor
2025, Prop. 3.4), an upper bound as well.

Metrics: ``"distance"`` ‖x_N − x*‖², ``"f_gap"`` f(x_N) − f*, ``"grad_norm"`` min_{0≤k≤N}
‖∇f(x_k)‖², ``"grad_norm_avg"`` (1/N)Σ_{k<N}‖∇f(x_k)‖² (the average of Si & Yun's convex and
nonconvex bounds). Initial conditions: ``"distance"`` ‖x_0 − x*‖² ≤ R, ``"f_gap"`` f(x_0) − f* ≤ R,
R → ``initial_value`` (1 by default).

Solver: Clarabel (interior point, through cvxpy, no licence), one thread (deterministic) and
accurate to about 1e-7 relative (:data:`SOLVER_ATTEMPTS`); SCS (first order) stops at 1e-4 and is
not used. A status other than "optimal", or a primal–dual gap above :data:`GAP_TOLERANCE`, raises
:class:`PEPSolverError`: no number is returned from an inaccurate, infeasible or unbounded SDP.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .checks import integer, real

__all__ = ["worst_case", "solve", "WorstCase", "PEPSolverError", "max_steps", "METRICS", "INITIALS", "FUNCTION_CLASSES",
           "RELAXATIONS", "EXACT_METHODS", "MAX_STEPS", "MAX_STEPS_GD", "SOLVER", "SOLVER_ATTEMPTS", "GAP_TOLERANCE"]

METRICS = {
    "distance": "‖x_N − x*‖²",
    "f_gap": "f(x_N) − f*",
    "grad_norm": "min_{0≤k≤N} ‖∇f(x_k)‖²",
    "grad_norm_avg": "(1/N) Σ_{k<N} ‖∇f(x_k)‖²",
}
INITIALS = {"distance": "‖x_0 − x*‖² ≤ R", "f_gap": "f(x_0) − f* ≤ R"}
FUNCTION_CLASSES = {
    "smooth_strongly_convex": "L-smooth μ-strongly convex",
    "smooth_convex": "L-smooth convex",
    "smooth": "L-smooth (nonconvex), inf f = f*",
    "smooth_pl": "L-smooth μ-PL (½‖∇f‖² ≥ μ(f − f*))",
}
RELAXATIONS = ("ball", "inexact_gradient")
EXACT_METHODS = "gd, usam, unified_sam with lam = 0, with heavy-ball or Nesterov momentum"

MAX_STEPS = 10
"""Largest N for methods with a perturbation (two oracle calls per step; ~3N Gram rows, ~(2N)²
interpolation constraints). Measured on this project's 2-core machine under a load of 4–5, Clarabel
on one thread, f_gap of sam / heavy-ball sam: N = 5: 0.3–0.4 s; N = 8: 1.1 s; N = 10: 2.8–3.3 s;
N = 12: 5.8–7.0 s; N = 14: 7–10 s. 10 is the largest N that stays under 5 s."""

MAX_STEPS_GD = 25
"""Largest N for gd (one oracle call per step, ~N Gram rows): N = 10: 0.4 s, N = 16: 1.0 s,
N = 20: 1.5 s, N = 25: 3.2 s under the same load."""

SOLVER = "CLARABEL"
SOLVER_ATTEMPTS = (
    {"max_threads": 1, "tol_feas": 1e-7},
    {"max_threads": 1, "tol_feas": 1e-7, "static_regularization_constant": 1e-7},
    {"max_threads": 1, "tol_feas": 1e-7, "tol_gap_abs": 1e-7, "tol_gap_rel": 1e-7},
)
"""Clarabel settings tried in this order until one reports "optimal" (else PEPSolverError).

One thread: the same inputs give the same bits (a multi-threaded factorization changes the last
digits with the thread count). Feasibility 1e-7 instead of Clarabel's 1e-8: on usam's PEPs it stalls
at residuals of 1.04e-8 and reports "almost solved"; at 1e-7 it is optimal, within 3e-7 (relative)
of the 1e-8 solutions where both converge. Degenerate PEPs (the inexact-gradient relaxation, whose
worst case can keep x_k = x_0 on a face of the feasible set) need a larger static regularization or
gap tolerances of 1e-7. Every setting keeps the value accurate to about 1e-7."""

GAP_TOLERANCE = (1e-6, 1e-9)
"""(relative, absolute): the largest accepted |dual − primal| is 1e-6·|primal| + 1e-9. Clarabel stops
at feasibility 1e-7 and gaps 1e-8 (1e-7 in its last attempt), which leave PEPit's reconstructed dual
certificate within about 1e-7 of the primal value (measured: 1e-9 to 4e-8 on values 0.02–3); a factor
10 of margin, while a solver that stopped early (gaps of 1e-4 and more) is refused."""


class PEPSolverError(RuntimeError):
    """The SDP solver did not return an optimal, accurate solution (the value would be meaningless)."""


@dataclass(frozen=True)
class WorstCase:
    """The worst case of ``metric`` after ``steps`` steps over ``function_class`` and ``initial``.

    ``value``: PEPit's dual certificate (an upper bound on the metric; equal to the worst case when
    ``exact``); ``primal_value``: the value of the worst instance the solver found (a lower bound of
    the PEP, within ``GAP_TOLERANCE`` of ``value``). ``relaxation``: "" when exact, else the text of
    every relaxation used (method and class). ``status``: the solver's status ("optimal").
    """

    value: float
    exact: bool
    relaxation: str
    status: str
    solver: str
    primal_value: float
    algorithm: str
    metric: str
    initial: str
    initial_value: float
    function_class: str
    L: float
    mu: float
    steps: int
    seconds: float

    @property
    def metric_text(self) -> str:
        return METRICS[self.metric]

    @property
    def initial_text(self) -> str:
        return INITIALS[self.initial].replace("R", f"{self.initial_value:g}")

    @property
    def class_text(self) -> str:
        return f"{FUNCTION_CLASSES[self.function_class]} (L = {self.L:g}, μ = {self.mu:g})"

    def describe(self) -> dict[str, Any]:
        """JSON-friendly summary (``seconds`` is a timing and differs between runs)."""
        return {**asdict(self), "metric_text": self.metric_text, "initial_text": self.initial_text,
                "class_text": self.class_text}

    def __str__(self) -> str:
        kind = "exact" if self.exact else f"relaxation: {self.relaxation}"
        return (f"{self.algorithm}, N = {self.steps}: {self.metric_text} ≤ {self.value:.6g} "
                f"given {self.initial_text}, {self.class_text} [{kind}]")


# ----------------------------------------------------------------------------- reading the algorithm

@dataclass
class _Step:
    """What the PEP needs of step k: step size, momentum, and the perturbation as data."""

    lr: float
    beta: float
    kind: str  # "none", "linear" (δ = c g), "normalized" (unified/sam/vasso/fsam/rsam)
    rho: float = 0.0
    lam: float = 1.0  # unified SAM's λ (1 for the purely normalized methods)
    theta: float = 1.0  # vasso
    sigma: float = 0.0  # fsam
    beta_m: float = 0.0  # fsam's moving-average coefficient


@dataclass
class _Method:
    name: str
    descent: str
    steps: list[_Step]
    direction: str  # "gradient", "vasso", "fsam", "none" (rsam): what the normalized δ aligns with
    text: str

    @property
    def linear(self) -> bool:
        return all(s.kind != "normalized" for s in self.steps)


def _per_step(hyper, steps: int, name: str) -> np.ndarray:
    """(steps,) values of a Hyper: a float, a schedule at k = 1 … steps, or an array of length steps."""
    kind = hyper.kind
    if kind == "float":
        return np.full(steps, float(hyper.value))
    if kind == "array":
        arr = np.asarray(hyper.value, dtype=float).reshape(-1)
        if arr.size != steps:
            raise ValueError(f"{name}: an array hyperparameter is read as one value per step and needs "
                             f"length steps = {steps}, got {arr.size}; per-run arrays are not meaningful "
                             "for a worst case (compute one worst case per value)")
        return arr.copy()
    if kind == "schedule":
        out = np.empty(steps)
        for k in range(1, steps + 1):
            v = np.asarray(hyper.value(k), dtype=float)
            if v.size != 1:
                raise ValueError(f"{name}: the schedule returns {v.size} values at step {k}; a worst case "
                                 "needs one value per step (per-run schedules are not meaningful here)")
            out[k - 1] = float(v.reshape(-1)[0])
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{name}: the schedule is not finite for some k in 1 … {steps}")
        return out
    raise ValueError(f"{name}: unknown hyperparameter kind {kind!r}")


_NORMALIZED = ("sam", "unified_sam", "vasso", "fsam", "rsam")


def _builtin(rule, module: str) -> bool:
    """True when ``rule`` is one of samlab's own rules (a user's rule of the same name is not)."""
    return getattr(rule.step, "__module__", None) == f"samlab.algorithms.{module}"


def _read(algorithm, steps: int) -> _Method:
    """The algorithm's steps as data, read through the public perturbation/descent interface."""
    from .algorithms import Algorithm

    if not isinstance(algorithm, Algorithm):
        raise ValueError(f"algorithm must be a samlab algorithm, got {type(algorithm).__name__}")
    descent = algorithm.descent
    if descent.name not in ("heavy_ball", "nesterov") or not _builtin(descent, "descents"):
        raise ValueError(f"algorithm: descent rule {descent.name!r} has no PEP formulation "
                         "(supported: samlab's heavy_ball and nesterov)")
    lr = _per_step(algorithm.lr, steps, "lr")
    beta = _per_step(descent.hypers["momentum"], steps, "momentum")
    pert = algorithm.perturbation
    text = repr(algorithm)
    if pert is None:
        return _Method(algorithm.name, descent.name,
                       [_Step(lr[k], beta[k], "none") for k in range(steps)], "none", text)
    name = pert.name
    if name not in ("usam",) + _NORMALIZED or not _builtin(pert, "perturbations"):
        raise ValueError(f"algorithm: perturbation {name!r} has no PEP formulation (supported: samlab's gd, "
                         "usam, sam, unified_sam, vasso, fsam, rsam)")
    h = pert.hypers
    rho = _per_step(h["rho"], steps, "rho")
    out: list[_Step] = []
    direction = {"vasso": "vasso", "fsam": "fsam", "rsam": "none"}.get(name, "gradient")
    lam = _per_step(h["lam"], steps, "lam") if name == "unified_sam" else np.ones(steps)
    theta = _per_step(h["theta"], steps, "theta") if name == "vasso" else np.ones(steps)
    sigma = _per_step(h["sigma"], steps, "sigma") if name in ("fsam", "rsam") else np.zeros(steps)
    beta_m = _per_step(h["beta"], steps, "beta") if name == "fsam" else np.zeros(steps)
    for k in range(steps):
        if rho[k] == 0.0:
            kind = "none"  # δ = 0 exactly (every rule scales by ρ)
        elif name == "usam" or (name == "unified_sam" and lam[k] == 0.0):
            kind = "linear"
        else:
            kind = "normalized"
        out.append(_Step(lr[k], beta[k], kind, rho[k], lam[k], theta[k], sigma[k], beta_m[k]))
    return _Method(algorithm.name, descent.name, out, direction, text)


# ----------------------------------------------------------------------------- the PEP

def max_steps(algorithm) -> int:
    """The largest ``steps`` :func:`worst_case` accepts for ``algorithm`` (MAX_STEPS_GD or MAX_STEPS)."""
    from .algorithms import Algorithm

    if not isinstance(algorithm, Algorithm):
        raise ValueError(f"algorithm must be a samlab algorithm, got {type(algorithm).__name__}")
    return MAX_STEPS_GD if algorithm.perturbation is None else MAX_STEPS


def _check_inputs(L, mu, steps, metric, initial, initial_value, function_class, exact, relaxation):
    L, mu, initial_value = real(L, "L"), real(mu, "mu"), real(initial_value, "initial_value")
    if L <= 0:
        raise ValueError(f"L must be > 0, got {L!r}")
    if mu < 0:
        raise ValueError(f"mu must be >= 0, got {mu!r}")
    if mu >= L:
        raise ValueError(f"mu must be < L, got mu={mu!r}, L={L!r}")
    if initial_value <= 0:
        raise ValueError(f"initial_value must be > 0, got {initial_value!r}")
    steps = integer(steps, "steps", minimum=1)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got {metric!r}")
    if initial not in INITIALS:
        raise ValueError(f"initial must be one of {sorted(INITIALS)}, got {initial!r}")
    if function_class is None:
        function_class = "smooth_strongly_convex" if mu > 0 else "smooth_convex"
    if function_class not in FUNCTION_CLASSES:
        raise ValueError(f"function_class must be None or one of {sorted(FUNCTION_CLASSES)}, "
                         f"got {function_class!r}")
    if function_class in ("smooth_strongly_convex", "smooth_pl") and mu == 0:
        raise ValueError(f"function_class={function_class!r} needs mu > 0")
    if function_class in ("smooth_convex", "smooth") and mu != 0:
        raise ValueError(f"function_class={function_class!r} needs mu = 0, got mu={mu!r}")
    if exact not in (None, True, False):
        raise ValueError(f"exact must be None, True or False, got {exact!r}")
    if relaxation is not None and relaxation not in RELAXATIONS:
        raise ValueError(f"relaxation must be None or one of {RELAXATIONS}, got {relaxation!r}")
    return L, mu, steps, initial_value, function_class


def worst_case(algorithm, *, L, mu=0.0, steps, metric="distance", initial="distance",
               function_class=None, exact=None, initial_value=1.0, relaxation=None) -> WorstCase:
    """Worst case of ``metric`` after ``steps`` steps of ``algorithm`` over a function class.

    ``algorithm``: a samlab algorithm with constant hyperparameters, schedules (evaluated at
    k = 1 … steps) or arrays of length ``steps`` (one value per step). L → ``L``, μ → ``mu``,
    R → ``initial_value``. ``exact``: True demands an exact formulation (ValueError for the
    normalized methods and for the relaxed classes "smooth", "smooth_pl"), False a relaxation
    (``relaxation``: "ball" or "inexact_gradient", see the module docstring; gd has nothing to
    relax and stays exact), None the best available. Raises :class:`PEPSolverError` when the
    solver's answer is not optimal and accurate.
    """
    L, mu, steps, R, cls = _check_inputs(L, mu, steps, metric, initial, initial_value, function_class,
                                         exact, relaxation)
    limit = max_steps(algorithm)
    if steps > limit:
        which = "gd" if limit == MAX_STEPS_GD else "methods with a perturbation"
        raise ValueError(f"steps = {steps} exceeds the SDP limit of {limit} steps for {which} "
                         f"(MAX_STEPS = {MAX_STEPS}, MAX_STEPS_GD = {MAX_STEPS_GD}: one PEP stays under 5 s)")
    method = _read(algorithm, steps)
    class_relaxed = cls in ("smooth", "smooth_pl")
    if exact is True:
        if not method.linear:
            raise ValueError(f"{method.name} cannot be represented exactly: its perturbation is normalized "
                             f"(not linear in the gradient oracle). Exact formulations exist for {EXACT_METHODS}; "
                             "use exact=None or exact=False for a sound relaxation")
        if class_relaxed:
            raise ValueError(f"function_class={cls!r} has no exact formulation (its interpolation "
                             "conditions are necessary only); exact ones: smooth_convex, smooth_strongly_convex")
    if relaxation is None:
        relaxation = "inexact_gradient" if (exact is False and method.linear) else "ball"
    if relaxation == "inexact_gradient" and method.name == "unified_sam" and any(
            s.kind == "normalized" and 0.0 < s.lam < 1.0 for s in method.steps):
        raise ValueError("relaxation='inexact_gradient' covers sam, vasso, fsam, rsam (‖e‖ ≤ Lρ) and usam "
                         "(‖e‖ ≤ Lρ‖∇f‖), not unified_sam with 0 < lam < 1; use relaxation='ball'")
    use_inexact = relaxation == "inexact_gradient" and (exact is False or not method.linear)
    started = time.perf_counter()
    dual, primal, status, solver, notes = _solve(method, L, mu, metric, initial, R, cls, use_inexact)
    seconds = time.perf_counter() - started
    if class_relaxed:
        notes.append(_CLASS_NOTES[cls])
    return WorstCase(value=dual, exact=not notes, relaxation="; ".join(notes), status=status, solver=solver,
                     primal_value=primal, algorithm=method.text, metric=metric, initial=initial,
                     initial_value=R, function_class=cls, L=L, mu=mu, steps=steps, seconds=seconds)


_CLASS_NOTES = {
    "smooth": "class: L-smooth interpolation plus f(x_i) − f* ≥ ‖∇f(x_i)‖²/(2L) at every evaluated point "
              "(necessary conditions for inf f = f*, not known to be sufficient)",
    "smooth_pl": "class: PEPit's necessary conditions for L-smooth μ-PL functions "
                 "(Rubbens, Hendrickx & Taylor 2025, Prop. 3.4; not sufficient)",
}

_BALL_NOTES = {
    "gradient": "ascent point: δ_k = y_k − x_{k−1} free with ‖δ_k − ρ(1−λ)g_k‖² ≤ ρ²λ² and "
                "⟨δ_k − ρ(1−λ)g_k, g_k⟩ ≥ 0 (λ = 1 for sam; the ball around the USAM point), g_k = ∇f(x_{k−1})",
    "vasso": "ascent point: δ_k free with ‖δ_k‖² ≤ ρ² and ⟨δ_k, d_k⟩ ≥ 0, d_k = (1−θ)d_{k−1} + θ g_k (exact)",
    "fsam": "ascent point: δ_k free with ‖δ_k‖² ≤ ρ² and ⟨δ_k, g_k − σ m_k⟩ ≥ 0, m_k = β m_{k−1} + (1−β)g_k (exact)",
    "none": "ascent point: δ_k free with ‖δ_k‖² ≤ ρ² (rsam's direction is a gradient at a random point)",
}


def _function(cls, L, mu):
    from PEPit.functions import (SmoothConvexFunction, SmoothFunction, SmoothQuadraticLojasiewiczFunctionExpensive,
                                 SmoothStronglyConvexFunction)

    if cls == "smooth_strongly_convex":
        return SmoothStronglyConvexFunction, {"L": L, "mu": mu}
    if cls == "smooth_convex":
        return SmoothConvexFunction, {"L": L}
    if cls == "smooth":
        return SmoothFunction, {"L": L}
    return SmoothQuadraticLojasiewiczFunctionExpensive, {"L": L, "mu": mu}


def _solve(method: _Method, L, mu, metric, initial, R, cls, inexact):
    from PEPit import PEP, Expression, Point

    problem = PEP()
    fclass, kwargs = _function(cls, L, mu)
    func = problem.declare_function(fclass, **kwargs)
    needs_point = not (cls == "smooth" and initial == "f_gap" and metric != "distance")
    if needs_point:
        xs = func.stationary_point()
        fs = func(xs)
    else:  # nonconvex, no distance: only the value f* = inf f enters
        xs, fs = None, Expression()
    x0 = problem.set_initial_point()
    notes: list[str] = []
    x = x0
    v = None  # momentum buffer
    d_prev = None  # vasso's direction
    m_prev = None  # fsam's moving average
    grads = []  # ∇f(x_0) … ∇f(x_{N−1})
    used_ball = used_inexact = False
    for s in method.steps:
        g, fx = func.oracle(x)
        grads.append(g)
        if method.direction == "vasso":
            d_prev = g if d_prev is None else (1.0 - s.theta) * d_prev + s.theta * g
        elif method.direction == "fsam":
            m_prev = (1.0 - s.beta_m) * g if m_prev is None else s.beta_m * m_prev + (1.0 - s.beta_m) * g
        if s.kind == "none":
            gy = g
        elif s.kind == "linear":
            if inexact:  # usam as gradient descent with relative error ‖e‖ ≤ Lρ‖g‖
                e = Point()
                problem.add_constraint(e ** 2 <= (L * s.rho) ** 2 * g ** 2)
                gy = g + e
                used_inexact = True
            else:
                gy = func.gradient(x + s.rho * g)  # usam, or unified_sam with λ = 0
        elif inexact:  # normalized: ‖e‖ ≤ Lρ
            e = Point()
            problem.add_constraint(e ** 2 <= (L * s.rho) ** 2)
            gy = g + e
            used_inexact = True
        else:
            delta = Point()
            if method.direction == "gradient":
                free = delta - (s.rho * (1.0 - s.lam)) * g if s.lam < 1.0 else delta
                problem.add_constraint(free ** 2 <= (s.rho * s.lam) ** 2)
                problem.add_constraint(free * g >= 0)
            else:
                problem.add_constraint(delta ** 2 <= s.rho ** 2)
                if method.direction == "vasso":
                    problem.add_constraint(delta * d_prev >= 0)
                elif method.direction == "fsam":
                    problem.add_constraint(delta * (g - s.sigma * m_prev) >= 0)
            gy = func.gradient(x + delta)
            used_ball = True
        v = gy if v is None else s.beta * v + gy
        step = v if method.descent == "heavy_ball" else gy + s.beta * v
        x = x - s.lr * step
    if metric in ("f_gap", "grad_norm"):  # the last iterate's oracle only where the metric reads it
        gN, fN = func.oracle(x)
    if used_ball:
        notes.append(_BALL_NOTES[method.direction])
    if used_inexact:
        notes.append("inexact gradient (Khanh et al. 2024): x_k = x_{k−1} − γ(∇f(x_{k−1}) + e_k), "
                     + ("‖e_k‖ ≤ Lρ‖∇f(x_{k−1})‖" if method.linear else "‖e_k‖ ≤ Lρ"))
    if cls == "smooth":  # inf f = f*: f(x_i) − f* ≥ ‖∇f(x_i)‖²/(2L) at every evaluated point
        for (_, gi, fi) in list(func.list_of_points):
            problem.add_constraint(fi - fs >= gi ** 2 / (2.0 * L))
    # initial condition
    if initial == "distance":
        problem.set_initial_condition((x0 - xs) ** 2 <= R)
    else:
        problem.set_initial_condition(func(x0) - fs <= R)
    # performance metric
    if metric == "distance":
        problem.set_performance_metric((x - xs) ** 2)
    elif metric == "f_gap":
        problem.set_performance_metric(fN - fs)
    elif metric == "grad_norm":
        for gk in grads + [gN]:
            problem.set_performance_metric(gk ** 2)
    else:
        total = grads[0] ** 2
        for gk in grads[1:]:
            total = total + gk ** 2
        problem.set_performance_metric(total / len(grads))
    dual, primal, status, solver = solve(problem)
    return dual, primal, status, solver, notes


def solve(problem):
    """Solve a PEPit problem quietly with Clarabel (settings of SOLVER_ATTEMPTS in turn); refuse anything
    but an optimal, accurate answer. Returns (dual value, primal value, status, solver name).

    Public so that a claim with a PEP of its own (e.g. a one-step relation) solves it with the same
    settings and accuracy checks as :func:`worst_case`."""
    statuses = []
    for options in SOLVER_ATTEMPTS:
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                dual = problem.solve(wrapper="cvxpy", solver=SOLVER, verbose=0, **options)
        except Exception as exc:  # cvxpy.SolverError and PEPit's assertions: no number to report
            raise PEPSolverError(f"the SDP solver {SOLVER} failed: {exc}") from exc
        prob = problem.wrapper.prob
        status, primal = str(prob.status), prob.value
        statuses.append(status)
        if status == "optimal" and dual is not None and primal is not None:
            break
        if status in ("infeasible", "unbounded", "infeasible_inaccurate", "unbounded_inaccurate"):
            break  # other settings do not change the verdict
    else:
        status = statuses[-1]
    solver = str(problem.wrapper.solver_name)
    if status != "optimal" or dual is None or primal is None:
        raise PEPSolverError(f"the SDP solver {solver} returned status {' then '.join(map(repr, statuses))} "
                             "(not optimal: infeasible, unbounded or inaccurate); no worst case to report")
    dual, primal = float(dual), float(primal)
    rel, absolute = GAP_TOLERANCE
    if not (np.isfinite(dual) and abs(dual - primal) <= rel * abs(primal) + absolute):
        raise PEPSolverError(f"the SDP solver {solver} is inaccurate: dual {dual!r} vs primal {primal!r} "
                             f"(gap above {rel:g}·|primal| + {absolute:g})")
    return dual, primal, status, solver
