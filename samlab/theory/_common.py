"""Input checks and output conventions shared by every module of ``samlab.theory``.

Closed forms take floats or arrays that broadcast like NumPy arrays; these helpers turn them into
float64 arrays with a ValueError naming the argument, and give 0-d results back as Python scalars.
"""

from __future__ import annotations

import numpy as np
import sympy as sp


def _arr(value, name: str) -> np.ndarray:
    """``value`` as a float64 array; ValueError naming ``name`` if it is not finite."""
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a real number or array, got {value!r}") from exc
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def _positive(value, name: str) -> np.ndarray:
    out = _arr(value, name)
    if np.any(out <= 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return out


def _nonnegative(value, name: str) -> np.ndarray:
    out = _arr(value, name)
    if np.any(out < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return out


def _unit_interval(value, name: str) -> np.ndarray:
    out = _arr(value, name)
    if np.any((out < 0) | (out > 1)):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return out


def _eigs(value, name: str = "eigenvalues") -> np.ndarray:
    """Eigenvalues as an array with at least one axis; the last axis runs over eigen-directions."""
    out = _arr(value, name)
    if out.ndim == 0:
        out = out[None]
    if out.shape[-1] == 0:
        raise ValueError(f"{name} must not be empty")
    return out


def _out(value):
    """0-d results as Python scalars, arrays otherwise."""
    value = np.asarray(value)
    if value.ndim == 0:
        return value.item()
    return value


def _lambdify(args, expr):
    return sp.lambdify(args, expr, modules="numpy")
