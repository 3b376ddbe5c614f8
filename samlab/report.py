"""Figure scripts and the report: find the scripts under ``experiments/``, write ``REPORT.md``.

A figure script (see :mod:`samlab.experiment`) is read without being executed (``ast`` only, no
import, no ``eval``): its docstring's first line is the figure's title and the rest its caption;
``PAPER``, ``FIGURES``, ``CLAIMS`` and ``REPRODUCES`` are literal assignments (``REPRODUCES`` names
the figure of the paper it redraws, e.g. ``"Figure 3 of the paper"``, or is ``None`` for samlab's
own illustration of a statement).

``REPORT.md`` reads like a short paper: what was checked, with the commit and the environment; a
summary per paper (claims passed, controls that discriminate, tightness of the bounds); the
findings (every failing claim, every sentence where a paper's statement and the numbers disagree,
every claim without a discriminating control, every broken bound and surviving mutant), each
linked to its claim; then per paper one block per claim (statement, provenance, the named headline
number with its unit and tolerance, the criteria with their margins, the controls, the details as
small tables), each figure right after the claims it illustrates with its caption, script and data;
then the tightness table of the worst-case claims, the ``samlab run`` examples and the mutation
table.

Same inputs, same bytes: neither ``REPORT.md`` nor ``verdicts.json`` holds a date, a duration or
the executor, and the command is shown without the options that only say how to execute
(``--jobs``, ``--scheduler``, ``--no-cache``, ``--out``), so two reproductions of one commit, with
any ``--jobs``, write identical files. Timings go to a separate ``timings.json`` beside them: they
differ on every run, and keeping them out lets a reader (and ``git diff``) see at once whether any
result changed.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import math
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .result import atomic_write_text

__all__ = ["ScriptInfo", "read_script_info", "discover_scripts", "select_scripts", "fmt", "claims_json",
           "verdict_record", "write_verdicts", "ReportInput", "render_report", "write_report", "timings_json",
           "environment", "git_commit", "canonical_command", "claim_anchor", "CLAIM_KEYS", "PASS", "FAIL"]

PASS, FAIL = "✅", "❌"


# ----------------------------------------------------------------------------- scripts
@dataclass(frozen=True)
class ScriptInfo:
    """What a figure script declares: ``PAPER``, ``FIGURES``, ``CLAIMS``, ``REPRODUCES``, title and caption.

    ``reproduces`` is the figure of the paper (or of its official code) that the script redraws, or
    None for samlab's own illustration; ``declares_reproduces`` says whether the script declared it
    at all (an older script that does not is reported as such, not silently as an illustration).
    """

    path: Path
    folder: str  # experiments/<folder>/
    paper: str
    title: str
    figures: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    problem: str | None = None  # why the declarations could not be read, if they could not
    caption: str = ""  # the docstring after its first line
    reproduces: str | None = None
    declares_reproduces: bool = False

    @property
    def name(self) -> str:
        return self.path.stem

    def matches(self, pattern: str) -> bool:
        """True when ``pattern`` (a glob, case-insensitive) names the paper, the folder, the script or a figure."""
        pat = pattern.lower().strip().rstrip("/")
        names = {self.paper, self.paper.replace("-", "_"), self.folder, self.name, f"{self.folder}/{self.name}",
                 *self.figures}
        return any(fnmatch.fnmatchcase(n.lower(), pat) for n in names)


_DECLARED = ("PAPER", "FIGURES", "CLAIMS", "REPRODUCES")


class _NotLiteral(Exception):
    """A declaration that can only be known by running the script."""


def _literal(node: ast.expr, namespace: dict[str, Any]) -> Any:
    """The value of a declaration made of literals, names of earlier declarations, ``+`` and f-strings.

    Read from the syntax tree alone: nothing is called, imported or evaluated, so a hostile script
    cannot act through its declarations. Anything else raises :class:`_NotLiteral`.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_literal(item, namespace) for item in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Name):
        if node.id not in namespace:
            raise _NotLiteral(f"name {node.id!r} is not an earlier literal declaration")
        return namespace[node.id]
    if isinstance(node, ast.JoinedStr):  # f"{PAPER}/rate": plain fields, no conversion or format spec
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
                field = _literal(value.value, namespace)
                if not isinstance(field, (str, int)) or isinstance(field, bool):
                    raise _NotLiteral("f-string fields must be strings or integers")
                parts.append(str(field))
            else:
                raise _NotLiteral("f-string with a conversion or a format spec")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, namespace), _literal(node.right, namespace)
        if type(left) is not type(right) or not isinstance(left, (str, list, tuple)):
            raise _NotLiteral("+ joins two strings, lists or tuples")
        return left + right
    raise _NotLiteral(f"{type(node).__name__} is not a literal")


def _declarations(tree: ast.Module) -> tuple[dict[str, Any], dict[str, str]]:
    """Module-level constants readable from the syntax tree, and why PAPER, FIGURES or CLAIMS were not."""
    namespace: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            key = node.targets[0].id
            try:
                namespace[key] = _literal(node.value, namespace)
                failed.pop(key, None)
            except _NotLiteral as exc:
                namespace.pop(key, None)
                if key in _DECLARED:
                    failed[key] = str(exc)
    return namespace, failed


def read_script_info(path: str | Path) -> ScriptInfo:
    """A script's declarations, read with ``ast`` only: the script is never imported nor run.

    The docstring's first line is the title, the rest (paragraphs kept) the caption. Literals, earlier constants, ``+`` and f-strings such as ``CLAIMS = [f"{PAPER}/rate"]`` are read
    from the syntax tree. A declaration built any other way (a call, a comprehension …) is left
    out and ``problem`` says so; listing never runs a script's code.
    """
    path = Path(path)
    folder = path.parent.name
    default_paper = folder.replace("_", "-")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError, RecursionError) as exc:
        return ScriptInfo(path, folder, default_paper, path.stem, problem=f"cannot parse: {exc}")
    doc = (ast.get_docstring(tree) or "").strip()
    title = doc.splitlines()[0].strip().rstrip(".") if doc else path.stem
    caption = "\n".join(doc.splitlines()[1:]).strip()
    found, failed = _declarations(tree)
    problems = [f"{key} is not a literal ({why}); samlab list reads declarations without running the script"
                for key, why in failed.items()]
    paper = found.get("PAPER", default_paper)
    figures = found.get("FIGURES", ())
    claims = found.get("CLAIMS", ())
    declares_reproduces = "REPRODUCES" in found or "REPRODUCES" in failed
    reproduces = found.get("REPRODUCES")
    if reproduces is not None and (not isinstance(reproduces, str) or not reproduces.strip()):
        problems.append("REPRODUCES must be a non-empty string (the figure of the paper it redraws) or None")
        reproduces = None
    if not isinstance(paper, str):
        problems.append("PAPER must be a string")
        paper = default_paper
    if isinstance(figures, str):
        figures = (figures,)
    if isinstance(claims, str):
        claims = (claims,)
    if not isinstance(figures, (list, tuple)):
        problems.append("FIGURES must be a list of names")
        figures = ()
    if not isinstance(claims, (list, tuple)):
        problems.append("CLAIMS must be a list of claim ids")
        claims = ()
    return ScriptInfo(path, folder, paper, title, tuple(map(str, figures)), tuple(map(str, claims)),
                      "; ".join(problems) or None, caption=caption,
                      reproduces=reproduces.strip() if isinstance(reproduces, str) else None,
                      declares_reproduces=declares_reproduces)


def discover_scripts(experiments: str | Path) -> list[ScriptInfo]:
    """Every ``experiments/<folder>/*.py`` (files starting with ``_`` skipped), sorted by folder then name."""
    root = Path(experiments)
    if not root.is_dir():
        return []
    scripts = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                scripts.append(read_script_info(path))
    return scripts


def select_scripts(scripts: Sequence[ScriptInfo], names: Sequence[str]) -> tuple[list[ScriptInfo], list[str]]:
    """Scripts matching any of ``names`` (all when ``names`` is empty), and the names that matched none."""
    if not names:
        return list(scripts), []
    chosen = [s for s in scripts if any(s.matches(n) for n in names)]
    unmatched = [n for n in names if not any(s.matches(n) for s in scripts)]
    return chosen, unmatched


# ----------------------------------------------------------------------------- formatting
def fmt(value: Any, digits: int = 4, max_items: int = 6) -> str:
    """Compact text of a measured or predicted value: floats with ``digits`` significant digits."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:.{digits}g}"
    if isinstance(value, (list, tuple)):
        items = [fmt(v, digits, max_items) for v in value[:max_items]]
        more = ", …" if len(value) > max_items else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(value, dict):
        items = [f"{k}={fmt(v, digits, max_items)}" for k, v in list(value.items())[:max_items]]
        more = ", …" if len(value) > max_items else ""
        return "{" + ", ".join(items) + more + "}"
    try:  # numpy scalars and the like
        return fmt(float(value), digits, max_items)
    except (TypeError, ValueError):
        return str(value)


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def _escape(text: str) -> str:
    """Markdown-safe prose: ``*`` (as in f*, x*) escaped so it never opens an emphasis, and ``<`` before a
    letter written as ``&lt;`` so it never opens an HTML tag; code spans (backticks) are kept as they are."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_TAG_START.sub("&lt;", text[last:m.start()].replace("*", "\\*")))
        out.append(m.group(0))
        last = m.end()
    out.append(_TAG_START.sub("&lt;", text[last:].replace("*", "\\*")))
    return "".join(out)


def _text(value: Any) -> str:
    """One line of prose: whitespace collapsed, markdown escaped (see :func:`_escape`)."""
    s = value if isinstance(value, str) else fmt(value)
    return _escape(" ".join(s.split()))


def _alt(text: str) -> str:
    """Alternative text of an image: one line, brackets escaped."""
    return _text(text).replace("[", "\\[").replace("]", "\\]")


def _sentence(text: Any) -> str:
    """Prose that ends with a full stop (or its own punctuation)."""
    t = _text(text)
    return t if not t or t[-1] in ".!?)" else t + "."


def _cell(text: Any) -> str:
    """A markdown table cell: one line, escaped, pipes escaped."""
    return _text(text).replace("|", "\\|")


def _json_ready(value: Any) -> Any:
    """A JSON value with the same bytes every time: dict order kept, floats as their repr, NaN and
    infinities as the strings "nan", "inf", "-inf" (JSON has no such numbers), tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item"):  # numpy scalars
        try:
            return _json_ready(value.item())
        except (TypeError, ValueError):
            pass
    try:
        return _json_ready(float(value))
    except (TypeError, ValueError):
        return str(value)


CLAIM_KEYS = ("id", "paper", "statement", "provenance", "kind", "passed", "quantity", "unit", "measured",
              "predicted", "tolerance", "criteria", "findings", "controls", "details")
"""Keys of a record in ``verdicts.json``, in this order. ``controls`` is null when the controls were
not run; ``criteria`` and ``findings`` are empty lists for a claim that reports none."""

TIMING_KEYS = ("seconds",)
"""Keys that hold wall-clock time: never written into ``verdicts.json`` (same verdicts, same bytes)."""

_DEFAULTS = {"quantity": "", "unit": "", "criteria": [], "findings": []}


def verdict_record(record: dict[str, Any]) -> dict[str, Any]:
    """The part of a claim record that ``verdicts.json`` keeps: :data:`CLAIM_KEYS`, without timings."""
    row = {k: _json_ready(record.get(k, _DEFAULTS.get(k))) for k in CLAIM_KEYS}
    if isinstance(row["details"], dict):
        row["details"] = {k: v for k, v in row["details"].items() if k not in TIMING_KEYS}
    return row


def claims_json(records: Iterable[dict[str, Any]]) -> str:
    """The records as a JSON list of objects with :data:`CLAIM_KEYS` (stable order and number format)."""
    rows = [verdict_record(r) for r in records]
    return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_verdicts(path: str | Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write :func:`claims_json` atomically to ``path``."""
    path = Path(path)
    atomic_write_text(path, claims_json(records))
    return path


# ----------------------------------------------------------------------------- provenance of a run
def _blas() -> str:
    """The BLAS libraries of NumPy and SciPy (threadpoolctl: implementation, version, CPU kernel).

    Only the libraries shipped with NumPy or SciPy count: others that a run happened to load (a
    solver's, say) would make the text depend on what ran before in this process.
    """
    try:
        import numpy  # noqa: F401  (loads NumPy's BLAS)
        import scipy.linalg  # noqa: F401  (loads SciPy's, when it has its own)
        from threadpoolctl import threadpool_info

        found = set()
        for lib in threadpool_info():
            parts = Path(str(lib.get("filepath") or "")).parts
            if lib.get("user_api") != "blas" or not any(p.startswith(("numpy", "scipy")) for p in parts):
                continue
            owner = "NumPy" if any(p.startswith("numpy") for p in parts) else "SciPy"
            text = " ".join(str(x) for x in (lib.get("internal_api"), lib.get("version")) if x)
            found.add(f"{text} ({', '.join(str(x) for x in (lib.get('architecture'), owner) if x)})")
        if found:
            return ", ".join(sorted(found))
    except Exception:  # the report never fails because a library cannot be described
        pass
    return "unknown"


def environment() -> dict[str, str]:
    """Versions that decide the numbers: samlab, Python, NumPy, SciPy, matplotlib, the BLAS; the CPU count."""
    import platform

    import matplotlib
    import numpy
    import scipy

    import samlab

    return {"samlab": str(samlab.__version__), "Python": platform.python_version(), "NumPy": numpy.__version__,
            "SciPy": scipy.__version__, "matplotlib": matplotlib.__version__, "BLAS": _blas(),
            "CPUs": str(os.cpu_count() or "unknown")}


def git_commit(root: str | Path | None = None) -> str:
    """``git rev-parse HEAD`` of the checkout ``root`` (default: the one samlab is imported from), or "unknown".

    A checkout whose ``samlab/`` or ``experiments/`` differ from the commit says so: the numbers then
    come from code that no commit holds. Other folders (``figures/`` above all, which the report
    itself rewrites) do not count, so that a second reproduction states the same commit text.
    """
    if root is None:
        root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30)
        if head.returncode != 0 or not head.stdout.strip():
            return "unknown"
        status = subprocess.run(["git", "status", "--porcelain", "--", "samlab", "experiments"], cwd=root,
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = head.stdout.strip()
    if status.returncode == 0 and status.stdout.strip():
        commit += " (with uncommitted changes in samlab/ or experiments/)"
    return commit


_EXECUTION_OPTIONS = {"--jobs": True, "-j": True, "--scheduler": True, "--out": True, "--no-cache": False}
"""Options that say how or where to execute, not what: dropped from the command the report shows
(True: the option takes a value)."""


def canonical_command(command: str) -> str:
    """The command without execution options (:data:`_EXECUTION_OPTIONS`), absolute paths cut to their name.

    ``samlab reproduce -j 2 --out /abs/f general`` → ``samlab reproduce general``: what was reproduced,
    the same text whatever the number of jobs, and no machine path in a committed report.
    """
    try:
        tokens = shlex.split(command)
    except ValueError:
        return command
    kept, skip = [], False
    for token in tokens:
        if skip:
            skip = False
            continue
        name, eq, value = token.partition("=")
        if name in _EXECUTION_OPTIONS or re.fullmatch(r"-j\d+", token):
            skip = _EXECUTION_OPTIONS.get(name, False) and not eq
            continue
        if eq and name.startswith("--") and os.path.isabs(value):
            token = f"{name}={Path(value).name}"
        elif os.path.isabs(token):
            token = Path(token).name
        kept.append(token)
    return " ".join(shlex.quote(t) for t in kept)


_ABS_DIRS = re.compile(r"(?<![\w.])/(?:[\w.+@-]+/)+")


def _no_machine_paths(text: str) -> str:
    """An error line with the folders of absolute paths removed (``/abs/u/x/y.py`` → ``y.py``)."""
    return _ABS_DIRS.sub("", text)


# ----------------------------------------------------------------------------- the report
@dataclass
class ReportInput:
    """Everything the report needs: claim records, (script, record) pairs and how they were produced.

    ``seconds``, ``executor`` and ``date`` go to ``timings.json`` only (never into ``REPORT.md``).
    ``commit`` and ``environment`` are computed (:func:`git_commit` of ``root``, :func:`environment`)
    unless given. ``artifacts_dir`` is where ``runs/`` (``samlab run`` examples) and ``mutants.json``
    are looked up (default: ``out_dir``). ``controls_run``: whether the controls were run (default:
    inferred, true when a record carries ``controls``).
    """

    claims: list[dict[str, Any]]
    scripts: list[tuple[ScriptInfo, dict[str, Any]]]
    out_dir: Path
    command: str
    quick: bool
    seconds: float = 0.0
    executor: str = "serial"
    date: str = ""
    version: str = ""
    papers: list[str] = field(default_factory=list)
    root: Path | None = None
    commit: str | None = None
    environment: dict[str, str] | None = None
    artifacts_dir: Path | None = None
    controls_run: bool | None = None


def _rel(path: str | Path, base: Path) -> str:
    p = Path(path)
    try:
        return Path(os.path.relpath(p.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive
        return p.as_posix()


def _target(rel: str) -> str:
    """A relative path as a link destination: spaces written %20 (a space would end the link)."""
    return rel.replace(" ", "%20")


def claim_anchor(claim_id: str) -> str:
    """The anchor of a claim's block: ``si-yun-2023/sc-two-cycle`` → ``claim-si-yun-2023--sc-two-cycle``
    (paper ids have no double dash, so the anchor is unambiguous)."""
    return "claim-" + claim_id.replace("/", "--")


def figure_anchor(script: ScriptInfo) -> str:
    return f"figure-{script.folder}--{script.name}".lower()


_OP_TEXT = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "in": "∈", "==": "="}
_IMAGES = (".png", ".gif", ".svg", ".jpg", ".jpeg")
_SKIPPED_DETAILS = ("seconds", "traceback", "error", "mode", "seed")  # shown elsewhere (or never: timings)
_LONG_TABLE = 8  # rows above which a table of per-case values is collapsed
_LONG_SCALARS = 16  # rows above which the table of a claim's scalar details is collapsed
_LONG_LIST = 8  # values above which a list is shortened in a cell (verdicts.json keeps them all)


def _with_unit(value: Any, unit: str) -> str:
    text = fmt(value)
    return f"{text} {unit}" if unit and value is not None else text


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, bool, int, float))


def _is_flat(v: Any) -> bool:
    """A dict whose values are scalars or short lists of scalars: one table row."""
    return isinstance(v, dict) and all(_is_scalar(x) or (isinstance(x, list) and all(map(_is_scalar, x)))
                                       for x in v.values())


class _Renderer:
    """Builds REPORT.md from a :class:`ReportInput` (one instance per rendering)."""

    def __init__(self, inp: ReportInput, paper_titles: dict[str, str]):
        self.inp = inp
        self.titles = paper_titles
        self.out = Path(inp.out_dir)
        self.artifacts = Path(inp.artifacts_dir) if inp.artifacts_dir is not None else self.out
        self.by_id = {r["id"]: r for r in inp.claims}
        self.controls_run = (inp.controls_run if inp.controls_run is not None
                             else any(r.get("controls") is not None for r in inp.claims))
        present = {r["paper"] for r in inp.claims} | {s.paper for s, _ in inp.scripts} | set(inp.papers)
        order = list(paper_titles)
        self.papers = sorted(present, key=lambda p: (order.index(p) if p in order else len(order), p))
        self.worst = [r for r in inp.claims if r.get("kind") == "worst-case"]
        self.mutants = self._load_mutants()
        self.lines: list[str] = []

    # ------------------------------------------------------------------ small pieces
    def short_title(self, paper: str) -> str:
        """``"Si & Yun 2023, Practical …"`` → ``"Si & Yun 2023"``; a title without a year up to its parenthesis."""
        title = self.titles.get(paper, paper)
        m = re.match(r"^(.*?\b(?:19|20)\d\d)\b", title)
        if m:
            return m.group(1)
        return title.split(" (")[0].split(",")[0].strip() or paper

    def link_claim(self, claim_id: str) -> str:
        if claim_id in self.by_id:
            return f"[`{claim_id}`](#{claim_anchor(claim_id)})"
        return f"`{claim_id}` (not checked in this run)"

    def link_file(self, path: str | Path, text: str | None = None) -> str:
        rel = _rel(path, self.out)
        return f"[`{text or rel}`]({_target(rel)})"

    def _file_under_out(self, value: str) -> Path | None:
        """``value`` names a file or folder under the output folder (a saved instance, say)."""
        if not value or len(value) > 255 or " " in value or "\n" in value or os.path.isabs(value) \
                or ".." in Path(value).parts or not ("/" in value or "." in value):
            return None  # prose (a relaxation's description, say) is never a path
        path = self.out / value
        try:
            return path if path.exists() else None
        except OSError:  # a name the filesystem refuses (too long, say) names no file
            return None

    def value_cell(self, value: Any) -> str:
        """A details value: claim ids and files under the output folder become links."""
        if isinstance(value, str):
            if value in self.by_id:
                return self.link_claim(value)
            if self._file_under_out(value) is not None:
                return self.link_file(self.out / value, value)
        if isinstance(value, list) and len(value) > _LONG_LIST:
            return _cell(fmt(value, max_items=_LONG_LIST)) + f" ({len(value)} values)"
        if isinstance(value, dict) and value and all(_is_scalar(v) for v in value.values()):
            return "; ".join(f"{_cell(k)}: {_cell(v)}" for k, v in value.items())  # a small dict, inline
        return _cell(value)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], collapse: str | None = None,
              longer_than: int = _LONG_TABLE) -> None:
        """A markdown table; ``collapse`` (a summary text) folds it into <details> when it has more rows than
        ``longer_than``."""
        body = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        body += ["| " + " | ".join(row) + " |" for row in rows]
        if collapse is not None and len(rows) > longer_than:
            self.add(f"<details><summary>{collapse} ({len(rows)} rows)</summary>", "", *body, "", "</details>", "")
        else:
            self.add(*body, "")

    # ------------------------------------------------------------------ claims
    @staticmethod
    def error(r: dict[str, Any]) -> str | None:
        err = (r.get("details") or {}).get("error")
        return _no_machine_paths(str(err)) if err else None

    def headline(self, r: dict[str, Any]) -> str:
        err = self.error(r)
        if err:
            return f"the measurement raised `{_cell(err)}`"
        unit = r.get("unit") or ""
        measured = _text(_with_unit(r.get("measured"), unit))
        predicted = r.get("predicted")
        q = r.get("quantity") or ""
        text = f"{_text(q)} **{measured}**" if q else f"measured **{measured}** (the claim does not name this number)"
        if predicted is not None:
            text += f", predicted {_text(_with_unit(predicted, unit))}"
        if r.get("tolerance"):
            text += f"; tolerance: {_text(r['tolerance'])}"
        return text

    @staticmethod
    def criterion_condition(c: dict[str, Any]) -> str:
        unit = f" {c['unit']}" if c.get("unit") else ""
        lim = c.get("limit")
        if c.get("op") == "in" and isinstance(lim, (list, tuple)) and len(lim) == 2:
            return f"∈ [{fmt(lim[0])}, {fmt(lim[1])}]{unit}"
        return f"{_OP_TEXT.get(c.get('op'), c.get('op'))} {fmt(lim)}{unit}"

    def failure_sentence(self, r: dict[str, Any]) -> str:
        err = self.error(r)
        if err:
            return f"raised `{_cell(err)}`"
        failing = [c for c in r.get("criteria") or [] if not c.get("passed")]
        if failing:
            parts = []
            for c in failing:
                unit = f" {c['unit']}" if c.get("unit") else ""
                parts.append(f"{_text(c.get('name', ''))} is {fmt(c.get('value'))}{unit}, not "
                             f"{self.criterion_condition(c)}")
            return "fails: " + "; ".join(parts)
        return f"fails: {self.headline(r)}"

    def controls_sentence(self, r: dict[str, Any]) -> str | None:
        """Why a claim has no discriminating control, or None when one discriminates (or none were run)."""
        if not self.controls_run or self.error(r):
            return None
        controls = r.get("controls")
        if not controls:
            return "declares no negative control, so nothing shows that it can fail"
        if any(c.get("discriminates") for c in controls):
            return None
        parts = []
        for c in controls:
            if c.get("error"):
                parts.append(f"“{_text(c.get('name', ''))}” could not be measured (`{_cell(c['error'])}`)")
            else:
                parts.append(f"“{_text(c.get('name', ''))}” passes too (measured {_text(fmt(c.get('measured')))})")
        return "has no discriminating control: " + "; ".join(parts)

    def claim_block(self, r: dict[str, Any]) -> None:
        mark = PASS if r.get("passed") else FAIL
        self.add(f'<a id="{claim_anchor(r["id"])}"></a>', "", f"### {mark} `{r['id']}`", "")
        self.add(f"**Statement** ({_text(r.get('kind') or 'claim')}). {_sentence(r.get('statement', ''))}", "")
        self.add(f"**Provenance.** {_sentence(r.get('provenance', ''))}", "")
        self.add(f"**Headline.** {self.headline(r)}.", "")
        criteria = r.get("criteria") or []
        if criteria:
            rows = []
            for c in criteria:
                unit = c.get("unit") or ""
                margin = c.get("margin")
                rel = c.get("relative_margin")
                rows.append([PASS if c.get("passed") else FAIL, _cell(c.get("name", "")),
                             _cell(_with_unit(c.get("value"), unit)), _cell(self.criterion_condition(c)),
                             _cell(_with_unit(margin, unit)) if margin is not None else "—",
                             _cell(rel) if rel is not None else "—"])
            self.add("Criteria (the verdict passes when all do; the margin is how far inside the limit):", "")
            self.table(["", "criterion", "value", "condition", "margin", "relative margin"], rows)
        controls = r.get("controls")
        if controls:
            rows = []
            for c in controls:
                if c.get("error"):
                    verdict, measured, predicted = "could not be measured", f"`{_cell(c['error'])}`", "—"
                else:
                    verdict = "passes" if c.get("passed") else "fails"
                    measured, predicted = self.value_cell(c.get("measured")), self.value_cell(c.get("predicted"))
                rows.append([_cell(c.get("name", "")), self.value_cell(c.get("overrides") or {}), measured, predicted,
                             verdict, "yes" if c.get("discriminates") else "**no**"])
            self.add(f"Negative controls (the claim under a wrong algorithm, rule or hypothesis must fail; "
                     f"the claim itself measured {_text(fmt(r.get('measured')))}):", "")
            self.table(["control", "overrides", "measured", "predicted", "verdict", "discriminates"], rows)
        elif self.controls_run and not self.error(r):
            self.add("Negative controls: none declared.", "")
        findings = r.get("findings") or []
        if findings:
            self.add("Findings:", "", *[f"- {_text(f)}" for f in findings], "")
        self.details(r)

    def details(self, r: dict[str, Any]) -> None:
        d = {k: v for k, v in (r.get("details") or {}).items() if k not in _SKIPPED_DETAILS}
        if not d:
            return
        scalars: list[list[str]] = []
        tables: list[tuple[str, list[str], list[list[str]]]] = []
        for key, v in d.items():
            if isinstance(v, list) and v and all(_is_flat(x) for x in v):
                cols: list[str] = []
                for row in v:
                    cols += [c for c in row if c not in cols]
                tables.append((key, cols, [[self.value_cell(row.get(c)) for c in cols] for row in v]))
            elif isinstance(v, dict) and v and all(_is_flat(x) and x for x in v.values()):
                cols = []
                for row in v.values():
                    cols += [c for c in row if c not in cols]
                tables.append((key, [key, *cols],
                               [[_cell(k), *[self.value_cell(row.get(c)) for c in cols]] for k, row in v.items()]))
            elif isinstance(v, dict) and v and len(v) > 4 and all(_is_scalar(x) for x in v.values()):
                tables.append((key, [key, "value"], [[_cell(k), self.value_cell(x)] for k, x in v.items()]))
            else:  # scalars, lists of scalars, small dicts (and any deeper nest, compactly)
                scalars.append([f"`{_cell(key)}`", self.value_cell(v)])
        self.add("Details:", "")
        if scalars:
            self.table(["detail", "value"], scalars, collapse="details", longer_than=_LONG_SCALARS)
        for key, header, rows in tables:
            self.add(f"`{_cell(key)}`:", "")
            self.table([_cell(h) for h in header], rows, collapse=f"<code>{_cell(key)}</code>")

    # ------------------------------------------------------------------ figures
    def script_link(self, s: ScriptInfo) -> str:
        return self.link_file(s.path, f"experiments/{s.folder}/{s.path.name}")

    def figure_kind(self, s: ScriptInfo) -> str:
        if s.reproduces:
            return f"reproduces {_text(s.reproduces)}"
        if s.declares_reproduces:
            return "is samlab's own illustration of a statement"
        return "is samlab's own illustration (the script does not declare `REPRODUCES`)"

    def data_links(self, s: ScriptInfo, outputs: list[str]) -> list[str]:
        data = [o for o in outputs if not o.lower().endswith(_IMAGES + (".md",))]
        if not data:  # the script returned only its figures: its data files by name, else the folder
            from .experiment import paper_folder

            folder = self.out / paper_folder(s.paper) / "data"
            if folder.is_dir():
                stems = (s.name, *s.figures)
                data = [str(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name.startswith(stems)]
                if not data:
                    return [self.link_file(folder, _rel(folder, self.out) + "/")]
        return [self.link_file(o) for o in sorted(data)]

    def figure_block(self, s: ScriptInfo, rec: dict[str, Any]) -> None:
        self.add(f'<a id="{figure_anchor(s)}"></a>', "", f"### Figure: {_text(s.title)}", "")
        outputs = [str(o) for o in rec.get("outputs") or []]
        if not rec.get("ok"):
            err = _no_machine_paths(str(rec.get("error") or "unknown error"))
            self.add(f"{FAIL} **the script failed**: `{_cell(err)}` (run `python3.11 experiments/{s.folder}/"
                     f"{s.path.name}` to see the traceback).", "")
        images = [o for o in outputs if o.lower().endswith(_IMAGES)]
        for img in images:
            alt = s.title if len(images) == 1 else f"{s.title} ({Path(img).name})"
            self.add(f"![{_alt(alt)}]({_target(_rel(img, self.out))})", "")
        if s.caption:
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", s.caption) if p.strip()]
            for para in paragraphs:
                self.add(_escape(para), "")
        what = self.figure_kind(s)
        illustrated = ", ".join(f"{self.link_claim(c)}" + (f" {PASS if self.by_id[c].get('passed') else FAIL}"
                                                          if c in self.by_id else "") for c in s.claims)
        self.add(f"This figure {what}" + (f"; it illustrates {illustrated}." if s.claims else "."), "")
        data = self.data_links(s, outputs) if rec.get("ok") else []
        self.add(f"Script {self.script_link(s)}" + (" · data " + ", ".join(data) if data else "") + ".", "")
        if s.problem:
            self.add(f"Declarations: {_text(s.problem)}.", "")
        for md in (o for o in outputs if o.lower().endswith(".md")):
            self.markdown_file(Path(md))

    def markdown_file(self, path: Path) -> None:
        """A table file a script wrote, included with its headings demoted (folded when long)."""
        if not path.is_file():
            return
        text = _demote(path.read_text(encoding="utf-8").strip(), 5)
        self.add(f"#### `{_rel(path, self.out)}`", "")
        if text.count("\n") > 30:
            self.add(f"<details><summary>{_rel(path, self.out)}</summary>", "", text, "", "</details>", "")
        else:
            self.add(text, "")

    # ------------------------------------------------------------------ sections
    def top(self) -> None:
        inp = self.inp
        n = len(inp.claims)
        n_pass = sum(bool(r.get("passed")) for r in inp.claims)
        broken = [(s, r) for s, r in inp.scripts if not r.get("ok")]
        papers = [p for p in self.papers if any(r["paper"] == p for r in inp.claims)]
        commit = inp.commit if inp.commit is not None else git_commit(inp.root)
        env = inp.environment if inp.environment is not None else environment()
        seeds = sorted({str((r.get("details") or {}).get("seed")) for r in inp.claims
                        if (r.get("details") or {}).get("seed") is not None})
        self.add("# samlab report", "")
        own = sum(1 for r in inp.claims if r["paper"] == "general")  # samlab's textbook sanity claims
        others = [p for p in papers if p != "general"]
        what = f"{n - own} claim{'s' if n - own != 1 else ''} of {len(others)} paper{'s' if len(others) != 1 else ''}"
        sanity = f"{own} textbook sanity claim{'s' if own != 1 else ''}"
        if own == n:
            what = sanity
        elif own:
            what = f"{n} claims ({what} and {sanity})"
        self.add(
            f"samlab checked {what} on Sharpness-Aware Minimization against runs of SAM-family optimizers on problems whose constants are known exactly. "
            "Each claim turns a statement (a rate, a plateau, a bound, a limit, an ordering) into a measurement: "
            "a named headline number, the criteria that decide its verdict with their margins"
            + (", negative controls under which it must fail" if self.controls_run else "")
            + (", and for every bound a search for the worst instance of its class" if self.worst else "")
            + f". {len(inp.scripts)} figure script{'s' if len(inp.scripts) != 1 else ''} redraw the figures from "
            "the same setups; each figure follows the claims it illustrates.", "")
        self.add(f"Produced by `{canonical_command(inp.command)}` ({'quick' if inp.quick else 'full'} mode"
                 + (f", seed {', '.join(seeds)}" if seeds else "") + f") from commit `{commit}`.", "")
        self.add("Environment: " + ", ".join(f"{k} {v}" for k, v in env.items()) + ".", "")
        self.add("Timings are kept out of this file (and of `verdicts.json`) so that the same results give the "
                 "same bytes: see `timings.json` beside it.", "")
        self.add(f"**{n_pass}/{n} claims passed**" + (f", {n - n_pass} failed" if n - n_pass else "")
                 + f"; {len(inp.scripts) - len(broken)}/{len(inp.scripts)} figure scripts ran"
                 + (f", {len(broken)} failed" if broken else "") + ".", "")

    def summary(self) -> None:
        inp = self.inp
        self.add('<a id="summary"></a>', "", "## Summary", "")
        rows = []
        for p in self.papers:
            rs = [r for r in inp.claims if r["paper"] == p]
            ss = [s for s, _ in inp.scripts if s.paper == p]
            if self.controls_run:
                disc = sum(1 for r in rs if any(c.get("discriminates") for c in r.get("controls") or []))
                controls = f"{disc}/{len(rs)}"
            else:
                controls = "not run"
            wc = [r for r in rs if r.get("kind") == "worst-case"]
            if wc:
                n_broken = sum(bool((r.get("details") or {}).get("broken")) for r in wc)
                ratios = [x for r in wc if isinstance(x := (r.get("details") or {}).get("worst_ratio"), (int, float))]
                bounds = f"{len(wc)} checked, {n_broken} broken" + (f", worst ratio ≤ {fmt(max(ratios))}" if ratios else "")
            else:
                bounds = "—"
            repro = sum(1 for s in ss if s.reproduces)
            rows.append([f"[{_cell(self.short_title(p))}](#{p})",
                         f"{sum(bool(r.get('passed')) for r in rs)}/{len(rs)}", controls, bounds,
                         f"{len(ss)}, {repro} reproducing the paper's" if ss else "—",
                         str(len(self.findings_of(p)))])
        self.table(["paper", "claims passed", "claims with a discriminating control", "worst-case bounds",
                    "figures", "findings"], rows)
        if self.worst:
            n_broken = sum(bool((r.get("details") or {}).get("broken")) for r in self.worst)
            self.add(f"Tightness: {len(self.worst)} worst-case claims searched the class of their bound; "
                     f"{n_broken} bound{'s' if n_broken != 1 else ''} broken. The [Tightness](#tightness) table "
                     "gives, per bound, the worst ratio measured/bound found and the PEP ratio.", "")
        if self.mutants is not None:
            killed = sum(1 for m in self.mutants if m.get("killed_by"))
            self.add(f"Mutation suite: {killed}/{len(self.mutants)} mutants of samlab's own code killed by at "
                     "least one claim ([table](#mutants)).", "")

    def findings_of(self, paper: str | None) -> list[str]:
        """Finding sentences (markdown), for one paper or (None) for what belongs to no paper."""
        out = []
        if paper is not None:
            for r in self.inp.claims:
                if r["paper"] != paper:
                    continue
                link = self.link_claim(r["id"])
                if not r.get("passed"):
                    out.append(f"{FAIL} {link} {self.failure_sentence(r)}.")
                d = r.get("details") or {}
                if r.get("kind") == "worst-case" and d.get("broken"):
                    inst = d.get("instance")
                    where = (f" (instance {self.value_cell(inst)})" if isinstance(inst, str) and inst else "")
                    bound = d.get("bound_claim")
                    bound = self.link_claim(bound) if isinstance(bound, str) and bound else "its bound claim"
                    out.append(f"{link}: the search broke the bound of {bound}, "
                               f"measured/bound reaching {fmt(d.get('worst_ratio'))}{where}.")
                for f in r.get("findings") or []:
                    out.append(f"{link}: {_text(f)}")
                why = self.controls_sentence(r)
                if why:
                    out.append(f"{link} {why}.")
            for s, rec in self.inp.scripts:
                if s.paper == paper and not rec.get("ok"):
                    err = _no_machine_paths(str(rec.get("error") or "unknown error"))
                    out.append(f"{FAIL} Figure script {self.script_link(s)} failed: `{_cell(err)}`.")
        elif self.mutants is not None:
            for m in self.mutants:
                if not m.get("killed_by"):
                    out.append(f"Mutant `{_cell(m.get('mutant', '?'))}` ({_text(m.get('breaks') or m.get('description', ''))}) survives "
                               f"every claim{self.mutant_status(m)} ([table](#mutants)).")
        return out

    @staticmethod
    def mutant_status(m: dict[str, Any]) -> str:
        status = m.get("status")
        return f" (status: {_text(status)})" if status and status not in ("killed", "survived") else ""

    def findings(self) -> None:
        self.add('<a id="findings"></a>', "", "## Findings", "")
        kinds = ["every failing claim", "every place where a paper's statement and the numbers disagree"]
        if self.controls_run:
            kinds.append("every claim that no negative control shows able to fail")
        if self.worst:
            kinds.append("every broken bound")
        if self.inp.scripts:
            kinds.append("every figure script that failed")
        if self.mutants is not None:
            kinds.append("every mutant that no claim kills")
        self.add((", ".join(kinds[:-1]) + " and " + kinds[-1]).capitalize() + "; each links to its claim, "
                 "script or table.", "")
        any_found = False
        for p in [*self.papers, None]:
            items = self.findings_of(p)
            if not items:
                continue
            any_found = True
            title = self.short_title(p) if p is not None else "Mutation suite"
            self.add(f"**{_text(title)}**", "", *[f"- {item}" for item in items], "")
        if not any_found:
            self.add("None: every claim passed and none reports a disagreement.", "")

    def paper(self, p: str) -> None:
        inp = self.inp
        from .experiment import paper_folder

        self.add(f'<a id="{p}"></a>', "", f"## {_text(self.titles.get(p, p))}", "", f"Paper id `{p}`.", "")
        rs = [r for r in inp.claims if r["paper"] == p]
        scripts = [(s, rec) for s, rec in inp.scripts if s.paper == p]
        if rs:
            n_pass = sum(bool(r.get("passed")) for r in rs)
            self.add(f"{n_pass}/{len(rs)} claims passed.", "")
        if scripts:
            def fig(s):
                return f"[{_text(s.title)}](#{figure_anchor(s)})"
            repro = [s for s, _ in scripts if s.reproduces]
            own = [s for s, _ in scripts if not s.reproduces and s.declares_reproduces]
            undeclared = [s for s, _ in scripts if not s.reproduces and not s.declares_reproduces]
            if repro:
                self.add("Figures that reproduce a figure of the paper:", "",
                         *[f"- {fig(s)}: {_text(s.reproduces)}" for s in repro], "")
            if own:
                self.add("samlab's own illustrations of a statement:", "", *[f"- {fig(s)}" for s in own], "")
            if undeclared:
                self.add("Figures that do not declare whether they reproduce one of the paper's "
                         "(`REPRODUCES`):", "", *[f"- {fig(s)}" for s in undeclared], "")
        illustrated = {c for s, _ in scripts for c in s.claims} | {c for s, _ in inp.scripts for c in s.claims}
        lonely = [r["id"] for r in rs if r["id"] not in illustrated]
        if lonely:
            self.add("Claims without a figure: " + ", ".join(self.link_claim(c) for c in lonely) + ".", "")
        if not rs:
            self.add("No claims of this paper were checked in this run.", "")
        position = {r["id"]: i for i, r in enumerate(rs)}
        after: dict[int, list] = {}
        loose = []
        for s, rec in scripts:
            idx = [position[c] for c in s.claims if c in position]
            (after.setdefault(max(idx), []) if idx else loose).append((s, rec))
        for i, r in enumerate(rs):
            self.claim_block(r)
            for s, rec in after.get(i, []):
                self.figure_block(s, rec)
        for s, rec in loose:
            self.figure_block(s, rec)
        written = {Path(o).resolve() for _, rec in inp.scripts for o in rec.get("outputs") or []}
        folder = self.out / paper_folder(p)
        tables = [t for t in sorted(folder.rglob("*.md")) if t.resolve() not in written] if folder.is_dir() else []
        if tables:
            self.add("### Tables", "")
            for t in tables:
                self.markdown_file(t)

    def tightness(self) -> None:
        if not self.worst:
            return
        self.add('<a id="tightness"></a>', "", "## Tightness", "")
        self.add("Each bound searched over its theorem's class and conditions: the largest measured/bound found by "
                 "the adversarial search, and the performance-estimation (PEP) worst case divided by the bound, "
                 "exact for methods linear in the gradient, a sound relaxation (an upper bound on the worst case) "
                 "for normalized ones. A ratio above 1 beyond the claim's float tolerance breaks the bound.", "")
        rows = []
        for r in self.worst:
            d = r.get("details") or {}
            pep = d.get("pep_ratio")
            if pep is None:
                pep_text = "—"
            elif d.get("pep_exact") is True:
                pep_text = f"{fmt(pep)} (exact)"
            else:
                relax = d.get("relaxation") or ""
                pep_text = f"{fmt(pep)} (relaxation{': ' + _cell(relax) if relax else ''})"
            inst = d.get("instance")
            bound = d.get("bound_claim")
            rows.append([self.link_claim(bound) if isinstance(bound, str) and bound else "—",
                         self.link_claim(r["id"]), _cell(d.get("family") or "—"), _cell(d.get("worst_ratio")),
                         pep_text, (FAIL + " broken") if d.get("broken") else (PASS if r.get("passed") else FAIL),
                         self.value_cell(inst) if isinstance(inst, str) and inst else "—"])
        self.table(["bound", "worst-case claim", "family", "worst ratio found", "PEP ratio", "verdict",
                    "instance"], rows)

    # ------------------------------------------------------------------ samlab run examples
    def runs(self) -> None:
        folder = self.artifacts / "runs"
        manifests = sorted(folder.glob("*/manifest.json")) if folder.is_dir() else []
        if not manifests:
            return
        self.add('<a id="runs"></a>', "", "## `samlab run` examples", "")
        self.add("A declared experiment (a TOML file: problems, algorithms with hyperparameters or schedules, "
                 "seeds, steps) run by `python3.11 -m samlab.cli run CONFIG.toml`.", "")
        for path in manifests:
            try:
                m = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                self.add(f"{FAIL} `{_rel(path, self.out)}` cannot be read: {_text(str(exc))}.", "")
                continue
            self.run_example(path.parent, m)

    def run_example(self, folder: Path, m: dict[str, Any]) -> None:
        title = m.get("title") or folder.name
        self.add(f"### {_text(title)}" + (" (quick mode)" if m.get("quick") else ""), "")
        config = str(m.get("config") or "")
        root = Path(self.inp.root) if self.inp.root is not None else self.out.parent
        config_path = Path(config) if os.path.isabs(config) else root / config
        shown = (_rel(config_path, root) if os.path.isabs(config) and config_path.is_relative_to(root)
                 else Path(config).name if os.path.isabs(config) else config)
        links = []
        if config_path.is_file():
            links.append("config " + self.link_file(config_path, shown))
        elif shown:
            links.append(f"config `{shown}`")
        for name in ("summary.md",):
            if (folder / name).is_file():
                links.append("summary " + self.link_file(folder / name))
        if (folder / "data").is_dir():
            links.append("data " + self.link_file(folder / "data", _rel(folder / "data", self.out) + "/"))
        self.add("Run with `python3.11 -m samlab.cli run " + (shown or "CONFIG.toml") + "`; " + ", ".join(links) + ".",
                 "")
        if m.get("figure") and (folder / m["figure"]).is_file():
            self.add(f"![{_alt(title)}]({_target(_rel(folder / m['figure'], self.out))})", "")
        takeaways = []
        for exp in m.get("experiments") or []:
            metric = (exp.get("plot") or {}).get("metric", "f_gap")
            name = exp.get("title") or exp.get("name", "")
            problem = json.dumps(exp.get("problem"), ensure_ascii=False, sort_keys=False)
            self.add(f"**{_text(name)}**: problem `{problem}`, {exp.get('steps')} steps, {exp.get('runs')} runs "
                     f"per curve, seed {exp.get('seed')}.", "")
            rows, finals = [], []
            for alg in exp.get("algorithms") or []:
                labels = alg.get("labels") or [alg.get("name", "")]
                configs = alg.get("configs") or [{}] * len(labels)
                for label, conf, final, div in zip(labels, configs, alg.get("final") or [], alg.get("diverged") or []):
                    rows.append([_cell(label), f"`{_cell(alg.get('algorithm', ''))}`",
                                 _cell(", ".join(f"{k} = {v}" for k, v in conf.items())), _cell(final),
                                 f"{div}/{alg.get('runs')}"])
                    if isinstance(final, (int, float)) and math.isfinite(final):
                        finals.append((final, label))
            self.table(["curve", "algorithm", "hyperparameters", f"final {_cell(metric)} (median)", "diverged"], rows)
            if len(finals) >= 2:
                lo, hi = min(finals), max(finals)
                takeaways.append(f"on {_text(name)}, {_text(hi[1])} ends highest ({fmt(hi[0])}) and "
                                 f"{_text(lo[1])} lowest ({fmt(lo[0])})")
        if takeaways:
            metric_note = "median final value of the plotted metric"
            self.add(f"Takeaway ({metric_note}): " + "; ".join(takeaways) + ".", "")

    # ------------------------------------------------------------------ mutation suite
    def _load_mutants(self) -> list[dict[str, Any]] | None:
        path = self.artifacts / "mutants.json"
        if not path.is_file():
            return None
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return None
        return rows

    def mutation_table(self) -> None:
        md = self.artifacts / "mutants.md"
        if self.mutants is None and not md.is_file():
            return
        self.add('<a id="mutants"></a>', "", "## Mutation suite", "")
        self.add("Realistic one-line bugs planted in a temporary copy of samlab's own code; the claims run in quick "
                 "mode against each. A mutant is killed when at least one claim fails.", "")
        if self.mutants is None:  # only the markdown table exists
            self.markdown_file(md)
            return
        links = [self.link_file(self.artifacts / "mutants.json")] + ([self.link_file(md)] if md.is_file() else [])
        self.add("Source: " + ", ".join(links) + ".", "")
        rows = []
        for m in self.mutants:
            killers = [str(c) for c in m.get("killed_by") or []]
            killed = (f"{len(killers)}: " + ", ".join(self.link_claim(c) for c in killers)) if killers else "**none**"
            rows.append([f"`{_cell(m.get('mutant', ''))}`", _cell(m.get("description", "")),
                         _cell(m.get("breaks", "")), f"`{_cell(m.get('file', ''))}`", killed + self.mutant_status(m)])
        self.table(["mutant", "change", "what it breaks", "file", "killed by"], rows)

    def render(self) -> str:
        self.top()
        self.summary()
        self.findings()
        for p in self.papers:
            self.paper(p)
        self.tightness()
        self.runs()
        self.mutation_table()
        return "\n".join(self.lines).rstrip() + "\n"


def render_report(inp: ReportInput, paper_titles: dict[str, str]) -> str:
    """The markdown text of REPORT.md (see the module docstring): same inputs, same text."""
    return _Renderer(inp, paper_titles).render()


def timings_json(inp: ReportInput) -> str:
    """Wall-clock times of a reproduction (total, per claim, per script), kept out of REPORT.md."""
    claims = {r["id"]: r.get("seconds", (r.get("details") or {}).get("seconds")) for r in inp.claims}
    scripts = {f"{s.folder}/{s.path.name}": rec.get("seconds") for s, rec in inp.scripts}
    data = {"date": inp.date, "executor": inp.executor, "seconds": inp.seconds, "claims": claims, "scripts": scripts}
    return json.dumps(_json_ready(data), indent=2, ensure_ascii=False) + "\n"


_HEADING = re.compile(r"^(#{1,6})(\s)")


def _demote(text: str, top: int) -> str:
    """Shift the headings of an included markdown file so its shallowest one has level ``top`` (max 6)."""
    lines = text.splitlines()
    fenced, levels = False, []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            levels.append(len(m.group(1)))
    if not levels:
        return text
    shift = max(0, top - min(levels))
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := _HEADING.match(line)):
            line = "#" * min(6, len(m.group(1)) + shift) + line[len(m.group(1)):]
        out.append(line)
    return "\n".join(out)


def write_report(inp: ReportInput, paper_titles: dict[str, str], name: str = "REPORT.md") -> Path:
    """Write REPORT.md, ``verdicts.json`` (both byte-stable) and ``timings.json`` atomically under ``inp.out_dir``."""
    out = Path(inp.out_dir)
    path = out / name
    atomic_write_text(path, render_report(inp, paper_titles))
    write_verdicts(out / "verdicts.json", inp.claims)
    atomic_write_text(out / "timings.json", timings_json(inp))
    return path
