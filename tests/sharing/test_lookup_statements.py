"""What one lookup costs the database: each person read once, no transaction for the reads,
and the access log's entry committed by the group writer (decision 0029)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import event

from felles.kernel.db import Database
from tests.sharing.conftest import DATAFORDELER, NAV, Machines, log_rows

BASIS = "folkeregister.person.basis"


def _autocommit(connection: Any) -> bool:
    """Whether the DB-API connection under ``connection`` commits each statement itself."""
    driver = connection.connection.driver_connection
    if isinstance(driver, psycopg.Connection):
        return bool(driver.autocommit)
    return driver.isolation_level is None  # sqlite3: no implicit BEGIN


@contextmanager
def traffic(database: Database) -> Iterator[dict[str, list[Any]]]:
    """The statements run on ``database`` (each with whether it ran outside a transaction)
    and the commits."""
    seen: dict[str, list[Any]] = {"statements": [], "commit": []}

    def statement(connection: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen["statements"].append((" ".join(sql.split()), _autocommit(connection)))

    def commit(*_: Any) -> None:
        seen["commit"].append(1)

    listeners = (("before_cursor_execute", statement), ("commit", commit))
    for name, listener in listeners:
        event.listen(database.engine, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(database.engine, name, listener)


def test_a_lookup_reads_the_person_once_outside_a_transaction(
    app_client: TestClient, machines: Machines, database: Database, person: str
) -> None:
    nav = machines.token(NAV)
    url = f"{DATAFORDELER}/{BASIS}/{person}"
    warm = app_client.get(url, params={"formaal": "barnetrygd"}, headers=nav)
    assert warm.status_code == 200, warm.text  # token checked and cached, consumer's form too
    with traffic(database) as seen:
        answer = app_client.get(url, params={"formaal": "barnetrygd"}, headers=nav)
    assert answer.status_code == 200, answer.text
    statements = seen["statements"]
    persons = [s for s, _ in statements if "FROM frg_person" in s]
    assert len(persons) == 1, persons  # the decision's keys and the product's document
    # The reads run outside a transaction; the one transaction is the log's group commit.
    reads = [(s, alone) for s, alone in statements if s.startswith("SELECT")]
    assert reads and all(alone for _, alone in reads), reads
    assert len(seen["commit"]) == 1
    assert any("INSERT INTO innsyn_logg" in s for s, _ in statements)
    assert log_rows(database)[-1].subjekt == person


def test_postgresql_connections_run_without_jit(database: Database) -> None:
    if not database.is_postgresql:
        return
    with database.lookup_session() as session:
        assert session.connection().exec_driver_sql("SHOW jit").scalar() == "off"
    with database.read_session() as session:
        assert session.connection().exec_driver_sql("SHOW jit").scalar() == "off"
