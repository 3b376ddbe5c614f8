"""Schedules k ↦ value (k = 1, 2, … is the step mapping x_{k−1} to x_k) and how runs use them."""

from __future__ import annotations

import numpy as np
import pytest

import samlab as sl
from samlab import algorithms as al
from samlab import schedules as sc
from samlab.hyper import Bounds, Hyper


def test_values():
    k = np.arange(1, 6, dtype=float)
    assert sc.constant(0.3)(7) == 0.3
    np.testing.assert_array_equal(sc.step_array(sc.constant(0.3), 4), [0.3] * 4)
    np.testing.assert_allclose(sc.inverse_power(2.0, 0.5)(k), 2.0 / np.sqrt(k), rtol=1e-15)
    np.testing.assert_allclose(sc.inverse_power(1.0, 1.0, t0=3.0)(k), 1.0 / (k + 3.0), rtol=1e-15)
    np.testing.assert_array_equal(sc.inverse_power(0.7, 0.0)(k), [0.7] * 5)
    np.testing.assert_array_equal(sc.lam_inverse()(k), 1.0 / k)
    np.testing.assert_array_equal(sc.lam_one_minus_inverse()(k), 1.0 - 1.0 / k)
    assert sc.lam_inverse()(1) == 1.0 and sc.lam_one_minus_inverse()(1) == 0.0
    sq = sc.from_callable(lambda t: 0.1 * t**2, "0.1k²")
    np.testing.assert_allclose(sq(k), 0.1 * k**2, rtol=1e-15)
    assert sq.description == "0.1k²" and "0.1k²" in repr(sq)
    assert sc.from_callable(np.sqrt).description == "sqrt"
    cap = sc.capped(sc.inverse_power(1.0, 1.0), 0.25)
    np.testing.assert_array_equal(cap(k), np.minimum(0.25, 1.0 / k))
    np.testing.assert_array_equal(sc.step_array(cap, 5), np.minimum(0.25, 1.0 / k))
    np.testing.assert_array_equal(sc.step_array(0.5, 3), [0.5, 0.5, 0.5])
    # per-run parameters: (B,) values at a scalar k
    per_run = sc.inverse_power(np.array([1.0, 2.0, 4.0]), 1.0)
    np.testing.assert_array_equal(per_run(2.0), [0.5, 1.0, 2.0])
    # Σ γ_k = ∞ / Σ γ_k² < ∞ style checks work on step_array
    s = sc.step_array(sc.inverse_power(1.0, 0.75), 10_000)
    assert s.shape == (10_000,) and s[0] == 1.0 and np.all(np.diff(s) < 0)


def test_validation():
    with pytest.raises(ValueError, match="c"):
        sc.inverse_power(-1.0, 1.0)
    with pytest.raises(ValueError, match="power"):
        sc.inverse_power(1.0, -0.5)
    with pytest.raises(ValueError, match="t0"):
        sc.inverse_power(1.0, 1.0, t0=-1.0)
    with pytest.raises(ValueError, match="c"):
        sc.inverse_power(np.array([1.0, np.nan]), 1.0)
    with pytest.raises(ValueError, match="c"):
        sc.inverse_power(np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="value"):
        sc.constant(np.inf)
    with pytest.raises(ValueError, match="cap"):
        sc.capped(sc.lam_inverse(), 0.0)
    with pytest.raises(ValueError, match="fn"):
        sc.from_callable(3.0)


def test_hyper_at_and_bind():
    h = Hyper("rho", sc.inverse_power(np.array([1.0, 2.0]), 1.0), Bounds(0.0, np.inf))
    assert h.kind == "schedule" and h.runs == 2  # per-run schedule parameters fix B
    h.bind(2, 100)
    np.testing.assert_array_equal(h.at(4), [[0.25], [0.5]])
    f = Hyper("lr", 0.1, Bounds(0.0, np.inf, low_open=True))
    assert f.at(3) == 0.1 and f.kind == "float" and f.runs is None
    a = Hyper("lr", [0.1, 0.2], Bounds(0.0, np.inf, low_open=True))
    assert a.runs == 2 and a.at(1).shape == (2, 1)
    with pytest.raises(ValueError, match="lr has 2 values"):
        a.bind(3, 10)
    s = Hyper("lam", sc.from_callable(lambda k: 2.0 / (k + 1)), Bounds(0.0, 1.0))
    s.bind(1, 5)  # 2/(k+1) ≤ 1 for k ≥ 1
    bad = Hyper("lam", sc.from_callable(lambda k: 3.0 / (k + 1)), Bounds(0.0, 1.0))
    with pytest.raises(ValueError, match="lam must lie in \\[0.0, 1.0\\] for every step"):
        bad.bind(1, 5)
    late = Hyper("lr", sc.from_callable(lambda k: 1.0 - k / 50.0), Bounds(0.0, np.inf, low_open=True))
    late.bind(1, 49)
    with pytest.raises(ValueError, match="lr"):
        late.bind(1, 50)  # the value at the last step k = 50 is 0
    per_run_bad = Hyper("rho", sc.inverse_power(np.array([1.0, 2.0]), 1.0, t0=0.0), Bounds(0.0, 0.9))
    with pytest.raises(ValueError, match="rho"):
        per_run_bad.bind(2, 10)  # 2/1 > 0.9 at step 1


def test_schedules_are_evaluated_at_the_one_based_step():
    # f = x²: x_k = x_{k−1} − γ_k·2x_{k−1} with γ_k = 0.01k
    p = sl.problems.Quadratic([[2.0]])
    steps = 12
    res = sl.run(p, sl.algorithms.gd(sc.from_callable(lambda k: 0.01 * k)), [1.0], steps,
                 keep_iterates=True, checkpoints=np.arange(steps + 1))
    x, path = 1.0, [1.0]
    for k in range(1, steps + 1):
        x = x - (0.01 * k) * (x * 2.0)
        path.append(x)
    np.testing.assert_array_equal(res.iterates[:, 0, 0], path)
    # ρ_k = 0.3/k: the recorded perturbation at checkpoint k is ρ_k
    res = sl.run(p, sl.algorithms.sam(0.01, sc.inverse_power(0.3, 1.0)), [1.0], steps,
                 checkpoints=np.arange(steps + 1))
    np.testing.assert_allclose(res.perturbation[1:, 0], 0.3 / np.arange(1, steps + 1), rtol=1e-15)
    # λ_k = 1 − 1/k: the first step is USAM's, later steps mix in the normalized one
    usam = sl.run(p, sl.algorithms.usam(0.01, 0.3), [1.0], 1)
    mix = sl.run(p, sl.algorithms.unified_sam(0.01, 0.3, sc.lam_one_minus_inverse()), [1.0], 1)
    assert np.array_equal(usam.x, mix.x)


def test_momentum_schedule_and_per_run_schedules_in_a_run():
    p = sl.problems.Quadratic(np.diag([1.0, 3.0]))
    beta = sc.from_callable(lambda k: np.minimum(0.9, 0.1 * k))
    res = sl.run(p, sl.algorithms.gd(0.05, momentum=beta), [1.0, 1.0], 10, keep_iterates=True,
                 checkpoints=np.arange(11))
    x, v = np.array([1.0, 1.0]), np.zeros(2)
    for k in range(1, 11):
        v = min(0.9, 0.1 * k) * v + x * np.array([1.0, 3.0])
        x = x - 0.05 * v
        np.testing.assert_allclose(res.iterates[k, 0], x, rtol=1e-14)
    lr = sc.inverse_power(np.array([0.1, 0.2]), 0.5)
    res = sl.run(p, sl.algorithms.gd(lr), [1.0, 1.0], 5, runs=2)
    for b, c in enumerate((0.1, 0.2)):
        alone = sl.run(p, sl.algorithms.gd(sc.inverse_power(c, 0.5)), [1.0, 1.0], 5)
        assert np.array_equal(alone.x[0], res.x[b])


def test_describe_in_meta():
    res = sl.run(sl.problems.Quadratic([[1.0]]), sl.algorithms.sam(0.1, sc.inverse_power(0.5, 1.0, t0=2.0)), [1.0], 3)
    assert res.meta["algorithm"]["rho"] == {"schedule": "0.5/(k+2.0)^1.0"}


# ----------------------------------------------------------------------------- every step is checked
@pytest.mark.parametrize("make, name, step, value", [
    (lambda s: al.gd(s(lambda k: -0.1 if k == 7 else 0.1)), "lr", 7, -0.1),
    (lambda s: al.unified_sam(0.1, 0.05, s(lambda k: 2.0 if k == 3 else 0.5)), "lam", 3, 2.0),
    (lambda s: al.sam(0.1, 0.05, momentum=s(lambda k: 1.5 if k == 5 else 0.9)), "momentum", 5, 1.5),
    (lambda s: al.gd(s(lambda k: np.where(k > 15_000, -1.0, 0.1))), "lr", 15_001, -1.0),  # vectorized
    (lambda s: al.sam(0.1, s(lambda k: np.where(k == 19_999, np.nan, 0.1))), "rho", 19_999, np.nan),
])
@pytest.mark.parametrize("wrap", ["plain callable", "from_callable"])
def test_every_step_of_a_schedule_is_checked_when_a_run_binds_it(make, name, step, value, wrap):
    s = (lambda f: f) if wrap == "plain callable" else sc.from_callable
    alg = make(s)  # building accepts it: the run binds the values to its steps
    p = sl.problems.Quadratic(np.diag([1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"{name} must lie in .* for every step, got {value!r} at step {step}"):
        sl.run(p, alg, [1.0, 1.0], 20_000, checkpoints=2)


def test_per_run_schedule_checked_at_every_step_for_every_run():
    bad = sc.from_callable(lambda k: np.array([0.1, 0.1]) * np.where(k == 9, -1.0, 1.0))
    with pytest.raises(ValueError, match="lr must lie in .* got -0.1 at step 9"):
        sl.run(sl.problems.Quadratic(np.eye(2)), al.gd(bad), np.ones((2, 2)), 50)


def test_plain_callable_is_a_schedule_everywhere():
    p = sl.problems.Quadratic(np.diag([1.0]))
    a = sl.run(p, al.sam(lambda k: 0.1 / k, lambda k: 0.05), [1.0], 30)
    b = sl.run(p, al.sam(sc.from_callable(lambda k: 0.1 / k), sc.constant(0.05)), [1.0], 30)
    assert np.array_equal(a.f, b.f)
