"""Mailbox (digital post): letters, content, status history, attachments, print queue and
provider deliveries (decision 0034)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _letter_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["forsendelse_id"],
        ["post_forsendelse.id"],
        name=op.f(f"fk_{table}_forsendelse_id_post_forsendelse"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "post_forsendelse",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sender_orgnr", sa.String(length=9), nullable=False),
        sa.Column("message_sender", sa.String(length=200), nullable=True),
        sa.Column("senders_reference", sa.String(length=100), nullable=True),
        sa.Column("idempotent_key", sa.String(length=100), nullable=True),
        sa.Column("recipient", sa.String(length=11), nullable=False),
        sa.Column("recipient_kind", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("default_language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("channel_reason", sa.String(length=40), nullable=True),
        sa.Column("is_confirmation_needed", sa.Boolean(), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_forsendelse")),
    )
    op.create_index(
        "uq_post_forsendelse_sender_key",
        "post_forsendelse",
        ["sender_orgnr", "idempotent_key"],
        unique=True,
    )
    op.create_index("ix_post_forsendelse_recipient", "post_forsendelse", ["recipient", "created"])
    op.create_index("ix_post_forsendelse_sender", "post_forsendelse", ["sender_orgnr", "created"])

    op.create_table(
        "post_innhold",
        sa.Column("forsendelse_id", sa.String(length=36), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _letter_fk("post_innhold"),
        sa.PrimaryKeyConstraint("forsendelse_id", "language", name=op.f("pk_post_innhold")),
    )

    op.create_table(
        "post_status",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("forsendelse_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        _letter_fk("post_status"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_status")),
    )
    op.create_index(op.f("ix_post_status_forsendelse_id"), "post_status", ["forsendelse_id"])

    op.create_table(
        "post_vedlegg",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("forsendelse_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _letter_fk("post_vedlegg"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_vedlegg")),
    )
    op.create_index(op.f("ix_post_vedlegg_forsendelse_id"), "post_vedlegg", ["forsendelse_id"])

    op.create_table(
        "post_utskrift",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("forsendelse_id", sa.String(length=36), nullable=False),
        sa.Column("handling", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address_lines", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        _letter_fk("post_utskrift"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_utskrift")),
        sa.UniqueConstraint("forsendelse_id", name=op.f("uq_post_utskrift_forsendelse_id")),
    )

    op.create_table(
        "post_leveranse",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("forsendelse_id", sa.String(length=36), nullable=False),
        sa.Column("provider_orgnr", sa.String(length=9), nullable=False),
        sa.Column("mailbox_address", sa.String(length=100), nullable=False),
        sa.Column("receipt", sa.JSON(), nullable=False),
        sa.Column("delivered", sa.DateTime(timezone=True), nullable=False),
        _letter_fk("post_leveranse"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_leveranse")),
        sa.UniqueConstraint("forsendelse_id", name=op.f("uq_post_leveranse_forsendelse_id")),
    )


def downgrade() -> None:
    op.drop_table("post_leveranse")
    op.drop_table("post_utskrift")
    op.drop_index(op.f("ix_post_vedlegg_forsendelse_id"), table_name="post_vedlegg")
    op.drop_table("post_vedlegg")
    op.drop_index(op.f("ix_post_status_forsendelse_id"), table_name="post_status")
    op.drop_table("post_status")
    op.drop_table("post_innhold")
    op.drop_index("ix_post_forsendelse_sender", table_name="post_forsendelse")
    op.drop_index("ix_post_forsendelse_recipient", table_name="post_forsendelse")
    op.drop_index("uq_post_forsendelse_sender_key", table_name="post_forsendelse")
    op.drop_table("post_forsendelse")
