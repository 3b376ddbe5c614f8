"""Test-wide settings: the run cache of the tests lives in a temporary folder, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_run_cache(tmp_path_factory):
    """``samlab verify``/``reproduce`` turn the run cache on: point it at a folder of this session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMLAB_CACHE_DIR", str(tmp_path_factory.mktemp("samlab-cache")))
        patch.delenv("SAMLAB_CACHE", raising=False)
        yield
