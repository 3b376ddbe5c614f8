"""Strict argument types: a boolean is a bool, an integer an int, a real number a finite float.

Python and NumPy convert silently (``bool("no")`` is True, ``float("0.1")`` parses, ``int(1.5)``
truncates, ``np.asarray(1j, float)`` drops the imaginary part); these checks refuse instead, with a
ValueError naming the argument, when an object is built::

    boolean(True, "replace")            # bool and numpy.bool_ only
    integer(3, "batch_size", minimum=1)  # int and numpy integers, never bool nor 3.0
    real(0.1, "L", minimum=0.0)          # int/float/numpy reals, never bool, str or complex; finite
    real_array([1.0, 2.0], "sigma")      # numbers of an integer or float dtype, as float64
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["boolean", "integer", "real", "real_array"]


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def boolean(value: Any, name: str) -> bool:
    """``value`` if it is a bool (or numpy.bool_), else ValueError naming ``name``."""
    if not _is_bool(value):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def integer(value: Any, name: str, *, minimum: int | None = None) -> int:
    """``value`` as an int if it is an integer (not a bool, not a float such as 3.0) ≥ ``minimum``."""
    if _is_bool(value) or not isinstance(value, (Integral, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def real(value: Any, name: str, *, minimum: float | None = None) -> float:
    """``value`` as a finite float if it is a real number (not a bool, str or complex) ≥ ``minimum``."""
    if _is_bool(value) or not isinstance(value, (Real, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if minimum is not None and out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return out


def real_array(value: Any, name: str) -> np.ndarray:
    """``value`` (a number or nested sequence of numbers) as a float64 array.

    Integer and float arrays pass, and sequences of real number objects (sympy numbers, Fractions);
    strings, bools, complex numbers and other objects are a ValueError naming ``name``. Finiteness
    is left to the caller (some arrays may hold ±inf).
    """
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be numbers, got {value!r}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nesting
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    if arr.dtype.kind == "O" and all(isinstance(v, Real) and not _is_bool(v) for v in arr.flat):
        return arr.astype(np.float64)  # e.g. sympy numbers, Fractions
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be real numbers, got {_show(value)} (dtype {arr.dtype})")
    if not isinstance(value, np.ndarray) and arr.size and any(_is_bool(v) for v in np.asarray(value, object).flat):
        raise ValueError(f"{name} must be real numbers, not booleans, got {_show(value)}")  # [True, 1.0] upcasts
    return arr.astype(np.float64)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
