"""Additive gradient noise: ∇f(x; ξ) = ∇f(x) + ξ with E ξ = 0."""

from __future__ import annotations

import numpy as np

from .checks import integer, real_array

__all__ = ["Noise", "Gaussian", "Discrete", "MinibatchNoise", "PairedNoise", "offers_blocks"]


class Noise:
    """Base class: ``draw(rng, runs, dim) -> (runs, dim)`` zero-mean samples."""

    name = "noise"

    def draw(self, rng: np.random.Generator, runs: int, dim: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def draws(self, rng: np.random.Generator, runs: int, dim: int, count: int) -> np.ndarray | None:
        """``count`` successive draws at once, (count, runs, dim): the same numbers as ``count`` calls of
        :meth:`draw`, bit for bit (the generator fills an array in order, and the map from the uniform or
        normal numbers to ξ is elementwise). None when the noise cannot promise that (a matrix product or
        a per-run scale): the engine then draws step by step."""
        return None

    def check(self, dim: int) -> None:
        pass

    def describe(self) -> dict:
        return {"name": self.name}


def offers_blocks(noise) -> bool:
    """True when the noise's ``draws`` belongs to the class that defines its ``draw`` (or a subclass): a
    subclass that overrides only ``draw`` is drawn step by step, never through an inherited ``draws``."""
    if noise is None:
        return False
    mro = type(noise).__mro__
    draw_owner = next(c for c in mro if "draw" in c.__dict__)
    draws_owner = next(c for c in mro if "draws" in c.__dict__)
    return draws_owner is not Noise and issubclass(draws_owner, draw_owner)


class Gaussian(Noise):
    """ξ ~ N(0, diag(σ²)) with σ a scalar or one value per coordinate; or N(0, Σ) with ``cov=Σ``."""

    name = "gaussian"

    def __init__(self, sigma=None, *, cov=None):
        if (sigma is None) == (cov is None):
            raise ValueError("give exactly one of sigma and cov")
        self.sigma = self.chol = None
        if sigma is not None:
            s = real_array(sigma, "sigma")
            if s.ndim > 1 or not np.all(np.isfinite(s)) or np.any(s < 0):
                raise ValueError(f"sigma must be >= 0 (a scalar or one value per coordinate), got {sigma!r}")
            self.sigma = float(s) if s.ndim == 0 else s
        else:
            c = real_array(cov, "cov")
            if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
                raise ValueError("cov must be a symmetric square matrix")
            w, v = np.linalg.eigh(c)
            if w[0] < -1e-12 * max(1.0, abs(w[-1])):
                raise ValueError("cov must be positive semidefinite")
            self.chol = v * np.sqrt(np.clip(w, 0.0, None))  # Σ = (V√W)(V√W)ᵀ, works for singular Σ
            self.cov = c

    def check(self, dim):
        if self.chol is not None and self.chol.shape[0] != dim:
            raise ValueError(f"cov has shape {self.chol.shape} but the problem has dimension {dim}")
        if isinstance(self.sigma, np.ndarray) and self.sigma.shape != (dim,):
            raise ValueError(f"sigma has shape {self.sigma.shape} but the problem has dimension {dim}")

    def _scaled(self, z):
        """σ·z for standard normal z: the one place a diagonal ξ gets its scale (one draw or a block)."""
        return z * self.sigma

    def draw(self, rng, runs, dim):
        z = rng.standard_normal((runs, dim))
        if self.chol is not None:
            return z @ self.chol.T
        return self._scaled(z)

    def draws(self, rng, runs, dim, count):
        if self.chol is not None:  # a matrix product may round differently with more rows
            return None
        return self._scaled(rng.standard_normal((count, runs, dim)))

    def describe(self):
        if self.chol is not None:
            return {"name": self.name, "cov": self.cov.tolist()}
        s = self.sigma
        return {"name": self.name, "sigma": s.tolist() if isinstance(s, np.ndarray) else s}


class Discrete(Noise):
    """ξ takes ``values[j]`` with probability ``probs[j]``; E ξ must be 0.

    values of shape (m,) are drawn independently for every coordinate; values of shape (m, d) are
    whole vectors. Example (Si & Yun E3): Discrete([2, -1], [1/3, 2/3]).
    """

    name = "discrete"

    def __init__(self, values, probs):
        v = real_array(values, "values")
        p = real_array(probs, "probs")
        if v.ndim not in (1, 2) or v.shape[0] == 0:
            raise ValueError("values must have shape (m,) or (m, d)")
        if p.shape != (v.shape[0],):
            raise ValueError(f"probs must have shape ({v.shape[0]},), got {p.shape}")
        if not np.all(np.isfinite(v)):
            raise ValueError("values must be finite")
        if np.any(p < 0) or not np.isclose(p.sum(), 1.0, rtol=0, atol=1e-12):
            raise ValueError(f"probs must be >= 0 and sum to 1, got sum {p.sum()!r}")
        mean = p @ v
        if np.any(np.abs(mean) > 1e-12 * max(1.0, np.abs(v).max())):
            raise ValueError(f"the noise must have mean zero; values·probs = {mean!r}")
        self.values, self.probs = v, p / p.sum()
        self._cdf = np.cumsum(self.probs)

    def check(self, dim):
        if self.values.ndim == 2 and self.values.shape[1] != dim:
            raise ValueError(f"vector values have dimension {self.values.shape[1]}, the problem {dim}")

    def _index(self, rng, shape):
        """Inverse-CDF sampling: j = #{k < K − 1 : cdf_k ≤ u} (searchsorted's count, capped at K − 1).

        A few outcomes (the usual case) are counted by comparisons, ~3× faster than searchsorted on
        the small (B, d) blocks drawn at every step; the indices are the same."""
        u = rng.random(shape)
        thresholds = self._cdf[:-1]
        if thresholds.size > 8:
            return np.minimum(np.searchsorted(self._cdf, u, side="right"), self.values.shape[0] - 1)
        j = np.zeros(u.shape, dtype=np.intp)
        for c in thresholds:
            j += c <= u
        return j

    def draw(self, rng, runs, dim):
        return self.draws(rng, runs, dim, 1)[0]

    def draws(self, rng, runs, dim, count):
        if self.values.ndim == 1:
            if self.values.size == 2:  # one comparison picks the value: the same draw as the index below
                return np.where(self._cdf[0] <= rng.random((count, runs, dim)), self.values[1], self.values[0])
            return self.values.take(self._index(rng, (count, runs, dim)))
        return self.values[self._index(rng, (count, runs))]

    @property
    def mean_sign(self) -> float:
        """E[sign ξ] for scalar values (n-SAM's limit under additive noise: x̄ = −ρ E[sign ξ], samlab.theory.si_yun_2023)."""
        if self.values.ndim != 1:
            raise ValueError("mean_sign is defined for scalar values only")
        return float(self.probs @ np.sign(self.values))

    def describe(self):
        return {"name": self.name, "values": self.values.tolist(), "probs": self.probs.tolist()}


class MinibatchNoise(Noise):
    """Gaussian gradient noise ξ_b ~ N(0, C/B_b) with one batch size B_b per run (model B: σ ∝ 1/√B).

    ``cov``: C (d, d) PSD, the per-sample covariance (e.g. |H|: Kim et al. 2023's C ≈ (1/B)[H]⁺, see
    :func:`samlab.theory.kim_2023.minibatch_covariance`);
    ``batch_size``: a float or a (B,) array (then a run must have exactly B runs). With
    ``same_sample=True`` SAM uses the same ξ at both gradient calls (the engine's paired draw).
    """

    name = "minibatch_gaussian"

    def __init__(self, cov, batch_size):
        try:
            c = np.asarray(cov, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cov must be a real matrix, got {cov!r}") from exc
        if not np.all(np.isfinite(c)):
            raise ValueError("cov must be finite")
        if c.ndim != 2 or c.shape[0] != c.shape[1] or not np.allclose(c, c.T):
            raise ValueError("cov must be a symmetric square matrix")
        w, V = np.linalg.eigh(c)
        if w[0] < -1e-12 * max(1.0, abs(w[-1])):
            raise ValueError("cov must be positive semidefinite")
        self.cov = c
        self.chol = V * np.sqrt(np.clip(w, 0.0, None))
        try:
            b = np.asarray(batch_size, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"batch_size must be a positive number or array, got {batch_size!r}") from exc
        if not np.all(np.isfinite(b)) or np.any(b <= 0):
            raise ValueError(f"batch_size must be finite and > 0, got {batch_size!r}")
        if b.ndim > 1:
            raise ValueError("batch_size must be a float or a 1-D array (one per run)")
        self.batch_size = b
        self._scale = 1.0 / np.sqrt(b)[:, None] if b.ndim == 1 else 1.0 / float(np.sqrt(b))

    def check(self, dim):
        if self.chol.shape[0] != dim:
            raise ValueError(f"cov has shape {self.chol.shape} but the problem has dimension {dim}")

    def draw(self, rng, runs, dim):
        if self.batch_size.ndim == 1 and self.batch_size.shape[0] != runs:
            raise ValueError(f"batch_size has {self.batch_size.shape[0]} values but the run has {runs} runs")
        return (rng.standard_normal((runs, dim)) @ self.chol.T) * self._scale

    def describe(self):
        b = self.batch_size
        return {"name": self.name, "cov": self.cov.tolist(), "batch_size": b.tolist() if b.ndim else float(b)}


class PairedNoise(Noise):
    """``copies`` configurations that see the same noise: one draw for ``runs`` runs per step, repeated for
    each copy (run j of copy c is run c·runs + j). The noise counterpart of ``sampling.PairedSampling``:
    since the generator fills the ``runs`` rows exactly as a run of ``runs`` runs alone does, copy c is
    bit for bit that run (e.g. SAM at several ρ and its SGD baseline with identical samples, in one batch)."""

    name = "paired"

    def __init__(self, noise: Noise, runs: int, copies: int):
        if not isinstance(noise, Noise):
            raise ValueError(f"noise must be a samlab noise, got {noise!r}")
        integer(runs, "runs", minimum=1)
        integer(copies, "copies", minimum=1)
        self.noise, self.base_runs, self.copies = noise, int(runs), int(copies)
        self.runs = self.base_runs * self.copies

    def check(self, dim):
        self.noise.check(dim)

    def _covers(self, runs):
        if runs != self.runs:
            raise ValueError(f"PairedNoise covers {self.runs} runs but the run has {runs}")

    def draw(self, rng, runs, dim):
        self._covers(runs)
        return np.tile(self.noise.draw(rng, self.base_runs, dim), (self.copies, 1))

    def draws(self, rng, runs, dim, count):
        self._covers(runs)
        if not offers_blocks(self.noise):  # e.g. a subclass that overrides only draw: step by step
            return None
        block = self.noise.draws(rng, self.base_runs, dim, count)
        return None if block is None else np.tile(block, (1, self.copies, 1))

    def describe(self):
        return {"name": self.name, "copies": self.copies, "runs_per_copy": self.base_runs,
                "noise": self.noise.describe()}
