"""Property: cadastral units and owners

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "eie_matrikkelenhet",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("kommunenummer", sa.String(length=4), nullable=False),
        sa.Column("gaardsnummer", sa.Integer(), nullable=False),
        sa.Column("bruksnummer", sa.Integer(), nullable=False),
        sa.Column("festenummer", sa.Integer(), nullable=False),
        sa.Column("seksjonsnummer", sa.Integer(), nullable=False),
        sa.Column("matrikkelenhetstype", sa.String(length=20), nullable=False),
        sa.Column("areal", sa.Float(), nullable=True),
        sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
        sa.Column("endret", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eie_matrikkelenhet")),
    )
    with op.batch_alter_table("eie_matrikkelenhet", schema=None) as batch_op:
        batch_op.create_index(
            "uq_eie_matrikkelenhet_matrikkelnummer",
            ["kommunenummer", "gaardsnummer", "bruksnummer", "festenummer", "seksjonsnummer"],
            unique=True,
        )

    op.create_table(
        "eie_adresse",
        sa.Column("adresse_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("matrikkelenhet_id", sa.BigInteger(), nullable=False),
        sa.Column("koblet", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["matrikkelenhet_id"],
            ["eie_matrikkelenhet.id"],
            name=op.f("fk_eie_adresse_matrikkelenhet_id_eie_matrikkelenhet"),
        ),
        sa.PrimaryKeyConstraint("adresse_id", name=op.f("pk_eie_adresse")),
    )
    with op.batch_alter_table("eie_adresse", schema=None) as batch_op:
        batch_op.create_index("ix_eie_adresse_matrikkelenhet", ["matrikkelenhet_id"], unique=False)

    op.create_table(
        "eie_dokument",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("matrikkelenhet_id", sa.BigInteger(), nullable=False),
        sa.Column("dokumenttype", sa.String(length=20), nullable=False),
        sa.Column("dato", sa.Date(), nullable=False),
        sa.Column("vederlag", sa.BigInteger(), nullable=True),
        sa.Column("registrert", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["matrikkelenhet_id"],
            ["eie_matrikkelenhet.id"],
            name=op.f("fk_eie_dokument_matrikkelenhet_id_eie_matrikkelenhet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eie_dokument")),
    )
    with op.batch_alter_table("eie_dokument", schema=None) as batch_op:
        batch_op.create_index(
            "ix_eie_dokument_matrikkelenhet", ["matrikkelenhet_id", "id"], unique=False
        )

    op.create_table(
        "eie_hjemmel",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("matrikkelenhet_id", sa.BigInteger(), nullable=False),
        sa.Column("hjemmelshaver", sa.String(length=11), nullable=False),
        sa.Column("hjemmelshavertype", sa.String(length=6), nullable=False),
        sa.Column("teller", sa.BigInteger(), nullable=False),
        sa.Column("nevner", sa.BigInteger(), nullable=False),
        sa.Column("fra_dokument_id", sa.BigInteger(), nullable=False),
        sa.Column("til_dokument_id", sa.BigInteger(), nullable=True),
        sa.Column("gyldig_fra", sa.Date(), nullable=False),
        sa.Column("gyldig_til", sa.Date(), nullable=True),
        sa.CheckConstraint("teller > 0 AND teller <= nevner", name=op.f("ck_eie_hjemmel_andel")),
        sa.ForeignKeyConstraint(
            ["fra_dokument_id"],
            ["eie_dokument.id"],
            name=op.f("fk_eie_hjemmel_fra_dokument_id_eie_dokument"),
        ),
        sa.ForeignKeyConstraint(
            ["matrikkelenhet_id"],
            ["eie_matrikkelenhet.id"],
            name=op.f("fk_eie_hjemmel_matrikkelenhet_id_eie_matrikkelenhet"),
        ),
        sa.ForeignKeyConstraint(
            ["til_dokument_id"],
            ["eie_dokument.id"],
            name=op.f("fk_eie_hjemmel_til_dokument_id_eie_dokument"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eie_hjemmel")),
    )
    with op.batch_alter_table("eie_hjemmel", schema=None) as batch_op:
        batch_op.create_index(
            "ix_eie_hjemmel_hjemmelshaver", ["hjemmelshaver", "til_dokument_id"], unique=False
        )
        batch_op.create_index(
            "ix_eie_hjemmel_matrikkelenhet", ["matrikkelenhet_id", "til_dokument_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("eie_hjemmel", schema=None) as batch_op:
        batch_op.drop_index("ix_eie_hjemmel_matrikkelenhet")
        batch_op.drop_index("ix_eie_hjemmel_hjemmelshaver")
    op.drop_table("eie_hjemmel")
    with op.batch_alter_table("eie_dokument", schema=None) as batch_op:
        batch_op.drop_index("ix_eie_dokument_matrikkelenhet")
    op.drop_table("eie_dokument")
    with op.batch_alter_table("eie_adresse", schema=None) as batch_op:
        batch_op.drop_index("ix_eie_adresse_matrikkelenhet")
    op.drop_table("eie_adresse")
    with op.batch_alter_table("eie_matrikkelenhet", schema=None) as batch_op:
        batch_op.drop_index("uq_eie_matrikkelenhet_matrikkelnummer")
    op.drop_table("eie_matrikkelenhet")
