"""Events the address register emits (CloudEvents, written to the outbox with the change).

Addresses are open data, so an event may carry the whole address.
"""

from __future__ import annotations

from typing import Any

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event

SOURCE = "/matrikkelen/adresser"

#: A new street address was registered; subject = the address id, data = the address.
ADRESSE_OPPRETTET = "no.matrikkelen.adresseOpprettet"

TYPES = (ADRESSE_OPPRETTET,)


def emit(uow: UnitOfWork, *, type: str, adresse_id: int, data: dict[str, Any]) -> Event:
    """Record an address event in the unit of work and return it."""
    event = Event(type=type, source=SOURCE, subject=str(adresse_id), data=data)
    uow.emit(event)
    return event
