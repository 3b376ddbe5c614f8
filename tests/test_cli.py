"""The samlab command line: exit statuses, messages, --json, reproduce and run."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samlab.claims import Claim, Verdict
from samlab.claims.base import _REGISTRY
from samlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"


def _fails(s, seed):
    """Always fails: measured 2 against a predicted bound of 1 (test-only claim)."""
    return Verdict(passed=False, measured=2.0, predicted=1.0, tolerance="measured ≤ predicted", details={})


def _raises(s, seed):
    """Always raises (test-only claim)."""
    raise ArithmeticError("deliberate")


@pytest.fixture
def failing_claims(monkeypatch):
    made = []
    for slug, fn in (("always-fails", _fails), ("always-raises", _raises)):
        c = Claim(id=f"general/{slug}", paper="general", statement=f"{slug} on purpose", provenance="test",
                  kind="bound", measure=fn, quick={}, full={})
        monkeypatch.setitem(_REGISTRY, c.id, c)
        made.append(c.id)
    return made


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "usage: samlab" in err and "verify" in err and "reproduce" in err


@pytest.mark.parametrize("cmd", [[], ["list"], ["verify"], ["reproduce"], ["run"]])
def test_help_exits_0(cmd, capsys):
    assert main([*cmd, "--help"]) == 0
    assert "usage: samlab" in capsys.readouterr().out


def test_argparse_errors_exit_2(capsys):
    assert main(["verify", "--jobs", "0"]) == 2
    assert "positive integer" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2


def test_list_shows_claims_and_figures(capsys):
    assert main(["list", "--paper", "general", "--experiments", str(EXPERIMENTS)]) == 0
    out = capsys.readouterr().out
    assert "general/gd-linear-rate" in out and "[linear rate]" in out
    assert "general/usam_vs_sam.py" in out and "FIGURES: usam_vs_sam" in out
    assert "CLAIMS: general/usam-exact-convergence" in out


def test_unknown_claim_or_paper_exits_2_with_close_names(capsys):
    assert main(["verify", "--claim", "general/gd-linear-rat"]) == 2
    err = capsys.readouterr().err
    assert "unknown claim 'general/gd-linear-rat'" in err and "did you mean general/gd-linear-rate" in err
    assert main(["verify", "--paper", "generl"]) == 2
    assert "did you mean general" in capsys.readouterr().err
    assert main(["reproduce", "--quick", "genral", "--experiments", str(EXPERIMENTS)]) == 2
    assert "did you mean general" in capsys.readouterr().err


def test_verify_one_claim_with_json(tmp_path, capsys):
    path = tmp_path / "v.json"
    assert main(["verify", "--quick", "--claim", "general/gd-linear-rate", "--json", str(path)]) == 0
    captured = capsys.readouterr()
    assert re.search(r"^\[1/1\] general/gd-linear-rate PASS \d+\.\ds$", captured.err, re.M)
    lines = captured.out.splitlines()
    assert lines[0].split() == ["claim", "measured", "predicted", "verdict"]
    row = lines[2].split()
    assert row[0] == "general/gd-linear-rate" and row[-1] == "PASS"
    assert len(row[1].replace(".", "").lstrip("0")) <= 4  # 4 significant digits
    (record,) = json.loads(path.read_text())
    from samlab.report import CLAIM_KEYS

    assert list(record) == list(CLAIM_KEYS)  # verdicts.json: stable keys, no timings
    assert record["id"] == "general/gd-linear-rate" and record["passed"] is True and record["paper"] == "general"
    assert record["measured"] <= record["predicted"] * (1 + 1e-6) and record["details"]["mode"] == "quick"


def test_failing_or_raising_claim_exits_1(failing_claims, tmp_path, capsys):
    path = tmp_path / "v.json"
    assert main(["verify", "--quick", "--claim", *failing_claims, "--json", str(path)]) == 1
    captured = capsys.readouterr()
    assert "[2/2]" in captured.err and "FAIL" in captured.err
    assert re.search(r"general/always-fails\s+2\s+1\s+FAIL", captured.out)
    assert "error: ArithmeticError: deliberate" in captured.out
    assert "0/2 claims passed" in captured.out
    fails, raises = json.loads(path.read_text())
    assert fails["passed"] is False and fails["measured"] == 2.0
    assert raises["passed"] is False and raises["details"]["error"] == "ArithmeticError: deliberate"
    # bare slugs resolve when they name one claim
    assert main(["verify", "--claim", "always-fails"]) == 1


def test_reproduce_quick_general(tmp_path, capsys):
    out = tmp_path / "figs"
    code = main(["reproduce", "--quick", "general", "--out", str(out), "--experiments", str(EXPERIMENTS)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = (out / "REPORT.md").read_text()
    assert "Produced by `samlab reproduce --quick general" in report and "(quick mode)" in report
    assert "## Summary" in report and '<a id="claim-general--gd-linear-rate"></a>' in report
    assert report.count("✅") >= 6  # three table rows and three verdicts under the figures
    for name in ("gd_linear_rate", "usam_vs_sam", "sam_cycle"):
        assert f"](general/{name}.png)" in report
        assert (out / "general" / f"{name}.png").stat().st_size > 10_000
    verdicts = json.loads((out / "verdicts.json").read_text())
    assert {v["id"] for v in verdicts} == {"general/gd-linear-rate", "general/usam-exact-convergence",
                                           "general/sam-period-two-cycle"}
    assert "report: " in captured.out and "[6/6]" in captured.err


def test_reproduce_reports_a_broken_script_and_exits_1(tmp_path, capsys):
    exp = tmp_path / "experiments" / "general"
    exp.mkdir(parents=True)
    (exp / "broken.py").write_text('"""Broken figure."""\nPAPER = "general"\nCLAIMS = ["general/gd-linear-rate"]\n'
                                   'def main(quick=False, out=None):\n    raise RuntimeError("lost the data")\n')
    (exp / "table.py").write_text(
        '"""Writes a table."""\nfrom pathlib import Path\nfrom samlab.experiment import figure_dir\n'
        'PAPER = "general"\n'
        'def main(quick=False, out=None):\n'
        '    p = figure_dir("general", out) / "constants.md"\n'
        '    p.write_text("| A | B |\\n| --- | --- |\\n| 1 | 2 |\\n")\n'
        '    return [p]\n')
    out = tmp_path / "figs"
    code = main(["reproduce", "--quick", "broken", "table", "--out", str(out),
                 "--experiments", str(tmp_path / "experiments")])
    captured = capsys.readouterr()
    assert code == 1
    assert "figure script" in captured.out and "RuntimeError: lost the data" in captured.out
    report = (out / "REPORT.md").read_text()
    assert "❌ **the script failed**: `RuntimeError: lost the data`" in report
    assert "| 1 | 2 |" in report and "#### `general/constants.md`" in report
    assert "general/gd-linear-rate" in report  # the paper's claims still ran


def test_run_malformed_config_exits_2(tmp_path, capsys):
    src = (EXPERIMENTS / "configs" / "constant_vs_decaying_rho.toml").read_text()
    bad = tmp_path / "constant_vs_decaying_rho.toml"
    bad.write_text(src.replace("rho = 0.1\n", 'rho = "abc"\n', 1))
    assert main(["run", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert ("constant_vs_decaying_rho.toml: experiment[0].algorithms[1].rho: expected a float, a list of floats"
            " or a schedule table, got 'abc'") in err
    assert not (tmp_path / "o").exists()


def test_run_tiny_config(tmp_path, capsys):
    cfg = tmp_path / "tiny.toml"
    cfg.write_text('[[experiment]]\nname = "q"\nproblem = {kind = "quadratic", eigenvalues = [1.0, 4.0]}\n'
                   'steps = 50\nruns = 2\n[[experiment.algorithms]]\nalgorithm = "sam"\nlr = 0.1\n'
                   'grid = {rho = [0.01, 0.1]}\n')
    assert main(["run", str(cfg), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "SAM, γ = 0.1, ρ = 0.01" in out and "0/2" in out
    assert (tmp_path / "o" / "tiny.png").is_file() and (tmp_path / "o" / "summary.md").is_file()


# ----------------------------------------------------------------------------- usage errors before any work
def _unwritable(tmp_path):
    """Output locations nothing can be written to: under a regular file, and under /proc (Linux)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    places = [blocker / "sub"]
    if Path("/proc/self").is_dir():
        places.append(Path("/proc/samlab-nowhere"))
    return places


@pytest.fixture
def counted_claim(monkeypatch):
    calls = []

    def measure(settings, seed):
        """Counts its calls (test-only claim)."""
        calls.append(seed)
        return Verdict(passed=False, measured=1.0, predicted=0.0, tolerance="none", details={})

    c = Claim(id="general/counted", paper="general", statement="counted", provenance="test", kind="bound",
              measure=measure, quick={}, full={})
    monkeypatch.setitem(_REGISTRY, c.id, c)
    return calls


def _one_line_error(captured, command):
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"samlab {command}: error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


def test_unwritable_json_is_a_usage_error_before_any_claim_runs(tmp_path, capsys, counted_claim):
    for place in _unwritable(tmp_path):
        assert main(["verify", "--quick", "--claim", "general/counted", "--json", str(place / "v.json")]) == 2
        assert "--json: cannot write in" in _one_line_error(capsys.readouterr(), "verify")
    assert main(["verify", "--quick", "--claim", "general/counted", "--json", str(tmp_path)]) == 2
    assert "is a directory" in _one_line_error(capsys.readouterr(), "verify")
    assert counted_claim == []  # the failing claim (exit 1 otherwise) never ran


def test_unwritable_out_is_a_usage_error_before_any_work(tmp_path, capsys, counted_claim):
    cfg = tmp_path / "good.toml"
    cfg.write_text('[[experiment]]\nname = "q"\nproblem = {kind = "quadratic", eigenvalues = [1.0, 4.0]}\n'
                   'steps = 20\n[[experiment.algorithms]]\nalgorithm = "gd"\nlr = 0.1\n')
    for place in _unwritable(tmp_path):
        assert main(["run", str(cfg), "--out", str(place)]) == 2
        assert "--out: cannot write in" in _one_line_error(capsys.readouterr(), "run")
        assert main(["reproduce", "--quick", "general", "--out", str(place), "--experiments", str(EXPERIMENTS)]) == 2
        assert "--out: cannot write in" in _one_line_error(capsys.readouterr(), "reproduce")
    assert counted_claim == []


def test_run_with_curves_at_zero_on_log_axes_masks_them_and_says_so(tmp_path, capsys):
    """x0 at the minimizer: f − f* is 0 at every checkpoint, which a log axis cannot show."""
    cfg = tmp_path / "at_min.toml"
    cfg.write_text('[[experiment]]\nname = "at-min"\nproblem = {kind = "quadratic", eigenvalues = [1.0, 4.0]}\n'
                   'steps = 20\nx0 = [0.0, 0.0]\n[[experiment.algorithms]]\nalgorithm = "gd"\nlr = 0.1\n'
                   '[[experiment]]\nname = "nan-free-but-partly-zero"\n'
                   'problem = {kind = "quadratic", eigenvalues = [1.0]}\nsteps = 20\nx0 = [1.0]\n'
                   '[[experiment.algorithms]]\nname = "GD exact"\nalgorithm = "gd"\nlr = 1.0\n')
    out = tmp_path / "o"
    assert main(["run", str(cfg), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    summary = (out / "summary.md").read_text()
    # gd from x0 = x* stays there: all 20 logged checkpoints after t = 0 are 0; lr = 1/L reaches x* in one step
    assert "Not drawn (0, negative or not finite on the log y axis): GD, γ = 0.1 (20 of 20 checkpoints)." in summary
    assert "GD exact (20 of 20 checkpoints)" in summary
    assert "Not drawn" in captured.out
    assert (out / "at_min.png").stat().st_size > 10_000


INTERRUPTED = '''
import os, sys, time
from pathlib import Path
from samlab.claims import Claim, Verdict
from samlab.claims.base import register
from samlab.cli import main

marks = Path(sys.argv[1])

def slow(settings, seed):
    """Sleeps far longer than the test waits (test-only claim)."""
    (marks / f"slow-{os.getpid()}").touch()
    time.sleep(120)
    return Verdict(True, 0.0, 0.0, "none")

def fast(settings, seed):
    """Returns at once, leaving its worker idle (test-only claim)."""
    (marks / f"fast-{os.getpid()}").touch()
    return Verdict(True, 0.0, 0.0, "none")

register(Claim(id="general/slow", paper="general", statement="s", provenance="test", kind="bound",
               measure=slow, quick={}, full={}))
register(Claim(id="general/fast", paper="general", statement="f", provenance="test", kind="bound",
               measure=fast, quick={}, full={}))
sys.exit(main(["verify", "--quick", "--jobs", "2", "--claim", "general/slow", "general/fast"]))
'''


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_ctrl_c_with_two_jobs_exits_130_with_one_line(tmp_path):
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it: one busy worker, one idle."""
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (list(tmp_path.glob("slow-*")) and list(tmp_path.glob("fast-*"))):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        time.sleep(1.0)  # the fast task's worker is idle again, the slow one sleeps
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # not the slow task's 120 s: the workers were stopped
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = [line for line in err.splitlines() if not line.startswith("[1/2] general/fast PASS")]
    assert lines == ["samlab verify: interrupted"], err
