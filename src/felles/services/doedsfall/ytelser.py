"""NAV stops the deceased's benefits: each of NAV's cases where the deceased is the subject
(a dead child's barnetrygd) or the party paid (a mother's barnetrygd for her child) is closed.

Closing goes through the services' own state machine (``operations.move``): a decided case
(vedtatt or avslått) becomes avsluttet, with a history row whose actor is this service and an
event ``no.felles.sak.avsluttet`` whose reason code is ``DOEDSFALL`` — that history is the
record of what was stopped (``stopped``). A case still being handled (under behandling, or with
a caseworker) cannot be closed from the state machine; it is left to the caseworker, and the
journey shows NAV as still working until it is settled. Nothing is read about anyone: the
event says who died, and the cases are NAV's own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.services import operations as ops
from felles.services.declaration import get_service
from felles.services.doedsfall import GRAVFERD, NAV_ORGNR, SKIFTE, STANS
from felles.services.model import Sak, SakHendelse
from felles.services.states import SakStatus

log = logging.getLogger(__name__)

REASON_CODE: Final = "DOEDSFALL"
REASON: Final = "Stanset fordi den avdøde er registrert død i Folkeregisteret"
_OWN: Final = frozenset({SKIFTE.id, STANS.id, GRAVFERD.id})
_CLOSABLE: Final = frozenset({SakStatus.VEDTATT.value, SakStatus.AVSLAATT.value})


def benefit_cases(session: Session, deceased: Sequence[str]) -> list[Sak]:
    """NAV's benefit cases about or paid to any of ``deceased``, oldest first."""
    if not deceased:
        return []
    query = (
        select(Sak)
        .where(
            or_(Sak.subject.in_(deceased), Sak.part.in_(deceased)),
            Sak.owner_orgnr == NAV_ORGNR,
            Sak.service_id.not_in(sorted(_OWN)),
        )
        .order_by(Sak.id)
    )
    return list(session.scalars(query))


def stopped(session: Session, deceased: str) -> list[Sak]:
    """The cases this service closed because ``deceased`` died (the record of the stop)."""
    cases = benefit_cases(session, [deceased])
    if not cases:
        return []
    closed_here = set(
        session.scalars(
            select(SakHendelse.sak_id).where(
                SakHendelse.sak_id.in_([sak.id for sak in cases]),
                SakHendelse.actor == ops.system_actor(STANS),
                SakHendelse.to_status == SakStatus.AVSLUTTET.value,
            )
        )
    )
    return [sak for sak in cases if sak.id in closed_here]


def handle_deaths(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: close the decided benefit cases of everyone who died."""
    deceased = list(dict.fromkeys(e.subject for e in events if e.subject))
    closed = left = 0
    for sak in benefit_cases(uow.session, deceased):
        if sak.status not in _CLOSABLE:
            left += sak.status != SakStatus.AVSLUTTET.value
            continue
        service = get_service(sak.service_id)
        if service is None:  # a service no longer declared: its caseworkers close it
            left += 1
            continue
        ops.move(
            uow,
            service,
            sak,
            SakStatus.AVSLUTTET,
            actor=ops.system_actor(STANS),
            reason=REASON,
            event_reason=REASON_CODE,
        )
        closed += 1
    uow.session.flush()
    log.info("benefits at death: %d cases closed, %d left to caseworkers", closed, left)
