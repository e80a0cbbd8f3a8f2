"""Sending what is due: orders become notifications, notifications go out.

``send_due(database, email_sender, sms_gateway)`` does one round, in two steps, each like
``felles.subscriptions.service.deliver_due``: rows are claimed first (their next attempt moved
a lease ahead and committed), so two runners never take the same row, and no transaction is
open while a condition endpoint, the SMTP server or the SMS gateway is asked.

1. *Orders* due (``Registered``, send time reached): the send condition is asked; "no" makes
   the order ``SendConditionNotMet``; a condition that cannot answer is retried with backoff
   and after the last attempt not sent. The recipients of the rest are looked up in KRR
   through the distributor in one batch; each order gets its notifications (``New``, with the
   address and the texts rendered in the person's language) or one that failed
   (``Failed_RecipientReserved``, ``Failed_RecipientNotIdentified``: no address, or only
   stale ones by KRR's 18-month rule, which ``contacts.look_up`` leaves out) and becomes
   ``Processing`` (or ``Completed`` when nothing can be sent). The access-log entries of the
   lookups commit with them.
2. *Notifications* due: sent; ``Succeeded`` (e-mail) or ``Accepted`` (SMS), or retried after
   ``BASE_DELAY · 2^(attempts-1)`` up to ``MAX_DELAY``, and ``Failed`` after ``MAX_ATTEMPTS``
   or a permanent refusal. An order whose notifications are all final is ``Completed``.

Delivery is at least once: a crash between sending and recording sends again after the lease.
Logs carry ids, statuses, attempts and counts: never an address, a name or a text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import httpx
from sqlalchemy import select, update

from felles.kernel.clock import get_clock
from felles.kernel.db import Database, UnitOfWork
from felles.mailbox.notifications import conditions, contacts, content, events
from felles.mailbox.notifications.channels import Channel, ChannelScheme, primary, resolve
from felles.mailbox.notifications.delivery import (
    EmailSender,
    OutgoingEmail,
    OutgoingSms,
    SendFailed,
    SmsGateway,
)
from felles.mailbox.notifications.model import NotificationRow, OrderRow
from felles.mailbox.notifications.orders import (
    COMPLETED,
    PROCESSING,
    REGISTERED,
    REMINDER,
    SEND_CONDITION_NOT_MET,
)
from felles.mailbox.notifications.settings import NotificationSettings, notification_settings

log = logging.getLogger(__name__)

NEW: Final = "New"
SENDING: Final = "Sending"
SUCCEEDED: Final = "Succeeded"
ACCEPTED: Final = "Accepted"
FAILED: Final = "Failed"
RESERVED: Final = "Failed_RecipientReserved"
NOT_IDENTIFIED: Final = "Failed_RecipientNotIdentified"
NOT_SENT: Final = "Order processed; nothing could be sent"
STALE_NOT_SENT: Final = (
    "Order processed; nothing could be sent: the recipient's contact details in KRR have "
    "been neither updated nor confirmed in the last 18 months"
)
SENT_STATES: Final = frozenset({SUCCEEDED, ACCEPTED, "Delivered"})
FINAL_STATES: Final = SENT_STATES | {FAILED, RESERVED, NOT_IDENTIFIED}

BASE_DELAY: Final = timedelta(minutes=1)
MAX_DELAY: Final = timedelta(hours=1)
MAX_ATTEMPTS: Final = 8
#: How long a claimed row is held before another runner may take it (a runner that died).
LEASE: Final = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(BASE_DELAY * (1 << min(max(attempts - 1, 0), 30)), MAX_DELAY)


@dataclass
class SendRound:
    """What one ``send_due`` did (counts only)."""

    orders: int = 0
    condition_not_met: int = 0
    condition_retries: int = 0
    emails: int = 0
    sms: int = 0
    retries: int = 0
    failed: int = 0
    not_sent: int = 0

    @property
    def idle(self) -> bool:
        """Nothing was done: the loop may wait before the next round."""
        return not any(vars(self).values())


# -- claiming ---------------------------------------------------------------------------------


def _claim(
    database: Database, model: type[OrderRow] | type[NotificationRow], limit: int
) -> list[str]:
    """Ids of due rows, each leased to this runner (committed before anything is sent).

    The UPDATE repeats the due condition and returns the rows it changed: on SQLite, where the
    SELECT takes no lock, a second runner that read the same ids waits for the write lock and
    then finds them leased, so it claims none of them. PostgreSQL skips locked rows instead.
    """
    now = get_clock().now()
    if model is OrderRow:
        due = (OrderRow.status == REGISTERED, OrderRow.next_attempt_at <= now)
    else:
        due = (
            NotificationRow.status.in_((NEW, SENDING)),
            NotificationRow.next_attempt_at <= now,
        )
    with database.unit_of_work() as uow:
        query = select(model.id).where(*due).order_by(model.next_attempt_at, model.id).limit(limit)
        if database.is_postgresql:
            query = query.with_for_update(skip_locked=True)
        ids = list(uow.session.scalars(query))
        if not ids:
            return []
        values: dict[str, object] = {"next_attempt_at": now + LEASE}
        if model is NotificationRow:
            values["status"] = SENDING
        claimed = uow.session.scalars(
            update(model).where(model.id.in_(ids), *due).values(values).returning(model.id)
        ).all()
        uow.commit()
        return sorted(claimed, key=ids.index)


# -- orders -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Due:
    id: str
    recipient: str
    endpoint: str | None
    name: str | None
    argument: str | None


def _set_order(uow: UnitOfWork, order: OrderRow, status: str, description: str) -> None:
    order.status, order.status_description = status, description
    order.last_update = get_clock().now()
    events.order_changed(uow, order)


def _condition_failed(database: Database, order_id: str, reason: str) -> bool:
    """Record a condition that could not answer; True when it was the last attempt."""
    with database.unit_of_work() as uow:
        order = uow.session.get(OrderRow, order_id)
        if order is None or order.status != REGISTERED:
            return False
        order.attempts += 1
        last = order.attempts >= MAX_ATTEMPTS
        if last:
            _set_order(
                uow, order, SEND_CONDITION_NOT_MET, "The send condition could not be evaluated"
            )
        else:
            order.next_attempt_at = get_clock().now() + backoff(order.attempts)
            order.last_update = get_clock().now()
        log.info(
            "notification condition failed",
            extra={"order": order_id, "attempt": order.attempts, "reason": reason},
        )
        uow.commit()
        return last


def _texts(order: OrderRow, spraak: str | None, settings: NotificationSettings) -> content.Texts:
    defaults = content.default_texts(
        order.kind,
        content.language_of(spraak),
        portal=settings.portal_url,
        reminder=order.type == REMINDER,
    )
    return content.Texts(
        subject=order.email_subject or defaults.subject,
        email_body=order.email_body or defaults.email_body,
        sms_body=order.sms_body or defaults.sms_body,
    )


def _notification(
    order: OrderRow, channel: Channel, status: str, now: datetime, **values: object
) -> NotificationRow:
    return NotificationRow(
        id=str(uuid.uuid4()),
        order_id=order.id,
        channel=channel.value,
        status=status,
        attempts=0,
        next_attempt_at=now,
        created=now,
        last_update=now,
        **values,
    )


def _make_notifications(
    order: OrderRow, contact: contacts.Contact, settings: NotificationSettings, now: datetime
) -> list[NotificationRow]:
    scheme = ChannelScheme(order.channel_scheme)
    if not contact.known:
        return [_notification(order, primary(scheme), NOT_IDENTIFIED, now)]
    if contact.reserved and not order.ignore_reservation:
        return [_notification(order, primary(scheme), RESERVED, now)]
    channels = resolve(
        scheme, has_email=contact.email is not None, has_mobile=contact.mobile is not None
    )
    if not channels:
        return [_notification(order, primary(scheme), NOT_IDENTIFIED, now)]
    texts = _texts(order, contact.spraak, settings)
    rows = []
    for channel in channels:
        if channel is Channel.EMAIL:
            content_type = order.email_content_type if order.email_body else "Plain"
            rows.append(
                _notification(
                    order,
                    channel,
                    NEW,
                    now,
                    address=contact.email,
                    subject=content.render(texts.subject, name=contact.name),
                    body=content.render(
                        texts.email_body, name=contact.name, content_type=content_type
                    ),
                    content_type=content_type,
                    sender=settings.from_address,
                )
            )
        else:
            rows.append(
                _notification(
                    order,
                    channel,
                    NEW,
                    now,
                    address=contact.mobile,
                    body=content.render(texts.sms_body, name=contact.name),
                    sender=order.sms_sender or settings.sms_sender,
                )
            )
    return rows


def _process_orders(database: Database, http: httpx.Client, result: SendRound, limit: int) -> None:
    settings = notification_settings()
    due: list[_Due] = []
    for order_id in _claim(database, OrderRow, limit):
        with database.read_session() as session:
            order = session.get(OrderRow, order_id)
            if order is None or order.status != REGISTERED:
                continue
            due.append(
                _Due(
                    order.id,
                    order.recipient,
                    order.condition_endpoint,
                    order.condition_name,
                    order.condition_argument,
                )
            )
    to_send: list[_Due] = []
    not_met: list[_Due] = []
    for item in due:
        try:
            send = conditions.should_send(
                database, http, endpoint=item.endpoint, name=item.name, argument=item.argument
            )
        except conditions.ConditionError as error:
            if _condition_failed(database, item.id, str(error)):
                result.condition_not_met += 1
            else:
                result.condition_retries += 1
            continue
        (to_send if send else not_met).append(item)
    if not (to_send or not_met):
        return
    now = get_clock().now()
    lookups = contacts.reader(database, at=now)
    found = contacts.look_up(lookups, sorted({item.recipient for item in to_send}))
    with database.unit_of_work() as uow:
        for item in not_met:
            order = uow.session.get(OrderRow, item.id)
            if order is not None and order.status == REGISTERED:
                _set_order(uow, order, SEND_CONDITION_NOT_MET, "The send condition was not met")
                result.condition_not_met += 1
        for item in to_send:
            order = uow.session.get(OrderRow, item.id)
            if order is None or order.status != REGISTERED:  # cancelled meanwhile
                continue
            contact = found[item.recipient]
            rows = _make_notifications(order, contact, settings, now)
            uow.session.add_all(rows)
            for row in rows:
                events.notification_changed(uow, row)
            result.orders += 1
            if all(row.status in FINAL_STATES for row in rows):
                result.not_sent += 1
                stale = contact.stale and rows[0].status == NOT_IDENTIFIED
                _set_order(uow, order, COMPLETED, STALE_NOT_SENT if stale else NOT_SENT)
            else:
                _set_order(uow, order, PROCESSING, "Order processed; notifications are sent")
        # The access-log entries go last: the chain head stays locked until the commit.
        lookups.flush(uow)
        uow.commit()
    log.info(
        "notification orders processed",
        extra={"orders": len(to_send), "condition_not_met": len(not_met)},
    )


# -- notifications ----------------------------------------------------------------------------


def _send(
    row: NotificationRow, email_sender: EmailSender, sms_gateway: SmsGateway
) -> SendFailed | None:
    try:
        if row.channel == Channel.EMAIL.value:
            email_sender.send(
                OutgoingEmail(
                    notification_id=row.id,
                    from_address=row.sender or notification_settings().from_address,
                    to=row.address or "",
                    subject=row.subject or "",
                    body=row.body or "",
                    content_type=row.content_type,
                )
            )
        else:
            sms_gateway.send(
                OutgoingSms(
                    notification_id=row.id,
                    sender=row.sender or notification_settings().sms_sender,
                    to=row.address or "",
                    body=row.body or "",
                )
            )
    except SendFailed as failure:
        return failure
    return None


def _finish_order(uow: UnitOfWork, order_id: str) -> None:
    order = uow.session.get(OrderRow, order_id)
    if order is None or order.status != PROCESSING:
        return
    statuses = uow.session.scalars(
        select(NotificationRow.status).where(NotificationRow.order_id == order_id)
    ).all()
    if all(status in FINAL_STATES for status in statuses):
        _set_order(uow, order, COMPLETED, "Order completed; every notification is final")


def _record(
    database: Database, notification_id: str, failure: SendFailed | None, max_attempts: int
) -> str:
    with database.unit_of_work() as uow:
        row = uow.session.get(NotificationRow, notification_id)
        if row is None:
            return "gone"
        now = get_clock().now()
        row.attempts += 1
        row.last_update = now
        if failure is None:
            row.status = SUCCEEDED if row.channel == Channel.EMAIL.value else ACCEPTED
            row.last_error = None
            outcome = "sent"
        elif failure.permanent or row.attempts >= max_attempts:
            row.status, row.last_error = FAILED, failure.reason
            outcome = "failed"
        else:
            row.status, row.last_error = NEW, failure.reason
            row.next_attempt_at = now + backoff(row.attempts)
            outcome = "retry"
        if row.status != NEW:
            events.notification_changed(uow, row)
            _finish_order(uow, row.order_id)
        log.info(
            "notification attempt",
            extra={
                "notification": row.id,
                "channel": row.channel,
                "attempt": row.attempts,
                "outcome": outcome if failure is None else f"{outcome}: {failure.reason}",
            },
        )
        uow.commit()
        return outcome


def _send_notifications(
    database: Database,
    email_sender: EmailSender,
    sms_gateway: SmsGateway,
    result: SendRound,
    limit: int,
    max_attempts: int,
) -> None:
    for notification_id in _claim(database, NotificationRow, limit):
        with database.read_session() as session:
            row = session.get(NotificationRow, notification_id)
            if row is None or row.status != SENDING:
                continue
        outcome = _record(
            database, notification_id, _send(row, email_sender, sms_gateway), max_attempts
        )
        if outcome == "sent":
            if row.channel == Channel.EMAIL.value:
                result.emails += 1
            else:
                result.sms += 1
        elif outcome == "retry":
            result.retries += 1
        elif outcome == "failed":
            result.failed += 1


def send_due(
    database: Database,
    email_sender: EmailSender,
    sms_gateway: SmsGateway,
    *,
    http: httpx.Client | None = None,
    limit: int = 100,
    max_attempts: int = MAX_ATTEMPTS,
) -> SendRound:
    """Process due orders and send due notifications once; returns the counts."""
    result = SendRound()
    if http is None:
        with httpx.Client() as client:
            _process_orders(database, client, result, limit)
    else:
        _process_orders(database, http, result, limit)
    _send_notifications(database, email_sender, sms_gateway, result, limit, max_attempts)
    return result


def pending_orders(database: Database) -> Sequence[str]:
    """Ids of orders not final yet (for the demo and the tests)."""
    with database.read_session() as session:
        query = select(OrderRow.id).where(OrderRow.status.in_((REGISTERED, PROCESSING)))
        return list(session.scalars(query))
