"""A pooled PostgreSQL connection that died while idle is replaced, not handed out."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from felles.kernel import db
from felles.kernel.db import Database


def test_a_dead_idle_connection_is_replaced(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database.is_postgresql:
        pytest.skip("SQLite has no server connection to lose")
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    with database.read_session() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = create_engine(database.engine.url)  # another client ends that backend
    with killer.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()
    killer.dispose()
    try:
        with database.read_session() as session:
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        database.engine.dispose()  # no connection of this test outlives it
