"""Public services: cases, their history, decisions, documents and caseworker tasks (0033)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _sak_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["sak_id"], ["svc_sak.id"], name=op.f(f"fk_{table}_sak_id_svc_sak"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "svc_sak",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=11), nullable=False),
        sa.Column("part", sa.String(length=11), nullable=True),
        sa.Column("owner_orgnr", sa.String(length=9), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("manual_reason", sa.String(length=100), nullable=True),
        sa.Column("trigger_event_id", sa.String(length=36), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_sak")),
    )
    op.create_index("uq_svc_sak_service_subject", "svc_sak", ["service_id", "subject"], unique=True)
    op.create_index("ix_svc_sak_subject", "svc_sak", ["subject"])
    op.create_index("ix_svc_sak_status", "svc_sak", ["service_id", "status"])
    op.create_index(op.f("ix_svc_sak_part"), "svc_sak", ["part"])

    op.create_table(
        "svc_sak_hendelse",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("sak_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _sak_fk("svc_sak_hendelse"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_sak_hendelse")),
    )
    op.create_index(op.f("ix_svc_sak_hendelse_sak_id"), "svc_sak_hendelse", ["sak_id"])

    op.create_table(
        "svc_forklaring",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_forklaring")),
    )
    op.create_table(
        "svc_vedtak",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("sak_id", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("explanation_id", sa.String(length=64), nullable=False),
        sa.Column("data_used", sa.JSON(), nullable=False),
        sa.Column("legal_references", sa.JSON(), nullable=False),
        sa.Column("klage", sa.JSON(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("superseded_by", sa.BigInteger(), nullable=True),
        _sak_fk("svc_vedtak"),
        sa.ForeignKeyConstraint(
            ["explanation_id"],
            ["svc_forklaring.id"],
            name=op.f("fk_svc_vedtak_explanation_id_svc_forklaring"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_vedtak")),
    )
    op.create_index(op.f("ix_svc_vedtak_sak_id"), "svc_vedtak", ["sak_id"])

    op.create_table(
        "svc_dokument",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("sak_id", sa.BigInteger(), nullable=False),
        sa.Column("vedtak_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        _sak_fk("svc_dokument"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_dokument")),
    )
    op.create_index(op.f("ix_svc_dokument_sak_id"), "svc_dokument", ["sak_id"])

    op.create_table(
        "svc_oppgave",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("sak_id", sa.BigInteger(), nullable=False),
        sa.Column("owner_orgnr", sa.String(length=9), nullable=False),
        sa.Column("tema", sa.String(length=10), nullable=False),
        sa.Column("oppgavetype", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tilordnet_ressurs", sa.String(length=20), nullable=True),
        sa.Column("frist", sa.Date(), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        _sak_fk("svc_oppgave"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_svc_oppgave")),
    )
    op.create_index(op.f("ix_svc_oppgave_sak_id"), "svc_oppgave", ["sak_id"])
    op.create_index("ix_svc_oppgave_queue", "svc_oppgave", ["owner_orgnr", "status", "id"])


def downgrade() -> None:
    op.drop_table("svc_oppgave")
    op.drop_table("svc_dokument")
    op.drop_table("svc_vedtak")
    op.drop_table("svc_forklaring")
    op.drop_table("svc_sak_hendelse")
    op.drop_table("svc_sak")
