"""Skatteetaten: assessments (skatteoppgjør) with history, and arrears (restanser)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AMOUNTS = (
    "loennsinntekt",
    "kapitalinntekt",
    "renteutgifter",
    "bruttoformue",
    "gjeld",
    "pensjonsgivende_inntekt",
    "bruttoinntekt",
    "alminnelig_inntekt",
    "nettoformue",
    "trygdeavgift",
    "trinnskatt",
    "skatt_alminnelig_inntekt",
    "formuesskatt",
    "utlignet_skatt",
)
_NOT_NEGATIVE = " AND ".join(
    f"{column} >= 0" for column in _AMOUNTS if column not in {"alminnelig_inntekt", "nettoformue"}
)


def _assessment_columns() -> list[sa.Column[object]]:
    """The columns a current assessment and a replaced version share (see the model)."""
    return [
        sa.Column("personidentifikator", sa.String(length=11), nullable=False),
        sa.Column("inntektsaar", sa.Integer(), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        *(sa.Column(column, sa.BigInteger(), nullable=False) for column in _AMOUNTS),
        sa.Column("skatteoppgjoersdato", sa.Date(), nullable=False),
        sa.Column("registrert", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "skatt_skatteoppgjoer",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        *_assessment_columns(),
        sa.CheckConstraint(_NOT_NEGATIVE, name=op.f("ck_skatt_skatteoppgjoer_beloep")),
        sa.CheckConstraint("versjon >= 1", name=op.f("ck_skatt_skatteoppgjoer_versjon")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skatt_skatteoppgjoer")),
        sa.UniqueConstraint(
            "personidentifikator", "inntektsaar", name="uq_skatt_skatteoppgjoer_person_aar"
        ),
    )
    op.create_table(
        "skatt_skatteoppgjoer_historikk",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("skatteoppgjoer_id", sa.BigInteger(), nullable=False),
        sa.Column("erstattet", sa.DateTime(timezone=True), nullable=False),
        *_assessment_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skatt_skatteoppgjoer_historikk")),
        sa.UniqueConstraint(
            "personidentifikator",
            "inntektsaar",
            "versjon",
            name="uq_skatt_skatteoppgjoer_historikk_versjon",
        ),
    )
    with op.batch_alter_table("skatt_skatteoppgjoer_historikk", schema=None) as batch_op:
        batch_op.create_index(
            "ix_skatt_skatteoppgjoer_historikk_oppgjoer", ["skatteoppgjoer_id"], unique=False
        )
    op.create_table(
        "skatt_restanse",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("skyldner", sa.String(length=11), nullable=False),
        sa.Column("skyldnertype", sa.String(length=6), nullable=False),
        sa.Column("kravtype", sa.String(length=30), nullable=False),
        sa.Column("beloep", sa.BigInteger(), nullable=False),
        sa.Column("forfallsdato", sa.Date(), nullable=False),
        sa.Column("betalt_dato", sa.Date(), nullable=True),
        sa.Column("registrert", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("beloep > 0", name=op.f("ck_skatt_restanse_beloep")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skatt_restanse")),
    )
    with op.batch_alter_table("skatt_restanse", schema=None) as batch_op:
        batch_op.create_index(
            "ix_skatt_restanse_skyldner", ["skyldner", "betalt_dato"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("skatt_restanse", schema=None) as batch_op:
        batch_op.drop_index("ix_skatt_restanse_skyldner")
    op.drop_table("skatt_restanse")
    with op.batch_alter_table("skatt_skatteoppgjoer_historikk", schema=None) as batch_op:
        batch_op.drop_index("ix_skatt_skatteoppgjoer_historikk_oppgjoer")
    op.drop_table("skatt_skatteoppgjoer_historikk")
    op.drop_table("skatt_skatteoppgjoer")
