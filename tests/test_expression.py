"""Expressions are parsed with a whitelist, never executed; non-smooth functions are refused at build time."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import optimize

import samlab as sl
from samlab.config import ConfigError, load_config
from samlab.problems.expression import FUNCTIONS, parse_expression

fe = sl.problems.from_expression


def _touch(path) -> str:
    """Python that creates ``path`` if it is ever executed."""
    return f"__import__('pathlib').Path({str(path)!r}).touch()"


@pytest.mark.parametrize("template", [
    "x**2 + {code}",
    "x**2 + 0*{code}",
    "({code}) and x",
    "[{code} for _ in range(1)]",
    "(lambda: {code})()",
])
def test_hostile_strings_raise_and_run_nothing(tmp_path, template):
    marker = tmp_path / "executed"
    with pytest.raises(ValueError, match="expr"):
        fe(template.format(code=_touch(marker)))
    assert not marker.exists()


def test_hostile_expression_in_a_config_runs_nothing(tmp_path):
    marker = tmp_path / "executed"
    cfg = tmp_path / "hostile.toml"
    cfg.write_text('[[experiment]]\nsteps = 5\n'
                   f'problem = {{kind = "expression", expression = "x**2 + {_touch(marker)}"}}\n'
                   '[[experiment.algorithms]]\nalgorithm = "gd"\nlr = 0.1\n')
    with pytest.raises(ConfigError, match="problem.expression.*attribute access"):
        load_config(cfg)
    assert not marker.exists()


@pytest.mark.parametrize("text, token", [
    ("x.real + y", "'.real'"),
    ("x[0]**2", "subscripts"),
    ("x^2", "use \\*\\*"),
    ("__builtins__ + x", "dunder"),
    ("open + x", "builtin"),
    ("eval(x)", "unknown function"),
    ("getattr(x, 'a')", "unknown function"),
    ("x < 1", "comparisons"),
    ("x if y else 1", "conditions"),
    ("exp(x=1)", "keyword"),
    ("exp(x, y)", "one argument"),
    ("'x' + x", "real numbers"),
    ("1j*x", "real numbers"),
    ("True*x", "real numbers"),
    ("1e400*x", "overflows"),
    ("x // 2", "//"),
    ("x @ x", "@"),
    ("[x]", "List"),
    ("sin + x", "call it as sin"),
    ("9**9**9**9 + x", "constant power too large"),
    ("x + 1/0", "not finite"),
    ("x +* y", "could not be parsed"),
    ("", "empty"),
])
def test_refused_syntax_names_the_token(text, token):
    with pytest.raises(ValueError, match=token):
        fe(text)


@pytest.mark.parametrize("text", ["abs(x)", "Abs(x)", "Heaviside(x)", "floor(x)", "ceiling(x)", "Max(x, 1)",
                                  "min(x, 1)", "sign(x)", "x + Piecewise(x)"])
def test_non_smooth_functions_are_refused_at_build_time(text):
    with pytest.raises(ValueError, match="not smooth"):
        fe(text)


@pytest.mark.parametrize("expr", [sp.Abs(sp.Symbol("x")), sp.Max(sp.Symbol("x"), 1), sp.floor(sp.Symbol("x")),
                                  sp.Heaviside(sp.Symbol("x")), sp.sign(sp.Symbol("x")) * sp.Symbol("x"),
                                  sp.Piecewise((sp.Symbol("x"), sp.Symbol("x") > 0), (0, True))])
def test_non_smooth_sympy_expressions_are_refused_too(expr):
    with pytest.raises(ValueError, match="not smooth"):
        fe(expr)
    with pytest.raises(ValueError, match="undefined function"):
        fe(sp.Function("g")(sp.Symbol("x")))
    with pytest.raises(ValueError, match="complex"):
        fe(sp.Symbol("x") ** 2 + sp.I * sp.Symbol("x"))


def test_variables_named_like_sympy_objects_are_plain_variables():
    p = fe("(lambda_ - 1)**2 + N**2 + S*E + I**2 + beta*gamma + exp(e*x0) + sin(x1*x0)")
    assert [str(v) for v in p.variables] == ["E", "I", "N", "S", "beta", "e", "gamma", "lambda_", "x0", "x1"]
    assert all(type(v) is sp.Symbol for v in p.variables)
    for x in np.random.default_rng(0).standard_normal((3, p.dim)):
        err = optimize.check_grad(lambda z: p.value(z)[0], lambda z: p.grad(z)[0], x)
        assert err < 1e-5 * max(1.0, np.linalg.norm(p.grad(x)[0]))  # finite differences: ~1e-7 relative
    # pi is the constant π, never a variable
    q = fe("pi*x**2")
    assert q.dim == 1 and q.value(np.array([1.0]))[0] == np.pi


def test_every_documented_function_parses_and_differentiates():
    for name, fn in FUNCTIONS.items():
        expr, (x,) = parse_expression(f"{name}(x/4 + 1.5)")
        assert expr == fn(sp.Symbol("x") / 4 + sp.Float("1.5", 15)), name


def test_parsed_numbers_match_sympify():
    expr, _ = parse_expression("0.1*x + 3*x**2 - 2.5e-3/x")
    assert expr == sp.sympify("0.1*x + 3*x**2 - 2.5e-3/x")


def test_declared_variables_order_duplicates_and_unknown_names():
    p = fe("(y - 1)**2 + 2*x**2", ["y", "x"])
    assert [str(v) for v in p.variables] == ["y", "x"]
    q = fe("x**2", ["x", "y"])  # a declared variable may be absent from f
    assert q.dim == 2 and q.grad(np.array([3.0, 4.0])).tolist() == [[6.0, 0.0]]
    with pytest.raises(ValueError, match="'x' is given twice"):
        fe("x**2", ["x", "x"])
    with pytest.raises(ValueError, match="given twice"):
        fe(sp.Symbol("x") ** 2, [sp.Symbol("x"), sp.Symbol("x")])
    with pytest.raises(ValueError, match="unknown name.*'a'"):
        fe("x**2 + a*y", ["x", "y"])
    with pytest.raises(ValueError, match="constant"):
        fe("x**2", ["pi"])
    with pytest.raises(ValueError, match="function name"):
        fe("x**2", ["exp"])
    with pytest.raises(ValueError, match="not a valid variable name"):
        fe("x**2", ["lambda"])
    with pytest.raises(ValueError, match="sequence of names"):
        fe("x**2", "x")


@pytest.mark.parametrize("known, name", [
    (dict(L=-1), "L"), (dict(L="1"), "L"), (dict(L=True), "L"), (dict(L=1j), "L"), (dict(mu=-0.5), "mu"),
    (dict(mu=2.0, L=1.0), "mu"), (dict(x_star=[np.nan]), "x_star"), (dict(x_star=[1.0, 2.0]), "x_star"),
    (dict(x_star=["0"]), "x_star"), (dict(f_star=np.inf), "f_star"), (dict(f_star=np.nan), "f_star"),
    (dict(f_star="0"), "f_star"), (dict(pl_mu=-1.0), "pl_mu"), (dict(name=3), "name"),
])
def test_known_constants_are_checked(known, name):
    with pytest.raises(ValueError, match=name):
        fe("x**2", **known)


def test_f_at_x_star_must_be_finite():
    with pytest.raises(ValueError, match="x_star"):
        fe("log(x)", x_star=[-1.0])
