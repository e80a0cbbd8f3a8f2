"""Fixtures for the property registry's tests: addresses, people and a register helper.

Addresses are registered through the address register's operations; people of the "initial
load" are inserted as Folkeregisteret rows (no events), as the population generator does,
and die through Folkeregisteret's own operation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select, text

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow, StoredEvent, read_events
from felles.kernel.ids import next_synthetic_fnr
from felles.registries.adresser import operations as adresser
from felles.registries.eiendom import events, operations, queries
from felles.registries.eiendom.model import Adressekobling, Dokument, Hjemmel, Matrikkelenhet
from felles.registries.eiendom.values import Matrikkelnummer
from felles.registries.enhetsregisteret import operations as enhetsregisteret
from felles.registries.folkeregister import operations as folkeregister
from felles.registries.folkeregister.model import Person
from tests.commands import Commands

T = TypeVar("T")

OSLO, BERGEN = "0301", "4601"
TABLES = ("eie_hjemmel", "eie_dokument", "eie_adresse", "eie_matrikkelenhet", "kernel_outbox")


def mnr(text_: str) -> Matrikkelnummer:
    """A matrikkelnummer from its text, e.g. ``mnr("0301-1/2")``."""
    return Matrikkelnummer.parse(text_)


def share(value: str) -> Fraction:
    return Fraction(value)


@dataclass(frozen=True)
class Snapshot:
    """Every row of the registry's tables, and the number of events."""

    units: tuple[tuple[Any, ...], ...]
    links: tuple[tuple[Any, ...], ...]
    documents: tuple[tuple[Any, ...], ...]
    shares: tuple[tuple[Any, ...], ...]
    outbox: int


def _rows(session: Any, model: Any) -> tuple[tuple[Any, ...], ...]:
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    return tuple(tuple(row) for row in session.execute(select(table).order_by(key)))


@dataclass
class Register(Commands):
    """Helpers around one test database."""

    database: Database
    clock: SimulatedClock
    _houses = itertools.count(1)

    # ------------------------------------------------------------------ other registers

    def person(self, foedselsdato: date = date(1975, 3, 14), *, kjoenn: str = "kvinne") -> str:
        """Insert an initial-load person (no events); returns the fødselsnummer."""
        with self.database.unit_of_work() as uow:
            used = set(uow.session.scalars(select(Person.ident)))
            ident = next_synthetic_fnr(foedselsdato, kjoenn, used)
            uow.session.add(
                Person(
                    ident=ident,
                    identifikatortype="foedselsnummer",
                    status="bosatt",
                    fornavn="Kari",
                    etternavn="Nordmann",
                    foedselsdato=foedselsdato,
                    foedeland="NOR",
                    kjoenn=kjoenn,
                    sivilstand="ugift",
                    adressebeskyttelse="ugradert",
                    statsborgerskap="NOR",
                    opprettet=datetime(2020, 1, 1, tzinfo=UTC),
                    endret=datetime(2020, 1, 1, tzinfo=UTC),
                )
            )
            uow.commit()
        return ident

    def die(self, ident: str, *, doedsdato: date = date(2025, 5, 1)) -> None:
        self.run(folkeregister.register_death, ident=ident, doedsdato=doedsdato)

    def entity(self, navn: str = "Eiendom AS", *, organisasjonsform: str = "AS") -> str:
        """Register a main entity in Enhetsregisteret; returns its organisasjonsnummer."""
        with self.database.unit_of_work() as uow:
            enhet = enhetsregisteret.register_enhet(
                uow, navn=navn, organisasjonsform=organisasjonsform, kommunenummer=OSLO
            )
            uow.commit()
            return enhet.organisasjonsnummer

    def sub_unit(self, overordnet: str) -> str:
        with self.database.unit_of_work() as uow:
            enhet = enhetsregisteret.register_underenhet(
                uow, overordnet=overordnet, navn="Avdeling Oslo", kommunenummer=OSLO
            )
            uow.commit()
            return enhet.organisasjonsnummer

    def delete_entity(self, orgnr: str) -> None:
        self.run(enhetsregisteret.delete_unit, orgnr=orgnr)

    def address(self, *, kommunenummer: str = OSLO, postnummer: str = "0184") -> int:
        """Register a new street address; returns its id."""
        nummer = next(self._houses)
        with self.database.unit_of_work() as uow:
            adresse = adresser.register_vegadresse(
                uow,
                kommunenummer=kommunenummer,
                adressenavn="Eiendomsveien",
                adressekode=4242,
                husnummer=nummer,
                postnummer=postnummer,
            )
            uow.commit()
            return adresse.id

    # ----------------------------------------------------------------------- property

    def unit(
        self,
        number: str = "0301-1/1",
        *,
        type: str = "grunneiendom",
        areal: float | None = 812.5,
        adresse_ids: tuple[int, ...] = (),
    ) -> Matrikkelnummer:
        self.run(
            operations.register_unit,
            matrikkelnummer=mnr(number),
            matrikkelenhetstype=type,
            areal=areal,
            adresse_ids=adresse_ids,
        )
        return mnr(number)

    def owned(
        self, number: str = "0301-1/1", *owners: tuple[str, str], dato: date = date(2010, 1, 1)
    ) -> operations.Tinglyst:
        """A unit registered and given its first owners: ``(ident, "1/2")`` pairs."""
        matrikkelnummer = mnr(number)
        with self.database.read_session() as session:
            exists = queries.get_unit(session, matrikkelnummer) is not None
        if not exists:
            self.unit(number)
        return self.run(
            operations.register_ownership,
            matrikkelnummer=matrikkelnummer,
            hjemmelshavere=[operations.Andel(i, Fraction(a)) for i, a in owners],
            dato=dato,
        )

    def transfer(
        self,
        number: str,
        *,
        fra: list[tuple[str, str | None]],
        til: list[tuple[str, str]],
        dokumenttype: str = "skjoete",
        dato: date = date(2024, 6, 1),
        vederlag: int | None = None,
    ) -> operations.Tinglyst:
        return self.run(operations.register_transfer, **transfer_args(
            number, fra=fra, til=til, dokumenttype=dokumenttype, dato=dato, vederlag=vederlag
        ))  # fmt: skip

    def owners(self, number: str) -> dict[str, Fraction]:
        with self.database.read_session() as session:
            view = queries.unit_view(session, mnr(number))
            assert view is not None
            return {s.hjemmelshaver: s.andel for s in view.hjemmelshavere}

    # ------------------------------------------------------------------------ running

    def snapshot(self) -> Snapshot:
        with self.database.read_session() as session:
            return Snapshot(
                units=_rows(session, Matrikkelenhet),
                links=_rows(session, Adressekobling),
                documents=_rows(session, Dokument),
                shares=_rows(session, Hjemmel),
                outbox=session.scalar(select(func.count()).select_from(OutboxRow)) or 0,
            )

    def events(self, *, after_seq: int = 0) -> list[StoredEvent]:
        with self.database.read_session() as session:
            return read_events(session, after_seq=after_seq, source=events.SOURCE)

    def empty(self) -> None:
        """Delete every property row and event (property tests reuse one database)."""
        with self.database.engine.begin() as connection:
            if self.database.is_postgresql:
                connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
            else:
                for table in TABLES:
                    connection.execute(text(f"DELETE FROM {table}"))


def transfer_args(
    number: str,
    *,
    fra: list[tuple[str, str | None]],
    til: list[tuple[str, str]],
    dokumenttype: str = "skjoete",
    dato: date = date(2024, 6, 1),
    vederlag: int | None = None,
) -> dict[str, Any]:
    """Keyword arguments of ``register_transfer`` from ``(ident, "1/2")`` pairs."""
    return {
        "matrikkelnummer": mnr(number),
        "dokumenttype": dokumenttype,
        "dato": dato,
        "fra": [operations.Andel(i, None if a is None else Fraction(a)) for i, a in fra],
        "til": [operations.Andel(i, Fraction(a)) for i, a in til],
        "vederlag": vederlag,
    }


@pytest.fixture
def eie(database: Database, clock: SimulatedClock) -> Register:
    """The register on an empty database, at 2025-06-01."""
    return Register(database, clock)
