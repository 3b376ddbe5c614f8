"""Conventions shared by the figure scripts under ``experiments/<paper>/``, and where outputs go.

A script is thin: it defines ``PAPER`` (a claims paper id such as ``"si-yun-2023"``), ``FIGURES``
(figure names it writes, e.g. ``["rates"]``), ``CLAIMS`` (ids of the claims its figures illustrate),
a docstring whose first line is the figure's title, and ``main(quick=False, out=None) -> list[Path]``
that runs the experiment through ``samlab.run``, saves the data with ``Result.save`` under
``figures/<paper_folder>/data/`` and draws PNGs (from the saved data) under ``figures/<paper_folder>/``.
``if __name__ == "__main__": script_main(main)`` gives every script ``--quick``, ``--out`` and
``--no-cache``.

Quick never overwrites full. The output mode is a context (:func:`output_mode`) that
``samlab reproduce``/``verify``/``run`` and :func:`script_main` set around the work:

* :func:`figure_dir` and :func:`data_dir` called with ``out=None`` write under the context's folder,
  by default ``figures/`` in full mode and ``figures/quick/`` (git-ignored) in quick mode
  (:func:`default_out`), so a quick run never replaces the committed full-mode figures and data;
* :func:`samlab.plotting.save_figure` called without ``quick=`` reads :func:`quick_mode`, so every
  figure drawn in quick mode carries the "quick mode" mark, with no change to the scripts: they
  keep calling ``save_figure(fig, path)``.

Outside any context (a test calling ``main(quick=True, out=tmp_path)``), the mode is full and
nothing is marked unless the caller says ``save_figure(..., quick=True)``.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["paper_folder", "figure_dir", "data_dir", "script_main", "repo_root", "output_mode", "quick_mode",
           "default_out", "QUICK_FOLDER"]

QUICK_FOLDER = "quick"
"""Quick-mode outputs go to ``figures/quick/`` by default (git-ignored)."""


@dataclass(frozen=True)
class _Mode:
    quick: bool
    out: Path | None


_MODE: ContextVar[_Mode | None] = ContextVar("samlab_output_mode", default=None)


def repo_root() -> Path:
    """The checkout that holds ``experiments/`` and ``figures/`` (the current folder or above it)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "experiments").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return here


def default_out(quick: bool, root: str | Path | None = None) -> Path:
    """The default figures folder: ``<root>/figures`` (full mode) or ``<root>/figures/quick`` (quick mode)."""
    base = (Path(root) if root is not None else repo_root()) / "figures"
    return base / QUICK_FOLDER if quick else base


@contextmanager
def output_mode(quick: bool, out: str | Path | None = None) -> Iterator[Path]:
    """Within the block, outputs are quick-mode (marked, and under ``figures/quick/``) or full-mode.

    ``out``: the figures folder for ``figure_dir(paper)``/``data_dir(paper)`` without ``out``
    (default :func:`default_out`). Yields that folder. Nested blocks restore the outer mode.
    """
    folder = Path(out) if out is not None else default_out(bool(quick))
    token = _MODE.set(_Mode(bool(quick), folder))
    try:
        yield folder
    finally:
        _MODE.reset(token)


def quick_mode() -> bool:
    """True inside ``output_mode(quick=True)``: figures saved now are marked "quick mode"."""
    mode = _MODE.get()
    return bool(mode is not None and mode.quick)


def paper_folder(paper: str) -> str:
    """``"si-yun-2023"`` → ``"si_yun_2023"``."""
    return paper.replace("-", "_")


def _base(out: str | Path | None) -> Path:
    if out is not None:
        return Path(out)
    mode = _MODE.get()
    if mode is not None and mode.out is not None:
        return mode.out
    return repo_root() / "figures"


def figure_dir(paper: str, out: str | Path | None = None) -> Path:
    """``<out>/<paper_folder>/`` (made if missing); ``out=None``: the output mode's folder (module docstring)."""
    path = _base(out) / paper_folder(paper)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir(paper: str, out: str | Path | None = None) -> Path:
    """``<out>/<paper_folder>/data/`` (made if missing)."""
    path = figure_dir(paper, out) / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def script_main(main: Callable[..., list[Path]], argv: list[str] | None = None) -> None:
    """Command line of a figure script: ``python experiments/<paper>/<name>.py [--quick] [--out DIR] [--no-cache]``.

    The script runs as under ``samlab reproduce`` (any ``--jobs``): one BLAS thread, the run cache on
    (unless ``--no-cache``), and quick outputs marked and written under ``figures/quick/`` unless
    ``--out`` says otherwise; so a figure and its data are the same bytes whichever way the script
    was started.
    """
    from .execution import task_environment

    module = sys.modules.get(getattr(main, "__module__", None) or "")
    parser = argparse.ArgumentParser(description=getattr(module, "__doc__", None) or None)
    parser.add_argument("--quick", action="store_true",
                        help="small settings (seconds), for CI; outputs go to figures/quick/ unless --out")
    parser.add_argument("--out", type=Path, default=None,
                        help="figures folder (default: ./figures, or ./figures/quick with --quick)")
    parser.add_argument("--no-cache", action="store_true", help="recompute every run (do not read or fill the run cache)")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else default_out(args.quick)
    cache = not args.no_cache and os.environ.get("SAMLAB_CACHE") != "0"  # an explicit SAMLAB_CACHE=0 is kept
    with task_environment(quick=args.quick, out=out, cache=cache):
        paths = main(quick=args.quick, out=out)
    for path in paths:
        print(path)
