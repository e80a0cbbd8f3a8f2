"""Employments: registering one, giving it an end date, changing its details from a date.

Rules (the messages say which failed):

* the employee is a person in Folkeregisteret, born by and alive at ``startdato``;
* the employer (opplysningspliktig) is a legal entity in Enhetsregisteret, neither deleted nor
  bankrupt, and the workplace (arbeidssted) is one of its own sub-units, not deleted;
* 0 < stillingsprosent ≤ 100 (two decimals), the occupation a known STYRK-08 code, the type
  one of Aa-registeret's four;
* an employment never ends before it starts; it ends once; it cannot end before a change of
  its details or before the last month pay is reported for it (report that month again
  without it first), so that pay is only ever reported for months the employment lasts into;
* a change of details applies from a day within the employment, after the current version's
  first day, and changes something.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import insert_many, insert_returning_ids, update_many
from felles.registries.aordningen import events, kodeverk
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)
from felles.registries.aordningen.operations.common import (
    check_date,
    check_employer,
    check_not_far_ahead,
    check_sluttaarsak,
    check_stillingsprosent,
    check_type,
    check_yrke,
    employers,
    lock_employments_by_id,
    parse_orgnr,
    parse_person,
    people,
    require_alive_on,
    table_of,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

_arbeidsforhold: Final = table_of(Arbeidsforhold)
_detaljer: Final = table_of(Ansettelsesdetaljer)

NOT_REGISTERED: Final = "No employment is registered with this navArbeidsforholdId"


@dataclass(frozen=True, slots=True)
class Employment:
    """A new employment, as the employer's first a-melding with it reports it."""

    arbeidstaker: str
    opplysningspliktig: str
    arbeidssted: str
    startdato: date
    stillingsprosent: float
    yrke: str
    type: str = kodeverk.ORDINAERT
    # A fixed-term employment may come with its end date (and reason) known.
    sluttdato: date | None = None
    sluttaarsak: str | None = None


@dataclass(frozen=True, slots=True)
class Ending:
    """The end of an employment."""

    arbeidsforhold_id: int
    sluttdato: date
    sluttaarsak: str | None = None


# ------------------------------------------------------------------------------------------
# Starting employments
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    ident: str
    opplysningspliktig: str
    arbeidssted: str
    stillingsprosent: float


def _check_period(startdato: date, sluttdato: date | None, sluttaarsak: str | None) -> None:
    check_date(startdato, field="startdato")
    check_not_far_ahead(startdato, field="startdato")
    if sluttdato is not None:
        check_date(sluttdato, field="sluttdato")
        if sluttdato < startdato:
            raise InvalidInput("sluttdato is before startdato")
    check_sluttaarsak(sluttaarsak)
    if sluttaarsak is not None and sluttdato is None:
        raise InvalidInput("sluttaarsak needs a sluttdato")


def _check_input(item: Employment) -> _Parsed:
    """The input checks of a new employment (InvalidInput)."""
    ident = parse_person(item.arbeidstaker, role="arbeidstaker")
    opplysningspliktig = parse_orgnr(item.opplysningspliktig, role="opplysningspliktig")
    arbeidssted = parse_orgnr(item.arbeidssted, role="arbeidssted")
    check_type(item.type)
    _check_period(item.startdato, item.sluttdato, item.sluttaarsak)
    prosent = check_stillingsprosent(item.stillingsprosent)
    check_yrke(item.yrke)
    return _Parsed(ident, opplysningspliktig, arbeidssted, prosent)


def _insert_employments(
    session: Session, rows: list[dict[str, Any]], details: list[dict[str, Any]]
) -> list[Arbeidsforhold]:
    """Insert employments and their first details; the rows come back as ORM objects."""
    ids = insert_returning_ids(session, _arbeidsforhold, rows)
    insert_many(
        session,
        _detaljer,
        [{"arbeidsforhold_id": i, **d} for i, d in zip(ids, details, strict=True)],
    )
    created = []
    for row, new_id in zip(rows, ids, strict=True):
        employment = Arbeidsforhold(id=new_id, **row)
        make_transient_to_detached(employment)
        session.add(employment)
        created.append(employment)
    return created


def start_employments(
    uow: UnitOfWork, *, employments: Sequence[Employment]
) -> list[Arbeidsforhold | Problem]:
    """Register many employments; per item the new employment or the ``Problem`` refusing it.

    People are read through Folkeregisteret's queries, the employers in one query of
    Enhetsregisteret's; the employments and their first details are inserted in two
    statements.
    """
    batch: Batch[Arbeidsforhold] = Batch(len(employments))
    parsed: dict[int, _Parsed] = {}
    for index, item in enumerate(employments):
        try:
            parsed[index] = _check_input(item)
        except Problem as problem:
            batch.refuse(index, problem)
    session = uow.session
    persons = people(session, {p.ident for p in parsed.values()})
    units = employers(
        session, {o for p in parsed.values() for o in (p.opplysningspliktig, p.arbeidssted)}
    )
    current_ident: dict[int, str] = {}
    for index in batch.open():
        item, found = employments[index], parsed[index]
        try:
            person = persons[found.ident]
            if person is None:
                raise NotFound(
                    "arbeidstaker: no person is registered with this identifikasjonsnummer"
                )
            require_alive_on(person, item.startdato, role="arbeidstaker", field="startdato")
            check_employer(
                units, opplysningspliktig=found.opplysningspliktig, arbeidssted=found.arbeidssted
            )
        except Problem as problem:
            batch.refuse(index, problem)
            continue
        current_ident[index] = person.ident  # a former D-nummer is registered as the new number

    now = get_clock().now()
    accepted = batch.open()
    rows, details = [], []
    for index in accepted:
        item, found = employments[index], parsed[index]
        rows.append(
            {
                "arbeidstaker": current_ident[index],
                "opplysningspliktig": found.opplysningspliktig,
                "arbeidssted": found.arbeidssted,
                "type": item.type,
                "startdato": item.startdato,
                "sluttdato": item.sluttdato,
                "sluttaarsak": item.sluttaarsak,
                "opprettet": now,
                "sist_endret": now,
                "versjon": 1,
            }
        )
        details.append(
            {
                "gyldig_fra": item.startdato,
                "gyldig_til": None,
                "stillingsprosent": found.stillingsprosent,
                "yrke": item.yrke,
                "registrert": now,
            }
        )
    created = _insert_employments(session, rows, details)
    for index, employment in zip(accepted, created, strict=True):
        batch.done(index, employment)
        events.arbeidsforhold_opprettet(uow, employment)
    return batch.results()


def start_employment(
    uow: UnitOfWork,
    *,
    arbeidstaker: str,
    opplysningspliktig: str,
    arbeidssted: str,
    startdato: date,
    stillingsprosent: float,
    yrke: str,
    type: str = kodeverk.ORDINAERT,
    sluttdato: date | None = None,
    sluttaarsak: str | None = None,
) -> Arbeidsforhold:
    """Register an employment; returns it (its id is the navArbeidsforholdId)."""
    item = Employment(
        arbeidstaker=arbeidstaker,
        opplysningspliktig=opplysningspliktig,
        arbeidssted=arbeidssted,
        startdato=startdato,
        stillingsprosent=stillingsprosent,
        yrke=yrke,
        type=type,
        sluttdato=sluttdato,
        sluttaarsak=sluttaarsak,
    )
    return single(start_employments(uow, employments=[item]))


# ------------------------------------------------------------------------------------------
# Ending employments
# ------------------------------------------------------------------------------------------


def _check_id(arbeidsforhold_id: int) -> None:
    if isinstance(arbeidsforhold_id, bool) or arbeidsforhold_id < 1:
        raise InvalidInput("navArbeidsforholdId must be a positive whole number")


def _latest_details(session: Session, ids: Sequence[int]) -> dict[int, date]:
    """The first day of each employment's current details."""
    if not ids:
        return {}
    query = (
        select(Ansettelsesdetaljer.arbeidsforhold_id, func.max(Ansettelsesdetaljer.gyldig_fra))
        .where(member_of(session, Ansettelsesdetaljer.arbeidsforhold_id, ids))
        .group_by(Ansettelsesdetaljer.arbeidsforhold_id)
    )
    return {row[0]: row[1] for row in session.execute(query)}


def _last_paid_months(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """The last month each employment has pay in a current (not replaced) a-melding."""
    if not ids:
        return {}
    query = (
        select(Inntekt.arbeidsforhold_id, func.max(Inntekt.kalendermaaned))
        .join(AMelding, AMelding.id == Inntekt.amelding_id)
        .where(
            and_(
                member_of(session, Inntekt.arbeidsforhold_id, ids),
                AMelding.erstattet.is_(None),
            )
        )
        .group_by(Inntekt.arbeidsforhold_id)
    )
    return {row[0]: row[1] for row in session.execute(query)}


def _check_ending(
    row: Arbeidsforhold, ending: Ending, latest: date | None, paid: str | None
) -> None:
    if row.sluttdato is not None:
        raise Conflict("The employment has already ended")
    if ending.sluttdato < row.startdato:
        raise InvalidInput("sluttdato is before the employment's startdato")
    if latest is not None and ending.sluttdato < latest:
        raise Conflict("The employment's details change after sluttdato")
    if paid is not None and paid > kodeverk.month_of(ending.sluttdato):
        raise Conflict(
            f"Pay is reported for this employment for {paid}, after the month of sluttdato; "
            "report that month again without it first"
        )


def _update_employments(
    session: Session, changed: Sequence[Arbeidsforhold], values: Sequence[dict[str, Any]]
) -> None:
    """Update employments guarded by their versjon; the objects are brought up to date."""
    rows = [
        {"id": row.id, "versjon": row.versjon, **value}
        for row, value in zip(changed, values, strict=True)
    ]
    updated = update_many(
        session, _arbeidsforhold, keys=("id", "versjon"), rows=rows, increment="versjon"
    )
    if updated != len(rows):
        raise Conflict("An employment was changed by someone else at the same time; try again")
    for row, value in zip(changed, values, strict=True):
        for column, new in value.items():
            set_committed_value(row, column, new)
        set_committed_value(row, "versjon", row.versjon + 1)


def end_employments(
    uow: UnitOfWork, *, endings: Sequence[Ending]
) -> list[Arbeidsforhold | Problem]:
    """End many employments; per item the ended employment or the ``Problem`` refusing it.

    The employments are row-locked in id order in one statement; their latest details and
    last paid months are read in one statement each; the ends are written in one.
    """
    batch: Batch[Arbeidsforhold] = Batch(len(endings))
    for index, ending in enumerate(endings):
        try:
            _check_id(ending.arbeidsforhold_id)
            check_date(ending.sluttdato, field="sluttdato")
            check_sluttaarsak(ending.sluttaarsak)
        except Problem as problem:
            batch.refuse(index, problem)
    session = uow.session
    locked = lock_employments_by_id(session, {endings[i].arbeidsforhold_id for i in batch.open()})
    ids = sorted(locked)
    latest, paid = _latest_details(session, ids), _last_paid_months(session, ids)
    ending_rows: dict[int, Arbeidsforhold] = {}
    seen: set[int] = set()
    for index in batch.open():
        ending = endings[index]
        row = locked.get(ending.arbeidsforhold_id)
        try:
            if row is None:
                raise NotFound(NOT_REGISTERED)
            if row.id in seen:
                raise Conflict("The employment is ended by another item of the same batch")
            seen.add(row.id)
            _check_ending(row, ending, latest.get(row.id), paid.get(row.id))
        except Problem as problem:
            batch.refuse(index, problem)
            continue
        ending_rows[index] = row

    now = get_clock().now()
    accepted = batch.open()
    _update_employments(
        session,
        [ending_rows[i] for i in accepted],
        [
            {
                "sluttdato": endings[i].sluttdato,
                "sluttaarsak": endings[i].sluttaarsak,
                "sist_endret": now,
            }
            for i in accepted
        ],
    )
    for index in accepted:
        batch.done(index, ending_rows[index])
        events.arbeidsforhold_avsluttet(uow, ending_rows[index])
    return batch.results()


def end_employment(
    uow: UnitOfWork, *, arbeidsforhold_id: int, sluttdato: date, sluttaarsak: str | None = None
) -> Arbeidsforhold:
    """Give an employment its end date (and optionally the reason); returns it."""
    ending = Ending(
        arbeidsforhold_id=arbeidsforhold_id, sluttdato=sluttdato, sluttaarsak=sluttaarsak
    )
    return single(end_employments(uow, endings=[ending]))


# ------------------------------------------------------------------------------------------
# Changing the details (position percentage, occupation) from a date
# ------------------------------------------------------------------------------------------


def change_employment(
    uow: UnitOfWork,
    *,
    arbeidsforhold_id: int,
    gyldig_fra: date,
    stillingsprosent: float | None = None,
    yrke: str | None = None,
) -> Arbeidsforhold:
    """Change the position percentage and/or occupation from ``gyldig_fra``; returns it.

    The current version of the details ends the day before; the new one is current from
    ``gyldig_fra``. Both stay, so the employment's history shows every change.
    """
    _check_id(arbeidsforhold_id)
    check_date(gyldig_fra, field="gyldigFra")
    check_not_far_ahead(gyldig_fra, field="gyldigFra")
    if stillingsprosent is None and yrke is None:
        raise InvalidInput("Give stillingsprosent, yrke or both")
    prosent = None if stillingsprosent is None else check_stillingsprosent(stillingsprosent)
    if yrke is not None:
        check_yrke(yrke)
    session = uow.session
    row = lock_employments_by_id(session, {arbeidsforhold_id}).get(arbeidsforhold_id)
    if row is None:
        raise NotFound(NOT_REGISTERED)
    if gyldig_fra < row.startdato:
        raise InvalidInput("gyldigFra is before the employment's startdato")
    if row.sluttdato is not None and gyldig_fra > row.sluttdato:
        raise Conflict("gyldigFra is after the employment's sluttdato")
    current = session.scalar(
        select(Ansettelsesdetaljer)
        .where(
            Ansettelsesdetaljer.arbeidsforhold_id == row.id,
            Ansettelsesdetaljer.gyldig_til.is_(None),
        )
        .execution_options(populate_existing=True)
    )
    if current is None:  # every employment is created with its details
        raise RuntimeError(f"employment {row.id} has no current ansettelsesdetaljer")
    if gyldig_fra <= current.gyldig_fra:
        raise Conflict("The employment's details already change on or after gyldigFra")
    new_prosent = current.stillingsprosent if prosent is None else prosent
    new_yrke = current.yrke if yrke is None else yrke
    if new_prosent == float(current.stillingsprosent) and new_yrke == current.yrke:
        raise Conflict("Nothing changes: the employment already has these details")

    now = get_clock().now()
    current.gyldig_til = gyldig_fra - timedelta(days=1)
    session.add(
        Ansettelsesdetaljer(
            arbeidsforhold_id=row.id,
            gyldig_fra=gyldig_fra,
            gyldig_til=None,
            stillingsprosent=new_prosent,
            yrke=new_yrke,
            registrert=now,
        )
    )
    session.flush()
    _update_employments(session, [row], [{"sist_endret": now}])
    events.arbeidsforhold_endret(uow, row, gyldig_fra=gyldig_fra)
    return row
