"""Variants through the public API: the README example, pure state, descent rules, the registry."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

import samlab as sl
from samlab import algorithms as al

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_block(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_variant_example_runs_as_written(capsys):
    code = _readme_block("Your own variant")
    assert len(code.strip().splitlines()) <= 20
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    res = namespace["res"]
    assert np.all(res.ok) and res.meta["algorithm"]["name"] == "sign_sam"
    gaps = res.f_gap[-1]
    assert 0 < gaps[0] < gaps[1]  # a plateau that grows with ρ
    assert al.get("sign_sam") is namespace["sign_sam"]
    capsys.readouterr()


def test_sign_sam_step_by_hand():
    """One step on f = ½x², x0 = 2: y = 2 + ρ, x1 = 2 − γ(2 + ρ)."""
    rule = al.Perturbation("sign_sam", lambda g, x, s, h, ctx: (h.rho * np.sign(g), s), rho=(0.5, al.NONNEGATIVE))
    alg = al.Algorithm("sign_sam", rule, lr=0.1)
    res = sl.run(sl.problems.Quadratic([[1.0]]), alg, [2.0], 1, keep_iterates=True)
    assert res.iterates[-1, 0, 0] == 2.0 - 0.1 * 2.5
    assert res.n_grad == 2 and alg.grads_per_step == 2


def test_rule_state_is_pure_never_mutated_by_the_engine():
    """A rule's returned states are kept by the engine and handed back unchanged."""
    seen = []

    def step(g, x, state, h, ctx):
        new = state + g  # a new array, the old one untouched
        seen.append((new, new.copy()))
        return ctx.normalize(new, h.rho), new

    rule = al.Perturbation("accumulated", step, init=np.zeros_like, rho=(0.1, al.NONNEGATIVE))
    sl.run(sl.problems.Quadratic(np.diag([1.0, 3.0])), al.Algorithm("accumulated", rule, lr=0.1,
           descent=al.nesterov(0.5)), np.ones((3, 2)), 25)
    assert len(seen) == 25
    assert all(np.array_equal(a, b) for a, b in seen)


def test_builtin_rules_return_new_state():
    for make in (lambda: al.vasso(0.1, 0.1, 0.5), lambda: al.fsam(0.1, 0.1)):
        alg = make()
        x = np.ones((2, 3))
        state = alg.perturbation.initial_state(x)
        before = None if state is None else state.copy()
        ctx = al.StepContext(1, lambda z: z, None)
        h = type("H", (), {k: b.value for k, b in alg.perturbation.hypers.items()})
        _, new = alg.perturbation.step(np.full((2, 3), 2.0), x, state, h, ctx)
        assert new is not state
        if state is not None:
            assert np.array_equal(state, before)


def test_nesterov_step_by_hand():
    """f = ½x², γ = 0.1, β = 0.5: v1 = g0 = 2, x1 = 2 − 0.1(2 + 0.5·2) = 1.7; g1 = 1.7,
    v2 = 0.5·2 + 1.7 = 2.7, x2 = 1.7 − 0.1(1.7 + 0.5·2.7)."""
    res = sl.run(sl.problems.Quadratic([[1.0]]), al.gd(0.1, descent=al.nesterov(0.5)), [2.0], 2,
                 keep_iterates=True, checkpoints=[1, 2])
    assert res.iterates[1, 0, 0] == pytest.approx(1.7, rel=1e-15)
    assert res.iterates[2, 0, 0] == pytest.approx(1.7 - 0.1 * (1.7 + 0.5 * 2.7), rel=1e-15)
    assert res.meta["algorithm"]["descent"] == "nesterov"


def test_heavy_ball_zero_is_plain_descent_bit_for_bit():
    p = sl.problems.Quadratic.from_spectrum([0.5, 2.0, 4.0], seed=3)
    a = sl.run(p, al.sam(0.1, 0.05), np.ones(3), 200, checkpoints=20)
    b = sl.run(p, al.sam(0.1, 0.05, descent=al.heavy_ball(np.zeros(1))), np.ones((1, 3)), 200, checkpoints=20)
    assert np.array_equal(a.f, b.f)


def test_momentum_schedule_uses_the_velocity():
    p = sl.problems.Quadratic([[1.0]])
    a = sl.run(p, al.gd(0.1, momentum=lambda k: 0.5), [2.0], 30)
    b = sl.run(p, al.gd(0.1, momentum=0.5), [2.0], 30)
    assert np.array_equal(a.f, b.f)


def test_registry_names_modules_and_files(tmp_path, monkeypatch):
    path = tmp_path / "my_variants.py"
    path.write_text(textwrap.dedent('''
        import numpy as np
        from samlab.algorithms import Algorithm, Perturbation, NONNEGATIVE

        def half_sam(lr, rho):
            """δ = (ρ/2) g/‖g‖."""
            rule = Perturbation("half_sam", lambda g, x, s, h, ctx: (ctx.normalize(g, h.rho / 2), s),
                                rho=(rho, NONNEGATIVE))
            return Algorithm("half_sam", rule, lr=lr)
    '''))
    monkeypatch.chdir(tmp_path)
    from_file = al.get("my_variants.py:half_sam")
    monkeypatch.syspath_prepend(str(tmp_path))
    from_module = al.get("my_variants:half_sam")
    p = sl.problems.Quadratic(np.diag([1.0, 2.0]))
    ra = sl.run(p, from_file(0.1, 0.2), np.ones(2), 50)
    rb = sl.run(p, from_module(0.1, 0.2), np.ones(2), 50)
    rc = sl.run(p, al.sam(0.1, 0.1), np.ones(2), 50)
    assert np.array_equal(ra.f, rc.f) and np.array_equal(rb.f, rc.f)
    al.register("half-sam", from_file)
    assert al.get("half-sam") is from_file and "half-sam" in al.names()


@pytest.mark.parametrize("call, message", [
    (lambda: al.get("sma"), "unknown algorithm 'sma'; did you mean sam"),
    (lambda: al.get("no_such_module_xyz:f"), "cannot import module"),
    (lambda: al.get("missing.py:f"), "no file 'missing.py'"),
    (lambda: al.get("samlab.algorithms:nothing"), "defines no callable 'nothing'"),
    (lambda: al.register("sam", lambda lr: None), "built-in"),
    (lambda: al.register("Bad Name", al.sam), "lowercase"),
    (lambda: al.register("ok", 3), "callable"),
    (lambda: al.Perturbation("p", lambda *a: a, rho=0.1), r"declare hyperparameter 'rho' as \(value, Bounds\)"),
    (lambda: al.Perturbation("p", "step"), "step must be callable"),
    (lambda: al.Perturbation("p", lambda *a: a, needs_rng=1), "needs_rng must be True or False"),
    (lambda: al.Perturbation("p", lambda *a: a, extra_grads=-1), "extra_grads"),
    (lambda: al.Perturbation("p", lambda *a: a, _x=(0.1, al.NONNEGATIVE)), "public Python identifier"),
    (lambda: al.Algorithm("a", al.perturbations.normalized(0.1), lr=0.1, descent="hb"), "descent must be"),
    (lambda: al.Algorithm("a", "sam", lr=0.1), "perturbation must be"),
    (lambda: al.Algorithm("a", al.Perturbation("p", lambda *a: a, lr=(0.1, al.POSITIVE)), lr=0.1),
     "declared twice"),
    (lambda: al.Algorithm("bad name", None, lr=0.1), "name"),
])
def test_bad_variants_fail_early_and_clearly(call, message):
    with pytest.raises(ValueError, match=message):
        call()
