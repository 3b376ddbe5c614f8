"""samlab.analysis on synthetic curves whose exponents, factors and plateaus are known."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst

from samlab import analysis as an


def _noisy_power(c=3.0, p=-2.0, sigma=0.02, runs=50, k=60, seed=0):
    t = np.unique(np.round(np.geomspace(1, 1e4, k)))
    eps = np.random.default_rng(seed).standard_normal((t.size, runs))
    return t, c * t[:, None] ** p * np.exp(sigma * eps)


# --- loglog_fit ---------------------------------------------------------------------------------


def test_loglog_noisy_power_law_ci_contains_truth_and_excludes_neighbour():
    t, y = _noisy_power()
    fit = an.loglog_fit(t, y)
    assert fit.n_runs == 50 and fit.n_points == t.size
    assert fit.slope_ci[0] <= -2.0 <= fit.slope_ci[1]
    assert fit.slope_ci_boot is not None
    assert fit.slope_ci_boot[0] <= -2.0 <= fit.slope_ci_boot[1]
    assert fit.contains(-2.0)
    assert not fit.contains(-1.8)
    assert fit.contains(-1.8, tol=0.25)
    assert fit.r2 > 0.999
    assert math.exp(fit.intercept) == pytest.approx(3.0, rel=0.01)
    assert fit.predict(100.0) == pytest.approx(3e-4, rel=0.01)
    assert fit.predict(np.array([1.0, 10.0])).shape == (2,)


def test_loglog_point_estimate_is_linregress_of_mean_log():
    t, y = _noisy_power(sigma=0.3, runs=7)
    fit = an.loglog_fit(t, y, n_boot=0)
    ref = st.linregress(np.log(t), np.log(y).mean(axis=1))
    assert fit.slope == pytest.approx(ref.slope, rel=1e-12)
    assert fit.intercept == pytest.approx(ref.intercept, rel=1e-12)
    half = st.t.ppf(0.975, t.size - 2) * ref.stderr
    assert fit.slope_ci == pytest.approx((ref.slope - half, ref.slope + half), rel=1e-12)
    assert fit.slope_ci_boot is None  # n_boot = 0 skips the bootstrap


def test_loglog_bootstrap_is_seeded_and_wider_at_higher_confidence():
    t, y = _noisy_power(sigma=0.3, runs=20)
    a = an.loglog_fit(t, y, seed=5)
    b = an.loglog_fit(t, y, seed=5)
    c = an.loglog_fit(t, y, seed=6)
    assert a.slope_ci_boot == b.slope_ci_boot
    assert a.slope_ci_boot != c.slope_ci_boot
    wide = an.loglog_fit(t, y, seed=5, confidence=0.99)
    assert wide.slope_ci_boot[0] < a.slope_ci_boot[0] < a.slope_ci_boot[1] < wide.slope_ci_boot[1]
    assert wide.slope_ci[0] < a.slope_ci[0]


def test_loglog_single_run_and_identical_runs():
    t = np.arange(1.0, 51.0)
    y = 2.0 * t**-1.5
    one = an.loglog_fit(t, y)
    assert one.slope_ci_boot is None and one.n_runs == 1
    assert one.slope == pytest.approx(-1.5, abs=1e-12)
    same = an.loglog_fit(t, np.tile(y[:, None], (1, 4)))
    assert same.slope_ci_boot == pytest.approx((-1.5, -1.5), abs=1e-12)


def test_loglog_window_selects_and_reports_range():
    t = np.arange(1.0, 1001.0)
    y = np.where(t < 100, t**-1.0, 100.0 * t**-2.0)  # a rate change at t = 100
    late = an.loglog_fit(t, y, window=(100.5, 1e9))
    assert late.slope == pytest.approx(-2.0, abs=1e-12)
    assert late.window == (101.0, 1000.0) and late.n_points == 900
    early = an.loglog_fit(t, y, window=(2, 99))
    assert early.slope == pytest.approx(-1.0, abs=1e-12)
    assert early.window == (2.0, 99.0)


def test_loglog_default_window_drops_zeros_and_t0_explicit_window_clips():
    t = np.arange(0.0, 21.0)
    y = np.r_[5.0, t[1:] ** -1.0]
    y[-3:] = 0.0  # reached the minimum exactly
    fit = an.loglog_fit(t, y)
    assert fit.window == (1.0, 17.0) and fit.slope == pytest.approx(-1.0, abs=1e-12)
    clipped = an.loglog_fit(t, y, window=(1, 20))  # zeros are clipped at 1e-300, never log 0
    assert np.isfinite(clipped.slope) and clipped.slope < -10


def test_loglog_median_centre_resists_an_outlier_run():
    t, y = _noisy_power(sigma=0.01, runs=9)
    y = y.copy()
    y[:, 0] = 1e3 * t**-1.0  # one run does something else entirely
    med = an.loglog_fit(t, y, center="median", n_boot=199)
    assert med.contains(-2.0, tol=0.01)
    assert med.center == "median"
    geo = an.loglog_fit(t, y, n_boot=0)
    assert abs(geo.slope + 2.0) > 0.05


def test_powerfit_is_frozen():
    fit = an.loglog_fit([1, 2, 3], [1.0, 0.5, 1 / 3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.slope = 0.0  # type: ignore[misc]


# --- contraction_fit ------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0.5, 0.9, 0.99, 0.999])
def test_contraction_recovers_factor_exactly(q):
    t = np.arange(0.0, 300.0, 3.0)
    fit = an.contraction_fit(t, 7.0 * q**t)
    assert fit.factor == pytest.approx(q, abs=1e-12)
    assert fit.rate == pytest.approx(-math.log(q), abs=1e-12)
    assert fit.contains(q, tol=1e-12)
    assert fit.predict(10.0) == pytest.approx(7.0 * q**10, rel=1e-9)
    assert fit.at_least_as_fast(q + 1e-9) and not fit.at_least_as_fast(q - 1e-6)


def test_contraction_noisy_runs_and_window():
    rng = np.random.default_rng(3)
    t = np.arange(0.0, 200.0)
    y = 0.8 ** t[:, None] * np.exp(0.05 * rng.standard_normal((t.size, 30)))
    y[150:] = 1e-17  # floating-point floor after t = 150: outside the window
    fit = an.contraction_fit(t, y, window=(10, 140))
    assert fit.window == (10.0, 140.0) and fit.n_points == 131
    assert fit.contains(0.8)
    assert fit.factor_ci_boot is not None and fit.factor_ci_boot[0] <= 0.8 <= fit.factor_ci_boot[1]
    assert fit.factor_ci[0] < fit.factor < fit.factor_ci[1]


# --- plateau --------------------------------------------------------------------------------------


@pytest.mark.parametrize("c", [1e-8, 1e-3, 0.5])
def test_plateau_detected_on_exponential_approach(c):
    t = np.arange(1.0, 201.0)
    p = an.plateau(t, c + np.exp(-t))
    assert p.settled
    assert p.level == pytest.approx(c, rel=1e-6)
    assert p.rel_change < 1e-6
    assert p.log_slope_ci[0] <= 0.0 <= p.log_slope_ci[1]
    assert p.window == (161.0, 200.0) and p.n_points == 40


def test_plateau_level_is_geometric_mean_across_runs():
    t = np.arange(1.0, 101.0)
    c = np.array([1e-4, 1e-2])
    p = an.plateau(t, c[None, :] + np.exp(-t)[:, None])
    assert p.settled and p.level == pytest.approx(1e-3, rel=1e-9)


@pytest.mark.parametrize("tmax", [100.0, 1e4])
def test_plateau_rejects_power_decay(tmax):
    t = np.linspace(1.0, tmax, 200)
    p = an.plateau(t, 1.0 / t)
    assert not p.settled
    assert p.rel_change > 0.1
    assert p.log_slope == pytest.approx(-1.0, abs=1e-9)
    assert not p.log_slope_ci[0] <= 0.0 <= p.log_slope_ci[1]


# --- scaling_exponent -----------------------------------------------------------------------------


def test_scaling_exponent_subtracts_per_run_baseline():
    rng = np.random.default_rng(1)
    rho = np.geomspace(1e-3, 1e-1, 8)
    base = rng.uniform(0.5, 1.0, size=5)  # the ρ = 0 level of each run
    level = base[None, :] + 0.3 * rho[:, None] ** 2
    fit = an.scaling_exponent(rho, level, baseline=base)
    assert fit.slope == pytest.approx(2.0, abs=1e-6)
    raw = an.scaling_exponent(rho, level, baseline=0.0)  # no subtraction: the baseline dominates
    assert abs(raw.slope) < 0.1


def test_scaling_exponent_takes_baseline_from_zero_row():
    rho = np.r_[0.0, np.geomspace(1e-2, 1.0, 6)]
    level = 0.25 + 2.0 * rho**1.5
    fit = an.scaling_exponent(rho, level)
    assert fit.slope == pytest.approx(1.5, abs=1e-9)
    assert fit.n_points == 6 and math.exp(fit.intercept) == pytest.approx(2.0, rel=1e-9)
    windowed = an.scaling_exponent(rho, level, window=(0.05, 1.0), n_boot=0)
    assert windowed.n_points < 6 and windowed.slope == pytest.approx(1.5, abs=1e-9)


def test_scaling_exponent_names_bad_difference():
    rho = np.array([0.1, 0.2, 0.4])
    level = np.array([[1.05, 1.05], [1.1, 0.9], [1.2, 1.3]])
    with pytest.raises(ValueError, match=r"param=0\.2, run 1"):
        an.scaling_exponent(rho, level, baseline=1.0)
    with pytest.raises(ValueError, match="baseline"):
        an.scaling_exponent(rho, level, baseline=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="param"):
        an.scaling_exponent([0.0, 0.0, 1.0, 2.0], [1.0, 1.0, 2.0, 3.0])


# --- mc_mean, helpers -----------------------------------------------------------------------------


def test_mc_mean_matches_t_interval():
    v = np.random.default_rng(2).normal(1.0, 0.5, size=400)
    mc = an.mc_mean(v)
    ref = st.t.interval(0.95, v.size - 1, loc=v.mean(), scale=st.sem(v))
    assert mc.n == 400 and mc.mean == pytest.approx(v.mean())
    assert mc.sem == pytest.approx(v.std(ddof=1) / 20.0)
    assert mc.ci == pytest.approx(ref, rel=1e-12)
    assert mc.contains(1.0) and not mc.contains(1.2)


def test_mc_mean_along_axis_and_constant_samples():
    v = np.random.default_rng(4).normal(size=(3, 50))
    mc = an.mc_mean(v.T, axis=0, confidence=0.9)
    assert mc.mean.shape == (3,) and mc.n == 50
    assert np.all(mc.ci[0] < mc.mean) and mc.contains(mc.mean).all()
    flat = an.mc_mean(np.full(10, 2.5))
    assert flat.sem == 0.0 and flat.ci == (2.5, 2.5)


def test_running_min_and_log_clip():
    y = np.array([[3.0, 1.0], [2.0, np.nan], [4.0, 0.5], [1.0, 2.0]])
    np.testing.assert_array_equal(an.running_min(y), [[3, 1], [2, 1], [2, 0.5], [1, 0.5]])
    np.testing.assert_array_equal(an.running_min(y[:, 0], axis=-1), [3, 2, 2, 1])
    out = an.log_clip(np.array([0.0, -1.0, 1.0, 1e-320]))
    assert np.all(np.isfinite(out)) and out[0] == pytest.approx(math.log(1e-300)) and out[2] == 0.0
    assert an.log_clip(0.0, floor=1e-10) == pytest.approx(math.log(1e-10))


# --- bad inputs -----------------------------------------------------------------------------------

T = np.arange(1.0, 11.0)
Y = 1.0 / T


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: an.loglog_fit(T, Y[:-1]), "y"),
        (lambda: an.loglog_fit(T[:, None], Y), "x"),
        (lambda: an.loglog_fit(T, np.ones((10, 2, 2))), "y"),
        (lambda: an.loglog_fit(T, np.r_[Y[:-1], np.nan]), "y"),
        (lambda: an.loglog_fit(T, np.r_[Y[:-1], np.inf], window=(1, 10)), "y"),
        (lambda: an.loglog_fit(T, Y, window=(2, 3)), "window"),
        (lambda: an.loglog_fit(T, Y, window=(5, 1)), "window"),
        (lambda: an.loglog_fit(T, Y, window=(0, 5)), "window"),
        (lambda: an.loglog_fit(T, Y, window="all"), "window"),
        (lambda: an.loglog_fit(T, Y, confidence=1.0), "confidence"),
        (lambda: an.loglog_fit(T, Y, n_boot=-1), "n_boot"),
        (lambda: an.loglog_fit(T, Y, n_boot=2.5), "n_boot"),
        (lambda: an.loglog_fit(T, Y, center="mean"), "center"),
        (lambda: an.loglog_fit(np.ones(10), Y), "x"),
        (lambda: an.loglog_fit(T, Y).predict(-1.0), "x"),
        (lambda: an.loglog_fit(T, Y).contains(-1.0, tol=-0.1), "tol"),
        (lambda: an.contraction_fit(T, Y, window=(1, 2)), "window"),
        (lambda: an.contraction_fit(T, Y, confidence=0), "confidence"),
        (lambda: an.plateau(T, Y, tail=0.0), "tail"),
        (lambda: an.plateau(T, Y, tail=0.2), "tail"),
        (lambda: an.plateau(T, Y, rel_tol=-1), "rel_tol"),
        (lambda: an.plateau(T[::-1], Y, tail=0.5), "t"),
        (lambda: an.plateau(T - 9.5, Y, tail=0.5), "t"),
        (lambda: an.plateau(T, -Y, tail=0.5), "y"),
        (lambda: an.scaling_exponent(T, Y, baseline=0.2), "level - baseline"),
        (lambda: an.scaling_exponent(T, np.r_[Y[:-1], np.inf]), "level"),
        (lambda: an.mc_mean([1.0]), "values"),
        (lambda: an.mc_mean(3.0), "values"),
        (lambda: an.mc_mean([1.0, np.nan]), "values"),
        (lambda: an.mc_mean([[1.0, 2.0]], axis=2), "axis"),
        (lambda: an.running_min(np.ones(3), axis=1), "axis"),
        (lambda: an.log_clip([1.0], floor=0.0), "floor"),
    ],
)
def test_bad_inputs_raise_value_error_naming_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    p=hst.floats(-3.0, 3.0, allow_nan=False),
    log_c=hst.floats(-5.0, 5.0, allow_nan=False),
    k=hst.integers(3, 80),
)
def test_exact_power_law_slope_recovered(p, log_c, k):
    x = np.geomspace(1.0, 1e3, k)
    y = np.exp(log_c) * x**p
    fit = an.loglog_fit(x, np.c_[y, y], n_boot=50)
    assert fit.slope == pytest.approx(p, abs=1e-9)
    assert fit.intercept == pytest.approx(log_c, abs=1e-8)
    assert fit.contains(p, tol=1e-9)
    assert fit.r2 == pytest.approx(1.0, abs=1e-9) or abs(p) < 1e-6  # flat: r = 0 by convention


@settings(max_examples=40, deadline=None)
@given(q=hst.floats(0.05, 0.999), k=hst.integers(3, 100))
def test_exact_geometric_factor_recovered(q, k):
    t = np.arange(k, dtype=float)
    fit = an.contraction_fit(t, q**t)
    assert fit.factor == pytest.approx(q, abs=1e-12)
