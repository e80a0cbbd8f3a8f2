"""Fixtures for Folkeregisteret's tests: a few street addresses and a register helper.

Addresses are rows of the address register's table, seeded directly: these tests are about
Folkeregisteret, and the address block has its own tests. People of the "initial load" are
inserted as rows (no events, no element_meta), as the population generator does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, text

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import OutboxRow
from felles.kernel.ids import next_synthetic_fnr
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.model import Familierelasjon, Historikk, Person
from tests.commands import Commands

T = TypeVar("T")

# adresse_id → (kommunenummer, adressenavn, adressekode, husnummer, husbokstav, postnr, poststed)
ADDRESSES: dict[int, tuple[str, str, int, int, str | None, str, str]] = {
    300000001: ("0301", "Storgata", 1234, 1, "A", "0155", "OSLO"),
    300000002: ("4601", "Fjordveien", 2345, 12, None, "5003", "BERGEN"),
    300000003: ("5001", "Hemmeligveien", 3456, 7, None, "7011", "TRONDHEIM"),
    300000004: ("5501", "Solbakken", 4567, 3, "B", "9008", "TROMSØ"),
}
STORGATA, FJORDVEIEN, HEMMELIGVEIEN, SOLBAKKEN = ADDRESSES
SECRET_STREET = "Hemmeligveien"
TABLES = (
    "frg_familierelasjon",
    "frg_historikk",
    "frg_tidligere_ident",
    "frg_person",
    "kernel_outbox",
)


def seed_addresses(database: Database) -> None:
    """Insert the test addresses (idempotent)."""
    with database.unit_of_work() as uow:
        for adresse_id, values in ADDRESSES.items():
            if uow.session.get(Vegadresse, adresse_id) is not None:
                continue
            kommune, navn, kode, nummer, bokstav, postnr, poststed = values
            uow.session.add(
                Vegadresse(
                    id=adresse_id,
                    kommunenummer=kommune,
                    adressenavn=navn,
                    adressekode=kode,
                    husnummer=nummer,
                    husbokstav=bokstav,
                    postnummer=postnr,
                    poststed=poststed,
                    antall_bruksenheter=4,
                )
            )
        uow.commit()


def empty_register(database: Database) -> None:
    """Delete every Folkeregisteret row and outbox event (the property tests reuse a db)."""
    with database.engine.begin() as connection:
        if database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
        else:
            for table in TABLES:
                connection.execute(text(f"DELETE FROM {table}"))


@dataclass(frozen=True)
class Snapshot:
    """Counts that any write would change."""

    persons: int
    relations: int
    history: int
    outbox: int
    versions: int


@dataclass
class Register(Commands):
    """Helpers around one test database."""

    database: Database
    clock: SimulatedClock

    def person(
        self,
        *,
        foedselsdato: date = date(1985, 3, 14),
        kjoenn: str = "kvinne",
        adresse_id: int | None = STORGATA,
        bruksenhetsnummer: str | None = "H0101",
        **values: Any,
    ) -> str:
        """Insert an initial-load person (no events); returns the ident."""
        with self.database.unit_of_work() as uow:
            used = queries.used_idents_for_date(uow.session, birth_date=foedselsdato)
            ident = next_synthetic_fnr(foedselsdato, kjoenn, used)
            row: dict[str, Any] = {
                "ident": ident,
                "identifikatortype": "foedselsnummer",
                "status": "bosatt",
                "fornavn": "Kari" if kjoenn == "kvinne" else "Ola",
                "etternavn": "Nordmann",
                "foedselsdato": foedselsdato,
                "foedeland": "NOR",
                "kjoenn": kjoenn,
                "sivilstand": "ugift",
                "adressebeskyttelse": "ugradert",
                "statsborgerskap": "NOR",
                "opprettet": datetime(2020, 1, 1, tzinfo=UTC),
                "endret": datetime(2020, 1, 1, tzinfo=UTC),
            }
            if adresse_id is not None:
                row |= _address_row(adresse_id, bruksenhetsnummer)
            row |= values
            uow.session.add(Person(**row))
            uow.commit()
        return ident

    def snapshot(self) -> Snapshot:
        with self.database.read_session() as session:

            def count(model: Any) -> int:
                return session.scalar(select(func.count()).select_from(model)) or 0

            versions = session.scalar(select(func.coalesce(func.sum(Person.versjon), 0)))
            return Snapshot(
                persons=count(Person),
                relations=count(Familierelasjon),
                history=count(Historikk),
                outbox=count(OutboxRow),
                versions=int(versions or 0),
            )

    def outbox(self) -> int:
        return self.snapshot().outbox

    def get(self, ident: str) -> Person:
        with self.database.read_session() as session:
            person = queries.get_person_or_raise(session, ident=ident)
            session.expunge(person)  # keep its loaded values after the session ends
            return person

    def document(self, ident: str, **kwargs: Any) -> dict[str, Any]:
        with self.database.read_session() as session:
            return queries.get_document(session, ident=ident, **kwargs)

    def event_types(self) -> list[str]:
        with self.database.read_session() as session:
            return [e["hendelse"]["hendelsetype"] for e in queries.feed(session, seq=1)]

    def uow(self) -> UnitOfWork:
        return self.database.unit_of_work()


def _address_row(adresse_id: int, bruksenhetsnummer: str | None) -> dict[str, Any]:
    kommune, navn, kode, nummer, bokstav, postnr, poststed = ADDRESSES[adresse_id]
    return {
        "adresse_id": adresse_id,
        "kommunenummer": kommune,
        "adressenavn": navn,
        "adressekode": kode,
        "husnummer": nummer,
        "husbokstav": bokstav,
        "bruksenhetsnummer": bruksenhetsnummer,
        "postnummer": postnr,
        "poststed": poststed,
        "flyttedato": date(2020, 1, 1),
    }


@pytest.fixture
def frg(database: Database, clock: SimulatedClock) -> Register:
    """The register on an empty database with the test addresses, at 2025-06-01."""
    seed_addresses(database)
    return Register(database, clock)
