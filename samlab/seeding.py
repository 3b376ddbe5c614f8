"""Seeds derived from names: one generator per (seed, key, …), independent of call order.

    rng(0, "sc-two-cycle")          # the generator of claim "sc-two-cycle" under seed 0
    rng(seed, "x0", 3)              # keys may be strings (hashed with CRC-32) or non-negative ints

``rng(seed, *keys)`` is ``Generator(PCG64(SeedSequence([seed, k₁, k₂, …])))`` with string keys
replaced by their CRC-32, so ``rng(s, "tag")`` equals ``numpy.random.default_rng([s, crc32("tag")])``.
No global ``np.random`` state is read or written.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["rng", "seed_sequence", "key_entropy"]


def key_entropy(key) -> int:
    """A non-negative integer for a key: CRC-32 of a string's UTF-8 bytes, an int as itself."""
    if isinstance(key, str):
        return zlib.crc32(key.encode("utf-8"))
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)) and key >= 0:
        return int(key)
    raise ValueError(f"seed keys must be strings or non-negative integers, got {key!r}")


def seed_sequence(seed, *keys) -> np.random.SeedSequence:
    """``SeedSequence([seed, key_entropy(k) for k in keys])``; ``seed`` a non-negative integer."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.SeedSequence([int(seed), *(key_entropy(k) for k in keys)])


def rng(seed, *keys) -> np.random.Generator:
    """The generator keyed by ``seed`` and ``keys`` (see the module docstring)."""
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, *keys)))
