"""General claims: provenance, and the instance, starts and fit shared with the figure scripts."""

from __future__ import annotations

import re

import numpy as np

import samlab as sl
import samlab.claims.general  # noqa: F401  (registers the claims)
from samlab.claims.base import registry
from samlab.setups import general as setup

CLAIM_IDS = sorted(cid for cid, c in registry().items() if c.paper == "general")


def test_provenance_cites_sources_with_a_tag():
    assert len(CLAIM_IDS) == 3
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
