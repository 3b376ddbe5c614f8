"""Row-wise linear algebra on (B, d) batches, safe from underflow and overflow."""

from __future__ import annotations

import numpy as np

__all__ = ["row_norms", "inverse_row_norms"]


def row_norms(a: np.ndarray) -> np.ndarray:
    """(B,) Euclidean norms of the rows of a (B, d) array.

    Σa² underflows below ‖a‖ ≈ 1e-154 and overflows above 1e154; rows in that range (rare: near
    stationary points or divergence) are recomputed as m·‖a/m‖ with m = max|a_i|. One column (1-D
    problems) is |a| itself: the same number, since √(fl(x²)) = |x| in binary floating point whenever
    x² neither overflows nor underflows, and right where it would.
    """
    if a.ndim == 2 and a.shape[1] == 1:
        return np.abs(a[:, 0])
    s = np.einsum("ij,ij->i", a, a)
    if s.size and not (s.min() > 1e-290 and s.max() < 1e290):
        rows = ~((s > 1e-290) & (s < 1e290))
        sub = a[rows]
        m = np.abs(sub).max(axis=1)
        scaled = np.divide(sub, m[:, None], out=np.zeros_like(sub), where=m[:, None] > 0)
        norms = m * np.sqrt(np.einsum("ij,ij->i", scaled, scaled))
        out = np.sqrt(s)
        out[rows] = norms
        return out
    return np.sqrt(s)


def inverse_row_norms(a: np.ndarray) -> np.ndarray | None:
    """(B,) 1/‖a_b‖ of the rows of a (B, d) array in the usual case, in one pass: no row is zero and every
    Σa² lies where :func:`row_norms` computes √(Σa²) directly (the same quotients, bit for bit). None
    otherwise (a zero row, NaN, or Σa² outside (1e-290, 1e290)): then use :func:`row_norms`."""
    if a.ndim == 2 and a.shape[1] == 1:
        n = np.abs(a[:, 0])
        return 1.0 / n if n.size and n.min() > 0.0 else None
    s = np.einsum("ij,ij->i", a, a)
    if s.size and s.min() > 1e-290 and s.max() < 1e290:
        return 1.0 / np.sqrt(s)
    return None
