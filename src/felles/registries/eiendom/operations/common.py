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

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar, cast

from sqlalchemy import Table, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import update_many
from felles.registries.eiendom.model import Matrikkelenhet
from felles.registries.eiendom.queries import matrikkelnummer_of
from felles.registries.eiendom.values import Matrikkelnummer

T = TypeVar("T")
R = TypeVar("R")

_units = cast("Table", Matrikkelenhet.__table__)


@dataclass
class Batch(Generic[T]):
    """The outcome of each item of a batch: still open, refused (a Problem) or done."""

    size: int
    outcome: list[T | Problem | None] = field(init=False)
    _claimed: set[int] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.outcome = [None] * self.size

    def open(self) -> list[int]:
        """The items not refused (yet)."""
        return [i for i, result in enumerate(self.outcome) if not isinstance(result, Problem)]

    def each(self, check: Callable[[int], R]) -> dict[int, R]:
        """Run ``check`` on every open item; a ``Problem`` it raises refuses the item."""
        passed: dict[int, R] = {}
        for index in self.open():
            try:
                passed[index] = check(index)
            except Problem as problem:
                self.refuse(index, problem)
        return passed

    def refuse(self, index: int, problem: Problem) -> None:
        self.outcome[index] = problem

    def claim(self, index: int, unit_id: int) -> None:
        """Reserve the unit of an item that passed its checks; Conflict when an earlier
        accepted item of the batch has it (its checks saw the register before that item)."""
        if unit_id in self._claimed:
            raise Conflict(
                "The unit is part of another registration of the same batch; "
                "register them one at a time"
            )
        self._claimed.add(unit_id)

    def done(self, index: int, result: T) -> None:
        self.outcome[index] = result

    def results(self) -> list[T | Problem]:
        """Every item's outcome (each item must be refused or done by now)."""
        if any(result is None for result in self.outcome):
            raise RuntimeError("an item of the batch was neither done nor refused")
        return cast("list[T | Problem]", self.outcome)


def single(outcome: Sequence[T | Problem]) -> T:
    """The result of a batch of one, or its Problem raised."""
    (result,) = outcome
    if isinstance(result, Problem):
        raise result
    return result


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
