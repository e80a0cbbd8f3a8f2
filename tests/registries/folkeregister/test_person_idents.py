"""Reads for the data distributor: every number of many people, and current-only documents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event

from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.model import TidligereIdent
from tests.registries.folkeregister.conftest import SOLBAKKEN, Register

FORMER = "41815049908"
OLDER = "42815010021"
UNKNOWN = "01815049914"


@contextmanager
def _statements(frg: Register) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(frg.database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(frg.database.engine, "before_cursor_execute", record)


def _former(frg: Register, ident: str, *formers: str) -> None:
    with frg.uow() as uow:
        person_id = queries.get_person_or_raise(uow.session, ident=ident).id
        for former in formers:
            uow.session.add(
                TidligereIdent(
                    ident=former,
                    person_id=person_id,
                    identifikatortype="dNummer",
                    opphoerstidspunkt=frg.clock.now(),
                )
            )
        uow.commit()


def test_person_idents_gives_every_number_of_each_person_in_one_statement(
    frg: Register,
) -> None:
    renumbered, plain, other = frg.person(), frg.person(), frg.person()
    _former(frg, renumbered, OLDER, FORMER)
    with frg.database.read_session() as session, _statements(frg) as seen:
        found = queries.person_idents(
            session, idents=[renumbered, FORMER, plain, UNKNOWN, OLDER, plain]
        )
    assert len(seen) == 1
    every = (renumbered, FORMER, OLDER)
    assert found == {renumbered: every, FORMER: every, OLDER: every, plain: (plain,)}
    assert other not in found
    with frg.database.read_session() as session, _statements(frg) as seen:
        assert queries.person_idents(session, idents=[]) == {}
        assert queries.person_idents(session, idents=[UNKNOWN]) == {}
    assert len(seen) == 1


def test_documents_without_history_are_the_current_versions(frg: Register) -> None:
    mover = frg.person()
    frg.run(ops.register_move, ident=mover, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 3))
    with frg.database.read_session() as session, _statements(frg) as lean:
        current = queries.get_documents(session, idents=[mover], history=False)[mover]
    with frg.database.read_session() as session, _statements(frg) as full:
        document = queries.get_documents(session, idents=[mover])[mover]
    assert current is not None and document is not None
    assert not any("frg_historikk" in statement for statement in lean)
    assert len(lean) == len(full) - 1
    assert [v["erGjeldende"] for v in document["bostedsadresse"]] == [True, False]
    assert current["bostedsadresse"] == document["bostedsadresse"][:1]
    assert current == {
        element: [v for v in versions if v["erGjeldende"]]
        if isinstance(versions, list) and element != "familierelasjon"
        else versions
        for element, versions in document.items()
    }


def test_documents_work_out_foreldreansvar_on_the_day_given(frg: Register) -> None:
    mor = frg.person(foedselsdato=date(1990, 4, 2), kjoenn="kvinne")
    child = frg.run(
        ops.register_birth, mor=mor, foedselsdato=date(2020, 5, 20), kjoenn="mann", fornavn="Lars"
    ).ident
    with frg.database.read_session() as session:
        today = queries.get_documents(session, idents=[child], parts={"foreldreansvar"})
        adult = queries.get_documents(
            session, idents=[child], parts={"foreldreansvar"}, today=date(2038, 5, 20)
        )
    assert [a["ansvarlig"] for a in today[child]["foreldreansvar"]] == [mor]  # type: ignore[index]
    assert adult[child]["foreldreansvar"] == []  # type: ignore[index]
