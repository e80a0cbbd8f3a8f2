"""HTTP API of Folkeregisteret, on the real paths and with the real JSON field names.

Reading (as Skatteetaten's ``offentlig-med-hjemmel`` API): ``GET /personer/{ident}``,
``POST /personer/bulkoppslag``, ``GET /hendelser/feed`` and ``GET /hendelser/siste/sekvensnummer``.
Shapes follow Skatteetaten's published contract (Skatteetaten_FREG-Offentlig-med-hjemmel 1.5):
register metadata flat on every version, the bulk lookup as ``{"foedselsEllerDNummer": [...]}``
→ ``{"oppslag": [{"foedselsEllerDNummer", "folkeregisterperson", "feilmelding"}]}``, and the
last sequence number as ``{"sekvensnummer": n}`` (the JSON form since April 2022).

Writing (``POST /registreringer/...``) has no public counterpart: the real register receives
births from hospitals, deaths from doctors and courts, marriages from the vigsler, moves from
the person, immigration from UDI and the police. felles offers these endpoints so that test
teams can make life events happen; each runs one operation in one unit of work.

Reading needs the operator's bearer token or an access token with the scope
``folkeregister:deling/offentligmedhjemmel``: no personal data is served anonymously. What a
token caller is given (the documents found, the elements asked for) is written to the access
log before the answer goes out (``felles.kernel.web.record_release``; datasets
``folkeregister.person.basis`` and ``folkeregister.familie``). No caller is entitled to
protected addresses yet, so documents never contain a fortrolig or strengtFortrolig
bostedsadresse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from felles.kernel.db import Database, UnitOfWork, run_command
from felles.kernel.errors import InvalidInput, TooManyIdentifiers
from felles.kernel.ids import InvalidIdentifier, PersonIdStr, parse_person_identifier
from felles.kernel.web import (
    ACCESS_RESPONSES,
    MAX_BIGINT,
    RELEASE_RESPONSES,
    AdminOnly,
    Caller,
    DatabaseDep,
    Release,
    access,
    record_release,
    require_access,
)
from felles.registries.folkeregister import operations, queries
from felles.registries.folkeregister.document import ELEMENTS, wanted_elements
from felles.registries.folkeregister.model import Person

#: Maskinporten scope of Folkeregisteret's sharing for public bodies with a legal basis.
SCOPE: Final = "folkeregister:deling/offentligmedhjemmel"

router = APIRouter(prefix="/folkeregisteret/api/v1", tags=["folkeregisteret"])
#: The guard of the person reads, one callable so that FastAPI runs it once per request.
_reader = require_access(SCOPE)
Reader = Annotated[Caller, Depends(_reader)]
#: What hospitals, courts and UDI report to the real register: the operator's token only.
registreringer = APIRouter(dependencies=[AdminOnly])

PartQuery = Annotated[
    list[str] | None,
    Query(
        alias="part",
        description=f"Limit the document to these elements (repeatable): {', '.join(ELEMENTS)}. "
        "identifikasjonsnummer is always included.",
    ),
]


# ------------------------------------------------------------------------------------------
# Schemas of the person document (for OpenAPI; responses are serialised from plain dicts)
# ------------------------------------------------------------------------------------------


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Versjon(_Schema):
    """Register metadata carried by every version of an element."""

    ajourholdstidspunkt: datetime
    er_gjeldende: bool
    kilde: str
    aarsak: str | None = None
    gyldighetstidspunkt: datetime | None = None
    opphoerstidspunkt: datetime | None = None


class Folkeregisteridentifikator(Versjon):
    foedsels_eller_d_nummer: str
    identifikatortype: Literal["foedselsnummer", "dNummer"]
    status: Literal["iBruk", "opphoert"]


class Folkeregisterpersonstatus(Versjon):
    status: str


class Personnavn(Versjon):
    fornavn: str
    mellomnavn: str | None = None
    etternavn: str
    forkortet_navn: str | None = None


class Foedsel(Versjon):
    foedselsdato: date
    foedselsaar: str
    foedekommune_i_norge: str | None = None
    foedeland: str


class Personkjoenn(Versjon):
    kjoenn: Literal["kvinne", "mann"]


class Doedsfall(Versjon):
    doedsdato: date


class Sivilstand(Versjon):
    sivilstand: str
    sivilstandsdato: date | None = None
    relatert_ved_sivilstand: str | None = None


class Familierelasjon(Versjon):
    relatert_person: str
    relatert_persons_rolle: str
    min_rolle_for_person: str


class Foreldreansvar(Versjon):
    ansvar: Literal["felles", "mor", "far", "medmor", "andre", "ukjent"]
    ansvarlig: str
    ansvarssubjekt: str


class Adressenummer(_Schema):
    husnummer: str
    husbokstav: str | None = None


class Poststed(_Schema):
    postnummer: str | None = None
    poststedsnavn: str | None = None


class Vegadresse(_Schema):
    kommunenummer: str
    adressenavn: str
    adressenummer: Adressenummer | None = None
    adressekode: str | None = None
    bruksenhetsnummer: str | None = None
    poststed: Poststed | None = None


class Bostedsadresse(Versjon):
    vegadresse: Vegadresse | None = None
    adresse_identifikator_fra_matrikkelen: str | None = None
    adressegradering: Literal["ugradert", "klientadresse", "fortrolig", "strengtFortrolig"]
    flyttedato: date | None = None


class GraderingAvAdresse(Versjon):
    graderingsnivaa: Literal["klientadresse", "fortrolig", "strengtFortrolig"]


class Statsborgerskap(Versjon):
    statsborgerskap: str
    ervervsdato: date | None = None


class InnflyttingTilNorge(Versjon):
    fraflyttingsland: str


class UtflyttingFraNorge(Versjon):
    tilflyttingsland: str
    utflyttingsdato: date | None = None


class Folkeregisterperson(_Schema):
    """The person document; elements are lists of versions, the current one first."""

    identifikasjonsnummer: list[Folkeregisteridentifikator]
    status: list[Folkeregisterpersonstatus] | None = None
    navn: list[Personnavn] | None = None
    foedsel: list[Foedsel] | None = None
    kjoenn: list[Personkjoenn] | None = None
    doedsfall: Doedsfall | None = None
    sivilstand: list[Sivilstand] | None = None
    familierelasjon: list[Familierelasjon] | None = None
    foreldreansvar: list[Foreldreansvar] | None = None
    bostedsadresse: list[Bostedsadresse] | None = Field(
        None, description="Left out when the address is fortrolig or strengtFortrolig"
    )
    adressebeskyttelse: list[GraderingAvAdresse] | None = Field(
        None, description="Present only when the person's address is protected"
    )
    statsborgerskap: list[Statsborgerskap] | None = None
    innflytting: list[InnflyttingTilNorge] | None = None
    utflytting: list[UtflyttingFraNorge] | None = None


class Feilmelding(_Schema):
    feilmelding: str


class Oppslag(_Schema):
    foedsels_eller_d_nummer: str
    folkeregisterperson: Folkeregisterperson | None = None
    feilmelding: Feilmelding | None = None


class BulkoppslagResponse(_Schema):
    oppslag: list[Oppslag]


class Hendelse(_Schema):
    hendelsetype: str
    folkeregisteridentifikator: str
    ajourholdstidspunkt: datetime
    hendelsesdokument: str = Field(description="The event's id (CloudEvents id)")


class LagretHendelse(_Schema):
    sekvensnummer: int
    hendelse: Hendelse


class Sekvensnummer(_Schema):
    sekvensnummer: int


class RegistrertePersoner(_Schema):
    personer: list[Folkeregisterperson]


_MOR = "14838549870"
_FAR = "02918349939"
_BARN = "20852599910"
_META = {"ajourholdstidspunkt": "2025-05-21T09:00:00+00:00", "erGjeldende": True, "kilde": "felles"}
EXAMPLE_PERSON: Final[dict[str, Any]] = {
    "identifikasjonsnummer": [
        _META
        | {"foedselsEllerDNummer": _BARN, "identifikatortype": "foedselsnummer", "status": "iBruk"}
    ],
    "status": [_META | {"status": "bosatt"}],
    "navn": [_META | {"fornavn": "Ola", "etternavn": "Nordmann", "forkortetNavn": "NORDMANN OLA"}],
    "foedsel": [
        _META
        | {
            "gyldighetstidspunkt": "2025-05-20T00:00:00+00:00",
            "foedselsdato": "2025-05-20",
            "foedselsaar": "2025",
            "foedekommuneINorge": "0301",
            "foedeland": "NOR",
        }
    ],
    "familierelasjon": [
        _META
        | {"relatertPerson": _MOR, "relatertPersonsRolle": "mor", "minRolleForPerson": "barn"},
        _META
        | {"relatertPerson": _FAR, "relatertPersonsRolle": "far", "minRolleForPerson": "barn"},
    ],
    "foreldreansvar": [
        _META | {"ansvar": "felles", "ansvarlig": _MOR, "ansvarssubjekt": _BARN},
        _META | {"ansvar": "felles", "ansvarlig": _FAR, "ansvarssubjekt": _BARN},
    ],
    "bostedsadresse": [
        _META
        | {
            "vegadresse": {
                "kommunenummer": "0301",
                "adressenavn": "Storgata",
                "adressenummer": {"husnummer": "1", "husbokstav": "A"},
                "adressekode": "12345",
                "bruksenhetsnummer": "H0101",
                "poststed": {"postnummer": "0155", "poststedsnavn": "OSLO"},
            },
            "adresseIdentifikatorFraMatrikkelen": "300000001",
            "adressegradering": "ugradert",
            "flyttedato": "2025-05-20",
        }
    ],
}

NOT_REGISTERED: Final = "No person is registered with this identifikasjonsnummer"
PROBLEM = {"description": "Problem (RFC 9457)", "content": {"application/problem+json": {}}}
READ_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    **ACCESS_RESPONSES,
    422: PROBLEM | {"description": "Invalid identifier or part"},
}

BASIS: Final = "folkeregister.person.basis"
FAMILIE: Final = "folkeregister.familie"
#: The access block's dataset and field (``felles.access.datasets``) of each element of the
#: document, for the access log. Innflytting and utflytting have no field there: they are
#: logged under their own names, so the log names everything that was given.
DATASET_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "identifikasjonsnummer": (BASIS, "identifikasjonsnummer"),
    "status": (BASIS, "status"),
    "navn": (BASIS, "navn"),
    "foedsel": (BASIS, "foedselsdato"),
    "kjoenn": (BASIS, "kjoenn"),
    "doedsfall": (BASIS, "doedsfall"),
    "sivilstand": (FAMILIE, "sivilstand"),
    "familierelasjon": (FAMILIE, "familierelasjon"),
    "foreldreansvar": (FAMILIE, "foreldreansvar"),
    "bostedsadresse": (BASIS, "bostedsadresse"),
    "adressebeskyttelse": (BASIS, "adressebeskyttelse"),
    "statsborgerskap": (BASIS, "statsborgerskap"),
    "innflytting": (BASIS, "innflytting"),
    "utflytting": (BASIS, "utflytting"),
}


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def _json(
    content: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(content),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


def _checked_parts(parts: Sequence[str] | None) -> set[str] | None:
    if not parts:
        return None
    unknown = sorted(set(parts) - set(ELEMENTS))
    if unknown:
        raise InvalidInput(
            f"Unknown part(s): {', '.join(unknown)}. Known parts: {', '.join(ELEMENTS)}"
        )
    return set(parts)


def _releases(subjects: Sequence[str], parts: set[str] | None) -> list[Release]:
    """What documents of ``parts`` (every element when None) release, per dataset."""
    fields: dict[str, list[str]] = {}
    for element in wanted_elements(parts):
        dataset, field = DATASET_FIELDS[element]
        fields.setdefault(dataset, []).append(field)
    return [Release(dataset, SCOPE, subjects, names) for dataset, names in fields.items()]


def _checked_ident(value: str) -> str:
    try:
        return parse_person_identifier(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(error.message, reason=error.reason) from None


# ------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------


@router.get(
    "/personer/{ident}",
    summary="The person document (Folkeregisterperson)",
    responses={
        200: {
            "model": Folkeregisterperson,
            "content": {"application/json": {"example": EXAMPLE_PERSON}},
        },
        404: PROBLEM | {"description": "No person with this identifier"},
        **READ_RESPONSES,
        **RELEASE_RESPONSES,
    },
)
def hent_person(
    ident: str, request: Request, caller: Reader, database: DatabaseDep, part: PartQuery = None
) -> Response:
    """The current document of a person by fødselsnummer or D-nummer (current or former)."""
    parts = _checked_parts(part)
    checked = _checked_ident(ident)
    with database.read_session() as session:
        answer = _json(queries.get_document(session, ident=checked, parts=parts))
    record_release(request, caller, *_releases([checked], parts))
    return answer


class BulkoppslagRequest(BaseModel):
    """Up to 1000 fødselsnumre or D-numre."""

    model_config = ConfigDict(extra="forbid")

    foedsels_eller_d_nummer: list[str] = Field(
        validation_alias=AliasChoices("foedselsEllerDNummer", "identifikatorer"),
        description=f"At most {queries.MAX_BULK} identifiers",
        examples=[[_MOR, _FAR]],
    )


def _oppslag(
    asked: Sequence[str], valid: dict[str, str], documents: dict[str, dict[str, Any] | None]
) -> list[dict[str, Any]]:
    result = []
    for ident in asked:
        entry: dict[str, Any] = {"foedselsEllerDNummer": ident}
        if ident not in valid:
            entry["feilmelding"] = {"feilmelding": _invalid_message(ident)}
        elif documents.get(valid[ident]) is None:
            entry["feilmelding"] = {"feilmelding": NOT_REGISTERED}
        else:
            entry["folkeregisterperson"] = documents[valid[ident]]
        result.append(entry)
    return result


def _invalid_message(ident: str) -> str:
    try:
        parse_person_identifier(ident)
    except InvalidIdentifier as error:
        return error.message
    return "Not a valid identifikasjonsnummer"


def _valid_idents(asked: Sequence[str]) -> dict[str, str]:
    valid = {}
    for ident in asked:
        try:
            valid[ident] = parse_person_identifier(ident).value
        except InvalidIdentifier:
            continue
    return valid


@router.post(
    "/personer/bulkoppslag",
    summary="Documents for up to 1000 people",
    responses={
        200: {"model": BulkoppslagResponse},
        413: PROBLEM | {"description": "More than 1000 identifiers"},
        **READ_RESPONSES,
        **RELEASE_RESPONSES,
    },
)
def bulkoppslag(
    body: BulkoppslagRequest,
    request: Request,
    caller: Reader,
    database: DatabaseDep,
    part: PartQuery = None,
) -> Response:
    """One ``oppslag`` per identifier asked for, in order: a document or a ``feilmelding``."""
    asked = body.foedsels_eller_d_nummer
    if len(asked) > queries.MAX_BULK:
        raise TooManyIdentifiers(
            f"At most {queries.MAX_BULK} identifiers per request; this one has {len(asked)}"
        )
    parts = _checked_parts(part)
    valid = _valid_idents(asked)
    with database.read_session() as session:
        documents = queries.get_documents(
            session, idents=list(dict.fromkeys(valid.values())), parts=parts
        )
    answer = _json({"oppslag": _oppslag(asked, valid, documents)})
    found = [ident for ident, document in documents.items() if document is not None]
    if found:
        record_release(request, caller, *_releases(found, parts))
    return answer


def _feed_etag(seq: int, entries: Sequence[dict[str, Any]]) -> str:
    if not entries:
        return f'"frg-{seq}-tom"'
    return f'"frg-{entries[0]["sekvensnummer"]}-{entries[-1]["sekvensnummer"]}"'


def _etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in candidates or etag in candidates


@router.get(
    "/hendelser/feed",
    dependencies=[access(SCOPE)],
    summary="The event feed (hendelsesliste) from a sequence number",
    responses={
        200: {"model": list[LagretHendelse], "description": "Events; ETag names the range"},
        304: {"description": "Not modified: the If-None-Match ETag is still current"},
        **READ_RESPONSES,
    },
)
def hendelser_feed(
    request: Request,
    database: DatabaseDep,
    seq: Annotated[
        int, Query(ge=0, le=MAX_BIGINT, description="First sequence number (inclusive)")
    ] = 1,
    antall: Annotated[int, Query(ge=1, le=queries.FEED_PAGE, description="Page size")] = (
        queries.FEED_PAGE
    ),
) -> Response:
    """Events with ``sekvensnummer >= seq`` in order; numbers may have gaps, never reorder."""
    with database.read_session() as session:
        entries = queries.feed(session, seq=seq, limit=antall)
    etag = _feed_etag(seq, entries)
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag})
    return _json(entries, headers={"ETag": etag})


@router.get(
    "/hendelser/siste/sekvensnummer",
    dependencies=[access(SCOPE)],
    summary="The sequence number of the newest event",
    responses={200: {"model": Sekvensnummer}, **READ_RESPONSES},
)
def siste_sekvensnummer(database: DatabaseDep) -> Response:
    """``{"sekvensnummer": n}``; 0 when there are no events yet."""
    with database.read_session() as session:
        return _json({"sekvensnummer": queries.last_sequence_number(session)})


# ------------------------------------------------------------------------------------------
# Writing (for test teams; see the module docstring)
# ------------------------------------------------------------------------------------------


class _Registrering(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class FoedselRequest(_Registrering):
    """A birth in Norway, as the hospital reports it."""

    mor: PersonIdStr
    far_eller_medmor: PersonIdStr | None = None
    medmor: bool = Field(False, description="The other parent is medmor rather than far")
    foedselsdato: date
    kjoenn: Literal["kvinne", "mann"]
    fornavn: str
    mellomnavn: str | None = None
    etternavn: str | None = Field(None, description="Default: the mother's etternavn")
    foedekommune_i_norge: str | None = Field(None, description="Default: the mother's kommune")


class DoedsfallRequest(_Registrering):
    foedsels_eller_d_nummer: PersonIdStr
    doedsdato: date


AdresseId = Annotated[int, Field(ge=1, le=MAX_BIGINT)]


class FlyttingRequest(_Registrering):
    foedsels_eller_d_nummer: PersonIdStr
    adresse_identifikator_fra_matrikkelen: AdresseId
    flyttedato: date
    bruksenhetsnummer: str | None = None


class EkteskapRequest(_Registrering):
    person1: PersonIdStr
    person2: PersonIdStr
    sivilstandsdato: date
    partnerskap: bool = Field(
        False, description="Registered partnership; only before 2009-01-01 (since then: marriage)"
    )


class SkilsmisseRequest(_Registrering):
    person1: PersonIdStr
    person2: PersonIdStr
    sivilstandsdato: date


class InnflyttingRequest(_Registrering):
    """A newcomer: a fødselsnummer (bosatt, needs an address) or a D-nummer (midlertidig)."""

    fornavn: str
    mellomnavn: str | None = None
    etternavn: str
    foedselsdato: date
    kjoenn: Literal["kvinne", "mann"]
    statsborgerskap: list[str] = Field(min_length=1, examples=[["SWE"]])
    fraflyttingsland: str
    innflyttingsdato: date
    adresse_identifikator_fra_matrikkelen: AdresseId | None = None
    bruksenhetsnummer: str | None = None
    d_nummer: bool = False
    foedeland: str | None = Field(None, description="Default: the first statsborgerskap")


class UtflyttingRequest(_Registrering):
    foedsels_eller_d_nummer: PersonIdStr
    tilflyttingsland: str
    utflyttingsdato: date


class NavneendringRequest(_Registrering):
    foedsels_eller_d_nummer: PersonIdStr
    fornavn: str
    mellomnavn: str | None = None
    etternavn: str
    gyldig_fra_og_med: date


class AdressebeskyttelseRequest(_Registrering):
    foedsels_eller_d_nummer: PersonIdStr
    graderingsnivaa: Literal["ugradert", "klientadresse", "fortrolig", "strengtFortrolig"]


WRITE_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: PROBLEM | {"description": "No or invalid bearer token"},
    404: PROBLEM | {"description": "A person named in the request is not registered"},
    409: PROBLEM | {"description": "The register's current state does not allow this"},
    422: PROBLEM | {"description": "Invalid input; nothing was written"},
}
_ONE: Final = {201: {"model": Folkeregisterperson}, **WRITE_RESPONSES}
_TWO: Final = {201: {"model": RegistrertePersoner}, **WRITE_RESPONSES}


def _register(
    database: Database, command: Callable[[UnitOfWork], Person | tuple[Person, ...]]
) -> dict[str, Any]:
    """Run one command, commit, and return the changed documents (kernel ``run_command``:
    two births on one date racing for a fødselsnummer, or two changes of one person, the
    loser runs again on the new state)."""

    def documents(session: Session, changed: Person | tuple[Person, ...]) -> dict[str, Any]:
        people = changed if isinstance(changed, tuple) else (changed,)
        found = [queries.get_document(session, ident=p.ident) for p in people]
        return found[0] if len(found) == 1 else {"personer": found}

    return run_command(database, command, documents)


@registreringer.post(
    "/registreringer/foedsel", status_code=201, responses=_ONE, summary="Register a birth"
)
def registrer_foedsel(body: FoedselRequest, database: DatabaseDep) -> Response:
    """Register a birth (in the real register: reported by the hospital)."""
    document = _register(
        database,
        lambda uow: operations.register_birth(
            uow,
            mor=body.mor,
            far_eller_medmor=body.far_eller_medmor,
            medmor=body.medmor,
            foedselsdato=body.foedselsdato,
            kjoenn=body.kjoenn,
            fornavn=body.fornavn,
            mellomnavn=body.mellomnavn,
            etternavn=body.etternavn,
            foedekommune=body.foedekommune_i_norge,
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/doedsfall", status_code=201, responses=_ONE, summary="Register a death"
)
def registrer_doedsfall(body: DoedsfallRequest, database: DatabaseDep) -> Response:
    """Register a death (in the real register: reported by the doctor and the court)."""
    document = _register(
        database,
        lambda uow: operations.register_death(
            uow, ident=body.foedsels_eller_d_nummer, doedsdato=body.doedsdato
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/flytting", status_code=201, responses=_ONE, summary="Register a move"
)
def registrer_flytting(body: FlyttingRequest, database: DatabaseDep) -> Response:
    """Register a move within Norway (in the real register: the person's flyttemelding)."""
    document = _register(
        database,
        lambda uow: operations.register_move(
            uow,
            ident=body.foedsels_eller_d_nummer,
            adresse_id=body.adresse_identifikator_fra_matrikkelen,
            flyttedato=body.flyttedato,
            bruksenhetsnummer=body.bruksenhetsnummer,
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/ekteskap", status_code=201, responses=_TWO, summary="Register a marriage"
)
def registrer_ekteskap(body: EkteskapRequest, database: DatabaseDep) -> Response:
    """Register a marriage (in the real register: reported by the vigsler)."""
    documents = _register(
        database,
        lambda uow: operations.register_marriage(
            uow,
            ident_a=body.person1,
            ident_b=body.person2,
            dato=body.sivilstandsdato,
            partnerskap=body.partnerskap,
        ),
    )
    return _json(documents, status_code=201)


@registreringer.post(
    "/registreringer/skilsmisse", status_code=201, responses=_TWO, summary="Register a divorce"
)
def registrer_skilsmisse(body: SkilsmisseRequest, database: DatabaseDep) -> Response:
    """Register a divorce (in the real register: reported by Statsforvalteren or a court)."""
    documents = _register(
        database,
        lambda uow: operations.register_divorce(
            uow, ident_a=body.person1, ident_b=body.person2, dato=body.sivilstandsdato
        ),
    )
    return _json(documents, status_code=201)


@registreringer.post(
    "/registreringer/innflytting", status_code=201, responses=_ONE, summary="Register immigration"
)
def registrer_innflytting(body: InnflyttingRequest, database: DatabaseDep) -> Response:
    """Register a newcomer (in the real register: after UDI and the police)."""
    document = _register(
        database,
        lambda uow: operations.register_immigration(
            uow,
            fornavn=body.fornavn,
            mellomnavn=body.mellomnavn,
            etternavn=body.etternavn,
            foedselsdato=body.foedselsdato,
            kjoenn=body.kjoenn,
            statsborgerskap=body.statsborgerskap,
            fraflyttingsland=body.fraflyttingsland,
            innflyttingsdato=body.innflyttingsdato,
            adresse_id=body.adresse_identifikator_fra_matrikkelen,
            bruksenhetsnummer=body.bruksenhetsnummer,
            d_nummer=body.d_nummer,
            foedeland=body.foedeland,
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/utflytting", status_code=201, responses=_ONE, summary="Register emigration"
)
def registrer_utflytting(body: UtflyttingRequest, database: DatabaseDep) -> Response:
    """Register an emigration (in the real register: the person's utflyttingsmelding)."""
    document = _register(
        database,
        lambda uow: operations.register_emigration(
            uow,
            ident=body.foedsels_eller_d_nummer,
            tilflyttingsland=body.tilflyttingsland,
            utflyttingsdato=body.utflyttingsdato,
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/navneendring", status_code=201, responses=_ONE, summary="Register a new name"
)
def registrer_navneendring(body: NavneendringRequest, database: DatabaseDep) -> Response:
    """Register a name change (in the real register: decided by Skatteetaten)."""
    document = _register(
        database,
        lambda uow: operations.change_name(
            uow,
            ident=body.foedsels_eller_d_nummer,
            fornavn=body.fornavn,
            mellomnavn=body.mellomnavn,
            etternavn=body.etternavn,
            gyldig_fra=body.gyldig_fra_og_med,
        ),
    )
    return _json(document, status_code=201)


@registreringer.post(
    "/registreringer/adressebeskyttelse",
    status_code=201,
    responses=_ONE,
    summary="Set address protection",
)
def registrer_adressebeskyttelse(
    body: AdressebeskyttelseRequest, database: DatabaseDep
) -> Response:
    """Set adressebeskyttelse (in the real register: decided by the police)."""
    document = _register(
        database,
        lambda uow: operations.set_address_protection(
            uow, ident=body.foedsels_eller_d_nummer, gradering=body.graderingsnivaa
        ),
    )
    return _json(document, status_code=201)


# Included last: including copies the routes defined so far.
router.include_router(registreringer)
