"""What every property command shares: the batch, input checks and row locks.

Commands come in batches (docs/decisions/0010 and 0013): every item is checked with the same
rules and messages first, then the batch writes with a few set-based statements. A refused
item writes nothing and emits nothing; the others go ahead. Its outcome is the ``Problem``
that refused it: ``NotFound`` (404) for an unknown unit, person or entity, ``Conflict`` (409)
for a request the register's current state does not allow, ``InvalidInput`` (422) for
impossible input. A unit takes part in one item of a batch at most: a later item naming it
is refused, so that every item is checked against the register as it was before the batch.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.setwise import update_many
from felles.registries.eiendom.model import Matrikkelenhet
from felles.registries.eiendom.queries import matrikkelnummer_of
from felles.registries.eiendom.values import Matrikkelnummer

_units = cast("Table", Matrikkelenhet.__table__)


def check_not_future(day: date, *, field: str) -> None:
    if day > get_clock().today():
        raise InvalidInput(f"{field} is in the future")


_NUMBER_COLUMNS = (
    Matrikkelenhet.kommunenummer,
    Matrikkelenhet.gaardsnummer,
    Matrikkelenhet.bruksnummer,
    Matrikkelenhet.festenummer,
    Matrikkelenhet.seksjonsnummer,
)


def lock_units(
    session: Session, numbers: Collection[Matrikkelnummer]
) -> dict[Matrikkelnummer, Matrikkelenhet]:
    """The units with these numbers, row-locked in id order (one statement per 500).

    ``populate_existing`` refreshes a unit already in the session from the locked row, so a
    check never sees a value a savepoint undid.
    """
    found: dict[Matrikkelnummer, Matrikkelenhet] = {}
    wanted = sorted(set(numbers))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        keys = [
            (n.kommunenummer, n.gaardsnummer, n.bruksnummer, n.festenummer, n.seksjonsnummer)
            for n in chunk
        ]
        # The municipality narrows the index scan; the tuple picks the exact units.
        query = (
            select(Matrikkelenhet)
            .where(
                member_of(session, Matrikkelenhet.kommunenummer, {n.kommunenummer for n in chunk}),
                tuple_(*_NUMBER_COLUMNS).in_(keys),
            )
            .order_by(Matrikkelenhet.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        for unit in session.scalars(query):
            found[matrikkelnummer_of(unit)] = unit
    return found


def unit_or_raise(
    units: dict[Matrikkelnummer, Matrikkelenhet], number: Matrikkelnummer
) -> Matrikkelenhet:
    unit = units.get(number)
    if unit is None:
        raise NotFound(f"No cadastral unit {number} is registered")
    return unit


def touch_units(session: Session, units: Collection[Matrikkelenhet], *, now: datetime) -> None:
    """Raise the units' versjon (guarded by the one read under the row lock) and ``endret``."""
    if not units:
        return
    rows = [{"id": u.id, "versjon": u.versjon, "endret": now} for u in units]
    changed = update_many(session, _units, keys=("id", "versjon"), rows=rows, increment="versjon")
    if changed != len(rows):
        raise Conflict("A cadastral unit was changed by someone else at the same time; try again")
    for unit in units:
        set_committed_value(unit, "versjon", unit.versjon + 1)
        set_committed_value(unit, "endret", now)
