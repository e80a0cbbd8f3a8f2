"""HTTP API of A-ordningen: NAV's Aa-registeret and A-ordningen's income, plus registrations.

Reading, on the paths and with the JSON names of the real services:

* Aa-registeret's REST API v2 (``/aareg/api/v2``): a person's employments
  (``GET /arbeidstaker/arbeidsforhold``, the person's identity number in the header
  ``Nav-Personident`` so that it never sits in a URL), one employment by
  ``navArbeidsforholdId``, and overviews per workplace (``POST /arbeidssted/…``) and per employer
  (``POST /opplysningspliktig/…``), filtered by ``arbeidsforholdstatus`` (AKTIV, FREMTIDIG,
  AVSLUTTET) and ``arbeidsforholdtype``. ``historikk=true`` lists every version of the
  employment's details, otherwise only the current one.
* A-ordningen's income as NAV's inntektskomponenten serves it (``/inntektskomponenten/rest/v2``):
  ``POST /inntekt`` with the person and a month range (``maanedFom``, ``maanedTom``, ``YYYY-MM``)
  answers the current reports per month and sub-unit; ``POST /inntektshistorikk`` every version.
  ``filter`` is accepted and not yet used; ``formaal`` is the purpose written to the access log
  when the request has no ``X-Formaal`` header.

What a token caller is given about people (the person asked for, the employees in an overview)
is written to the access log before the answer goes out (``felles.kernel.web.record_release``;
datasets ``arbeid.arbeidsforhold`` and ``arbeid.inntekt.siste-36-mnd``).

Writing (``/a-ordningen/registreringer``) has no public counterpart: employers report through
the a-melding. felles offers these endpoints so that test teams can start and end employments,
change their details and report months; each runs one operation in one unit of work.

A person unknown to Folkeregisteret is a 404 (as in Folkeregisteret's API), so that "nobody"
and "no employments" differ. ``GET /a-ordningen/kodeverk`` lists the codes felles knows (open
data, no token). Reading needs the operator's bearer token or an access token with the
service's scope; registrations need the operator's token.

felles additions to the real shapes: ``gyldighetsperiode`` (the exact days) on every version of
``ansettelsesdetaljer``; paging (``side``, ``sidestoerrelse``) of the overviews; ``versjon`` and
``erstattet`` on each version in the income history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from felles.kernel.clock import get_clock
from felles.kernel.db import Database, run_command
from felles.kernel.errors import InvalidInput, NotFound
from felles.kernel.ids import OrgnrStr, PersonIdStr
from felles.kernel.web import (
    ACCESS_RESPONSES,
    MAX_BIGINT,
    RELEASE_RESPONSES,
    AdminOnly,
    Caller,
    DatabaseDep,
    Release,
    problem_doc,
    record_release,
    require_access,
)
from felles.registries.aordningen import kodeverk, operations, queries
from felles.registries.aordningen.model import AMelding
from felles.registries.aordningen.model import Ansettelsesdetaljer as DetaljerRow
from felles.registries.aordningen.model import Arbeidsforhold as ArbeidsforholdRow
from felles.registries.aordningen.operations.common import MAX_AMOUNT
from felles.registries.aordningen.operations.employments import NOT_REGISTERED
from felles.registries.folkeregister.queries import get_person

T = TypeVar("T")

AAREG: Final = "/aareg/api/v2"
INNTEKT: Final = "/inntektskomponenten/rest/v2"
REGISTRERINGER: Final = "/a-ordningen/registreringer"

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}
INVALID: Final[Responses] = {422: problem_doc("Invalid input; nothing was read or written")}
READ: Final[Responses] = ACCESS_RESPONSES | INVALID | RELEASE_RESPONSES
WRITE: Final[Responses] = UNAUTHORIZED | {
    404: problem_doc("A person, entity or employment named in the request is not registered"),
    409: problem_doc("The registers' current state does not allow this; nothing was written"),
    422: problem_doc("Invalid input; nothing was written"),
}

UNKNOWN_PERSON: Final = "No person is registered with this identifikasjonsnummer"
PERSON_READ: Final[Responses] = READ | {404: problem_doc(UNKNOWN_PERSON)}
MAX_PAGE: Final = 1000
MAX_INNTEKTSMOTTAKERE: Final = 10_000
RAPPORTERINGSORDNING: Final = {
    "kode": "a-ordningen",
    "beskrivelse": "Rapportert via a-ordningen (2015-d.d.)",
}

# Synthetic examples: a Test-Norge person (month + 80) and NAV's test organisations.
_PERSON: Final = "17868549939"
_OPPLYSNINGSPLIKTIG: Final = "810825472"
_ARBEIDSSTED: Final = "910825518"

Maaned = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="A calendar month, YYYY-MM",
        examples=["2025-01"],
    ),
]
NavArbeidsforholdId = Annotated[
    int, Path(ge=1, le=MAX_BIGINT, description="Aa-registeret's navArbeidsforholdId")
]
Typekode = Literal[
    "ordinaertArbeidsforhold",
    "maritimtArbeidsforhold",
    "frilanserOppdragstakerHonorarPersonerMm",
    "forenkletOppgjoersordning",
]
Sluttaarsak = Literal[
    "arbeidsforholdetSkulleAldriVaertRapportert",
    "arbeidsgiverHarSagtOppArbeidstaker",
    "arbeidstakerHarSagtOppSelv",
    "byttetLoenssystemEllerRegnskapsfoerer",
    "endringIOrganisasjonsstrukturEllerByttetJobbInternt",
    "kontraktEngasjementEllerVikariatErUtloept",
]
Inntektsbeskrivelse = Literal[
    "fastloenn",
    "timeloenn",
    "fastTillegg",
    "uregelmessigeTilleggKnyttetTilArbeidetTid",
    "helligdagstillegg",
    "overtidsgodtgjoerelse",
    "bonus",
    "feriepenger",
    "sluttvederlag",
    "styrehonorarOgGodtgjoerelseVerv",
]
Statuskode = Literal["AKTIV", "FREMTIDIG", "AVSLUTTET"]
Stillingsprosent = Annotated[
    float,
    Field(
        gt=0,
        le=100,
        allow_inf_nan=False,
        strict=True,
        description="0 < p ≤ 100, two decimals at most",
    ),
]
Yrkeskode = Annotated[
    str, Field(pattern=r"^\d{4}$", description="STYRK-08 code", examples=["2512"])
]
Beloep = Annotated[int, Field(ge=1, le=MAX_AMOUNT, strict=True, description="Whole NOK")]


def _date_string(value: Any) -> Any:
    """A date arrives as ``YYYY-MM-DD``; pydantic would also take a number (Unix time)."""
    if isinstance(value, date | str):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


Dato = Annotated[date, BeforeValidator(_date_string)]

_STATUS_LIST: Final = r"^(AKTIV|FREMTIDIG|AVSLUTTET)(,(AKTIV|FREMTIDIG|AVSLUTTET))*$"
_TYPES: Final = "|".join(kodeverk.ARBEIDSFORHOLDTYPER)
_TYPE_LIST: Final = rf"^({_TYPES})(,({_TYPES}))*$"

#: Maskinporten scopes: Aa-registeret's is NAV's; inntektskomponenten's real scope was not
#: found, so felles names one in NAV's style.
SCOPE_AAREG: Final = "nav:aareg/v1/arbeidsforhold"
SCOPE_INNTEKT: Final = "nav:inntektskomponenten/v2/inntekt"

#: The access log's datasets (``felles.access.datasets``) and the field each service gives.
ARBEIDSFORHOLD: Final = "arbeid.arbeidsforhold"
INNTEKT_DATASET: Final = "arbeid.inntekt.siste-36-mnd"

# Each router's guard is one callable, so that the routes that need the caller (for the
# access log) get the router's check, run once per request.
_aareg_reader = require_access(SCOPE_AAREG)
_inntekt_reader = require_access(SCOPE_INNTEKT)
AaregCaller = Annotated[Caller, Depends(_aareg_reader)]
InntektCaller = Annotated[Caller, Depends(_inntekt_reader)]

aareg = APIRouter(prefix=AAREG, tags=["aa-registeret"], dependencies=[Depends(_aareg_reader)])
inntekt = APIRouter(
    prefix=INNTEKT, tags=["a-ordningen: inntekt"], dependencies=[Depends(_inntekt_reader)]
)
registreringer = APIRouter(
    prefix=REGISTRERINGER,
    tags=["a-ordningen: registreringer (felles addition)"],
    dependencies=[AdminOnly],
)
router = APIRouter()


# ------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class _Request(BaseModel):
    """A request body. Its numbers are strict (``true`` is not 1) and its dates strings."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Kode(_Schema):
    kode: str
    beskrivelse: str


class Ident(_Schema):
    type: Literal["FOLKEREGISTERIDENT", "ORGANISASJONSNUMMER"]
    ident: str
    gjeldende: bool | None = None


class Arbeidstaker(_Schema):
    identer: list[Ident]


class Organisasjon(_Schema):
    type: Literal["Hovedenhet", "Underenhet"]
    identer: list[Ident]


class Ansettelsesperiode(_Schema):
    startdato: date
    sluttdato: date | None = None
    sluttaarsak: Kode | None = None


class Rapporteringsmaaneder(_Schema):
    fra: str
    til: str | None = None


class Gyldighetsperiode(_Schema):
    fom: date
    tom: date | None = None


class Ansettelsesdetaljer(_Schema):
    type: str = Field(description="Ordinaer, Maritim, Frilanser or Forenklet")
    yrke: Kode
    avtalt_stillingsprosent: float
    siste_stillingsprosentendring: date | None = None
    rapporteringsmaaneder: Rapporteringsmaaneder
    gyldighetsperiode: Gyldighetsperiode = Field(description="felles addition: the exact days")


EXAMPLE_ARBEIDSFORHOLD: Final[dict[str, Any]] = {
    "id": "1",
    "type": {"kode": "ordinaertArbeidsforhold", "beskrivelse": "Ordinært arbeidsforhold"},
    "arbeidstaker": {
        "identer": [{"type": "FOLKEREGISTERIDENT", "ident": _PERSON, "gjeldende": True}]
    },
    "arbeidssted": {
        "type": "Underenhet",
        "identer": [{"type": "ORGANISASJONSNUMMER", "ident": _ARBEIDSSTED}],
    },
    "opplysningspliktig": {
        "type": "Hovedenhet",
        "identer": [{"type": "ORGANISASJONSNUMMER", "ident": _OPPLYSNINGSPLIKTIG}],
    },
    "ansettelsesperiode": {"startdato": "2025-01-06"},
    "ansettelsesdetaljer": [
        {
            "type": "Ordinaer",
            "yrke": {"kode": "2512", "beskrivelse": "Programvareutviklere"},
            "avtaltStillingsprosent": 80.0,
            "sisteStillingsprosentendring": "2025-04-01",
            "rapporteringsmaaneder": {"fra": "2025-04"},
            "gyldighetsperiode": {"fom": "2025-04-01"},
        },
        {
            "type": "Ordinaer",
            "yrke": {"kode": "2512", "beskrivelse": "Programvareutviklere"},
            "avtaltStillingsprosent": 100.0,
            "rapporteringsmaaneder": {"fra": "2025-01", "til": "2025-03"},
            "gyldighetsperiode": {"fom": "2025-01-06", "tom": "2025-03-31"},
        },
    ],
    "rapporteringsordning": RAPPORTERINGSORDNING,
    "navArbeidsforholdId": 1,
    "navVersjon": 2,
    "opprettet": "2025-01-06T09:00:00+00:00",
    "sistEndret": "2025-03-20T09:00:00+00:00",
}


class Arbeidsforhold(_Schema):
    """An employment as Aa-registeret's API v2 serves it; details newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_ARBEIDSFORHOLD]})

    id: str = Field(description="The employment's id (felles: the navArbeidsforholdId)")
    type: Kode
    arbeidstaker: Arbeidstaker
    arbeidssted: Organisasjon
    opplysningspliktig: Organisasjon
    ansettelsesperiode: Ansettelsesperiode
    ansettelsesdetaljer: list[Ansettelsesdetaljer]
    rapporteringsordning: Kode
    nav_arbeidsforhold_id: int
    nav_versjon: int
    opprettet: datetime
    sist_endret: datetime


class Arbeidsforholdoversikt(_Schema):
    nav_arbeidsforhold_id: int
    type: Kode
    arbeidstaker: Arbeidstaker
    arbeidssted: Organisasjon
    opplysningspliktig: Organisasjon
    startdato: date
    sluttdato: date | None = None
    yrke: Kode
    avtalt_stillingsprosent: float
    rapporteringsordning: Kode
    sist_endret: datetime


EXAMPLE_OVERSIKT: Final[dict[str, Any]] = {
    "arbeidsforholdoversikter": [
        {
            "navArbeidsforholdId": 1,
            "type": EXAMPLE_ARBEIDSFORHOLD["type"],
            "arbeidstaker": EXAMPLE_ARBEIDSFORHOLD["arbeidstaker"],
            "arbeidssted": EXAMPLE_ARBEIDSFORHOLD["arbeidssted"],
            "opplysningspliktig": EXAMPLE_ARBEIDSFORHOLD["opplysningspliktig"],
            "startdato": "2025-01-06",
            "yrke": {"kode": "2512", "beskrivelse": "Programvareutviklere"},
            "avtaltStillingsprosent": 80.0,
            "rapporteringsordning": RAPPORTERINGSORDNING,
            "sistEndret": "2025-03-20T09:00:00+00:00",
        }
    ],
    "totalAntall": 1,
}


class ArbeidsforholdoversiktResponse(_Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OVERSIKT]})

    arbeidsforholdoversikter: list[Arbeidsforholdoversikt]
    total_antall: int


class _Oversiktforespoersel(_Request):
    arbeidsforholdtyper: list[Typekode] | None = Field(
        None, description="Default: every type", examples=[["ordinaertArbeidsforhold"]]
    )
    arbeidsforholdstatuser: list[Statuskode] | None = Field(
        None, description="Default: AKTIV and FREMTIDIG", examples=[["AKTIV"]]
    )
    side: int = Field(
        0, ge=0, le=MAX_BIGINT // MAX_PAGE, strict=True, description="felles addition: page"
    )
    sidestoerrelse: int = Field(
        MAX_PAGE, ge=1, le=MAX_PAGE, strict=True, description="felles addition: page size"
    )


class ArbeidsstedForespoersel(_Oversiktforespoersel):
    arbeidssted_id: OrgnrStr = Field(examples=[_ARBEIDSSTED])


class OpplysningspliktigForespoersel(_Oversiktforespoersel):
    opplysningspliktig_id: OrgnrStr = Field(examples=[_OPPLYSNINGSPLIKTIG])


class InntektForespoersel(_Request):
    """The person and the months, as NAV's inntektskomponenten takes them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"personident": _PERSON, "maanedFom": "2025-01", "maanedTom": "2025-06"}]
        }
    )

    personident: PersonIdStr
    maaned_fom: Maaned
    maaned_tom: Maaned
    filter: str | None = Field(None, max_length=100, description="Accepted, not yet used")
    formaal: str | None = Field(
        None,
        max_length=100,
        description="The purpose, written to the access log (the X-Formaal header comes first)",
    )


class Inntektslinje(_Schema):
    type: Literal["Loennsinntekt"] = "Loennsinntekt"
    beloep: int
    fordel: Literal["kontantytelse"] = "kontantytelse"
    beskrivelse: str
    inngaar_i_grunnlag_for_trekk: bool = True
    utloeser_arbeidsgiveravgift: bool = True


class Forskuddstrekklinje(_Schema):
    beloep: int = Field(description="The amount withheld, whole NOK (felles: positive)")
    beskrivelse: Literal["forskuddstrekk"] = "forskuddstrekk"


EXAMPLE_INNTEKTSMAANED: Final[dict[str, Any]] = {
    "maaned": "2025-05",
    "opplysningspliktig": _OPPLYSNINGSPLIKTIG,
    "underenhet": _ARBEIDSSTED,
    "norskident": _PERSON,
    "oppsummeringstidspunkt": "2025-06-05T09:00:00+00:00",
    "inntektListe": [
        {
            "type": "Loennsinntekt",
            "beloep": 52000,
            "fordel": "kontantytelse",
            "beskrivelse": "fastloenn",
            "inngaarIGrunnlagForTrekk": True,
            "utloeserArbeidsgiveravgift": True,
        }
    ],
    "forskuddstrekkListe": [{"beloep": 15600, "beskrivelse": "forskuddstrekk"}],
    "avvikListe": [],
}


class Inntektsmaaned(_Schema):
    """A person's pay for a month from one employer at one sub-unit (the current report)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_INNTEKTSMAANED]})

    maaned: str
    opplysningspliktig: str
    underenhet: str
    norskident: str
    oppsummeringstidspunkt: datetime
    inntekt_liste: list[Inntektslinje]
    forskuddstrekk_liste: list[Forskuddstrekklinje]
    avvik_liste: list[dict[str, Any]] = Field(default_factory=list)


class InntektResponse(_Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [EXAMPLE_INNTEKTSMAANED]}]})

    data: list[Inntektsmaaned]


class Inntektsversjon(_Schema):
    versjon: int = Field(description="felles addition: the a-melding's version of the month")
    oppsummeringstidspunkt: datetime
    erstattet: datetime | None = Field(None, description="felles addition: when it was replaced")
    inntekt_liste: list[Inntektslinje]
    forskuddstrekk_liste: list[Forskuddstrekklinje]


class Inntektshistorikk(_Schema):
    maaned: str
    opplysningspliktig: str
    underenhet: str
    norskident: str
    versjoner: list[Inntektsversjon]


_VERSJON_EXAMPLE: Final = {
    key: EXAMPLE_INNTEKTSMAANED[key]
    for key in ("oppsummeringstidspunkt", "inntektListe", "forskuddstrekkListe")
}
EXAMPLE_HISTORIKK: Final[dict[str, Any]] = {
    "data": [
        {
            "maaned": "2025-05",
            "opplysningspliktig": _OPPLYSNINGSPLIKTIG,
            "underenhet": _ARBEIDSSTED,
            "norskident": _PERSON,
            "versjoner": [
                _VERSJON_EXAMPLE | {"versjon": 2},
                _VERSJON_EXAMPLE
                | {
                    "versjon": 1,
                    "oppsummeringstidspunkt": "2025-06-04T09:00:00+00:00",
                    "erstattet": "2025-06-05T09:00:00+00:00",
                    "inntektListe": [],
                },
            ],
        }
    ]
}


class InntektshistorikkResponse(_Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_HISTORIKK]})

    data: list[Inntektshistorikk]


class KodeverkResponse(_Schema):
    arbeidsforholdtyper: list[Kode]
    sluttaarsaker: list[Kode]
    inntektsbeskrivelser: list[Kode]
    yrker: list[Kode] = Field(description="STYRK-08 (a subset)")


# Registrations (felles additions)


class NyttArbeidsforhold(_Request):
    """A new employment, as the employer's first a-melding with it reports it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "arbeidstaker": _PERSON,
                    "opplysningspliktig": _OPPLYSNINGSPLIKTIG,
                    "arbeidssted": _ARBEIDSSTED,
                    "arbeidsforholdtype": "ordinaertArbeidsforhold",
                    "startdato": "2025-01-06",
                    "avtaltStillingsprosent": 100,
                    "yrke": "2512",
                }
            ]
        }
    )

    arbeidstaker: PersonIdStr
    opplysningspliktig: OrgnrStr = Field(description="The legal entity (hovedenhet)")
    arbeidssted: OrgnrStr = Field(description="The sub-unit (underenhet) where the person works")
    arbeidsforholdtype: Typekode = "ordinaertArbeidsforhold"
    startdato: Dato
    sluttdato: Dato | None = Field(None, description="For a fixed-term employment")
    sluttaarsak: Sluttaarsak | None = None
    avtalt_stillingsprosent: Stillingsprosent
    yrke: Yrkeskode


class Avslutning(_Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sluttdato": "2025-05-31", "sluttaarsak": "arbeidstakerHarSagtOppSelv"}]
        }
    )

    sluttdato: Dato
    sluttaarsak: Sluttaarsak | None = None


class NyeAnsettelsesdetaljer(_Request):
    """New details from a day: the position percentage, the occupation, or both."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"gyldigFra": "2025-04-01", "avtaltStillingsprosent": 80}]}
    )

    gyldig_fra: Dato
    avtalt_stillingsprosent: Stillingsprosent | None = None
    yrke: Yrkeskode | None = None


class NyInntekt(_Request):
    beskrivelse: Inntektsbeskrivelse
    beloep: Beloep


class NyInntektsmottaker(_Request):
    norskident: PersonIdStr
    virksomhet: OrgnrStr = Field(description="The sub-unit of the employment")
    inntekter: list[NyInntekt] = Field(min_length=1, max_length=len(kodeverk.INNTEKTSBESKRIVELSER))
    forskuddstrekk: int = Field(
        0, ge=0, le=MAX_AMOUNT, strict=True, description="Whole NOK withheld"
    )


class NyAMelding(_Request):
    """An employer's report of a month; it replaces the employer's earlier report of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opplysningspliktig": _OPPLYSNINGSPLIKTIG,
                    "kalendermaaned": "2025-05",
                    "inntektsmottakere": [
                        {
                            "norskident": _PERSON,
                            "virksomhet": _ARBEIDSSTED,
                            "inntekter": [{"beskrivelse": "fastloenn", "beloep": 52000}],
                            "forskuddstrekk": 15600,
                        }
                    ],
                }
            ]
        }
    )

    opplysningspliktig: OrgnrStr
    kalendermaaned: Maaned
    inntektsmottakere: list[NyInntektsmottaker] = Field(max_length=MAX_INNTEKTSMOTTAKERE)


class AMeldingKvittering(_Schema):
    """The receipt of an a-melding."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opplysningspliktig": _OPPLYSNINGSPLIKTIG,
                    "kalendermaaned": "2025-05",
                    "versjon": 2,
                    "erstatterVersjon": 1,
                    "antallInntektsmottakere": 1,
                    "mottatt": "2025-06-05T09:00:00+00:00",
                }
            ]
        }
    )

    opplysningspliktig: str
    kalendermaaned: str
    versjon: int
    erstatter_versjon: int | None = None
    antall_inntektsmottakere: int
    mottatt: datetime


# ------------------------------------------------------------------------------------------
# Shaping rows into the wire format
# ------------------------------------------------------------------------------------------


def _utc(instant: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive values, which are UTC in felles)."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _type(kode: str) -> Kode:
    return Kode(kode=kode, beskrivelse=kodeverk.ARBEIDSFORHOLDTYPER[kode].beskrivelse)


def _yrke(kode: str) -> Kode:
    return Kode(kode=kode, beskrivelse=kodeverk.yrker().get(kode, kode))


def _person(ident: str) -> Arbeidstaker:
    return Arbeidstaker(identer=[Ident(type="FOLKEREGISTERIDENT", ident=ident, gjeldende=True)])


def _enhet(orgnr: str, type: Literal["Hovedenhet", "Underenhet"]) -> Organisasjon:
    return Organisasjon(type=type, identer=[Ident(type="ORGANISASJONSNUMMER", ident=orgnr)])


def _details(row: ArbeidsforholdRow, versions: Sequence[DetaljerRow]) -> list[Ansettelsesdetaljer]:
    """The versions (newest first) with the day of the last change of percentage by then."""
    detaljtype = kodeverk.ARBEIDSFORHOLDTYPER[row.type].detaljtype
    oldest_first = list(reversed(versions))
    last_change: list[date | None] = []
    changed: date | None = None
    for number, version in enumerate(oldest_first):
        if number and version.stillingsprosent != oldest_first[number - 1].stillingsprosent:
            changed = version.gyldig_fra
        last_change.append(changed)
    shown = []
    for version, endring in zip(oldest_first, last_change, strict=True):
        til = version.gyldig_til
        shown.append(
            Ansettelsesdetaljer(
                type=detaljtype,
                yrke=_yrke(version.yrke),
                avtalt_stillingsprosent=float(version.stillingsprosent),
                siste_stillingsprosentendring=endring,
                rapporteringsmaaneder=Rapporteringsmaaneder(
                    fra=kodeverk.month_of(version.gyldig_fra),
                    til=None if til is None else kodeverk.month_of(til),
                ),
                gyldighetsperiode=Gyldighetsperiode(fom=version.gyldig_fra, tom=til),
            )
        )
    return list(reversed(shown))


def to_arbeidsforhold(
    row: ArbeidsforholdRow, versions: Sequence[DetaljerRow], *, historikk: bool
) -> Arbeidsforhold:
    details = _details(row, versions)
    sluttaarsak = (
        None
        if row.sluttaarsak is None
        else Kode(kode=row.sluttaarsak, beskrivelse=kodeverk.SLUTTAARSAKER[row.sluttaarsak])
    )
    return Arbeidsforhold(
        id=str(row.id),
        type=_type(row.type),
        arbeidstaker=_person(row.arbeidstaker),
        arbeidssted=_enhet(row.arbeidssted, "Underenhet"),
        opplysningspliktig=_enhet(row.opplysningspliktig, "Hovedenhet"),
        ansettelsesperiode=Ansettelsesperiode(
            startdato=row.startdato, sluttdato=row.sluttdato, sluttaarsak=sluttaarsak
        ),
        ansettelsesdetaljer=details if historikk else details[:1],
        rapporteringsordning=Kode(**RAPPORTERINGSORDNING),
        nav_arbeidsforhold_id=row.id,
        nav_versjon=row.versjon,
        opprettet=_utc(row.opprettet),
        sist_endret=_utc(row.sist_endret),
    )


def _oversikt(row: ArbeidsforholdRow, current: DetaljerRow) -> Arbeidsforholdoversikt:
    return Arbeidsforholdoversikt(
        nav_arbeidsforhold_id=row.id,
        type=_type(row.type),
        arbeidstaker=_person(row.arbeidstaker),
        arbeidssted=_enhet(row.arbeidssted, "Underenhet"),
        opplysningspliktig=_enhet(row.opplysningspliktig, "Hovedenhet"),
        startdato=row.startdato,
        sluttdato=row.sluttdato,
        yrke=_yrke(current.yrke),
        avtalt_stillingsprosent=float(current.stillingsprosent),
        rapporteringsordning=Kode(**RAPPORTERINGSORDNING),
        sist_endret=_utc(row.sist_endret),
    )


def _lines(version: queries.Lines) -> tuple[list[Inntektslinje], list[Forskuddstrekklinje]]:
    return (
        [Inntektslinje(beloep=b, beskrivelse=k) for k, b in version.inntekter],
        [Forskuddstrekklinje(beloep=b) for b in version.forskuddstrekk],
    )


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def _codes(value: str | None) -> list[str] | None:
    """The codes of a comma-separated query parameter (its pattern is checked by FastAPI)."""
    return None if value is None else value.split(",")


def _idents(session: Session, ident: str) -> set[str]:
    """The identity number asked for and the person's current one; NotFound if unknown.

    As Folkeregisteret's API does, an unknown person is a 404, so that a caller can tell
    "nobody" from "no employments" (or "no pay").
    """
    person = get_person(session, ident=ident)
    if person is None:
        raise NotFound(UNKNOWN_PERSON)
    return {ident, person.ident}


def _record_arbeidsforhold(request: Request, caller: Caller, employees: list[str]) -> None:
    record_release(
        request, caller, Release(ARBEIDSFORHOLD, SCOPE_AAREG, employees, ["arbeidsforhold"])
    )


def _record_inntekt(request: Request, caller: Caller, body: InntektForespoersel) -> None:
    """The person asked for was found (else 404): the answer, even with no months, is theirs."""
    release = Release(INNTEKT_DATASET, SCOPE_INNTEKT, [body.personident], ["inntekt"])
    record_release(request, caller, release, purpose=body.formaal)


def _with_details(
    session: Session, rows: Sequence[ArbeidsforholdRow], *, historikk: bool
) -> list[Arbeidsforhold]:
    details = queries.details_of(session, ids=[row.id for row in rows])
    return [to_arbeidsforhold(row, details[row.id], historikk=historikk) for row in rows]


# ------------------------------------------------------------------------------------------
# Aa-registeret
# ------------------------------------------------------------------------------------------

StatusQuery = Annotated[
    str | None,
    Query(
        pattern=_STATUS_LIST,
        description="Comma-separated AKTIV, FREMTIDIG, AVSLUTTET (default AKTIV,FREMTIDIG)",
    ),
]
TypeQuery = Annotated[
    str | None,
    Query(pattern=_TYPE_LIST, description="Comma-separated arbeidsforholdtyper (default: all)"),
]
HistorikkQuery = Annotated[
    bool, Query(description="Every version of ansettelsesdetaljer, not only the current")
]
DEFAULT_STATUSER: Final = ("AKTIV", "FREMTIDIG")


@aareg.get(
    "/arbeidstaker/arbeidsforhold",
    summary="A person's employments (Aa-registeret)",
    response_model=list[Arbeidsforhold],
    response_model_exclude_none=True,
    responses=PERSON_READ
    | {200: {"content": {"application/json": {"example": [EXAMPLE_ARBEIDSFORHOLD]}}}},
)
def arbeidstaker_arbeidsforhold(
    database: DatabaseDep,
    request: Request,
    caller: AaregCaller,
    nav_personident: Annotated[
        PersonIdStr, Header(alias="Nav-Personident", description="The person's fnr or D-nummer")
    ],
    arbeidsforholdstatus: StatusQuery = None,
    arbeidsforholdtype: TypeQuery = None,
    historikk: HistorikkQuery = False,
) -> list[Arbeidsforhold]:
    """Employments of the person in ``Nav-Personident``, newest start first."""
    statuser = _codes(arbeidsforholdstatus) or DEFAULT_STATUSER
    typer = _codes(arbeidsforholdtype)
    with database.read_session() as session:
        rows = queries.employments_of(
            session,
            idents=_idents(session, nav_personident),
            today=get_clock().today(),
            statuser=statuser,
            typer=typer,
        )
        answer = _with_details(session, rows, historikk=historikk)
    # The person was found: the answer (even "no employments") is about them.
    _record_arbeidsforhold(request, caller, [nav_personident])
    return answer


@aareg.get(
    "/arbeidsforhold/{navArbeidsforholdId}",
    summary="One employment by navArbeidsforholdId (Aa-registeret)",
    response_model=Arbeidsforhold,
    response_model_exclude_none=True,
    responses=READ | {404: problem_doc(NOT_REGISTERED)},
)
def hent_arbeidsforhold(
    database: DatabaseDep,
    request: Request,
    caller: AaregCaller,
    nav_arbeidsforhold_id: Annotated[int, Path(alias="navArbeidsforholdId", ge=1, le=MAX_BIGINT)],
    historikk: HistorikkQuery = False,
) -> Arbeidsforhold:
    """The employment, with its current details or (``historikk=true``) all of them."""
    with database.read_session() as session:
        row = queries.get_employment(session, arbeidsforhold_id=nav_arbeidsforhold_id)
        if row is None:
            raise NotFound(NOT_REGISTERED)
        answer = _with_details(session, [row], historikk=historikk)[0]
        arbeidstaker = row.arbeidstaker
    _record_arbeidsforhold(request, caller, [arbeidstaker])
    return answer


def _oversikter(
    database: Database,
    request: Request,
    caller: Caller,
    body: _Oversiktforespoersel,
    **where: str,
) -> ArbeidsforholdoversiktResponse:
    with database.read_session() as session:
        total, rows = queries.employments_at(
            session,
            today=get_clock().today(),
            statuser=body.arbeidsforholdstatuser or DEFAULT_STATUSER,
            typer=body.arbeidsforholdtyper,
            offset=body.side * body.sidestoerrelse,
            limit=body.sidestoerrelse,
            **where,
        )
        details = queries.details_of(session, ids=[row.id for row in rows])
        answer = ArbeidsforholdoversiktResponse(
            arbeidsforholdoversikter=[_oversikt(row, details[row.id][0]) for row in rows],
            total_antall=total,
        )
        employees = list(dict.fromkeys(row.arbeidstaker for row in rows))
    if employees:
        _record_arbeidsforhold(request, caller, employees)
    return answer


@aareg.post(
    "/arbeidssted/arbeidsforholdoversikt",
    summary="Employments at a workplace (sub-unit) (Aa-registeret)",
    response_model=ArbeidsforholdoversiktResponse,
    response_model_exclude_none=True,
    responses=READ,
)
def arbeidssted_oversikt(
    database: DatabaseDep, request: Request, caller: AaregCaller, body: ArbeidsstedForespoersel
) -> ArbeidsforholdoversiktResponse:
    """An overview of the employments at the sub-unit, in navArbeidsforholdId order."""
    return _oversikter(database, request, caller, body, arbeidssted=body.arbeidssted_id)


@aareg.post(
    "/opplysningspliktig/arbeidsforholdoversikt",
    summary="Employments of an employer (legal entity) (Aa-registeret)",
    response_model=ArbeidsforholdoversiktResponse,
    response_model_exclude_none=True,
    responses=READ,
)
def opplysningspliktig_oversikt(
    database: DatabaseDep,
    request: Request,
    caller: AaregCaller,
    body: OpplysningspliktigForespoersel,
) -> ArbeidsforholdoversiktResponse:
    """An overview of the employer's employments at all its sub-units."""
    return _oversikter(
        database, request, caller, body, opplysningspliktig=body.opplysningspliktig_id
    )


# ------------------------------------------------------------------------------------------
# Income (inntektskomponenten)
# ------------------------------------------------------------------------------------------


def _months(body: InntektForespoersel) -> tuple[str, str]:
    if body.maaned_fom > body.maaned_tom:
        raise InvalidInput("maanedFom is after maanedTom")
    return body.maaned_fom, body.maaned_tom


@inntekt.post(
    "/inntekt",
    summary="A person's reported pay per month (A-ordningen)",
    response_model=InntektResponse,
    responses=PERSON_READ,
)
def hent_inntekt(
    database: DatabaseDep, request: Request, caller: InntektCaller, body: InntektForespoersel
) -> InntektResponse:
    """The current reports of pay and withholding tax, per month, employer and sub-unit."""
    fra, til = _months(body)
    with database.read_session() as session:
        months = queries.income(
            session, idents=_idents(session, body.personident), fra=fra, til=til
        )
    data = []
    for month in months:
        (version,) = month.versjoner
        inntekter, trekk = _lines(version)
        data.append(
            Inntektsmaaned(
                maaned=month.kalendermaaned,
                opplysningspliktig=month.opplysningspliktig,
                underenhet=month.virksomhet,
                norskident=month.norskident,
                oppsummeringstidspunkt=_utc(version.mottatt),
                inntekt_liste=inntekter,
                forskuddstrekk_liste=trekk,
            )
        )
    answer = InntektResponse(data=data)
    _record_inntekt(request, caller, body)
    return answer


@inntekt.post(
    "/inntektshistorikk",
    summary="Every version of a person's reported pay per month (A-ordningen)",
    response_model=InntektshistorikkResponse,
    response_model_exclude_none=True,
    responses=PERSON_READ,
)
def hent_inntektshistorikk(
    database: DatabaseDep, request: Request, caller: InntektCaller, body: InntektForespoersel
) -> InntektshistorikkResponse:
    """Per month, employer and sub-unit every report since the person first appeared in one."""
    fra, til = _months(body)
    with database.read_session() as session:
        months = queries.income(
            session, idents=_idents(session, body.personident), fra=fra, til=til, history=True
        )
    data = []
    for month in months:
        versjoner = []
        for version in month.versjoner:
            inntekter, trekk = _lines(version)
            versjoner.append(
                Inntektsversjon(
                    versjon=version.versjon,
                    oppsummeringstidspunkt=_utc(version.mottatt),
                    erstattet=None if version.erstattet is None else _utc(version.erstattet),
                    inntekt_liste=inntekter,
                    forskuddstrekk_liste=trekk,
                )
            )
        data.append(
            Inntektshistorikk(
                maaned=month.kalendermaaned,
                opplysningspliktig=month.opplysningspliktig,
                underenhet=month.virksomhet,
                norskident=month.norskident,
                versjoner=versjoner,
            )
        )
    answer = InntektshistorikkResponse(data=data)
    _record_inntekt(request, caller, body)
    return answer


# ------------------------------------------------------------------------------------------
# Registrations (felles additions)
# ------------------------------------------------------------------------------------------


def _answer_arbeidsforhold(session: Session, row: ArbeidsforholdRow) -> Arbeidsforhold:
    return _with_details(session, [row], historikk=True)[0]


@registreringer.post(
    "/arbeidsforhold",
    status_code=201,
    summary="Register an employment (felles addition)",
    response_model=Arbeidsforhold,
    response_model_exclude_none=True,
    responses=WRITE,
)
def registrer_arbeidsforhold(database: DatabaseDep, body: NyttArbeidsforhold) -> Any:
    """Start an employment (in reality: reported in the employer's a-melding)."""
    return run_command(
        database,
        lambda uow: operations.start_employment(
            uow,
            arbeidstaker=body.arbeidstaker,
            opplysningspliktig=body.opplysningspliktig,
            arbeidssted=body.arbeidssted,
            type=body.arbeidsforholdtype,
            startdato=body.startdato,
            sluttdato=body.sluttdato,
            sluttaarsak=body.sluttaarsak,
            stillingsprosent=body.avtalt_stillingsprosent,
            yrke=body.yrke,
        ),
        _answer_arbeidsforhold,
    )


@registreringer.post(
    "/arbeidsforhold/{navArbeidsforholdId}/avslutning",
    summary="End an employment (felles addition)",
    response_model=Arbeidsforhold,
    response_model_exclude_none=True,
    responses=WRITE,
)
def avslutt_arbeidsforhold(
    database: DatabaseDep,
    nav_arbeidsforhold_id: Annotated[int, Path(alias="navArbeidsforholdId", ge=1, le=MAX_BIGINT)],
    body: Avslutning,
) -> Any:
    """Give the employment its sluttdato (and optionally the reason)."""
    return run_command(
        database,
        lambda uow: operations.end_employment(
            uow,
            arbeidsforhold_id=nav_arbeidsforhold_id,
            sluttdato=body.sluttdato,
            sluttaarsak=body.sluttaarsak,
        ),
        _answer_arbeidsforhold,
    )


@registreringer.post(
    "/arbeidsforhold/{navArbeidsforholdId}/ansettelsesdetaljer",
    status_code=201,
    summary="Change an employment's position percentage or occupation (felles addition)",
    response_model=Arbeidsforhold,
    response_model_exclude_none=True,
    responses=WRITE,
)
def endre_arbeidsforhold(
    database: DatabaseDep,
    nav_arbeidsforhold_id: Annotated[int, Path(alias="navArbeidsforholdId", ge=1, le=MAX_BIGINT)],
    body: NyeAnsettelsesdetaljer,
) -> Any:
    """New details from ``gyldigFra``; the earlier version is kept as history."""
    return run_command(
        database,
        lambda uow: operations.change_employment(
            uow,
            arbeidsforhold_id=nav_arbeidsforhold_id,
            gyldig_fra=body.gyldig_fra,
            stillingsprosent=body.avtalt_stillingsprosent,
            yrke=body.yrke,
        ),
        _answer_arbeidsforhold,
    )


def _pay_report(mottaker: NyInntektsmottaker, number: int) -> operations.PayReport:
    inntekter: dict[str, int] = {}
    for line in mottaker.inntekter:
        if line.beskrivelse in inntekter:
            raise InvalidInput(
                f"inntektsmottaker {number}: {line.beskrivelse} is given more than once"
            )
        inntekter[line.beskrivelse] = line.beloep
    return operations.PayReport(
        norskident=mottaker.norskident,
        virksomhet=mottaker.virksomhet,
        inntekter=inntekter,
        forskuddstrekk=mottaker.forskuddstrekk,
    )


@registreringer.post(
    "/a-melding",
    status_code=201,
    summary="Report a month's pay for an employer (a-melding) (felles addition)",
    response_model=AMeldingKvittering,
    response_model_exclude_none=True,
    responses=WRITE,
)
def motta_amelding(database: DatabaseDep, body: NyAMelding) -> Any:
    """Receive an a-melding; it replaces the employer's earlier report of the month."""
    mottakere = [_pay_report(m, number) for number, m in enumerate(body.inntektsmottakere)]

    def answer(session: Session, melding: AMelding) -> AMeldingKvittering:
        return AMeldingKvittering(
            opplysningspliktig=melding.opplysningspliktig,
            kalendermaaned=melding.kalendermaaned,
            versjon=melding.versjon,
            erstatter_versjon=melding.versjon - 1 if melding.versjon > 1 else None,
            antall_inntektsmottakere=melding.antall_inntektsmottakere,
            mottatt=_utc(melding.mottatt),
        )

    return run_command(
        database,
        lambda uow: operations.report_month(
            uow,
            opplysningspliktig=body.opplysningspliktig,
            kalendermaaned=body.kalendermaaned,
            inntektsmottakere=mottakere,
        ),
        answer,
    )


# ------------------------------------------------------------------------------------------
# Code lists (open data)
# ------------------------------------------------------------------------------------------


@router.get(
    "/a-ordningen/kodeverk",
    tags=["a-ordningen: kodeverk"],
    summary="The codes A-ordningen's registrations accept",
    response_model=KodeverkResponse,
)
def hent_kodeverk() -> KodeverkResponse:
    """Employment types, reasons for ending, kinds of pay and occupations (STYRK-08)."""
    return KodeverkResponse(
        arbeidsforholdtyper=[
            Kode(kode=t.kode, beskrivelse=t.beskrivelse)
            for t in kodeverk.ARBEIDSFORHOLDTYPER.values()
        ],
        sluttaarsaker=[Kode(kode=k, beskrivelse=b) for k, b in kodeverk.SLUTTAARSAKER.items()],
        inntektsbeskrivelser=[
            Kode(kode=k, beskrivelse=b) for k, b in kodeverk.INNTEKTSBESKRIVELSER.items()
        ],
        yrker=[Kode(kode=k, beskrivelse=b) for k, b in kodeverk.yrker().items()],
    )


router.include_router(aareg)
router.include_router(inntekt)
router.include_router(registreringer)
