"""A unit of work whose first write is in a savepoint still commits all or nothing.

On SQLite the sqlite3 module opens a transaction only before INSERT/UPDATE/DELETE, so a
SAVEPOINT as the first statement ran outside one and its RELEASE committed at once; a worker
killed later in the unit then left that part committed (found by the bus's crash test).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from felles.kernel.bus import BusCursor
from felles.kernel.db import Database


def test_a_released_savepoint_is_undone_with_its_unit_of_work(database: Database) -> None:
    with database.unit_of_work() as uow:
        with uow.savepoint():
            uow.session.add(BusCursor(name="spor", last_seq=1, updated_at=datetime.now(UTC)))
            uow.session.flush()
        uow.rollback()  # the unit ends without commit, as a killed worker's would
    with database.read_session() as session:
        assert session.scalar(select(BusCursor).where(BusCursor.name == "spor")) is None


def test_a_unit_of_work_with_savepoints_commits_them_together(database: Database) -> None:
    with database.unit_of_work() as uow:
        for n in range(3):
            with uow.savepoint():
                uow.session.add(
                    BusCursor(name=f"spor-{n}", last_seq=n, updated_at=datetime.now(UTC))
                )
                uow.session.flush()
        uow.commit()
    with database.read_session() as session:
        names = set(session.scalars(select(BusCursor.name)))
    assert {"spor-0", "spor-1", "spor-2"} <= names
