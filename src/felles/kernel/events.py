"""Events: a CloudEvents 1.0 envelope, the transactional outbox and an ordered dispatcher.

A registry change and its events are written in one transaction (``UnitOfWork.commit``), so
an event exists exactly when its change was committed. The outbox's ``seq`` is the global
order. On PostgreSQL the outbox append takes a transaction-level advisory lock just before
commit, so sequence numbers become visible in commit order and a reader that remembers the
last ``seq`` it saw can never skip a row that commits later with a smaller number
(docs/decisions/0004-outbox-ordering.md).

The dispatcher delivers events in order to in-process subscribers and records, per
subscriber, how far it got (a cursor) and which events failed. A handler runs in the same
transaction as the cursor update, so a handler that only writes to this database has its
effect exactly once. The network bus (NATS JetStream, webhooks) is a later subscriber of the
same outbox.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from felles.kernel.clock import get_clock
from felles.kernel.db import Base, BigIntegerPK, Database, UnitOfWork
from felles.kernel.setwise import insert_many

log = logging.getLogger(__name__)

SPEC_VERSION = "1.0"
# Any constant will do; it only has to be the same for every writer of the outbox.
_OUTBOX_LOCK_KEY = 0x66656C6C6573  # "felles"
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Event:
    """A CloudEvents 1.0 event (structured JSON mode attributes)."""

    type: str
    source: str
    data: dict[str, Any]
    subject: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=lambda: get_clock().now())
    datacontenttype: str = "application/json"
    specversion: str = SPEC_VERSION

    def to_cloudevent(self) -> dict[str, Any]:
        """The event as a CloudEvents 1.0 JSON object (structured content mode)."""
        body: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time.isoformat(),
            "datacontenttype": self.datacontenttype,
            "data": self.data,
        }
        if self.subject is not None:
            body["subject"] = self.subject
        return body


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from the outbox, with its global sequence number."""

    seq: int
    event: Event


class OutboxRow(Base):
    __tablename__ = "kernel_outbox"

    seq: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(200))
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_kernel_outbox_source_seq", "source", "seq"),
        Index("ix_kernel_outbox_subject_seq", "subject", "seq"),
    )


class SubscriberCursor(Base):
    """How far each subscriber has got in the outbox."""

    __tablename__ = "kernel_subscriber_cursor"

    subscriber: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveryFailure(Base):
    """An event a subscriber failed to handle; ``dead`` once it gave up after MAX_ATTEMPTS."""

    __tablename__ = "kernel_delivery_failure"

    subscriber: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    dead: Mapped[bool] = mapped_column(Boolean, default=False)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def write_to_outbox(session: Session, events: Sequence[Event]) -> None:
    """Append events to the outbox inside the caller's transaction (called by the unit of work)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Held until commit: outbox rows become visible in the order of their seq.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OUTBOX_LOCK_KEY})
    rows = [
        {
            "event_id": e.id,
            "type": e.type,
            "source": e.source,
            "subject": e.subject,
            "time": e.time,
            "data": e.data,
        }
        for e in events
    ]
    insert_many(session, cast("Table", OutboxRow.__table__), rows)


def _from_row(row: OutboxRow) -> StoredEvent:
    return StoredEvent(
        seq=row.seq,
        event=Event(
            id=row.event_id,
            type=row.type,
            source=row.source,
            subject=row.subject,
            time=row.time,
            data=row.data,
        ),
    )


def read_events(
    session: Session,
    *,
    after_seq: int = 0,
    limit: int = 1000,
    source: str | None = None,
    subject: str | None = None,
) -> list[StoredEvent]:
    """Events with ``seq > after_seq`` in order, optionally for one source or subject."""
    query = select(OutboxRow).where(OutboxRow.seq > after_seq)
    if source is not None:
        query = query.where(OutboxRow.source == source)
    if subject is not None:
        query = query.where(OutboxRow.subject == subject)
    rows = session.scalars(query.order_by(OutboxRow.seq).limit(limit))
    return [_from_row(r) for r in rows]


def read_events_of_types(
    session: Session,
    *,
    type_prefixes: Sequence[str],
    after_seq: int = 0,
    up_to_seq: int | None = None,
    limit: int = 1000,
) -> list[StoredEvent]:
    """Events with ``after_seq < seq <= up_to_seq`` whose ``type`` starts with one of
    ``type_prefixes``, in order, at most ``limit`` (none when no prefix is given).

    With ``up_to_seq`` from ``last_seq`` read first, a reader never skips an event: every
    number up to it has committed or never will (decision 0004).
    """
    if not type_prefixes:
        return []
    query = select(OutboxRow).where(OutboxRow.seq > after_seq)
    if up_to_seq is not None:
        query = query.where(OutboxRow.seq <= up_to_seq)
    matches = [OutboxRow.type.startswith(prefix, autoescape=True) for prefix in type_prefixes]
    query = query.where(or_(*matches))
    rows = session.scalars(query.order_by(OutboxRow.seq).limit(limit))
    return [_from_row(r) for r in rows]


def read_events_matching(
    session: Session,
    *,
    after_seq: int,
    up_to_seq: int,
    limit: int,
    type_prefix: str | None = None,
    source_prefix: str | None = None,
    subject: str | None = None,
) -> list[StoredEvent]:
    """Events with ``after_seq < seq <= up_to_seq`` in order, at most ``limit``, optionally
    only those whose type or source starts with a prefix, or about one subject."""
    query = select(OutboxRow).where(OutboxRow.seq > after_seq, OutboxRow.seq <= up_to_seq)
    if type_prefix:
        query = query.where(OutboxRow.type.startswith(type_prefix, autoescape=True))
    if source_prefix:
        query = query.where(OutboxRow.source.startswith(source_prefix, autoescape=True))
    if subject:
        query = query.where(OutboxRow.subject == subject)
    rows = session.scalars(query.order_by(OutboxRow.seq).limit(limit))
    return [_from_row(r) for r in rows]


def seq_of_event(session: Session, event_id: str) -> int | None:
    """The outbox sequence number of the event with this id (None if there is none)."""
    return session.scalar(select(OutboxRow.seq).where(OutboxRow.event_id == event_id))


def last_seq(session: Session, *, source: str | None = None) -> int:
    """The highest sequence number in the outbox (0 when empty)."""
    query = select(OutboxRow.seq).order_by(OutboxRow.seq.desc()).limit(1)
    if source is not None:
        query = query.where(OutboxRow.source == source)
    return session.scalar(query) or 0


Handler = Callable[[Event, UnitOfWork], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    handler: Handler
    # Only events whose type starts with one of these are handed over (empty = all).
    type_prefixes: tuple[str, ...] = ()

    def wants(self, event_type: str) -> bool:
        return not self.type_prefixes or event_type.startswith(self.type_prefixes)


class Dispatcher:
    """Delivers outbox events in order to in-process subscribers, recording progress per one."""

    def __init__(self, database: Database, *, batch_size: int = 500) -> None:
        self.database = database
        self.batch_size = batch_size
        self._subscribers: dict[str, Subscriber] = {}

    def subscribe(self, name: str, handler: Handler, *, type_prefixes: Iterable[str] = ()) -> None:
        if name in self._subscribers:
            raise ValueError(f"subscriber {name!r} is already registered")
        self._subscribers[name] = Subscriber(name, handler, tuple(type_prefixes))

    @property
    def subscribers(self) -> tuple[Subscriber, ...]:
        return tuple(self._subscribers.values())

    def dispatch_once(self) -> int:
        """Deliver what is pending to every subscriber; returns how many events were handled."""
        return sum(self._deliver(s) for s in self._subscribers.values())

    def dispatch_until_idle(self, *, max_rounds: int = 10_000) -> int:
        """Deliver until nothing is pending (handlers may emit new events); returns the total."""
        total = 0
        for _ in range(max_rounds):
            handled = self.dispatch_once()
            total += handled
            if handled == 0:
                return total
        raise RuntimeError("dispatch did not become idle; is a handler emitting in a loop?")

    def run_forever(self, stop: threading.Event, *, interval: float = 0.5) -> None:
        while not stop.is_set():
            if self.dispatch_once() == 0:
                stop.wait(interval)

    def _lock_cursor(self, uow: UnitOfWork, name: str) -> SubscriberCursor | None:
        """This subscriber's cursor, row-locked; None when another dispatcher holds it."""
        session = uow.session
        query = select(SubscriberCursor).where(SubscriberCursor.subscriber == name)
        if self.database.is_postgresql:
            query = query.with_for_update(skip_locked=True)
        cursor = session.scalar(query)
        if cursor is None:
            exists = session.get(SubscriberCursor, name) is not None
            if exists:  # locked by someone else (PostgreSQL skip-locked)
                return None
            cursor = SubscriberCursor(subscriber=name, last_seq=0, delivered=0)
            session.add(cursor)
            session.flush()
        return cursor

    def _deliver(self, subscriber: Subscriber) -> int:
        handled = 0
        with self.database.unit_of_work() as uow:
            cursor = self._lock_cursor(uow, subscriber.name)
            if cursor is None:
                return 0
            pending = read_events(uow.session, after_seq=cursor.last_seq, limit=self.batch_size)
            for stored in pending:
                if subscriber.wants(stored.event.type):
                    if not self._handle(uow, subscriber, stored):
                        break  # keep order: nothing after a failing event is delivered yet
                    handled += 1
                cursor.last_seq = stored.seq
            # Also commit when the first event failed: its failure record must be kept.
            if pending:
                cursor.delivered += handled
                cursor.updated_at = get_clock().now()
                uow.commit()
        return handled

    def _handle(self, uow: UnitOfWork, subscriber: Subscriber, stored: StoredEvent) -> bool:
        """Run the handler in a savepoint; on failure record it and say whether to move on."""
        savepoint = uow.session.begin_nested()
        try:
            subscriber.handler(stored.event, uow)
            savepoint.commit()
            return True
        except Exception as error:  # a handler's failure must not stop other subscribers
            savepoint.rollback()
            failure = uow.session.get(DeliveryFailure, (subscriber.name, stored.seq))
            if failure is None:
                failure = DeliveryFailure(subscriber=subscriber.name, seq=stored.seq, attempts=0)
                uow.session.add(failure)
            failure.attempts += 1
            # Only the exception type and message: handlers must not put personal data there.
            failure.last_error = f"{type(error).__name__}: {error}"[:2000]
            failure.last_failed_at = get_clock().now()
            failure.dead = failure.attempts >= MAX_ATTEMPTS
            log.warning(
                "event handler failed",
                extra={"subscriber": subscriber.name, "seq": stored.seq, "dead": failure.dead},
            )
            # The failure row is committed with the cursor by the caller.
            # A dead event is parked in the failure table so the rest of the stream moves on.
            return failure.dead
