"""Running Alembic migrations from code (the CLI, the demo and the tests all use this)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config

from felles.kernel.db import Database


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("felles") / "migrations"))
    # Alembic interpolates %; a password may contain one.
    config.set_main_option(
        "sqlalchemy.url",
        database.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
    )
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
