r"""Problems whose rows are different instances, so that a population of candidates is one ``run``.

Each class is an ordinary samlab :class:`~samlab.problems.Problem`: with B rows of parameters it
must be run with exactly B runs (row b of X sees instance b), and with one row of parameters it is
a single problem like any other (that is what a search returns for re-running).

* :class:`DiagonalQuadratics` — f_b(x) = ½ Σ_j λ_bj x_j², definite or indefinite (saddles), x* = 0.
* :class:`HuberSum` — f(x) = (μ/2)‖x‖² + (L − μ) Σ_j h_{δ_j}(x_j), convex, not quadratic, with
  exact constants: ∇²f = μI + (L − μ)diag(1{|x_j| ≤ δ_j}) takes the value L·I at x* = 0 and μ·I
  outside the box |x_j| ≤ δ_j.
* :class:`CosineSum` — f(x) = Σ_j (L/ω_j²)(1 − cos(ω_j x_j)), nonconvex, exactly L-smooth
  (f'' = L cos(ω_j x_j) ∈ [−L, L], L at 0), inf f = f* = 0 at x = 0 (and on the lattice 2πk/ω).
* :class:`BatchedLeastSquares` — one ridge least-squares finite sum per row (the single-row form is
  :class:`samlab.problems.LeastSquares`).
"""

from __future__ import annotations

import numpy as np

from ..checks import real
from ..problems.base import FiniteSum, Problem, as_batch

__all__ = ["DiagonalQuadratics", "HuberSum", "CosineSum", "BatchedLeastSquares", "huber"]


def _rows(X, problem) -> np.ndarray:
    X = as_batch(X, problem.dim)
    if problem.rows > 1 and X.shape[0] != problem.rows:
        raise ValueError(f"X must hold one point per instance ({problem.rows} rows), got {X.shape[0]}")
    return X


def _describe(problem) -> dict:
    return {"name": problem.name, "dim": int(problem.dim), "rows": int(problem.rows),
            "L": None if problem.L is None else float(problem.L),
            "mu": None if problem.mu is None else float(problem.mu)}


class DiagonalQuadratics(Problem):
    """f_b(x) = ½ Σ_j λ_bj x_j² for rows b of ``eigenvalues`` (B, d) (or (d,): one problem).

    ``L`` = max |λ|, ``mu`` = min λ over all rows when every λ ≥ 0 (then x* = 0, f* = 0 per row),
    else None (saddles: the centre 0 is a critical point, x* and f* are None). Elementwise
    arithmetic: a row gives the same bits as :class:`samlab.problems.Quadratic` of diag(λ_b).
    """

    def __init__(self, eigenvalues, *, name: str = "diagonal_quadratics"):
        eig = np.array(eigenvalues, dtype=float)
        if eig.ndim == 1:
            eig = eig[None, :]
        if eig.ndim != 2 or eig.shape[1] < 1 or eig.shape[0] < 1:
            raise ValueError(f"eigenvalues must have shape (B, d) or (d,), got {np.shape(eigenvalues)}")
        if not np.all(np.isfinite(eig)):
            raise ValueError("eigenvalues must be finite")
        self.eigenvalues = eig
        self.rows, self.dim = eig.shape
        self.name = name
        self.L = float(np.abs(eig).max())
        if eig.min() >= 0:
            self.mu = float(eig.min())
            self.x_star = np.zeros(self.dim) if self.rows == 1 else np.zeros((self.rows, self.dim))
            self.f_star = 0.0 if self.rows == 1 else np.zeros(self.rows)
        else:
            self.mu = self.x_star = self.f_star = None

    def value(self, X):
        X = _rows(X, self)
        return 0.5 * np.einsum("bj,bj->b", self.eigenvalues * X, X)

    def grad(self, X):
        return self.eigenvalues * _rows(X, self)

    def hess(self, X):
        X = _rows(X, self)
        return np.broadcast_to(np.einsum("bj,jk->bjk", self.eigenvalues, np.eye(self.dim)),
                               (X.shape[0], self.dim, self.dim))

    def describe(self):
        return _describe(self)


def huber(z, delta):
    """h_δ(z) = z²/2 for |z| ≤ δ, δ(|z| − δ/2) beyond (elementwise, δ > 0)."""
    a = np.abs(z)
    return np.where(a <= delta, 0.5 * z * z, delta * (a - 0.5 * delta))


class HuberSum(Problem):
    """f(x) = (μ/2)‖x‖² + (L − μ) Σ_j h_{δ_j}(x_j), h_δ the Huber function (:func:`huber`).

    L → ``L``, μ → ``mu`` (0 ≤ μ < L), δ → ``delta``: (d,) for one problem or (B, d) for one
    instance per row (δ > 0). Convex, L-smooth and μ-strongly convex with both constants attained
    (L at x* = 0, μ outside the box |x_j| ≤ δ_j); x* = 0, f* = 0; not a quadratic.
    """

    def __init__(self, L, mu, delta, *, name: str = "huber_sum"):
        L, mu = real(L, "L"), real(mu, "mu")
        if L <= 0:
            raise ValueError(f"L must be > 0, got {L!r}")
        if not 0 <= mu < L:
            raise ValueError(f"mu must lie in [0, L), got {mu!r}")
        delta = np.array(delta, dtype=float)
        if delta.ndim == 1:
            delta = delta[None, :]
        if delta.ndim != 2 or delta.shape[1] < 1:
            raise ValueError(f"delta must have shape (d,) or (B, d), got {np.shape(delta)}")
        if not (np.all(np.isfinite(delta)) and np.all(delta > 0)):
            raise ValueError("delta must be finite and > 0")
        self.delta = delta
        self.rows, self.dim = delta.shape
        self.L, self.mu, self.name = L, mu, name
        self.x_star = np.zeros(self.dim) if self.rows == 1 else np.zeros((self.rows, self.dim))
        self.f_star = 0.0 if self.rows == 1 else np.zeros(self.rows)

    def value(self, X):
        X = _rows(X, self)
        return 0.5 * self.mu * np.einsum("bj,bj->b", X, X) + (self.L - self.mu) * huber(X, self.delta).sum(axis=1)

    def grad(self, X):
        X = _rows(X, self)
        return self.mu * X + (self.L - self.mu) * np.clip(X, -self.delta, self.delta)

    def hess(self, X):
        X = _rows(X, self)
        diag = self.mu + (self.L - self.mu) * (np.abs(X) <= self.delta)
        return np.einsum("bj,jk->bjk", diag, np.eye(self.dim))

    def describe(self):
        return {**_describe(self), "delta": self.delta[0].tolist() if self.rows == 1 else "per row"}


class CosineSum(Problem):
    """f(x) = Σ_j (L/ω_j²)(1 − cos(ω_j x_j)): smooth, nonconvex, bounded below.

    L → ``L``, ω → ``omega``: (d,) for one problem or (B, d) for one instance per row (ω > 0).
    ∇²f = L·diag(cos(ω_j x_j)): L-smooth with L attained at x* = 0, where f* = 0 = inf f; every
    point with all ω_j x_j ∈ 2πℤ is a minimizer, and the crests ω_j x_j ∈ π + 2πℤ are saddles or
    maxima (curvature −L). The ρ-scaled cosine of Si & Yun's stall example is the 1-D member.
    """

    def __init__(self, L, omega, *, name: str = "cosine_sum"):
        L = real(L, "L")
        if L <= 0:
            raise ValueError(f"L must be > 0, got {L!r}")
        omega = np.array(omega, dtype=float)
        if omega.ndim == 1:
            omega = omega[None, :]
        if omega.ndim != 2 or omega.shape[1] < 1:
            raise ValueError(f"omega must have shape (d,) or (B, d), got {np.shape(omega)}")
        if not (np.all(np.isfinite(omega)) and np.all(omega > 0)):
            raise ValueError("omega must be finite and > 0")
        self.omega = omega
        self.rows, self.dim = omega.shape
        self.L, self.mu, self.name = L, None, name
        self._pl_mu = None
        self.x_star = np.zeros(self.dim) if self.rows == 1 else np.zeros((self.rows, self.dim))
        self.f_star = 0.0 if self.rows == 1 else np.zeros(self.rows)

    def value(self, X):
        X = _rows(X, self)
        w = self.omega
        # 1 − cos(z) = 2 sin²(z/2): no cancellation near the minimizers
        return (self.L * 2.0 * np.sin(0.5 * w * X) ** 2 / (w * w)).sum(axis=1)

    def grad(self, X):
        X = _rows(X, self)
        return self.L * np.sin(self.omega * X) / self.omega

    def hess(self, X):
        X = _rows(X, self)
        return np.einsum("bj,jk->bjk", self.L * np.cos(self.omega * X), np.eye(self.dim))

    def describe(self):
        return {**_describe(self), "omega": self.omega[0].tolist() if self.rows == 1 else "per row"}


class BatchedLeastSquares(FiniteSum):
    """Row b: f_b(x) = (1/n) Σ_i ½(a_biᵀx − b_bi)² + (reg/2)‖x‖², A of shape (B, n, d), b (B, n).

    The batched counterpart of :class:`samlab.problems.LeastSquares` (same formulas): per-row
    Hessians H_b = A_bᵀA_b/n + reg·I, minimizers x*_b (B, d) and minima f*_b (B,). ``L``, ``mu`` and
    ``L_i`` are the extremes over rows (an instance of row b is L-smooth and μ-strongly convex).
    Works with samplings that draw indices without looking at the components (``Uniform``).
    """

    def __init__(self, A, b, reg=0.0, *, name: str = "batched_least_squares"):
        A = np.array(A, dtype=float)
        b = np.array(b, dtype=float)
        if A.ndim != 3 or b.shape != A.shape[:2]:
            raise ValueError(f"A must have shape (B, n, d) and b (B, n), got {A.shape} and {b.shape}")
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
            raise ValueError("A and b must be finite")
        reg = real(reg, "reg", minimum=0.0)
        self.A, self.b, self.reg, self.name = A, b, reg, name
        self.rows, self.n, self.dim = A.shape
        self.hessian_matrix = np.einsum("bni,bnj->bij", A, A) / self.n + reg * np.eye(self.dim)
        eig = np.linalg.eigvalsh(self.hessian_matrix)
        self.L, self.mu = float(eig[:, -1].max()), float(max(eig[:, 0].min(), 0.0))
        self.row_norms2 = np.einsum("bni,bni->bn", A, A)
        self.L_i = (self.row_norms2 + reg).max(axis=0)
        self._Ab = np.einsum("bni,bn->bi", A, b) / self.n
        self.x_star = np.linalg.solve(self.hessian_matrix, self._Ab[:, :, None])[:, :, 0]
        self.f_star = self.value(self.x_star)

    def value(self, X):
        X = _rows(X, self)
        r = np.einsum("bni,bi->bn", self.A, X) - self.b
        return 0.5 * np.einsum("bn,bn->b", r, r) / self.n + 0.5 * self.reg * np.einsum("bi,bi->b", X, X)

    def grad(self, X):
        X = _rows(X, self)
        return np.einsum("bij,bj->bi", self.hessian_matrix, X) - self._Ab

    def hess(self, X):
        X = _rows(X, self)
        return self.hessian_matrix.copy()

    def component_values(self, X):
        X = _rows(X, self)
        r = np.einsum("bni,bi->bn", self.A, X) - self.b
        return 0.5 * r * r + 0.5 * self.reg * np.einsum("bi,bi->b", X, X)[:, None]

    def component_grad(self, X, idx, coef):
        rows = np.arange(self.rows)[:, None]
        a = self.A[rows, idx]  # (B, k, d)
        r = np.einsum("bkd,bd->bk", a, X) - self.b[rows, idx]
        g = np.einsum("bk,bkd->bd", coef * r, a)
        if self.reg:
            g += (self.reg * coef.sum(axis=1))[:, None] * X
        return g

    def component_inf(self):
        """(B, n) f_bi^inf = reg·b_bi²/(2(‖a_bi‖² + reg)) (0 without ridge)."""
        if self.reg == 0:
            return np.zeros((self.rows, self.n))
        return self.reg * self.b**2 / (2.0 * (self.row_norms2 + self.reg))

    @property
    def delta_inf(self):
        """(B,) Δ^inf_b = f*_b − (1/n) Σ_i f_bi^inf."""
        return np.maximum(self.f_star - self.component_inf().mean(axis=1), 0.0)

    def describe(self):
        return {**_describe(self), "n": int(self.n), "reg": self.reg}
