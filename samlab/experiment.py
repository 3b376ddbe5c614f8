"""Conventions shared by the figure scripts under ``experiments/<paper>/``.

A script is thin: it defines ``PAPER`` (a claims paper id such as ``"si-yun-2023"``), ``FIGURES``
(figure names it writes, e.g. ``["rates"]``), ``CLAIMS`` (ids of the claims its figures illustrate),
a docstring whose first line is the figure's title, and ``main(quick=False, out=None) -> list[Path]``
that runs the experiment through ``samlab.run``, saves the data with ``Result.save`` under
``figures/<paper_folder>/data/`` and draws PNGs (from the saved data) under ``figures/<paper_folder>/``.
``if __name__ == "__main__": script_main(main)`` gives every script ``--quick`` and ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

__all__ = ["paper_folder", "figure_dir", "data_dir", "script_main", "repo_root"]


def repo_root() -> Path:
    """The checkout that holds ``experiments/`` and ``figures/`` (the current folder or above it)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "experiments").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return here


def paper_folder(paper: str) -> str:
    """``"si-yun-2023"`` → ``"si_yun_2023"``."""
    return paper.replace("-", "_")


def figure_dir(paper: str, out: str | Path | None = None) -> Path:
    base = Path(out) if out is not None else repo_root() / "figures"
    path = base / paper_folder(paper)
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir(paper: str, out: str | Path | None = None) -> Path:
    path = figure_dir(paper, out) / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def script_main(main: Callable[..., list[Path]]) -> None:
    """Command line of a figure script: ``python experiments/<paper>/<name>.py [--quick] [--out DIR]``.

    The script runs with one BLAS thread, as under ``samlab reproduce`` (any ``--jobs``), so a figure
    and its data are the same bytes whichever way the script was started.
    """
    from .execution import single_blas_thread

    parser = argparse.ArgumentParser(description=(main.__module__ and __import__(main.__module__).__doc__) or None)
    parser.add_argument("--quick", action="store_true", help="small settings (seconds), for CI")
    parser.add_argument("--out", type=Path, default=None, help="figures folder (default: ./figures)")
    args = parser.parse_args()
    with single_blas_thread():
        paths = main(quick=args.quick, out=args.out)
    for path in paths:
        print(path)
