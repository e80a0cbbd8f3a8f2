"""Fixtures for the access log: a checkpoint key of the test's own, small checkpoint interval."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from felles.access.log.operations import LogEntry
from felles.kernel.db import Database
from felles.kernel.settings import get_settings

# Synthetic identity numbers (month + 80) and two organisation numbers.
ANNE = "17868549858"
BJOERN = "02819049966"
CARL = "04837049887"
NAV = "889640782"
KOMMUNE = "974760673"
CHECKPOINT_EVERY = 5


@pytest.fixture(autouse=True)
def checkpoint_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A key file in the test's own folder, generated on first use; checkpoints every 5."""
    path = tmp_path / "access-log-key.pem"
    monkeypatch.setenv("FELLES_ACCESS_LOG_KEY_FILE", str(path))
    monkeypatch.setenv("FELLES_ACCESS_LOG_CHECKPOINT_EVERY", str(CHECKPOINT_EVERY))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def entry(subjekt: str = ANNE, **overrides: Any) -> LogEntry:
    values: dict[str, Any] = {
        "konsument": NAV,
        "subjekt": subjekt,
        "datasett": "folkeregisteret/person",
        "felter": ["navn", "bostedsadresse"],
        "formaal": "Behandling av søknad om dagpenger",
        "hjemmel": "folketrygdloven § 21-4",
        "foresporsel_id": "req-1",
        "aktoer": "saksbehandler-17",
    }
    return LogEntry(**(values | overrides))


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=UTC)


def tamper(database: Database, *statements: str, **parameters: Any) -> None:
    """Run SQL on the log as someone who disabled the append-only triggers (PostgreSQL)."""
    triggers = ("innsyn_logg_append_only", "innsyn_sjekkpunkt_append_only")
    tables = ("innsyn_logg", "innsyn_sjekkpunkt")
    with database.engine.begin() as connection:
        if database.is_postgresql:
            for table, trigger in zip(tables, triggers, strict=True):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        for statement in statements:
            connection.execute(text(statement), parameters)
        if database.is_postgresql:
            for table, trigger in zip(tables, triggers, strict=True):
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
