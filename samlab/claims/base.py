"""Claims: a statement of a paper turned into a measurement with a verdict.

A claim is a function ``measure(settings, seed) -> Verdict`` registered with its paper, statement,
provenance, kind and two settings dicts: ``quick`` (seconds, for CI) and ``full``. Both modes
decide the same question with a real tolerance; the function's docstring states and justifies
that tolerance. Ids are ``<paper>/<slug>``, stable and readable.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..checks import boolean, integer

__all__ = ["Verdict", "Claim", "claim", "KINDS", "PAPERS", "register", "registry"]

KINDS = ("rate", "linear rate", "plateau", "bound", "limit", "ordering")

PAPERS: dict[str, str] = {
    "general": "samlab sanity claims (textbook facts every SAM lab must reproduce)",
    "si-yun-2023": "Si & Yun 2023, Practical Sharpness-Aware Minimization Cannot Converge All the Way to Optima (NeurIPS 2023)",
    "oikonomou-loizou-2025": "Oikonomou & Loizou 2025, Sharpness-Aware Minimization: General Analysis and Improved Rates (ICLR 2025)",
    "khanh-2024": "Khanh, Luong, Mordukhovich & Tran 2024, Fundamental Convergence Analysis of Sharpness-Aware Minimization (NeurIPS 2024)",
    "kim-2023": "Kim, Park, Choi & Lee 2023, Stability Analysis of Sharpness-Aware Minimization (arXiv 2301.06308)",
}

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")


def _plain(value: Any) -> Any:
    """JSON-friendly copy: numpy scalars and arrays become Python numbers and lists."""
    if isinstance(value, dict):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else str(v)
    return value


def _key(key: Any) -> str:
    """A readable dict key: (np.float64(0.1), 2) → "0.1, 2"."""
    plain = _plain(key)
    if isinstance(plain, list):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in plain)
    if isinstance(plain, float):
        return f"{plain:g}"
    return str(plain)


@dataclass
class Verdict:
    """Outcome of a claim: measured beside predicted, the tolerance, and the evidence.

    ``measured`` and ``predicted`` are the headline numbers (or short texts for orderings);
    ``details`` holds confidence intervals, fit windows, standard errors and per-case values.
    """

    passed: bool
    measured: Any
    predicted: Any
    tolerance: str
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.passed = bool(self.passed)
        self.measured = _plain(self.measured)
        self.predicted = _plain(self.predicted)
        self.details = _plain(self.details)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "measured": self.measured, "predicted": self.predicted,
                "tolerance": self.tolerance, "details": self.details}


@dataclass(frozen=True)
class Claim:
    """One checkable statement. ``check(quick, seed)`` runs the experiment and returns a Verdict."""

    id: str
    paper: str
    statement: str
    provenance: str
    kind: str
    measure: Callable[[dict[str, Any], int], Verdict]
    quick: dict[str, Any]
    full: dict[str, Any]

    @property
    def doc(self) -> str:
        """The measuring function's docstring: protocol and the justification of the tolerance."""
        return (self.measure.__doc__ or "").strip()

    def settings(self, quick: bool) -> dict[str, Any]:
        return dict(self.quick if quick else self.full)

    def check(self, quick: bool = False, seed: int = 0) -> Verdict:
        """Run the measurement (``quick``: the CI settings) with ``seed``, a non-negative integer."""
        quick = boolean(quick, "quick")
        seed = integer(seed, "seed", minimum=0)
        started = time.perf_counter()
        verdict = self.measure(self.settings(quick), seed)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"claim {self.id} returned {type(verdict).__name__}, not a Verdict")
        verdict.details.setdefault("mode", "quick" if quick else "full")
        verdict.details.setdefault("seed", int(seed))
        verdict.details["seconds"] = round(time.perf_counter() - started, 3)
        return verdict

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "paper": self.paper, "statement": self.statement,
                "provenance": self.provenance, "kind": self.kind}


_REGISTRY: dict[str, Claim] = {}


def register(c: Claim) -> Claim:
    if not _ID.match(c.id):
        raise ValueError(f"claim id {c.id!r} must look like 'paper-name/claim-slug' (lowercase, digits, dashes)")
    paper = c.id.split("/", 1)[0]
    if paper != c.paper or c.paper not in PAPERS:
        raise ValueError(f"claim {c.id}: paper must be one of {sorted(PAPERS)} and match the id prefix")
    if c.kind not in KINDS:
        raise ValueError(f"claim {c.id}: kind must be one of {KINDS}, got {c.kind!r}")
    if not c.measure.__doc__:
        raise ValueError(f"claim {c.id}: the measuring function needs a docstring justifying its tolerance")
    if c.id in _REGISTRY and _REGISTRY[c.id].measure.__qualname__ != c.measure.__qualname__:
        raise ValueError(f"duplicate claim id {c.id}")
    _REGISTRY[c.id] = c
    return c


def claim(*, id: str, statement: str, provenance: str, kind: str, quick: dict, full: dict):
    """Decorator registering ``measure(settings, seed) -> Verdict`` as a claim."""

    def wrap(fn):
        register(Claim(id=id, paper=id.split("/", 1)[0], statement=statement, provenance=provenance,
                       kind=kind, measure=fn, quick=dict(quick), full=dict(full)))
        return fn

    return wrap


def registry() -> dict[str, Claim]:
    return _REGISTRY
