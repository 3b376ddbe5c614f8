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

Switch and location (environment, read by each process):

* ``SAMLAB_CACHE=1`` turns the cache on for every ``samlab.run`` call that does not say
  ``cache=``. ``samlab verify``/``reproduce``/``run`` and the figure scripts turn it on for their
  tasks (set inside each task, so that forked, spawned and dask workers follow it) unless
  ``--no-cache`` or an explicit ``SAMLAB_CACHE=0`` in the environment. Library calls are not cached
  unless asked (``sl.run(..., cache=True)``).
* ``SAMLAB_CACHE_DIR`` overrides the location, by default the platform's user cache folder
  (``~/.cache/samlab`` on Linux, ``~/Library/Caches/samlab`` on macOS, ``%LOCALAPPDATA%\\samlab\\Cache``
  on Windows), found with platformdirs.

Tasks. ``samlab reproduce`` also keeps whole task outcomes (a claim's record, a figure script's
record) under ``<cache>/tasks/``, keyed by the task, its mode and seed and the content of the code
that matters (see :func:`samlab.execution.task_key`): :func:`store_task` saves the record with the
SHA-256 of every file the task wrote, and :func:`load_task` gives it back only if the entry's own
checksum holds and those files are still there with the same bytes (else None: the task runs
again). ``<cache>/searches/`` keeps the outcome of adversarial searches (``samlab.adversary.search``:
the differential evolution's optimum and history, keyed like a run), so that a figure script repeating
a claim's search only re-measures the instance. ``<cache>/timings/`` holds the seconds each task took
last time (for the time-left estimate; never part of any result).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

from .fingerprint import Unfingerprintable, digest, source_version

__all__ = ["enabled", "location", "run_key", "load_run", "store_run", "info", "clear", "RUN_SOURCES",
           "MIN_SECONDS", "load_task", "store_task", "file_digest", "load_timings", "store_timings",
           "SEARCH_SOURCES", "search_key", "load_search", "store_search"]

MIN_SECONDS = 0.05
"""Runs faster than this are not stored: reading an entry back costs about as much (~10 ms)."""

RUN_SOURCES = ("engine.py", "algorithms", "hyper.py", "schedules.py", "linalg.py", "problems", "sampling.py",
               "noise.py", "result.py", "seeding.py", "fingerprint.py", "cache.py")
"""The samlab sources a run's numbers depend on (their hash is part of every run key)."""

ENV_SWITCH = "SAMLAB_CACHE"
ENV_DIR = "SAMLAB_CACHE_DIR"


def enabled() -> bool:
    """True when ``SAMLAB_CACHE`` is "1" (the command line sets it in its tasks unless ``--no-cache``)."""
    return os.environ.get(ENV_SWITCH, "0") == "1"


def location() -> Path:
    """The cache folder: ``SAMLAB_CACHE_DIR`` or the platform's user cache folder for samlab."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("samlab", appauthor=False))


@functools.cache
def _code_version(sources: tuple[str, ...]) -> str:
    return source_version(*sources)


def _key(kind: str, sources: tuple[str, ...], inputs: dict[str, Any]) -> str | None:
    try:
        return digest({"kind": kind, "code": _code_version(sources), **inputs})
    except Unfingerprintable:
        return None


def run_key(inputs: dict[str, Any]) -> str | None:
    """The key of a run from its inputs (a dict of everything it depends on), or None if uncacheable."""
    return _key("run", RUN_SOURCES, inputs)


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


def _files(folder: Path, suffix: str) -> list[Path]:
    return [p for p in folder.rglob("*" + suffix) if p.is_file()] if folder.is_dir() else []


def info() -> dict[str, Any]:
    """Location, number of cached runs and tasks, and their size in bytes."""
    root = location()
    runs = _files(root / "runs", ".npz")
    tasks = _files(root / "tasks", ".json")
    searches = _files(root / "searches", ".json")
    return {"location": str(root), "runs": len(runs), "tasks": len(tasks), "searches": len(searches),
            "bytes": sum(p.stat().st_size for p in runs + tasks + searches)}


def clear() -> int:
    """Delete every cached run, task outcome and search outcome; returns how many runs there were.

    The recorded task timings (a few kilobytes, used only to estimate the time left) are kept.
    """
    n = info()["runs"]
    shutil.rmtree(location() / "runs", ignore_errors=True)
    shutil.rmtree(location() / "tasks", ignore_errors=True)
    shutil.rmtree(location() / "searches", ignore_errors=True)
    return n


# ----------------------------------------------------------------------------- task outcomes
_TASK_FORMAT = "samlab.task/1"


def file_digest(path: str | os.PathLike) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def _task_entry(key: str) -> Path:
    return location() / "tasks" / key[:2] / f"{key}.json"


def _entry_checksum(key: str, record: Any, files: dict[str, str]) -> str:
    text = json.dumps([key, record, files], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _store_entry(path: Path, fmt: str, key: str, record: Any, digests: dict[str, str]) -> bool:
    from .result import atomic_write_text

    try:
        entry = {"format": fmt, "key": key, "record": record, "files": digests,
                 "checksum": _entry_checksum(key, record, digests)}
        text = json.dumps(entry, ensure_ascii=True, allow_nan=True)  # key order kept: same record, same bytes
    except (TypeError, ValueError):
        return False
    try:
        atomic_write_text(path, text)
    except OSError:
        return False
    return True


def _load_entry(path: Path, fmt: str, key: str) -> dict[str, Any] | None:
    """The entry at ``path`` if it is whole and is ``key``'s (its checksum holds); a corrupt or foreign
    entry is deleted and gives None."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return None
    if (not isinstance(entry, dict) or entry.get("format") != fmt or entry.get("key") != key
            or not isinstance(entry.get("files"), dict)
            or entry.get("checksum") != _entry_checksum(key, entry.get("record"), entry["files"])):
        path.unlink(missing_ok=True)
        return None
    return entry


def store_task(key: str, record: dict[str, Any], files: Iterable[str | os.PathLike] = ()) -> bool:
    """Keep ``record`` (JSON-ready) as the outcome of task ``key``, with the digests of the ``files``
    it wrote; False (nothing stored) when a file cannot be read or the record is not JSON."""
    digests: dict[str, str] = {}
    for path in files:
        digest_ = file_digest(path)
        if digest_ is None:
            return False
        digests[str(Path(path).resolve())] = digest_
    return _store_entry(_task_entry(key), _TASK_FORMAT, key, record, digests)


def load_task(key: str) -> dict[str, Any] | None:
    """The record stored for task ``key``, or None: no entry, a corrupt or foreign one (deleted), or
    a file the task wrote that is gone or changed since."""
    entry = _load_entry(_task_entry(key), _TASK_FORMAT, key)
    if entry is None:
        return None
    for file, digest_ in entry["files"].items():
        if file_digest(file) != digest_:
            return None  # the outputs changed: the entry is right, the files are not
    return entry["record"]


# ----------------------------------------------------------------------------- search outcomes
_SEARCH_FORMAT = "samlab.search/1"

SEARCH_SOURCES = RUN_SOURCES + ("adversary",)
"""The samlab sources an adversarial search's outcome depends on (their hash is part of its key)."""


def search_key(inputs: dict[str, Any]) -> str | None:
    """The key of an adversarial search from its inputs, or None if they cannot be fingerprinted."""
    return _key("search", SEARCH_SOURCES, inputs)


def _search_entry(key: str) -> Path:
    return location() / "searches" / key[:2] / f"{key}.json"


def store_search(key: str, outcome: dict[str, Any]) -> bool:
    """Keep the JSON-ready ``outcome`` of the search ``key`` (its optimum and history: a few hundred bytes)."""
    return _store_entry(_search_entry(key), _SEARCH_FORMAT, key, outcome, {})


def load_search(key: str) -> dict[str, Any] | None:
    """The outcome stored for the search ``key``, or None (missing, or corrupt or foreign: deleted)."""
    entry = _load_entry(_search_entry(key), _SEARCH_FORMAT, key)
    return None if entry is None else entry["record"]


# ----------------------------------------------------------------------------- timings
def _timings_path(mode: str) -> Path:
    return location() / "timings" / f"{mode}.json"


def load_timings(mode: str) -> dict[str, float]:
    """Seconds each task took the last time it ran in ``mode`` ("quick" or "full"); {} if unknown."""
    try:
        data = json.loads(_timings_path(mode).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0}


def store_timings(mode: str, seconds: dict[str, float]) -> None:
    """Merge ``seconds`` into the recorded timings of ``mode`` (best effort: a failure is ignored)."""
    from .result import atomic_write_text

    if not seconds:
        return
    merged = {**load_timings(mode), **{k: round(float(v), 3) for k, v in seconds.items()}}
    try:
        atomic_write_text(_timings_path(mode), json.dumps(merged, sort_keys=True, indent=0) + "\n")
    except OSError:
        pass
