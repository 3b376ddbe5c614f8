r"""Adversarial search: try as hard as a budget allows to break a bound on a family of instances.

    fam = sl.adversary.Quadratics(dim=4, L=1.0, mu=0.1)
    s = sl.adversary.search(sl.algorithms.sam(0.5, 0.1), fam, steps=50, bound=1.0, metric="f_gap")
    s.worst_ratio, s.problem, s.x0, s.t, s.history      # sl.run(s.problem, alg, s.x0, 50) gives it back

Families (:mod:`.families`): :class:`Quadratics`, :class:`Huber` (smooth convex, not quadratic,
exact L and μ), :class:`Saddles`, :class:`Cosines` (nonconvex, bounded below),
:class:`LeastSquaresFamily` (finite sums with given ER constants, stochastic). The batched problems they build live in :mod:`.problems`; the search in :mod:`.searching`.
"""

from .families import Cosines, Family, Huber, Instance, LeastSquaresFamily, Quadratics, Saddles
from .problems import BatchedLeastSquares, CosineSum, DiagonalQuadratics, HuberSum, huber
from .searching import METRICS, Search, sample_ratios, search

__all__ = ["search", "sample_ratios", "Search", "METRICS", "Family", "Instance", "Quadratics", "Huber",
           "Saddles", "Cosines", "LeastSquaresFamily", "DiagonalQuadratics", "HuberSum", "CosineSum",
           "BatchedLeastSquares", "huber"]
