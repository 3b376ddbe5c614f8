"""A family of quadratics, one per run, so that a sweep over instances is ONE batched run.

Run b of a batched ``samlab.run`` minimizes its own f_b(x) = ½(x − c_b)ᵀH_b(x − c_b): random saddles
of any index, or a (ρ, |λ₋|) grid of saddles (Kim et al. 2023), advance together as one (B, d) array.
"""

from __future__ import annotations

import numpy as np

from ..seeding import rng
from .base import Problem, as_batch
from .quadratic import random_rotation

__all__ = ["SaddleFamily"]


class SaddleFamily(Problem):
    """One quadratic per run: run b minimizes f_b(x) = ½(x − c_b)ᵀH_b(x − c_b).

    ``H``: (B, d, d) symmetric matrices (or (B, d) eigenvalues via :meth:`from_spectra`);
    ``center``: (d,) or (B, d), default 0. A batched ``samlab.run`` must use exactly B runs (run b
    sees f_b), so a sweep over instances is one run. ``eigenvalues`` (B, d) ascending,
    ``eigenvectors`` (B, d, d) (columns). Critical point of every member: its centre.
    """

    def __init__(self, H, center=None, *, name: str = "saddle_family"):
        H = np.array(H, dtype=float)
        if H.ndim != 3 or H.shape[1] != H.shape[2] or H.shape[0] < 1:
            raise ValueError(f"H must have shape (B, d, d), got {H.shape}")
        if not np.all(np.isfinite(H)):
            raise ValueError("H must be finite")
        scale = max(1.0, float(np.abs(H).max()))
        if np.max(np.abs(H - np.swapaxes(H, 1, 2))) > 1e-12 * scale:
            raise ValueError("H must be symmetric")
        self.H = 0.5 * (H + np.swapaxes(H, 1, 2))
        self.runs, self.dim = H.shape[0], H.shape[1]
        c = np.zeros(self.dim) if center is None else np.array(center, dtype=float)
        if c.shape not in ((self.dim,), (self.runs, self.dim)) or not np.all(np.isfinite(c)):
            raise ValueError(f"center must be finite with shape ({self.dim},) or ({self.runs}, {self.dim})")
        self.center = np.broadcast_to(c, (self.runs, self.dim)).copy()
        self.eigenvalues, self.eigenvectors = np.linalg.eigh(self.H)
        self.name = name
        self.L = float(np.abs(self.eigenvalues).max())
        self.mu = None
        self.x_star = None
        self.f_star = None

    @classmethod
    def from_spectra(cls, eigenvalues, seed=None, *, center=None, name: str = "saddle_family"):
        """H_b = Q_b diag(λ_b) Q_bᵀ; Q_b Haar-random from ``seed`` (``seed=None``: diagonal H_b).

        ``seed``: a non-negative integer (the generator ``samlab.seeding.rng(seed)``) or a
        ``numpy.random.Generator``, e.g. ``rng(seed, "saddle-rotations")`` (drawn in run order).
        """
        eig = np.array(eigenvalues, dtype=float)
        if eig.ndim != 2 or eig.shape[1] < 1:
            raise ValueError(f"eigenvalues must have shape (B, d), got {eig.shape}")
        if not np.all(np.isfinite(eig)):
            raise ValueError("eigenvalues must be finite")
        if seed is None:
            H = np.einsum("bi,ij->bij", eig, np.eye(eig.shape[1]))
        else:
            gen = seed if isinstance(seed, np.random.Generator) else rng(seed)
            Q = np.stack([random_rotation(eig.shape[1], gen) for _ in range(eig.shape[0])])
            H = np.einsum("bik,bk,bjk->bij", Q, eig, Q)
        return cls(H, center=center, name=name)

    def _z(self, X):
        X = as_batch(X, self.dim)
        if X.shape[0] != self.runs:
            raise ValueError(f"X must hold one point per family member ({self.runs}), got {X.shape[0]}")
        return X - self.center

    def value(self, X):
        Z = self._z(X)
        return 0.5 * np.einsum("bi,bij,bj->b", Z, self.H, Z)

    def grad(self, X):
        return np.einsum("bij,bj->bi", self.H, self._z(X))

    def hess(self, X):
        self._z(X)
        return self.H.copy()

    def project(self, X, j: int = 0) -> np.ndarray:
        """(B,) coordinate of x − c along eigenvector j (ascending order: j = 0 is the most negative)."""
        return np.einsum("bi,bi->b", self._z(X), self.eigenvectors[:, :, j])

    def describe(self):
        return {**super().describe(), "runs": int(self.runs)}
