r"""Mutation suite: plant realistic one-line bugs in a copy of samlab and record which claims catch them.

A claim that passes for SAM and would also pass for a wrong SAM verifies nothing. Each
:class:`Mutant` of :data:`CATALOGUE` is a literal patch of samlab's own code (a file relative to the
package, the exact old text, the new text, what the change is and which behaviour it breaks). For
every mutant, :func:`run_suite`

1. copies the samlab package to a temporary folder and applies the patch there (the working tree
   is never edited); a patch whose old text does not occur exactly once raises :class:`PatchError`
   naming the mutant ("no longer applies"), so the catalogue cannot rot silently;
2. checks the selected claims in quick mode in a fresh interpreter whose ``PYTHONPATH`` points at
   the copy (one worker process per mutant, claims one after another; ``jobs`` mutants at once);
3. records which claims kill the mutant: a claim kills it when it passes on an unmodified copy
   (the baseline, run the same way) and fails on the mutant, raises inside the claim, or runs
   longer than ``timeout`` seconds. A mutant under which the package (or the mutated module) does
   not import is reported as ``"import-error"``, not as killed: such a bug is not realistic.

Run cache: a run's cache key contains the hash of the run modules' sources
(``samlab.cache.RUN_SOURCES``, hashed from the package that computes the run), and every catalogued
file is one of them, so a mutated copy can never reuse a run of the unmodified code. The workers run
with ``SAMLAB_CACHE=0`` and a private ``SAMLAB_CACHE_DIR`` all the same.

Statuses: ``"killed"`` (by at least ``required`` claims: 2 for the central behaviours, i.e.
normalization, descent point and sampling weights, else 1), ``"under-killed"`` (by fewer),
``"survived"`` (by none), ``"import-error"``.

    samlab mutants --jobs 2                    # the whole catalogue against every claim → figures/mutants.*
    samlab mutants --mutant importance-unweighted --claim oikonomou-loizou-2025/importance-speedup
    python -m samlab.mutants --list            # the catalogue, each patch checked against the current code

The command writes ``figures/mutants.json`` (one record per mutant: mutant, description, breaks,
file, central, required, claims, killed_by, crashed_by, errors, status, error) and
``figures/mutants.md`` (the table), atomically and with stable bytes (no times, no dates). A run
restricted with ``--mutant``, ``--claim``, ``--paper`` or ``--module`` (a user's claims file, checked
against the mutants too) writes them only where ``--out`` says. Exit status: 0 when every mutant is
killed, 1 otherwise (or when a patch no longer applies), 2 a usage error (checked before any work).

No catalogued mutant is equivalent to the real code: each changes what samlab computes (when the
catalogue was written, samlab's unit tests or its claims failed under every one), so a mutant that
survives every claim marks a behaviour the claims do not test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

__all__ = ["Mutant", "PatchError", "CATALOGUE", "get", "patched_text", "apply", "check_catalogue", "mutated_copy",
           "run_suite", "render_markdown", "write_outputs", "add_mutants_parser", "run_mutants", "main"]

_ID = re.compile(r"^[a-z][a-z0-9\-]*$")
STATUSES = ("killed", "under-killed", "survived", "import-error")
DEFAULT_TIMEOUT = 120.0
"""Seconds one claim may run against a mutant before it counts as killed by a time-out. The slowest
quick claim takes about 2 s on an idle core; 120 s leaves a 60× margin for a loaded machine, so a
time-out means the mutant changed what the claim computes (e.g. a run that no longer stops)."""
IMPORT_TIMEOUT = 120.0
"""Seconds a worker may take to import samlab and its claims (about 2 s on an idle core) before the
mutant counts as breaking the import."""


class PatchError(ValueError):
    """A catalogue patch that no longer applies to the current code (its old text is not found exactly once)."""


@dataclass(frozen=True)
class Mutant:
    """A one-line bug: in ``file`` (relative to the samlab package), replace ``old`` by ``new``.

    ``old`` may span a few lines so that it occurs exactly once; the change itself is one line.
    ``description`` says what the change is, ``breaks`` which behaviour it breaks; ``central``
    mutants (normalization, descent point, sampling weights) must be killed by two claims.
    """

    id: str
    file: str
    old: str
    new: str
    description: str
    breaks: str
    central: bool = False

    def __post_init__(self):
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise ValueError(f"id must be lowercase letters, digits and '-' starting with a letter, got {self.id!r}")
        path = Path(self.file) if isinstance(self.file, str) else None
        if path is None or path.is_absolute() or ".." in path.parts or path.suffix != ".py":
            raise ValueError(f"mutant {self.id!r}: file must be a .py path relative to the samlab package, "
                             f"got {self.file!r}")
        if path.as_posix() == "mutants.py":
            raise ValueError(f"mutant {self.id!r}: file must not be the mutation suite itself")
        for name in ("old", "new", "description", "breaks"):
            if not isinstance(getattr(self, name), str) or (name != "new" and not getattr(self, name).strip()):
                raise ValueError(f"mutant {self.id!r}: {name} must be a non-empty string")
        if self.old == self.new:
            raise ValueError(f"mutant {self.id!r}: new must differ from old")
        if not isinstance(self.central, bool):
            raise ValueError(f"mutant {self.id!r}: central must be True or False, got {self.central!r}")

    @property
    def required(self) -> int:
        """Number of killing claims the suite asks for: 2 for a central behaviour, else 1."""
        return 2 if self.central else 1

    @property
    def module(self) -> str:
        """Dotted name of the mutated module (``samlab.algorithms.perturbations``)."""
        parts = Path(self.file).with_suffix("").parts
        return ".".join(("samlab", *parts[:-1])) if parts[-1] == "__init__" else ".".join(("samlab", *parts))


M = Mutant
CATALOGUE: tuple[Mutant, ...] = (
    M("normalization-dropped", "algorithms/perturbations.py",
      "    return ctx.normalize(g, h.rho), state",
      "    return g * h.rho, state",
      "SAM's perturbation loses its normalization: δ = ρg instead of ρg/‖g‖",
      "SAM's normalized ascent step (SAM becomes USAM)", central=True),
    M("ascent-sign-flipped", "engine.py",
      "                Y = X + delta",
      "                Y = X - delta",
      "the perturbed point is y = x − δ instead of x + δ",
      "the ascent direction of every perturbed method (it descends before descending)"),
    M("descent-gradient-at-x", "engine.py",
      "                gy = primary.grad(Y, sample)",
      "                gy = primary.grad(X, sample)",
      "the descent gradient is taken at x instead of at the perturbed point y",
      "the descent point ∇f(y) of every SAM-family method (they all become (S)GD)", central=True),
    M("nsam-shares-sample", "engine.py",
      "                ascent = sample if same else secondary.draw()",
      "                ascent = sample",
      "same_sample=False is ignored: n-SAM's ascent uses the descent's sample",
      "n-SAM's independent ascent sample (n-SAM becomes m-SAM)"),
    M("msam-fresh-sample", "engine.py",
      "                ascent = sample if same else secondary.draw()",
      "                ascent = secondary.draw()",
      "same_sample=True is ignored: m-SAM's ascent draws a fresh sample",
      "m-SAM's shared sample (m-SAM becomes n-SAM)"),
    M("momentum-dampening", "algorithms/descents.py",
      "    v = h.momentum * v + g\n    return x - lr * v, v",
      "    v = h.momentum * v + (1.0 - h.momentum) * g\n    return x - lr * v, v",
      "heavy ball with dampening: v = βv + (1 − β)g instead of v = βv + g",
      "heavy-ball momentum's effective step γ/(1 − β) (it shrinks to γ)"),
    M("importance-unweighted", "sampling.py",
      "        coef = 1.0 / (problem.n * p[idx]) if self.reweight else np.ones((runs, 1))",
      "        coef = np.ones((runs, 1))",
      "importance sampling draws i with p_i but drops the 1/(n p_i) weight",
      "the unbiasedness of importance sampling (runs minimize Σ p_i f_i instead of f)", central=True),
    M("schedule-off-by-one", "hyper.py",
      "            k = np.arange(lo, hi, dtype=np.int64)",
      "            k = np.arange(lo + 1, hi + 1, dtype=np.int64)",
      "schedules are evaluated one step ahead: step k uses the value at k + 1",
      "every schedule (decaying γ_k and ρ_k, λ_k schedules) is shifted by one step"),
    M("unified-lambda-reversed", "algorithms/perturbations.py",
      "    return g * (h.rho * ((1.0 - h.lam) + h.lam * inv)), state",
      "    return g * (h.rho * (h.lam + (1.0 - h.lam) * inv)), state",
      "Unified SAM mixes λ the wrong way: δ = ρ(λ + (1 − λ)/‖g‖)g",
      "Unified SAM's λ (λ = 0 becomes SAM and λ = 1 USAM)"),
    M("er-constant-uniform", "sampling.py",
      "        n, tau, lmax = problem.n, int(self.batch_size), problem.L_max",
      "        n, tau, lmax = problem.n, int(self.batch_size), problem.L_mean",
      "uniform / τ-nice sampling's ER constant A uses the mean L̄ instead of L_max",
      "the ER constant A of uniform sampling (too small: larger steps than the theory allows)"),
    M("er-constant-importance", "sampling.py",
      "        A = float(np.max(problem.L_i / (problem.n * p)))",
      "        A = float(np.max(problem.L_i))",
      "importance sampling's ER constant A is L_max instead of max_i L_i/(n p_i) = L̄",
      "the ER constant A of importance sampling (its speed-up disappears from the step sizes)"),
    M("vasso-theta-swapped", "algorithms/perturbations.py",
      "(1.0 - h.theta) * d_prev + h.theta * g",
      "h.theta * d_prev + (1.0 - h.theta) * g",
      "VaSSO's running direction swaps θ and 1 − θ: d = θd_prev + (1 − θ)g",
      "VaSSO's variance suppression (θ = 1 freezes the first direction, small θ is plain SAM)"),
    M("divergence-never-flagged", "engine.py",
      "            if not screened:",
      "            if screened:",
      "the divergence screen's test is inverted: a blown-up row is never frozen at its step",
      "divergence detection: runs go on as inf/NaN, labelled only through f at a later checkpoint"),
    M("divergence-nan-missed", "engine.py",
      "                bad = ~(np.abs(X_new).max(axis=1) < divergence_threshold) & alive",
      "                bad = (np.abs(X_new).max(axis=1) >= divergence_threshold) & alive",
      "the divergence test ~(|x| < T) is 'simplified' to |x| ≥ T, which is false for NaN",
      "divergence detection of NaN iterates (they go on, labelled 'nonfinite' at a checkpoint)"),
    M("rsam-noise-ignored", "algorithms/perturbations.py",
      "    return ctx.normalize(ctx.grad(x + u), h.rho), state",
      "    return ctx.normalize(ctx.grad(x), h.rho), state",
      "RSAM draws u but evaluates its direction at x instead of x + u",
      "RSAM's random smoothing (RSAM becomes SAM)"),
    M("fsam-sigma-sign", "algorithms/perturbations.py",
      "    return ctx.normalize(g - h.sigma * m, h.rho), m",
      "    return ctx.normalize(g + h.sigma * m, h.rho), m",
      "F-SAM adds σm to g instead of removing it: d = g + σm",
      "F-SAM's direction g − σm (the full-gradient component is amplified, not removed)"),
    M("fsam-ema-swapped", "algorithms/perturbations.py",
      "    m = h.beta * m_prev + (1.0 - h.beta) * g",
      "    m = (1.0 - h.beta) * m_prev + h.beta * g",
      "F-SAM's EMA swaps β and 1 − β: m = (1 − β)m_prev + βg",
      "F-SAM's estimate m of the full gradient (it follows the last sample)"),
    M("nice-with-replacement", "sampling.py",
      "            idx = np.argpartition(rng.random((runs, n)), tau - 1, axis=1)[:, :tau]",
      "            idx = rng.integers(0, n, size=(runs, tau))",
      "τ-nice minibatches (1 < τ < n) are drawn with replacement, while er_constants still says τ-nice",
      "τ-nice sampling's draws (repeated indices: more variance than its ER constants allow)"),
    M("noise-scale", "noise.py",
      "        return z * self.sigma\n",
      "        return z * self.sigma ** 2\n",
      "Gaussian noise is scaled by the variance σ² instead of the standard deviation σ",
      "the scale of additive Gaussian gradient noise (σ ≠ 1)"),
    M("minibatch-noise-scale", "noise.py",
      "        self._scale = 1.0 / np.sqrt(b)[:, None] if b.ndim == 1 else 1.0 / float(np.sqrt(b))",
      "        self._scale = 1.0 / b[:, None] if b.ndim == 1 else 1.0 / float(b)",
      "minibatch noise is scaled by 1/B instead of 1/√B",
      "the batch-size law of minibatch noise (covariance C/B² instead of C/B)"),
    M("zero-direction-nan", "algorithms/base.py",
      "            inv = np.divide(1.0, norm, out=np.zeros_like(norm), where=~zero)",
      "            inv = 1.0 / norm",
      "the normalized perturbation divides by ‖d‖ without the zero-direction rule",
      "the zero-direction rule: a zero direction gives NaN instead of δ = 0"),
)
del M


def get(mutant_id: str) -> Mutant:
    """The catalogued mutant with this id (ValueError naming the close ids otherwise)."""
    for m in CATALOGUE:
        if m.id == mutant_id:
            return m
    import difflib

    hint = difflib.get_close_matches(str(mutant_id), [m.id for m in CATALOGUE], n=3, cutoff=0.5)
    raise ValueError(f"unknown mutant {mutant_id!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
                     + " (`samlab mutants --list` shows the catalogue)")


def package_dir() -> Path:
    """The folder of the samlab package these mutants are written against."""
    return Path(__file__).resolve().parent


def patched_text(mutant: Mutant, package: Path | None = None) -> str:
    """The mutated source of ``mutant.file`` (read from ``package``, default this samlab), not written.

    Raises PatchError naming the mutant when the old text does not occur exactly once, or when the
    patched file no longer compiles (a mutant must stay a realistic, importable bug).
    """
    path = Path(package or package_dir()) / mutant.file
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PatchError(f"mutant {mutant.id!r} no longer applies: cannot read {mutant.file} ({exc.strerror or exc})"
                         ) from None
    count = text.count(mutant.old)
    if count != 1:
        raise PatchError(f"mutant {mutant.id!r} no longer applies: its old text occurs {count} times in "
                         f"{mutant.file} (expected exactly once): {mutant.old.strip()[:80]!r}")
    new_text = text.replace(mutant.old, mutant.new)
    try:
        compile(new_text, mutant.file, "exec")
    except SyntaxError as exc:
        raise PatchError(f"mutant {mutant.id!r}: the patched {mutant.file} does not compile: {exc.msg}") from None
    return new_text


def apply(mutant: Mutant, package: Path) -> None:
    """Patch the copy of samlab at ``package`` in place (refuses this samlab's own folder)."""
    package = Path(package).resolve()
    if package == package_dir():
        raise ValueError("apply patches a copy of samlab, never the package itself: use mutated_copy()")
    from .result import atomic_write_text

    atomic_write_text(package / mutant.file, patched_text(mutant, package))


def check_catalogue(mutants: Iterable[Mutant] | None = None) -> None:
    """PatchError listing every catalogued mutant that no longer applies to the current code."""
    mutants = list(CATALOGUE if mutants is None else mutants)
    ids = [m.id for m in mutants]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"mutant ids must be unique, repeated: {dup}")
    problems = []
    for m in mutants:
        try:
            patched_text(m)
        except PatchError as exc:
            problems.append(str(exc))
    if problems:
        raise PatchError("; ".join(problems))


def mutated_copy(mutant: Mutant | None, dest: Path) -> Path:
    """Copy the samlab package to ``dest/samlab``, apply ``mutant`` there (None: unmodified); returns ``dest``
    (the folder to put on ``PYTHONPATH``). Compiled files are not copied."""
    dest = Path(dest)
    target = dest / "samlab"
    if target.exists():
        raise ValueError(f"dest already holds a samlab folder: {target}")
    shutil.copytree(package_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if mutant is not None:
        apply(mutant, target)
    return dest


# ----------------------------------------------------------------------------- the worker
# Runs in a fresh interpreter whose samlab is the (mutated) copy. Its one argument is a JSON job:
# {"log", "seed", "module" (the mutated module), "claim_modules" (users' claims files), "ids"}.
# It writes one JSON line per event, flushed, so the parent knows which claim was running if it has
# to stop the worker. Everything is imported before "ready": the package, the mutated module, every
# claim module (samlab.claims registers a failing "<paper>/module-import" claim for one that does not
# import: that is an import error of the mutant too) and the users' claims files.
_WORKER = r"""
import json, sys, traceback
job = json.loads(sys.argv[1])
log = open(job["log"], "a", encoding="utf-8")
def emit(**event):
    log.write(json.dumps(event) + "\n")
    log.flush()
try:
    import importlib
    import samlab, samlab.claims
    importlib.import_module(job["module"])
    broken = [c for c in samlab.claims.all() if c.id.endswith("/module-import")]
    if broken:
        raise ImportError(broken[0].check(quick=True).details.get("error", broken[0].statement))
    for path in job["claim_modules"]:
        samlab.claims.load_module(path)
    from samlab.execution import check_claim, single_blas_thread
except BaseException as exc:
    emit(event="import-error", error=traceback.format_exception_only(type(exc), exc)[-1].strip())
    sys.exit(3)
emit(event="ready", package=samlab.__file__)
with single_blas_thread():
    for cid in job["ids"]:
        emit(event="start", id=cid)
        rec = check_claim(cid, quick=True, seed=job["seed"])
        emit(event="done", id=cid, passed=bool(rec.get("passed")), error=(rec.get("details") or {}).get("error"))
"""

_POLL = 0.05


class _Cancelled(Exception):
    """The suite was interrupted: the thread stops its worker process and leaves."""


def _read_events(path: Path, offset: int) -> tuple[list[dict], int]:
    """Complete JSON lines of ``path`` after byte ``offset``; returns them and the new offset."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1
    events = [json.loads(line) for line in data[:end].splitlines() if line.strip()]
    return events, offset + end


def _worker_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update({"SAMLAB_CACHE": "0", "SAMLAB_CACHE_DIR": str(root / "cache"), "MPLBACKEND": "Agg",
                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYTHONWARNINGS": "ignore"})
    return env


def _check_claims(mutant: Mutant | None, claim_ids: Sequence[str], *, seed: int, timeout: float,
                  cancel: threading.Event, modules: Sequence[str] = ()) -> dict[str, Any]:
    """Check ``claim_ids`` against a fresh copy carrying ``mutant``; outcomes per claim.

    Returns ``{"outcomes": {id: "pass" | "fail" | "error" | "timeout"}, "errors": {id: line},
    "import_error": str | None}``. A worker that dies inside a claim (or outlives ``timeout`` in one)
    is replaced by a new one for the remaining claims.
    """
    outcomes: dict[str, str] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="samlab-mutant-") as tmp:
        root = mutated_copy(mutant, Path(tmp))
        env = _worker_env(root)

        def clean(text):  # error lines may name the temporary copy: keep the records free of machine paths
            text = str(text)
            for prefix in {str(root.resolve()), str(root)}:
                text = text.replace(prefix, "<copy>")
            return text

        module = mutant.module if mutant is not None else "samlab"
        remaining = list(claim_ids)
        attempt = 0
        while remaining:
            attempt += 1
            log = root / f"events-{attempt}.jsonl"
            err_path = root / f"stderr-{attempt}.txt"
            with open(err_path, "wb") as err:
                job = {"log": str(log), "seed": int(seed), "module": module, "claim_modules": list(modules),
                       "ids": remaining}
                proc = subprocess.Popen([sys.executable, "-c", _WORKER, json.dumps(job)],
                                        cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=err)
            offset, current, started, ready = 0, None, time.monotonic(), False
            try:
                while True:
                    code = proc.poll()
                    events, offset = _read_events(log, offset)
                    for ev in events:
                        kind = ev.get("event")
                        if kind == "import-error":
                            return {"outcomes": {}, "errors": {}, "import_error": clean(ev.get("error"))}
                        if kind == "ready":
                            ready = True
                            if Path(ev["package"]).resolve().parent != (root / "samlab").resolve():
                                return {"outcomes": {}, "errors": {}, "import_error":
                                        f"the worker imported samlab from {ev['package']}, not from the copy"}
                        elif kind == "start":
                            current, started = ev["id"], time.monotonic()
                        elif kind == "done":
                            outcomes[ev["id"]] = "pass" if ev["passed"] else ("error" if ev.get("error") else "fail")
                            if ev.get("error"):
                                errors[ev["id"]] = clean(ev["error"])
                            current = None
                    if code is not None:
                        break
                    if cancel.is_set():
                        raise _Cancelled
                    if current is not None and time.monotonic() - started > timeout:
                        outcomes[current] = "timeout"
                        errors[current] = f"no verdict within {timeout:g} s"
                        break
                    if not ready and time.monotonic() - started > IMPORT_TIMEOUT:
                        return {"outcomes": {}, "errors": {},
                                "import_error": f"samlab did not import within {IMPORT_TIMEOUT:g} s"}
                    time.sleep(_POLL)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            if not ready:
                tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                why = clean(tail[-1]) if tail else f"the worker exited with status {proc.returncode} before importing"
                return {"outcomes": {}, "errors": {}, "import_error": why}
            if current is None and remaining[0] not in outcomes:  # died between claims: blame the next one
                current = remaining[0]
            if current is not None and current not in outcomes:  # the worker died inside a claim
                outcomes[current] = "error"
                errors[current] = f"the worker process exited with status {proc.returncode}"
            remaining = [c for c in remaining if c not in outcomes]
    return {"outcomes": outcomes, "errors": errors, "import_error": None}


def _record(mutant: Mutant, run: dict[str, Any], baseline: dict[str, str], claim_ids: Sequence[str]) -> dict[str, Any]:
    rec: dict[str, Any] = {"mutant": mutant.id, "description": mutant.description, "breaks": mutant.breaks,
                           "file": mutant.file, "central": mutant.central, "required": mutant.required,
                           "claims": len(claim_ids), "killed_by": [], "crashed_by": {}, "errors": {},
                           "status": "survived", "error": run["import_error"]}
    if run["import_error"] is not None:
        rec["status"] = "import-error"
        return rec
    out = run["outcomes"]
    killers = [c for c in claim_ids if baseline.get(c) == "pass" and out.get(c, "error") != "pass"]
    rec["killed_by"] = killers
    rec["crashed_by"] = {c: out.get(c, "error") for c in killers if out.get(c, "error") != "fail"}
    rec["errors"] = {c: run["errors"][c] for c in rec["crashed_by"] if c in run["errors"]}
    n = len(killers)
    rec["status"] = "killed" if n >= mutant.required else ("under-killed" if n else "survived")
    return rec


def run_suite(mutants: Sequence[Mutant | str] | None = None, claims: Sequence[str] | None = None, *, jobs: int = 1,
              seed: int = 0, timeout: float = DEFAULT_TIMEOUT, modules: Sequence[str | Path] = (),
              on_done: Callable[[str, dict[str, Any], float], None] | None = None) -> dict[str, Any]:
    """Check ``claims`` (default: every registered claim) in quick mode against each of ``mutants``
    (default: the catalogue) and against an unmodified copy; ``jobs`` copies are checked at once.
    ``modules``: users' claims files (``samlab verify --module``), loaded here and in every worker.

    Returns ``{"records": [one dict per mutant, catalogue order], "baseline": {claim: outcome},
    "claims": [ids], "seed": seed}``. A claim that fails on the unmodified copy kills nothing (its
    outcome is in ``baseline``). ``on_done(name, result, seconds)`` is called as each copy finishes
    (name ``"unmodified"`` for the baseline).
    """
    from . import claims as registry

    chosen = [get(m) if isinstance(m, str) else m for m in (CATALOGUE if mutants is None else mutants)]
    for m in chosen:
        if not isinstance(m, Mutant):
            raise ValueError(f"mutants must be Mutant objects or catalogue ids, got {m!r}")
    check_catalogue(chosen)
    modules = [str(Path(m).resolve()) for m in modules]
    for path in modules:
        registry.load_module(path)
    known = [c.id for c in registry.all()]
    claim_ids = list(known if claims is None else claims)
    unknown = [c for c in claim_ids if c not in known]
    if unknown:
        raise ValueError(f"claims: unknown claim ids {unknown}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    units: list[Mutant | None] = [None, *chosen]
    results: dict[int, dict[str, Any]] = {}
    cancel = threading.Event()

    def task(i: int):
        t0 = time.perf_counter()
        res = _check_claims(units[i], claim_ids, seed=seed, timeout=float(timeout), cancel=cancel, modules=modules)
        return i, res, time.perf_counter() - t0

    pool = ThreadPoolExecutor(max_workers=min(jobs, len(units)))
    try:
        futures = [pool.submit(task, i) for i in range(len(units))]
        for fut in as_completed(futures):
            i, res, seconds = fut.result()
            results[i] = res
            if on_done is not None:
                on_done(units[i].id if units[i] is not None else "unmodified", res, seconds)
    except BaseException:
        cancel.set()  # every worker process is stopped by the thread that started it
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    base = results[0]
    if base["import_error"] is not None:
        raise RuntimeError(f"the unmodified copy of samlab does not import: {base['import_error']}")
    baseline = {c: base["outcomes"].get(c, "error") for c in claim_ids}
    records = [_record(m, results[i + 1], baseline, claim_ids) for i, m in enumerate(chosen)]
    return {"records": records, "baseline": baseline, "claims": claim_ids, "seed": int(seed)}


# ----------------------------------------------------------------------------- outputs
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(suite: dict[str, Any]) -> str:
    """The mutation table (mutant, what it breaks, killed by: count and ids, status) and the catalogue."""
    records, baseline = suite["records"], suite["baseline"]
    n_claims = len(suite["claims"])
    killed = sum(r["status"] == "killed" for r in records)
    lines = [
        "# Mutation suite",
        "",
        "Each mutant is a realistic one-line bug planted in a temporary copy of samlab (`samlab.mutants`). "
        f"The {n_claims} claims are checked against it in quick mode (seed {suite['seed']}). A claim kills a "
        "mutant when it passes on the unmodified code and fails on the mutant (or raises inside the claim, "
        "marked *error*, or exceeds the time limit, *timeout*). Central behaviours (normalization, descent "
        "point, sampling weights, marked ★) must be killed by at least two claims, the others by one.",
        "",
        f"**{killed}/{len(records)} mutants killed.** Regenerate with `samlab mutants --jobs 2`.",
        "",
        "| mutant | what it breaks | killed by | status |",
        "| --- | --- | --- | --- |",
    ]
    for r in records:
        crash_note = r["crashed_by"]
        ids = ", ".join(f"`{c}`" + (f" ({crash_note[c]})" if c in crash_note else "") for c in r["killed_by"])
        killers = f"{len(r['killed_by'])}" + (f": {ids}" if ids else "")
        status = r["status"] + (f" ({_cell(r['error'])})" if r["error"] else "")
        star = " ★" if r["central"] else ""
        lines.append(f"| `{r['mutant']}`{star} | {_cell(r['breaks'])} | {killers} | {status} |")
    gaps = [r for r in records if r["status"] != "killed"]
    lines += ["", "## Gaps", ""]
    if gaps:
        for r in gaps:
            need = f"{len(r['killed_by'])} of the {r['required']} claims required"
            lines.append(f"- `{r['mutant']}` ({r['status']}, {need}): {_cell(r['breaks'])}.")
    else:
        lines.append("None: every mutant is killed by the claims it requires.")
    failing = [c for c, o in baseline.items() if o != "pass"]
    if failing:
        lines += ["", "## Claims that fail on the unmodified code (they kill nothing)", ""]
        lines += [f"- `{c}` ({baseline[c]})" for c in failing]
    lines += ["", "## Catalogue", "", "| mutant | file | change |", "| --- | --- | --- |"]
    for r in records:
        lines.append(f"| `{r['mutant']}` | `{r['file']}` | {_cell(r['description'])} |")
    return "\n".join(lines) + "\n"


def write_outputs(suite: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write ``out/mutants.json`` and ``out/mutants.md`` atomically (same suite, same bytes)."""
    from .result import atomic_write_text

    out = Path(out)
    data = json.dumps(suite["records"], indent=1, ensure_ascii=False) + "\n"
    js, md = out / "mutants.json", out / "mutants.md"
    atomic_write_text(js, data)
    atomic_write_text(md, render_markdown(suite))
    return js, md


def table(records: Sequence[dict[str, Any]]) -> str:
    """Plain-text summary: mutant, status, number of killing claims."""
    rows = [("mutant", "status", "killed by")]
    rows += [(r["mutant"], r["status"], f"{len(r['killed_by'])}/{r['required']}") for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- command line
def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _add_arguments(p: argparse.ArgumentParser) -> None:
    from .cli import _positive_int, _seed

    p.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="N",
                   help="check N mutated copies at once (default 1)")
    p.add_argument("--mutant", action="extend", nargs="+", metavar="ID", help="only these mutants (default: all)")
    p.add_argument("--claim", action="extend", nargs="+", metavar="ID", help="only these claims (default: all)")
    p.add_argument("--paper", action="extend", nargs="+", metavar="P", help="only the claims of these papers")
    p.add_argument("--out", metavar="DIR", type=Path,
                   help="write mutants.json and mutants.md to DIR (default: figures/ for a whole run; "
                        "a restricted run writes nothing unless --out is given)")
    p.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="S",
                   help="seconds a claim may run against a mutant before it counts as a kill "
                        f"(default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--seed", type=_seed, default=0, help="seed passed to every claim (default 0)")
    p.add_argument("--module", action="append", metavar="FILE.py",
                   help="a file of your own claims to check against the mutants too (repeatable)")
    p.add_argument("--list", action="store_true", help="print the catalogue, check every patch applies, run nothing")


def add_mutants_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``mutants`` command to an ``argparse`` subparsers object; returns its parser."""
    p = subparsers.add_parser(
        "mutants", help="plant realistic bugs in copies of samlab and record which claims catch them",
        description="Apply each catalogued one-line mutant to a temporary copy of samlab, check the claims in "
                    "quick mode against it, and write figures/mutants.json and figures/mutants.md.",
        epilog="Exit status: 0 every mutant killed, 1 a mutant survived or a patch no longer applies, "
               "2 a usage error.")
    _add_arguments(p)
    p.set_defaults(func=run_mutants)
    return p


def _progress(total: int):
    done = [0]

    def on_done(name: str, res: dict[str, Any], seconds: float) -> None:
        done[0] += 1
        if res["import_error"]:
            what = f"import error: {res['import_error']}"
        else:
            bad = sum(o != "pass" for o in res["outcomes"].values())
            what = f"{bad}/{len(res['outcomes'])} claims fail"
        print(f"[{done[0]}/{total}] {name}: {what} ({seconds:.1f} s)", file=sys.stderr, flush=True)

    return on_done


def run_mutants(args) -> int:
    """The ``samlab mutants`` command (arguments from :func:`add_mutants_parser`); returns the exit status."""
    from .cli import UsageError, _checkout, _load_modules, _writable_dir, select_claims

    chosen = None
    if args.mutant:
        chosen = []
        for name in args.mutant:
            try:
                chosen.append(get(name))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
    restricted = bool(args.mutant or args.claim or args.paper or args.module)
    modules = _load_modules(args)
    claim_ids = select_claims(args.paper, args.claim)
    out = args.out if args.out is not None else (None if restricted else _checkout() / "figures")
    if out is not None and not args.list:
        _writable_dir(Path(out), "--out")
    try:
        check_catalogue(chosen)
    except PatchError as exc:
        print(f"samlab mutants: error: {exc}", file=sys.stderr)
        return 1
    if args.list:
        for m in chosen or CATALOGUE:
            print(f"{m.id}{' (central)' if m.central else ''}  [{m.file}]\n    {m.description}\n    breaks: {m.breaks}")
        print(f"\n{len(chosen or CATALOGUE)} mutants; every patch applies exactly once to this samlab")
        return 0
    n = len(chosen or CATALOGUE) + 1
    started = time.perf_counter()
    suite = run_suite(chosen, claim_ids, jobs=args.jobs, seed=args.seed, timeout=args.timeout, modules=modules,
                      on_done=_progress(n))
    print(table(suite["records"]))
    killed = sum(r["status"] == "killed" for r in suite["records"])
    print(f"\n{killed}/{len(suite['records'])} mutants killed by {len(claim_ids)} claims "
          f"(quick mode, seed {args.seed}, {time.perf_counter() - started:.1f} s)")
    failing = [c for c, o in suite["baseline"].items() if o != "pass"]
    if failing:
        print(f"claims failing on the unmodified code (they kill nothing): {', '.join(failing)}")
    if out is not None:
        js, md = write_outputs(suite, Path(out))
        print(f"written: {js}, {md}")
    return 0 if killed == len(suite["records"]) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m samlab.mutants [options]``: the ``samlab mutants`` command on its own."""
    from .cli import UsageError

    parser = argparse.ArgumentParser(prog="samlab mutants", description=add_mutants_parser.__doc__)
    _add_arguments(parser)
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    try:
        return run_mutants(args)
    except UsageError as exc:
        print(f"samlab mutants: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("samlab mutants: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
