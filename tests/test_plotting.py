"""Plotting helpers: every helper draws and saves a valid PNG, styles are distinct, bands are sane."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

from samlab import plotting as P
from samlab.result import Result

PNG_HEADER = b"\x89PNG\r\n\x1a\n"
MAIN = ["gd", "sgd", "sam", "usam", "unified_sam", "vasso", "rsam", "fsam", "m-sam", "n-sam"]


def synthetic_result(B: int = 8, steps: int = 1000, seed: int = 0, name: str = "sam") -> Result:
    rng = np.random.default_rng(seed)
    t = np.unique(np.r_[0, np.geomspace(1, steps, 25).astype(int)])
    f_gap = np.exp(0.3 * rng.standard_normal((t.size, B))) / (1.0 + t[:, None])
    f_gap[-1, 0] = 0.0  # an exact zero must not break log plots
    f_gap[-2, 1] = np.inf  # nor a non-finite entry
    iterates = np.cumsum(0.05 * rng.standard_normal((t.size, B, 2)), axis=0)
    return Result(
        t=t,
        f=f_gap + 1.0,
        f_gap=f_gap,
        grad_norm=np.sqrt(np.abs(f_gap)),
        dist=None,
        perturbation=np.full_like(f_gap, 0.05),
        x=iterates[-1],
        status=np.array(["ok"] * (B - 1) + ["diverged"], dtype=object),
        n_grad=2 * steps,
        n_zero_grad=np.zeros(B, dtype=int),
        diverged_at=np.array([-1] * (B - 1) + [steps], dtype=int),
        iterates=iterates,
        observed={"sharpness": np.abs(f_gap) + 1.0},
        meta={"algorithm": {"name": name}, "steps": steps},
    )


def quadratic_saddle(X: np.ndarray) -> np.ndarray:
    return X[:, 0] ** 2 - X[:, 1] ** 2


def quadratic_saddle_grad(X: np.ndarray) -> np.ndarray:
    return np.column_stack([2 * X[:, 0], -2 * X[:, 1]])


def assert_png(path) -> None:
    assert path.exists()
    data = path.read_bytes()
    assert len(data) > 1000
    assert data[:8] == PNG_HEADER


@pytest.fixture(autouse=True)
def no_pyplot_leak():
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        assert plt.get_fignums() == []


def test_metric_figure_with_fit_slope_bound_level(tmp_path):
    res = synthetic_result()
    fig, ax = P.new_figure()
    assert isinstance(fig, Figure)
    line = P.plot_metric(ax, res, logx=True)
    assert line.get_label() == "SAM"  # from meta["algorithm"]["name"]
    assert line.get_color() == P.style("sam")["color"]
    P.plot_metric(ax, res, "grad_norm", name="usam", center="gmean", logx=True, x="grad_evals")
    P.plot_metric(ax, res, "sharpness", label="sharpness", band=None, logx=True, runs=slice(0, 4))
    fit = SimpleNamespace(slope=-1.0, intercept=0.0, window=(10.0, 1000.0))
    fit_line = P.add_fit(ax, fit)
    assert fit_line.get_label() == "fit: slope -1.00"
    np.testing.assert_allclose(fit_line.get_ydata() * fit_line.get_xdata(), 1.0)  # e^0 · x^-1
    P.add_reference_slope(ax, -0.5, (10, 1000), anchor=(10, 0.1))
    P.add_bound(ax, np.geomspace(1, 1000, 20), 2.0 / np.geomspace(1, 1000, 20), "bound")
    P.add_level(ax, 1e-3, "plateau", name="sam")
    P.label_axes(ax, None, None, "title")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == r"iteration $t$" and ax.get_ylabel() == P.METRIC_LABELS["f_gap"]
    out = P.save_figure(fig, tmp_path / "sub" / "metric")
    assert out.suffix == ".png"
    assert_png(out)
    assert not fig.axes  # closed (cleared)


def test_add_fit_uses_analysis_power_fit(tmp_path):
    analysis = pytest.importorskip("samlab.analysis")
    if not hasattr(analysis, "PowerFit"):
        pytest.skip("samlab.analysis.PowerFit not available")
    import dataclasses

    names = {f.name for f in dataclasses.fields(analysis.PowerFit)}
    values = {"slope": -2.0, "intercept": np.log(3.0), "window": (1.0, 100.0)}
    defaults = {"slope_ci": (-2.1, -1.9), "slope_ci_boot": None, "r2": 1.0, "n_points": 10}
    fit = analysis.PowerFit(**{k: v for k, v in {**values, **defaults}.items() if k in names})
    fig, ax = P.new_figure()
    line = P.add_fit(ax, fit, name="gd")
    np.testing.assert_allclose(line.get_ydata(), 3.0 * line.get_xdata() ** -2.0)
    assert_png(P.save_figure(fig, tmp_path / "fit.png"))


def test_plot_metric_from_arrays(tmp_path):
    fig, axes = P.new_figure(ncols=2)
    assert axes.shape == (2,)
    rho = np.array([0.01, 0.03, 0.1, 0.3])
    for c, scale in zip(P.sequential_colors(3), (1.0, 2.0, 4.0)):
        P.plot_metric(axes[0], rho, scale * rho[:, None] ** 2 * np.ones((4, 5)), label=f"{scale}", color=c,
                      logx=True)
    P.plot_metric(axes[1], np.arange(10), np.linspace(-1, 1, 10), name="theory", label="linear")
    assert axes[1].get_yscale() == "linear"  # negative values: no log axis
    P.label_axes(axes[0], r"$\rho$", "gap")
    assert_png(P.save_figure(fig, tmp_path / "arrays.png"))


def test_landscape_helpers(tmp_path):
    res = synthetic_result()
    fig, axes = P.new_figure(ncols=3)
    cs = P.plot_contour(axes[0], quadratic_saddle, (-2, 2), (-1, 1), n=60)
    assert np.all(np.asarray(cs.levels) > 0)  # log levels of the shifted function
    P.plot_trajectory(axes[0], res.iterates[:, 0, :], name="sam")
    P.plot_trajectory(axes[0], res.iterates, name="usam", label="USAM runs")
    P.mark_point(axes[0], (0.0, 0.0), marker="X", label="saddle")
    P.plot_contour(axes[1], quadratic_saddle, (-2, 2), (-1, 1), n=40, log=False, levels=10, filled=True)
    P.plot_phase_portrait(axes[1], quadratic_saddle_grad, (-2, 2), (-1, 1), n=15)
    P.plot_phase_portrait(axes[2], quadratic_saddle_grad, (-2, 2), (-1, 1), n=15, kind="stream")
    assert_png(P.save_figure(fig, tmp_path / "landscape.png"))


def test_style_table():
    colors = [P.style(n)["color"] for n in MAIN]
    assert len(set(colors)) == len(MAIN)
    assert {P.style(n)["color"] for n in ("theory", "reference")}.isdisjoint(colors)
    for n in list(P.STYLE):
        assert set(P.style(n)) >= {"color", "marker", "linestyle"}
    assert P.style("SAM") == P.style("sam")
    assert P.style("Unified-SAM") == P.style("unified_sam")
    assert P.style("m_sam") == P.style("m-sam")
    assert P.style("my_variant") == P.style("my_variant")  # deterministic fallback
    s = P.style("sam")
    s["color"] = "black"
    assert P.STYLE["sam"]["color"] != "black"  # a copy


def test_sequential_colors():
    cols = P.sequential_colors(5)
    assert len(cols) == 5 and len({tuple(c) for c in cols}) == 5
    assert len(P.sequential_colors(1, cmap="plasma")) == 1
    with pytest.raises(ValueError, match="n"):
        P.sequential_colors(0)
    with pytest.raises(ValueError, match="cmap"):
        P.sequential_colors(3, cmap="no-such-map")


def test_log_band_between_min_and_max():
    rng = np.random.default_rng(1)
    v = np.exp(3.0 * rng.standard_normal((30, 11)))
    for center in ("median", "gmean", "mean"):
        c, lo, hi = P.across_runs(v, center=center, band=(0.1, 0.9), log=True)
        assert np.all(v.min(axis=1) <= lo) and np.all(lo <= hi) and np.all(hi <= v.max(axis=1))
        assert np.all(v.min(axis=1) <= c) and np.all(c <= v.max(axis=1))
    c, lo, hi = P.across_runs(v, band=(0.0, 1.0), log=True)
    np.testing.assert_allclose(lo, v.min(axis=1), rtol=1e-12)
    np.testing.assert_allclose(hi, v.max(axis=1), rtol=1e-12)
    np.testing.assert_allclose(c, np.median(v, axis=1), rtol=1e-12)  # odd B: an order statistic
    # zeros and non-finite entries are ignored; an all-zero checkpoint gives NaN
    w = v.copy()
    w[0] = 0.0
    w[1, :5] = np.nan
    c, lo, hi = P.across_runs(w, log=True)
    assert np.isnan(c[0]) and np.isnan(lo[0]) and np.isnan(hi[0])
    assert np.all(np.isfinite(c[1:]))


def test_invalid_inputs():
    fig, ax = P.new_figure()
    with pytest.raises(ValueError, match="ncols"):
        P.new_figure(ncols=0)
    with pytest.raises(ValueError, match="band"):
        P.across_runs(np.ones((3, 2)), band=(0.9, 0.1))
    with pytest.raises(ValueError, match="values"):
        P.plot_metric(ax, np.arange(3), np.ones(4))
    with pytest.raises(ValueError, match="fn"):
        P.plot_contour(ax, lambda X: X, (-1, 1), (-1, 1), n=5)
    with pytest.raises(ValueError, match="xlim"):
        P.plot_contour(ax, quadratic_saddle, (1, -1), (-1, 1), n=5)
    with pytest.raises(ValueError, match="window"):
        P.add_fit(ax, SimpleNamespace(slope=1.0, intercept=0.0, window=(0.0, 1.0)))
    with pytest.raises(ValueError, match="path"):
        P.plot_trajectory(ax, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="path"):
        P.save_figure(fig, "figure.pdf")


def test_no_pyplot_figures(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    before = plt.get_fignums()
    fig, ax = P.new_figure()
    P.plot_metric(ax, synthetic_result(), logx=True)
    P.save_figure(fig, tmp_path / "a.png")
    assert plt.get_fignums() == before == []


def test_unknown_metric_is_a_value_error():
    fig, ax = P.new_figure()
    with pytest.raises(ValueError, match="values"):
        P.plot_metric(ax, synthetic_result(), "no_such_metric")
