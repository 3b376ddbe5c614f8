"""Test problems with exactly known constants: quadratics, finite sums, symbolic and named functions."""

from .base import FiniteSum, Problem, as_batch
from .finite_sums import LeastSquares, LogisticRegression
from .flat_convex import FlatConvex
from .isotropic_quadratic import IsotropicQuadratic
from .linear import Linear
from .named import LogLoss, beale, log_loss, neg_cos, pl_sine, rosenbrock, scaled_cosine
from .quadratic import Quadratic, quadratic_saddle, random_rotation
from .saddle_family import SaddleFamily
from .symbolic import SymbolicProblem, from_expression
from .trig_sum import TrigSum


def logistic_regression(A, y, reg) -> LogisticRegression:
    """ℓ2-regularized logistic regression finite sum (see :class:`LogisticRegression`)."""
    return LogisticRegression(A, y, reg)


__all__ = [
    "Problem", "FiniteSum", "as_batch", "Quadratic", "quadratic_saddle", "random_rotation",
    "LeastSquares", "LogisticRegression", "logistic_regression", "SymbolicProblem", "from_expression",
    "beale", "neg_cos", "scaled_cosine", "pl_sine", "rosenbrock", "LogLoss", "log_loss",
    "SaddleFamily", "IsotropicQuadratic", "FlatConvex", "TrigSum", "Linear",
]
