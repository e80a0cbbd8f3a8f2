"""The 18-month rule behind varslingsstatus, at its edge, on the simulated clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.krr import operations, queries


def _status(database: Database, fnr: str, now: datetime) -> str:
    with database.read_session() as session:
        row = queries.get_registration(session, personidentifikator=fnr)
        return queries.varslingsstatus(row, now=now)


def _register(database: Database, fnr: str, **details: str) -> None:
    with database.unit_of_work() as uow:
        operations.register_contact(uow, personidentifikator=fnr, **details)
        uow.commit()


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 12, 1, 12, tzinfo=UTC), datetime(2025, 6, 1, 12, tzinfo=UTC)),
        (datetime(2026, 8, 31, tzinfo=UTC), datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2026, 2, 28, tzinfo=UTC), datetime(2024, 8, 28, tzinfo=UTC)),
        (datetime(2025, 6, 30, tzinfo=UTC), datetime(2023, 12, 30, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(instant: datetime, expected: datetime) -> None:
    assert queries.months_before(instant, 18) == expected


def test_the_18_month_edge(database: Database, clock: SimulatedClock, fnr: str) -> None:
    registered = clock.now()  # 2025-06-01 12:00 UTC
    _register(database, fnr, epostadresse="kari@example.no")
    edge = datetime(2026, 12, 1, 12, tzinfo=UTC)  # 18 calendar months later
    clock.set(edge - timedelta(seconds=1))
    assert _status(database, fnr, clock.now()) == "KAN_VARSLES"
    clock.set(edge)  # updated exactly 18 months ago: no longer "newer than 18 months"
    assert _status(database, fnr, clock.now()) == "KAN_IKKE_VARSLES"
    with database.unit_of_work() as uow:
        operations.verify_contact(uow, personidentifikator=fnr)
        uow.commit()
    assert _status(database, fnr, clock.now()) == "KAN_VARSLES"
    assert registered < clock.now()


def test_one_fresh_channel_is_enough(database: Database, clock: SimulatedClock, fnr: str) -> None:
    _register(database, fnr, epostadresse="kari@example.no")
    clock.advance(timedelta(days=365))
    _register(database, fnr, mobiltelefonnummer="41234567")
    clock.advance(timedelta(days=200))  # e-mail is 565 days old, the mobile number 200
    assert _status(database, fnr, clock.now()) == "KAN_VARSLES"
    with database.read_session() as session:
        row = queries.get_registration(session, personidentifikator=fnr)
        assert row is not None
        assert queries.fresh_channels(row, now=clock.now()) == (False, True)


def test_reserved_deleted_unknown_or_without_details_cannot_be_notified(
    database: Database, clock: SimulatedClock, fnr_factory: Callable[[], str]
) -> None:
    reserved, deleted, language_only, unknown = (fnr_factory() for _ in range(4))
    _register(database, reserved, epostadresse="a@example.no")
    _register(database, deleted, epostadresse="b@example.no")
    _register(database, language_only, spraak="se")
    with database.unit_of_work() as uow:
        operations.reserve(uow, personidentifikator=reserved)
        operations.delete_registration(uow, personidentifikator=deleted)
        uow.commit()
    for fnr in (reserved, deleted, language_only, unknown):
        assert _status(database, fnr, clock.now()) == "KAN_IKKE_VARSLES"
