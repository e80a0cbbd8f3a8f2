"""Fixtures for Skatteetaten's tests: people, employers, pay, and a register helper.

People are initial-load rows of Folkeregisteret (its tests' helper, no events); employers are
registered through Enhetsregisteret's operations and pay through A-ordningen's (A-ordningen's
tests' helper), so every test runs against the registers Skatteetaten really reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, StoredEvent, read_events
from felles.registries.aordningen import operations as aordningen
from felles.registries.skatt import events
from felles.registries.skatt.model import Restanse, Skatteoppgjoer, SkatteoppgjoerHistorikk
from tests.commands import Commands
from tests.registries.aordningen.conftest import Aordningen, Employer
from tests.registries.folkeregister.conftest import seed_addresses

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """Counts that any write of Skatteetaten would change."""

    oppgjoer: int
    historikk: int
    versjoner: int
    restanser: int
    betalt: int
    outbox: int


@dataclass
class Skatt(Commands):
    """Helpers around one test database at the simulated clock (2025-06-01)."""

    database: Database
    clock: SimulatedClock
    aord: Aordningen = field(init=False)

    def __post_init__(self) -> None:
        self.aord = Aordningen(self.database, self.clock)

    def person(self, **values: Any) -> str:
        """A living resident (born 1985-03-14 unless said); returns the fødselsnummer."""
        return self.aord.person(**values)

    def employer(self, navn: str = "Eksempel") -> Employer:
        return self.aord.employer(navn)

    def pay(self, person: str, employer: Employer, months: dict[str, int]) -> None:
        """Employ the person from 2022 and report ``fastloenn`` for each month given."""
        self.aord.run(
            aordningen.start_employment,
            arbeidstaker=person,
            opplysningspliktig=employer.opplysningspliktig,
            arbeidssted=employer.arbeidssted,
            startdato=date(2022, 1, 1),
            stillingsprosent=100,
            yrke="2512",
        )
        for month, beloep in months.items():
            self.aord.run(
                aordningen.report_month,
                opplysningspliktig=employer.opplysningspliktig,
                kalendermaaned=month,
                inntektsmottakere=[
                    aordningen.PayReport(
                        person, employer.arbeidssted, {"fastloenn": beloep}, beloep // 3
                    )
                ],
            )

    def snapshot(self) -> Snapshot:
        with self.database.read_session() as session:

            def count(model: Any, *where: Any) -> int:
                query = select(func.count()).select_from(model)
                return session.scalar(query.where(*where) if where else query) or 0

            versions = session.scalar(select(func.coalesce(func.sum(Skatteoppgjoer.versjon), 0)))
            return Snapshot(
                oppgjoer=count(Skatteoppgjoer),
                historikk=count(SkatteoppgjoerHistorikk),
                versjoner=int(versions or 0),
                restanser=count(Restanse),
                betalt=count(Restanse, Restanse.betalt_dato.is_not(None)),
                outbox=count(OutboxRow),
            )

    def events(self) -> list[StoredEvent]:
        """Skatteetaten's events in order."""
        with self.database.read_session() as session:
            return read_events(session, source=events.SOURCE, limit=100_000)

    def event_types(self) -> list[str]:
        return [stored.event.type for stored in self.events()]


@pytest.fixture
def skatt(database: Database, clock: SimulatedClock) -> Skatt:
    """The registers on an empty database at 2025-06-01, with Folkeregisteret's addresses."""
    seed_addresses(database)
    return Skatt(database, clock)
