r"""The public building blocks of an algorithm: a perturbation rule, a descent rule, a step size.

One step k (1-based) of every algorithm, batched over B runs (rows of (B, d) arrays):

    g_k = ∇f_ξ(x_{k−1})                              ascent gradient (sample ξ)
    δ_k, s_k = perturbation.step(g_k, x_{k−1}, s_{k−1}, h_k, ctx)     y_k = x_{k−1} + δ_k
    x_k, u_k = descent.step(x_{k−1}, ∇f_ξ'(y_k), γ_k, u_{k−1}, h'_k)

ξ' = ξ (m-SAM, ``same_sample=True``) or an independent draw (n-SAM). gd has no perturbation
(``perturbation=None``: one gradient per step). Both rules are pure: ``init(x0) -> state`` and
``step(...) -> (value, new_state)``; the engine keeps the state and never lets a rule mutate it.
``h`` is a namespace of the rule's hyperparameters at step k (``h.rho``): a Python float, or a
(B, 1) column for per-run values, so that ``h.rho * g`` broadcasts over the rows.

A variant in a user's module, with public names only::

    import numpy as np
    from samlab.algorithms import Algorithm, Perturbation, NONNEGATIVE, heavy_ball

    def sign_sam(lr, rho, *, momentum=0.0):
        '''Sign-SAM: y = x + ρ sign(g).'''
        rule = Perturbation("sign_sam", lambda g, x, state, h, ctx: (h.rho * np.sign(g), state),
                            rho=(rho, NONNEGATIVE))
        return Algorithm("sign_sam", rule, lr=lr, descent=heavy_ball(momentum))

Each hyperparameter is declared as ``name=(value, Bounds)``; the value may be a float, a 1-D array
(one value per run), a :class:`samlab.schedules.Schedule` or a plain callable k ↦ value, and is
validated exactly like the built-ins' (when built, and at every step when a run binds it).
"""

from __future__ import annotations

import keyword
import re
from types import SimpleNamespace
from typing import Any, Callable, Mapping

import numpy as np

from ..checks import boolean, integer, real
from ..hyper import Bounds, Hyper
from ..linalg import inverse_row_norms, row_norms

__all__ = [
    "Perturbation", "Descent", "Algorithm", "StepContext", "Bounds",
    "POSITIVE", "NONNEGATIVE", "UNIT", "MOMENTUM", "OPEN_UNIT", "HALF_OPEN_UNIT",
]

POSITIVE = Bounds(0.0, np.inf, low_open=True)           # lr
NONNEGATIVE = Bounds(0.0, np.inf)                        # ρ, σ
UNIT = Bounds(0.0, 1.0)                                  # λ ∈ [0, 1]
MOMENTUM = Bounds(0.0, 1.0, high_open=True)              # β ∈ [0, 1)
OPEN_UNIT = Bounds(0.0, 1.0, low_open=True)              # θ ∈ (0, 1]
HALF_OPEN_UNIT = MOMENTUM                                # an EMA factor in [0, 1)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"{what} must be a name of letters, digits, '_' or '-' starting with a letter, got {name!r}")
    return name


def _declare(owner: str, hypers: Mapping[str, Any]) -> dict[str, Hyper]:
    """``{"rho": (value, Bounds)}`` → ``{"rho": Hyper}``, each validated now."""
    out: dict[str, Hyper] = {}
    for key, spec in hypers.items():
        if not key.isidentifier() or keyword.iskeyword(key) or key.startswith("_"):
            raise ValueError(f"{owner}: hyperparameter name {key!r} must be a public Python identifier")
        if isinstance(spec, Hyper):
            out[key] = spec
            continue
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Bounds)):
            raise ValueError(f"{owner}: declare hyperparameter {key!r} as (value, Bounds), e.g. rho=(0.05, NONNEGATIVE)")
        out[key] = Hyper(key, spec[0], spec[1])
    return out


def _check_callable(value: Any, what: str, optional: bool = False):
    if value is None and optional:
        return None
    if not callable(value):
        raise ValueError(f"{what} must be callable, got {value!r}")
    return value


class StepContext:
    """What a perturbation rule may use besides g, x, its state and its hyperparameters.

    ``k`` the step number; ``grad(Z)`` the ascent oracle with this step's sample (RSAM evaluates it
    at x + u); ``rng`` the algorithm's own random stream (None unless the rule declared
    ``needs_rng=True``); :meth:`normalize` and :meth:`inverse_norm` apply samlab's zero-direction rule
    and record which runs met it (``Result.n_zero_grad``).
    """

    __slots__ = ("k", "grad", "rng", "eps", "zero")

    def __init__(self, k: int, grad: Callable[[np.ndarray], np.ndarray], rng, eps: float = 0.0):
        self.k, self.grad, self.rng, self.eps = k, grad, rng, eps
        self.zero: np.ndarray | None = None

    def inverse_norm(self, d: np.ndarray) -> np.ndarray:
        """(B, 1) column 1/‖d_b‖ (1/(‖d_b‖ + ε) with ε > 0); 0 for an exactly zero row (counted)."""
        if self.eps == 0.0:
            inv = inverse_row_norms(d)  # the usual case, one pass: no zero row to count
            if inv is not None:
                return inv[:, None]
        norm = row_norms(d)
        zero = norm == 0.0
        if self.eps > 0.0:
            inv = 1.0 / (norm + self.eps)
        elif zero.any():
            inv = np.divide(1.0, norm, out=np.zeros_like(norm), where=~zero)
        else:  # the usual case: a plain division, the same quotients
            inv = 1.0 / norm
        self.zero = zero if self.zero is None else (self.zero | zero)
        return inv[:, None]

    def normalize(self, d: np.ndarray, scale) -> np.ndarray:
        """scale · d/‖d‖ row-wise: the normalized perturbation, 0 (never NaN) where d = 0."""
        return d * (self.inverse_norm(d) * scale)


class _Rule:
    """Shared by perturbation and descent rules: a name, a pure step, an init, declared hyperparameters."""

    kind = "rule"

    def __init__(self, name, step, *, init=None, **hypers):
        self.name = _check_name(name, f"the {self.kind} rule's name")
        self.step = _check_callable(step, f"{self.kind} rule {name!r}: step")
        self.init = _check_callable(init, f"{self.kind} rule {name!r}: init", optional=True)
        self.hypers: dict[str, Hyper] = _declare(f"{self.kind} rule {name!r}", hypers)

    def initial_state(self, x: np.ndarray):
        """``init(x0)``, or None when the rule keeps no state."""
        return None if self.init is None else self.init(x)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={h.describe()!r}" for k, h in self.hypers.items())
        return f"{type(self).__name__}({self.name!r}{', ' if args else ''}{args})"


class Perturbation(_Rule):
    """A perturbation rule: ``step(g, x, state, h, ctx) -> (δ, new_state)``, y = x + δ.

    ``g`` is the ascent gradient at x (None when ``uses_ascent_gradient=False``, e.g. RSAM, which
    calls ``ctx.grad`` at a point of its own), ``x`` the (B, d) iterates, ``h`` the hyperparameters
    at this step. ``extra_grads`` counts oracle calls besides g and the descent gradient, and
    ``needs_rng`` asks for the algorithm's own random stream in ``ctx.rng``. ``eps`` > 0 turns the
    zero-direction rule of ``ctx.normalize`` into d/(‖d‖ + ε); it is recorded in the run's meta.
    """

    kind = "perturbation"

    def __init__(self, name: str, step: Callable, *, init: Callable | None = None,
                 uses_ascent_gradient: bool = True, extra_grads: int = 0, needs_rng: bool = False,
                 eps: float = 0.0, **hypers):
        super().__init__(name, step, init=init, **hypers)
        who = f"perturbation rule {name!r}: "
        self.uses_ascent_gradient = boolean(uses_ascent_gradient, who + "uses_ascent_gradient")
        self.needs_rng = boolean(needs_rng, who + "needs_rng")
        self.extra_grads = integer(extra_grads, who + "extra_grads", minimum=0)
        self.eps = real(eps, "eps", minimum=0.0)


class Descent(_Rule):
    """A descent rule: ``step(x, g, lr, state, h) -> (x_new, new_state)`` with g = ∇f_ξ'(y).

    ``lr`` is the step size γ_k (a float or a (B, 1) column); ``h`` the rule's own
    hyperparameters (heavy ball's ``momentum``).
    """

    kind = "descent"


class Algorithm:
    """A perturbation rule (None for gd), a step size γ (``lr``) and a descent rule.

    ``hypers`` lists every hyperparameter: ``lr``, the perturbation's, then the descent's.
    ``grads_per_step`` counts oracle calls per step and per run (1 for gd, 2 for SAM, 2 for RSAM:
    the ascent gradient at x + u and the descent gradient).
    """

    def __init__(self, name: str, perturbation: Perturbation | None, *, lr, descent: Descent | None = None,
                 same_sample: bool = True):
        from .descents import heavy_ball

        self.name = _check_name(name, "the algorithm's name")
        if perturbation is not None and not isinstance(perturbation, Perturbation):
            raise ValueError(f"perturbation must be a samlab.algorithms.Perturbation or None, got {perturbation!r}")
        if descent is None:
            descent = heavy_ball(0.0)
        if not isinstance(descent, Descent):
            raise ValueError(f"descent must be a samlab.algorithms.Descent, got {descent!r}")
        same_sample = boolean(same_sample, "same_sample")
        self.perturbation = perturbation
        self.descent = descent
        self.lr = lr if isinstance(lr, Hyper) else Hyper("lr", lr, POSITIVE)
        self.same_sample = bool(same_sample)
        names = ["lr", *(perturbation.hypers if perturbation is not None else ()), *descent.hypers]
        clash = sorted({n for n in names if names.count(n) > 1})
        if clash:
            raise ValueError(f"algorithm {name!r}: hyperparameter names {clash} are declared twice")

    @property
    def hypers(self) -> dict[str, Hyper]:
        p = self.perturbation.hypers if self.perturbation is not None else {}
        return {"lr": self.lr, **p, **self.descent.hypers}

    @property
    def is_gd(self) -> bool:
        """True when there is no perturbation (plain (S)GD, possibly with momentum)."""
        return self.perturbation is None

    @property
    def momentum(self) -> Hyper | None:
        """The descent rule's ``momentum`` hyperparameter (heavy ball, Nesterov), if it has one."""
        return self.descent.hypers.get("momentum")

    @property
    def eps(self) -> float:
        return 0.0 if self.perturbation is None else self.perturbation.eps

    @property
    def grads_per_step(self) -> int:
        p = self.perturbation
        if p is None:
            return 1
        return 1 + int(p.uses_ascent_gradient) + p.extra_grads

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **{k: h.describe() for k, h in self.hypers.items()},
            "same_sample": self.same_sample,
            "eps": self.eps,
            "descent": self.descent.name,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={h.describe()!r}" for k, h in self.hypers.items() if not h.is_zero or k != "momentum")
        return f"{self.name}({args})"


def hyper_values(bound: Mapping[str, Any], k: int) -> SimpleNamespace:
    """The namespace ``h`` of a rule at step k from its bound hyperparameters."""
    return SimpleNamespace(**{name: b.at(k) for name, b in bound.items()})
