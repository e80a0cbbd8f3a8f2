"""HTTP API of KRR: Digdir's lookup service, plus felles' write endpoints for test teams.

Lookup (the real interface, https://kontaktregisteret.no/rest/v1/personer):
``POST /kontaktregisteret/rest/v1/personer`` with ``{"personidentifikatorer": [1..1000]}``
answers ``{"personer": [...]}``, one entry per distinct identifier in the order asked. People
without a registration get an entry with status IKKE_REGISTRERT (as the v1 API does; v2's
``inkluderIkkeRegistrerte`` is not mirrored). Fields without a value are left out, as the
real API does: ``reservasjon`` is only present for AKTIV registrations (Digdir's test users
show none for SLETTET), ``reservasjonstidspunkt`` only when reserved.

What a caller sees depends on its scopes, as with Maskinporten tokens:
``krr:global/kontaktinformasjon.read`` adds kontaktinformasjon, varslingsstatus and spraak;
``krr:global/digitalpost.read`` adds digital_post. Status and reservation are always given.
The operator's token is granted both scopes (``granted_scopes``). What a token caller is given
about the people KRR has a registration for is written to the access log (dataset
``krr.kontakt``, one entry per scope used with the fields it opened) before the answer goes
out (``felles.kernel.web.record_release``).

Test-data endpoints (felles additions, not in the real KRR, admin token): under
``/kontaktregisteret/rest/v1/personer/{personidentifikator}/...`` they do what a person does
in the self-service (contact details, confirmation, reservation, digital mailbox, deletion).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Forbidden, TooManyIdentifiers
from felles.kernel.ids import OrgnrStr, PersonIdStr
from felles.kernel.web import (
    ACCESS_RESPONSES,
    RELEASE_RESPONSES,
    AdminOnly,
    Caller,
    DatabaseDep,
    Release,
    problem_doc,
    record_release,
    require_access,
)
from felles.registries.krr import operations, queries
from felles.registries.krr.model import KontaktInfo

SCOPE_KONTAKTINFORMASJON: Final = "krr:global/kontaktinformasjon.read"
SCOPE_DIGITALPOST: Final = "krr:global/digitalpost.read"
MAX_PERSONIDENTIFIKATORER = 1000

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}
NOT_REGISTERED: Final[Responses] = {404: problem_doc("The person is not registered in KRR")}

PREFIX = "/kontaktregisteret/rest/v1"
router = APIRouter(prefix=PREFIX)
testdata = APIRouter(
    prefix="/personer/{personidentifikator}",  # inside ``router``, so under PREFIX
    tags=["kontaktregisteret: testdata (felles addition)"],
    dependencies=[AdminOnly],
    responses=UNAUTHORIZED,
)


def _conflict(description: str) -> Responses:
    return {409: problem_doc(description)}


#: The lookup's guard (any valid token; ``granted_scopes`` checks the KRR scopes), one callable
#: so that FastAPI runs it once per request.
_token = require_access()
TokenCaller = Annotated[Caller, Depends(_token)]


def granted_scopes(caller: TokenCaller) -> frozenset[str]:
    """The caller's KRR scopes: both for the operator, else those its access token holds.

    A token with neither KRR scope is refused (403), as Digdir's lookup service does.
    """
    if caller.operator:
        return frozenset({SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST})
    scopes = caller.scopes & {SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST}
    if not scopes:
        raise Forbidden(
            f"The access token has neither {SCOPE_KONTAKTINFORMASJON} nor {SCOPE_DIGITALPOST}"
        )
    return scopes


Scopes = Annotated[frozenset[str], Depends(granted_scopes)]

DATASET: Final = "krr.kontakt"
#: The fields of ``krr.kontakt`` (``felles.access.datasets``) each scope opens, for the access
#: log; reservation (and status) come with either scope and are logged with the first.
SCOPE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    SCOPE_KONTAKTINFORMASJON: ("reservasjon", "epostadresse", "mobiltelefonnummer", "spraak"),
    SCOPE_DIGITALPOST: ("reservasjon", "digitalPostkasse"),
}


def _releases(subjects: list[str], scopes: frozenset[str]) -> list[Release]:
    """One release per scope used, with the fields it opened (reservasjon logged once)."""
    releases: list[Release] = []
    logged: set[str] = set()
    for scope in (SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST):
        if scope in scopes:
            fields = [f for f in SCOPE_FIELDS[scope] if f not in logged]
            logged.update(fields)
            releases.append(Release(DATASET, scope, subjects, fields))
    return releases


# ---------------------------------------------------------------------------- models


class Kontaktinformasjon(BaseModel):
    epostadresse: str | None = None
    epostadresse_oppdatert: datetime | None = None
    epostadresse_sist_verifisert: datetime | None = None
    mobiltelefonnummer: str | None = None
    mobiltelefonnummer_oppdatert: datetime | None = None
    mobiltelefonnummer_sist_verifisert: datetime | None = None


class DigitalPost(BaseModel):
    postkasseadresse: str
    postkasseleverandoeradresse: str = Field(description="The mailbox provider's orgnr")


class Person(BaseModel):
    """One person as KRR's lookup service returns it; absent fields have no value."""

    personidentifikator: str
    reservasjon: Literal["JA", "NEI"] | None = None
    reservasjonstidspunkt: datetime | None = None
    status: queries.Status
    varslingsstatus: queries.Varslingsstatus | None = None
    kontaktinformasjon: Kontaktinformasjon | None = None
    digital_post: DigitalPost | None = None
    spraak: str | None = None
    spraak_oppdatert: datetime | None = None


class Personer(BaseModel):
    personer: list[Person]


class PersonerForespoersel(BaseModel):
    personidentifikatorer: list[PersonIdStr] = Field(
        min_length=1, description=f"1 to {MAX_PERSONIDENTIFIKATORER} fødselsnummer or D-nummer"
    )


class NyKontaktinformasjon(BaseModel):
    """Contact details to set; a field left out (or null) keeps its current value."""

    model_config = ConfigDict(extra="forbid")

    epostadresse: str | None = Field(default=None, examples=["ola.nordmann@example.no"])
    mobiltelefonnummer: str | None = Field(default=None, examples=["+4791234567"])
    spraak: Literal["nb", "nn", "en", "se"] | None = None


class NyDigitalPost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    postkasseadresse: str = Field(min_length=1, max_length=100, examples=["ola.nordmann#9YDT"])
    postkasseleverandoeradresse: OrgnrStr = Field(
        description="Digipost 984661185 or e-Boks 922020175", examples=[operations.DIGIPOST]
    )


# ------------------------------------------------------------------------ the view


def _kontaktinformasjon(row: KontaktInfo) -> Kontaktinformasjon | None:
    if row.epostadresse is None and row.mobiltelefonnummer is None:
        return None
    return Kontaktinformasjon(
        epostadresse=row.epostadresse,
        epostadresse_oppdatert=queries.as_utc(row.epostadresse_oppdatert),
        epostadresse_sist_verifisert=queries.as_utc(row.epostadresse_sist_verifisert),
        mobiltelefonnummer=row.mobiltelefonnummer,
        mobiltelefonnummer_oppdatert=queries.as_utc(row.mobiltelefonnummer_oppdatert),
        mobiltelefonnummer_sist_verifisert=queries.as_utc(row.mobiltelefonnummer_sist_verifisert),
    )


def _digital_post(row: KontaktInfo) -> DigitalPost | None:
    if row.postkasseadresse is None or row.postkasseleverandoeradresse is None:
        return None
    return DigitalPost(
        postkasseadresse=row.postkasseadresse,
        postkasseleverandoeradresse=row.postkasseleverandoeradresse,
    )


def to_person(
    personidentifikator: str, row: KontaktInfo | None, *, now: datetime, scopes: frozenset[str]
) -> Person:
    """The lookup answer for one person, limited to what the scopes allow."""
    status = queries.status_of(row)
    person = Person(personidentifikator=personidentifikator, status=status)
    if SCOPE_KONTAKTINFORMASJON in scopes:
        person.varslingsstatus = queries.varslingsstatus(row, now=now)
    if row is None or status != queries.AKTIV:
        return person
    person.reservasjon = "JA" if row.reservasjon else "NEI"
    person.reservasjonstidspunkt = queries.as_utc(row.reservasjonstidspunkt)
    if SCOPE_KONTAKTINFORMASJON in scopes:
        person.kontaktinformasjon = _kontaktinformasjon(row)
        person.spraak = row.spraak
        person.spraak_oppdatert = queries.as_utc(row.spraak_oppdatert)
    if SCOPE_DIGITALPOST in scopes:
        person.digital_post = _digital_post(row)
    return person


# ---------------------------------------------------------------------------- lookup


@router.post(
    "/personer",
    tags=["kontaktregisteret (KRR)"],
    response_model=Personer,
    response_model_exclude_none=True,
    summary="Look up 1-1000 people (Digdir's Oppslagstjenesten; token required)",
    responses={
        413: problem_doc("More than 1000 personidentifikatorer"),
        **ACCESS_RESPONSES,
        **RELEASE_RESPONSES,
    },
)
def hent_personer(
    database: DatabaseDep,
    request: Request,
    caller: TokenCaller,
    scopes: Scopes,
    body: PersonerForespoersel,
) -> Personer:
    """Contact details, reservation and digital mailbox for up to 1000 people."""
    if len(body.personidentifikatorer) > MAX_PERSONIDENTIFIKATORER:
        raise TooManyIdentifiers(
            f"at most {MAX_PERSONIDENTIFIKATORER} personidentifikatorer per request, "
            f"got {len(body.personidentifikatorer)}"
        )
    wanted = list(dict.fromkeys(body.personidentifikatorer))
    now = get_clock().now()
    with database.read_session() as session:
        rows = queries.get_registrations(session, personidentifikatorer=wanted)
        # Built inside the session: leaving it expires the rows.
        answer = Personer(
            personer=[to_person(p, rows.get(p), now=now, scopes=scopes) for p in wanted]
        )
    # Logged: the people KRR has a registration for (not those answered IKKE_REGISTRERT).
    found = [p for p in wanted if rows.get(p) is not None]
    if found:
        record_release(request, caller, *_releases(found, scopes))
    return answer


# -------------------------------------------------------------- test data (felles)


def _all_scopes() -> frozenset[str]:
    return frozenset({SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST})


def _answer(uow: UnitOfWork, row: KontaktInfo) -> Person:
    """Commit the unit of work and show the person as a fully entitled caller would see it."""
    uow.commit()
    return to_person(row.personidentifikator, row, now=get_clock().now(), scopes=_all_scopes())


@testdata.put(
    "/kontaktinformasjon",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Set e-mail, mobile number and/or language (felles addition)",
)
def put_kontaktinformasjon(
    database: DatabaseDep, personidentifikator: PersonIdStr, body: NyKontaktinformasjon
) -> Person:
    """Create or update the registration; fields left out keep their value."""
    with database.unit_of_work() as uow:
        row = operations.register_contact(
            uow,
            personidentifikator=personidentifikator,
            epostadresse=body.epostadresse,
            mobiltelefonnummer=body.mobiltelefonnummer,
            spraak=body.spraak,
        )
        return _answer(uow, row)


@testdata.post(
    "/kontaktinformasjon/bekreftelse",
    response_model=Person,
    response_model_exclude_none=True,
    summary="The person confirms the contact details (felles addition)",
    responses=NOT_REGISTERED | _conflict("Deleted, or no e-mail address or mobile number"),
)
def post_bekreftelse(database: DatabaseDep, personidentifikator: PersonIdStr) -> Person:
    """Set *_sist_verifisert to now for the registered e-mail and mobile number."""
    with database.unit_of_work() as uow:
        return _answer(uow, operations.verify_contact(uow, personidentifikator=personidentifikator))


@testdata.post(
    "/reservasjon",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Reserve the person against digital communication (felles addition)",
    responses=_conflict("Already reserved"),
)
def post_reservasjon(database: DatabaseDep, personidentifikator: PersonIdStr) -> Person:
    """Reservation JA; registers the person if needed."""
    with database.unit_of_work() as uow:
        return _answer(uow, operations.reserve(uow, personidentifikator=personidentifikator))


@testdata.delete(
    "/reservasjon",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Withdraw the reservation (felles addition)",
    responses=NOT_REGISTERED | _conflict("Deleted, or not reserved"),
)
def delete_reservasjon(database: DatabaseDep, personidentifikator: PersonIdStr) -> Person:
    """Reservation NEI."""
    with database.unit_of_work() as uow:
        return _answer(uow, operations.unreserve(uow, personidentifikator=personidentifikator))


@testdata.put(
    "/digital-post",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Choose a digital mailbox at Digipost or e-Boks (felles addition)",
    responses=NOT_REGISTERED | _conflict("Deleted, or reserved against digital communication"),
)
def put_digital_post(
    database: DatabaseDep, personidentifikator: PersonIdStr, body: NyDigitalPost
) -> Person:
    """Set the mailbox address and provider (refused while the person is reserved)."""
    with database.unit_of_work() as uow:
        row = operations.set_digital_mailbox(
            uow,
            personidentifikator=personidentifikator,
            postkasseadresse=body.postkasseadresse,
            leverandoer_orgnr=body.postkasseleverandoeradresse,
        )
        return _answer(uow, row)


@testdata.delete(
    "/digital-post",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Remove the digital mailbox (felles addition)",
    responses=NOT_REGISTERED | _conflict("Deleted, or no digital mailbox"),
)
def delete_digital_post(database: DatabaseDep, personidentifikator: PersonIdStr) -> Person:
    """Remove the mailbox."""
    with database.unit_of_work() as uow:
        row = operations.remove_digital_mailbox(uow, personidentifikator=personidentifikator)
        return _answer(uow, row)


@testdata.delete(
    "",
    response_model=Person,
    response_model_exclude_none=True,
    summary="Delete the registration: status SLETTET (felles addition)",
    responses=NOT_REGISTERED | _conflict("Already deleted"),
)
def delete_person(database: DatabaseDep, personidentifikator: PersonIdStr) -> Person:
    """Delete the registration and every contact detail."""
    with database.unit_of_work() as uow:
        row = operations.delete_registration(uow, personidentifikator=personidentifikator)
        return _answer(uow, row)


router.include_router(testdata)
