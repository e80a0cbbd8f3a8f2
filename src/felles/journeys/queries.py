"""A person's journeys: those anchored on them, or on the relatives the life event says
follow it (their children for a birth, for instance)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.journeys.declaration import Follower, declared
from felles.journeys.model import Reise
from felles.journeys.progress import JourneyView, view
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.folkeregister.queries import MARRIED, get_person

# death and inheritance
#: Whose sivilstand makes the related person their spouse for a journey: married or
#: partnered now, or widowed by that person's death (the survivor's sivilstand points at the
#: deceased). A divorced person's sivilstand may still point at the former spouse: not followed.
SPOUSE_STATES: Final = MARRIED | {"enkeEllerEnkemann", "gjenlevendePartner"}


def relatives(session: Session, person: Person) -> dict[str, set[Follower]]:
    """The people whose journeys ``person`` may follow, with how each is related to them."""
    related: dict[str, set[Follower]] = defaultdict(set)
    related[person.ident].add("selv")
    rows = session.execute(
        select(Person.ident, Familierelasjon.relatert_persons_rolle)
        .join(Familierelasjon, Familierelasjon.relatert_person_id == Person.id)
        .where(
            Familierelasjon.person_id == person.id,
            Familierelasjon.opphoerstidspunkt.is_(None),
        )
    )
    roles: dict[str, Follower] = {"barn": "barn", "mor": "mor", "far": "far", "medmor": "medmor"}
    for ident, role in rows:
        if role in roles:
            related[ident].add(roles[role])
    if person.sivilstand_relatert_id is not None and person.sivilstand in SPOUSE_STATES:
        spouse = session.get(Person, person.sivilstand_relatert_id)
        if spouse is not None:
            related[spouse.ident].add("ektefelle")
    return related


def journeys_for(session: Session, ident: str, *, today: date) -> list[JourneyView]:
    """The journeys ``ident`` follows, newest first, each step resolved for ``today``."""
    person = get_person(session, ident=ident)
    if person is None:
        return []
    related = relatives(session, person)
    followed_by = {life_event.id: life_event.followers for life_event in declared()}
    journeys = session.scalars(
        select(Reise)
        .where(Reise.anchor.in_(list(related)), Reise.life_event.in_(list(followed_by)))
        .order_by(Reise.event_date.desc(), Reise.id.desc())
    )
    views = []
    for journey in journeys:
        if not related[journey.anchor] & followed_by[journey.life_event]:
            continue
        shown = view(session, journey, viewer=person.ident, today=today)
        if shown is not None:
            views.append(shown)
    return views
