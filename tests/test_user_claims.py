"""A user's own paper and claims: declare_paper, the @claim decorator, load_module (README example)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from samlab import claims

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_claim_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Your own claims\n", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_claim_example_loads_and_passes(tmp_path):
    code = _readme_claim_example()
    assert len(code.strip().splitlines()) <= 15
    path = tmp_path / "my_claims.py"
    path.write_text(code, encoding="utf-8")
    added = claims.load_module(path)
    assert [c.id for c in added] == ["my-note-2026/gd-contraction"]
    assert claims.load_module(path) == added  # loading again registers nothing new
    c = claims.get("my-note-2026/gd-contraction")
    assert c.paper == "my-note-2026" and "my-note-2026" in claims.papers()
    for quick in (True, False):
        v = c.check(quick=quick)
        assert v.passed and v.measured == pytest.approx(0.81, abs=1e-9)
    assert claims.all()[-1].id == "my-note-2026/gd-contraction"  # user papers come after samlab's


def test_declare_paper_rules():
    assert claims.declare_paper("my-other-note", "Another note") == "my-other-note"
    claims.declare_paper("my-other-note", "Another note")  # idempotent
    with pytest.raises(ValueError, match="already declared"):
        claims.declare_paper("my-other-note", "A different title")
    with pytest.raises(ValueError, match="already declared"):
        claims.declare_paper("si-yun-2023", "Not the paper")
    with pytest.raises(ValueError, match="lowercase"):
        claims.declare_paper("My Note", "x")
    with pytest.raises(ValueError, match="title"):
        claims.declare_paper("my-note-x", "  ")


def test_claim_of_an_undeclared_paper_is_refused():
    with pytest.raises(ValueError, match="declare_paper"):
        @claims.claim(id="undeclared-paper/x", statement="s", provenance="p [derived]", kind="bound",
                      quick={}, full={})
        def measure(s, seed):
            """doc"""


def test_load_module_errors(tmp_path):
    with pytest.raises(ValueError, match="no claims file"):
        claims.load_module(tmp_path / "missing.py")
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    with pytest.raises(ValueError, match="registered no claim"):
        claims.load_module(empty)


# ----------------------------------------------------------------------------- verdicts, criteria, controls
def test_criteria_margins_and_agreement_with_passed():
    from samlab.claims import Criterion, Verdict

    c = Criterion("max relative error", 5e-15, "<=", 1e-8)
    assert c.passed and c.margin == pytest.approx(1e-8 - 5e-15) and c.relative_margin == pytest.approx(1.0, abs=1e-6)
    assert Criterion("slope", 2.01, "in", (1.9, 2.1)).margin == pytest.approx(0.09)
    assert not Criterion("slope", 2.2, "in", (1.9, 2.1)).passed
    assert not Criterion("factor", float("nan"), "<=", 1.0).passed
    assert Criterion("limit point", "saddle", "==", "saddle").passed
    with pytest.raises(ValueError, match="only be compared with =="):
        Criterion("limit point", "saddle", "<=", "x")
    with pytest.raises(ValueError, match="disagrees with the criteria"):
        Verdict(passed=True, measured=1, predicted=0, tolerance="", criteria=[Criterion("e", 1.0, "<=", 0.5)])
    v = Verdict(passed=True, measured=5e-15, predicted=0.0, tolerance="1e-8", quantity="max relative error",
                criteria=[c])
    d = v.to_dict()
    assert d["quantity"] == "max relative error" and d["criteria"][0]["passed"] is True


def test_controls_run_the_claim_under_overrides():
    from samlab.claims import Verdict, claim, declare_paper, get

    declare_paper("control-demo", "Controls demo")

    @claim(id="control-demo/sam-plateau", statement="SAM plateaus", provenance="demo [derived]", kind="plateau",
           quick={"algorithm": "sam"}, full={"algorithm": "sam"},
           controls={"USAM instead of SAM": {"algorithm": "usam"}, "broken": {"algorithm": "nope"}})
    def measure(s, seed):
        """Plateau of SAM on ½x² (γ = 0.1, ρ = 0.1) after 2000 steps; USAM converges, so it must fail."""
        import samlab as sl

        alg = {"sam": sl.algorithms.sam, "usam": sl.algorithms.usam}[s["algorithm"]](0.1, 0.1)
        gap = sl.run(sl.problems.Quadratic([[1.0]]), alg, [1.0], 2000).f_gap[-1, 0]
        return Verdict(passed=gap > 1e-6, measured=gap, predicted="> 1e-6", tolerance="1e-6")

    c = get("control-demo/sam-plateau")
    assert c.check(quick=True).passed
    usam, broken = c.check_controls(quick=True)
    assert usam.discriminates and usam.verdict.measured < 1e-6
    assert not broken.discriminates and "KeyError" in broken.error


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_verify_module_loads_the_users_claims_here_and_in_workers(tmp_path, capsys, jobs):
    from samlab.cli import main

    path = tmp_path / "my_claims.py"
    path.write_text(_readme_claim_example(), encoding="utf-8")
    code = main(["verify", "--quick", "--module", str(path), "--paper", "my-note-2026", "--jobs", jobs])
    out = capsys.readouterr().out
    assert code == 0 and "my-note-2026/gd-contraction" in out and "1/1 claims passed" in out


def test_verify_module_errors_are_usage_errors(tmp_path, capsys):
    from samlab.cli import main

    assert main(["verify", "--quick", "--module", str(tmp_path / "nope.py")]) == 2
    assert "--module" in capsys.readouterr().err


def test_controls_write_their_files_elsewhere_and_leave_the_claims(tmp_path):
    """A claim that saves a file (as the full-mode worst-case claims save their worst instance): its controls
    measure the same way, but what they write goes to a scratch folder, so the claim's file stays the claim's."""
    from samlab.claims.base import Verdict
    from samlab.experiment import data_dir, output_mode

    claims.declare_paper("my-saving-note", "A note whose claim saves a file")

    @claims.claim(id="my-saving-note/saves", statement="s", provenance="p [derived]", kind="bound",
                  quick={"label": "claim"}, full={"label": "claim"}, controls={"other": {"label": "control"}})
    def measure(s, seed):
        """Writes its label to data/label.txt; passes for the claim's own label (the test's control fails)."""
        (data_dir("my-saving-note") / "label.txt").write_text(s["label"])
        return Verdict(passed=s["label"] == "claim", measured=0.0, predicted=0.0, quantity="q", tolerance="t")

    c = claims.get("my-saving-note/saves")
    with output_mode(False, tmp_path):
        assert c.check().passed
        (outcome,) = c.check_controls()
        assert outcome.verdict is not None and not outcome.verdict.passed
    assert (tmp_path / "my_saving_note" / "data" / "label.txt").read_text() == "claim"
