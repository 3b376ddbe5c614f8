r"""Families of instances: a box of parameters mapped to (problem, start) pairs.

A family turns a parameter vector p in its box (``family.box``, a list of (low, high)) into an
instance — a problem of the class and a start x_0 — and a whole population P of shape (S, len(box))
into ONE batched problem with S rows plus the (S, d) starts, so that a generation of a search is a
single ``samlab.run``. ``family.instance(p)`` gives the same instance as an ordinary samlab problem.

Every family centres its instances at the origin (x* = 0, or the saddle point 0) except the least
squares one, whose x* follows from its data. The methods of samlab are equivariant under rotations
(the Euclidean normalization commutes with them; RSAM's isotropic noise is rotation invariant in
law) and translations, so diagonal Hessians and x* = 0 lose no generality: the direction of
x_0 − x* is searched over the whole sphere. Rotate H and x_0 together to get any other member.

The start: ``start="distance"`` puts ‖x_0 − x*‖² = ``start_value`` exactly, ``start="f_gap"`` puts
f(x_0) − f* = ``start_value`` exactly (on the boundary of the initial condition; for linear methods
that is where the worst case lies, by homogeneity). A pair ``start_value=(lo, hi)`` searches the
start's size too (one more parameter): then the bound must hold for every start in that range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import integer, real
from ..problems import LeastSquares, Quadratic
from ..problems.base import Problem
from .problems import BatchedLeastSquares, CosineSum, DiagonalQuadratics, HuberSum

__all__ = ["Family", "Instance", "Quadratics", "Huber", "Saddles", "Cosines", "LeastSquaresFamily"]


def _positive(value, name: str) -> float:
    v = real(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return v


def _pair(value, name: str) -> tuple[float, float]:
    """(low, high) as two finite floats, else ValueError naming ``name``."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}")
    return real(value[0], name), real(value[1], name)


def _dim(value, name: str = "dim", low: int = 1) -> int:
    return integer(value, name, minimum=low)


def _start(start: str, start_value, allowed=("distance", "f_gap")):
    if start not in allowed:
        raise ValueError(f"start must be one of {allowed}, got {start!r}")
    if isinstance(start_value, (tuple, list)):
        lo, hi = (_positive(v, "start_value") for v in _pair(start_value, "start_value"))
        if not lo < hi:
            raise ValueError(f"start_value as a range needs low < high, got {start_value!r}")
        return (lo, hi)
    return _positive(start_value, "start_value")


def _unit(U: np.ndarray) -> np.ndarray:
    """Rows of U scaled to unit norm; an all-zero row becomes e_1."""
    U = np.array(U, dtype=float)
    norms = np.sqrt(np.einsum("sj,sj->s", U, U))
    zero = norms == 0
    U[zero] = 0.0
    U[zero, 0] = 1.0
    norms[zero] = 1.0
    return U / norms[:, None]


@dataclass(frozen=True)
class Instance:
    """One member of a family: the problem, the start x_0 (d,) and the parameters that built it."""

    problem: Problem
    x0: np.ndarray
    params: np.ndarray
    center: np.ndarray | None  # the reference point of "distance" when the problem has no x*


class Family:
    """Base class. Subclasses set ``name``, ``dim``, ``box`` and implement ``_build``.

    ``_build(P)`` returns (batched problem with S rows, starts (S, d), centres (S, d) or None).
    ``stochastic``: whether the runs need a sampling (then ``sampling`` is set).
    """

    name = "family"
    dim: int
    box: list[tuple[float, float]]
    stochastic = False
    sampling = None

    def _check(self, P) -> np.ndarray:
        P = np.array(P, dtype=float)
        if P.ndim == 1:
            P = P[None, :]
        if P.ndim != 2 or P.shape[1] != len(self.box):
            raise ValueError(f"parameters must have shape (S, {len(self.box)}), got {np.shape(P)}")
        lo, hi = np.array(self.box).T
        if np.any(P < lo) or np.any(P > hi) or not np.all(np.isfinite(P)):
            raise ValueError(f"parameters must lie in the family's box {self.box}")
        return P

    def batch(self, P) -> tuple[Problem, np.ndarray, np.ndarray | None]:
        """(problem with S rows, starts (S, d), centres (S, d) or None) for parameters P (S, p)."""
        return self._build(self._check(P))

    def instance(self, p) -> Instance:
        """The member of parameters p as an ordinary samlab problem (one row)."""
        p = self._check(p)
        problem, x0, center = self._single(p)
        return Instance(problem, x0[0], p[0].copy(), None if center is None else center[0])

    def random(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """(n, p) parameters drawn uniformly in the box."""
        lo, hi = np.array(self.box).T
        return lo + (hi - lo) * rng.random((int(n), len(self.box)))

    def describe(self) -> dict[str, Any]:
        return {"family": self.name, "dim": self.dim, "parameters": len(self.box),
                "box": [list(b) for b in self.box], **self._settings()}

    # split of a parameter vector: [specific …, direction (d), start fraction (optional)]
    def _start_columns(self, P):
        d = self.dim
        k = len(self.box) - d - (1 if isinstance(self.start_value, tuple) else 0)
        U = _unit(P[:, k:k + d])
        if isinstance(self.start_value, tuple):
            lo, hi = self.start_value
            size = lo + (hi - lo) * P[:, -1]
        else:
            size = np.full(P.shape[0], self.start_value)
        return P[:, :k], U, size

    def _start_box(self):
        return [(-1.0, 1.0)] * self.dim + ([(0.0, 1.0)] if isinstance(self.start_value, tuple) else [])


class Quadratics(Family):
    """f(x) = ½ xᵀ diag(λ) x with λ_1 = μ, λ_d = L (both ends attained) and λ_2 … λ_{d−1} ∈ [μ, L].

    L → ``L``, μ → ``mu`` (0 ≤ μ < L; dim ≥ 2). Parameters: the d − 2 inner eigenvalues as fractions
    of [μ, L], the direction of x_0 (d values in [−1, 1], normalized), and the start's size when
    ``start_value`` is a range. The rotation is free (see the module docstring): the member returned
    is diagonal. Instance: :class:`samlab.problems.Quadratic`.
    """

    name = "quadratics"

    def __init__(self, dim: int, L: float, mu: float = 0.0, *, start: str = "distance", start_value=1.0):
        self.dim = _dim(dim, low=2)
        self.L = _positive(L, "L")
        self.mu = real(mu, "mu")
        if not 0 <= self.mu < self.L:
            raise ValueError(f"mu must lie in [0, L), got {mu!r}")
        self.start = start
        self.start_value = _start(start, start_value)
        self.box = [(0.0, 1.0)] * (self.dim - 2) + self._start_box()

    def _settings(self):
        return {"L": self.L, "mu": self.mu, "start": self.start, "start_value": self.start_value}

    def _eigenvalues(self, inner):
        S = inner.shape[0]
        mid = self.mu + (self.L - self.mu) * inner
        return np.concatenate([np.full((S, 1), self.mu), mid, np.full((S, 1), self.L)], axis=1)

    def _parts(self, P):
        inner, U, size = self._start_columns(P)
        eig = self._eigenvalues(inner)
        if self.start == "distance":
            r = np.sqrt(size)
        else:  # ½ r² ûᵀdiag(λ)û = size
            r = np.sqrt(2.0 * size / np.einsum("sj,sj->s", eig * U, U))
        return eig, U * r[:, None]

    def _build(self, P):
        eig, X0 = self._parts(P)
        return DiagonalQuadratics(eig, name=self.name), X0, None

    def _single(self, p):
        eig, X0 = self._parts(p)
        return Quadratic(np.diag(eig[0]), name=self.name), X0, None


class Saddles(Family):
    """Quadratic saddles f(x) = ½ xᵀ diag(λ) x: ``n_negative`` eigenvalues in −[a, b] (``negative`` =
    (a, b)) and the others in ``positive`` = (c, e), each a free parameter; the saddle point is 0.

    Start: ‖x_0‖² = ``start_value`` (distance to the saddle), direction free. "distance" measures
    ‖x_t − 0‖², "f_gap" measures f(x_t) − f(0) = f(x_t) (negative once a run escapes downhill).
    Instance: :class:`samlab.problems.Quadratic` (indefinite; x* = None, centre 0).
    """

    name = "saddles"

    def __init__(self, dim: int, positive=(0.5, 2.0), negative=(0.5, 2.0), *, n_negative: int = 1,
                 start_value=1.0):
        self.dim = _dim(dim, low=2)
        self.n_negative = _dim(n_negative, "n_negative")
        if self.n_negative >= self.dim:
            raise ValueError(f"n_negative must be < dim = {self.dim}, got {n_negative!r}")
        self.positive = self._range(positive, "positive")
        self.negative = self._range(negative, "negative")
        self.start = "distance"
        self.start_value = _start("distance", start_value)
        self.box = [(0.0, 1.0)] * self.dim + self._start_box()

    @staticmethod
    def _range(value, name):
        lo, hi = _pair(value, name)
        if not 0 < lo <= hi:
            raise ValueError(f"{name} must satisfy 0 < low <= high, got {value!r}")
        return (lo, hi)

    def _settings(self):
        return {"positive": self.positive, "negative": self.negative, "n_negative": self.n_negative,
                "start": "distance", "start_value": self.start_value}

    def _parts(self, P):
        frac, U, size = self._start_columns(P)
        m = self.n_negative
        (a, b), (c, e) = self.negative, self.positive
        eig = np.concatenate([-(a + (b - a) * frac[:, :m]), c + (e - c) * frac[:, m:]], axis=1)
        return eig, U * np.sqrt(size)[:, None]

    def _build(self, P):
        eig, X0 = self._parts(P)
        return DiagonalQuadratics(eig, name=self.name), X0, np.zeros_like(X0)

    def _single(self, p):
        eig, X0 = self._parts(p)
        return Quadratic(np.diag(eig[0]), name=self.name), X0, np.zeros_like(X0)


class Huber(Family):
    """f(x) = (μ/2)‖x‖² + (L − μ) Σ_j h_{δ_j}(x_j) (:class:`~samlab.adversary.problems.HuberSum`):
    convex, not quadratic, with exact L (at x* = 0) and μ (far from it).

    Parameters: log10 of each δ_j relative to the start radius, in ``log_delta`` (default (−3, 0.5):
    δ_j from 1e-3·r to 3.2·r, from almost linear to almost quadratic along the run), the direction of
    x_0 and the start's size when it is a range. dim = 1 gives the 1-D Huber-type functions.
    """

    name = "huber"

    def __init__(self, dim: int, L: float, mu: float = 0.0, *, start: str = "distance", start_value=1.0,
                 log_delta=(-3.0, 0.5)):
        self.dim = _dim(dim)
        self.L = _positive(L, "L")
        self.mu = real(mu, "mu")
        if not 0 <= self.mu < self.L:
            raise ValueError(f"mu must lie in [0, L), got {mu!r}")
        self.start = start
        self.start_value = _start(start, start_value)
        lo, hi = _pair(log_delta, "log_delta")
        if not lo < hi:
            raise ValueError(f"log_delta must be a range (low < high), got {log_delta!r}")
        self.log_delta = (lo, hi)
        self.box = [self.log_delta] * self.dim + self._start_box()

    def _settings(self):
        return {"L": self.L, "mu": self.mu, "start": self.start, "start_value": self.start_value,
                "log_delta": self.log_delta}

    def _scale(self, size):
        """A radius that sets the δ scale: √size for distance starts, √(2·size/L) for f-gap starts."""
        return np.sqrt(size) if self.start == "distance" else np.sqrt(2.0 * size / self.L)

    def _parts(self, P):
        logd, U, size = self._start_columns(P)
        delta = self._scale(size)[:, None] * 10.0 ** logd
        if self.start == "distance":
            r = np.sqrt(size)
        else:
            r = self._radius_for_gap(U, delta, size)
        return delta, U * r[:, None]

    def _radius_for_gap(self, U, delta, size):
        """r with f(r·û) = size for every row: bisection on the increasing φ(r) (batched, to the last bit)."""
        probe = HuberSum(self.L, self.mu, delta)

        def phi(r):
            return probe.value(U * r[:, None])

        lo = np.zeros(U.shape[0])
        hi = np.sqrt(2.0 * size / self.L)  # φ(r) ≤ L r²/2, so φ(hi) ≤ size: a lower bracket
        lo = hi.copy()
        for _ in range(2100):  # double until φ(hi) ≥ size (φ grows at least linearly)
            short = phi(hi) < size
            if not short.any():
                break
            lo = np.where(short, hi, lo)
            hi = np.where(short, 2.0 * hi, hi)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if np.all((mid == lo) | (mid == hi)):
                break
            below = phi(mid) < size
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return hi

    def _build(self, P):
        delta, X0 = self._parts(P)
        return HuberSum(self.L, self.mu, delta, name=self.name), X0, None

    def _single(self, p):
        delta, X0 = self._parts(p)
        return HuberSum(self.L, self.mu, delta[0], name=self.name), X0, None


class Cosines(Family):
    """Nonconvex, bounded below: f(x) = Σ_j (L/ω_j²)(1 − cos(ω_j x_j)) (:class:`~samlab.adversary.problems.CosineSum`),
    exactly L-smooth, f* = inf f = 0 at x* = 0 — for the nonconvex bounds, whose Δ = f(x_0) − inf f.

    Parameters: log10(ω_j·r) in ``log_omega`` (default (−1, 2): from almost quadratic wells to ~100
    wells per start radius r; Si & Yun's stall needs ω = 3π/(2ρ)), the direction of x_0 and the
    start's size when it is a range. ``start="f_gap"`` puts f(x_0) = start_value on the rising part
    of the ray (before its first crest); a candidate whose wells are too shallow for that has all ω
    scaled down until they are deep enough (f scales as 1/ω² at fixed ωx), so every candidate is valid.
    """

    name = "cosines"

    def __init__(self, dim: int, L: float, *, start: str = "distance", start_value=1.0, log_omega=(-1.0, 2.0)):
        self.dim = _dim(dim)
        self.L = _positive(L, "L")
        self.mu = None
        self.start = start
        self.start_value = _start(start, start_value)
        lo, hi = _pair(log_omega, "log_omega")
        if not lo < hi:
            raise ValueError(f"log_omega must be a range (low < high), got {log_omega!r}")
        self.log_omega = (lo, hi)
        self.box = [self.log_omega] * self.dim + self._start_box()

    def _settings(self):
        return {"L": self.L, "start": self.start, "start_value": self.start_value, "log_omega": self.log_omega}

    def _parts(self, P):
        logw, U, size = self._start_columns(P)
        scale = np.sqrt(size) if self.start == "distance" else np.sqrt(2.0 * size / self.L)
        omega = 10.0 ** logw / scale[:, None]
        if self.start == "distance":
            return omega, U * np.sqrt(size)[:, None]
        # rising part of the ray r·û: r ≤ r_peak = min_j π/(ω_j|û_j|) (the first crest)
        with np.errstate(divide="ignore"):
            r_peak = np.min(np.where(U != 0, np.pi / (omega * np.abs(U)), np.inf), axis=1)
        peak = CosineSum(self.L, omega).value(U * r_peak[:, None])
        c = np.minimum(1.0, np.sqrt(peak / size))  # shallow wells: ω → cω gives peaks / c²
        omega = omega * c[:, None]
        r_peak = r_peak / c
        probe = CosineSum(self.L, omega)
        lo, hi = np.zeros_like(r_peak), r_peak.copy()
        for _ in range(200):  # bisection of the increasing f(r·û) = size on [0, r_peak], batched
            mid = 0.5 * (lo + hi)
            if np.all((mid == lo) | (mid == hi)):
                break
            below = probe.value(U * mid[:, None]) < size
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return omega, U * hi[:, None]

    def _build(self, P):
        omega, X0 = self._parts(P)
        return CosineSum(self.L, omega, name=self.name), X0, None

    def _single(self, p):
        omega, X0 = self._parts(p)
        return CosineSum(self.L, omega[0], name=self.name), X0, None


class LeastSquaresFamily(Family):
    r"""Ridge least-squares finite sums with given ER constants (for stochastic bounds).

    f(x) = (1/n) Σ_i f_i(x), f_i(x) = ½(a_iᵀx − b_i)² + (μ/2)‖x‖², with every ‖a_i‖² ≤ L_max − μ, so
    each f_i is L_max-smooth, f is μ-strongly convex and L-smooth with L ≤ L_max; the data b is
    scaled so that Δ^inf = f* − (1/n) Σ_i inf f_i equals ``delta_inf`` exactly (unless the drawn
    direction gives Δ^inf = 0). With ``sampling`` (default ``Uniform(1)``) every member satisfies the
    ER condition E‖∇f_v(x)‖² ≤ 2A(f(x) − f*) + B‖∇f(x)‖² + C with the family's ``er_constants``
    (A, B from the sampling at L_max, C = 2AΔ^inf; Oikonomou & Loizou 2025, eq. (ER), [paper]).

    L_max → ``L_max``, μ → ``mu`` (> 0), Δ^inf → ``delta_inf``. Parameters: the n rows (n·d
    direction values and n norms as fractions of √(L_max − μ)), the n data directions, the direction
    of x_0 and the start's size when it is a range. Instance: :class:`samlab.problems.LeastSquares`.
    """

    name = "least_squares"
    stochastic = True

    def __init__(self, n: int, dim: int, L_max: float, mu: float, delta_inf: float, *, sampling=None,
                 start: str = "distance", start_value=1.0):
        from ..sampling import Uniform

        self.n = _dim(n, "n")
        self.dim = _dim(dim)
        self.L_max = _positive(L_max, "L_max")
        self.mu = _positive(mu, "mu")
        if self.mu >= self.L_max:
            raise ValueError(f"mu must be < L_max, got mu={mu!r}, L_max={L_max!r}")
        self.delta_inf = real(delta_inf, "delta_inf", minimum=0.0)
        self.sampling = Uniform(1) if sampling is None else sampling
        if not isinstance(self.sampling, Uniform):
            raise ValueError("sampling must be a samlab.sampling.Uniform (a batch of instances needs a "
                             "sampling that does not depend on the components)")
        self.sampling.check(self._reference())
        self.start = start
        self.start_value = _start(start, start_value)
        n, d = self.n, self.dim
        self.box = [(-1.0, 1.0)] * (n * d) + [(0.0, 1.0)] * n + [(-1.0, 1.0)] * n + self._start_box()

    def _reference(self) -> LeastSquares:
        """A member with every ‖a_i‖² + μ = L_max (the largest A of the sampling) and b = 0."""
        A = np.zeros((self.n, self.dim))
        A[:, 0] = math.sqrt(self.L_max - self.mu)
        return LeastSquares(A, np.zeros(self.n), reg=self.mu)

    @property
    def er_constants(self) -> tuple[float, float, float]:
        """(A, B, C) valid for every member: the sampling's A, B at L_max and C = 2AΔ^inf."""
        A, B, _ = self.sampling.er_constants(self._reference())
        return float(A), float(B), float(2.0 * A * self.delta_inf)

    def _settings(self):
        return {"n": self.n, "L_max": self.L_max, "mu": self.mu, "delta_inf": self.delta_inf,
                "sampling": self.sampling.describe(), "er_constants": list(self.er_constants),
                "start": self.start, "start_value": self.start_value}

    def _data(self, P):
        n, d = self.n, self.dim
        S = P.shape[0]
        dirs = _unit(P[:, :n * d].reshape(S * n, d)).reshape(S, n, d)
        norms = math.sqrt(self.L_max - self.mu) * P[:, n * d:n * d + n]
        A = dirs * norms[:, :, None]
        bdir = _unit(P[:, n * d + n:n * d + 2 * n])
        probe = BatchedLeastSquares(A, bdir, self.mu)
        dinf = probe.delta_inf  # homogeneous of degree 2 in b
        scale = np.divide(np.sqrt(self.delta_inf), np.sqrt(dinf), out=np.zeros_like(dinf), where=dinf > 0)
        return A, bdir * scale[:, None]

    def _x0(self, H, x_star, U, size):
        if self.start == "distance":
            r = np.sqrt(size)
        else:
            r = np.sqrt(2.0 * size / np.einsum("si,sij,sj->s", U, H, U))
        return x_star + U * r[:, None]

    def _build(self, P):
        A, b = self._data(P)
        _, U, size = self._start_columns(P)
        problem = BatchedLeastSquares(A, b, self.mu, name=self.name)
        return problem, self._x0(problem.hessian_matrix, problem.x_star, U, size), None

    def _single(self, p):
        A, b = self._data(p)
        _, U, size = self._start_columns(p)
        problem = LeastSquares(A[0], b[0], reg=self.mu, name=self.name)
        return problem, self._x0(problem.hessian_matrix[None], problem.x_star[None], U, size), None
