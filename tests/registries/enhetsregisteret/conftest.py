"""Fixtures for Enhetsregisteret's tests: people in Folkeregisteret and a register helper.

People are inserted as initial-load rows of Folkeregisteret (no events), as the population
generator does; Enhetsregisteret reads them only through Folkeregisteret's queries.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, text

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.kernel.ids import next_synthetic_fnr
from felles.registries.enhetsregisteret import events
from felles.registries.enhetsregisteret.model import Enhet, Oppdatering, Rolle
from felles.registries.folkeregister.model import Person
from tests.commands import Commands

T = TypeVar("T")
_days = itertools.count()


@dataclass(frozen=True)
class Snapshot:
    units: int
    roles: int
    feed: int
    outbox: int
    versions: int


@dataclass
class Register(Commands):
    """Helpers around one test database."""

    database: Database
    clock: SimulatedClock

    def person(self, *, doed: bool = False, fornavn: str = "Kari", **values: Any) -> str:
        """Insert a Folkeregisteret person (initial load, no events); returns the fnr."""
        foedselsdato = date(1970, 1, 1).fromordinal(date(1970, 1, 1).toordinal() + next(_days))
        ident = next_synthetic_fnr(foedselsdato, "kvinne", set())
        row: dict[str, Any] = {
            "ident": ident,
            "identifikatortype": "foedselsnummer",
            "status": "doed" if doed else "bosatt",
            "fornavn": fornavn,
            "etternavn": "Nordmann",
            "foedselsdato": foedselsdato,
            "foedeland": "NOR",
            "kjoenn": "kvinne",
            "sivilstand": "ugift",
            "adressebeskyttelse": "ugradert",
            "statsborgerskap": "NOR",
            "doedsdato": date(2024, 1, 1) if doed else None,
            "opprettet": datetime(2020, 1, 1, tzinfo=UTC),
            "endret": datetime(2020, 1, 1, tzinfo=UTC),
        } | values
        with self.database.unit_of_work() as uow:
            uow.session.add(Person(**row))
            uow.commit()
        return ident

    def orgnr(self, command: Callable[..., Enhet], **kwargs: Any) -> str:
        """Run a registering command and return the new unit's number."""
        return self.run(command, **kwargs).organisasjonsnummer

    def snapshot(self) -> Snapshot:
        with self.database.read_session() as session:

            def count(model: Any) -> int:
                return session.scalar(select(func.count()).select_from(model)) or 0

            versions = session.scalar(select(func.coalesce(func.sum(Enhet.versjon), 0)))
            return Snapshot(
                units=count(Enhet),
                roles=count(Rolle),
                feed=count(Oppdatering),
                outbox=count(OutboxRow),
                versions=int(versions or 0),
            )

    def events(self) -> list[dict[str, Any]]:
        """Every Enhetsregisteret event's type name and data, in order."""
        with self.database.read_session() as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.source == events.SOURCE).order_by(OutboxRow.seq)
            ).all()
            return [{"type": row.type.removeprefix(events.TYPE_PREFIX), **row.data} for row in rows]

    def unit(self, orgnr: str) -> Enhet:
        with self.database.read_session() as session:
            unit = session.scalar(select(Enhet).where(Enhet.organisasjonsnummer == orgnr))
            assert unit is not None
            session.expunge(unit)
            return unit


def empty_register(database: Database) -> None:
    """Delete every Enhetsregisteret and Folkeregisteret row and event (property tests)."""
    tables = ("enh_rolle", "enh_oppdatering", "enh_enhet", "frg_person", "kernel_outbox")
    with database.engine.begin() as connection:
        if database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Sub-units point at their main entity: delete them first.
            connection.execute(text("DELETE FROM enh_rolle"))
            connection.execute(text("DELETE FROM enh_enhet WHERE er_underenhet"))
            for table in tables[1:]:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    return Register(database, clock)
