"""The theory card: its JSON, what must hold for the built-ins, a user's variant, the command line.

Two quick cards are computed (about 4 s each on an idle machine): SAM through ``sl.card`` and a
user's sign-SAM from a file through ``samlab card``; both compute the gd/usam/sam references, so the
second also checks that the references are reproduced bit for bit.
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest
from matplotlib.image import imread

import samlab as sl
from samlab.card_cli import add_card_parser, run_card
from samlab.cli import UsageError

from samlab import cards as card_module  # noqa: E402 - sl.card is samlab.cards.card

SIGN_SAM = '''
import numpy as np
from samlab.algorithms import Algorithm, Perturbation, NONNEGATIVE, heavy_ball

def sign_sam(lr, rho, *, momentum=0.0):
    """Sign-SAM: y = x + ρ sign(g)."""
    rule = Perturbation("sign_sam", lambda g, x, state, h, ctx: (h.rho * np.sign(g), state),
                        rho=(rho, NONNEGATIVE))
    return Algorithm("sign_sam", rule, lr=lr, descent=heavy_ball(momentum))
'''


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="samlab")
    add_card_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["card", *argv])


@pytest.fixture(scope="module")
def sam_card():
    return sl.card("sam", quick=True, seed=0)


def _rows(card) -> dict:
    return {r["id"]: r for r in json.loads(card.to_json())["rows"]}


def test_json_has_the_fixed_rows_and_shape(sam_card):
    data = json.loads(sam_card.to_json())
    assert list(data)[:3] == ["algorithm", "hypers", "mode"] and "rows" in data
    assert data["algorithm"] == "sam" and data["hypers"] == {"lr": 0.1, "rho": 0.05} and data["mode"] == "quick"
    assert [r["id"] for r in data["rows"]] == list(card_module.ROW_IDS)
    for row in data["rows"]:
        assert list(row)[:5] == ["id", "question", "measured", "ci", "reference"]
        assert list(row["reference"]) == ["gd", "usam", "sam"]
        assert row["ci"] is None or (len(row["ci"]) == 2 and row["ci"][0] <= row["ci"][1])
        assert row["protocol"]
    assert "NaN" not in sam_card.to_json() and "Infinity" not in sam_card.to_json()
    assert sam_card.rows == data["rows"]
    assert sam_card.to_json() == sam_card.to_json()
    table = str(sam_card)
    assert all(row_id in table for row_id in card_module.ROW_IDS)


def test_builtin_expectations(sam_card):
    """What must hold for the built-ins, each against its derivation or theorem.

    Tolerances: the deterministic SAM rows sit on an exact 2-cycle (plateau (L/2)c², c = γLρ/(2 − γL)),
    so fitted exponents agree with the closed form to rounding (1e-8 allows ~1e-9 relative error in
    the plateaus); the −cos fixed point contracts by 1 − lr = 0.9 per step over 2000 steps, so only
    rounding (1e-15) remains; thresholds are checked as brackets, widened by the horizon bias the
    protocol states (2 ln 2/T growth per step reads as bounded).
    """
    rows = _rows(sam_card)
    ref = lambda row_id, name: rows[row_id]["reference"][name]  # noqa: E731

    # exact convergence: gd and usam reach x*; sam stalls on its 2-cycle
    assert rows["exact-convergence"]["measured"] is False
    assert ref("exact-convergence", "gd") is True and ref("exact-convergence", "usam") is True
    for row_id in ("plateau-rho-exponent", "plateau-lr-exponent"):
        assert ref(row_id, "gd") is None and ref(row_id, "usam") is None
    # sam plateaus with exponent 2 in ρ; in lr the closed form's own slope on the grid (4/(2 − γL) locally)
    assert abs(rows["plateau-rho-exponent"]["measured"] - 2.0) < 1e-8
    lr_theory = rows["plateau-lr-exponent"]["theory"]["values"]["sam"]
    assert 2.0 < lr_theory < 2.1
    assert abs(rows["plateau-lr-exponent"]["measured"] - lr_theory) < 1e-8
    # one-sample floor: x − x* = ρz makes SAM's recursion ρ-free on a consistent system, so the floor ∝ ρ²
    lo, hi = rows["stochastic-floor-rho-exponent"]["ci"]
    assert lo <= 2.0 <= hi
    assert ref("stochastic-floor-rho-exponent", "usam") is None  # interpolation: USAM converges exactly
    assert rows["decaying-rho-removes-floor"]["measured"] is True
    assert ref("decaying-rho-removes-floor", "usam") is None and ref("decaying-rho-removes-floor", "gd") is None
    # saddle: sam trapped at small lr (lr·L = 0.1), gd and usam (ρ|λ₋| = 0.1 < 1) escape
    assert rows["saddle-trapped"]["measured"] is True
    assert ref("saddle-trapped", "gd") is False and ref("saddle-trapped", "usam") is False
    assert rows["saddle-trapped"]["reference_details"]["gd"]["escaped_at"] > 0
    # Kim et al. Theorem 1: USAM attracts the saddle iff ρ|λ₋| > 1, here ρ* = 1
    lo, hi = rows["saddle-threshold"]["reference_ci"]["usam"]
    assert lo <= 1.0 and hi >= 1.0 - 2 * math.log(2) / 500
    assert ref("saddle-threshold", "gd") is None
    # −cos x, ρ = 4: SAM stalls at 2π − 4, at distance 4 − π from π; gd reaches 0
    assert abs(rows["hallucinated-point"]["measured"] - (4.0 - math.pi)) < 1e-9
    assert ref("hallucinated-point", "gd") < 1e-12
    # stability edges: gd 2, usam 2/(1 + ρL), sam 2
    T = rows["max-stable-lr-L"]["details"]["steps"]
    for name, edge in (("gd", 2.0), ("usam", 2.0 / 1.05), ("sam", 2.0)):
        lo, hi = rows["max-stable-lr-L"]["reference_ci"][name]
        assert lo <= edge + 2 * math.log(2) / T and hi >= edge


def test_card_checks_its_arguments_before_running(monkeypatch):
    monkeypatch.setattr(card_module, "_battery", lambda *a, **k: pytest.fail("ran before checking"))
    with pytest.raises(ValueError, match="lam"):
        sl.card("unified_sam")
    with pytest.raises(ValueError, match="takes no rho"):
        sl.card("gd", rho=0.1)
    with pytest.raises(ValueError, match="lam must lie in"):
        sl.card("unified_sam", lam=2.0)
    with pytest.raises(ValueError, match="number or a boolean"):
        sl.card("sam", momentum="fast")
    with pytest.raises(ValueError, match="seed"):
        sl.card("sam", seed=-1)


@pytest.mark.parametrize("argv, message", [
    (["no_such_algorithm"], "unknown algorithm"),
    (["sam", "--hyper", "rho"], "NAME=NUMBER"),
    (["sam", "--hyper", "rho=fast"], "NAME=NUMBER"),
    (["sam", "--hyper", "lam=0.5"], "takes no hyperparameter lam"),
    (["sam", "--hyper", "rho=-1"], "rho must be >= 0"),
    (["unified_sam"], "needs lam"),
    (["variants.py:nope"], "no callable 'nope'"),
    (["sam", "--out", "a_file/sub"], "cannot create"),
    (["sam", "--out", "a_file"], "not a folder"),
])
def test_usage_errors_come_before_any_work(argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "variants.py").write_text(SIGN_SAM)
    monkeypatch.setattr(card_module, "_battery", lambda *a, **k: pytest.fail("ran before checking"))
    with pytest.raises(UsageError, match=message) as info:
        run_card(_args(*argv))
    assert "\n" not in str(info.value)


def test_user_variant_from_a_file_through_the_command_line(sam_card, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "variants.py").write_text(SIGN_SAM)
    assert run_card(_args("variants.py:sign_sam", "--quick", "--json", "sign.json", "--out", "cards")) == 0
    table = capsys.readouterr().out
    assert "sign_sam" in table and "saddle-threshold" in table
    text = (tmp_path / "sign.json").read_text(encoding="utf-8")
    assert (tmp_path / "cards" / "sign_sam.json").read_text(encoding="utf-8") == text
    data = json.loads(text)
    assert data["algorithm"] == "sign_sam" and data["hypers"] == {"lr": 0.1, "rho": 0.05}
    rows = {r["id"]: r for r in data["rows"]}
    # the references were computed again in this call: the same numbers, bit for bit
    sam_rows = _rows(sam_card)
    for row_id in card_module.ROW_IDS:
        for key in ("reference", "reference_ci", "reference_details"):
            assert rows[row_id][key] == sam_rows[row_id][key], (row_id, key)
    # sign-SAM on ½(x² − y²): δ_y = −ρ sign(y) decouples y' = (1 + γ)y − γρ sign(y), which stays in
    # (−ρ, ρ) iff |y₀| ≤ ρ: the threshold is the start's offset 1e-3 [derived]
    lo, hi = rows["saddle-threshold"]["ci"]
    assert lo <= 1e-3 <= hi
    assert rows["exact-convergence"]["measured"] is False
    png = imread(tmp_path / "cards" / "sign_sam.png")
    from samlab.plotting import DPI

    assert png.shape[1] <= 7 * DPI and png.shape[0] <= 10 * DPI  # at most 7 in wide at the saved dpi, one page
    assert np.ptp(png[..., :3]) > 0  # not blank
