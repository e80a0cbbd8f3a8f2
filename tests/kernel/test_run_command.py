"""run_command: a command that loses a race is run again, then refused as a Conflict."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from felles.kernel.db import COMMAND_RETRIES, Database, UnitOfWork, run_command
from felles.kernel.errors import Conflict


def _losing(times: int) -> tuple[list[int], object]:
    tries: list[int] = []

    def command(uow: UnitOfWork) -> int:
        tries.append(1)
        if len(tries) <= times:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return len(tries)

    return tries, command


def test_a_lost_race_is_run_again(database: Database) -> None:
    tries, command = _losing(COMMAND_RETRIES - 1)
    answer = run_command(database, command, lambda _session, result: result * 10)  # type: ignore[arg-type]
    assert answer == COMMAND_RETRIES * 10
    assert len(tries) == COMMAND_RETRIES


def test_always_losing_is_a_conflict(database: Database) -> None:
    tries, command = _losing(COMMAND_RETRIES)
    with pytest.raises(Conflict):
        run_command(database, command, lambda _session, result: result)  # type: ignore[arg-type]
    assert len(tries) == COMMAND_RETRIES
