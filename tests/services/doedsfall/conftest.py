"""A family for the death-and-inheritance tests: a married mother and father, an adult child,
a baby with barnetrygd, property and a tax assessment — all through the registries' own
operations — and a worker that runs the death services."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import select

from felles.kernel.bus import Consumer, DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.model import Forsendelse, Innhold
from felles.registries.eiendom import operations as eiendom
from felles.registries.eiendom.values import Matrikkelnummer
from felles.registries.folkeregister.operations import (
    register_birth,
    register_death,
    register_marriage,
)
from felles.registries.skatt.operations import make_assessment
from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.barnetrygd.service import handle_births
from felles.services.doedsfall import GRAVFERD, SKIFTE, STANS, gravferd, skifte, ytelser
from felles.services.runtime import consumer_for
from tests.registries.folkeregister.conftest import Register, seed_addresses

DEATH = date(2025, 5, 30)


def death_consumers() -> list[Consumer]:
    return [
        consumer_for(SKIFTE, skifte.handle_deaths),
        consumer_for(STANS, ytelser.handle_deaths),
        consumer_for(GRAVFERD, gravferd.handle_deaths),
    ]


def run(database: Database, consumers: list[Consumer]) -> None:
    totals = Worker(DatabaseTransport(database), consumers).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


@dataclass
class Family:
    register: Register
    mor: str  # dies
    far: str  # the surviving spouse
    voksen: str  # an adult child
    baby: str  # a minor child, with barnetrygd paid to the mother

    def die(self, ident: str | None = None, day: date = DEATH) -> None:
        self.register.run(register_death, ident=ident or self.mor, doedsdato=day)


def make_family(register: Register, **far: Any) -> Family:
    mor = register.person(foedselsdato=date(1985, 2, 3))
    far_ident = register.person(foedselsdato=date(1983, 7, 1), kjoenn="mann", **far)
    register.run(register_marriage, ident_a=mor, ident_b=far_ident, dato=date(2004, 6, 1))
    voksen = register.run(
        register_birth, mor=mor, far_eller_medmor=far_ident, foedselsdato=date(2005, 1, 10),
        kjoenn="kvinne", fornavn="Ida",
    ).ident  # fmt: skip
    baby = register.run(
        register_birth, mor=mor, far_eller_medmor=far_ident, foedselsdato=date(2025, 5, 20),
        kjoenn="mann", fornavn="Per",
    ).ident  # fmt: skip
    # NAV grants the baby's barnetrygd to the mother, as it does at every birth.
    run(register.database, [consumer_for(BARNETRYGD, handle_births)])
    return Family(register, mor, far_ident, voksen, baby)


def own_property(register: Register, owners: tuple[str, ...], number: str = "0301-12/34") -> None:
    matrikkelnummer = Matrikkelnummer.parse(number)
    register.run(
        eiendom.register_unit,
        matrikkelnummer=matrikkelnummer,
        matrikkelenhetstype="grunneiendom",
        areal=600.0,
        adresse_ids=(),
    )
    share = Fraction(1, len(owners))
    register.run(
        eiendom.register_ownership,
        matrikkelnummer=matrikkelnummer,
        hjemmelshavere=[eiendom.Andel(owner, share) for owner in owners],
        dato=date(2010, 1, 1),
    )


def assess(register: Register, ident: str, **amounts: int) -> None:
    register.run(make_assessment, ident=ident, income_year=2024, **amounts)


def letters(database: Database, **where: Any) -> list[Forsendelse]:
    with database.read_session() as session:
        found = list(
            session.scalars(select(Forsendelse).filter_by(**where).order_by(Forsendelse.created))
        )
        session.expunge_all()
        return found


def body(database: Database, letter_id: str, language: str = "nb") -> str:
    with database.read_session() as session:
        content = session.get(Innhold, (letter_id, language))
        assert content is not None
        return f"{content.title}\n{content.summary}\n{content.body}"


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)
