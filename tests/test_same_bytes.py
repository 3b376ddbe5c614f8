"""Same inputs, same bytes: REPORT.md, verdicts.json, data files and PNGs of two reproductions, with one
and two jobs, are byte-identical (quick mode; benchmarks/reproduction.py --same-bytes checks the full mode)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

import samlab as sl
from samlab.cli import main
from samlab.result import json_text, npz_bytes, save_npz

ROOT = Path(__file__).resolve().parents[1]

# a stochastic figure script: sampled gradients and additive noise, a result, an npz, a JSON table, a PNG
STOCHASTIC = '''"""Stochastic SAM on a least-squares finite sum (a same-bytes check)."""
import numpy as np
import samlab as sl
from samlab import plotting
from samlab.experiment import data_dir, figure_dir
from samlab.result import atomic_write_text, json_text, save_npz

PAPER = "general"
FIGURES = ["stochastic_bytes"]
CLAIMS = ["general/gd-linear-rate"]


def main(quick=False, out=None):
    rng = sl.seeding.rng(0, "same-bytes")
    p = sl.problems.LeastSquares(rng.standard_normal((40, 5)), rng.standard_normal(40), reg=0.1)
    res = sl.run(p, sl.algorithms.sam(0.05, np.repeat([0.01, 0.1], 8)), np.ones(5), 400,
                 sampling=sl.sampling.Uniform(2), noise=sl.noise.Gaussian(0.01), seed=3, name="bytes")
    data = data_dir(PAPER, out)
    res.save(data / "stochastic_bytes")
    save_npz(data / "stochastic_bytes_summary", median=np.median(res.f_gap, axis=1), t=res.t)
    atomic_write_text(data / "stochastic_bytes.json", json_text({"final": np.median(res.f_gap[-1]),
                                                                  "runs": res.runs, "status": res.status.tolist()}))
    fig, ax = plotting.new_figure(width=4, height=3)
    plotting.plot_metric(ax, res.t.astype(float), res.f_gap, name="sam", label="SAM", logy=True)
    return [plotting.save_figure(fig, figure_dir(PAPER, out) / "stochastic_bytes.png")]
'''

# fast quick-mode claims that use matrix products (BLAS), sampled gradients and Monte Carlo statistics
CLAIMS = ["oikonomou-loizou-2025/thm32-linear-rate", "oikonomou-loizou-2025/er-constants",
          "si-yun-2023/sc-two-cycle", "kim-2023/usam-step-size-limit"]


def _experiments(tmp_path: Path) -> Path:
    exp = tmp_path / "experiments" / "general"
    exp.mkdir(parents=True)
    for name in ("gd_linear_rate.py", "usam_vs_sam.py"):
        shutil.copy(ROOT / "experiments" / "general" / name, exp / name)
    (exp / "stochastic_bytes.py").write_text(STOCHASTIC, encoding="utf-8")
    return exp.parent


def _files(folder: Path) -> dict[str, bytes]:
    """Every output but timings.json (the wall-clock times, kept apart for exactly this reason)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "timings.json"}


def test_reproductions_with_one_and_two_jobs_are_the_same_bytes(tmp_path, capsys):
    experiments = _experiments(tmp_path)
    outputs = {}
    for run, jobs in (("a", 1), ("b", 2)):  # two reproductions, one and two jobs
        out = tmp_path / f"out-{run}"
        code = main(["reproduce", "--quick", "--no-cache", "--jobs", str(jobs), "general", "--out", str(out),
                     "--experiments", str(experiments)])
        assert code == 0, capsys.readouterr().err
        outputs[run] = _files(out)
        verdicts = tmp_path / f"verify-{run}.json"
        assert main(["verify", "--quick", "--no-cache", "--jobs", str(jobs), "--claim", *CLAIMS,
                     "--json", str(verdicts)]) == 0
        outputs[run]["verify.json"] = verdicts.read_bytes()
    capsys.readouterr()
    names = set(outputs["a"])
    assert {"REPORT.md", "verdicts.json", "general/gd_linear_rate.png", "general/usam_vs_sam.png", "general/stochastic_bytes.png",
            "general/data/stochastic_bytes.npz", "general/data/stochastic_bytes_summary.npz",
            "general/data/stochastic_bytes.json", "verify.json"} <= names
    assert set(outputs["b"]) == names
    differing = sorted(n for n in names if outputs["b"][n] != outputs["a"][n])
    assert differing == [], f"--jobs 2 differs from --jobs 1 in {differing}"
    # no wall-clock time in the saved records
    for record in json.loads(outputs["a"]["verdicts.json"]):
        assert "seconds" not in record and "seconds" not in (record.get("details") or {})


def test_npz_members_carry_a_fixed_date_and_load_back():
    arrays = {"a": np.arange(5.0), "b": np.array(["ok", "diverged"])}
    data = npz_bytes(arrays)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with np.load(io.BytesIO(data)) as back:
        assert np.array_equal(back["a"], arrays["a"]) and back["b"].tolist() == ["ok", "diverged"]
    assert npz_bytes(arrays) == data


def test_saved_results_and_data_files_are_the_same_bytes(tmp_path):
    """A result computed twice (its meta holds each run's own wall-clock seconds) saves to the same bytes;
    a cached copy too; save_npz and json_text are stable."""
    p = sl.problems.Quadratic(np.diag([1.0, 2.0]))
    one = sl.run(p, sl.algorithms.sam(0.1, 0.05), np.ones(2), 50)
    two = sl.run(p, sl.algorithms.sam(0.1, 0.05), np.ones(2), 50)
    a, b = one.save(tmp_path / "a"), two.save(tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert sl.Result.load(a).save(tmp_path / "c").read_bytes() == a.read_bytes()  # a reload saves the same
    assert save_npz(tmp_path / "d", x=np.ones(3)).read_bytes() == save_npz(tmp_path / "e.npz", x=np.ones(3)).read_bytes()
    assert json_text({"b": np.float64(0.1), "a": [1, np.int64(2)]}) == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 0.1\n}\n'


def test_npz_archives_written_through_samlab_get_fixed_dates(tmp_path):
    """np.savez into a buffer stamps the current time; atomic_write_bytes re-encodes such an archive
    with the fixed date, so scripts that build an .npz themselves write the same bytes too."""
    from samlab.result import atomic_write_bytes, canonical_npz

    arrays = {"x": np.arange(50.0), "name": np.array("worst")}
    for compress, save in ((True, np.savez_compressed), (False, np.savez)):
        buffer = io.BytesIO()
        save(buffer, **arrays)
        atomic_write_bytes(tmp_path / "a.npz", buffer.getvalue())
        assert (tmp_path / "a.npz").read_bytes() == npz_bytes(arrays, compress=compress)
    canonical = npz_bytes(arrays)
    assert canonical_npz(canonical) is canonical  # already canonical: passed through, not re-encoded
    assert canonical_npz(b"not a zip") == b"not a zip"
