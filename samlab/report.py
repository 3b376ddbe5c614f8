"""Figure scripts and the report: find the scripts under ``experiments/``, write ``REPORT.md``.

A figure script (see :mod:`samlab.experiment`) is read without being executed (``ast`` only, no
import, no ``eval``): its docstring's first line is the figure's title and ``PAPER``, ``FIGURES``,
``CLAIMS`` are literal assignments. The report
lists, per paper, the claims with measured beside predicted and the verdict, the figures inline,
each followed by the verdicts of the claims it illustrates, and every markdown table that a script
wrote in the paper's figure folder.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .result import atomic_write_text

__all__ = ["ScriptInfo", "read_script_info", "discover_scripts", "select_scripts", "fmt", "claims_json",
           "write_verdicts", "render_report", "write_report", "PASS", "FAIL"]

PASS, FAIL = "✅", "❌"


# ----------------------------------------------------------------------------- scripts
@dataclass(frozen=True)
class ScriptInfo:
    """What a figure script declares: ``PAPER``, ``FIGURES``, ``CLAIMS`` and its title."""

    path: Path
    folder: str  # experiments/<folder>/
    paper: str
    title: str
    figures: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    problem: str | None = None  # why the declarations could not be read, if they could not

    @property
    def name(self) -> str:
        return self.path.stem

    def matches(self, pattern: str) -> bool:
        """True when ``pattern`` (a glob, case-insensitive) names the paper, the folder, the script or a figure."""
        pat = pattern.lower().strip().rstrip("/")
        names = {self.paper, self.paper.replace("-", "_"), self.folder, self.name, f"{self.folder}/{self.name}",
                 *self.figures}
        return any(fnmatch.fnmatchcase(n.lower(), pat) for n in names)


_DECLARED = ("PAPER", "FIGURES", "CLAIMS")


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

    Literals, earlier constants, ``+`` and f-strings such as ``CLAIMS = [f"{PAPER}/rate"]`` are read
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
    found, failed = _declarations(tree)
    problems = [f"{key} is not a literal ({why}); samlab list reads declarations without running the script"
                for key, why in failed.items()]
    paper = found.get("PAPER", default_paper)
    figures = found.get("FIGURES", ())
    claims = found.get("CLAIMS", ())
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
                      "; ".join(problems) or None)


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


def _cell(text: Any) -> str:
    """A markdown table cell: one line, pipes escaped."""
    s = text if isinstance(text, str) else fmt(text)
    return " ".join(s.split()).replace("|", "\\|")


def _json_default(obj: Any):
    try:
        return float(obj)
    except (TypeError, ValueError):
        return str(obj)


CLAIM_KEYS = ("id", "paper", "statement", "provenance", "kind", "passed", "measured", "predicted",
              "tolerance", "details")


def claims_json(records: Iterable[dict[str, Any]]) -> str:
    """The records as a JSON list of objects with :data:`CLAIM_KEYS`."""
    rows = [{k: r.get(k) for k in CLAIM_KEYS} for r in records]
    return json.dumps(rows, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def write_verdicts(path: str | Path, records: Iterable[dict[str, Any]]) -> Path:
    """Write :func:`claims_json` atomically to ``path``."""
    path = Path(path)
    atomic_write_text(path, claims_json(records))
    return path


# ----------------------------------------------------------------------------- the report
@dataclass
class ReportInput:
    """Everything the report needs: claim records, (script, record) pairs and how it was produced."""

    claims: list[dict[str, Any]]
    scripts: list[tuple[ScriptInfo, dict[str, Any]]]
    out_dir: Path
    command: str
    quick: bool
    seconds: float
    executor: str = "serial"
    date: str = ""
    version: str = ""
    papers: list[str] = field(default_factory=list)


def _rel(path: str | Path, base: Path) -> str:
    p = Path(path)
    try:
        return Path(os.path.relpath(p.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive
        return p.as_posix()


def _verdict_line(claim_id: str, by_id: dict[str, dict[str, Any]]) -> str:
    r = by_id.get(claim_id)
    if r is None:
        return f"- `{claim_id}`: not checked in this run"
    mark = PASS if r.get("passed") else FAIL
    err = (r.get("details") or {}).get("error")
    if err:
        return f"- {mark} `{claim_id}`: raised `{_cell(err)}`"
    return (f"- {mark} `{claim_id}`: measured {_cell(r.get('measured'))}, predicted {_cell(r.get('predicted'))}"
            f" ({_cell(r.get('tolerance') or '')})")


def _paper_papers(inp: ReportInput, paper_titles: dict[str, str]) -> list[str]:
    present = {r["paper"] for r in inp.claims} | {s.paper for s, _ in inp.scripts} | set(inp.papers)
    order = list(paper_titles)
    return sorted(present, key=lambda p: (order.index(p) if p in order else len(order), p))


def render_report(inp: ReportInput, paper_titles: dict[str, str]) -> str:
    """The markdown text of REPORT.md (see the module docstring)."""
    from .experiment import paper_folder

    out = inp.out_dir
    by_id = {r["id"]: r for r in inp.claims}
    n_pass = sum(bool(r.get("passed")) for r in inp.claims)
    n_fail = len(inp.claims) - n_pass
    broken = [(s, r) for s, r in inp.scripts if not r.get("ok")]
    papers = _paper_papers(inp, paper_titles)

    lines = ["# samlab report", ""]
    lines += [
        f"Produced by `{inp.command}` ({'quick' if inp.quick else 'full'} mode) on {inp.date}"
        f" with samlab {inp.version}, in {inp.seconds:.1f} s ({inp.executor}).",
        "",
        f"**{n_pass}/{len(inp.claims)} claims passed**"
        + (f", {n_fail} failed" if n_fail else "")
        + f"; {len(inp.scripts) - len(broken)}/{len(inp.scripts)} figure scripts ran"
        + (f", {len(broken)} failed" if broken else "") + ".",
        "",
    ]
    if len(papers) > 1:
        lines += ["| paper | claims passed | figures |", "| --- | --- | --- |"]
        for p in papers:
            rs = [r for r in inp.claims if r["paper"] == p]
            figs = sum(1 for s, r in inp.scripts if s.paper == p for o in r.get("outputs", []) if o.endswith(".png"))
            lines.append(f"| [{p}](#{p}) | {sum(bool(r.get('passed')) for r in rs)}/{len(rs)} | {figs} |")
        lines.append("")

    for p in papers:
        lines += [f'<a id="{p}"></a>', "", f"## {paper_titles.get(p, p)}", "", f"Paper id `{p}`.", ""]
        rs = [r for r in inp.claims if r["paper"] == p]
        if rs:
            lines += ["### Claims", "",
                      "| claim | statement | provenance | measured | predicted | tolerance | verdict |",
                      "| --- | --- | --- | --- | --- | --- | --- |"]
            for r in rs:
                mark = PASS if r.get("passed") else FAIL
                lines.append(
                    f"| `{r['id']}` | {_cell(r.get('statement', ''))} | {_cell(r.get('provenance', ''))} | "
                    f"{_cell(r.get('measured'))} | {_cell(r.get('predicted'))} | {_cell(r.get('tolerance') or '')} | "
                    f"{mark} |")
            lines.append("")
            failed = [r for r in rs if not r.get("passed")]
            for r in failed:
                d = r.get("details") or {}
                if d.get("error"):
                    lines += [f"{FAIL} `{r['id']}` raised: `{_cell(d['error'])}`", ""]
                else:
                    shown = {k: v for k, v in d.items() if k not in ("traceback",)}
                    lines += [f"{FAIL} `{r['id']}` details: {_cell(fmt(shown, max_items=12))}", ""]
        else:
            lines += ["No claims of this paper were checked in this run.", ""]

        scripts = [(s, r) for s, r in inp.scripts if s.paper == p]
        if scripts:
            lines += ["### Figures", ""]
            for s, r in scripts:
                lines += [f"#### {s.title}", "", f"Script `{s.folder}/{s.path.name}`"
                          + (f" ({r.get('seconds', 0):.1f} s)." if r.get("ok") else "."), ""]
                if not r.get("ok"):
                    lines += [f"{FAIL} **the script failed**: `{_cell(r.get('error') or 'unknown error')}`", ""]
                    if r.get("traceback"):
                        lines += ["<details><summary>traceback</summary>", "", "```",
                                  r["traceback"].rstrip(), "```", "", "</details>", ""]
                pngs = [o for o in r.get("outputs", []) if o.lower().endswith(".png")]
                for png in pngs:
                    alt = s.title if len(pngs) == 1 else f"{s.title} ({Path(png).stem})"
                    lines += [f"![{alt}]({_rel(png, out)})", ""]
                if s.claims:
                    lines += ["Claims illustrated:", ""]
                    lines += [_verdict_line(c, by_id) for c in s.claims]
                    lines.append("")

        folder = out / paper_folder(p)
        tables = sorted(folder.rglob("*.md")) if folder.is_dir() else []
        if tables:
            lines += ["### Tables", ""]
            for t in tables:
                lines += [f"#### `{_rel(t, out)}`", "", _demote(t.read_text(encoding="utf-8").strip(), 5), ""]
    return "\n".join(lines).rstrip() + "\n"


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
    """Render the report and write it (and ``verdicts.json``) atomically under ``inp.out_dir``."""
    path = Path(inp.out_dir) / name
    atomic_write_text(path, render_report(inp, paper_titles))
    write_verdicts(Path(inp.out_dir) / "verdicts.json", inp.claims)
    return path
