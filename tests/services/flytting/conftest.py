"""Fixtures for the moving services and journey: addresses, the public sector (the
municipalities are consumers the decision point must know), a family, and the worker."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from felles.journeys.opening import journeys_consumer
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.enhetsregisteret.seed import seed_public_sector
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.folkeregister.operations.moves import Move, register_moves
from felles.services.flytting import NAV, NY_KOMMUNE, POSTEN, TIDLIGERE_KOMMUNE
from felles.services.flytting.service import address_handler, handle_moved_from, handle_moved_to
from felles.services.runtime import consumer_for
from tests.registries.folkeregister.conftest import FJORDVEIEN, Register, seed_addresses

MOVING_DAY = date(2025, 5, 15)
OSLO_KOMMUNE = "958935420"
BERGEN_KOMMUNE = "964338531"


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    seed_public_sector(database)
    return Register(database, clock)


def run_worker(database: Database, *, journeys: bool = True) -> None:
    consumers = [
        consumer_for(POSTEN, address_handler(POSTEN)),
        consumer_for(NAV, address_handler(NAV)),
        consumer_for(NY_KOMMUNE, handle_moved_to),
        consumer_for(TIDLIGERE_KOMMUNE, handle_moved_from),
    ]
    if journeys:
        consumers.append(journeys_consumer())
    totals = Worker(DatabaseTransport(database), consumers).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


@dataclass(frozen=True)
class Family:
    mor: str
    far: str
    children: tuple[str, ...]  # by default a 4-year-old and a 9-year-old on the moving day


def family(
    register: Register,
    born: tuple[date, ...] = (date(2020, 9, 1), date(2015, 11, 20)),
    **person: Any,
) -> Family:
    """Two parents and two children at one address (Storgata, Oslo, unless ``adresse_id``
    says otherwise), as the initial load writes them: rows and relations, no events (a
    birth event would open a få barn journey too)."""
    mor = register.person(foedselsdato=date(1988, 2, 3), **person)
    far = register.person(foedselsdato=date(1986, 7, 1), kjoenn="mann", **person)
    children = tuple(
        register.person(foedselsdato=day, foreldreansvar="felles", **person) for day in born
    )
    with register.database.unit_of_work() as uow:
        ids = {
            person.ident: person.id
            for person in uow.session.scalars(
                select(Person).where(Person.ident.in_([mor, far, *children]))
            )
        }
        now = datetime(2020, 1, 1, tzinfo=UTC)
        for child in children:
            for parent, role in ((mor, "mor"), (far, "far")):
                for a, b, a_role, b_role in (
                    (child, parent, role, "barn"),
                    (parent, child, "barn", role),
                ):
                    uow.session.add(
                        Familierelasjon(
                            person_id=ids[a],
                            relatert_person_id=ids[b],
                            relatert_persons_rolle=a_role,
                            min_rolle_for_person=b_role,
                            gyldig_fra=None,
                            ajourholdstidspunkt=now,
                        )
                    )
        uow.commit()
    return Family(mor, far, children)


def move(register: Register, *idents: str, adresse_id: int = FJORDVEIEN) -> None:
    """Move ``idents`` together (one household) to ``adresse_id`` on the moving day."""
    with register.database.unit_of_work() as uow:
        results = register_moves(
            uow,
            moves=[
                Move(ident=ident, adresse_id=adresse_id, flyttedato=MOVING_DAY, group="hjem")
                for ident in idents
            ],
        )
        assert all(not isinstance(r, Exception) for r in results), results
        uow.commit()
