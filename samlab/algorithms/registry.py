"""Algorithm names: the built-ins, a user's registered variants, and variants named by their source.

    sl.algorithms.register("sign_sam", sign_sam)          # then "sign_sam" works everywhere
    sl.algorithms.get("sign_sam")                         # the factory
    sl.algorithms.get("my_package.variants:sign_sam")     # a factory in an importable module
    sl.algorithms.get("variants/sign.py:sign_sam")        # a factory in a file (path relative to the cwd)

The same three spellings work in TOML configs (``algorithm = "variants/sign.py:sign_sam"``) and in
``samlab card``. A name given by its source imports (runs) that module: it is the user's own code.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Callable

from ..user_code import import_file
from .base import Algorithm
from .builtins import BUILTINS

__all__ = ["register", "get", "names", "ALGORITHMS"]

ALGORITHMS: dict[str, Callable[..., Algorithm]] = dict(BUILTINS)
"""Every registered name → factory (the built-ins first)."""

_REGISTERED_NAME = re.compile(r"^[a-z][a-z0-9_\-]*$")


def register(name: str, factory: Callable[..., Algorithm]) -> Callable[..., Algorithm]:
    """Make ``name`` (lowercase letters, digits, '_' or '-') refer to ``factory``; returns the factory.

    Registering another factory under a built-in's name is an error; registering a user's name
    again replaces it (re-running a notebook cell works).
    """
    if not isinstance(name, str) or not _REGISTERED_NAME.match(name):
        raise ValueError(f"name must be lowercase letters, digits, '_' or '-' starting with a letter, got {name!r}")
    if not callable(factory):
        raise ValueError(f"factory must be callable (returning a samlab Algorithm), got {factory!r}")
    if name in BUILTINS and BUILTINS[name] is not factory:
        raise ValueError(f"{name!r} is a built-in algorithm; register your variant under another name")
    ALGORITHMS[name] = factory
    return factory


def names() -> list[str]:
    """Registered names, built-ins first."""
    return list(ALGORITHMS)


def get(name: str) -> Callable[..., Algorithm]:
    """The factory for a registered name, ``"package.module:factory"`` or ``"path/file.py:factory"``."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"an algorithm name must be a non-empty string, got {name!r}")
    if name in ALGORITHMS:
        return ALGORITHMS[name]
    if ":" not in name:
        import difflib

        hint = difflib.get_close_matches(name, list(ALGORITHMS), n=3, cutoff=0.5)
        raise ValueError(f"unknown algorithm {name!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
                         + f" (registered: {', '.join(ALGORITHMS)}; or give 'module:factory' / 'file.py:factory')")
    source, attr = name.rsplit(":", 1)
    module = _load_file(source) if source.endswith(".py") else _import(source)
    factory = getattr(module, attr, None)
    if factory is None or not callable(factory):
        raise ValueError(f"{source} defines no callable {attr!r}")
    return factory


def _import(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import module {module_name!r} for an algorithm: {exc}") from None


def _load_file(path_text: str):
    if not Path(path_text).is_file():
        raise ValueError(f"no file {path_text!r} for an algorithm (paths are relative to the current folder)")
    return import_file(path_text, "samlab_user_")
