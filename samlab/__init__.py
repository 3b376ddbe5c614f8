"""samlab: a numerical lab for the convergence theory of Sharpness-Aware Minimization.

    import samlab as sl
    p = sl.problems.Quadratic.from_spectrum([0.1, 1.0, 10.0])
    res = sl.run(p, sl.algorithms.sam(lr=0.05, rho=[0.01, 0.1]), x0=[1.0, 1.0, 1.0], steps=2000)
"""

from . import noise, problems, sampling, schedules

__version__ = "0.1.0"

__all__ = ["algorithms", "noise", "problems", "sampling", "schedules", "run", "Result", "StepView",
           "default_checkpoints", "claims", "theory", "analysis", "card", "pep", "adversary"]


_LAZY_NAMES = {"run": "engine", "StepView": "engine", "default_checkpoints": "engine", "Result": "result",
               "card": "cards"}


def __getattr__(name):
    # The engine and everything above it load on first use, so that importing a lower layer
    # (samlab.theory, samlab.problems) never loads the engine; claims, theory and analysis also
    # import scipy/sympy-heavy modules, and pep PEPit and cvxpy when it solves.
    import importlib

    if name in ("algorithms", "claims", "theory", "analysis", "plotting", "setups", "pep", "adversary"):
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'samlab' has no attribute {name!r}")
