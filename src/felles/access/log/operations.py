"""Writing the access log: ``append`` entries (hash-chained), and signed checkpoints.

The decision point and the data distributor call ``append`` in the same transaction as the
release they log, as late in it as they can: the chain head stays locked from the append to
the commit, which is what keeps the chain one line when many processes append (decision
0024). A batch costs three statements whatever its size: lock and advance the head, insert
the rows (one set-wise INSERT on PostgreSQL), store the new head hash; plus one for each
checkpoint it crosses.
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
from felles.kernel.setwise import insert_many, pg_insert_sql, rows_json

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
        subjekt = str(parse_person_identifier(entry.subjekt))
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


def _insert_and_store_head_statement(_postgresql: bool) -> Executable:
    """PostgreSQL: the batch's rows and the new head hash in one statement."""
    store = f"UPDATE {_HEAD.name} SET hash = :hash WHERE id = {HEAD_ID}"
    return text(f"WITH appended AS ({pg_insert_sql(_ENTRIES, _COLUMNS)}) {store}")


# Every group commit of the data distributor runs these (kernel.compiled, decision 0029).
_ADVANCE: Final = CompiledStatement(_advance_statement)
_STORE_HEAD: Final = CompiledStatement(_store_head_statement)
_INSERT_AND_STORE_HEAD: Final = CompiledStatement(_insert_and_store_head_statement)


def _advance_head(target: Target, count: int) -> tuple[int, str]:
    """Lock the chain head and move it ``count`` entries on: (the new last number, old hash).

    ``UPDATE … RETURNING`` takes the row lock (PostgreSQL) or the write lock (SQLite) and
    reads in one statement; the lock is held until the caller's transaction ends.
    """
    rows = _ADVANCE.rows(target, tuple, count=count)
    if not rows:  # the first append ever: make the head (once, whoever comes first)
        connection = connection_of(target)
        postgresql = connection.dialect.name == "postgresql"
        dialect_insert = pg_insert if postgresql else sqlite_insert
        values = {"id": HEAD_ID, "sekvensnummer": 0, "hash": chain.GENESIS}
        connection.execute(dialect_insert(_HEAD).values(values).on_conflict_do_nothing())
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
    return append_rows(session, prepare(entries))


def append_rows(target: Target, rows: list[dict[str, Any]]) -> Appended:
    """``append`` for rows already made by ``prepare`` (the group writer prepares them in
    the requests' threads, so the thread holding the chain head does as little as it can),
    in the transaction of ``target``, a session or a Core connection."""
    now = get_clock().now()
    last, previous = _advance_head(target, len(rows))
    first = last - len(rows) + 1
    hashes: dict[int, str] = {}
    for number, row in enumerate(rows, start=first):
        row["sekvensnummer"] = number
        previous = chain.entry_hash(previous, row)
        row["hash"] = hashes[number] = previous
    if connection_of(target).dialect.name == "postgresql":
        _INSERT_AND_STORE_HEAD.run(target, rows=rows_json(rows), hash=previous)
    else:
        insert_many(target, _ENTRIES, rows)
        _STORE_HEAD.run(target, hash=previous)
    every = get_settings().access_log_checkpoint_every
    made: tuple[int, ...] = ()
    if every > 0:
        made = tuple(range(-(-first // every) * every, last + 1, every))
        for number in made:
            _store_checkpoint(connection_of(target), number, hashes[number], now)
    return Appended(first=first, last=last, hash=previous, checkpoints=made)


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
