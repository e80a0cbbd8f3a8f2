"""Livshendelser: the party's life-event journeys (``felles.journeys``), each step with its
status in words, the agency, the sentence saying why or what to do, and its deadline or the
day it comes — the person's own tasks first. Oversikt shows the same.

Read as the journeys' API reads them: the person's own, or those of someone the viewer acts
for when the decision point lets them read the journeys' field (``decide``); an
organisation has none.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from felles.access.decide import decide
from felles.journeys.api import FIELD
from felles.journeys.progress import JourneyView, StepView
from felles.journeys.queries import journeys_for
from felles.journeys.status import LABELS, StepStatus
from felles.kernel.clock import get_clock
from felles.portal.i18n import gettext
from felles.portal.pages.cases import visible
from felles.portal.web import Viewer, database_of, load, page
from felles.services.queries import cases_for_party

router = APIRouter(include_in_schema=False)

#: Designsystemet's colour for each status; the status is always written out too.
COLOUR: Final = {
    StepStatus.DONE_AUTOMATICALLY: "success",
    StepStatus.DONE: "success",
    StepStatus.WAITING_FOR_AGENCY: "info",
    StepStatus.YOUR_TASK: "warning",
    StepStatus.LATER: "neutral",
    StepStatus.NOT_RELEVANT: "neutral",
}


@dataclass(frozen=True, slots=True)
class StepCard:
    title: str
    agency: str
    status: str  # the StepStatus value, for the style
    label: str
    colour: str
    detail: str
    deadline: date | None
    from_day: date | None
    case_href: str | None
    law_name: str | None
    law_url: str | None
    yours: bool
    waits_for: tuple[str, ...]  # the titles of the steps it builds on still open today


@dataclass(frozen=True, slots=True)
class JourneyCard:
    id: int
    title: str
    description: str
    first_name: str | None
    event_date: date
    finished: bool
    tasks: int
    steps: tuple[StepCard, ...]


def _case_href(reference: str | None, cases: Collection[int]) -> str | None:
    """The case page a step rests on (``sak:42``), when the party may see that case (the
    father follows the birth, but the barnetrygd case is the mother's)."""
    if reference is None or not reference.startswith("sak:"):
        return None
    number = reference.removeprefix("sak:")
    if not number.isdigit() or int(number) not in cases:
        return None
    return f"/minside/saker/{number}"


def _step(shown: StepView, lang: str, cases: Collection[int]) -> StepCard:
    step, state = shown.step, shown.state
    return StepCard(
        title=step.title[lang],
        agency=shown.agency.name,
        status=state.status.value,
        label=LABELS[state.status][lang],
        colour=COLOUR[state.status],
        detail=state.detail[lang],
        deadline=state.deadline,
        from_day=state.from_day,
        case_href=_case_href(state.reference, cases),
        law_name=step.law.name if step.law else None,
        law_url=step.law.url if step.law else None,
        yours=state.status is StepStatus.YOUR_TASK,
        waits_for=tuple(before.title[lang] for before in shown.waits_for),
    )


def card(journey: JourneyView, lang: str, cases: Collection[int]) -> JourneyCard:
    """A journey as the page shows it: the person's tasks first, the rest in their order."""
    steps = [_step(shown, lang, cases) for shown in journey.steps]
    ordered = [s for s in steps if s.yours] + [s for s in steps if not s.yours]
    return JourneyCard(
        id=journey.id,
        title=journey.life_event.title[lang],
        description=journey.life_event.description[lang],
        first_name=journey.anchor_first_name,
        event_date=journey.event_date,
        finished=journey.finished,
        tasks=len(journey.your_tasks),
        steps=tuple(ordered),
    )


def may_read_journeys(db: Session, viewer: Viewer) -> bool:
    assert viewer.party is not None
    if not viewer.party.is_person:
        return False
    if viewer.acting_for_self:
        return True
    decision = decide(
        db,
        viewer.principal,
        viewer.party.ident,
        "read",
        viewer.party.ident,
        [FIELD],
        "livshendelser",
        at=get_clock().now(),
    )
    return decision.permit


def journeys_of(db: Session, viewer: Viewer, cases: Collection[int]) -> list[JourneyCard] | None:
    """The party's journeys, those in progress first (newest first within each); None when
    the viewer may not read them. ``cases``: the ids of the cases the party may open."""
    if not may_read_journeys(db, viewer):
        return None
    assert viewer.party is not None
    found = journeys_for(db, viewer.party.ident, today=get_clock().today())
    cards = [card(journey, viewer.lang, cases) for journey in found]
    return [c for c in cards if not c.finished] + [c for c in cards if c.finished]


def visible_case_ids(db: Session, viewer: Viewer) -> set[int]:
    assert viewer.party is not None
    return {s.id for s in cases_for_party(db, viewer.party.ident) if visible(viewer.party, s)}


@router.get("/minside/livshendelser")
def life_events(request: Request) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    with database_of(request).read_session() as db:
        journeys = journeys_of(db, viewer, visible_case_ids(db, viewer))
    return page(
        request,
        viewer,
        "journeys.html",
        title=gettext(viewer.lang, "Life events"),
        active="livshendelser",
        journeys=journeys,
    )
