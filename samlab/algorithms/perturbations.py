r"""The built-in perturbation rules δ(g, state), written on the public API of ``base``.

* sam:         δ = ρ g/‖g‖                                      (Foret et al. 2021; Si & Yun 2023)
* usam:        δ = ρ g                                          (Andriushchenko & Flammarion 2022)
* unified_sam: δ = ρ(1 − λ + λ/‖g‖) g                           (Oikonomou & Loizou 2025, eq. (4))
* vasso:       d = (1−θ)d_prev + θ g (d = g at k = 1); δ = ρ d/‖d‖          (Li & Giannakis 2023)
* rsam:        u ~ N(0, σ²I), d = ∇f_ξ(x + u); δ = ρ d/‖d‖                    (Liu et al. 2022)
* fsam:        m = β m_prev + (1−β) g (m_0 = 0), d = g − σ m; δ = ρ d/‖d‖    (Li et al. 2024)

ρ → ``rho``, λ → ``lam``, θ → ``theta``, σ → ``sigma``, β → ``beta``. A normalized perturbation of an
exactly zero direction is zero (y = x), never NaN; with ``eps > 0`` it is ρ d/(‖d‖ + ε).
"""

from __future__ import annotations

import numpy as np

from .base import HALF_OPEN_UNIT, NONNEGATIVE, OPEN_UNIT, UNIT, Perturbation

__all__ = ["normalized", "unnormalized", "unified", "variance_suppressed", "random_smoothing", "friendly"]


def _sam_step(g, x, state, h, ctx):
    return ctx.normalize(g, h.rho), state


def _usam_step(g, x, state, h, ctx):
    return g * h.rho, state


def _unified_step(g, x, state, h, ctx):
    inv = ctx.inverse_norm(g)
    return g * (h.rho * ((1.0 - h.lam) + h.lam * inv)), state


def _vasso_step(g, x, d_prev, h, ctx):
    d = g.copy() if d_prev is None else (1.0 - h.theta) * d_prev + h.theta * g
    return ctx.normalize(d, h.rho), d


def _rsam_step(g, x, state, h, ctx):
    u = ctx.rng.standard_normal(x.shape) * h.sigma
    return ctx.normalize(ctx.grad(x + u), h.rho), state


def _fsam_step(g, x, m_prev, h, ctx):
    m = h.beta * m_prev + (1.0 - h.beta) * g
    return ctx.normalize(g - h.sigma * m, h.rho), m


def normalized(rho, *, eps=0.0) -> Perturbation:
    """SAM's δ = ρ g/‖g‖."""
    return Perturbation("sam", _sam_step, eps=eps, rho=(rho, NONNEGATIVE))


def unnormalized(rho) -> Perturbation:
    """USAM's δ = ρ g."""
    return Perturbation("usam", _usam_step, rho=(rho, NONNEGATIVE))


def unified(rho, lam, *, eps=0.0) -> Perturbation:
    """Unified SAM's δ = ρ(1 − λ + λ/‖g‖) g; λ = 0 is USAM, λ = 1 is SAM."""
    return Perturbation("unified_sam", _unified_step, eps=eps, rho=(rho, NONNEGATIVE), lam=(lam, UNIT))


def variance_suppressed(rho, theta, *, eps=0.0) -> Perturbation:
    """VaSSO's δ = ρ d/‖d‖ with the running direction d = (1−θ)d_prev + θ g, θ ∈ (0, 1]."""
    return Perturbation("vasso", _vasso_step, eps=eps,
                        rho=(rho, NONNEGATIVE), theta=(theta, OPEN_UNIT))


def random_smoothing(rho, sigma, *, eps=0.0) -> Perturbation:
    """RSAM's δ = ρ d/‖d‖ with d = ∇f_ξ(x + u), u ~ N(0, σ²I) (one extra gradient, no ascent gradient at x)."""
    return Perturbation("rsam", _rsam_step, uses_ascent_gradient=False, extra_grads=1, needs_rng=True, eps=eps,
                        rho=(rho, NONNEGATIVE), sigma=(sigma, NONNEGATIVE))


def friendly(rho, sigma, beta, *, eps=0.0) -> Perturbation:
    """F-SAM's δ = ρ d/‖d‖ with d = g − σ m, m = β m_prev + (1−β) g, m_0 = 0."""
    return Perturbation("fsam", _fsam_step, init=np.zeros_like, eps=eps,
                        rho=(rho, NONNEGATIVE), sigma=(sigma, NONNEGATIVE), beta=(beta, HALF_OPEN_UNIT))
