"""The event bus: consumers of the outbox, delivered at least once, with an exactly-once effect.

A ``Consumer`` names itself, says which event types it wants and gives a handler taking
``(uow, event)``. Delivery is at least once on every transport. Each consumer keeps a
processed-events record (``bus_processed``, one row per consumer and event id) written in
the same transaction as the handler's own writes, so a redelivered event is skipped: for a
handler that writes only to this database the effect is exactly once.

Two transports read the same outbox (``kernel_outbox``) and run the same consumers:

* ``DatabaseTransport`` (default, nothing to set up): each consumer follows the outbox
  after its cursor (``bus_cursor``). The cursor row is locked for the batch — ``FOR UPDATE
  SKIP LOCKED`` on PostgreSQL, so a second worker moves on to another consumer instead of
  waiting; on SQLite the first write takes the database's one write lock. The unit of
  parallelism is the consumer; within one consumer events are handled in outbox order.
* ``NatsTransport`` (``FELLES_EVENTS_URL=nats://...``): a relay publishes outbox events in
  order to a JetStream stream, with ``Nats-Msg-Id`` = event id so a republish after a crash
  is dropped by the stream, and remembers how far it got in ``bus_cursor``. Each consumer is
  one durable pull consumer shared by every worker process, which is how several workers
  on several machines split one consumer's work. A message is acked after the handler's
  transaction commits; a crash before the ack redelivers it and the record skips it.

Decision record: docs/decisions/0030-event-bus.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

import orjson
from sqlalchemy import BigInteger, DateTime, String, Table, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from felles.kernel.clock import get_clock
from felles.kernel.db import Base, Database, UnitOfWork
from felles.kernel.events import (
    Event,
    StoredEvent,
    last_seq,
    read_events,
    read_events_of_types,
)
from felles.kernel.setwise import insert_new

log = logging.getLogger(__name__)

#: The environment variable that selects the transport (unset or empty: in-database).
EVENTS_URL_ENV = "FELLES_EVENTS_URL"
STREAM_ENV = "FELLES_EVENTS_STREAM"
SUBJECT_PREFIX_ENV = "FELLES_EVENTS_SUBJECT_PREFIX"
DEFAULT_STREAM = "FELLES_EVENTS"
DEFAULT_SUBJECT_PREFIX = "felles.events"

BusHandler = Callable[[UnitOfWork, Event], None]
BatchHandler = Callable[[UnitOfWork, Sequence[Event]], None]


class ProcessedEvent(Base):
    """An event a consumer has handled: written with the handler's own writes."""

    __tablename__ = "bus_processed"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BusCursor(Base):
    """How far a consumer (in-database transport) or a relay (NATS) has got in the outbox."""

    __tablename__ = "bus_cursor"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Consumer:
    """A consumer of the event stream.

    ``types`` are prefixes of event types (``"no.skatteetaten."``); empty means every event.
    Give whole types or prefixes that end in a dot: on NATS a one-type consumer's durable
    reads only that type's subject (or subjects under the prefix).
    The handler changes rows through ``uow.session`` and may ``uow.emit`` new events; it
    must not commit. It must not put personal data in an exception message (failures are
    logged).

    ``batch``, when given, takes all the wanted events of one transport batch at once (a
    service that fetches data or computes rules for many events together). It must have the
    same effect as ``handler`` on each event in turn; when it raises, the events are handled
    one by one with ``handler`` so that only the failing event stays unprocessed.
    """

    name: str
    handler: BusHandler
    types: tuple[str, ...] = ()
    batch: BatchHandler | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", self.name):
            # The name is also a JetStream durable name, which allows no dots or wildcards.
            raise ValueError(f"consumer name {self.name!r}: use letters, digits, _ and -")

    def wants(self, event_type: str) -> bool:
        return not self.types or event_type.startswith(self.types)


_registry: dict[str, Consumer] = {}


def register(consumer: Consumer) -> Consumer:
    """Register a consumer for ``felles worker`` (a block does this when it is imported)."""
    existing = _registry.get(consumer.name)
    if existing is not None and existing != consumer:
        raise ValueError(f"consumer {consumer.name!r} is already registered")
    _registry[consumer.name] = consumer
    return consumer


def registered_consumers() -> tuple[Consumer, ...]:
    return tuple(_registry.values())


@dataclass
class Round:
    """What one pass of a transport did (counts only: never event contents)."""

    handled: int = 0  # handler ran and committed
    duplicates: int = 0  # already in the processed-events record: skipped
    failed: int = 0  # handler raised; the event stays unprocessed and comes again
    moved: int = 0  # events consumed in any way, including ones the consumer does not want
    published: int = 0  # relayed to NATS
    busy: bool = False  # another worker held a lock this pass wanted

    def add(self, other: Round) -> None:
        self.handled += other.handled
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.moved += other.moved
        self.published += other.published
        self.busy = self.busy or other.busy

    @property
    def idle(self) -> bool:
        return self.moved == 0 and self.published == 0 and self.failed == 0 and not self.busy


def _claim(session: Session, consumer: str, event_id: str) -> bool:
    """Write the processed-events row; False when the event was processed already.

    The insert comes first, before any read: on SQLite a transaction that read before its
    first write fails at once when another wrote meanwhile, while a first write waits for
    the lock (busy_timeout). On PostgreSQL a concurrent claim of the same event waits here
    for the other transaction and then fails on the primary key, so the handler never runs
    twice at once either.
    """
    try:
        # Its own savepoint: a lost race undoes only this row, not the caller's savepoint.
        with session.begin_nested():
            session.add(
                ProcessedEvent(consumer=consumer, event_id=event_id, processed_at=get_clock().now())
            )
    except IntegrityError:
        return False
    return True


def _claim_many(session: Session, consumer: str, events: Sequence[Event]) -> list[Event]:
    """``_claim`` for a batch in one statement: the events not processed before, in order.

    ``ON CONFLICT DO NOTHING`` skips an event already in the record; on PostgreSQL a claim
    that another transaction holds uncommitted waits for it, as a single claim does.
    """
    now = get_clock().now()
    rows = [{"consumer": consumer, "event_id": e.id, "processed_at": now} for e in events]
    table = cast("Table", ProcessedEvent.__table__)
    inserted = insert_new(
        session, table, rows, conflict=("consumer", "event_id"), returning=("event_id",)
    )
    claimed = {event_id for (event_id,) in inserted}
    return [event for event in events if event.id in claimed]


def handle_in(uow: UnitOfWork, consumer: Consumer, event: Event) -> bool | None:
    """Run the handler for one event inside ``uow`` (in a savepoint), not committing.

    True: handled; False: already processed (skipped); None: the handler raised (its writes
    and events are undone, the event stays unprocessed).
    """
    try:
        with uow.savepoint():
            if not _claim(uow.session, consumer.name, event.id):
                raise _AlreadyProcessedError
            consumer.handler(uow, event)
    except _AlreadyProcessedError:
        return False
    except Exception as error:  # a failing handler must not stop the worker
        log.warning(
            "event handler failed",
            # The exception type only: a handler's message could carry personal data.
            extra={"consumer": consumer.name, "error": type(error).__name__},
        )
        return None
    return True


class _AlreadyProcessedError(Exception):
    """Rolls the claim's savepoint back when the event was processed before."""


def handle_batch_in(
    uow: UnitOfWork, consumer: Consumer, events: Sequence[Event], *, stop_at_failure: bool
) -> list[bool | None]:
    """``handle_in`` for several events, through the consumer's batch handler when it has one.

    Returns one outcome per event, in order. With ``stop_at_failure`` (the in-database
    transport, which keeps order) the list ends at the first failing event: the events after
    it were not attempted.
    """
    if consumer.batch is not None and len(events) > 1:
        try:
            with uow.savepoint():
                claimed = _claim_many(uow.session, consumer.name, events)
                if claimed:
                    consumer.batch(uow, claimed)
        except Exception as error:
            log.warning(
                "batch handler failed; handling the events one by one",
                extra={"consumer": consumer.name, "error": type(error).__name__},
            )
        else:
            done = {event.id for event in claimed}
            return [event.id in done for event in events]
    outcomes: list[bool | None] = []
    for event in events:
        outcome = handle_in(uow, consumer, event)
        outcomes.append(outcome)
        if outcome is None and stop_at_failure:
            break
    return outcomes


def handle_once(database: Database, consumer: Consumer, event: Event) -> bool | None:
    """Handle one event in its own unit of work and commit (see ``handle_in``)."""
    with database.unit_of_work() as uow:
        outcome = handle_in(uow, consumer, event)
        if outcome:
            uow.commit()
        return outcome


class Transport(Protocol):
    def poll(self, consumers: Sequence[Consumer], stop: StopFlag) -> Round:
        """One pass over every consumer; handles what is pending now."""
        ...

    def rewind(self, consumer: str) -> None:
        """Deliver everything again to ``consumer`` (replay; duplicates are skipped)."""
        ...

    def close(self) -> None: ...


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


def _ensure_cursors(database: Database, names: Iterable[str]) -> None:
    """Create missing cursor rows up front, so workers only ever lock existing rows."""
    for name in names:
        with database.unit_of_work() as uow:
            if uow.session.get(BusCursor, name) is not None:
                continue
            uow.session.add(BusCursor(name=name, last_seq=0, updated_at=get_clock().now()))
            with contextlib.suppress(IntegrityError):  # another worker created it first
                uow.commit()


def _lock_cursor(uow: UnitOfWork, name: str) -> BusCursor | None:
    """The cursor row, locked until the unit of work ends; None when another worker has it."""
    session = uow.session
    if uow.database.is_postgresql:
        query = select(BusCursor).where(BusCursor.name == name).with_for_update(skip_locked=True)
        return session.scalar(query)
    # SQLite: writing first takes the database's write lock now, not at commit, so a second
    # worker waits (busy_timeout) instead of handling the same events from an old snapshot.
    session.execute(
        update(BusCursor).where(BusCursor.name == name).values(updated_at=get_clock().now())
    )
    return session.get(BusCursor, name)


class DatabaseTransport:
    """Consumers read the outbox after their cursor; zero set-up."""

    def __init__(self, database: Database, *, batch_size: int = 500) -> None:
        self.database = database
        self.batch_size = batch_size
        self._ready: set[str] = set()

    def poll(self, consumers: Sequence[Consumer], stop: StopFlag) -> Round:
        missing = [c.name for c in consumers if c.name not in self._ready]
        if missing:
            _ensure_cursors(self.database, missing)
            self._ready.update(missing)
        total = Round()
        for consumer in consumers:
            if stop.is_set():
                break
            total.add(self._poll_one(consumer, stop))
        return total

    def _poll_one(self, consumer: Consumer, stop: StopFlag) -> Round:
        result = Round()
        with self.database.unit_of_work() as uow:
            try:
                cursor = _lock_cursor(uow, consumer.name)
            except OperationalError:
                # SQLite: another worker held the write lock past busy_timeout; try later.
                result.busy = True
                return result
            if cursor is None:
                result.busy = True
                return result
            # Up to the last committed seq only (decision 0004: nothing below it can appear).
            up_to = last_seq(uow.session)
            pending, scanned_to = self._pending(uow, consumer, after=cursor.last_seq, up_to=up_to)
            wanted = [stored.event for stored in pending if consumer.wants(stored.event.type)]
            outcomes = dict(
                zip(
                    (event.id for event in wanted),
                    handle_batch_in(uow, consumer, wanted, stop_at_failure=True),
                    strict=False,  # ends at a failing event
                )
            )
            for stored in pending:
                if consumer.wants(stored.event.type):
                    outcome = outcomes.get(stored.event.id)
                    if outcome is None:
                        # Keep order: nothing after a failing event is handled yet; the
                        # cursor stays before it, so it is retried on a later pass.
                        result.failed += 1
                        break
                    if outcome:
                        result.handled += 1
                    else:
                        result.duplicates += 1
                cursor.last_seq = stored.seq
                result.moved += 1
            else:
                # Every event up to scanned_to was read: none after the last one is wanted.
                cursor.last_seq = max(cursor.last_seq, scanned_to)
            cursor.updated_at = get_clock().now()
            uow.commit()
        return result

    def _pending(
        self, uow: UnitOfWork, consumer: Consumer, *, after: int, up_to: int
    ) -> tuple[list[StoredEvent], int]:
        """The next events for ``consumer`` after its cursor, and how far they were read.

        A consumer of some types reads only those (the outbox holds every block's events,
        most of them not for it); the cursor may then move past the events it skipped.
        """
        if consumer.types:
            pending = read_events_of_types(
                uow.session,
                type_prefixes=consumer.types,
                after_seq=after,
                up_to_seq=up_to,
                limit=self.batch_size,
            )
            full = len(pending) == self.batch_size
            return pending, pending[-1].seq if full else max(after, up_to)
        pending = [
            stored
            for stored in read_events(uow.session, after_seq=after, limit=self.batch_size)
            if stored.seq <= up_to
        ]
        return pending, pending[-1].seq if pending else after

    def rewind(self, consumer: str) -> None:
        """Deliver everything again to ``consumer`` (the processed record skips what it had)."""
        _ensure_cursors(self.database, [consumer])
        with self.database.unit_of_work() as uow:
            uow.session.execute(
                update(BusCursor).where(BusCursor.name == consumer).values(last_seq=0)
            )
            uow.commit()

    def close(self) -> None:
        pass


def _subject_token(event_type: str) -> str:
    # A NATS subject token may not hold spaces or wildcards, and no token may be empty.
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", event_type)
    return ".".join(part or "_" for part in cleaned.split("."))


def _event_from_json(body: bytes) -> Event:
    doc: dict[str, Any] = orjson.loads(body)
    return Event(
        id=doc["id"],
        type=doc["type"],
        source=doc["source"],
        subject=doc.get("subject"),
        time=datetime.fromisoformat(doc["time"]),
        data=doc.get("data") or {},
        datacontenttype=doc.get("datacontenttype", "application/json"),
        specversion=doc.get("specversion", "1.0"),
    )


#: How many fetched, unacked messages a NATS durable allows, all workers together.
MAX_ACK_PENDING = 50_000


@dataclass
class NatsTransport:
    """Outbox → JetStream relay plus durable pull consumers shared by all workers."""

    database: Database
    url: str
    stream: str = DEFAULT_STREAM
    subject_prefix: str = DEFAULT_SUBJECT_PREFIX
    batch_size: int = 200
    fetch_timeout: float = 0.5
    #: How long a fetched, unacked message is held before JetStream redelivers it (a worker
    #: that died mid-event). Longer than any handler takes.
    ack_wait: float = 30.0
    #: The first delay before a failed event is delivered again (doubling each time).
    retry_delay: float = 0.2
    _loop: asyncio.AbstractEventLoop = field(init=False, repr=False)
    _nc: Any = field(default=None, init=False, repr=False)
    _js: Any = field(default=None, init=False, repr=False)
    _subs: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _relay_ready: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        # The worker is synchronous (SQLAlchemy sessions); the client runs on a private loop.
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._connect())

    @property
    def relay_name(self) -> str:
        return f"relay:{self.stream}"

    async def _connect(self) -> None:
        import nats
        from nats.js.api import StreamConfig

        self._nc = await nats.connect(self.url, connect_timeout=3, max_reconnect_attempts=3)
        self._js = self._nc.jetstream()
        config = StreamConfig(name=self.stream, subjects=[f"{self.subject_prefix}.>"])
        try:
            await self._js.stream_info(self.stream)
        except Exception:  # not there yet: create it (a concurrent create of the same is fine)
            await self._js.add_stream(config)

    def _run(self, coroutine: Any) -> Any:
        return self._loop.run_until_complete(coroutine)

    def poll(self, consumers: Sequence[Consumer], stop: StopFlag) -> Round:
        total = Round()
        total.add(self.relay())
        for consumer in consumers:
            if stop.is_set():
                break
            total.add(self._run(self._consume(consumer, stop)))
        return total

    # The relay -----------------------------------------------------------------------------

    def relay(self, *, limit: int = 1000) -> Round:
        """Publish the outbox after the relay's cursor to the stream, in order.

        One relay at a time: the cursor row is locked while publishing. A crash after a
        publish but before the commit republishes; the stream drops it by ``Nats-Msg-Id``
        (within its duplicate window, two minutes by default).
        """
        if not self._relay_ready:
            _ensure_cursors(self.database, [self.relay_name])
            self._relay_ready = True
        result = Round()
        with self.database.unit_of_work() as uow:
            cursor = _lock_cursor(uow, self.relay_name)
            if cursor is None:
                result.busy = True
                return result
            up_to = last_seq(uow.session)
            pending = [
                s
                for s in read_events(uow.session, after_seq=cursor.last_seq, limit=limit)
                if s.seq <= up_to
            ]
            if not pending:
                uow.rollback()
                return result
            self._run(self._publish(pending))
            cursor.last_seq = pending[-1].seq
            cursor.updated_at = get_clock().now()
            uow.commit()
            result.published = len(pending)
        return result

    async def _publish(self, pending: Sequence[StoredEvent]) -> None:
        # Published one after another on one connection, so the stream stores them in outbox
        # order, without waiting for each ack before the next; all acks are in before the
        # relay's cursor moves (a missing one raises, and the batch is published again).
        futures = []
        for stored in pending:
            event = stored.event
            futures.append(
                await self._js.publish_async(
                    f"{self.subject_prefix}.{_subject_token(event.type)}",
                    orjson.dumps(event.to_cloudevent()),
                    headers={
                        "Nats-Msg-Id": event.id,
                        "Content-Type": "application/cloudevents+json",
                        "Felles-Seq": str(stored.seq),
                    },
                )
            )
        await asyncio.wait_for(asyncio.gather(*futures), timeout=30)

    # Consumers -----------------------------------------------------------------------------

    async def _subscription(self, consumer: Consumer) -> Any:
        sub = self._subs.get(consumer.name)
        if sub is None:
            from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

            config = ConsumerConfig(
                durable_name=consumer.name,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=self.ack_wait,
                filter_subject=self._filter_subject(consumer),
                # The server's default (1 000) would let one worker's fetch hold them all,
                # and the others would find nothing to fetch.
                max_ack_pending=MAX_ACK_PENDING,
            )
            sub = await self._js.pull_subscribe(
                config.filter_subject or "",
                durable=consumer.name,
                stream=self.stream,
                config=config,
            )
            self._subs[consumer.name] = sub
        return sub

    def _filter_subject(self, consumer: Consumer) -> str:
        """The subjects a consumer's durable reads: only its type when it wants one type that
        ends at a token (a whole type, or a prefix ending in a dot), so the stream does not
        hand it every other block's events; otherwise all (``wants`` filters them)."""
        if len(consumer.types) == 1:
            wanted = consumer.types[0]
            if wanted.endswith("."):
                return f"{self.subject_prefix}.{_subject_token(wanted[:-1])}.>"
            return f"{self.subject_prefix}.{_subject_token(wanted)}"
        return f"{self.subject_prefix}.>"

    async def _consume(self, consumer: Consumer, stop: StopFlag) -> Round:
        from nats.errors import TimeoutError as NatsTimeout

        result = Round()
        sub = await self._subscription(consumer)
        try:
            messages = await sub.fetch(self.batch_size, timeout=self.fetch_timeout)
        except (TimeoutError, NatsTimeout):  # nothing to fetch (both kinds occur)
            return result
        events = [_event_from_json(message.data) for message in messages]
        wanted = [event for event in events if consumer.wants(event.type)]
        outcomes: dict[str, bool | None] = {}
        if wanted:
            # One transaction for the fetched batch; every event is claimed in it.
            with self.database.unit_of_work() as uow:
                handled = handle_batch_in(uow, consumer, wanted, stop_at_failure=False)
                uow.commit()
            outcomes = dict(zip((event.id for event in wanted), handled, strict=True))
        for message, event in zip(messages, events, strict=True):
            result.moved += 1
            outcome = outcomes.get(event.id, True)
            if outcome is None:
                result.failed += 1
                # Back off, so a failing event does not spin: 0.2 s, 0.4 s, … up to a minute.
                delivered = message.metadata.num_delivered or 1
                await message.nak(delay=min(self.retry_delay * 2 ** (delivered - 1), 60.0))
                continue
            if event.id in outcomes:
                if outcome:
                    result.handled += 1
                else:
                    result.duplicates += 1
            # After the commit: a crash before this line only causes a redelivery.
            await message.ack()
        return result

    def rewind(self, consumer: str) -> None:
        """Deliver the whole stream again to ``consumer`` (the processed record skips what it
        had): its durable consumer is deleted and made afresh on the next poll."""
        self._subs.pop(consumer, None)
        self._run(self._js.delete_consumer(self.stream, consumer))

    def delete_stream(self) -> None:
        """Remove the stream and its consumers (tests)."""
        self._run(self._js.delete_stream(self.stream))

    def close(self) -> None:
        if self._nc is not None:
            # Close, not drain: every message fetched was acked or nakked already (handlers
            # run synchronously), and a drain waits on subscriptions of a deleted stream.
            self._run(self._nc.close())
            self._nc = None
        self._loop.close()


def make_transport(database: Database, url: str | None = None, **options: Any) -> Transport:
    """The transport ``url`` (or ``FELLES_EVENTS_URL``) names; in-database when unset."""
    url = url if url is not None else os.environ.get(EVENTS_URL_ENV, "")
    if not url:
        return DatabaseTransport(database, **options)
    if url.startswith(("nats://", "tls://")):
        # Several felles installations may share one NATS server, each with its own stream.
        options.setdefault("stream", os.environ.get(STREAM_ENV) or DEFAULT_STREAM)
        options.setdefault(
            "subject_prefix", os.environ.get(SUBJECT_PREFIX_ENV) or DEFAULT_SUBJECT_PREFIX
        )
        return NatsTransport(database, url, **options)
    raise ValueError(f"{EVENTS_URL_ENV}: unknown transport in {url!r} (use nats://host:port)")


#: Passes that find only failing events before ``until_idle`` gives up on them.
STUCK_PASSES = 3


class Worker:
    """Runs consumers on a transport until stopped, or until idle."""

    def __init__(
        self,
        transport: Transport,
        consumers: Sequence[Consumer],
        *,
        interval: float = 0.5,
        each_pass: Callable[[], int] | None = None,
    ) -> None:
        self.transport = transport
        self.consumers = tuple(consumers)
        self.interval = interval
        #: Called after every pass (``felles worker``: the due daily jobs,
        #: ``kernel.schedule.DailyJobs``); a pass where it did something (> 0) is not idle.
        self.each_pass = each_pass
        self.totals = Round()
        #: True when ``run(until_idle=True)`` stopped with events that keep failing.
        self.stuck = False

    def run(self, stop: Any, *, until_idle: bool = False, max_rounds: int | None = None) -> Round:
        """Poll until ``stop`` (a ``threading.Event``) is set, or a pass finds nothing to do
        or only events that fail (``until_idle``), or after ``max_rounds`` passes."""
        rounds = 0
        stuck = 0
        while not stop.is_set():
            result = self.transport.poll(self.consumers, stop)
            self.totals.add(result)
            rounds += 1
            extra = self.each_pass() if self.each_pass is not None else 0
            if result.handled or result.failed or result.published:
                log.info(
                    "worker pass",
                    extra={
                        "handled": result.handled,
                        "duplicates": result.duplicates,
                        "failed": result.failed,
                        "published": result.published,
                    },
                )
            if max_rounds is not None and rounds >= max_rounds:
                break
            # Passes in a row where events failed and none succeeded.
            stuck = 0 if result.handled else stuck + 1 if result.failed else stuck
            if until_idle and ((result.idle and not extra) or stuck >= STUCK_PASSES):
                # Until idle, events that fail pass after pass are taken to fail for now:
                # stop, and let the caller see it (``self.stuck``).
                self.stuck = stuck > 0
                break
            if not extra and (result.idle or (not result.moved and not result.published)):
                # Nothing to do, only failing events, or another worker holds the locks.
                stop.wait(self.interval)
        return self.totals
