"""Quadratics f(x) = ½(x − c)ᵀH(x − c) + f_c, definite or indefinite (saddles).

A diagonal H is evaluated elementwise (∇f = (x − c) ⊙ diag H): exact per coordinate, faster than
a matrix product, and row-independent, so a batch of runs equals the loop of single runs bit for
bit. A general H goes through a BLAS matrix product.
"""

from __future__ import annotations

import numpy as np

from ..checks import boolean, real, real_array
from .base import Problem, as_batch

__all__ = ["Quadratic", "quadratic_saddle", "random_rotation"]


def random_rotation(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


class Quadratic(Problem):
    """f(x) = ½(x − x*)ᵀH(x − x*) + f*.

    ``L`` = λ_max(H) and ``mu`` = λ_min(H) from the eigenvalues. For an indefinite H the centre is a
    saddle: ``x_star``/``f_star`` are then None and the centre is ``center`` (with value ``f_center``).
    """

    def __init__(self, H, x_star=None, f_star=0.0, *, name: str = "quadratic"):
        H = real_array(H, "H")
        if H.ndim != 2 or H.shape[0] != H.shape[1]:
            raise ValueError(f"H must be a square matrix, got shape {H.shape}")
        if H.size == 0:
            raise ValueError("H must not be empty (a 0 × 0 matrix has no dimension to optimize)")
        if not isinstance(name, str):
            raise ValueError(f"name must be a string, got {name!r}")
        if not np.all(np.isfinite(H)):
            raise ValueError("H must be finite")
        if not np.allclose(H, H.T, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(H).max())):
            raise ValueError("H must be symmetric")
        H = 0.5 * (H + H.T)
        self.dim = H.shape[0]
        self.H = H
        off_diagonal = H.copy()
        np.fill_diagonal(off_diagonal, 0.0)
        # diag H when H is diagonal (then evaluated elementwise), else None
        self.diagonal = None if np.any(off_diagonal) else np.diagonal(H).copy()
        self.eigenvalues = np.linalg.eigvalsh(H)
        center = np.zeros(self.dim) if x_star is None else real_array(x_star, "x_star").reshape(-1)
        if center.shape != (self.dim,):
            raise ValueError(f"x_star must have shape ({self.dim},), got {np.shape(x_star)}")
        if not np.all(np.isfinite(center)):
            raise ValueError("x_star must be finite")
        if f_star is not None:
            f_star = real(f_star, "f_star")
        self.center = center
        self.f_center = 0.0 if f_star is None else f_star
        self.name = name
        self._zero_center = not np.any(center)
        lam_min, lam_max = float(self.eigenvalues[0]), float(self.eigenvalues[-1])
        self.L = max(abs(lam_min), abs(lam_max))
        if lam_min >= 0:
            self.mu = lam_min
            self.x_star = center
            self.f_star = self.f_center
        else:
            self.mu = None
            self.x_star = None
            self.f_star = None

    @classmethod
    def from_spectrum(cls, eigenvalues, seed=0, *, x_star=None, f_star=0.0, rotate=True, name="quadratic"):
        """H = Q diag(eigenvalues) Qᵀ with a Haar-random Q drawn from ``seed`` (``rotate=False``: diagonal).

        Rotated Hessians avoid an artefact of axis-aligned ones: on a diagonal H the coordinates outside the top
        eigen-direction decay to the float64 underflow limit exactly, which a rotation prevents.
        """
        eig = real_array(eigenvalues, "eigenvalues").reshape(-1)
        if eig.size == 0:
            raise ValueError("eigenvalues must not be empty")
        if boolean(rotate, "rotate"):
            q = random_rotation(eig.size, np.random.default_rng(seed))
            H = (q * eig) @ q.T
        else:
            H = np.diag(eig)
        return cls(H, x_star=x_star, f_star=f_star, name=name)

    @property
    def pl_mu(self) -> float | None:
        """Smallest positive eigenvalue (the PL constant of a PSD quadratic), None if indefinite."""
        if self.eigenvalues[0] < 0:
            return None
        positive = self.eigenvalues[self.eigenvalues > 1e-14 * max(self.L, 1e-300)]
        return float(positive[0]) if positive.size else None

    @property
    def top_eigenvector(self) -> np.ndarray:
        _, vecs = np.linalg.eigh(self.H)
        return vecs[:, -1]

    def _shift(self, X):
        return X if self._zero_center else X - self.center

    def _times_H(self, Z):
        """Z H for a batch Z (B, d): elementwise when H is diagonal, a BLAS product otherwise."""
        return Z * self.diagonal if self.diagonal is not None else Z @ self.H

    def value(self, X):
        X = as_batch(X, self.dim)
        Z = self._shift(X)
        return 0.5 * np.einsum("bi,bi->b", self._times_H(Z), Z) + self.f_center

    def grad(self, X):
        X = as_batch(X, self.dim)
        return self._times_H(self._shift(X))

    def hess(self, X):
        X = as_batch(X, self.dim)
        return np.broadcast_to(self.H, (X.shape[0], self.dim, self.dim))

    def critical_points(self) -> np.ndarray:
        """The centre (the only critical point when H is nonsingular), shape (1, d)."""
        return self.center[None, :].copy()

    def hessian_eigenvalues(self, x=None) -> np.ndarray:
        return self.eigenvalues.copy()


def quadratic_saddle(eigenvalues=(2.0, -2.0), *, center=None, seed=None) -> Quadratic:
    """Quadratic saddle ½ Σ_j λ_j z_j² with the given eigenvalues (default x² − y²).

    With ``seed`` the eigenbasis is a random rotation (Kim et al.: random quadratic saddles).
    """
    eig = real_array(eigenvalues, "eigenvalues")
    if not np.any(eig < 0):
        raise ValueError("eigenvalues must contain a negative one for a saddle")
    if seed is None:
        H = np.diag(eig)
        q = Quadratic(H, x_star=center, f_star=0.0, name="saddle")
    else:
        q = Quadratic.from_spectrum(eig, seed=seed, x_star=center, f_star=0.0, name="saddle")
    return q
