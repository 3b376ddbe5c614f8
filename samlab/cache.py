"""A content-addressed cache of runs: the same run is never computed twice.

A run's key is the SHA-256 of everything its result depends on (:mod:`samlab.fingerprint`): the
problem's data, the algorithm's rules and hyperparameters, x0, the number of runs, steps,
checkpoints, seed and stream name, sampling and noise, ``observe``/``stop`` callables, and the
source of the samlab modules that compute a run (``RUN_SOURCES``). A run whose inputs cannot be
fingerprinted (e.g. a callable closing over a random generator) is simply not cached.

Entries are ``Result.save`` files under ``<cache>/runs/<key[:2]>/<key>.npz``, written atomically (one
file, one rename). On a hit the stored key is compared with the requested one and ``Result.load``
checks the archive (CRC-32 of every member, shapes, header): a corrupt or foreign entry is deleted and
recomputed, never trusted. Workers that write the same entry at once write whole files through atomic
renames, so the entry stays whole.

Switch and location (environment, so that worker processes inherit them):

* ``SAMLAB_CACHE=1`` turns the cache on for every ``samlab.run`` call that does not say
  ``cache=``; ``samlab verify``/``reproduce`` and figure scripts turn it on unless ``--no-cache``.
  Library calls are not cached unless asked (``sl.run(..., cache=True)``).
* ``SAMLAB_CACHE_DIR`` overrides the location, by default the platform's user cache folder
  (``~/.cache/samlab`` on Linux, ``~/Library/Caches/samlab`` on macOS, ``%LOCALAPPDATA%\\samlab\\Cache``
  on Windows), found with platformdirs.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from typing import Any

from .fingerprint import Unfingerprintable, digest, source_version

__all__ = ["enabled", "location", "run_key", "load_run", "store_run", "info", "clear", "RUN_SOURCES",
           "MIN_SECONDS"]

MIN_SECONDS = 0.05
"""Runs faster than this are not stored: reading an entry back costs about as much (~10 ms)."""

RUN_SOURCES = ("engine.py", "algorithms", "hyper.py", "schedules.py", "linalg.py", "problems", "sampling.py",
               "noise.py", "result.py", "seeding.py", "fingerprint.py", "cache.py")
"""The samlab sources a run's numbers depend on (their hash is part of every run key)."""

ENV_SWITCH = "SAMLAB_CACHE"
ENV_DIR = "SAMLAB_CACHE_DIR"


def enabled() -> bool:
    """True when ``SAMLAB_CACHE`` is "1" (set by the command line unless ``--no-cache``)."""
    return os.environ.get(ENV_SWITCH, "0") == "1"


def location() -> Path:
    """The cache folder: ``SAMLAB_CACHE_DIR`` or the platform's user cache folder for samlab."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("samlab", appauthor=False))


@functools.cache
def _run_code_version() -> str:
    return source_version(*RUN_SOURCES)


def run_key(inputs: dict[str, Any]) -> str | None:
    """The key of a run from its inputs (a dict of everything it depends on), or None if uncacheable."""
    try:
        return digest({"kind": "run", "code": _run_code_version(), **inputs})
    except Unfingerprintable:
        return None


def _entry(key: str) -> Path:
    return location() / "runs" / key[:2] / key


def load_run(key: str):
    """The cached Result for ``key``, or None (a missing, corrupt or foreign entry is None)."""
    from .result import Result

    path = _entry(key)
    if not path.with_name(key + ".npz").is_file():
        return None
    try:
        result = Result.load(path)
    except Exception:  # unreadable, truncated or inconsistent: recompute, never trust
        _remove(path)
        return None
    if result.meta.pop("cache_key", None) != key:
        _remove(path)
        return None
    return result


def store_run(key: str, result, seconds: float = float("inf")) -> None:
    """Save ``result`` under ``key`` (atomically; a failure to write only means no caching), unless
    it took less than :data:`MIN_SECONDS` to compute."""
    if seconds < MIN_SECONDS:
        return
    meta = result.meta
    result.meta = {**meta, "cache_key": key}
    try:
        result.save(_entry(key))
    except OSError:
        pass
    finally:
        result.meta = meta


def _remove(path: Path) -> None:
    path.with_name(path.name + ".npz").unlink(missing_ok=True)


def info() -> dict[str, Any]:
    """Location, number of cached runs and their size in bytes."""
    root = location()
    files = [p for p in (root / "runs").rglob("*") if p.is_file()] if (root / "runs").is_dir() else []
    return {"location": str(root), "runs": sum(p.suffix == ".npz" for p in files),
            "bytes": sum(p.stat().st_size for p in files)}


def clear() -> int:
    """Delete every cached run; returns how many there were."""
    n = info()["runs"]
    shutil.rmtree(location() / "runs", ignore_errors=True)
    return n
