"""Fast reductions from people to their group (familie, husholdning) for screening.

OpenFisca's ``any``/``all``/``sum(role=...)`` compare every member's role object and loop over
positions in the group, which costs about a quarter of a second per call on 5.6 million people.
These helpers take the role as a cached boolean variable (``er_forelder``, ``er_barn``, …) and do
one ``bincount`` instead.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def count(group, mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """How many members of each group satisfy ``mask``."""
    ids = group.members_entity_id[np.asarray(mask, dtype=bool)]
    return np.bincount(ids, minlength=group.count)


def any_member(group, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Whether any member of each group satisfies ``mask``."""
    return count(group, mask) > 0


def total(group, values: NDArray[np.integer]) -> NDArray[np.int64]:
    """Sum of whole-number ``values`` over each group's members (float64 holds them exactly)."""
    values = np.asarray(values, dtype=np.int64)
    nonzero = values != 0
    return np.bincount(
        group.members_entity_id[nonzero], weights=values[nonzero], minlength=group.count
    ).astype(np.int64)
