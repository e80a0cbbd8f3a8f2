"""Helpers for the KRR tests: fresh synthetic identifiers and outbox counts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.kernel.ids import next_synthetic_fnr
from felles.registries.krr.model import KontaktInfo

_days = itertools.count()
_used: set[str] = set()


def new_fnr() -> str:
    """A synthetic fødselsnummer not handed out before in this test session."""
    birth_date = dt.date(1970, 1, 1) + dt.timedelta(days=next(_days) % 20_000)
    number = next_synthetic_fnr(birth_date, "kvinne", _used)
    _used.add(number)
    return number


def outbox_count(database: Database, *, subject: str | None = None) -> int:
    query = select(func.count()).select_from(OutboxRow)
    if subject is not None:
        query = query.where(OutboxRow.subject == subject)
    with database.read_session() as session:
        return session.scalar(query) or 0


def registration_count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(KontaktInfo)) or 0


@pytest.fixture
def fnr() -> str:
    return new_fnr()


@pytest.fixture
def fnr_factory() -> Callable[[], str]:
    return new_fnr
