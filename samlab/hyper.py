"""Hyperparameters: a float, one value per run, or a schedule — validated once, read per step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .schedules import Schedule

__all__ = ["Hyper", "Bounds"]


@dataclass(frozen=True)
class Bounds:
    """Admissible values: low (inclusive unless ``low_open``) and high (inclusive unless ``high_open``)."""

    low: float = -np.inf
    high: float = np.inf
    low_open: bool = False
    high_open: bool = False

    def check(self, name: str, values: np.ndarray, where: str = "") -> None:
        v = np.asarray(values, dtype=float)
        bad = ~np.isfinite(v)
        bad |= (v <= self.low) if self.low_open else (v < self.low)
        bad |= (v >= self.high) if self.high_open else (v > self.high)
        if np.any(bad):
            example = v[bad].flat[0] if v.ndim else float(v)
            lo = "(" if self.low_open else "["
            hi = ")" if self.high_open else "]"
            raise ValueError(f"{name} must lie in {lo}{self.low}, {self.high}{hi}{where}, got {example!r}")


class Hyper:
    """One hyperparameter of an algorithm.

    ``at(k)`` gives the value for step k (1-based) as a Python float or a (B, 1) column that
    broadcasts against (B, d) arrays. Floats and per-run arrays are checked when the algorithm is
    built; schedules when a run binds them to its number of steps.
    """

    __slots__ = ("name", "raw", "bounds", "kind", "_value")

    def __init__(self, name: str, value: Any, bounds: Bounds):
        self.name, self.raw, self.bounds = name, value, bounds
        if isinstance(value, Schedule):
            self.kind, self._value = "schedule", value
            return
        if callable(value):
            raise ValueError(f"{name}: wrap callables with samlab.schedules.from_callable")
        arr = np.asarray(value, dtype=float)
        if arr.ndim > 1:
            raise ValueError(f"{name} must be a float, a 1-D array of one value per run, or a schedule")
        bounds.check(name, arr)
        if arr.ndim == 0:
            self.kind, self._value = "float", float(arr)
        else:
            if arr.size == 0:
                raise ValueError(f"{name} must not be an empty array")
            self.kind, self._value = "array", arr[:, None].copy()

    @property
    def runs(self) -> int | None:
        """Number of runs a per-run array (or a schedule with per-run parameters) fixes, else None."""
        if self.kind == "array":
            return self._value.shape[0]
        if self.kind == "schedule":
            first = np.asarray(self._value(1.0))
            return first.size if first.ndim == 1 else None
        return None

    @property
    def is_zero(self) -> bool:
        return self.kind == "float" and self._value == 0.0

    def bind(self, runs: int, steps: int) -> None:
        """Check per-run sizes and the values of a schedule over k = 1 … steps."""
        if self.runs is not None and self.runs != runs:
            raise ValueError(f"{self.name} has {self.runs} values per step but the run has {runs} runs")
        if self.kind == "schedule":
            probe = np.unique(np.concatenate([np.arange(1, min(steps, 10_000) + 1),
                                              np.geomspace(1, steps, 200).astype(int), [steps]]))
            try:
                values = np.asarray(self._value(probe.astype(float)), dtype=float)
                np.broadcast_to(values, probe.shape)
                self.bounds.check(self.name, values, " for every step")
            except ValueError as exc:
                if "must lie in" in str(exc):
                    raise
                for k in (1, steps):  # schedules with per-run parameters: check the ends
                    self.bounds.check(self.name, np.asarray(self._value(float(k))), f" at step {k}")

    def at(self, k: int):
        if self.kind != "schedule":
            return self._value
        v = self._value(k)
        if np.ndim(v) == 0:
            return float(v)
        return np.asarray(v, dtype=float).reshape(-1, 1)

    def describe(self):
        if self.kind == "schedule":
            return {"schedule": self._value.description}
        if self.kind == "array":
            return self._value[:, 0].tolist()
        return self._value
