"""The mutation suite: the catalogue applies to the current code, copies are mutated (never the tree),
three mutants are checked against a few claims in quick mode, and the outputs are stable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from samlab import cache, mutants
from samlab.mutants import CATALOGUE, Mutant, PatchError

# the issue's twelve bugs plus F-SAM's σ and EMA, Nice with replacement, the noise scale, the zero-direction rule
REQUIRED = {
    "normalization-dropped", "ascent-sign-flipped", "descent-gradient-at-x", "nsam-shares-sample",
    "momentum-dampening", "importance-unweighted", "schedule-off-by-one", "unified-lambda-reversed",
    "er-constant-uniform", "vasso-theta-swapped", "divergence-never-flagged", "rsam-noise-ignored",
    "fsam-sigma-sign", "fsam-ema-swapped", "nice-with-replacement", "noise-scale", "zero-direction-nan",
}


def test_every_catalogue_patch_applies_exactly_once_to_the_current_code():
    mutants.check_catalogue()  # raises PatchError naming every stale mutant
    for m in CATALOGUE:
        original = (mutants.package_dir() / m.file).read_text(encoding="utf-8")
        patched = mutants.patched_text(m)
        assert original.count(m.old) == 1, m.id
        assert patched != original and patched.count(m.new) >= 1, m.id


def test_catalogue_covers_the_issue_and_marks_the_central_behaviours():
    ids = [m.id for m in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert REQUIRED <= set(ids), sorted(REQUIRED - set(ids))
    central = {m.id for m in CATALOGUE if m.central}
    assert central == {"normalization-dropped", "descent-gradient-at-x", "importance-unweighted"}
    assert all(m.required == (2 if m.central else 1) for m in CATALOGUE)


def test_every_mutated_file_is_part_of_the_run_cache_key():
    """A mutated copy hashes its own sources into every run key, so it never reads a run of the real code."""
    for m in CATALOGUE:
        top = Path(m.file).parts[0]
        assert m.file in cache.RUN_SOURCES or top in cache.RUN_SOURCES, m.id


@pytest.mark.parametrize("old, times", [("this text is nowhere in the engine", 0),
                                        ("    v = h.momentum * v + g\n", 2)])
def test_a_stale_patch_is_an_error_naming_the_mutant(old, times):
    m = Mutant("stale-one", "algorithms/descents.py" if times else "engine.py", old, "pass\n",
               "a patch written against older code", "nothing")
    with pytest.raises(PatchError, match=rf"'stale-one' no longer applies: .*occurs {times} times"):
        mutants.patched_text(m)
    with pytest.raises(PatchError, match="stale-one"):
        mutants.check_catalogue([*CATALOGUE[:2], m])


def test_a_patch_that_does_not_compile_is_refused():
    m = Mutant("broken-syntax", "engine.py", "                Y = X + delta", "                Y = X +",
               "a syntax error", "everything")
    with pytest.raises(PatchError, match="'broken-syntax'.*does not compile"):
        mutants.patched_text(m)


@pytest.mark.parametrize("kwargs, word", [
    ({"id": "Bad Id"}, "id"), ({"file": "/abs/engine.py"}, "file"), ({"file": "../x.py"}, "file"),
    ({"file": "mutants.py"}, "file"), ({"new": "x = 1"}, "differ"), ({"breaks": " "}, "breaks"),
])
def test_mutant_fields_are_validated(kwargs, word):
    base = dict(id="ok-id", file="engine.py", old="x = 1", new="x = 2", description="d", breaks="b")
    with pytest.raises(ValueError, match=word):
        Mutant(**{**base, **kwargs})


def test_mutated_copy_leaves_the_package_untouched(tmp_path):
    m = mutants.get("rsam-noise-ignored")
    source = mutants.package_dir() / m.file
    before = source.read_bytes()
    root = mutants.mutated_copy(m, tmp_path)
    copied = (root / "samlab" / m.file).read_text(encoding="utf-8")
    assert m.new in copied and m.old not in copied
    assert source.read_bytes() == before
    assert not list((root / "samlab").rglob("__pycache__"))
    with pytest.raises(ValueError, match="copy"):
        mutants.apply(m, mutants.package_dir())
    with pytest.raises(ValueError, match="unknown mutant 'rsam-noise'; did you mean rsam-noise-ignored"):
        mutants.get("rsam-noise")


# the claims are chosen so that each mutant has a claim that must kill it and one that cannot see it
SUITE_CLAIMS = ["general/sam-period-two-cycle", "oikonomou-loizou-2025/deterministic-usam-exact",
                "oikonomou-loizou-2025/er-constants"]
IMPORT_BREAKER = Mutant("import-breaker", "noise.py", "import numpy as np\n",
                        "import numpy as np\nimport nonexistent_module\n",
                        "an import of a module that does not exist", "the import of samlab")
CLAIMS_BREAKER = Mutant("claims-breaker", "claims/khanh_2024.py", "from __future__ import annotations\n",
                        "from __future__ import annotations\nimport nonexistent_claims_dependency\n",
                        "a claims module imports a module that does not exist", "the import of a paper's claims")


@pytest.fixture(scope="module")
def suite():
    """Three catalogued mutants and two that break an import, against three quick claims (≈ 10 s on 2 jobs)."""
    return mutants.run_suite(["normalization-dropped", "descent-gradient-at-x", "unified-lambda-reversed",
                              IMPORT_BREAKER, CLAIMS_BREAKER], SUITE_CLAIMS, jobs=2, timeout=300.0)


def test_three_mutants_are_killed_by_the_claims_that_see_them(suite):
    assert suite["baseline"] == {c: "pass" for c in SUITE_CLAIMS}
    rec = {r["mutant"]: r for r in suite["records"]}
    assert list(rec) == ["normalization-dropped", "descent-gradient-at-x", "unified-lambda-reversed",
                         "import-breaker", "claims-breaker"]
    # SAM's period-two cycle needs the normalized perturbation and the descent gradient at y
    assert "general/sam-period-two-cycle" in rec["normalization-dropped"]["killed_by"]
    assert "general/sam-period-two-cycle" in rec["descent-gradient-at-x"]["killed_by"]
    # Unified SAM at λ = 0 (USAM) converges exactly; reversed, λ = 0 is SAM and stalls at its ρ-floor
    assert "oikonomou-loizou-2025/deterministic-usam-exact" in rec["unified-lambda-reversed"]["killed_by"]
    # the ER constants are formulas and exact expectations: no algorithm runs, nothing to kill
    for r in suite["records"]:
        assert "oikonomou-loizou-2025/er-constants" not in r["killed_by"]
        n = len(r["killed_by"])
        expected = "killed" if n >= r["required"] else ("under-killed" if n else "survived")
        assert r["status"] == ("import-error" if r["mutant"].endswith("-breaker") else expected)


@pytest.mark.parametrize("index, module", [(-2, "nonexistent_module"), (-1, "nonexistent_claims_dependency")])
def test_a_mutant_that_breaks_an_import_is_reported_not_killed(suite, index, module):
    """Of the package (at once) or of a paper's claims (which samlab.claims turns into a failing claim)."""
    r = suite["records"][index]
    assert r["status"] == "import-error" and r["killed_by"] == []
    assert module in r["error"] and "samlab-mutant-" not in r["error"]


def test_outputs_are_written_atomically_with_stable_bytes(suite, tmp_path):
    js, md = mutants.write_outputs(suite, tmp_path / "a")
    js2, md2 = mutants.write_outputs(suite, tmp_path / "b")
    assert js.read_bytes() == js2.read_bytes() and md.read_bytes() == md2.read_bytes()
    data = json.loads(js.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 5
    for row in data:
        assert {"mutant", "description", "file", "killed_by", "status"} <= set(row)
    text = md.read_text(encoding="utf-8")
    assert "| mutant | what it breaks | killed by | status |" in text
    assert "`general/sam-period-two-cycle`" in text and "import-breaker" in text
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_command_line_usage_errors_exit_2_before_any_work(capsys, tmp_path):
    assert mutants.main(["--mutant", "no-such-mutant"]) == 2
    assert "unknown mutant 'no-such-mutant'" in capsys.readouterr().err
    assert mutants.main(["--claim", "general/no-such-claim"]) == 2
    assert "unknown claim" in capsys.readouterr().err
    assert mutants.main(["--jobs", "0"]) == 2
    assert mutants.main(["--timeout", "-1"]) == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert mutants.main(["--mutant", "noise-scale", "--out", str(blocker / "sub")]) == 2
    assert "--out" in capsys.readouterr().err
    assert mutants.main(["--list"]) == 0
    assert f"{len(CATALOGUE)} mutants; every patch applies" in capsys.readouterr().out


def test_add_mutants_parser_wires_a_subcommand():
    import argparse

    parser = argparse.ArgumentParser(prog="samlab")
    sub = parser.add_subparsers(dest="command")
    mutants.add_mutants_parser(sub)
    args = parser.parse_args(["mutants", "--jobs", "2", "--mutant", "noise-scale", "--list"])
    assert args.func is mutants.run_mutants and args.jobs == 2 and args.mutant == ["noise-scale"]
    assert args.func(args) == 0


WORKER_KILLER = Mutant("worker-killer", "engine.py", "    started = time.perf_counter()\n",
                       "    started = time.perf_counter()\n    import os; os._exit(7)\n",
                       "the interpreter exits inside every run", "every run")

TEST_CLAIMS = """
import time
import samlab as sl
from samlab.claims import Verdict, claim, declare_paper

declare_paper("mutation-suite-test", "Claims of the mutation suite's own tests")

@claim(id="mutation-suite-test/sleeps", statement="never answers in time", provenance="test [derived]",
       kind="bound", quick={}, full={})
def sleeps(s, seed):
    \"\"\"Sleeps far beyond the test's time limit.\"\"\"
    time.sleep(60)
    return Verdict(passed=True, measured=0.0, predicted=0.0, tolerance="none")

@claim(id="mutation-suite-test/gd-step", statement="one GD step halves x on x²/2 with γ = 1/2",
       provenance="test [derived]", kind="limit", quick={}, full={})
def gd_step(s, seed):
    \"\"\"x1 = x0 − γ x0 = 0.5 exactly in floating point: tolerance 0.\"\"\"
    res = sl.run(sl.problems.Quadratic([[1.0]]), sl.algorithms.gd(0.5), [1.0], 1)
    return Verdict(passed=float(res.x[0, 0]) == 0.5, measured=float(res.x[0, 0]), predicted=0.5, tolerance="0")

@claim(id="mutation-suite-test/formula", statement="2 + 2 = 4", provenance="test [derived]", kind="bound",
       quick={}, full={})
def formula(s, seed):
    \"\"\"Integer arithmetic: exact.\"\"\"
    return Verdict(passed=2 + 2 == 4, measured=4, predicted=4, tolerance="0")
"""


@pytest.fixture
def test_claims(tmp_path):
    """A claims file of three test-only claims, removed from the registry afterwards."""
    from samlab.claims import base

    path = tmp_path / "suite_claims.py"
    path.write_text(TEST_CLAIMS, encoding="utf-8")
    before = dict(base.registry())
    yield path
    for cid in [c for c in base.registry() if c not in before]:
        del base.registry()[cid]
    base.PAPERS.pop("mutation-suite-test", None)
    import sys

    for key in [k for k in sys.modules if k.startswith("samlab_user_claims_") and "suite_claims" in k]:
        del sys.modules[key]


def test_time_outs_and_dead_workers_are_outcomes_and_the_rest_still_runs(test_claims):
    """The sleeping claim exceeds the 2 s limit on both copies, so it kills nothing; a worker that exits
    inside the gd-step claim's run kills it (error), and a new worker checks the formula claim."""
    ids = ["mutation-suite-test/sleeps", "mutation-suite-test/gd-step", "mutation-suite-test/formula"]
    suite = mutants.run_suite([WORKER_KILLER], ids, jobs=2, timeout=2.0, modules=[test_claims])
    assert suite["baseline"] == {ids[0]: "timeout", ids[1]: "pass", ids[2]: "pass"}
    (r,) = suite["records"]
    assert r["killed_by"] == [ids[1]] and r["status"] == "killed"
    assert r["crashed_by"] == {ids[1]: "error"} and "status 7" in r["errors"][ids[1]]
    text = mutants.render_markdown(suite)
    assert "fail on the unmodified code" in text and f"`{ids[0]}` (timeout)" in text


def test_a_stale_catalogue_stops_the_command(monkeypatch, capsys):
    stale = Mutant("stale-entry", "engine.py", "text that was edited away", "x", "stale", "nothing")
    monkeypatch.setattr(mutants, "CATALOGUE", (*CATALOGUE, stale))
    assert mutants.main(["--list"]) == 1
    assert "'stale-entry' no longer applies" in capsys.readouterr().err
