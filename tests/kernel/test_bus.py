"""The event bus: every test runs on SQLite and PostgreSQL × in-database and NATS JetStream.

NATS is the server at ``FELLES_TEST_NATS_URL`` (default nats://127.0.0.1:4222) with
JetStream. Locally the NATS variants skip when it does not answer; in CI they fail, as the
PostgreSQL ones do. Each test uses its own stream and subjects, so runs never meet.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from felles.kernel.bus import (
    EVENTS_URL_ENV,
    Consumer,
    DatabaseTransport,
    NatsTransport,
    ProcessedEvent,
    Transport,
    Worker,
    handle_once,
)
from felles.kernel.bus import make_transport as choose_transport
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import Event, read_events
from tests.conftest import IN_CI

NATS_URL = os.environ.get("FELLES_TEST_NATS_URL", "nats://127.0.0.1:4222")
HAPPENED = "no.test.happened"
ECHO = "no.test.echo"

MakeTransport = Callable[..., Transport]


def _nats_or_skip() -> None:
    parsed = urlparse(NATS_URL)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 4222), 2):
            pass
    except OSError as error:
        message = f"NATS at {NATS_URL} does not answer ({type(error).__name__})"
        if IN_CI:
            pytest.fail(f"{message}; in CI the NATS tests must run, not skip")
        pytest.skip(f"{message}; NATS variants skipped (set FELLES_TEST_NATS_URL)")


@pytest.fixture(params=["indb", "nats"])
def transport_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "nats":
        _nats_or_skip()
    return str(request.param)


@pytest.fixture
def nats_names() -> dict[str, str]:
    tag = uuid.uuid4().hex[:12]
    return {"stream": f"FELLES_TEST_{tag}", "subject_prefix": f"felles.test.{tag}"}


@pytest.fixture
def make_transport(
    database: Database, transport_kind: str, nats_names: dict[str, str]
) -> Iterator[MakeTransport]:
    """Makes transports of this test's kind (each worker its own); closes them after."""
    made: list[Transport] = []

    def make(**options: object) -> Transport:
        transport: Transport
        if transport_kind == "nats":
            settings: dict[str, object] = {"fetch_timeout": 0.2, "ack_wait": 2.0}
            settings.update(options)
            transport = NatsTransport(database, NATS_URL, **nats_names, **settings)  # type: ignore[arg-type]
        else:
            transport = DatabaseTransport(database, **options)  # type: ignore[arg-type]
        made.append(transport)
        return transport

    yield make
    for transport in made:
        if isinstance(transport, NatsTransport):
            # Another transport of the same test may have deleted it already.
            with contextlib.suppress(Exception):
                transport.delete_stream()
        transport.close()


def _emit(database: Database, count: int, *, per_commit: int = 10, start: int = 0) -> list[str]:
    """``count`` events of type HAPPENED (plus one unrelated per commit); their ids in order."""
    ids: list[str] = []
    for first in range(start, start + count, per_commit):
        with database.unit_of_work() as uow:
            for n in range(first, min(first + per_commit, start + count)):
                event = Event(type=HAPPENED, source="/test", subject=f"/ting/{n}", data={"n": n})
                uow.emit(event)
                ids.append(event.id)
            uow.emit(Event(type="no.test.other", source="/test", data={}))
            uow.commit()
    return ids


def _echo(uow: UnitOfWork, event: Event) -> None:
    """The handler's effect, a write to this database: one echo event per event handled."""
    uow.emit(Event(type=ECHO, source="/test/echo", data={"of": event.id}))


def _echoes(database: Database) -> Counter[str]:
    with database.read_session() as session:
        events = read_events(session, limit=1_000_000)
    return Counter(s.event.data["of"] for s in events if s.event.type == ECHO)


def _run(transport: Transport, consumer: Consumer, *, interval: float = 0.05) -> Worker:
    worker = Worker(transport, [consumer], interval=interval)
    worker.run(threading.Event(), until_idle=True)
    return worker


def test_a_consumer_sees_every_event_once_in_outbox_order(
    database: Database, make_transport: MakeTransport
) -> None:
    ids = _emit(database, 25)
    seen: list[str] = []

    def handler(uow: UnitOfWork, event: Event) -> None:
        seen.append(event.id)
        _echo(uow, event)

    consumer = Consumer("samler", handler, types=(HAPPENED,))
    transport = make_transport()
    worker = _run(transport, consumer)
    assert seen == ids
    assert worker.totals.handled == 25
    assert _echoes(database) == Counter(ids)

    # New events later: only those come.
    more = _emit(database, 5, start=25)
    _run(transport, consumer)
    assert seen == ids + more
    with database.read_session() as session:
        processed = session.scalar(select(func.count()).select_from(ProcessedEvent))
    assert processed == 30


def test_a_redelivered_event_has_its_effect_once(
    database: Database, make_transport: MakeTransport
) -> None:
    ids = _emit(database, 12)
    calls: Counter[str] = Counter()

    def handler(uow: UnitOfWork, event: Event) -> None:
        calls[event.id] += 1
        _echo(uow, event)

    consumer = Consumer("gjentatt", handler, types=(HAPPENED,))
    transport = make_transport()
    _run(transport, consumer)

    # Deliver the whole stream again, as after a lost ack: every event is a duplicate.
    transport.rewind(consumer.name)
    again = _run(transport, consumer)
    assert again.totals.handled == 0
    assert again.totals.duplicates == 12
    assert calls == Counter(ids)
    assert _echoes(database) == Counter(ids)

    # And one event handed over twice by hand.
    with database.read_session() as session:
        first = next(s.event for s in read_events(session) if s.event.type == HAPPENED)
    assert handle_once(database, consumer, first) is False
    assert _echoes(database)[first.id] == 1


def test_two_workers_on_one_consumer_never_both_handle_an_event_and_handle_all(
    database: Database, make_transport: MakeTransport
) -> None:
    ids = _emit(database, 120, per_commit=40)
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def handler(uow: UnitOfWork, event: Event) -> None:
        with lock:
            calls[event.id] += 1
        time.sleep(0.001)  # long enough for the other worker to want the same work
        _echo(uow, event)

    consumer = Consumer("delt", handler, types=(HAPPENED,))
    transports = [make_transport(batch_size=10) for _ in range(2)]
    errors: list[str] = []

    def work(transport: Transport) -> None:
        try:
            deadline = time.monotonic() + 30
            while sum(calls.values()) < len(ids) and time.monotonic() < deadline:
                _run(transport, consumer)
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [
        threading.Thread(target=work, args=(t,), name=f"worker-{i}")
        for i, t in enumerate(transports)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert calls == Counter(ids), "each event handled exactly once, none left out"
    assert _echoes(database) == Counter(ids)


def test_a_failing_handler_leaves_the_event_to_be_retried(
    database: Database, make_transport: MakeTransport
) -> None:
    ids = _emit(database, 6)
    attempts: Counter[str] = Counter()
    poisoned = ids[2]

    def handler(uow: UnitOfWork, event: Event) -> None:
        attempts[event.id] += 1
        _echo(uow, event)  # undone with the failure
        if event.id == poisoned and attempts[event.id] == 1:
            raise RuntimeError("midlertidig feil")

    consumer = Consumer("feiler", handler, types=(HAPPENED,))
    transport = make_transport()
    worker = _run(transport, consumer)
    assert worker.totals.failed == 1
    assert attempts[poisoned] == 2
    assert _echoes(database) == Counter(ids), "every effect once, the failed one included"
    with database.read_session() as session:
        processed = set(session.scalars(select(ProcessedEvent.event_id)))
    assert processed == set(ids)


def test_the_transport_is_chosen_by_the_events_url(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EVENTS_URL_ENV, raising=False)
    assert isinstance(choose_transport(database), DatabaseTransport)
    with pytest.raises(ValueError, match="unknown transport"):
        choose_transport(database, "amqp://127.0.0.1")


CONSUMER_MODULE = """
    import time

    from felles.kernel.bus import Consumer, register
    from felles.kernel.events import Event


    def handler(uow, event):
        time.sleep(0.005)
        uow.emit(Event(type="no.test.echo", source="/test/echo", data={"of": event.id}))


    register(Consumer("krasj", handler, types=("no.test.happened",)))
"""


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_a_worker_stopped_mid_stream_leaves_every_effect_exactly_once(
    stop_signal: signal.Signals,
    database: Database,
    make_transport: MakeTransport,
    transport_kind: str,
    nats_names: dict[str, str],
    tmp_path: Path,
) -> None:
    ids = _emit(database, 300, per_commit=100)
    (tmp_path / "bus_krasj_consumers.py").write_text(textwrap.dedent(CONSUMER_MODULE))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "FELLES_DATABASE_URL": database.url,
        "FELLES_EVENTS_URL": NATS_URL if transport_kind == "nats" else "",
        "FELLES_EVENTS_ACK_WAIT": "2",
    }
    env["FELLES_EVENTS_STREAM"] = nats_names["stream"]
    env["FELLES_EVENTS_SUBJECT_PREFIX"] = nats_names["subject_prefix"]
    command = [sys.executable, "-m", "felles.cli", "worker", "--consumers", "bus_krasj_consumers"]
    process = subprocess.Popen(
        [*command, "--interval", "0.05", "--batch-size", "20"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while sum(_echoes(database).values()) < 40 and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            time.sleep(0.02)
        process.send_signal(stop_signal)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    done = _echoes(database)
    assert 40 <= sum(done.values()) < len(ids), "stopped mid-stream"
    assert max(done.values()) == 1
    if stop_signal == signal.SIGTERM:
        # A clean stop: the event in hand was finished, counts printed, exit status 0.
        assert process.returncode == 0
        assert process.stdout is not None and b"handled" in process.stdout.read()
    with database.read_session() as session:
        processed = set(session.scalars(select(ProcessedEvent.event_id)))
    assert processed == set(done), "the record and the handler's writes commit together"

    # A new worker picks up where the dead one's last commit left off.
    calls: Counter[str] = Counter()

    def handler(uow: UnitOfWork, event: Event) -> None:
        calls[event.id] += 1
        _echo(uow, event)

    consumer = Consumer("krasj", handler, types=(HAPPENED,))
    transport = make_transport(ack_wait=2.0) if transport_kind == "nats" else make_transport()
    deadline = time.monotonic() + 30
    while sum(_echoes(database).values()) < len(ids) and time.monotonic() < deadline:
        _run(transport, consumer)
    assert _echoes(database) == Counter(ids), "every effect exactly once after the crash"


def test_until_idle_stops_at_an_event_that_keeps_failing(
    database: Database, make_transport: MakeTransport
) -> None:
    ids = _emit(database, 3)

    def handler(uow: UnitOfWork, event: Event) -> None:
        if event.id == ids[0]:
            raise RuntimeError("alltid feil")
        _echo(uow, event)

    worker = Worker(make_transport(), [Consumer("evig-feil", handler, types=(HAPPENED,))])
    worker.interval = 0.05
    worker.run(threading.Event(), until_idle=True, max_rounds=200)
    assert worker.stuck, "until idle gives up on an event that fails pass after pass"
    assert ids[0] not in _echoes(database)
