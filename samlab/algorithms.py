r"""SAM-family optimizers as a perturbation rule composed with a (heavy-ball) descent rule.

One step k (1-based) of every algorithm, batched over runs:

    g_k = ∇f_ξ(x_{k−1})                         ascent gradient (sample ξ)
    y_k = x_{k−1} + δ_k(g_k, state)              perturbation rule (δ = 0 for gd)
    v_k = β v_{k−1} + ∇f_ξ'(y_k)                 descent gradient; β = ``momentum`` (v_0 = 0)
    x_k = x_{k−1} − γ_k v_k                       γ = ``lr``

ξ' = ξ with ``same_sample=True`` (m-SAM) and an independent draw with ``same_sample=False`` (n-SAM).
v_0 = 0 with no dampening reproduces PyTorch's heavy ball (its buffer starts at the first gradient).

Perturbation rules δ (ρ → ``rho``, λ → ``lam``):

* gd:          δ = 0 (one gradient per step)
* sam:         δ = ρ g/‖g‖                           (Foret et al. 2021; Si & Yun 2023)
* usam:        δ = ρ g                               (Andriushchenko & Flammarion 2022)
* unified_sam: δ = ρ(1 − λ + λ/‖g‖) g                (Oikonomou & Loizou 2025); λ=0 → usam, λ=1 → sam
* vasso:       d = (1−θ)d_prev + θ g (d = g at k=1); δ = ρ d/‖d‖       (Li & Giannakis 2023)
* rsam:        u ~ N(0, σ²I), d = ∇f_ξ(x + u); δ = ρ d/‖d‖               (Liu et al. 2022; Khanh et al.)
* fsam:        m = β_m m_prev + (1−β_m) g (m_0 = 0), d = g − σ m; δ = ρ d/‖d‖   (Li et al. 2024)

Zero direction: a normalized perturbation of an exactly zero direction is zero (y = x), never NaN.
With ``eps > 0`` the normalization is d/(‖d‖ + ε) instead, and ε is recorded in the run's meta.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .hyper import Bounds, Hyper
from .linalg import row_norms

__all__ = ["Algorithm", "gd", "sam", "usam", "unified_sam", "vasso", "rsam", "fsam", "ALGORITHMS"]

POSITIVE = Bounds(0.0, np.inf, low_open=True)
NONNEGATIVE = Bounds(0.0, np.inf)
UNIT = Bounds(0.0, 1.0)
MOMENTUM = Bounds(0.0, 1.0, high_open=True)
THETA = Bounds(0.0, 1.0, low_open=True)


@dataclass
class StepContext:
    """What a perturbation rule may use besides the ascent gradient: the oracle and its own stream."""

    grad: Callable[[np.ndarray], np.ndarray]  # the ascent oracle with the step's sample
    rng: np.random.Generator | None


@dataclass
class Perturbation:
    """A perturbation rule δ(g, state). Subclasses implement ``offset``."""

    name: str
    hypers: dict[str, Hyper] = field(default_factory=dict)
    eps: float = 0.0
    extra_grads: int = 0  # gradient evaluations besides g and the descent gradient
    uses_ascent_gradient: bool = True
    needs_rng: bool = False

    def init(self, x: np.ndarray) -> dict[str, Any]:
        return {}

    def offset(self, g, x, k, state, ctx) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Return (δ, zero) where ``zero`` flags runs whose normalized direction was exactly 0."""
        raise NotImplementedError

    def _normalized(self, d: np.ndarray, rho) -> tuple[np.ndarray, np.ndarray]:
        """ρ d/‖d‖ with the zero-direction rule (or ρ d/(‖d‖ + ε))."""
        norm = row_norms(d)
        zero = norm == 0.0
        if self.eps > 0.0:
            scale = 1.0 / (norm + self.eps)
        else:
            scale = np.divide(1.0, norm, out=np.zeros_like(norm), where=~zero)
        scale = scale[:, None] * rho
        return d * scale, zero


class _Nothing(Perturbation):
    def offset(self, g, x, k, state, ctx):
        return None, None


class _Normalized(Perturbation):
    def offset(self, g, x, k, state, ctx):
        return self._normalized(g, self.hypers["rho"].at(k))


class _Unnormalized(Perturbation):
    def offset(self, g, x, k, state, ctx):
        return g * self.hypers["rho"].at(k), None


class _Unified(Perturbation):
    def offset(self, g, x, k, state, ctx):
        rho, lam = self.hypers["rho"].at(k), self.hypers["lam"].at(k)
        norm = row_norms(g)
        zero = norm == 0.0
        if self.eps > 0.0:
            inv = 1.0 / (norm + self.eps)
        else:
            inv = np.divide(1.0, norm, out=np.zeros_like(norm), where=~zero)
        coef = rho * ((1.0 - lam) + lam * inv[:, None])
        return g * coef, zero


class _VaSSO(Perturbation):
    def init(self, x):
        return {"d": None}

    def offset(self, g, x, k, state, ctx):
        theta = self.hypers["theta"].at(k)
        d = g.copy() if state["d"] is None else (1.0 - theta) * state["d"] + theta * g
        state["d"] = d
        return self._normalized(d, self.hypers["rho"].at(k))


class _RSAM(Perturbation):
    def offset(self, g, x, k, state, ctx):
        sigma = self.hypers["sigma"].at(k)
        u = ctx.rng.standard_normal(x.shape) * sigma
        d = ctx.grad(x + u)
        return self._normalized(d, self.hypers["rho"].at(k))


class _FSAM(Perturbation):
    def init(self, x):
        return {"m": np.zeros_like(x)}

    def offset(self, g, x, k, state, ctx):
        beta, sigma = self.hypers["beta"].at(k), self.hypers["sigma"].at(k)
        m = beta * state["m"] + (1.0 - beta) * g
        state["m"] = m
        return self._normalized(g - sigma * m, self.hypers["rho"].at(k))


@dataclass
class Algorithm:
    """A perturbation rule, a step size and heavy-ball momentum.

    ``grads_per_step`` counts oracle calls per step and per run (2 for SAM, 1 for gd, 2 for rsam:
    the ascent gradient at x + u and the descent gradient).
    """

    name: str
    perturbation: Perturbation
    lr: Hyper
    momentum: Hyper
    same_sample: bool = True

    @property
    def hypers(self) -> dict[str, Hyper]:
        return {"lr": self.lr, **self.perturbation.hypers, "momentum": self.momentum}

    @property
    def grads_per_step(self) -> int:
        p = self.perturbation
        if isinstance(p, _Nothing):
            return 1
        return 1 + int(p.uses_ascent_gradient) + p.extra_grads

    @property
    def is_gd(self) -> bool:
        return isinstance(self.perturbation, _Nothing)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **{k: h.describe() for k, h in self.hypers.items()},
            "same_sample": self.same_sample,
            "eps": self.perturbation.eps,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={h.describe()!r}" for k, h in self.hypers.items() if not h.is_zero or k != "momentum")
        return f"{self.name}({args})"


def _build(name, rule_cls, lr, momentum, same_sample, eps, **hypers) -> Algorithm:
    if not isinstance(same_sample, (bool, np.bool_)):
        raise ValueError(f"same_sample must be True or False, got {same_sample!r}")
    eps = float(eps)
    if not (np.isfinite(eps) and eps >= 0):
        raise ValueError(f"eps must be >= 0, got {eps!r}")
    rule = rule_cls(name=name, hypers={k: Hyper(k, v, b) for k, (v, b) in hypers.items()}, eps=eps)
    if rule_cls is _Nothing:
        rule.uses_ascent_gradient = False
    if rule_cls is _RSAM:
        rule.uses_ascent_gradient, rule.extra_grads, rule.needs_rng = False, 1, True
    return Algorithm(name, rule, Hyper("lr", lr, POSITIVE), Hyper("momentum", momentum, MOMENTUM), bool(same_sample))


def gd(lr, *, momentum=0.0) -> Algorithm:
    """Gradient descent (SGD with a sampling or noise): x_k = x_{k−1} − γ ∇f_ξ(x_{k−1})."""
    return _build("gd", _Nothing, lr, momentum, True, 0.0)


def sam(lr, rho, *, momentum=0.0, same_sample=True, eps=0.0) -> Algorithm:
    """Normalized SAM: y = x + ρ g/‖g‖, x⁺ = x − γ∇f(y) (Si & Yun 2023, "practical" SAM)."""
    return _build("sam", _Normalized, lr, momentum, same_sample, eps, rho=(rho, NONNEGATIVE))


def usam(lr, rho, *, momentum=0.0, same_sample=True) -> Algorithm:
    """Unnormalized SAM: y = x + ρ g, x⁺ = x − γ∇f(y) (Andriushchenko & Flammarion 2022)."""
    return _build("usam", _Unnormalized, lr, momentum, same_sample, 0.0, rho=(rho, NONNEGATIVE))


def unified_sam(lr, rho, lam, *, momentum=0.0, same_sample=True, eps=0.0) -> Algorithm:
    """Unified SAM: y = x + ρ(1 − λ + λ/‖g‖) g (Oikonomou & Loizou 2025); λ ∈ [0, 1]."""
    return _build("unified_sam", _Unified, lr, momentum, same_sample, eps,
                  rho=(rho, NONNEGATIVE), lam=(lam, UNIT))


def vasso(lr, rho, theta, *, momentum=0.0, same_sample=True, eps=0.0) -> Algorithm:
    """VaSSO: d = (1−θ)d_prev + θg (d_1 = g_1), y = x + ρ d/‖d‖; θ ∈ (0, 1], θ = 1 is SAM."""
    return _build("vasso", _VaSSO, lr, momentum, same_sample, eps, rho=(rho, NONNEGATIVE), theta=(theta, THETA))


def rsam(lr, rho, sigma, *, momentum=0.0, same_sample=True, eps=0.0) -> Algorithm:
    """Random SAM: u ~ N(0, σ²I), d = ∇f(x + u), y = x + ρ d/‖d‖ (so ‖y − x‖ = ρ exactly)."""
    return _build("rsam", _RSAM, lr, momentum, same_sample, eps, rho=(rho, NONNEGATIVE), sigma=(sigma, NONNEGATIVE))


def fsam(lr, rho, sigma=1.0, beta=0.9, *, momentum=0.0, same_sample=True, eps=0.0) -> Algorithm:
    """F-SAM: m = βm_prev + (1−β)g (m_0 = 0), d = g − σm, y = x + ρ d/‖d‖ (defaults σ = 1, β = 0.9)."""
    return _build("fsam", _FSAM, lr, momentum, same_sample, eps, rho=(rho, NONNEGATIVE),
                  sigma=(sigma, NONNEGATIVE), beta=(beta, Bounds(0.0, 1.0, high_open=True)))


ALGORITHMS: dict[str, Callable[..., Algorithm]] = {
    "gd": gd, "sam": sam, "usam": usam, "unified_sam": unified_sam, "vasso": vasso, "rsam": rsam, "fsam": fsam,
}
