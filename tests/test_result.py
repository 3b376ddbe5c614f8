"""Result: exact save/load round trip, atomic writes, accessors."""

from __future__ import annotations

import json
import os

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
    for name in ("t", "f", "f_gap", "grad_norm", "dist", "perturbation", "x", "n_zero_grad", "diverged_at", "iterates"):
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
    assert a.meta == b.meta


def test_save_load_round_trip_is_exact(tmp_path):
    res = _rich_result()
    assert res.status.tolist() == ["ok", "ok", "diverged"]
    path = res.save(tmp_path / "run")
    assert path == tmp_path / "run.npz"
    back = sl.Result.load(tmp_path / "run")
    _assert_same(res, back)
    assert back.ok.tolist() == [True, True, False] and back.runs == 3
    assert sl.Result.load(tmp_path / "run.npz").meta == res.meta
    assert sl.Result.load(str(tmp_path / "run.json")).n_grad == res.n_grad
    assert json.loads((tmp_path / "run.json").read_text())["meta"]["name"] == "roundtrip"
    # no temporary file left behind
    assert sorted(os.listdir(tmp_path)) == ["run.json", "run.npz"]
    # a deterministic result without iterates, dist or observed
    plain = sl.run(sl.problems.quadratic_saddle(), sl.algorithms.sam(0.1, 0.05), [1.0, 1e-3], 20)
    plain.save(tmp_path / "plain.npz")
    _assert_same(plain, sl.Result.load(tmp_path / "plain"))
    # saving again replaces the files atomically, still without leftovers
    res.save(tmp_path / "run")
    assert sorted(os.listdir(tmp_path)) == ["plain.json", "plain.npz", "run.json", "run.npz"]


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
