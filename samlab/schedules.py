"""Hyperparameter schedules: k ↦ value, evaluated at the 1-based step number k = 1, 2, ….

Step k maps x_{k−1} to x_k. Every hyperparameter of ``samlab.algorithms`` is a float, an array
with one value per run, or a :class:`Schedule`. A schedule's parameters may themselves be arrays
of one value per run, so ``inverse_power(c=np.array([...]), power=0.5)`` decays B radii at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = [
    "Schedule",
    "constant",
    "inverse_power",
    "lam_inverse",
    "lam_one_minus_inverse",
    "from_callable",
    "capped",
    "step_array",
]


@dataclass(frozen=True)
class Schedule:
    """A vectorized map from the step number k (int or int array) to a value (scalar or (B,))."""

    fn: Callable[[Any], Any]
    description: str

    def __call__(self, k):
        return self.fn(k)

    def __repr__(self) -> str:
        return f"Schedule({self.description})"


def _array_or_float(value, name: str, *, positive: bool = False, nonnegative: bool = False):
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array of one value per run")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(arr) if arr.ndim == 0 else arr


def constant(value) -> Schedule:
    """k ↦ v."""
    v = _array_or_float(value, "value")
    return Schedule(lambda k: v, f"constant {value!r}")


def inverse_power(c, power, t0=0.0) -> Schedule:
    """k ↦ c / (k + t0)^p, for instance η_k = η₀/(k + t₀) or ρ_k = C/k^p (Khanh et al., Remark 3.6)."""
    cc = _array_or_float(c, "c", nonnegative=True)
    p = _array_or_float(power, "power", nonnegative=True)
    s = _array_or_float(t0, "t0")
    if np.any(np.asarray(s) <= -1):
        raise ValueError(f"t0 must be > -1 so that k + t0 > 0 for k >= 1, got {t0!r}")
    return Schedule(lambda k: cc / (k + s) ** p, f"{c!r}/(k+{t0!r})^{power!r}")


def lam_inverse() -> Schedule:
    """λ_k = 1/k: starts as SAM and moves towards USAM (Oikonomou & Loizou, official code)."""
    return Schedule(lambda k: 1.0 / k, "1/k")


def lam_one_minus_inverse() -> Schedule:
    """λ_k = 1 − 1/k: starts as USAM and moves towards SAM (Oikonomou & Loizou, official code)."""
    return Schedule(lambda k: 1.0 - 1.0 / k, "1-1/k")


def from_callable(fn: Callable[[Any], Any], description: str | None = None) -> Schedule:
    """Wrap any vectorized callable k ↦ value (k may be an int or an int array)."""
    if not callable(fn):
        raise ValueError("fn must be callable")
    return Schedule(fn, description or getattr(fn, "__name__", "callable"))


def capped(schedule: Schedule, cap) -> Schedule:
    """k ↦ min(cap, schedule(k)), e.g. Theorem 3.5 of Oikonomou & Loizou: γ_k = min{γ, (2k+1)/((k+1)²μ)}."""
    c = _array_or_float(cap, "cap", positive=True)
    return Schedule(lambda k: np.minimum(c, schedule(k)), f"min({cap!r}, {schedule.description})")


def step_array(schedule: Schedule | float, steps: int) -> np.ndarray:
    """Values at k = 1 … steps as an array (for checking Σ t_k = ∞, Σ t_k² < ∞ and plotting)."""
    k = np.arange(1, steps + 1, dtype=float)
    if isinstance(schedule, Schedule):
        return np.broadcast_to(np.asarray(schedule(k), dtype=float), k.shape).copy()
    return np.full(steps, float(schedule))
