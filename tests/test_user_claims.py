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
