"""Tables of notifications (decision 0035): orders, the e-mails and SMS they became, and the
SMS the database gateway "sent" (the test and demo provider).

An order is one recipient's notification at one send time; a reminder is an order of its own
(``type`` Reminder, ``parent_id`` the order it reminds of), as Altinn makes each reminder a
shipment of its own. Addresses are stored on the notification they were resolved for, so the
status API can show where a notification went; they are never logged and never put in events.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class OrderRow(Base):
    """A notification order for one recipient (or a reminder of one)."""

    __tablename__ = "ntf_order"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: Notification (the first) or Reminder.
    type: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("ntf_order.id", ondelete="CASCADE"), index=True
    )
    #: The sender's organisation number (Altinn's ``creator`` is the service owner).
    creator_orgnr: Mapped[str] = mapped_column(String(9))
    #: The client (Maskinporten client_id) or platform component that placed it.
    created_by: Mapped[str] = mapped_column(String(200))
    #: Makes placing the order idempotent per sender (Altinn's idempotencyId); None on reminders.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    senders_reference: Mapped[str | None] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(11))
    channel_scheme: Mapped[str] = mapped_column(String(20))
    ignore_reservation: Mapped[bool] = mapped_column(Boolean, default=False)
    resource_id: Mapped[str | None] = mapped_column(String(200))
    #: letter or task: which default text is used for a channel the order gives no text for.
    kind: Mapped[str] = mapped_column(String(10))
    email_subject: Mapped[str | None] = mapped_column(String(200))
    email_body: Mapped[str | None] = mapped_column(Text)
    email_content_type: Mapped[str] = mapped_column(String(10), default="Plain")
    sms_sender: Mapped[str | None] = mapped_column(String(11))
    sms_body: Mapped[str | None] = mapped_column(Text)
    requested_send_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: An http(s) URL answering {"sendNotification": bool} (Altinn's conditionEndpoint) ...
    condition_endpoint: Mapped[str | None] = mapped_column(String(500))
    #: ... or a condition registered in this process (``register_condition``) and its argument.
    condition_name: Mapped[str | None] = mapped_column(String(100))
    condition_argument: Mapped[str | None] = mapped_column(String(200))
    #: Registered, Processing, Completed, SendConditionNotMet, Cancelled (Altinn's states).
    status: Mapped[str] = mapped_column(String(30))
    status_description: Mapped[str | None] = mapped_column(String(200))
    #: Failed attempts at processing (condition check, contact lookup).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When processing may next be tried: the send time, a lease, or a backoff.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_update: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index(
            "uq_ntf_order_creator_idempotency",
            "creator_orgnr",
            "idempotency_key",
            unique=True,
        ),
        Index("ix_ntf_order_status_next_attempt_at", "status", "next_attempt_at"),
    )


class NotificationRow(Base):
    """One e-mail or SMS made from an order, with the address it was resolved to."""

    __tablename__ = "ntf_notification"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("ntf_order.id", ondelete="CASCADE"), index=True
    )
    #: Email or Sms.
    channel: Mapped[str] = mapped_column(String(5))
    #: The resolved e-mail address or mobile number; None when there was none to use.
    address: Mapped[str | None] = mapped_column(String(200))
    #: The rendered texts (the greeting's name included), so sending needs no second lookup.
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(10), default="Plain")
    sender: Mapped[str | None] = mapped_column(String(200))
    #: New, Sending, Succeeded (e-mail handed to the server), Accepted (SMS taken by the
    #: gateway), Failed, Failed_RecipientReserved, Failed_RecipientNotIdentified.
    status: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The exception type or SMTP code of the last failure (never a server's message text).
    last_error: Mapped[str | None] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_update: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_ntf_notification_status_next_attempt_at", "status", "next_attempt_at"),
    )


class SentSmsRow(Base):
    """An SMS taken by the database gateway: the test and demo provider's outbox."""

    __tablename__ = "ntf_sent_sms"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    notification_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(11))
    recipient: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
