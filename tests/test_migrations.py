"""The Alembic migrations build exactly the tables the models declare, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from felles.kernel import migrate
from felles.kernel.db import Database
from felles.models import metadata


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "run: alembic revision --autogenerate (see alembic.ini)"


def test_downgrade_to_base_and_up_again(database: Database) -> None:
    migrate.downgrade(database, "base")
    migrate.upgrade(database)
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
