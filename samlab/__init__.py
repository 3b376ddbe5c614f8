"""samlab: a numerical lab for the convergence theory of Sharpness-Aware Minimization.

    import samlab as sl
    p = sl.problems.Quadratic.from_spectrum([0.1, 1.0, 10.0])
    res = sl.run(p, sl.algorithms.sam(lr=0.05, rho=[0.01, 0.1]), x0=[1.0, 1.0, 1.0], steps=2000)
"""

from . import algorithms, noise, problems, sampling, schedules
from .engine import StepView, default_checkpoints, run
from .result import Result

__version__ = "0.1.0"

__all__ = ["algorithms", "noise", "problems", "sampling", "schedules", "run", "Result", "StepView",
           "default_checkpoints", "claims", "theory", "analysis", "pep", "adversary"]


def __getattr__(name):
    # claims, theory and analysis import scipy/sympy-heavy modules, pep imports PEPit and cvxpy
    # (about 2 s): load them on first use
    if name in ("claims", "theory", "analysis", "plotting", "pep", "adversary"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'samlab' has no attribute {name!r}")
