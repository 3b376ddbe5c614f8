"""``samlab card ALGORITHM [--hyper NAME=VALUE …] [--quick] [--json FILE] [--out DIR] [--seed N]``.

    samlab card sam                                   the table of the card of SAM
    samlab card unified_sam --hyper lam=0.5 --out figures/cards
    samlab card my_variants.py:sign_sam --quick --json sign_sam.json

ALGORITHM is a registered name, ``package.module:factory`` or ``path/file.py:factory``. ``--hyper``
gives the variant's fixed hyperparameters (numbers; ``lr`` is lr·L, ``rho`` is ρ). The table goes to
stdout, one progress line per finished row to stderr. ``--out DIR`` writes ``DIR/<name>.png`` and
``DIR/<name>.json``; ``--json FILE`` writes the JSON to FILE. Every argument is checked before any
run: a bad one raises :class:`samlab.cli.UsageError` (exit status 2 through ``samlab.cli.main``).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_card_parser", "run_card"]

_HYPER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$")


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def add_card_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``card`` command to an ``argparse`` subparsers object; returns its parser."""
    p = subparsers.add_parser(
        "card", help="the theory card of an algorithm: its place beside gd, usam and sam",
        description="Run one fixed battery of experiments (exact convergence, plateau exponents in ρ and lr, "
                    "the one-sample floor and decaying ρ, saddle trapping and its ρ threshold, the −cos x "
                    "hallucinated point, the stability edge) on ALGORITHM and on gd, usam and sam, and print "
                    "the card. See samlab.cards for each row's protocol.",
        epilog="Exit status: 0 success, 2 a usage error (checked before any run).")
    p.add_argument("algorithm", metavar="ALGORITHM",
                   help="a registered name (sam, unified_sam, …), package.module:factory or path/file.py:factory")
    p.add_argument("--hyper", action="append", default=[], metavar="NAME=VALUE",
                   help="a fixed hyperparameter of the variant (repeat: --hyper lam=0.5 --hyper momentum=0.9); "
                        "lr is lr·L (default 0.1), rho is ρ (default 0.05)")
    p.add_argument("--quick", action="store_true", help="fewer starts and runs, shorter horizons (seconds)")
    p.add_argument("--json", metavar="FILE", type=Path, help="write the card as JSON to FILE")
    p.add_argument("--out", metavar="DIR", type=Path, help="write DIR/<name>.png and DIR/<name>.json")
    p.add_argument("--seed", type=_seed, default=0, help="seed of starts, samples and bootstrap (default 0)")
    p.set_defaults(func=run_card)
    return p


def _parse_hypers(items) -> dict[str, Any]:
    from .cli import UsageError

    hypers: dict[str, Any] = {}
    for item in items or []:
        m = _HYPER.match(item)
        value = None
        if m:
            try:
                value = float(m.group(2))
            except ValueError:
                value = None
        if m is None or value is None or not math.isfinite(value):
            raise UsageError(f"--hyper expects NAME=NUMBER (e.g. lam=0.5), got {item!r}")
        name = m.group(1)
        if name in hypers:
            raise UsageError(f"--hyper {name} is given twice")
        hypers[name] = value
    return hypers


def _writable_dir(path: Path, what: str) -> None:
    from .cli import UsageError

    if path.exists() and not path.is_dir():
        raise UsageError(f"{what} {path} exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {what} {path}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {path} is not writable")


def run_card(args) -> int:
    """Check every argument, then build the card, print it and write the files asked for."""
    from . import cards as card_module
    from .cli import UsageError

    hypers = _parse_hypers(getattr(args, "hyper", None))
    try:
        subject, _ = card_module.prepare(args.algorithm, hypers)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.json is not None:
        if args.json.exists() and args.json.is_dir():
            raise UsageError(f"--json {args.json} is a folder, not a file")
        _writable_dir(args.json.parent if str(args.json.parent) else Path("."), "the folder of --json")
    if args.out is not None:
        _writable_dir(args.out, "--out")

    def progress(line: str) -> None:
        print(f"card: {line}", file=sys.stderr, flush=True)

    result = card_module.card(args.algorithm, quick=bool(args.quick), seed=int(args.seed), progress=progress,
                              **hypers)
    print(result.table())
    if args.json is not None:
        result.save_json(args.json)
        print(f"wrote {args.json}", file=sys.stderr)
    if args.out is not None:
        png = result.save_png(args.out / f"{result.algorithm}.png")
        js = result.save_json(args.out / f"{result.algorithm}.json")
        print(f"wrote {png} and {js}", file=sys.stderr)
    return 0
