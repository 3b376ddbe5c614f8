r"""Experiments declared in TOML: a problem, algorithms, an oracle and what to plot.

``samlab run CONFIG.toml`` reads a file of one or more ``[[experiment]]`` blocks, runs each
algorithm as one batched :func:`samlab.run` (its hyperparameter values, grid points and repetitions
are the rows), saves the results and draws one comparison figure with a panel per experiment::

    title = "SAM: constant vs decaying ρ"

    [[experiment]]
    name = "least_squares"
    problem = {kind = "least_squares", n = 100, d = 20, seed = 0, reg = 0.01}
    sampling = {kind = "uniform", batch_size = 1}
    steps = 20000
    runs = 8                                  # repetitions of every configuration
    seed = 0
    x0 = {random = "normal", scale = 1.0}     # or a list of d floats
    plot = {metric = "f_gap", logx = true, logy = true}

    [[experiment.algorithms]]
    name = "SAM, ρ = 0.1"
    algorithm = "sam"                         # gd, sam, usam, unified_sam, vasso, rsam, fsam
    lr = 0.01                                 # γ
    rho = 0.1                                 # a float, a list (one per configuration) or a schedule:
    # rho = {schedule = "inverse_power", c = 0.1, power = 0.5, t0 = 0}   (ρ_k = c/(k + t0)^power)
    # grid = {rho = [0.01, 0.1], lr = [0.01, 0.05]}                       (cartesian product)

Problems (``kind``): ``least_squares`` (n, d, seed, reg, label_noise: A, x_true ~ N(0, 1),
b = A x_true + label_noise·ε), ``logistic_regression`` (n, d, seed, reg), ``quadratic``
(``eigenvalues`` or ``L``, ``mu``, ``d``; seed, rotate), ``quadratic_saddle`` (eigenvalues, seed),
``expression`` (``expression = "x**2 + 3*sin(x)**2"``; optional x_star, f_star, L), ``beale``,
``log_loss`` (m, d, seed: A, b ~ N(0, 1)), ``scaled_cosine`` (rho, beta), ``neg_cos``, ``pl_sine``,
``rosenbrock`` (a, b). Random data comes from ``numpy.random.default_rng(seed)``.

Oracles: ``sampling = {kind = "uniform" | "nice" | "importance" | "full_batch", batch_size, replace,
tau, reweight}`` (finite sums) and/or ``noise = {kind = "gaussian", sigma}`` /
``{kind = "discrete", values, probs}``. Schedules: ``constant`` (value), ``inverse_power``
(c, power, t0), ``lam_inverse`` (λ_k = 1/k), ``lam_one_minus_inverse`` (λ_k = 1 − 1/k).
``[experiment.quick]`` overrides steps/runs/checkpoints under ``--quick`` (default: steps/10, ≤ 2 runs).

Every malformed key raises :class:`ConfigError` naming the file, the key and what was expected.
"""

from .parsing import (METRICS, AlgorithmSpec, Config, ConfigError, Experiment, Plot, algorithm_params,
                      load_config)
from .running import not_drawn_note, plot_saved, run_config, summary_markdown
from ..problems.catalog import PROBLEMS

__all__ = ["ConfigError", "Config", "Experiment", "AlgorithmSpec", "Plot", "load_config", "run_config",
           "plot_saved", "summary_markdown", "not_drawn_note", "algorithm_params", "PROBLEMS", "METRICS"]
