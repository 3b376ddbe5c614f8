"""Problems from a sympy expression: batched value, gradient and Hessian, lambdified to NumPy.

A string is parsed by :func:`samlab.problems.expression.parse_expression` (a whitelist; the text
is never evaluated); a sympy expression built in Python is checked for smoothness the same way.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import sympy as sp

from ..checks import real, real_array
from .base import Problem, as_batch
from .expression import check_smooth, check_variable_name, parse_expression

__all__ = ["SymbolicProblem", "from_expression"]


class SymbolicProblem(Problem):
    """f given symbolically; ∇f and ∇²f are derived by sympy and compiled with ``lambdify``.

    Known constants (L, μ, x*, f*) can be supplied; nothing is guessed.
    """

    def __init__(self, expr, variables: Sequence[sp.Symbol], *, name=None, L=None, mu=None,
                 x_star=None, f_star=None, pl_mu=None):
        if not isinstance(expr, sp.Expr):
            raise ValueError(f"expr must be a sympy expression, got {type(expr).__name__}")
        check_smooth(expr)
        variables = tuple(variables)
        if not variables:
            raise ValueError("variables must not be empty (expr has no variables)")
        for v in variables:
            if not isinstance(v, sp.Symbol):
                raise ValueError(f"variables must be sympy Symbols, got {v!r}")
        names = [v.name for v in variables]
        if len(set(names)) != len(names):
            raise ValueError(f"variables: {next(n for n in names if names.count(n) > 1)!r} is given twice")
        extra = expr.free_symbols - set(variables)
        if extra:
            raise ValueError(f"expr has symbols that are not variables: {sorted(map(str, extra))}")
        if name is not None and not isinstance(name, str):
            raise ValueError(f"name must be a string, got {name!r}")
        # known constants are checked before the (slower) symbolic derivatives
        self.L = None if L is None else real(L, "L", minimum=0.0)
        self.mu = None if mu is None else real(mu, "mu", minimum=0.0)
        if self.L is not None and self.mu is not None and self.mu > self.L:
            raise ValueError(f"mu must be <= L, got mu={self.mu!r} > L={self.L!r}")
        self._pl_mu = None if pl_mu is None else real(pl_mu, "pl_mu", minimum=0.0)
        if f_star is not None:
            f_star = real(f_star, "f_star")
        d = len(variables)
        if x_star is not None:
            x_star = real_array(x_star, "x_star")
            if x_star.shape not in ((d,), (1, d)) and not (x_star.ndim == 0 and d == 1):
                raise ValueError(f"x_star must have shape ({d},), got {x_star.shape}")
            x_star = x_star.reshape(-1)
            if not np.all(np.isfinite(x_star)):
                raise ValueError(f"x_star must be finite, got {x_star.tolist()}")
        self.expr = expr
        self.variables = variables
        self.dim = d
        self.name = name or str(expr)
        self.gradient_exprs = [sp.diff(expr, v) for v in self.variables]
        self.hessian_exprs = [[sp.diff(g, v) for v in self.variables] for g in self.gradient_exprs]
        self._f = sp.lambdify(self.variables, expr, "numpy")
        # one compiled function per derivative order, with common subexpressions shared (cse)
        self._g = sp.lambdify(self.variables, self.gradient_exprs, "numpy", cse=True)
        self._h = sp.lambdify(self.variables, self.hessian_exprs, "numpy", cse=True)
        self.x_star = x_star
        if f_star is None and x_star is not None:
            with np.errstate(all="ignore"):
                f_star = float(self.value(x_star)[0])
            if not np.isfinite(f_star):
                raise ValueError(f"x_star: f(x_star) = {f_star!r} is not finite")
        self.f_star = f_star

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
    """A string or a sympy expression → :class:`SymbolicProblem`.

    A string is parsed with the whitelist of :mod:`samlab.problems.expression` (numbers, variables,
    ``+ - * / **``, ``pi`` and the smooth elementary functions exp, log, sqrt, sin, cos, tan, asin,
    acos, atan, sinh, cosh, tanh, asinh, acosh, atanh); it is never evaluated. Variables default to
    the names in the expression sorted by name (so ``"x**2 - y**2"`` has x first); ``variables``
    (names or sympy Symbols, no duplicates) fixes their order and refuses any other name.
    Keywords ``L``, ``mu``, ``pl_mu``, ``x_star``, ``f_star``, ``name`` supply known constants
    (real, finite; L, μ ≥ 0; x* of shape (d,)). Non-smooth functions (abs, Max, floor …) are a
    ValueError here, when the problem is built.
    """
    if variables is not None:
        if isinstance(variables, (str, sp.Symbol)):
            raise ValueError(f"variables must be a sequence of names, got {variables!r}")
        variables = list(variables)
        for v in variables:
            if not isinstance(v, (str, sp.Symbol)):
                raise ValueError(f"variables must be names (strings) or sympy Symbols, got {v!r}")
    if isinstance(expr, str):
        names = None if variables is None else [v if isinstance(v, str) else v.name for v in variables]
        expr, symbols = parse_expression(expr, names)
        if variables is not None:  # keep the caller's Symbol objects (and their assumptions)
            symbols = tuple(v if isinstance(v, sp.Symbol) else s for v, s in zip(variables, symbols))
            expr = expr.xreplace({sp.Symbol(s.name): s for s in symbols})
    elif isinstance(expr, sp.Expr):
        if variables is None:
            symbols = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
        else:
            symbols = tuple(sp.Symbol(check_variable_name(v)) if isinstance(v, str) else v for v in variables)
    else:
        raise ValueError(f"expr must be a sympy expression or string, got {type(expr).__name__}")
    if not symbols:
        raise ValueError("expr has no variables")
    return SymbolicProblem(expr, symbols, **known)
