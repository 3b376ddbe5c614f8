"""Importing a user's own Python file (a variant, a claims file): it runs, as the user's code does.

``import_file(path, prefix)`` imports ``path`` once per process under a module name derived from its
resolved path, so importing it again returns the same module; a file that raises while importing
leaves nothing behind in ``sys.modules``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["import_file", "module_name"]


def module_name(path: str | Path, prefix: str) -> str:
    """``prefix`` + the resolved path with every non-word character replaced by ``_``."""
    return prefix + re.sub(r"\W", "_", str(Path(path).resolve()))


def import_file(path: str | Path, prefix: str) -> ModuleType:
    """The module of the file ``path`` (imported on first use); ValueError if it cannot be imported."""
    path = Path(path)
    key = module_name(path, prefix)
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot import {str(path)!r}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(key, None)
        raise
    return module
