"""A flat-bottomed convex sum: convex and smooth, but not strongly convex at its minimizers."""

from __future__ import annotations

import numpy as np

from .base import Problem, as_batch

__all__ = ["FlatConvex", "PHI_SMOOTHNESS"]

PHI_SMOOTHNESS = 2.5
"""max_s φ''(s) = 5/2 (attained at s² = 1) for φ(s) = s⁴/(1 + s²); derived with sympy in
:func:`samlab.theory.si_yun_2023.flat_phi_exprs`, and the tests check that the two agree."""


class FlatConvex(Problem):
    """f(x) = Σ_j w_j φ(u_jᵀ(x − c)), φ(s) = s⁴/(1 + s²): convex, smooth, NOT strongly convex at x*.

    U → ``U`` (m, d) rows u_j, c → ``center`` (a minimizer, f* = 0), w → ``weights`` (> 0, default 1).
    φ'' = 2 + (6s² − 2)/(1 + s²)³ ∈ [0, 5/2], so f is convex with β = (5/2)·λ_max(Σ_j w_j u_j u_jᵀ) and
    μ = 0. Near x*, f − f* ~ s⁴: a convex problem where constant-step SAM has a floor set by η but no
    strong convexity (Si & Yun 2023, deterministic convex case).
    """

    def __init__(self, U, center, weights=None, *, name="flat_convex"):
        U = np.atleast_2d(np.asarray(U, dtype=float))
        if U.ndim != 2 or not np.all(np.isfinite(U)):
            raise ValueError("U must be a finite (m, d) array")
        self.U = U
        self.dim = U.shape[1]
        c = np.asarray(center, dtype=float).reshape(-1)
        if c.shape != (self.dim,) or not np.all(np.isfinite(c)):
            raise ValueError(f"center must have shape ({self.dim},)")
        w = np.ones(U.shape[0]) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
        if w.shape != (U.shape[0],) or np.any(w <= 0):
            raise ValueError("weights must be > 0, one per row of U")
        self.w, self.center, self.name = w, c, name
        self.L = PHI_SMOOTHNESS * float(np.linalg.eigvalsh((U.T * w) @ U)[-1])
        self.mu = 0.0
        self.x_star, self.f_star = c.copy(), 0.0

    def _r(self, X):
        return (as_batch(X, self.dim) - self.center) @ self.U.T

    def value(self, X):
        r = self._r(X)
        r2 = r * r
        return (r2 * r2 / (1.0 + r2)) @ self.w

    def grad(self, X):
        r = self._r(X)
        r2 = r * r
        dphi = (2.0 * r2 + 4.0) * r2 * r / (1.0 + r2) ** 2
        return (dphi * self.w) @ self.U
