"""The services runtime: each declared service runs as a bus consumer.

A service's consumer wants its trigger's event types; events its trigger's filter rejects
are marked processed with no effect. The service's batch handler gets the accepted events of
one transport batch at once (data fetched and rules computed for the whole batch); the bus
falls back to one event at a time when a batch fails, so one bad event cannot hold up the
rest (decision 0030).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from felles.kernel.bus import Consumer, register
from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.services.declaration import PublicService

ServiceHandler = Callable[[UnitOfWork, Sequence[Event]], None]


def consumer_for(service: PublicService, handle: ServiceHandler) -> Consumer:
    """The bus consumer that runs ``service`` with ``handle`` (a batch handler)."""
    if service.trigger.daily or not service.trigger.event_types:
        # A consumer with no types would be handed every event of every block.
        raise ValueError(f"service {service.id} is started by the day, not by events")
    accepts = service.trigger.accepts

    def batch(uow: UnitOfWork, events: Sequence[Event]) -> None:
        wanted = [e for e in events if e.type in service.trigger.event_types and accepts(e)]
        if wanted:
            handle(uow, wanted)

    def one(uow: UnitOfWork, event: Event) -> None:
        batch(uow, [event])

    return Consumer(
        name=service.consumer_name, handler=one, types=service.trigger.event_types, batch=batch
    )


def register_service(service: PublicService, handle: ServiceHandler) -> Consumer:
    """Register ``service`` for ``felles worker`` (its module does this when imported)."""
    return register(consumer_for(service, handle))
