"""Event subscriptions in the shape of Altinn Events (decision 0031): validation first,
delivery to a real HTTP receiver, filters, entitlement through the decision point, retries
with growing delays ending in dead letters, the pull API and bad input. Each test runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from felles.kernel.bus import DatabaseTransport
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import Event
from felles.registries.folkeregister import operations as ops
from felles.sharing.callers import SCOPE as DATAFORDELER
from felles.subscriptions import service
from felles.subscriptions.api import PREFIX, SCOPE
from felles.subscriptions.consumer import CONSUMER
from felles.subscriptions.model import DeadLetterRow, DeliveryRow, SubscriptionRow
from tests.conftest import ADMIN_TOKEN
from tests.events_api.conftest import Receiver
from tests.registries.folkeregister.conftest import FJORDVEIEN, SOLBAKKEN, Register, seed_addresses
from tests.sharing.conftest import BANK, NAV, Machines, problem, register_org

SUBSCRIPTIONS = f"{PREFIX}/subscriptions"
EVENTS = f"{PREFIX}/events"
SCOPES = (SCOPE, DATAFORDELER)


@pytest.fixture
def frg(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def pump(database: Database) -> None:
    """Run the subscriptions' bus consumer until it has seen every event."""
    transport = DatabaseTransport(database)
    for _ in range(50):
        if transport.poll([CONSUMER], threading.Event()).idle:
            return
    raise AssertionError("the consumer did not become idle")


def subscribe(machines: Machines, token: dict[str, str], **body: Any) -> dict[str, Any]:
    response = machines.http.post(SUBSCRIPTIONS, json=body, headers=token)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"{SUBSCRIPTIONS}/{response.json()['id']}"
    answer: dict[str, Any] = response.json()
    return answer


def counts(database: Database) -> tuple[int, int, int]:
    with database.read_session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (SubscriptionRow, DeliveryRow, DeadLetterRow)
        )


def test_validation_first_then_events_the_subscriber_may_see(
    frg: Register, machines: Machines, receiver: Receiver, http: httpx.Client
) -> None:
    nav = machines.token(NAV, SCOPES)
    anne = frg.person()
    pump(frg.database)  # the history before the subscription is not sent
    created = subscribe(
        machines,
        nav,
        endPoint=receiver.url,
        typeFilter="no.folkeregisteret.",
        purpose="barnetrygd",
    )
    assert created["validated"] is False
    assert created["status"] == "awaiting-validation"
    assert created["consumer"] == f"/org/{NAV}"

    # Events that come before the validation wait for it.
    frg.clock.advance(timedelta(seconds=1))
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))
    pump(frg.database)
    first = service.deliver_due(frg.database, http)

    assert first.delivered == 1
    assert receiver.types() == [service.VALIDATION_TYPE]
    assert receiver.content_types[0].startswith("application/cloudevents+json")
    got = machines.http.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=nav).json()
    assert got["validated"] is True and got["status"] == "active"

    service.deliver_due(frg.database, http)
    assert receiver.types()[1:] == ["no.folkeregisteret.endringIBostedsadresse"]
    delivered = receiver.received[1]
    assert delivered["subject"] == anne
    assert delivered["specversion"] == "1.0"
    # Each event is queued once, however often the consumer runs.
    pump(frg.database)
    assert service.deliver_due(frg.database, http).delivered == 0
    assert counts(frg.database)[1:] == (0, 0)


def test_an_unentitled_subscriber_does_not_get_a_persons_event(
    frg: Register, machines: Machines, receiver: Receiver, http: httpx.Client
) -> None:
    bank, nav = machines.token(BANK, SCOPES), machines.token(NAV, SCOPES)
    anne = frg.person()
    for token, purpose in ((bank, "laanesoeknad"), (nav, "barnetrygd"), (nav, None)):
        body = {"endPoint": receiver.url, "purpose": purpose}
        subscribe(machines, token, **{k: v for k, v in body.items() if v is not None})
    service.deliver_due(frg.database, http)
    assert receiver.types() == [service.VALIDATION_TYPE] * 3
    receiver.received.clear()

    frg.clock.advance(timedelta(seconds=1))
    frg.run(ops.register_move, ident=anne, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 2))
    orgnr = register_org(frg.database, navn="Fjordkafe AS", form="AS")
    pump(frg.database)
    service.deliver_due(frg.database, http)

    with frg.database.read_session() as session:
        queued = {
            (row.subscription_id, row.cloudevent["subject"])
            for row in session.scalars(select(DeliveryRow))
        }
    assert queued == set()  # all delivered
    about_anne = [e for e in receiver.received if e.get("subject") == anne]
    about_org = [e for e in receiver.received if e.get("subject") == orgnr]
    # Only NAV with a purpose its legal basis covers gets the person's event ...
    assert len(about_anne) == 1
    # ... while an event about an organisation is open to every subscriber.
    assert len(about_org) >= 3 and len({e["id"] for e in about_org}) * 3 == len(about_org)


def test_filters_on_source_type_and_subject(
    frg: Register, machines: Machines, receiver: Receiver, http: httpx.Client
) -> None:
    bank = machines.token(BANK, SCOPES)
    first = register_org(frg.database, navn="Første AS", form="AS")
    pump(frg.database)
    by_type = subscribe(machines, bank, endPoint=receiver.url, typeFilter="no.brreg.nope.")
    by_source = subscribe(machines, bank, endPoint=receiver.url, sourceFilter="https://x.invalid")
    by_subject = subscribe(machines, bank, endPoint=receiver.url, subjectFilter=first)
    everything = subscribe(machines, bank, endPoint=receiver.url)
    service.deliver_due(frg.database, http)

    frg.clock.advance(timedelta(seconds=1))
    second = register_org(frg.database, navn="Andre AS", form="AS")
    pump(frg.database)
    with frg.database.read_session() as session:
        queued = [
            (row.subscription_id, row.cloudevent) for row in session.scalars(select(DeliveryRow))
        ]
    to = {
        sub: [e for s, e in queued if s == sub]
        for sub in (by_type["id"], by_source["id"], by_subject["id"], everything["id"])
    }
    assert to[by_type["id"]] == [] and to[by_source["id"]] == [] and to[by_subject["id"]] == []
    assert to[everything["id"]] and {e["subject"] for e in to[everything["id"]]} == {second}

    # A type and source prefix that match, and the subject itself.
    source, kind = to[everything["id"]][0]["source"], to[everything["id"]][0]["type"]
    matching = subscribe(
        machines,
        bank,
        endPoint=receiver.url,
        sourceFilter=source[:8],
        typeFilter=kind[:5],
        subjectFilter=second,
    )
    row = SubscriptionRow(
        source_filter=matching["sourceFilter"],
        type_filter=matching["typeFilter"],
        subject_filter=second,
    )
    event = Event(type=kind, source=source, subject=second, data={})
    assert service.matches(row, event)
    assert not service.matches(row, Event(type=kind, source=source, subject=first, data={}))


def test_a_failing_endpoint_is_retried_with_growing_delays_then_dead_lettered(
    frg: Register, machines: Machines, receiver: Receiver, http: httpx.Client
) -> None:
    bank = machines.token(BANK, SCOPES)
    pump(frg.database)
    created = subscribe(machines, bank, endPoint=receiver.url)
    receiver.statuses = [503, 500]  # the validation succeeds on the third try
    clock = frg.clock
    waits: list[timedelta] = []
    for _ in range(3):
        service.deliver_due(frg.database, http, max_attempts=4)
        with frg.database.read_session() as session:
            pending = session.scalars(select(DeliveryRow)).all()
            if pending:
                waits.append(service.aware(pending[0].next_attempt_at) - clock.now())
                clock.set(service.aware(pending[0].next_attempt_at))
    assert waits == [timedelta(seconds=1), timedelta(seconds=2)]
    assert receiver.types() == [service.VALIDATION_TYPE] * 3
    assert machines.http.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=bank).json()["validated"]

    receiver.always = 500
    receiver.received.clear()
    register_org(frg.database, navn="Feil AS", form="AS")
    pump(frg.database)
    with frg.database.read_session() as session:
        queued = len(session.scalars(select(DeliveryRow)).all())
    assert queued >= 1
    delays: list[timedelta] = []
    for _ in range(4):
        # Nothing is sent before its time.
        clock.advance(timedelta(milliseconds=500))
        before = len(receiver.received)
        if delays:
            assert service.deliver_due(frg.database, http, max_attempts=4).failed == 0
            assert len(receiver.received) == before
        with frg.database.read_session() as session:
            due = min(
                service.aware(r.next_attempt_at) for r in session.scalars(select(DeliveryRow))
            )
        clock.set(max(due, clock.now()))
        result = service.deliver_due(frg.database, http, max_attempts=4)
        with frg.database.read_session() as session:
            rows = session.scalars(select(DeliveryRow)).all()
            if rows:
                delays.append(service.aware(rows[0].next_attempt_at) - clock.now())
    assert delays == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4)]
    assert result.dead == queued
    assert len(receiver.received) == 4 * queued

    dead = machines.http.get(f"{SUBSCRIPTIONS}/{created['id']}/deadletters", headers=bank)
    assert dead.status_code == 200, dead.text
    letters = dead.json()
    assert len(letters) == queued
    assert letters[0]["attempts"] == 4 and letters[0]["lastError"] == "HTTP 500"
    assert letters[0]["validation"] is False
    assert counts(frg.database)[1] == 0


def test_backoff_doubles_and_is_capped() -> None:
    assert [service.backoff(n).total_seconds() for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert service.backoff(40) == service.MAX_DELAY


def test_the_pull_api_pages_with_after_and_withholds_people(
    frg: Register, machines: Machines
) -> None:
    nav, bank = machines.token(NAV, SCOPES), machines.token(BANK, SCOPES)
    anne = frg.person()
    frg.run(ops.register_move, ident=anne, adresse_id=FJORDVEIEN, flyttedato=date(2025, 5, 1))
    orgs = [register_org(frg.database, navn=f"Firma {n} AS", form="AS") for n in range(3)]

    seen: list[dict[str, Any]] = []
    after = "0"
    for _ in range(20):
        page = machines.http.get(
            EVENTS, params={"after": after, "size": 2, "purpose": "barnetrygd"}, headers=nav
        )
        assert page.status_code == 200, page.text
        assert 'rel="next"' in page.headers["Link"]
        nxt = httpx.URL(page.headers["next"]).params["after"]
        seen.extend(page.json())
        if nxt == after:
            break
        after = nxt
    subjects = [e.get("subject") for e in seen]
    assert anne in subjects and set(orgs) <= set(subjects)
    assert len({e["id"] for e in seen}) == len(seen)

    # The bank, without a legal basis for the person, sees the organisations only; an event id
    # works as the cursor as in Altinn.
    all_bank = machines.http.get(
        EVENTS, params={"after": "0", "size": 1000, "purpose": "laanesoeknad"}, headers=bank
    ).json()
    assert anne not in [e.get("subject") for e in all_bank]
    assert set(orgs) <= {e.get("subject") for e in all_bank}
    later = machines.http.get(EVENTS, params={"after": all_bank[0]["id"]}, headers=bank).json()
    assert [e["id"] for e in later] == [e["id"] for e in all_bank[1:]][: len(later)]
    by_type = machines.http.get(
        EVENTS,
        params={
            "after": "0",
            "type": "no.folkeregisteret.",
            "subject": anne,
            "purpose": "barnetrygd",
        },
        headers=nav,
    ).json()
    assert by_type and {e["subject"] for e in by_type} == {anne}


def test_bad_input_and_wrong_callers_are_refused_and_change_nothing(
    frg: Register, machines: Machines, receiver: Receiver
) -> None:
    bank = machines.token(BANK, SCOPES)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    without_scope = machines.token(BANK, (DATAFORDELER,))
    for body in (
        {"endPoint": "ftp://fagsystem.example.no/x"},
        {"endPoint": "http://fagsystem.example.no/x"},  # plain http only to this machine
        {"endPoint": "https://"},
        {"endPoint": receiver.url, "unknown": 1},
        {"endPoint": receiver.url, "purpose": "  "},
        {"endPoint": receiver.url, "typeFilter": "x" * 201},
        {},
    ):
        body_problem = problem(machines.http.post(SUBSCRIPTIONS, json=body, headers=bank), 422)
        assert body_problem["type"] == "/problems/invalid-input"
    problem(
        machines.http.post(
            SUBSCRIPTIONS, content=b"{", headers=bank | {"Content-Type": "application/json"}
        ),
        422,
    )
    problem(machines.http.post(SUBSCRIPTIONS, json={"endPoint": receiver.url}), 401)
    problem(machines.http.post(SUBSCRIPTIONS, json={"endPoint": receiver.url}, headers=admin), 403)
    problem(
        machines.http.post(SUBSCRIPTIONS, json={"endPoint": receiver.url}, headers=without_scope),
        403,
    )
    assert counts(frg.database) == (0, 0, 0)

    created = subscribe(machines, bank, endPoint=receiver.url)
    nav = machines.token(NAV, SCOPES)
    problem(machines.http.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=nav), 404)
    problem(machines.http.delete(f"{SUBSCRIPTIONS}/{created['id']}", headers=nav), 404)
    problem(machines.http.get(f"{SUBSCRIPTIONS}/0", headers=bank), 422)
    problem(machines.http.get(f"{SUBSCRIPTIONS}/999999", headers=bank), 404)
    problem(machines.http.get(EVENTS, params={"after": "no-such-event"}, headers=bank), 422)
    problem(machines.http.get(EVENTS, params={"after": "0", "size": 0}, headers=bank), 422)
    problem(machines.http.get(EVENTS, headers=bank), 422)
    assert machines.http.get(SUBSCRIPTIONS, headers=bank).json()["count"] == 1

    deleted = machines.http.delete(f"{SUBSCRIPTIONS}/{created['id']}", headers=bank)
    assert deleted.status_code == 200, deleted.text
    problem(machines.http.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=bank), 404)
    assert machines.http.get(SUBSCRIPTIONS, headers=bank).json() == {
        "count": 0,
        "subscriptions": [],
    }
    assert counts(frg.database)[1] == 0  # its validation delivery is gone with it
