"""The run cache: content keys, hits, corrupt and foreign entries, concurrent writers, location."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import samlab as sl
from samlab import cache
from samlab.fingerprint import Unfingerprintable, digest


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SAMLAB_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_SECONDS", 0.0)  # the tests' runs are tiny: store them all
    return tmp_path / "cache"


class Counting(sl.problems.Quadratic):
    """A quadratic that counts its gradient calls (class-level, so not part of its content)."""

    calls = 0

    def grad(self, X):
        type(self).calls += 1
        return super().grad(X)


def _problem():
    return Counting(np.diag([1.0, 3.0]))


def test_hit_returns_the_same_result_without_computing():
    p, alg = _problem(), sl.algorithms.sam(0.1, [0.01, 0.05])
    first = sl.run(p, alg, np.ones(2), 300, cache=True)
    calls = Counting.calls
    again = sl.run(p, alg, np.ones(2), 300, cache=True)
    assert Counting.calls == calls  # nothing was computed
    for field in ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "n_zero_grad", "diverged_at",
                  "stopped_at"):
        assert np.array_equal(getattr(first, field), getattr(again, field)), field
    assert first.status.tolist() == again.status.tolist() and cache.info()["runs"] == 1


def test_cache_is_off_unless_asked(monkeypatch):
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10)
    assert cache.info()["runs"] == 0
    monkeypatch.setenv("SAMLAB_CACHE", "1")
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10)
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, cache=False)
    assert cache.info()["runs"] == 1


@pytest.mark.parametrize("change", [
    lambda kw: kw.update(x0=np.nextafter(np.ones(2), 2)),
    lambda kw: kw.update(steps=301),
    lambda kw: kw.update(seed=1),
    lambda kw: kw.update(checkpoints=7),
    lambda kw: kw.update(algorithm=sl.algorithms.sam(0.1, 0.05 + 1e-17 * 8)),
    lambda kw: kw.update(algorithm=sl.algorithms.sam(0.1, lambda k: 0.05)),
    lambda kw: kw.update(algorithm=sl.algorithms.sam(0.1, 0.05, momentum=0.5)),
    lambda kw: kw.update(problem=Counting(np.diag([1.0, np.nextafter(3.0, 4.0)]))),
    lambda kw: kw.update(observe={"g": lambda v: v.k + 0.0}),
    lambda kw: kw.update(name="other"),
])
def test_every_input_is_part_of_the_key(change):
    kw = dict(problem=_problem(), algorithm=sl.algorithms.sam(0.1, 0.05), x0=np.ones(2), steps=300, seed=0,
              checkpoints=None, name="")
    base = sl.run(kw["problem"], kw["algorithm"], kw["x0"], kw["steps"], seed=kw["seed"], cache=True)
    change(kw)
    args = {k: kw[k] for k in ("seed", "checkpoints", "name")}
    if "observe" in kw:
        args["observe"] = kw["observe"]
    sl.run(kw["problem"], kw["algorithm"], kw["x0"], kw["steps"], cache=True, **args)
    assert cache.info()["runs"] == 2, "a changed input reused the first entry"
    assert base is not None


def test_closure_values_and_constants_of_callables_are_in_the_key():
    def schedule(c):
        return lambda k: c / k

    assert digest(schedule(0.1)) != digest(schedule(0.2))
    assert digest(lambda k: 0.1 / k) != digest(lambda k: 0.2 / k)
    assert digest(lambda k: 0.1 / k) == digest(lambda k: 0.1 / k)


def test_random_generators_are_not_fingerprinted_and_such_runs_are_not_cached():
    g = np.random.default_rng(0)
    with pytest.raises(Unfingerprintable):
        digest(g)
    stop = lambda v: g.random(v.x.shape[0]) > 2.0  # noqa: E731 - a closure over a generator
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, stop=stop, cache=True)
    assert cache.info()["runs"] == 0


def test_fingerprint_is_the_same_in_another_process():
    code = ("import numpy as np, samlab as sl; from samlab.fingerprint import digest; "
            "p = sl.problems.LeastSquares(np.arange(6.).reshape(3, 2), [1., 2., 3.], reg=0.1); "
            "print(digest((p, sl.algorithms.unified_sam(0.1, 0.05, lambda k: 1 / k), sl.sampling.Uniform(1))))")
    here = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "PYTHONHASHSEED": "123"}).stdout.strip()
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": "7"}).stdout.strip()
    assert here == there and len(here) == 64


def _entries(root: Path):
    return sorted((root / "runs").rglob("*.npz"))


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "foreign"])
def test_corrupt_or_foreign_entries_are_recomputed(_cache_dir, damage):
    p, alg = _problem(), sl.algorithms.sam(0.1, 0.05)
    good = sl.run(p, alg, np.ones(2), 200, cache=True)
    (npz,) = _entries(_cache_dir)
    data = npz.read_bytes()
    if damage == "truncate":
        npz.write_bytes(data[:len(data) // 2])
    elif damage == "flip-a-byte":  # inside the compressed arrays: the member's CRC-32 no longer matches
        i = len(data) // 3
        npz.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
    else:  # another run's entry copied under this run's key
        sl.run(p, alg, np.full(2, 2.0), 200, cache=True)
        other = next(f for f in _entries(_cache_dir) if f != npz)
        npz.write_bytes(other.read_bytes())
    calls = Counting.calls
    again = sl.run(p, alg, np.ones(2), 200, cache=True)
    assert Counting.calls > calls  # recomputed, not trusted
    assert np.array_equal(again.f, good.f) and np.array_equal(again.x, good.x)
    assert sl.Result.load(npz).meta["cache_key"] == npz.stem  # and stored again, whole


def _cached_final(x):
    res = sl.run(sl.problems.Quadratic(np.diag([1.0, 2.0, 3.0])), sl.algorithms.sam(0.05, 0.1), np.full(3, x),
                 20_000, cache=True)
    return res.f[-1, 0]


def test_concurrent_writers_of_one_entry_leave_it_whole(_cache_dir):
    with ProcessPoolExecutor(2) as pool:
        values = list(pool.map(_cached_final, [1.0] * 4))
    assert len(set(values)) == 1
    assert len(_entries(_cache_dir)) == 1
    assert _cached_final(1.0) == values[0]
    assert not list((_cache_dir / "runs").rglob("*.tmp"))


def test_location_info_and_clear(_cache_dir):
    assert cache.location() == _cache_dir
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, cache=True)
    info = cache.info()
    assert info["runs"] == 1 and info["bytes"] > 0 and info["location"] == str(_cache_dir)
    assert cache.clear() == 1 and cache.info()["runs"] == 0


def test_default_location_follows_the_platform(monkeypatch):
    monkeypatch.delenv("SAMLAB_CACHE_DIR")
    import platformdirs

    assert cache.location() == Path(platformdirs.user_cache_dir("samlab", appauthor=False))


def test_runs_faster_than_a_read_are_not_stored(monkeypatch):
    monkeypatch.setattr(cache, "MIN_SECONDS", 60.0)
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, cache=True)
    assert cache.info()["runs"] == 0


def test_cache_argument_is_checked():
    with pytest.raises(ValueError, match="cache must be"):
        sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, cache="yes")


# ----------------------------------------------------------------------------- workers share one cache
def _run_in_worker(x):
    """A worker's run: True when it came from the cache (a hit carries no wall-clock seconds)."""
    res = sl.run(sl.problems.Quadratic(np.diag([1.0, 2.0, 3.0])), sl.algorithms.sam(0.05, 0.1), np.full(3, x),
                 3000)
    return "seconds" not in res.meta, float(res.f[-1, 0])


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_pool_workers_share_the_cache_the_command_line_turned_on(_cache_dir, monkeypatch, start_method):
    """SAMLAB_CACHE and SAMLAB_CACHE_DIR reach forked and spawned workers; what one stores, all read."""
    from samlab.execution import map_tasks

    monkeypatch.setenv("SAMLAB_CACHE", "1")
    first = map_tasks(_run_in_worker, [1.0], jobs=1)  # computed here, stored
    assert first == [(False, first[0][1])] and cache.info()["runs"] == 1
    again = map_tasks(_run_in_worker, [1.0, 1.0, 1.0], jobs=2, mp_context=start_method)
    assert again == [(True, first[0][1])] * 3 and cache.info()["runs"] == 1


# ----------------------------------------------------------------------------- task outcomes
def test_task_outcomes_are_reused_only_while_their_files_are_unchanged(_cache_dir, tmp_path):
    out = tmp_path / "fig.png"
    out.write_bytes(b"png")
    record = {"id": "x", "passed": True, "details": {"a": 1.5}}
    assert cache.store_task("k" * 64, record, [out])
    assert cache.load_task("k" * 64) == record and cache.info()["tasks"] == 1
    out.write_bytes(b"another png")
    assert cache.load_task("k" * 64) is None  # the output changed: run the task again
    out.unlink()
    assert cache.load_task("k" * 64) is None
    assert not cache.store_task("m" * 64, record, [out])  # a missing file cannot be vouched for
    assert cache.load_task("0" * 64) is None


@pytest.mark.parametrize("damage", ["truncate", "edit-the-record", "foreign-key"])
def test_corrupt_or_foreign_task_entries_are_dropped(_cache_dir, damage):
    key = "ab" * 32
    assert cache.store_task(key, {"passed": True, "measured": 1.0})
    (path,) = (_cache_dir / "tasks").rglob("*.json")
    text = path.read_text()
    if damage == "truncate":
        path.write_text(text[: len(text) // 2])
    elif damage == "edit-the-record":
        path.write_text(text.replace('"passed": true', '"passed": false'))
    else:
        entry = json.loads(text)
        entry["key"] = "cd" * 32
        path.write_text(json.dumps(entry))
    assert cache.load_task(key) is None and not path.exists()


def test_clear_removes_runs_and_tasks_and_keeps_timings(_cache_dir):
    sl.run(_problem(), sl.algorithms.gd(0.1), np.ones(2), 10, cache=True)
    cache.store_task("ef" * 32, {"passed": True})
    cache.store_timings("quick", {"general/x": 1.25})
    cache.store_timings("quick", {"general/y": 2.0})
    assert cache.load_timings("quick") == {"general/x": 1.25, "general/y": 2.0} and cache.load_timings("full") == {}
    assert cache.clear() == 1
    assert cache.info()["runs"] == 0 and cache.info()["tasks"] == 0
    assert cache.load_timings("quick")["general/y"] == 2.0


def test_task_keys_follow_the_code_the_script_and_the_illustrating_scripts(tmp_path):
    from samlab.execution import task_key

    script = tmp_path / "one.py"
    script.write_text("x = 1\n")
    other = tmp_path / "two.py"
    other.write_text("y = 2\n")
    claim = ("claim", "general/gd-linear-rate")
    base = task_key(claim, quick=True, seed=0, illustrated_by=[script])
    assert base == task_key(claim, quick=True, seed=0, illustrated_by=[script])
    assert base != task_key(claim, quick=False, seed=0, illustrated_by=[script])
    assert base != task_key(claim, quick=True, seed=1, illustrated_by=[script])
    assert base != task_key(claim, quick=True, seed=0, illustrated_by=[script], controls=True)
    assert base != task_key(claim, quick=True, seed=0, illustrated_by=[])
    assert base != task_key(claim, quick=True, seed=0, illustrated_by=[script], out=tmp_path)
    s1 = task_key(("script", str(script)), quick=True, out=tmp_path)
    s2 = task_key(("script", str(other)), quick=True, out=tmp_path)
    assert s1 != s2 and s1 != task_key(("script", str(script)), quick=True, out=tmp_path / "elsewhere")
    script.write_text("x = 2\n")
    assert task_key(("script", str(script)), quick=True, out=tmp_path) != s1
    assert task_key(claim, quick=True, seed=0, illustrated_by=[script]) != base
    assert task_key(("script", str(other)), quick=True, out=tmp_path) == s2  # other scripts keep their keys


def test_runs_with_observers_are_found_again():
    """The observer's name must not replace the run's key (a run with observe= was stored and never hit)."""
    p, alg = _problem(), sl.algorithms.sam(0.1, 0.05)
    first = sl.run(p, alg, np.ones(2), 200, observe={"step": lambda v: v.k + 0.0}, cache=True)
    calls = Counting.calls
    again = sl.run(p, alg, np.ones(2), 200, observe={"step": lambda v: v.k + 0.0}, cache=True)
    assert Counting.calls == calls and np.array_equal(first.observed["step"], again.observed["step"])
    assert [f.stem for f in _entries(cache.location())] != ["step"]


def test_a_repeated_search_reuses_its_optimum_and_gives_the_same_search(_cache_dir, monkeypatch):
    """With the cache on, the same adversarial search again skips the differential evolution (one run:
    re-measuring the optimum) and returns the same Search; another seed or budget is another search,
    and a corrupt outcome is searched again."""
    from samlab import adversary as adv
    from samlab.adversary import searching

    monkeypatch.setenv("SAMLAB_CACHE", "1")
    calls = []
    real = searching.run
    monkeypatch.setattr(searching, "run", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    alg, fam = sl.algorithms.sam(0.5, 0.1), adv.Huber(2, 1.0, 0.1)
    a = adv.search(alg, fam, steps=10, bound=lambda t: 1.0 + 0 * t, budget=200, seed=7)
    first = len(calls)
    seen = []
    b = adv.search(alg, fam, steps=10, bound=lambda t: 1.0 + 0 * t, budget=200, seed=7,
                   progress=lambda g, best: seen.append((g, best)))
    assert len(calls) == first + 1 and first == a.generations + 1
    assert seen == [(a.generations - 1, a.history[-1])]
    for field in ("worst_ratio", "t", "measured", "search_ratio", "evaluations", "generations", "population"):
        assert getattr(a, field) == getattr(b, field), field
    assert np.array_equal(a.params, b.params) and np.array_equal(a.history, b.history)
    assert cache.info()["searches"] == 1
    adv.search(alg, fam, steps=10, bound=lambda t: 1.0 + 0 * t, budget=200, seed=8)
    assert cache.info()["searches"] == 2
    for path in (_cache_dir / "searches").rglob("*.json"):
        path.write_text(path.read_text().replace('"evaluated": ', '"evaluated": 1'))
    calls.clear()
    c = adv.search(alg, fam, steps=10, bound=lambda t: 1.0 + 0 * t, budget=200, seed=7)
    assert len(calls) == a.generations + 1 and c.worst_ratio == a.worst_ratio
    cache.clear()
    assert cache.info()["searches"] == 0
