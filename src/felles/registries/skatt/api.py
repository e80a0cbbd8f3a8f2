"""HTTP API of Skatteetaten: skatteoppgjør reads, restanser, and registrations.

Reading, on the paths and with the JSON names of Skatteetaten's data-sharing APIs
(https://skatteetaten.github.io/api-dokumentasjon/), under ``/api`` as on api.skatteetaten.no:

* Summert skattegrunnlag
  (``GET /api/formueinntekt/summertskattegrunnlag/{rettighetspakke}/{inntektsaar}/
  {personidentifikator}``): the assessment's bases as ``grunnlag`` posts (``tekniskNavn``,
  ``beloep``, ``kategori``), the ``skatteoppgjoersdato`` and ``stadie`` ``oppgjoer``.
* Beregnet skatt (``GET /api/formueinntekt/beregnetskatt/{rettighetspakke}/{inntektsaar}/
  {personidentifikator}``), shaped as version 2's ``beregnetSkattFastland``: the taxes.
  The field names are Skatteetaten's; the path is felles's guess after the other APIs (the
  real one is only in Skatteetaten's OpenAPI document on SwaggerHub).
* Pensjonsgivende inntekt for folketrygden
  (``GET /api/formueinntekt/pensjonsgivendeinntektforfolketrygden/{inntektsaar}/
  {personidentifikator}``, as NAV calls it): ``pensjonsgivendeInntekt`` per skatteordning.
* Restanser (``GET /api/innkreving/restanser/{rettighetspakke}/{organisasjonsnummer}``): an
  organisation's overdue and unpaid claims by kind, for skatteattest and eBevis.

The answers are built by ``documents`` (plain functions, shared with the data products); the
models here document them and check them on the way out.

``rettighetspakke`` (the consumer's legal basis) is accepted from the real codes and not yet
used. Reading needs the operator's bearer token or an access token with the API's scope; what
a token caller is given about a person is written to the access log before the answer goes
out (``felles.kernel.web.record_release``; datasets ``skatt.skatteoppgjoer.sammendrag``,
``skatt.beregnetskatt``, ``skatt.pensjonsgivendeinntekt``, ``skatt.restanser`` — an
organisation's restanser are reported too, and not logged: the log is about people).
A person unknown to Folkeregisteret is a 404, as a year without an assessment is (as in
Skatteetaten's APIs: SSG-007, SSG-008).

Writing (``/skatteetaten/registreringer``) has no public counterpart: assessments are made by
Skatteetaten and claims arise from its accounts. felles offers them so that test teams can
assess a person's year (with the pay from A-ordningen unless given), register a claim and
record its payment; each runs one operation in one unit of work.

felles simplifications of the real shapes: one skatteordning (FASTLAND); ``skjermet`` is
always false; in beregnet skatt the tax on alminnelig inntekt and the wealth tax are each one
sum (``inntektsskattAvAlminneligInntekt``, ``formuesskatt``: felles additions) instead of the
split between kommune, fylkeskommune and state; ``renterOgGebyrer`` is always 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from felles.kernel.db import Database, UnitOfWork, run_command
from felles.kernel.errors import NotFound
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
from felles.registries.enhetsregisteret.queries import units_status
from felles.registries.folkeregister.queries import get_person
from felles.registries.skatt import documents, operations, queries
from felles.registries.skatt.calculation import MAX_AMOUNT
from felles.registries.skatt.documents import utc
from felles.registries.skatt.model import Restanse as RestanseRow
from felles.registries.skatt.model import Skatteoppgjoer as SkatteoppgjoerRow
from felles.registries.skatt.operations.arrears import NOT_REGISTERED

T = TypeVar("T")

FORMUEINNTEKT: Final = "/api/formueinntekt"
INNKREVING: Final = "/api/innkreving"
REGISTRERINGER: Final = "/skatteetaten/registreringer"

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}
INVALID: Final[Responses] = {422: problem_doc("Invalid input; nothing was read or written")}
UNKNOWN_PERSON: Final = "No person is registered with this personidentifikator"
NO_ASSESSMENT: Final = "No skatteoppgjør is registered for this person and inntektsaar"
UNKNOWN_ORGANISATION: Final = "No organisation is registered with this organisasjonsnummer"
PERSON_READ: Final[Responses] = (
    ACCESS_RESPONSES
    | INVALID
    | {404: problem_doc(f"{UNKNOWN_PERSON}, or {NO_ASSESSMENT}")}
    | RELEASE_RESPONSES
)
ORGANISATION_READ: Final[Responses] = (
    ACCESS_RESPONSES | INVALID | {404: problem_doc(UNKNOWN_ORGANISATION)} | RELEASE_RESPONSES
)
WRITE: Final[Responses] = UNAUTHORIZED | {
    404: problem_doc("A person, organisation or claim named in the request is not registered"),
    409: problem_doc("The registers' current state does not allow this; nothing was written"),
    422: problem_doc("Invalid input; nothing was written"),
}

# Synthetic examples: a Test-Norge person (month + 80) and a test organisation.
_PERSON: Final = "17868549939"
_ORGNR: Final = "810825472"

SkattegrunnlagRettighetspakke = Literal[
    "nav",
    "distribusjon",
    "ldir",
    "laanekassen",
    "frirettshjelp",
    "husbanken",
    "udi",
    "kommuneforeldrebetaling",
    "sbl",
    "ssb",
]
BeregnetSkattRettighetspakke = Literal[
    "distribusjon", "finans", "forsikring", "husbanken", "laanekassen", "nav", "ssb"
]
RestanseRettighetspakke = Literal["dibk", "ebevis"]
Inntektsaar = Annotated[
    int, Path(ge=1900, le=2100, description="The income year, YYYY", examples=[2024])
]
Personidentifikator = Annotated[
    PersonIdStr, Path(description="The person's fødselsnummer or D-nummer")
]
Beloep = Annotated[
    int, Field(ge=0, le=MAX_AMOUNT, strict=True, description="Whole NOK", examples=[0])
]
Kravtype = Literal["skatt", "arbeidsgiveravgift", "merverdiavgift", "forskuddstrekk"]


def _date_string(value: Any) -> Any:
    """A date arrives as ``YYYY-MM-DD``; pydantic would also take a number (Unix time)."""
    if isinstance(value, date | str):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


Dato = Annotated[date, BeforeValidator(_date_string)]

#: Skatteetaten's Maskinporten scopes, one per API (pensjonsgivende inntekt: felles names one
#: in their style, the real one was not found).
SCOPE_SUMMERT: Final = "skatteetaten:summertskattegrunnlag"
SCOPE_BEREGNET: Final = "skatteetaten:beregnetskatt"
SCOPE_PGI: Final = "skatteetaten:pensjonsgivendeinntektforfolketrygden"
SCOPE_RESTANSER: Final = "skatteetaten:restanser"

# One callable per scope, so that a route's guard runs once per request, and the router's
# check (restanser) is the one the route gets its caller from.
_summert_reader = require_access(SCOPE_SUMMERT)
_beregnet_reader = require_access(SCOPE_BEREGNET)
_pgi_reader = require_access(SCOPE_PGI)
_restanser_reader = require_access(SCOPE_RESTANSER)

#: The access log's datasets (``felles.access.datasets``) and the fields each API gives.
RELEASES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    SCOPE_SUMMERT: ("skatt.skatteoppgjoer.sammendrag", ("inntekt", "fradrag", "formue", "gjeld")),
    SCOPE_BEREGNET: ("skatt.beregnetskatt", ("beregnetSkatt",)),
    SCOPE_PGI: ("skatt.pensjonsgivendeinntekt", ("pensjonsgivendeInntekt",)),
    SCOPE_RESTANSER: ("skatt.restanser", ("restanser",)),
}

formueinntekt = APIRouter(prefix=FORMUEINNTEKT, tags=["skatteetaten: skatteoppgjør"])
innkreving = APIRouter(
    prefix=INNKREVING,
    tags=["skatteetaten: restanser"],
    dependencies=[Depends(_restanser_reader)],
)
registreringer = APIRouter(
    prefix=REGISTRERINGER,
    tags=["skatteetaten: registreringer (felles addition)"],
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


class Grunnlag(_Schema):
    teknisk_navn: str
    beloep: int
    kategori: str = Field(description="inntekt, inntektsfradrag, formue, formuesfradrag or -")


EXAMPLE_SUMMERT: Final[dict[str, Any]] = {
    "personidentifikator": _PERSON,
    "inntektsaar": "2024",
    "grunnlag": [
        {
            "tekniskNavn": "samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt",
            "beloep": 600000,
            "kategori": "inntekt",
        },
        {"tekniskNavn": "minstefradragIInntekt", "beloep": 92000, "kategori": "inntektsfradrag"},
        {"tekniskNavn": "alminneligInntektFoerSaerfradrag", "beloep": 508000, "kategori": "-"},
    ],
    "skjermet": False,
    "skatteoppgjoersdato": "2025-06-01",
    "stadie": "oppgjoer",
    "ajourholdstidspunkt": "2025-06-01T09:00:00+00:00",
}


class SummertSkattegrunnlag(_Schema):
    """A person's summed tax bases for a year, as Skatteetaten's Summert skattegrunnlag API."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_SUMMERT]})

    personidentifikator: str
    inntektsaar: str
    grunnlag: list[Grunnlag]
    skjermet: bool = False
    skatteoppgjoersdato: date
    stadie: Literal["oppgjoer"] = "oppgjoer"
    ajourholdstidspunkt: datetime


class GrunnlagOgBeloep(_Schema):
    grunnlag: int
    beloep: int


class SkattOgAvgift(_Schema):
    inntektsskatt_av_alminnelig_inntekt: GrunnlagOgBeloep = Field(
        description="felles addition: kommune, fylkeskommune and fellesskatt together"
    )
    trinnskatt: GrunnlagOgBeloep
    trygdeavgift_av_loennsinntekt: GrunnlagOgBeloep
    sum_trygdeavgift: GrunnlagOgBeloep
    formuesskatt: GrunnlagOgBeloep = Field(
        description="felles addition: formuesskatt til stat and til kommune together"
    )


class OevrigeResultaterAvBeregning(_Schema):
    alminnelig_inntekt_foer_saerfradrag: int
    pensjonsgivende_inntekt: int


class InformasjonTilSkattelister(_Schema):
    nettoinntekt: int
    nettoformue: int
    beregnet_skatt: int


class BeregnetSkattFastland(_Schema):
    skatteklasse: Literal["1"] = "1"
    beregnet_skatt: int = Field(description="utlignet skatt: the sum of the taxes")
    skatt_og_avgift: SkattOgAvgift
    oevrige_resultater_av_beregning: OevrigeResultaterAvBeregning
    informasjon_til_skattelister: InformasjonTilSkattelister


class BeregnetSkatt(_Schema):
    """A person's computed tax for a year, shaped as Skatteetaten's Beregnet skatt API v2."""

    personidentifikator: str
    inntektsaar: int
    skjermet: bool = False
    beregnet_skatt_fastland: BeregnetSkattFastland
    skatteoppgjoersdato: date


class PensjonsgivendeInntektPost(_Schema):
    skatteordning: Literal["FASTLAND", "SVALBARD", "KILDESKATT_PAA_LOENN"] = "FASTLAND"
    dato_for_fastsetting: date
    pensjonsgivende_inntekt_av_loennsinntekt: int | None = None
    pensjonsgivende_inntekt_av_loennsinntekt_bare_pensjonsdel: int | None = None
    pensjonsgivende_inntekt_av_naeringsinntekt: int | None = None
    pensjonsgivende_inntekt_av_naeringsinntekt_fra_fiske_fangst_eller_familiebarnehage: (
        int | None
    ) = None


EXAMPLE_PGI: Final[dict[str, Any]] = {
    "norskPersonidentifikator": _PERSON,
    "inntektsaar": 2024,
    "pensjonsgivendeInntekt": [
        {
            "skatteordning": "FASTLAND",
            "datoForFastsetting": "2025-06-01",
            "pensjonsgivendeInntektAvLoennsinntekt": 600000,
            "pensjonsgivendeInntektAvLoennsinntektBarePensjonsdel": None,
            "pensjonsgivendeInntektAvNaeringsinntekt": None,
            "pensjonsgivendeInntektAvNaeringsinntektFraFiskeFangstEllerFamiliebarnehage": None,
        }
    ],
}


class PensjonsgivendeInntekt(_Schema):
    """A person's pensionable income for a year (Skatteetaten's API for NAV)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PGI]})

    norsk_personidentifikator: str
    inntektsaar: int
    pensjonsgivende_inntekt: list[PensjonsgivendeInntektPost]


class Restansebeloep(_Schema):
    forfalt_og_ubetalt: int
    renter_og_gebyrer: int = Field(0, description="felles: interest and fees are not modelled")


EXAMPLE_RESTANSER: Final[dict[str, Any]] = {
    "forespurtOrganisasjonsnummer": _ORGNR,
    "skatt": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
    "arbeidsgiveravgift": {"forfaltOgUbetalt": 30010, "renterOgGebyrer": 0},
    "merverdiavgift": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
    "forskuddstrekk": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
}


class Restanser(_Schema):
    """An organisation's overdue and unpaid claims by kind (Skatteetaten's Restanse API)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RESTANSER]})

    forespurt_organisasjonsnummer: str
    skatt: Restansebeloep
    arbeidsgiveravgift: Restansebeloep
    merverdiavgift: Restansebeloep
    forskuddstrekk: Restansebeloep


# Registrations (felles additions)


class NyttSkatteoppgjoer(_Request):
    """A person's income year to assess; without ``loennsinntekt`` the pay is A-ordningen's."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "personidentifikator": _PERSON,
                    "inntektsaar": 2024,
                    "kapitalinntekt": 12000,
                    "renteutgifter": 45000,
                    "bruttoformue": 4200000,
                    "gjeld": 2500000,
                }
            ]
        }
    )

    personidentifikator: PersonIdStr
    inntektsaar: int = Field(ge=1900, le=2100, strict=True)
    loennsinntekt: Beloep | None = Field(
        None, description="Pay; when left out, the sum reported to A-ordningen for the year"
    )
    kapitalinntekt: Beloep = 0
    renteutgifter: Beloep = 0
    bruttoformue: Beloep = 0
    gjeld: Beloep = 0
    skatteoppgjoersdato: Dato | None = Field(None, description="Default: today")


class Skatteoppgjoer(_Schema):
    """An assessment as felles stores it: inputs, results and version (felles addition)."""

    personidentifikator: str
    inntektsaar: int
    versjon: int
    erstatter_versjon: int | None = None
    skatteoppgjoersdato: date
    registrert: datetime
    loennsinntekt: int
    kapitalinntekt: int
    renteutgifter: int
    bruttoformue: int
    gjeld: int
    pensjonsgivende_inntekt: int
    bruttoinntekt: int
    alminnelig_inntekt: int
    nettoformue: int
    trygdeavgift: int
    trinnskatt: int
    skatt_alminnelig_inntekt: int
    formuesskatt: int
    utlignet_skatt: int


class NyRestanse(_Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "skyldner": _ORGNR,
                    "kravtype": "arbeidsgiveravgift",
                    "beloep": 30010,
                    "forfallsdato": "2025-03-15",
                }
            ]
        }
    )

    skyldner: str = Field(
        pattern=r"^(\d{9}|\d{11})$",
        description="A person's fødselsnummer or D-nummer, or an organisasjonsnummer",
    )
    kravtype: Kravtype
    beloep: int = Field(ge=1, le=MAX_AMOUNT, strict=True, description="Whole NOK")
    forfallsdato: Dato


class Betaling(_Request):
    model_config = ConfigDict(json_schema_extra={"examples": [{"betaltDato": "2025-05-02"}]})

    betalt_dato: Dato


class Restanse(_Schema):
    """One claim (felles addition)."""

    restanse_id: int
    skyldner: str
    skyldnertype: Literal["person", "enhet"]
    kravtype: str
    beloep: int
    forfallsdato: date
    betalt_dato: date | None = None
    registrert: datetime


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def _assessment(session: Session, ident: str, year: int) -> SkatteoppgjoerRow:
    """The person's current assessment of the year; NotFound for nobody or no assessment."""
    person = get_person(session, ident=ident)
    if person is None:
        raise NotFound(UNKNOWN_PERSON)
    row = queries.get_assessment(session, idents={ident, person.ident}, income_year=year)
    if row is None:
        raise NotFound(NO_ASSESSMENT)
    return row


def to_skatteoppgjoer(row: SkatteoppgjoerRow) -> Skatteoppgjoer:
    return Skatteoppgjoer(
        personidentifikator=row.personidentifikator,
        inntektsaar=row.inntektsaar,
        versjon=row.versjon,
        erstatter_versjon=row.versjon - 1 if row.versjon > 1 else None,
        skatteoppgjoersdato=row.skatteoppgjoersdato,
        registrert=utc(row.registrert),
        loennsinntekt=row.loennsinntekt,
        kapitalinntekt=row.kapitalinntekt,
        renteutgifter=row.renteutgifter,
        bruttoformue=row.bruttoformue,
        gjeld=row.gjeld,
        pensjonsgivende_inntekt=row.pensjonsgivende_inntekt,
        bruttoinntekt=row.bruttoinntekt,
        alminnelig_inntekt=row.alminnelig_inntekt,
        nettoformue=row.nettoformue,
        trygdeavgift=row.trygdeavgift,
        trinnskatt=row.trinnskatt,
        skatt_alminnelig_inntekt=row.skatt_alminnelig_inntekt,
        formuesskatt=row.formuesskatt,
        utlignet_skatt=row.utlignet_skatt,
    )


def to_restanse(row: RestanseRow) -> Restanse:
    return Restanse(
        restanse_id=row.id,
        skyldner=row.skyldner,
        skyldnertype="enhet" if row.skyldnertype == "enhet" else "person",
        kravtype=row.kravtype,
        beloep=row.beloep,
        forfallsdato=row.forfallsdato,
        betalt_dato=row.betalt_dato,
        registrert=utc(row.registrert),
    )


def _record(request: Request, caller: Caller, scope: str, subject: str) -> None:
    """Report what the API of ``scope`` gave about ``subject`` (found: else it was a 404)."""
    dataset, fields = RELEASES[scope]
    record_release(request, caller, Release(dataset, scope, [subject], fields))


def _register(
    database: Database, command: Callable[[UnitOfWork], T], answer: Callable[[T], Any]
) -> Any:
    """Run one command, commit, and build the answer from the result (kernel ``run_command``:
    two requests racing to make the first assessment of a year, the loser runs again)."""
    return run_command(database, command, lambda _session, result: answer(result))


# ------------------------------------------------------------------------------------------
# Skatteoppgjør
# ------------------------------------------------------------------------------------------


@formueinntekt.get(
    "/summertskattegrunnlag/{rettighetspakke}/{inntektsaar}/{personidentifikator}",
    summary="A person's summed tax bases for an income year (Summert skattegrunnlag)",
    response_model=SummertSkattegrunnlag,
    responses=PERSON_READ,
)
def summert_skattegrunnlag(
    database: DatabaseDep,
    request: Request,
    caller: Annotated[Caller, Depends(_summert_reader)],
    rettighetspakke: SkattegrunnlagRettighetspakke,
    inntektsaar: Inntektsaar,
    personidentifikator: Personidentifikator,
) -> dict[str, Any]:
    """Income, deductions, wealth and debt of the person's current skatteoppgjør."""
    with database.read_session() as session:
        row = _assessment(session, personidentifikator, inntektsaar)
    answer = documents.summert_skattegrunnlag(assessment=row)
    _record(request, caller, SCOPE_SUMMERT, personidentifikator)
    return answer


@formueinntekt.get(
    "/beregnetskatt/{rettighetspakke}/{inntektsaar}/{personidentifikator}",
    summary="A person's computed tax for an income year (Beregnet skatt)",
    response_model=BeregnetSkatt,
    responses=PERSON_READ,
)
def beregnet_skatt(
    database: DatabaseDep,
    request: Request,
    caller: Annotated[Caller, Depends(_beregnet_reader)],
    rettighetspakke: BeregnetSkattRettighetspakke,
    inntektsaar: Inntektsaar,
    personidentifikator: Personidentifikator,
) -> dict[str, Any]:
    """The taxes of the person's current skatteoppgjør and what they were computed from."""
    with database.read_session() as session:
        row = _assessment(session, personidentifikator, inntektsaar)
    answer = documents.beregnet_skatt(assessment=row)
    _record(request, caller, SCOPE_BEREGNET, personidentifikator)
    return answer


@formueinntekt.get(
    "/pensjonsgivendeinntektforfolketrygden/{inntektsaar}/{personidentifikator}",
    summary="A person's pensionable income for an income year (for folketrygden)",
    response_model=PensjonsgivendeInntekt,
    responses=PERSON_READ,
)
def pensjonsgivende_inntekt(
    database: DatabaseDep,
    request: Request,
    caller: Annotated[Caller, Depends(_pgi_reader)],
    inntektsaar: Inntektsaar,
    personidentifikator: Personidentifikator,
) -> dict[str, Any]:
    """Pensjonsgivende inntekt of the person's current skatteoppgjør (all from pay)."""
    with database.read_session() as session:
        row = _assessment(session, personidentifikator, inntektsaar)
    answer = documents.pensjonsgivende_inntekt(assessment=row)
    _record(request, caller, SCOPE_PGI, personidentifikator)
    return answer


# ------------------------------------------------------------------------------------------
# Restanser
# ------------------------------------------------------------------------------------------


@innkreving.get(
    "/restanser/{rettighetspakke}/{organisasjonsnummer}",
    summary="An organisation's overdue and unpaid claims (Restanser, for skatteattest)",
    response_model=Restanser,
    responses=ORGANISATION_READ,
)
def restanser(
    database: DatabaseDep,
    request: Request,
    caller: Annotated[Caller, Depends(_restanser_reader)],
    rettighetspakke: RestanseRettighetspakke,
    organisasjonsnummer: Annotated[OrgnrStr, Path(description="The organisation's number")],
) -> dict[str, Any]:
    """What the organisation owes Skatteetaten overdue today, by kind of claim."""
    with database.read_session() as session:
        if organisasjonsnummer not in units_status(session, orgnrs=[organisasjonsnummer]):
            raise NotFound(UNKNOWN_ORGANISATION)
        found = queries.arrears_of(session, skyldner=organisasjonsnummer)
    answer = documents.restanser(
        organisasjonsnummer=organisasjonsnummer, forfalt_og_ubetalt=found.forfalt_og_ubetalt
    )
    # An organisation's claims: reported like every read, not logged (no person's data).
    _record(request, caller, SCOPE_RESTANSER, organisasjonsnummer)
    return answer


# ------------------------------------------------------------------------------------------
# Registrations (felles additions)
# ------------------------------------------------------------------------------------------


@registreringer.post(
    "/skatteoppgjoer",
    status_code=201,
    summary="Assess a person's income year (felles addition)",
    response_model=Skatteoppgjoer,
    responses=WRITE,
)
def registrer_skatteoppgjoer(database: DatabaseDep, body: NyttSkatteoppgjoer) -> Any:
    """Make (or change) the person's skatteoppgjør of the year; earlier versions are kept."""
    common: dict[str, Any] = {
        "ident": body.personidentifikator,
        "income_year": body.inntektsaar,
        "kapitalinntekt": body.kapitalinntekt,
        "renteutgifter": body.renteutgifter,
        "bruttoformue": body.bruttoformue,
        "gjeld": body.gjeld,
        "skatteoppgjoersdato": body.skatteoppgjoersdato,
    }
    loenn = body.loennsinntekt

    def command(uow: UnitOfWork) -> SkatteoppgjoerRow:
        if loenn is None:
            return operations.make_assessment_from_aordningen(uow, **common)
        return operations.make_assessment(uow, loennsinntekt=loenn, **common)

    return _register(database, command, to_skatteoppgjoer)


@registreringer.post(
    "/restanser",
    status_code=201,
    summary="Register a claim against a person or an organisation (felles addition)",
    response_model=Restanse,
    responses=WRITE,
)
def registrer_restanse(database: DatabaseDep, body: NyRestanse) -> Any:
    """A claim of the kind and amount, due on ``forfallsdato`` (an arrear from then)."""
    return _register(
        database,
        lambda uow: operations.register_arrears(
            uow,
            skyldner=body.skyldner,
            kravtype=body.kravtype,
            beloep=body.beloep,
            forfallsdato=body.forfallsdato,
        ),
        to_restanse,
    )


@registreringer.post(
    "/restanser/{restanseId}/betaling",
    summary="Record that a claim was paid (felles addition)",
    response_model=Restanse,
    responses=WRITE | {404: problem_doc(NOT_REGISTERED)},
)
def registrer_betaling(
    database: DatabaseDep,
    restanse_id: Annotated[int, Path(alias="restanseId", ge=1, le=MAX_BIGINT)],
    body: Betaling,
) -> Any:
    """The claim is paid on ``betaltDato`` and is no arrear after that day."""
    return _register(
        database,
        lambda uow: operations.settle_arrears(
            uow, restanse_id=restanse_id, betalt_dato=body.betalt_dato
        ),
        to_restanse,
    )


router.include_router(formueinntekt)
router.include_router(innkreving)
router.include_router(registreringer)
