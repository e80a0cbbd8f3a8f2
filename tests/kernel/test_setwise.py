"""Set-wise INSERT and guarded UPDATE: the same rows as SQLAlchemy's own statements write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    select,
)

from felles.kernel.db import Database
from felles.kernel.setwise import insert_many, update_many

_metadata = MetaData()
_table = Table(
    "test_setwise",
    _metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("versjon", Integer, nullable=False),
    Column("navn", String(40)),
    Column("dato", Date),
    Column("tid", DateTime(timezone=True)),
    Column("data", JSON),
)

ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "versjon": 1,
        "navn": 'Ærlig "sitat" og \\skråstrek',
        "dato": date(2025, 2, 28),
        "tid": datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        "data": {"a": [1, 2], "b": "ø", "c": None},
    },
    {"id": 2, "versjon": 1, "navn": None, "dato": None, "tid": None, "data": {"tom": {}}},
]


@pytest.fixture
def table(database: Database) -> Iterator[Table]:
    _metadata.create_all(database.engine)
    try:
        yield _table
    finally:
        _metadata.drop_all(database.engine)


def _read(database: Database) -> list[dict[str, Any]]:
    """The rows; SQLite keeps no time zone, so its (UTC) times get theirs back."""
    with database.read_session() as session:
        rows = [dict(row._mapping) for row in session.execute(select(_table).order_by("id"))]
    for row in rows:
        if row["tid"] is not None and row["tid"].tzinfo is None:
            row["tid"] = row["tid"].replace(tzinfo=UTC)
    return rows


def test_insert_many_writes_what_it_was_given(database: Database, table: Table) -> None:
    with database.unit_of_work() as uow:
        insert_many(uow.session, table, ROWS)
        insert_many(uow.session, table, [])
        uow.commit()
    assert _read(database) == ROWS


def test_update_many_changes_only_rows_whose_keys_match(database: Database, table: Table) -> None:
    with database.unit_of_work() as uow:
        insert_many(uow.session, table, ROWS)
        uow.commit()
    changes = [
        {"id": 1, "versjon": 1, "navn": "Ny", "data": {"ny": True}},
        {"id": 2, "versjon": 7, "navn": "Stale", "data": {}},  # an old version: no match
    ]
    with database.unit_of_work() as uow:
        changed = update_many(
            uow.session, table, keys=("id", "versjon"), rows=changes, increment="versjon"
        )
        uow.commit()
    assert changed == 1
    first, second = _read(database)
    assert (first["navn"], first["data"], first["versjon"]) == ("Ny", {"ny": True}, 2)
    assert first["dato"] == ROWS[0]["dato"]  # columns not given are left alone
    assert second == ROWS[1]
