"""Named problems: a builder and its typed parameters per name, for configs and other front ends.

    build_problem("least_squares", n=100, d=20, seed=0, reg=0.01)
    register_problem("my_problem", builder, {"scale": "float"})   # then `kind = "my_problem"` in TOML

Parameter types: ``int``, ``float``, ``floats`` (a list), ``str``, ``bool``. Random data (least
squares, logistic regression, log-loss) comes from ``samlab.seeding.rng(seed, "problem-data")``:
A and x_true ~ N(0, 1), b = A x_true + label_noise·ε.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from ..seeding import rng
from .base import Problem
from .finite_sums import LeastSquares
from .named import beale, log_loss, neg_cos, pl_sine, rosenbrock, scaled_cosine
from .quadratic import Quadratic, quadratic_saddle
from .symbolic import from_expression

__all__ = ["PROBLEMS", "PARAMETER_TYPES", "build_problem", "register_problem"]

PARAMETER_TYPES = ("int", "float", "floats", "str", "bool")


def logistic_regression(A, y, reg):
    from .finite_sums import LogisticRegression

    return LogisticRegression(A, y, reg)


def _data_rng(seed: int) -> np.random.Generator:
    return rng(seed, "problem-data")


def _least_squares(n=100, d=20, seed=0, reg=0.0, label_noise=0.1):
    rng = _data_rng(seed)
    A = rng.standard_normal((n, d))
    x_true = rng.standard_normal(d)
    b = A @ x_true + label_noise * rng.standard_normal(n)
    return LeastSquares(A, b, reg=reg)


def _logistic(n=100, d=20, seed=0, reg=0.01):
    rng = _data_rng(seed)
    A = rng.standard_normal((n, d))
    x_true = rng.standard_normal(d)
    y = np.where(A @ x_true + 0.5 * rng.standard_normal(n) >= 0, 1.0, -1.0)
    return logistic_regression(A, y, reg)


def _quadratic(eigenvalues=None, L=None, mu=None, d=None, seed=0, rotate=True):
    if eigenvalues is None:
        if L is None or mu is None or d is None:
            raise ValueError("give eigenvalues, or L, mu and d (log-spaced spectrum in [mu, L])")
        if not 0 < mu <= L:
            raise ValueError(f"need 0 < mu <= L, got mu={mu!r}, L={L!r}")
        eigenvalues = np.geomspace(mu, L, d)
    return Quadratic.from_spectrum(eigenvalues, seed=seed, rotate=rotate)


def _saddle(eigenvalues=(2.0, -2.0), seed=None):
    return quadratic_saddle(eigenvalues, seed=seed)


def _expression(expression, x_star=None, f_star=None, L=None):
    """The text goes through samlab's whitelist parser (never evaluated), like any ``from_expression`` string."""
    known = {k: v for k, v in (("x_star", x_star), ("f_star", f_star), ("L", L)) if v is not None}
    try:
        return from_expression(expression, name=expression, **known)
    except ValueError as exc:  # the library names its argument ``expr``; here the key is ``expression``
        text = str(exc)
        raise ValueError("expression" + text[4:] if re.match(r"expr\b", text) else text) from None


def _log_loss(m=10, d=10, seed=0):
    rng = _data_rng(seed)
    return log_loss(rng.standard_normal((m, d)), rng.standard_normal(m))


PROBLEMS: dict[str, tuple[Callable[..., Problem], dict[str, str]]] = {
    "least_squares": (_least_squares, {"n": "int", "d": "int", "seed": "int", "reg": "float", "label_noise": "float"}),
    "logistic_regression": (_logistic, {"n": "int", "d": "int", "seed": "int", "reg": "float"}),
    "quadratic": (_quadratic, {"eigenvalues": "floats", "L": "float", "mu": "float", "d": "int", "seed": "int",
                               "rotate": "bool"}),
    "quadratic_saddle": (_saddle, {"eigenvalues": "floats", "seed": "int"}),
    "expression": (_expression, {"expression": "str", "x_star": "floats", "f_star": "float", "L": "float"}),
    "beale": (beale, {}),
    "log_loss": (_log_loss, {"m": "int", "d": "int", "seed": "int"}),
    "scaled_cosine": (scaled_cosine, {"rho": "float", "beta": "float"}),
    "neg_cos": (neg_cos, {}),
    "pl_sine": (pl_sine, {}),
    "rosenbrock": (rosenbrock, {"a": "float", "b": "float"}),
}


def register_problem(name: str, builder: Callable[..., Problem], params: dict[str, str]) -> None:
    """Make ``name`` build problems with ``builder(**params)``; ``params`` maps each keyword to its type."""
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"name must be lowercase letters, digits and '_', got {name!r}")
    if not callable(builder):
        raise ValueError(f"builder must be callable, got {builder!r}")
    if not isinstance(params, dict) or any(t not in PARAMETER_TYPES for t in params.values()):
        raise ValueError(f"params must map keywords to one of {PARAMETER_TYPES}, got {params!r}")
    if name in PROBLEMS and PROBLEMS[name][0] is not builder:
        raise ValueError(f"problem {name!r} is already registered")
    PROBLEMS[name] = (builder, dict(params))


def build_problem(name: str, **params: Any) -> Problem:
    """The problem ``name`` built with ``params`` (unknown names and keywords are a ValueError)."""
    if name not in PROBLEMS:
        raise ValueError(f"unknown problem {name!r} (known: {', '.join(PROBLEMS)})")
    builder, types = PROBLEMS[name]
    unknown = sorted(set(params) - set(types))
    if unknown:
        raise ValueError(f"a {name} problem takes no {', '.join(map(repr, unknown))} (it takes {', '.join(types) or 'nothing'})")
    return builder(**params)
