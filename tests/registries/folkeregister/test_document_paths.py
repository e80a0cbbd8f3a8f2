"""The read paths of person documents give the same bytes.

PostgreSQL has a path of its own (instants formatted by PostgreSQL, psycopg directly, relations
streamed while documents are built); SQLite, and PostgreSQL with the path turned off, take the
generic one. Documents must not tell them apart, down to the order of keys.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import literal, select

from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.document import RelationRow, date_instant, iso_instant
from felles.registries.folkeregister.model import Familierelasjon
from tests.registries.folkeregister.conftest import SOLBAKKEN, Register
from tests.registries.folkeregister.test_documents_bulk import FORMER, PARTS, UNKNOWN, _population


def _more_people(frg: Register) -> list[str]:
    """Instants with microseconds, a relation from an unknown day, a move while protected."""
    frg.clock.advance(timedelta(microseconds=120))
    early = frg.person(
        foedselsdato=date(2012, 2, 29),
        opprettet=datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    )
    late = frg.person(foedselsdato=date(1980, 2, 29))
    frg.run(ops.register_move, ident=early, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 9))
    frg.run(ops.set_address_protection, ident=late, gradering="strengtFortrolig")
    frg.clock.advance(timedelta(seconds=1, microseconds=1))
    frg.run(ops.register_move, ident=late, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 10))
    with frg.uow() as uow:
        child = queries.get_person_or_raise(uow.session, ident=early)
        parent = queries.get_person_or_raise(uow.session, ident=late)
        when = datetime(2001, 1, 1, 0, 0, 0, 500, tzinfo=UTC)
        for person_id, related, rolle, min_rolle in (
            (child.id, parent.id, "far", "barn"),
            (parent.id, child.id, "barn", "far"),
        ):
            uow.session.add(
                Familierelasjon(
                    person_id=person_id,
                    relatert_person_id=related,
                    relatert_persons_rolle=rolle,
                    min_rolle_for_person=min_rolle,
                    gyldig_fra=None,
                    ajourholdstidspunkt=when,
                )
            )
        uow.commit()
    return [early, late]


def _asked(frg: Register) -> list[str]:
    people = [*_population(frg), *_more_people(frg)]
    return [*people, FORMER, UNKNOWN, people[0]]


def _documents(frg: Register, asked: list[str], **options: Any) -> bytes:
    """Every document for ``asked`` (bulk, then one by one) as JSON bytes."""
    with frg.database.read_session() as session:
        bulk = queries.get_documents(session, idents=asked, **options)
        single = [
            queries.get_document(session, ident=ident, **options) if bulk[ident] else None
            for ident in asked
        ]
    return orjson.dumps([bulk, single])


def test_the_postgresql_path_gives_the_generic_documents(
    frg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not frg.database.is_postgresql:
        pytest.skip("the PostgreSQL path is PostgreSQL's; SQLite always takes the generic one")
    asked = _asked(frg)
    for parts in PARTS:
        for entitled in (False, True):
            options = {"parts": parts, "include_protected_address": entitled}
            fast = _documents(frg, asked, **options)
            with monkeypatch.context() as patch:
                patch.setattr(queries, "_STREAM_CHUNK", 2)  # runs across many chunks
                assert _documents(frg, asked, **options) == fast
            with monkeypatch.context() as patch:
                patch.setattr(queries, "_CHUNKED_ROWS_LIBPQ", 10**9)  # a libpq before 17
                assert _documents(frg, asked, **options) == fast
            with monkeypatch.context() as patch:
                patch.setattr(queries, "POSTGRESQL_FAST_PATH", False)
                assert _documents(frg, asked, **options) == fast


def test_documents_do_not_depend_on_the_sessions_time_zone(frg: Register) -> None:
    if not frg.database.is_postgresql:
        pytest.skip("SQLite has no session time zone")
    asked = _asked(frg)
    documents = []
    for zone in ("UTC", "America/St_Johns"):
        with frg.database.read_session() as session:
            session.connection().exec_driver_sql(f"SET TIME ZONE '{zone}'")
            documents.append(orjson.dumps(queries.get_documents(session, idents=asked)))
    assert documents[0] == documents[1]


def _scrambled(runs: Iterator[tuple[int, list[RelationRow]]]) -> Iterator[tuple[int, list[Any]]]:
    """The same rows, a run per row, in reverse order of person and shuffled within."""
    rows = [row for _, run in runs for row in run]
    random.Random(7).shuffle(rows)
    for row in sorted(rows, key=lambda row: -row.person_id):
        yield row.person_id, [row]


def test_documents_do_not_depend_on_the_order_relations_arrive_in(
    frg: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _asked(frg)
    expected = _documents(frg, asked)
    runs = queries._relation_runs
    monkeypatch.setattr(queries, "_relation_runs", lambda *args: _scrambled(runs(*args)))
    assert _documents(frg, asked) == expected


def test_identifiers_of_any_shape_find_nobody_and_break_nothing(frg: Register) -> None:
    someone = frg.person()
    odd = ['a"b', "c\\d", "{e}", "f,g", "NULL", " ", "", "'; --", "æøå"]
    with frg.database.read_session() as session:
        documents = queries.get_documents(session, idents=[*odd, someone])
    assert [documents[ident] for ident in odd] == [None] * len(odd)
    assert documents[someone] is not None


INSTANTS = [
    datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
    datetime(2025, 6, 1, 12, 0, 0, 1, tzinfo=UTC),
    datetime(2025, 3, 30, 1, 30, 59, 999999, tzinfo=UTC),
    datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(986, 7, 4, 5, 6, 7, 80, tzinfo=UTC),
]
DAYS = [date(2025, 6, 1), date(1900, 2, 28), date(986, 7, 4), date(2000, 2, 29)]


def test_postgresql_formats_instants_and_days_as_python_does(frg: Register) -> None:
    if not frg.database.is_postgresql:
        pytest.skip("SQLite's instants are formatted by Python")
    with frg.database.read_session() as session:
        for instant in INSTANTS:
            formatted = session.scalar(select(queries._sql_iso_instant(literal(instant))))
            assert formatted == iso_instant(instant)
        for day in DAYS:
            assert session.scalar(select(queries._sql_date_instant(literal(day)))) == (
                date_instant(day)
            )
