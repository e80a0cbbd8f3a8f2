"""Enhetsregisteret: a narrow name-search table kept by triggers (decision 0021)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYNCED_COLUMNS = "navn_sok, slettedato, er_underenhet, organisasjonsnummer"

_POSTGRESQL_FUNCTION = """
CREATE FUNCTION enh_navnesok_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.slettedato IS NULL THEN
        INSERT INTO enh_navnesok (enhet_id, er_underenhet, navn_sok, organisasjonsnummer)
        VALUES (NEW.id, NEW.er_underenhet, NEW.navn_sok, NEW.organisasjonsnummer)
        ON CONFLICT (enhet_id) DO UPDATE SET
            er_underenhet = EXCLUDED.er_underenhet,
            navn_sok = EXCLUDED.navn_sok,
            organisasjonsnummer = EXCLUDED.organisasjonsnummer;
    ELSE
        DELETE FROM enh_navnesok WHERE enhet_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$
"""
_POSTGRESQL_TRIGGER = f"""
CREATE TRIGGER enh_navnesok_sync
AFTER INSERT OR UPDATE OF {_SYNCED_COLUMNS} ON enh_enhet
FOR EACH ROW EXECUTE FUNCTION enh_navnesok_sync()
"""
_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER enh_navnesok_insert AFTER INSERT ON enh_enhet
    WHEN NEW.slettedato IS NULL
    BEGIN
        INSERT OR REPLACE INTO enh_navnesok (enhet_id, er_underenhet, navn_sok, organisasjonsnummer)
        VALUES (NEW.id, NEW.er_underenhet, NEW.navn_sok, NEW.organisasjonsnummer);
    END
    """,
    f"""
    CREATE TRIGGER enh_navnesok_update AFTER UPDATE OF {_SYNCED_COLUMNS} ON enh_enhet
    BEGIN
        DELETE FROM enh_navnesok WHERE enhet_id = NEW.id;
        INSERT INTO enh_navnesok (enhet_id, er_underenhet, navn_sok, organisasjonsnummer)
        SELECT NEW.id, NEW.er_underenhet, NEW.navn_sok, NEW.organisasjonsnummer
        WHERE NEW.slettedato IS NULL;
    END
    """,
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "enh_navnesok",
        sa.Column("enhet_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("er_underenhet", sa.Boolean(), nullable=False),
        sa.Column("navn_sok", sa.String(length=180), nullable=False),
        sa.Column("organisasjonsnummer", sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint("enhet_id", name=op.f("pk_enh_navnesok")),
    )
    op.execute(
        "INSERT INTO enh_navnesok (enhet_id, er_underenhet, navn_sok, organisasjonsnummer) "
        "SELECT id, er_underenhet, navn_sok, organisasjonsnummer FROM enh_enhet "
        "WHERE slettedato IS NULL"
    )
    if _is_postgresql():
        op.execute(_POSTGRESQL_FUNCTION)
        op.execute(_POSTGRESQL_TRIGGER)
        op.drop_index("ix_enh_enhet_navn_fts", table_name="enh_enhet")
        op.create_index(
            "ix_enh_navnesok_navn_fts",
            "enh_navnesok",
            [sa.literal_column("to_tsvector('simple', navn_sok)")],
            postgresql_using="gin",
        )
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if _is_postgresql():
        op.execute("DROP TRIGGER enh_navnesok_sync ON enh_enhet")
        op.execute("DROP FUNCTION enh_navnesok_sync()")
        op.create_index(
            "ix_enh_enhet_navn_fts",
            "enh_enhet",
            [sa.literal_column("to_tsvector('simple', navn_sok)")],
            postgresql_using="gin",
        )
    else:
        op.execute("DROP TRIGGER enh_navnesok_insert")
        op.execute("DROP TRIGGER enh_navnesok_update")
    op.drop_table("enh_navnesok")
