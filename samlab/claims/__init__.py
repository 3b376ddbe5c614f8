"""The registry of claims, one module per paper (``samlab/claims/<paper>.py``), and a user's own.

    import samlab as sl
    for c in sl.claims.all():
        v = c.check(quick=True)
        print(c.id, v.passed, v.measured, v.predicted)

A user's claims live in their own file: ``declare_paper("my-note-2026", "…")`` then the ``@claim``
decorator, as samlab's own modules do; ``load_module("my_claims.py")`` (``samlab verify --module
my_claims.py``) imports the file and returns the claims it registered.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil

import sys
from pathlib import Path

from ..user_code import import_file, module_name
from .base import (BUILTIN_PAPERS, KINDS, PAPERS, Claim, ControlOutcome, Criterion, Verdict, claim, declare_paper,
                   register, registry)

__all__ = ["Claim", "Verdict", "Criterion", "ControlOutcome", "claim", "register", "declare_paper", "load_module", "all", "get", "by_paper",
           "papers", "KINDS", "PAPERS", "close_matches"]

_loaded = False


def _load() -> None:
    """Import every claim module of this package (each registers its claims on import)."""
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "base" and not info.name.startswith("_"):
            try:
                importlib.import_module(f"{__name__}.{info.name}")
            except Exception as exc:  # one broken module must not hide every other paper's claims
                _register_import_failure(info.name, exc)
    _loaded = True


def load_module(path: str | Path) -> list[Claim]:
    """Import a user's claims file (it runs: it is the user's own code); return the claims it added.

    The file declares its paper with :func:`declare_paper` and registers claims with :func:`claim`.
    Loading the same file twice registers nothing new. A missing file, or a file that registers no
    claim, is a ValueError.
    """
    _load()
    path = Path(path)
    if path.suffix != ".py" or not path.is_file():
        raise ValueError(f"no claims file {str(path)!r} (a .py file that registers claims)")
    key = module_name(path, "samlab_user_claims_")
    if key in sys.modules:
        return list(getattr(sys.modules[key], "__samlab_claims__", []))
    before = dict(registry())
    module = import_file(path, "samlab_user_claims_")
    added = [c for cid, c in registry().items() if before.get(cid) is not c]  # new, or registered again
    if not added:
        sys.modules.pop(key, None)
        raise ValueError(f"{str(path)!r} registered no claim (use samlab.claims.declare_paper and @claim)")
    module.__samlab_claims__ = added
    return added


def _register_import_failure(module: str, exc: Exception) -> None:
    """A failing placeholder claim ``<paper>/module-import`` that reports why the module did not load."""
    paper = module.replace("_", "-")
    if paper not in BUILTIN_PAPERS:
        raise exc
    message = f"{type(exc).__name__}: {exc}"

    def measure(settings, seed):
        """Always fails: the claim module could not be imported, so none of its claims ran."""
        return Verdict(passed=False, measured="import error", predicted="module imports",
                       tolerance="none", details={"error": message})

    register(Claim(id=f"{paper}/module-import", paper=paper, statement=f"samlab.claims.{module} imports",
                   provenance="samlab", kind="limit", measure=measure, quick={}, full={}))


def all() -> list[Claim]:  # noqa: A001 - the public name of the contract
    """Every registered claim, ordered by paper (as in PAPERS) then by registration."""
    _load()
    order = {p: i for i, p in enumerate(PAPERS)}
    claims = list(registry().values())
    return sorted(claims, key=lambda c: order.get(c.paper, len(order)))


def get(claim_id: str) -> Claim:
    _load()
    try:
        return registry()[claim_id]
    except KeyError:
        hint = close_matches(claim_id, list(registry()))
        raise KeyError(f"unknown claim {claim_id!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")) from None


def by_paper(paper: str) -> list[Claim]:
    return [c for c in all() if c.paper == paper]


def papers() -> list[str]:
    """Papers that have at least one claim, in PAPERS order."""
    present = {c.paper for c in all()}
    return [p for p in PAPERS if p in present]


def close_matches(name: str, choices: list[str], n: int = 3) -> list[str]:
    """Names close to ``name`` (for 'did you mean' messages)."""
    hits = difflib.get_close_matches(name, choices, n=n, cutoff=0.5)
    return hits or [c for c in choices if name and name in c][:n]
