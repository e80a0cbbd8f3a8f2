"""What the portal reads for one person: read-only queries over other blocks' tables.

The blocks' own query modules answer an agency's questions (one case by id in its queue, a
consent by id); the person's questions — all my cases, all my consent requests, my
fullmakter, the latest uses of my data — are these, kept here so that no other block's
behaviour changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from felles.access.log.model import LogEntryRow
from felles.access.model import Fullmakt, Samtykke
from felles.services.model import Sak, Vedtak


def cases_for(session: Session, *, part: str) -> Sequence[Sak]:
    """The cases addressed to ``part`` (the decision's recipient), newest first."""
    return session.scalars(select(Sak).where(Sak.part == part).order_by(Sak.id.desc())).all()


def current_decisions(session: Session, *, sak_ids: Sequence[int]) -> dict[int, Vedtak]:
    """Each case's decision in force (not superseded), by case id."""
    if not sak_ids:
        return {}
    rows = session.scalars(
        select(Vedtak)
        .where(Vedtak.sak_id.in_(list(sak_ids)), Vedtak.superseded_by.is_(None))
        .order_by(Vedtak.id)
    ).all()
    return {row.sak_id: row for row in rows}


def consents_from(session: Session, *, subject: str) -> Sequence[Samtykke]:
    """Every consent request asked of ``subject``, newest first."""
    return session.scalars(
        select(Samtykke)
        .where(Samtykke.fra_ident == subject)
        .order_by(Samtykke.opprettet.desc(), Samtykke.id)
    ).all()


def fullmakter_of(session: Session, *, person: str) -> Sequence[Fullmakt]:
    """Every fullmakt the person gave or holds, newest first."""
    return session.scalars(
        select(Fullmakt)
        .where(or_(Fullmakt.fullmaktsgiver == person, Fullmakt.fullmektig == person))
        .order_by(Fullmakt.id.desc())
    ).all()


@dataclass(frozen=True, slots=True)
class LogPage:
    entries: Sequence[LogEntryRow]
    total: int


def latest_uses(session: Session, *, subject: str, page: int = 0, size: int = 25) -> LogPage:
    """The access log's entries about ``subject``, newest first (the person's own view;
    ``felles.access.log.queries.entries_about`` pages oldest first, as the API does)."""
    where = LogEntryRow.subjekt == subject
    total = session.scalar(select(func.count()).select_from(LogEntryRow).where(where)) or 0
    rows = session.scalars(
        select(LogEntryRow)
        .where(where)
        .order_by(LogEntryRow.tidspunkt.desc(), LogEntryRow.sekvensnummer.desc())
        .offset(page * size)
        .limit(size)
    ).all()
    return LogPage(rows, int(total))
