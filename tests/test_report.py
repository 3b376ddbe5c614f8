"""Figure-script discovery (without importing), verdicts.json and the markdown report."""

from __future__ import annotations

import json
import re
from pathlib import Path

from samlab.claims import PAPERS
from samlab.report import (CLAIM_KEYS, ReportInput, canonical_command, claim_anchor, claims_json, discover_scripts,
                           environment, fmt, git_commit, read_script_info, render_report, select_scripts,
                           write_report)

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
    assert (a.caption, a.reproduces, a.declares_reproduces) == ("More text.", None, False)
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


def test_discovery_reads_reproduces_and_the_caption(tmp_path):
    folder = tmp_path / "kim_2023"
    folder.mkdir()
    (folder / "a.py").write_text('"""Title A.\n\nFirst paragraph\nwrapped.\n\nSecond one."""\nPAPER = "kim-2023"\n'
                                 'REPRODUCES = "Figure 3 of the paper"\n')
    (folder / "b.py").write_text('"""Title B."""\nREPRODUCES = None\n')
    (folder / "c.py").write_text('"""Title C."""\n')
    (folder / "d.py").write_text('"""Title D."""\nREPRODUCES = 3\n')
    a, b, c, d = (read_script_info(folder / f"{n}.py") for n in "abcd")
    assert (a.title, a.caption) == ("Title A", "First paragraph\nwrapped.\n\nSecond one.")
    assert (a.reproduces, a.declares_reproduces, a.problem) == ("Figure 3 of the paper", True, None)
    assert (b.reproduces, b.declares_reproduces, b.caption, b.problem) == (None, True, "", None)
    assert (c.reproduces, c.declares_reproduces, c.problem) == (None, False, None)
    assert d.reproduces is None and "REPRODUCES must be a non-empty string" in d.problem


def test_fmt_and_json_numbers():
    rows = json.loads(claims_json([{"id": "general/x", "passed": True, "measured": float("nan"),
                                    "predicted": [float("inf"), 0.1 + 0.2], "details": {"seconds": 3.0, "k": 1}}]))
    (row,) = rows
    assert list(row) == list(CLAIM_KEYS)
    assert row["measured"] == "nan" and row["predicted"] == ["inf", 0.30000000000000004]  # repr of floats
    assert row["details"] == {"k": 1} and row["controls"] is None and row["criteria"] == [] and row["quantity"] == ""


def test_canonical_command_drops_execution_options_and_machine_paths():
    assert canonical_command("samlab reproduce -j 2 --out /abs/f general") == "samlab reproduce general"
    assert canonical_command("samlab reproduce --jobs=2 -j3 --no-cache --scheduler tcp://h:1 --quick") == \
        "samlab reproduce --quick"
    assert canonical_command("samlab verify --module /abs/u/my_claims.py --claim 'a b'") == \
        "samlab verify --module my_claims.py --claim 'a b'"
    assert canonical_command("samlab reproduce --experiments=/abs/experiments") == \
        "samlab reproduce --experiments=experiments"


def test_environment_and_commit(tmp_path):
    env = environment()
    assert list(env) == ["samlab", "Python", "NumPy", "SciPy", "matplotlib", "BLAS", "CPUs"]
    assert all(isinstance(v, str) and v for v in env.values())
    assert git_commit(tmp_path) == "unknown"  # not a checkout
    commit = git_commit(Path(__file__).resolve().parents[1])
    assert commit == "unknown" or re.match(r"^[0-9a-f]{40}( \(with uncommitted changes in samlab/ or experiments/\))?$",
                                           commit)


# ----------------------------------------------------------------------------- synthetic report
def _criterion(name, value, op, limit, unit=""):
    """A criterion as Verdict.to_dict writes it (computed by samlab.claims.base.Criterion)."""
    from samlab.claims.base import Criterion

    return Criterion(name, value, op, limit, unit).to_dict()


def _claim(cid, kind="plateau", **extra):
    base = {"id": cid, "paper": cid.split("/")[0], "statement": f"statement of {cid} with f*", "provenance":
            "Paper, Theorem 1 [paper]", "kind": kind, "passed": True, "measured": 1.0, "predicted": 1.0,
            "tolerance": "1e-8"}
    base.update(extra)
    return base


def synthetic_records(instance: str) -> list[dict]:
    rows = [{"sampling": f"{k}-nice", "A": 1.0 / k, "B": 1 - 1 / k, "C": 0.5 / k} for k in range(1, 13)]
    plateau = _claim(
        "kim-2023/plateau", quantity="max relative error of the plateau", unit="", measured=5e-15, predicted=0.0,
        criteria=[_criterion("relative error of the plateau", 5e-15, "<=", 1e-8),
                  _criterion("fitted slope", 2.01, "in", (1.9, 2.1))],
        findings=["Theorem 3 holds only for γ ≤ 0.5."],
        controls=[{"name": "USAM instead of SAM", "overrides": {"algorithm": "usam"}, "discriminates": True,
                   "passed": False, "measured": 0.3959, "predicted": 0.0, "error": None}],
        details={"lr": 0.05, "window": "t in [100, 200]", "per_rho": {"0.1": 1e-15, "0.2": 2e-15}, "rows": rows,
                 "values": list(range(20)), "mode": "quick", "seed": 0, "seconds": 0.25})
    failing = _claim(
        "kim-2023/beale", kind="limit", passed=False, quantity="min cos per window", measured=-0.976,
        predicted=-1.0, criteria=[_criterion("min cos in the worst window", -0.976, "<=", -0.99)],
        controls=[{"name": "GD", "overrides": {"rho": 0.0}, "discriminates": False, "passed": True, "measured": -1.0,
                   "predicted": -1.0, "error": None},
                  {"name": "broken", "overrides": {"x": 1}, "discriminates": False, "passed": None, "measured": None,
                   "predicted": None, "error": "ValueError: no"}],
        details={"windows": [{"start": 0, "min_cos": -0.976}], "seconds": 9.0})
    raising = _claim("kim-2023/raises", passed=False, measured=None, predicted=None, tolerance="",
                     details={"error": "FileNotFoundError: /abs/someone/x/data.npz", "traceback": "Traceback ...",
                              "seconds": 0.1})
    old = _claim("kim-2023/old-shape", measured=[0.1, 0.2], predicted="increasing in ρ",
                 details={"cases": {"E1": {"err": 1e-15, "plateau": [1.0, 2.0]}}, "note": "a | pipe"}, controls=[])
    bound = _claim("kim-2023/det-bound", kind="bound", quantity="max measured/bound over T", measured=0.5,
                   predicted=1.0, criteria=[_criterion("measured/bound", 0.5, "<=", 1.0)],
                   controls=[{"name": "bound without its factor 2", "overrides": {"factor": 1.0}, "discriminates": True,
                              "passed": False, "measured": 1.5, "predicted": 1.0, "error": None}])
    worst = _claim("kim-2023/det-bound-worst-case", kind="worst-case", quantity="worst ratio measured/bound",
                   measured=0.93, predicted=1.0, criteria=[_criterion("worst ratio", 0.93, "<=", 1.0 + 1e-9)],
                   details={"bound_claim": "kim-2023/det-bound", "worst_ratio": 0.93, "pep_ratio": 0.97,
                            "pep_exact": False, "relaxation": "ascent point on the ρ-sphere", "family": "quadratics",
                            "budget": 200, "instance": instance, "broken": False})
    broken = _claim("general/gd-worst-case", kind="worst-case", passed=False, quantity="worst ratio", measured=1.2,
                    predicted=1.0, criteria=[_criterion("worst ratio", 1.2, "<=", 1.0 + 1e-9)],
                    details={"bound_claim": "general/not-run", "worst_ratio": 1.2, "pep_ratio": None,
                             "pep_exact": None, "relaxation": "", "family": "Huber", "budget": 50,
                             "instance": "general/data/missing.npz", "broken": True})
    return [broken, plateau, failing, raising, old, bound, worst]


KIM_A = '''"""Saddle trapping: SAM stays, GD escapes.

Left: the runs. Right: f*.
"""
PAPER = "kim-2023"
FIGURES = ["trap"]
CLAIMS = ["kim-2023/plateau", "kim-2023/beale"]
REPRODUCES = "Figure 1 of the paper"
'''
KIM_B = '"""Our own picture."""\nPAPER = "kim-2023"\nFIGURES = ["own"]\nCLAIMS = ["kim-2023/plateau"]\nREPRODUCES = None\n'
KIM_C = '"""Broken script."""\nPAPER = "kim-2023"\nCLAIMS = ["kim-2023/nothing-here"]\n'


def synthetic_tree(root: Path):
    """experiments/, figures/ (PNGs, GIF, data, a table, runs/, mutants) and the records, in ``root``."""
    exp = root / "experiments" / "kim_2023"
    exp.mkdir(parents=True)
    for name, text in (("trap", KIM_A), ("own", KIM_B), ("broken", KIM_C)):
        (exp / f"{name}.py").write_text(text)
    (root / "experiments" / "configs").mkdir()
    (root / "experiments" / "configs" / "demo.toml").write_text("title = 'demo'\n")
    out = root / "figures"
    data = out / "kim_2023" / "data"
    data.mkdir(parents=True)
    (out / "general" / "data").mkdir(parents=True)
    for name in ("trap.png", "own.png", "own.gif"):
        (out / "kim_2023" / name).write_bytes(b"\x89PNG")
    for name in ("trap.npz", "own_runs.npz", "own runs (ρ = 0.1).npz", "worst.npz", "unrelated.npz"):
        (data / name).write_bytes(b"PK")
    (out / "kim_2023" / "own_table.md").write_text("# Own table\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    (out / "kim_2023" / "loose.md").write_text("## Loose\n\nx\n")
    run = out / "runs" / "demo"
    (run / "data").mkdir(parents=True)
    (run / "demo.png").write_bytes(b"\x89PNG")
    (run / "summary.md").write_text("# demo\n")
    manifest = {"config": "experiments/configs/demo.toml", "title": "SAM: constant vs decaying ρ", "quick": False,
                "figure": "demo.png", "experiments": [
                    {"name": "ls", "title": "least squares", "problem": {"kind": "least_squares", "n": 10},
                     "steps": 100, "runs": 4, "seed": 0, "plot": {"metric": "f_gap"},
                     "algorithms": [{"name": "SGD", "algorithm": "gd", "labels": ["SGD"], "configs": [{"lr": "0.01"}],
                                     "runs": 4, "final": [1e-30], "diverged": [0], "seconds": 1.5},
                                    {"name": "SAM", "algorithm": "sam", "labels": ["SAM ρ = 0.1", "SAM ρ = 0.2"],
                                     "configs": [{"lr": "0.01", "rho": "0.1"}, {"lr": "0.01", "rho": "0.2"}],
                                     "runs": 4, "final": [0.002, 0.008], "diverged": [0, 1], "seconds": 2.5}]}]}
    (run / "manifest.json").write_text(json.dumps(manifest))
    (out / "mutants.json").write_text(json.dumps([
        {"mutant": "no-normalization", "description": "SAM's ascent not normalized", "breaks": "the normalized ascent",
         "file": "algorithms/rules.py",
         "killed_by": ["kim-2023/plateau", "kim-2023/beale"], "status": "killed"},
        {"mutant": "rsam-noise-ignored", "description": "RSAM's noise ignored", "breaks": "RSAM's random direction",
         "file": "algorithms/rules.py",
         "killed_by": [], "status": "survived"}]))
    (out / "mutants.md").write_text("| mutant | killed by |\n| --- | --- |\n")
    scripts = {s.name: s for s in discover_scripts(root / "experiments")}
    script_records = [
        (scripts["trap"], {"path": str(scripts["trap"].path), "ok": True,
                           "outputs": [str(out / "kim_2023" / "trap.png")], "seconds": 2.0}),
        (scripts["own"], {"path": str(scripts["own"].path), "ok": True,
                          "outputs": [str(out / "kim_2023" / n) for n in ("own.png", "own.gif", "own_table.md")]
                          + [str(data / "own_runs.npz"), str(data / "own runs (ρ = 0.1).npz")], "seconds": 1.0}),
        (scripts["broken"], {"path": str(scripts["broken"].path), "ok": False, "outputs": [],
                             "error": "RuntimeError: lost /abs/someone/data", "traceback": "Traceback ...",
                             "seconds": 0.5}),
    ]
    return out, synthetic_records("kim_2023/data/worst.npz"), script_records


ENV = {"samlab": "0.1.0", "Python": "3.11.7", "NumPy": "2.0", "SciPy": "1.14", "matplotlib": "3.9",
       "BLAS": "openblas 0.3.27", "CPUs": "2"}


def _input(out, records, scripts, *, seconds=12.3, date="2026-01-01 00:00 UTC", executor="serial",
           command="samlab reproduce --controls"):
    return ReportInput(claims=records, scripts=scripts, out_dir=out, command=command, quick=False, seconds=seconds,
                       executor=executor, date=date, version="0.1.0", papers=["kim-2023"], root=out.parent,
                       commit="0123abc", environment=ENV)


def _block(text: str, anchor: str) -> str:
    """The text from an anchor to the next anchor."""
    start = text.index(f'<a id="{anchor}"></a>')
    nxt = text.find('<a id="', start + 1)
    return text[start:nxt if nxt >= 0 else None]


def test_report_structure_from_synthetic_records(tmp_path):
    out, records, scripts = synthetic_tree(tmp_path)
    text = render_report(_input(out, records, scripts), PAPERS)
    # top: what was checked, how, from which commit and environment; no timings
    assert text.startswith("# samlab report\n\nsamlab checked 7 claims (6 claims of 1 paper and 1 textbook "
                           "sanity claim) on Sharpness-Aware Minimization")
    assert "Produced by `samlab reproduce --controls` (full mode, seed 0) from commit `0123abc`." in text
    assert ("Environment: samlab 0.1.0, Python 3.11.7, NumPy 2.0, SciPy 1.14, matplotlib 3.9, BLAS openblas 0.3.27, "
            "CPUs 2.") in text
    assert "12.3" not in text and "2026" not in text and "serial" not in text
    assert "**4/7 claims passed**, 3 failed; 2/3 figure scripts ran, 1 failed." in text
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections == ["## Summary", "## Findings", f"## {PAPERS['general']}", f"## {PAPERS['kim-2023']}",
                        "## Tightness", "## `samlab run` examples", "## Mutation suite"]
    # summary per paper: claims passed, controls that discriminate, worst-case bounds, figures
    assert ("| [Kim, Park, Choi & Lee 2023](#kim-2023) | 4/6 | 2/6 | 1 checked, 0 broken, worst ratio ≤ 0.93 | "
            "3, 1 reproducing the paper's | 7 |") in text
    assert "| [samlab sanity claims](#general) | 0/1 | 0/1 | 1 checked, 1 broken, worst ratio ≤ 1.2 | — | 3 |" in text
    assert "Mutation suite: 1/2 mutants of samlab's own code killed by at least one claim" in text

    findings = _block(text, "findings")
    a = lambda cid: f"[`{cid}`](#{claim_anchor(cid)})"  # noqa: E731
    for line in [
        f"- ❌ {a('general/gd-worst-case')} fails: worst ratio is 1.2, not ≤ 1.",
        f"- {a('general/gd-worst-case')}: the search broke the bound of `general/not-run` (not checked in this run), "
        "measured/bound reaching 1.2 (instance general/data/missing.npz).",
        f"- {a('general/gd-worst-case')} declares no negative control, so nothing shows that it can fail.",
        f"- {a('kim-2023/plateau')}: Theorem 3 holds only for γ ≤ 0.5.",
        f"- ❌ {a('kim-2023/beale')} fails: min cos in the worst window is -0.976, not ≤ -0.99.",
        f"- {a('kim-2023/beale')} has no discriminating control: “GD” passes too (measured -1); “broken” could not "
        "be measured (`ValueError: no`).",
        f"- ❌ {a('kim-2023/raises')} raised `FileNotFoundError: data.npz`.",  # no machine path
        f"- {a('kim-2023/old-shape')} declares no negative control, so nothing shows that it can fail.",
        f"- {a('kim-2023/det-bound-worst-case')} declares no negative control, so nothing shows that it can fail.",
        "- ❌ Figure script [`experiments/kim_2023/broken.py`](../experiments/kim_2023/broken.py) failed: "
        "`RuntimeError: lost data`.",
        "- Mutant `rsam-noise-ignored` (RSAM's random direction) survives every claim ([table](#mutants)).",
    ]:
        assert line in findings.splitlines(), line
    assert f"{a('kim-2023/raises')} declares" not in findings  # a crash is its own finding
    assert f"- {a('kim-2023/plateau')} has" not in findings  # its USAM control discriminates

    # per paper: figures of the paper and own illustrations; claims without a figure
    kim = _block(text, "kim-2023")
    assert "- [Saddle trapping: SAM stays, GD escapes](#figure-kim_2023--trap): Figure 1 of the paper" in kim
    assert "samlab's own illustrations of a statement:\n\n- [Our own picture](#figure-kim_2023--own)" in kim
    assert "(`REPRODUCES`):\n\n- [Broken script](#figure-kim_2023--broken)" in kim
    assert ("Claims without a figure: " + ", ".join(a(c) for c in ("kim-2023/raises", "kim-2023/old-shape",
            "kim-2023/det-bound", "kim-2023/det-bound-worst-case")) + ".") in kim

    # a claim block: statement, provenance, named headline, criteria with margins, controls, details
    plateau = _block(text, claim_anchor("kim-2023/plateau"))
    assert "### ✅ `kim-2023/plateau`" in plateau
    assert "**Statement** (plateau). statement of kim-2023/plateau with f\\*." in plateau
    assert "**Provenance.** Paper, Theorem 1 [paper]." in plateau
    assert "**Headline.** max relative error of the plateau **5e-15**, predicted 0; tolerance: 1e-8." in plateau
    assert "| ✅ | relative error of the plateau | 5e-15 | ≤ 1e-08 | 1e-08 | 1 |" in plateau
    assert "| ✅ | fitted slope | 2.01 | ∈ [1.9, 2.1] | 0.09 | 0.9 |" in plateau
    assert "the claim itself measured 5e-15" in plateau
    assert "| USAM instead of SAM | algorithm: usam | 0.3959 | 0 | fails | yes |" in plateau
    assert "- Theorem 3 holds only for γ ≤ 0.5." in plateau
    assert "| `lr` | 0.05 |" in plateau and "| `per_rho` | 0.1: 1e-15; 0.2: 2e-15 |" in plateau
    assert "| `values` | [0, 1, 2, 3, 4, 5, 6, 7, …] (20 values) |" in plateau
    assert "<details><summary><code>rows</code> (12 rows)</summary>" in plateau  # a long table is folded
    assert "| sampling | A | B | C |" in plateau and "| 12-nice | 0.08333 | 0.9167 | 0.04167 |" in plateau
    assert "`seconds`" not in text and "`mode`" not in text and "Traceback" not in text
    beale = _block(text, claim_anchor("kim-2023/beale"))
    assert "### ❌ `kim-2023/beale`" in beale
    assert "| ❌ | min cos in the worst window | -0.976 | ≤ -0.99 | -0.014 | -0.01414 |" in beale
    assert "| GD | rho: 0 | -1 | -1 | passes | **no** |" in beale
    assert "| broken | x: 1 | `ValueError: no` | — | could not be measured | **no** |" in beale
    old = _block(text, claim_anchor("kim-2023/old-shape"))  # no quantity, criteria, findings: still renders
    assert ("**Headline.** measured **[0.1, 0.2]** (the claim does not name this number), predicted increasing in ρ; "
            "tolerance: 1e-8.") in old
    assert "| cases | err | plateau |" in old and "| E1 | 1e-15 | [1, 2] |" in old and "| `note` | a \\| pipe |" in old
    assert "Negative controls: none declared." in old
    assert "**Headline.** the measurement raised `FileNotFoundError: data.npz`." in text
    worst = _block(text, claim_anchor("kim-2023/det-bound-worst-case"))
    assert f"| `bound_claim` | {a('kim-2023/det-bound')} |" in worst
    assert "| `instance` | [`kim_2023/data/worst.npz`](kim_2023/data/worst.npz) |" in worst

    # each figure right after the last claim it illustrates, with caption, script and data
    trap = _block(text, "figure-kim_2023--trap")
    assert text.index('<a id="figure-kim_2023--trap">') > text.index(f'<a id="{claim_anchor("kim-2023/beale")}">')
    assert text.index('<a id="figure-kim_2023--trap">') < text.index(f'<a id="{claim_anchor("kim-2023/raises")}">')
    assert "![Saddle trapping: SAM stays, GD escapes](kim_2023/trap.png)" in trap
    assert "Left: the runs. Right: f\\*." in trap
    assert (f"This figure reproduces Figure 1 of the paper; it illustrates {a('kim-2023/plateau')} ✅, "
            f"{a('kim-2023/beale')} ❌.") in trap
    assert ("Script [`experiments/kim_2023/trap.py`](../experiments/kim_2023/trap.py) · data "
            "[`kim_2023/data/trap.npz`](kim_2023/data/trap.npz).") in trap  # found by the script's name
    own = _block(text, "figure-kim_2023--own")
    assert text.index('<a id="figure-kim_2023--own">') < text.index('<a id="figure-kim_2023--trap">')
    assert "![Our own picture (own.png)](kim_2023/own.png)" in own and "(kim_2023/own.gif)" in own
    assert "This figure is samlab's own illustration of a statement;" in own
    assert ("data [`kim_2023/data/own runs (ρ = 0.1).npz`](kim_2023/data/own%20runs%20(ρ%20=%200.1).npz), "
            "[`kim_2023/data/own_runs.npz`](kim_2023/data/own_runs.npz).") in own
    assert "#### `kim_2023/own_table.md`" in own and "\n##### Own table\n" in own
    broken = _block(text, "figure-kim_2023--broken")
    assert ("❌ **the script failed**: `RuntimeError: lost data` (run `python3.11 experiments/kim_2023/broken.py` "
            "to see the traceback).") in broken
    assert "(the script does not declare `REPRODUCES`); it illustrates `kim-2023/nothing-here` (not checked" in broken
    assert "### Tables\n\n#### `kim_2023/loose.md`" in text and "own_table.md`" not in text.split("### Tables")[1]

    # tightness, samlab run example, mutation table
    tight = _block(text, "tightness")
    assert (f"| {a('kim-2023/det-bound')} | {a('kim-2023/det-bound-worst-case')} | quadratics | 0.93 | "
            "0.97 (relaxation: ascent point on the ρ-sphere) | ✅ | [`kim_2023/data/worst.npz`](kim_2023/data/worst.npz) |"
            ) in tight
    assert (f"| `general/not-run` (not checked in this run) | {a('general/gd-worst-case')} | Huber | 1.2 | — | "
            "❌ broken | general/data/missing.npz |") in tight
    runs = _block(text, "runs")
    assert "### SAM: constant vs decaying ρ" in runs
    assert ("Run with `python3.11 -m samlab.cli run experiments/configs/demo.toml`; config "
            "[`experiments/configs/demo.toml`](../experiments/configs/demo.toml), summary "
            "[`runs/demo/summary.md`](runs/demo/summary.md), data [`runs/demo/data/`](runs/demo/data).") in runs
    assert "![SAM: constant vs decaying ρ](runs/demo/demo.png)" in runs
    assert ("**least squares**: problem `{\"kind\": \"least_squares\", \"n\": 10}`, 100 steps, 4 runs per curve, "
            "seed 0.") in runs
    assert "| SAM ρ = 0.2 | `sam` | lr = 0.01, rho = 0.2 | 0.008 | 1/4 |" in runs
    assert ("Takeaway (median final value of the plotted metric): on least squares, SAM ρ = 0.2 ends highest (0.008) "
            "and SGD lowest (1e-30).") in runs
    mutants = _block(text, "mutants")
    assert (f"| `no-normalization` | SAM's ascent not normalized | the normalized ascent | `algorithms/rules.py` | 2: {a('kim-2023/plateau')}, "
            f"{a('kim-2023/beale')} |") in mutants
    assert "| `rsam-noise-ignored` | RSAM's noise ignored | RSAM's random direction | `algorithms/rules.py` | **none** |" in mutants


def test_links_resolve_and_no_machine_paths(tmp_path):
    out, records, scripts = synthetic_tree(tmp_path)
    text = render_report(_input(out, records, scripts), PAPERS)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    targets = re.findall(r"\]\(((?:[^()\s]|\([^()\s]*\))+)\)", text)  # balanced parentheses allowed
    assert len(targets) > 30
    for target in targets:
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            assert (out / target.replace("%20", " ")).exists(), target
    assert str(tmp_path) not in text and "/abs/" not in text


def test_same_inputs_same_bytes(tmp_path):
    """REPORT.md and verdicts.json do not change with timings, dates, the executor or --jobs; timings.json does."""
    out, records, scripts = synthetic_tree(tmp_path)
    first = _input(out, records, scripts)
    path = write_report(first, PAPERS)
    report, verdicts, timings = (path.read_bytes(), (out / "verdicts.json").read_bytes(),
                                 (out / "timings.json").read_bytes())
    assert render_report(first, PAPERS).encode() == report
    slower = [{**r, "details": {**r["details"], "seconds": 99.0}} if "details" in r else r for r in records]
    second = _input(out, slower, [(s, {**rec, "seconds": 42.0}) for s, rec in scripts], seconds=99.9,
                    date="2027-02-02 12:00 UTC", executor="process pool, 2 workers",
                    command="samlab reproduce -j 2 --controls --out " + str(out))
    write_report(second, PAPERS)
    assert (out / "REPORT.md").read_bytes() == report
    assert (out / "verdicts.json").read_bytes() == verdicts
    assert (out / "timings.json").read_bytes() != timings
    t = json.loads((out / "timings.json").read_text())
    assert t["seconds"] == 99.9 and t["claims"]["kim-2023/plateau"] == 99.0 and t["scripts"]["kim_2023/own.py"] == 42.0
    rows = json.loads(verdicts)
    assert [r["id"] for r in rows] == [r["id"] for r in records] and all(list(r) == list(CLAIM_KEYS) for r in rows)
    assert "seconds" not in json.dumps(rows)
    assert rows[1]["criteria"][0]["name"] == "relative error of the plateau" and rows[1]["controls"][0]["discriminates"]


def test_report_without_new_keys_or_extras(tmp_path):
    """Older records (no quantity, criteria, controls), no scripts, runs or mutants: still a report."""
    out = tmp_path / "figures"
    out.mkdir()
    records = [_claim("general/one", measured=0.98765432), _claim("general/two", passed=False, measured=None,
                                                                     predicted=None, details={"error": "boom"})]
    text = render_report(ReportInput(claims=records, scripts=[], out_dir=out, command="samlab verify", quick=True,
                                     commit="unknown", environment=ENV), PAPERS)
    assert "Produced by `samlab verify` (quick mode) from commit `unknown`." in text
    assert "| [samlab sanity claims](#general) | 1/2 | not run | — | — | 1 |" in text
    assert "Negative controls" not in text and "## Tightness" not in text and "## Mutation suite" not in text
    assert "**Headline.** measured **0.9877** (the claim does not name this number), predicted 1" in text
    assert f"- ❌ [`general/two`](#{claim_anchor('general/two')}) raised `boom`." in text
    assert "Claims without a figure: " in text


def test_readme_tour_prints_what_its_comments_say(capsys):
    """The README's tour runs, and each number in its comments is what it prints, to the digits shown
    (4 significant digits for the levels, 2 for the tiny gaps and the slope)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A tour of the API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(tour, "README tour", "exec"), {})
    printed = [line.replace("[", "").replace("]", "").replace("(", "").replace(")", "").replace(",", "").split()
               for line in capsys.readouterr().out.splitlines()]
    (sam, usam), (plateau,), (slope, lo, hi), (decayed,) = [[float(x) for x in row] for row in printed]
    assert f"{sam:.4g}" == "0.005556" and f"{usam:.2g}" == "1.8e-23"
    assert f"{plateau:.4g}" == "0.005556"
    assert (f"{slope:.2g}", f"{lo:.2g}", f"{hi:.2g}") == ("2", "2", "2")
    assert f"{decayed:.2g}" == "1.1e-06"


def test_long_prose_in_details_is_not_taken_for_a_path(tmp_path):
    """A worst-case claim's relaxation text is long prose with '/' in it: a cell, never a file lookup."""
    from samlab.report import ReportInput, render_report

    prose = "ascent point: δ_k free with ‖δ_k − ρ(1−λ)g_k‖² ≤ ρ²λ² " * 8 + "(L-smooth/PL necessary conditions)."
    record = {"id": "general/x", "paper": "general", "statement": "s", "provenance": "p [derived]",
              "kind": "worst-case", "passed": True, "measured": 0.5, "predicted": 1.0, "tolerance": "1e-9",
              "details": {"relaxation": prose, "bound_claim": "general/y", "worst_ratio": 0.5}}
    inp = ReportInput(claims=[record], scripts=[], out_dir=tmp_path, command="samlab reproduce", quick=False,
                      seconds=1.0, executor="serial", date="", version="0.1.0", papers=["general"])
    text = render_report(inp, {"general": "General"})
    assert "ascent point: δ_k free" in text
