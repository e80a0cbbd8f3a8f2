"""Få barn: a birth opens one journey, which both parents follow, and each step's status comes
from what the services and registries hold on the day it is read."""

from __future__ import annotations

import threading
from calendar import monthrange
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from felles.journeys.declaration import StepState
from felles.journeys.faa_barn import kontantstoette_window
from felles.journeys.model import Reise
from felles.journeys.opening import journeys_consumer, open_journeys
from felles.journeys.queries import journeys_for
from felles.journeys.status import StepStatus
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, read_events
from felles.kernel.schedule import run_due
from felles.mailbox.model import Forsendelse
from felles.mailbox.operations import confirm
from felles.registries.enhetsregisteret.seed import seed_public_sector
from felles.registries.folkeregister.operations import register_birth
from felles.services.barnetrygd import SERVICE
from felles.services.barnetrygd.service import handle_births
from felles.services.foedsel import FORELDREPENGER, HELSESTASJON
from felles.services.foedsel import foreldrepenger as foreldrepenger_service
from felles.services.foedsel import helsestasjon as helsestasjon_service
from felles.services.foedsel.births import foreldrepenger_key
from felles.services.foedsel.kontantstoette import JOB as KONTANTSTOETTE_JOB
from felles.services.foedsel.kontantstoette import offer, offer_key
from felles.services.runtime import consumer_for
from tests.identity.conftest import Login, app_client, login  # noqa: F401
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, Register, seed_addresses
from tests.services.foedsel.conftest import birth, employed, parents


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    seed_public_sector(database)  # the municipalities: the helsestasjon's inboxes
    return Register(database, clock)


def run_worker(database: Database, *, services: bool = True) -> None:
    consumers = [journeys_consumer()]
    if services:
        consumers += [
            consumer_for(SERVICE, handle_births),
            consumer_for(HELSESTASJON, helsestasjon_service.handle_births),
            consumer_for(FORELDREPENGER, foreldrepenger_service.handle_births),
        ]
    totals = Worker(DatabaseTransport(database), consumers).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


def family(register: Register, born: date) -> tuple[str, str, str]:
    mor = register.person(foedselsdato=date(1990, 2, 3))
    far = register.person(foedselsdato=date(1988, 7, 1), kjoenn="mann")
    child = register.run(
        register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=born,
        kjoenn="kvinne",
        fornavn="Emma",
    )
    return mor, far, child.ident


def statuses(database: Database, ident: str, today: date) -> dict[str, StepStatus]:
    with database.read_session() as session:
        [journey] = journeys_for(session, ident, today=today)
        return {view.step.id: view.state.status for view in journey.steps}


def test_a_birth_opens_one_journey_both_parents_follow(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    mor, far, child = family(register, date(2025, 5, 20))
    stranger = register.person(foedselsdato=date(1970, 1, 1))
    run_worker(database)

    today = clock.today()
    with database.read_session() as session:
        [journey] = journeys_for(session, mor, today=today)
        [for_father] = journeys_for(session, far, today=today)
        assert journeys_for(session, stranger, today=today) == []
        opened = session.scalars(select(OutboxRow).where(OutboxRow.type.like("%livshendelse%")))
        [event] = list(opened)

    assert journey.id == for_father.id
    assert (journey.life_event.id, journey.anchor, journey.event_date) == (
        "faa-barn",
        child,
        date(2025, 5, 20),
    )
    assert journey.anchor_first_name == "Emma"
    assert (event.type, event.subject) == ("no.felles.livshendelse.startet", child)
    assert "Emma" not in str(event.data)

    steps = {view.step.id: view.state for view in journey.steps}
    assert steps["barnetrygd"].status is StepStatus.DONE_AUTOMATICALLY
    assert steps["barnetrygd"].reference and steps["barnetrygd"].reference.startswith("sak:")
    assert steps["navn"].status is StepStatus.DONE
    assert steps["kontantstoette"].status is StepStatus.LATER
    assert steps["kontantstoette"].from_day == date(2026, 6, 1)  # 13 months, from the 1st
    assert "1. juni 2026" in steps["kontantstoette"].detail["nb"]
    assert "1 June 2026" in steps["kontantstoette"].detail["en"]
    assert not journey.finished


def test_steps_follow_the_day_they_are_read(database: Database, register: Register) -> None:
    mor, _, _ = family(register, date(2025, 5, 20))
    run_worker(database)

    assert statuses(database, mor, date(2026, 5, 31))["kontantstoette"] is StepStatus.LATER
    during = statuses(database, mor, date(2026, 6, 1))
    assert during["kontantstoette"] is StepStatus.YOUR_TASK
    with database.read_session() as session:
        [journey] = journeys_for(session, mor, today=date(2026, 6, 1))
    [task] = journey.your_tasks
    assert task.state.deadline == date(2026, 12, 31)  # the month the child is 19 months old
    after = statuses(database, mor, date(2027, 1, 1))
    assert after["kontantstoette"] is StepStatus.NOT_RELEVANT
    with database.read_session() as session:
        [journey] = journeys_for(session, mor, today=date(2027, 1, 1))
    assert journey.finished


def test_barnetrygd_waits_for_nav_until_the_case_is_decided(
    database: Database, register: Register
) -> None:
    young = register.person(foedselsdato=date(2008, 1, 1))
    register.run(
        register_birth, mor=young, foedselsdato=date(2025, 5, 20), kjoenn="mann", fornavn="Jo"
    )
    run_worker(database, services=False)
    assert statuses(database, young, date(2025, 6, 1))["barnetrygd"] is (
        StepStatus.WAITING_FOR_AGENCY
    )
    run_worker(database)  # the mother is under 18: a caseworker decides
    assert statuses(database, young, date(2025, 6, 1))["barnetrygd"] is (
        StepStatus.WAITING_FOR_AGENCY
    )
    # Kontantstøtte builds on barnetrygd (NAV offers it to the parent it pays), so while
    # NAV's case is open the step says what it waits for.
    with database.read_session() as session:
        [journey] = journeys_for(session, young, today=date(2025, 6, 1))
        waits = {v.step.id: [s.id for s in v.waits_for] for v in journey.steps}
    assert waits == {
        "barnetrygd": [],
        "foreldrepenger": [],
        "helsestasjon": [],
        "navn": [],
        "kontantstoette": ["barnetrygd"],
    }


def test_an_event_delivered_again_opens_nothing_new(database: Database, register: Register) -> None:
    family(register, date(2025, 5, 20))
    with database.read_session() as session:
        events = [stored.event for stored in read_events(session)]
    for _ in range(2):
        with database.unit_of_work() as uow:
            open_journeys(uow, events)
            uow.commit()
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Reise)) == 1
        started = select(func.count()).where(OutboxRow.type == "no.felles.livshendelse.startet")
        assert session.scalar(started) == 1


def test_the_api_shows_a_person_their_own_journeys_only(
    app_client: TestClient,  # noqa: F811
    login: Login,  # noqa: F811
    database: Database,
    register: Register,
) -> None:
    mor, far, _ = family(register, date(2025, 5, 20))
    run_worker(database)
    url = f"/livshendelser/api/v1/personer/{mor}/reiser"

    own = app_client.get(url, params={"spraak": "nn"}, headers=login(mor))
    assert own.status_code == 200, own.text
    [reise] = own.json()["reiser"]
    assert reise["livshendelse"]["tittel"] == "Få barn"
    assert [s["id"] for s in reise["steg"]] == [
        "barnetrygd",
        "foreldrepenger",
        "helsestasjon",
        "navn",
        "kontantstoette",
    ]
    barnetrygd = reise["steg"][0]
    assert (barnetrygd["status"], barnetrygd["statustekst"]) == (
        "utfoert-automatisk",
        "Gjort automatisk",
    )
    assert barnetrygd["etat"]["organisasjonsnummer"] == "889640782"
    assert reise["steg"][4]["fraDato"] == "2026-06-01"
    # Decided, so nothing waits for it any longer.
    assert (reise["steg"][4]["avhengerAv"], reise["steg"][4]["venterPaa"]) == (["barnetrygd"], [])
    helsestasjon = reise["steg"][2]
    assert (helsestasjon["status"], helsestasjon["type"]) == (
        "utfoert-automatisk",
        "melding",
    )

    refused = app_client.get(url, headers=login(far))  # the father has his own, not hers
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    bad = app_client.get(url, params={"spraak": "de"}, headers=login(mor))
    assert bad.status_code == 422
    assert app_client.get(url).status_code == 401


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 8, 1), max_value=date(2030, 12, 31)))
def test_the_kontantstoette_window_is_whole_months_after_the_birth(born: date) -> None:
    opens, closes = kontantstoette_window(born)
    assert opens.day == 1 and opens > born
    assert closes.day == monthrange(closes.year, closes.month)[1]
    months = (closes.year - opens.year) * 12 + closes.month - opens.month + 1
    assert months == 7  # age months 13 to 19 (kontantstøtteloven § 8 as modelled)
    assert (opens.year * 12 + opens.month) - (born.year * 12 + born.month) == 13


def test_a_child_born_before_the_rules_are_modelled_is_past_kontantstoette(
    database: Database, register: Register
) -> None:
    """A late registration of an old birth: the rules start in 2021, the step is not relevant."""
    mor, _, _ = family(register, date(2018, 3, 1))
    run_worker(database, services=False)
    assert statuses(database, mor, date(2026, 1, 1))["kontantstoette"] is StepStatus.NOT_RELEVANT


def states(database: Database, ident: str, today: date) -> dict[str, StepState]:
    with database.read_session() as session:
        [journey] = journeys_for(session, ident, today=today)
        return {view.step.id: view.state for view in journey.steps}


def test_nav_and_the_helsestasjon_steps_follow_their_letters(
    database: Database, register: Register
) -> None:
    mor, far = parents(register)
    employed(register, mor)
    birth(register, mor, far)
    run_worker(database, services=False)
    waiting = states(database, mor, date(2025, 6, 1))
    assert waiting["foreldrepenger"].status is StepStatus.WAITING_FOR_AGENCY
    assert waiting["helsestasjon"].status is StepStatus.WAITING_FOR_AGENCY

    # Had the services never written, the journey would stop waiting for them in time.
    unanswered = states(database, mor, date(2025, 11, 21))
    assert unanswered["foreldrepenger"].status is StepStatus.NOT_RELEVANT
    assert unanswered["helsestasjon"].status is StepStatus.NOT_RELEVANT

    run_worker(database)
    hers = states(database, mor, date(2025, 6, 1))
    task = hers["foreldrepenger"]
    assert task.status is StepStatus.YOUR_TASK
    assert task.deadline == date(2025, 8, 20)
    assert "foreldrepenger" in task.detail["nb"] and "20. august 2025" in task.detail["nb"]
    told = hers["helsestasjon"]
    assert told.status is StepStatus.DONE_AUTOMATICALLY
    assert told.detail["nb"] == (
        "Helsestasjonen i Oslo kommune har fått beskjed og tar kontakt om hjemmebesøk."
    )
    assert "Oslo kommune" in told.detail["nn"] and "home visit" in told.detail["en"]
    # The step is every municipality's; this journey's names the one told.
    assert told.agency is not None and told.agency.name == "Oslo kommune"
    assert told.agency.orgnr is not None and told.agency.orgnr.isdigit()
    assert len(told.agency.orgnr) == 9
    his = states(database, far, date(2025, 6, 1))
    assert his["foreldrepenger"].status is StepStatus.NOT_RELEVANT
    assert "din del av foreldrepengene" in his["foreldrepenger"].detail["nb"]
    assert his["helsestasjon"].status is StepStatus.DONE_AUTOMATICALLY

    late = states(database, mor, date(2025, 8, 21))["foreldrepenger"]
    assert late.status is StepStatus.NOT_RELEVANT and "gikk ut 20. august 2025" in late.detail["nb"]

    with database.unit_of_work() as uow:
        [letter_id] = uow.session.scalars(
            select(Forsendelse.id)
            .where(Forsendelse.recipient == mor)
            .where(Forsendelse.idempotent_key.like("foedsel-%"))
        )
        assert confirm(uow, letter_id, recipient=mor, actor=f"mottaker:{mor}")
        uow.commit()
    done = states(database, mor, date(2025, 6, 2))["foreldrepenger"]
    assert done.status is StepStatus.DONE
    assert done.detail["nb"] == "Du har meldt at du har søkt om foreldrepenger."


def test_a_protected_childs_municipality_is_not_named(
    database: Database, register: Register
) -> None:
    mor, far = parents(register, adresse_id=HEMMELIGVEIEN, adressebeskyttelse="strengtFortrolig")
    child = birth(register, mor, far)
    run_worker(database)
    for viewer in (mor, far):
        told = states(database, viewer, date(2025, 6, 1))["helsestasjon"]
        assert told.status is StepStatus.DONE_AUTOMATICALLY
        assert "Trondheim" not in str(told.detail)
        assert "kommunen der barnet bor" in told.detail["nb"]
        assert told.agency is None  # the step's own: "Kommunen der barnet bor", no number
    task = states(database, mor, date(2025, 6, 1))["foreldrepenger"]
    assert task.status is StepStatus.YOUR_TASK
    assert "engangsstønad" in task.detail["nb"]
    with database.read_session() as session:
        keys = list(session.scalars(select(Forsendelse.idempotent_key)))
    assert foreldrepenger_key(child) in keys


def test_kontantstoette_comes_later_then_is_the_task_from_navs_offer(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    mor, far, child = family(register, date(2025, 5, 20))
    run_worker(database)
    before = states(database, mor, date(2026, 5, 31))["kontantstoette"]
    assert before.status is StepStatus.LATER and before.from_day == date(2026, 6, 1)
    assert before.reference is None

    clock.set(datetime(2026, 6, 1, 6, 0, tzinfo=UTC))
    run_due(database, jobs={KONTANTSTOETTE_JOB: offer})  # NAV's job on the opening day
    with database.read_session() as session:
        [letter_id] = session.scalars(
            select(Forsendelse.id).where(Forsendelse.idempotent_key == offer_key(child))
        )
    hers = states(database, mor, date(2026, 6, 1))["kontantstoette"]
    assert hers.status is StepStatus.YOUR_TASK
    assert hers.deadline == date(2026, 12, 31)
    assert hers.reference == f"brev:{letter_id}"
    assert "NAV har skrevet til deg" in hers.detail["nb"]
    assert "1. juni 2026" in hers.detail["nb"] and "31. desember 2026" in hers.detail["nb"]
    assert "31 December 2026" in hers.detail["en"] and "frå 1. juni 2026" in hers.detail["nn"]
    his = states(database, far, date(2026, 6, 1))["kontantstoette"]
    assert his.status is StepStatus.NOT_RELEVANT and his.reference is None
    assert "får barnetrygd" in his.detail["nb"]

    with database.unit_of_work() as uow:
        assert confirm(uow, letter_id, recipient=mor, actor=f"mottaker:{mor}")
        uow.commit()
    done = states(database, mor, date(2026, 6, 2))["kontantstoette"]
    assert done.status is StepStatus.DONE and done.reference == f"brev:{letter_id}"
