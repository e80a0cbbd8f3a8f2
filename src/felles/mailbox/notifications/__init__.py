"""Notifications by e-mail and SMS, as Altinn Notifications (decision 0035).

The interface for other blocks (the mailbox orders one when a letter is published):

* ``order_notification(uow, NotificationOrder(...)) -> order id`` — idempotent on the sender
  and the idempotency key; the caller commits;
* ``register_condition(name, fn)`` — ``fn(session, argument) -> bool`` says whether an order
  naming ``name`` is still to be sent (reminders skipped once a task is done);
* ``send_due(database, email_sender, sms_gateway) -> SendRound`` — one round of sending,
  looped by ``python -m felles.mailbox.notifications``.
"""

from felles.mailbox.notifications.channels import Channel, ChannelScheme
from felles.mailbox.notifications.conditions import register_condition, unregister_condition
from felles.mailbox.notifications.delivery import (
    DatabaseSmsGateway,
    EmailSender,
    SendFailed,
    SmsGateway,
    SmtpEmailSender,
)
from felles.mailbox.notifications.orders import (
    EmailTemplate,
    NotificationOrder,
    Reminder,
    SmsTemplate,
    cancel_order,
    order_notification,
)
from felles.mailbox.notifications.sending import SendRound, send_due

__all__ = [
    "Channel",
    "ChannelScheme",
    "DatabaseSmsGateway",
    "EmailSender",
    "EmailTemplate",
    "NotificationOrder",
    "Reminder",
    "SendFailed",
    "SendRound",
    "SmsGateway",
    "SmsTemplate",
    "SmtpEmailSender",
    "cancel_order",
    "order_notification",
    "register_condition",
    "send_due",
    "unregister_condition",
]
