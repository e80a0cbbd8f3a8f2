"""Fixtures for A-ordningen's tests: people, employers, and a register helper.

People are initial-load rows of Folkeregisteret (its tests' helper, no events); employers are
registered through Enhetsregisteret's operations (``register_enhet``, ``register_underenhet``),
so every test runs against the registers A-ordningen really reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, text

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, StoredEvent, read_events
from felles.models import metadata
from felles.registries.aordningen import events
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)
from felles.registries.enhetsregisteret.operations import register_enhet, register_underenhet
from tests.commands import Commands
from tests.registries.folkeregister.conftest import Register, seed_addresses

T = TypeVar("T")

_PREFIXES = ("aord_", "enh_", "frg_", "kernel_outbox")


def empty_registers(database: Database) -> None:
    """Delete the rows of the registers these tests touch (property tests reuse a database)."""
    tables = [t.name for t in reversed(metadata.sorted_tables) if t.name.startswith(_PREFIXES)]
    with database.engine.begin() as connection:
        if database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@dataclass(frozen=True)
class Snapshot:
    """Counts that any write of A-ordningen would change."""

    arbeidsforhold: int
    detaljer: int
    meldinger: int
    linjer: int
    versjoner: int
    erstattet: int
    outbox: int


@dataclass(frozen=True)
class Employer:
    opplysningspliktig: str
    arbeidssted: str
    other_arbeidssted: str


@dataclass
class Aordningen(Commands):
    """Helpers around one test database at the simulated clock (2025-06-01)."""

    database: Database
    clock: SimulatedClock
    frg: Register = field(init=False)

    def __post_init__(self) -> None:
        self.frg = Register(self.database, self.clock)

    def person(self, **values: Any) -> str:
        """A living resident (born 1985-03-14 unless said); returns the fødselsnummer."""
        return self.frg.person(**values)

    def employer(self, navn: str = "Eksempel") -> Employer:
        """An AS with two sub-units, registered through Enhetsregisteret's operations."""
        with self.database.unit_of_work() as uow:
            enhet = register_enhet(
                uow,
                navn=f"{navn} AS",
                organisasjonsform="AS",
                naeringskode="62.010",
                kommunenummer="0301",
                stiftelsesdato=date(2000, 1, 1),
            )
            units = [
                register_underenhet(
                    uow,
                    overordnet=enhet.organisasjonsnummer,
                    navn=f"{navn} AS avd. {number}",
                    naeringskode="62.010",
                    kommunenummer="0301",
                    oppstartsdato=date(2000, 1, 1),
                )
                for number in (1, 2)
            ]
            uow.commit()
            return Employer(
                enhet.organisasjonsnummer,
                units[0].organisasjonsnummer,
                units[1].organisasjonsnummer,
            )

    def snapshot(self) -> Snapshot:
        with self.database.read_session() as session:

            def count(model: Any, *where: Any) -> int:
                query = select(func.count()).select_from(model)
                return session.scalar(query.where(*where) if where else query) or 0

            versions = session.scalar(select(func.coalesce(func.sum(Arbeidsforhold.versjon), 0)))
            return Snapshot(
                arbeidsforhold=count(Arbeidsforhold),
                detaljer=count(Ansettelsesdetaljer),
                meldinger=count(AMelding),
                linjer=count(Inntekt),
                versjoner=int(versions or 0),
                erstattet=count(AMelding, AMelding.erstattet.is_not(None)),
                outbox=count(OutboxRow),
            )

    def events(self) -> list[StoredEvent]:
        """A-ordningen's events in order."""
        with self.database.read_session() as session:
            return read_events(session, source=events.SOURCE, limit=100_000)

    def event_types(self) -> list[str]:
        return [stored.event.type for stored in self.events()]


@pytest.fixture
def aord(database: Database, clock: SimulatedClock) -> Aordningen:
    """The registers on an empty database at 2025-06-01, with Folkeregisteret's addresses."""
    seed_addresses(database)
    return Aordningen(database, clock)
