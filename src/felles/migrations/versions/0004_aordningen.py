"""A-ordningen: employment relationships and monthly pay

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "aord_arbeidsforhold",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("arbeidstaker", sa.String(length=11), nullable=False),
        sa.Column("opplysningspliktig", sa.String(length=9), nullable=False),
        sa.Column("arbeidssted", sa.String(length=9), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("startdato", sa.Date(), nullable=False),
        sa.Column("sluttdato", sa.Date(), nullable=True),
        sa.Column("sluttaarsak", sa.String(length=60), nullable=True),
        sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sist_endret", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "sluttdato IS NULL OR sluttdato >= startdato",
            name=op.f("ck_aord_arbeidsforhold_periode"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aord_arbeidsforhold")),
    )
    with op.batch_alter_table("aord_arbeidsforhold", schema=None) as batch_op:
        batch_op.create_index("ix_aord_arbeidsforhold_arbeidssted", ["arbeidssted"], unique=False)
        batch_op.create_index(
            "ix_aord_arbeidsforhold_arbeidstaker", ["arbeidstaker", "startdato"], unique=False
        )
        batch_op.create_index(
            "ix_aord_arbeidsforhold_opplysningspliktig", ["opplysningspliktig"], unique=False
        )

    op.create_table(
        "aord_ansettelsesdetaljer",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("arbeidsforhold_id", sa.BigInteger(), nullable=False),
        sa.Column("gyldig_fra", sa.Date(), nullable=False),
        sa.Column("gyldig_til", sa.Date(), nullable=True),
        sa.Column(
            "stillingsprosent",
            sa.Numeric(precision=5, scale=2, asdecimal=False),
            nullable=False,
        ),
        sa.Column("yrke", sa.String(length=4), nullable=False),
        sa.Column("registrert", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "gyldig_til IS NULL OR gyldig_til >= gyldig_fra",
            name=op.f("ck_aord_ansettelsesdetaljer_gyldighet"),
        ),
        sa.CheckConstraint(
            "stillingsprosent > 0 AND stillingsprosent <= 100",
            name=op.f("ck_aord_ansettelsesdetaljer_stillingsprosent"),
        ),
        sa.ForeignKeyConstraint(
            ["arbeidsforhold_id"],
            ["aord_arbeidsforhold.id"],
            name=op.f("fk_aord_ansettelsesdetaljer_arbeidsforhold_id_aord_arbeidsforhold"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aord_ansettelsesdetaljer")),
    )
    with op.batch_alter_table("aord_ansettelsesdetaljer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_aord_ansettelsesdetaljer_arbeidsforhold",
            ["arbeidsforhold_id", "gyldig_fra"],
            unique=False,
        )

    op.create_table(
        "aord_amelding",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("opplysningspliktig", sa.String(length=9), nullable=False),
        sa.Column("kalendermaaned", sa.String(length=7), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.Column("mottatt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erstattet", sa.DateTime(timezone=True), nullable=True),
        sa.Column("antall_inntektsmottakere", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aord_amelding")),
        sa.UniqueConstraint(
            "opplysningspliktig",
            "kalendermaaned",
            "versjon",
            name="uq_aord_amelding_maaned_versjon",
        ),
    )

    op.create_table(
        "aord_inntekt",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("amelding_id", sa.BigInteger(), nullable=False),
        sa.Column("arbeidsforhold_id", sa.BigInteger(), nullable=False),
        sa.Column("norskident", sa.String(length=11), nullable=False),
        sa.Column("virksomhet", sa.String(length=9), nullable=False),
        sa.Column("kalendermaaned", sa.String(length=7), nullable=False),
        sa.Column("beskrivelse", sa.String(length=60), nullable=False),
        sa.Column("beloep", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("beloep >= 0", name=op.f("ck_aord_inntekt_beloep")),
        sa.ForeignKeyConstraint(
            ["amelding_id"],
            ["aord_amelding.id"],
            name=op.f("fk_aord_inntekt_amelding_id_aord_amelding"),
        ),
        sa.ForeignKeyConstraint(
            ["arbeidsforhold_id"],
            ["aord_arbeidsforhold.id"],
            name=op.f("fk_aord_inntekt_arbeidsforhold_id_aord_arbeidsforhold"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aord_inntekt")),
    )
    with op.batch_alter_table("aord_inntekt", schema=None) as batch_op:
        batch_op.create_index("ix_aord_inntekt_amelding", ["amelding_id"], unique=False)
        batch_op.create_index(
            "ix_aord_inntekt_arbeidsforhold",
            ["arbeidsforhold_id", "kalendermaaned"],
            unique=False,
        )
        batch_op.create_index(
            "ix_aord_inntekt_norskident", ["norskident", "kalendermaaned"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("aord_inntekt", schema=None) as batch_op:
        batch_op.drop_index("ix_aord_inntekt_norskident")
        batch_op.drop_index("ix_aord_inntekt_arbeidsforhold")
        batch_op.drop_index("ix_aord_inntekt_amelding")
    op.drop_table("aord_inntekt")
    op.drop_table("aord_amelding")
    with op.batch_alter_table("aord_ansettelsesdetaljer", schema=None) as batch_op:
        batch_op.drop_index("ix_aord_ansettelsesdetaljer_arbeidsforhold")
    op.drop_table("aord_ansettelsesdetaljer")
    with op.batch_alter_table("aord_arbeidsforhold", schema=None) as batch_op:
        batch_op.drop_index("ix_aord_arbeidsforhold_opplysningspliktig")
        batch_op.drop_index("ix_aord_arbeidsforhold_arbeidstaker")
        batch_op.drop_index("ix_aord_arbeidsforhold_arbeidssted")
    op.drop_table("aord_arbeidsforhold")
