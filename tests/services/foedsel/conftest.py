"""Fixtures for the birth services: addresses and the public sector (the municipalities are
consumers the decision point must know, and organisations with inboxes), a family, pay in
A-ordningen, KRR contact details, and the worker."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

import pytest

from felles.journeys.opening import journeys_consumer
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.aordningen import operations as aordningen
from felles.registries.enhetsregisteret.seed import seed_public_sector
from felles.registries.folkeregister.operations import register_birth
from felles.registries.krr.operations import register_contact
from felles.services.foedsel import FORELDREPENGER, HELSESTASJON, foreldrepenger, helsestasjon
from felles.services.runtime import consumer_for
from tests.registries.aordningen.conftest import Aordningen
from tests.registries.folkeregister.conftest import Register, seed_addresses

BORN = date(2025, 5, 20)
OSLO_KOMMUNE = "958935420"  # Storgata 1A is in Oslo (0301)
NAV = "889640782"
MOTHER_EMAIL = "kari@example.no"


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    seed_public_sector(database)
    return Register(database, clock)


def run_worker(database: Database, *, journeys: bool = False) -> None:
    consumers = [
        consumer_for(HELSESTASJON, helsestasjon.handle_births),
        consumer_for(FORELDREPENGER, foreldrepenger.handle_births),
    ]
    if journeys:
        consumers.append(journeys_consumer())
    totals = Worker(DatabaseTransport(database), consumers).run(threading.Event(), until_idle=True)
    assert totals.failed == 0


@dataclass(frozen=True)
class Family:
    mor: str
    far: str
    child: str


def parents(register: Register, **mother: object) -> tuple[str, str]:
    """A mother and a father at Storgata (Oslo), both in KRR."""
    mor = register.person(foedselsdato=date(1990, 2, 3), **mother)
    far = register.person(foedselsdato=date(1988, 7, 1), kjoenn="mann")
    with register.database.unit_of_work() as uow:
        register_contact(
            uow,
            personidentifikator=mor,
            epostadresse=MOTHER_EMAIL,
            mobiltelefonnummer="+4791234567",
        )
        register_contact(uow, personidentifikator=far, epostadresse="ola@example.no")
        uow.commit()
    return mor, far


def birth(register: Register, mor: str, far: str, *, born: date = BORN) -> str:
    child = register.run(
        register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=born,
        kjoenn="kvinne",
        fornavn="Emma",
    )
    return str(child.ident)


def employed(register: Register, ident: str, *, months: int = 10, pay: int = 40_000) -> str:
    """``ident`` employed full time since 2024 with pay in the ``months`` before the birth
    month (May 2025); returns the employer's organisation number."""
    aord = Aordningen(register.database, register.clock)
    employer = aord.employer("Arbeidsgiver")
    aord.run(
        aordningen.start_employments,
        employments=[
            aordningen.Employment(
                ident,
                employer.opplysningspliktig,
                employer.arbeidssted,
                date(2024, 1, 2),
                100,
                "2512",
            )
        ],
    )
    index = 2025 * 12 + 4 - 1  # April 2025, the month before the birth
    for i in range(index - months + 1, index + 1):
        aord.run(
            aordningen.report_month,
            opplysningspliktig=employer.opplysningspliktig,
            kalendermaaned=f"{i // 12:04d}-{i % 12 + 1:02d}",
            inntektsmottakere=[
                aordningen.PayReport(ident, employer.arbeidssted, {"fastloenn": pay}, 10_000)
            ],
        )
    return employer.opplysningspliktig
