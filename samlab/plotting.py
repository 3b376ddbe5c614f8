"""Figures from saved results: one style table and a few helpers that every figure script shares.

Plotting reads :class:`samlab.Result` objects and arrays; it never runs an optimizer. Figures are
:class:`matplotlib.figure.Figure` objects rendered by the Agg canvas, so no pyplot state is created
and the global backend and ``rcParams`` are left alone. Figures are sized for a page: at most
``MAX_WIDTH`` = 7 in wide (two 3.4-in panels per row; more panels go on more rows), every font at
least 7 pt at that size, and :func:`save_figure` refuses a wider figure. Legends go beside or below
the data (:func:`legend` with ``where="right"``/``"below"``) when ``"best"`` would cover it.
PNG bytes depend only on the figure: no software version or date is written into the file.

Typical use::

    fig, ax = new_figure()
    plot_metric(ax, res, "f_gap", name="sam", logx=True)
    add_reference_slope(ax, -1.0, (10, 1000), anchor=(10, 1e-1))
    save_figure(fig, "figures/x/gap.png")
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps, patheffects
from matplotlib.colors import LogNorm
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogFormatterSciNotation, LogLocator

from samlab.result import Result, atomic_write_bytes

__all__ = [
    "STYLE",
    "LABELS",
    "METRIC_LABELS",
    "style",
    "display_name",
    "sequential_colors",
    "new_figure",
    "across_runs",
    "plot_metric",
    "add_fit",
    "add_reference_slope",
    "add_bound",
    "add_level",
    "plot_contour",
    "plot_trajectory",
    "mark_point",
    "plot_phase_portrait",
    "label_axes",
    "set_log",
    "legend",
    "save_figure",
]

# ----------------------------------------------------------------------------- sizes
MAX_WIDTH = 7.0  # inches: a page's text width; save_figure refuses wider figures
PANEL_WIDTH = 3.4  # inches per column (two panels per row)
PANEL_HEIGHT = 2.6  # inches per row
FONT_TICK = 7.5
FONT_LABEL = 8.5
FONT_TITLE = 9
FONT_LEGEND = 7
LINE_WIDTH = 1.4
MARKER_SIZE = 4.5
DPI = 200

# ----------------------------------------------------------------------------- style table
STYLE: dict[str, dict[str, Any]] = {
    "gd": {"color": "#1f77b4", "marker": "o", "linestyle": "-"},
    "sgd": {"color": "#17becf", "marker": "v", "linestyle": "-"},
    "sam": {"color": "#d62728", "marker": "s", "linestyle": "-"},
    "usam": {"color": "#ff7f0e", "marker": "^", "linestyle": "-"},
    "unified_sam": {"color": "#9467bd", "marker": "D", "linestyle": "-"},
    "vasso": {"color": "#2ca02c", "marker": "p", "linestyle": "-"},
    "rsam": {"color": "#8c564b", "marker": "X", "linestyle": "-"},
    "fsam": {"color": "#e377c2", "marker": "h", "linestyle": "-"},
    "m-sam": {"color": "#7b0e2e", "marker": ">", "linestyle": "-"},
    "n-sam": {"color": "#b8860b", "marker": "<", "linestyle": "--"},
    "theory": {"color": "#000000", "marker": "", "linestyle": "--"},
    "reference": {"color": "#7f7f7f", "marker": "", "linestyle": ":"},
}
"""One colour, marker and line style per algorithm name (see :func:`style`)."""

LABELS: dict[str, str] = {
    "gd": "GD",
    "sgd": "SGD",
    "sam": "SAM",
    "usam": "USAM",
    "unified_sam": "Unified SAM",
    "vasso": "VaSSO",
    "rsam": "RSAM",
    "fsam": "FSAM",
    "m-sam": "m-SAM",
    "n-sam": "n-SAM",
    "theory": "theory",
    "reference": "reference",
}
"""Display names used as the default legend label."""

METRIC_LABELS: dict[str, str] = {
    "f": r"$f(x_t)$",
    "f_gap": r"$f(x_t) - f^\star$",
    "grad_norm": r"$\|\nabla f(x_t)\|$",
    "dist": r"$\|x_t - x^\star\|$",
    "perturbation": r"$\|y_t - x_t\|$",
}
"""Default y labels for the metrics of a :class:`~samlab.result.Result`."""

# Fallback cycle for names not in STYLE: colours not used above, then markers and dashes.
_FALLBACK_COLORS = ("#393b79", "#637939", "#008080", "#6b6ecf", "#e7ba52", "#a55194")
_FALLBACK_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h", "<", ">")
_FALLBACK_LINESTYLES = ("-", "--", "-.")


def _key(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


_ALIASES = {_key(k): k for k in STYLE}
_ALIASES.update({"unifiedsam": "unified_sam", "msam": "m-sam", "nsam": "n-sam"})


def _canonical(name: str) -> str | None:
    return _ALIASES.get(_key(name))


def style(name: str) -> dict[str, Any]:
    """Colour, marker and linestyle for an algorithm ``name`` (case, ``-``/``_`` insensitive).

    Unknown names get a deterministic entry from a fallback cycle (chosen by a CRC32 of the
    name, so it is the same in every process).
    """
    canon = _canonical(name)
    if canon is not None:
        return dict(STYLE[canon])
    h = zlib.crc32(_key(name).encode("utf-8"))
    return {
        "color": _FALLBACK_COLORS[h % len(_FALLBACK_COLORS)],
        "marker": _FALLBACK_MARKERS[(h // 7) % len(_FALLBACK_MARKERS)],
        "linestyle": _FALLBACK_LINESTYLES[(h // 71) % len(_FALLBACK_LINESTYLES)],
    }


def display_name(name: str) -> str:
    """Legend label of an algorithm name (``"unified_sam"`` → ``"Unified SAM"``)."""
    canon = _canonical(name)
    return LABELS[canon] if canon is not None else str(name)


def sequential_colors(n: int, cmap: str = "viridis") -> list[tuple[float, float, float, float]]:
    """``n`` RGBA colours along ``cmap`` for a sweep (λ, ρ values in increasing order).

    The light end of the map is cut (samples in [0, 0.85]) so every curve stays visible on white.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    try:
        cm = colormaps[cmap]
    except KeyError:
        raise ValueError(f"cmap: unknown colormap {cmap!r}") from None
    if n == 1:
        return [tuple(cm(0.0))]
    return [tuple(c) for c in cm(np.linspace(0.0, 0.85, n))]


# ----------------------------------------------------------------------------- figures and axes
def new_figure(
    ncols: int = 1,
    nrows: int = 1,
    width: float | None = None,
    height: float | None = None,
    *,
    sharex: bool = False,
    sharey: bool = False,
    squeeze: bool = True,
) -> tuple[Figure, Any]:
    """A figure with ``nrows × ncols`` gridded axes and constrained layout.

    ``width``/``height`` are in inches (default 3.4 per column, at most ``MAX_WIDTH`` = 7, and 2.6
    per row); a wider figure is a ValueError: put more panels on more rows. ``axes`` is one
    :class:`~matplotlib.axes.Axes` for a single panel (when ``squeeze``), else an array of shape
    (nrows, ncols) squeezed like ``pyplot.subplots``.
    """
    for arg, value in (("ncols", ncols), ("nrows", nrows)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{arg} must be a positive integer, got {value!r}")
    width = min(PANEL_WIDTH * ncols, MAX_WIDTH) if width is None else float(width)
    height = PANEL_HEIGHT * nrows if height is None else float(height)
    if not (np.isfinite(width) and 0 < width <= MAX_WIDTH):
        raise ValueError(f"width must lie in (0, {MAX_WIDTH}] inches (a page), got {width!r}; use more rows")
    if not (np.isfinite(height) and height > 0):
        raise ValueError(f"height must be positive, got {height!r}")
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=False)
    for ax in axes.flat:
        _style_axes(ax)
    if squeeze:
        axes = axes[0, 0] if axes.size == 1 else axes.squeeze()
    return fig, axes


def _style_axes(ax: Axes) -> None:
    ax.tick_params(which="major", labelsize=FONT_TICK, length=3.5)
    ax.tick_params(which="minor", length=2)
    ax.grid(True, which="major", alpha=0.35, linewidth=0.6)
    ax.grid(True, which="minor", alpha=0.12, linewidth=0.4)
    ax.set_axisbelow(True)


def set_log(ax: Axes, axis: str = "y") -> None:
    """Log scale on ``axis`` (``"x"``, ``"y"`` or ``"both"``) with major ticks at decades 10^k."""
    if axis not in ("x", "y", "both"):
        raise ValueError(f"axis must be 'x', 'y' or 'both', got {axis!r}")
    targets = [ax.xaxis, ax.yaxis] if axis == "both" else [ax.xaxis if axis == "x" else ax.yaxis]
    for target in targets:
        if target is ax.xaxis:
            ax.set_xscale("log")
        else:
            ax.set_yscale("log")
        target.set_major_locator(LogLocator(base=10.0, numticks=12))
        target.set_major_formatter(LogFormatterSciNotation(base=10.0))
        target.set_minor_locator(LogLocator(base=10.0, subs=np.arange(2, 10), numticks=12))


def label_axes(ax: Axes, xlabel: str | None, ylabel: str | None, title: str | None = None) -> None:
    """Set axis labels (and a title) at readable sizes; ``None`` leaves one unchanged."""
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=FONT_LABEL)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=FONT_LABEL)
    if title is not None:
        ax.set_title(title, fontsize=FONT_TITLE)


def legend(ax: Axes, where: str = "best", **kwargs: Any):
    """A legend at the shared font size; None if nothing is labelled.

    ``where``: ``"best"`` (inside, where it covers least), ``"right"`` (outside, right of the axes)
    or ``"below"`` (outside, under the axes, in columns), so that it never covers data. Other
    keywords go to ``Axes.legend``.
    """
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if where not in ("best", "right", "below"):
        raise ValueError(f"where must be 'best', 'right' or 'below', got {where!r}")
    kwargs.setdefault("fontsize", FONT_LEGEND)
    kwargs.setdefault("framealpha", 0.9)
    if where == "right":
        kwargs.setdefault("loc", "upper left")
        kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))
        kwargs.setdefault("borderaxespad", 0.0)
    elif where == "below":
        kwargs.setdefault("loc", "upper center")
        kwargs.setdefault("bbox_to_anchor", (0.5, -0.22))
        kwargs.setdefault("ncols", min(len(handles), 4))
    return ax.legend(**kwargs)


# ----------------------------------------------------------------------------- statistics over runs
def across_runs(
    values: np.ndarray,
    *,
    center: str = "median",
    band: tuple[float, float] | None = (0.1, 0.9),
    log: bool = False,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Centre line and quantile band over runs of a (K, B) array (a (K,) array is one run).

    ``center`` is ``"median"``, ``"mean"`` or ``"gmean"`` (geometric mean). With ``log=True``
    the statistics are taken on log10 of the values (values ≤ 0 are dropped) and mapped back,
    so the band is the geometric interpolation of the order statistics. Non-finite entries are
    ignored; a checkpoint with no usable value gives NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    if v.ndim != 2:
        raise ValueError(f"values must have shape (K,) or (K, B), got {v.shape}")
    center = "gmean" if center == "geomean" else center
    if center not in ("median", "mean", "gmean"):
        raise ValueError(f"center must be 'median', 'mean' or 'gmean' ('geomean'), got {center!r}")
    if band is not None:
        lo, hi = (float(q) for q in band)
        if not (0.0 <= lo <= hi <= 1.0):
            raise ValueError(f"band must be quantiles 0 <= lo <= hi <= 1, got {band!r}")
    finite = np.isfinite(v)
    positive = finite & (v > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logv = np.where(positive, np.log10(np.where(positive, v, 1.0)), np.nan)
    raw = np.where(finite, v, np.nan)
    work = logv if log else raw  # where the band (and the median) is computed

    def reduce(fn: Callable[..., np.ndarray], a: np.ndarray, *args: Any) -> np.ndarray:
        # nan-reductions without the all-NaN warning: empty checkpoints give NaN
        empty = np.all(np.isnan(a), axis=1)
        out = fn(np.where(empty[:, None], 0.0, a), *args, axis=1)
        return np.where(empty, np.nan, out)

    if center == "median":
        c = reduce(np.nanmedian, work)
        c = 10.0**c if log else c
    elif center == "gmean":
        c = 10.0 ** reduce(np.nanmean, logv)
    else:
        c = reduce(np.nanmean, raw)
    lo_arr = hi_arr = None
    if band is not None:
        lo_arr = reduce(np.nanquantile, work, lo)
        hi_arr = reduce(np.nanquantile, work, hi)
        if log:
            lo_arr, hi_arr = 10.0**lo_arr, 10.0**hi_arr
    return c, lo_arr, hi_arr


# ----------------------------------------------------------------------------- curves
def _x_axis(result: Result, x: Any) -> tuple[np.ndarray, str]:
    t = np.asarray(result.t, dtype=np.float64)
    if isinstance(x, str):
        if x == "t":
            return t, r"iteration $t$"
        if x in ("grad_evals", "n_grad"):
            steps = result.meta.get("steps") if isinstance(result.meta, dict) else None
            steps = float(steps) if steps else (float(t[-1]) if t.size and t[-1] > 0 else 0.0)
            per_step = result.n_grad / steps if steps > 0 else 1.0  # n_grad counts the whole run
            return t * per_step, "gradient evaluations"
        raise ValueError(f"x must be 't', 'grad_evals' or an array, got {x!r}")
    arr = np.asarray(x, dtype=np.float64)
    if arr.shape != t.shape:
        raise ValueError(f"x must have shape {t.shape} like result.t, got {arr.shape}")
    return arr, ""


def plot_metric(
    ax: Axes,
    result_or_t: Result | np.ndarray,
    values: str | np.ndarray | None = None,
    *,
    label: str | None = None,
    name: str | None = None,
    band: tuple[float, float] | None = (0.1, 0.9),
    logx: bool = False,
    logy: bool | None = None,
    x: str | np.ndarray = "t",
    center: str = "median",
    runs: Any = None,
    color: Any = None,
    markers: int = 6,
    **kwargs: Any,
) -> Line2D:
    """Centre line over runs of a metric, with a band of across-run quantiles.

    ``plot_metric(ax, res, "grad_norm", name="sam")`` plots ``res.grad_norm`` (default metric
    ``"f_gap"``; observed names work too) against ``res.t`` (``x="grad_evals"`` for gradient
    calls, or an array). ``plot_metric(ax, t, values)`` plots a (K,) or (K, B) array against
    ``t``. ``name`` picks the style (else the label's); ``label`` defaults to its display name.
    ``center``: ``"median"`` | ``"gmean"`` | ``"mean"``; ``band``: quantiles (None for no band),
    computed in log space when ``logy``. ``runs`` selects columns (index, slice or bool mask).
    ``logy=None`` means log when no value is negative. Returns the centre line.
    """
    xlabel = ""
    ylabel = ""
    if isinstance(result_or_t, Result):
        res = result_or_t
        metric = "f_gap" if values is None else values
        if not isinstance(metric, str):
            raise ValueError("values must be a metric name when a Result is given")
        try:
            data = np.asarray(res._metric(metric), dtype=np.float64)
        except KeyError:
            raise ValueError(f"values: no metric {metric!r} in this result") from None
        xs, xlabel = _x_axis(res, x)
        ylabel = METRIC_LABELS.get(metric, metric)
        if name is None and label is None:
            algo = res.meta.get("algorithm") if isinstance(res.meta, dict) else None
            if isinstance(algo, dict):
                algo = algo.get("name")
            if isinstance(algo, str):
                name = algo
    else:
        if values is None or isinstance(values, str):
            raise ValueError("values must be an array when result_or_t is an array of x values")
        xs = np.asarray(result_or_t, dtype=np.float64)
        data = np.asarray(values, dtype=np.float64)
        if xs.ndim != 1 or data.ndim not in (1, 2) or data.shape[0] != xs.shape[0]:
            raise ValueError(f"values must have shape ({xs.shape[0]},) or ({xs.shape[0]}, B), got {data.shape}")
    if data.ndim == 1:
        data = data[:, None]
    if runs is not None:
        data = data[:, runs]
        if data.ndim == 1:
            data = data[:, None]
    if logy is None:
        finite = data[np.isfinite(data)]
        logy = bool(finite.size) and bool(np.all(finite >= 0)) and bool(np.any(finite > 0))

    c, lo, hi = across_runs(data, center=center, band=band if data.shape[1] > 1 else None, log=logy)
    keep = np.isfinite(c) & np.isfinite(xs)
    if logx:
        keep &= xs > 0

    # unnamed curves take the fallback style of their label, never an algorithm's colour by chance
    st = style(name if name is not None else (label or "curve"))
    if color is not None:
        st["color"] = color
    if label is None and name is not None:
        label = display_name(name)
    line_kw = {
        "color": st["color"],
        "linestyle": st["linestyle"],
        "marker": st["marker"] or None,
        "linewidth": LINE_WIDTH,
        "markersize": MARKER_SIZE,
        "markeredgecolor": "white",
        "markeredgewidth": 0.8,
        "label": label,
    }
    line_kw.update(kwargs)
    n_keep = int(keep.sum())
    if markers and line_kw.get("marker") and n_keep > markers:
        # a few markers, evenly spaced in the axis' own scale
        xk = xs[keep]
        pos = np.log(xk) if logx else xk
        targets = np.linspace(pos[0], pos[-1], markers)
        idx = np.unique(np.searchsorted(pos, targets).clip(0, n_keep - 1))
        line_kw.setdefault("markevery", list(idx))
    elif not markers:
        line_kw["marker"] = None
    (line,) = ax.plot(xs[keep], c[keep], **line_kw)
    if lo is not None and hi is not None:
        ok = keep & np.isfinite(lo) & np.isfinite(hi)
        ax.fill_between(xs[ok], lo[ok], hi[ok], color=line.get_color(), alpha=0.18, linewidth=0)

    if logx:
        set_log(ax, "x")
    if logy:
        set_log(ax, "y")
    label_axes(ax, xlabel if xlabel and not ax.get_xlabel() else None,
               ylabel if ylabel and not ax.get_ylabel() else None)
    return line


def _fit_predict(fit: Any, xs: np.ndarray) -> np.ndarray:
    predict = getattr(fit, "predict", None)
    if callable(predict):
        return np.asarray(predict(xs), dtype=np.float64)
    return np.exp(float(fit.intercept) + float(fit.slope) * np.log(xs))


def add_fit(
    ax: Axes,
    fit: Any,
    label_fmt: str = "fit: slope {slope:.2f}",
    *,
    name: str | None = None,
    color: Any = None,
    n: int = 64,
    **kwargs: Any,
) -> Line2D:
    """Draw a fitted power law y = exp(intercept)·x^slope over ``fit.window`` (x₀, x₁).

    ``fit`` has ``.slope``, ``.intercept`` (natural log: log y = intercept + slope·log x) and
    ``.window``; a ``predict(x)`` method, when present, is used instead. The label is
    ``label_fmt.format(slope=…, intercept=…, fit=fit)`` (``label_fmt=None``: no legend entry).
    """
    for attr in ("slope", "intercept", "window"):
        if not hasattr(fit, attr):
            raise ValueError(f"fit must have a .{attr} attribute")
    window = np.asarray(fit.window, dtype=np.float64).ravel()
    if window.size < 2 or not np.all(np.isfinite(window[[0, -1]])) or window[0] <= 0 or window[-1] <= window[0]:
        raise ValueError(f"fit.window must be (x0, x1) with 0 < x0 < x1, got {fit.window!r}")
    xs = np.geomspace(window[0], window[-1], n)
    ys = _fit_predict(fit, xs)
    label = None if label_fmt is None else label_fmt.format(slope=fit.slope, intercept=fit.intercept, fit=fit)
    if color is None:
        color = style(name)["color"] if name is not None else "#222222"
    kw = {"color": color, "linestyle": "-.", "linewidth": 2.0, "label": label, "zorder": 3,
          "path_effects": [patheffects.withStroke(linewidth=4.0, foreground="white")]}
    kw.update(kwargs)
    (line,) = ax.plot(xs, ys, **kw)
    return line


def add_reference_slope(
    ax: Axes,
    slope: float,
    x_range: tuple[float, float],
    anchor: tuple[float, float],
    label: str | None = None,
    **kwargs: Any,
) -> Line2D:
    """Dashed theoretical slope y = y₀·(x/x₀)^slope over ``x_range``, through ``anchor`` = (x₀, y₀).

    ``label`` defaults to ``"slope {slope}"``; pass ``""`` to keep it out of the legend.
    """
    x0, y0 = (float(a) for a in anchor)
    lo, hi = (float(a) for a in x_range)
    if not (lo > 0 and hi > lo):
        raise ValueError(f"x_range must be (lo, hi) with 0 < lo < hi, got {x_range!r}")
    if not (x0 > 0 and y0 > 0):
        raise ValueError(f"anchor must be a point with positive coordinates, got {anchor!r}")
    xs = np.geomspace(lo, hi, 64)
    ys = y0 * (xs / x0) ** float(slope)
    if label is None:
        label = f"slope {float(slope):g}"
    kw = {**_theory_kw(), "color": STYLE["reference"]["color"], "linestyle": (0, (6, 3)),
          "label": label or None}
    kw.update(kwargs)
    (line,) = ax.plot(xs, ys, **kw)
    return line


def _theory_kw() -> dict[str, Any]:
    st = STYLE["theory"]
    return {"color": st["color"], "linestyle": st["linestyle"], "linewidth": 1.6, "zorder": 3}


def add_bound(ax: Axes, x: np.ndarray, y: np.ndarray, label: str | None = None, *,
              name: str | None = None, **kwargs: Any) -> Line2D:
    """Dashed curve of a theoretical bound y(x) (non-finite points skipped; ``name`` sets the colour)."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError(f"x and y must be 1-D of the same shape, got {xs.shape} and {ys.shape}")
    ok = np.isfinite(xs) & np.isfinite(ys)
    kw = {**_theory_kw(), "label": label}
    if name is not None:
        kw["color"] = style(name)["color"]
    kw.update(kwargs)
    (line,) = ax.plot(xs[ok], ys[ok], **kw)
    return line


def add_level(ax: Axes, y: float, label: str | None = None, *, name: str | None = None,
              **kwargs: Any) -> Line2D:
    """Dashed horizontal line at ``y`` (a closed-form plateau; ``name`` takes an algorithm's colour)."""
    y = float(y)
    if not np.isfinite(y):
        raise ValueError(f"y must be finite, got {y!r}")
    kw = {**_theory_kw(), "label": label}
    if name is not None:
        kw["color"] = style(name)["color"]
    kw.update(kwargs)
    return ax.axhline(y, **kw)


# ----------------------------------------------------------------------------- landscapes
def _grid(xlim: Sequence[float], ylim: Sequence[float], n: int, centred: bool = False
          ) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    for arg, lim in (("xlim", xlim), ("ylim", ylim)):
        lo, hi = (float(v) for v in lim)
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            raise ValueError(f"{arg} must be (lo, hi) with lo < hi, got {lim!r}")
    axes_1d = []
    for lim in (xlim, ylim):
        lo, hi = float(lim[0]), float(lim[1])
        if centred:  # cell centres: nothing sits on the frame
            h = (hi - lo) / n
            lo, hi = lo + h / 2, hi - h / 2
        axes_1d.append(np.linspace(lo, hi, n))
    return np.meshgrid(*axes_1d)


def plot_contour(
    ax: Axes,
    fn: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int = 200,
    log: bool = True,
    levels: int = 40,
    *,
    cmap: str = "viridis",
    filled: bool = False,
    **kwargs: Any,
):
    """Contours of a batched f: ``fn(X)`` maps (N, 2) points to (N,) values.

    With ``log`` the levels are log-spaced over f − min f + δ (δ > 0 small, so the minimum maps to
    a positive value), from the 0.5 % quantile of the grid values up to the maximum: the basin
    and the walls both get levels. ``filled`` draws filled contours. Returns the contour set.
    """
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 2:
        raise ValueError(f"levels must be an integer >= 2, got {levels!r}")
    X, Y = _grid(xlim, ylim, n)
    pts = np.column_stack([X.ravel(), Y.ravel()])
    Z = np.asarray(fn(pts), dtype=np.float64)
    if Z.shape != (pts.shape[0],):
        raise ValueError(f"fn must map (N, 2) points to (N,) values, got shape {Z.shape}")
    Z = Z.reshape(X.shape)
    finite = np.isfinite(Z)
    if not finite.any():
        raise ValueError("fn returned no finite value on the grid")
    zmin, zmax = float(Z[finite].min()), float(Z[finite].max())
    Zm = np.ma.masked_invalid(Z)
    kw: dict[str, Any] = {"cmap": cmap}
    span = zmax - zmin
    if log and span > 0:
        # shift so min f maps to δ > 0; levels from the 0.5 % quantile of the shifted values up
        # to the maximum, so the basin gets as many levels per decade as the walls
        shifted = Z[finite] - zmin
        low = float(np.quantile(shifted[shifted > 0], 0.005))
        delta = min(low, span) * 1e-3
        Zm = Zm - zmin + delta
        kw["levels"] = np.geomspace(low + delta, span + delta, levels)
        kw["norm"] = LogNorm(vmin=delta + low, vmax=span + delta)
    else:
        kw["levels"] = np.linspace(zmin, zmax, levels) if span > 0 else levels
    if filled:
        kw["alpha"] = 0.85
        kw.update(kwargs)
        cs = ax.contourf(X, Y, Zm, **kw)
    else:
        kw.update({"linewidths": 0.8, "alpha": 0.6})
        kw.update(kwargs)
        cs = ax.contour(X, Y, Zm, **kw)
    ax.set_xlim(*map(float, xlim))
    ax.set_ylim(*map(float, ylim))
    return cs


def plot_trajectory(
    ax: Axes,
    path: np.ndarray,
    name: str | None = None,
    label: str | None = None,
    start_marker: str = "+",
    end_marker: str = "o",
    *,
    color: Any = None,
    **kwargs: Any,
) -> Line2D:
    """An iterate path (K, 2) as a line with its start and end marked.

    A (K, B, 2) array (``res.iterates``) draws every run in the same style, labelled once.
    Short paths (K ≤ 200) also show each iterate as a dot. Returns the (first) line.
    """
    p = np.asarray(path, dtype=np.float64)
    if p.ndim == 2:
        p = p[:, None, :]
    if p.ndim != 3 or p.shape[-1] != 2 or p.shape[0] < 1:
        raise ValueError(f"path must have shape (K, 2) or (K, B, 2), got {np.shape(path)}")
    st = style(name if name is not None else (label or "trajectory"))
    if color is not None:
        st["color"] = color
    if label is None and name is not None:
        label = display_name(name)
    first = None
    for b in range(p.shape[1]):  # plotting only: one artist per run
        q = p[:, b, :]
        q = q[np.all(np.isfinite(q), axis=1)]
        if q.shape[0] == 0:
            continue
        kw = {
            "color": st["color"],
            "linestyle": st["linestyle"],
            "linewidth": 1.4,
            "marker": "." if q.shape[0] <= 200 else None,
            "markersize": 4,
            "alpha": 0.9,
            "label": label if first is None else None,
        }
        kw.update(kwargs)
        (line,) = ax.plot(q[:, 0], q[:, 1], **kw)
        if start_marker:
            ax.plot(q[0, 0], q[0, 1], linestyle="none", marker=start_marker, markersize=11,
                    markeredgewidth=2.0, color=line.get_color(), zorder=4)
        if end_marker:
            ax.plot(q[-1, 0], q[-1, 1], linestyle="none", marker=end_marker, markersize=7,
                    markeredgecolor="black", markeredgewidth=0.8, color=line.get_color(), zorder=4)
        first = first or line
    if first is None:
        raise ValueError("path has no finite point")
    return first


def mark_point(
    ax: Axes,
    xy: Sequence[float],
    marker: str = "*",
    label: str | None = None,
    *,
    color: Any = "black",
    size: float = 15,
    **kwargs: Any,
) -> Line2D:
    """Mark one point (a minimizer, a saddle, a predicted limit)."""
    x, y = (float(v) for v in np.asarray(xy, dtype=np.float64).ravel()[:2])
    kw = {"linestyle": "none", "marker": marker, "markersize": size, "color": color,
          "markeredgecolor": "white", "markeredgewidth": 0.8, "label": label, "zorder": 5}
    kw.update(kwargs)
    (line,) = ax.plot([x], [y], **kw)
    return line


def plot_phase_portrait(
    ax: Axes,
    fn_grad: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int = 25,
    *,
    kind: str = "quiver",
    cmap: str = "magma_r",
    **kwargs: Any,
):
    """Direction field of the gradient flow ẋ = −∇f(x): ``fn_grad`` maps (N, 2) to (N, 2).

    ``kind="quiver"`` draws unit arrows on an n × n grid coloured by log10 ‖∇f‖;
    ``kind="stream"`` draws streamlines. Returns the quiver or stream set.
    """
    if kind not in ("quiver", "stream"):
        raise ValueError(f"kind must be 'quiver' or 'stream', got {kind!r}")
    X, Y = _grid(xlim, ylim, n, centred=kind == "quiver")
    pts = np.column_stack([X.ravel(), Y.ravel()])
    G = np.asarray(fn_grad(pts), dtype=np.float64)
    if G.shape != pts.shape:
        raise ValueError(f"fn_grad must map (N, 2) points to (N, 2) gradients, got shape {G.shape}")
    U, V = -G[:, 0].reshape(X.shape), -G[:, 1].reshape(X.shape)
    mag = np.hypot(U, V)
    bad = ~np.isfinite(mag)
    with np.errstate(divide="ignore", invalid="ignore"):
        logmag = np.log10(np.where(mag > 0, mag, np.nan))
    fill = np.nanmin(logmag) if np.isfinite(logmag).any() else 0.0
    C = np.where(np.isfinite(logmag), logmag, fill)  # zero gradient: the lowest colour
    if kind == "quiver":
        # unit arrows measured in grid cells (0.8 cell long), direction kept as in data space
        dx = (float(xlim[1]) - float(xlim[0])) / n
        dy = (float(ylim[1]) - float(ylim[0])) / n
        with np.errstate(divide="ignore", invalid="ignore"):
            cell = np.hypot(U / dx, V / dy)
            Un = np.where(bad | (cell == 0), 0.0, 0.8 * U / cell)
            Vn = np.where(bad | (cell == 0), 0.0, 0.8 * V / cell)
        kw = {"cmap": cmap, "pivot": "mid", "angles": "xy", "scale_units": "xy", "scale": 1.0,
              "width": 0.0035, "headwidth": 4.0}
        kw.update(kwargs)
        art = ax.quiver(X, Y, Un, Vn, C, **kw)
    else:
        kw = {"cmap": cmap, "density": 1.2, "linewidth": 1.0, "arrowsize": 1.1}
        kw.update(kwargs)
        art = ax.streamplot(X, Y, np.where(bad, 0.0, U), np.where(bad, 0.0, V), color=C, **kw)
    ax.set_xlim(*map(float, xlim))
    ax.set_ylim(*map(float, ylim))
    return art


# ----------------------------------------------------------------------------- saving
def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = DPI, add_legends: bool = True,
                quick: bool = False) -> Path:
    """Write ``fig`` as PNG atomically, close it and return the path.

    A figure wider than ``MAX_WIDTH`` inches is a ValueError. With ``add_legends`` every axes that
    has labelled artists but no legend gets one. ``quick=True`` marks the figure "quick mode (small
    settings)" in its top corner, so it is never mistaken for the full-mode figure. A path without
    suffix gets ``.png``. The PNG carries no software version or date: same figure, same bytes.
    """
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(".png")
    if path.suffix.lower() != ".png":
        raise ValueError(f"path must name a .png file, got {str(path)!r}")
    width = float(fig.get_figwidth())
    if width > MAX_WIDTH + 1e-9:
        _close(fig)
        raise ValueError(f"{path.name}: the figure is {width:g} in wide, more than a page ({MAX_WIDTH:g} in); "
                         "put panels on more rows")
    if add_legends:
        for ax in fig.axes:
            if ax.get_legend() is None:
                legend(ax)
    if quick:
        fig.text(0.995, 0.995, "quick mode (small settings)", ha="right", va="top", fontsize=FONT_LEGEND,
                 color="#b00000", alpha=0.8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    atomic_write_bytes(path, buffer.getvalue())
    _close(fig)
    return path


def _close(fig: Figure) -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close(fig)  # no-op unless the figure came from pyplot
    fig.clear()


def merge_row(fig: Figure, axes: np.ndarray, row: int) -> Axes:
    """Replace the axes of row ``row`` of a ``new_figure`` grid by one axes spanning the whole row.

    For a layout with more panels in one row than another (e.g. two panels on top, one wide panel
    below), so that three panels fit a page as two rows. Returns the new axes, styled like the others.
    """
    grid = np.asarray(axes)
    if grid.ndim != 2 or not 0 <= int(row) < grid.shape[0]:
        raise ValueError(f"axes must be a 2-D grid from new_figure(..., squeeze=False) or with nrows, ncols > 1 "
                         f"and row a valid row index, got shape {grid.shape} and row {row!r}")
    spec = grid[row, 0].get_subplotspec().get_gridspec()
    for ax in grid[row]:
        ax.remove()
    merged = fig.add_subplot(spec[int(row), :])
    _style_axes(merged)
    return merged
