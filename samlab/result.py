"""The outcome of one batched run: recorded metrics, final iterates, statuses and counters.

Arrays are indexed ``[checkpoint, run]`` (and ``[checkpoint, run, coordinate]`` for iterates).

A result saves to one file, ``<path>.npz``: the arrays and a JSON header (format, n_grad, meta)
stored as one more member of the archive, written atomically (a temporary file, then a rename).
One file with one rename is what makes a save all old or all new: a process killed at any point
leaves either the previous file or the new one, never new arrays beside old metadata (a pair of
files renamed one after the other cannot promise that; a shared checksum could only detect the mix,
losing the old result too). ``load`` checks what it reads (members, dtypes, shapes against each
other and against the header) and raises ValueError naming the file and the problem, so a truncated,
foreign or inconsistent file never becomes a Result. Results load back bit for bit.

Same inputs, same bytes: the archive's members carry a fixed date (1980-01-01, the zip format's
earliest; ``np.savez`` stamps the current time), the header is JSON with sorted keys and ``repr``
floats, and wall-clock timings (``meta["seconds"]``) are left out of the file. :func:`save_npz` and
:func:`json_text` give other data files the same property.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Result", "atomic_write_bytes", "atomic_write_text", "save_npz", "npz_bytes", "canonical_npz",
           "json_text", "recording_writes"]

_WRITES: ContextVar[list[str] | None] = ContextVar("samlab_recorded_writes", default=None)


@contextmanager
def recording_writes():
    """Collect the paths that :func:`atomic_write_bytes` writes inside the block (a list, filled in place).

    Every samlab output goes through it (results, figures, tables), so ``samlab reproduce`` learns
    which files a figure script wrote, and can tell later whether they are still there unchanged.
    """
    written: list[str] = []
    token = _WRITES.set(written)
    try:
        yield written
    finally:
        _WRITES.reset(token)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Readers see the old file or the new one, never a part. The file is created with mode 0666
    masked by the process umask (0644 under umask 022), like ``open(path, "wb")`` would, not with
    the 0600 of ``tempfile.mkstemp``. An ``.npz`` archive (e.g. from ``np.savez`` into a buffer) is
    written with fixed member dates (:func:`canonical_npz`), so the same arrays give the same bytes.
    """
    path = Path(path)
    if path.suffix == ".npz":
        data = canonical_npz(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask
            break
        except FileExistsError:  # pragma: no cover - 48 random bits collide
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    written = _WRITES.get()
    if written is not None:
        written.append(str(path))


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Atomic counterpart of ``Path.write_text`` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def npz_bytes(arrays: dict[str, np.ndarray], compress: bool = True) -> bytes:
    """The bytes of ``np.savez_compressed`` (``np.savez`` when not ``compress``), with a fixed member date.

    ``np.load`` reads them as usual; the same arrays give the same bytes at any time, on any run.
    """
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, mode="w", compression=method) as archive:
        for name, value in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = method
            info.create_system = 3  # "Unix" everywhere: the byte would otherwise follow the OS
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as member:  # force_zip64: as numpy does
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)
    return buffer.getvalue()


def canonical_npz(data: bytes) -> bytes:
    """A zip archive (an ``.npz``) re-encoded with the fixed date and attributes of :func:`npz_bytes`,
    member order and compression kept; bytes that are not a zip archive are returned unchanged."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    members = source.infolist()
    if all(m.date_time == _ZIP_DATE and m.create_system == 3 and m.external_attr == 0o644 << 16 for m in members):
        source.close()
        return data  # already canonical (npz_bytes, Result.save): no second compression
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, mode="w") as archive:
        for member in members:
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_DATE)
            info.compress_type = member.compress_type
            info.create_system = 3
            info.external_attr = 0o644 << 16
            with source.open(member) as src, archive.open(info, "w", force_zip64=True) as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
    return buffer.getvalue()


def save_npz(path: str | os.PathLike, compress: bool = True, **arrays: np.ndarray) -> Path:
    """``np.savez_compressed(path, **arrays)``, atomically and with the same bytes every time; returns the path.

    A path without the ``.npz`` suffix gets it (as numpy does).
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    atomic_write_bytes(path, npz_bytes(arrays, compress))
    return path


def json_text(obj: Any, *, indent: int | None = 2, sort_keys: bool = True) -> str:
    """JSON with a stable key order (sorted), ``repr`` floats and a final newline, for data files.

    NumPy scalars and arrays become numbers and lists; NaN and ±inf are written as JSON's
    NaN/Infinity extensions (Python reads them back).
    """
    return json.dumps(obj, indent=indent, sort_keys=sort_keys, ensure_ascii=False, default=_json_default) + "\n"


_ARRAYS = ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "status", "n_zero_grad")
STATUSES = ("ok", "diverged", "nonfinite", "stopped")
_FORMAT = "samlab.result"
_VERSION = 2
_HEADER = "header"  # the archive member holding the JSON header
_TIMINGS = ("seconds",)  # meta keys that vary from run to run: never saved (same inputs, same bytes)


@dataclass
class Result:
    """What ``samlab.run`` returns.

    Attributes
    ----------
    t : (K,) int
        Iteration numbers of the checkpoints (0 is the start, ``steps`` the end).
    f : (K, B)
        Objective f(x_t) (the full objective, not a sampled one).
    f_gap : (K, B)
        f(x_t) − f* when f* is known, else f(x_t) (``meta["f_star"]`` is then None).
    grad_norm : (K, B)
        ‖∇f(x_t)‖ of the full objective.
    dist : (K, B) or None
        ‖x_t − x*‖ when the problem knows x*.
    perturbation : (K, B)
        ‖y − x‖ of the step that produced x_t (0 at t = 0 and for gd).
    x : (B, d)
        Final iterates (the last finite iterate of a diverged run).
    iterates : (K, B, d) or None
        Iterates at the checkpoints, when ``keep_iterates=True``.
    status : (B,) str
        ``"ok"`` (finite all along), ``"diverged"`` (the iterate left every bound), ``"nonfinite"``
        (f or ∇f became NaN or ±inf while x stayed finite) or ``"stopped"`` (a ``stop`` event fired).
    n_grad : int
        Gradient-oracle calls per run (e.g. 2 per SAM step).
    n_zero_grad : (B,) int
        How often a normalized perturbation met an exactly zero direction (then y = x).
    diverged_at : (B,) int
        Step at which a run diverged or became non-finite, −1 for runs that did not.
    stopped_at : (B,) int
        Step at which a ``stop`` event froze a run, −1 for runs that were not stopped.
    observed : dict[str, (K − 1, B)]
        Quantities of the ``observe=`` callables, one row per checkpoint after 0 (aligned with
        ``t[1:]``): row i describes the step that produced x at ``t[i + 1]``.
    meta : dict
        Problem, algorithm and hyperparameters, sampling, noise, seed, ε, timing.
    """

    t: np.ndarray
    f: np.ndarray
    f_gap: np.ndarray
    grad_norm: np.ndarray
    dist: np.ndarray | None
    perturbation: np.ndarray
    x: np.ndarray
    status: np.ndarray
    n_grad: int
    n_zero_grad: np.ndarray
    diverged_at: np.ndarray
    iterates: np.ndarray | None = None
    observed: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    stopped_at: np.ndarray | None = None

    def __post_init__(self):
        if self.stopped_at is None:
            self.stopped_at = np.full(self.x.shape[0], -1, dtype=np.int64)

    @property
    def runs(self) -> int:
        """Number of runs B."""
        return self.x.shape[0]

    @property
    def ok(self) -> np.ndarray:
        """(B,) bool: runs that did not diverge."""
        return self.status == "ok"

    def final(self, name: str = "f_gap") -> np.ndarray:
        """(B,) last recorded value of a metric (``"f_gap"``, ``"grad_norm"``, an observed name …)."""
        return self._metric(name)[-1]

    def select(self, runs) -> "Result":
        """A copy holding only the runs ``runs`` (indices or a slice of the B runs), in that order; ``meta``
        is copied with ``runs`` updated (per-run entries in it are the caller's to narrow)."""
        cols = np.arange(self.runs)[runs] if isinstance(runs, slice) else np.atleast_1d(np.asarray(runs))
        if cols.ndim != 1 or not np.issubdtype(cols.dtype, np.integer):
            raise ValueError(f"runs must be integer indices or a slice, got {runs!r}")
        pick = (lambda a, axis=1: None if a is None else np.take(a, cols, axis=axis))
        return replace(self, f=pick(self.f), f_gap=pick(self.f_gap), grad_norm=pick(self.grad_norm),
                       dist=pick(self.dist), perturbation=pick(self.perturbation), x=pick(self.x, 0),
                       status=pick(self.status, 0), n_zero_grad=pick(self.n_zero_grad, 0),
                       diverged_at=pick(self.diverged_at, 0), stopped_at=pick(self.stopped_at, 0),
                       iterates=pick(self.iterates), observed={k: pick(v) for k, v in self.observed.items()},
                       meta={**self.meta, "runs": int(cols.size)})

    def _metric(self, name: str) -> np.ndarray:
        if name in self.observed:
            return self.observed[name]
        value = getattr(self, name, None)
        if value is None:
            raise KeyError(f"no metric {name!r} in this result")
        return value

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Write ``<path>.npz`` (arrays and header) atomically; returns its path.

        The same result gives the same bytes (module docstring): ``meta["seconds"]`` is not saved.
        A ``<path>.json`` left by samlab's former two-file format is removed once the new file
        is in place (``load`` never reads it).
        """
        npz, js = _paths(path)
        arrays: dict[str, np.ndarray] = {}
        for name in _ARRAYS + ("diverged_at", "stopped_at"):
            value = getattr(self, name)
            if value is not None:
                arrays[name] = np.asarray(value)
        arrays["status"] = np.asarray(self.status, dtype="U16")
        if self.iterates is not None:
            arrays["iterates"] = self.iterates
        for name, value in self.observed.items():
            arrays[f"observed:{name}"] = value
        meta = {k: v for k, v in self.meta.items() if k not in _TIMINGS}
        header = {"format": _FORMAT, "version": _VERSION, "n_grad": int(self.n_grad), "meta": meta}
        arrays[_HEADER] = np.array(json.dumps(header, default=_json_default, sort_keys=True))
        atomic_write_bytes(npz, _npz_bytes(arrays))
        if _is_old_sidecar(js):
            js.unlink(missing_ok=True)
        return npz

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Result":
        """Read a result written by :meth:`save` (give the path with or without suffix).

        Raises FileNotFoundError when there is no file, and ValueError naming the file when it is
        not a complete samlab result: not an npz archive, truncated, missing members, wrong dtypes,
        shapes that disagree (t (K,); f, f_gap, grad_norm, dist, perturbation (K, B); x (B, d);
        status, n_zero_grad, diverged_at, stopped_at (B,); iterates (K, B, d); observed (K − 1, B))
        or that disagree with the header (runs, problem dimension).
        """
        npz, js = _paths(path)
        arrays = _read_npz(npz)
        if _HEADER not in arrays:
            if _is_old_sidecar(js):
                raise ValueError(f"{npz}: written in samlab's former two-file format (.npz + .json); "
                                 "regenerate it (re-run the script or config that wrote it)")
            raise ValueError(f"{npz}: not a samlab result (no {_HEADER!r} member)")
        header = _read_header(npz, arrays.pop(_HEADER))
        _check_arrays(npz, arrays, header)
        observed = {k.split(":", 1)[1]: v for k, v in arrays.items() if k.startswith("observed:")}
        return cls(
            t=arrays["t"],
            f=arrays["f"],
            f_gap=arrays["f_gap"],
            grad_norm=arrays["grad_norm"],
            dist=arrays.get("dist"),
            perturbation=arrays["perturbation"],
            x=arrays["x"],
            status=arrays["status"].astype(object),
            n_grad=header["n_grad"],
            n_zero_grad=arrays["n_zero_grad"],
            diverged_at=arrays["diverged_at"],
            stopped_at=arrays["stopped_at"],
            iterates=arrays.get("iterates"),
            observed=observed,
            meta=header["meta"],
        )


def _paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """``run.npz``/``run.json`` for ``run``, ``run.npz`` or ``run.json`` (dots elsewhere are kept: rho0.1)."""
    base = Path(path)
    if base.suffix in (".npz", ".json"):
        base = base.with_suffix("")
    return base.with_name(base.name + ".npz"), base.with_name(base.name + ".json")


def _is_old_sidecar(js: Path) -> bool:
    """True when ``js`` is the meta file of samlab's former format: a JSON object {"n_grad", "meta"}."""
    try:
        if js.stat().st_size > 50_000_000:
            return False
        info = json.loads(js.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and set(info) == {"n_grad", "meta"}


def _read_npz(npz: Path) -> dict[str, np.ndarray]:
    """Every member of the archive, read in full (so a truncated member fails here, not later)."""
    try:
        data = np.load(npz, allow_pickle=False)
    except FileNotFoundError:
        raise
    except Exception as exc:  # not a zip, pickled objects, unreadable: all mean "not a result"
        raise ValueError(f"{npz}: not a samlab result ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"{npz}: not a samlab result (a single .npy array, not an .npz archive)")
    try:
        with data:
            return {name: data[name] for name in data.files}
    except Exception as exc:  # truncated or corrupted members (BadZipFile, zlib.error, EOFError …)
        raise ValueError(f"{npz}: truncated or corrupted ({type(exc).__name__}: {exc})") from None


def _read_header(npz: Path, raw: np.ndarray) -> dict[str, Any]:
    if raw.shape != () or raw.dtype.kind != "U":
        raise ValueError(f"{npz}: the {_HEADER!r} member is not a JSON text")
    try:
        header = json.loads(str(raw))
    except ValueError as exc:
        raise ValueError(f"{npz}: the header is not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise ValueError(f"{npz}: not a samlab result (header format {_show(header)})")
    if header.get("version") != _VERSION:
        raise ValueError(f"{npz}: result format version {header.get('version')!r}, this samlab reads {_VERSION}")
    n_grad = header.get("n_grad")
    if isinstance(n_grad, bool) or not isinstance(n_grad, int) or n_grad < 0:
        raise ValueError(f"{npz}: header n_grad must be a non-negative integer, got {n_grad!r}")
    if not isinstance(header.get("meta"), dict):
        raise ValueError(f"{npz}: header meta must be a JSON object")
    return header


def _check_arrays(npz: Path, arrays: dict[str, np.ndarray], header: dict[str, Any]) -> None:
    """Members, dtypes and shapes of a result file; ValueError naming the file and the first problem."""

    def fail(what: str) -> ValueError:
        return ValueError(f"{npz}: {what}")

    required = ("t", "f", "f_gap", "grad_norm", "perturbation", "x", "status", "n_zero_grad", "diverged_at",
                "stopped_at")
    missing = [name for name in required if name not in arrays]
    if missing:
        raise fail(f"missing array(s) {', '.join(missing)}")
    known = set(required) | {"dist", "iterates"}
    for name in arrays:
        if name not in known and not name.startswith("observed:"):
            raise fail(f"unexpected array {name!r}")

    def kind(name: str, kinds: str, what: str) -> None:
        if arrays[name].dtype.kind not in kinds:
            raise fail(f"{name} must hold {what}, got dtype {arrays[name].dtype}")

    t, x = arrays["t"], arrays["x"]
    if t.ndim != 1 or t.size == 0:
        raise fail(f"t must have shape (K,) with K >= 1, got {t.shape}")
    kind("t", "iu", "integers")
    if x.ndim != 2:
        raise fail(f"x must have shape (B, d), got {x.shape}")
    kind("x", "f", "floats")
    K, (B, d) = t.shape[0], x.shape
    expected = {name: (K, B) for name in ("f", "f_gap", "grad_norm", "perturbation", "dist")}
    expected.update({name: (B,) for name in ("status", "n_zero_grad", "diverged_at", "stopped_at")})
    expected["iterates"] = (K, B, d)
    expected.update({name: (K - 1, B) for name in arrays if name.startswith("observed:")})
    for name, shape in expected.items():
        if name not in arrays:
            continue
        if arrays[name].shape != shape:
            raise fail(f"{name} has shape {arrays[name].shape}, but t and x (K = {K}, B = {B}, d = {d}) "
                       f"make it {shape}")
        if name == "status":
            kind(name, "U", "strings")
        elif name in ("n_zero_grad", "diverged_at", "stopped_at"):
            kind(name, "iu", "integers")
        else:
            kind(name, "f", "floats")
    bad = sorted(set(arrays["status"].tolist()) - set(STATUSES))
    if bad:
        raise fail(f"status holds {bad[0]!r}; statuses are {', '.join(STATUSES)}")
    meta = header["meta"]
    runs = meta.get("runs")
    if isinstance(runs, int) and not isinstance(runs, bool) and runs != B:
        raise fail(f"the header says {runs} runs, the arrays hold {B}")
    dim = (meta.get("problem") or {}).get("dim") if isinstance(meta.get("problem"), dict) else None
    if isinstance(dim, int) and not isinstance(dim, bool) and dim != d:
        raise fail(f"the header's problem has dimension {dim}, x has {d} columns")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    return npz_bytes(arrays, compress=True)  # canonical already: atomic_write_bytes passes it through


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return repr(value)
