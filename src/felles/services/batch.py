"""Case handling for a whole batch of a service's events, set-wise.

A service's batch handler opens and settles hundreds of cases in one transaction. Done one
ORM object at a time (``operations``) that is a flush, a savepoint and several statements
per case — most of a batch's time. Here each step is one statement for the whole batch
(``felles.kernel.setwise``): the cases, their history, the decisions and their letters, the
caseworker tasks. The rows and events are the ones ``operations`` makes (the same value
builders), so a case looks the same whichever path made it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select

from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.setwise import insert_many, insert_new, insert_returning_ids, update_many
from felles.services import events as ev
from felles.services import explanations
from felles.services.declaration import PublicService
from felles.services.model import Dokument, Oppgave, Sak, SakHendelse, Vedtak
from felles.services.operations import (
    INNVILGET,
    VedtakDraft,
    history_values,
    letter_rows,
    oppgave_values,
    system_actor,
    vedtak_values,
)
from felles.services.states import SakStatus

_SAK = cast("Table", Sak.__table__)
_HISTORY = cast("Table", SakHendelse.__table__)
_VEDTAK = cast("Table", Vedtak.__table__)
_DOKUMENT = cast("Table", Dokument.__table__)
_OPPGAVE = cast("Table", Oppgave.__table__)


@dataclass(frozen=True, slots=True)
class NewCase:
    """A case to open. ``settles_as``: the status the batch will settle it in, when known
    already (its row is then written with it, and not updated again)."""

    subject: str
    part: str | None
    trigger_event_id: str | None
    settles_as: SakStatus = SakStatus.UNDER_BEHANDLING
    manual_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """A case this batch opened, and the status its row was written with."""

    id: int
    subject: str
    status: SakStatus = SakStatus.UNDER_BEHANDLING


def reason_codes(reasons: Sequence[Mapping[str, str]]) -> str:
    """The codes of the rules that stopped a case, as the case row and its event carry them."""
    return ",".join(reason["kode"] for reason in reasons)[:100]


def _moved(
    uow: UnitOfWork,
    service: PublicService,
    case: Opened,
    source: SakStatus | None,
    target: SakStatus,
    at: datetime,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """A system move of ``case``: its event emitted, its history row returned (to insert
    with the batch's others)."""
    uow.emit(
        ev.sak_event(
            service_id=service.id,
            sak_id=case.id,
            subject=case.subject,
            status=target.value,
            previous=None if source is None else source.value,
            reason=reason,
        )
    )
    return history_values(case.id, source, target, system_actor(service), reason, at)


def open_cases(
    uow: UnitOfWork, service: PublicService, cases: Sequence[NewCase]
) -> dict[str, Opened]:
    """Open a case for each subject that has none and move it to under_behandling; the cases
    opened, by subject. A subject whose case another worker made first is left out (the
    unique index decides, without failing the batch)."""
    if not cases:
        return {}
    session = uow.session
    now = get_clock().now()
    rows = [
        {
            "service_id": service.id,
            "subject": case.subject,
            "part": case.part,
            "owner_orgnr": service.orgnr,
            "status": case.settles_as.value,
            "manual_reason": case.manual_reason,
            "trigger_event_id": case.trigger_event_id,
            "created": now,
            "updated": now,
        }
        for case in cases
    ]
    inserted = insert_new(
        session, _SAK, rows, conflict=("service_id", "subject"), returning=("id", "subject")
    )
    ids = {str(subject): int(sak_id) for sak_id, subject in inserted}
    # In the order the cases were given (the statement returns them in no particular order).
    opened = {
        c.subject: Opened(ids[c.subject], c.subject, c.settles_as)
        for c in cases
        if c.subject in ids
    }
    history: list[dict[str, Any]] = []
    for case in opened.values():
        history.append(_moved(uow, service, case, None, SakStatus.OPPRETTET, now))
        history.append(
            _moved(uow, service, case, SakStatus.OPPRETTET, SakStatus.UNDER_BEHANDLING, now)
        )
    insert_many(session, _HISTORY, history)
    return opened


def decide_automatically(
    uow: UnitOfWork, service: PublicService, decided: Sequence[tuple[Opened, VedtakDraft]]
) -> None:
    """Record the automation's decision on each opened case (vedtatt or avslaatt)."""
    if not decided:
        return
    session = uow.session
    now = get_clock().now()
    actor = system_actor(service)
    keys = explanations.store(session, [draft.explanation for _, draft in decided])
    ids = insert_returning_ids(
        session,
        _VEDTAK,
        [
            vedtak_values(
                service,
                case.id,
                draft,
                explanation_id=key,
                actor=actor,
                automatic=True,
                override_reason=None,
                at=now,
            )
            for (case, draft), key in zip(decided, keys, strict=True)
        ],
    )
    letters: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    for (case, draft), vedtak_id in zip(decided, ids, strict=True):
        target = SakStatus.VEDTATT if draft.outcome == INNVILGET else SakStatus.AVSLAATT
        letters.extend(letter_rows(case.id, vedtak_id, draft, at=now))
        history.append(_moved(uow, service, case, SakStatus.UNDER_BEHANDLING, target, now))
        if case.status != target:
            statuses.append({"id": case.id, "status": target.value, "updated": now})
        uow.emit(
            ev.vedtak_event(
                service_id=service.id,
                sak_id=case.id,
                vedtak_id=vedtak_id,
                subject=case.subject,
                outcome=draft.outcome,
                omgjort=False,
            )
        )
    insert_many(session, _DOKUMENT, letters)
    insert_many(session, _HISTORY, history)
    update_many(session, _SAK, keys=["id"], rows=statuses)


def send_to_caseworkers(
    uow: UnitOfWork,
    service: PublicService,
    stopped: Sequence[tuple[Opened, Sequence[Mapping[str, str]]]],
) -> None:
    """Send each opened case to the owner's caseworker queue with the rules that stopped it."""
    if not stopped:
        return
    session = uow.session
    now = get_clock().now()
    tasks: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    target = SakStatus.TIL_MANUELL_BEHANDLING
    for case, reasons in stopped:
        codes = reason_codes(reasons)
        tasks.append(oppgave_values(service, case.id, reasons, now))
        history.append(
            _moved(uow, service, case, SakStatus.UNDER_BEHANDLING, target, now, reason=codes)
        )
        if case.status != target:
            statuses.append(
                {"id": case.id, "status": target.value, "manual_reason": codes, "updated": now}
            )
    insert_many(session, _OPPGAVE, tasks)
    insert_many(session, _HISTORY, history)
    update_many(session, _SAK, keys=["id"], rows=statuses)


def existing_subjects(uow: UnitOfWork, service: PublicService, subjects: Sequence[str]) -> set[str]:
    """The subjects among ``subjects`` that have a case of ``service`` already."""
    if not subjects:
        return set()
    query = select(Sak.subject).where(Sak.service_id == service.id, Sak.subject.in_(subjects))
    return set(uow.session.scalars(query))
