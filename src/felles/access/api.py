"""HTTP API of the access block: consent requests, fullmakter, the decision point, hjemler.

Consent follows Altinn 3's consent API (https://docs.altinn.studio/authorization/guides/
system-vendor/consent/request/ and Altinn's access-management source):

* ``POST /accessmanagement/api/v1/enterprise/consentrequests`` — the consumer asks
  (``id``, ``from``/``to`` as Altinn party URNs, ``validTo``, ``consentRights`` with
  ``action``/``resource``/``metaData``, ``requestMessage`` per language, ``redirectUrl``);
* ``GET /accessmanagement/api/v1/enterprise/consentrequests/{consentRequestId}`` — its status,
  with ``consentRequestEvents``;
* ``GET /accessmanagement/api/v1/enduser/consent/request/{requestId}`` and ``POST .../accept``,
  ``.../reject``, ``.../revoke`` — the person's side (Altinn's end-user controller).

felles's reading of Altinn's shape: a right's ``resource`` values name datasets or fields
(type ``urn:felles:data``), and ``metaData.formaal`` is the purpose; ``status`` is added to the
response. Fullmakter (``/access/api/v1/fullmakter``), the decision point
(``POST /access/api/v1/decisions``) and the hjemler register (``GET /access/api/v1/hjemler``)
are felles additions.

Until identity is wired in, every endpoint needs the operator's bearer token and acts as the
operator; the operations already take the acting principal.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import APIRouter, Depends, Path
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session

from felles.access import operations, queries
from felles.access.datasets import AREAS
from felles.access.decide import decide
from felles.access.decision import (
    OPERATOR,
    Decision,
    MachinePrincipal,
    PersonPrincipal,
)
from felles.access.legal_bases import ACR_LEVELS, get_hjemler
from felles.access.model import Fullmakt as FullmaktRow
from felles.access.model import Samtykke
from felles.access.operations import Actor
from felles.kernel.db import Database, run_command
from felles.kernel.errors import Forbidden, InvalidInput
from felles.kernel.ids import PersonIdStr
from felles.kernel.web import (
    MAX_BIGINT,
    AdminOnly,
    Caller,
    DatabaseDep,
    problem_doc,
    require_access,
)

T = TypeVar("T")

# Fail at start, not at the first request, when the register is invalid.
get_hjemler()

ENTERPRISE: Final = "/accessmanagement/api/v1/enterprise/consentrequests"
ENDUSER: Final = "/accessmanagement/api/v1/enduser/consent/request"
ACCESS: Final = "/access/api/v1"
DATA_URN: Final = "urn:felles:data"

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}
READ: Final[Responses] = UNAUTHORIZED | {
    403: problem_doc("The principal may not see this"),
    404: problem_doc("Not registered"),
    422: problem_doc("Invalid input; nothing was read"),
}
WRITE: Final[Responses] = UNAUTHORIZED | {
    403: problem_doc("The principal may not do this"),
    404: problem_doc("A person, organisation, consent or fullmakt named is not registered"),
    409: problem_doc("The current state does not allow this; nothing was written"),
    422: problem_doc("Invalid input; nothing was written"),
}
DECIDE: Final[Responses] = UNAUTHORIZED | {422: problem_doc("Invalid input")}

router = APIRouter()


def _actor(caller: Annotated[Caller, Depends(require_access())]) -> Actor:
    """Who acts: the operator, a person logged in (ID-porten) or an organisation's system
    (Maskinporten), from the caller's bearer token; the operations decide what each may do."""
    if caller.operator:
        return OPERATOR
    principal = caller.principal
    if principal.kind == "person":
        return PersonPrincipal(pid=principal.pid, acr=principal.acr or "")
    return MachinePrincipal(orgnr=principal.orgnr, scopes=frozenset(principal.scopes))


ActorDep = Annotated[Actor, Depends(_actor)]


def _may_read(actor: Actor, row: Samtykke) -> None:
    """The operator, the person asked, or the organisation asking may read a consent."""
    if isinstance(actor, PersonPrincipal) and actor.pid == row.fra_ident:
        return
    if isinstance(actor, MachinePrincipal) and actor.orgnr == row.til_orgnr:
        return
    if actor is not OPERATOR:
        raise Forbidden("Only the person asked and the organisation asking see a consent")


def _date_string(value: Any) -> Any:
    if isinstance(value, date | str):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


Dato = Annotated[date, BeforeValidator(_date_string)]
Purpose = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,59}$", examples=["laanesoeknad"])]
DataName = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9.]+$")]


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class _Request(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


# ------------------------------------------------------------------------------------------
# Consent schemas (Altinn 3's shape)
# ------------------------------------------------------------------------------------------


class Resource(_Request):
    type: Literal["urn:felles:data"] = Field(DATA_URN, description="felles: datasets or fields")
    value: DataName = Field(
        description="A dataset or a field, e.g. skatt.skatteoppgjoer.sammendrag"
    )


class MetaData(_Request):
    formaal: Purpose = Field(description="felles: the purpose the data is asked for")


class ConsentRight(_Request):
    action: list[Literal["consent"]] = Field(min_length=1, max_length=1)
    resource: list[Resource] = Field(min_length=1, max_length=50)
    meta_data: MetaData


RequestMessage = dict[
    Literal["nb", "nn", "en"], Annotated[str, Field(min_length=1, max_length=1000)]
]

EXAMPLE_REQUEST: Final[dict[str, Any]] = {
    "id": "77ed8698-e619-4066-9eb4-5c1eb3f165a1",
    "from": "urn:altinn:person:identifier-no:17868549939",
    "to": "urn:altinn:organization:identifier-no:810825472",
    "validTo": "2025-12-31T23:00:00+00:00",
    "consentRights": [
        {
            "action": ["consent"],
            "resource": [{"type": DATA_URN, "value": "skatt.skatteoppgjoer.sammendrag"}],
            "metaData": {"formaal": "laanesoeknad"},
        }
    ],
    "requestMessage": {"nb": "Vi trenger inntekten din for å behandle lånesøknaden."},
    "redirectUrl": "https://bankenmin.no/huslaan?consentId=77ed8698-e619-4066-9eb4-5c1eb3f165a1",
}


class ConsentRequestIn(_Request):
    """A consent request (Altinn 3: POST enterprise/consentrequests)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_REQUEST]})

    id: uuid.UUID | None = Field(None, description="Chosen by the consumer; default: a new UUID")
    from_: str = Field(alias="from", pattern=r"^urn:altinn:person:identifier-no:\d{11}$")
    to: str = Field(pattern=r"^urn:altinn:organization:identifier-no:\d{9}$")
    valid_to: AwareDatetime
    consent_rights: list[ConsentRight] = Field(min_length=1, max_length=20)
    request_message: RequestMessage
    redirect_url: str = Field(min_length=1, max_length=2000)


class ConsentRequestEvent(_Schema):
    consent_event_id: str = Field(alias="consentEventID")
    created: datetime
    performed_by: str
    event_type: str
    consent_request_id: str = Field(alias="consentRequestID")


class ConsentRightOut(_Schema):
    action: list[str]
    resource: list[dict[str, str]]
    meta_data: dict[str, str]


class ConsentRequestDetails(_Schema):
    """A consent request with its history (Altinn 3's ConsentRequestDetails)."""

    id: str
    from_: str = Field(alias="from")
    to: str
    valid_to: datetime
    consent_rights: list[ConsentRightOut]
    request_message: dict[str, str]
    consented: datetime | None
    redirect_url: str
    status: str = Field(
        description="felles addition: created, accepted, rejected, revoked, expired"
    )
    consent_request_events: list[ConsentRequestEvent]
    view_uri: str


def _details(session: Session, row: Samtykke) -> ConsentRequestDetails:
    history = queries.consent_history(session, consent_id=row.id)
    return ConsentRequestDetails(
        id=row.id,
        from_=operations.PERSON_URN + row.fra_ident,
        to=operations.ORGANIZATION_URN + row.til_orgnr,
        valid_to=queries.utc(row.gyldig_til),
        consent_rights=[
            ConsentRightOut(
                action=["consent"],
                resource=[{"type": DATA_URN, "value": name} for name in right["felter"]],
                meta_data={"formaal": right["formaal"]},
            )
            for right in row.rettigheter
        ],
        request_message=row.melding,
        consented=queries.utc(row.samtykket) if row.samtykket else None,
        redirect_url=row.redirect_url,
        status=row.status,
        consent_request_events=[
            ConsentRequestEvent(
                consent_event_id=h.hendelse_id,
                created=queries.utc(h.tidspunkt),
                performed_by=h.utfoert_av,
                event_type=h.hendelsestype,
                consent_request_id=h.samtykke_id,
            )
            for h in history
        ],
        view_uri=f"{ENDUSER}/{row.id}",
    )


ConsentId = Annotated[uuid.UUID, Path(description="The consent request's id")]


@router.post(
    ENTERPRISE,
    tags=["access: samtykke"],
    summary="Request consent from a person (Altinn 3 consent request)",
    status_code=201,
    response_model=ConsentRequestDetails,
    responses=WRITE,
)
def create_consent_request(
    database: DatabaseDep, actor: ActorDep, body: ConsentRequestIn
) -> ConsentRequestDetails:
    """The consumer asks the person for consent to the data and purposes in ``consentRights``."""
    rights = [
        operations.ConsentRight(
            formaal=right.meta_data.formaal, data=[r.value for r in right.resource]
        )
        for right in body.consent_rights
    ]
    return run_command(
        database,
        lambda uow: operations.request_consent(
            uow,
            performed_by=actor,
            fra=body.from_.rsplit(":", 1)[1],
            til=body.to.rsplit(":", 1)[1],
            rettigheter=rights,
            gyldig_til=body.valid_to,
            melding={str(k): v for k, v in body.request_message.items()},
            redirect_url=body.redirect_url,
            consent_id=str(body.id) if body.id else None,
        ),
        _details,
    )


def _read(database: Database, consent_id: uuid.UUID, actor: Actor) -> ConsentRequestDetails:
    with database.read_session() as session:
        row = queries.get_consent_or_raise(session, consent_id=str(consent_id))
        _may_read(actor, row)
        return _details(session, row)


@router.get(
    ENTERPRISE + "/{consentRequestId}",
    tags=["access: samtykke"],
    summary="A consent request's status and history (consumer's view)",
    response_model=ConsentRequestDetails,
    responses=READ,
)
def get_consent_request(
    database: DatabaseDep,
    actor: ActorDep,
    consent_request_id: Annotated[ConsentId, Path(alias="consentRequestId")],
) -> ConsentRequestDetails:
    return _read(database, consent_request_id, actor)


@router.get(
    ENDUSER + "/{requestId}",
    tags=["access: samtykke"],
    summary="A consent request (the person's view)",
    response_model=ConsentRequestDetails,
    responses=READ,
)
def get_enduser_consent_request(
    database: DatabaseDep,
    actor: ActorDep,
    request_id: Annotated[ConsentId, Path(alias="requestId")],
) -> ConsentRequestDetails:
    return _read(database, request_id, actor)


def _answer(kind: str) -> Callable[..., ConsentRequestDetails]:
    command = {
        "accept": operations.accept_consent,
        "reject": operations.reject_consent,
        "revoke": operations.revoke_consent,
    }[kind]

    def handler(
        database: DatabaseDep,
        actor: ActorDep,
        request_id: Annotated[ConsentId, Path(alias="requestId")],
    ) -> ConsentRequestDetails:
        return run_command(
            database,
            lambda uow: command(uow, performed_by=actor, consent_id=str(request_id)),
            _details,
        )

    handler.__name__ = f"{kind}_consent_request"
    return handler


for _kind, _summary in (
    ("accept", "The person accepts a consent request"),
    ("reject", "The person rejects a consent request"),
    ("revoke", "The person revokes an accepted consent"),
):
    router.post(
        ENDUSER + "/{requestId}/" + _kind,
        tags=["access: samtykke"],
        summary=_summary,
        response_model=ConsentRequestDetails,
        responses=WRITE,
    )(_answer(_kind))


# ------------------------------------------------------------------------------------------
# Fullmakt (felles addition)
# ------------------------------------------------------------------------------------------

Omraade = Literal["helse", "skatt", "nav", "personopplysninger", "alt"]
assert set(Omraade.__args__) == set(AREAS)  # type: ignore[attr-defined]


class FullmaktIn(_Request):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fullmaktsgiver": "17868549939",
                    "fullmektig": "03866299815",
                    "omraader": ["nav", "skatt"],
                    "gyldigFra": "2025-06-01",
                    "gyldigTil": "2026-05-31",
                }
            ]
        }
    )

    fullmaktsgiver: PersonIdStr
    fullmektig: PersonIdStr
    omraader: list[Omraade] = Field(min_length=1, max_length=5)
    gyldig_fra: Dato
    gyldig_til: Dato | None = None


class Fullmakt(_Schema):
    fullmakt_id: int
    fullmaktsgiver: str
    fullmektig: str
    omraader: list[str]
    gyldig_fra: date
    gyldig_til: date | None
    opprettet: datetime
    trukket: datetime | None


def _fullmakt(_session: Session, row: FullmaktRow) -> Fullmakt:
    return Fullmakt(
        fullmakt_id=row.id,
        fullmaktsgiver=row.fullmaktsgiver,
        fullmektig=row.fullmektig,
        omraader=row.omraader.split(","),
        gyldig_fra=row.gyldig_fra,
        gyldig_til=row.gyldig_til,
        opprettet=queries.utc(row.opprettet),
        trukket=queries.utc(row.trukket) if row.trukket else None,
    )


FullmaktId = Annotated[int, Path(alias="fullmaktId", ge=1, le=MAX_BIGINT)]


@router.post(
    ACCESS + "/fullmakter",
    tags=["access: fullmakt"],
    summary="A person gives another power to act for them (felles addition)",
    status_code=201,
    response_model=Fullmakt,
    responses=WRITE,
)
def create_fullmakt(database: DatabaseDep, actor: ActorDep, body: FullmaktIn) -> Fullmakt:
    return run_command(
        database,
        lambda uow: operations.grant_fullmakt(
            uow,
            performed_by=actor,
            fullmaktsgiver=body.fullmaktsgiver,
            fullmektig=body.fullmektig,
            omraader=list(body.omraader),
            gyldig_fra=body.gyldig_fra,
            gyldig_til=body.gyldig_til,
        ),
        _fullmakt,
    )


@router.get(
    ACCESS + "/fullmakter/{fullmaktId}",
    tags=["access: fullmakt"],
    summary="A fullmakt (felles addition)",
    response_model=Fullmakt,
    responses=READ,
)
def get_fullmakt(database: DatabaseDep, actor: ActorDep, fullmakt_id: FullmaktId) -> Fullmakt:
    with database.read_session() as session:
        row = queries.get_fullmakt_or_raise(session, fullmakt_id=fullmakt_id)
        people = {row.fullmaktsgiver, row.fullmektig}
        if actor is not OPERATOR and not (
            isinstance(actor, PersonPrincipal) and actor.pid in people
        ):
            raise Forbidden("Only the giver and the holder of a fullmakt see it")
        return _fullmakt(session, row)


@router.post(
    ACCESS + "/fullmakter/{fullmaktId}/revoke",
    tags=["access: fullmakt"],
    summary="Revoke a fullmakt (felles addition)",
    response_model=Fullmakt,
    responses=WRITE,
)
def revoke_fullmakt(database: DatabaseDep, actor: ActorDep, fullmakt_id: FullmaktId) -> Fullmakt:
    return run_command(
        database,
        lambda uow: operations.revoke_fullmakt(uow, performed_by=actor, fullmakt_id=fullmakt_id),
        _fullmakt,
    )


# ------------------------------------------------------------------------------------------
# Decision point and hjemler (felles additions)
# ------------------------------------------------------------------------------------------


class MaskinIn(_Request):
    type: Literal["maskin"]
    orgnr: str = Field(pattern=r"^\d{9}$")
    scopes: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)
    consent_id: uuid.UUID | None = None


class PersonIn(_Request):
    type: Literal["person"]
    pid: str = Field(pattern=r"^\d{11}$")
    acr: Literal["idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high"]


assert set(PersonIn.model_fields["acr"].annotation.__args__) == set(ACR_LEVELS)  # type: ignore[union-attr]


class DecisionIn(_Request):
    principal: Annotated[MaskinIn | PersonIn, Field(discriminator="type")]
    on_behalf_of: str | None = Field(None, pattern=r"^(\d{9}|\d{11})$")
    action: Literal["read"] = "read"
    subject: str = Field(pattern=r"^\d{11}$")
    data: list[DataName] = Field(min_length=1, max_length=200)
    purpose: Purpose
    at: AwareDatetime | None = None
    relatert_til: str | None = Field(None, pattern=r"^\d{11}$")


class SourceOut(_Schema):
    kind: str
    id: str | None
    fields: list[str]


class DecisionOut(_Schema):
    permit: bool
    fields: list[str]
    code: str
    text: str
    sources: list[SourceOut]
    representation: dict[str, Any] | None
    withheld: dict[str, str]


def to_decision_out(decision: Decision) -> DecisionOut:
    representation = decision.representation
    return DecisionOut(
        permit=decision.permit,
        fields=sorted(decision.fields),
        code=decision.code,
        text=decision.text,
        sources=[
            SourceOut(kind=s.kind, id=s.id, fields=sorted(s.fields)) for s in decision.sources
        ],
        representation=(
            {"kind": representation.kind, "refs": list(representation.refs)}
            if representation
            else None
        ),
        withheld=dict(sorted(decision.withheld.items())),
    )


@router.post(
    ACCESS + "/decisions",
    tags=["access: beslutning"],
    summary="Ask the decision point (felles addition; reads only, logs nothing)",
    response_model=DecisionOut,
    responses=DECIDE,
)
def post_decision(
    database: DatabaseDep, _operator: Annotated[None, AdminOnly], body: DecisionIn
) -> DecisionOut:
    given = body.principal
    principal: MachinePrincipal | PersonPrincipal
    if isinstance(given, MaskinIn):
        principal = MachinePrincipal(
            given.orgnr,
            frozenset(given.scopes),
            str(given.consent_id) if given.consent_id else None,
        )
    else:
        principal = PersonPrincipal(given.pid, given.acr)
    if body.at is not None and not 1900 <= body.at.year <= 2200:
        raise InvalidInput("at must lie between the years 1900 and 2200")
    with database.read_session() as session:
        decision = decide(
            session,
            principal,
            body.on_behalf_of,
            body.action,
            body.subject,
            body.data,
            body.purpose,
            at=body.at,
            relatert_til=body.relatert_til,
        )
    return to_decision_out(decision)


class HjemmelOut(_Schema):
    id: str
    beskrivelse: str
    konsument: str
    formaal: str
    lov: str
    lovnavn: str | None
    data: list[str]
    gyldig_fra: date
    gyldig_til: date | None
    subjektrelasjon: str | None
    adressebeskyttelse: list[str]
    sikkerhetsnivaa: str
    scope: str | None


@router.get(
    ACCESS + "/hjemler",
    tags=["access: hjemler"],
    summary="The legal-basis register (felles addition)",
    response_model=list[HjemmelOut],
    responses=UNAUTHORIZED,
)
def list_hjemler(_caller: Annotated[Caller, Depends(require_access())]) -> list[HjemmelOut]:
    return [
        HjemmelOut(
            id=h.id,
            beskrivelse=h.beskrivelse,
            konsument=h.konsument,
            formaal=h.formaal,
            lov=h.lov,
            lovnavn=h.lovnavn,
            data=sorted(h.fields),
            gyldig_fra=h.gyldig_fra,
            gyldig_til=h.gyldig_til,
            subjektrelasjon=h.subjektrelasjon,
            adressebeskyttelse=sorted(h.adressebeskyttelse),
            sikkerhetsnivaa=h.sikkerhetsnivaa,
            scope=h.scope,
        )
        for h in get_hjemler()
    ]
