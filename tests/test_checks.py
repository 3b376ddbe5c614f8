"""Strict argument types: no silent bool("no"), int(1.5), float("0.1") or dropped imaginary parts."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from samlab.checks import boolean, integer, real, real_array


def test_accepted_values():
    assert boolean(True, "b") is True and boolean(np.bool_(False), "b") is False
    assert integer(3, "n") == 3 and integer(np.int64(4), "n", minimum=4) == 4
    assert real(2, "r") == 2.0 and real(np.float32(0.5), "r") == 0.5 and real(Fraction(1, 4), "r") == 0.25
    assert real(sp.Rational(1, 2), "r") == 0.5
    np.testing.assert_array_equal(real_array([[1, 2.5]], "a"), [[1.0, 2.5]])
    np.testing.assert_array_equal(real_array([sp.Rational(1, 2), 2], "a"), [0.5, 2.0])
    assert real_array([], "a").shape == (0,) and real_array(np.inf, "a") == np.inf  # finiteness: the caller's


@pytest.mark.parametrize("check, value", [
    (boolean, "no"), (boolean, 0), (boolean, None),
    (integer, 1.5), (integer, 2.0), (integer, True), (integer, "2"), (integer, None),
    (real, True), (real, "0.1"), (real, 1j), (real, np.nan), (real, np.inf), (real, None),
    (real_array, "0.1"), (real_array, ["0.1"]), (real_array, [1j]), (real_array, [True, 1.0]),
    (real_array, np.array([True])), (real_array, [None]), (real_array, [[1.0], [1.0, 2.0]]), (real_array, [sp.I]),
])
def test_refused_values_name_the_argument(check, value):
    with pytest.raises(ValueError, match="^arg "):
        check(value, "arg")


def test_minimums():
    with pytest.raises(ValueError, match="arg must be an integer >= 1"):
        integer(0, "arg", minimum=1)
    with pytest.raises(ValueError, match="arg must be >= 0"):
        real(-0.5, "arg", minimum=0.0)
