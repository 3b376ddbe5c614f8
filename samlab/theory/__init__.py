"""Closed forms shared by several papers, derived with sympy and evaluated with NumPy.

- :mod:`samlab.theory.quadratic_cycle`: the 2-cycle of Unified SAM on a quadratic, its plateau and
  stability; the linear contraction of GD/USAM.
- :mod:`samlab.theory.linearization`: USAM/SAM linearized at a critical point (Kim et al.).
- :mod:`samlab.theory.diffusion`: SAM's diffusion near a saddle (Kim et al. Theorems 2, 3,
  Corollary 1) and a simulator of the model SDE.
"""

from .diffusion import (
    corollary1_gap,
    diffusion_gap_series,
    model_sde_em_variance,
    momentum_diffusion_as_transcribed,
    sam_diffusion_variance,
    sam_sgd_diffusion_gap,
    sgd_diffusion_variance,
)
from .linearization import (
    attraction_threshold,
    sam_multipliers,
    sam_negative_multiplier,
    sam_objective_rates,
    usam_attracts,
    usam_flow_attracts,
    usam_flow_rates,
    usam_multipliers,
    usam_step_limit,
)
from .quadratic_cycle import (
    cycle_amplitude,
    cycle_contraction,
    cycle_exists,
    cycle_multipliers,
    cycle_plateau,
    cycle_point,
    usam_contraction,
)
from .oikonomou_loizou_2025 import *  # noqa: E402,F401,F403
from .si_yun_2023 import *  # noqa: E402,F401,F403
from .khanh_2024 import *  # noqa: E402,F401,F403
from .kim_2023 import *  # noqa: E402,F401,F403
