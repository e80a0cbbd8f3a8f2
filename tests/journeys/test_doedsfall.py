"""Dødsfall og arv: a death opens one journey, which the surviving spouse and the children
follow; each step's status comes from the court's and NAV's work and the heir's own tasks in
the mailbox, on the day it is read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from felles.journeys.model import Reise
from felles.journeys.opening import open_journeys
from felles.journeys.progress import JourneyView
from felles.journeys.queries import journeys_for
from felles.journeys.status import StepStatus
from felles.kernel.db import Database
from felles.kernel.events import read_events
from felles.mailbox.operations import confirm
from felles.registries.folkeregister.operations import register_divorce
from felles.services.doedsfall import NAV_ORGNR, TINGRETT_ORGNR
from tests.registries.folkeregister.conftest import Register
from tests.services.doedsfall.conftest import (
    DEATH,
    death_consumers,
    letters,
    make_family,
    register,  # noqa: F401 - the fixture
    run,
)


def open_death_journeys(database: Database) -> None:
    """Open the journeys of the deaths in the outbox (the journeys consumer's own function).

    Only the deaths: the family's adult child was born in 2005, and få barn's journey for a
    birth before kontantstøtte's parameters begin cannot be resolved (reported, not ours)."""
    with database.read_session() as session:
        deaths = [
            stored.event
            for stored in read_events(session, limit=100_000)
            if stored.event.type == "no.folkeregisteret.personErDoed"
        ]
    with database.unit_of_work() as uow:
        open_journeys(uow, deaths)
        uow.commit()


def journey(database: Database, ident: str, today: date) -> JourneyView | None:
    with database.read_session() as session:
        found = [
            j for j in journeys_for(session, ident, today=today)
            if j.life_event.id == "doedsfall-og-arv"
        ]  # fmt: skip
    assert len(found) <= 1
    return found[0] if found else None


def statuses(view: JourneyView | None) -> dict[str, StepStatus]:
    assert view is not None
    return {step.step.id: step.state.status for step in view.steps}


def test_a_death_opens_one_journey_the_spouse_and_children_follow(
    database: Database,
    register: Register,  # noqa: F811
) -> None:
    family = make_family(register)
    family.die()
    open_death_journeys(database)
    today = date(2025, 6, 1)

    before = statuses(journey(database, family.far, today))
    assert before["arvinger-varslet"] is StepStatus.WAITING_FOR_AGENCY
    assert before["ytelser-stanset"] is StepStatus.WAITING_FOR_AGENCY  # barnetrygd still paid
    assert before["gravferdsstoenad"] is StepStatus.WAITING_FOR_AGENCY

    run(database, death_consumers())
    spouse = journey(database, family.far, today)
    assert spouse is not None and spouse.anchor == family.mor and spouse.event_date == DEATH
    steps = {step.step.id: step.state for step in spouse.steps}
    assert steps["arvinger-varslet"].status is StepStatus.DONE_AUTOMATICALLY
    assert steps["ytelser-stanset"].status is StepStatus.DONE_AUTOMATICALLY
    assert steps["gravferdsstoenad"].status is StepStatus.YOUR_TASK
    assert steps["gravferdsstoenad"].deadline == date(2025, 11, 30)
    assert steps["boets-oversikt"].status is StepStatus.DONE_AUTOMATICALLY
    assert steps["skifte"].status is StepStatus.YOUR_TASK
    assert steps["skifte"].deadline == date(2025, 7, 29)
    assert "uskifte" in steps["skifte"].detail["nb"]

    child = journey(database, family.voksen, today)
    assert child is not None and child.id == spouse.id
    child_steps = {step.step.id: step.state for step in child.steps}
    assert "uskifte" not in child_steps["skifte"].detail["nb"]
    assert child_steps["skifte"].status is StepStatus.YOUR_TASK
    assert child_steps["gravferdsstoenad"].status is StepStatus.NOT_RELEVANT  # NAV asked the spouse
    baby = statuses(journey(database, family.baby, today))
    assert baby["skifte"] is StepStatus.NOT_RELEVANT  # a minor: the adults choose

    stranger = register.person(foedselsdato=date(1970, 1, 1))
    assert journey(database, stranger, today) is None


def test_the_heir_marks_the_task_done_and_the_step_is_done(
    database: Database,
    register: Register,  # noqa: F811
) -> None:
    family = make_family(register)
    family.die()
    open_death_journeys(database)
    run(database, death_consumers())
    [letter] = letters(database, sender_orgnr=TINGRETT_ORGNR, recipient=family.voksen)
    with database.unit_of_work() as uow:
        assert confirm(uow, letter.id, recipient=family.voksen, actor=f"mottaker:{family.voksen}")
        uow.commit()
    after = statuses(journey(database, family.voksen, date(2025, 6, 2)))
    assert after["skifte"] is StepStatus.DONE
    assert statuses(journey(database, family.far, date(2025, 6, 2)))["skifte"] is (
        StepStatus.YOUR_TASK
    )


def test_a_death_registered_late_says_why_gravferdsstoenad_is_not_relevant(
    database: Database,
    register: Register,  # noqa: F811
) -> None:
    family = make_family(register)
    family.die(family.far, date(2024, 10, 1))  # registered eight months after the death
    open_death_journeys(database)
    run(database, death_consumers())
    view = journey(database, family.mor, date(2025, 6, 1))
    assert view is not None
    steps = {step.step.id: step.state for step in view.steps}
    assert steps["gravferdsstoenad"].status is StepStatus.NOT_RELEVANT
    assert "1. april 2025" in steps["gravferdsstoenad"].detail["nb"]
    assert steps["ytelser-stanset"].status is StepStatus.NOT_RELEVANT  # he had no benefits
    # The court's task keeps the law's deadline, and the letter says it has passed.
    assert steps["skifte"].status is StepStatus.YOUR_TASK
    assert steps["skifte"].deadline == date(2024, 11, 30)
    [letter] = letters(database, sender_orgnr=TINGRETT_ORGNR, recipient=family.mor)
    assert letter.due is not None and letter.due.date() == date(2025, 6, 15)
    assert letters(database, sender_orgnr=NAV_ORGNR, kind="oppgave") == []


def test_an_event_delivered_again_opens_one_journey(
    database: Database,
    register: Register,  # noqa: F811
) -> None:
    family = make_family(register)
    family.die()
    with database.read_session() as session:
        events = [stored.event for stored in read_events(session, limit=100_000)]
    for _ in range(2):
        with database.unit_of_work() as uow:
            open_journeys(uow, events)
            uow.commit()
    with database.read_session() as session:
        count = select(func.count()).where(Reise.life_event == "doedsfall-og-arv")
        assert session.scalar(count) == 1


def test_a_divorced_former_spouse_does_not_follow(
    database: Database,
    register: Register,  # noqa: F811
) -> None:
    family = make_family(register)
    register.run(register_divorce, ident_a=family.mor, ident_b=family.far, dato=date(2025, 1, 1))
    family.die()
    open_death_journeys(database)
    assert journey(database, family.far, date(2025, 6, 1)) is None
    assert journey(database, family.voksen, date(2025, 6, 1)) is not None
