"""General claims: provenance, controls that make each claim fail, the worst case of the GD rate, and the
instance, starts and fit shared with the figure scripts."""

from __future__ import annotations

import re

import numpy as np
import pytest

import samlab as sl
import samlab.claims.general  # noqa: F401  (registers the claims)
from samlab.claims.base import registry
from samlab.setups import general as setup

CLAIM_IDS = sorted(cid for cid, c in registry().items() if c.paper == "general")


def test_provenance_cites_sources_with_a_tag():
    assert len(CLAIM_IDS) == 5
    for cid in CLAIM_IDS:
        c = registry()[cid]
        assert re.search(r"\[(paper|official code|derived)\]", c.provenance)
        assert not re.search(r"\.md\b|(^|\s)/[a-z]+/|Pitfall|Prediction|\bnote", c.provenance + c.doc)
    # the claims run the settings the figure scripts read
    for cid, table in (("general/gd-linear-rate", setup.GD_LINEAR_RATE), ("general/usam-exact-convergence", setup.USAM_EXACT),
                       ("general/sam-period-two-cycle", setup.SAM_CYCLE)):
        assert registry()[cid].quick == table["quick"] and registry()[cid].full == table["full"]


def test_instance_and_starts_are_keyed_by_the_seed():
    p, q = setup.quadratic(5, 3), setup.quadratic(5, 3)
    np.testing.assert_array_equal(p.H, q.H)
    np.testing.assert_allclose(p.eigenvalues, np.geomspace(*setup.SPECTRUM, 5), rtol=1e-12)
    assert not np.allclose(p.H, setup.quadratic(5, 4).H)
    np.testing.assert_array_equal(setup.starts(3, 4, 5), setup.starts(3, 8, 5)[:4])  # fewer runs: a prefix


def test_gd_fits_give_the_claims_measured_factor():
    """The figure's slowest-run fit is the claim's measured factor (same function, window and data)."""
    v = registry()["general/gd-linear-rate"].check(quick=True, seed=0)
    s = setup.settings(setup.GD_LINEAR_RATE, True)
    p = setup.quadratic(s["dim"], 0)
    res = sl.run(p, sl.algorithms.gd(1.0 / p.L), setup.starts(0, s["runs"], p.dim), s["steps"], checkpoints=200,
                 name="gd-linear-rate", seed=0)
    assert max(fit.factor for fit in setup.gd_fits(res.t, res.f_gap)) == v.measured


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claims_pass_and_their_controls_fail(claim_id):
    c = registry()[claim_id]
    v = c.check(quick=True, seed=0)
    assert v.passed and v.quantity and v.criteria and v.passed == all(x.passed for x in v.criteria)
    assert c.controls
    for outcome in c.check_controls(quick=True, seed=0):
        assert outcome.error is None and outcome.discriminates, (claim_id, outcome.name)


def test_gd_worst_case_is_tight_and_exact():
    """Quadratics attain max(|1 − γμ|, |1 − γL|)^{2N}: the search comes within 1e-3 of it and the exact PEP
    of GD agrees with the bound to the solver's accuracy."""
    v = registry()["general/gd-linear-rate-worst-case"].check(quick=True, seed=0)
    d = v.details
    assert d["bound_claim"] == "general/gd-linear-rate" and d["pep_exact"] is True and d["relaxation"] == ""
    assert 0.999 < d["worst_ratio"] <= 1 + 1e-9 and d["pep_ratio"] == pytest.approx(1.0, abs=1e-6)
    assert not d["broken"] and d["instance"] == "" and d["budget"] == setup.GD_WORST_CASE["quick"]["budget"]


def test_gd_rate_bound():
    assert setup.gd_rate_bound(3, 0.1, 0.1, 10.0) == pytest.approx(0.99 ** 6)
    assert setup.gd_rate_bound(1, 0.199, 0.1, 10.0) == pytest.approx(0.99 ** 2)  # γ > 2/(L + μ): |1 − γL| dominates


def test_figure_scripts_declare_what_they_reproduce(tmp_path):
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "experiments" / "general"
    scripts = sorted(root.glob("*.py"))
    assert [p.stem for p in scripts] == ["gd_linear_rate", "sam_cycle", "usam_vs_sam", "worst_case"]
    spec = importlib.util.spec_from_file_location("general_worst_case", root / "worst_case.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.REPRODUCES is None and mod.PAPER == "general" and mod.CLAIMS[0] in registry()
    (png,) = mod.main(quick=True, out=tmp_path)
    with np.load(tmp_path / "general" / "data" / "worst_case_gd.npz") as z:
        assert np.all(z["worst"] <= z["bound"] * (1 + 1e-9))
        np.testing.assert_allclose(z["pep"], setup.gd_rate_bound(z["pep_N"], 1.0 / 10.0, 0.1, 10.0), rtol=1e-6)
    for path in scripts:
        text = path.read_text()
        assert "REPRODUCES = None" in text
