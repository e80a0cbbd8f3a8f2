"""The transactional outbox and the ordered dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import (
    DeliveryFailure,
    Dispatcher,
    Event,
    OutboxRow,
    SubscriberCursor,
    last_seq,
    read_events,
)


def _event(n: int, type_: str = "no.test.happened") -> Event:
    return Event(type=type_, source="/test", subject=f"/thing/{n}", data={"n": n})


def _count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(OutboxRow)) or 0


def test_events_are_written_only_when_the_work_commits(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.emit(_event(1))
        # not committed: leaving the block rolls back
    assert _count(database) == 0

    with database.unit_of_work() as uow:
        uow.emit(_event(2))
        uow.commit()
    assert _count(database) == 1


def test_an_exception_rolls_back_the_change_and_its_event(database: Database) -> None:
    with pytest.raises(RuntimeError), database.unit_of_work() as uow:
        uow.emit(_event(1))
        raise RuntimeError("operation failed half-way")
    assert _count(database) == 0


def test_event_envelope_is_cloudevents_1_0(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.emit(_event(7))
        uow.commit()
    with database.read_session() as session:
        (stored,) = read_events(session)
    body = stored.event.to_cloudevent()
    assert body["specversion"] == "1.0"
    assert {"id", "source", "type", "time", "datacontenttype", "data"} <= body.keys()
    assert body["data"] == {"n": 7}
    assert body["subject"] == "/thing/7"


def test_dispatcher_delivers_in_order_and_records_progress(database: Database) -> None:
    with database.unit_of_work() as uow:
        for n in range(5):
            uow.emit(_event(n))
        uow.commit()
    seen: list[int] = []
    dispatcher = Dispatcher(database, batch_size=2)
    dispatcher.subscribe("collector", lambda e, _uow: seen.append(e.data["n"]))
    assert dispatcher.dispatch_until_idle() == 5
    assert seen == [0, 1, 2, 3, 4]
    with database.read_session() as session:
        cursor = session.get(SubscriberCursor, "collector")
        assert cursor is not None
        assert cursor.last_seq == last_seq(session)
        assert cursor.delivered == 5
    # Nothing is delivered twice.
    assert dispatcher.dispatch_until_idle() == 0


def test_type_filter_and_failure_keep_order(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.emit(_event(1))
        uow.emit(_event(2, "no.test.other"))
        uow.emit(_event(3))
        uow.commit()
    seen: list[int] = []
    attempts = {"n": 0}

    def flaky(event: Event, _uow: UnitOfWork) -> None:
        if event.data["n"] == 3 and attempts["n"] < 2:
            attempts["n"] += 1
            raise ValueError("temporary failure")
        seen.append(event.data["n"])

    dispatcher = Dispatcher(database)
    dispatcher.subscribe("flaky", flaky, type_prefixes=["no.test.happened"])
    dispatcher.dispatch_once()
    assert seen == [1]
    with database.read_session() as session:
        failure = session.get(DeliveryFailure, ("flaky", 3))
        assert failure is not None and failure.attempts == 1 and not failure.dead
    dispatcher.dispatch_once()
    dispatcher.dispatch_once()
    assert seen == [1, 3]


def test_a_handler_effect_and_its_events_commit_with_the_cursor(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.emit(_event(1))
        uow.commit()

    def react(event: Event, uow: UnitOfWork) -> None:
        if event.type == "no.test.happened":
            uow.emit(_event(100, "no.test.reaction"))

    dispatcher = Dispatcher(database)
    dispatcher.subscribe("reactor", react)
    dispatcher.dispatch_until_idle()
    with database.read_session() as session:
        types = [s.event.type for s in read_events(session)]
    assert types == ["no.test.happened", "no.test.reaction"]


def test_concurrent_writers_never_make_a_reader_skip_an_event(database: Database) -> None:
    """A reader that follows seq sees every event even while writers commit concurrently."""
    writers, per_writer = 4, 25
    seen: list[int] = []
    dispatcher = Dispatcher(database, batch_size=7)
    dispatcher.subscribe("reader", lambda e, _uow: seen.append(e.data["n"]))

    def write(base: int) -> None:
        for i in range(per_writer):
            with database.unit_of_work() as uow:
                uow.emit(_event(base + i))
                uow.commit()

    threads = [threading.Thread(target=write, args=(w * 1000,)) for w in range(writers)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        dispatcher.dispatch_once()
    for t in threads:
        t.join()
    dispatcher.dispatch_until_idle()
    assert sorted(seen) == sorted(w * 1000 + i for w in range(writers) for i in range(per_writer))
    assert len(seen) == len(set(seen))


def test_envelope_is_read_by_the_cloudevents_sdk() -> None:
    """The official CloudEvents SDK parses our structured-mode JSON (interoperability)."""
    import json

    from cloudevents.core.formats.json import JSONFormat

    event = _event(3)
    parsed = JSONFormat().read(None, json.dumps(event.to_cloudevent()))
    assert parsed.get_id() == event.id
    assert parsed.get_type() == event.type
    assert parsed.get_source() == event.source
    assert parsed.get_subject() == event.subject
    assert parsed.get_data() == {"n": 3}


def test_a_failed_savepoint_drops_its_rows_and_events_but_keeps_the_rest(
    database: Database,
) -> None:
    with database.unit_of_work() as uow:
        uow.emit(_event(1))
        with pytest.raises(ValueError), uow.savepoint():
            uow.emit(_event(2))
            raise ValueError("refused")
        with uow.savepoint():
            uow.emit(_event(3))
        uow.commit()
    with database.read_session() as session:
        assert [s.event.data["n"] for s in read_events(session)] == [1, 3]
