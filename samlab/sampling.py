r"""Samplings of a finite sum f = (1/n) Σ_i f_i and their ER constants.

A sampling draws, for each of B runs, indices idx (B, k) and coefficients coef (B, k) so that the
sampled gradient is ∇f_v(x) = Σ_j coef_j ∇f_{idx_j}(x) with E[∇f_v(x)] = ∇f(x) (sampling vector v
with E[v_i] = 1, f_v = (1/n) Σ_i v_i f_i).

``er_constants(problem)`` returns (A, B, C) of the second-moment (expected-smoothness) condition
used by Oikonomou & Loizou (2025):

    E_v ‖∇f_v(x)‖² ≤ 2A (f(x) − f*) + B ‖∇f(x)‖² + C,   C = 2AΔ^inf,  Δ^inf = f* − (1/n) Σ_i f_i^inf

(the second-moment condition of Khaled & Richtárik 2020 under which Oikonomou & Loizou 2025 state their
rates; the constants A, B follow the authors' code [official code], C = 2AΔ^inf Khaled & Richtárik [derived]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import boolean, integer
from .problems.base import FiniteSum

__all__ = ["Sampling", "Uniform", "Nice", "Importance", "FullBatch", "RunwiseSampling", "PairedSampling"]


def _require_finite_sum(problem) -> FiniteSum:
    if not getattr(problem, "is_finite_sum", False):
        raise ValueError(f"sampling needs a finite-sum problem; {problem!r} is not one (use noise= instead)")
    return problem


class Sampling:
    """Base class: ``draw(rng, runs, problem) -> (idx, coef)`` and ``er_constants(problem)``."""

    name = "sampling"

    def check(self, problem) -> None:
        _require_finite_sum(problem)

    def draw(self, rng: np.random.Generator, runs: int, problem: FiniteSum):  # pragma: no cover
        raise NotImplementedError

    def er_constants(self, problem) -> tuple[float, float, float]:  # pragma: no cover
        raise NotImplementedError

    def outcomes(self, problem):
        """Every (probability, idx (k,), coef (k,)) outcome: exact expectations on small sums."""
        raise NotImplementedError  # pragma: no cover

    def describe(self) -> dict:
        return {"name": self.name}


@dataclass(frozen=True)
class Uniform(Sampling):
    """Uniform minibatch of ``batch_size`` = τ components, without replacement by default.

    ∇f_v = (1/τ) Σ_{i∈S} ∇f_i. Without replacement this is τ-nice sampling:
    A = (n−τ) L_max/(τ(n−1)), B = n(τ−1)/(τ(n−1)); τ = 1 gives (L_max, 0) and τ = n gives (0, 1).
    With ``replace=True`` (i.i.d. uniform draws, as the official unifiedsam code does):
    A = L_max/τ, B = 1 − 1/τ.
    """

    batch_size: int = 1
    replace: bool = False

    def __post_init__(self):
        integer(self.batch_size, "batch_size", minimum=1)
        boolean(self.replace, "replace")

    @property
    def name(self):
        return "uniform" if self.batch_size == 1 else f"uniform(batch_size={self.batch_size})"

    def check(self, problem):
        _require_finite_sum(problem)
        if not self.replace and self.batch_size > problem.n:
            raise ValueError(f"batch_size {self.batch_size} exceeds the number of components n = {problem.n}")

    def draw(self, rng, runs, problem):
        n, tau = problem.n, int(self.batch_size)
        if tau == 1 or self.replace:
            idx = rng.integers(0, n, size=(runs, tau))
        elif tau == n:
            idx = np.broadcast_to(np.arange(n), (runs, n))
        else:
            idx = np.argpartition(rng.random((runs, n)), tau - 1, axis=1)[:, :tau]
        return idx, np.full((runs, tau), 1.0 / tau)

    def er_constants(self, problem):
        self.check(problem)
        n, tau, lmax = problem.n, int(self.batch_size), problem.L_max
        if self.replace:
            A, B = lmax / tau, 1.0 - 1.0 / tau
        elif n == 1:
            A, B = 0.0, 1.0
        else:
            A, B = (n - tau) * lmax / (tau * (n - 1)), n * (tau - 1) / (tau * (n - 1))
        return float(A), float(B), float(2.0 * A * problem.delta_inf)

    def outcomes(self, problem):
        from itertools import combinations, product

        n, tau = problem.n, int(self.batch_size)
        if self.replace:
            sets = list(product(range(n), repeat=tau))
            p = 1.0 / len(sets)
        else:
            sets = list(combinations(range(n), tau))
            p = 1.0 / len(sets)
        return [(p, np.array(s), np.full(tau, 1.0 / tau)) for s in sets]

    def describe(self):
        return {"name": "uniform", "batch_size": int(self.batch_size), "replace": bool(self.replace)}


def Nice(tau: int) -> Uniform:
    """τ-nice sampling: a uniformly random subset of τ components (no replacement)."""
    return Uniform(batch_size=integer(tau, "tau", minimum=1), replace=False)


@dataclass(frozen=True)
class Importance(Sampling):
    """Single-element importance sampling with p_i = L_i / Σ_j L_j.

    Reweighted (default, theory-faithful): ∇f_v = ∇f_i/(n p_i), unbiased, A = max_i L_i/(n p_i) = L̄,
    B = 0. ``reweight=False`` reproduces the official unifiedsam code, which uses ∇f_i unweighted:
    a biased estimator of ∇f (it minimizes Σ_i p_i f_i), recorded as such in a run's meta.
    """

    reweight: bool = True

    def __post_init__(self):
        boolean(self.reweight, "reweight")

    @property
    def name(self):
        return "importance" if self.reweight else "importance(unweighted)"

    def probabilities(self, problem) -> np.ndarray:
        L = np.asarray(_require_finite_sum(problem).L_i, dtype=float)
        if np.any(L <= 0):
            raise ValueError("importance sampling needs L_i > 0 for every component")
        return L / L.sum()

    def draw(self, rng, runs, problem):
        p = self._p(problem)
        idx = np.searchsorted(self._cdf(problem), rng.random((runs, 1)), side="right")
        np.minimum(idx, problem.n - 1, out=idx)
        coef = 1.0 / (problem.n * p[idx]) if self.reweight else np.ones((runs, 1))
        return idx, coef

    def _p(self, problem):
        cache = problem.__dict__.setdefault("_importance_cache", {})
        if "p" not in cache:
            cache["p"] = self.probabilities(problem)
            cache["cdf"] = np.cumsum(cache["p"])
        return cache["p"]

    def _cdf(self, problem):
        self._p(problem)
        return problem.__dict__["_importance_cache"]["cdf"]

    def er_constants(self, problem):
        if not self.reweight:
            raise ValueError("the unweighted importance estimator is biased, so the ER condition does not apply; "
                             "the official unifiedsam code plugs in A = L̄ (problem.L_mean), B = 0 regardless")
        p = self.probabilities(problem)
        A = float(np.max(problem.L_i / (problem.n * p)))
        return A, 0.0, float(2.0 * A * problem.delta_inf)

    def outcomes(self, problem):
        p = self.probabilities(problem)
        n = problem.n
        coef = (lambda i: 1.0 / (n * p[i])) if self.reweight else (lambda i: 1.0)
        return [(float(p[i]), np.array([i]), np.array([coef(i)])) for i in range(n)]

    def describe(self):
        return {"name": "importance", "reweight": bool(self.reweight),
                **({} if self.reweight else {"note": "unweighted gradient as in the official unifiedsam code: biased"})}


@dataclass(frozen=True)
class FullBatch(Sampling):
    """Every component, every step: the exact gradient computed as a finite sum; (A, B, C) = (0, 1, 0)."""

    name = "full_batch"

    def draw(self, rng, runs, problem):
        n = problem.n
        return np.broadcast_to(np.arange(n), (runs, n)), np.full((runs, n), 1.0 / n)

    def er_constants(self, problem):
        self.check(problem)
        return 0.0, 1.0, 0.0

    def outcomes(self, problem):
        n = problem.n
        return [(1.0, np.arange(n), np.full(n, 1.0 / n))]


class RunwiseSampling(Sampling):
    """Different samplings for consecutive blocks of runs of one batched run.

    ``RunwiseSampling([(Uniform(), 10), (Importance(), 10)])``: runs 0–9 sample uniformly, runs 10–19
    by importance. Each block draws its own (count, k) indices per step from the run's sampling
    stream; blocks with fewer components per sample are padded with zero coefficients.
    """

    name = "runwise"

    def __init__(self, blocks):
        blocks = list(blocks)
        if not blocks:
            raise ValueError("blocks must not be empty")
        for s, c in blocks:
            if not isinstance(s, Sampling):
                raise ValueError(f"blocks: {s!r} is not a samlab sampling")
            integer(c, "blocks: counts", minimum=1)
        self.blocks = [(s, int(c)) for s, c in blocks]
        self.runs = sum(c for _, c in self.blocks)

    def check(self, problem):
        for s, _ in self.blocks:
            s.check(problem)

    def draw(self, rng, runs, problem):
        if runs != self.runs:
            raise ValueError(f"RunwiseSampling covers {self.runs} runs but the run has {runs}")
        parts = [s.draw(rng, c, problem) for s, c in self.blocks]
        k = max(idx.shape[1] for idx, _ in parts)
        idx = np.zeros((runs, k), dtype=np.int64)
        coef = np.zeros((runs, k))
        row = 0
        for (i, c), (_, cnt) in zip(parts, self.blocks):
            idx[row:row + cnt, : i.shape[1]] = i
            coef[row:row + cnt, : c.shape[1]] = c
            row += cnt
        return idx, coef

    def er_constants(self, problem):
        raise ValueError("RunwiseSampling mixes samplings: ask each block's sampling for its constants")

    def describe(self):
        return {"name": "runwise", "blocks": [{"runs": c, **s.describe()} for s, c in self.blocks]}


class PairedSampling(Sampling):
    """``copies`` configurations that see the same samples: one draw of ``runs`` samples per step,
    repeated for each copy (run j of copy c is run c·runs + j). Exact pairing inside one batched run,
    e.g. constant against decreasing steps (Thm 3.5) with identical sample paths."""

    name = "paired"

    def __init__(self, sampling: Sampling, runs: int, copies: int):
        if not isinstance(sampling, Sampling):
            raise ValueError(f"sampling must be a samlab sampling, got {sampling!r}")
        integer(runs, "runs", minimum=1)
        integer(copies, "copies", minimum=1)
        self.sampling, self.base_runs, self.copies = sampling, int(runs), int(copies)
        self.runs = self.base_runs * self.copies

    def check(self, problem):
        self.sampling.check(problem)

    def draw(self, rng, runs, problem):
        if runs != self.runs:
            raise ValueError(f"PairedSampling covers {self.runs} runs but the run has {runs}")
        idx, coef = self.sampling.draw(rng, self.base_runs, problem)
        return np.concatenate([idx] * self.copies), np.concatenate([coef] * self.copies)

    def er_constants(self, problem):
        return self.sampling.er_constants(problem)

    def outcomes(self, problem):
        return self.sampling.outcomes(problem)

    def describe(self):
        return {"name": "paired", "copies": self.copies, "runs_per_copy": self.base_runs,
                "sampling": self.sampling.describe()}
