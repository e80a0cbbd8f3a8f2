"""The access log's reading queries: a person's entries, in the API's order and in Min side's."""

from __future__ import annotations

from felles.access.log.operations import append
from felles.access.log.queries import entries_about
from felles.kernel.db import Database
from tests.access.log.conftest import ANNE, BJOERN, at, entry


def test_a_persons_entries_page_oldest_or_newest_first(database: Database) -> None:
    with database.unit_of_work() as uow:
        # Two entries at the same instant: the sequence number breaks the tie.
        append(uow, [entry(tidspunkt=at(9), foresporsel_id="a"), entry(BJOERN, tidspunkt=at(9))])
        append(uow, [entry(tidspunkt=at(11), foresporsel_id="c")])
        append(uow, [entry(tidspunkt=at(9), foresporsel_id="b")])
        uow.commit()
    with database.read_session() as session:
        oldest = entries_about(session, subjekt=ANNE)
        newest = entries_about(session, subjekt=ANNE, newest_first=True)
        second_page = entries_about(session, subjekt=ANNE, newest_first=True, page=1, size=2)
    assert [e.foresporsel_id for e in oldest.entries] == ["a", "b", "c"]
    assert [e.foresporsel_id for e in newest.entries] == ["c", "b", "a"]
    assert [e.foresporsel_id for e in second_page.entries] == ["a"]
    assert oldest.total == newest.total == second_page.total == 3
