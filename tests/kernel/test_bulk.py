"""BulkWriter: round trips, atomicity, index rebuild and sequences, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from felles.kernel.bulk import BulkWriter, format_copy_text, measure_raw_copy
from felles.kernel.db import Database
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.krr.model import KontaktInfo

ADDRESSES = Vegadresse.__table__
RELATIONS = Familierelasjon.__table__
KRR = KontaktInfo.__table__
PERSONS = Person.__table__

TRICKY = [
    "tab\there",
    "new\nline",
    "back\\slash",
    "Bjørkeveien Æøå",
    "carriage\rreturn",
    "\\N",  # the literal two characters, not NULL
    "",
]
ADDRESS_COLUMNS = [
    "id",
    "kommunenummer",
    "adressenavn",
    "adressekode",
    "husnummer",
    "husbokstav",
    "postnummer",
    "poststed",
    "antall_bruksenheter",
]


def _address_columns(names: list[str], first_id: int = 1) -> dict[str, object]:
    n = len(names)
    letters = np.array(["A" if i % 2 else None for i in range(n)], dtype=object)
    return {
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "kommunenummer": "0301",
        "adressenavn": np.array(names, dtype=object),
        "adressekode": np.arange(1000, 1000 + n),
        "husnummer": np.full(n, 7),
        "husbokstav": letters,
        "postnummer": ["0150"] * n,
        "poststed": "OSLO",
        "antall_bruksenheter": 1,
    }


def _addresses(database: Database) -> list[tuple[object, ...]]:
    with database.read_session() as session:
        query = select(ADDRESSES.c.id, ADDRESSES.c.adressenavn, ADDRESSES.c.husbokstav)
        return [tuple(row) for row in session.execute(query.order_by(ADDRESSES.c.id))]


def _count(database: Database, table: object) -> int:
    with database.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_copy_text_escapes_and_nulls() -> None:
    body = format_copy_text(
        [np.array(["a\tb", None, "c\\d"], dtype=object), np.array([1, 2, 3]), "k"], 3
    )
    assert body == "a\\tb\t1\tk\n\\N\t2\tk\nc\\\\d\t3\tk\n"


def test_copy_text_dates_times_bools_and_masks() -> None:
    dates = np.array(["2024-02-29", "NaT"], dtype="datetime64[D]")
    instants = np.array(["2025-01-01T12:34:56", "NaT"], dtype="datetime64[s]")
    flags = np.array([True, False])
    masked = np.ma.MaskedArray([5, 6], mask=[False, True])
    body = format_copy_text([dates, instants, flags, masked], 2)
    assert body == "2024-02-29\t2025-01-01 12:34:56+00\tt\t5\n\\N\t\\N\tf\t\\N\n"


def test_constant_columns_in_the_middle_keep_their_place() -> None:
    assert format_copy_text(["x", np.array([1, 2])], 2) == "x\t1\nx\t2\n"


def test_round_trip_of_tricky_strings(database: Database) -> None:
    with BulkWriter(database) as writer:
        written = writer.write(ADDRESSES, ADDRESS_COLUMNS, _address_columns(TRICKY))
    assert written == len(TRICKY)
    rows = _addresses(database)
    assert [name for _id, name, _letter in rows] == TRICKY
    assert [letter for _id, _name, letter in rows] == [
        "A" if i % 2 else None for i in range(len(TRICKY))
    ]


def test_rows_iterable_and_types_round_trip(database: Database) -> None:
    stamp = dt.datetime(2024, 5, 17, 8, 30, 15, tzinfo=dt.UTC)
    rows = [
        ("01820012349", "AKTIV", True, stamp, "tab\tæ@example.com", None, "nb", stamp, stamp),
        ("01820012350", "AKTIV", False, None, None, "+4742000000", "nn", stamp, stamp),
    ]
    columns = [
        "personidentifikator",
        "status",
        "reservasjon",
        "reservasjonstidspunkt",
        "epostadresse",
        "mobiltelefonnummer",
        "spraak",
        "opprettet",
        "endret",
    ]
    with BulkWriter(database) as writer:
        writer.write(KRR, columns, rows)
    with Session(database.engine, expire_on_commit=False) as session:
        found = session.scalars(select(KontaktInfo).order_by(KontaktInfo.personidentifikator))
        people = list(found)
    assert [p.reservasjon for p in people] == [True, False]
    assert people[0].epostadresse == "tab\tæ@example.com"
    assert people[1].epostadresse is None
    assert people[1].reservasjonstidspunkt is None
    opprettet = people[0].opprettet
    assert opprettet.replace(tzinfo=None) == stamp.replace(tzinfo=None)


def test_numpy_dates_and_timestamps_round_trip(database: Database) -> None:
    n = 3
    birth = np.array(["1950-01-01", "2000-02-29", "2024-12-31"], dtype="datetime64[D]")
    stamps = np.array(["2025-01-01T00:00:00", "2025-01-01T23:59:59", "NaT"], dtype="datetime64[s]")
    columns = {
        "id": np.arange(1, n + 1),
        "ident": np.array(["01825012345", "29820012345", "31122412345"], dtype=object),
        "identifikatortype": "foedselsnummer",
        "status": "bosatt",
        "fornavn": np.array(["Åse", "Ola\\", "Kari\tAnne"], dtype=object),
        "etternavn": "Nordmann",
        "foedselsdato": birth,
        "foedeland": "NOR",
        "kjoenn": np.array(["kvinne", "mann", "kvinne"], dtype=object),
        "sivilstand": "ugift",
        "sivilstandsdato": np.array(["NaT", "2020-06-01", "NaT"], dtype="datetime64[D]"),
        "adressebeskyttelse": "ugradert",
        "statsborgerskap": "NOR",
        "opprettet": np.where(np.isnat(stamps), np.datetime64("2025-01-01T00:00:00"), stamps),
        "endret": np.where(np.isnat(stamps), np.datetime64("2025-01-01T00:00:00"), stamps),
        "flyttedato": np.array(["NaT", "NaT", "2024-12-31"], dtype="datetime64[D]"),
        "element_meta": None,
        "versjon": 1,
    }
    with BulkWriter(database) as writer:
        writer.write(PERSONS, list(columns), columns)
    with Session(database.engine) as session:
        people = list(session.scalars(select(Person).order_by(Person.id)))
        session.expunge_all()
    assert [p.foedselsdato for p in people] == [
        dt.date(1950, 1, 1),
        dt.date(2000, 2, 29),
        dt.date(2024, 12, 31),
    ]
    assert [p.fornavn for p in people] == ["Åse", "Ola\\", "Kari\tAnne"]
    assert people[0].sivilstandsdato is None
    assert people[1].sivilstandsdato == dt.date(2020, 6, 1)
    assert people[1].endret.replace(tzinfo=None) == dt.datetime(2025, 1, 1, 23, 59, 59)
    assert people[2].element_meta is None


def test_load_is_atomic(database: Database) -> None:
    class BoomError(Exception):
        pass

    before = _index_definitions(database, "adr_vegadresse") if database.is_postgresql else set()
    with pytest.raises(BoomError), BulkWriter(database, drop_indexes=True) as writer:
        writer.write(ADDRESSES, ADDRESS_COLUMNS, _address_columns(["Storgata"] * 3))
        writer.flush()  # the rows really reached the database before the failure
        raise BoomError
    assert _count(database, ADDRESSES) == 0
    if database.is_postgresql:
        # Indexes dropped inside the failed load are back: the DDL was rolled back too.
        assert len(before) >= 3
        assert _index_definitions(database, "adr_vegadresse") == before


def test_a_bad_row_fails_the_whole_load(database: Database) -> None:
    good = _address_columns(["Kirkeveien", "Skoleveien"])
    duplicate = _address_columns(["Kirkeveien"], first_id=1)  # same primary key
    with pytest.raises(Exception), BulkWriter(database) as writer:  # noqa: B017
        writer.write(ADDRESSES, ADDRESS_COLUMNS, good)
        writer.write(ADDRESSES, ADDRESS_COLUMNS, duplicate)
    assert _count(database, ADDRESSES) == 0


def _index_definitions(database: Database, table: str) -> set[str]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT indexdef FROM pg_indexes"
                " WHERE tablename = :t AND schemaname = current_schema()"
            ),
            {"t": table},
        )
        return {row[0] for row in rows}


def test_indexes_are_rebuilt_exactly_and_enforced(database: Database) -> None:
    if not database.is_postgresql:
        pytest.skip("indexes are dropped and rebuilt on PostgreSQL only")
    before = {t: _index_definitions(database, t) for t in ("adr_vegadresse", "frg_person")}
    with BulkWriter(database, drop_indexes=True) as writer:
        writer.write(ADDRESSES, ADDRESS_COLUMNS, _address_columns(["A-gata", "B-gata"]))
    after = {t: _index_definitions(database, t) for t in ("adr_vegadresse", "frg_person")}
    assert after == before
    # The unique index is checked when it is rebuilt: a duplicate address fails the load.
    clash = _address_columns(["A-gata"], first_id=10)
    clash["adressekode"] = np.array([1000])
    clash["husbokstav"] = np.array(["X"], dtype=object)
    twice = {
        k: (np.concatenate([v, v]) if isinstance(v, np.ndarray) else v) for k, v in clash.items()
    }
    twice["id"] = np.array([10, 11])
    with pytest.raises(Exception), BulkWriter(database, drop_indexes=True) as writer:  # noqa: B017
        writer.write(ADDRESSES, ADDRESS_COLUMNS, twice)
    assert _count(database, ADDRESSES) == 2
    assert _index_definitions(database, "adr_vegadresse") == before["adr_vegadresse"]


def test_sequence_moves_past_explicit_ids(database: Database) -> None:
    relation = {
        "id": np.array([41, 42]),
        "person_id": np.array([1, 2]),
        "relatert_person_id": np.array([2, 1]),
        "relatert_persons_rolle": "ektefelleEllerPartner",
        "min_rolle_for_person": "ektefelleEllerPartner",
        "gyldig_fra": np.array(["2020-01-01", "2020-01-01"], dtype="datetime64[D]"),
        "ajourholdstidspunkt": np.array(["2020-01-01T12:00:00"] * 2, dtype="datetime64[s]"),
        "opphoerstidspunkt": None,
    }
    with BulkWriter(database) as writer:
        writer.write(RELATIONS, list(relation), relation)
    with database.unit_of_work() as uow:
        added = Familierelasjon(
            person_id=3,
            relatert_person_id=4,
            relatert_persons_rolle="barn",
            min_rolle_for_person="mor",
            ajourholdstidspunkt=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
        uow.session.add(added)
        uow.session.flush()
        assert added.id == 43
        uow.commit()


def test_unknown_column_and_unequal_lengths_are_refused(database: Database) -> None:
    with BulkWriter(database) as writer:
        with pytest.raises(ValueError, match="no column"):
            writer.write(ADDRESSES, ["id", "nope"], {"id": [1], "nope": [2]})
        with pytest.raises(ValueError, match="different lengths"):
            writer.write(ADDRESSES, ["id", "husnummer"], {"id": [1, 2], "husnummer": [1]})


def test_measure_raw_copy(database: Database) -> None:
    if not database.is_postgresql:
        pytest.skip("the raw COPY yardstick is PostgreSQL only")
    with BulkWriter(database) as writer:
        writer.write(ADDRESSES, ADDRESS_COLUMNS, _address_columns(TRICKY))
    timing = measure_raw_copy(database, [ADDRESSES], scratch_schema="felles_test_rawcopy")
    assert timing.rows == {"adr_vegadresse": len(TRICKY)}
    assert timing.seconds > 0
    with database.engine.connect() as connection:
        left = connection.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = 'felles_test_rawcopy'")
        ).first()
    assert left is None


def test_planner_statistics_are_fresh_after_a_load(database: Database) -> None:
    """The loaded tables are analysed, so lookups are planned as index lookups at once."""
    names = [f"Gate {i}" for i in range(500)]
    with BulkWriter(database) as writer:
        writer.write(ADDRESSES, ADDRESS_COLUMNS, _address_columns(names))
    with database.read_session() as session:
        if database.is_postgresql:
            analysed = session.scalar(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"),
                {"t": ADDRESSES.name},
            )
            assert analysed is not None
        else:
            stats = session.execute(
                text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": ADDRESSES.name}
            ).all()
            assert stats
