"""The event the journeys block emits: a journey has started.

``no.felles.livshendelse.startet`` with the anchor as ``subject`` (the child born, the person
who moved, the deceased); ``data`` holds the journey's id, the life event and its day — never
names. Min side and the notifications follow it to tell the people concerned.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from felles.kernel.events import Event

SOURCE: Final = "/livshendelser"
JOURNEY_STARTED: Final = "no.felles.livshendelse.startet"


def journey_started(*, reise_id: int, life_event: str, anchor: str, day: date) -> Event:
    return Event(
        type=JOURNEY_STARTED,
        source=SOURCE,
        subject=anchor,
        data={"reiseId": reise_id, "livshendelse": life_event, "dato": day.isoformat()},
    )
