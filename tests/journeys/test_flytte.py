"""Flytte: a move opens one journey for the person who moved, and each step's status comes
from the access log (the agency's read of the move) and the mailbox (the new municipality's
letter) on the day it is read."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.journeys.model import Reise
from felles.journeys.opening import open_journeys
from felles.journeys.progress import JourneyView
from felles.journeys.queries import journeys_for
from felles.journeys.status import StepStatus
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import read_events
from felles.mailbox.model import Forsendelse
from felles.registries.folkeregister.operations import register_move
from tests.identity.conftest import Login, app_client, login  # noqa: F401
from tests.registries.folkeregister.conftest import (
    FJORDVEIEN,
    HEMMELIGVEIEN,
    SECRET_STREET,
    Register,
)
from tests.services.flytting.conftest import (
    MOVING_DAY,
    family,
    move,
    run_worker,
)
from tests.services.flytting.conftest import (
    register as register,
)


def journey_of(database: Database, ident: str, today: date) -> JourneyView:
    with database.read_session() as session:
        [journey] = [
            j for j in journeys_for(session, ident, today=today) if j.life_event.id == "flytte"
        ]
        return journey


def statuses(journey: JourneyView) -> dict[str, StepStatus]:
    return {view.step.id: view.state.status for view in journey.steps}


def test_a_family_move_is_done_in_every_step(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    home = family(register)
    move(register, home.mor, home.far, *home.children)
    run_worker(database)

    journey = journey_of(database, home.mor, clock.today())
    assert (journey.anchor, journey.event_date) == (home.mor, MOVING_DAY)
    assert statuses(journey) == {
        "folkeregisteret": StepStatus.DONE,
        "posten": StepStatus.DONE_AUTOMATICALLY,
        "nav": StepStatus.DONE_AUTOMATICALLY,
        "ny-kommune": StepStatus.DONE_AUTOMATICALLY,
        "tidligere-kommune": StepStatus.DONE_AUTOMATICALLY,
    }
    assert journey.finished
    steps = {view.step.id: view.state for view in journey.steps}
    with database.read_session() as session:
        letter_id = session.scalar(select(Forsendelse.id).where(Forsendelse.recipient == home.mor))
    assert steps["ny-kommune"].reference == f"brev:{letter_id}"
    assert "Bergen kommune" in steps["ny-kommune"].detail["nb"]
    assert "Oslo kommune" in steps["tidligere-kommune"].detail["nn"]
    assert steps["posten"].reference and steps["posten"].reference.startswith("innsyn:")
    assert "15. mai 2025" in steps["folkeregisteret"].detail["nb"]
    # Each followed by the person who moved: the mother sees hers, not the father's.
    with database.read_session() as session:
        mine = [j.anchor for j in journeys_for(session, home.mor, today=clock.today())]
    assert mine.count(home.far) == 0


def test_steps_wait_for_the_agencies_until_the_services_run(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    alone = register.person(foedselsdato=date(1995, 1, 1))
    move(register, alone)
    with database.read_session() as session:
        events = [stored.event for stored in read_events(session, after_seq=0, limit=10_000)]
    with database.unit_of_work() as uow:
        open_journeys(uow, events)
        uow.commit()

    waiting = statuses(journey_of(database, alone, clock.today()))
    assert waiting["posten"] is StepStatus.WAITING_FOR_AGENCY
    assert waiting["ny-kommune"] is StepStatus.WAITING_FOR_AGENCY
    assert waiting["tidligere-kommune"] is StepStatus.WAITING_FOR_AGENCY

    run_worker(database)
    journey = journey_of(database, alone, clock.today())
    done = statuses(journey)
    assert done["posten"] is StepStatus.DONE_AUTOMATICALLY
    assert done["nav"] is StepStatus.DONE_AUTOMATICALLY
    assert done["tidligere-kommune"] is StepStatus.DONE_AUTOMATICALLY
    # No children: the new municipality was told, and the school step says why it is not for her.
    assert done["ny-kommune"] is StepStatus.NOT_RELEVANT
    why = {view.step.id: view.state for view in journey.steps}["ny-kommune"].detail
    assert "1 og 15 år" in why["nb"] and "aged 1 to 15" in why["en"]
    assert journey.finished


def test_a_move_within_the_municipality_is_not_for_the_municipalities(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    alone = register.person(foedselsdato=date(1995, 1, 1))
    move(register, alone)  # Oslo → Bergen
    run_worker(database)
    later = date(2025, 5, 25)
    # Another flat at the same address in Bergen.
    register.run(
        register_move,
        ident=alone,
        adresse_id=FJORDVEIEN,
        flyttedato=later,
        bruksenhetsnummer="H0201",
    )
    run_worker(database)

    with database.read_session() as session:
        journeys = [
            j for j in journeys_for(session, alone, today=later) if j.life_event.id == "flytte"
        ]
    assert [j.event_date for j in journeys] == [later, MOVING_DAY]  # one per moving day
    second = statuses(journeys[0])
    assert second["ny-kommune"] is StepStatus.NOT_RELEVANT
    assert second["tidligere-kommune"] is StepStatus.NOT_RELEVANT
    assert second["posten"] is StepStatus.DONE_AUTOMATICALLY
    detail = {v.step.id: v.state for v in journeys[0].steps}["tidligere-kommune"].detail
    assert detail["en"] == "You moved within the same municipality."


def test_a_protected_address_is_shared_with_no_one(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    home = family(register, adressebeskyttelse="fortrolig")
    move(register, home.mor, home.far, *home.children, adresse_id=HEMMELIGVEIEN)
    run_worker(database)

    journey = journey_of(database, home.mor, clock.today())
    assert statuses(journey) == {
        "folkeregisteret": StepStatus.DONE,
        "posten": StepStatus.NOT_RELEVANT,
        "nav": StepStatus.NOT_RELEVANT,
        "ny-kommune": StepStatus.NOT_RELEVANT,
        "tidligere-kommune": StepStatus.NOT_RELEVANT,
    }
    shown = str([(v.state.detail, v.state.reference, v.agency) for v in journey.steps])
    assert SECRET_STREET not in shown and "Trondheim" not in shown
    assert {v.agency.orgnr for v in journey.steps if v.step.id.endswith("kommune")} == {None}


def test_an_event_delivered_twice_opens_one_journey(database: Database, register: Register) -> None:
    alone = register.person(foedselsdato=date(1995, 1, 1))
    move(register, alone)
    with database.read_session() as session:
        events = [stored.event for stored in read_events(session, after_seq=0, limit=10_000)]
    for _ in range(2):
        with database.unit_of_work() as uow:
            open_journeys(uow, events)
            uow.commit()
    run_worker(database)
    with database.read_session() as session:
        flytte = select(func.count()).where(Reise.life_event == "flytte")
        assert session.scalar(flytte) == 1


def test_every_step_speaks_each_language(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    alone = register.person(foedselsdato=date(1995, 1, 1))
    move(register, alone)
    run_worker(database)
    journey = journey_of(database, alone, clock.today())
    for language in ("nb", "nn", "en"):
        assert all(view.state.detail[language] for view in journey.steps)
        assert all(view.step.title[language] for view in journey.steps)


def test_the_api_shows_the_move_to_the_person_who_moved(
    app_client: TestClient,  # noqa: F811
    login: Login,  # noqa: F811
    database: Database,
    register: Register,
) -> None:
    home = family(register)
    move(register, home.mor, home.far, *home.children)
    run_worker(database)

    own = app_client.get(
        f"/livshendelser/api/v1/personer/{home.mor}/reiser",
        params={"spraak": "en"},
        headers=login(home.mor),
    )
    assert own.status_code == 200, own.text
    [reise] = [r for r in own.json()["reiser"] if r["livshendelse"]["id"] == "flytte"]
    assert (reise["livshendelse"]["tittel"], reise["dato"], reise["fullfoert"]) == (
        "Moving",
        MOVING_DAY.isoformat(),
        True,
    )
    steps = {s["id"]: s for s in reise["steg"]}
    assert list(steps) == ["folkeregisteret", "posten", "nav", "ny-kommune", "tidligere-kommune"]
    assert steps["posten"]["etat"] == {
        "organisasjonsnummer": "393000104",
        "navn": "Posten Norge AS",
    }
    assert steps["ny-kommune"]["referanse"].startswith("brev:")
    # Every municipality's step names this move's municipalities, from Enhetsregisteret.
    new, old = steps["ny-kommune"]["etat"], steps["tidligere-kommune"]["etat"]
    assert new["navn"] == "Bergen kommune" and old["navn"] == "Oslo kommune"
    assert all(len(e["organisasjonsnummer"]) == 9 for e in (new, old))
    assert new["organisasjonsnummer"] != old["organisasjonsnummer"]
    assert "Fjordveien" not in own.text
    # A child's move is the child's own journey; the father sees his own, not hers.
    theirs = app_client.get(
        f"/livshendelser/api/v1/personer/{home.mor}/reiser", headers=login(home.far)
    )
    assert theirs.status_code == 403
