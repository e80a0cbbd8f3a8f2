"""Enhetsregisteret: entities, sub-units, roles, change feed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "enh_enhet",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("organisasjonsnummer", sa.String(length=9), nullable=False),
        sa.Column("er_underenhet", sa.Boolean(), nullable=False),
        sa.Column("navn", sa.String(length=180), nullable=False),
        sa.Column("navn_sok", sa.String(length=180), nullable=False),
        sa.Column("organisasjonsform", sa.String(length=4), nullable=False),
        sa.Column("overordnet_enhet", sa.String(length=9), nullable=True),
        sa.Column("naeringskode1", sa.String(length=6), nullable=True),
        sa.Column("naeringskode2", sa.String(length=6), nullable=True),
        sa.Column("naeringskode3", sa.String(length=6), nullable=True),
        sa.Column("institusjonell_sektorkode", sa.String(length=4), nullable=True),
        sa.Column("kommunenummer", sa.String(length=4), nullable=True),
        sa.Column("forretningsadresse", sa.JSON(), nullable=True),
        sa.Column("postadresse", sa.JSON(), nullable=True),
        sa.Column("antall_ansatte", sa.Integer(), nullable=True),
        sa.Column("stiftelsesdato", sa.Date(), nullable=True),
        sa.Column("oppstartsdato", sa.Date(), nullable=True),
        sa.Column("registreringsdato", sa.Date(), nullable=False),
        sa.Column("registrert_i_mvaregisteret", sa.Boolean(), nullable=False),
        sa.Column("registrert_i_foretaksregisteret", sa.Boolean(), nullable=False),
        sa.Column("registrert_i_frivillighetsregisteret", sa.Boolean(), nullable=False),
        sa.Column("registrert_i_stiftelsesregisteret", sa.Boolean(), nullable=False),
        sa.Column("konkurs", sa.Boolean(), nullable=False),
        sa.Column("konkursdato", sa.Date(), nullable=True),
        sa.Column("under_avvikling", sa.Boolean(), nullable=False),
        sa.Column("under_avvikling_dato", sa.Date(), nullable=True),
        sa.Column("under_tvangsavvikling", sa.Boolean(), nullable=False),
        sa.Column("maalform", sa.String(length=10), nullable=False),
        sa.Column("hjemmeside", sa.String(length=200), nullable=True),
        sa.Column("vedtektsfestet_formaal", sa.JSON(), nullable=True),
        sa.Column("aktivitet", sa.JSON(), nullable=True),
        sa.Column("nedleggelsesdato", sa.Date(), nullable=True),
        sa.Column("slettedato", sa.Date(), nullable=True),
        sa.Column("opprettet", sa.DateTime(timezone=True), nullable=False),
        sa.Column("endret", sa.DateTime(timezone=True), nullable=False),
        sa.Column("versjon", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["overordnet_enhet"],
            ["enh_enhet.organisasjonsnummer"],
            name=op.f("fk_enh_enhet_overordnet_enhet_enh_enhet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enh_enhet")),
        sa.UniqueConstraint("organisasjonsnummer", name=op.f("uq_enh_enhet_organisasjonsnummer")),
    )
    with op.batch_alter_table("enh_enhet", schema=None) as batch_op:
        batch_op.create_index("ix_enh_enhet_kommune", ["er_underenhet", "kommunenummer"])
        batch_op.create_index("ix_enh_enhet_naering", ["er_underenhet", "naeringskode1"])
        batch_op.create_index("ix_enh_enhet_orgform", ["er_underenhet", "organisasjonsform"])
        batch_op.create_index("ix_enh_enhet_overordnet", ["overordnet_enhet"])
    if _is_postgresql():
        # Word-prefix name search (decision 0015); SQLite searches without an index.
        op.create_index(
            "ix_enh_enhet_navn_fts",
            "enh_enhet",
            [sa.literal_column("to_tsvector('simple', navn_sok)")],
            postgresql_using="gin",
        )

    op.create_table(
        "enh_oppdatering",
        sa.Column("oppdateringsid", _ID, autoincrement=True, nullable=False),
        sa.Column("organisasjonsnummer", sa.String(length=9), nullable=False),
        sa.Column("er_underenhet", sa.Boolean(), nullable=False),
        sa.Column("endringstype", sa.String(length=10), nullable=False),
        sa.Column("dato", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oppdateringsid", name=op.f("pk_enh_oppdatering")),
    )
    with op.batch_alter_table("enh_oppdatering", schema=None) as batch_op:
        batch_op.create_index("ix_enh_oppdatering_dato", ["er_underenhet", "dato"])
        batch_op.create_index("ix_enh_oppdatering_id", ["er_underenhet", "oppdateringsid"])

    op.create_table(
        "enh_rolle",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("enhet_id", sa.BigInteger(), nullable=False),
        sa.Column("rollegruppe", sa.String(length=4), nullable=False),
        sa.Column("rolletype", sa.String(length=4), nullable=False),
        sa.Column("person_ident", sa.String(length=11), nullable=True),
        sa.Column("rolle_orgnr", sa.String(length=9), nullable=True),
        sa.Column("rekkefolge", sa.Integer(), nullable=False),
        sa.Column("registrert", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enhet_id"], ["enh_enhet.id"], name=op.f("fk_enh_rolle_enhet_id_enh_enhet")
        ),
        sa.ForeignKeyConstraint(
            ["rolle_orgnr"],
            ["enh_enhet.organisasjonsnummer"],
            name=op.f("fk_enh_rolle_rolle_orgnr_enh_enhet"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enh_rolle")),
    )
    with op.batch_alter_table("enh_rolle", schema=None) as batch_op:
        batch_op.create_index("ix_enh_rolle_enhet", ["enhet_id"])
        batch_op.create_index("ix_enh_rolle_orgnr", ["rolle_orgnr"])
        batch_op.create_index("ix_enh_rolle_person", ["person_ident"])


def downgrade() -> None:
    with op.batch_alter_table("enh_rolle", schema=None) as batch_op:
        batch_op.drop_index("ix_enh_rolle_person")
        batch_op.drop_index("ix_enh_rolle_orgnr")
        batch_op.drop_index("ix_enh_rolle_enhet")
    op.drop_table("enh_rolle")

    with op.batch_alter_table("enh_oppdatering", schema=None) as batch_op:
        batch_op.drop_index("ix_enh_oppdatering_id")
        batch_op.drop_index("ix_enh_oppdatering_dato")
    op.drop_table("enh_oppdatering")

    if _is_postgresql():
        op.drop_index("ix_enh_enhet_navn_fts", table_name="enh_enhet", postgresql_using="gin")
    with op.batch_alter_table("enh_enhet", schema=None) as batch_op:
        batch_op.drop_index("ix_enh_enhet_overordnet")
        batch_op.drop_index("ix_enh_enhet_orgform")
        batch_op.drop_index("ix_enh_enhet_naering")
        batch_op.drop_index("ix_enh_enhet_kommune")
    op.drop_table("enh_enhet")
