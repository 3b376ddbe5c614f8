"""Result: exact save/load round trip, atomic writes, accessors."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile

import numpy as np
import pytest

import samlab as sl
from samlab import result as rs


def _rich_result():
    """Sampling, noise, observe, iterates, one diverged run, a known x* (dist recorded)."""
    rng = np.random.default_rng(0)
    p = sl.problems.LeastSquares(rng.standard_normal((6, 3)), rng.standard_normal(6), reg=0.1)
    alg = sl.algorithms.unified_sam(np.array([0.05, 0.1, 5.0]), 0.1, sl.schedules.lam_inverse(), momentum=0.5)
    return sl.run(p, alg, np.zeros(3), 300, sampling=sl.sampling.Nice(2), noise=sl.noise.Gaussian(0.05),
                  seed=4, name="roundtrip", keep_iterates=True, checkpoints=25,
                  observe={"radius": lambda v: np.linalg.norm(v.y - v.x_prev, axis=1)})


def _assert_same(a, b):
    for name in ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "n_zero_grad", "diverged_at", "stopped_at",
                 "iterates"):
        va, vb = getattr(a, name), getattr(b, name)
        if va is None:
            assert vb is None, name
            continue
        assert va.shape == vb.shape and va.dtype == vb.dtype, name
        assert np.array_equal(va, vb, equal_nan=va.dtype.kind == "f"), name
    assert a.status.tolist() == b.status.tolist()
    assert a.n_grad == b.n_grad
    assert a.observed.keys() == b.observed.keys()
    for key in a.observed:
        assert np.array_equal(a.observed[key], b.observed[key], equal_nan=True)
    assert _untimed(a.meta) == _untimed(b.meta)


def _untimed(meta):
    """meta without the wall-clock "seconds", which a save leaves out (same result, same bytes)."""
    return {k: v for k, v in meta.items() if k != "seconds"}


def test_save_load_round_trip_is_exact(tmp_path):
    res = _rich_result()
    assert res.status.tolist() == ["ok", "ok", "diverged"]
    path = res.save(tmp_path / "run")
    assert path == tmp_path / "run.npz"
    back = sl.Result.load(tmp_path / "run")
    _assert_same(res, back)
    assert back.ok.tolist() == [True, True, False] and back.runs == 3
    assert sl.Result.load(tmp_path / "run.npz").meta == _untimed(res.meta)
    assert sl.Result.load(str(tmp_path / "run.json")).n_grad == res.n_grad  # either suffix names the result
    # one file (arrays and header), no temporary file left behind
    assert sorted(os.listdir(tmp_path)) == ["run.npz"]
    # a deterministic result without iterates, dist or observed
    plain = sl.run(sl.problems.quadratic_saddle(), sl.algorithms.sam(0.1, 0.05), [1.0, 1e-3], 20)
    plain.save(tmp_path / "plain.npz")
    _assert_same(plain, sl.Result.load(tmp_path / "plain"))
    # saving again replaces the files atomically, still without leftovers
    res.save(tmp_path / "run")
    assert sorted(os.listdir(tmp_path)) == ["plain.npz", "run.npz"]


def test_names_with_dots_do_not_collide(tmp_path):
    q = sl.problems.Quadratic([[1.0]])
    a = sl.run(q, sl.algorithms.sam(0.1, 0.1), [1.0], 5)
    b = sl.run(q, sl.algorithms.sam(0.1, 0.2), [1.0], 5)
    a.save(tmp_path / "rho0.1")
    b.save(tmp_path / "rho0.2")
    assert sl.Result.load(tmp_path / "rho0.1").meta["algorithm"]["rho"] == 0.1
    assert sl.Result.load(tmp_path / "rho0.2").meta["algorithm"]["rho"] == 0.2


def test_atomic_write_leaves_the_old_file_and_no_temporary_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "out.txt"
    rs.atomic_write_text(target, "first ρ")
    assert target.read_text(encoding="utf-8") == "first ρ"
    rs.atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(rs.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        rs.atomic_write_text(target, "third")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["out.txt"]
    with pytest.raises(OSError):
        _rich_result().save(tmp_path / "sub" / "res")
    assert os.listdir(target.parent) == ["out.txt"]


def test_final_and_metrics():
    res = _rich_result()
    np.testing.assert_array_equal(res.final(), res.f_gap[-1])
    np.testing.assert_array_equal(res.final("grad_norm"), res.grad_norm[-1])
    np.testing.assert_array_equal(res.final("radius"), res.observed["radius"][-1])
    assert res.final("f").shape == (3,)
    with pytest.raises(KeyError, match="nope"):
        res.final("nope")
    saddle = sl.run(sl.problems.quadratic_saddle(), sl.algorithms.gd(0.1), [1.0, 1.0], 3)
    with pytest.raises(KeyError, match="dist"):
        saddle.final("dist")
    # the diverged run's metrics are those of its frozen iterate
    b = 2
    assert res.diverged_at[b] > 0 and np.all(np.isfinite(res.f[:, b]))
    np.testing.assert_array_equal(res.iterates[-1, b], res.x[b])


# ----------------------------------------------------------------------------- all old or all new
def _two_results():
    q = sl.problems.Quadratic.from_spectrum([0.5, 2.0], seed=1)
    old = sl.run(q, sl.algorithms.sam(0.1, 0.05), [1.0, -1.0], 20, name="old")
    new = sl.run(q, sl.algorithms.sam(0.2, 0.1), np.ones((3, 2)), 30, name="new")
    return old, new


@pytest.mark.parametrize("interrupt_at", [1, 2])
def test_an_interrupted_save_leaves_the_old_result_whole(tmp_path, monkeypatch, interrupt_at):
    """A save killed before its n-th rename (a KeyboardInterrupt standing for the kill) loads all old or all new."""
    old, new = _two_results()
    old.save(tmp_path / "run")
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == interrupt_at:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(rs.os, "replace", replace)
    try:
        new.save(tmp_path / "run")
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(rs.os, "replace", real_replace)
    back = sl.Result.load(tmp_path / "run")
    whole = [r for r in (old, new) if back.meta == _untimed(r.meta) and np.array_equal(back.f, r.f)]
    assert len(whole) == 1, "a load mixed the arrays of one save with the metadata of another"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_umask_mode(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        rs.atomic_write_text(tmp_path / "a.txt", "x")
        path = _two_results()[0].save(tmp_path / "run")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == mode
    assert stat.S_IMODE(path.stat().st_mode) == mode


def _members(path):
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _rewrite(path, members):
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    path.write_bytes(buffer.getvalue())


def _header(members):
    return json.loads(str(members["header"]))


def _with_header(members, **changes):
    h = _header(members)
    for key, value in changes.items():
        if key in ("runs", "problem"):
            h["meta"][key] = value
        else:
            h[key] = value
    return {**members, "header": np.array(json.dumps(h))}


BROKEN = {  # name -> (change of the members, words the error must contain)
    "missing f": (lambda m: {k: v for k, v in m.items() if k != "f"}, "missing array(s) f"),
    "missing stopped_at": (lambda m: {k: v for k, v in m.items() if k != "stopped_at"}, "stopped_at"),
    "f of another K": (lambda m: {**m, "f": m["f"][:-1]}, "f has shape"),
    "f_gap of another B": (lambda m: {**m, "f_gap": m["f_gap"][:, :1]}, "f_gap has shape"),
    "grad_norm flat": (lambda m: {**m, "grad_norm": m["grad_norm"].ravel()}, "grad_norm has shape"),
    "perturbation short": (lambda m: {**m, "perturbation": m["perturbation"][1:]}, "perturbation has shape"),
    "x of another B": (lambda m: {**m, "x": m["x"][:1]}, "shape"),
    "x flat": (lambda m: {**m, "x": m["x"].ravel()}, "x must have shape (B, d)"),
    "t 2-D": (lambda m: {**m, "t": m["t"][:, None]}, "t must have shape (K,)"),
    "t floats": (lambda m: {**m, "t": m["t"].astype(float)}, "t must hold integers"),
    "status short": (lambda m: {**m, "status": m["status"][:1]}, "status has shape"),
    "status unknown": (lambda m: {**m, "status": np.full(m["status"].shape, "fine")}, "status holds 'fine'"),
    "status numbers": (lambda m: {**m, "status": np.zeros(m["status"].shape)}, "status must hold strings"),
    "n_zero_grad floats": (lambda m: {**m, "n_zero_grad": m["n_zero_grad"] + 0.5}, "n_zero_grad must hold integers"),
    "diverged_at short": (lambda m: {**m, "diverged_at": m["diverged_at"][:1]}, "diverged_at has shape"),
    "stopped_at 2-D": (lambda m: {**m, "stopped_at": m["stopped_at"][None]}, "stopped_at has shape"),
    "iterates of another d": (lambda m: {**m, "iterates": m["iterates"][..., :1]}, "iterates has shape"),
    "observed of K rows": (lambda m: {**m, "observed:radius": np.vstack([m["observed:radius"], m["observed:radius"][:1]])},
                           "observed:radius has shape"),
    "foreign member": (lambda m: {**m, "weights": np.ones(3)}, "unexpected array 'weights'"),
    "header runs": (lambda m: _with_header(m, runs=7), "the header says 7 runs"),
    "header dim": (lambda m: _with_header(m, problem={"dim": 5}), "dimension 5"),
    "header n_grad": (lambda m: _with_header(m, n_grad=-1), "n_grad"),
    "header version": (lambda m: _with_header(m, version=99), "version 99"),
    "header format": (lambda m: _with_header(m, format="other"), "not a samlab result"),
    "header not JSON": (lambda m: {**m, "header": np.array("{oops")}, "not valid JSON"),
    "no header": (lambda m: {k: v for k, v in m.items() if k != "header"}, "no 'header' member"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_inconsistent_files_are_refused_naming_the_file(tmp_path, case):
    change, words = BROKEN[case]
    path = _rich_result().save(tmp_path / "run")
    _rewrite(path, change(_members(path)))
    with pytest.raises(ValueError) as info:
        sl.Result.load(path)
    assert str(path) in str(info.value) and words in str(info.value), str(info.value)


def test_truncated_and_foreign_files_are_refused_naming_the_file(tmp_path):
    path = _rich_result().save(tmp_path / "run")
    data = path.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"cut{cut}.npz"
        bad.write_bytes(data[:cut])
        with pytest.raises(ValueError, match=f"{bad}: (not a samlab result|truncated or corrupted)"):
            sl.Result.load(bad)
    text = tmp_path / "notes.npz"
    text.write_text("not an archive at all")
    with pytest.raises(ValueError, match=f"{text}: not a samlab result"):
        sl.Result.load(text)
    single = tmp_path / "single.npz"
    with single.open("wb") as handle:
        np.save(handle, np.ones(3))
    with pytest.raises(ValueError, match="single .npy array"):
        sl.Result.load(single)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, x=np.array([object()], dtype=object))
    with pytest.raises(ValueError, match=f"{pickled}"):
        sl.Result.load(pickled)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.ones(2))
    with pytest.raises(ValueError, match=f"{foreign}: not a samlab result"):
        sl.Result.load(foreign)
    with zipfile.ZipFile(tmp_path / "empty.npz", "w"):
        pass
    with pytest.raises(ValueError, match="not a samlab result"):
        sl.Result.load(tmp_path / "empty.npz")
    with pytest.raises(FileNotFoundError):
        sl.Result.load(tmp_path / "absent")


def test_a_former_two_file_result_is_refused_clearly_and_replaced_on_save(tmp_path):
    res = _two_results()[0]
    members = {k: v for k, v in _members(res.save(tmp_path / "run")).items() if k != "header"}
    _rewrite(tmp_path / "run.npz", members)  # the former layout: arrays here, meta beside
    (tmp_path / "run.json").write_text(json.dumps({"n_grad": res.n_grad, "meta": res.meta}, default=str))
    with pytest.raises(ValueError, match="former two-file format"):
        sl.Result.load(tmp_path / "run")
    res.save(tmp_path / "run")
    assert sorted(os.listdir(tmp_path)) == ["run.npz"]
    (tmp_path / "run.json").write_text('{"mine": 1}')  # a file samlab did not write is left alone
    res.save(tmp_path / "run")
    assert sorted(os.listdir(tmp_path)) == ["run.json", "run.npz"]


def test_select_keeps_the_chosen_runs_in_order():
    """Result.select: the runs asked for (indices or a slice), every per-run field narrowed, meta["runs"] updated."""
    res = sl.run(sl.problems.Quadratic(np.diag([1.0, 4.0])), sl.algorithms.sam(0.1, np.array([0.0, 0.1, 0.2])),
                 np.ones(2), 5, keep_iterates=True, observe={"r": lambda v: v.x[:, 0]})
    two = res.select([2, 0])
    np.testing.assert_array_equal(two.x, res.x[[2, 0]])
    np.testing.assert_array_equal(two.iterates, res.iterates[:, [2, 0]])
    np.testing.assert_array_equal(two.observed["r"], res.observed["r"][:, [2, 0]])
    assert two.runs == 2 and two.meta["runs"] == 2 and list(two.status) == list(res.status[[2, 0]])
    np.testing.assert_array_equal(res.select(slice(1, 3)).f, res.f[:, 1:3])
    with pytest.raises(ValueError, match="runs"):
        res.select([0.5])
