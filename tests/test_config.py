"""TOML experiments: parsing, expansion into batched runs, outputs, and errors naming file and key."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import samlab as sl
import pytest

from samlab.config import ConfigError, load_config, run_config
from samlab.schedules import Schedule

BASE = """
title = "tiny"

[[experiment]]
name = "ls"
problem = {kind = "least_squares", n = 12, d = 3, seed = 0, reg = 0.01}
sampling = {kind = "uniform", batch_size = 1}
steps = 40
runs = 2
seed = 0
x0 = {random = "normal", scale = 1.0}
checkpoints = 10
plot = {metric = "f_gap", logx = true, logy = true}

[[experiment.algorithms]]
name = "SGD"
algorithm = "gd"
lr = 0.01

[[experiment.algorithms]]
name = "SAM"
algorithm = "sam"
lr = 0.01
rho = 0.05

[[experiment]]
name = "pl"
problem = {kind = "pl_sine"}
noise = {kind = "gaussian", sigma = 0.1}
steps = 30
x0 = [1.5]

[[experiment.algorithms]]
algorithm = "sam"
lr = 0.05
rho = {schedule = "inverse_power", c = 0.1, power = 0.5}
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def replaced(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def test_valid_config_parses(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    assert cfg.title == "tiny" and [e.name for e in cfg.experiments] == ["ls", "pl"]
    ls, pl = cfg.experiments
    assert ls.problem.n == 12 and ls.problem.dim == 3 and ls.x0.shape == (2, 3)
    assert [a.labels for a in ls.algorithms] == [["SGD"], ["SAM"]]
    assert pl.x0.tolist() == [[1.5]] and pl.runs == 1 and pl.noise.sigma == 0.1
    assert isinstance(pl.algorithms[0].hypers["rho"], Schedule)
    assert pl.algorithms[0].labels == ["SAM, γ = 0.05, ρ = 0.1/√t"]


def test_problem_data_is_reproducible(tmp_path):
    a = load_config(write(tmp_path, BASE)).experiments[0]
    b = load_config(write(tmp_path, BASE, "again.toml")).experiments[0]
    assert np.array_equal(a.problem.A, b.problem.A) and np.array_equal(a.x0, b.x0)


def test_quick_mode_shrinks(tmp_path):
    cfg = load_config(write(tmp_path, replaced("steps = 40\n", "steps = 400\nquick = {steps = 7, runs = 1}\n")),
                      quick=True)
    assert cfg.experiments[0].steps == 7 and cfg.experiments[0].runs == 1
    assert cfg.experiments[1].steps == 10  # default: steps/10, at least 10


def test_grid_lists_and_schedule_lists_expand_to_per_run_arrays(tmp_path):
    text = replaced('lr = 0.01\nrho = 0.05\n', 'rho = [0.01, 0.1]\ngrid = {lr = [0.01, 0.02, 0.03]}\n')
    alg = load_config(write(tmp_path, text)).experiments[0].algorithms[1]
    assert alg.n_configs == 6 and alg.runs == 2 and alg.batch == 12
    # configuration-major order, every configuration repeated `runs` times
    assert alg.hypers["rho"].tolist() == [0.01] * 6 + [0.1] * 6
    assert alg.hypers["lr"].tolist() == [0.01, 0.01, 0.02, 0.02, 0.03, 0.03] * 2
    assert alg.labels[0] == "SAM (ρ = 0.01, γ = 0.01)" and len(set(alg.labels)) == 6
    text = replaced('rho = 0.05\n', 'rho = {schedule = "inverse_power", c = [0.1, 0.2], power = 1.0}\n')
    alg = load_config(write(tmp_path, text)).experiments[0].algorithms[1]
    assert alg.n_configs == 2
    assert np.allclose(alg.hypers["rho"](np.array(2.0)), [0.05, 0.05, 0.1, 0.1])
    assert alg.labels == ["SAM (ρ = 0.1/t)", "SAM (ρ = 0.2/t)"]


def test_experiment_level_grid_applies_where_accepted(tmp_path):
    text = replaced('x0 = {random = "normal", scale = 1.0}\n',
                    'x0 = {random = "normal", scale = 1.0}\ngrid = {rho = [0.01, 0.1]}\n').replace("rho = 0.05\n", "")
    algs = load_config(write(tmp_path, text)).experiments[0].algorithms
    assert algs[0].n_configs == 1 and algs[1].n_configs == 2


def test_run_config_writes_results_figure_and_summary(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    out = tmp_path / "out"
    manifest = run_config(cfg, out)
    assert (out / "exp.png").stat().st_size > 10_000
    assert (out / "summary.md").read_text().count("| SAM |") == 1
    saved = json.loads((out / "manifest.json").read_text())
    assert saved == json.loads(json.dumps(manifest))
    data = [a["data"] for e in saved["experiments"] for a in e["algorithms"]]
    assert len(data) == 3 and all((out / f"{d}.npz").is_file() for d in data)
    # paired comparison: SGD and SAM started from the same points
    from samlab import Result

    r0, r1 = (Result.load(out / d) for d in data[:2])
    assert r0.meta["name"] == r1.meta["name"] == "ls" and r0.runs == 2


BAD = [
    ('rho = 0.05\n', 'rho = "abc"\n',
     "exp.toml: experiment[0].algorithms[1].rho: expected a float, a list of floats or a schedule table, got 'abc'"),
    ('rho = 0.05\n', 'rho = -0.05\n', "experiment[0].algorithms[1].rho: rho must lie in"),
    ('rho = 0.05\n', 'rho = {schedule = "inverse", c = 0.1}\n',
     "experiment[0].algorithms[1].rho.schedule: expected one of"),
    ('rho = 0.05\n', 'rho = {schedule = "inverse_power", c = 0.1}\n', "needs 'power'"),
    ('rho = 0.05\n', 'rho = {schedule = "constant", value = -1.0}\n',
     "experiment[0].algorithms[1].rho: rho must lie in [0.0, inf] for every step, got -1.0"),
    ('rho = 0.05\n', 'rho = {schedule = "inverse_power", c = -0.1, power = 1}\n',
     "experiment[0].algorithms[1].rho.c: c must be >= 0"),
    ('rho = 0.05\n', 'rho = {schedule = "inverse_power", c = 0.1, power = 1, k0 = 2}\n',
     "experiment[0].algorithms[1].rho.k0: unknown key"),
    ('rho = 0.05\n', '', "experiment[0].algorithms[1]: sam needs 'rho'"),
    ('lr = 0.01\nrho = 0.05\n', 'rho = [0.1, 0.2]\nlr = [0.1, 0.2, 0.3]\n', "lists must have the same length"),
    ('rho = 0.05\n', 'rho = 0.05\ngrid = {rho = [0.1]}\n', "experiment[0].algorithms[1].grid.rho: rho is given both"),
    ('rho = 0.05\n', 'rho = 0.05\nlam = 0.5\n', "experiment[0].algorithms[1].lam: unknown key in a sam algorithm"),
    ('algorithm = "sam"', 'algorithm = "sma"', "experiment[0].algorithms[1].algorithm: unknown algorithm 'sma'; did you mean sam"),
    ('name = "SAM"\n', 'name = "SGD"\n', "share the label 'SGD'"),
    ('steps = 40\n', 'steps = 0\n', "experiment[0].steps: expected an integer >= 1, got 0"),
    ('steps = 40\n', 'steps = 4.5\n', "experiment[0].steps: expected an integer, got 4.5"),
    ('steps = 40\n', 'stepz = 40\n', "did you mean 'steps'?"),
    ('runs = 2\n', 'runs = "two"\n', "experiment[0].runs: expected an integer"),
    ('seed = 0\n', 'seed = -1\n', "experiment[0].seed: expected an integer >= 0"),
    ('checkpoints = 10\n', 'checkpoints = 1\n', "experiment[0].checkpoints: expected an integer >= 2"),
    ('kind = "least_squares", n = 12', 'kind = "least_square", n = 12', "did you mean 'least_squares'?"),
    ('n = 12, d = 3', 'n = 12.5, d = 3', "experiment[0].problem.n: expected an integer, got 12.5"),
    ('reg = 0.01}', 'reg = 0.01, size = 3}', "experiment[0].problem.size: unknown key in a least_squares problem"),
    ('reg = 0.01}', 'reg = -1.0}', "experiment[0].problem.reg: reg must be >= 0"),
    ('problem = {kind = "pl_sine"}', 'problem = {kind = "scaled_cosine"}', "experiment[1].problem: a scaled_cosine problem needs 'rho'"),
    ('problem = {kind = "pl_sine"}', 'problem = {expression = "x**2 +"}', "experiment[1].problem.expression: expression could not be parsed"),
    ('sampling = {kind = "uniform", batch_size = 1}', 'sampling = {kind = "uniform", batch_size = 0}',
     "experiment[0].sampling.batch_size: expected an integer >= 1"),
    ('noise = {kind = "gaussian", sigma = 0.1}', 'sampling = {kind = "uniform"}', "experiment[1].sampling: sampling needs a finite-sum"),
    ('noise = {kind = "gaussian", sigma = 0.1}', 'noise = {kind = "gaussian", sigma = -1.0}', "experiment[1].noise.sigma: sigma must be >= 0"),
    ('noise = {kind = "gaussian", sigma = 0.1}', 'noise = {kind = "discrete", values = [1.0, -1.0], probs = [0.3, 0.3]}',
     "experiment[1].noise.probs: probs must be >= 0 and sum to 1"),
    ('x0 = [1.5]', 'x0 = [1.5, 2.0]', "experiment[1].x0: expected 1 floats"),
    ('x0 = [1.5]', 'x0 = "origin"', "experiment[1].x0: expected a list of floats or a table"),
    ('x0 = {random = "normal", scale = 1.0}', 'x0 = {random = "cauchy"}', "experiment[0].x0.random: expected one of"),
    ('plot = {metric = "f_gap", logx = true, logy = true}', 'plot = {metric = "loss"}',
     "experiment[0].plot.metric: expected one of 'f_gap', 'grad_norm', 'dist', 'f', got 'loss'"),
    ('plot = {metric = "f_gap", logx = true, logy = true}', 'plot = {logx = "yes"}', "experiment[0].plot.logx: expected true or false"),
    ('plot = {metric = "f_gap", logx = true, logy = true}', 'plot = {ylim = [1.0, 0.1]}', "experiment[0].plot.ylim: expected two floats"),
    ('[[experiment.algorithms]]\nalgorithm = "sam"\nlr = 0.05\nrho = {schedule = "inverse_power", c = 0.1, power = 0.5}\n',
     '', "experiment[1]: missing 'algorithms'"),
    ('algorithm = "sam"\nlr = 0.05\n', 'lr = 0.05\n', "experiment[1].algorithms[0]: missing 'algorithm'"),
    ('name = "pl"\n', 'name = "ls"\n', "experiment names must be distinct"),
    ('title = "tiny"\n', 'titel = "tiny"\n', "titel: unknown key in the top level"),
]


@pytest.mark.parametrize("old,new,message", BAD, ids=[b[2][:40] for b in BAD])
def test_malformed_keys_are_named(tmp_path, old, new, message):
    path = write(tmp_path, replaced(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(info.value).startswith("exp.toml: ")


def test_file_level_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="exp.toml: invalid TOML"):
        load_config(write(tmp_path, "title = \n"))
    with pytest.raises(ConfigError, match=r"exp.toml: no \[\[experiment\]\] block"):
        load_config(write(tmp_path, 'title = "x"\n'))


def test_shipped_config_is_valid():
    path = Path(__file__).resolve().parents[1] / "experiments" / "configs" / "constant_vs_decaying_rho.toml"
    cfg = load_config(path, quick=True)
    assert len(cfg.experiments) == 2
    kinds = [e.problem_spec["kind"] for e in cfg.experiments]
    assert kinds[0] == "least_squares" and cfg.experiments[0].sampling is not None
    for e in cfg.experiments:
        rhos = [a.hypers.get("rho") for a in e.algorithms if a.kind == "sam"]
        assert any(isinstance(r, float) for r in rhos) and sum(isinstance(r, Schedule) for r in rhos) == 2


# ----------------------------------------------------------------------------- user variants and problems by name
def test_config_names_a_variant_from_a_file_beside_it(tmp_path):
    (tmp_path / "variants.py").write_text(
        "import numpy as np\n"
        "from samlab.algorithms import NONNEGATIVE, Algorithm, Perturbation, heavy_ball\n\n"
        "def sign_sam(lr, rho, *, momentum=0.0):\n"
        "    rule = Perturbation('sign_sam', lambda g, x, s, h, ctx: (h.rho * np.sign(g), s), rho=(rho, NONNEGATIVE))\n"
        "    return Algorithm('sign_sam', rule, lr=lr, descent=heavy_ball(momentum))\n")
    path = tmp_path / "exp.toml"
    path.write_text(
        'title = "sign-SAM"\n[[experiment]]\nname = "q"\nproblem = {kind = "quadratic", eigenvalues = [1.0, 4.0]}\n'
        "steps = 200\nx0 = [1.0, 1.0]\n"
        '[[experiment.algorithms]]\nalgorithm = "variants.py:sign_sam"\nlr = 0.05\nrho = [0.01, 0.1]\n'
        '[[experiment.algorithms]]\nalgorithm = "sam"\nlr = 0.05\nrho = 0.01\n')
    config = load_config(path)
    alg = config.experiments[0].algorithms[0]
    assert alg.name == "sign_sam" and alg.labels == ["sign_sam, γ = 0.05, ρ = 0.01", "sign_sam, γ = 0.05, ρ = 0.1"]
    manifest = run_config(config, tmp_path / "out")
    finals = manifest["experiments"][0]["algorithms"][0]["final"]
    assert 0 < finals[0] < finals[1]  # sign-SAM's plateau grows with ρ
    with pytest.raises(ConfigError, match="unknown key in a .*sign_sam algorithm"):
        path.write_text(path.read_text().replace("rho = [0.01, 0.1]", "rho = 0.1\ntheta = 0.5"))
        load_config(path)


def test_problems_come_from_the_problem_catalog():
    from samlab.problems import catalog

    def ring(n=3, scale=1.0):
        return sl.problems.Quadratic(scale * np.eye(n))

    catalog.register_problem("ring", ring, {"n": "int", "scale": "float"})
    assert catalog.build_problem("ring", n=2).dim == 2
    with pytest.raises(ValueError, match="takes no 'm'"):
        catalog.build_problem("ring", m=2)
    with pytest.raises(ValueError, match="already registered"):
        catalog.register_problem("ring", lambda: None, {})
    with pytest.raises(ValueError, match="params must map"):
        catalog.register_problem("ring2", ring, {"n": "integer"})
    from samlab.config import PROBLEMS

    assert PROBLEMS is catalog.PROBLEMS and "ring" in PROBLEMS
