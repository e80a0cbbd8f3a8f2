"""A person logged in through felles' ID-porten reads their own access log and answers their
own consent requests, and nobody else's."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient

from felles.access.log.operations import LogEntry, append
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.enhetsregisteret.operations import register_enhet
from felles.registries.folkeregister.operations import register_birth
from tests.identity.conftest import ADMIN, Login
from tests.registries.folkeregister.conftest import Register

NAV = "889640782"


def _log_a_release(database: Database, subject: str) -> None:
    with database.unit_of_work() as uow:
        entry = LogEntry(
            konsument=NAV,
            subjekt=subject,
            datasett="folkeregister.person.basis",
            felter=["navn"],
            formaal="barnetrygd",
            foresporsel_id=str(uuid.uuid4()),
            hjemmel="nav-barnetrygd-soeker",
        )
        append(uow, [entry])
        uow.commit()


def test_a_person_reads_only_their_own_access_log(
    app_client: TestClient, login: Login, database: Database, clock: SimulatedClock, person: str
) -> None:
    other = Register(database, clock).person(fornavn="Ola")
    _log_a_release(database, person)
    _log_a_release(database, other)
    headers = login(person)
    own = app_client.get(f"/innsynslogg/api/v1/personer/{person}/innsyn", headers=headers)
    assert own.status_code == 200, own.text
    assert len(own.json()["innsyn"]) == 1
    theirs = app_client.get(f"/innsynslogg/api/v1/personer/{other}/innsyn", headers=headers)
    assert theirs.status_code == 403
    assert theirs.headers["content-type"].startswith("application/problem+json")


def test_a_person_answers_their_own_consent_request(
    app_client: TestClient, login: Login, database: Database, clock: SimulatedClock, person: str
) -> None:
    other = Register(database, clock).person(fornavn="Ola")
    with database.unit_of_work() as uow:
        bank = register_enhet(
            uow, navn="Banken Min ASA", organisasjonsform="ASA", naeringskode="64.190"
        ).organisasjonsnummer
        uow.commit()
    body = {
        "from": f"urn:altinn:person:identifier-no:{person}",
        "to": f"urn:altinn:organization:identifier-no:{bank}",
        "validTo": (clock.now() + timedelta(days=30)).isoformat(),
        "consentRights": [
            {
                "action": ["consent"],
                "resource": [{"type": "urn:felles:data", "value": "skatt.beregnetskatt"}],
                "metaData": {"formaal": "laanesoeknad"},
            }
        ],
        "requestMessage": {"nb": "Vi ber om samtykke til å hente skatteopplysninger."},
        "redirectUrl": "https://bank.example/ferdig",
    }
    created = app_client.post(
        "/accessmanagement/api/v1/enterprise/consentrequests", json=body, headers=ADMIN
    )
    assert created.status_code == 201, created.text
    consent = created.json()["id"]
    url = f"/accessmanagement/api/v1/enduser/consent/request/{consent}"
    stranger = login(other)
    assert app_client.get(url, headers=stranger).status_code == 403
    assert app_client.post(f"{url}/accept", headers=stranger).status_code == 403
    owner = login(person)
    accepted = app_client.post(f"{url}/accept", headers=owner)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"


def test_a_parent_reads_their_child_s_access_log(
    app_client: TestClient, login: Login, database: Database, clock: SimulatedClock, person: str
) -> None:
    register = Register(database, clock)
    stranger = register.person(fornavn="Ola")
    child = register.run(
        register_birth,
        mor=person,
        foedselsdato=clock.today() - timedelta(days=30),
        kjoenn="kvinne",
        fornavn="Lille",
    ).ident
    _log_a_release(database, child)
    url = f"/innsynslogg/api/v1/personer/{child}/innsyn"
    parent = app_client.get(url, headers=login(person))
    assert parent.status_code == 200, parent.text
    assert len(parent.json()["innsyn"]) == 1
    assert app_client.get(url, headers=login(stranger)).status_code == 403
