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

import numpy as np
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
    assert lines[0] == "PASS  general/gd-linear-rate"
    # the headline's name, measured vs predicted (4 significant digits) and the tolerance
    m = re.fullmatch(r"      (.+): (\S+)( per step)? vs (\S+)( per step)? predicted", lines[1])
    assert m and len(m.group(2).replace(".", "").lstrip("0")) <= 4, lines[1]
    assert lines[2].startswith("      tolerance: ") and "q_fit" in lines[2]
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
    assert "FAIL  general/always-fails\n      measured: 2 vs 1 predicted\n      tolerance: measured ≤ predicted" \
        in captured.out
    assert "FAIL  general/always-raises\n      error: ArithmeticError: deliberate" in captured.out
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
    assert "Produced by `samlab reproduce --quick general --experiments experiments`" in report and "(quick mode" in report
    assert "## Summary" in report and '<a id="claim-general--gd-linear-rate"></a>' in report
    assert report.count("✅") >= 6  # three table rows and three verdicts under the figures
    for name in ("gd_linear_rate", "usam_vs_sam", "sam_cycle", "worst_case"):
        assert f"](general/{name}.png)" in report
        assert (out / "general" / f"{name}.png").stat().st_size > 10_000
    verdicts = json.loads((out / "verdicts.json").read_text())
    assert {v["id"] for v in verdicts} == {"general/gd-linear-rate", "general/usam-exact-convergence",
                                           "general/sam-period-two-cycle", "general/gd-linear-rate-worst-case",
                                           "general/divergence-at-its-step"}
    assert "report: " in captured.out and "[9/9]" in captured.err  # four figure scripts and five claims


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
    lines = [line for line in err.splitlines()
             if not line.startswith(("[1/2] general/fast PASS", "2 tasks; running 2"))]
    assert lines == ["samlab verify: interrupted"], err


# ----------------------------------------------------------------------------- controls, cache, modes, worst case
def _plateau(settings, seed):
    """Passes unless the control's override sets wrong=True (test-only claim with a control)."""
    measured = 3.0 if settings.get("wrong") else 1.0
    return Verdict(passed=measured <= 2.0, measured=measured, predicted=2.0, tolerance="measured ≤ 2",
                   quantity="plateau level", unit="", details={})


@pytest.fixture
def controlled_claim(monkeypatch):
    c = Claim(id="general/controlled", paper="general", statement="controlled", provenance="test", kind="bound",
              measure=_plateau, quick={}, full={}, controls={"wrong rule": {"wrong": True}, "same rule": {}})
    monkeypatch.setitem(_REGISTRY, c.id, c)
    return c.id


def test_verify_controls_show_whether_the_claim_discriminates(controlled_claim, tmp_path, capsys):
    assert main(["verify", "--quick", "--controls", "--claim", controlled_claim, "--json", str(tmp_path / "v.json")]) == 0
    out = capsys.readouterr().out
    assert "PASS  general/controlled\n      plateau level: 1 vs 2 predicted\n      tolerance: measured ≤ 2\n" in out
    assert "      discriminates: yes\n" in out
    assert "control 'wrong rule': 3 → FAIL (discriminates)" in out
    assert "control 'same rule': 1 → PASS (does not discriminate)" in out
    assert "1/1 discriminate" in out


def test_cache_info_and_clear_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMLAB_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr("samlab.cache.MIN_SECONDS", 0.0)
    assert main(["verify", "--quick", "--claim", "general/usam-exact-convergence"]) == 0
    capsys.readouterr()
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"location: {tmp_path / 'c'}" in out and re.search(r"^runs: [1-9]", out, re.M)
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    main(["cache", "info"])
    assert "runs: 0" in capsys.readouterr().out
    assert main(["cache", "purge"]) == 2


def test_no_cache_neither_reads_nor_fills_the_run_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMLAB_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr("samlab.cache.MIN_SECONDS", 0.0)
    assert main(["verify", "--quick", "--no-cache", "--claim", "general/usam-exact-convergence"]) == 0
    from samlab import cache

    assert cache.info()["runs"] == 0
    assert main(["verify", "--quick", "--claim", "general/usam-exact-convergence"]) == 0
    assert cache.info()["runs"] > 0
    assert os.environ.get("SAMLAB_CACHE") is None  # the switch is set inside each task only
    cache.clear()
    monkeypatch.setenv("SAMLAB_CACHE", "0")  # an explicit "off" in the environment is kept
    assert main(["verify", "--quick", "--claim", "general/usam-exact-convergence"]) == 0
    assert cache.info()["runs"] == 0


# a tiny checkout: figure scripts that write a figure and a data file through samlab, each listing a claim
SCRIPT = '''"""Figure {name}."""
import numpy as np
import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir

PAPER = "general"
FIGURES = ["{name}"]
CLAIMS = ["general/{claim}"]


def main(quick=False, out=None):
    res = sl.run(sl.problems.Quadratic(np.diag([1.0, 2.0])), sl.algorithms.sam(0.1, 0.05), np.ones(2), 20)
    res.save(data_dir(PAPER, out) / "{name}")
    fig, ax = plotting.new_figure(width=3, height=2)
    ax.plot(res.t, res.f_gap[:, 0])
    return [plotting.save_figure(fig, figure_dir(PAPER, out) / "{name}.png")]
'''


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A folder with pyproject.toml and experiments/general/{one,two}.py, as the current folder."""
    root = tmp_path / "checkout"
    exp = root / "experiments" / "general"
    exp.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for name, claim in (("one", "counted-one"), ("two", "counted-two")):
        (exp / f"{name}.py").write_text(SCRIPT.format(name=name, claim=claim))
    monkeypatch.chdir(root)
    monkeypatch.setenv("SAMLAB_CACHE_DIR", str(tmp_path / "cache"))
    return root


@pytest.fixture
def counted_pair(monkeypatch):
    """Two passing test claims of paper general that count their runs; the real general claims are
    replaced by them for the test (so the counts are the whole story)."""
    calls = {"general/counted-one": 0, "general/counted-two": 0}

    def make(cid):
        def measure(settings, seed):
            """Counts its calls (test-only claim)."""
            calls[cid] += 1
            return Verdict(passed=True, measured=1.0, predicted=1.0, tolerance="none",
                           details={"z": 0.1, "a": [1.5, "x"], "m": {"q": 1, "b": 2}})  # unsorted, nested
        return measure

    from samlab import claims

    claims.all()  # load the registry first, so that it is not loaded again over the test's changes
    for cid in list(_REGISTRY):
        if cid.startswith("general/"):
            monkeypatch.delitem(_REGISTRY, cid)
    for cid in calls:
        monkeypatch.setitem(_REGISTRY, cid, Claim(id=cid, paper="general", statement=cid, provenance="test",
                                                  kind="bound", measure=make(cid), quick={}, full={}))
    return calls


def _script_runs(err: str) -> list[str]:
    return sorted(re.findall(r"\] (general/\w+\.py) OK \d", err))


def test_quick_outputs_never_overwrite_full_ones_and_are_marked(checkout, counted_pair, capsys):
    assert main(["reproduce", "--quick", "general"]) == 0
    quick = checkout / "figures" / "quick"
    assert (quick / "REPORT.md").is_file() and (quick / "general" / "one.png").is_file()
    assert (quick / "general" / "data" / "two.npz").is_file()
    assert not (checkout / "figures" / "general").exists()  # the full-mode folder is untouched
    # the quick figure carries the mark: it differs from the same figure drawn in full mode
    full_png = checkout / "full" / "general" / "one.png"
    assert main(["reproduce", "one", "--out", str(checkout / "full")]) == 0
    assert full_png.read_bytes() != (quick / "general" / "one.png").read_bytes()
    # a figure script run alone with --quick, and `samlab run --quick`, also write under figures/quick
    from samlab.execution import load_script
    from samlab.experiment import script_main

    module = load_script(checkout / "experiments" / "general" / "one.py")
    (quick / "general" / "one.png").unlink()
    script_main(module.main, ["--quick"])
    assert (quick / "general" / "one.png").read_bytes() != full_png.read_bytes()
    cfg = checkout / "tiny.toml"
    cfg.write_text('[[experiment]]\nname = "q"\nproblem = {kind = "quadratic", eigenvalues = [1.0, 4.0]}\n'
                   'steps = 50\n[experiment.quick]\nsteps = 10\n[[experiment.algorithms]]\nalgorithm = "gd"\n'
                   'lr = 0.1\n')
    assert main(["run", "--quick", str(cfg)]) == 0
    assert (quick / "runs" / "tiny" / "tiny.png").is_file() and not (checkout / "figures" / "runs").exists()
    capsys.readouterr()


def test_reproduce_is_incremental(checkout, counted_pair, capsys):
    """Nothing changed: nothing runs. One script changed: it and the claims it lists run again. An
    output removed: its script runs again. --no-cache: everything runs."""
    argv = ["reproduce", "--quick", "general"]
    assert main(argv) == 0
    first = capsys.readouterr()
    assert _script_runs(first.err) == ["general/one.py", "general/two.py"]
    assert counted_pair == {"general/counted-one": 1, "general/counted-two": 1}
    report = (checkout / "figures" / "quick" / "REPORT.md").read_bytes()
    verdicts = (checkout / "figures" / "quick" / "verdicts.json").read_bytes()

    assert main(argv) == 0
    again = capsys.readouterr()
    assert _script_runs(again.err) == [] and counted_pair == {"general/counted-one": 1, "general/counted-two": 1}
    assert "4 tasks, 4 unchanged since the last run (reused)" in again.err
    assert "(unchanged, reused)" in again.err and "2/2 claims passed" in again.out
    # reused records give the same report and verdicts, byte for byte
    assert (checkout / "figures" / "quick" / "REPORT.md").read_bytes() == report
    assert (checkout / "figures" / "quick" / "verdicts.json").read_bytes() == verdicts

    script = checkout / "experiments" / "general" / "two.py"
    script.write_text(script.read_text() + "\n# a changed script\n")
    assert main(argv) == 0
    assert _script_runs(capsys.readouterr().err) == ["general/two.py"]
    assert counted_pair == {"general/counted-one": 1, "general/counted-two": 2}

    (checkout / "figures" / "quick" / "general" / "data" / "one.npz").unlink()  # an output it wrote is gone
    assert main(argv) == 0
    assert _script_runs(capsys.readouterr().err) == ["general/one.py"]
    assert (checkout / "figures" / "quick" / "general" / "data" / "one.npz").is_file()
    assert counted_pair == {"general/counted-one": 1, "general/counted-two": 2}

    assert main([*argv, "--no-cache"]) == 0
    assert _script_runs(capsys.readouterr().err) == ["general/one.py", "general/two.py"]
    assert counted_pair == {"general/counted-one": 2, "general/counted-two": 3}


def _worst(settings, seed):
    """Reports a search's progress and its budget, saves its instance (test-only worst-case claim)."""
    from samlab.experiment import data_dir
    from samlab.result import save_npz

    save_npz(data_dir("general") / "worst", x0=np.ones(2))
    progress = settings.get("progress")
    for generation in range(3):
        if progress is not None:
            progress(generation, 0.5 + 0.1 * generation)
    ratio = 0.7
    return Verdict(passed=ratio <= 1.0, measured=ratio, predicted=1.0, tolerance="worst ratio ≤ 1 + 1e-9",
                   quantity="worst ratio measured/bound",
                   details={"bound_claim": "general/gd-linear-rate", "worst_ratio": ratio, "pep_ratio": None,
                            "pep_exact": None, "relaxation": "", "family": "test", "budget": settings["budget"],
                            "instance": "general/data/worst.npz", "broken": False})


@pytest.fixture
def worst_claim(monkeypatch):
    c = Claim(id="general/gd-linear-rate-worst-case", paper="general", statement="worst", provenance="test",
              kind="worst-case", measure=_worst, quick={"budget": 10}, full={"budget": 100})
    monkeypatch.setitem(_REGISTRY, c.id, c)
    return c.id


def test_worst_case_runs_a_deeper_search_with_progress(worst_claim, tmp_path, capsys):
    path = tmp_path / "w.json"
    assert main(["worst-case", worst_claim, "--budget", "5000", "--json", str(path), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "general" / "data" / "worst.npz").is_file()  # the instance, under --out
    captured = capsys.readouterr()
    assert "budget 5000" in captured.err and "search step 2, worst ratio so far 0.7" in captured.err
    assert "PASS  general/gd-linear-rate-worst-case\n      worst ratio measured/bound: 0.7 vs 1 predicted" in captured.out
    assert "worst ratio found (measured/bound): 0.7" in captured.out and "instance: general/data/worst.npz" in captured.out
    record = json.loads(path.read_text())
    assert record["budget"] == 5000 and record["details"]["budget"] == 5000 and record["details"]["mode"] == "full"
    assert main(["worst-case", worst_claim, "--out", str(tmp_path)]) == 0  # the claim's own full-mode budget
    assert "budget 100" in capsys.readouterr().err


def test_worst_case_usage_errors(worst_claim, tmp_path, capsys):
    assert main(["worst-case", "general/no-such-claim"]) == 2
    assert "unknown claim" in _one_line_error(capsys.readouterr(), "worst-case")
    assert main(["worst-case", "general/gd-linear-rate"]) == 2
    line = _one_line_error(capsys.readouterr(), "worst-case")
    assert "not a worst-case claim" in line and worst_claim in line
    assert main(["worst-case", worst_claim, "--budget", "0"]) == 2
    assert main(["worst-case", worst_claim, "--json", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_mutants_command_is_wired_when_the_module_exists(monkeypatch, capsys):
    import importlib.machinery
    import types

    from samlab.cli import build_parser

    if "samlab.mutants" not in sys.modules:
        fake = types.ModuleType("samlab.mutants")
        fake.__spec__ = importlib.machinery.ModuleSpec("samlab.mutants", None)

        def add_mutants_parser(subparsers):
            p = subparsers.add_parser("mutants", help="mutation suite")
            p.add_argument("--jobs", type=int, default=1)
            return p

        fake.add_mutants_parser = add_mutants_parser
        fake.run_mutants = lambda args: 0 if args.jobs == 3 else 1
        monkeypatch.setitem(sys.modules, "samlab.mutants", fake)
        assert main(["mutants", "--jobs", "3"]) == 0
    assert "mutants" in build_parser()._subparsers._group_actions[0].choices
