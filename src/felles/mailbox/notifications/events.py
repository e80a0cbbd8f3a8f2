"""Events of notifications on the outbox: an order's and each notification's status changes.

Types follow Altinn's status names: ``no.altinn.notifications.order.<OrderProcessingState>``
and ``no.altinn.notifications.email.<result>`` / ``.sms.<result>``. The subject is the order,
not the person, and the data hold ids and statuses only: no address, no name, no text
(decision 0007), so an event says that something was sent, never to whom.
"""

from __future__ import annotations

from typing import Final

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.notifications.model import NotificationRow, OrderRow

SOURCE: Final = "/notifications"
ORDER_PREFIX: Final = "no.altinn.notifications.order."
PREFIX: Final = "no.altinn.notifications."


def order_changed(uow: UnitOfWork, order: OrderRow) -> None:
    uow.emit(
        Event(
            type=f"{ORDER_PREFIX}{order.status}",
            source=SOURCE,
            subject=f"/notifications/orders/{order.id}",
            data={
                "orderId": order.id,
                "type": order.type,
                "parentOrderId": order.parent_id,
                "creator": order.creator_orgnr,
                "status": order.status,
            },
        )
    )


def notification_changed(uow: UnitOfWork, notification: NotificationRow) -> None:
    channel = "email" if notification.channel == "Email" else "sms"
    uow.emit(
        Event(
            type=f"{PREFIX}{channel}.{notification.status}",
            source=SOURCE,
            subject=f"/notifications/orders/{notification.order_id}",
            data={
                "orderId": notification.order_id,
                "notificationId": notification.id,
                "channel": notification.channel,
                "status": notification.status,
                "attempts": notification.attempts,
            },
        )
    )
