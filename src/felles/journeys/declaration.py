"""How a life event is declared: what starts it, who follows it, and its steps.

A life event is data, as a public service is (``felles.services.declaration``): the runtime
opens journeys from the same declaration the portal shows and the catalog (later) describes.
Each step says which agency is responsible, what kind of step it is and how its status is
known (``resolve``): from the service's case, the registries or the mailbox, never from a
copy kept by the journey.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from felles.journeys.status import StepStatus
from felles.services.declaration import LANGUAGES, LegalReference

if TYPE_CHECKING:
    from felles.journeys.context import JourneyContext

Texts = Mapping[str, str]  # language code (nb, nn, en) -> text

#: tjeneste: an agency's service runs (automatically, or with a caseworker);
#: oppgave: the person must do something; tilbud: offered when it becomes relevant;
#: melding: an agency is told, so the person need not tell it.
StepKind = Literal["tjeneste", "oppgave", "tilbud", "melding"]

#: Who follows a journey anchored on a person A, as A's relation to the viewer: ``selv``
#: (A is the viewer), a Folkeregisteret role (``barn``: A is the viewer's child; ``mor``,
#: ``far``, ``medmor``: A is the viewer's parent) or ``ektefelle`` (A is the viewer's spouse).
Follower = Literal["selv", "barn", "mor", "far", "medmor", "ektefelle"]


@dataclass(frozen=True, slots=True)
class Agency:
    """Who does a step. ``orgnr`` is None where the step is every municipality's (each for its
    residents) and the journey does not name one: the step's ``StepState.agency`` then names
    the municipality it resolved, when it may be shown."""

    orgnr: str | None
    name: str


@dataclass(frozen=True, slots=True)
class StepState:
    """A step's status for one journey, as it stands on the day it is read."""

    status: StepStatus
    detail: Texts  # one sentence for people: what happened, why, or what to do
    deadline: date | None = None  # YOUR_TASK: by when
    from_day: date | None = None  # LATER: from when
    reference: str | None = None  # what it rests on, e.g. ``sak:42``
    #: The agency as resolved for this journey (the municipality moved to), else the step's.
    agency: Agency | None = None


Resolver = Callable[["JourneyContext"], StepState]


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: Texts
    agency: Agency
    kind: StepKind
    resolve: Resolver = field(compare=False)
    law: LegalReference | None = None
    #: The steps this one builds on (their ids, declared before it): while one of them is
    #: still open, the person sees what this step waits for.
    after: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """A declared life event (livshendelse)."""

    id: str
    title: Texts
    description: Texts
    #: Folkeregisteret event types that start a journey; the event's subject is its anchor.
    trigger_types: tuple[str, ...]
    #: The event's data field holding the day it happened (the journey's date).
    date_field: str
    followers: frozenset[Follower]
    steps: tuple[Step, ...]
    #: False: one journey per anchor (a birth, a death); True: one per day it happens (moves).
    repeatable: bool = False

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,38}", self.id):
            raise ValueError(f"life event id {self.id!r}: use lower-case letters, digits and -")
        texts = [self.title, self.description, *(step.title for step in self.steps)]
        if any(not t.get(lang) for t in texts for lang in LANGUAGES):
            raise ValueError(f"life event {self.id}: a text is missing in nb, nn or en")
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError(f"life event {self.id}: step ids repeat")
        for number, step in enumerate(self.steps):
            # Only on steps declared before: the declaration order is then an order the
            # dependencies allow, and no step can wait for itself through others.
            unknown = [d for d in step.after if d not in ids[:number]]
            if unknown:
                raise ValueError(
                    f"life event {self.id}: step {step.id} comes after {unknown}, "
                    "which are not steps declared before it"
                )

    def occurrence(self, day: date) -> str:
        """The part of a journey's key that tells two journeys of one anchor apart."""
        return day.isoformat() if self.repeatable else ""


_life_events: dict[str, LifeEvent] = {}


def declare(life_event: LifeEvent) -> LifeEvent:
    """Add a life event to those declared (done when its module is imported)."""
    existing = _life_events.get(life_event.id)
    if existing is not None and existing != life_event:
        raise ValueError(f"life event {life_event.id!r} is declared twice")
    _life_events[life_event.id] = life_event
    return life_event


def declared() -> tuple[LifeEvent, ...]:
    _load()
    return tuple(_life_events.values())


def get_life_event(life_event_id: str) -> LifeEvent | None:
    _load()
    return _life_events.get(life_event_id)


def _load() -> None:
    """Import the declared life events (each module declares its own when imported)."""
    from felles.journeys import doedsfall, faa_barn, flytte  # noqa: F401
