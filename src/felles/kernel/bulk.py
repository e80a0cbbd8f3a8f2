"""Fast, crash-safe bulk writing of many rows into any table, on PostgreSQL and SQLite.

``BulkWriter`` is for loads of millions of rows (the synthetic population) where the unit of
work and the ORM would spend minutes creating objects. It writes plain rows, emits no events
and bypasses every invariant the blocks' operations enforce, so only loaders that produce
already-valid data use it.

Crash safety: a ``BulkWriter`` runs the whole load in ONE transaction. It commits when the
``with`` block ends normally and rolls back on any exception. If the process dies mid-load,
PostgreSQL aborts the open transaction when the connection drops and SQLite ignores the
uncommitted WAL frames on its next open, so a load is either wholly there or not at all.

PostgreSQL: each ``write`` becomes ``COPY table (columns) FROM STDIN`` in text format. The text
is built here, column by column, with vectorised formatting (lookup tables for dates and
times, one ``str`` per integer, fast paths for strings that need no escaping) because
per-value Python calls are what makes a naive COPY loader slow. A background thread owns the
connection and sends the buffers, so the server parses and stores one chunk while Python
formats the next (two cores, both busy). Optionally the non-primary-key indexes of the
tables written are dropped at the first write and rebuilt from their exact catalog
definitions just before commit (building an index once, sorted, is much faster than
maintaining it row by row). Identity/serial sequences are moved past explicit ids.

SQLite: ``executemany`` in batches of ``sqlite_batch`` rows inside the one transaction, with
values converted by the columns' own SQLAlchemy types so they read back exactly as ORM-written
rows. Durability is left as configured (WAL, ``synchronous=NORMAL``).

The writer never needs the whole data set: callers hand it chunks, and it keeps at most a few
formatted buffers in flight.

``measure_raw_copy`` times a plain ``COPY`` of rows already in a set of tables into empty
copies of those tables, the yardstick the generation benchmark compares itself with.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Table, text

from felles.kernel.db import Database

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "BulkWriter",
    "ColumnData",
    "RawCopyTiming",
    "format_copy_text",
    "measure_raw_copy",
]

#: One column's values for a chunk: a numpy array (masked entries and NaT are NULL), a
#: sequence of Python values (None is NULL), or a single scalar repeated on every row.
ColumnData = npt.NDArray[Any] | Sequence[Any] | str | int | float | bool | dt.date | None

NULL: Final = "\\N"
_COPY_BATCH_ROWS: Final = 50_000  # rows per COPY buffer: ~5-15 MB of text
_QUEUE_BUFFERS: Final = 3  # formatted buffers waiting for the sender thread (bounds memory)
_DAY_TABLE_START: Final = np.datetime64("1800-01-01", "D")
_DAY_TABLE_END: Final = np.datetime64("2100-01-01", "D")
_SMALL_INT_SPAN: Final = 1 << 16  # integer columns spanning less than this use a lookup table
_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


# --------------------------------------------------------------------------------------------
# COPY text formatting
# --------------------------------------------------------------------------------------------


@cache
def _day_strings() -> npt.NDArray[np.object_]:
    """'YYYY-MM-DD' for every day 1800-2099, as an object array to index with day numbers."""
    days = np.arange(_DAY_TABLE_START, _DAY_TABLE_END, dtype="datetime64[D]")
    return np.array(np.datetime_as_string(days).tolist(), dtype=object)


@cache
def _time_strings() -> npt.NDArray[np.object_]:
    """' HH:MM:SS+00' for every second of a day (timestamps are written in UTC)."""
    seconds = np.arange(86_400)
    hours, rest = np.divmod(seconds, 3600)
    minutes, secs = np.divmod(rest, 60)
    return np.array(
        [f" {h:02d}:{m:02d}:{s:02d}+00" for h, m, s in zip(hours, minutes, secs, strict=True)],
        dtype=object,
    )


def _escape(values: list[Any]) -> list[str]:
    """COPY text for a list of values; fast when they are all str needing no escaping."""
    try:
        joined = "".join(values)
    except TypeError:  # not all str: None, numbers, dates, JSON ...
        return [_text(v) for v in values]
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [v.translate(_ESCAPES) for v in values]
    return values


def _text(value: Any) -> str:
    """COPY text for one Python value (the slow, general path for rows and object columns)."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool | np.bool_):
        return "t" if value else "f"
    if isinstance(value, int | float | np.integer | np.floating):
        if isinstance(value, float | np.floating) and np.isnan(value):
            return NULL
        return str(value)
    if isinstance(value, dt.datetime):
        # Naive datetimes are taken as UTC, like numpy's datetime64 (which has no zone).
        suffix = "+00" if value.tzinfo is None else ""
        return value.isoformat(sep=" ") + suffix
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return _format_datetimes(np.array([value]))[0]
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    raise TypeError(f"cannot write a value of type {type(value).__name__} with COPY")


def _with_nulls(strings: list[str], null: npt.NDArray[np.bool_]) -> list[str]:
    if not null.any():
        return strings
    out = np.array(strings, dtype=object)
    out[null] = NULL
    return cast(list[str], out.tolist())


def _format_datetimes(values: npt.NDArray[np.datetime64]) -> list[str]:
    """Dates as 'YYYY-MM-DD', instants as 'YYYY-MM-DD HH:MM:SS+00' (UTC); NaT is NULL."""
    null = np.isnat(values)
    unit = np.datetime_data(values.dtype)[0]
    if unit in ("Y", "M", "W", "D"):
        days = values.astype("datetime64[D]")
        safe = np.where(null, _DAY_TABLE_START, days)
        if (safe < _DAY_TABLE_START).any() or (safe >= _DAY_TABLE_END).any():
            return _with_nulls(np.datetime_as_string(days).tolist(), null)
        index = (safe - _DAY_TABLE_START).astype(np.int64)
        return _with_nulls(_day_strings()[index].tolist(), null)
    seconds = values.astype("datetime64[s]")
    whole = bool(np.all((seconds.astype(values.dtype) == values) | null))
    safe = np.where(null, _DAY_TABLE_START, seconds)
    days = safe.astype("datetime64[D]")
    in_table = not ((days < _DAY_TABLE_START).any() or (days >= _DAY_TABLE_END).any())
    if not (whole and in_table):
        text_values = np.datetime_as_string(values, timezone="UTC")
        return _with_nulls([v.replace("T", " ") for v in text_values.tolist()], null)
    day_index = (days - _DAY_TABLE_START).astype(np.int64)
    second_index = (safe - days).astype(np.int64)
    strings = list(
        map(
            operator.add,
            _day_strings()[day_index].tolist(),
            _time_strings()[second_index].tolist(),
        )
    )
    return _with_nulls(strings, null)


def _format_integers(values: npt.NDArray[Any]) -> list[str]:
    if values.size == 0:
        return []
    low, high = int(values.min()), int(values.max())
    if high - low < _SMALL_INT_SPAN and high - low < values.size:
        # Few distinct values (codes, house numbers): format each once and index.
        table = np.array([str(v) for v in range(low, high + 1)], dtype=object)
        return cast(list[str], table[values.astype(np.int64) - low].tolist())
    if high - low == values.size - 1 and np.array_equal(values, np.arange(low, high + 1)):
        return list(map(str, range(low, high + 1)))  # consecutive ids: no tolist needed
    return list(map(str, values.tolist()))


def _format_array(values: npt.NDArray[Any]) -> list[str]:
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        filled = values.filled(values.dtype.type(0) if values.dtype.kind in "iufb" else None)
        return _with_nulls(_format_array(np.asarray(filled)), mask)
    kind = values.dtype.kind
    if kind == "b":
        return cast(list[str], np.where(values, "t", "f").astype(object).tolist())
    if kind in "iu":
        return _format_integers(values)
    if kind == "f":
        return _with_nulls(list(map(repr, values.tolist())), np.isnan(values))
    if kind == "M":
        return _format_datetimes(values)
    if kind == "U":
        return _escape(values.tolist())
    if kind == "S":
        return _escape(np.char.decode(values, "utf-8").tolist())
    if kind == "O":
        # Nullable string columns: blank the Nones so the all-str fast path applies.
        null = np.asarray(values == None)  # noqa: E711 (elementwise, not an identity test)
        if null.any():
            return _with_nulls(_escape(np.where(null, "", values).tolist()), null)
        return _escape(values.tolist())
    raise TypeError(f"cannot write a numpy column of dtype {values.dtype} with COPY")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(
        value, str | bytes | int | float | bool | dt.date | np.generic
    )


def _column_strings(values: ColumnData) -> list[str]:
    if isinstance(values, np.ndarray):
        return _format_array(values)
    return _escape(list(cast(Sequence[Any], values)))


def format_copy_text(columns: Sequence[ColumnData], rows: int) -> str:
    """PostgreSQL COPY text (tab-separated, ``\\N`` for NULL, one line per row) for columns.

    Scalar columns are the same on every row and formatted once; at the end of the column
    list they cost nothing per row (``BulkWriter.write`` moves them there).
    """
    if rows == 0:
        return ""
    # Constants at the end of the line are appended with the line separator; any others
    # are repeated like ordinary columns.
    tail = len(columns)
    while tail > 0 and _is_scalar(columns[tail - 1]):
        tail -= 1
    parts = [[_text(c)] * rows if _is_scalar(c) else _column_strings(c) for c in columns[:tail]]
    constants = [_text(c) for c in columns[tail:]]
    suffix = ("\t" + "\t".join(constants)) if constants else ""
    if not parts:
        return (suffix[1:] + "\n") * rows
    for part in parts:
        if len(part) != rows:
            raise ValueError(f"a column has {len(part)} values, expected {rows}")
    # The constant tail rides on the line separator: no per-row work for it.
    body = (suffix + "\n").join(map("\t".join, zip(*parts, strict=True)))
    return body + suffix + "\n"


# --------------------------------------------------------------------------------------------
# Normalising the caller's data
# --------------------------------------------------------------------------------------------


def _column_length(values: ColumnData) -> int | None:
    if _is_scalar(values):
        return None
    return len(cast(Sequence[Any], values))


def _check_columns(table: Table, columns: Sequence[str]) -> None:
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
    if len(set(columns)) != len(columns):
        raise ValueError("a column is named twice")


def _column_batches(
    columns: Sequence[str], data: Mapping[str, ColumnData] | Iterable[Sequence[Any]], size: int
) -> Iterator[tuple[list[ColumnData], int]]:
    """Yield (values per column, row count) in batches of at most ``size`` rows."""
    if isinstance(data, Mapping):
        missing = [c for c in columns if c not in data]
        if missing:
            raise ValueError(f"no data for column(s) {', '.join(missing)}")
        values = [data[c] for c in columns]
        lengths = {n for n in map(_column_length, values) if n is not None}
        if len(lengths) > 1:
            raise ValueError(f"columns have different lengths: {sorted(lengths)}")
        total = lengths.pop() if lengths else 0
        for start in range(0, total, size):
            stop = min(start + size, total)
            yield [v if _is_scalar(v) else v[start:stop] for v in values], stop - start  # type: ignore[index]
        return
    iterator = iter(data)
    while batch := list(itertools.islice(iterator, size)):
        for row in batch:
            if len(row) != len(columns):
                raise ValueError(f"a row has {len(row)} values, expected {len(columns)}")
        yield [list(column) for column in zip(*batch, strict=True)], len(batch)


def _constants_last(
    columns: Sequence[str], values: list[ColumnData]
) -> tuple[list[str], list[ColumnData]]:
    """Reorder so scalar (constant) columns come last: COPY then appends them for free."""
    order = sorted(range(len(columns)), key=lambda i: _is_scalar(values[i]))
    return [columns[i] for i in order], [values[i] for i in order]


# --------------------------------------------------------------------------------------------
# PostgreSQL: indexes and sequences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _IndexDefinition:
    """A non-primary-key index as the catalog defines it, to drop now and rebuild later."""

    name: str
    create: str  # CREATE INDEX ... or ALTER TABLE ... ADD CONSTRAINT ...
    drop: str


_INDEXES_SQL: Final = """
SELECT i.relname,
       pg_get_indexdef(ix.indexrelid),
       con.conname,
       pg_get_constraintdef(con.oid),
       n.nspname
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
LEFT JOIN pg_constraint con
       ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
      AND con.contype IN ('u', 'x')
WHERE ix.indrelid = to_regclass(%s)
  AND NOT ix.indisprimary
  -- an index that a foreign key of any table relies on cannot be dropped; leave it
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.conindid = ix.indexrelid
  )
ORDER BY i.relname
"""


def _index_definitions(cursor: psycopg.Cursor[Any], table: Table) -> list[_IndexDefinition]:
    # The catalog's own definitions (not the SQLAlchemy metadata) so the rebuilt indexes are
    # exactly what the migrations created, even where metadata and schema have drifted.
    from psycopg import sql

    cursor.execute(_INDEXES_SQL, (_quoted_name(table),))
    definitions = []
    for index_name, index_def, constraint, constraint_def, schema in cursor.fetchall():
        table_ident = sql.Identifier(schema, table.name)
        create: sql.Composable
        if constraint is not None:
            name = sql.Identifier(constraint)
            create = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                table_ident, name, sql.SQL(constraint_def)
            )
            drop = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table_ident, name)
        else:
            create = sql.SQL(index_def)
            drop = sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, index_name))
        definitions.append(
            _IndexDefinition(index_name, create.as_string(cursor), drop.as_string(cursor))
        )
    return definitions


def _quoted_name(table: Table) -> str:
    quoted = '"' + table.name.replace('"', '""') + '"'
    return f'"{table.schema}".{quoted}' if table.schema else quoted


def _serial_columns(table: Table, columns: Sequence[str]) -> list[str]:
    """Columns written explicitly that draw defaults from a sequence (identity/serial)."""
    auto = table.autoincrement_column
    return [auto.name] if auto is not None and auto.name in columns else []


# --------------------------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------------------------

_Job = Callable[["psycopg.Connection[Any]"], None]


class _Sender:
    """A thread that owns the PostgreSQL connection and runs jobs (COPYs, DDL) in order.

    The producer formats the next buffer while the server works on the previous one. After
    a failure the thread keeps draining the queue without running jobs, so a producer
    blocked on a full queue wakes up and sees the error.
    """

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=_QUEUE_BUFFERS)
        self.error: BaseException | None = None
        self.busy_seconds = 0.0  # time spent in the database (COPY, DDL), for benchmarks
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bulk-copy", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self.error is None and not self._cancelled.is_set():
                started = time.perf_counter()
                try:
                    job(self._connection)
                except BaseException as error:  # re-raised in the producer's thread
                    self.error = error
                self.busy_seconds += time.perf_counter() - started

    def submit(self, job: _Job) -> None:
        self.raise_if_failed()
        self._jobs.put(job)

    def raise_if_failed(self) -> None:
        if self.error is not None:
            raise RuntimeError("bulk load failed in the COPY thread") from self.error

    def close(self, *, cancel: bool) -> None:
        if cancel:
            self._cancelled.set()
        self._jobs.put(None)
        self._thread.join()


class BulkWriter:
    """Writes chunks of rows into tables in one transaction; see the module docstring.

    ::

        with BulkWriter(database, drop_indexes=True) as writer:
            for chunk in chunks:
                writer.write(Person.__table__, ["id", "ident", ...], chunk_columns)
        # committed here; an exception inside the block leaves every table untouched

    ``write`` takes either a mapping of column name → values (numpy arrays, sequences or a
    scalar for a constant column) or an iterable of row tuples in ``columns`` order.
    """

    def __init__(
        self,
        database: Database,
        *,
        drop_indexes: bool = False,
        sqlite_batch: int = 10_000,
        also_analyze: Sequence[str] = (),
    ) -> None:
        self.database = database
        #: Tables the load fills indirectly (by triggers) that need fresh statistics too.
        self.also_analyze = tuple(also_analyze)
        self.drop_indexes = drop_indexes and database.is_postgresql
        self.sqlite_batch = sqlite_batch
        self.rows_written: dict[str, int] = {}
        #: Seconds the database spent on this load's statements (PostgreSQL), and the part of
        #: it that rebuilt indexes and moved sequences at the end.
        self.database_seconds = 0.0
        self.index_seconds = 0.0
        self._connection: Connection | None = None
        self._sender: _Sender | None = None
        self._dropped: dict[str, list[_IndexDefinition]] = {}
        self._tables: dict[str, Table] = {}
        self._serial: dict[str, set[str]] = {}

    # -- context management -------------------------------------------------------------

    def __enter__(self) -> Self:
        self._connection = self.database.engine.connect()
        self._connection.begin()
        if self.database.is_postgresql:
            raw = self._connection.connection.driver_connection
            self._sender = _Sender(cast("psycopg.Connection[Any]", raw))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._require_connection()
        try:
            if exc is None:
                self._finish()
                connection.commit()
                self._analyze(connection)
            else:
                self._abort()
        except BaseException:
            self._abort()
            raise
        finally:
            connection.close()
            self._connection = None

    def _analyze(self, connection: Connection) -> None:
        """Refresh planner statistics for the loaded tables.

        Without them PostgreSQL plans lookups on millions of fresh rows as if the tables
        were empty (a hash join over everyone instead of an index lookup).
        """
        for name in (*self._tables, *self.also_analyze):
            connection.execute(text(f'ANALYZE "{name}"'))
        connection.commit()

    def _abort(self) -> None:
        if self._sender is not None:
            self._sender.close(cancel=True)
            self._sender = None
        if self._connection is not None:
            self._connection.rollback()

    def _finish(self) -> None:
        if self._sender is None:
            return
        started = time.perf_counter()
        # The definitions are read by the drop jobs in the sender thread, so the rebuild
        # must look at them there too, after those jobs have run.
        for definitions in self._dropped.values():
            self._sender.submit(_rebuild(definitions))
        for name, columns in self._serial.items():
            for column in sorted(columns):
                self._sender.submit(_advance_sequence(self._tables[name], column))
        sender, self._sender = self._sender, None
        sender.close(cancel=False)
        sender.raise_if_failed()
        self.index_seconds = time.perf_counter() - started
        self.database_seconds = sender.busy_seconds

    def _require_connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use BulkWriter as a context manager (with BulkWriter(...) as w)")
        return self._connection

    # -- writing ------------------------------------------------------------------------

    def write(
        self,
        table: Table,
        columns: Sequence[str],
        data: Mapping[str, ColumnData] | Iterable[Sequence[Any]],
    ) -> int:
        """Append rows to ``table``; returns the number of rows written."""
        self._require_connection()
        _check_columns(table, columns)
        self._tables[table.name] = table
        for column in _serial_columns(table, columns):
            self._serial.setdefault(table.name, set()).add(column)
        written = 0
        if self._sender is not None:
            self._prepare_table(table)
            for values, rows in _column_batches(columns, data, _COPY_BATCH_ROWS):
                ordered_columns, ordered_values = _constants_last(columns, values)
                buffer = format_copy_text(ordered_values, rows).encode("utf-8")
                self._sender.submit(_copy(table, ordered_columns, buffer))
                written += rows
        else:
            for values, rows in _column_batches(columns, data, self.sqlite_batch):
                self._insert_sqlite(table, columns, values, rows)
                written += rows
        self.rows_written[table.name] = self.rows_written.get(table.name, 0) + written
        return written

    def flush(self) -> None:
        """Wait until every buffer handed over so far is in the database (PostgreSQL)."""
        if self._sender is None:
            return
        done = threading.Event()
        self._sender.submit(lambda _connection: done.set())
        while not done.wait(0.05):
            self._sender.raise_if_failed()
        self._sender.raise_if_failed()

    def _prepare_table(self, table: Table) -> None:
        """At the first write to a table: drop its secondary indexes when asked to."""
        if not self.drop_indexes or table.name in self._dropped or self._sender is None:
            return
        definitions: list[_IndexDefinition] = []

        def drop(connection: psycopg.Connection[Any]) -> None:
            with connection.cursor() as cursor:
                definitions.extend(_index_definitions(cursor, table))
                for definition in definitions:
                    cursor.execute(definition.drop)
                # Rebuilding sorts each index once; give the sort memory for this load only.
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")

        self._dropped[table.name] = definitions
        self._sender.submit(drop)

    def _insert_sqlite(
        self, table: Table, columns: Sequence[str], values: list[ColumnData], rows: int
    ) -> None:
        connection = self._require_connection()
        dialect = connection.dialect
        python_columns = []
        for name, column_values in zip(columns, values, strict=True):
            processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            python_values = _python_values(column_values, rows)
            if processor is not None:
                python_values = [None if v is None else processor(v) for v in python_values]
            python_columns.append(python_values)
        preparer = dialect.identifier_preparer
        statement = (
            f"INSERT INTO {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        connection.exec_driver_sql(statement, list(zip(*python_columns, strict=True)))


def _python_values(values: ColumnData, rows: int) -> list[Any]:
    """Plain Python values for one column (numpy → date/datetime/int/str; NaT/mask → None)."""
    if _is_scalar(values):
        scalar = values.item() if isinstance(values, np.generic) else values
        return [scalar] * rows
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "M":
            # Sub-microsecond units would come back as ints from tolist().
            unit = np.datetime_data(values.dtype)[0]
            if unit in ("ns", "ps", "fs", "as"):
                values = values.astype("datetime64[us]")
        if values.dtype.kind == "S":
            values = np.char.decode(values, "utf-8")
        if values.dtype.kind == "f":
            return [None if v != v else v for v in values.tolist()]
        return cast(list[Any], values.tolist())
    return list(cast(Sequence[Any], values))


def _rebuild(definitions: Sequence[_IndexDefinition]) -> _Job:
    def job(connection: psycopg.Connection[Any]) -> None:
        with connection.cursor() as cursor:
            for definition in definitions:
                cursor.execute(definition.create.encode("utf-8"))

    return job


def _copy(table: Table, columns: Sequence[str], buffer: bytes) -> _Job:
    def job(connection: psycopg.Connection[Any]) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.SQL(_quoted_name(table)), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(buffer)

    return job


def _advance_sequence(table: Table, column: str) -> _Job:
    """setval the column's sequence past the largest id (setval is not transactional)."""

    def job(connection: psycopg.Connection[Any]) -> None:
        from psycopg import sql

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", (_quoted_name(table), column))
            row = cursor.fetchone()
            if row is None or row[0] is None:
                return
            cursor.execute(
                sql.SQL(
                    "SELECT setval(%s, COALESCE((SELECT max({}) FROM {}), 0) + 1, false)"
                ).format(sql.Identifier(column), sql.SQL(_quoted_name(table))),
                (row[0],),
            )

    return job


# --------------------------------------------------------------------------------------------
# The yardstick: a raw COPY of the same rows
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawCopyTiming:
    """How long a plain COPY FROM STDIN of the rows took, per table and in total."""

    seconds: float
    seconds_per_table: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0


def measure_raw_copy(
    database: Database, tables: Sequence[Table], *, scratch_schema: str = "felles_raw_copy"
) -> RawCopyTiming:
    """Time a plain ``COPY ... FROM STDIN`` of the rows in ``tables`` into empty copies of them.

    PostgreSQL only. Each table's rows are first exported with ``COPY ... TO STDOUT`` to a
    temporary file (not timed). Then, in one transaction, the file is streamed into an empty
    ``CREATE TABLE ... (LIKE ... INCLUDING ALL)`` copy in ``scratch_schema`` (same columns,
    keys and indexes): that is the timed part, commit included. The scratch schema is
    dropped afterwards.
    """
    if not database.is_postgresql:
        raise ValueError("measure_raw_copy needs PostgreSQL")
    from psycopg import sql

    raw = database.engine.raw_connection()
    connection = cast("psycopg.Connection[Any]", raw.driver_connection)
    scratch = sql.Identifier(scratch_schema)
    files: dict[str, tuple[str, int]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(scratch))
            cursor.execute(sql.SQL("CREATE SCHEMA {}").format(scratch))
            for table in tables:
                cursor.execute(
                    sql.SQL("CREATE TABLE {}.{} (LIKE {} INCLUDING ALL)").format(
                        scratch, sql.Identifier(table.name), sql.SQL(_quoted_name(table))
                    )
                )
                files[table.name] = _export(cursor, table)
        connection.commit()
        return _timed_copy(connection, tables, scratch_schema, files)
    finally:
        connection.rollback()
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(scratch))
        connection.commit()
        raw.close()
        for path, _rows in files.values():
            os.unlink(path)


def _export(cursor: psycopg.Cursor[Any], table: Table) -> tuple[str, int]:
    from psycopg import sql

    rows = 0
    handle, path = tempfile.mkstemp(prefix=f"rawcopy-{table.name}-", suffix=".tsv")
    with os.fdopen(handle, "wb") as out:
        statement = sql.SQL("COPY {} TO STDOUT").format(sql.SQL(_quoted_name(table)))
        with cursor.copy(statement) as copy:
            for block in copy:
                out.write(block)
                rows += bytes(block).count(b"\n")
    return path, rows


def _timed_copy(
    connection: psycopg.Connection[Any],
    tables: Sequence[Table],
    scratch_schema: str,
    files: Mapping[str, tuple[str, int]],
) -> RawCopyTiming:
    from psycopg import sql

    per_table: dict[str, float] = {}
    total_bytes = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            path, _rows = files[table.name]
            table_started = time.perf_counter()
            statement = sql.SQL("COPY {}.{} FROM STDIN").format(
                sql.Identifier(scratch_schema), sql.Identifier(table.name)
            )
            with open(path, "rb") as source, cursor.copy(statement) as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
                    total_bytes += len(block)
            per_table[table.name] = time.perf_counter() - table_started
    connection.commit()
    seconds = time.perf_counter() - started
    return RawCopyTiming(
        seconds=seconds,
        seconds_per_table=per_table,
        rows={name: rows for name, (_path, rows) in files.items()},
        bytes=total_bytes,
    )
