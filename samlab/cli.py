"""The ``samlab`` command line: list, verify, reproduce, run, cache, card, worst-case (and mutants).

    samlab list                                   claims and figure scripts, by paper
    samlab verify --quick --jobs 4                check every claim (exit 1 if one fails)
    samlab verify --claim general/gd-linear-rate --controls --json verdicts.json
    samlab reproduce --jobs 2                     figure scripts + claims → figures/REPORT.md
    samlab reproduce --quick general              the same in quick mode → figures/quick/
    samlab run experiments/configs/constant_vs_decaying_rho.toml
    samlab cache info                             where the run cache is, how big
    samlab worst-case CLAIM_ID --budget 20000     a deeper search for a bound's worst case

``verify``, ``reproduce``, ``run`` (and the figure scripts) use the run cache (samlab.cache) unless
``--no-cache`` (or ``SAMLAB_CACHE=0`` in the environment); ``reproduce`` also reuses the outcome of every task (claim or figure script) whose
code, script and outputs are unchanged since the last run, so a second ``reproduce`` takes seconds.
Quick-mode outputs go to ``figures/quick/`` by default, never over the committed full-mode ones.
Progress goes to stderr: what runs, what is done and the time left, estimated from the previous
run's timings; results go to stdout. Every command computes with one BLAS thread.

Exit status: 0 success, 1 a claim or a figure script failed, 2 a usage error (one line on stderr,
before any work: arguments, names and output locations are checked first), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Sequence

__all__ = ["main", "build_parser", "UsageError"]

EPILOG = "Exit status: 0 success, 1 a claim or a figure script failed, 2 a usage error."


class UsageError(Exception):
    """Bad arguments: printed as ``samlab <command>: error: …`` with exit status 2."""


# ----------------------------------------------------------------------------- helpers
def _checkout() -> Path:
    """The folder holding ``experiments/`` and ``figures/``: the current checkout, else samlab's own."""
    from .experiment import repo_root

    root = repo_root()
    if (root / "experiments").is_dir():
        return root
    package_root = Path(__file__).resolve().parents[1]
    if (package_root / "experiments").is_dir() and (package_root / "pyproject.toml").is_file():
        return package_root
    return root


def _int_at_least(minimum: int, what: str):
    """An argparse type: an integer ≥ ``minimum``, with a message naming what was expected."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_seed = _int_at_least(0, "a non-negative integer")


def _writable_dir(folder: Path, option: str) -> None:
    """UsageError unless files can be created in ``folder`` (made if missing), as outputs will be.

    The probe creates and deletes a file there: permission bits alone do not tell (root passes
    every access check, yet nothing can be created under /proc).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".samlab-probe-"):
            pass
    except OSError as exc:
        raise UsageError(f"{option}: cannot write in {folder}: {exc.strerror or exc}") from None


def _writable_file(path: Path, option: str) -> None:
    """UsageError unless ``path`` can be written (atomically: a new file in its folder, then a rename)."""
    if path.is_dir():
        raise UsageError(f"{option}: {path} is a directory, expected a file name")
    _writable_dir(path.parent, option)


def _did_you_mean(name: str, choices: Sequence[str]) -> str:
    from .claims import close_matches

    hits = close_matches(name, list(choices))
    return f"; did you mean {', '.join(hits)}?" if hits else ""


def _normalize_paper(name: str) -> str:
    return name.strip().rstrip("/").lower().replace("_", "-")


def _resolve_papers(names: Sequence[str]) -> list[str]:
    from . import claims

    out = []
    for name in names:
        p = _normalize_paper(name)
        if p not in claims.PAPERS:
            raise UsageError(f"unknown paper {name!r}{_did_you_mean(p, list(claims.PAPERS))}"
                             f" (papers: {', '.join(claims.PAPERS)})")
        if not claims.by_paper(p):
            raise UsageError(f"paper {p!r} has no claims yet (papers with claims: {', '.join(claims.papers())})")
        out.append(p)
    return out


def _resolve_claims(ids: Sequence[str]) -> list[str]:
    from . import claims

    known = [c.id for c in claims.all()]
    out = []
    for name in ids:
        if name in known:
            out.append(name)
            continue
        suffix = [k for k in known if "/" not in name and k.endswith("/" + name)]
        if len(suffix) == 1:  # a bare slug that names exactly one claim
            out.append(suffix[0])
            continue
        raise UsageError(f"unknown claim {name!r}{_did_you_mean(name, known)}"
                         " (`samlab list` shows every claim)")
    return out


def select_claims(papers: Sequence[str] | None, ids: Sequence[str] | None) -> list[str]:
    """Claim ids of the given papers plus the given ids (all claims when both are empty), in registry order."""
    from . import claims

    chosen_papers = set(_resolve_papers(papers or []))
    chosen_ids = set(_resolve_claims(ids or []))
    every = claims.all()
    if not chosen_papers and not chosen_ids:
        return [c.id for c in every]
    return [c.id for c in every if c.paper in chosen_papers or c.id in chosen_ids]


def _fmt(value: Any) -> str:
    from .report import fmt

    return fmt(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _with_unit(value: Any, unit: str) -> str:
    text = _fmt(value)
    return f"{text} {unit}" if unit and isinstance(value, (int, float)) and not isinstance(value, bool) else text


def _discriminates(record: dict[str, Any]) -> str | None:
    """"yes"/"no" when controls were run ("no control" when the claim declares none), else None."""
    controls = record.get("controls")
    if controls is None:
        return None
    if not controls:
        return "no control"
    return "yes" if any(c.get("discriminates") for c in controls) else "no"


def verdict_block(record: dict[str, Any]) -> list[str]:
    """Lines for one claim: PASS/FAIL and id; the headline's name with measured vs predicted and the
    tolerance; the controls' outcomes when they were run."""
    mark = "PASS" if record.get("passed") else "FAIL"
    lines = [f"{mark}  {record['id']}"]
    details = record.get("details") or {}
    if details.get("error"):
        lines.append(f"      error: {_clip(str(details['error']), 200)}")
    else:
        unit = record.get("unit") or ""
        quantity = record.get("quantity") or "measured"
        lines.append(f"      {quantity}: {_with_unit(record.get('measured'), unit)} vs "
                     f"{_with_unit(record.get('predicted'), unit)} predicted")
        if record.get("tolerance"):
            lines.append(f"      tolerance: {_clip(str(record['tolerance']), 200)}")
    verdict = _discriminates(record)
    if verdict is not None:
        lines.append(f"      discriminates: {verdict}")
        for c in record.get("controls") or []:
            if c.get("error"):
                outcome = f"error: {_clip(str(c['error']), 120)}"
            else:
                outcome = f"{_fmt(c.get('measured'))} → {'PASS' if c.get('passed') else 'FAIL'}"
            lines.append(f"        control {c.get('name')!r}: {outcome}"
                         f" ({'discriminates' if c.get('discriminates') else 'does not discriminate'})")
    return lines


def claims_table(records: Sequence[dict[str, Any]]) -> str:
    """The verdicts as text, one block per claim (see :func:`verdict_block`)."""
    return "\n".join(line for r in records for line in verdict_block(r))


def _status(kind: str, record: dict[str, Any]) -> str:
    if kind == "claim":
        return "PASS" if record.get("passed") else "FAIL"
    return "OK" if record.get("ok") else f"FAIL ({record.get('error')})"


def _run_with_progress(fn, tasks: list[tuple[str, str]], names: list[str], args, mode: str,
                       reused: dict[int, dict[str, Any]] | None = None,
                       after: dict[int, list[int]] | None = None) -> list[dict[str, Any]]:
    """Run ``fn`` over the tasks not in ``reused`` with a progress display; return every record in
    task order. The seconds of the tasks that ran are recorded for the next run's estimate."""
    from .cache import load_timings, store_timings
    from .progress import Progress, format_seconds

    reused = reused or {}
    todo = [i for i in range(len(tasks)) if i not in reused]
    timings = load_timings(mode)
    workers = 1 if args.scheduler is None and args.jobs <= 1 else (args.jobs if args.scheduler is None else len(todo))
    expected = [0.0 if i in reused else timings.get(names[i]) for i in range(len(tasks))]
    progress = Progress(names, expected, workers=min(max(workers, 1), max(len(todo), 1)))
    total = progress.total_expected()
    head = f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
    if reused:
        head += f", {len(reused)} unchanged since the last run (reused)"
    if todo:
        head += f"; running {len(todo)} ({_executor(args)})"
        head += f", about {format_seconds(total)} by the last run's times" if total is not None else \
            " (no timings of a previous run: no estimate yet)"
    progress.header(head)
    for i, record in reused.items():
        progress.done(i, _status(tasks[i][0], record), note=" (unchanged, reused)")
    records: list[dict[str, Any]] = [reused.get(i) for i in range(len(tasks))]  # type: ignore[misc]
    seconds: dict[str, float] = {}

    def on_done(j, item, record):
        i = todo[j]
        seconds[names[i]] = float(record.get("seconds") or 0.0)
        progress.done(i, _status(item[0], record), float(record.get("seconds") or 0.0))

    position = {i: j for j, i in enumerate(todo)}
    waits = [[position[d] for d in (after or {}).get(i, []) if d in position] for i in todo]
    try:
        fresh = _map(fn, [tasks[i] for i in todo], args, on_done,
                     on_start=lambda j, item: progress.start(todo[j]),
                     priority=[progress.expected[i] for i in todo],  # longest first; unknown: the mean
                     after=waits)
    finally:
        progress.close()
        store_timings(mode, seconds)
    for i, record in zip(todo, fresh):
        records[i] = record
    return records


def _executor(args) -> str:
    from .execution import executor_name

    return executor_name(args.jobs, args.scheduler)


def _map(fn, items, args, on_done, on_start=None, priority=None, after=None):
    from .execution import SchedulerUnavailable, map_tasks

    try:
        return map_tasks(fn, items, jobs=args.jobs, scheduler=args.scheduler, on_done=on_done, on_start=on_start,
                         priority=priority, after=after)
    except SchedulerUnavailable as exc:
        raise UsageError(str(exc)) from None
    except (OSError, TimeoutError) as exc:
        if args.scheduler is not None:
            raise UsageError(f"cannot reach the dask scheduler at {args.scheduler}: {exc}") from None
        raise


# ----------------------------------------------------------------------------- commands
def cmd_list(args) -> int:
    from . import claims
    from .report import discover_scripts

    root = Path(args.experiments) if args.experiments else _checkout() / "experiments"
    scripts = discover_scripts(root)
    papers = list(claims.PAPERS)
    papers += sorted({s.paper for s in scripts} - set(papers))
    if args.paper:
        wanted = [_normalize_paper(p) for p in args.paper]
        for p in wanted:
            if p not in papers:
                raise UsageError(f"unknown paper {p!r}{_did_you_mean(p, papers)}")
        papers = [p for p in papers if p in wanted]
    for p in papers:
        cs = claims.by_paper(p)
        ss = [s for s in scripts if s.paper == p]
        print(f"{p}: {claims.PAPERS.get(p, '(not a claims paper)')}")
        if cs:
            print(f"  claims ({len(cs)}):")
            width = max(len(c.id) for c in cs)
            for c in cs:
                print(f"    {c.id.ljust(width)}  [{c.kind}] {c.statement}")
        else:
            print("  claims: none yet")
        if ss:
            print(f"  figures ({len(ss)}):")
            for s in ss:
                print(f"    {s.folder}/{s.path.name}  {s.title}")
                print(f"      FIGURES: {', '.join(s.figures) or '—'}   CLAIMS: {', '.join(s.claims) or '—'}")
                if s.problem:
                    print(f"      problem: {s.problem}")
        else:
            print("  figures: none yet")
        print()
    return 0


def _load_modules(args) -> tuple[str, ...]:
    """Load the users' claims files of ``--module`` here; return their absolute paths for workers."""
    from . import claims

    paths = []
    for path in getattr(args, "module", None) or []:
        try:
            claims.load_module(path)
        except ValueError as exc:
            raise UsageError(f"--module {path}: {exc}") from None
        paths.append(str(Path(path).resolve()))
    return tuple(paths)


def _cache_on(args) -> bool:
    """The run cache is on unless ``--no-cache``, or ``SAMLAB_CACHE=0`` set explicitly in the environment."""
    from .cache import ENV_SWITCH

    return not getattr(args, "no_cache", False) and os.environ.get(ENV_SWITCH) != "0"


def _drop_private(record: dict[str, Any]) -> dict[str, Any]:
    """A claim record as the report and verdicts.json see it (without the files it wrote)."""
    record.pop("written", None)
    return record


def cmd_verify(args) -> int:
    from .execution import check_claim
    from .report import write_verdicts

    modules = _load_modules(args)
    ids = select_claims(args.paper, args.claim)
    if args.json:
        _writable_file(args.json, "--json")
    started = time.perf_counter()
    fn = partial(check_claim, quick=args.quick, seed=args.seed, modules=modules, controls=args.controls,
                 cache=_cache_on(args))
    records = _run_with_progress(_ClaimTask(fn), [("claim", i) for i in ids], ids, args,
                                 "quick" if args.quick else "full")
    records = [_drop_private(r) for r in records]
    print(claims_table(records))
    n_pass = sum(bool(r["passed"]) for r in records)
    summary = (f"\n{n_pass}/{len(records)} claims passed ({'quick' if args.quick else 'full'} mode, seed {args.seed},"
               f" {time.perf_counter() - started:.1f} s)")
    if args.controls:
        with_control = [r for r in records if r.get("controls")]
        summary += (f"; {sum(_discriminates(r) == 'yes' for r in records)}/{len(records)} discriminate"
                    f" ({len(records) - len(with_control)} without a control)")
    print(summary)
    if args.json:
        write_verdicts(args.json, records)
        print(f"verdicts written to {args.json}")
    return 0 if n_pass == len(records) else 1


class _ClaimTask:
    """``("claim", id)`` → check_claim(id, …) (picklable, for pool workers)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, task):
        return self.fn(task[1])


def _all_script_names(scripts) -> list[str]:
    names = set()
    for s in scripts:
        names |= {s.paper, s.folder, s.name, *s.figures}
    return sorted(names)


def _task_files(kind: str, record: dict[str, Any]) -> list[str]:
    """The files whose bytes a reused outcome vouches for: a script's outputs and every file it wrote;
    what a claim wrote (e.g. a worst-case instance)."""
    files = list(record.get("written") or [])
    if kind == "script":
        files += list(record.get("outputs") or [])
    return sorted(set(files))


def _reusable(kind: str, record: dict[str, Any]) -> bool:
    """Outcomes worth keeping: a script that ran, a claim that reached a verdict (passed or failed);
    not an exception (it may be the machine's, not the code's)."""
    if kind == "script":
        return bool(record.get("ok"))
    return "error" not in (record.get("details") or {}) and not any(
        c.get("error") for c in record.get("controls") or [])


def cmd_reproduce(args) -> int:
    import samlab

    from . import cache, claims
    from .execution import executor_name, run_task, task_key, task_name
    from .experiment import default_out
    from .report import ReportInput, discover_scripts, select_scripts, write_report

    modules = _load_modules(args)
    root = _checkout()
    exp_dir = Path(args.experiments) if args.experiments else root / "experiments"
    out = Path(args.out) if args.out else default_out(args.quick, root)
    scripts = discover_scripts(exp_dir)
    chosen, unmatched = select_scripts(scripts, args.names)
    named_papers = {_normalize_paper(n) for n in args.names if _normalize_paper(n) in claims.PAPERS}
    unmatched = [n for n in unmatched if _normalize_paper(n) not in claims.PAPERS]
    if unmatched:
        choices = _all_script_names(scripts) + list(claims.PAPERS)
        name = unmatched[0]
        raise UsageError(f"{name!r} names no paper, script or figure{_did_you_mean(name, choices)}"
                         " (`samlab list` shows them)")
    if args.names:
        papers = {s.paper for s in chosen} | named_papers
    else:
        papers = set(claims.papers()) | {s.paper for s in scripts}
    claim_ids = [c.id for c in claims.all() if c.paper in papers]
    tasks = [("script", str(s.path)) for s in chosen] + [("claim", c) for c in claim_ids]
    if not tasks:
        raise UsageError(f"nothing to reproduce: no figure scripts under {exp_dir} and no claims")
    _writable_dir(out, "--out")
    names = [task_name(t, exp_dir) for t in tasks]
    mode = "quick" if args.quick else "full"

    # incremental: a task whose key (code, script, mode, seed …) and written files are unchanged is reused
    keys: list[str | None] = [None] * len(tasks)
    reused: dict[int, dict[str, Any]] = {}
    if _cache_on(args):
        illustrated = {c: [s.path for s in scripts if c in s.claims] for c in claim_ids}
        for i, (kind, target) in enumerate(tasks):
            keys[i] = task_key((kind, target), quick=args.quick, seed=args.seed, out=out, modules=modules,
                               controls=args.controls, illustrated_by=illustrated.get(target, ()))
            hit = cache.load_task(keys[i])
            if hit is not None:
                reused[i] = hit

    started = time.perf_counter()
    fn = partial(run_task, quick=args.quick, seed=args.seed, out=str(out), modules=modules, controls=args.controls,
                 cache=_cache_on(args))
    # a figure script starts after the claims it illustrates: they share runs through the run cache,
    # and a script running beside its claim would compute the same runs twice
    position = {target: i for i, (kind, target) in enumerate(tasks) if kind == "claim"}
    after = {i: [position[c] for c in s.claims if c in position] for i, s in enumerate(chosen)}
    records = _run_with_progress(fn, tasks, names, args, mode, reused, after)
    for i, (kind, _) in enumerate(tasks):
        if keys[i] is not None and i not in reused and _reusable(kind, records[i]):
            cache.store_task(keys[i], records[i], _task_files(kind, records[i]))
    script_records = list(zip(chosen, records[:len(chosen)]))  # scripts come first in ``tasks``
    claim_records = [_drop_private(dict(r)) for r in records[len(chosen):]]
    seconds = time.perf_counter() - started
    inp = ReportInput(
        claims=claim_records, scripts=script_records, out_dir=out, command=args.command_line, quick=args.quick,
        seconds=seconds, executor=executor_name(args.jobs, args.scheduler),
        date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), version=samlab.__version__,
        papers=sorted(papers))
    path = write_report(inp, claims.PAPERS)
    if claim_records:
        print(claims_table(claim_records))
    failed_scripts = [r for _, r in script_records if not r.get("ok")]
    n_pass = sum(bool(r["passed"]) for r in claim_records)
    print(f"\n{n_pass}/{len(claim_records)} claims passed; {len(script_records) - len(failed_scripts)}/"
          f"{len(script_records)} figure scripts ran ({seconds:.1f} s; {len(reused)} of {len(tasks)} tasks"
          " unchanged and reused)")
    for r in failed_scripts:
        print(f"figure script {_rel(r['path'])} failed: {r.get('error')}")
    print(f"report: {path}")
    return 0 if n_pass == len(claim_records) and not failed_scripts else 1


def _rel(path: str | Path) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def cmd_run(args) -> int:
    from .config import ConfigError, load_config, not_drawn_note, run_config

    try:
        config = load_config(args.config, quick=args.quick)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    from .execution import task_environment
    from .experiment import default_out

    out = Path(args.out) if args.out else default_out(args.quick, _checkout()) / "runs" / config.path.stem
    _writable_dir(out, "--out")

    def progress(exp, alg, res):
        took = res.meta.get("seconds")
        print(f"[{exp.name}] {alg.name}: {alg.batch} runs × {exp.steps} steps, "
              + (f"{took:.1f}s" if took is not None else "from the run cache"), file=sys.stderr, flush=True)

    with task_environment(quick=args.quick, out=out, cache=_cache_on(args)):
        manifest = run_config(config, out, progress=progress)
    rows = [("experiment", "curve", "final " + "/".join(sorted({e["plot"]["metric"] for e in manifest["experiments"]})),
             "diverged")]
    for exp in manifest["experiments"]:
        for alg in exp["algorithms"]:
            for label, final, div in zip(alg["labels"], alg["final"], alg["diverged"]):
                rows.append((exp["name"], label, _fmt(final), f"{div}/{alg['runs']}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    notes = [note for exp in manifest["experiments"] if (note := not_drawn_note(exp))]
    if notes:
        print("\n" + "\n".join(notes))
    print(f"\nfigure: {out / manifest['figure']}\nsummary: {out / 'summary.md'}\ndata: {out / 'data'}")
    return 0


def cmd_cache(args) -> int:
    from . import cache

    if args.action == "clear":
        before = cache.info()
        cache.clear()
        print(f"removed {before['runs']} cached runs, {before['tasks']} task outcomes and {before['searches']} searches"
              f" ({before['bytes'] / 1e6:.1f} MB) from {before['location']}")
        return 0
    info = cache.info()
    state = "on" if cache.enabled() else "off here (samlab verify, reproduce, run and figure scripts turn it on)"
    print(f"location: {info['location']}\n"
          f"runs: {info['runs']}\ntask outcomes: {info['tasks']}\nsearches: {info['searches']}\n"
          f"size: {info['bytes'] / 1e6:.1f} MB\n"
          f"SAMLAB_CACHE: {state}")
    return 0


class _SearchProgress:
    """``progress(generation, best_ratio)`` for a worst-case claim's search: a redrawn line on a
    terminal; elsewhere a plain line when the best ratio grows (at most every half second) or every 10 s."""

    def __init__(self, claim_id: str, stream=None):
        self.claim_id = claim_id
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.last_line = -1e9
        self.best = None
        self.calls = 0
        self.unshown = ""

    def __call__(self, generation: int, best_ratio: float) -> None:
        from .progress import format_seconds

        self.calls += 1
        now = time.perf_counter()
        improved = self.best is None or best_ratio > self.best
        self.best = best_ratio if self.best is None else max(self.best, best_ratio)
        text = (f"{self.claim_id}: search step {int(generation)}, worst ratio so far {self.best:.6g}"
                f" ({format_seconds(now - self.started)})")
        if self.tty:
            self.stream.write("\r\033[K" + text)
            self.stream.flush()
        elif (improved and now - self.last_line >= 0.5) or now - self.last_line >= 10.0:
            print(text, file=self.stream, flush=True)
            self.last_line, self.unshown = now, ""
        else:
            self.unshown = text

    def close(self) -> None:
        """End the display (the last generation is always shown)."""
        if self.tty and self.calls:
            self.stream.write("\n")
        elif self.unshown:
            print(self.unshown, file=self.stream)
        self.stream.flush()


def cmd_worst_case(args) -> int:
    """Run a worst-case claim in full mode with a deeper search (``--budget``) and a progress display.

    Files the claim writes through samlab.experiment.data_dir(paper) go under ``--out`` (default
    figures/worst-case/), never over the committed figures.

    Contract with worst-case claims: the settings passed to the measuring function carry
    ``budget`` (an int, the search's number of instance evaluations; the claim's default unless
    ``--budget``) and ``progress`` (a callable ``progress(step: int, best_ratio: float)``: the claim
    hands it to ``samlab.adversary.search(..., progress=...)``, which calls it after each
    generation, or calls it itself after each of its searches, with the worst ratio so far; a claim
    must treat it as optional: ``s.get("progress")``).
    """
    from . import claims
    from .execution import task_environment
    from .result import atomic_write_text, json_text

    _load_modules(args)
    (claim_id,) = _resolve_claims([args.claim])
    c = claims.get(claim_id)
    if c.kind != "worst-case":
        worst = [k.id for k in claims.all() if k.kind == "worst-case"]
        raise UsageError(f"{claim_id} is a {c.kind!r} claim, not a worst-case claim"
                         + (f" (worst-case claims: {', '.join(worst)})" if worst else " (no worst-case claim is registered)"))
    if args.json:
        _writable_file(args.json, "--json")
    out = Path(args.out) if args.out else _checkout() / "figures" / "worst-case"
    _writable_dir(out, "--out")
    settings = c.settings(quick=False)
    if args.budget is not None:
        settings["budget"] = int(args.budget)
    budget = settings.get("budget")
    progress = _SearchProgress(claim_id)
    settings["progress"] = progress
    print(f"{claim_id}: full mode, budget {budget if budget is not None else '(the claim has none)'}, seed {args.seed}",
          file=sys.stderr, flush=True)
    started = time.perf_counter()
    record = c.describe()
    try:
        with task_environment(quick=False, out=out, cache=_cache_on(args)):
            verdict = c.measure(settings, int(args.seed))
        if not isinstance(verdict, claims.Verdict):
            raise TypeError(f"claim {claim_id} returned {type(verdict).__name__}, not a Verdict")
        verdict.details.setdefault("mode", "full")
        verdict.details.setdefault("seed", int(args.seed))
        verdict.details.pop("seconds", None)
        record.update(verdict.to_dict())
    except Exception as exc:  # the claim's own failure: a failed verdict, not a crash
        record.update({"passed": False, "measured": None, "predicted": None, "tolerance": "",
                       "details": {"error": f"{type(exc).__name__}: {exc}", "mode": "full", "seed": int(args.seed)}})
    finally:
        progress.close()
    seconds = time.perf_counter() - started
    record["budget"] = budget
    print("\n".join(verdict_block(record)))
    details = record.get("details") or {}
    for key, label in (("worst_ratio", "worst ratio found (measured/bound)"), ("pep_ratio", "PEP ratio"),
                       ("pep_exact", "PEP exact"), ("relaxation", "relaxation"), ("family", "family"),
                       ("instance", "instance"), ("broken", "bound broken")):
        if key in details and details[key] not in (None, ""):
            print(f"      {label}: {_fmt(details[key])}")
    print(f"\n{'PASS' if record.get('passed') else 'FAIL'} ({seconds:.1f} s, budget {budget})")
    if args.json:
        atomic_write_text(args.json, json_text(record, sort_keys=False))
        print(f"verdict written to {args.json}")
    return 0 if record.get("passed") else 1


# ----------------------------------------------------------------------------- parser
def _add_module(p: argparse.ArgumentParser) -> None:
    p.add_argument("--module", action="append", metavar="FILE.py",
                   help="a file of your own claims (samlab.claims.declare_paper + @claim) to load and check too; "
                        "repeatable")


def _add_no_cache(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="recompute everything: neither read nor fill the run cache (nor, for reproduce, the "
                        "cache of unchanged tasks); see `samlab cache info`")


def _add_controls(p: argparse.ArgumentParser) -> None:
    p.add_argument("--controls", action="store_true",
                   help="also run each claim on its negative controls (where it must fail) and say whether it "
                        "discriminates")


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=_positive_int, default=1, metavar="N",
                   help="run independent tasks on N local worker processes (default 1: here, in order)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="send the tasks to a dask.distributed scheduler, e.g. tcp://host:8786 "
                        "(needs the samlab[dask] extra; overrides --jobs)")


def build_parser() -> argparse.ArgumentParser:
    import samlab

    parser = argparse.ArgumentParser(
        prog="samlab",
        description="samlab: check the convergence theory of Sharpness-Aware Minimization against what SAM does.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"samlab {samlab.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", help="list claims and figure scripts, by paper",
                       description="List every claim (id, kind, statement) and every figure script "
                                   "(title, FIGURES, CLAIMS), grouped by paper.")
    p.add_argument("--paper", action="extend", nargs="+", metavar="P", help="only these papers")
    p.add_argument("--experiments", metavar="DIR", help="folder of figure scripts (default: ./experiments)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "verify", help="check claims and print their verdicts",
        description="Check claims (all by default) and print measured beside predicted with a verdict. "
                    "One progress line per finished claim goes to stderr, the summary table to stdout. "
                    "A claim that raises counts as failed.",
        epilog=EPILOG)
    p.add_argument("--quick", action="store_true", help="small settings (seconds per claim), as in CI")
    p.add_argument("--paper", action="extend", nargs="+", metavar="P", help="claims of these papers (e.g. general)")
    p.add_argument("--claim", action="extend", nargs="+", metavar="ID",
                   help="these claims (e.g. general/gd-linear-rate); combined with --paper as a union")
    p.add_argument("--seed", type=_seed, default=0, help="seed passed to every claim (default 0)")
    p.add_argument("--json", metavar="FILE", type=Path, help="also write the verdicts as a JSON list to FILE")
    _add_controls(p)
    _add_module(p)
    _add_no_cache(p)
    _add_executor(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "reproduce", help="run figure scripts and claims, write figures/REPORT.md",
        description="Run the figure scripts under experiments/ (all, or those whose paper, script or figure "
                    "name matches NAME; globs allowed), then the claims of the papers concerned, and write "
                    "REPORT.md and verdicts.json in the figures folder. With --scheduler, the workers must "
                    "see the same filesystem (they write the figures).",
        epilog=EPILOG)
    p.add_argument("names", nargs="*", metavar="NAME", help="paper id (general, si-yun-2023), script or figure name")
    p.add_argument("--quick", action="store_true", help="small settings (seconds), as in CI")
    p.add_argument("--seed", type=_seed, default=0, help="seed passed to every claim (default 0)")
    p.add_argument("--out", metavar="DIR",
                   help="figures folder (default: ./figures; with --quick ./figures/quick, so that quick outputs "
                        "never replace the full-mode ones)")
    p.add_argument("--experiments", metavar="DIR", help="folder of figure scripts (default: ./experiments)")
    _add_controls(p)
    _add_module(p)
    _add_no_cache(p)
    _add_executor(p)
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser(
        "run", help="run an experiment declared in a TOML file",
        description="Run the experiments of a TOML file (problem, algorithms, oracle, steps, what to plot; "
                    "see samlab.config), save the results and draw a comparison figure.",
        epilog="Exit status: 0 success, 2 a malformed file (the message names the key).")
    p.add_argument("config", metavar="CONFIG.toml", help="experiment file")
    p.add_argument("--out", metavar="DIR",
                   help="output folder (default: figures/runs/<config stem>/; with --quick figures/quick/runs/…)")
    p.add_argument("--quick", action="store_true", help="fewer steps and runs (the file's [experiment.quick])")
    _add_no_cache(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "cache", help="show or clear the run cache",
        description="The run cache keeps every samlab.run result that verify, reproduce, run and the figure "
                    "scripts computed (keyed by the run's content and the code that computes it), and reproduce's "
                    "outcomes of unchanged tasks. Location: SAMLAB_CACHE_DIR, else the platform's user cache "
                    "folder.", epilog="Exit status: 0 success, 2 a usage error.")
    p.add_argument("action", choices=("info", "clear"), help="info: location, entries, size; clear: delete them")
    p.set_defaults(func=cmd_cache)

    p = sub.add_parser(
        "worst-case", help="run a worst-case claim with a deeper search",
        description="Run a worst-case claim (kind \"worst-case\") in full mode with settings[\"budget\"] = N "
                    "(a deeper adversarial search than the claim's default), show the search's progress, print "
                    "the verdict and the tightness (worst ratio, PEP ratio, instance).",
        epilog="Exit status: 0 the bound held, 1 it was broken (or the claim failed), 2 a usage error.")
    p.add_argument("claim", metavar="CLAIM_ID", help="a worst-case claim (`samlab list` shows them, kind [worst-case])")
    p.add_argument("--budget", type=_positive_int, metavar="N", help="instance evaluations of the search")
    p.add_argument("--json", metavar="FILE", type=Path, help="also write the verdict as JSON to FILE")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the search (default 0)")
    p.add_argument("--out", metavar="DIR",
                   help="figures folder for the files the claim writes, e.g. its worst instance (default: "
                        "figures/worst-case/, git-ignored: a deeper search never replaces the committed data)")
    _add_module(p)
    _add_no_cache(p)
    p.set_defaults(func=cmd_worst_case)

    from .card_cli import add_card_parser

    add_card_parser(sub)
    _add_mutants(sub)
    return parser


def _add_mutants(sub) -> None:
    """``samlab mutants``: samlab.mutants provides ``add_mutants_parser(subparsers)`` and
    ``run_mutants(args) -> int``; the command appears once that module exists."""
    import importlib.util

    if importlib.util.find_spec("samlab.mutants") is None:
        return
    from .mutants import add_mutants_parser, run_mutants

    p = add_mutants_parser(sub)
    if p is None:
        p = sub.choices.get("mutants")
    if p is not None and p.get_default("func") is None:
        p.set_defaults(func=run_mutants)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``samlab`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and argparse's usage errors (2)
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    args.command_line = "samlab " + " ".join(shlex.quote(a) for a in argv)
    from .execution import single_blas_thread

    try:
        with single_blas_thread():  # every command computes as the workers do (samlab.execution)
            return args.func(args)
    except UsageError as exc:
        print(f"samlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # workers were stopped by samlab.execution; one line, no traceback
        print(f"samlab {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
