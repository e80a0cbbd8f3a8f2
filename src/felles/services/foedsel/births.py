"""What the birth services share: a birth as its event tells it, the letters' keys, and
which births have had their letter already."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.kernel.events import Event
from felles.mailbox.model import Forsendelse


@dataclass(frozen=True, slots=True)
class Birth:
    """One child's birth, from its ``endringIFoedsel`` event."""

    child: str
    foedselsdato: date


def births_of(events: Sequence[Event]) -> list[Birth]:
    """Each child's birth once (the first event of a batch about them)."""
    seen: dict[str, Birth] = {}
    for event in events:
        if not event.subject:
            continue
        value = (event.data or {}).get("foedselsdato")
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else event.time.date()
        except ValueError:
            day = event.time.date()
        seen.setdefault(event.subject, Birth(event.subject, day))
    return list(seen.values())


def helsestasjon_key(child: str) -> str:
    """The municipality's fødselsmelding about one child (one per child, whichever
    municipality: a child is born once)."""
    return f"foedsel-{child}-helsestasjon"


def foreldrepenger_key(child: str) -> str:
    """NAV's task letter to the mother about one child."""
    return f"foedsel-{child}-foreldrepenger"


def already_sent(session: Session, keys: Sequence[str], *, origin: str) -> set[str]:
    """The keys among ``keys`` a letter from the service (``origin``) already has: an event
    delivered again reads nothing and writes nothing."""
    if not keys:
        return set()
    query = select(Forsendelse.idempotent_key).where(
        Forsendelse.idempotent_key.in_(sorted(set(keys))), Forsendelse.origin == origin
    )
    return {key for key in session.scalars(query) if key is not None}
