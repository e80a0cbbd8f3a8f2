"""Case handling: open a case, move it through its states, record a decision, send it to a
caseworker. Every state change writes the case's history and emits an event, in the caller's
unit of work (so a case, its decision and its events commit together or not at all)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict
from felles.services import events as ev
from felles.services import explanations
from felles.services.declaration import PublicService
from felles.services.model import Dokument, Oppgave, Sak, SakHendelse, Vedtak
from felles.services.states import SakStatus, may_move

INNVILGET: Final = "innvilget"
AVSLAG: Final = "avslag"


def system_actor(service: PublicService) -> str:
    return f"system:{service.id}"


def caseworker_actor(nav_ident: str, orgnr: str) -> str:
    return f"saksbehandler:{nav_ident}@{orgnr}"


@dataclass(frozen=True, slots=True)
class Letter:
    """A rendered letter in one language."""

    language: str
    title: str
    html: str


@dataclass(frozen=True, slots=True)
class VedtakDraft:
    """What a decision says, before it is stored."""

    outcome: str  # innvilget | avslag
    period_from: date | None
    period_to: date | None
    amounts: list[dict[str, Any]]
    explanation: dict[str, Any]
    data_used: list[dict[str, Any]]
    legal_references: list[dict[str, Any]]
    letters: Sequence[Letter] = field(default_factory=tuple)


def klage_for(service: PublicService, decided_on: date) -> dict[str, Any]:
    """How to appeal: the deadline (``appeal_weeks`` after the decision) and to whom."""
    return {
        "frist": (decided_on + timedelta(weeks=service.appeal_weeks)).isoformat(),
        "fristUker": service.appeal_weeks,
        "klageinstans": service.owner_name,
        "klageinstansOrgnr": service.orgnr,
        "hjemmel": service.appeal_law.url,
        "hjemmelNavn": service.appeal_law.name,
    }


def open_case(
    uow: UnitOfWork,
    service: PublicService,
    *,
    subject: str,
    part: str | None,
    trigger_event_id: str | None,
) -> Sak | None:
    """Open the service's case for ``subject``; None when it has one already (one per subject).

    The unique index decides a race between two workers; the loser's savepoint is undone.
    """
    session = uow.session
    existing = session.scalar(
        select(Sak.id).where(Sak.service_id == service.id, Sak.subject == subject)
    )
    if existing is not None:
        return None
    now = get_clock().now()
    sak = Sak(
        service_id=service.id,
        subject=subject,
        part=part,
        owner_orgnr=service.orgnr,
        status=SakStatus.OPPRETTET.value,
        trigger_event_id=trigger_event_id,
        created=now,
        updated=now,
    )
    try:
        with session.begin_nested():
            session.add(sak)
            session.flush()
    except IntegrityError:
        return None
    _history(uow, service, sak, None, SakStatus.OPPRETTET, system_actor(service), None, now)
    return sak


def move(
    uow: UnitOfWork,
    service: PublicService,
    sak: Sak,
    target: SakStatus,
    *,
    actor: str,
    reason: str | None = None,
    event_reason: str | None = None,
) -> None:
    """Move ``sak`` to ``target``; 409 when the move is not allowed from its state."""
    source = SakStatus(sak.status)
    if not may_move(source, target):
        raise Conflict(f"A case that is {source.value} cannot become {target.value}")
    now = get_clock().now()
    sak.status = target.value
    sak.updated = now
    _history(uow, service, sak, source, target, actor, reason, now, event_reason=event_reason)


def _history(
    uow: UnitOfWork,
    service: PublicService,
    sak: Sak,
    source: SakStatus | None,
    target: SakStatus,
    actor: str,
    reason: str | None,
    at: datetime,
    *,
    event_reason: str | None = None,
) -> None:
    uow.session.add(SakHendelse(**history_values(sak.id, source, target, actor, reason, at)))
    uow.emit(
        ev.sak_event(
            service_id=service.id,
            sak_id=sak.id,
            subject=sak.subject,
            status=target.value,
            previous=None if source is None else source.value,
            reason=event_reason,
        )
    )


def vedtak_values(
    service: PublicService,
    sak_id: int,
    draft: VedtakDraft,
    *,
    explanation_id: str,
    actor: str,
    automatic: bool,
    override_reason: str | None,
    at: datetime,
) -> dict[str, Any]:
    """A vedtak row's values (shared by ``record_vedtak`` and the set-wise ``batch``)."""
    if draft.outcome not in (INNVILGET, AVSLAG):
        raise ValueError(f"unknown outcome {draft.outcome!r}")
    return {
        "sak_id": sak_id,
        "outcome": draft.outcome,
        "period_from": draft.period_from,
        "period_to": draft.period_to,
        "amounts": draft.amounts,
        "explanation_id": explanation_id,
        "data_used": draft.data_used,
        "legal_references": draft.legal_references,
        "klage": klage_for(service, at.date()),
        "automatic": automatic,
        "decided_by": actor,
        "decided_at": at,
        "override_reason": override_reason,
    }


def letter_rows(
    sak_id: int, vedtak_id: int, draft: VedtakDraft, *, at: datetime
) -> list[dict[str, Any]]:
    """The document rows of a decision's letters."""
    return [
        {
            "sak_id": sak_id,
            "vedtak_id": vedtak_id,
            "kind": "vedtaksbrev",
            "language": letter.language,
            "title": letter.title,
            "media_type": "text/html",
            "content": letter.html,
            "created": at,
        }
        for letter in draft.letters
    ]


def history_values(
    sak_id: int,
    source: SakStatus | None,
    target: SakStatus,
    actor: str,
    reason: str | None,
    at: datetime,
) -> dict[str, Any]:
    """A history row's values (shared by ``move`` and the set-wise ``batch``)."""
    return {
        "sak_id": sak_id,
        "at": at,
        "from_status": None if source is None else source.value,
        "to_status": target.value,
        "actor": actor,
        "reason": reason,
    }


def oppgave_values(
    service: PublicService, sak_id: int, reasons: Sequence[Mapping[str, str]], at: datetime
) -> dict[str, Any]:
    """A caseworker task's values for a case the automation stopped at ``reasons``."""
    return {
        "sak_id": sak_id,
        "owner_orgnr": service.orgnr,
        "tema": service.tema,
        "oppgavetype": "BEH_SAK",
        "reasons": [dict(reason) for reason in reasons],
        "status": "OPPRETTET",
        "frist": at.date() + timedelta(days=service.manual_deadline_days),
        "versjon": 1,
        "created": at,
        "changed": at,
    }


def record_vedtak(
    uow: UnitOfWork,
    service: PublicService,
    sak: Sak,
    draft: VedtakDraft,
    *,
    actor: str,
    automatic: bool,
    reason: str | None = None,
    override_reason: str | None = None,
) -> Vedtak:
    """Store the decision and its letters on ``sak`` (which must be under behandling) and
    move it to vedtatt or avslaatt. A decision already on the case is superseded.

    ``reason`` (a caseworker's written reason) goes on the case's history; an
    ``override_reason`` goes there too and on the vedtak itself."""
    session = uow.session
    now = get_clock().now()
    earlier = session.scalars(
        select(Vedtak).where(Vedtak.sak_id == sak.id, Vedtak.superseded_by.is_(None))
    ).all()
    [explanation_id] = explanations.store(session, [draft.explanation])
    vedtak = Vedtak(
        **vedtak_values(
            service,
            sak.id,
            draft,
            explanation_id=explanation_id,
            actor=actor,
            automatic=automatic,
            override_reason=override_reason,
            at=now,
        )
    )
    session.add(vedtak)
    session.flush()
    for old in earlier:
        old.superseded_by = vedtak.id
    for row in letter_rows(sak.id, vedtak.id, draft, at=now):
        session.add(Dokument(**row))
    target = SakStatus.VEDTATT if draft.outcome == INNVILGET else SakStatus.AVSLAATT
    move(uow, service, sak, target, actor=actor, reason=reason or override_reason)
    uow.emit(
        ev.vedtak_event(
            service_id=service.id,
            sak_id=sak.id,
            vedtak_id=vedtak.id,
            subject=sak.subject,
            outcome=draft.outcome,
            omgjort=bool(earlier),
        )
    )
    return vedtak


def to_manual(
    uow: UnitOfWork,
    service: PublicService,
    sak: Sak,
    reasons: Sequence[Mapping[str, str]],
) -> Oppgave:
    """Send ``sak`` to the owner's caseworker queue with the rule codes that stopped it."""
    now = get_clock().now()
    codes = ",".join(reason["kode"] for reason in reasons)[:100]
    sak.manual_reason = codes
    move(
        uow,
        service,
        sak,
        SakStatus.TIL_MANUELL_BEHANDLING,
        actor=system_actor(service),
        reason=codes,
        event_reason=codes,
    )
    oppgave = Oppgave(**oppgave_values(service, sak.id, reasons, now))
    uow.session.add(oppgave)
    return oppgave
