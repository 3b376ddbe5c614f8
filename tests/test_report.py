"""Figure-script discovery (without importing) and the markdown report."""

from __future__ import annotations

import json
from pathlib import Path

from samlab.claims import PAPERS
from samlab.report import (ReportInput, claims_json, discover_scripts, fmt, read_script_info, render_report,
                           select_scripts, write_report)

SCRIPT = '''"""A figure title.

More text.
"""
PAPER = "general"
FIGURES = ["alpha", "beta"]
CLAIMS = ["general/one"]
raise RuntimeError("never imported by discovery")
'''


def make_scripts(root: Path) -> Path:
    exp = root / "experiments"
    (exp / "general").mkdir(parents=True)
    (exp / "general" / "fig_a.py").write_text(SCRIPT)
    (exp / "general" / "_helper.py").write_text("X = 1\n")
    (exp / "si_yun_2023").mkdir()
    (exp / "si_yun_2023" / "rates.py").write_text('"""Rates."""\nFIGURES = ["rates"]\n')
    (exp / "si_yun_2023" / "dynamic.py").write_text(
        '"""Dyn."""\nPAPER = "si-yun-2023"\nFIGURES = [f"{PAPER}-fig"] + ["b"]\nCLAIMS = [x for x in "ab"]\n')
    (exp / "si_yun_2023" / "unreadable.py").write_text('"""U."""\nCLAIMS = missing_name\n')
    return exp


def test_fmt():
    assert fmt(0.123456789) == "0.1235"
    assert fmt(1.0e-30 / 3) == "3.333e-31"
    assert fmt(3) == "3" and fmt(True) == "yes" and fmt(None) == "—" and fmt("slow") == "slow"
    assert fmt([1.23456, 2.0]) == "[1.235, 2]"
    assert fmt({"rho=0.1": 0.000123456}) == "{rho=0.1=0.0001235}"
    assert fmt(list(range(9))) == "[0, 1, 2, 3, 4, 5, …]"
    assert fmt(float("inf")) == "inf"


def test_discovery_reads_declarations_without_importing(tmp_path):
    scripts = discover_scripts(make_scripts(tmp_path))
    assert [s.name for s in scripts] == ["fig_a", "dynamic", "rates", "unreadable"]
    a = scripts[0]
    assert (a.paper, a.title, a.figures, a.claims, a.problem) == ("general", "A figure title", ("alpha", "beta"),
                                                                    ("general/one",), None)
    rates = read_script_info(tmp_path / "experiments" / "si_yun_2023" / "rates.py")
    assert rates.paper == "si-yun-2023" and rates.figures == ("rates",)  # PAPER defaults to the folder
    dynamic = scripts[1]  # f-strings and + are read from the tree; a comprehension is not a literal
    assert dynamic.figures == ("si-yun-2023-fig", "b") and dynamic.claims == ()
    assert dynamic.problem == ("CLAIMS is not a literal (ListComp is not a literal); samlab list reads declarations"
                               " without running the script")
    assert scripts[3].problem.startswith("CLAIMS is not a literal (name 'missing_name' is not an earlier literal")
    assert discover_scripts(tmp_path / "nowhere") == []


HOSTILE = '''"""Writes a file when imported."""
from pathlib import Path
Path({marker!r}).write_text("ran")
PAPER = "general"
FIGURES = [str(Path({marker!r}).write_text("ran again"))]
CLAIMS = [c for c in ["general/one"] if Path({marker!r}).touch() is None]
TITLE_PART = "{{0}}".format("x")
'''


def test_listing_never_runs_a_script(tmp_path, capsys):
    """Declarations that are not literals are listed with a note; the script's top level never runs."""
    from samlab.cli import main

    exp = tmp_path / "experiments" / "general"
    exp.mkdir(parents=True)
    marker = tmp_path / "ran.txt"
    (exp / "hostile.py").write_text(HOSTILE.format(marker=str(marker)))
    (info,) = discover_scripts(tmp_path / "experiments")
    assert (info.paper, info.figures, info.claims) == ("general", (), ())
    assert "FIGURES is not a literal (Call is not a literal)" in info.problem
    assert "CLAIMS is not a literal (ListComp is not a literal)" in info.problem
    assert main(["list", "--paper", "general", "--experiments", str(tmp_path / "experiments")]) == 0
    out = capsys.readouterr().out
    assert "general/hostile.py  Writes a file when imported" in out and "problem: FIGURES is not a literal" in out
    assert not marker.exists()


def test_f_strings_with_calls_or_format_specs_are_not_literals(tmp_path):
    path = tmp_path / "general" / "s.py"
    path.parent.mkdir()
    path.write_text('PAPER = "general"\nFIGURES = [f"{PAPER!r}", f"{PAPER:>9}"]\nCLAIMS = [f"{len(PAPER)}"]\n')
    info = read_script_info(path)
    assert info.figures == () and info.claims == () and "FIGURES is not a literal" in info.problem


def test_selection_by_paper_folder_script_figure_and_glob(tmp_path):
    scripts = discover_scripts(make_scripts(tmp_path))
    names = lambda sel: [s.name for s in sel[0]]  # noqa: E731
    assert names(select_scripts(scripts, [])) == ["fig_a", "dynamic", "rates", "unreadable"]
    assert names(select_scripts(scripts, ["general"])) == ["fig_a"]
    assert names(select_scripts(scripts, ["si_yun_2023"])) == ["dynamic", "rates", "unreadable"]
    assert names(select_scripts(scripts, ["si-yun-2023/rates"])) == []  # folder/script uses the folder name
    assert names(select_scripts(scripts, ["si_yun_2023/rates"])) == ["rates"]
    assert names(select_scripts(scripts, ["beta"])) == ["fig_a"]
    assert names(select_scripts(scripts, ["RAT*"])) == ["rates"]
    assert select_scripts(scripts, ["general", "nothing"])[1] == ["nothing"]


def _records():
    ok = {"id": "general/one", "paper": "general", "statement": "a | b", "provenance": "textbook", "kind": "bound",
          "passed": True, "measured": 0.98765432, "predicted": 1.0, "tolerance": "≤", "details": {"seconds": 0.1}}
    bad = {"id": "general/two", "paper": "general", "statement": "s", "provenance": "p", "kind": "bound",
           "passed": False, "measured": None, "predicted": None, "tolerance": "",
           "details": {"error": "ZeroDivisionError: boom", "traceback": "Traceback ..."}}
    return [ok, bad]


def test_report_tables_figures_verdicts_and_markdown_tables(tmp_path):
    exp = make_scripts(tmp_path)
    out = tmp_path / "figures"
    (out / "general" / "data").mkdir(parents=True)
    png = out / "general" / "alpha.png"
    png.write_bytes(b"png")
    (out / "general" / "constants.md").write_text("# Constants\n\n## Table\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n"
                                                  "```\n# not a heading\n```\n")
    scripts = discover_scripts(exp)
    script_records = [
        (scripts[0], {"path": str(scripts[0].path), "ok": True, "outputs": [str(png), str(out / "general" / "x.npz")],
                      "seconds": 1.5}),
        (scripts[2], {"path": str(scripts[2].path), "ok": False, "outputs": [], "error": "ValueError: no data",
                      "traceback": "Traceback (most recent call last):\nValueError: no data", "seconds": 0.1}),
    ]
    inp = ReportInput(claims=_records(), scripts=script_records, out_dir=out, command="samlab reproduce --quick",
                      quick=True, seconds=12.3, date="2026-01-01 00:00 UTC", version="0.1.0")
    text = render_report(inp, PAPERS)
    assert "Produced by `samlab reproduce --quick` (quick mode) on 2026-01-01 00:00 UTC with samlab 0.1.0" in text
    assert "**1/2 claims passed**, 1 failed; 1/2 figure scripts ran, 1 failed." in text
    assert f"## {PAPERS['general']}" in text and f"## {PAPERS['si-yun-2023']}" in text
    assert "| `general/one` | a \\| b | textbook | 0.9877 | 1 | ≤ | ✅ |" in text
    assert "| `general/two` | s | p | — | — |  | ❌ |" in text
    assert "❌ `general/two` raised: `ZeroDivisionError: boom`" in text
    assert "![A figure title](general/alpha.png)" in text and "x.npz" not in text
    assert "- ✅ `general/one`: measured 0.9877, predicted 1" in text
    assert "❌ **the script failed**: `ValueError: no data`" in text
    assert "#### `general/constants.md`" in text and "| 1 | 2 |" in text
    assert "\n##### Constants\n" in text and "\n###### Table\n" in text and "\n# not a heading\n" in text
    path = write_report(inp, PAPERS)
    assert path == out / "REPORT.md" and path.read_text() == text
    verdicts = json.loads((out / "verdicts.json").read_text())
    assert [v["id"] for v in verdicts] == ["general/one", "general/two"]
    assert set(verdicts[0]) == {"id", "paper", "statement", "provenance", "kind", "passed", "measured", "predicted",
                                "tolerance", "details"}


def test_claims_json_keeps_only_the_contract_keys():
    rows = json.loads(claims_json([{**_records()[0], "extra": 1}]))
    assert "extra" not in rows[0] and rows[0]["measured"] == 0.98765432
