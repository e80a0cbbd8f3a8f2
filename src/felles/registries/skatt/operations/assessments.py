"""Skatteoppgjør: a person's assessment of an income year, and changed assessments.

An assessment takes the year's pay (lønnsinntekt), capital income, interest paid, gross wealth
and debt, computes the taxes with ``calculation.assess`` and stores inputs and results with the
day of the assessment (``skatteoppgjoersdato``, default today). Assessing a year again (endret
skatteoppgjør) replaces the current version: it is copied to the history unchanged, the current
row takes the new values and the next ``versjon``.

Rules: the person is registered in Folkeregisteret (``NotFound``), born by the end of the year
and not dead before it began (``Conflict``); the income year is one felles has rules for, from
2022, and it has ended (``InvalidInput``); the skatteoppgjoersdato lies after the year and not in
the future; every amount is a whole number of NOK from 0 to ``MAX_AMOUNT``. A person and year
appear once per batch. A refused item writes nothing.

``make_assessment_from_aordningen`` takes the pay as the sum of what employers reported to
A-ordningen for the year (the current a-meldinger, every kind of pay, not the withholding tax),
read through A-ordningen's public ``income`` query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.setwise import insert_many, update_many
from felles.registries.aordningen import queries as aordningen
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import get_person
from felles.registries.skatt import events
from felles.registries.skatt.calculation import assess
from felles.registries.skatt.model import INPUTS, RESULTS, Skatteoppgjoer, SkatteoppgjoerHistorikk
from felles.registries.skatt.operations.common import (
    check_amount,
    check_date,
    check_income_year,
    parse_person,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

_current: Final = cast("Table", Skatteoppgjoer.__table__)
_history: Final = cast("Table", SkatteoppgjoerHistorikk.__table__)
UNKNOWN_PERSON: Final = "No person is registered with this personidentifikator"
_VERSIONED: Final = ("personidentifikator", "inntektsaar", "versjon", *INPUTS, *RESULTS)


@dataclass(frozen=True, slots=True)
class TaxReturn:
    """What an assessment of one person and income year is made from (whole NOK)."""

    personidentifikator: str
    inntektsaar: int
    loennsinntekt: int = 0
    kapitalinntekt: int = 0
    renteutgifter: int = 0
    bruttoformue: int = 0
    gjeld: int = 0
    # The day of the assessment; today when not given.
    skatteoppgjoersdato: date | None = None


@dataclass(frozen=True, slots=True)
class _Checked:
    ident: str
    person: Person
    oppgjoersdato: date


def _check_input(item: TaxReturn) -> tuple[str, date]:
    ident = parse_person(item.personidentifikator, role="personidentifikator")
    check_income_year(item.inntektsaar)
    for name in INPUTS:
        check_amount(getattr(item, name), field=name)
    day = item.skatteoppgjoersdato or get_clock().today()
    check_date(day, field="skatteoppgjoersdato")
    if day.year <= item.inntektsaar:
        raise InvalidInput("skatteoppgjoersdato must lie after the income year")
    return ident, day


def _check_person(person: Person | None, year: int) -> Person:
    if person is None:
        raise NotFound(UNKNOWN_PERSON)
    if person.foedselsdato > date(year, 12, 31):
        raise Conflict("the person was born after the income year")
    if person.doedsdato is not None and person.doedsdato < date(year, 1, 1):
        raise Conflict("the person died before the income year")
    return person


def _lock_current(
    session: Session, idents: set[str], years: set[int]
) -> dict[tuple[str, int], Skatteoppgjoer]:
    """The current assessments of these people and years, row-locked in id order."""
    if not idents:
        return {}
    query = (
        select(Skatteoppgjoer)
        .where(
            member_of(session, Skatteoppgjoer.personidentifikator, sorted(idents)),
            member_of(session, Skatteoppgjoer.inntektsaar, sorted(years)),
        )
        .order_by(Skatteoppgjoer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {(row.personidentifikator, row.inntektsaar): row for row in session.scalars(query)}


def _results(items: dict[int, TaxReturn]) -> dict[int, dict[str, int]]:
    """Each item's inputs and results, computed year by year with one ``assess`` each."""
    by_year: dict[int, list[int]] = {}
    for index, item in items.items():
        by_year.setdefault(item.inntektsaar, []).append(index)
    values: dict[int, dict[str, int]] = {}
    for year, indexes in by_year.items():
        inputs = {name: [getattr(items[i], name) for i in indexes] for name in INPUTS}
        assessment = assess(year, **inputs)
        for position, index in enumerate(indexes):
            own = {name: getattr(items[index], name) for name in INPUTS}
            values[index] = own | assessment.row(position)
    return values


def make_assessments(
    uow: UnitOfWork, *, items: Sequence[TaxReturn]
) -> list[Skatteoppgjoer | Problem]:
    """Assess many people and years; per item the current assessment or the ``Problem``.

    The people are read through Folkeregisteret's queries; the current assessments of the
    batch are row-locked in one statement; new ones are inserted in one, replaced versions
    copied to the history in one and the current rows updated in one more.
    """
    batch: Batch[Skatteoppgjoer] = Batch(len(items))
    session = uow.session
    parsed = batch.each(lambda i: _check_input(items[i]))
    people = {ident: get_person(session, ident=ident) for ident, _ in parsed.values()}

    checked: dict[int, _Checked] = {}
    claimed: set[tuple[str, int]] = set()
    for index, (ident, day) in parsed.items():
        try:
            person = _check_person(people[ident], items[index].inntektsaar)
            key = (person.ident, items[index].inntektsaar)
            if key in claimed:
                raise Conflict(
                    "Another item of the same batch assesses this person and year; "
                    "assess them one at a time"
                )
            claimed.add(key)
            checked[index] = _Checked(ident, person, day)
        except Problem as problem:
            batch.refuse(index, problem)

    accepted = batch.open()
    idents = {c.ident for c in checked.values()} | {c.person.ident for c in checked.values()}
    years = {items[i].inntektsaar for i in accepted}
    current = _lock_current(session, idents, years)
    values = _results({i: items[i] for i in accepted})
    now = get_clock().now()

    created: list[tuple[int, Skatteoppgjoer]] = []
    replaced: list[tuple[int, Skatteoppgjoer, int]] = []
    history_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for index in accepted:
        found = checked[index]
        year = items[index].inntektsaar
        row_values = values[index] | {
            "personidentifikator": found.person.ident,
            "inntektsaar": year,
            "skatteoppgjoersdato": found.oppgjoersdato,
            "registrert": now,
        }
        earlier = current.get((found.person.ident, year)) or current.get((found.ident, year))
        if earlier is None:
            row = Skatteoppgjoer(versjon=1, **row_values)
            session.add(row)
            created.append((index, row))
            continue
        history_rows.append(
            {name: getattr(earlier, name) for name in _VERSIONED}
            | {
                "skatteoppgjoersdato": earlier.skatteoppgjoersdato,
                "registrert": earlier.registrert,
                "skatteoppgjoer_id": earlier.id,
                "erstattet": now,
            }
        )
        updates.append({"id": earlier.id, "versjon": earlier.versjon} | row_values)
        replaced.append((index, earlier, earlier.versjon))

    session.flush()  # the new rows get their ids (one INSERT … RETURNING for all of them)
    insert_many(session, _history, history_rows)
    changed = update_many(
        session, _current, keys=("id", "versjon"), rows=updates, increment="versjon"
    )
    if changed != len(updates):
        raise Conflict("An assessment was changed by someone else at the same time; try again")
    for update, (_, row, _) in zip(updates, replaced, strict=True):
        for name, value in update.items():
            if name not in {"id", "versjon"}:
                set_committed_value(row, name, value)
        set_committed_value(row, "versjon", update["versjon"] + 1)

    for index, row in created:
        batch.done(index, row)
        events.skatteoppgjoer_fastsatt(uow, row)
    for index, row, erstatter in replaced:
        batch.done(index, row)
        events.skatteoppgjoer_endret(uow, row, erstatter=erstatter)
    return batch.results()


def make_assessment(
    uow: UnitOfWork,
    *,
    ident: str,
    income_year: int,
    loennsinntekt: int = 0,
    kapitalinntekt: int = 0,
    renteutgifter: int = 0,
    bruttoformue: int = 0,
    gjeld: int = 0,
    skatteoppgjoersdato: date | None = None,
) -> Skatteoppgjoer:
    """Assess one person's income year (replacing an earlier assessment of it)."""
    item = TaxReturn(
        personidentifikator=ident,
        inntektsaar=income_year,
        loennsinntekt=loennsinntekt,
        kapitalinntekt=kapitalinntekt,
        renteutgifter=renteutgifter,
        bruttoformue=bruttoformue,
        gjeld=gjeld,
        skatteoppgjoersdato=skatteoppgjoersdato,
    )
    return single(make_assessments(uow, items=[item]))


def reported_pay(session: Session, *, ident: str, income_year: int) -> int:
    """The person's pay for the year as employers reported it to A-ordningen (whole NOK).

    Every current a-melding line of pay from January to December, under the identity number
    asked for and the person's current one; withholding tax is not pay. NotFound for a person
    Folkeregisteret does not know.
    """
    person = get_person(session, ident=ident)
    if person is None:
        raise NotFound(UNKNOWN_PERSON)
    months = aordningen.income(
        session,
        idents={ident, person.ident},
        fra=f"{income_year}-01",
        til=f"{income_year}-12",
    )
    return sum(
        beloep for month in months for version in month.versjoner for _, beloep in version.inntekter
    )


def make_assessment_from_aordningen(
    uow: UnitOfWork,
    *,
    ident: str,
    income_year: int,
    kapitalinntekt: int = 0,
    renteutgifter: int = 0,
    bruttoformue: int = 0,
    gjeld: int = 0,
    skatteoppgjoersdato: date | None = None,
) -> Skatteoppgjoer:
    """Assess the year with the pay employers reported to A-ordningen for it."""
    person_ident = parse_person(ident, role="personidentifikator")
    check_income_year(income_year)
    loenn = reported_pay(uow.session, ident=person_ident, income_year=income_year)
    return make_assessment(
        uow,
        ident=person_ident,
        income_year=income_year,
        loennsinntekt=loenn,
        kapitalinntekt=kapitalinntekt,
        renteutgifter=renteutgifter,
        bruttoformue=bruttoformue,
        gjeld=gjeld,
        skatteoppgjoersdato=skatteoppgjoersdato,
    )
