"""Barnetrygd at birth end to end: a birth in Folkeregisteret, the worker runs the service,
and the mother has a decision — or a caseworker a task — with the data read through the
distributor and logged in her access log."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from felles.access.log.model import LogEntryRow
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.registries.folkeregister.operations import register_birth
from felles.services import consumers  # noqa: F401 - registers the services' consumers
from felles.services.barnetrygd import NAV_ORGNR, SERVICE
from felles.services.barnetrygd.service import handle_births
from felles.services.model import Dokument, Oppgave, Sak, SakHendelse, Vedtak
from felles.services.runtime import consumer_for
from tests.registries.folkeregister.conftest import (
    HEMMELIGVEIEN,
    SECRET_STREET,
    Register,
    seed_addresses,
)


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)


def born(register: Register, mor: str, day: date, **extra: Any) -> str:
    child = register.run(
        register_birth, mor=mor, foedselsdato=day, kjoenn="kvinne", fornavn="Emma", **extra
    )
    return child.ident


def run_worker(database: Database) -> None:
    consumer = consumer_for(SERVICE, handle_births)
    totals = Worker(DatabaseTransport(database), [consumer]).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


def rows(database: Database, model: Any, **where: Any) -> list[Any]:
    with database.read_session() as session:
        key = model.sekvensnummer if model is LogEntryRow else model.id
        query = select(model).filter_by(**where).order_by(key)
        found = list(session.scalars(query))
        session.expunge_all()
        return found


def test_a_birth_gives_the_mother_barnetrygd_without_applying(
    database: Database, register: Register, clock: SimulatedClock
) -> None:
    mor = register.person(foedselsdato=date(1990, 2, 3))
    child = born(register, mor, date(2025, 5, 20))
    run_worker(database)

    [sak] = rows(database, Sak)
    assert (sak.service_id, sak.subject, sak.part, sak.status) == (
        SERVICE.id,
        child,
        mor,
        "vedtatt",
    )
    [vedtak] = rows(database, Vedtak, sak_id=sak.id)
    assert vedtak.outcome == "innvilget" and vedtak.automatic
    assert vedtak.period_from == date(2025, 6, 1)
    assert vedtak.period_to == date(2043, 4, 30)  # the month before the 18th birthday
    assert vedtak.amounts[0] == {"fom": "2025-06-01", "tom": "2026-01-31", "beloep": 1968}
    assert vedtak.amounts[1]["fom"] == "2026-02-01" and vedtak.amounts[1]["beloep"] == 2012
    decided = clock.today()
    assert vedtak.klage["frist"] == (decided + timedelta(weeks=6)).isoformat()
    assert {use["om"] for use in vedtak.data_used} == {"barn", "mor"}
    assert all(use["grunnlag"] for use in vedtak.data_used)
    assert vedtak.explanation

    history = [h.to_status for h in rows(database, SakHendelse, sak_id=sak.id)]
    assert history == ["opprettet", "under_behandling", "vedtatt"]
    letters = rows(database, Dokument, sak_id=sak.id)
    assert sorted(d.language for d in letters) == ["en", "nb", "nn"]
    shown = {"nb": "1 968 kr", "nn": "1 968 kr", "en": "NOK 1,968"}
    assert all(shown[d.language] in d.content.replace("\u00a0", " ") for d in letters)

    # Every read was through the distributor, for barnetrygd, in the mother's and child's logs.
    logged = rows(database, LogEntryRow)
    assert {(e.konsument, e.formaal) for e in logged} == {(NAV_ORGNR, "barnetrygd")}
    assert {e.subjekt for e in logged} == {mor, child}

    with database.read_session() as session:
        types = set(
            session.scalars(select(OutboxRow.type).where(OutboxRow.type.like("no.felles.%")))
        )
    assert types == {
        "no.felles.sak.opprettet",
        "no.felles.sak.under_behandling",
        "no.felles.sak.vedtatt",
        "no.felles.vedtak.fattet",
    }


def test_a_young_mother_goes_to_a_caseworker_with_the_reason(
    database: Database, register: Register
) -> None:
    mor = register.person(foedselsdato=date(2008, 1, 1))
    born(register, mor, date(2025, 5, 20))
    run_worker(database)

    [sak] = rows(database, Sak)
    assert sak.status == "til_manuell_behandling"
    assert rows(database, Vedtak) == []
    [oppgave] = rows(database, Oppgave)
    assert (oppgave.owner_orgnr, oppgave.tema, oppgave.status) == (NAV_ORGNR, "BAR", "OPPRETTET")
    assert [r["kode"] for r in oppgave.reasons] == ["MOR_ER_OVER_18_AAR"]


def test_a_child_born_four_months_after_a_sibling_is_not_automatic(
    database: Database, register: Register
) -> None:
    mor = register.person(foedselsdato=date(1990, 2, 3))
    first = born(register, mor, date(2025, 1, 10))
    second = born(register, mor, date(2025, 5, 20))
    run_worker(database)

    status = {sak.subject: sak for sak in rows(database, Sak)}
    assert status[first].status == "vedtatt"
    assert status[second].status == "til_manuell_behandling"
    [oppgave] = rows(database, Oppgave)
    assert [r["kode"] for r in oppgave.reasons] == ["MER_ENN_5_MND_SIDEN_FORRIGE_BARN"]


def test_twins_are_both_granted(database: Database, register: Register) -> None:
    mor = register.person(foedselsdato=date(1990, 2, 3))
    born(register, mor, date(2025, 5, 20))
    born(register, mor, date(2025, 5, 20))
    run_worker(database)
    assert sorted(s.status for s in rows(database, Sak)) == ["vedtatt", "vedtatt"]


def test_a_strictly_confidential_address_goes_to_a_caseworker_and_never_leaks(
    database: Database, register: Register
) -> None:
    mor = register.person(
        foedselsdato=date(1990, 2, 3),
        adresse_id=HEMMELIGVEIEN,
        adressebeskyttelse="strengtFortrolig",
    )
    born(register, mor, date(2025, 5, 20))
    run_worker(database)
    [sak] = rows(database, Sak)
    assert sak.status == "til_manuell_behandling"
    [oppgave] = rows(database, Oppgave)
    assert "IKKE_STRENGT_FORTROLIG_ADRESSE" in [r["kode"] for r in oppgave.reasons]
    with database.read_session() as session:
        written = [
            repr(row)
            for model in (Oppgave, SakHendelse, Vedtak, Dokument)
            for row in session.execute(select(model.__table__))
        ]
        events = [str(data) for data in session.scalars(select(OutboxRow.data))]
    assert not any(SECRET_STREET in text for text in written + events)


def test_a_redelivered_birth_makes_no_second_case(database: Database, register: Register) -> None:
    mor = register.person(foedselsdato=date(1990, 2, 3))
    born(register, mor, date(2025, 5, 20))
    run_worker(database)
    transport = DatabaseTransport(database)
    transport.rewind(SERVICE.consumer_name)
    run_worker(database)
    # And even without the processed-events record, the case is one per child.
    with database.unit_of_work() as uow:
        from felles.kernel.events import read_events

        births = [
            s.event
            for s in read_events(uow.session, after_seq=0, limit=1000)
            if s.event.type in SERVICE.trigger.event_types
        ]
        handle_births(uow, births)
        uow.commit()
    with database.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Sak)) == 1
        assert session.scalar(select(func.count()).select_from(Vedtak)) == 1
