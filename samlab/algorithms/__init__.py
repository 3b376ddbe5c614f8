r"""SAM-family optimizers: a perturbation rule composed with a descent rule, and a registry of names.

One step k (1-based) of every algorithm, batched over runs:

    g_k = ∇f_ξ(x_{k−1})                         ascent gradient (sample ξ)
    y_k = x_{k−1} + δ_k(g_k, state)              perturbation rule (none for gd)
    x_k = descent(x_{k−1}, ∇f_ξ'(y_k), γ_k)      heavy ball: v_k = β v_{k−1} + ∇f_ξ'(y_k), x_k = x_{k−1} − γ v_k

ξ' = ξ with ``same_sample=True`` (m-SAM) and an independent draw with ``same_sample=False`` (n-SAM).
v_0 = 0 with no dampening reproduces PyTorch's heavy ball (its buffer starts at the first gradient).

* ``gd, sam, usam, unified_sam, vasso, rsam, fsam``: the built-in factories (``builtins``);
* ``Perturbation, Descent, Algorithm, StepContext`` and the ``Bounds`` constants: the public API a
  user's variant is written with (``base``); ``heavy_ball`` and ``nesterov`` descent rules;
* ``register(name, factory)``, ``get(name)``: names for user variants (``registry``).
"""

from ..linalg import row_norms
from . import perturbations
from .base import (HALF_OPEN_UNIT, MOMENTUM, NONNEGATIVE, OPEN_UNIT, POSITIVE, UNIT, Algorithm, Bounds, Descent,
                   Perturbation, StepContext)
from .builtins import BUILTINS, fsam, gd, rsam, sam, unified_sam, usam, vasso
from .descents import heavy_ball, nesterov
from .registry import ALGORITHMS, get, names, register

__all__ = [
    "Algorithm", "Perturbation", "Descent", "StepContext", "Bounds",
    "POSITIVE", "NONNEGATIVE", "UNIT", "MOMENTUM", "OPEN_UNIT", "HALF_OPEN_UNIT",
    "gd", "sam", "usam", "unified_sam", "vasso", "rsam", "fsam", "heavy_ball", "nesterov",
    "register", "get", "names", "ALGORITHMS", "BUILTINS", "perturbations", "row_norms",
]
