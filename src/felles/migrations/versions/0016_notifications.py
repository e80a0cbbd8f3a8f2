"""Notifications (Altinn Notifications): orders, notifications, the database SMS gateway's
sent SMS (decision 0035)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ntf_order",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("creator_orgnr", sa.String(length=9), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("senders_reference", sa.String(length=200), nullable=True),
        sa.Column("recipient", sa.String(length=11), nullable=False),
        sa.Column("channel_scheme", sa.String(length=20), nullable=False),
        sa.Column("ignore_reservation", sa.Boolean(), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("email_subject", sa.String(length=200), nullable=True),
        sa.Column("email_body", sa.Text(), nullable=True),
        sa.Column("email_content_type", sa.String(length=10), nullable=False),
        sa.Column("sms_sender", sa.String(length=11), nullable=True),
        sa.Column("sms_body", sa.Text(), nullable=True),
        sa.Column("requested_send_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("condition_endpoint", sa.String(length=500), nullable=True),
        sa.Column("condition_name", sa.String(length=100), nullable=True),
        sa.Column("condition_argument", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("status_description", sa.String(length=200), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_update", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["ntf_order.id"],
            name=op.f("fk_ntf_order_parent_id_ntf_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ntf_order")),
    )
    op.create_index(op.f("ix_ntf_order_parent_id"), "ntf_order", ["parent_id"])
    op.create_index(
        "uq_ntf_order_creator_idempotency",
        "ntf_order",
        ["creator_orgnr", "idempotency_key"],
        unique=True,
    )
    op.create_index(
        "ix_ntf_order_status_next_attempt_at", "ntf_order", ["status", "next_attempt_at"]
    )
    op.create_table(
        "ntf_notification",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=10), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_update", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["ntf_order.id"],
            name=op.f("fk_ntf_notification_order_id_ntf_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ntf_notification")),
    )
    op.create_index(op.f("ix_ntf_notification_order_id"), "ntf_notification", ["order_id"])
    op.create_index(
        "ix_ntf_notification_status_next_attempt_at",
        "ntf_notification",
        ["status", "next_attempt_at"],
    )
    op.create_table(
        "ntf_sent_sms",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.String(length=36), nullable=False),
        sa.Column("sender", sa.String(length=11), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ntf_sent_sms")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_ntf_sent_sms_notification_id")),
    )


def downgrade() -> None:
    op.drop_table("ntf_sent_sms")
    op.drop_table("ntf_notification")
    op.drop_table("ntf_order")
