"""``decide_many`` gives, subject by subject, exactly what ``decide`` gives."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

from felles.access import operations
from felles.access.decide import decide, decide_many
from felles.access.decision import OPERATOR, MachinePrincipal, PersonPrincipal
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from tests.access.test_consent_and_decide import NAV, _family
from tests.registries.aordningen.conftest import Aordningen

DATA = (
    ["folkeregister.person.basis"],
    ["folkeregister.person.basis.navn", "skatt.skatteoppgjoer.sammendrag.inntekt"],
    ["folkeregister.familie"],
)
PURPOSES = ("barnetrygd", "laanesoeknad", "innsyn")


def test_decide_many_agrees_with_decide(database: Database, clock: SimulatedClock) -> None:
    aord = Aordningen(database, clock)
    mother, child, other = _family(database, aord)
    bank = aord.employer("Banken").opplysningspliktig
    with database.unit_of_work() as uow:
        consent = operations.request_consent(
            uow,
            performed_by=OPERATOR,
            fra=mother,
            til=bank,
            rettigheter=[
                operations.ConsentRight(
                    formaal="laanesoeknad", data=["skatt.skatteoppgjoer.sammendrag"]
                )
            ],
            gyldig_til=clock.now() + timedelta(days=10),
            melding={"nb": "Lånesøknad"},
            redirect_url="https://bank.example/",
            consent_id=str(uuid.uuid4()),
        )
        uow.commit()
    with database.unit_of_work() as uow:
        operations.accept_consent(uow, performed_by=OPERATOR, consent_id=consent.id)
        uow.commit()
    principals = [
        (MachinePrincipal(NAV), None, None),
        (MachinePrincipal(NAV), None, mother),
        (MachinePrincipal(bank), None, None),
        (PersonPrincipal(mother, "idporten-loa-high"), None, None),
        (PersonPrincipal(mother, "idporten-loa-substantial"), child, None),
        (PersonPrincipal(other, "idporten-loa-high"), mother, None),
    ]
    subjects = [mother, child, other, "01010199999"]
    compared = 0
    with database.read_session() as session:
        for (principal, on_behalf_of, related), data, purpose in itertools.product(
            principals, DATA, PURPOSES
        ):
            many = decide_many(
                session,
                principal,
                on_behalf_of,
                "read",
                subjects,
                data,
                purpose,
                relatert_til=related,
            )
            assert list(many) == subjects
            for subject in subjects:
                one = decide(
                    session,
                    principal,
                    on_behalf_of,
                    "read",
                    subject,
                    data,
                    purpose,
                    relatert_til=related,
                )
                assert many[subject][1] == one, (principal, on_behalf_of, subject, data, purpose)
                compared += 1
    assert compared == len(principals) * len(DATA) * len(PURPOSES) * len(subjects)
