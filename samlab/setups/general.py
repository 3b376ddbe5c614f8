"""The textbook claims' instance (a rotated quadratic), its random starts, and the settings that the
claims of :mod:`samlab.claims.general` and the scripts of ``experiments/general/`` share.

    from samlab.setups import general as setup
    s = setup.settings(setup.GD_LINEAR_RATE, quick=True)
    p = setup.quadratic(s["dim"], seed=0)            # eigenvalues log-spaced in [μ, L] = [0.1, 10]
    x0 = setup.starts(0, s["runs"], p.dim)           # N(0, I) starts

A figure built from here shows the claim's instance, starts and fit, not a copy of them.
"""

from __future__ import annotations

import numpy as np

from .. import problems
from ..analysis import LinearRateFit, contraction_fit
from ..seeding import rng

__all__ = ["SPECTRUM", "GD_LINEAR_RATE", "USAM_EXACT", "SAM_CYCLE", "GD_FIT_WINDOW", "settings", "quadratic",
           "starts", "gd_fits"]

SPECTRUM = (0.1, 10.0)
"""[μ, L]: the eigenvalues of the quadratic are log-spaced in this range (condition number 100)."""

GD_LINEAR_RATE = {"quick": {"dim": 20, "runs": 8, "steps": 2000},
                  "full": {"dim": 100, "runs": 64, "steps": 8000}}
"""Settings of ``general/gd-linear-rate`` and of experiments/general/gd_linear_rate.py."""

USAM_EXACT = {"quick": {"dim": 20, "runs": 8, "steps": 6000, "rho": 0.05},
              "full": {"dim": 100, "runs": 64, "steps": 20000, "rho": 0.05}}
"""Settings of ``general/usam-exact-convergence`` and of experiments/general/usam_vs_sam.py."""

SAM_CYCLE = {"quick": {"dim": 20, "runs": 8, "steps": 6000, "lr": 0.05, "rho": [0.01, 0.1]},
             "full": {"dim": 100, "runs": 32, "steps": 40000, "lr": 0.05, "rho": [0.005, 0.01, 0.05, 0.1]}}
"""Settings of ``general/sam-period-two-cycle`` and of experiments/general/sam_cycle.py."""

GD_FIT_WINDOW = (1e-25, 1e-2)
"""Relative gaps (f − f*)/(f₀ − f*) over which GD's contraction factor is fitted: below 1e-2 the start's
fast modes are gone, above 1e-25 the gap is far from float64 rounding of f."""


def settings(table: dict, quick: bool) -> dict:
    """A copy of ``table["quick"]`` or ``table["full"]``."""
    return dict(table["quick" if quick else "full"])


def quadratic(dim: int, seed: int) -> problems.Quadratic:
    """f(x) = ½xᵀHx, H = Q diag(λ)Qᵀ with λ log-spaced in SPECTRUM and Q Haar, drawn from rng(seed, "rotation").

    A rotated Hessian: on an axis-aligned one the high-curvature coordinates can underflow to exactly 0
    and hide SAM's top-eigenvector cycle.
    """
    eig = np.geomspace(*SPECTRUM, int(dim))
    q = problems.random_rotation(eig.size, rng(seed, "rotation"))
    return problems.Quadratic((q * eig) @ q.T)


def starts(seed: int, runs: int, dim: int) -> np.ndarray:
    """(runs, dim) N(0, I) starts from rng(seed, "x0") (a prefix of rows is the same for fewer runs)."""
    return rng(seed, "x0").standard_normal((int(runs), int(dim)))


def gd_fits(t: np.ndarray, f_gap: np.ndarray) -> list[LinearRateFit]:
    """Per run b, the contraction fit of f_gap[:, b] over the records whose relative gap lies in GD_FIT_WINDOW.

    The claim judges the slowest run's factor; the figure draws that same fit.
    """
    lo, hi = GD_FIT_WINDOW
    fits = []
    for b in range(f_gap.shape[1]):
        rel = f_gap[:, b] / f_gap[0, b]
        mask = (rel <= hi) & (rel >= lo)
        fits.append(contraction_fit(t[mask], f_gap[mask, b]))
    return fits
