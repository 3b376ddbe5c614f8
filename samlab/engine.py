"""``run``: advance B runs of one algorithm on one problem as a single (B, d) array.

The loop over steps is the only Python loop. Metrics are computed at checkpoints only. Statuses:

* ``"diverged"``: the iterate became non-finite or exceeded ``divergence_threshold``; the run is
  frozen at its last finite iterate (``diverged_at`` = the step);
* ``"nonfinite"``: f or ∇f became NaN while x stayed finite (log x at x < 0, √x at x < 0); an f or
  ∇f that overflows to ±inf while x is still finite (x⁴ from 1e78) is ``"diverged"``. Both are
  found where f and ∇f are evaluated: at x0 (step 0) and at the checkpoints (``diverged_at`` = the
  first checkpoint that showed it; exact with a checkpoint at every step);
* ``"stopped"``: the ``stop`` event fired after a step (``stopped_at`` = the step); the run is
  frozen at the iterate that fired it;
* ``"ok"``: none of these, so every recorded f, f − f* and ‖∇f‖ of the run is finite.

Frozen runs keep their iterate while the others go on; once every run is frozen, stepping ends and
the remaining checkpoints repeat the frozen values.

Randomness: one ``SeedSequence(seed, crc32(name))`` spawns independent streams: the primary
sampling and noise streams give the sample of the gradient every algorithm descends with (gd's only
sample, m-SAM's shared one, n-SAM's descent one); secondary streams give n-SAM's independent ascent
sample; a last stream is the algorithm's own noise (RSAM). Each stream draws a whole (B, …) block
per step, so gd, m-SAM and n-SAM with the same seed descend with the same samples (paired
comparisons; n-SAM with ρ = 0 is SGD bit for bit), and a run is bit-reproducible for a given seed and B.

Batch equals loop: a batched deterministic run equals the loop of single runs bit for bit on
problems evaluated elementwise (symbolic and diagonal problems), and to a few ulps per step on
problems evaluated through matrix products, whose BLAS kernels order sums differently for B = 1
and B > 1. samlab keeps the BLAS products: a row-independent einsum costs 3–5× more per step.

Hyperparameters are bound when the run starts: every schedule is evaluated and checked at every
step k = 1 … steps before the first step (``samlab.hyper.BoundHyper``).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from . import cache as _cache
from .algorithms import Algorithm, StepContext
from .algorithms.base import hyper_values
from .checks import real_array
from .linalg import row_norms
from .noise import Noise, offers_blocks
from .problems.base import Problem
from .result import Result
from .sampling import Sampling

__all__ = ["run", "default_checkpoints", "StepView"]


def default_checkpoints(steps: int, count: int = 100) -> np.ndarray:
    """About ``count`` log-spaced iterations in [1, steps], plus 0 and ``steps``."""
    pts = np.unique(np.round(np.geomspace(1, steps, count)).astype(np.int64))
    return np.unique(np.concatenate([[0], pts, [steps]]))


@dataclass
class StepView:
    """What an ``observe`` callable sees at a checkpoint k ≥ 1: the step x_{k−1} → x_k.

    ``x_prev`` (B, d), ``y`` the perturbed point (equal to x_prev for gd), ``g`` the ascent gradient
    (None for gd and rsam), ``g_descent`` the (stochastic) gradient at y, ``x`` the new iterate,
    ``k`` the step number, and the problem (for exact gradients: ``problem.grad(view.y)``).
    """

    k: int
    x_prev: np.ndarray
    y: np.ndarray
    g: np.ndarray | None
    g_descent: np.ndarray
    x: np.ndarray
    problem: Problem


NOISE_BLOCK_VALUES = 1 << 17
"""Additive noise is drawn for several steps at once, up to this many values (1 MiB) per block: the
same numbers as step by step (Noise.draws), without the per-call overhead that dominates small batches."""


class _Oracle:
    """Gradient oracle: exact, finite-sum sampling, additive noise, or sampling plus noise."""

    def __init__(self, problem, sampling, noise, rng_sample, rng_noise, runs, steps):
        self.problem, self.sampling, self.noise = problem, sampling, noise
        self.rng_sample, self.rng_noise, self.runs = rng_sample, rng_noise, runs
        self.stochastic = sampling is not None or noise is not None
        self.block_size = 1
        if offers_blocks(noise):  # a block never holds more draws than the run has steps
            self.block_size = max(1, min(steps, NOISE_BLOCK_VALUES // (runs * problem.dim)))
        self.block, self.used = None, 0

    def _noise(self) -> np.ndarray:
        """The next draw of the noise, from a block of successive draws when the noise offers one."""
        if self.block is not None and self.used < len(self.block):
            self.used += 1
            return self.block[self.used - 1]
        if self.block_size > 1:
            self.block = self.noise.draws(self.rng_noise, self.runs, self.problem.dim, self.block_size)
            if self.block is not None:
                self.used = 1
                return self.block[0]
            self.block_size = 1
        return self.noise.draw(self.rng_noise, self.runs, self.problem.dim)

    def draw(self):
        if not self.stochastic:
            return None
        s = self.sampling.draw(self.rng_sample, self.runs, self.problem) if self.sampling is not None else None
        xi = self._noise() if self.noise is not None else None
        return s, xi

    def grad(self, X, sample):
        if sample is None:
            return self.problem.grad(X)
        s, xi = sample
        g = self.problem.component_grad(X, *s) if s is not None else self.problem.grad(X)
        if xi is not None:
            g = g + xi
        return g


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _streams(seed: int, name: str) -> list[np.random.Generator]:
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(name, str):
        raise ValueError(f"name must be a string, got {name!r}")
    ss = np.random.SeedSequence([int(seed), zlib.crc32(name.encode("utf-8"))])
    return [np.random.Generator(np.random.PCG64(s)) for s in ss.spawn(5)]


def _resolve_runs(x0: np.ndarray, algorithm: Algorithm, runs: int | None) -> int:
    """B from ``runs``, the rows of x0 and per-run hyperparameters, which must agree."""
    sources = {name: h.runs for name, h in algorithm.hypers.items() if h.runs is not None}
    if x0.ndim == 2:
        sources["x0"] = x0.shape[0]
    if runs is not None:
        if not _is_int(runs) or runs < 1:
            raise ValueError(f"runs must be a positive integer, got {runs!r}")
        sources["runs"] = int(runs)
    if len(set(sources.values())) > 1:
        listed = ", ".join(f"{name}: {size}" for name, size in sources.items())
        raise ValueError(f"the number of runs disagrees between arguments ({listed})")
    return next(iter(sources.values()), 1)


def _checkpoints(checkpoints, steps: int) -> np.ndarray:
    if checkpoints is None:
        return default_checkpoints(steps)
    if isinstance(checkpoints, (int, np.integer)):
        if checkpoints < 2:
            raise ValueError("checkpoints as a count must be >= 2")
        return default_checkpoints(steps, int(checkpoints))
    c = np.asarray(checkpoints)
    if c.ndim != 1 or c.size == 0 or not np.issubdtype(c.dtype, np.number) or np.any(c != np.round(c)):
        raise ValueError("checkpoints must be a count or a 1-D array of step numbers")
    c = c.astype(np.int64)
    if np.any(c < 0) or np.any(c > steps):
        raise ValueError(f"checkpoints must lie in [0, steps={steps}]")
    return np.unique(np.concatenate([[0], c, [steps]]))


def run(problem: Problem, algorithm: Algorithm, x0, steps: int, *, runs: int | None = None,
        sampling: Sampling | None = None, noise: Noise | None = None, seed: int = 0,
        checkpoints=None, keep_iterates: bool = False,
        observe: Mapping[str, Callable[[StepView], np.ndarray]] | None = None,
        stop: Callable[[StepView], np.ndarray] | None = None,
        name: str = "", divergence_threshold: float = 1e100, cache: bool | None = None) -> Result:
    """Run ``algorithm`` on ``problem`` from ``x0`` for ``steps`` steps, B runs at once.

    x0 of shape (d,) is broadcast to all runs; (B, d) gives one start per run. ``checkpoints``: a
    count (log-spaced, default ~100) or explicit step numbers (0 and ``steps`` are always added). ``observe``
    maps names to callables of a :class:`StepView` returning (B,) values, recorded at every
    checkpoint k ≥ 1 (``Result.observed[name]`` has one row per checkpoint after 0).
    ``stop(view) -> (B,) bool`` is evaluated after every step: runs for which it is true freeze at
    that iterate with status ``"stopped"`` and ``Result.stopped_at`` = the step (first-passage and
    escape times). ``cache``: reuse an identical earlier run from samlab's run cache and store this
    one (None: as ``SAMLAB_CACHE`` says, off unless the command line turned it on; see samlab.cache).
    """
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a samlab Problem, got {type(problem).__name__}")
    if not isinstance(algorithm, Algorithm):
        raise ValueError(f"algorithm must be built by samlab.algorithms, got {type(algorithm).__name__}")
    if not _is_int(steps) or steps < 1:
        raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
    steps = int(steps)
    x0 = real_array(x0, "x0")
    if x0.ndim not in (1, 2) or x0.shape[-1] != problem.dim:
        raise ValueError(f"x0 must have shape ({problem.dim},) or (B, {problem.dim}), got {x0.shape}")
    if x0.ndim == 2 and x0.shape[0] == 0:
        raise ValueError(f"x0 must have at least one row, got shape {x0.shape}")
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite (it contains NaN or inf)")
    B = _resolve_runs(x0, algorithm, runs)
    if sampling is not None:
        if not isinstance(sampling, Sampling):
            raise ValueError(f"sampling must be a samlab.sampling object, got {sampling!r}")
        sampling.check(problem)
    if noise is not None:
        if not isinstance(noise, Noise):
            raise ValueError(f"noise must be a samlab.noise object, got {noise!r}")
        noise.check(problem.dim)
    if isinstance(divergence_threshold, (bool, np.bool_)) or not isinstance(divergence_threshold, (int, float, np.number)) \
            or not 0 < divergence_threshold <= 1e150:
        raise ValueError(f"divergence_threshold must lie in (0, 1e150], got {divergence_threshold!r}")
    threshold_sq = float(divergence_threshold) ** 2
    for flag, value in (("keep_iterates", keep_iterates),):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{flag} must be True or False, got {value!r}")
    rule, descent = algorithm.perturbation, algorithm.descent
    lr = algorithm.lr.bind(B, steps)
    rule_hypers = {k: h.bind(B, steps) for k, h in rule.hypers.items()} if rule is not None else {}
    descent_hypers = {k: h.bind(B, steps) for k, h in descent.hypers.items()}
    ckpts = _checkpoints(checkpoints, steps)
    observe = dict(observe or {})
    for label, fn in observe.items():
        if not callable(fn):
            raise ValueError(f"observe[{label!r}] must be callable")
    if stop is not None and not callable(stop):
        raise ValueError(f"stop must be a callable view -> (B,) bool, got {stop!r}")
    if cache is not None and not isinstance(cache, (bool, np.bool_)):
        raise ValueError(f"cache must be True, False or None, got {cache!r}")
    rng_primary, rng_secondary, rng_noise_primary, rng_noise_secondary, rng_alg = _streams(seed, name)
    cache_key = None
    if _cache.enabled() if cache is None else cache:
        cache_key = _cache.run_key({
            "problem": problem, "algorithm": algorithm, "x0": np.broadcast_to(x0, (B, problem.dim)), "steps": steps,
            "sampling": sampling, "noise": noise, "seed": int(seed), "name": name, "checkpoints": ckpts,
            "keep_iterates": bool(keep_iterates), "observe": observe, "stop": stop,
            "divergence_threshold": float(divergence_threshold)})
        hit = _cache.load_run(cache_key) if cache_key is not None else None
        if hit is not None:
            return hit

    primary = _Oracle(problem, sampling, noise, rng_primary, rng_noise_primary, B, steps)
    secondary = _Oracle(problem, sampling, noise, rng_secondary, rng_noise_secondary, B, steps)

    X = np.array(np.broadcast_to(x0, (B, problem.dim)), dtype=float)
    rule_state = rule.initial_state(X) if rule is not None else None
    descent_state = descent.initial_state(X)
    # hyperparameters that are the same at every step are read once, not per step
    rule_h = hyper_values(rule_hypers, 1) if all(b.constant for b in rule_hypers.values()) else None
    descent_h = hyper_values(descent_hypers, 1) if all(b.constant for b in descent_hypers.values()) else None
    needs_g = rule is not None and rule.uses_ascent_gradient
    rng_rule = rng_alg if rule is not None and rule.needs_rng else None
    eps = algorithm.eps
    same = algorithm.same_sample

    K = ckpts.size
    f_rec = np.empty((K, B))
    gn_rec = np.empty((K, B))
    pert_rec = np.zeros((K, B))
    dist_rec = np.empty((K, B)) if problem.x_star is not None else None
    it_rec = np.empty((K, B, problem.dim)) if keep_iterates else None
    obs_rec = {key: np.empty((K - 1, B)) for key in observe}
    n_zero = np.zeros(B, dtype=np.int64)
    status = np.full(B, "ok", dtype=object)
    diverged_at = np.full(B, -1, dtype=np.int64)
    stopped_at = np.full(B, -1, dtype=np.int64)
    alive = np.ones(B, dtype=bool)
    state = {"all_alive": True, "frozen": None}

    def freeze(rows: np.ndarray, label: str, k: int) -> None:
        status[rows] = label
        (stopped_at if label == "stopped" else diverged_at)[rows] = k
        alive[rows] = False
        state["all_alive"] = False
        state["frozen"] = ~alive[:, None]

    def record(i: int, X: np.ndarray, k: int) -> None:
        f_rec[i] = problem.value(X)
        g = problem.grad(X)
        gn_rec[i] = row_norms(g)
        if dist_rec is not None:
            dist_rec[i] = row_norms(X - problem.x_star)
        if it_rec is not None:
            it_rec[i] = X
        bad = alive & ~(np.isfinite(f_rec[i]) & np.isfinite(gn_rec[i]))
        if bad.any():  # f or ∇f left the reals while x stayed finite: NaN is "nonfinite", overflow "diverged"
            nan = bad & (np.isnan(f_rec[i]) | np.isnan(gn_rec[i]))
            for rows, label in ((nan, "nonfinite"), (bad & ~nan, "diverged")):
                if rows.any():
                    freeze(rows, label, k)

    started = time.perf_counter()
    with np.errstate(all="ignore"):
        record(0, X, 0)
        next_i = 1
        next_ck = ckpts[1] if K > 1 else steps + 1
        for k in range(1, steps + 1):
            if not alive.any():  # every run is frozen: record the frozen iterates once, repeat them
                record(next_i, X, next_ck)
                pert_rec[next_i] = pert_rec[next_i - 1]
                for rec in (f_rec, gn_rec, pert_rec, dist_rec, it_rec):
                    if rec is not None:
                        rec[next_i + 1:] = rec[next_i]
                for rec in obs_rec.values():
                    rec[next_i - 1:] = rec[next_i - 2] if next_i >= 2 else np.nan
                break
            frozen_before = None if state["all_alive"] else ~alive
            sample = primary.draw()  # the sample of the descent gradient
            if rule is None:
                g = primary.grad(X, sample)
                Y, gy, delta = X, g, None
            else:
                ascent = sample if same else secondary.draw()
                g = primary.grad(X, ascent) if needs_g else None
                ctx = StepContext(k, lambda Z, s=ascent: primary.grad(Z, s), rng_rule, eps)
                delta, rule_state = rule.step(g, X, rule_state, rule_h or hyper_values(rule_hypers, k), ctx)
                if ctx.zero is not None:
                    n_zero += ctx.zero
                Y = X + delta
                gy = primary.grad(Y, sample)
            X_new, descent_state = descent.step(X, gy, lr.at(k), descent_state,
                                                descent_h or hyper_values(descent_hypers, k))
            # divergence: frozen runs keep their last iterate; then one BLAS dot product ‖X‖²
            # (no cancellation, NaN- and inf-propagating) screens the batch, and only then are rows inspected
            if state["all_alive"]:
                screened = np.vdot(X_new, X_new) < threshold_sq
            else:  # frozen rows may sit near the threshold: screen only the live ones
                np.copyto(X_new, X, where=state["frozen"])
                live = X_new[alive]
                screened = live.size == 0 or np.vdot(live, live) < threshold_sq
            if not screened:
                bad = ~(np.abs(X_new).max(axis=1) < divergence_threshold) & alive
                freeze(bad, "diverged", k)
                np.copyto(X_new, X, where=state["frozen"])
            view = None
            if stop is not None:
                view = StepView(k, X, Y, g, gy, X_new, problem)
                fired = np.asarray(stop(view))
                if fired.shape != (B,) or fired.dtype.kind != "b":
                    raise ValueError(f"stop must return a (B,) = ({B},) boolean array, got {fired.dtype} {fired.shape}")
                fired = fired & alive
                if fired.any():
                    freeze(fired, "stopped", k)
            if k == next_ck:
                if delta is not None:
                    pert_rec[next_i] = row_norms(delta)
                if observe:
                    view = view or StepView(k, X, Y, g, gy, X_new, problem)
                    for label, fn in observe.items():
                        obs_rec[label][next_i - 1] = np.broadcast_to(np.asarray(fn(view), dtype=float), (B,))
                if frozen_before is not None:  # no step moved these runs: they repeat their last records
                    pert_rec[next_i, frozen_before] = pert_rec[next_i - 1, frozen_before]
                    for rec in obs_rec.values():
                        rec[next_i - 1, frozen_before] = rec[next_i - 2, frozen_before] if next_i >= 2 else np.nan
                record(next_i, X_new, k)
                next_i += 1
                next_ck = ckpts[next_i] if next_i < K else steps + 1
            X = X_new
    elapsed = time.perf_counter() - started

    f_star = problem.f_star
    meta: dict[str, Any] = {
        "problem": problem.describe(),
        "algorithm": algorithm.describe(),
        "steps": steps,
        "runs": B,
        "seed": int(seed),
        "name": name,
        "sampling": sampling.describe() if sampling is not None else None,
        "noise": noise.describe() if noise is not None else None,
        "f_star": f_star,
        "eps": eps,
        "seconds": elapsed,
    }
    result = Result(
        t=ckpts,
        f=f_rec,
        f_gap=f_rec - f_star if f_star is not None else f_rec.copy(),
        grad_norm=gn_rec,
        dist=dist_rec,
        perturbation=pert_rec,
        x=X,
        status=status,
        n_grad=algorithm.grads_per_step * steps,
        n_zero_grad=n_zero,
        diverged_at=diverged_at,
        stopped_at=stopped_at,
        iterates=it_rec,
        observed=obs_rec,
        meta=meta,
    )
    if cache_key is not None:
        _cache.store_run(cache_key, result, elapsed)
    return result
