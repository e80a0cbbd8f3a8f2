"""What the moving services share: a move as its event tells it, the municipalities of a
move, and whether an agency has already been told.

The event carries only ids, the day and the municipalities' numbers — and no municipality
at all for a protected address (``operations.register_move``), so a protected move never
reaches a municipal service.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.access.log.model import LogEntryRow
from felles.kernel.clock import aware
from felles.kernel.events import Event
from felles.registries.enhetsregisteret import queries as enhetsregisteret


@dataclass(frozen=True, slots=True)
class Move:
    """One person's move, from its ``endringIBostedsadresse`` event."""

    ident: str
    event_id: str
    registered: datetime  # when Folkeregisteret registered it (the event's time)
    flyttedato: date
    til_kommune: str | None  # None for a protected address
    fra_kommune: str | None  # None for a protected address, or no address before


@dataclass(frozen=True, slots=True)
class Municipality:
    orgnr: str
    navn: str  # as people write it: "Bergen kommune"


def _text(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def move_of(event: Event) -> Move | None:
    """The move ``event`` tells of (None without a subject)."""
    if not event.subject:
        return None
    data = event.data or {}
    day = _text(data, "flyttedato")
    try:
        flyttedato = date.fromisoformat(day) if day else event.time.date()
    except ValueError:
        flyttedato = event.time.date()
    return Move(
        ident=event.subject,
        event_id=event.id,
        registered=event.time,
        flyttedato=flyttedato,
        til_kommune=_text(data, "kommunenummer"),
        fra_kommune=_text(data, "fraKommunenummer"),
    )


def moves_of(events: Sequence[Event]) -> list[Move]:
    """Each person's move once (the first event of a batch about them)."""
    seen: dict[str, Move] = {}
    for event in events:
        move = move_of(event)
        if move is not None:
            seen.setdefault(move.ident, move)
    return list(seen.values())


def _moved_between(move: Move | None) -> bool:
    return (
        move is not None and move.til_kommune is not None and move.til_kommune != move.fra_kommune
    )


def into_municipality(event: Event) -> bool:
    """The new municipality's trigger filter: a move into a municipality from another (or
    from no registered address). A protected address names no municipality; a move within
    one is nothing new to it."""
    return _moved_between(move_of(event))


def out_of_municipality(event: Event) -> bool:
    """The old municipality's trigger filter: a move out of a known municipality."""
    move = move_of(event)
    return _moved_between(move) and move is not None and move.fra_kommune is not None


def _name(navn: str) -> str:
    """BERGEN KOMMUNE → Bergen kommune (Enhetsregisteret writes names in capitals)."""
    words = navn.lower().split()
    return " ".join(w if w == "kommune" else w.capitalize() for w in words)


def municipalities(session: Session, kommunenumre: Collection[str]) -> dict[str, Municipality]:
    """The municipality (organisasjonsform KOMM in Enhetsregisteret) of each kommunenummer;
    one registered there is left out (its moves wait for nobody: nothing is read)."""
    wanted = sorted(set(kommunenumre))
    if not wanted:
        return {}
    page = enhetsregisteret.search(
        session,
        underenhet=False,
        where=enhetsregisteret.Filter(organisasjonsform=["KOMM"], kommunenummer=wanted),
        page=0,
        size=len(wanted) + 10,  # a merged municipality may briefly have two units
    )
    found: dict[str, Municipality] = {}
    for unit in page.rows:
        if unit.kommunenummer is not None:
            found.setdefault(
                unit.kommunenummer, Municipality(unit.organisasjonsnummer, _name(unit.navn))
            )
    return found


def told(
    session: Session,
    *,
    konsument: str | None,
    formaal: str,
    datasett: str,
    since: Mapping[str, datetime],
) -> set[str]:
    """The subjects (keys of ``since``) that ``konsument`` (any, when None) has read
    ``datasett`` about for ``formaal`` at or after their own ``since``, by the access log."""
    if not since:
        return set()
    earliest = min(since.values())
    query = select(LogEntryRow.subjekt, LogEntryRow.tidspunkt).where(
        LogEntryRow.subjekt.in_(sorted(since)),
        LogEntryRow.tidspunkt >= earliest,
        LogEntryRow.formaal == formaal,
        LogEntryRow.datasett == datasett,
    )
    if konsument is not None:
        query = query.where(LogEntryRow.konsument == konsument)
    return {subject for subject, at in session.execute(query) if aware(at) >= aware(since[subject])}
