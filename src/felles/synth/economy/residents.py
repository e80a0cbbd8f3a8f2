"""What the economy needs to know about the people and addresses already generated.

The economy is generated after the population, from the database: it works **region by
region**, a region being a run of people (by id) and of addresses (by id) that no other
region shares a household or an address with. The population generator allocates person and
address ids chunk by chunk (a municipality or a group of them), so such cuts exist at every
chunk boundary; they are found from ``(id, adresse_id)`` alone and regions of about
``REGION_TARGET`` people are formed from them. Only one region's people and addresses are in
memory at a time.

People are read with numbers only (the identity number as a bigint, dates as day numbers,
the flat number ``H0203`` as 203), so on PostgreSQL a binary ``COPY`` gives fixed-size rows
that numpy reads without a Python object per value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, select

from felles.kernel.db import Database
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister.model import Person
from felles.synth import reference

if TYPE_CHECKING:
    import psycopg

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

REGION_TARGET: Final = 150_000  # people per region
_EPOCH: Final = dt.date(1970, 1, 1)
_PERSONS = cast(Table, Person.__table__)
_ADDRESSES = cast(Table, Vegadresse.__table__)


@cache
def kommune_index() -> IntArray:
    """kommunenummer (as an int) → index into ``reference.kommuner()``; -1 if unknown."""
    table = np.full(10_000, -1, dtype=np.int64)
    for number, kommune in enumerate(reference.kommuner()):
        table[int(kommune.kommunenummer)] = number
    return table


@dataclass(frozen=True, slots=True)
class Region:
    """People ``first_person``–``last_person`` and addresses ``first_address``–``last_address``."""

    index: int
    first_person: int
    last_person: int
    first_address: int
    last_address: int
    persons: int


@dataclass(frozen=True, slots=True)
class People:
    """A region's residents, one array element per person, in id order."""

    person_id: IntArray
    ident: IntArray  # the fødselsnummer as a number (format with 11 digits)
    birth: IntArray  # day number (days since 1970-01-01)
    female: BoolArray
    kommune: IntArray  # index into reference.kommuner()
    adresse_id: IntArray
    flat: IntArray  # bruksenhetsnummer H0203 → 203; 0 when none
    spouse_id: IntArray  # sivilstand_relatert_id; 0 when none
    moved_in: IntArray  # flyttedato as a day number

    @property
    def size(self) -> int:
        return int(self.person_id.size)

    def ident_text(self, index: IntArray | None = None) -> ObjArray:
        values = self.ident if index is None else self.ident[index]
        return np.char.zfill(values.astype("U11"), 11).astype(object)


@dataclass(frozen=True, slots=True)
class Addresses:
    """A region's street addresses (occupied or not), in id order."""

    adresse_id: IntArray
    kommune: IntArray
    adressenavn: ObjArray
    husnummer: IntArray
    husbokstav: ObjArray
    postnummer: ObjArray
    poststed: ObjArray
    bruksenheter: IntArray

    @property
    def size(self) -> int:
        return int(self.adresse_id.size)


# ------------------------------------------------------------------------------ regions


def _cuts(person_address: IntArray) -> IntArray:
    """Positions k where every address before k is below every address from k on."""
    before = np.maximum.accumulate(person_address)
    after = np.minimum.accumulate(person_address[::-1])[::-1]
    return np.flatnonzero(before[:-1] < after[1:]) + 1


def plan_regions(database: Database) -> list[Region]:
    """Regions of about ``REGION_TARGET`` people covering every person and address."""
    ids, address = _person_addresses(database)
    if ids.size == 0:
        return []
    with database.read_session() as session:
        last_address = int(
            session.scalar(select(_ADDRESSES.c.id).order_by(_ADDRESSES.c.id.desc())) or 0
        )
    cuts = _cuts(address)
    regions: list[Region] = []
    start, previous_max = 0, 0
    boundaries = [*cuts.tolist(), ids.size]
    for position, stop in enumerate(boundaries):
        is_last = position == len(boundaries) - 1
        if stop - start < REGION_TARGET and not is_last:
            continue
        top = last_address if is_last else int(address[start:stop].max())
        regions.append(
            Region(
                index=len(regions),
                first_person=int(ids[start]),
                last_person=int(ids[stop - 1]),
                first_address=previous_max + 1,
                last_address=top,
                persons=stop - start,
            )
        )
        start, previous_max = stop, top
    return regions


def _person_addresses(database: Database) -> tuple[IntArray, IntArray]:
    if database.is_postgresql:
        rows = _binary_copy(
            database,
            "SELECT id, COALESCE(adresse_id, 0) FROM frg_person "
            "WHERE status = 'bosatt' ORDER BY id",
            [("id", ">i8"), ("adresse", ">i8")],
        )
        return rows["id"].astype(np.int64), rows["adresse"].astype(np.int64)
    with database.read_session() as session:
        result = session.execute(
            select(_PERSONS.c.id, _PERSONS.c.adresse_id)
            .where(_PERSONS.c.status == "bosatt")
            .order_by(_PERSONS.c.id)
        ).all()
    array = np.array([(i, a or 0) for i, a in result], dtype=np.int64).reshape(-1, 2)
    return array[:, 0].copy(), array[:, 1].copy()


# ------------------------------------------------------------------------ reading people

_PEOPLE_SQL: Final = """
SELECT id, ident::bigint, foedselsdato - DATE '1970-01-01', (kjoenn = 'kvinne'),
       COALESCE(kommunenummer, '0')::int, COALESCE(adresse_id, 0),
       COALESCE(NULLIF(substr(bruksenhetsnummer, 2), '')::int, 0),
       COALESCE(sivilstand_relatert_id, 0),
       COALESCE(flyttedato, foedselsdato) - DATE '1970-01-01'
FROM frg_person
WHERE status = 'bosatt' AND id BETWEEN {first} AND {last}
ORDER BY id
"""
_PEOPLE_FIELDS: Final = [
    ("person_id", ">i8"),
    ("ident", ">i8"),
    ("birth", ">i4"),
    ("female", "?"),
    ("kommune", ">i4"),
    ("adresse_id", ">i8"),
    ("flat", ">i4"),
    ("spouse_id", ">i8"),
    ("moved_in", ">i4"),
]


def read_people(database: Database, region: Region) -> People:
    """The region's residents (people with status bosatt)."""
    if database.is_postgresql:
        sql = _PEOPLE_SQL.format(first=int(region.first_person), last=int(region.last_person))
        rows = _binary_copy(database, sql, _PEOPLE_FIELDS)
        columns = {name: rows[name] for name, _type in _PEOPLE_FIELDS}
    else:
        columns = _people_sqlite(database, region)
    return People(
        person_id=columns["person_id"].astype(np.int64),
        ident=columns["ident"].astype(np.int64),
        birth=columns["birth"].astype(np.int64),
        female=columns["female"].astype(bool),
        kommune=kommune_index()[columns["kommune"].astype(np.int64)],
        adresse_id=columns["adresse_id"].astype(np.int64),
        flat=columns["flat"].astype(np.int64),
        spouse_id=columns["spouse_id"].astype(np.int64),
        moved_in=columns["moved_in"].astype(np.int64),
    )


def _people_sqlite(database: Database, region: Region) -> dict[str, Any]:
    c = _PERSONS.c
    query = (
        select(
            c.id,
            c.ident,
            c.foedselsdato,
            c.kjoenn,
            c.kommunenummer,
            c.adresse_id,
            c.bruksenhetsnummer,
            c.sivilstand_relatert_id,
            c.flyttedato,
        )
        .where(c.status == "bosatt", c.id.between(region.first_person, region.last_person))
        .order_by(c.id)
    )
    with database.read_session() as session:
        rows = session.execute(query).all()

    def days(value: dt.date | None, fallback: dt.date) -> int:
        return ((value or fallback) - _EPOCH).days

    return {
        "person_id": np.array([r[0] for r in rows], dtype=np.int64),
        "ident": np.array([int(r[1]) for r in rows], dtype=np.int64),
        "birth": np.array([days(r[2], r[2]) for r in rows], dtype=np.int64),
        "female": np.array([r[3] == "kvinne" for r in rows], dtype=bool),
        "kommune": np.array([int(r[4] or 0) for r in rows], dtype=np.int64),
        "adresse_id": np.array([r[5] or 0 for r in rows], dtype=np.int64),
        "flat": np.array([int(r[6][1:]) if r[6] else 0 for r in rows], dtype=np.int64),
        "spouse_id": np.array([r[7] or 0 for r in rows], dtype=np.int64),
        "moved_in": np.array([days(r[8], r[2]) for r in rows], dtype=np.int64),
    }


def read_addresses(database: Database, region: Region) -> Addresses:
    """The region's street addresses, occupied or not."""
    c = _ADDRESSES.c
    query = (
        select(
            c.id,
            c.kommunenummer,
            c.adressenavn,
            c.husnummer,
            c.husbokstav,
            c.postnummer,
            c.poststed,
            c.antall_bruksenheter,
        )
        .where(c.id.between(region.first_address, region.last_address))
        .order_by(c.id)
    )
    with database.read_session() as session:
        rows = session.execute(query).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8

    def objects(values: tuple[Any, ...]) -> ObjArray:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array

    return Addresses(
        adresse_id=np.array(columns[0], dtype=np.int64),
        kommune=kommune_index()[np.array([int(k) for k in columns[1]], dtype=np.int64)],
        adressenavn=objects(columns[2]),
        husnummer=np.array(columns[3], dtype=np.int64),
        husbokstav=objects(columns[4]),
        postnummer=objects(columns[5]),
        poststed=objects(columns[6]),
        bruksenheter=np.array(columns[7], dtype=np.int64),
    )


def names_of(database: Database, person_ids: IntArray) -> tuple[ObjArray, ObjArray]:
    """fornavn and etternavn of these people, in the order given."""
    wanted = np.unique(person_ids)
    found: dict[int, tuple[str, str]] = {}
    c = _PERSONS.c
    with database.read_session() as session:
        for start in range(0, wanted.size, 10_000):
            part = wanted[start : start + 10_000].tolist()
            query = select(c.id, c.fornavn, c.etternavn).where(c.id.in_(part))
            found.update({i: (f, e) for i, f, e in session.execute(query)})
    fornavn = np.empty(person_ids.size, dtype=object)
    etternavn = np.empty(person_ids.size, dtype=object)
    for position, person in enumerate(person_ids.tolist()):
        fornavn[position], etternavn[position] = found[person]
    return fornavn, etternavn


# ---------------------------------------------------------------- PostgreSQL binary COPY


def _binary_copy(database: Database, sql: str, fields: list[tuple[str, str]]) -> Any:
    """Rows of ``sql`` (no NULLs, fixed-size types) as a numpy structured array.

    Binary COPY sends each row as a field count and, per field, a length and the value in
    network byte order; with fixed-size values every row has the same layout.
    """
    layout: list[tuple[str, str]] = [("_count", ">i2")]
    for name, kind in fields:
        layout += [(f"_{name}_length", ">i4"), (name, kind)]
    dtype = np.dtype(layout)
    raw = database.engine.raw_connection()
    try:
        connection = cast("psycopg.Connection[Any]", raw.driver_connection)
        statement = f"COPY ({sql}) TO STDOUT (FORMAT binary)"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            data = b"".join(bytes(block) for block in copy)
        connection.rollback()
    finally:
        raw.close()
    header = 19  # signature (11), flags (4), header extension length (4)
    body = data[header:-2]  # the trailer is a field count of -1
    return np.frombuffer(body, dtype=dtype)
