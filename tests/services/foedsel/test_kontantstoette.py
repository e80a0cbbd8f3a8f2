"""Kontantstøtte offered when the child reaches the age: NAV's daily job finds the children in
its own barnetrygd cases, confirms each through the distributor, and writes to the parent it
pays barnetrygd to — on the day the window opens, once."""

from __future__ import annotations

import logging
import threading
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from felles.access.log.model import LogEntryRow
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock, aware
from felles.kernel.db import Database
from felles.kernel.schedule import DailyJobRow, run_due
from felles.mailbox.model import Forsendelse, Innhold, Utskrift
from felles.registries.folkeregister.operations import register_birth
from felles.registries.folkeregister.operations.deaths import register_death
from felles.services import operations as ops
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.barnetrygd.service import handle_births
from felles.services.foedsel.kontantstoette import (
    JOB,
    birth_months_opening_on,
    kontantstoette_window,
    offer,
    offer_key,
    opens_on,
)
from felles.services.model import Sak
from felles.services.runtime import consumer_for
from felles.services.simulation import ServicesStep
from felles.services.states import SakStatus
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET, Register
from tests.services.foedsel.conftest import BORN, NAV, birth, parents

OPENS = date(2026, 6, 1)  # born 20 May 2025: 13 months
CLOSES = date(2026, 12, 31)  # the month the child is 19 months old
JOBS = {JOB: offer}


def barnetrygd(database: Database) -> None:
    """NAV's barnetrygd at birth: the case the offer is found from."""
    consumer = consumer_for(BARNETRYGD, handle_births)
    totals = Worker(DatabaseTransport(database), [consumer]).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


def offers(database: Database) -> list[Forsendelse]:
    with database.read_session() as session:
        found = list(
            session.scalars(
                select(Forsendelse).where(Forsendelse.idempotent_key.startswith("kontantstoette-"))
            )
        )
        for row in found:
            session.expunge(row)
    return found


def bodies(database: Database, letter_id: str) -> dict[str, str]:
    with database.read_session() as session:
        return {
            c.language: f"{c.title}\n{c.summary}\n{c.body}"
            for c in session.scalars(select(Innhold).where(Innhold.forsendelse_id == letter_id))
        }


def nav_reads(database: Database) -> list[LogEntryRow]:
    with database.read_session() as session:
        query = select(LogEntryRow).where(
            LogEntryRow.konsument == NAV, LogEntryRow.formaal == "kontantstoette"
        )
        return list(session.scalars(query))


def on(clock: SimulatedClock, day: date) -> None:
    clock.set(datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=6))


@pytest.fixture
def family(register: Register) -> tuple[str, str, str]:
    mor, far = parents(register)
    child = birth(register, mor, far)
    barnetrygd(register.database)
    return mor, far, child


def test_the_parent_paid_barnetrygd_gets_the_offer_on_the_opening_day_only(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    mor, _, child = family
    on(clock, OPENS - timedelta(days=2))
    run_due(database, jobs=JOBS)  # the first run: just that day
    assert offers(database) == []
    on(clock, OPENS + timedelta(days=3))
    assert run_due(database, jobs=JOBS).done == 5  # 31 May to 4 June: the opening day among them
    [letter] = offers(database)
    assert (letter.recipient, letter.sender_orgnr, letter.kind) == (mor, NAV, "oppgave")
    assert letter.idempotent_key == offer_key(child) == f"kontantstoette-{child}"
    assert letter.due is not None and aware(letter.due) == datetime(2026, 12, 31, 22, tzinfo=UTC)
    assert letter.message_sender == "Arbeids- og velferdsetaten (NAV)"
    on(clock, date(2027, 2, 1))
    run_due(database, jobs=JOBS)
    assert len(offers(database)) == 1


def test_the_offer_says_when_how_much_and_how_to_apply_in_three_languages(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    on(clock, OPENS)
    with database.unit_of_work() as uow:
        offer(uow, OPENS)
        uow.commit()
    [letter] = offers(database)
    text = bodies(database, letter.id)
    assert set(text) == {"nb", "nn", "en"}
    nb, nn, en = text["nb"], text["nn"], text["en"]
    assert "Kontantstøtte for barnet ditt født 20. mai 2025" in nb
    assert "fra 1. juni 2026 til og med 31. desember 2026" in nb
    assert "heltidsplass i barnehage" in nb and "7\u00a0500 kr i måneden" in nb
    assert "https://www.nav.no/kontantstotte" in nb and "Søk innen 31. desember 2026" in nb
    assert "barnet ditt fødd 20. mai 2025" in nn and "frå 1. juni 2026" in nn
    assert "heiltidsplass" in nn and "Søk innan" in nn
    assert "from 1 June 2026 up to and including 31 December 2026" in en
    assert "NOK 7\u00a0500 a month" in en and "Apply by 31 December 2026" in en
    assert "Emma" not in nb  # the child is named by its birth date only


def test_sending_twice_or_running_the_day_twice_sends_one_letter_and_reads_once(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    on(clock, OPENS)
    reads = []
    for _ in range(2):
        with database.unit_of_work() as uow:
            offer(uow, OPENS)
            uow.commit()
        reads.append(len(nav_reads(database)))
    assert len(offers(database)) == 1
    assert reads == [1, 1]  # the second run found the key and read nothing


def test_nav_reads_the_child_for_kontantstoette_and_it_shows_in_the_access_log(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    _, _, child = family
    on(clock, OPENS)
    run_due(database, jobs=JOBS)
    [read] = nav_reads(database)
    assert (read.subjekt, read.datasett, read.hjemmel) == (
        child,
        "folkeregister.person.basis",
        "nav-kontantstoette-barn",
    )
    assert sorted(read.felter) == ["foedselsdato", "status"]


def test_a_dead_child_gets_nothing(
    database: Database, register: Register, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    """The case is still vedtatt here (NAV's stop has not run): the distributor's status is
    what stops the offer."""
    _, _, child = family
    on(clock, date(2025, 9, 1))
    register.run(register_death, ident=child, doedsdato=date(2025, 9, 1))
    on(clock, OPENS)
    with database.unit_of_work() as uow:
        offer(uow, OPENS)
        uow.commit()
    assert offers(database) == []
    assert len(nav_reads(database)) == 1  # it was checked


def test_a_closed_case_gets_nothing_and_is_not_read(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    _, _, child = family
    with database.unit_of_work() as uow:
        [sak] = uow.session.scalars(select(Sak).where(Sak.subject == child))
        ops.move(uow, BARNETRYGD, sak, SakStatus.AVSLUTTET, actor=ops.system_actor(BARNETRYGD))
        uow.commit()
    on(clock, OPENS)
    run_due(database, jobs=JOBS)
    assert offers(database) == []
    assert nav_reads(database) == []


def test_a_protected_address_never_reaches_the_letter(
    database: Database, register: Register, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A fortrolig mother not in KRR: the offer goes on paper, and neither the letter nor the
    print queue nor the log holds her address."""
    caplog.set_level(logging.DEBUG)
    mor = register.person(
        foedselsdato=date(1990, 2, 3), adresse_id=HEMMELIGVEIEN, adressebeskyttelse="fortrolig"
    )
    child = register.run(
        register_birth, mor=mor, foedselsdato=BORN, kjoenn="mann", fornavn="Jo"
    ).ident
    barnetrygd(database)
    on(clock, OPENS)
    run_due(database, jobs=JOBS)
    [letter] = offers(database)
    assert letter.recipient == mor
    with database.read_session() as session:
        [order] = session.scalars(select(Utskrift).where(Utskrift.forsendelse_id == letter.id))
        assert order.handling == "beskyttet-adresse"
        assert (order.name, order.address_lines) == (None, None)
    for text in [*bodies(database, letter.id).values(), caplog.text]:
        assert SECRET_STREET not in text and "7011" not in text
    assert mor not in caplog.text and child not in caplog.text


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)))
def test_a_child_is_offered_on_exactly_one_day(born: date) -> None:
    """For any birth date, of all the days from the birth to three years on, the job picks
    the child's birth month and confirms the child on exactly one: the window's first day."""
    offered = []
    day = born
    while day < born + timedelta(days=3 * 366):
        first = date(born.year, born.month, 1)
        if first in birth_months_opening_on(day) and opens_on(born, day):
            offered.append(day)
        day += timedelta(days=1)
    opens, closes = kontantstoette_window(born)
    assert offered == [opens]
    assert opens.day == 1 and closes.day == monthrange(closes.year, closes.month)[1]


def test_the_simulation_runs_the_job_after_each_day(
    database: Database, clock: SimulatedClock, family: tuple[str, str, str]
) -> None:
    """``felles simulate``'s step after a day: the consumers, then the day's jobs."""
    mor, _, _ = family
    step = ServicesStep(database)
    try:
        for day in (OPENS - timedelta(days=1), OPENS, OPENS + timedelta(days=1)):
            on(clock, day)
            step(day)
            assert len(offers(database)) == (day >= OPENS)
    finally:
        step.close()
    assert step.jobs.done == 3 and step.jobs.failed == 0
    [letter] = offers(database)
    assert letter.recipient == mor
    with database.read_session() as session:
        job = session.get(DailyJobRow, JOB)
        assert job is not None and job.last_done == OPENS + timedelta(days=1)
