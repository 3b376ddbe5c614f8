"""Hyperparameters: a float, one value per run, or a schedule — validated when built, and at every
step when a run binds them.

A :class:`Hyper` holds what the user gave (checked for type and bounds at once, schedules for their
type); :meth:`Hyper.bind` evaluates a schedule at every step k = 1 … steps of a run (vectorized over
k, or k by k for a callable that only takes scalars), checks every value against the bounds, and
returns a :class:`BoundHyper` whose ``at(k)`` the engine reads: the values a run uses are the values
that were checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import real_array
from .schedules import Schedule, from_callable

__all__ = ["Hyper", "Bounds", "BoundHyper"]

_CHUNK = 1 << 20
"""Values evaluated per block when a run binds a schedule (bounds the memory of a per-run table)."""


@dataclass(frozen=True)
class Bounds:
    """Admissible values: low (inclusive unless ``low_open``) and high (inclusive unless ``high_open``)."""

    low: float = -np.inf
    high: float = np.inf
    low_open: bool = False
    high_open: bool = False

    def violations(self, values: np.ndarray) -> np.ndarray:
        """Boolean mask of the values outside the bounds (NaN and ±inf included)."""
        v = np.asarray(values, dtype=float)
        bad = ~np.isfinite(v)
        bad |= (v <= self.low) if self.low_open else (v < self.low)
        bad |= (v >= self.high) if self.high_open else (v > self.high)
        return bad

    def text(self) -> str:
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{lo}{self.low}, {self.high}{hi}"

    def check(self, name: str, values: np.ndarray, where: str = "") -> None:
        bad = self.violations(values)
        if np.any(bad):
            v = np.asarray(values, dtype=float)
            example = v[bad].flat[0] if v.ndim else float(v)
            raise ValueError(f"{name} must lie in {self.text()}{where}, got {example!r}")


class Hyper:
    """One hyperparameter of an algorithm (``kind``: ``"float"``, ``"array"`` or ``"schedule"``).

    ``value`` is what the run reads: a float, the (B,) per-run array, or the :class:`Schedule` (a
    plain callable is wrapped in one, as optax does). Floats and arrays are checked against the
    bounds now; schedules when a run binds them (:meth:`bind`).
    """

    __slots__ = ("name", "raw", "bounds", "kind", "_value")

    def __init__(self, name: str, value: Any, bounds: Bounds):
        self.name, self.raw, self.bounds = name, value, bounds
        if isinstance(value, Schedule):
            self.kind, self._value = "schedule", value
            return
        if callable(value):
            self.kind, self._value = "schedule", from_callable(value)
            return
        arr = real_array(value, name)
        if arr.ndim > 1:
            raise ValueError(f"{name} must be a float, a 1-D array of one value per run, or a schedule, "
                             f"got an array of shape {arr.shape}")
        bounds.check(name, arr)
        if arr.ndim == 0:
            self.kind, self._value = "float", float(arr)
        else:
            if arr.size == 0:
                raise ValueError(f"{name} must not be an empty array")
            self.kind, self._value = "array", arr[:, None].copy()

    @property
    def value(self):
        """A float, the (B,) per-run values, or the Schedule."""
        return self._value[:, 0].copy() if self.kind == "array" else self._value

    @property
    def runs(self) -> int | None:
        """Number of runs a per-run array (or a schedule with per-run parameters) fixes, else None."""
        if self.kind == "array":
            return self._value.shape[0]
        if self.kind == "schedule":
            first = np.asarray(self._value(1))
            return first.size if first.ndim == 1 else None
        return None

    @property
    def is_zero(self) -> bool:
        return self.kind == "float" and self._value == 0.0

    def bind(self, runs: int, steps: int) -> "BoundHyper":
        """Check per-run sizes and every value at k = 1 … steps; return what the run reads."""
        if self.runs is not None and self.runs != runs:
            raise ValueError(f"{self.name} has {self.runs} values per step but the run has {runs} runs")
        return BoundHyper(self, runs, steps)

    def at(self, k: int):
        """The value at step k without binding (floats, arrays; schedules evaluated directly)."""
        if self.kind != "schedule":
            return self._value
        return _column(self.name, np.asarray(self._value(k)), k)

    def describe(self):
        if self.kind == "schedule":
            return {"schedule": self._value.description}
        if self.kind == "array":
            return self._value[:, 0].tolist()
        return self._value

    def __repr__(self) -> str:
        return f"Hyper({self.name}={self.describe()!r})"


def _column(name: str, v: np.ndarray, k):
    if v.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be real at step {k}, got {v!r}")
    if v.ndim == 0:
        return float(v)
    return v.astype(float).reshape(-1, 1)


class BoundHyper:
    """A hyperparameter bound to a run of B runs and ``steps`` steps; ``at(k)`` is a float or (B, 1).

    A schedule is evaluated once per block of steps, vectorized over k when it accepts arrays (a
    per-run schedule, whose value at k = 1 is a (B,) array, is evaluated on a (K, 1) column of steps),
    else k by k; every block is checked against the bounds (the first pass at bind time checks all of
    k = 1 … steps, so a bad value anywhere fails before the run starts).
    """

    __slots__ = ("name", "bounds", "constant", "_value", "_fn", "_per_run", "_vectorized", "_steps", "_runs",
                 "_lo", "_block")

    def __init__(self, hyper: Hyper, runs: int, steps: int):
        self.name, self.bounds = hyper.name, hyper.bounds
        self._steps, self._runs = int(steps), int(runs)
        self.constant = hyper.kind != "schedule"
        self._value = hyper._value
        if self.constant:
            return
        self._fn = hyper._value
        first = np.asarray(self._fn(1))
        if first.dtype.kind not in "fiu":
            raise ValueError(f"{self.name} must be real at step 1, got {first!r}")
        if first.ndim > 1:
            raise ValueError(f"{self.name} must be a scalar or one value per run at every step, "
                             f"got shape {first.shape} at step 1")
        self._per_run = first.ndim == 1
        self._vectorized = True
        width = self._runs if self._per_run else 1
        self._block = max(1, min(self._steps, _CHUNK // width))
        self._lo = None
        for lo in range(1, self._steps + 1, self._block):  # check everything now
            self._load(lo)

    def _evaluate(self, lo: int, hi: int) -> np.ndarray:
        """Values at k = lo … hi − 1: (K,) or (K, B) for per-run schedules."""
        shape = (hi - lo, self._runs) if self._per_run else (hi - lo,)
        if self._vectorized:
            k = np.arange(lo, hi, dtype=np.int64)
            try:
                with np.errstate(all="ignore"):
                    v = np.asarray(self._fn(k[:, None] if self._per_run else k))
                if v.dtype.kind in "fiu":
                    return np.broadcast_to(v.astype(float), shape).reshape(shape)
            except Exception:  # a callable written for scalars: fall back to k by k
                pass
            self._vectorized = False
        out = np.empty(shape)
        for i, k in enumerate(range(lo, hi)):
            v = np.asarray(self._fn(k))
            if v.dtype.kind not in "fiu":
                raise ValueError(f"{self.name} must be real at step {k}, got {v!r}")
            try:
                out[i] = v
            except ValueError:
                raise ValueError(f"{self.name} must be a scalar{' or one value per run' if self._per_run else ''}"
                                 f" at every step, got shape {v.shape} at step {k}") from None
        return out

    def _load(self, lo: int) -> None:
        hi = min(lo + self._block, self._steps + 1)
        values = self._evaluate(lo, hi)
        bad = self.bounds.violations(values)
        if np.any(bad):
            i = int(np.argmax(bad.any(axis=1) if values.ndim == 2 else bad))
            row = values[i]
            example = float(row[bad[i]].flat[0]) if values.ndim == 2 else float(row)
            raise ValueError(f"{self.name} must lie in {self.bounds.text()} for every step, got {example!r} at "
                             f"step {lo + i}")
        self._value, self._lo = values, lo

    def at(self, k: int):
        if self.constant:
            return self._value
        i = k - self._lo
        if not 0 <= i < self._value.shape[0]:
            self._load(k)
            i = 0
        v = self._value[i]
        return v[:, None] if self._per_run else float(v)
