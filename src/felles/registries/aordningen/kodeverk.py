"""A-ordningen's code lists (kodeverk) and calendar months.

The codes are the real ones: employment types and reasons for ending as Aa-registeret and the
a-melding name them, the kinds of pay (``beskrivelse`` of a ``loennsinntekt``) as A-ordningen's
code list names them, and occupations as STYRK-08 codes (``data/styrk08.csv``, a subset; see
``data/SOURCES.md``).

A calendar month is a string ``YYYY-MM`` everywhere (the a-melding's ``kalendermaaned``); such
strings sort in time order, so the database compares them as text.
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Final

# ------------------------------------------------------------------------------------------
# Employment types (Aa-registeret's ``Arbeidsforholdtyper``)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arbeidsforholdtype:
    kode: str
    beskrivelse: str
    # The ``type`` of the employment's ansettelsesdetaljer in Aa-registeret's API v2.
    detaljtype: str


ORDINAERT: Final = "ordinaertArbeidsforhold"
MARITIMT: Final = "maritimtArbeidsforhold"
FRILANSER: Final = "frilanserOppdragstakerHonorarPersonerMm"
FORENKLET: Final = "forenkletOppgjoersordning"

ARBEIDSFORHOLDTYPER: Final[dict[str, Arbeidsforholdtype]] = {
    t.kode: t
    for t in (
        Arbeidsforholdtype(ORDINAERT, "Ordinært arbeidsforhold", "Ordinaer"),
        Arbeidsforholdtype(MARITIMT, "Maritimt arbeidsforhold", "Maritim"),
        Arbeidsforholdtype(
            FRILANSER,
            "Frilansere/oppdragstakere, styremedlemmer, folkevalgte, personer som innehar "
            "tillitsverv, fosterforelder, støttekontakter, avlastere og personer med omsorgslønn",
            "Frilanser",
        ),
        Arbeidsforholdtype(FORENKLET, "Forenklet oppgjørsordning", "Forenklet"),
    )
}

# ------------------------------------------------------------------------------------------
# Reasons for ending an employment (the a-melding's ``AarsakTilSluttdato``)
# ------------------------------------------------------------------------------------------

SLUTTAARSAKER: Final[dict[str, str]] = {
    "arbeidsforholdetSkulleAldriVaertRapportert": "Arbeidsforholdet skulle aldri vært rapportert",
    "arbeidsgiverHarSagtOppArbeidstaker": "Arbeidsgiver har sagt opp arbeidstaker",
    "arbeidstakerHarSagtOppSelv": "Arbeidstaker har sagt opp selv",
    "byttetLoenssystemEllerRegnskapsfoerer": "Byttet lønnssystem eller regnskapsfører",
    "endringIOrganisasjonsstrukturEllerByttetJobbInternt": (
        "Endring i organisasjonsstruktur eller byttet jobb internt"
    ),
    "kontraktEngasjementEllerVikariatErUtloept": "Kontrakt, engasjement eller vikariat er utløpt",
}

# ------------------------------------------------------------------------------------------
# Kinds of pay (``beskrivelse`` of an inntekt of type loennsinntekt) and withholding tax
# ------------------------------------------------------------------------------------------

INNTEKTSBESKRIVELSER: Final[dict[str, str]] = {
    "fastloenn": "Fastlønn",
    "timeloenn": "Timelønn",
    "fastTillegg": "Fast tillegg",
    "uregelmessigeTilleggKnyttetTilArbeidetTid": "Uregelmessige tillegg knyttet til arbeidet tid",
    "helligdagstillegg": "Helligdagstillegg",
    "overtidsgodtgjoerelse": "Overtidsgodtgjørelse",
    "bonus": "Bonus",
    "feriepenger": "Feriepenger",
    "sluttvederlag": "Sluttvederlag",
    "styrehonorarOgGodtgjoerelseVerv": "Styrehonorar og godtgjørelse i forbindelse med verv",
}
#: The ``beskrivelse`` of withholding tax; stored beside the pay lines, never a kind of pay.
FORSKUDDSTREKK: Final = "forskuddstrekk"

# ------------------------------------------------------------------------------------------
# Occupations (STYRK-08)
# ------------------------------------------------------------------------------------------


@cache
def yrker() -> dict[str, str]:
    """The STYRK-08 codes felles knows, with their Norwegian titles (``data/styrk08.csv``)."""
    text = resources.files("felles.registries.aordningen.data").joinpath("styrk08.csv")
    rows = csv.DictReader(text.read_text(encoding="utf-8").splitlines())
    return {row["kode"]: row["navn"] for row in rows}


# ------------------------------------------------------------------------------------------
# Calendar months
# ------------------------------------------------------------------------------------------

_MAANED: Final = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
#: A-ordningen started in January 2015; there are no a-meldinger for earlier months.
FIRST_MONTH: Final = "2015-01"


def is_month(value: str) -> bool:
    """Whether ``value`` is a calendar month written ``YYYY-MM``."""
    return _MAANED.fullmatch(value) is not None


def month_of(day: date) -> str:
    """The calendar month (``YYYY-MM``) a day falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    """The first day of a calendar month ``YYYY-MM``."""
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def last_day(month: str) -> date:
    """The last day of a calendar month ``YYYY-MM``."""
    start = first_day(month)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def active_in(startdato: date, sluttdato: date | None, month: str) -> bool:
    """Whether an employment from ``startdato`` to ``sluttdato`` lasts into ``month``."""
    return startdato <= last_day(month) and (sluttdato is None or sluttdato >= first_day(month))
