"""Group commit for the access log: many requests' entries appended in one transaction.

Every append locks the chain head until its transaction commits (decision 0024), so appends
are serial; one per request would cap the distributor at the rate of commits. A
``GroupWriter`` runs one thread per process that takes every entry waiting, appends them in
one transaction and commits, then wakes the requests. A request gets its answer only after
its entries are committed: no data is released that the log does not hold.

On PostgreSQL the append is a single statement in autocommit, so the chain head is locked
only while PostgreSQL runs and commits it — never while this thread waits for the GIL, which
is what limited the group commits of two processes before (decision 0029).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection

from felles.access.log import chain
from felles.access.log.operations import Appended, LogEntry, append_rows, prepare
from felles.kernel.db import IDLE_PING_SECONDS, Database
from felles.kernel.errors import Problem, ServiceUnavailable

MAX_BATCH: Final = 2000


class _Pending:
    """One request's rows, and the lock its thread waits on until the writer has committed
    them (or failed): a bare lock is the cheapest hand-over between two threads."""

    __slots__ = ("_done", "_error", "_result", "parts", "rows")

    def __init__(self, rows: list[dict[str, Any]], parts: list[tuple[bytes, bytes]]) -> None:
        self.rows = rows
        self.parts = parts
        self._done = threading.Lock()
        self._done.acquire()
        self._result: Appended | None = None
        self._error: BaseException | None = None

    def set_result(self, result: Appended) -> None:
        self._result = result
        self._done.release()

    def set_exception(self, error: BaseException) -> None:
        self._error = error
        self._done.release()

    def result(self, timeout: float) -> Appended:
        if not self._done.acquire(timeout=timeout):
            raise TimeoutError("the access log did not answer in time")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class GroupWriter:
    """Appends entries for many threads, in as few transactions as the load allows."""

    def __init__(self, database: Database, *, max_batch: int = MAX_BATCH) -> None:
        self._database = database
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="access-log-writer", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def write(self, entries: Sequence[LogEntry], *, timeout: float = 30.0) -> Appended:
        """Append ``entries`` (all or none) and return once they are committed.

        Invalid entries raise ``InvalidInput`` here, before they can spoil a shared batch;
        a failure of the shared transaction is raised to every request in it.
        """
        rows = prepare(entries)
        # On PostgreSQL the entries' canonical bytes are made here, in the request's thread,
        # so that only the hashing is left while the chain head is locked.
        parts = [chain.entry_parts(row) for row in rows] if self._database.is_postgresql else []
        pending = _Pending(rows, parts)
        self._start()
        self._queue.put(pending)
        return pending.result(timeout=timeout)

    def close(self) -> None:
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout=10)

    def _start(self) -> None:
        if not self._started:
            with self._lock:
                if not self._started:
                    self._thread.start()
                    self._started = True

    def _take(self, first: _Pending) -> list[_Pending]:
        batch, size = [first], len(first.rows)
        while size < self._max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # stop after this batch
                break
            batch.append(item)
            size += len(item.rows)
        return batch

    def _connect(self) -> Connection:
        """The writer's connection. On PostgreSQL in autocommit: an append is one statement
        there, its own transaction, and the chain head is locked only while it runs and
        commits; with a BEGIN before and a COMMIT after, the head would stay locked while
        this thread waited for the GIL between them."""
        connection = self._database.engine.connect()
        if self._database.is_postgresql:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return connection

    def _run(self) -> None:
        # The writer keeps one Core connection (not a session, not a pool checkout per
        # batch): a group commit is one statement on PostgreSQL (three on SQLite), and a
        # session and a checkout would cost more than it does.
        # After a failure the connection is dropped and the next batch takes a new one; one
        # idle for a while goes back to the pool, which pings it before it is used again.
        connection: Connection | None = None
        used = 0.0
        while True:
            first = self._queue.get()
            if first is None:
                if connection is not None:
                    connection.close()
                return
            batch = self._take(first)
            if connection is not None and time.monotonic() - used > IDLE_PING_SECONDS:
                connection.close()
                connection = None
            try:
                if connection is None:
                    connection = self._connect()
                used = time.monotonic()
                rows = [row for pending in batch for row in pending.rows]
                parts = [part for pending in batch for part in pending.parts]
                with connection.begin():
                    appended = append_rows(connection, rows, parts or None)
            except BaseException as error:  # every waiting request must hear of it
                for pending in batch:
                    pending.set_exception(error)
                if connection is not None:
                    connection.invalidate()
                    connection.close()
                    connection = None
                continue
            number = appended.first
            for pending in batch:
                last = number + len(pending.rows) - 1
                pending.set_result(Appended(first=number, last=last, hash=appended.hash))
                number = last + 1


def write_or_refuse(database: Database, entries: Sequence[LogEntry]) -> None:
    """Commit ``entries`` through the process's group writer, or raise: an entry the log
    refuses is the caller's fault (its Problem, 4xx); any other failure is 503
    (``ServiceUnavailable``), and the caller must release nothing."""
    if not entries:
        return
    try:
        writer_for(database).write(entries)
    except Problem:
        raise
    except Exception as error:
        raise ServiceUnavailable(
            "The access log could not record the release; nothing was released"
        ) from error


_writers: dict[int, GroupWriter] = {}
_writers_lock = threading.Lock()


def writer_for(database: Database) -> GroupWriter:
    """The process's group writer for ``database`` (made on first use)."""
    key = id(database)
    writer = _writers.get(key)
    if writer is None or writer._database is not database:
        with _writers_lock:
            writer = _writers.get(key)
            if writer is None or writer._database is not database:
                writer = _writers[key] = GroupWriter(database)
    return writer
