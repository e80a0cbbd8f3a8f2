"""What A-ordningen's commands share: input checks, the registers they read, locks, writes.

Commands come in batches (docs/decisions/0010 and 0013): every item is checked with the same
rules and messages first, then the batch writes with a few set-based statements. A refused
item writes nothing and emits nothing; its outcome is the ``Problem`` that refused it:
``NotFound`` (404) for a person, entity or employment that is not registered, ``Conflict``
(409) for a request the registers' current state does not allow (an employer that is deleted,
an employment that has ended), ``InvalidInput`` (422) for impossible input (an end before the
start, an unknown occupation code). Messages name the field or item that failed and never
another person's data.

The batch outcome is the kernel's (``felles.kernel.batch``).

Other registers are read only through their public queries: people through Folkeregisteret's
``get_persons``, employers through Enhetsregisteret's ``units_status``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any, Final, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import orgnr_input as parse_orgnr
from felles.kernel.ids import person_input as parse_person
from felles.registries.aordningen import kodeverk
from felles.registries.aordningen.model import Arbeidsforhold
from felles.registries.enhetsregisteret.queries import UnitStatus, units_status
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import get_persons

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_AMOUNT",
    "Batch",
    "check_date",
    "check_month",
    "check_sluttaarsak",
    "check_stillingsprosent",
    "check_type",
    "check_yrke",
    "employers",
    "lock_employments",
    "parse_orgnr",
    "parse_person",
    "people",
    "require_alive_on",
    "single",
]

#: Dates outside these are refused: no employment in Norway's registers is older, and the
#: month arithmetic of the checks stays far from ``date.min`` and ``date.max``.
EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2099, 12, 31)
#: An employment may be registered at most this long before it starts (a signed contract).
MAX_DAYS_AHEAD: Final = 366
#: The largest amount of one line of an a-melding, in whole NOK.
MAX_AMOUNT: Final = 10**12


# ------------------------------------------------------------------------------------------
# Input checks (raise InvalidInput; run before anything is read or written)
# ------------------------------------------------------------------------------------------


def check_date(day: date, *, field: str) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(
            f"{field} must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"
        )


def check_not_far_ahead(day: date, *, field: str) -> None:
    if day > get_clock().today() + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(f"{field} is more than {MAX_DAYS_AHEAD} days ahead")


def check_stillingsprosent(value: float) -> float:
    """0 < stillingsprosent ≤ 100 with at most two decimals; returned rounded to them."""
    if not math.isfinite(value) or not 0 < value <= 100:
        raise InvalidInput("stillingsprosent must be greater than 0 and at most 100")
    rounded = round(value, 2)
    if abs(rounded - value) > 1e-9:
        raise InvalidInput("stillingsprosent has at most two decimals")
    return rounded


def check_yrke(kode: str) -> None:
    if kode not in kodeverk.yrker():
        raise InvalidInput("yrke is not a STYRK-08 code felles knows (GET /a-ordningen/kodeverk)")


def check_type(kode: str) -> None:
    if kode not in kodeverk.ARBEIDSFORHOLDTYPER:
        known = ", ".join(kodeverk.ARBEIDSFORHOLDTYPER)
        raise InvalidInput(f"arbeidsforholdtype must be one of {known}")


def check_sluttaarsak(kode: str | None) -> None:
    if kode is not None and kode not in kodeverk.SLUTTAARSAKER:
        raise InvalidInput(f"sluttaarsak must be one of {', '.join(kodeverk.SLUTTAARSAKER)}")


def check_month(month: str) -> None:
    """A calendar month ``YYYY-MM`` of A-ordningen: from January 2015 to the current month."""
    if not kodeverk.is_month(month):
        raise InvalidInput("kalendermaaned must be a month written YYYY-MM")
    if month < kodeverk.FIRST_MONTH:
        raise InvalidInput("kalendermaaned is before A-ordningen started (2015-01)")
    if month > kodeverk.month_of(get_clock().today()):
        raise InvalidInput("kalendermaaned is in the future")


# ------------------------------------------------------------------------------------------
# The other registers (their public queries only)
# ------------------------------------------------------------------------------------------


def people(session: Session, idents: Collection[str]) -> dict[str, Person | None]:
    """People by the identity number asked for (current or former); None when unknown."""
    return get_persons(session, idents=idents)


def require_alive_on(person: Person, day: date, *, role: str, field: str) -> None:
    """The person was born by ``day`` and did not die before it."""
    if day < person.foedselsdato:
        raise InvalidInput(f"{field} is before the {role}'s foedselsdato")
    if person.doedsdato is not None and person.doedsdato < day:
        raise Conflict(f"the {role} is registered as dead before {field}")
    if person.doedsdato is None and person.status == "doed":
        raise Conflict(f"the {role} is registered as dead")


def employers(session: Session, orgnrs: Collection[str]) -> dict[str, UnitStatus]:
    """Entities and sub-units by orgnr (those Enhetsregisteret knows), one query."""
    if not orgnrs:
        return {}
    return units_status(session, orgnrs=sorted(set(orgnrs)))


def check_employer(
    units: Mapping[str, UnitStatus], *, opplysningspliktig: str, arbeidssted: str
) -> None:
    """An existing, not deleted, not bankrupt legal entity, and a sub-unit that is its own."""
    entity = units.get(opplysningspliktig)
    if entity is None:
        raise NotFound("opplysningspliktig: no entity with this organisasjonsnummer is registered")
    if entity.er_underenhet:
        raise InvalidInput("opplysningspliktig must be a legal entity (hovedenhet), not a sub-unit")
    if entity.slettet:
        raise Conflict("opplysningspliktig is deleted from Enhetsregisteret")
    if entity.konkurs:
        raise Conflict("opplysningspliktig is bankrupt (konkurs)")
    unit = units.get(arbeidssted)
    if unit is None:
        raise NotFound("arbeidssted: no sub-unit with this organisasjonsnummer is registered")
    if not unit.er_underenhet:
        raise InvalidInput("arbeidssted must be a sub-unit (underenhet, virksomhet)")
    if unit.slettet:
        raise Conflict("arbeidssted is deleted from Enhetsregisteret")
    if unit.overordnet_enhet != opplysningspliktig:
        raise Conflict("arbeidssted is not a sub-unit of opplysningspliktig")


# ------------------------------------------------------------------------------------------
# Locks and writes
# ------------------------------------------------------------------------------------------


def lock_employments(session: Session, condition: Any) -> list[Arbeidsforhold]:
    """Employments matching ``condition``, row-locked in id order (PostgreSQL FOR UPDATE).

    ``populate_existing`` refreshes rows already in the session from the locked row, so a
    check never sees a value a savepoint undid or a concurrent command changed.
    """
    query = (
        select(Arbeidsforhold)
        .where(condition)
        .order_by(Arbeidsforhold.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def lock_employments_by_id(session: Session, ids: Collection[int]) -> dict[int, Arbeidsforhold]:
    if not ids:
        return {}
    locked = lock_employments(session, member_of(session, Arbeidsforhold.id, sorted(set(ids))))
    return {row.id: row for row in locked}


def table_of(model: type[Any]) -> Table:
    return cast("Table", model.__table__)
