"""Hot statements: compiled once, run by the driver on the caller's connection.

SQLAlchemy builds, caches-by-key and wraps every statement it runs: about 0.2 ms of CPU per
statement, three times what psycopg needs to run a prepared one. The data distributor's
lookups and the access log's group commits spent most of their time there (decision 0029).
A ``CompiledStatement`` is defined once as a SQLAlchemy statement (the tables' metadata stay
the one definition of the SQL), compiled once, and on PostgreSQL run by psycopg as a
server-side prepared statement on the session's or connection's own DB-API connection, so
it takes part in the caller's transaction, if any. SQLite runs the same statement through
SQLAlchemy as usual: it is the development database, and one definition keeps the two
comparable in the tests.

A list parameter (``column IN (…)``) is ``member(column, name)``: on PostgreSQL
``= ANY(CAST(:name AS type[]))`` bound to one array literal, so the statement text is the
same whatever the number of values; on SQLite an expanding ``IN``.

SQLAlchemy's cursor listeners (logging, the tests' statement counts) hear of each statement
as of any other; they get no execution context, which their API allows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import psycopg
from sqlalchemy import (
    ARRAY,
    ClauseElement,
    ColumnElement,
    Connection,
    Executable,
    String,
    any_,
    bindparam,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from felles.kernel.db import array_literal

T = TypeVar("T")

#: What a statement runs on: a session (in its transaction, if any) or a Core connection.
Target = Session | Connection


def connection_of(target: Target) -> Connection:
    return target.connection() if isinstance(target, Session) else target


def member(column: Any, name: str, *, postgresql: bool) -> ColumnElement[bool]:
    """``column IN :name`` for a ``CompiledStatement`` (bound by ``rows(..., name=[…])``)."""
    if postgresql:
        array = bindparam(name, type_=String())
        return column == any_(sql_cast(array, ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(bindparam(name, expanding=True))  # type: ignore[no-any-return]


class CompiledStatement:
    """A statement made by ``build(postgresql)``, compiled once for PostgreSQL.

    ``lists`` names the parameters that are lists (``member``): PostgreSQL gets each as one
    array literal.
    """

    def __init__(self, build: Callable[[bool], Executable], *, lists: Collection[str] = ()) -> None:
        self._build = build
        self._lists = frozenset(lists)
        self._sql: str | None = None
        self._constants: dict[str, Any] = {}
        self._generic: Executable | None = None
        self._lock = threading.Lock()

    def rows(self, target: Target, make: Callable[[Any], T], **parameters: Any) -> list[T]:
        """The rows for ``parameters``, each made by ``make`` from the row's values (one
        sequence, as ``tuple`` or a named tuple's ``_make`` take it)."""
        connection = connection_of(target)
        if connection.dialect.name != "postgresql":
            return [make(row) for row in connection.execute(self._generic_statement(), parameters)]
        with self._cursor(connection, parameters, make) as cursor:
            return cursor.fetchall()

    def run(self, target: Target, **parameters: Any) -> None:
        """Run a statement that returns no rows."""
        connection = connection_of(target)
        if connection.dialect.name != "postgresql":
            connection.execute(self._generic_statement(), parameters)
            return
        with self._cursor(connection, parameters, tuple):
            pass

    @contextmanager
    def _cursor(
        self, connection: Connection, parameters: Mapping[str, Any], make: Callable[[Any], T]
    ) -> Iterator[psycopg.Cursor[T]]:
        """A psycopg cursor on which the statement has run (prepared), rows made by ``make``."""
        sql, bound = self._postgresql(connection, parameters)
        driver = connection.connection.driver_connection
        assert isinstance(driver, psycopg.Connection)
        with driver.cursor(row_factory=lambda _cursor: make) as cursor:
            events = connection.dispatch
            events.before_cursor_execute(connection, cursor, sql, bound, None, False)
            cursor.execute(sql, bound, prepare=True)
            events.after_cursor_execute(connection, cursor, sql, bound, None, False)
            yield cursor

    def _generic_statement(self) -> Executable:
        if self._generic is None:
            self._generic = self._build(False)
        return self._generic

    def _postgresql(
        self, connection: Connection, parameters: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if self._sql is None:
            with self._lock:
                if self._sql is None:
                    statement = cast(ClauseElement, self._build(True))
                    compiled = statement.compile(dialect=connection.dialect)
                    # Values written into the statement (``id == 1``) are parameters too.
                    self._constants = dict(compiled.params)
                    self._sql = str(compiled)
        bound = dict(self._constants)
        for name, value in parameters.items():
            bound[name] = array_literal(value) if name in self._lists else value
        return self._sql, bound
