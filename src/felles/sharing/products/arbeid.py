"""Data products over A-ordningen: declared here, loaded through the registry's query functions.

Values have the shapes of A-ordningen's own APIs: an employment as Aa-registeret's API v2
serves it (built by the registry's ``api.to_arbeidsforhold``), a month's pay as
inntektskomponenten's ``Inntektsmaaned``.

A-ordningen keeps an employment and its pay under the identity number that was current when
they were registered, so a subject is resolved through Folkeregisteret to every number of the
person first. Known means known to Folkeregisteret (as the registry's API answers 404 for
anyone else): a person without employments or pay gets empty lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final, TypeVar

from sqlalchemy.orm import Session

from felles.registries.aordningen import events, kodeverk, queries
from felles.registries.aordningen.api import to_arbeidsforhold
from felles.registries.aordningen.model import Ansettelsesdetaljer, Arbeidsforhold
from felles.sharing.product import Product, ProductField
from felles.sharing.products.common import (
    DATE,
    IDENT,
    INSTANT,
    Owner,
    Values,
    all_idents,
    day_of,
    gather,
    instant_text,
    person_idents,
    person_product,
    texts,
)

T = TypeVar("T")

OWNER: Final = Owner("889640782", "Arbeids- og velferdsetaten (NAV)")
#: The months of ``arbeid.inntekt.siste-36-mnd``: the month of ``at`` and the 35 before it.
MONTHS: Final = 36
#: Employments that have started by ``at``: current and ended ones, not future ones.
STATUSER: Final = (queries.AKTIV, queries.AVSLUTTET)


def _by_number(rows: Iterable[T], number_of: Callable[[T], str]) -> dict[str, list[T]]:
    """``rows`` by the identity number each is kept under, in their order."""
    found: dict[str, list[T]] = {}
    for row in rows:
        found.setdefault(number_of(row), []).append(row)
    return found


# ------------------------------------------------------------------------------------------
# arbeid.arbeidsforhold
# ------------------------------------------------------------------------------------------


def _details_on(versions: Sequence[Ansettelsesdetaljer], day: date) -> list[Ansettelsesdetaljer]:
    """The versions in force by ``day`` (newest first); all if none is (never for a started
    employment, whose first version starts on its startdato)."""
    return [version for version in versions if version.gyldig_fra <= day] or list(versions)


def _arbeidsforhold(row: Arbeidsforhold, versions: Sequence[Ansettelsesdetaljer]) -> Any:
    shown = to_arbeidsforhold(row, versions, historikk=False)
    return shown.model_dump(mode="json", by_alias=True, exclude_none=True)


def _load_arbeidsforhold(session: Session, subjects: list[str], at: datetime) -> Values:
    day = day_of(at)
    idents = person_idents(session, subjects)
    rows = queries.employments_of(session, idents=all_idents(idents), today=day, statuser=STATUSER)
    details = queries.details_of(session, ids=[row.id for row in rows])
    result: Values = {}
    for subject, found in gather(idents, _by_number(rows, lambda row: row.arbeidstaker)).items():
        if len(idents[subject]) > 1:  # newest start first, as the registry orders one number's
            found.sort(key=lambda row: (row.startdato, row.id), reverse=True)
        result[subject] = {
            "arbeidsforhold": [
                _arbeidsforhold(row, _details_on(details[row.id], day)) for row in found
            ]
        }
    return result


# ------------------------------------------------------------------------------------------
# arbeid.inntekt.siste-36-mnd
# ------------------------------------------------------------------------------------------


def months_up_to(day: date, count: int = MONTHS) -> tuple[str, str]:
    """The first and last month (``YYYY-MM``) of the ``count`` months up to ``day``'s month."""
    index = day.year * 12 + day.month - 1 - (count - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}", kodeverk.month_of(day)


def _maaned(month: queries.MonthAtUnit) -> dict[str, Any]:
    """The current report of a month, as ``Inntektsmaaned`` in the registry's API."""
    (version,) = month.versjoner
    return {
        "maaned": month.kalendermaaned,
        "opplysningspliktig": month.opplysningspliktig,
        "underenhet": month.virksomhet,
        "norskident": month.norskident,
        "oppsummeringstidspunkt": instant_text(version.mottatt),
        "inntektListe": [
            {
                "type": "Loennsinntekt",
                "beloep": beloep,
                "fordel": "kontantytelse",
                "beskrivelse": beskrivelse,
                "inngaarIGrunnlagForTrekk": True,
                "utloeserArbeidsgiveravgift": True,
            }
            for beskrivelse, beloep in version.inntekter
        ],
        "forskuddstrekkListe": [
            {"beloep": beloep, "beskrivelse": kodeverk.FORSKUDDSTREKK}
            for beloep in version.forskuddstrekk
        ],
        "avvikListe": [],
    }


def _month_order(month: queries.MonthAtUnit) -> tuple[str, str, str, str]:
    return (month.kalendermaaned, month.opplysningspliktig, month.virksomhet, month.norskident)


def _load_inntekt(session: Session, subjects: list[str], at: datetime) -> Values:
    fra, til = months_up_to(day_of(at))
    idents = person_idents(session, subjects)
    months = queries.income(session, idents=all_idents(idents), fra=fra, til=til)
    result: Values = {}
    for subject, found in gather(idents, _by_number(months, lambda m: m.norskident)).items():
        if len(idents[subject]) > 1:
            found.sort(key=_month_order)
        result[subject] = {
            "inntekt": {"maanedFom": fra, "maanedTom": til, "data": [_maaned(m) for m in found]}
        }
    return result


# ------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------

_MAANED: Final = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}
_ORGNR: Final = {"type": "string", "pattern": r"^\d{9}$"}
_AMOUNT: Final = {"type": "integer", "minimum": 0}


def _kode(codes: Sequence[str] | None = None) -> dict[str, Any]:
    kode: dict[str, Any] = {"type": "string"}
    if codes is not None:
        kode["enum"] = list(codes)
    return {
        "type": "object",
        "properties": {"kode": kode, "beskrivelse": {"type": "string"}},
        "required": ["kode", "beskrivelse"],
        "additionalProperties": False,
    }


def _part(kind: str, ident_type: str, ident: dict[str, Any]) -> dict[str, Any]:
    """``arbeidstaker``, ``arbeidssted`` or ``opplysningspliktig`` with its identifiers."""
    identifier = {
        "type": "object",
        "properties": {
            "type": {"const": ident_type},
            "ident": ident,
            "gjeldende": {"type": "boolean"},
        },
        "required": ["type", "ident"],
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {"identer": {"type": "array", "items": identifier, "minItems": 1}}
    if kind:
        properties["type"] = {"const": kind}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_ANSETTELSESDETALJER: Final = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["Ordinaer", "Maritim", "Frilanser", "Forenklet"]},
        "yrke": _kode(),
        "avtaltStillingsprosent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
        "sisteStillingsprosentendring": DATE,
        "rapporteringsmaaneder": {
            "type": "object",
            "properties": {"fra": _MAANED, "til": _MAANED},
            "required": ["fra"],
            "additionalProperties": False,
        },
        "gyldighetsperiode": {
            "type": "object",
            "properties": {"fom": DATE, "tom": DATE},
            "required": ["fom"],
            "additionalProperties": False,
        },
    },
    "required": [
        "type",
        "yrke",
        "avtaltStillingsprosent",
        "rapporteringsmaaneder",
        "gyldighetsperiode",
    ],
    "additionalProperties": False,
}
_ARBEIDSFORHOLD: Final = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "type": _kode(list(kodeverk.ARBEIDSFORHOLDTYPER)),
        "arbeidstaker": _part("", "FOLKEREGISTERIDENT", IDENT),
        "arbeidssted": _part("Underenhet", "ORGANISASJONSNUMMER", _ORGNR),
        "opplysningspliktig": _part("Hovedenhet", "ORGANISASJONSNUMMER", _ORGNR),
        "ansettelsesperiode": {
            "type": "object",
            "properties": {
                "startdato": DATE,
                "sluttdato": DATE,
                "sluttaarsak": _kode(list(kodeverk.SLUTTAARSAKER)),
            },
            "required": ["startdato"],
            "additionalProperties": False,
        },
        "ansettelsesdetaljer": {"type": "array", "items": _ANSETTELSESDETALJER, "maxItems": 1},
        "rapporteringsordning": _kode(),
        "navArbeidsforholdId": {"type": "integer", "minimum": 1},
        "navVersjon": {"type": "integer", "minimum": 1},
        "opprettet": INSTANT,
        "sistEndret": INSTANT,
    },
    "required": [
        "id",
        "type",
        "arbeidstaker",
        "arbeidssted",
        "opplysningspliktig",
        "ansettelsesperiode",
        "ansettelsesdetaljer",
        "rapporteringsordning",
        "navArbeidsforholdId",
        "navVersjon",
        "opprettet",
        "sistEndret",
    ],
    "additionalProperties": False,
}
_INNTEKTSMAANED: Final = {
    "type": "object",
    "properties": {
        "maaned": _MAANED,
        "opplysningspliktig": _ORGNR,
        "underenhet": _ORGNR,
        "norskident": IDENT,
        "oppsummeringstidspunkt": INSTANT,
        "inntektListe": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"const": "Loennsinntekt"},
                    "beloep": _AMOUNT,
                    "fordel": {"const": "kontantytelse"},
                    "beskrivelse": {"type": "string", "enum": list(kodeverk.INNTEKTSBESKRIVELSER)},
                    "inngaarIGrunnlagForTrekk": {"type": "boolean"},
                    "utloeserArbeidsgiveravgift": {"type": "boolean"},
                },
                "required": [
                    "type",
                    "beloep",
                    "fordel",
                    "beskrivelse",
                    "inngaarIGrunnlagForTrekk",
                    "utloeserArbeidsgiveravgift",
                ],
                "additionalProperties": False,
            },
        },
        "forskuddstrekkListe": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "beloep": _AMOUNT,
                    "beskrivelse": {"const": kodeverk.FORSKUDDSTREKK},
                },
                "required": ["beloep", "beskrivelse"],
                "additionalProperties": False,
            },
        },
        "avvikListe": {"type": "array", "maxItems": 0},
    },
    "required": [
        "maaned",
        "opplysningspliktig",
        "underenhet",
        "norskident",
        "oppsummeringstidspunkt",
        "inntektListe",
        "forskuddstrekkListe",
        "avvikListe",
    ],
    "additionalProperties": False,
}

PRODUCTS: Final[tuple[Product, ...]] = (
    person_product(
        owner=OWNER,
        name="arbeid.arbeidsforhold",
        version="1.0.0",
        title=texts("Arbeidsforhold", "Arbeidsforhold", "Employments"),
        description=texts(
            "Personens nåværende og tidligere arbeidsforhold i Aa-registeret, med "
            "ansettelsesdetaljene som gjelder på tidspunktet.",
            "Dei noverande og tidlegare arbeidsforholda til personen i Aa-registeret, med "
            "tilsetjingsdetaljane som gjeld på tidspunktet.",
            "The person's current and past employments in the Employer and Employee Register "
            "(Aa-registeret), with the employment details in force at the time.",
        ),
        fields=(
            ProductField(
                "arbeidsforhold",
                {"type": "array", "items": _ARBEIDSFORHOLD},
                texts(
                    "Arbeidsforhold som har startet (aktive og avsluttede), nyeste først, slik "
                    "Aa-registerets API viser dem: arbeidsgiver, virksomhet, periode, type og "
                    "gjeldende stillingsprosent og yrke; tom liste når det ikke er noen.",
                    "Arbeidsforhold som har starta (aktive og avslutta), nyaste først, slik "
                    "API-et til Aa-registeret viser dei: arbeidsgivar, verksemd, periode, type "
                    "og gjeldande stillingsprosent og yrke; tom liste når det ikkje er nokon.",
                    "Employments that have started (active and ended), newest first, as "
                    "Aa-registeret's API shows them: employer, workplace, period, type and the "
                    "position percentage and occupation in force; an empty list when there are "
                    "none.",
                ),
            ),
        ),
        load=_load_arbeidsforhold,
        changed_by=(
            events.ARBEIDSFORHOLD_OPPRETTET,
            events.ARBEIDSFORHOLD_ENDRET,
            events.ARBEIDSFORHOLD_AVSLUTTET,
        ),
    ),
    person_product(
        owner=OWNER,
        name="arbeid.inntekt.siste-36-mnd",
        version="1.0.0",
        title=texts(
            "Inntekt de siste 36 månedene",
            "Inntekt dei siste 36 månadene",
            "Income over the last 36 months",
        ),
        description=texts(
            "Lønn og forskuddstrekk som arbeidsgivere har rapportert i a-meldingen, per måned, "
            "arbeidsgiver og virksomhet, for de 36 månedene til og med måneden for tidspunktet.",
            "Løn og forskotstrekk som arbeidsgivarar har rapportert i a-meldinga, per månad, "
            "arbeidsgivar og verksemd, for dei 36 månadene til og med månaden for tidspunktet.",
            "Pay and withholding tax reported by employers in the a-melding, per month, "
            "employer and workplace, for the 36 months up to and including the month of the "
            "time asked about.",
        ),
        fields=(
            ProductField(
                "inntekt",
                {
                    "type": "object",
                    "properties": {
                        "maanedFom": _MAANED,
                        "maanedTom": _MAANED,
                        "data": {"type": "array", "items": _INNTEKTSMAANED},
                    },
                    "required": ["maanedFom", "maanedTom", "data"],
                    "additionalProperties": False,
                },
                texts(
                    "Månedene (maanedFom til og med maanedTom) og den gjeldende rapporten for "
                    "hver måned, arbeidsgiver og virksomhet, slik inntektskomponenten viser "
                    "den: lønn etter art og forskuddstrekk i hele kroner. Tom data når ingenting "
                    "er rapportert.",
                    "Månadene (maanedFom til og med maanedTom) og den gjeldande rapporten for "
                    "kvar månad, arbeidsgivar og verksemd, slik inntektskomponenten viser han: "
                    "løn etter art og forskotstrekk i heile kroner. Tom data når ingenting er "
                    "rapportert.",
                    "The months (maanedFom to maanedTom inclusive) and the current report for "
                    "each month, employer and workplace, as inntektskomponenten shows it: pay "
                    "by kind and withholding tax in whole NOK. Empty data when nothing was "
                    "reported.",
                ),
            ),
        ),
        load=_load_inntekt,
        changed_by=(events.INNTEKT_ENDRET,),
    ),
)
