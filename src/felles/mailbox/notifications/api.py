"""HTTP API in the shape of Altinn Notifications, under ``/notifications/api/v1``
(decision 0035).

- ``POST /orders``: order a notification to one person (``recipients`` holds one
  ``nationalIdentityNumber``), with ``notificationChannel`` (Email, Sms, EmailPreferred,
  SmsPreferred, EmailAndSms), templates, ``requestedSendTime``, ``conditionEndpoint`` and —
  from Altinn's newer order API — ``idempotencyId`` and ``reminders``;
- ``GET /orders?sendersReference=``, ``GET /orders/{id}``, ``GET /orders/{id}/status``,
  ``GET /orders/{id}/notifications/email``, ``…/sms``, ``PUT /orders/{id}/cancel``.

Callers: an organisation's system with a Maskinporten token carrying
``altinn:serviceowner/notifications.create``; it sees its own orders only. Unlike Altinn, the
answers never show the e-mail address or mobile number a notification went to: they were
read from KRR for notifying, not released to the sender.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal
from uuid import uuid4

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from felles.kernel.clock import aware
from felles.kernel.db import run_command
from felles.kernel.errors import Forbidden
from felles.kernel.web import ACCESS_RESPONSES, Caller, DatabaseDep, problem_doc, require_access
from felles.mailbox.notifications import orders, sending
from felles.mailbox.notifications.channels import ChannelScheme
from felles.mailbox.notifications.model import NotificationRow, OrderRow

PREFIX: Final = "/notifications/api/v1"
#: The Maskinporten scope an organisation's system needs (Altinn's).
SCOPE: Final = "altinn:serviceowner/notifications.create"

router = APIRouter(prefix=PREFIX, tags=["varsling"])

Responses = dict[int | str, dict[str, Any]]
RESPONSES: Final[Responses] = ACCESS_RESPONSES | {
    403: problem_doc(f"The operator's or a person's token, or a machine token without {SCOPE}"),
    422: problem_doc("Invalid input; nothing was stored"),
}
NOT_FOUND: Final[Responses] = {404: problem_doc("No such order of the caller's")}


class Sender(BaseModel):
    orgnr: str
    client_id: str


def sender_of(caller: Annotated[Caller, Depends(require_access(SCOPE))]) -> Sender:
    """The organisation behind the caller's Maskinporten token (403 for anyone else)."""
    token = caller.principal
    if caller.operator or token is None or getattr(token, "kind", None) != "organisation":
        raise Forbidden(
            f"Only an organisation's system (a Maskinporten token with {SCOPE}) orders "
            "notifications",
            required=[SCOPE],
        )
    return Sender(orgnr=str(token.orgnr), client_id=str(token.client_id))


SenderDep = Annotated[Sender, Depends(sender_of)]
OrderId = Annotated[
    str,
    Path(
        min_length=36,
        max_length=36,
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="The order's id",
    ),
]

_TEXT_RULE = (
    " May use $recipientName$ (the greeting); identity numbers and e-mail addresses are "
    "refused (notifications carry no personal details)."
)


class EmailTemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=200, description="The subject." + _TEXT_RULE)
    body: str = Field(min_length=1, max_length=10_000, description="The body." + _TEXT_RULE)
    contentType: Literal["Plain", "Html"] = "Plain"  # noqa: N815 (Altinn's field names)


class SmsTemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    senderNumber: str | None = Field(  # noqa: N815
        default=None, max_length=11, description="The sender shown on the phone"
    )
    body: str = Field(min_length=1, max_length=1_000, description="The text." + _TEXT_RULE)


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nationalIdentityNumber: str = Field(  # noqa: N815
        min_length=11,
        max_length=11,
        pattern=r"^\d{11}$",
        description="The person's fødselsnummer or D-number; contact details come from KRR",
    )


class ReminderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delayDays: int = Field(  # noqa: N815
        ge=1, le=orders.MAX_DELAY_DAYS, description="Days after the order's send time"
    )
    conditionEndpoint: str | None = Field(  # noqa: N815
        default=None,
        max_length=500,
        description="Asked before the reminder is sent; without it the order's is asked",
    )
    emailTemplate: EmailTemplateIn | None = None  # noqa: N815
    smsTemplate: SmsTemplateIn | None = None  # noqa: N815


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notificationChannel: ChannelScheme = Field(  # noqa: N815
        description="Email, Sms, EmailPreferred, SmsPreferred or EmailAndSms"
    )
    recipients: list[RecipientIn] = Field(
        min_length=1, max_length=1, description="felles: one recipient per order"
    )
    emailTemplate: EmailTemplateIn | None = Field(  # noqa: N815
        default=None, description="Without it, felles' default text in the person's language"
    )
    smsTemplate: SmsTemplateIn | None = Field(  # noqa: N815
        default=None, description="Without it, felles' default text in the person's language"
    )
    requestedSendTime: datetime | None = Field(  # noqa: N815
        default=None, description="When to send (default now; at most a year ahead)"
    )
    sendersReference: str | None = Field(  # noqa: N815
        default=None, min_length=1, max_length=200
    )
    idempotencyId: str | None = Field(  # noqa: N815
        default=None,
        min_length=1,
        max_length=200,
        description="Placing an order with the same id again returns the first (200)",
    )
    conditionEndpoint: str | None = Field(  # noqa: N815
        default=None,
        max_length=500,
        description='https URL answering {"sendNotification": true|false} before sending',
    )
    ignoreReservation: bool = Field(  # noqa: N815
        default=False, description="Notify a person reserved in KRR (only where law allows)"
    )
    resourceId: str | None = Field(default=None, max_length=200)  # noqa: N815
    reminders: list[ReminderIn] = Field(default_factory=list, max_length=orders.MAX_REMINDERS)
    kind: Literal["letter", "task"] = Field(
        default="letter", description="felles: which default text: a new letter or a new task"
    )


class OrderCreated(BaseModel):
    orderId: str  # noqa: N815
    reminders: list[str] = Field(description="felles: the reminders' order ids")


class Links(BaseModel):
    self: str
    status: str | None = None


class RecipientOut(BaseModel):
    nationalIdentityNumber: str  # noqa: N815


class OrderOut(BaseModel):
    id: str
    type: str = Field(description="Notification or Reminder")
    parentOrderId: str | None = None  # noqa: N815
    creator: str
    sendersReference: str | None = None  # noqa: N815
    requestedSendTime: datetime  # noqa: N815
    created: datetime
    notificationChannel: str  # noqa: N815
    ignoreReservation: bool  # noqa: N815
    resourceId: str | None = None  # noqa: N815
    conditionEndpoint: str | None = None  # noqa: N815
    recipients: list[RecipientOut]
    emailTemplate: EmailTemplateIn | None = None  # noqa: N815
    smsTemplate: SmsTemplateIn | None = None  # noqa: N815
    links: Links


class OrderList(BaseModel):
    count: int
    orders: list[OrderOut]


class ProcessingStatus(BaseModel):
    status: str
    description: str | None = None
    lastUpdate: datetime  # noqa: N815


class ChannelSummary(BaseModel):
    generated: int
    succeeded: int
    links: Links


class StatusSummary(BaseModel):
    email: ChannelSummary | None = None
    sms: ChannelSummary | None = None


class OrderStatusOut(BaseModel):
    id: str
    sendersReference: str | None = None  # noqa: N815
    requestedSendTime: datetime  # noqa: N815
    creator: str
    created: datetime
    notificationChannel: str  # noqa: N815
    ignoreReservation: bool  # noqa: N815
    resourceId: str | None = None  # noqa: N815
    conditionEndpoint: str | None = None  # noqa: N815
    processingStatus: ProcessingStatus  # noqa: N815
    notificationsStatusSummary: StatusSummary | None = None  # noqa: N815
    reminders: list[str] = Field(default_factory=list, description="felles: reminder ids")


class SendStatus(BaseModel):
    status: str
    description: str | None = None
    lastUpdate: datetime  # noqa: N815


class NotificationOut(BaseModel):
    id: str
    succeeded: bool
    recipient: RecipientOut
    sendStatus: SendStatus  # noqa: N815


class NotificationSummary(BaseModel):
    orderId: str  # noqa: N815
    sendersReference: str | None = None  # noqa: N815
    generated: int
    succeeded: int
    notifications: list[NotificationOut]


_DESCRIPTIONS: Final = {
    "New": "The notification is created and waits to be sent",
    "Sending": "The notification is being sent",
    "Succeeded": "The e-mail was accepted by the mail server",
    "Accepted": "The SMS was accepted by the gateway",
    "Delivered": "The notification was delivered",
    "Failed": "The notification could not be sent",
    "Failed_RecipientReserved": "The recipient is reserved against digital communication",
    "Failed_RecipientNotIdentified": (
        "The recipient has no usable contact details for this channel (none registered, "
        "or neither updated nor confirmed in the last 18 months)"
    ),
}


def _order_out(row: OrderRow) -> OrderOut:
    link = f"{PREFIX}/orders/{row.id}"
    return OrderOut(
        id=row.id,
        type=row.type,
        parentOrderId=row.parent_id,
        creator=row.creator_orgnr,
        sendersReference=row.senders_reference,
        requestedSendTime=aware(row.requested_send_time),
        created=aware(row.created),
        notificationChannel=row.channel_scheme,
        ignoreReservation=row.ignore_reservation,
        resourceId=row.resource_id,
        conditionEndpoint=row.condition_endpoint,
        recipients=[RecipientOut(nationalIdentityNumber=row.recipient)],
        emailTemplate=EmailTemplateIn(
            subject=row.email_subject,
            body=row.email_body,
            contentType="Html" if row.email_content_type == "Html" else "Plain",
        )
        if row.email_subject and row.email_body
        else None,
        smsTemplate=SmsTemplateIn(senderNumber=row.sms_sender, body=row.sms_body)
        if row.sms_body
        else None,
        links=Links(self=link, status=f"{link}/status"),
    )


def _summary(row: OrderRow, notifications: list[NotificationRow], channel: str) -> ChannelSummary:
    mine = [n for n in notifications if n.channel == channel]
    path = "email" if channel == "Email" else "sms"
    return ChannelSummary(
        generated=len(mine),
        succeeded=sum(n.status in sending.SENT_STATES for n in mine),
        links=Links(self=f"{PREFIX}/orders/{row.id}/notifications/{path}"),
    )


def _notification_out(row: OrderRow, notification: NotificationRow) -> NotificationOut:
    return NotificationOut(
        id=notification.id,
        succeeded=notification.status in sending.SENT_STATES,
        recipient=RecipientOut(nationalIdentityNumber=row.recipient),
        sendStatus=SendStatus(
            status=notification.status,
            description=_DESCRIPTIONS.get(notification.status),
            lastUpdate=aware(notification.last_update),
        ),
    )


@router.post(
    "/orders",
    status_code=202,
    response_model=OrderCreated,
    responses=RESPONSES
    | {200: {"model": OrderCreated, "description": "The same order was placed before"}},
    summary="Order a notification by e-mail and/or SMS to a person (contact details from KRR)",
)
def post_order(
    body: OrderIn, response: Response, database: DatabaseDep, sender: SenderDep
) -> OrderCreated:
    def email(template: EmailTemplateIn | None) -> orders.EmailTemplate | None:
        if template is None:
            return None
        return orders.EmailTemplate(template.subject, template.body, template.contentType)

    def sms(template: SmsTemplateIn | None) -> orders.SmsTemplate | None:
        if template is None:
            return None
        return orders.SmsTemplate(template.body, template.senderNumber)

    key = (body.idempotencyId or "").strip() or None
    order = orders.NotificationOrder(
        sender_orgnr=sender.orgnr,
        recipient=body.recipients[0].nationalIdentityNumber,
        # Without a key of the sender's, every POST is a new order (as Altinn's v1 API).
        idempotency_key=key if key is not None else f"felles:{uuid4()}",
        senders_reference=body.sendersReference,
        channel_scheme=body.notificationChannel,
        kind=body.kind,
        email=email(body.emailTemplate),
        sms=sms(body.smsTemplate),
        requested_send_time=body.requestedSendTime,
        condition_endpoint=body.conditionEndpoint,
        ignore_reservation=body.ignoreReservation,
        resource_id=body.resourceId,
        reminders=tuple(
            orders.Reminder(
                delay_days=r.delayDays,
                email=email(r.emailTemplate),
                sms=sms(r.smsTemplate),
                condition_endpoint=r.conditionEndpoint,
            )
            for r in body.reminders
        ),
        created_by=sender.client_id,
    )

    def place(uow: Any) -> tuple[str, bool]:
        before = (
            orders.existing_order(uow.session, sender=sender.orgnr, idempotency_key=key)
            if key
            else None
        )
        return orders.order_notification(uow, order), before is not None

    def answer(session: Any, placed: tuple[str, bool]) -> tuple[OrderCreated, bool]:
        order_id, repeated = placed
        reminders = [row.id for row in orders.reminders_of(session, order_id)]
        return OrderCreated(orderId=order_id, reminders=reminders), repeated

    created, repeated = run_command(database, place, answer)
    if repeated:
        response.status_code = 200
    response.headers["Location"] = f"{PREFIX}/orders/{created.orderId}"
    return created


@router.get(
    "/orders",
    response_model=OrderList,
    response_model_exclude_none=True,
    responses=RESPONSES,
    summary="The caller's orders with a sendersReference",
)
def list_orders(
    database: DatabaseDep,
    sender: SenderDep,
    sendersReference: Annotated[  # noqa: N803 (Altinn's query parameter)
        str, Query(min_length=1, max_length=200, description="The sender's reference")
    ],
) -> OrderList:
    with database.read_session() as session:
        rows = orders.orders_by_reference(
            session, orgnr=sender.orgnr, senders_reference=sendersReference
        )
        items = [_order_out(row) for row in rows]
    return OrderList(count=len(items), orders=items)


@router.get(
    "/orders/{id}",
    response_model=OrderOut,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="One of the caller's orders",
)
def get_order(database: DatabaseDep, sender: SenderDep, id: OrderId) -> OrderOut:
    with database.read_session() as session:
        return _order_out(orders.get_order(session, id, orgnr=sender.orgnr))


@router.get(
    "/orders/{id}/status",
    response_model=OrderStatusOut,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="An order's processing status and a summary of its notifications",
)
def get_order_status(database: DatabaseDep, sender: SenderDep, id: OrderId) -> OrderStatusOut:
    with database.read_session() as session:
        row = orders.get_order(session, id, orgnr=sender.orgnr)
        notifications = orders.notifications_of(session, row.id)
        reminders = [r.id for r in orders.reminders_of(session, row.id)]
        summary = (
            StatusSummary(
                email=_summary(row, notifications, "Email"),
                sms=_summary(row, notifications, "Sms"),
            )
            if notifications
            else None
        )
        return OrderStatusOut(
            id=row.id,
            sendersReference=row.senders_reference,
            requestedSendTime=aware(row.requested_send_time),
            creator=row.creator_orgnr,
            created=aware(row.created),
            notificationChannel=row.channel_scheme,
            ignoreReservation=row.ignore_reservation,
            resourceId=row.resource_id,
            conditionEndpoint=row.condition_endpoint,
            processingStatus=ProcessingStatus(
                status=row.status,
                description=row.status_description,
                lastUpdate=aware(row.last_update),
            ),
            notificationsStatusSummary=summary,
            reminders=reminders,
        )


def _notifications(
    database: DatabaseDep, sender: Sender, id: str, channel: str
) -> NotificationSummary:
    with database.read_session() as session:
        row = orders.get_order(session, id, orgnr=sender.orgnr)
        items = orders.notifications_of(session, row.id, channel=channel)
        return NotificationSummary(
            orderId=row.id,
            sendersReference=row.senders_reference,
            generated=len(items),
            succeeded=sum(n.status in sending.SENT_STATES for n in items),
            notifications=[_notification_out(row, n) for n in items],
        )


@router.get(
    "/orders/{id}/notifications/email",
    response_model=NotificationSummary,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="The e-mails an order generated and their send status",
)
def get_email_notifications(
    database: DatabaseDep, sender: SenderDep, id: OrderId
) -> NotificationSummary:
    return _notifications(database, sender, id, "Email")


@router.get(
    "/orders/{id}/notifications/sms",
    response_model=NotificationSummary,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND,
    summary="The SMS an order generated and their send status",
)
def get_sms_notifications(
    database: DatabaseDep, sender: SenderDep, id: OrderId
) -> NotificationSummary:
    return _notifications(database, sender, id, "Sms")


@router.put(
    "/orders/{id}/cancel",
    response_model=OrderStatusOut,
    response_model_exclude_none=True,
    responses=RESPONSES | NOT_FOUND | {409: problem_doc("The order has already been processed")},
    summary="Cancel an order (and its reminders) that has not been processed",
)
def cancel_order(database: DatabaseDep, sender: SenderDep, id: OrderId) -> OrderStatusOut:
    with database.unit_of_work() as uow:
        orders.cancel_order(uow, id, orgnr=sender.orgnr)
        uow.commit()
    return get_order_status(database, sender, id)
