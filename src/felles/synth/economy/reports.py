"""A-meldinger: each employer's report of pay and withholding tax for the last three months.

Only the three calendar months before the reference date are reported (October-December
2024 for 1 January 2025): a year of reports for three million employments would be some
70 million rows, too many for a load of minutes. The simulator reports the months from the
reference date on. Per employment and month there is a ``fastloenn`` line (a twelfth of the
yearly salary, less in the month the employment started) and a ``forskuddstrekk`` line
(withholding at an effective rate by the yearly salary, as a tax table would give). Each
employer's report of a month is received in the last ten days of that month.

Private employers lie wholly in one region and are written with it; public employers
(municipalities, agencies, health trusts) have workers in many regions, so their lines are
kept, as compact arrays, and written after the last region.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from felles.registries.aordningen.kodeverk import FORSKUDDSTREKK
from felles.synth.economy.common import (
    BoolArray,
    IntArray,
    ObjArray,
    day_number,
    days,
    objects,
    seconds,
)
from felles.synth.economy.employment import Jobs

_RATE_AT: Final = [0, 100_000, 200_000, 400_000, 600_000, 800_000, 1_200_000, 2_000_000]
_RATE: Final = [0.0, 0.05, 0.15, 0.24, 0.28, 0.32, 0.37, 0.42]
MONTHS_REPORTED: Final = 3


def reported_months(reference_date: dt.date) -> list[tuple[str, int, int]]:
    """(YYYY-MM, first day, last day) of the months before the reference date, oldest first."""
    months = []
    year, month = reference_date.year, reference_date.month
    for _ in range(MONTHS_REPORTED):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        last = calendar.monthrange(year, month)[1]
        months.append(
            (
                f"{year:04d}-{month:02d}",
                day_number(dt.date(year, month, 1)),
                day_number(dt.date(year, month, last)),
            )
        )
    return months[::-1]


def withholding_rate(yearly: Any) -> Any:
    return np.interp(yearly, _RATE_AT, _RATE)


@dataclass(frozen=True, slots=True)
class Lines:
    """Pay lines: one per employment and month it was active in."""

    job: IntArray  # index into Jobs
    month: IntArray  # index into reported_months
    pay: IntArray
    tax: IntArray


def pay_lines(jobs: Jobs, months: list[tuple[str, int, int]]) -> Lines:
    job_parts, month_parts, pay_parts = [], [], []
    monthly = jobs.yearly / 12.0
    for number, (_name, first, last) in enumerate(months):
        active = np.flatnonzero(jobs.start <= last)
        worked = (last - np.maximum(jobs.start[active], first) + 1) / (last - first + 1)
        job_parts.append(active)
        month_parts.append(np.full(active.size, number, dtype=np.int64))
        pay_parts.append(np.round(monthly[active] * worked).astype(np.int64))
    job = np.concatenate(job_parts)
    order = np.lexsort((np.concatenate(month_parts), job))
    job = job[order]
    pay = np.concatenate(pay_parts)[order]
    tax = np.round(pay * withholding_rate(jobs.yearly[job])).astype(np.int64)
    return Lines(job, np.concatenate(month_parts)[order], pay, tax)


@dataclass(slots=True)
class Deferred:
    """Public employers' lines, kept until every region is done."""

    parts: list[dict[str, Any]]

    def add(
        self,
        lines: Lines,
        keep: BoolArray,
        jobs: Jobs,
        arbeidsforhold_id: IntArray,
        ident: ObjArray,
        person_id: IntArray,
    ) -> None:
        where = np.flatnonzero(keep)
        job = lines.job[where]
        self.parts.append(
            {
                "employer": jobs.opplysningspliktig[job],
                "arbeidssted": jobs.arbeidssted[job],
                "arbeidsforhold_id": arbeidsforhold_id[job],
                "ident": ident[job],
                "person": person_id[job],
                "month": lines.month[where],
                "pay": lines.pay[where],
                "tax": lines.tax[where],
            }
        )

    def merged(self) -> dict[str, Any] | None:
        if not self.parts:
            return None
        return {key: np.concatenate([p[key] for p in self.parts]) for key in self.parts[0]}


def melding_tables(
    rng: np.random.Generator,
    *,
    employer: ObjArray,
    arbeidssted: ObjArray,
    arbeidsforhold_id: IntArray,
    ident: ObjArray,
    person: IntArray,
    month: IntArray,
    pay: IntArray,
    tax: IntArray,
    months: list[tuple[str, int, int]],
    take_ids: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``aord_amelding`` and ``aord_inntekt`` columns for these lines (one report per
    employer and month)."""
    names, employer_index = np.unique(employer.astype(str), return_inverse=True)
    key = employer_index.reshape(-1) * len(months) + month
    reports, report_of_line = np.unique(key, return_inverse=True)
    report_of_line = report_of_line.reshape(-1)
    melding_ids = take_ids("aord_amelding", reports.size)
    # Receivers: distinct people per report.
    pairs = np.unique(report_of_line.astype(np.int64) * (int(person.max(initial=0)) + 1) + person)
    receivers = np.bincount(pairs // (int(person.max(initial=0)) + 1), minlength=reports.size)
    report_month = reports % len(months)
    last = np.array([m[2] for m in months])[report_month]
    received = last - rng.integers(0, 10, reports.size)
    month_names = objects([m[0] for m in months])
    amelding = {
        "id": melding_ids,
        "opplysningspliktig": objects(names[reports // len(months)].tolist()),
        "kalendermaaned": month_names[report_month],
        "versjon": np.ones(reports.size, dtype=np.int64),
        "mottatt": seconds(received, rng),
        "erstattet": None,
        "antall_inntektsmottakere": receivers.astype(np.int64),
    }
    has_tax = tax > 0
    line = np.concatenate([np.arange(pay.size), np.flatnonzero(has_tax)])
    order = np.argsort(line, kind="stable")
    line = line[order]
    beskrivelse = np.concatenate(
        [
            np.full(pay.size, "fastloenn", dtype=object),
            np.full(int(has_tax.sum()), FORSKUDDSTREKK, dtype=object),
        ]
    )[order]
    beloep = np.concatenate([pay, tax[has_tax]])[order]
    inntekt = {
        "id": take_ids("aord_inntekt", line.size),
        "amelding_id": melding_ids[report_of_line[line]],
        "arbeidsforhold_id": arbeidsforhold_id[line],
        "norskident": ident[line],
        "virksomhet": arbeidssted[line],
        "kalendermaaned": month_names[month[line]],
        "beskrivelse": beskrivelse,
        "beloep": beloep,
    }
    return amelding, inntekt


def employment_tables(
    rng: np.random.Generator, jobs: Jobs, ident: ObjArray, take_ids: Any, reference_day: int
) -> tuple[IntArray, dict[str, Any], dict[str, Any]]:
    """Employment ids, ``aord_arbeidsforhold`` and ``aord_ansettelsesdetaljer`` columns."""
    ids = take_ids("aord_arbeidsforhold", jobs.size)
    # Registered when the employment began, or when A-ordningen started (2015) for older ones.
    registered = np.maximum(jobs.start, day_number(dt.date(2015, 1, 1)))
    registered = np.minimum(registered, reference_day - 1)
    opprettet = seconds(registered, rng)
    changed = jobs.changed >= 0
    last_change = np.where(changed, jobs.changed, registered)
    arbeidsforhold = {
        "id": ids,
        "arbeidstaker": ident,
        "opplysningspliktig": jobs.opplysningspliktig,
        "arbeidssted": jobs.arbeidssted,
        "type": "ordinaertArbeidsforhold",
        "startdato": days(jobs.start),
        "sluttdato": None,
        "sluttaarsak": None,
        "opprettet": opprettet,
        "sist_endret": np.maximum(opprettet, seconds(last_change, rng)),
        "versjon": np.where(changed, 2, 1).astype(np.int64),
    }
    # Versions of the details: the current one, and before a change the earlier one.
    earlier = np.flatnonzero(changed)
    owner = np.concatenate([np.arange(jobs.size), earlier])
    order = np.lexsort((np.concatenate([np.ones(jobs.size), np.zeros(earlier.size)]), owner))
    owner = owner[order]
    is_old = np.concatenate([np.zeros(jobs.size, bool), np.ones(earlier.size, bool)])[order]
    gyldig_fra = np.where(
        is_old, jobs.start[owner], np.where(changed[owner], jobs.changed[owner], jobs.start[owner])
    )
    til = np.where(is_old, days(jobs.changed[owner] - 1), np.datetime64("NaT", "D"))
    details = {
        "id": take_ids("aord_ansettelsesdetaljer", owner.size),
        "arbeidsforhold_id": ids[owner],
        "gyldig_fra": days(gyldig_fra),
        "gyldig_til": til,
        "stillingsprosent": np.where(
            is_old, jobs.earlier_prosent[owner], jobs.stillingsprosent[owner]
        ),
        "yrke": jobs.yrke[owner],
        "registrert": seconds(np.maximum(gyldig_fra, day_number(dt.date(2015, 1, 1))), rng),
    }
    return ids, arbeidsforhold, details
