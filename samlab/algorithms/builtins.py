r"""The seven built-in algorithms: one factory each, composed from a perturbation and a descent rule.

Every hyperparameter is a float, a 1-D array (one value per run), a schedule or a plain callable
k ↦ value. Common keywords: ``momentum`` (heavy-ball β, default 0) or ``descent`` (a descent rule,
e.g. ``nesterov(0.9)``; overrides ``momentum``), ``same_sample=True`` (m-SAM) / ``False`` (n-SAM),
``eps`` (normalized rules: ρ d/(‖d‖ + ε) instead of the exact zero-direction rule).

Adding a built-in is one factory here and one line in ``BUILTINS``.
"""

from __future__ import annotations

from typing import Callable

from . import perturbations as P
from .base import Algorithm, Descent
from .descents import heavy_ball

__all__ = ["gd", "sam", "usam", "unified_sam", "vasso", "rsam", "fsam", "BUILTINS"]


def _descent(momentum, descent: Descent | None) -> Descent:
    return heavy_ball(momentum) if descent is None else descent


def gd(lr, *, momentum=0.0, descent=None) -> Algorithm:
    """Gradient descent (SGD with a sampling or noise): x_k = x_{k−1} − γ ∇f_ξ(x_{k−1})."""
    return Algorithm("gd", None, lr=lr, descent=_descent(momentum, descent))


def sam(lr, rho, *, momentum=0.0, descent=None, same_sample=True, eps=0.0) -> Algorithm:
    """Normalized SAM: y = x + ρ g/‖g‖, x⁺ = x − γ∇f(y) (Foret et al. 2021; Si & Yun 2023's "practical" SAM)."""
    return Algorithm("sam", P.normalized(rho, eps=eps), lr=lr, descent=_descent(momentum, descent),
                     same_sample=same_sample)


def usam(lr, rho, *, momentum=0.0, descent=None, same_sample=True) -> Algorithm:
    """Unnormalized SAM: y = x + ρ g, x⁺ = x − γ∇f(y) (Andriushchenko & Flammarion 2022)."""
    return Algorithm("usam", P.unnormalized(rho), lr=lr, descent=_descent(momentum, descent), same_sample=same_sample)


def unified_sam(lr, rho, lam, *, momentum=0.0, descent=None, same_sample=True, eps=0.0) -> Algorithm:
    """Unified SAM: y = x + ρ(1 − λ + λ/‖g‖) g (Oikonomou & Loizou 2025); λ ∈ [0, 1]."""
    return Algorithm("unified_sam", P.unified(rho, lam, eps=eps), lr=lr, descent=_descent(momentum, descent),
                     same_sample=same_sample)


def vasso(lr, rho, theta, *, momentum=0.0, descent=None, same_sample=True, eps=0.0) -> Algorithm:
    """VaSSO: d = (1−θ)d_prev + θg (d_1 = g_1), y = x + ρ d/‖d‖; θ ∈ (0, 1], θ = 1 is SAM (Li & Giannakis 2023)."""
    return Algorithm("vasso", P.variance_suppressed(rho, theta, eps=eps), lr=lr,
                     descent=_descent(momentum, descent), same_sample=same_sample)


def rsam(lr, rho, sigma, *, momentum=0.0, descent=None, same_sample=True, eps=0.0) -> Algorithm:
    """Random SAM: u ~ N(0, σ²I), d = ∇f(x + u), y = x + ρ d/‖d‖ (so ‖y − x‖ = ρ exactly; Liu et al. 2022)."""
    return Algorithm("rsam", P.random_smoothing(rho, sigma, eps=eps), lr=lr, descent=_descent(momentum, descent),
                     same_sample=same_sample)


def fsam(lr, rho, sigma=1.0, beta=0.9, *, momentum=0.0, descent=None, same_sample=True, eps=0.0) -> Algorithm:
    """F-SAM: m = βm_prev + (1−β)g (m_0 = 0), d = g − σm, y = x + ρ d/‖d‖ (Li et al. 2024; σ = 1, β = 0.9)."""
    return Algorithm("fsam", P.friendly(rho, sigma, beta, eps=eps), lr=lr, descent=_descent(momentum, descent),
                     same_sample=same_sample)


BUILTINS: dict[str, Callable[..., Algorithm]] = {
    "gd": gd,
    "sam": sam,
    "usam": usam,
    "unified_sam": unified_sam,
    "vasso": vasso,
    "rsam": rsam,
    "fsam": fsam,
}
