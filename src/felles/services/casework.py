"""What a caseworker does with a task in their agency's queue: take it, decide it, or override
a decided case.

Pure domain operations on a unit of work (the API commits). Each checks, in this order, that
the task or case is the caller's organisation's (404 otherwise, so another agency learns
nothing about it), that the caller's ``versjon`` is current (409: someone changed it since it
was read — NAV Oppgave's optimistic locking) and that the state allows the step (409). The
case's own moves go through ``operations``, so its history (``SakHendelse``, with the
caseworker as actor) and its events are written as for automatic handling.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import select

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, NotFound
from felles.services.declaration import PublicService, get_service
from felles.services.drafting import drafter_for
from felles.services.model import Oppgave, Sak, Vedtak
from felles.services.operations import (
    AVSLAG,
    INNVILGET,
    VedtakDraft,
    caseworker_actor,
    move,
    record_vedtak,
)
from felles.services.states import SakStatus

OUTCOMES: Final = (INNVILGET, AVSLAG)

#: NAV Oppgave's statuses.
OPPRETTET: Final = "OPPRETTET"
UNDER_BEHANDLING: Final = "UNDER_BEHANDLING"
FERDIGSTILT: Final = "FERDIGSTILT"

#: The case states a decision can be overridden from.
DECIDED: Final = frozenset({SakStatus.VEDTATT.value, SakStatus.AVSLAATT.value})


def take(uow: UnitOfWork, oppgave_id: int, *, orgnr: str, ident: str, versjon: int) -> Oppgave:
    """``ident`` takes the task: it is theirs (UNDER_BEHANDLING) and its case is under
    behandling. Taking a task one already holds changes nothing."""
    oppgave = _locked_task(uow, oppgave_id, orgnr=orgnr, versjon=versjon)
    if oppgave.status == UNDER_BEHANDLING and oppgave.tilordnet_ressurs == ident:
        return oppgave
    if oppgave.status == UNDER_BEHANDLING:
        raise Conflict("Another caseworker has the task")
    if oppgave.status != OPPRETTET:
        raise Conflict(f"The task is {oppgave.status} and cannot be taken")
    sak, service = _case_of(uow, oppgave.sak_id)
    move(uow, service, sak, SakStatus.UNDER_BEHANDLING, actor=caseworker_actor(ident, orgnr))
    oppgave.status = UNDER_BEHANDLING
    oppgave.tilordnet_ressurs = ident
    _changed(oppgave)
    return oppgave


def decide(
    uow: UnitOfWork,
    oppgave_id: int,
    *,
    orgnr: str,
    ident: str,
    versjon: int,
    outcome: str,
    reason: str,
) -> Vedtak:
    """The caseworker holding the task decides its case; the service drafts the decision."""
    oppgave = _locked_task(uow, oppgave_id, orgnr=orgnr, versjon=versjon)
    if oppgave.status != UNDER_BEHANDLING or oppgave.tilordnet_ressurs != ident:
        raise Conflict("Only the caseworker who has taken the task decides it")
    sak, service = _case_of(uow, oppgave.sak_id)
    actor = caseworker_actor(ident, orgnr)
    draft = _draft(uow, service, sak, outcome=outcome, reason=reason)
    vedtak = record_vedtak(uow, service, sak, draft, actor=actor, automatic=False, reason=reason)
    oppgave.status = FERDIGSTILT
    oppgave.done_at = _changed(oppgave)
    return vedtak


def override(
    uow: UnitOfWork, sak_id: int, *, orgnr: str, ident: str, outcome: str, reason: str
) -> Vedtak:
    """Override (omgjøre) the decision on a decided case: the case is reopened and decided
    anew with the caseworker's reason; the earlier decision is kept, superseded."""
    sak = uow.session.scalar(
        select(Sak)
        .where(Sak.id == sak_id, Sak.owner_orgnr == orgnr)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if sak is None:
        raise NotFound("No such case in the caller's organisation")
    if sak.status not in DECIDED:
        raise Conflict(f"Only a decided case can be overridden; this one is {sak.status}")
    service = _service(sak)
    actor = caseworker_actor(ident, orgnr)
    move(uow, service, sak, SakStatus.UNDER_BEHANDLING, actor=actor, reason=reason)
    draft = _draft(uow, service, sak, outcome=outcome, reason=reason)
    return record_vedtak(
        uow, service, sak, draft, actor=actor, automatic=False, override_reason=reason
    )


def _locked_task(uow: UnitOfWork, oppgave_id: int, *, orgnr: str, versjon: int) -> Oppgave:
    """The organisation's task, locked for the rest of the transaction (PostgreSQL; SQLite
    has one writer at a time), and only at the version the caller read."""
    oppgave = uow.session.scalar(
        select(Oppgave)
        .where(Oppgave.id == oppgave_id, Oppgave.owner_orgnr == orgnr)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if oppgave is None:
        raise NotFound("No such task in the caller's organisation's queue")
    if oppgave.versjon != versjon:
        raise Conflict(
            "The task has changed since it was read; read it again",
            versjon=oppgave.versjon,
        )
    return oppgave


def _case_of(uow: UnitOfWork, sak_id: int) -> tuple[Sak, PublicService]:
    sak = uow.session.scalar(
        select(Sak)
        .where(Sak.id == sak_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if sak is None:  # a foreign key with ON DELETE CASCADE makes this unreachable
        raise NotFound("The task's case does not exist")
    return sak, _service(sak)


def _service(sak: Sak) -> PublicService:
    service = get_service(sak.service_id)
    if service is None:
        raise Conflict("The case's service is not declared in this installation")
    return service


def _draft(
    uow: UnitOfWork, service: PublicService, sak: Sak, *, outcome: str, reason: str
) -> VedtakDraft:
    """The service's draft of the decision for ``outcome`` (409 if it cannot draft one)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")  # the API admits only OUTCOMES
    drafter = drafter_for(service.id)
    if drafter is None:
        raise Conflict("The case's service does not support decisions by a caseworker")
    draft = drafter(uow, service, sak, outcome=outcome, reason=reason)
    if draft.outcome != outcome:
        raise Conflict("The service drafted a different outcome than the caseworker gave")
    return draft


def _changed(oppgave: Oppgave) -> datetime:
    """Stamp a change: endretTidspunkt and the next versjon."""
    now = get_clock().now()
    oppgave.changed = now
    oppgave.versjon += 1
    return now
