"""Content fingerprints: the same inputs give the same SHA-256 in every process, on every machine.

``fingerprint(obj)`` hashes what an object *is*, never where it lives: arrays by dtype, shape and
bytes; floats by their exact bits; containers element by element (dicts by sorted keys); sympy
expressions by ``srepr``; functions by their bytecode, constants, defaults, closure values and the
plain data they read from their module; other objects by their class and attributes. Python's
``hash()`` (salted per process) and ``id()`` are never used. An object that cannot be hashed this
way (a random generator, a file handle, …) raises :class:`Unfingerprintable`: the caller then does
not cache.

``source_version(*packages)`` hashes the source files of samlab's modules, so a cache entry made by
other code is never reused.
"""

from __future__ import annotations

import hashlib
import struct
import types
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["fingerprint", "digest", "Unfingerprintable", "source_version"]


class Unfingerprintable(TypeError):
    """The object has no deterministic content fingerprint (so results depending on it are not cached)."""


_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def digest(obj: Any) -> str:
    """Hex SHA-256 of :func:`fingerprint`."""
    return hashlib.sha256(fingerprint(obj)).hexdigest()


def fingerprint(obj: Any) -> bytes:
    """A byte string that depends only on the content of ``obj`` (see the module docstring)."""
    out: list[bytes] = []
    _walk(obj, out, set())
    return b"".join(out)


def _tag(out: list[bytes], tag: str, payload: bytes = b"") -> None:
    t = tag.encode()
    out.append(struct.pack("<I", len(t)) + t + struct.pack("<Q", len(payload)) + payload)


def _walk(obj: Any, out: list[bytes], active: set[int]) -> None:  # noqa: C901 - one dispatch table
    if obj is None or isinstance(obj, bool):
        _tag(out, "const", repr(obj).encode())
    elif isinstance(obj, int):
        _tag(out, "int", str(obj).encode())
    elif isinstance(obj, float):
        _tag(out, "float", struct.pack("<d", obj))
    elif isinstance(obj, complex):
        _tag(out, "complex", struct.pack("<dd", obj.real, obj.imag))
    elif isinstance(obj, str):
        _tag(out, "str", obj.encode("utf-8"))
    elif isinstance(obj, bytes):
        _tag(out, "bytes", obj)
    elif isinstance(obj, np.generic):
        _walk(np.asarray(obj), out, active)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind == "O":
            _tag(out, "objarray", repr(obj.shape).encode())
            for item in obj.ravel():
                _walk(item, out, active)
        else:
            arr = np.ascontiguousarray(obj)
            _tag(out, "array", f"{arr.dtype.str}{arr.shape}".encode())
            _tag(out, "data", arr.tobytes())
    elif isinstance(obj, (list, tuple)):
        _tag(out, type(obj).__name__, str(len(obj)).encode())
        for item in obj:
            _walk(item, out, active)
    elif isinstance(obj, dict):
        items = sorted(((fingerprint(k), v) for k, v in obj.items()), key=lambda kv: kv[0])
        _tag(out, "dict", str(len(items)).encode())
        for key, value in items:
            _tag(out, "key", key)
            _walk(value, out, active)
    elif isinstance(obj, (set, frozenset)):
        _tag(out, "set", b"".join(sorted(fingerprint(v) for v in obj)))
    elif _is_sympy(obj):
        import sympy

        _tag(out, "sympy", sympy.srepr(obj).encode())
    elif isinstance(obj, (types.FunctionType, types.LambdaType)):
        _function(obj, out, active)
    elif isinstance(obj, types.MethodType):
        _tag(out, "method")
        _walk(obj.__func__, out, active)
        _walk(obj.__self__, out, active)
    elif isinstance(obj, types.BuiltinFunctionType) or isinstance(obj, np.ufunc):
        _tag(out, "builtin", f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', obj.__name__)}".encode())
    elif isinstance(obj, type):
        _tag(out, "class", f"{obj.__module__}.{obj.__qualname__}".encode())
    elif isinstance(obj, types.ModuleType):
        _tag(out, "module", obj.__name__.encode())
    elif isinstance(obj, (np.random.Generator, np.random.RandomState, np.random.BitGenerator)):
        raise Unfingerprintable("a random generator's state is not part of a reproducible key")
    else:
        _instance(obj, out, active)


def _is_sympy(obj: Any) -> bool:
    module = type(obj).__module__ or ""
    return module.startswith("sympy") and hasattr(obj, "func") and hasattr(obj, "args")


def _function(fn: types.FunctionType, out: list[bytes], active: set[int]) -> None:
    if id(fn) in active:
        _tag(out, "recursive-function", fn.__qualname__.encode())
        return
    active.add(id(fn))
    try:
        _tag(out, "function", f"{fn.__module__}.{fn.__qualname__}".encode())
        _code(fn.__code__, out, active)
        _walk(fn.__defaults__, out, active)
        _walk(fn.__kwdefaults__, out, active)
        for cell in fn.__closure__ or ():
            try:
                _walk(cell.cell_contents, out, active)
            except ValueError:  # an empty cell
                _tag(out, "empty-cell")
        # the plain data a function reads from its module (constants, arrays), and functions it calls
        for name in fn.__code__.co_names:
            if name in fn.__globals__:
                value = fn.__globals__[name]
                if isinstance(value, (_PLAIN, np.ndarray, np.generic, types.FunctionType)):
                    _tag(out, "global", name.encode())
                    _walk(value, out, active)
    finally:
        active.discard(id(fn))


def _code(code: types.CodeType, out: list[bytes], active: set[int]) -> None:
    _tag(out, "code", code.co_code)
    _tag(out, "names", "\0".join(code.co_names + code.co_varnames).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code(const, out, active)
        else:
            _walk(const, out, active)


def _instance(obj: Any, out: list[bytes], active: set[int]) -> None:
    if id(obj) in active:
        _tag(out, "recursive", type(obj).__qualname__.encode())
        return
    cls = type(obj)
    state: dict[str, Any] = {}
    if hasattr(obj, "__dict__"):
        state.update(vars(obj))
    for klass in cls.__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if hasattr(obj, slot) and slot not in state:
                state[slot] = getattr(obj, slot)
    if not state and not hasattr(obj, "__dict__") and not getattr(cls, "__slots__", None):
        raise Unfingerprintable(f"cannot fingerprint a {cls.__module__}.{cls.__qualname__}")
    active.add(id(obj))
    try:
        _tag(out, "object", f"{cls.__module__}.{cls.__qualname__}".encode())
        # methods of a user's own class matter too (samlab's own code is covered by source_version)
        for klass in cls.__mro__:
            if klass is object or (klass.__module__ or "").startswith(("samlab", "builtins", "numpy")):
                continue
            for name, member in sorted(vars(klass).items()):
                if isinstance(member, types.FunctionType):
                    _tag(out, "method", name.encode())
                    _function(member, out, active)
        _walk({k: v for k, v in state.items() if not _derived_callable(k, v)}, out, active)
    finally:
        active.discard(id(obj))


def _derived_callable(name: str, value: Any) -> bool:
    """Functions compiled from data the object also holds (sympy's lambdified f, ∇f, ∇²f)."""
    return isinstance(value, types.FunctionType) and value.__name__ == "_lambdifygenerated"


def source_version(*relative: str) -> str:
    """SHA-256 over the source files of samlab modules (paths relative to the package, e.g. "engine.py",
    "problems"; a folder means every .py below it), in sorted order, names included."""
    root = Path(__file__).resolve().parent
    files: list[Path] = []
    for rel in relative or (".",):
        path = root / rel
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    h = hashlib.sha256()
    for path in sorted(set(files)):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()
