"""Reads for the caseworker API: an organisation's queue, one task, one case with its history,
decisions and documents, and one rendered document.

``orgnr`` scopes every read to the caller's organisation; None (the operator's token) reads
every organisation's. A row of another organisation is "not found", never "forbidden", so an
agency cannot learn that another's case exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from felles.kernel.errors import NotFound
from felles.services.model import Dokument, Oppgave, Sak, SakHendelse, Vedtak


@dataclass(frozen=True, slots=True)
class QueuePage:
    total: int  # antallTreffTotalt: every task matching, not only this page
    tasks: Sequence[Oppgave]


@dataclass(frozen=True, slots=True)
class DocumentRef:
    id: int
    vedtak_id: int | None
    kind: str
    language: str
    title: str
    media_type: str


@dataclass(frozen=True, slots=True)
class CaseView:
    sak: Sak
    history: Sequence[SakHendelse]
    decisions: Sequence[Vedtak]  # newest first; the current one has superseded_by None
    documents: Sequence[DocumentRef]

    @property
    def current(self) -> Vedtak | None:
        return next((v for v in self.decisions if v.superseded_by is None), None)


_Row = TypeVar("_Row")


def _scoped(statement: Select[_Row], column: Any, orgnr: str | None) -> Select[_Row]:
    return statement if orgnr is None else statement.where(column == orgnr)


def queue(
    session: Session,
    *,
    orgnr: str | None,
    status: str | None = None,
    tema: str | None = None,
    tilordnet: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> QueuePage:
    """The tasks of ``orgnr``'s queue matching the filters, oldest first (the order work is
    taken in), and how many match in all."""
    where = _scoped(select(Oppgave.id), Oppgave.owner_orgnr, orgnr)
    if status is not None:
        where = where.where(Oppgave.status == status)
    if tema is not None:
        where = where.where(Oppgave.tema == tema)
    if tilordnet is not None:
        where = where.where(Oppgave.tilordnet_ressurs == tilordnet)
    ids = where.subquery()
    total = session.scalar(select(func.count()).select_from(ids)) or 0
    tasks = session.scalars(
        select(Oppgave)
        .where(Oppgave.id.in_(select(ids.c.id)))
        .order_by(Oppgave.created, Oppgave.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return QueuePage(total=total, tasks=tasks)


def service_ids(session: Session, sak_ids: Sequence[int]) -> dict[int, str]:
    """The service of each case (a task names its case, not its service)."""
    if not sak_ids:
        return {}
    rows = session.execute(select(Sak.id, Sak.service_id).where(Sak.id.in_(set(sak_ids))))
    return {sak_id: service_id for sak_id, service_id in rows}


def task(session: Session, oppgave_id: int, *, orgnr: str | None) -> Oppgave:
    found = session.scalar(
        _scoped(select(Oppgave).where(Oppgave.id == oppgave_id), Oppgave.owner_orgnr, orgnr)
    )
    if found is None:
        raise NotFound("No such task in the caller's organisation's queue")
    return found


def case(session: Session, sak_id: int, *, orgnr: str | None) -> CaseView:
    sak = session.scalar(_scoped(select(Sak).where(Sak.id == sak_id), Sak.owner_orgnr, orgnr))
    if sak is None:
        raise NotFound("No such case in the caller's organisation")
    history = session.scalars(
        select(SakHendelse).where(SakHendelse.sak_id == sak_id).order_by(SakHendelse.id)
    ).all()
    decisions = session.scalars(
        select(Vedtak).where(Vedtak.sak_id == sak_id).order_by(Vedtak.id.desc())
    ).all()
    documents = [
        DocumentRef(*row)
        for row in session.execute(
            select(
                Dokument.id,
                Dokument.vedtak_id,
                Dokument.kind,
                Dokument.language,
                Dokument.title,
                Dokument.media_type,
            )
            .where(Dokument.sak_id == sak_id)
            .order_by(Dokument.id)
        )
    ]
    return CaseView(sak=sak, history=history, decisions=decisions, documents=documents)


def document(session: Session, sak_id: int, dokument_id: int, *, orgnr: str | None) -> Dokument:
    found = session.scalar(
        _scoped(
            select(Dokument)
            .join(Sak, Sak.id == Dokument.sak_id)
            .where(Dokument.id == dokument_id, Dokument.sak_id == sak_id),
            Sak.owner_orgnr,
            orgnr,
        )
    )
    if found is None:
        raise NotFound("No such document on a case of the caller's organisation")
    return found


def cases_about(session: Session, subject: str) -> dict[str, Sak]:
    """Every service's case about ``subject``, by service id (one case per service and
    subject)."""
    return {
        sak.service_id: sak for sak in session.scalars(select(Sak).where(Sak.subject == subject))
    }


def cases_for_party(session: Session, part: str) -> list[Sak]:
    """The cases whose decision is addressed to ``part`` (søker/mottaker), newest first."""
    return list(session.scalars(select(Sak).where(Sak.part == part).order_by(Sak.id.desc())))


def current_decisions(session: Session, sak_ids: Sequence[int]) -> dict[int, Vedtak]:
    """Each case's decision in force (not superseded by a later one), by case id."""
    if not sak_ids:
        return {}
    rows = session.scalars(
        select(Vedtak)
        .where(Vedtak.sak_id.in_(list(sak_ids)), Vedtak.superseded_by.is_(None))
        .order_by(Vedtak.id)
    )
    return {row.sak_id: row for row in rows}
