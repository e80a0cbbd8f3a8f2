"""Random units of Enhetsregisteret, for the simulator: uniform probes on the primary key.

Like Folkeregisteret's ``sampling`` (decision 0011), random ids between the smallest and the
largest are drawn and the units with those ids that match are kept, so a pick costs a few
index probes and never ``ORDER BY random()`` over a million units.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from felles.kernel.db import member_of
from felles.registries.enhetsregisteret.model import Enhet

_PROBES_PER_STATEMENT: Final = 2_000


@dataclass(frozen=True, slots=True)
class SampledUnit:
    """What the simulator needs of a unit to hire into it or to end it."""

    id: int
    organisasjonsnummer: str
    organisasjonsform: str
    overordnet_enhet: str | None
    kommunenummer: str | None
    naeringskode1: str | None


def _active(unit: Any) -> list[ColumnElement[bool]]:
    return [
        unit.slettedato.is_(None),
        unit.nedleggelsesdato.is_(None),
        unit.konkurs.is_(False),
        unit.under_avvikling.is_(False),
        unit.under_tvangsavvikling.is_(False),
    ]


def random_units(
    session: Session,
    *,
    rng: random.Random,
    count: int,
    underenhet: bool,
    organisasjonsformer: Collection[str] | None = None,
    max_probes: int | None = None,
) -> list[SampledUnit]:
    """Up to ``count`` distinct active units (main entities or sub-units), drawn uniformly.

    Active: not deleted, not bankrupt, not being dissolved, not closed down (and for a
    sub-unit, its main entity neither). Fewer come back
    when ``max_probes`` probes (default ``32 * count + 256``) find too few.
    """
    low, high = session.execute(select(func.min(Enhet.id), func.max(Enhet.id))).one()
    if low is None or high is None or count <= 0:
        return []
    conditions = [Enhet.er_underenhet.is_(underenhet), *_active(Enhet)]
    if underenhet:  # and its main entity is active too
        parent = aliased(Enhet)
        conditions.append(
            select(parent.id)
            .where(parent.organisasjonsnummer == Enhet.overordnet_enhet, *_active(parent))
            .exists()
        )
    if organisasjonsformer is not None:
        conditions.append(Enhet.organisasjonsform.in_(sorted(organisasjonsformer)))
    budget = max_probes if max_probes is not None else 32 * count + 256
    picked: dict[int, SampledUnit] = {}
    sent = 0
    while len(picked) < count and sent < budget:
        size = min(_PROBES_PER_STATEMENT, budget - sent, 4 * (count - len(picked)) + 16)
        ids = [rng.randint(low, high) for _ in range(size)]
        sent += size
        query = select(
            Enhet.id,
            Enhet.organisasjonsnummer,
            Enhet.organisasjonsform,
            Enhet.overordnet_enhet,
            Enhet.kommunenummer,
            Enhet.naeringskode1,
        ).where(member_of(session, Enhet.id, sorted(set(ids))), *conditions)
        found = {row.id: SampledUnit(*row) for row in session.execute(query)}
        for unit_id in ids:  # in the order drawn, so a run is reproducible
            if unit_id in found and len(picked) < count:
                picked.setdefault(unit_id, found[unit_id])
    return list(picked.values())
