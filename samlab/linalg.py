"""Row-wise linear algebra on (B, d) batches, safe from underflow and overflow."""

from __future__ import annotations

import numpy as np

__all__ = ["row_norms"]


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
