"""Event subscriptions (Altinn Events): subscriptions, deliveries, dead letters (decision 0031)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "evs_subscription",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("consumer_orgnr", sa.String(length=9), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("end_point", sa.String(length=500), nullable=False),
        sa.Column("source_filter", sa.String(length=200), nullable=True),
        sa.Column("type_filter", sa.String(length=200), nullable=True),
        sa.Column("subject_filter", sa.String(length=200), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("validated", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evs_subscription")),
    )
    op.create_index(
        op.f("ix_evs_subscription_consumer_orgnr"), "evs_subscription", ["consumer_orgnr"]
    )
    op.create_table(
        "evs_delivery",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("validation", sa.Boolean(), nullable=False),
        sa.Column("cloudevent", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["evs_subscription.id"],
            name=op.f("fk_evs_delivery_subscription_id_evs_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evs_delivery")),
    )
    op.create_index(
        "uq_evs_delivery_subscription_event",
        "evs_delivery",
        ["subscription_id", "event_id"],
        unique=True,
    )
    op.create_index("ix_evs_delivery_next_attempt_at", "evs_delivery", ["next_attempt_at"])
    op.create_table(
        "evs_dead_letter",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("validation", sa.Boolean(), nullable=False),
        sa.Column("cloudevent", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["evs_subscription.id"],
            name=op.f("fk_evs_dead_letter_subscription_id_evs_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evs_dead_letter")),
    )
    op.create_index(
        op.f("ix_evs_dead_letter_subscription_id"), "evs_dead_letter", ["subscription_id"]
    )


def downgrade() -> None:
    op.drop_table("evs_dead_letter")
    op.drop_table("evs_delivery")
    op.drop_table("evs_subscription")
