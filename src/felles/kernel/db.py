"""Database access: engines, the declarative base, and the unit of work.

One pattern for every block (cosmicpython's unit of work): a command opens a ``UnitOfWork``,
changes rows through ``uow.session``, records events with ``uow.emit`` and calls
``uow.commit()`` once. Leaving the block without commit rolls everything back, events
included, because events are written to the outbox in the same transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

import orjson
from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Engine,
    Integer,
    MetaData,
    String,
    any_,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy import (
    cast as sql_cast,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from felles.kernel.errors import Conflict
from felles.kernel.settings import get_settings

if TYPE_CHECKING:
    from felles.kernel.events import Event

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; a BIGINT key there would stay NULL.
BigIntegerPK = BigInteger().with_variant(Integer(), "sqlite")


def array_literal(values: Iterable[Any]) -> str:
    """A PostgreSQL array literal of ints or strings (``{1,2}``, ``{"a","b"}``).

    Binding one text parameter costs far less than psycopg adapting a list of a thousand.
    """
    items = [
        str(value)
        if isinstance(value, int)
        else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for value in values
    ]
    return "{" + ",".join(items) + "}"


def member_of(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``= ANY(array)`` with one array-literal parameter.

    One parameter instead of one per value: the statement text is the same whatever the
    number of values, so neither psycopg nor the server parses it again for each count.
    """
    listed = list(values)
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, array_literal(listed), type_=String())
        return cast("ColumnElement[bool]", column == any_(sql_cast(array, ARRAY(column.type))))
    return cast("ColumnElement[bool]", column.in_(listed))


class Base(DeclarativeBase):
    """Declarative base for every table in felles. Each block prefixes its table names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; NORMAL sync is durable in WAL mode
    # (a crash loses no committed transaction, only possibly the last ones after power loss).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_before_savepoint(connection: Any, _name: str) -> None:
    """Open the transaction before a first SAVEPOINT (SQLite).

    The sqlite3 module begins a transaction only before INSERT, UPDATE and DELETE. A unit of
    work whose first write is in a savepoint (the bus's consumers, the simulator's batches)
    would otherwise run that SAVEPOINT outside a transaction, and its RELEASE would commit
    at once: the rest of the unit could then be lost on a crash while this part stayed.
    """
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


def _configure_postgresql(dbapi_connection: Any, _record: Any) -> None:
    # No JIT: felles runs short lookups and set-wise writes, where compiling costs more than
    # it saves. The planner's estimates for a batch of a few hundred people's relations pass
    # jit_above_cost, and compiling took 18 ms of a 25 ms statement (decision 0012).
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get WAL mode and their folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False},
            json_deserializer=orjson.loads,
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg 3 here; psycopg2 is not a dependency.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # LIFO: the busiest connections are reused, so idle ones age out and are pinged.
    # JSON columns are read by orjson (several times faster than the standard library's).
    # The pool holds as many connections as a server runs request threads (AnyIO's 40): an
    # overflow connection is closed when it is returned, so a busy server reconnected —
    # a new session and its settings — for every request beyond the pool (bench_portal).
    engine = create_engine(
        url,
        echo=echo,
        pool_size=40,
        max_overflow=10,
        pool_use_lifo=True,
        json_deserializer=orjson.loads,
    )
    event.listen(engine, "connect", _configure_postgresql)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


#: A pooled connection idle longer than this is pinged before use (a server restart or a
#: dropped connection shows then). Pinging every checkout, as ``pool_pre_ping`` does, costs
#: a round trip per request on the hot paths. A connection lost while recently used fails
#: its next statement once; SQLAlchemy then renews the whole pool.
IDLE_PING_SECONDS = 10.0


def _note_checkin(dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    idle_since = record.info.get("checked_in")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # the pool throws this connection away and makes a new one
        raise DisconnectionError("the pooled connection is gone") from error


#: Key of a lookup session's per-request memo in ``Session.info`` (``Database.lookup_session``).
LOOKUP_MEMO = "felles.lookup_memo"


def lookup_memo(session: Session) -> dict[Any, Any] | None:
    """The session's per-request memo if it is a lookup session, else None (a session that
    may write must read afresh)."""
    return session.info.get(LOOKUP_MEMO)


class Database:
    """An engine plus its session factory: the handle every block is given."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        # The same pool; each statement commits on its own (see lookup_session).
        self._lookup_factory = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for queries only; nothing is committed.

        Closing (not rolling back) ends the transaction but leaves loaded rows readable, so
        a caller may use the rows it got after the block.
        """
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def lookup_session(self) -> Iterator[Session]:
        """A session for a request's few reads, outside any transaction: each statement
        stands alone, so there is no BEGIN and no ROLLBACK to wait for (two round trips).

        Use it where the reads need no common snapshot — under PostgreSQL's READ COMMITTED a
        transaction gives none either — and nothing is written. Rows stay readable after.

        ``session.info[LOOKUP_MEMO]`` is a dict for the session's lifetime (one request):
        a query function may keep rows it read there for the next function that needs the
        same rows, as the decision point and a product both read the people asked about.
        Nothing is written in this session, so nothing it keeps goes stale within it.
        """
        session = self._lookup_factory()
        session.info[LOOKUP_MEMO] = {}
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """One transaction: rows changed and events emitted are committed together or not at all."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._events: list[Event] = []
        self._committed = False

    def __enter__(self) -> Self:
        self.session = self.database.session_factory()
        self._events = []
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            self.session.rollback()
        self.session.close()

    def emit(self, event: Event) -> None:
        """Record an event; it is written to the outbox when (and only if) the work commits."""
        self._events.append(event)

    @property
    def pending_events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def commit(self) -> None:
        from felles.kernel.events import write_to_outbox

        if self._events:
            write_to_outbox(self.session, self._events)
        self.session.commit()
        self._committed = True
        self._events = []

    def rollback(self) -> None:
        self.session.rollback()
        self._events = []

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run a step that may fail without losing the rest of the transaction.

        On an exception the step's rows (SAVEPOINT) and the events it emitted are both
        undone, then the exception propagates. The simulator runs each operation of a batch
        this way, so one refused operation does not cost the whole batch.
        """
        mark = len(self._events)
        nested = self.session.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            del self._events[mark:]
            raise
        nested.commit()


_database: Database | None = None
_database_lock = threading.Lock()


def get_database() -> Database:
    """The process-wide database from settings, created on first use."""
    global _database
    with _database_lock:
        if _database is None:
            settings = get_settings()
            _database = Database(settings.database_url, echo=settings.sql_echo)
        return _database


def use_database(database: Database | None) -> Database | None:
    """Replace the process-wide database (tests and the CLI do this); returns the old one."""
    global _database
    with _database_lock:
        previous, _database = _database, database
        return previous


def ping(database: Database) -> bool:
    """True when the database answers a trivial query."""
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar_one() == 1


T = TypeVar("T")
R = TypeVar("R")
#: How often a command that lost a race to a concurrent request is run again.
COMMAND_RETRIES = 3


def run_command(
    database: Database,
    command: Callable[[UnitOfWork], T],
    answer: Callable[[Session, T], R],
    *,
    retries: int = COMMAND_RETRIES,
) -> R:
    """Run one command in its own unit of work, commit, and build the answer in the session.

    Two requests may race: both take the same fresh number (a unique index refuses the
    second) or change the same row (its version column refuses the second). The loser is
    run again on the new state, where its checks see what the winner wrote; after
    ``retries`` tries it is a Conflict (409).
    """
    for _attempt in range(retries):
        try:
            with database.unit_of_work() as uow:
                result = command(uow)
                uow.commit()
                return answer(uow.session, result)
        except (IntegrityError, StaleDataError):
            continue
    raise Conflict("The register changed while this was written; please try again")
