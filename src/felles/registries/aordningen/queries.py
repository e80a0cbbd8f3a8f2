"""Reads of A-ordningen: employments with their details, and reported pay by person and month.

Every read is a constant number of indexed selects: employments by person
(``arbeidstaker``), by workplace or employer, by id; their details by employment id; pay lines
by person and month range (``aord_inntekt (norskident, kalendermaaned)``), joined with their
a-melding.

Status of an employment on a day (Aa-registeret's ``arbeidsforholdstatus``): FREMTIDIG before
its startdato, AVSLUTTET after its sluttdato, AKTIV otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from felles.kernel.db import member_of
from felles.registries.aordningen import kodeverk
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)

Status = Literal["AKTIV", "FREMTIDIG", "AVSLUTTET"]
AKTIV: Final = "AKTIV"
FREMTIDIG: Final = "FREMTIDIG"
AVSLUTTET: Final = "AVSLUTTET"
STATUSER: Final[tuple[Status, ...]] = (AKTIV, FREMTIDIG, AVSLUTTET)


# ------------------------------------------------------------------------------------------
# Employments
# ------------------------------------------------------------------------------------------


def status_of(employment: Arbeidsforhold, *, today: date) -> Status:
    """AKTIV, FREMTIDIG or AVSLUTTET on ``today``."""
    if employment.startdato > today:
        return FREMTIDIG
    if employment.sluttdato is not None and employment.sluttdato < today:
        return AVSLUTTET
    return AKTIV


def _status_condition(statuser: Collection[str], today: date) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if AKTIV in statuser:
        conditions.append(
            and_(
                Arbeidsforhold.startdato <= today,
                or_(Arbeidsforhold.sluttdato.is_(None), Arbeidsforhold.sluttdato >= today),
            )
        )
    if FREMTIDIG in statuser:
        conditions.append(Arbeidsforhold.startdato > today)
    if AVSLUTTET in statuser:
        conditions.append(Arbeidsforhold.sluttdato < today)
    return or_(*conditions) if conditions else false()


def _filtered(
    session: Session,
    condition: ColumnElement[bool],
    *,
    today: date,
    statuser: Collection[str] | None,
    typer: Collection[str] | None,
) -> Any:
    query = select(Arbeidsforhold).where(condition)
    if statuser is not None:
        query = query.where(_status_condition(statuser, today))
    if typer is not None:
        query = query.where(member_of(session, Arbeidsforhold.type, sorted(set(typer))))
    return query


def get_employment(session: Session, *, arbeidsforhold_id: int) -> Arbeidsforhold | None:
    """The employment with this navArbeidsforholdId, or None."""
    return session.get(Arbeidsforhold, arbeidsforhold_id)


def employments_of(
    session: Session,
    *,
    idents: Collection[str],
    today: date,
    statuser: Collection[str] | None = None,
    typer: Collection[str] | None = None,
) -> list[Arbeidsforhold]:
    """A person's employments (under any of ``idents``), newest start first."""
    if not idents:
        return []
    condition = member_of(session, Arbeidsforhold.arbeidstaker, sorted(set(idents)))
    query = _filtered(session, condition, today=today, statuser=statuser, typer=typer)
    query = query.order_by(Arbeidsforhold.startdato.desc(), Arbeidsforhold.id.desc())
    return list(session.scalars(query))


def employments_at(
    session: Session,
    *,
    arbeidssted: str | None = None,
    opplysningspliktig: str | None = None,
    today: date,
    statuser: Collection[str] | None = None,
    typer: Collection[str] | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> tuple[int, list[Arbeidsforhold]]:
    """Employments at a workplace or of an employer, in id order: (total, one page)."""
    if (arbeidssted is None) == (opplysningspliktig is None):
        raise ValueError("give arbeidssted or opplysningspliktig")
    condition = (
        Arbeidsforhold.arbeidssted == arbeidssted
        if arbeidssted is not None
        else Arbeidsforhold.opplysningspliktig == opplysningspliktig
    )
    query = _filtered(session, condition, today=today, statuser=statuser, typer=typer)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(query.order_by(Arbeidsforhold.id).offset(offset).limit(limit))
    return total, list(page)


def employments_active_in(
    session: Session, *, arbeidstaker: str, month: str
) -> list[Arbeidsforhold]:
    """The person's employments that last into the calendar month ``YYYY-MM``."""
    query = select(Arbeidsforhold).where(
        Arbeidsforhold.arbeidstaker == arbeidstaker,
        Arbeidsforhold.startdato <= kodeverk.last_day(month),
        or_(
            Arbeidsforhold.sluttdato.is_(None),
            Arbeidsforhold.sluttdato >= kodeverk.first_day(month),
        ),
    )
    return list(session.scalars(query.order_by(Arbeidsforhold.id)))


def details_of(session: Session, *, ids: Iterable[int]) -> dict[int, list[Ansettelsesdetaljer]]:
    """Each employment's details, the current version first."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = (
        select(Ansettelsesdetaljer)
        .where(member_of(session, Ansettelsesdetaljer.arbeidsforhold_id, wanted))
        .order_by(Ansettelsesdetaljer.arbeidsforhold_id, Ansettelsesdetaljer.gyldig_fra.desc())
    )
    found: dict[int, list[Ansettelsesdetaljer]] = {i: [] for i in wanted}
    for row in session.scalars(query):
        found[row.arbeidsforhold_id].append(row)
    return found


# ------------------------------------------------------------------------------------------
# Reported pay (a-meldinger)
# ------------------------------------------------------------------------------------------


@dataclass
class Lines:
    """One version of what an a-melding says about a person at a sub-unit for a month."""

    versjon: int
    mottatt: datetime
    erstattet: datetime | None
    inntekter: list[tuple[str, int]] = field(default_factory=list)
    forskuddstrekk: list[int] = field(default_factory=list)


@dataclass
class MonthAtUnit:
    """A person's pay for a month from one employer at one sub-unit, newest version first."""

    kalendermaaned: str
    opplysningspliktig: str
    virksomhet: str
    norskident: str
    versjoner: list[Lines] = field(default_factory=list)


def _line_rows(
    session: Session, idents: Collection[str], fra: str, til: str, *, current_only: bool
) -> Sequence[Any]:
    query = (
        select(
            Inntekt.kalendermaaned,
            AMelding.opplysningspliktig,
            Inntekt.virksomhet,
            Inntekt.norskident,
            AMelding.versjon,
            Inntekt.beskrivelse,
            Inntekt.beloep,
        )
        .join(AMelding, AMelding.id == Inntekt.amelding_id)
        .where(
            member_of(session, Inntekt.norskident, sorted(set(idents))),
            Inntekt.kalendermaaned >= fra,
            Inntekt.kalendermaaned <= til,
        )
        .order_by(
            Inntekt.kalendermaaned, AMelding.opplysningspliktig, Inntekt.virksomhet, Inntekt.id
        )
    )
    if current_only:
        query = query.where(AMelding.erstattet.is_(None))
    return session.execute(query).all()


def _meldinger(
    session: Session, pairs: set[tuple[str, str]]
) -> dict[tuple[str, str], list[AMelding]]:
    """Every version of the a-meldinger of these (opplysningspliktig, month), newest first."""
    if not pairs:
        return {}
    query = (
        select(AMelding)
        .where(
            member_of(session, AMelding.opplysningspliktig, sorted({p[0] for p in pairs})),
            member_of(session, AMelding.kalendermaaned, sorted({p[1] for p in pairs})),
        )
        .order_by(AMelding.versjon.desc())
    )
    found: dict[tuple[str, str], list[AMelding]] = {}
    for melding in session.scalars(query):
        key = (melding.opplysningspliktig, melding.kalendermaaned)
        if key in pairs:
            found.setdefault(key, []).append(melding)
    return found


def income(
    session: Session, *, idents: Collection[str], fra: str, til: str, history: bool = False
) -> list[MonthAtUnit]:
    """A person's reported pay from month ``fra`` to ``til`` (inclusive, ``YYYY-MM``).

    Without ``history`` each month and sub-unit has one version, the current report's; with
    it every version since the person first appeared in that employer's reports of the month,
    newest first; a version that leaves the person out has no lines.
    """
    if not idents or fra > til:
        return []
    rows = _line_rows(session, idents, fra, til, current_only=not history)
    by_key: dict[tuple[str, str, str, str], dict[int, list[tuple[str, int]]]] = {}
    for maaned, pliktig, virksomhet, ident, versjon, beskrivelse, beloep in rows:
        versions = by_key.setdefault((maaned, pliktig, virksomhet, ident), {})
        versions.setdefault(versjon, []).append((beskrivelse, beloep))
    meldinger = _meldinger(session, {(key[1], key[0]) for key in by_key})
    result = []
    for (maaned, pliktig, virksomhet, ident), versions in by_key.items():
        month = MonthAtUnit(maaned, pliktig, virksomhet, ident)
        first = min(versions)
        for melding in meldinger.get((pliktig, maaned), []):
            shown = melding.versjon >= first if history else melding.erstattet is None
            if not shown:
                continue
            lines = Lines(melding.versjon, melding.mottatt, melding.erstattet)
            for beskrivelse, beloep in versions.get(melding.versjon, []):
                if beskrivelse == kodeverk.FORSKUDDSTREKK:
                    lines.forskuddstrekk.append(beloep)
                else:
                    lines.inntekter.append((beskrivelse, beloep))
            month.versjoner.append(lines)
        result.append(month)
    return result
