"""The isotropic quadratic ½λ‖x‖²: n independent copies of a 1-D quadratic in one run.

One batched run on it advances n independent 1-D paths per run (as many as its dimension), whose
mean square the recorded value gives exactly; Kim et al. 2023's diffusion along one eigen-direction
of a saddle is simulated this way.
"""

from __future__ import annotations

import numpy as np

from .base import Problem, as_batch

__all__ = ["IsotropicQuadratic"]


class IsotropicQuadratic(Problem):
    """f(x) = ½λ‖x‖² in R^n: n independent copies of the 1-D quadratic ½λz² (λ of any sign).

    With i.i.d. per-coordinate noise (``samlab.noise.MinibatchNoise(|λ|·I, B)`` or
    ``samlab.noise.Gaussian(σ)``), one run of GD or USAM advances n independent paths of the 1-D
    process (the coordinates never mix: USAM's perturbation ρ∇f acts coordinatewise; not so for
    normalized SAM), and the recorded value gives their mean square: MSD = (1/n)Σ z_i² = 2f/(λn)
    (:meth:`msd`). Along the unstable eigenvector of a saddle whose noise covariance is diagonal in
    the eigenbasis (|H|/B), this is exactly the 1-D motion of SGD / USAM there; ``curvature`` λ,
    ``dim`` n.
    """

    def __init__(self, curvature: float, dim: int, *, name: str | None = None):
        lam = float(curvature)
        if not (np.isfinite(lam) and lam != 0):
            raise ValueError(f"curvature must be finite and nonzero, got {curvature!r}")
        if isinstance(dim, bool) or int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive integer, got {dim!r}")
        self.curvature, self.dim = lam, int(dim)
        self.name = name or f"isotropic_quadratic(lam={lam:g}, n={int(dim)})"
        self.L = abs(lam)
        self.mu = lam if lam > 0 else None
        self.x_star = np.zeros(self.dim) if lam > 0 else None
        self.f_star = 0.0 if lam > 0 else None

    def value(self, X):
        X = as_batch(X, self.dim)
        return 0.5 * self.curvature * np.einsum("bi,bi->b", X, X)

    def grad(self, X):
        return self.curvature * np.asarray(X, dtype=float)

    def hess(self, X):
        X = as_batch(X, self.dim)
        return np.broadcast_to(self.curvature * np.eye(self.dim), (X.shape[0], self.dim, self.dim))

    def msd(self, f) -> np.ndarray:
        """Mean square of the coordinates from recorded values f (any shape): 2f/(λn)."""
        return 2.0 * np.asarray(f, dtype=float) / (self.curvature * self.dim)
