"""Journeys: one row per life event that opened one (decision 0037)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "jrn_reise",
        sa.Column("id", _PK, autoincrement=True, nullable=False),
        sa.Column("life_event", sa.String(length=40), nullable=False),
        sa.Column("anchor", sa.String(length=11), nullable=False),
        sa.Column("occurrence", sa.String(length=10), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("trigger_event_id", sa.String(length=36), nullable=False),
        sa.Column("opened", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jrn_reise")),
    )
    op.create_index(
        "uq_jrn_reise_event_anchor",
        "jrn_reise",
        ["life_event", "anchor", "occurrence"],
        unique=True,
    )
    op.create_index("ix_jrn_reise_anchor", "jrn_reise", ["anchor"])


def downgrade() -> None:
    op.drop_index("ix_jrn_reise_anchor", table_name="jrn_reise")
    op.drop_index("uq_jrn_reise_event_anchor", table_name="jrn_reise")
    op.drop_table("jrn_reise")
