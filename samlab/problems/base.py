"""The problem interface: batched value, gradient and Hessian, and exactly known constants.

A problem maps a batch of points X of shape (B, d) to values (B,), gradients (B, d) and, where
available, Hessians (B, d, d). Constants that are unknown are ``None``:

* ``L``  — smoothness constant of f (Lipschitz constant of ∇f, or a stated upper bound);
* ``mu`` — strong-convexity constant (0 when f is convex but not strongly convex, None if unknown);
* ``x_star``, ``f_star`` — a minimizer and the minimum value.

Finite sums f = (1/n) Σ_i f_i additionally expose ``n``, ``L_i`` and
``component_grad(X, idx, coef)`` = Σ_j coef[:, j] ∇f_{idx[:, j]}(X), the sampled gradient that
every sampling of ``samlab.sampling`` reduces to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Problem", "FiniteSum", "as_batch"]


def as_batch(X, dim: int, name: str = "X") -> np.ndarray:
    """X as a float64 (B, dim) array; a (dim,) point becomes a batch of one."""
    arr = np.asarray(X, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"{name} must have shape (B, {dim}) or ({dim},), got {np.shape(X)}")
    return arr


class Problem:
    """Base class. Subclasses set ``dim`` and implement ``value`` and ``grad`` (batched)."""

    name: str = "problem"
    dim: int
    L: float | None = None
    mu: float | None = None
    x_star: np.ndarray | None = None
    f_star: float | None = None

    def value(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def grad(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def hess(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{self.name} has no Hessian")

    # ------------------------------------------------------------------ derived facts
    @property
    def is_finite_sum(self) -> bool:
        return False

    @property
    def strongly_convex(self) -> bool:
        """True when μ > 0 is known."""
        return self.mu is not None and self.mu > 0

    @property
    def pl(self) -> bool:
        """True when a PL constant > 0 is known (strong convexity implies PL)."""
        return self.pl_mu is not None and self.pl_mu > 0

    @property
    def pl_mu(self) -> float | None:
        """PL constant: ½‖∇f‖² ≥ μ_PL (f − f*). Defaults to μ unless a problem states its own."""
        return getattr(self, "_pl_mu", None) or self.mu

    @property
    def condition_number(self) -> float | None:
        if self.L is None or not self.mu:
            return None
        return self.L / self.mu

    def describe(self) -> dict[str, Any]:
        """JSON-friendly summary stored in a result's meta."""
        return {
            "name": self.name,
            "dim": int(self.dim),
            "L": _num(self.L),
            "mu": _num(self.mu),
            "f_star": _num(self.f_star),
            "x_star_known": self.x_star is not None,
            **({"n": int(self.n)} if self.is_finite_sum else {}),
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


class FiniteSum(Problem):
    """f = (1/n) Σ_i f_i. Subclasses set ``n``, ``L_i`` and implement ``component_grad``."""

    n: int
    L_i: np.ndarray

    @property
    def is_finite_sum(self) -> bool:
        return True

    @property
    def L_max(self) -> float:
        return float(np.max(self.L_i))

    @property
    def L_mean(self) -> float:
        """L̄ = (1/n) Σ_i L_i."""
        return float(np.mean(self.L_i))

    def component_grad(self, X: np.ndarray, idx: np.ndarray, coef: np.ndarray) -> np.ndarray:
        """Σ_j coef[b, j] ∇f_{idx[b, j]}(X[b]) for idx, coef of shape (B, k)."""  # pragma: no cover
        raise NotImplementedError

    def component_values(self, X: np.ndarray) -> np.ndarray:
        """(B, n) values f_i(X[b]) of every component."""  # pragma: no cover
        raise NotImplementedError

    def component_inf(self) -> np.ndarray:
        """(n,) f_i^inf = inf_x f_i(x), used in the ER constant C = 2AΔ^inf."""  # pragma: no cover
        raise NotImplementedError

    @property
    def delta_inf(self) -> float:
        """Δ^inf = f* − (1/n) Σ_i f_i^inf ≥ 0."""
        if self.f_star is None:
            raise ValueError(f"{self.name}: f* is unknown, so Δ^inf is too")
        return max(float(self.f_star - np.mean(self.component_inf())), 0.0)


def _num(value):
    if value is None:
        return None
    return float(value)
