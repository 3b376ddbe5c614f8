"""The outcome of one batched run: recorded metrics, final iterates, statuses and counters.

Arrays are indexed ``[checkpoint, run]`` (and ``[checkpoint, run, coordinate]`` for iterates).
A result saves to ``<path>.npz`` (arrays) plus ``<path>.json`` (meta), each written atomically,
and loads back bit for bit.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Result", "atomic_write_bytes", "atomic_write_text"]


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Atomic counterpart of ``Path.write_text`` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


_ARRAYS = ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "status", "n_zero_grad")


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

    def _metric(self, name: str) -> np.ndarray:
        if name in self.observed:
            return self.observed[name]
        value = getattr(self, name, None)
        if value is None:
            raise KeyError(f"no metric {name!r} in this result")
        return value

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> Path:
        """Write ``<path>.npz`` and ``<path>.json`` atomically; returns the npz path."""
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
        buffer = _npz_bytes(arrays)
        atomic_write_bytes(npz, buffer)
        meta = {"n_grad": int(self.n_grad), "meta": self.meta}
        atomic_write_text(js, json.dumps(meta, indent=2, default=_json_default))
        return npz

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Result":
        """Read a result written by :meth:`save` (give the path with or without suffix)."""
        npz, js = _paths(path)
        with np.load(npz, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        info = json.loads(js.read_text())
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
            n_grad=int(info["n_grad"]),
            n_zero_grad=arrays["n_zero_grad"],
            diverged_at=arrays["diverged_at"],
            stopped_at=arrays.get("stopped_at"),
            iterates=arrays.get("iterates"),
            observed=observed,
            meta=info["meta"],
        )


def _paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """``run.npz``/``run.json`` for ``run``, ``run.npz`` or ``run.json`` (dots elsewhere are kept: rho0.1)."""
    base = Path(path)
    if base.suffix in (".npz", ".json"):
        base = base.with_suffix("")
    return base.with_name(base.name + ".npz"), base.with_name(base.name + ".json")


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return repr(value)
