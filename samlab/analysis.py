"""Rate and plateau analysis shared by every claim: power-law and linear-rate fits, plateaus,
scaling exponents and Monte Carlo means, each with a confidence interval (scipy.stats underneath).

Conventions
-----------
* Curves are indexed ``[checkpoint]`` or ``[checkpoint, run]``: ``x``/``t`` has shape (K,) and
  ``y`` has shape (K,) or (K, B), exactly like ``Result.t`` and ``Result.f_gap``.
* Logarithms of data go through :func:`log_clip` (floor 1e-300): log 0 is never taken.
* Across runs the centre is the geometric mean (the mean of log y) unless ``center="median"``.
* Every function checks its inputs and raises ``ValueError`` naming the offending argument.
  Non-finite data (a diverged run) is an input error here: select the runs with
  ``res.status == "ok"`` first.
* Results are frozen dataclasses of plain floats and tuples.
"""

from __future__ import annotations

import inspect
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.stats as st

__all__ = [
    "PowerFit",
    "LinearRateFit",
    "Plateau",
    "MonteCarlo",
    "loglog_fit",
    "contraction_fit",
    "plateau",
    "scaling_exponent",
    "mc_mean",
    "running_min",
    "log_clip",
]

LOG_FLOOR = 1e-300
_CENTERS = ("geomean", "median")
# scipy >= 1.15 takes ``rng``; older versions ``random_state``.
_BOOT_RNG_KW = "rng" if "rng" in inspect.signature(st.bootstrap).parameters else "random_state"


# ---------------------------------------------------------------------------------------------
# small helpers


def log_clip(y: Any, floor: float = LOG_FLOOR) -> np.ndarray:
    """log(max(y, floor)) elementwise, in float64: never log 0 (NaN stays NaN)."""
    floor = float(floor)
    if not (floor > 0.0 and math.isfinite(floor)):
        raise ValueError(f"floor must be a finite positive number, got {floor!r}")
    y = np.asarray(y, dtype=np.float64)
    return np.log(np.maximum(y, floor))


def running_min(y: Any, axis: int = 0) -> np.ndarray:
    """Running minimum m_k = min_{j ≤ k} y_j along ``axis`` (NaNs are skipped via ``np.fmin``)."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 0:
        raise ValueError("y must have at least one dimension")
    if not isinstance(axis, (int, np.integer)) or not -y.ndim <= axis < y.ndim:
        raise ValueError(f"axis must be an integer in [-{y.ndim}, {y.ndim}), got {axis!r}")
    return np.fmin.accumulate(y, axis=int(axis))


def _check_confidence(confidence: float) -> float:
    try:
        c = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(f"confidence must be a number in (0, 1), got {confidence!r}") from None
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return c


def _check_window(window: Any) -> tuple[float, float] | None:
    if window is None:
        return None
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise ValueError(f"window must be None or a (lo, hi) pair of numbers, got {window!r}") from None
    if math.isnan(lo) or math.isnan(hi) or lo > hi:
        raise ValueError(f"window must be a (lo, hi) pair with lo <= hi, got {window!r}")
    return lo, hi


def _as_abscissa(x: Any, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite")
    return x


def _as_curves(y: Any, k: int, xname: str) -> np.ndarray:
    """y as a (K, B) float64 array (a (K,) curve becomes B = 1)."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2:
        raise ValueError(f"y must have shape (K,) or (K, B), got {y.shape}")
    if y.shape[0] != k:
        raise ValueError(f"y has {y.shape[0]} records but {xname} has {k}")
    if y.shape[1] == 0:
        raise ValueError("y has no runs (B = 0)")
    if np.any(np.isnan(y)):
        raise ValueError("y contains NaN")
    return y


def _t_halfwidth(confidence: float, df: int, scale: float) -> float:
    """Half-width t_{(1+c)/2, df} · scale of a t interval (0 when scale is 0)."""
    if scale == 0.0:
        return 0.0
    return float(st.t.ppf(0.5 + confidence / 2.0, df) * scale)


# ---------------------------------------------------------------------------------------------
# result types


def _in_union(value: float, intervals: tuple[tuple[float, float] | None, ...], tol: float) -> bool:
    tol = float(tol)
    if not tol >= 0.0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    value = float(value)
    return any(ci is not None and ci[0] - tol <= value <= ci[1] + tol for ci in intervals)


@dataclass(frozen=True)
class PowerFit:
    """A fitted power law y ≈ e^a · x^s (log y = a + s log x).

    slope, intercept : s and a (natural log).
    slope_ci : regression interval s ± t_{(1+c)/2, n-2} · stderr(s).
    slope_ci_boot : percentile/BCa bootstrap interval over runs (None when B < 2 or n_boot = 0).
    r2 : coefficient of determination of the fit of the centre.
    window : (min x, max x) actually used; n_points : number of x values used.
    """

    slope: float
    intercept: float
    slope_ci: tuple[float, float]
    slope_ci_boot: tuple[float, float] | None
    r2: float
    window: tuple[float, float]
    n_points: int
    slope_stderr: float = float("nan")
    n_runs: int = 1
    confidence: float = 0.95
    center: str = "geomean"

    def contains(self, value: float, tol: float = 0.0) -> bool:
        """True when ``value`` lies in slope_ci ∪ slope_ci_boot, each widened by ``tol`` both sides."""
        return _in_union(value, (self.slope_ci, self.slope_ci_boot), tol)

    def predict(self, x: Any) -> np.ndarray | float:
        """e^a · x^s at x > 0."""
        xa = np.asarray(x, dtype=np.float64)
        if np.any(~(xa > 0)):
            raise ValueError("x must be positive to predict a power law")
        out = np.exp(self.intercept + self.slope * np.log(xa))
        return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class LinearRateFit:
    """A fitted geometric decay y ≈ e^a · q^t (log y = a + t log q).

    slope = log q with regression CI ``slope_ci`` (and bootstrap ``slope_ci_boot`` over runs);
    factor = q = e^slope with ``factor_ci`` = exp(slope_ci) (``factor_ci_boot`` likewise);
    rate = −slope, the decrease of log y per step (positive for a contraction).
    """

    factor: float
    factor_ci: tuple[float, float]
    factor_ci_boot: tuple[float, float] | None
    rate: float
    slope: float
    intercept: float
    slope_ci: tuple[float, float]
    slope_ci_boot: tuple[float, float] | None
    r2: float
    window: tuple[float, float]
    n_points: int
    slope_stderr: float = float("nan")
    n_runs: int = 1
    confidence: float = 0.95
    center: str = "geomean"

    def contains(self, factor: float, tol: float = 0.0) -> bool:
        """True when the factor q lies in factor_ci ∪ factor_ci_boot widened by ``tol``."""
        return _in_union(factor, (self.factor_ci, self.factor_ci_boot), tol)

    def at_least_as_fast(self, factor: float, tol: float = 0.0) -> bool:
        """True when the measured q (point estimate) is ≤ the guaranteed ``factor`` + ``tol``."""
        tol = float(tol)
        if not tol >= 0.0:
            raise ValueError(f"tol must be >= 0, got {tol!r}")
        return self.factor <= float(factor) + tol

    def predict(self, t: Any) -> np.ndarray | float:
        """e^a · q^t."""
        out = np.exp(self.intercept + self.slope * np.asarray(t, dtype=np.float64))
        return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class Plateau:
    """Where a curve settles, and the evidence that it stopped moving.

    level : mean over the tail of the centre curve (geometric mean across runs when 2-D).
    rel_change : |m₂ − m₁| / |level|, m₁, m₂ the means of the first and second halves of the tail.
    log_slope, log_slope_ci : Theil–Sen slope of log y vs log t over the tail, with its CI
        (≈ 0 for a plateau, ≈ −p for a curve still decaying like t^−p).
    settled : rel_change < rel_tol.  window : (first t, last t) of the tail; n_points its size.
    """

    level: float
    rel_change: float
    log_slope: float
    log_slope_ci: tuple[float, float]
    settled: bool
    window: tuple[float, float]
    n_points: int = 0
    rel_tol: float = 0.05


@dataclass(frozen=True)
class MonteCarlo:
    """Mean of n i.i.d. samples with its standard error and t interval.

    mean = x̄, sem = s/√n (s with ddof = 1), ci = x̄ ± t_{(1+c)/2, n-1} · sem.
    Scalars when the reduced shape is (); arrays of that shape otherwise.
    """

    mean: Any
    sem: Any
    ci: tuple[Any, Any]
    n: int
    confidence: float = 0.95

    def contains(self, value: Any, tol: float = 0.0) -> Any:
        """``value`` lies in the CI widened by ``tol`` (elementwise for array results)."""
        tol = float(tol)
        if not tol >= 0.0:
            raise ValueError(f"tol must be >= 0, got {tol!r}")
        inside = (self.ci[0] - tol <= value) & (value <= self.ci[1] + tol)
        return bool(inside) if np.ndim(inside) == 0 else inside


# ---------------------------------------------------------------------------------------------
# the common least-squares core


@dataclass(frozen=True)
class _Line:
    slope: float
    intercept: float
    stderr: float
    slope_ci: tuple[float, float]
    slope_ci_boot: tuple[float, float] | None
    r2: float
    window: tuple[float, float]
    n_points: int
    n_runs: int


def _select(x: np.ndarray, y: np.ndarray, window: tuple[float, float] | None, need_positive_x: bool,
            xname: str) -> np.ndarray:
    """Mask of the records used by a fit."""
    if window is None:
        mask = np.all(y > 0, axis=1)
        if need_positive_x:
            mask &= x > 0
    else:
        lo, hi = window
        if need_positive_x and lo <= 0:
            raise ValueError(f"window must have lo > 0 for a log-log fit, got {window!r}")
        mask = (x >= lo) & (x <= hi)
    n = int(np.count_nonzero(mask))
    where = f"window {window!r}" if window is not None else f"the records with y > 0 and {xname} > 0"
    if n < 3:
        raise ValueError(f"a fit needs at least 3 points; {where} holds {n} (see window)")
    if np.unique(x[mask]).size < 2:
        raise ValueError(f"{xname} takes a single value in {where}: the slope is undefined")
    if not np.all(np.isfinite(y[mask])):
        raise ValueError(f"y has non-finite values in {where}; drop diverged runs first")
    return mask


def _fit_line(u: np.ndarray, logy: np.ndarray, xs: np.ndarray, *, confidence: float, n_boot: int,
              seed: Any, center: str) -> _Line:
    """OLS of the run centre c_k = centre_b log y_{k,b} on u_k, + regression and bootstrap CIs.

    Regression CI: s ± t_{(1+c)/2, n-2} · stderr (scipy.stats.linregress).  Bootstrap CI
    (B ≥ 2): resample runs with replacement, refit the centre (scipy.stats.bootstrap, BCa,
    percentile when BCa degenerates).  For the geometric mean the OLS slope is linear in the
    data, so the slope of the mean is the mean of the per-run slopes, which is what is resampled.
    """
    n, b = logy.shape
    centre = logy.mean(axis=1) if center == "geomean" else np.median(logy, axis=1)
    reg = st.linregress(u, centre)
    slope, intercept, stderr = float(reg.slope), float(reg.intercept), float(reg.stderr)
    if not math.isfinite(stderr):  # exact fit with n = 2 cannot happen (n ≥ 3); guard anyway
        stderr = 0.0
    h = _t_halfwidth(confidence, n - 2, stderr)
    slope_ci = (slope - h, slope + h)
    r2 = float(reg.rvalue) ** 2 if math.isfinite(reg.rvalue) else 1.0

    boot = None
    if b >= 2 and n_boot > 0:
        uc = u - u.mean()
        sxx = float(uc @ uc)
        if center == "geomean":
            per_run = (uc @ logy) / sxx  # (B,) slopes; their mean is the fitted slope

            def statistic(idx: np.ndarray, axis: int = -1) -> np.ndarray:
                return per_run[idx.astype(np.intp)].mean(axis=axis)

            spread = float(np.ptp(per_run))
        else:

            def statistic(idx: np.ndarray, axis: int = -1) -> np.ndarray:
                cols = logy[:, idx.astype(np.intp)]  # (n, ..., B)
                med = np.median(cols, axis=-1)  # (n, ...)
                return np.tensordot(uc, med, axes=(0, 0)) / sxx

            spread = float(np.max(np.ptp(logy, axis=1)))
        if spread == 0.0:  # identical runs: the bootstrap distribution is a point
            boot = (slope, slope)
        else:
            rng = np.random.default_rng(seed)
            batch = max(1, min(n_boot, int(4e6 // max(1, n * b))))
            kwargs = dict(n_resamples=n_boot, batch=batch, vectorized=True, axis=-1,
                          confidence_level=confidence, **{_BOOT_RNG_KW: rng})
            idx = np.arange(b)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", st.DegenerateDataWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                res = st.bootstrap((idx,), statistic, method="BCa", **kwargs)
                lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
                if not (math.isfinite(lo) and math.isfinite(hi)):
                    res = st.bootstrap((idx,), statistic, method="percentile", **kwargs)
                    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
            boot = (lo, hi)
    return _Line(slope, intercept, stderr, slope_ci, boot, r2,
                 (float(xs.min()), float(xs.max())), int(n), int(b))


def _check_fit_options(confidence: Any, n_boot: Any, center: Any) -> tuple[float, int, str]:
    confidence = _check_confidence(confidence)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if center not in _CENTERS:
        raise ValueError(f"center must be one of {_CENTERS}, got {center!r}")
    return confidence, int(n_boot), str(center)


# ---------------------------------------------------------------------------------------------
# estimators


def loglog_fit(x: Any, y: Any, window: Any = None, *, confidence: float = 0.95, n_boot: int = 999,
               seed: Any = 0, center: str = "geomean") -> PowerFit:
    """Power-law fit log y = a + s·log x, e.g. a rate f_gap ~ T^s or a plateau ~ ρ^s.

    Over the records with lo ≤ x ≤ hi (``window``; None = every record with x > 0 and y > 0 in
    all runs), the centre across runs c_k = mean_b log y_{k,b} (``center="geomean"``) or
    median_b log y_{k,b} (``"median"``) is regressed on log x_k with scipy.stats.linregress.
    slope_ci = s ± t_{(1+c)/2, n-2}·stderr(s), c = ``confidence``.  When B ≥ 2 runs,
    slope_ci_boot is a bootstrap interval over runs (``n_boot`` resamples, BCa, Generator from
    ``seed``; ``n_boot=0`` skips it).  y is clipped at 1e-300 before the log; ≥ 3 points needed.

    x : (K,) abscissae (positive in the window).  y : (K,) or (K, B).
    """
    confidence, n_boot, center = _check_fit_options(confidence, n_boot, center)
    x = _as_abscissa(x, "x")
    y = _as_curves(y, x.size, "x")
    win = _check_window(window)
    mask = _select(x, y, win, need_positive_x=True, xname="x")
    line = _fit_line(np.log(x[mask]), log_clip(y[mask]), x[mask], confidence=confidence,
                     n_boot=n_boot, seed=seed, center=center)
    return PowerFit(line.slope, line.intercept, line.slope_ci, line.slope_ci_boot, line.r2,
                    line.window, line.n_points, line.stderr, line.n_runs, confidence, center)


def contraction_fit(t: Any, y: Any, window: Any = None, *, confidence: float = 0.95,
                    n_boot: int = 999, seed: Any = 0, center: str = "geomean") -> LinearRateFit:
    """Linear-rate fit log y = a + t·log q, i.e. y_t ≈ C·q^t (q = contraction factor per step).

    Same estimator as :func:`loglog_fit` with t in place of log x: the centre across runs of
    log y is regressed on t (scipy.stats.linregress); slope = log q, factor q = e^slope with
    interval exp(slope_ci) (and exp(slope_ci_boot) for B ≥ 2), rate = −slope = −log q.
    window = (lo, hi) in t, inclusive; None = every record with y > 0 in all runs.

    t : (K,) step numbers.  y : (K,) or (K, B), e.g. ``res.f_gap`` or ``res.dist``.
    """
    confidence, n_boot, center = _check_fit_options(confidence, n_boot, center)
    t = _as_abscissa(t, "t")
    y = _as_curves(y, t.size, "t")
    win = _check_window(window)
    mask = _select(t, y, win, need_positive_x=False, xname="t")
    line = _fit_line(t[mask], log_clip(y[mask]), t[mask], confidence=confidence, n_boot=n_boot,
                     seed=seed, center=center)
    fci = (math.exp(line.slope_ci[0]), math.exp(line.slope_ci[1]))
    fboot = None if line.slope_ci_boot is None else (math.exp(line.slope_ci_boot[0]),
                                                     math.exp(line.slope_ci_boot[1]))
    return LinearRateFit(math.exp(line.slope), fci, fboot, -line.slope, line.slope, line.intercept,
                         line.slope_ci, line.slope_ci_boot, line.r2, line.window, line.n_points,
                         line.stderr, line.n_runs, confidence, center)


def plateau(t: Any, y: Any, tail: float = 0.2, rel_tol: float = 0.05, *,
            confidence: float = 0.95) -> Plateau:
    """Level where a curve settles, over the last ``tail`` fraction of the records.

    With m = ⌈tail·K⌉ (≥ 4) tail records, c_k = y_k (1-D) or exp(mean_b log y_{k,b}) (2-D,
    geometric mean across runs):  level = mean of c over the tail;
    rel_change = |mean(second half) − mean(first half)| / |level|;
    (log_slope, log_slope_ci) = scipy.stats.theilslopes of log c vs log t over the tail at
    ``confidence``;  settled = rel_change < rel_tol.

    t : (K,) increasing step numbers (positive in the tail).  y : (K,) or (K, B), y ≥ 0.
    """
    confidence = _check_confidence(confidence)
    t = _as_abscissa(t, "t")
    y = _as_curves(y, t.size, "t")
    try:
        tail = float(tail)
        rel_tol = float(rel_tol)
    except (TypeError, ValueError):
        raise ValueError("tail and rel_tol must be numbers") from None
    if not 0.0 < tail <= 1.0:
        raise ValueError(f"tail must be in (0, 1], got {tail!r}")
    if not (rel_tol > 0.0 and math.isfinite(rel_tol)):
        raise ValueError(f"rel_tol must be a finite positive number, got {rel_tol!r}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("t must be strictly increasing")
    k = t.size
    m = int(math.ceil(tail * k - 1e-9))
    if m < 4:
        raise ValueError(f"tail={tail} of {k} records leaves {m} < 4 records; raise tail or record more")
    tt, yy = t[-m:], y[-m:]
    if np.any(tt <= 0):
        raise ValueError("t must be positive over the tail (log t is taken)")
    if not np.all(np.isfinite(yy)):
        raise ValueError("y has non-finite values in the tail; drop diverged runs first")
    if np.any(yy < 0):
        raise ValueError("y must be >= 0 (a gap, a norm or a distance)")
    if yy.shape[1] == 1:
        c = yy[:, 0]
    else:
        c = np.exp(log_clip(yy).mean(axis=1))
    level = float(c.mean())
    h = m // 2
    first, second = float(c[:h].mean()), float(c[m - h:].mean())
    diff = abs(second - first)
    rel_change = 0.0 if diff == 0.0 else (diff / abs(level) if level != 0.0 else math.inf)
    ts = st.theilslopes(log_clip(c), np.log(tt), alpha=confidence)
    return Plateau(level, float(rel_change), float(ts.slope),
                   (float(ts.low_slope), float(ts.high_slope)), bool(rel_change < rel_tol),
                   (float(tt[0]), float(tt[-1])), int(m), rel_tol)


def scaling_exponent(param: Any, level: Any, baseline: Any = None, **fit_kwargs: Any) -> PowerFit:
    """Exponent p of a plateau vs a hyperparameter: level(θ) − level(0) ≈ C·θ^p (θ = ρ, η or λ).

    The baseline level(0) is subtracted first: ``baseline`` is a number, a (B,) array (one per
    run, paired with the columns of ``level``), or None — then the record with param == 0, if
    there is one, is the baseline (and is dropped from the fit); otherwise nothing is
    subtracted.  Every difference must be > 0 (a ValueError names the first param and run
    where it is not).  The rest is :func:`loglog_fit` (``fit_kwargs``: window, confidence, …).

    param : (P,) values of ρ/η/λ.  level : (P,) or (P, B) plateau levels.
    """
    param = _as_abscissa(param, "param")
    lev = np.asarray(level, dtype=np.float64)
    one_d = lev.ndim == 1
    lev = _as_curves(lev, param.size, "param")
    if not np.all(np.isfinite(lev)):
        raise ValueError("level must be finite")
    if baseline is None:
        zero = np.flatnonzero(param == 0)
        if zero.size > 1:
            raise ValueError("param holds more than one 0: the baseline is ambiguous; pass baseline")
        if zero.size == 1:
            base = lev[zero[0]]
            keep = param != 0
            param, lev = param[keep], lev[keep]
        else:
            base = np.zeros(lev.shape[1])
    else:
        base = np.asarray(baseline, dtype=np.float64)
        if base.ndim == 0:
            base = np.full(lev.shape[1], float(base))
        elif base.shape != (lev.shape[1],):
            raise ValueError(f"baseline must be a number or have shape ({lev.shape[1]},), got {base.shape}")
        if not np.all(np.isfinite(base)):
            raise ValueError("baseline must be finite")
    if np.any(param <= 0):
        raise ValueError("param must be > 0 (apart from a single 0 used as the baseline)")
    diff = lev - base[None, :]
    bad = np.argwhere(~(diff > 0))
    if bad.size:
        i, j = bad[0]
        run = "" if one_d else f", run {j}"
        raise ValueError(f"level - baseline must be > 0; it is {diff[i, j]:.6g} at param={param[i]:.6g}{run}"
                         f" ({len(bad)} such entries)")
    return loglog_fit(param, diff[:, 0] if one_d else diff, **fit_kwargs)


def mc_mean(values: Any, axis: int = -1, confidence: float = 0.95) -> MonteCarlo:
    """Monte Carlo mean of n i.i.d. samples along ``axis``: x̄ ± t_{(1+c)/2, n-1}·s/√n.

    The standard error is scipy.stats.sem (ddof = 1); n ≥ 2 samples, all finite.
    """
    confidence = _check_confidence(confidence)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 0:
        raise ValueError("values must have at least one dimension")
    if not isinstance(axis, (int, np.integer)) or not -v.ndim <= axis < v.ndim:
        raise ValueError(f"axis must be an integer in [-{v.ndim}, {v.ndim}), got {axis!r}")
    n = v.shape[axis]
    if n < 2:
        raise ValueError(f"values needs at least 2 samples along axis {axis}, got {n}")
    if not np.all(np.isfinite(v)):
        raise ValueError("values must be finite")
    mean = v.mean(axis=axis)
    sem = st.sem(v, axis=axis, ddof=1)
    h = st.t.ppf(0.5 + confidence / 2.0, n - 1) * sem
    lo, hi = mean - h, mean + h
    if np.ndim(mean) == 0:
        mean, sem, lo, hi = float(mean), float(sem), float(lo), float(hi)
    return MonteCarlo(mean, sem, (lo, hi), int(n), confidence)


# ---------------------------------------------------------------------------------------------
# multiple comparisons


def bonferroni_z(m: int, alpha: float = 0.01) -> float:
    """Two-sided Bonferroni quantile z = Φ⁻¹(1 − α/(2m)) for ``m`` comparisons at family-wise error ``alpha``.

    A claim that compares m Monte Carlo means with predictions as |mean − prediction| ≤ z·SE keeps its
    probability of any false failure ≤ α (m = 16, α = 0.01: z ≈ 3.42).
    """
    try:
        a = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number in (0, 1), got {alpha!r}") from None
    if not 0.0 < a < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise ValueError(f"m must be an integer, got {m!r}")
    return float(st.norm.ppf(1.0 - a / (2.0 * max(int(m), 1))))


__all__ += ["bonferroni_z"]
