"""Employments for the simulator: random active ones, and each month's employments to report.

Random employments are uniform probes on the primary key (decision 0011). The monthly
reporting reads the employments that last into a month employer by employer, with each
employment's current position percentage and the fixed pay last reported for it, so the
simulator can send every employer's a-melding with one batched ``report_months``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from felles.kernel.db import member_of
from felles.registries.aordningen import kodeverk
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)

_PROBES_PER_STATEMENT: Final = 2_000
#: Months looked back for the pay last reported for an employment.
_PAY_LOOKBACK_MONTHS: Final = 3


@dataclass(frozen=True, slots=True)
class SampledEmployment:
    id: int
    arbeidstaker: str
    opplysningspliktig: str
    arbeidssted: str
    startdato: date


@dataclass(frozen=True, slots=True)
class EmploymentToReport:
    """An employment lasting into the month, with what its next a-melding line needs."""

    id: int
    arbeidstaker: str
    opplysningspliktig: str
    arbeidssted: str
    startdato: date
    sluttdato: date | None
    stillingsprosent: float
    last_fastloenn: int | None  # the fixed pay of the latest month reported, if any
    last_month: str | None  # the month of ``last_fastloenn`` (YYYY-MM)


def _active_on(day: date) -> list[object]:
    return [
        Arbeidsforhold.startdato <= day,
        or_(Arbeidsforhold.sluttdato.is_(None), Arbeidsforhold.sluttdato > day),
    ]


def random_active_employments(
    session: Session, *, rng: random.Random, count: int, today: date
) -> list[SampledEmployment]:
    """Up to ``count`` distinct employments active ``today`` (started, not ended), uniformly."""
    query = select(func.min(Arbeidsforhold.id), func.max(Arbeidsforhold.id))
    low, high = session.execute(query).one()
    if low is None or high is None or count <= 0:
        return []
    picked: dict[int, SampledEmployment] = {}
    sent, budget = 0, 32 * count + 256
    while len(picked) < count and sent < budget:
        size = min(_PROBES_PER_STATEMENT, budget - sent, 4 * (count - len(picked)) + 16)
        ids = [rng.randint(low, high) for _ in range(size)]
        sent += size
        rows = session.execute(
            select(
                Arbeidsforhold.id,
                Arbeidsforhold.arbeidstaker,
                Arbeidsforhold.opplysningspliktig,
                Arbeidsforhold.arbeidssted,
                Arbeidsforhold.startdato,
            ).where(member_of(session, Arbeidsforhold.id, sorted(set(ids))), *_active_on(today))
        )
        found = {row.id: SampledEmployment(*row) for row in rows}
        for employment_id in ids:
            if employment_id in found and len(picked) < count:
                picked.setdefault(employment_id, found[employment_id])
    return list(picked.values())


def _lasting_into(month: str) -> list[object]:
    return [
        Arbeidsforhold.startdato <= kodeverk.last_day(month),
        or_(
            Arbeidsforhold.sluttdato.is_(None),
            Arbeidsforhold.sluttdato >= kodeverk.first_day(month),
        ),
    ]


def _months_before(month: str, count: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - count
    while number < 1:
        year, number = year - 1, number + 12
    return f"{year:04d}-{number:02d}"


def employers_to_report(session: Session, *, month: str) -> list[str]:
    """Employers (orgnr, in order) with employments lasting into ``month`` not yet reported.

    One scan of the employments: a caller reports them a page at a time with
    ``employments_to_report``.
    """
    reported = (
        select(AMelding.id)
        .where(
            AMelding.opplysningspliktig == Arbeidsforhold.opplysningspliktig,
            AMelding.kalendermaaned == month,
            AMelding.erstattet.is_(None),
        )
        .exists()
    )
    query = (
        select(Arbeidsforhold.opplysningspliktig)
        .where(~reported, *_lasting_into(month))
        .group_by(Arbeidsforhold.opplysningspliktig)
        .order_by(Arbeidsforhold.opplysningspliktig)
    )
    return list(session.scalars(query))


def employments_to_report(
    session: Session, *, month: str, employers: Sequence[str]
) -> list[EmploymentToReport]:
    """The employments of ``employers`` lasting into ``month``, by employer and id."""
    orgnrs = sorted(set(employers))
    if not orgnrs:
        return []
    lasting = _lasting_into(month)
    current_details = and_(
        Ansettelsesdetaljer.arbeidsforhold_id == Arbeidsforhold.id,
        Ansettelsesdetaljer.gyldig_til.is_(None),
    )
    rows = session.execute(
        select(
            Arbeidsforhold.id,
            Arbeidsforhold.arbeidstaker,
            Arbeidsforhold.opplysningspliktig,
            Arbeidsforhold.arbeidssted,
            Arbeidsforhold.startdato,
            Arbeidsforhold.sluttdato,
            func.coalesce(Ansettelsesdetaljer.stillingsprosent, 100.0),
        )
        .outerjoin(Ansettelsesdetaljer, current_details)
        .where(member_of(session, Arbeidsforhold.opplysningspliktig, orgnrs), *lasting)
        .order_by(Arbeidsforhold.opplysningspliktig, Arbeidsforhold.id)
    ).all()
    pay = _last_fastloenn(session, [row[0] for row in rows], month)
    return [
        EmploymentToReport(
            id=row[0],
            arbeidstaker=row[1],
            opplysningspliktig=row[2],
            arbeidssted=row[3],
            startdato=row[4],
            sluttdato=row[5],
            stillingsprosent=float(row[6]),
            last_fastloenn=pay[row[0]][1] if row[0] in pay else None,
            last_month=pay[row[0]][0] if row[0] in pay else None,
        )
        for row in rows
    ]


def _last_fastloenn(session: Session, ids: list[int], month: str) -> dict[int, tuple[str, int]]:
    """Per employment, (month, fixed pay) of the latest of the few months before ``month``."""
    if not ids:
        return {}
    query = (
        select(Inntekt.arbeidsforhold_id, Inntekt.kalendermaaned, Inntekt.beloep)
        .join(AMelding, AMelding.id == Inntekt.amelding_id)
        .where(
            member_of(session, Inntekt.arbeidsforhold_id, ids),
            Inntekt.beskrivelse == "fastloenn",
            Inntekt.kalendermaaned >= _months_before(month, _PAY_LOOKBACK_MONTHS),
            Inntekt.kalendermaaned < month,
            AMelding.erstattet.is_(None),
        )
        .order_by(Inntekt.kalendermaaned)
    )
    latest: dict[int, tuple[str, int]] = {}
    for employment_id, kalendermaaned, beloep in session.execute(query):
        latest[employment_id] = (kalendermaaned, int(beloep))
    return latest
