"""The ``samlab`` command line: list, verify, reproduce, run.

    samlab list                                   claims and figure scripts, by paper
    samlab verify --quick --jobs 4                check every claim (exit 1 if one fails)
    samlab verify --claim general/gd-linear-rate --json verdicts.json
    samlab reproduce --quick general              figure scripts + claims → figures/REPORT.md
    samlab run experiments/configs/constant_vs_decaying_rho.toml

Exit status: 0 success, 1 a claim or a figure script failed, 2 a usage error (one line on stderr,
before any work: arguments, names and output locations are checked first), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
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


def claims_table(records: Sequence[dict[str, Any]]) -> str:
    """Plain-text table: claim, measured, predicted, verdict (floats with 4 significant digits)."""
    rows = [("claim", "measured", "predicted", "verdict")]
    for r in records:
        err = (r.get("details") or {}).get("error")
        measured = f"error: {err}" if err else _fmt(r.get("measured"))
        rows.append((r["id"], _clip(measured, 48), _clip(_fmt(r.get("predicted")), 36),
                     "PASS" if r.get("passed") else "FAIL"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _progress(total: int, label):
    """on_done callback printing ``[i/n] name STATUS seconds`` on stderr as tasks finish."""
    done = [0]

    def on_done(index: int, item: Any, record: dict[str, Any]) -> None:
        done[0] += 1
        name, ok, seconds = label(item, record)
        print(f"[{done[0]}/{total}] {name} {'PASS' if ok is True else ('FAIL' if ok is False else ok)}"
              f" {seconds:.1f}s", file=sys.stderr, flush=True)

    return on_done


def _claim_label(item, record):
    seconds = (record.get("details") or {}).get("seconds", 0.0)
    return record["id"], bool(record.get("passed")), float(seconds or 0.0)


def _map(fn, items, args, on_done):
    from .execution import SchedulerUnavailable, map_tasks

    try:
        return map_tasks(fn, items, jobs=args.jobs, scheduler=args.scheduler, on_done=on_done)
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


def cmd_verify(args) -> int:
    from .execution import check_claim
    from .report import write_verdicts

    ids = select_claims(args.paper, args.claim)
    if args.json:
        _writable_file(args.json, "--json")
    started = time.perf_counter()
    records = _map(partial(check_claim, quick=args.quick, seed=args.seed), ids, args,
                   _progress(len(ids), _claim_label))
    print(claims_table(records))
    n_pass = sum(bool(r["passed"]) for r in records)
    print(f"\n{n_pass}/{len(records)} claims passed ({'quick' if args.quick else 'full'} mode, seed {args.seed},"
          f" {time.perf_counter() - started:.1f} s)")
    if args.json:
        write_verdicts(args.json, records)
        print(f"verdicts written to {args.json}")
    return 0 if n_pass == len(records) else 1


def _all_script_names(scripts) -> list[str]:
    names = set()
    for s in scripts:
        names |= {s.paper, s.folder, s.name, *s.figures}
    return sorted(names)


def cmd_reproduce(args) -> int:
    import samlab

    from . import claims
    from .execution import executor_name, run_task
    from .report import ReportInput, discover_scripts, select_scripts, write_report

    root = _checkout()
    exp_dir = Path(args.experiments) if args.experiments else root / "experiments"
    out = Path(args.out) if args.out else root / "figures"
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

    def label(item, record):
        if item[0] == "claim":
            return _claim_label(item, record)
        ok = record.get("ok")
        return (_rel(item[1]), "OK" if ok else f"FAIL ({record.get('error')})", float(record.get("seconds", 0.0)))

    _writable_dir(out, "--out")
    started = time.perf_counter()
    records = _map(partial(run_task, quick=args.quick, seed=args.seed, out=str(out)), tasks, args,
                   _progress(len(tasks), label))
    script_records = list(zip(chosen, records[:len(chosen)]))  # scripts come first in ``tasks``
    claim_records = records[len(chosen):]
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
          f"{len(script_records)} figure scripts ran ({seconds:.1f} s)")
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
    out = Path(args.out) if args.out else _checkout() / "figures" / "runs" / config.path.stem
    _writable_dir(out, "--out")

    def progress(exp, alg, res):
        print(f"[{exp.name}] {alg.name}: {alg.batch} runs × {exp.steps} steps, {res.meta.get('seconds', 0):.1f}s",
              file=sys.stderr, flush=True)

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


# ----------------------------------------------------------------------------- parser
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
    p.add_argument("--out", metavar="DIR", help="figures folder (default: ./figures)")
    p.add_argument("--experiments", metavar="DIR", help="folder of figure scripts (default: ./experiments)")
    _add_executor(p)
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser(
        "run", help="run an experiment declared in a TOML file",
        description="Run the experiments of a TOML file (problem, algorithms, oracle, steps, what to plot; "
                    "see samlab.config), save the results and draw a comparison figure.",
        epilog="Exit status: 0 success, 2 a malformed file (the message names the key).")
    p.add_argument("config", metavar="CONFIG.toml", help="experiment file")
    p.add_argument("--out", metavar="DIR", help="output folder (default: figures/runs/<config stem>/)")
    p.add_argument("--quick", action="store_true", help="fewer steps and runs (the file's [experiment.quick])")
    p.set_defaults(func=cmd_run)
    return parser


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
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"samlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # workers were stopped by samlab.execution; one line, no traceback
        print(f"samlab {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
