"""Reads for many owners at once (the data distributor): the shares each holds now."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from felles.registries.eiendom import queries
from tests.registries.eiendom.conftest import Register


@contextmanager
def _statements(eie: Register) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(eie.database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(eie.database.engine, "before_cursor_execute", record)


def test_owned_by_many_is_owned_by_for_each_owner_in_one_statement(eie: Register) -> None:
    kari, ola, per = eie.person(), eie.person(kjoenn="mann"), eie.person()
    orgnr = eie.entity()
    eie.owned("0301-1/1", (kari, "1/2"), (ola, "1/2"))
    eie.owned("0301-1/2", (kari, "1/3"), (orgnr, "2/3"))
    eie.owned("0301-1/3", (ola, "1"))
    eie.transfer("0301-1/3", fra=[(ola, None)], til=[(kari, "1")])  # ola's share has ended
    owners = [kari, ola, per, orgnr]
    with eie.database.read_session() as session, _statements(eie) as seen:
        found = queries.owned_by_many(session, idents=[*owners, kari])
    assert len(seen) == 1
    with eie.database.read_session() as session:
        one_by_one = {ident: queries.owned_by(session, ident=ident) for ident in owners}
        assert queries.owned_by_many(session, idents=[]) == {}
    assert found == {ident: shares for ident, shares in one_by_one.items() if shares}
    assert per not in found
    assert [str(s.andel) for s in found[kari]] == ["1/2", "1/3", "1"]
    assert [str(s.andel) for s in found[ola]] == ["1/2"]
