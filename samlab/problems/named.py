"""The named test functions of the four papers, with their known constants."""

from __future__ import annotations

import numpy as np
import sympy as sp

from .base import Problem, as_batch
from .symbolic import SymbolicProblem, from_expression

__all__ = ["beale", "neg_cos", "scaled_cosine", "pl_sine", "rosenbrock", "LogLoss", "log_loss"]

x, y = sp.symbols("x y")


def beale() -> SymbolicProblem:
    """Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².

    Minimum f* = 0 at (3, 0.5); saddle at (0, 1) with f = 14.203125 and Hessian eigenvalues ±27.75
    (the saddle where SAM gets stuck in Kim et al. 2023's Beale figure).
    """
    expr = (sp.Rational(3, 2) - x + x * y) ** 2 + (sp.Rational(9, 4) - x + x * y**2) ** 2 \
        + (sp.Rational(21, 8) - x + x * y**3) ** 2
    return from_expression(expr, [x, y], name="beale", x_star=(3.0, 0.5), f_star=0.0)


def neg_cos() -> SymbolicProblem:
    """f(x) = −cos x: L = 1, minimum −1 at 0 (constant-ρ SAM stalls at the hallucinated point 2π − ρ)."""
    return from_expression(-sp.cos(x), [x], name="neg_cos", L=1.0, x_star=(0.0,), f_star=-1.0)


def scaled_cosine(rho: float, beta: float = 1.0) -> SymbolicProblem:
    """Si & Yun E4: f(x) = −(βP²/(4π²)) cos(2πx/P) with period P = 4ρ/3.

    f' = (βP/(2π)) sin(2πx/P) is β-Lipschitz; ‖f'‖ ≤ 2βρ/(3π). SAM with radius ρ stalls at x̂ = m − ρ
    where |f'(x̂)| = 2βρ/(3π) (construction E4 of samlab.setups.si_yun_2023 [derived]).
    """
    rho, beta = float(rho), float(beta)
    if not rho > 0:
        raise ValueError(f"rho must be > 0, got {rho!r}")
    if not beta > 0:
        raise ValueError(f"beta must be > 0, got {beta!r}")
    P = sp.Rational(4, 3) * sp.nsimplify(rho)
    b = sp.nsimplify(beta)
    expr = -(b * P**2 / (4 * sp.pi**2)) * sp.cos(2 * sp.pi * x / P)
    return from_expression(expr, [x], name=f"scaled_cosine(rho={rho:g}, beta={beta:g})", L=beta,
                           x_star=(0.0,), f_star=float(-(b * P**2 / (4 * sp.pi**2))))


def pl_sine() -> SymbolicProblem:
    """f(x) = x² + 3 sin² x: nonconvex, PL with μ = 1/32 (Karimi et al. 2016), L = 8, x* = 0, f* = 0."""
    return from_expression(x**2 + 3 * sp.sin(x) ** 2, [x], name="pl_sine", L=8.0, pl_mu=1.0 / 32.0,
                           x_star=(0.0,), f_star=0.0)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> SymbolicProblem:
    """(a − x)² + b(y − x²)², minimum 0 at (a, a²)."""
    return from_expression((a - x) ** 2 + b * (y - x**2) ** 2, [x, y], name="rosenbrock",
                           x_star=(a, a * a), f_star=0.0)


class LogLoss(Problem):
    """f(x) = Σ_i log(1 + (Ax − b)_i²) (Khanh et al., Remark 3.6): nonconvex, ∇f Lipschitz with L = 2‖A‖₂².

    When Ax = b is solvable the minimum is f* = 0 at a solution (the least-squares one is stored).
    """

    def __init__(self, A, b, *, name: str = "log_loss"):
        A = np.array(A, dtype=float)
        if A.ndim != 2:
            raise ValueError(f"A must be a 2-D array, got shape {A.shape}")
        b = np.array(b, dtype=float).reshape(-1)
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},), got {b.shape}")
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
            raise ValueError("A and b must be finite")
        self.A, self.b = A, b
        self.dim = A.shape[1]
        self.name = name
        self.L = float(2.0 * np.linalg.norm(A, 2) ** 2)
        self.mu = None
        sol = np.linalg.lstsq(A, b, rcond=None)[0]
        if np.linalg.norm(A @ sol - b) <= 1e-10 * (1.0 + np.linalg.norm(b)):
            self.x_star, self.f_star = sol, 0.0
        else:
            self.x_star, self.f_star = None, None

    def value(self, X):
        X = as_batch(X, self.dim)
        r = X @ self.A.T - self.b
        return np.log1p(r * r).sum(axis=1)

    def grad(self, X):
        X = as_batch(X, self.dim)
        r = X @ self.A.T - self.b
        return (2.0 * r / (1.0 + r * r)) @ self.A

    def hess(self, X):
        X = as_batch(X, self.dim)
        r = X @ self.A.T - self.b
        w = 2.0 * (1.0 - r * r) / (1.0 + r * r) ** 2
        return np.einsum("bm,mi,mj->bij", w, self.A, self.A)


def log_loss(A, b) -> LogLoss:
    """Σ_i log(1 + (Ax − b)_i²)."""
    return LogLoss(A, b)
