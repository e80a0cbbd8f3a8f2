"""Many rows in one statement: INSERT and guarded UPDATE for batched commands.

The unit of work's batched commands (docs/decisions/0010) write tens to hundreds of rows at
a time. ``executemany`` sends one statement per row: psycopg pipelines them, but every row
still costs its own bind, execute and result on both sides, and on a two-core machine that
is most of a batch's time. On PostgreSQL these functions send one statement for all rows
instead, with the rows as one JSON parameter turned back into typed rows by the server:

    INSERT INTO t (a, b) SELECT v.a, v.b FROM json_to_recordset(CAST(:rows AS json))
        AS v(a bigint, b varchar(40))
    UPDATE t SET b = v.b FROM json_to_recordset(...) AS v(id bigint, b text) WHERE t.id = v.id

One JSON document is serialised by the C encoder and parsed by the server quickly; arrays
(``unnest``) would be the obvious alternative, but psycopg escapes every string of a text
array with a regular expression, which made them slower than ``executemany``. The
statement text depends only on the columns, so it is parsed and planned like any other.
Dates and times go as ISO 8601; JSON columns take the value as a JSON document (a Python
``None`` becomes SQL NULL, not JSON ``null``). Elsewhere (SQLite) the functions fall back
to ``executemany`` with SQLAlchemy's own statements, which SQLite is fast at anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final, cast

import orjson
from sqlalchemy import Connection, CursorResult, Table, and_, bindparam, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

__all__ = ["insert_many", "insert_new", "insert_returning_ids", "update_many"]

_PG_DIALECT: Final = postgresql.dialect()  # type: ignore[no-untyped-call]


def _is_postgresql(target: Session | Connection) -> bool:
    dialect = target.dialect if isinstance(target, Connection) else target.get_bind().dialect
    return dialect.name == "postgresql"


def _iso(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sent in a set-wise statement")


def rows_json(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows as the JSON array a set-wise statement binds (dates and instants ISO 8601)."""
    # orjson writes dates and instants in ISO 8601 as isoformat() does, at a tenth of the cost.
    return orjson.dumps(list(rows), default=_iso).decode()


def pg_column_definitions(table: Table, columns: Sequence[str]) -> str:
    """``column type, …`` with the columns' own PostgreSQL types (a record's definition)."""
    return ", ".join(
        f"{column} {table.c[column].type.compile(dialect=_PG_DIALECT)}" for column in columns
    )


def _recordset(table: Table, columns: Sequence[str]) -> str:
    """``json_to_recordset(:rows) AS v(column type, …)`` with the columns' own types."""
    return f"json_to_recordset(CAST(:rows AS json)) AS v({pg_column_definitions(table, columns)})"


def pg_insert_sql(table: Table, columns: Sequence[str]) -> str:
    """PostgreSQL's set-wise INSERT of ``columns`` from the JSON array bound as ``:rows``
    (``rows_json``), for a statement that does more around it."""
    values = ", ".join(f"v.{column}" for column in columns)
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"SELECT {values} FROM {_recordset(table, columns)}"
    )


@cache
def _pg_insert(table: Table, columns: tuple[str, ...]) -> Any:
    return text(pg_insert_sql(table, columns))


def insert_many(
    session: Session | Connection, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (each with the same keys, column names) in one statement, in the
    session's or connection's transaction."""
    if not rows:
        return
    if not _is_postgresql(session):
        session.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    session.execute(_pg_insert(table, columns), {"rows": rows_json(rows)})


@cache
def _pg_insert_new(
    table: Table, columns: tuple[str, ...], conflict: tuple[str, ...], returning: tuple[str, ...]
) -> Any:
    return text(
        f"{pg_insert_sql(table, columns)} ON CONFLICT ({', '.join(conflict)}) DO NOTHING "
        f"RETURNING {', '.join(returning)}"
    )


def insert_new(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str],
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Insert the ``rows`` whose ``conflict`` key is not taken yet (``ON CONFLICT DO
    NOTHING``), in one statement; the ``returning`` columns of the rows inserted.

    On PostgreSQL a row whose key another transaction holds uncommitted waits for it, then
    is skipped if that transaction commits. The rows returned come in no particular order.
    """
    if not rows:
        return []
    if _is_postgresql(session):
        statement = _pg_insert_new(table, tuple(rows[0]), tuple(conflict), tuple(returning))
        result = session.execute(statement, {"rows": rows_json(rows)})
    else:
        generic = (
            sqlite_insert(table)
            .on_conflict_do_nothing(index_elements=list(conflict))
            .returning(*(table.c[name] for name in returning))
        )
        result = session.execute(generic, list(rows))
    return [tuple(row) for row in result.all()]


@cache
def _pg_update(
    table: Table, keys: tuple[str, ...], columns: tuple[str, ...], increment: str | None
) -> Any:
    assignments = [f"{c} = v.{c}" for c in columns]
    if increment is not None:
        assignments.append(f"{increment} = t.{increment} + 1")
    matches = " AND ".join(f"t.{key} = v.{key}" for key in keys)
    return text(
        f"UPDATE {table.name} AS t SET {', '.join(assignments)} "
        f"FROM {_recordset(table, (*keys, *columns))} WHERE {matches}"
    )


@cache
def _generic_update(
    table: Table, keys: tuple[str, ...], columns: tuple[str, ...], increment: str | None
) -> Any:
    values: dict[str, Any] = {c: bindparam(f"v_{c}", type_=table.c[c].type) for c in columns}
    if increment is not None:
        values[increment] = table.c[increment] + 1
    matches = [table.c[key] == bindparam(f"k_{key}", type_=table.c[key].type) for key in keys]
    return update(table).where(and_(*matches)).values(values)


def update_many(
    session: Session,
    table: Table,
    *,
    keys: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    increment: str | None = None,
) -> int:
    """Update the row matching each row's ``keys`` with its other values; rows changed.

    Every row has the same keys. ``increment`` names a column raised by one in every row
    changed (a version). A row whose keys match nothing (a version moved on) changes
    nothing: compare the count returned with ``len(rows)``.
    """
    if not rows:
        return 0
    key_columns = tuple(keys)
    columns = tuple(c for c in rows[0] if c not in key_columns)
    if _is_postgresql(session):
        statement = _pg_update(table, key_columns, columns, increment)
        parameters: Any = {"rows": rows_json(rows)}
    else:
        statement = _generic_update(table, key_columns, columns, increment)
        parameters = [
            {**{f"k_{k}": row[k] for k in key_columns}, **{f"v_{c}": row[c] for c in columns}}
            for row in rows
        ]
    result = cast("CursorResult[Any]", session.execute(statement, parameters))
    return result.rowcount


def insert_returning_ids(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Insert complete rows (the same keys each) in one statement; their new ids in order.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows inserted with
    them by ``felles.kernel.setwise.insert_many`` (one statement, see decision 0013). Elsewhere
    one ``INSERT … RETURNING`` that keeps the order of the rows.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, list(rows)).all())
    new_ids = text(
        f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"
    )
    ids = [int(i) for i in session.scalars(new_ids, {"n": len(rows)})]
    insert_many(session, table, [{"id": i, **row} for row, i in zip(rows, ids, strict=True)])
    return ids
