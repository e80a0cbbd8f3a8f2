"""The population in columns, for screening a whole population with vectorised rules
(felles.rules.population): everyone alive in a period as numpy arrays, one element per
person, and every current parent link, in a few statements whatever the population's size.

On PostgreSQL each column of a range of ids is aggregated into one binary string in SQL
(``string_agg`` of ``int8send``: big-endian values of fixed width) and the one row is sent by
``COPY … TO STDOUT (FORMAT binary)``: numpy reads the columns straight from the bytes. A
plain row-per-person COPY costs psycopg 5.6 million messages in Python; and since
PostgreSQL spends about 150 ns on each value it aggregates, whatever its width, the small
values travel packed into a few integers (``dates``, ``codes``) and are unpacked in numpy.
SQLite (the demo and the tests) selects the same packed integers row by row.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from felles.registries.folkeregister.model import SIVILSTAND_CODES


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


#: The codes of ``PopulationColumns``: a value is its index in the tuple; 0 is also "another
#: value" (a status, sex or marital status felles does not know).
POPULATION_STATUS: Final = (
    "annen",
    "bosatt",
    "utflyttet",
    "doed",
    "midlertidig",
    "inaktiv",
    "ikkeBosatt",
    "forsvunnet",
    "opphoert",
)
POPULATION_KJOENN: Final = ("ukjent", "kvinne", "mann")
POPULATION_SIVILSTAND: Final = SIVILSTAND_CODES
POPULATION_FORELDREANSVAR: Final = ("", "felles", "mor", "far", "medmor")
POPULATION_PARENT_ROLE: Final = ("mor", "far", "medmor")

#: Ids per PostgreSQL statement: each aggregates at most this many people's columns (about
#: 40 MB), so the server's memory does not grow with the population.
POPULATION_CHUNK_IDS: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class PopulationColumns:
    """Everyone alive in a period, one array element per person, in ``id`` order.

    Codes are indexes in the ``POPULATION_*`` tuples; dates are ``datetime64[D]``, NaT for
    none. ``ident`` is the 11-digit identifikasjonsnummer as an integer (write it with 11
    digits, zero-padded). ``kommunenummer`` is the bostedsadresse's municipality as a number
    (0301 → 301), -1 when there is no address or its code is not 4 bytes long.
    ``bruksenhetsnummer`` is padded with spaces to 5 bytes (a 5-character MD5 prefix of it
    if it is not ASCII): compare it for equality only, together with ``adresse_id`` (-1 when
    there is no address), to tell who shares a dwelling.
    """

    id: npt.NDArray[np.int64]
    ident: npt.NDArray[np.int64]
    status: npt.NDArray[np.int8]
    kjoenn: npt.NDArray[np.int8]
    foedselsdato: npt.NDArray[np.datetime64]
    doedsdato: npt.NDArray[np.datetime64]
    sivilstand: npt.NDArray[np.int8]
    foreldreansvar: npt.NDArray[np.int8]
    innflyttingsdato: npt.NDArray[np.datetime64]
    kommunenummer: npt.NDArray[np.int16]
    adresse_id: npt.NDArray[np.int64]
    bruksenhetsnummer: npt.NDArray[np.bytes_]

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True, slots=True)
class ParentLinks:
    """Every current parent relation: ``child_id`` has ``parent_id`` as ``role`` (an index in
    ``POPULATION_PARENT_ROLE``), in no particular order. Ended relations are left out (parents
    stay parents, so there are few); relations to dead parents are not."""

    child_id: npt.NDArray[np.int64]
    parent_id: npt.NDArray[np.int64]
    role: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.child_id)


def population_columns(session: Session, *, first_day: date, last_day: date) -> PopulationColumns:
    """Everyone born on or before ``last_day`` and not dead before ``first_day`` (alive on some
    day from one to the other), whatever their status, as columns in id order."""
    params = {"first": first_day, "last": last_day}
    if _is_postgresql(session):
        wire = _pg_columns(session, "frg_person", "id", _people_sql(postgresql=True), params)
    else:
        rows = session.execute(
            text(_people_sql(postgresql=False)),
            {"first": first_day.isoformat(), "last": last_day.isoformat()},
        ).all()
        wire = {
            name: np.array([row[index] for row in rows], dtype=np.int64)
            for index, name in enumerate(_PEOPLE_PACKED)
        }
        wire["bruksenhetsnummer"] = np.array(
            [_bruksenhet_bytes(row[-1]) for row in rows], dtype="S5"
        )
    ids = wire["id"]
    if np.any(ids[1:] < ids[:-1]):  # a range was read in another order (SQLite, a seq scan)
        order = np.argsort(ids, kind="stable")
        wire = {name: values[order] for name, values in wire.items()}
    return _unpack_people(wire)


def parent_links(session: Session) -> ParentLinks:
    """Every current parent relation (mor, far, medmor), seen from the child."""
    if _is_postgresql(session):
        statement = _links_sql(postgresql=True)
        wire = _pg_columns(session, "frg_familierelasjon", "person_id", statement, {})
    else:
        rows = session.execute(text(_links_sql(postgresql=False))).all()
        wire = {
            name: np.array([row[index] for row in rows], dtype=np.int64)
            for index, name in enumerate(_LINKS_PACKED)
        }
    child_and_role = wire["child_and_role"]
    return ParentLinks(
        child_id=child_and_role >> 2,
        parent_id=wire["parent_id"],
        role=(child_and_role & 3).astype(np.int8),
    )


# What travels, per person: integers (each sent as int8 by PostgreSQL), then the dwelling's
# bruksenhetsnummer as 5 bytes. A date is its days since 1970-01-01 plus 2**20 in 21 bits
# (1 = year −900: no real date; 0 = none); the codes take 4, 2, 4 and 3 bits, then the
# kommunenummer 14 bits (16383 = none).
_DAY_BIAS: Final = 1 << 20
_DAY_BITS: Final = 21
_KOMMUNE_NONE: Final = (1 << 14) - 1
_CODE_BITS: Final = (("status", 4), ("kjoenn", 2), ("sivilstand", 4), ("foreldreansvar", 3))
_CODES: Final = {
    "status": POPULATION_STATUS,
    "kjoenn": POPULATION_KJOENN,
    "sivilstand": POPULATION_SIVILSTAND,
    "foreldreansvar": POPULATION_FORELDREANSVAR,
}
_PEOPLE_PACKED: Final = ("id", "ident", "adresse_id", "dates", "codes")
_LINKS_PACKED: Final = ("child_and_role", "parent_id")


def _case(column: str, codes: Sequence[str]) -> str:
    """SQL: the index of ``column``'s value in ``codes``, 0 for any other value."""
    whens = " ".join(f"WHEN '{code}' THEN {index}" for index, code in enumerate(codes) if index)
    return f"(CASE {column} {whens} ELSE 0 END)"


def _people_columns(postgresql: bool) -> list[str]:
    def day(column: str) -> str:
        days = (
            f"({column} - DATE '1970-01-01')"
            if postgresql
            else f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
        )
        return f"CAST(COALESCE({days} + {_DAY_BIAS}, 0) AS bigint)"

    octets = "octet_length(kommunenummer)" if postgresql else "length(CAST(kommunenummer AS BLOB))"
    kommune = (
        f"COALESCE(CASE WHEN {octets} = 4 THEN CAST(kommunenummer AS integer) END, {_KOMMUNE_NONE})"
    )
    codes = {name: _case(name, values) for name, values in _CODES.items()}
    packed_codes, shift = [], 0
    for name, bits in _CODE_BITS:
        if len(_CODES[name]) > 1 << bits:
            raise ValueError(f"{name}: more codes than {bits} bits hold")
        packed_codes.append(f"({codes[name]} << {shift})")
        shift += bits
    packed_codes.append(f"({kommune} << {shift})")
    dates = (
        f"{day('foedselsdato')} | ({day('doedsdato')} << {_DAY_BITS}) "
        f"| ({day('innflyttingsdato')} << {2 * _DAY_BITS})"
    )
    return [
        "id",
        "CAST(ident AS bigint)",
        "COALESCE(adresse_id, -1)",
        dates,
        " | ".join(packed_codes),
    ]


_PERIOD: Final = "foedselsdato <= {last} AND (doedsdato IS NULL OR doedsdato >= {first})"
_PARENTS: Final = "relatert_persons_rolle IN ('mor', 'far', 'medmor') AND opphoerstidspunkt IS NULL"
_BRUKSENHET_PG: Final = (
    "CASE WHEN octet_length(rpad(COALESCE(bruksenhetsnummer, ''), 5)) = 5 "
    "THEN rpad(COALESCE(bruksenhetsnummer, ''), 5) ELSE substr(md5(bruksenhetsnummer), 1, 5) END"
)


@cache
def _people_sql(*, postgresql: bool) -> str:
    columns = _people_columns(postgresql)
    if postgresql:
        aggregates = [f"string_agg(int8send({column}), ''::bytea)" for column in columns]
        aggregates.append(f"string_agg({_BRUKSENHET_PG}, '')")
        where = _PERIOD.format(first="%(first)s", last="%(last)s")
        return (
            f"COPY (SELECT {', '.join(aggregates)} FROM frg_person WHERE {where} "
            "AND id >= %(low)s AND id < %(high)s) TO STDOUT (FORMAT binary)"
        )
    where = _PERIOD.format(first=":first", last=":last")
    return f"SELECT {', '.join(columns)}, bruksenhetsnummer FROM frg_person WHERE {where}"


@cache
def _links_sql(*, postgresql: bool) -> str:
    role = _case("relatert_persons_rolle", POPULATION_PARENT_ROLE)
    columns = [f"person_id * 4 + {role}", "relatert_person_id"]
    if postgresql:
        aggregates = ", ".join(f"string_agg(int8send({column}), ''::bytea)" for column in columns)
        return (
            f"COPY (SELECT {aggregates} FROM frg_familierelasjon WHERE {_PARENTS} "
            "AND person_id >= %(low)s AND person_id < %(high)s) TO STDOUT (FORMAT binary)"
        )
    return f"SELECT {', '.join(columns)} FROM frg_familierelasjon WHERE {_PARENTS}"


def _pg_columns(
    session: Session, table: str, key: str, statement: str, params: dict[str, Any]
) -> dict[str, npt.NDArray[Any]]:
    """The columns of ``statement`` run for each range of ``key`` (see POPULATION_CHUNK_IDS):
    int8 strings as int64 arrays, the text one (people's bruksenhetsnummer) as S5."""
    names = _PEOPLE_PACKED if table == "frg_person" else _LINKS_PACKED
    bounds = session.execute(text(f"SELECT min({key}), max({key}) FROM {table}")).one()
    parts: list[list[memoryview]] = []
    if bounds[0] is not None:  # an empty table has no ranges
        for start in range(bounds[0], bounds[1] + 1, POPULATION_CHUNK_IDS):
            ranged = params | {"low": start, "high": start + POPULATION_CHUNK_IDS}
            parts.append(_pg_copy_row(session, statement, ranged))
    columns: dict[str, npt.NDArray[Any]] = {}
    for index, name in enumerate(names):
        columns[name] = np.concatenate(
            [np.frombuffer(part[index], dtype=">i8") for part in parts]
            or [np.empty(0, dtype=">i8")]
        ).astype(np.int64)
    if table == "frg_person":
        columns["bruksenhetsnummer"] = np.concatenate(
            [np.frombuffer(part[len(names)], dtype="S5") for part in parts]
            or [np.empty(0, dtype="S5")]
        )
    return columns


_COPY_HEADER: Final = len(b"PGCOPY\n\xff\r\n\x00") + 8  # signature, flags, extension length


def _pg_copy_row(session: Session, statement: str, params: dict[str, Any]) -> list[memoryview]:
    """The fields of the one row a ``COPY … (FORMAT binary)`` sends (NULL as empty), in the
    session's transaction; SQLAlchemy's cursor listeners hear of it as of any statement."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    events = connection.dispatch
    with driver.cursor() as cursor:
        events.before_cursor_execute(connection, cursor, statement, params, None, False)
        with cursor.copy(statement, params) as copy:
            data = memoryview(b"".join(copy))
        events.after_cursor_execute(connection, cursor, statement, params, None, False)
    (count,) = struct.unpack_from(">h", data, _COPY_HEADER)
    offset = _COPY_HEADER + 2
    fields: list[memoryview] = []
    for _ in range(count):
        (length,) = struct.unpack_from(">i", data, offset)
        offset += 4
        if length < 0:  # string_agg over no rows is NULL
            fields.append(memoryview(b""))
            continue
        fields.append(data[offset : offset + length])
        offset += length
    return fields


def _dates(packed: npt.NDArray[np.int64], shift: int) -> npt.NDArray[np.datetime64]:
    days = (packed >> shift) & ((1 << _DAY_BITS) - 1)
    return np.where(days == 0, np.iinfo(np.int64).min, days - _DAY_BIAS).view("datetime64[D]")


def _unpack_people(wire: dict[str, npt.NDArray[Any]]) -> PopulationColumns:
    codes, shift = wire["codes"], 0
    unpacked: dict[str, npt.NDArray[Any]] = {}
    for name, bits in _CODE_BITS:
        unpacked[name] = ((codes >> shift) & ((1 << bits) - 1)).astype(np.int8)
        shift += bits
    kommune = codes >> shift
    return PopulationColumns(
        id=wire["id"],
        ident=wire["ident"],
        foedselsdato=_dates(wire["dates"], 0),
        doedsdato=_dates(wire["dates"], _DAY_BITS),
        innflyttingsdato=_dates(wire["dates"], 2 * _DAY_BITS),
        kommunenummer=np.where(kommune == _KOMMUNE_NONE, -1, kommune).astype(np.int16),
        adresse_id=wire["adresse_id"],
        bruksenhetsnummer=wire["bruksenhetsnummer"],
        **unpacked,
    )


def _bruksenhet_bytes(value: str | None) -> bytes:
    """What ``_BRUKSENHET_PG`` makes of a bruksenhetsnummer."""
    padded = (value or "").ljust(5)[:5].encode()
    if len(padded) == 5 or value is None:
        return padded
    return hashlib.md5(value.encode()).hexdigest()[:5].encode()
