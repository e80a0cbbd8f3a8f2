"""Subscriptions, matching, delivery with retries, and the pull page (decision 0031).

* ``create_subscription`` stores a subscription (``awaiting-validation``) and queues a
  validation event (``platform.events.validatesubscription``) for its endpoint; the first
  2xx answer to it makes the subscription ``active`` (``validated``). Events are matched
  and queued from the moment it is created, but only delivered once it is active.
* ``enqueue`` is the bus consumer's handler (``felles.subscriptions.consumer``): for each
  outbox event, the matching subscriptions whose organisation is entitled to it
  (``entitlement``) get a delivery row, in the same transaction as the bus's
  processed-events record, so each event is queued once per subscription. Events from
  before a subscription was created are not queued for it (a lagging worker does not
  send history).
* ``deliver_due`` POSTs each due delivery as structured CloudEvents JSON. A 2xx removes it;
  anything else is retried after ``BASE_DELAY · 2^(attempts-1)`` (capped at ``MAX_DELAY``);
  after ``MAX_ATTEMPTS`` attempts it moves to the dead-letter list (``evs_dead_letter``).
  A delivery is claimed (its next attempt moved a lease ahead and committed) before the
  request is sent, so two runners do not send it at once; delivery is at least once and the
  CloudEvents ``id`` is the receiver's idempotency key. Deliveries of one subscription are
  not ordered among themselves.

Logs carry subscription ids, statuses and counts only: never a subject or an event body.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from felles.kernel.clock import aware, get_clock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.errors import InvalidInput, NotFound
from felles.kernel.events import (
    Event,
    StoredEvent,
    last_seq,
    read_events_matching,
    seq_of_event,
)
from felles.subscriptions.entitlement import entitled
from felles.subscriptions.model import DeadLetterRow, DeliveryRow, SubscriptionRow

log = logging.getLogger(__name__)

VALIDATION_TYPE: Final = "platform.events.validatesubscription"
CLOUDEVENTS_JSON: Final = "application/cloudevents+json"
AWAITING: Final = "awaiting-validation"
ACTIVE: Final = "active"
VALIDATION_FAILED: Final = "validation-failed"
DELETED: Final = "deleted"

BASE_DELAY: Final = timedelta(seconds=1)
MAX_DELAY: Final = timedelta(hours=1)
MAX_ATTEMPTS: Final = 8
#: How long a claimed delivery is held before another runner may try it (a runner that died).
LEASE: Final = timedelta(minutes=5)
REQUEST_TIMEOUT: Final = 10.0
LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 s, 2 s, 4 s, … up to an hour."""
    return min(BASE_DELAY * (1 << min(max(attempts - 1, 0), 30)), MAX_DELAY)


def check_end_point(url: str) -> str:
    """An https URL, or http to this machine (tests, local receivers); else InvalidInput."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return url
    raise InvalidInput("endPoint must be an https URL (or http to 127.0.0.1 or localhost)")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


@dataclass(frozen=True)
class NewSubscription:
    end_point: str
    source_filter: str | None = None
    type_filter: str | None = None
    subject_filter: str | None = None
    purpose: str | None = None


def validation_event(subscription: SubscriptionRow, *, source: str) -> Event:
    return Event(
        type=VALIDATION_TYPE,
        source=source,
        subject=f"/organisation/{subscription.consumer_orgnr}",
        data={},
    )


def create_subscription(
    uow: UnitOfWork,
    new: NewSubscription,
    *,
    orgnr: str,
    created_by: str,
    scopes: Sequence[str],
    source_base: str,
) -> SubscriptionRow:
    """Store a subscription and queue its validation event (not committed)."""
    end_point = check_end_point(new.end_point.strip())
    if new.purpose is not None and not new.purpose.strip():
        raise InvalidInput("purpose, when given, must not be blank")
    now = get_clock().now()
    row = SubscriptionRow(
        consumer_orgnr=orgnr,
        created_by=created_by[:200],
        end_point=end_point,
        source_filter=_clean(new.source_filter),
        type_filter=_clean(new.type_filter),
        subject_filter=_clean(new.subject_filter),
        purpose=_clean(new.purpose),
        scopes=sorted(scopes),
        created=now,
        validated=False,
        status=AWAITING,
    )
    uow.session.add(row)
    uow.session.flush()
    event = validation_event(row, source=f"{source_base.rstrip('/')}/{row.id}")
    uow.session.add(
        DeliveryRow(
            subscription_id=row.id,
            event_id=event.id,
            validation=True,
            cloudevent=event.to_cloudevent(),
            attempts=0,
            next_attempt_at=now,
            created=now,
        )
    )
    return row


def get_subscription(session: Session, subscription_id: int, *, orgnr: str) -> SubscriptionRow:
    """The organisation's own subscription (NotFound for another's or a deleted one)."""
    row = session.get(SubscriptionRow, subscription_id)
    if row is None or row.consumer_orgnr != orgnr or row.status == DELETED:
        raise NotFound(f"No subscription {subscription_id}")
    return row


def list_subscriptions(session: Session, *, orgnr: str) -> list[SubscriptionRow]:
    """The organisation's subscriptions that are not deleted, oldest first."""
    query = (
        select(SubscriptionRow)
        .where(SubscriptionRow.consumer_orgnr == orgnr, SubscriptionRow.status != DELETED)
        .order_by(SubscriptionRow.id)
    )
    return list(session.scalars(query))


def delete_subscription(uow: UnitOfWork, subscription_id: int, *, orgnr: str) -> SubscriptionRow:
    """Mark it deleted and drop what it has pending (its dead letters stay)."""
    row = get_subscription(uow.session, subscription_id, orgnr=orgnr)
    row.status = DELETED
    uow.session.execute(delete(DeliveryRow).where(DeliveryRow.subscription_id == row.id))
    return row


def matches(subscription: SubscriptionRow, event: Event) -> bool:
    """Source and type are prefixes, subject is exact; a filter left out matches anything."""
    if event.type == VALIDATION_TYPE:
        return False
    if subscription.source_filter and not event.source.startswith(subscription.source_filter):
        return False
    if subscription.type_filter and not event.type.startswith(subscription.type_filter):
        return False
    return not (subscription.subject_filter and event.subject != subscription.subject_filter)


def enqueue(uow: UnitOfWork, event: Event) -> None:
    """Queue ``event`` for every matching subscription entitled to it (the bus handler)."""
    session = uow.session
    live = session.scalars(
        select(SubscriptionRow)
        .where(SubscriptionRow.status.in_((AWAITING, ACTIVE)))
        .order_by(SubscriptionRow.id)
    ).all()
    now = get_clock().now()
    body = event.to_cloudevent()
    for subscription in live:
        # Events from before the subscription was made are not sent (as in Altinn).
        if aware(event.time) < aware(subscription.created) or not matches(subscription, event):
            continue
        (allowed,) = entitled(
            session,
            orgnr=subscription.consumer_orgnr,
            scopes=subscription.scopes,
            purpose=subscription.purpose,
            events=[event],
            at=now,
        )
        if not allowed:
            continue
        session.add(
            DeliveryRow(
                subscription_id=subscription.id,
                event_id=event.id,
                validation=False,
                cloudevent=body,
                attempts=0,
                next_attempt_at=now,
                created=now,
            )
        )


@dataclass
class DeliveryRound:
    """What one ``deliver_due`` did (counts only)."""

    delivered: int = 0
    failed: int = 0
    dead: int = 0


def _claim_due(database: Database, limit: int) -> list[int]:
    """Ids of due deliveries of live subscriptions, each leased to this runner (committed)."""
    now = get_clock().now()
    with database.unit_of_work() as uow:
        query = (
            select(DeliveryRow.id)
            .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
            .where(DeliveryRow.next_attempt_at <= now)
            .where(
                (SubscriptionRow.status == ACTIVE)
                | ((SubscriptionRow.status == AWAITING) & DeliveryRow.validation)
            )
            .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
            .limit(limit)
        )
        if database.is_postgresql:
            query = query.with_for_update(of=DeliveryRow, skip_locked=True)
        ids = list(uow.session.scalars(query))
        if ids:
            uow.session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id.in_(ids))
                .values(next_attempt_at=now + LEASE)
            )
            uow.commit()
        return ids


def _send(http: httpx.Client, end_point: str, body: dict[str, Any]) -> str | None:
    """POST the event; None on a 2xx, else what went wrong (a status or exception type)."""
    try:
        response = http.post(
            end_point,
            content=orjson.dumps(body),
            headers={"Content-Type": CLOUDEVENTS_JSON},
            timeout=REQUEST_TIMEOUT,
        )
    except httpx.HTTPError as error:
        return type(error).__name__
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def _record(database: Database, delivery_id: int, error: str | None, max_attempts: int) -> str:
    """Write the outcome of one attempt: delivered, retry (with backoff) or dead."""
    with database.unit_of_work() as uow:
        session = uow.session
        delivery = session.get(DeliveryRow, delivery_id)
        if delivery is None:  # its subscription was deleted meanwhile
            return "gone"
        subscription = session.get(SubscriptionRow, delivery.subscription_id)
        now = get_clock().now()
        delivery.attempts += 1
        if error is None:
            outcome = "delivered"
            if delivery.validation and subscription is not None:
                subscription.validated = True
                subscription.status = ACTIVE
            session.delete(delivery)
        elif delivery.attempts >= max_attempts:
            outcome = "dead"
            session.add(
                DeadLetterRow(
                    subscription_id=delivery.subscription_id,
                    event_id=delivery.event_id,
                    validation=delivery.validation,
                    cloudevent=delivery.cloudevent,
                    attempts=delivery.attempts,
                    last_error=error[:100],
                    dead_at=now,
                )
            )
            if delivery.validation and subscription is not None:
                subscription.status = VALIDATION_FAILED
            session.delete(delivery)
        else:
            outcome = "retry"
            delivery.last_error = error[:100]
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        log.info(
            "event delivery",
            extra={
                "subscription": delivery.subscription_id,
                "attempt": delivery.attempts,
                "outcome": outcome if error is None else f"{outcome}: {error[:100]}",
            },
        )
        uow.commit()
        return outcome


def deliver_due(
    database: Database,
    http: httpx.Client,
    *,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryRound:
    """Send every delivery that is due now; no transaction is open while a request is out."""
    result = DeliveryRound()
    for delivery_id in _claim_due(database, limit):
        with database.read_session() as session:
            delivery = session.get(DeliveryRow, delivery_id)
            if delivery is None:
                continue
            subscription = session.get(SubscriptionRow, delivery.subscription_id)
            if subscription is None or subscription.status == DELETED:
                continue
            end_point, body = subscription.end_point, delivery.cloudevent
        outcome = _record(database, delivery_id, _send(http, end_point, body), max_attempts)
        if outcome == "delivered":
            result.delivered += 1
        elif outcome == "dead":
            result.dead += 1
        elif outcome == "retry":
            result.failed += 1
    return result


def dead_letters(session: Session, subscription_id: int) -> list[DeadLetterRow]:
    return list(
        session.scalars(
            select(DeadLetterRow)
            .where(DeadLetterRow.subscription_id == subscription_id)
            .order_by(DeadLetterRow.id)
        )
    )


# The pull API ------------------------------------------------------------------------------

MAX_PAGE: Final = 1000
DEFAULT_PAGE: Final = 50


@dataclass(frozen=True)
class EventPage:
    events: tuple[StoredEvent, ...]
    #: The cursor for the next page: the last sequence number looked at.
    next: int


def resolve_after(session: Session, after: str) -> int:
    """``after`` as a sequence number: digits are one, otherwise an event id in the outbox."""
    after = after.strip()
    if after.isdigit() and len(after) <= 18:
        return int(after)
    seq = seq_of_event(session, after)
    if seq is None:
        raise InvalidInput("after: no event with this id (give an event id or a number)")
    return seq


def pull_events(
    session: Session,
    *,
    orgnr: str,
    scopes: Sequence[str],
    purpose: str | None,
    after: int,
    size: int,
    type_filter: str | None = None,
    source_filter: str | None = None,
    subject: str | None = None,
) -> EventPage:
    """Events after ``after`` that match the filters and that ``orgnr`` is entitled to.

    ``next`` moves past every event looked at, those withheld included, so a page can be
    shorter than ``size``; the caller has caught up when ``next`` equals ``after``.
    """
    upper = last_seq(session)
    if upper <= after:
        return EventPage((), after)
    read = read_events_matching(
        session,
        after_seq=after,
        up_to_seq=upper,
        limit=size,
        type_prefix=type_filter,
        source_prefix=source_filter,
        subject=subject,
    )
    following = read[-1].seq if len(read) == size else upper
    stored = [replace(s, event=replace(s.event, time=aware(s.event.time))) for s in read]
    allowed = entitled(
        session,
        orgnr=orgnr,
        scopes=scopes,
        purpose=purpose,
        events=[s.event for s in stored],
        at=get_clock().now(),
    )
    return EventPage(tuple(s for s, ok in zip(stored, allowed, strict=True) if ok), following)
