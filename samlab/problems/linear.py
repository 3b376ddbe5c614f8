"""The linear function f(x) = cᵀx: a constant gradient, so a method's state does not depend on x.

With additive gradient noise (``samlab.noise.Gaussian``) every stochastic gradient is c + ξ_k
wherever the iterate is, so the law of a perturbation built from past gradients (VaSSO's and
F-SAM's moving averages) is exactly that of a fixed point x: the iterate may move, the measured
perturbation y − x does not feel it.
"""

from __future__ import annotations

import numpy as np

from .base import Problem, as_batch

__all__ = ["Linear"]


class Linear(Problem):
    """f(x) = cᵀx in R^d (``c`` → the constant gradient ∇f ≡ c; unbounded below: f* and x* are None).

    ∇²f = 0, so L = 0 (the gradient is 0-Lipschitz) and μ is None.
    """

    def __init__(self, c, *, name: str | None = None):
        c = np.asarray(c, dtype=float)
        if c.ndim != 1 or c.size < 1 or not np.all(np.isfinite(c)):
            raise ValueError(f"c must be a finite 1-D array with at least one entry, got {c!r}")
        self.c = c.copy()
        self.dim = int(c.size)
        self.name = name or f"linear(d={self.dim})"
        self.L = 0.0
        self.mu = None
        self.x_star = None
        self.f_star = None

    def value(self, X):
        X = as_batch(X, self.dim)
        return X @ self.c

    def grad(self, X):
        X = as_batch(X, self.dim)
        return np.broadcast_to(self.c, X.shape).copy()

    def hess(self, X):
        X = as_batch(X, self.dim)
        return np.zeros((X.shape[0], self.dim, self.dim))
