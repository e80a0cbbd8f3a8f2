"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, database ``test``), or whatever
``FELLES_TEST_POSTGRES_URL`` names. Each run uses its own schema there, so nothing else in the
database is touched. Locally the PostgreSQL variants skip with a message when no server
answers; in CI (``CI=true``) they fail instead, so a missing server cannot pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from felles.kernel import caches, migrate
from felles.kernel.clock import SimulatedClock, use_clock
from felles.kernel.db import Database, use_database
from felles.kernel.settings import get_settings
from felles.models import metadata

PG_URL = os.environ.get(
    "FELLES_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# One schema per test run, so that concurrent runs on one server never disturb each other.
PG_SCHEMA = f"felles_test_{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ADMIN_TOKEN = get_settings().admin_token.get_secret_value()


def _postgres_or_skip() -> str:
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        engine.dispose()
    except Exception as error:  # any failure to reach the server means "no PostgreSQL here"
        message = f"PostgreSQL at {PG_URL} does not answer ({type(error).__name__})"
        if IN_CI:
            pytest.fail(f"{message}; in CI the PostgreSQL tests must run, not skip")
        pytest.skip(f"{message}; PostgreSQL variants skipped (set FELLES_TEST_POSTGRES_URL)")
    return url


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = Path(tmp_path_factory.mktemp("db")) / "felles-test.db"
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[Database]:
    database = Database(_postgres_or_skip())
    migrate.upgrade(database)
    yield database
    database.dispose()
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


def _empty(database: Database) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
            has_sequence = connection.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first()
            if has_sequence:
                connection.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, migrated database: SQLite, then PostgreSQL (each test runs on both)."""
    database: Database = request.getfixturevalue(f"{request.param}_database")
    _empty(database)
    caches.clear_all()
    previous = use_database(database)
    yield database
    use_database(previous)


@pytest.fixture
def clock() -> Iterator[SimulatedClock]:
    """A simulated clock at 2025-06-01 12:00 UTC that tests can move forward."""
    from datetime import UTC, datetime

    simulated = SimulatedClock(datetime(2025, 6, 1, 12, 0, tzinfo=UTC))
    previous = use_clock(simulated)
    yield simulated
    use_clock(previous)


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    """An HTTP client for the whole application on the test database."""
    from felles.app import create_app

    with TestClient(create_app(database=database)) as test_client:
        yield test_client


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
