"""Bulk documents: the same documents as single lookups, from as few queries as needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.document import ELEMENTS
from felles.registries.folkeregister.model import TidligereIdent
from tests.registries.folkeregister.conftest import FJORDVEIEN, HEMMELIGVEIEN, SOLBAKKEN, Register

FORMER = "41815049908"
UNKNOWN = "01815049914"
PARTS: list[Any] = [
    None,
    {"navn"},
    {"sivilstand"},
    {"familierelasjon", "foreldreansvar"},
    ["bostedsadresse", "adressebeskyttelse", "doedsfall", "status"],
]


def _population(frg: Register) -> list[str]:
    """Unchanged and changed people, a family, a divorce, a death and a protected address."""
    mor = frg.person(foedselsdato=date(1990, 4, 2), kjoenn="kvinne")
    far = frg.person(foedselsdato=date(1988, 7, 9), kjoenn="mann")
    frg.run(ops.register_marriage, ident_a=mor, ident_b=far, dato=date(2015, 6, 20))
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2020, 5, 20),
        kjoenn="mann",
        fornavn="Lars",
    ).ident
    frg.clock.advance(timedelta(hours=1))
    frg.run(ops.register_divorce, ident_a=mor, ident_b=far, dato=date(2025, 5, 1))
    new_partner = frg.person(foedselsdato=date(1985, 1, 1), kjoenn="mann")
    frg.run(ops.register_marriage, ident_a=mor, ident_b=new_partner, dato=date(2025, 5, 20))
    widow = frg.person(foedselsdato=date(1950, 2, 2), kjoenn="kvinne")
    late = frg.person(foedselsdato=date(1949, 3, 3), kjoenn="mann")
    frg.run(ops.register_marriage, ident_a=widow, ident_b=late, dato=date(1975, 1, 1))
    frg.run(ops.register_death, ident=late, doedsdato=date(2025, 5, 30))
    hidden = frg.person(adresse_id=FJORDVEIEN)
    frg.run(ops.set_address_protection, ident=hidden, gradering="fortrolig")
    frg.run(ops.register_move, ident=hidden, adresse_id=HEMMELIGVEIEN, flyttedato=date(2025, 5, 2))
    mover = frg.person()
    frg.run(ops.register_move, ident=mover, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 3))
    unchanged = [frg.person(foedselsdato=date(1970 + n, 1 + n, 1)) for n in range(5)]
    with frg.uow() as uow:
        person_id = queries.get_person_or_raise(uow.session, ident=mover).id
        uow.session.add(
            TidligereIdent(
                ident=FORMER,
                person_id=person_id,
                identifikatortype="dNummer",
                opphoerstidspunkt=frg.clock.now(),
            )
        )
        uow.commit()
    return [mor, far, child, new_partner, widow, late, hidden, mover, *unchanged]


@contextmanager
def _statements(frg: Register) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(frg.database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(frg.database.engine, "before_cursor_execute", record)


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def test_bulk_documents_are_the_single_documents(frg: Register) -> None:
    people = _population(frg)
    asked = [*people, FORMER, UNKNOWN, people[0]]
    for parts in PARTS:
        for entitled in (False, True):
            options: dict[str, Any] = {"parts": parts, "include_protected_address": entitled}
            with frg.database.read_session() as session:
                bulk = queries.get_documents(session, idents=asked, **options)
            assert list(bulk) == list(dict.fromkeys(asked))
            assert bulk[UNKNOWN] is None
            for ident in [*people, FORMER]:
                document = bulk[ident]
                assert document is not None
                assert document == frg.document(ident, **options)
                assert list(document) == [e for e in ELEMENTS if e in document]
            assert bulk[FORMER] == bulk[people[7]]


def test_no_two_versions_share_a_dict(frg: Register) -> None:
    people = _population(frg)
    with frg.database.read_session() as session:
        documents = queries.get_documents(session, idents=people)
    seen = [id(d) for document in documents.values() for d in _dicts(document)]
    assert len(seen) == len(set(seen))


def test_a_batch_of_unchanged_people_reads_no_history(frg: Register) -> None:
    unchanged = [frg.person(foedselsdato=date(1960 + n, 1, 1)) for n in range(10)]
    changed = frg.person()
    frg.run(ops.register_move, ident=changed, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 3))
    with frg.database.read_session() as session, _statements(frg) as lean:
        queries.get_documents(session, idents=unchanged)
    with frg.database.read_session() as session, _statements(frg) as full:
        documents = queries.get_documents(session, idents=[*unchanged, changed])
    assert not any("frg_historikk" in statement for statement in lean)
    assert sum("frg_historikk" in statement for statement in full) == 1
    assert len(full) == len(lean) + 1 <= 3
    assert [v["erGjeldende"] for v in documents[changed]["bostedsadresse"]] == [True, False]
    with frg.database.read_session() as session, _statements(frg) as navn_only:
        queries.get_documents(session, idents=[*unchanged, changed], parts={"navn"})
    assert not any("frg_familierelasjon" in statement for statement in navn_only)


def test_current_relations_come_first_then_ended_ones(frg: Register) -> None:
    people = _population(frg)
    mor, far, child, new_partner = people[:4]
    familierelasjon = frg.document(mor)["familierelasjon"]
    assert [(r["relatertPerson"], r["erGjeldende"]) for r in familierelasjon] == [
        (child, True),
        (new_partner, True),
        (far, False),
    ]
    (sivilstand, *earlier) = frg.document(mor)["sivilstand"]
    assert sivilstand["relatertVedSivilstand"] == new_partner
    assert [s["sivilstand"] for s in earlier] == ["skilt", "gift", "ugift"]
