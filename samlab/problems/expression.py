"""Expressions are data, not code: a whitelist parser from text to a smooth sympy expression.

``parse_expression("x**2 + 3*sin(y)**2")`` reads the text with Python's :mod:`ast` (which only
builds a syntax tree, it runs nothing) and builds the sympy expression node by node from a
whitelist; the text is never given to ``eval``, ``sympify`` or ``parse_expr``. Allowed:

* numbers: integers and finite decimal literals (``3``, ``0.5``, ``1e-3``);
* the constant ``pi`` (π; Euler's number is ``exp(1)``);
* variables: plain identifiers (``x``, ``y1``, ``N``, ``S``, ``E``, ``I``, ``beta``, ``gamma``,
  ``lambda_`` are all ordinary variables here, not sympy objects);
* ``+ - * / **``, unary ``-`` and ``+``, parentheses;
* calls, with one positional argument, of the smooth elementary functions of :data:`FUNCTIONS`:
  ``exp log sqrt sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh``.

Everything else is a ValueError that names the offending token: attribute access (``a.b``),
subscripts, dunder names, Python builtins, lambdas, comparisons, conditionals, keyword arguments,
``^`` (write ``**``), other operators, strings, complex literals, and — when ``variables`` are
declared — names that are not among them. Non-smooth functions (``abs``, ``Heaviside``, ``floor``,
``ceiling``, ``Max``, ``Min``, ``sign``, ``Piecewise`` …) are refused with the reason: SAM's
theory and samlab's exact gradients and Hessians assume f twice differentiable everywhere, and a
kink would only surface mid-run as a wrong or undefined derivative. :func:`check_smooth` applies
the same rule to sympy expressions built in Python.

Constant powers are bounded (:data:`MAX_POWER_BITS`) so that ``9**9**9**9`` is refused instead
of making sympy compute an integer with billions of digits.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
from typing import Callable, Iterable, Sequence

import sympy as sp

__all__ = ["FUNCTIONS", "CONSTANTS", "NON_SMOOTH", "MAX_POWER_BITS", "parse_expression", "check_smooth",
           "check_variable_name"]

FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh,
}
"""Functions an expression may call: smooth on the interior of their domain, compiled by lambdify."""

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi}
"""Named constants; ``pi`` is never a variable."""

NON_SMOOTH = (sp.Abs, sp.Heaviside, sp.floor, sp.ceiling, sp.Max, sp.Min, sp.sign, sp.Piecewise,
              sp.DiracDelta, sp.frac, sp.Mod, sp.re, sp.im, sp.arg, sp.conjugate)
"""sympy functions refused in a problem's f: they have kinks, jumps or are not real-analytic."""

_NON_SMOOTH_NAMES = {"abs", "Abs", "Heaviside", "heaviside", "floor", "ceil", "ceiling", "Max", "Min", "max",
                     "min", "sign", "Piecewise", "piecewise", "DiracDelta", "frac", "Mod", "mod", "round",
                     "re", "im", "arg", "conjugate"}

MAX_POWER_BITS = 100_000
"""Largest exact constant power (in bits, |exponent|·log₂|base|): 2**100000 is built at once;
anything larger is refused before sympy tries to compute it."""

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED_OPERATORS = {ast.BitXor: "^", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                      ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|"}


def check_variable_name(name: str, what: str = "variables") -> str:
    """``name`` if it can name a variable: an identifier, not a keyword, dunder, builtin, function or ``pi``."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{what}: {name!r} is not a valid variable name (use an identifier such as x1 or lambda_)")
    if name.startswith("__"):
        raise ValueError(f"{what}: dunder names are not allowed, got {name!r}")
    if name in CONSTANTS:
        raise ValueError(f"{what}: {name!r} is the constant π, not a variable name")
    if name in FUNCTIONS or name in _NON_SMOOTH_NAMES:
        raise ValueError(f"{what}: {name!r} is a function name, not a variable name")
    if hasattr(builtins, name):
        raise ValueError(f"{what}: {name!r} is a Python builtin, not allowed as a name")
    return name


def parse_expression(text: str, variables: Sequence[str] | None = None) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Parse ``text`` into ``(expr, variables)`` with the whitelist of the module docstring.

    ``variables``: the names of the variables in order; any other name in the text is an error.
    Without it, every plain identifier that is not a function or ``pi`` is a variable, sorted by
    name (so ``"x**2 - y**2"`` has x first). Raises ValueError naming the offending token.
    """
    if not isinstance(text, str):
        raise ValueError(f"expr must be a string or a sympy expression, got {type(text).__name__}")
    source = text.strip()
    if not source:
        raise ValueError("expr is empty")
    declared: dict[str, sp.Symbol] | None = None
    if variables is not None:
        names = [check_variable_name(v) for v in variables]
        _no_duplicates(names)
        declared = {v: sp.Symbol(v) for v in names}
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"expr could not be parsed: {exc.msg} (column {exc.offset}) in {source!r}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. integer literals beyond 4300 digits
        raise ValueError(f"expr could not be parsed: {exc}") from None
    builder = _Builder(source, declared)
    try:
        expr = builder.build(tree.body)
    except RecursionError:
        raise ValueError("expr is nested too deeply") from None
    if not isinstance(expr, sp.Expr):
        raise ValueError(f"expr is not an arithmetic expression: {source!r}")
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise ValueError(f"expr is not finite (a division by zero?): {source!r} simplifies to {expr}")
    if declared is not None:
        symbols = tuple(declared.values())
    else:
        symbols = tuple(sp.Symbol(n) for n in sorted(builder.seen))
    return expr, symbols


def check_smooth(expr: sp.Expr, what: str = "expr") -> None:
    """ValueError if ``expr`` contains a non-smooth function, an undefined function, I, or ∞/NaN."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, NON_SMOOTH):
            raise ValueError(f"{what} contains {type(node).__name__}, which is not smooth: samlab needs f twice "
                             "differentiable (exact gradients and Hessians); use a smooth surrogate such as "
                             "sqrt(x**2 + eps**2) for |x|")
        if isinstance(node, sp.core.function.AppliedUndef):
            raise ValueError(f"{what} contains the undefined function {node.func}: give f in closed form")
        if isinstance(node, (sp.Derivative, sp.Integral, sp.Sum, sp.Product, sp.Limit)):
            raise ValueError(f"{what} contains an unevaluated {type(node).__name__}: give f in closed form")
        if isinstance(node, sp.logic.boolalg.Boolean) and not isinstance(node, sp.Symbol):
            raise ValueError(f"{what} contains a condition ({node}): f must be one smooth formula")
    if expr.has(sp.I):
        raise ValueError(f"{what} is complex (it contains I): f must be real")
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise ValueError(f"{what} is not finite: {expr}")


def _no_duplicates(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"variables: {n!r} is given twice")
        seen.add(n)


class _Builder:
    """Builds the sympy expression from the syntax tree, refusing every node off the whitelist."""

    def __init__(self, source: str, declared: dict[str, sp.Symbol] | None):
        self.source = source
        self.declared = declared
        self.seen: set[str] = set()

    def _token(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node) or type(node).__name__
        if len(segment) > 40:
            segment = segment[:37] + "..."
        return f"{segment!r} (column {getattr(node, 'col_offset', 0) + 1})"

    def _refuse(self, node: ast.AST, why: str) -> ValueError:
        return ValueError(f"expr: {why}: {self._token(node)}")

    def build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            raise self._refuse(node, "only unary - and + are allowed")
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            raise self._refuse(node, f"attribute access '.{node.attr}' is not allowed")
        if isinstance(node, ast.Subscript):
            raise self._refuse(node, "subscripts are not allowed")
        if isinstance(node, ast.Lambda):
            raise self._refuse(node, "lambda is not allowed")
        if isinstance(node, ast.Compare):
            raise self._refuse(node, "comparisons are not allowed (f must be one smooth formula)")
        if isinstance(node, (ast.BoolOp, ast.IfExp)):
            raise self._refuse(node, "conditions are not allowed (f must be one smooth formula)")
        raise self._refuse(node, f"{type(node).__name__} is not allowed in an expression")

    def _number(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._refuse(node, f"only real numbers are allowed, not {type(value).__name__}")
        if isinstance(value, int):
            return sp.Integer(value)
        if not math.isfinite(value):
            raise self._refuse(node, "the number overflows float64")
        # as sympify reads a literal: 15 significant digits, i.e. exactly the float64 ``value``
        return sp.Float(repr(value), 15)

    def _name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name.startswith("__"):
            raise self._refuse(node, "dunder names are not allowed")
        if name in FUNCTIONS or name in _NON_SMOOTH_NAMES:
            raise self._refuse(node, f"{name} is a function: call it as {name}(...)")
        if hasattr(builtins, name):
            raise self._refuse(node, "Python builtins are not allowed")
        if self.declared is not None:
            if name not in self.declared:
                raise self._refuse(node, f"unknown name (variables are {', '.join(self.declared)})")
            return self.declared[name]
        self.seen.add(name)
        return sp.Symbol(name)

    def _binop(self, node: ast.BinOp) -> sp.Expr:
        op = type(node.op)
        if op in _REFUSED_OPERATORS:
            hint = "; use ** for powers" if op is ast.BitXor else ""
            raise self._refuse(node, f"operator {_REFUSED_OPERATORS[op]} is not allowed{hint}")
        if op not in _OPERATORS:
            raise self._refuse(node, "operator not allowed")
        left, right = self.build(node.left), self.build(node.right)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        if left.is_Number and right.is_Number and _power_bits(left, right) > MAX_POWER_BITS:
            raise self._refuse(node, f"constant power too large (more than {MAX_POWER_BITS} bits)")
        return left ** right

    def _call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise self._refuse(node.func, f"attribute access '.{node.func.attr}' is not allowed")
            raise self._refuse(node, "only calls of named functions are allowed")
        name = node.func.id
        if name in _NON_SMOOTH_NAMES:
            raise self._refuse(node.func, f"{name} is not smooth: samlab needs f twice differentiable (exact "
                                          "gradients and Hessians); use a smooth surrogate such as sqrt(x**2 + c)")
        if name.startswith("__"):
            raise self._refuse(node.func, "dunder names are not allowed")
        if name not in FUNCTIONS:
            raise self._refuse(node.func, f"unknown function (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise self._refuse(node, "keyword arguments are not allowed")
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self._refuse(node, f"{name} takes exactly one argument")
        return FUNCTIONS[name](self.build(node.args[0]))


def _power_bits(base: sp.Number, exponent: sp.Number) -> float:
    """Bits of an exact base**exponent with rational base and integer exponent (0 when it stays small)."""
    if not (base.is_Rational and exponent.is_Integer):
        return 0.0
    p, q = abs(int(base.p)), int(base.q)
    size = max(p.bit_length(), q.bit_length())
    if size <= 1:  # 0, ±1 and 1/2-like bases with one-bit parts stay tiny or shrink slowly
        size = 1
    return abs(int(exponent)) * float(size)
