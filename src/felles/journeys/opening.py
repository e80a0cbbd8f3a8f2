"""Opening journeys from the registry's events: one bus consumer for every life event.

A journey is keyed by life event, anchor and occurrence, so an event delivered twice — or a
correction that repeats the event type — opens nothing new (the unique index decides, set-wise,
as cases are opened in ``felles.services.batch``). Nothing is read about anyone: the event
says whose and when; who follows the journey is found when it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final, cast

from sqlalchemy import Table

from felles.journeys.declaration import LifeEvent, declared
from felles.journeys.events import journey_started
from felles.journeys.model import Reise
from felles.kernel.bus import Consumer, register, registered_consumers
from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.kernel.setwise import insert_new

CONSUMER_NAME: Final = "journeys"
_REISE = cast("Table", Reise.__table__)


def _day(life_event: LifeEvent, event: Event) -> date:
    """The day the life event happened: from the event's data, else the day it was recorded."""
    value = (event.data or {}).get(life_event.date_field)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return event.time.date()


def open_journeys(uow: UnitOfWork, events: Sequence[Event]) -> int:
    """Open the journeys ``events`` start; returns how many were new."""
    by_type: dict[str, list[LifeEvent]] = {}
    for life_event in declared():
        for event_type in life_event.trigger_types:
            by_type.setdefault(event_type, []).append(life_event)
    now = get_clock().now()
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for event in events:
        if not event.subject:
            continue
        for life_event in by_type.get(event.type, ()):
            day = _day(life_event, event)
            key = (life_event.id, event.subject, life_event.occurrence(day))
            rows.setdefault(
                key,
                {
                    "life_event": key[0],
                    "anchor": key[1],
                    "occurrence": key[2],
                    "event_date": day,
                    "trigger_event_id": event.id,
                    "opened": now,
                },
            )
    inserted = insert_new(
        uow.session,
        _REISE,
        list(rows.values()),
        conflict=("life_event", "anchor", "occurrence"),
        returning=("id", "life_event", "anchor", "occurrence"),
    )
    for reise_id, life_event_id, anchor, occurrence in inserted:
        day = rows[(life_event_id, anchor, occurrence)]["event_date"]
        uow.emit(
            journey_started(reise_id=reise_id, life_event=life_event_id, anchor=anchor, day=day)
        )
    return len(inserted)


def journeys_consumer() -> Consumer:
    """The consumer that opens journeys (``felles worker --consumers
    felles.journeys.consumers``)."""
    types = tuple(sorted({t for life_event in declared() for t in life_event.trigger_types}))

    def batch(uow: UnitOfWork, events: Sequence[Event]) -> None:
        open_journeys(uow, events)

    def one(uow: UnitOfWork, event: Event) -> None:
        open_journeys(uow, [event])

    return Consumer(name=CONSUMER_NAME, handler=one, types=types, batch=batch)


def register_journeys() -> Consumer:
    """Register the consumer for ``felles worker`` once; later calls return it."""
    for consumer in registered_consumers():
        if consumer.name == CONSUMER_NAME:
            return consumer
    return register(journeys_consumer())
