"""The caseworker queue API, under ``/saksbehandling/api/v1`` (decision 0033).

Tasks are shaped as NAV's Oppgave API (navikt/oppgave: ``tema``, ``oppgavetype``, ``status``
OPPRETTET/UNDER_BEHANDLING/FERDIGSTILT, ``tilordnetRessurs``, ``fristFerdigstillelse``,
``versjon`` for optimistic locking, ``antallTreffTotalt``), so agencies' case systems that
speak it recognise it:

- ``GET /oppgaver``, ``GET /oppgaver/{id}``: the caller's organisation's queue, oldest first;
- ``PATCH /oppgaver/{id}``: take a task (``versjon``, ``tilordnetRessurs``, ``status``);
- ``POST /oppgaver/{id}/vedtak``: decide its case (outcome and a written reason; the service
  drafts the rest of the decision);
- ``GET /saker/{id}``, ``GET /saker/{id}/dokumenter/{dokument_id}``: the case with its history,
  decisions and documents; a rendered letter;
- ``POST /saker/{id}/omgjoering``: override a decided case.

Callers: an agency's case system with a Maskinporten token carrying ``felles:saksbehandling``
and, on every change, the caseworker's ident in ``Felles-Saksbehandler`` (the actor in the
case's history). A caller sees its own organisation's tasks and cases only; another's are 404.
The operator's token reads every queue and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from felles.kernel.clock import aware
from felles.kernel.errors import Forbidden, InvalidInput
from felles.kernel.web import (
    ACCESS_RESPONSES,
    MAX_BIGINT,
    MAX_INT,
    Caller,
    DatabaseDep,
    problem_doc,
    require_access,
)
from felles.services import casework, queries
from felles.services.model import Oppgave, SakHendelse, Vedtak

PREFIX: Final = "/saksbehandling/api/v1"
#: The Maskinporten scope an agency's case system needs.
SCOPE: Final = "felles:saksbehandling"
#: A caseworker's ident (NAV-ident style: a letter and six digits).
IDENT_PATTERN: Final = r"^[A-Z][0-9]{6}$"

router = APIRouter(prefix=PREFIX, tags=["saksbehandling"])

Responses = dict[int | str, dict[str, Any]]
READ: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc(f"A person's token, or a machine token without {SCOPE}"),
    422: problem_doc("Invalid input"),
}
WRITE: Final[Responses] = READ | {
    403: problem_doc(f"The operator's or a person's token, or a machine token without {SCOPE}"),
    422: problem_doc("Invalid input or no valid Felles-Saksbehandler; nothing was changed"),
}
TASK_404: Final[Responses] = {404: problem_doc("No such task in the caller's queue")}
CASE_404: Final[Responses] = {404: problem_doc("No such case of the caller's organisation")}
CONFLICT: Final[Responses] = {
    409: problem_doc("Stale versjon, another caseworker's task, or a state that forbids it")
}

OppgaveStatus = Literal["OPPRETTET", "UNDER_BEHANDLING", "FERDIGSTILT"]
Utfall = Literal["innvilget", "avslag"]  # operations.INNVILGET, operations.AVSLAG


# ------------------------------------------------------------------------------------------
# Who calls
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Agency:
    """Whose queue the caller sees: an organisation, or every one (the operator: orgnr None)."""

    orgnr: str | None


def agency_of(caller: Annotated[Caller, Depends(require_access(SCOPE))]) -> Agency:
    if caller.operator:
        return Agency(orgnr=None)
    token = caller.principal
    if getattr(token, "kind", None) != "organisation" or not getattr(token, "orgnr", None):
        raise Forbidden(
            f"Only an agency's system (a Maskinporten token with {SCOPE}) handles cases",
            required=[SCOPE],
        )
    return Agency(orgnr=str(token.orgnr))


AgencyDep = Annotated[Agency, Depends(agency_of)]


@dataclass(frozen=True, slots=True)
class Caseworker:
    orgnr: str
    ident: str


def caseworker_of(
    agency: AgencyDep,
    ident: Annotated[
        str,
        Header(
            alias="Felles-Saksbehandler",
            pattern=IDENT_PATTERN,
            description="The caseworker doing the work (e.g. Z990001); the actor in the history",
        ),
    ],
) -> Caseworker:
    """The caseworker acting in an agency's system (the operator's token changes nothing)."""
    if agency.orgnr is None:
        raise Forbidden("The operator's token reads the queues but does not handle cases")
    return Caseworker(orgnr=agency.orgnr, ident=ident)


CaseworkerDep = Annotated[Caseworker, Depends(caseworker_of)]
OppgaveId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The task's id")]
SakId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The case's id")]
DokumentId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The document's id")]


# ------------------------------------------------------------------------------------------
# Bodies and answers (NAV Oppgave's field names; the case's in the same style)
# ------------------------------------------------------------------------------------------

_VERSJON = Field(ge=1, le=MAX_INT, description="The versjon read; a stale one is 409")


class _Reasoned(BaseModel):
    model_config = ConfigDict(extra="forbid")

    utfall: Utfall
    begrunnelse: str = Field(
        min_length=10,
        max_length=4000,
        description="The caseworker's written reason (kept in the case's history)",
    )

    @field_validator("begrunnelse")
    @classmethod
    def _written(cls, value: str) -> str:
        if len(value.strip()) < 10:
            raise ValueError("the reason must be at least 10 characters besides spaces")
        return value


class OppgavePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    versjon: int = _VERSJON
    tilordnetRessurs: str | None = Field(  # noqa: N815 (NAV's field names)
        default=None,
        pattern=IDENT_PATTERN,
        description="Whom the task goes to: the caseworker in Felles-Saksbehandler",
    )
    status: Literal["UNDER_BEHANDLING"] = Field(description="Taking a task: UNDER_BEHANDLING")


class VedtakIn(_Reasoned):
    versjon: int = _VERSJON


class OmgjoeringIn(_Reasoned):
    pass


class OppgaveOut(BaseModel):
    id: int
    tema: str = Field(examples=["BAR"])
    oppgavetype: str = Field(examples=["BEH_SAK"])
    status: OppgaveStatus
    prioritet: str = "NORM"
    tilordnetRessurs: str | None = None  # noqa: N815
    aktivDato: date  # noqa: N815
    fristFerdigstillelse: date  # noqa: N815
    opprettetTidspunkt: datetime  # noqa: N815
    endretTidspunkt: datetime  # noqa: N815
    ferdigstiltTidspunkt: datetime | None = None  # noqa: N815
    versjon: int
    saksreferanse: str = Field(description="The case's id (GET /saker/{id})")
    sakId: int  # noqa: N815
    tjeneste: str = Field(description="felles: the service the case belongs to")
    aarsaker: list[dict[str, Any]] = Field(
        description="felles: the rule codes that stopped automatic handling, with their texts"
    )


class OppgaveListe(BaseModel):
    antallTreffTotalt: int  # noqa: N815
    oppgaver: list[OppgaveOut]


class HendelseOut(BaseModel):
    tidspunkt: datetime
    fraStatus: str | None = None  # noqa: N815
    tilStatus: str  # noqa: N815
    aktoer: str = Field(examples=["saksbehandler:Z990001@889640782"])
    begrunnelse: str | None = Field(default=None, description="A rule code or written reason")


class VedtakOut(BaseModel):
    id: int
    utfall: Utfall
    periodeFom: date | None = None  # noqa: N815
    periodeTom: date | None = None  # noqa: N815
    beloep: list[dict[str, Any]] = Field(description="Kroner per month, by period")
    forklaring: dict[str, Any] = Field(description="The rule system's explanation")
    dataBrukt: list[dict[str, Any]]  # noqa: N815
    hjemler: list[dict[str, Any]]
    klage: dict[str, Any]
    automatisk: bool
    vedtattAv: str  # noqa: N815
    vedtattTidspunkt: datetime  # noqa: N815
    omgjoeringsbegrunnelse: str | None = None
    erstattetAv: int | None = Field(default=None, description="The decision replacing this")  # noqa: N815


class DokumentOut(BaseModel):
    id: int
    vedtakId: int | None = None  # noqa: N815
    type: str = Field(examples=["vedtaksbrev"])
    spraak: str = Field(examples=["nb"])
    tittel: str
    mediatype: str


class SakOut(BaseModel):
    id: int
    tjeneste: str
    status: str
    subjekt: str = Field(description="Whom the case is about")
    part: str | None = Field(default=None, description="Whom the decision is addressed to")
    eierOrgnr: str  # noqa: N815
    manuellAarsak: str | None = None  # noqa: N815
    opprettetTidspunkt: datetime  # noqa: N815
    endretTidspunkt: datetime  # noqa: N815
    historikk: list[HendelseOut]
    vedtak: VedtakOut | None = Field(default=None, description="The decision in force")
    tidligereVedtak: list[VedtakOut] = Field(description="Superseded decisions, newest first")  # noqa: N815
    dokumenter: list[DokumentOut]


def _task_out(oppgave: Oppgave, service_id: str) -> OppgaveOut:
    return OppgaveOut(
        id=oppgave.id,
        tema=oppgave.tema,
        oppgavetype=oppgave.oppgavetype,
        status=oppgave.status,
        tilordnetRessurs=oppgave.tilordnet_ressurs,
        aktivDato=aware(oppgave.created).date(),
        fristFerdigstillelse=oppgave.frist,
        opprettetTidspunkt=aware(oppgave.created),
        endretTidspunkt=aware(oppgave.changed),
        ferdigstiltTidspunkt=None if oppgave.done_at is None else aware(oppgave.done_at),
        versjon=oppgave.versjon,
        saksreferanse=str(oppgave.sak_id),
        sakId=oppgave.sak_id,
        tjeneste=service_id,
        aarsaker=list(oppgave.reasons),
    )


def _event_out(row: SakHendelse) -> HendelseOut:
    return HendelseOut(
        tidspunkt=aware(row.at),
        fraStatus=row.from_status,
        tilStatus=row.to_status,
        aktoer=row.actor,
        begrunnelse=row.reason,
    )


def _vedtak_out(row: Vedtak) -> VedtakOut:
    return VedtakOut(
        id=row.id,
        utfall=row.outcome,
        periodeFom=row.period_from,
        periodeTom=row.period_to,
        beloep=list(row.amounts),
        forklaring=dict(row.explanation),
        dataBrukt=list(row.data_used),
        hjemler=list(row.legal_references),
        klage=dict(row.klage),
        automatisk=row.automatic,
        vedtattAv=row.decided_by,
        vedtattTidspunkt=aware(row.decided_at),
        omgjoeringsbegrunnelse=row.override_reason,
        erstattetAv=row.superseded_by,
    )


def _case_out(view: queries.CaseView) -> SakOut:
    sak, current = view.sak, view.current
    return SakOut(
        id=sak.id,
        tjeneste=sak.service_id,
        status=sak.status,
        subjekt=sak.subject,
        part=sak.part,
        eierOrgnr=sak.owner_orgnr,
        manuellAarsak=sak.manual_reason,
        opprettetTidspunkt=aware(sak.created),
        endretTidspunkt=aware(sak.updated),
        historikk=[_event_out(row) for row in view.history],
        vedtak=None if current is None else _vedtak_out(current),
        tidligereVedtak=[_vedtak_out(v) for v in view.decisions if v is not current],
        dokumenter=[
            DokumentOut(
                id=d.id,
                vedtakId=d.vedtak_id,
                type=d.kind,
                spraak=d.language,
                tittel=d.title,
                mediatype=d.media_type,
            )
            for d in view.documents
        ],
    )


# ------------------------------------------------------------------------------------------
# Routes
# ------------------------------------------------------------------------------------------


@router.get(
    "/oppgaver",
    response_model=OppgaveListe,
    response_model_exclude_none=True,
    responses=READ,
    summary="The caller's organisation's caseworker queue, oldest first",
)
def list_tasks(
    database: DatabaseDep,
    agency: AgencyDep,
    status: Annotated[OppgaveStatus | None, Query()] = None,
    tema: Annotated[str | None, Query(pattern=r"^[A-Z0-9]{1,10}$", examples=["BAR"])] = None,
    tilordnetRessurs: Annotated[  # noqa: N803 (NAV's parameter names)
        str | None, Query(pattern=IDENT_PATTERN)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> OppgaveListe:
    with database.read_session() as session:
        page = queries.queue(
            session,
            orgnr=agency.orgnr,
            status=status,
            tema=tema,
            tilordnet=tilordnetRessurs,
            limit=limit,
            offset=offset,
        )
        services = queries.service_ids(session, [t.sak_id for t in page.tasks])
        return OppgaveListe(
            antallTreffTotalt=page.total,
            oppgaver=[_task_out(t, services[t.sak_id]) for t in page.tasks],
        )


@router.get(
    "/oppgaver/{id}",
    response_model=OppgaveOut,
    response_model_exclude_none=True,
    responses=READ | TASK_404,
    summary="One task of the caller's queue",
)
def get_task(database: DatabaseDep, agency: AgencyDep, id: OppgaveId) -> OppgaveOut:
    with database.read_session() as session:
        oppgave = queries.task(session, id, orgnr=agency.orgnr)
        return _task_out(oppgave, queries.service_ids(session, [oppgave.sak_id])[oppgave.sak_id])


@router.patch(
    "/oppgaver/{id}",
    response_model=OppgaveOut,
    response_model_exclude_none=True,
    responses=WRITE | TASK_404 | CONFLICT,
    summary="Take a task: it becomes the caseworker's and its case is under behandling",
)
def take_task(
    body: OppgavePatch, database: DatabaseDep, caseworker: CaseworkerDep, id: OppgaveId
) -> OppgaveOut:
    if body.tilordnetRessurs not in (None, caseworker.ident):
        raise InvalidInput("tilordnetRessurs must be the caseworker in Felles-Saksbehandler")
    with database.unit_of_work() as uow:
        oppgave = casework.take(
            uow, id, orgnr=caseworker.orgnr, ident=caseworker.ident, versjon=body.versjon
        )
        uow.commit()
        service_id = queries.service_ids(uow.session, [oppgave.sak_id])[oppgave.sak_id]
        return _task_out(oppgave, service_id)


@router.post(
    "/oppgaver/{id}/vedtak",
    status_code=201,
    response_model=SakOut,
    response_model_exclude_none=True,
    responses=WRITE | TASK_404 | CONFLICT,
    summary="Decide the task's case (the caseworker holding it); the task is done",
)
def decide_task(
    body: VedtakIn,
    response: Response,
    database: DatabaseDep,
    caseworker: CaseworkerDep,
    id: OppgaveId,
) -> SakOut:
    with database.unit_of_work() as uow:
        vedtak = casework.decide(
            uow,
            id,
            orgnr=caseworker.orgnr,
            ident=caseworker.ident,
            versjon=body.versjon,
            outcome=body.utfall,
            reason=body.begrunnelse,
        )
        uow.commit()
        sak_id = vedtak.sak_id
    return _answer_case(database, response, sak_id, caseworker.orgnr)


@router.get(
    "/saker/{id}",
    response_model=SakOut,
    response_model_exclude_none=True,
    responses=READ | CASE_404,
    summary="A case: its state, history, decisions and documents",
)
def get_case(database: DatabaseDep, agency: AgencyDep, id: SakId) -> SakOut:
    with database.read_session() as session:
        return _case_out(queries.case(session, id, orgnr=agency.orgnr))


@router.get(
    "/saker/{id}/dokumenter/{dokument_id}",
    response_class=Response,
    responses=READ
    | {
        200: {"description": "The rendered document", "content": {"text/html": {}}},
        404: problem_doc("No such document on a case of the caller's organisation"),
    },
    summary="A document on a case: the rendered letter",
)
def get_document(
    database: DatabaseDep, agency: AgencyDep, id: SakId, dokument_id: DokumentId
) -> Response:
    with database.read_session() as session:
        dokument = queries.document(session, id, dokument_id, orgnr=agency.orgnr)
        content, media_type = dokument.content, dokument.media_type
    # A letter holds personal data: not cached, and no scripts or fetches when opened.
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=media_type, headers=headers)


@router.post(
    "/saker/{id}/omgjoering",
    status_code=201,
    response_model=SakOut,
    response_model_exclude_none=True,
    responses=WRITE | CASE_404 | CONFLICT,
    summary="Override the decision on a decided case; the earlier one is kept, superseded",
)
def override_case(
    body: OmgjoeringIn,
    response: Response,
    database: DatabaseDep,
    caseworker: CaseworkerDep,
    id: SakId,
) -> SakOut:
    with database.unit_of_work() as uow:
        casework.override(
            uow,
            id,
            orgnr=caseworker.orgnr,
            ident=caseworker.ident,
            outcome=body.utfall,
            reason=body.begrunnelse,
        )
        uow.commit()
    return _answer_case(database, response, id, caseworker.orgnr)


def _answer_case(database: DatabaseDep, response: Response, sak_id: int, orgnr: str) -> SakOut:
    response.headers["Location"] = f"{PREFIX}/saker/{sak_id}"
    with database.read_session() as session:
        return _case_out(queries.case(session, sak_id, orgnr=orgnr))
