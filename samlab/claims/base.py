"""Claims: a statement of a paper turned into a measurement with a verdict.

A claim is a function ``measure(settings, seed) -> Verdict`` registered with its paper, statement,
provenance, kind and two settings dicts: ``quick`` (seconds, for CI) and ``full``. Both modes
decide the same question with a real tolerance; the function's docstring states and justifies
that tolerance. Ids are ``<paper>/<slug>``, stable and readable.

A verdict names its headline number (``quantity``, ``unit``) and lists the ``criteria`` it was
decided by, each a :class:`Criterion` with its margin. A claim declares ``controls``: named settings
overrides (a wrong algorithm, a mutated rule, a violated hypothesis) under which its statement is
false, so that the claim must fail there: :meth:`Claim.check_controls` measures whether it does
(the claim *discriminates*).
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..checks import boolean, integer

__all__ = ["Verdict", "Criterion", "ControlOutcome", "Claim", "claim", "KINDS", "PAPERS", "BUILTIN_PAPERS", "declare_paper", "register", "registry"]

KINDS = ("rate", "linear rate", "plateau", "bound", "limit", "ordering", "worst-case")

PAPERS: dict[str, str] = {
    "general": "samlab sanity claims (textbook facts every SAM lab must reproduce)",
    "si-yun-2023": "Si & Yun 2023, Practical Sharpness-Aware Minimization Cannot Converge All the Way to Optima (NeurIPS 2023)",
    "oikonomou-loizou-2025": "Oikonomou & Loizou 2025, Sharpness-Aware Minimization: General Analysis and Improved Rates (ICLR 2025)",
    "khanh-2024": "Khanh, Luong, Mordukhovich & Tran 2024, Fundamental Convergence Analysis of Sharpness-Aware Minimization (NeurIPS 2024)",
    "kim-2023": "Kim, Park, Choi & Lee 2023, Stability Analysis of Sharpness-Aware Minimization (arXiv 2301.06308)",
}

BUILTIN_PAPERS = tuple(PAPERS)
"""The papers samlab itself encodes; :func:`declare_paper` adds a user's own."""

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$")
_PAPER_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def declare_paper(paper_id: str, title: str) -> str:
    """Declare a paper outside samlab's own, so that claims ``<paper_id>/<slug>`` can register.

    ``paper_id`` is lowercase letters, digits and dashes (``"my-note-2026"``); ``title`` is shown
    by ``samlab list``, ``verify`` and the report. Declaring the same id with the same title again
    is a no-op; another title for an existing id (a built-in one included) is a ValueError.
    """
    if not isinstance(paper_id, str) or not _PAPER_ID.match(paper_id):
        raise ValueError(f"paper_id must be lowercase letters, digits and dashes (e.g. 'my-note-2026'), got {paper_id!r}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"title must be a non-empty string, got {title!r}")
    if paper_id in PAPERS and PAPERS[paper_id] != title:
        raise ValueError(f"paper {paper_id!r} is already declared with the title {PAPERS[paper_id]!r}")
    PAPERS[paper_id] = title
    return paper_id


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


_OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "in": "∈", "==": "="}


@dataclass
class Criterion:
    """One test a verdict is decided by: ``value op limit`` (``op`` one of <=, >=, <, >, ==, in).

    ``limit`` is a number, or a (low, high) pair for ``in``. ``margin`` is how far inside the limit
    the value is (≥ 0 when it passes; for ``in`` the distance to the nearer end), in the value's units;
    ``relative_margin`` divides it by |limit| (by the interval's half-width for ``in``), so a margin
    near rounding is visible. ``passed`` is computed; text values may only use ``==``.
    """

    name: str
    value: Any
    op: str
    limit: Any
    unit: str = ""
    passed: bool = field(init=False)
    margin: float | None = field(init=False)
    relative_margin: float | None = field(init=False)

    def __post_init__(self):
        if self.op not in _OPS:
            raise ValueError(f"criterion {self.name!r}: op must be one of {sorted(_OPS)}, got {self.op!r}")
        v, lim = self.value, self.limit
        numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        if not numeric:
            if self.op != "==":
                raise ValueError(f"criterion {self.name!r}: a {type(v).__name__} value can only be compared with ==")
            self.passed, self.margin, self.relative_margin = bool(v == lim), None, None
            return
        v = self.value = float(v)
        if self.op == "in":
            lo, hi = (float(x) for x in lim)
            self.limit = (lo, hi)
            self.passed = lo <= v <= hi
            self.margin = min(v - lo, hi - v)
            half = (hi - lo) / 2.0
            self.relative_margin = self.margin / half if half > 0 else None
        else:
            lim = self.limit = float(lim)
            if self.op in ("<=", "<"):
                self.margin = lim - v
                self.passed = v <= lim if self.op == "<=" else v < lim
            elif self.op in (">=", ">"):
                self.margin = v - lim
                self.passed = v >= lim if self.op == ">=" else v > lim
            else:
                self.margin = -abs(v - lim)
                self.passed = v == lim
            self.relative_margin = self.margin / abs(lim) if lim != 0.0 and math.isfinite(lim) else None
        if not math.isfinite(v):  # NaN never passes; an infinite value has no meaningful margin
            self.passed = self.passed and not math.isnan(v)
            self.margin = self.relative_margin = None
        self.passed = bool(self.passed)

    @property
    def text(self) -> str:
        """``name: value ≤ limit`` as one line."""
        lim = f"[{self.limit[0]:.4g}, {self.limit[1]:.4g}]" if self.op == "in" else _short(self.limit)
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.name}: {_short(self.value)}{unit} {_OPS[self.op]} {lim}{unit}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": _plain(self.value), "op": self.op, "limit": _plain(self.limit),
                "unit": self.unit, "passed": self.passed, "margin": _plain(self.margin),
                "relative_margin": _plain(self.relative_margin)}


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@dataclass
class Verdict:
    """Outcome of a claim: measured beside predicted, the tolerance, and the evidence.

    ``measured`` and ``predicted`` are the headline numbers (or short texts for orderings), named by
    ``quantity`` (e.g. "max relative error of the plateau") in ``unit``; ``criteria`` are the tests
    the verdict was decided by (when given, ``passed`` must agree with them: all must pass);
    ``details`` holds confidence intervals, fit windows, standard errors and per-case values (flat:
    a small table, not a nest of dicts); ``findings`` are one-sentence statements of where the
    paper's statement and the numbers disagree (the report lists them at the top).
    """

    passed: bool
    measured: Any
    predicted: Any
    tolerance: str
    details: dict[str, Any] = field(default_factory=dict)
    quantity: str = ""
    unit: str = ""
    criteria: list[Criterion] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.passed = bool(self.passed)
        self.findings = [str(f) for f in self.findings]
        self.measured = _plain(self.measured)
        self.predicted = _plain(self.predicted)
        self.details = _plain(self.details)
        self.criteria = list(self.criteria)
        for c in self.criteria:
            if not isinstance(c, Criterion):
                raise ValueError(f"criteria must be Criterion objects, got {c!r}")
        if self.criteria and self.passed != all(c.passed for c in self.criteria):
            failing = [c.text for c in self.criteria if not c.passed]
            raise ValueError(f"passed={self.passed} disagrees with the criteria (failing: {failing or 'none'})")

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "measured": self.measured, "predicted": self.predicted,
                "tolerance": self.tolerance, "quantity": self.quantity, "unit": self.unit,
                "criteria": [c.to_dict() for c in self.criteria], "findings": list(self.findings),
                "details": self.details}


@dataclass
class ControlOutcome:
    """A claim measured under one of its controls: it discriminates when the control's verdict fails."""

    name: str
    overrides: dict[str, Any]
    verdict: Verdict | None
    error: str | None = None

    @property
    def discriminates(self) -> bool:
        return self.verdict is not None and not self.verdict.passed

    def to_dict(self) -> dict[str, Any]:
        v = self.verdict
        return {"name": self.name, "overrides": _plain(self.overrides), "discriminates": self.discriminates,
                "passed": None if v is None else v.passed, "measured": None if v is None else v.measured,
                "predicted": None if v is None else v.predicted, "error": self.error}


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
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def check_controls(self, quick: bool = False, seed: int = 0) -> list[ControlOutcome]:
        """Measure the claim under each control (settings overrides); each should fail.

        A control's files (a worst instance a full-mode claim saves, say) are not the claim's: they are
        written to a scratch folder, deleted afterwards, so the figures folder keeps the claim's own."""
        from ..experiment import output_mode

        outcomes = []
        for name, overrides in self.controls.items():
            settings = {**self.settings(quick), **overrides}
            try:
                with tempfile.TemporaryDirectory(prefix="samlab-control-") as scratch, output_mode(quick, scratch):
                    verdict = self.measure(settings, int(seed))
                if not isinstance(verdict, Verdict):
                    raise TypeError(f"returned {type(verdict).__name__}, not a Verdict")
                outcomes.append(ControlOutcome(name, dict(overrides), verdict))
            except Exception as exc:  # a control that cannot be measured does not discriminate
                outcomes.append(ControlOutcome(name, dict(overrides), None, f"{type(exc).__name__}: {exc}"))
        return outcomes

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "paper": self.paper, "statement": self.statement,
                "provenance": self.provenance, "kind": self.kind}


_REGISTRY: dict[str, Claim] = {}


def register(c: Claim) -> Claim:
    if not _ID.match(c.id):
        raise ValueError(f"claim id {c.id!r} must look like 'paper-name/claim-slug' (lowercase, digits, dashes)")
    paper = c.id.split("/", 1)[0]
    if paper != c.paper or c.paper not in PAPERS:
        raise ValueError(f"claim {c.id}: its paper must match the id prefix and be declared (one of {sorted(PAPERS)}, "
                         "or samlab.claims.declare_paper(id, title) first)")
    if c.kind not in KINDS:
        raise ValueError(f"claim {c.id}: kind must be one of {KINDS}, got {c.kind!r}")
    if not c.measure.__doc__:
        raise ValueError(f"claim {c.id}: the measuring function needs a docstring justifying its tolerance")
    if not isinstance(c.controls, dict) or not all(isinstance(k, str) and isinstance(v, dict) for k, v in c.controls.items()):
        raise ValueError(f"claim {c.id}: controls must map a name to a dict of settings overrides")
    if c.id in _REGISTRY and _REGISTRY[c.id].measure.__qualname__ != c.measure.__qualname__:
        raise ValueError(f"duplicate claim id {c.id}")
    _REGISTRY[c.id] = c
    return c


def claim(*, id: str, statement: str, provenance: str, kind: str, quick: dict, full: dict,
          controls: dict[str, dict] | None = None):
    """Decorator registering ``measure(settings, seed) -> Verdict`` as a claim.

    ``controls`` maps a name ("USAM instead of SAM") to settings overrides under which the statement
    is false; the measuring function reads them from its settings like any other setting.
    """

    def wrap(fn):
        register(Claim(id=id, paper=id.split("/", 1)[0], statement=statement, provenance=provenance,
                       kind=kind, measure=fn, quick=dict(quick), full=dict(full), controls=dict(controls or {})))
        return fn

    return wrap


def registry() -> dict[str, Claim]:
    return _REGISTRY
