"""Rounding money to whole kroner, the same way everywhere.

OpenFisca stores ``int`` variables as int32 and ``float`` variables as float32, so amounts
are computed in float64 and rounded once, at the end, to whole kroner: half up (0.5 → 1),
as NAV's code rounds daily rates (``setScale(0, RoundingMode.HALF_UP)``). The tiny epsilon
keeps a product that should be exactly x.5 but lands a hair below it in binary floating point
from rounding down.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

_EPSILON = 1e-6


def round_kroner(amount: ArrayLike) -> NDArray[np.int32]:
    """Round non-negative amounts to whole kroner, half up."""
    return np.floor(np.asarray(amount, dtype=np.float64) + 0.5 + _EPSILON).astype(np.int32)


def floor_kroner(amount: ArrayLike) -> NDArray[np.int32]:
    """Round non-negative amounts down to whole kroner (for caps that must not be exceeded)."""
    return np.floor(np.asarray(amount, dtype=np.float64) + _EPSILON).astype(np.int32)
