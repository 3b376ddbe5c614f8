"""Problems from a sympy expression: batched value, gradient and Hessian, lambdified to NumPy."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import sympy as sp

from .base import Problem, as_batch

__all__ = ["SymbolicProblem", "from_expression"]


class SymbolicProblem(Problem):
    """f given symbolically; ∇f and ∇²f are derived by sympy and compiled with ``lambdify``.

    Known constants (L, μ, x*, f*) can be supplied; nothing is guessed.
    """

    def __init__(self, expr, variables: Sequence[sp.Symbol], *, name=None, L=None, mu=None,
                 x_star=None, f_star=None, pl_mu=None):
        self.expr = expr
        self.variables = tuple(variables)
        self.dim = len(self.variables)
        self.name = name or str(expr)
        self.gradient_exprs = [sp.diff(expr, v) for v in self.variables]
        self.hessian_exprs = [[sp.diff(g, v) for v in self.variables] for g in self.gradient_exprs]
        self._f = sp.lambdify(self.variables, expr, "numpy")
        # one compiled function per derivative order, with common subexpressions shared (cse)
        self._g = sp.lambdify(self.variables, self.gradient_exprs, "numpy", cse=True)
        self._h = sp.lambdify(self.variables, self.hessian_exprs, "numpy", cse=True)
        self.L = None if L is None else float(L)
        self.mu = None if mu is None else float(mu)
        self._pl_mu = None if pl_mu is None else float(pl_mu)
        if x_star is not None:
            x_star = np.array(x_star, dtype=float).reshape(-1)
            if x_star.shape != (self.dim,):
                raise ValueError(f"x_star must have shape ({self.dim},), got {x_star.shape}")
        self.x_star = x_star
        if f_star is None and x_star is not None:
            f_star = float(self.value(x_star)[0])
        self.f_star = None if f_star is None else float(f_star)

    def _columns(self, X):
        return [X[:, j] for j in range(self.dim)]

    def value(self, X):
        X = as_batch(X, self.dim)
        return np.broadcast_to(np.asarray(self._f(*self._columns(X)), dtype=float), (X.shape[0],)).copy()

    def grad(self, X):
        X = as_batch(X, self.dim)
        cols = self._columns(X)
        out = np.empty_like(X)
        for j, component in enumerate(self._g(*cols)):
            out[:, j] = component
        return out

    def hess(self, X):
        X = as_batch(X, self.dim)
        cols = self._columns(X)
        out = np.empty((X.shape[0], self.dim, self.dim))
        for i, row in enumerate(self._h(*cols)):
            for j, entry in enumerate(row):
                out[:, i, j] = entry
        return out

    def critical_points(self, domain: str = "real") -> np.ndarray:
        """Solutions of ∇f = 0 found by sympy (finite sets only), shape (m, d).

        Raises ValueError when sympy cannot give a finite list (e.g. periodic functions): use
        :meth:`refine_critical_point` from a guess instead.
        """
        sols = sp.solve(self.gradient_exprs, self.variables, dict=True)
        points = []
        for sol in sols:
            if len(sol) != self.dim:
                raise ValueError("the critical set is not a finite set of points")
            vals = [complex(sp.N(sol[v])) for v in self.variables]
            if domain == "real" and any(abs(v.imag) > 1e-12 for v in vals):
                continue
            points.append([v.real for v in vals])
        return np.array(points, dtype=float).reshape(-1, self.dim)

    def refine_critical_point(self, guess) -> np.ndarray:
        """Newton's method on ∇f = 0 from ``guess`` (scipy.optimize.root with the exact Jacobian)."""
        from scipy import optimize

        sol = optimize.root(lambda x: self.grad(x[None, :])[0], np.asarray(guess, dtype=float),
                            jac=lambda x: self.hess(x[None, :])[0], tol=1e-15)
        if not sol.success:
            raise ValueError(f"no critical point found near {guess!r}: {sol.message}")
        return sol.x

    def hessian_eigenvalues(self, x) -> np.ndarray:
        """Eigenvalues of ∇²f(x), ascending (index = number of negative ones)."""
        return np.linalg.eigvalsh(self.hess(np.asarray(x, dtype=float)[None, :])[0])


def from_expression(expr, variables: Iterable | None = None, **known) -> SymbolicProblem:
    """A sympy expression or string → :class:`SymbolicProblem`.

    Variables default to the free symbols sorted by name (so ``"x**2 - y**2"`` has x first).
    Keywords ``L``, ``mu``, ``pl_mu``, ``x_star``, ``f_star``, ``name`` supply known constants.
    """
    if isinstance(expr, str):
        try:
            expr = sp.sympify(expr)
        except (sp.SympifyError, SyntaxError) as exc:
            raise ValueError(f"expr could not be parsed: {exc}") from None
    if not isinstance(expr, sp.Expr):
        raise ValueError(f"expr must be a sympy expression or string, got {type(expr).__name__}")
    if variables is None:
        variables = sorted(expr.free_symbols, key=lambda s: s.name)
    else:
        variables = [sp.Symbol(v) if isinstance(v, str) else v for v in variables]
    if not variables:
        raise ValueError("expr has no variables")
    extra = expr.free_symbols - set(variables)
    if extra:
        raise ValueError(f"expr has symbols that are not variables: {sorted(map(str, extra))}")
    return SymbolicProblem(expr, variables, **known)
