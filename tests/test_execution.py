"""Executors: order, callbacks, errors, and identical verdicts whichever executor runs the claims."""

from __future__ import annotations

from functools import partial

import pytest

import samlab as sl
from samlab.claims import Claim
from samlab.claims.base import _REGISTRY
from samlab.execution import check_claim, executor_name, map_tasks, run_script, run_task


def square(x):
    return x * x


def explode(x):
    if x == 2:
        raise RuntimeError("task 2 broke")
    return x


def _strip_time(records):
    """The records without their wall-clock seconds (top level; never inside details)."""
    out = []
    for r in records:
        assert "seconds" not in r["details"]
        out.append({k: v for k, v in r.items() if k != "seconds"})
    return out


def test_serial_preserves_order_and_calls_back():
    seen = []
    res = map_tasks(square, [3, 1, 2], on_done=lambda i, item, r: seen.append((i, item, r)))
    assert res == [9, 1, 4]
    assert sorted(seen) == [(0, 3, 9), (1, 1, 1), (2, 2, 4)]


def test_process_pool_preserves_order():
    seen = []
    res = map_tasks(square, list(range(7)), jobs=2, on_done=lambda i, item, r: seen.append(i))
    assert res == [i * i for i in range(7)]
    assert sorted(seen) == list(range(7))


def test_empty_and_bad_jobs():
    assert map_tasks(square, []) == []
    with pytest.raises(ValueError, match="jobs"):
        map_tasks(square, [1], jobs=0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_task_exception_propagates(jobs):
    with pytest.raises(RuntimeError, match="task 2 broke"):
        map_tasks(explode, [1, 2, 3], jobs=jobs)


def test_executor_names():
    assert executor_name(1) == "serial"
    assert "2 workers" in executor_name(2)
    assert "dask" in executor_name(1, "tcp://x:8786")


def _measure_raises(s, seed):
    """Raises on purpose (a broken claim must become a failed verdict)."""
    raise ZeroDivisionError("deliberate failure inside a claim")


def test_a_claim_that_raises_is_a_failed_record(monkeypatch):
    c = Claim(id="general/raises-on-purpose", paper="general", statement="raises", provenance="test",
              kind="bound", measure=_measure_raises, quick={}, full={})
    monkeypatch.setitem(_REGISTRY, c.id, c)
    r = check_claim(c.id, quick=True)
    assert r["passed"] is False
    assert r["details"]["error"] == "ZeroDivisionError: deliberate failure inside a claim"
    assert "Traceback" in r["details"]["traceback"]
    assert r["measured"] is None and r["id"] == c.id and r["paper"] == "general"


def test_run_script_records_a_failure(tmp_path):
    bad = tmp_path / "general" / "broken.py"
    bad.parent.mkdir()
    bad.write_text('"""Broken."""\ndef main(quick=False, out=None):\n    raise ValueError("no data")\n')
    r = run_script(str(bad), quick=True, out=str(tmp_path / "figs"))
    assert r["ok"] is False and r["error"] == "ValueError: no data" and r["outputs"] == []
    good = tmp_path / "general" / "good.py"
    good.write_text('"""Good."""\nfrom pathlib import Path\n'
                    'def main(quick=False, out=None):\n    return [Path(out) / f"q{quick}.png"]\n')
    r = run_task(("script", str(good)), quick=True, out=str(tmp_path))
    assert r["ok"] and r["outputs"] == [str(tmp_path / "qTrue.png")]
    with pytest.raises(ValueError, match="task kind"):
        run_task(("figure", "x"))


def test_executors_give_identical_verdicts():
    """Serial, process pool and a dask LocalCluster: same verdicts on the general claims (quick)."""
    distributed = pytest.importorskip("distributed")
    ids = [c.id for c in sl.claims.by_paper("general")]
    fn = partial(check_claim, quick=True, seed=0)
    serial = map_tasks(fn, ids)
    pooled = map_tasks(fn, ids, jobs=2)
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        done = []
        dasked = map_tasks(fn, ids, scheduler=cluster, on_done=lambda i, item, r: done.append(item))
    assert sorted(done) == sorted(ids)
    assert [r["id"] for r in serial] == ids
    assert _strip_time(serial) == _strip_time(pooled) == _strip_time(dasked)
    assert all(r["passed"] for r in serial)


@pytest.mark.parametrize("kwargs, name", [
    (dict(seed=1.5), "seed"), (dict(seed=True), "seed"), (dict(seed="1"), "seed"), (dict(seed=-1), "seed"),
    (dict(quick="no"), "quick"), (dict(quick=1), "quick"), (dict(quick=None), "quick"),
])
def test_claim_check_types_are_strict(kwargs, name):
    """seed is a non-negative integer and quick a bool: neither is truncated nor converted."""
    c = sl.claims.get("general/gd-linear-rate")
    with pytest.raises(ValueError, match=name):
        c.check(**kwargs)


# ----------------------------------------------------------------------------- one BLAS thread everywhere
MATRIX_CLAIMS = ["oikonomou-loizou-2025/deterministic-usam-exact", "oikonomou-loizou-2025/thm32-linear-rate",
                 "oikonomou-loizou-2025/step-size-formulas"]  # rotated quadratics and least squares: BLAS products


def test_verify_records_are_bit_identical_with_one_or_two_jobs(tmp_path):
    """The serial path pins BLAS to one thread like the workers, so every value (not just every verdict)
    is the same bytes whatever --jobs is; with several BLAS threads here they differed around 1e-10."""
    from samlab.cli import main

    texts = {}
    for jobs in (1, 2):
        path = tmp_path / f"jobs{jobs}.json"
        assert main(["verify", "--quick", "--claim", *MATRIX_CLAIMS, "--jobs", str(jobs), "--json", str(path)]) == 0
        texts[jobs] = _strip_time(__import__("json").loads(path.read_text()))
    assert texts[1] == texts[2]


def test_serial_tasks_and_figure_scripts_run_with_one_blas_thread(monkeypatch):
    from threadpoolctl import threadpool_info

    from samlab.experiment import script_main

    def blas_threads(_=None):  # NumPy's and SciPy's BLAS libraries
        return {m["num_threads"] for m in threadpool_info() if m["user_api"] == "blas"}

    assert map_tasks(blas_threads, [0, 1]) == [{1}, {1}]
    seen = []
    monkeypatch.setattr("sys.argv", ["script.py", "--quick"])
    script_main(lambda quick, out: seen.append(blas_threads()) or [])
    assert seen == [{1}]


def _note_order(item):
    import time as _time

    _time.sleep(0.05 if item != "slow-claim" else 0.4)
    return item


def test_a_task_starts_after_the_tasks_it_waits_for():
    """The figure script (index 0) waits for its claim (index 1) even though it has the highest priority."""
    started = []
    items = ["script", "slow-claim", "other-1", "other-2"]
    out = map_tasks(_note_order, items, jobs=2, priority=[10.0, 5.0, 1.0, 1.0], after=[[1], [], [], []],
                    on_start=lambda i, item: started.append(item))
    assert out == items
    assert started.index("script") > started.index("slow-claim")
    assert started[:2] == ["slow-claim", "other-1"]  # the free worker is not left idle meanwhile
