"""A journey as one person sees it on one day: each step with its status.

Statuses are worked out from the facts at read time (``declaration.Step.resolve``); a
journey is finished when no step waits for anyone or comes later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy.orm import Session

from felles.journeys.context import JourneyContext
from felles.journeys.declaration import Agency, LifeEvent, Step, StepState, get_life_event
from felles.journeys.model import Reise
from felles.journeys.status import StepStatus

OPEN: Final = frozenset({StepStatus.WAITING_FOR_AGENCY, StepStatus.YOUR_TASK, StepStatus.LATER})


@dataclass(frozen=True, slots=True)
class StepView:
    step: Step
    state: StepState
    #: The steps it builds on (``Step.after``) that are still open today.
    waits_for: tuple[Step, ...] = ()

    @property
    def agency(self) -> Agency:
        """Who does the step for this journey: the one its state names, else the step's."""
        return self.state.agency or self.step.agency


@dataclass(frozen=True, slots=True)
class JourneyView:
    id: int
    life_event: LifeEvent
    anchor: str
    #: The anchor's first name, for the heading (the viewer's own child, parent or spouse).
    anchor_first_name: str | None
    event_date: date
    steps: tuple[StepView, ...]

    @property
    def finished(self) -> bool:
        return not any(view.state.status in OPEN for view in self.steps)

    @property
    def your_tasks(self) -> tuple[StepView, ...]:
        return tuple(v for v in self.steps if v.state.status is StepStatus.YOUR_TASK)


def view(session: Session, journey: Reise, *, viewer: str, today: date) -> JourneyView | None:
    """``journey`` with every step resolved; None if its life event is no longer declared."""
    life_event = get_life_event(journey.life_event)
    if life_event is None:
        return None
    context = JourneyContext(session, journey, viewer, today)
    resolved: dict[str, StepView] = {}
    for step in life_event.steps:  # in declaration order: a step's dependencies come first
        state = step.resolve(context)
        open_before = tuple(
            resolved[d].step for d in step.after if resolved[d].state.status in OPEN
        )
        resolved[step.id] = StepView(step, state, open_before)
    steps = tuple(resolved.values())
    anchor = context.anchor
    return JourneyView(
        id=journey.id,
        life_event=life_event,
        anchor=journey.anchor,
        anchor_first_name=anchor.fornavn if anchor is not None else None,
        event_date=journey.event_date,
        steps=steps,
    )
