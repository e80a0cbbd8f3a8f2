"""Reading the access log: a person's entries ("who has used my data, and why")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from felles.access.log.model import LogEntryRow
from felles.kernel.clock import aware


@dataclass(frozen=True, slots=True)
class Page:
    entries: Sequence[LogEntryRow]
    total: int


def entries_about(
    session: Session,
    *,
    subjekt: str,
    fra: datetime | None = None,
    til: datetime | None = None,
    page: int = 0,
    size: int = 20,
    newest_first: bool = False,
) -> Page:
    """The entries whose data subject is ``subjekt`` (those by people acting for them too),
    oldest first (the API's order) or newest first (Min side's), from ``fra`` (inclusive) to
    ``til`` (exclusive); one page and the total."""
    where = [LogEntryRow.subjekt == subjekt]
    if fra is not None:
        where.append(LogEntryRow.tidspunkt >= fra)
    if til is not None:
        where.append(LogEntryRow.tidspunkt < til)
    total = session.scalar(select(func.count()).select_from(LogEntryRow).where(*where)) or 0
    order = (LogEntryRow.tidspunkt, LogEntryRow.sekvensnummer)
    rows = session.scalars(
        select(LogEntryRow)
        .where(*where)
        .order_by(*(column.desc() for column in order) if newest_first else order)
        .offset(page * size)
        .limit(size)
    ).all()
    return Page(entries=rows, total=int(total))


def first_release_since(
    session: Session,
    *,
    subjekt: str,
    formaal: str,
    datasett: str,
    since: datetime,
    felt: str | None = None,
    konsument: str | None = None,
) -> LogEntryRow | None:
    """The first entry since ``since`` releasing ``datasett`` (its field ``felt``, when
    given) about ``subjekt`` for ``formaal`` (to ``konsument``, when given)."""
    query = select(LogEntryRow).where(
        LogEntryRow.subjekt == subjekt,
        LogEntryRow.tidspunkt >= since,
        LogEntryRow.formaal == formaal,
        LogEntryRow.datasett == datasett,
    )
    if konsument is not None:
        query = query.where(LogEntryRow.konsument == konsument)
    for entry in session.scalars(query.order_by(LogEntryRow.sekvensnummer)):
        # SQLite gives instants back naive: compare them as UTC.
        if aware(entry.tidspunkt) >= aware(since) and (felt is None or felt in entry.felter):
            return entry
    return None
