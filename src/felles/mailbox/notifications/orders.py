"""Placing notification orders and reading them back.

``order_notification(uow, NotificationOrder(...))`` validates everything first (a refused
order writes nothing), stores the order and one order per reminder, emits
``…order.Registered`` for each, and returns the order's id; the caller commits. Placing the
same order again (same sender and idempotency key) returns the first order's id and writes
nothing, so a sender may retry after a lost answer.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.kernel.clock import aware, get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import orgnr_input, person_input
from felles.mailbox.notifications import conditions, content, events
from felles.mailbox.notifications.channels import ChannelScheme
from felles.mailbox.notifications.model import NotificationRow, OrderRow

REGISTERED: Final = "Registered"
PROCESSING: Final = "Processing"
COMPLETED: Final = "Completed"
SEND_CONDITION_NOT_MET: Final = "SendConditionNotMet"
CANCELLED: Final = "Cancelled"
FINAL_ORDER_STATES: Final = frozenset({COMPLETED, SEND_CONDITION_NOT_MET, CANCELLED})

NOTIFICATION: Final = "Notification"
REMINDER: Final = "Reminder"
MAX_REMINDERS: Final = 5
MAX_DELAY_DAYS: Final = 365
#: How far ahead an order may be placed.
MAX_AHEAD: Final = timedelta(days=366)
_SMS_SENDER: Final = re.compile(r"^[A-Za-z0-9 ]{1,11}$")


@dataclass(frozen=True, slots=True)
class EmailTemplate:
    subject: str
    body: str
    content_type: Literal["Plain", "Html"] = "Plain"


@dataclass(frozen=True, slots=True)
class SmsTemplate:
    body: str
    #: The sender name shown on the phone (at most 11 letters or digits); default in settings.
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder ``delay_days`` after the order's send time, with its own texts and
    condition; without a condition of its own it asks the order's."""

    delay_days: int
    email: EmailTemplate | None = None
    sms: SmsTemplate | None = None
    condition_endpoint: str | None = None
    condition: str | None = None
    condition_argument: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationOrder:
    """One recipient's notification, as a sender (an agency, the mailbox) orders it.

    Texts left out are the default texts of ``kind`` (letter or task) in the recipient's
    language. ``condition`` names a condition registered with ``register_condition``
    (``condition_argument`` is passed to it); ``condition_endpoint`` is an http(s) URL
    instead. ``ignore_reservation`` only where a law allows notifying a reserved person.
    """

    sender_orgnr: str
    recipient: str
    idempotency_key: str
    senders_reference: str | None = None
    channel_scheme: ChannelScheme = ChannelScheme.EMAIL_PREFERRED
    kind: content.Kind = "letter"
    email: EmailTemplate | None = None
    sms: SmsTemplate | None = None
    requested_send_time: datetime | None = None
    condition_endpoint: str | None = None
    condition: str | None = None
    condition_argument: str | None = None
    ignore_reservation: bool = False
    resource_id: str | None = None
    reminders: tuple[Reminder, ...] = field(default_factory=tuple)
    created_by: str = "felles"


def _short(value: str | None, *, name: str, limit: int = 200) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise InvalidInput(f"{name} must not be blank")
    if len(value) > limit:
        raise InvalidInput(f"{name} is longer than {limit} characters")
    return value


def _check_email(template: EmailTemplate | None, field_name: str) -> None:
    if template is None:
        return
    content.check_text(
        template.subject, field=f"{field_name}.subject", max_length=content.MAX_SUBJECT
    )
    if "\n" in template.subject or "\r" in template.subject:
        # A line break in a header would end it (and could add headers of the sender's).
        raise InvalidInput(f"{field_name}.subject must be one line")
    content.check_text(template.body, field=f"{field_name}.body", max_length=content.MAX_EMAIL_BODY)
    if template.content_type not in ("Plain", "Html"):
        raise InvalidInput(f"{field_name}.contentType must be Plain or Html")


def _check_sms(template: SmsTemplate | None, field_name: str) -> None:
    if template is None:
        return
    content.check_text(template.body, field=f"{field_name}.body", max_length=content.MAX_SMS_BODY)
    if template.sender is not None and not _SMS_SENDER.match(template.sender):
        raise InvalidInput(f"{field_name}.senderNumber: at most 11 letters, digits or spaces")


def _check_condition(endpoint: str | None, name: str | None, argument: str | None) -> None:
    if endpoint is not None and name is not None:
        raise InvalidInput("give a conditionEndpoint or a registered condition, not both")
    if endpoint is not None:
        _short(endpoint, name="conditionEndpoint", limit=500)
        conditions.check_endpoint(endpoint.strip())
    if name is not None and not conditions.registered(name):
        raise InvalidInput("condition: no condition is registered under this name")
    if argument is not None and name is None:
        raise InvalidInput("a condition argument needs a condition")
    _short(argument, name="condition argument")


def validate(order: NotificationOrder, *, now: datetime) -> tuple[str, str, datetime]:
    """Check the whole order (raising InvalidInput) and return the sender, the recipient and
    the send time, normalised."""
    sender = orgnr_input(order.sender_orgnr, role="sender")
    recipient = person_input(order.recipient, role="recipient")
    _short(order.idempotency_key, name="idempotency key")
    _short(order.senders_reference, name="sendersReference")
    _short(order.resource_id, name="resourceId")
    if not isinstance(order.channel_scheme, ChannelScheme):
        raise InvalidInput("notificationChannel is not a channel scheme")
    if order.kind not in content.KINDS:
        raise InvalidInput("kind must be letter or task")
    _check_email(order.email, "emailTemplate")
    _check_sms(order.sms, "smsTemplate")
    _check_condition(order.condition_endpoint, order.condition, order.condition_argument)
    send_time = now if order.requested_send_time is None else aware(order.requested_send_time)
    if send_time > now + MAX_AHEAD:
        raise InvalidInput("requestedSendTime is more than a year ahead")
    send_time = max(send_time, now)  # a time in the past means now
    if len(order.reminders) > MAX_REMINDERS:
        raise InvalidInput(f"at most {MAX_REMINDERS} reminders")
    for index, reminder in enumerate(order.reminders):
        if not 1 <= reminder.delay_days <= MAX_DELAY_DAYS:
            raise InvalidInput(f"reminders[{index}].delayDays must be 1 to {MAX_DELAY_DAYS}")
        _check_email(reminder.email, f"reminders[{index}].emailTemplate")
        _check_sms(reminder.sms, f"reminders[{index}].smsTemplate")
        _check_condition(
            reminder.condition_endpoint, reminder.condition, reminder.condition_argument
        )
    return sender, recipient, send_time


def existing_order(session: Session, *, sender: str, idempotency_key: str) -> OrderRow | None:
    query = select(OrderRow).where(
        OrderRow.creator_orgnr == sender,
        OrderRow.idempotency_key == idempotency_key,
        OrderRow.parent_id.is_(None),
    )
    return session.scalars(query).first()


def _row(
    order: NotificationOrder,
    *,
    sender: str,
    recipient: str,
    send_time: datetime,
    now: datetime,
    parent: OrderRow | None = None,
    reminder: Reminder | None = None,
) -> OrderRow:
    email = reminder.email if reminder is not None else order.email
    sms = reminder.sms if reminder is not None else order.sms
    source = reminder if reminder is not None else order
    own_condition = source.condition_endpoint is not None or source.condition is not None
    condition = source if own_condition else order
    return OrderRow(
        id=str(uuid.uuid4()),
        type=REMINDER if parent is not None else NOTIFICATION,
        parent_id=parent.id if parent is not None else None,
        creator_orgnr=sender,
        created_by=order.created_by[:200],
        idempotency_key=None if parent is not None else order.idempotency_key.strip(),
        senders_reference=_short(order.senders_reference, name="sendersReference"),
        recipient=recipient,
        channel_scheme=order.channel_scheme.value,
        ignore_reservation=order.ignore_reservation,
        resource_id=_short(order.resource_id, name="resourceId"),
        kind=order.kind,
        email_subject=email.subject if email else None,
        email_body=email.body if email else None,
        email_content_type=email.content_type if email else "Plain",
        sms_sender=sms.sender if sms else None,
        sms_body=sms.body if sms else None,
        requested_send_time=send_time,
        condition_endpoint=(
            condition.condition_endpoint.strip() if condition.condition_endpoint else None
        ),
        condition_name=condition.condition,
        condition_argument=condition.condition_argument,
        status=REGISTERED,
        status_description="Order is registered and awaiting processing",
        attempts=0,
        next_attempt_at=send_time,
        created=now,
        last_update=now,
    )


def order_notification(uow: UnitOfWork, order: NotificationOrder) -> str:
    """Store ``order`` (and its reminders) and return its id; the caller commits.

    Idempotent on (sender, idempotency key): a repeat returns the first order's id.
    """
    now = get_clock().now()
    sender, recipient, send_time = validate(order, now=now)
    found = existing_order(
        uow.session, sender=sender, idempotency_key=order.idempotency_key.strip()
    )
    if found is not None:
        return found.id
    main = _row(order, sender=sender, recipient=recipient, send_time=send_time, now=now)
    uow.session.add(main)
    uow.session.flush()  # the parent first: the reminders refer to it
    events.order_changed(uow, main)
    for reminder in order.reminders:
        row = _row(
            order,
            sender=sender,
            recipient=recipient,
            send_time=send_time + timedelta(days=reminder.delay_days),
            now=now,
            parent=main,
            reminder=reminder,
        )
        uow.session.add(row)
        events.order_changed(uow, row)
    return main.id


def cancel_order(uow: UnitOfWork, order_id: str, *, orgnr: str) -> OrderRow:
    """Cancel an order that has not started (and its reminders that have not)."""
    order = get_order(uow.session, order_id, orgnr=orgnr)
    if order.status != REGISTERED:
        raise Conflict("Only an order that has not been processed can be cancelled")
    now = get_clock().now()
    for row in [order, *reminders_of(uow.session, order.id)]:
        if row.status == REGISTERED:
            row.status, row.status_description, row.last_update = (
                CANCELLED,
                "Order was cancelled",
                now,
            )
            events.order_changed(uow, row)
    return order


def get_order(session: Session, order_id: str, *, orgnr: str | None) -> OrderRow:
    """The order; NotFound when there is none, or it is another sender's (orgnr given)."""
    row = session.get(OrderRow, order_id)
    if row is None or (orgnr is not None and row.creator_orgnr != orgnr):
        raise NotFound("No such notification order")
    return row


def orders_by_reference(session: Session, *, orgnr: str, senders_reference: str) -> list[OrderRow]:
    query = (
        select(OrderRow)
        .where(OrderRow.creator_orgnr == orgnr, OrderRow.senders_reference == senders_reference)
        .order_by(OrderRow.created, OrderRow.id)
    )
    return list(session.scalars(query))


def reminders_of(session: Session, order_id: str) -> list[OrderRow]:
    query = (
        select(OrderRow)
        .where(OrderRow.parent_id == order_id)
        .order_by(OrderRow.requested_send_time, OrderRow.id)
    )
    return list(session.scalars(query))


def notifications_of(
    session: Session, order_id: str, *, channel: str | None = None
) -> list[NotificationRow]:
    query = select(NotificationRow).where(NotificationRow.order_id == order_id)
    if channel is not None:
        query = query.where(NotificationRow.channel == channel)
    return list(session.scalars(query.order_by(NotificationRow.created, NotificationRow.id)))
