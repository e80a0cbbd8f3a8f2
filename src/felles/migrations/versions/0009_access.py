"""Access: consents (samtykke) and delegations (fullmakt)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "acc_samtykke",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fra_ident", sa.String(length=11), nullable=False),
        sa.Column("til_orgnr", sa.String(length=9), nullable=False),
        sa.Column("rettigheter", sa.JSON(), nullable=False),
        sa.Column("gyldig_til", sa.DateTime(timezone=True), nullable=False),
        sa.Column("melding", sa.JSON(), nullable=False),
        sa.Column("redirect_url", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samtykket", sa.DateTime(timezone=True), nullable=True),
        sa.Column("avsluttet", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sist_brukt", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_samtykke")),
    )
    op.create_index("ix_acc_samtykke_fra_til", "acc_samtykke", ["fra_ident", "til_orgnr"])
    op.create_index("ix_acc_samtykke_til", "acc_samtykke", ["til_orgnr"])
    op.create_index("ix_acc_samtykke_status_gyldig_til", "acc_samtykke", ["status", "gyldig_til"])
    op.create_table(
        "acc_samtykke_hendelse",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("hendelse_id", sa.String(length=36), nullable=False),
        sa.Column("samtykke_id", sa.String(length=36), nullable=False),
        sa.Column("hendelsestype", sa.String(length=10), nullable=False),
        sa.Column("tidspunkt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utfoert_av", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_samtykke_hendelse")),
    )
    op.create_index("ix_acc_samtykke_hendelse_samtykke", "acc_samtykke_hendelse", ["samtykke_id"])
    op.create_table(
        "acc_fullmakt",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("fullmaktsgiver", sa.String(length=11), nullable=False),
        sa.Column("fullmektig", sa.String(length=11), nullable=False),
        sa.Column("omraader", sa.String(length=100), nullable=False),
        sa.Column("gyldig_fra", sa.Date(), nullable=False),
        sa.Column("gyldig_til", sa.Date(), nullable=True),
        sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trukket", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trukket_av", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acc_fullmakt")),
    )
    op.create_index(
        "ix_acc_fullmakt_giver_mektig", "acc_fullmakt", ["fullmaktsgiver", "fullmektig"]
    )
    op.create_index("ix_acc_fullmakt_fullmektig", "acc_fullmakt", ["fullmektig"])


def downgrade() -> None:
    op.drop_table("acc_fullmakt")
    op.drop_table("acc_samtykke_hendelse")
    op.drop_table("acc_samtykke")
