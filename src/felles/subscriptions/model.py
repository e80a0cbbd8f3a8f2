"""Tables of the subscriptions block: subscriptions, pending deliveries and dead letters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from felles.kernel.db import Base, BigIntegerPK


class SubscriptionRow(Base):
    """A consumer organisation's subscription: where to deliver and which events."""

    __tablename__ = "evs_subscription"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    consumer_orgnr: Mapped[str] = mapped_column(String(9), index=True)
    #: The client (Maskinporten client_id) that created it, or "" when unknown.
    created_by: Mapped[str] = mapped_column(String(200), default="")
    end_point: Mapped[str] = mapped_column(String(500))
    source_filter: Mapped[str | None] = mapped_column(String(200))
    type_filter: Mapped[str | None] = mapped_column(String(200))
    subject_filter: Mapped[str | None] = mapped_column(String(200))
    #: The purpose (formål) the decision point judges events about people for.
    purpose: Mapped[str | None] = mapped_column(String(200))
    #: The scopes of the token that created it: the decision point sees the same consumer.
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    validated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: awaiting-validation, active, validation-failed, deleted
    status: Mapped[str] = mapped_column(String(30))


class DeliveryRow(Base):
    """An event waiting to be delivered (or retried) to one subscription's endpoint."""

    __tablename__ = "evs_delivery"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("evs_subscription.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(36))
    validation: Mapped[bool] = mapped_column(Boolean, default=False)
    cloudevent: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The HTTP status of the last attempt, or the exception type (never a response body).
    last_error: Mapped[str | None] = mapped_column(String(100))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("uq_evs_delivery_subscription_event", "subscription_id", "event_id", unique=True),
        Index("ix_evs_delivery_next_attempt_at", "next_attempt_at"),
    )


class DeadLetterRow(Base):
    """A delivery given up after the last attempt."""

    __tablename__ = "evs_dead_letter"

    id: Mapped[int] = mapped_column(BigIntegerPK, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("evs_subscription.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(36))
    validation: Mapped[bool] = mapped_column(Boolean, default=False)
    cloudevent: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(100))
    dead_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
