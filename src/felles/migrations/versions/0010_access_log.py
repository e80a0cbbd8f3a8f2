"""Access log (innsynslogg): hash-chained entries and signed checkpoints

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Append only at the database level (PostgreSQL): a row trigger refuses UPDATE and DELETE of
# entries and checkpoints. Someone allowed to disable it can still change rows; the hash
# chain and the signed checkpoints make that visible (``felles audit verify``, decision 0024).
# TRUNCATE is left to privileges: the application's role should not hold it.
_POSTGRESQL_FUNCTION = """
CREATE FUNCTION innsyn_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_TABLES = ("innsyn_logg", "innsyn_sjekkpunkt")


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "innsyn_logg",
        sa.Column("sekvensnummer", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tidspunkt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("konsument", sa.String(length=9), nullable=False),
        sa.Column("aktoer", sa.String(length=64), nullable=True),
        sa.Column("fullmakt_id", sa.String(length=64), nullable=True),
        sa.Column("subjekt", sa.String(length=11), nullable=False),
        sa.Column("datasett", sa.String(length=200), nullable=False),
        sa.Column("felter", sa.JSON(), nullable=False),
        sa.Column("formaal", sa.String(length=200), nullable=False),
        sa.Column("hjemmel", sa.String(length=200), nullable=True),
        sa.Column("samtykke_id", sa.String(length=64), nullable=True),
        sa.Column("foresporsel_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "hjemmel IS NOT NULL OR samtykke_id IS NOT NULL",
            name=op.f("ck_innsyn_logg_hjemmel_eller_samtykke"),
        ),
        sa.CheckConstraint("sekvensnummer >= 1", name=op.f("ck_innsyn_logg_sekvensnummer")),
        sa.PrimaryKeyConstraint("sekvensnummer", name=op.f("pk_innsyn_logg")),
    )
    op.create_index(
        "ix_innsyn_logg_subjekt", "innsyn_logg", ["subjekt", "tidspunkt", "sekvensnummer"]
    )
    op.create_table(
        "innsyn_kjede",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sekvensnummer", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_innsyn_kjede_en_rad")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innsyn_kjede")),
    )
    op.create_table(
        "innsyn_sjekkpunkt",
        sa.Column("sekvensnummer", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("tidspunkt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("noekkel_id", sa.String(length=32), nullable=False),
        sa.Column("signatur", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("sekvensnummer", name=op.f("pk_innsyn_sjekkpunkt")),
    )
    if _is_postgresql():
        op.execute(_POSTGRESQL_FUNCTION)
        for table in _TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION innsyn_append_only()"
            )


def downgrade() -> None:
    if _is_postgresql():
        for table in _TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION innsyn_append_only()")
    op.drop_table("innsyn_sjekkpunkt")
    op.drop_table("innsyn_kjede")
    op.drop_index("ix_innsyn_logg_subjekt", table_name="innsyn_logg")
    op.drop_table("innsyn_logg")
