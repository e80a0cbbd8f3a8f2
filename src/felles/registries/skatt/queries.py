"""Reads of Skatteetaten: a person's assessments and their history, and arrears.

Every read is one or two indexed selects: assessments by (personidentifikator, inntektsaar)
(the unique index), their replaced versions by the same key, claims by debtor
(``skatt_restanse (skyldner, betalt_dato)``). A person may be asked for under any of their
identity numbers: the callers pass all of them (``idents``), as Folkeregisteret knows them.

A claim is an arrear (restanse: forfalt og ubetalt) on a day when its due date has come and it
is not paid by then.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.registries.skatt.model import Restanse, Skatteoppgjoer, SkatteoppgjoerHistorikk

# ------------------------------------------------------------------------------------------
# Assessments
# ------------------------------------------------------------------------------------------


def get_assessment(
    session: Session, *, idents: Collection[str], income_year: int
) -> Skatteoppgjoer | None:
    """The person's current assessment of ``income_year``, or None."""
    if not idents:
        return None
    query = (
        select(Skatteoppgjoer)
        .where(
            member_of(session, Skatteoppgjoer.personidentifikator, sorted(set(idents))),
            Skatteoppgjoer.inntektsaar == income_year,
        )
        .order_by(Skatteoppgjoer.skatteoppgjoersdato.desc(), Skatteoppgjoer.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def latest_assessment(session: Session, *, idents: Collection[str]) -> Skatteoppgjoer | None:
    """The person's current assessment of the latest income year assessed, or None."""
    if not idents:
        return None
    query = (
        select(Skatteoppgjoer)
        .where(member_of(session, Skatteoppgjoer.personidentifikator, sorted(set(idents))))
        .order_by(Skatteoppgjoer.inntektsaar.desc(), Skatteoppgjoer.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def assessments_of(session: Session, *, idents: Collection[str]) -> list[Skatteoppgjoer]:
    """Every current assessment of the person, latest income year first."""
    if not idents:
        return []
    query = (
        select(Skatteoppgjoer)
        .where(member_of(session, Skatteoppgjoer.personidentifikator, sorted(set(idents))))
        .order_by(Skatteoppgjoer.inntektsaar.desc(), Skatteoppgjoer.id.desc())
    )
    return list(session.scalars(query))


def assessments_by_ident(
    session: Session, *, idents: Collection[str], made_by: date | None = None
) -> dict[str, list[Skatteoppgjoer]]:
    """Every current assessment under each identity number, latest income year first; one
    query for any number of people. With ``made_by``, only assessments made by that day
    (``skatteoppgjoersdato``). Numbers without any are left out.
    """
    wanted = sorted(set(idents))
    if not wanted:
        return {}
    query = select(Skatteoppgjoer).where(
        member_of(session, Skatteoppgjoer.personidentifikator, wanted)
    )
    if made_by is not None:
        query = query.where(Skatteoppgjoer.skatteoppgjoersdato <= made_by)
    query = query.order_by(Skatteoppgjoer.inntektsaar.desc(), Skatteoppgjoer.id.desc())
    found: dict[str, list[Skatteoppgjoer]] = {}
    for row in session.scalars(query):
        found.setdefault(row.personidentifikator, []).append(row)
    return found


def assessment_history(
    session: Session, *, idents: Collection[str], income_year: int
) -> list[SkatteoppgjoerHistorikk]:
    """The replaced versions of the person's assessment of the year, newest first."""
    if not idents:
        return []
    query = (
        select(SkatteoppgjoerHistorikk)
        .where(
            member_of(session, SkatteoppgjoerHistorikk.personidentifikator, sorted(set(idents))),
            SkatteoppgjoerHistorikk.inntektsaar == income_year,
        )
        .order_by(SkatteoppgjoerHistorikk.versjon.desc())
    )
    return list(session.scalars(query))


# ------------------------------------------------------------------------------------------
# Arrears
# ------------------------------------------------------------------------------------------


def _overdue(today: date) -> ColumnElement[bool]:
    """Due by ``today`` and not paid by then (paid later counts as unpaid on ``today``)."""
    return and_(
        Restanse.forfallsdato <= today,
        or_(Restanse.betalt_dato.is_(None), Restanse.betalt_dato > today),
    )


def get_claim(session: Session, *, restanse_id: int) -> Restanse | None:
    """The claim with this id, or None."""
    return session.get(Restanse, restanse_id)


def claims_of(
    session: Session, *, skyldnere: Iterable[str], include_paid: bool = False
) -> list[Restanse]:
    """The claims against a person (any of their identity numbers) or an organisation,
    oldest due date first; only the unpaid ones unless ``include_paid``."""
    wanted = sorted(set(skyldnere))
    if not wanted:
        return []
    query = select(Restanse).where(member_of(session, Restanse.skyldner, wanted))
    if not include_paid:
        query = query.where(Restanse.betalt_dato.is_(None))
    return list(session.scalars(query.order_by(Restanse.forfallsdato, Restanse.id)))


@dataclass
class Arrears:
    """What a debtor owes overdue on a day, by kind of claim (whole NOK)."""

    skyldner: str
    forfalt_og_ubetalt: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.forfalt_og_ubetalt.values())


def arrears_of(session: Session, *, skyldner: str, today: date | None = None) -> Arrears:
    """The debtor's arrears (forfalt og ubetalt) on ``today`` (default: the clock's), by kind."""
    day = today or get_clock().today()
    query = (
        select(Restanse.kravtype, func.sum(Restanse.beloep))
        .where(Restanse.skyldner == skyldner, _overdue(day))
        .group_by(Restanse.kravtype)
    )
    found = Arrears(skyldner)
    for kravtype, beloep in session.execute(query):
        found.forfalt_og_ubetalt[kravtype] = int(beloep)
    return found


def arrears_by_debtor(
    session: Session, *, skyldnere: Collection[str], today: date | None = None
) -> dict[str, Arrears]:
    """Each debtor's arrears on ``today`` (default: the clock's), by kind; one query for any
    number of debtors. Every debtor asked for has an entry (empty when it owes nothing)."""
    wanted = sorted(set(skyldnere))
    if not wanted:
        return {}
    day = today or get_clock().today()
    query = (
        select(Restanse.skyldner, Restanse.kravtype, func.sum(Restanse.beloep))
        .where(member_of(session, Restanse.skyldner, wanted), _overdue(day))
        .group_by(Restanse.skyldner, Restanse.kravtype)
    )
    found = {skyldner: Arrears(skyldner) for skyldner in wanted}
    for skyldner, kravtype, beloep in session.execute(query):
        found[skyldner].forfalt_og_ubetalt[kravtype] = int(beloep)
    return found


def has_arrears(
    session: Session, orgnrs: Collection[str], *, today: date | None = None
) -> dict[str, bool]:
    """For each organisation (or person) asked for: has it arrears on ``today``? One query.

    The batch form for evidence bundles (skatteattest) over many organisations at once.
    """
    wanted = sorted(set(orgnrs))
    if not wanted:
        return {}
    day = today or get_clock().today()
    query = (
        select(Restanse.skyldner)
        .where(member_of(session, Restanse.skyldner, wanted), _overdue(day))
        .distinct()
    )
    owing = set(session.scalars(query))
    return {orgnr: orgnr in owing for orgnr in wanted}
