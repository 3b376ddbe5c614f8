"""A random trigonometric sum: smooth, Lipschitz and nonconvex, with a known lower bound on inf f."""

from __future__ import annotations

import numpy as np

from ..linalg import row_norms
from .base import Problem, as_batch

__all__ = ["TrigSum"]


class TrigSum(Problem):
    """f(x) = Σ_k a_k cos(w_kᵀx + φ_k): smooth, Lipschitz and nonconvex.

    W → ``W`` (K, d) rows w_k, a → ``amplitudes``, φ → ``phases``. β = Σ_k |a_k|‖w_k‖² (a bound on
    ‖∇²f‖), Lipschitz constant ≤ Σ_k |a_k|‖w_k‖; ``f_lower`` = −Σ_k |a_k| ≤ inf f (f* itself is unknown,
    so ``f_star`` is None; Δ ≤ f(x₀) − f_lower keeps the nonconvex bounds valid).
    """

    def __init__(self, W, amplitudes, phases, *, name="trig_sum"):
        W = np.atleast_2d(np.asarray(W, dtype=float))
        a = np.asarray(amplitudes, dtype=float).reshape(-1)
        ph = np.asarray(phases, dtype=float).reshape(-1)
        if a.shape != (W.shape[0],) or ph.shape != (W.shape[0],):
            raise ValueError("amplitudes and phases must have one value per row of W")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(a)) and np.all(np.isfinite(ph))):
            raise ValueError("W, amplitudes and phases must be finite")
        self.W, self.a, self.phases = W, a, ph
        self.dim, self.name = W.shape[1], name
        self.L = float(np.sum(np.abs(a) * np.einsum("kd,kd->k", W, W)))
        self.lipschitz = float(np.sum(np.abs(a) * row_norms(W)))
        self.f_lower = -float(np.sum(np.abs(a)))

    def value(self, X):
        return np.cos(as_batch(X, self.dim) @ self.W.T + self.phases) @ self.a

    def grad(self, X):
        return -(np.sin(as_batch(X, self.dim) @ self.W.T + self.phases) * self.a) @ self.W
