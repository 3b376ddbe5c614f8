r"""The built-in descent rules x_{k−1} → x_k from the descent gradient g = ∇f_ξ'(y_k).

* heavy ball:  v_k = β v_{k−1} + g,  x_k = x_{k−1} − γ v_k        (v_0 = 0; PyTorch's SGD momentum)
* Nesterov:    v_k = β v_{k−1} + g,  x_k = x_{k−1} − γ (g + β v_k)   (PyTorch's ``nesterov=True``)

β → ``momentum``, γ → ``lr``. Heavy ball with the constant β = 0 is plain (S)GD, x_k = x_{k−1} − γ g,
computed without a velocity (bit for bit the same iterates).
"""

from __future__ import annotations

import numpy as np

from ..hyper import Hyper
from .base import MOMENTUM, Descent

__all__ = ["heavy_ball", "nesterov"]


def _plain_step(x, g, lr, state, h):
    return x - lr * g, state


def _heavy_ball_step(x, g, lr, v, h):
    v = h.momentum * v + g
    return x - lr * v, v


def _nesterov_step(x, g, lr, v, h):
    v = h.momentum * v + g
    return x - lr * (g + h.momentum * v), v


def heavy_ball(momentum=0.0) -> Descent:
    """Heavy-ball momentum β ∈ [0, 1) (a float, per-run array or schedule); β = 0.0 is plain descent."""
    beta = Hyper("momentum", momentum, MOMENTUM)
    if beta.is_zero:
        return Descent("heavy_ball", _plain_step, momentum=beta)
    return Descent("heavy_ball", _heavy_ball_step, init=np.zeros_like, momentum=beta)


def nesterov(momentum) -> Descent:
    """Nesterov momentum β ∈ [0, 1): the step uses g + β v_k instead of v_k."""
    return Descent("nesterov", _nesterov_step, init=np.zeros_like, momentum=(momentum, MOMENTUM))
