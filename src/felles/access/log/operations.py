"""Writing the access log: ``append`` entries (hash-chained), and signed checkpoints.

The decision point and the data distributor call ``append`` in the same transaction as the
release they log, as late in it as they can: the chain head stays locked from the append to
the commit, which is what keeps the chain one line when many processes append (decision
0024). On PostgreSQL a batch is one statement whatever its size: it locks the head, chains
and inserts the rows and moves the head on (the hashes are computed by PostgreSQL from bytes
made in Python, ``chain.entry_parts``; decision 0029). SQLite takes three: lock and advance
the head, insert the rows, store the new head hash. Plus one for each checkpoint crossed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    Executable,
    Table,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from felles.access.log import chain
from felles.access.log.model import ChainHead, Checkpoint, LogEntryRow
from felles.kernel.clock import get_clock
from felles.kernel.compiled import CompiledStatement, Target, connection_of
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import InvalidInput
from felles.kernel.ids import InvalidIdentifier, parse_organisasjonsnummer, parse_person_identifier
from felles.kernel.settings import get_settings
from felles.kernel.setwise import insert_many, pg_column_definitions, rows_json

__all__ = [
    "Appended",
    "LogEntry",
    "append",
    "append_rows",
    "make_checkpoint",
    "prepare",
    "validate",
]

HEAD_ID: Final = 1
#: The organisation a person's own use of felles is logged under when the data are someone
#: else's (a person acting for another, or reading a registry answer that names others): the
#: log needs an organisation, and Digitaliseringsdirektoratet runs the login and the portal.
PORTAL_ORGNR: Final = "991825827"
_ENTRIES: Final = cast(Table, LogEntryRow.__table__)
_HEAD: Final = cast(Table, ChainHead.__table__)
MAX_FIELDS: Final = 200
# A name of a dataset or a field: letters, digits and . _ - / (e.g. "folkeregisteret/person",
# "bostedsadresse.kommunenummer"). Spaces, "=" and ":" are refused so a value cannot be
# smuggled in as "inntekt=600000": the log holds names, never data.
_NAME: Final = re.compile(r"[A-Za-z0-9ÆØÅæøå_][A-Za-z0-9ÆØÅæøå_.\-/\[\]]{0,199}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One release of personal data, as the decision point reports it.

    ``konsument`` is the organisation the data goes to, ``aktoer`` the person acting (the
    consumer's employee, or someone acting for the subject under ``fullmakt_id``), ``subjekt``
    whose data it is, ``felter`` the names of the fields released (never their values).
    ``hjemmel`` (a legal basis) or ``samtykke_id`` (a consent) must be given. ``tidspunkt``
    defaults to the clock's now.
    """

    konsument: str
    subjekt: str
    datasett: str
    felter: Sequence[str]
    formaal: str
    foresporsel_id: str
    hjemmel: str | None = None
    samtykke_id: str | None = None
    aktoer: str | None = None
    fullmakt_id: str | None = None
    tidspunkt: datetime | None = None


@dataclass(frozen=True, slots=True)
class Appended:
    """The sequence numbers a batch was given, the chain hash after it, checkpoints made."""

    first: int
    last: int
    hash: str
    checkpoints: tuple[int, ...] = field(default=())


@lru_cache(maxsize=1024)
def _organisation(orgnr: str) -> str:
    """A consumer's organisation number, checked (a handful of consumers log most entries)."""
    return str(parse_organisasjonsnummer(orgnr))


@lru_cache(maxsize=16384)
def _person(ident: str) -> str:
    """A subject's identity number, checked (a batch logs several datasets per person)."""
    return str(parse_person_identifier(ident))


def _text(name: str, value: str | None, *, length: int, required: bool) -> None:
    if value is None:
        if required:
            raise InvalidInput(f"An access-log entry needs {name}")
        return
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{name} must be a non-empty string")
    if len(value) > length or _CONTROL.search(value):
        raise InvalidInput(f"{name} must be at most {length} characters, no control characters")


def _row(entry: LogEntry, now: datetime) -> dict[str, Any]:
    """The row of an entry (without its sequence number and hash), or InvalidInput."""
    try:
        konsument = _organisation(entry.konsument)
        subjekt = _person(entry.subjekt)
    except (InvalidIdentifier, TypeError, ValueError) as error:
        raise InvalidInput(f"An access-log entry has an invalid identifier: {error}") from None
    if not _NAME.fullmatch(entry.datasett or ""):
        raise InvalidInput("datasett must be a dataset name (letters, digits, . _ - /)")
    felter = sorted(set(entry.felter)) if not isinstance(entry.felter, str) else []
    if not felter or len(felter) > MAX_FIELDS:
        raise InvalidInput(f"felter must name 1 to {MAX_FIELDS} fields")
    if not all(isinstance(f, str) and _NAME.fullmatch(f) for f in felter):
        raise InvalidInput("felter must be field names (letters, digits, . _ - / [ ]), no values")
    _text("formaal", entry.formaal, length=200, required=True)
    _text("foresporsel_id", entry.foresporsel_id, length=64, required=True)
    _text("hjemmel", entry.hjemmel, length=200, required=False)
    _text("samtykke_id", entry.samtykke_id, length=64, required=False)
    _text("aktoer", entry.aktoer, length=64, required=False)
    _text("fullmakt_id", entry.fullmakt_id, length=64, required=False)
    if entry.hjemmel is None and entry.samtykke_id is None:
        raise InvalidInput("An access-log entry needs a legal basis (hjemmel) or a consent id")
    when = entry.tidspunkt or now
    if when.tzinfo is None:
        raise InvalidInput("tidspunkt must carry a time zone")
    return {
        "tidspunkt": when.astimezone(UTC),
        "konsument": konsument,
        "aktoer": entry.aktoer,
        "fullmakt_id": entry.fullmakt_id,
        "subjekt": subjekt,
        "datasett": entry.datasett,
        "felter": felter,
        "formaal": entry.formaal,
        "hjemmel": entry.hjemmel,
        "samtykke_id": entry.samtykke_id,
        "foresporsel_id": entry.foresporsel_id,
    }


def prepare(entries: Sequence[LogEntry]) -> list[dict[str, Any]]:
    """The rows of ``entries`` (without sequence numbers and hashes), checked: InvalidInput if
    any entry could not be appended (nothing is written)."""
    if not entries:
        raise InvalidInput("Nothing to log")
    now = get_clock().now()
    return [_row(entry, now) for entry in entries]


def validate(entries: Sequence[LogEntry]) -> None:
    """Raise ``InvalidInput`` if any entry could not be appended (nothing is written)."""
    prepare(entries)


def _advance_statement(_postgresql: bool) -> Executable:
    return (
        update(_HEAD)
        .where(_HEAD.c.id == HEAD_ID)
        .values(sekvensnummer=_HEAD.c.sekvensnummer + bindparam("count", type_=BigInteger()))
        .returning(_HEAD.c.sekvensnummer, _HEAD.c.hash)
    )


def _store_head_statement(_postgresql: bool) -> Executable:
    return update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(hash=bindparam("hash"))


#: The columns of an entry's row, as ``_row`` makes it and ``append_rows`` completes it.
_COLUMNS: Final = (
    "tidspunkt",
    "konsument",
    "aktoer",
    "fullmakt_id",
    "subjekt",
    "datasett",
    "felter",
    "formaal",
    "hjemmel",
    "samtykke_id",
    "foresporsel_id",
    "sekvensnummer",
    "hash",
)


def _append_statement(_postgresql: bool) -> Executable:
    """PostgreSQL: a whole append in one statement. It locks the head, numbers the entries,
    chains their hashes (SHA-256 of the previous hash and the entry's canonical bytes, made
    in Python before: ``chain.entry_parts``), inserts them and moves the head on; it returns
    the new head and the numbers and hashes of the checkpoints the batch reaches. No Python
    runs while the head is locked (decision 0029)."""
    entry_columns = _COLUMNS[:-2]  # the entry's own columns, without number and hash
    names = ", ".join(entry_columns)
    recordset = pg_column_definitions(_ENTRIES, entry_columns)
    head = _HEAD.name
    return text(
        f"""
WITH RECURSIVE
head AS (
    SELECT sekvensnummer, CAST(hash AS text) AS hash FROM {head} WHERE id = {HEAD_ID} FOR UPDATE
),
entry AS (
    SELECT * FROM ROWS FROM (json_to_recordset(CAST(:rows AS json)) AS ({recordset}))
    WITH ORDINALITY AS e({names}, i)
),
chain (i, sekvensnummer, hash) AS (
    SELECT CAST(0 AS bigint), sekvensnummer, hash FROM head
    UNION ALL
    SELECT c.i + 1, c.sekvensnummer + 1, encode(sha256(
        decode(c.hash, 'hex')
        || (CAST(:before AS bytea[]))[c.i + 1]
        || convert_to(CAST(c.sekvensnummer + 1 AS text), 'UTF8')
        || (CAST(:after AS bytea[]))[c.i + 1]
    ), 'hex')
    FROM chain c WHERE c.i < :count
),
appended AS (
    INSERT INTO {_ENTRIES.name} ({names}, sekvensnummer, hash)
    SELECT {", ".join(f"e.{n}" for n in entry_columns)}, c.sekvensnummer, c.hash
    FROM entry e JOIN chain c ON c.i = e.i
),
moved AS (SELECT sekvensnummer, hash FROM chain WHERE i = :count)
UPDATE {head} AS k SET sekvensnummer = moved.sekvensnummer, hash = moved.hash
FROM moved WHERE k.id = {HEAD_ID}
RETURNING k.sekvensnummer, k.hash,
    (SELECT array_agg(c.sekvensnummer ORDER BY c.i) FROM chain c
     WHERE c.i > 0 AND :every > 0 AND c.sekvensnummer % :every = 0),
    (SELECT array_agg(c.hash ORDER BY c.i) FROM chain c
     WHERE c.i > 0 AND :every > 0 AND c.sekvensnummer % :every = 0)
"""
    )


# Every group commit of the data distributor runs these (kernel.compiled, decision 0029).
_ADVANCE: Final = CompiledStatement(_advance_statement)
_STORE_HEAD: Final = CompiledStatement(_store_head_statement)
_APPEND: Final = CompiledStatement(_append_statement)


def _make_head(connection: Connection) -> None:
    """The chain head at the genesis hash, unless another transaction made it first."""
    postgresql = connection.dialect.name == "postgresql"
    dialect_insert = pg_insert if postgresql else sqlite_insert
    values = {"id": HEAD_ID, "sekvensnummer": 0, "hash": chain.GENESIS}
    connection.execute(dialect_insert(_HEAD).values(values).on_conflict_do_nothing())


def _advance_head(target: Target, count: int) -> tuple[int, str]:
    """Lock the chain head and move it ``count`` entries on: (the new last number, old hash).

    ``UPDATE … RETURNING`` takes the row lock (PostgreSQL) or the write lock (SQLite) and
    reads in one statement; the lock is held until the caller's transaction ends.
    """
    rows = _ADVANCE.rows(target, tuple, count=count)
    if not rows:  # the first append ever: make the head (once, whoever comes first)
        _make_head(connection_of(target))
        rows = _ADVANCE.rows(target, tuple, count=count)
    [(last, previous)] = rows
    return int(last), str(previous)


def append(target: Session | UnitOfWork, entries: Sequence[LogEntry]) -> Appended:
    """Log ``entries`` in the caller's transaction (which commits); all or none of them.

    Raises ``InvalidInput`` (nothing written) when an entry is incomplete or carries more
    than names. Makes a signed checkpoint at every multiple of
    ``FELLES_ACCESS_LOG_CHECKPOINT_EVERY`` the batch reaches.
    """
    session = target.session if isinstance(target, UnitOfWork) else target
    # In a caller's transaction the chain head stays locked until that commit whatever is
    # done here, so hashing in Python (a few microseconds an entry) beats PostgreSQL's
    # recursive statement (tens of microseconds an entry), which pays only where the head
    # is held for one statement (the group writer, decision 0029).
    return append_rows(session, prepare(entries), hash_in_python=True)


def append_rows(
    target: Target,
    rows: list[dict[str, Any]],
    parts: Sequence[tuple[bytes, bytes]] | None = None,
    *,
    hash_in_python: bool = False,
) -> Appended:
    """``append`` for rows already made by ``prepare`` (the group writer prepares them, and
    their ``chain.entry_parts``, in the requests' threads, so the thread holding the chain
    head does as little as it can), in the transaction of ``target``, a session or a Core
    connection (in autocommit on PostgreSQL, the append is its own transaction)."""
    now = get_clock().now()
    connection = connection_of(target)
    every = get_settings().access_log_checkpoint_every
    if connection.dialect.name == "postgresql" and not hash_in_python:
        made = _append_in_postgresql(
            connection, rows, parts or [chain.entry_parts(row) for row in rows], every
        )
        last, previous, hashes = made
    else:
        last, previous, hashes = _append_in_python(connection, rows, every)
    first = last - len(rows) + 1
    for number, hash in hashes.items():
        _store_checkpoint(connection, number, hash, now)
    return Appended(first=first, last=last, hash=previous, checkpoints=tuple(hashes))


def _append_in_postgresql(
    connection: Connection,
    rows: list[dict[str, Any]],
    parts: Sequence[tuple[bytes, bytes]],
    every: int,
) -> tuple[int, str, dict[int, str]]:
    parameters = {
        "rows": rows_json(rows),
        "before": [before for before, _ in parts],
        "after": [after for _, after in parts],
        "count": len(rows),
        "every": every,
    }
    found = _APPEND.rows(connection, tuple, **parameters)
    if not found:  # the first append ever: make the head (once, whoever comes first)
        _make_head(connection)
        found = _APPEND.rows(connection, tuple, **parameters)
    [(last, head_hash, numbers, hashes)] = found
    return int(last), str(head_hash), dict(zip(numbers or (), hashes or (), strict=True))


def _append_in_python(
    connection: Connection, rows: list[dict[str, Any]], every: int
) -> tuple[int, str, dict[int, str]]:
    last, previous = _advance_head(connection, len(rows))
    first = last - len(rows) + 1
    checkpoints: dict[int, str] = {}
    for number, row in enumerate(rows, start=first):
        row["sekvensnummer"] = number
        previous = chain.entry_hash(previous, row)
        row["hash"] = previous
        if every > 0 and number % every == 0:
            checkpoints[number] = previous
    insert_many(connection, _ENTRIES, rows)
    _STORE_HEAD.run(connection, hash=previous)
    return last, previous, checkpoints


def _store_checkpoint(
    session: Session | Connection, number: int, hash: str, now: datetime
) -> Checkpoint:
    key = chain.signing_key()
    when = now.astimezone(UTC)
    signature = chain.sign_checkpoint(key, sekvensnummer=number, hash=hash, tidspunkt=when)
    values = {
        "sekvensnummer": number,
        "hash": hash,
        "tidspunkt": when,
        "noekkel_id": key.id,
        "signatur": signature,
    }
    session.execute(insert(Checkpoint).values(values))
    return Checkpoint(**values)


def make_checkpoint(target: Session | UnitOfWork) -> Checkpoint | None:
    """A signed checkpoint of the chain head as committed now (None while the log is empty).

    The head is locked while the checkpoint is made, so no append slips between; a
    checkpoint that already exists for the head is returned as it is.
    """
    session = target.session if isinstance(target, UnitOfWork) else target
    head = session.execute(
        select(ChainHead.sekvensnummer, ChainHead.hash)
        .where(ChainHead.id == HEAD_ID)
        .with_for_update()
    ).first()
    if head is None or head.sekvensnummer == 0:
        return None
    existing = session.get(Checkpoint, head.sekvensnummer)
    if existing is not None:
        return existing
    return _store_checkpoint(session, head.sekvensnummer, head.hash, get_clock().now())
