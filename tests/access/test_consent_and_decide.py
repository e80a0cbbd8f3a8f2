"""Consent lifecycle, fullmakt and the decision point on the registers, through the API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.access.decide import decide
from felles.access.decision import MachinePrincipal, PersonPrincipal
from felles.access.model import Fullmakt, Samtykke, SamtykkeHendelse
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from felles.kernel.events import OutboxRow, read_events
from felles.registries.folkeregister.model import Familierelasjon, Person
from tests.registries.aordningen.conftest import Aordningen

ENTERPRISE = "/accessmanagement/api/v1/enterprise/consentrequests"
ENDUSER = "/accessmanagement/api/v1/enduser/consent/request"
NAV = "889640782"
BASIS = "folkeregister.person.basis"


def _counts(database: Database) -> tuple[int, ...]:
    with database.read_session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Samtykke, SamtykkeHendelse, Fullmakt, OutboxRow)
        )


def _family(database: Database, aord: Aordningen) -> tuple[str, str, str]:
    """A mother, a 7-year-old child with foreldreansvar 'mor', and an unrelated adult."""
    mother = aord.person()
    child = aord.person(foedselsdato=date(2018, 2, 2), foreldreansvar="mor")
    other = aord.person(foedselsdato=date(1970, 1, 1), kjoenn="mann")
    with database.unit_of_work() as uow:
        ids = {p.ident: p.id for p in uow.session.scalars(select(Person))}
        now = datetime(2020, 1, 1, tzinfo=UTC)
        uow.session.add_all(
            [
                Familierelasjon(
                    person_id=ids[child],
                    relatert_person_id=ids[mother],
                    relatert_persons_rolle="mor",
                    min_rolle_for_person="barn",
                    ajourholdstidspunkt=now,
                ),
                Familierelasjon(
                    person_id=ids[mother],
                    relatert_person_id=ids[child],
                    relatert_persons_rolle="barn",
                    min_rolle_for_person="mor",
                    ajourholdstidspunkt=now,
                ),
            ]
        )
        uow.commit()
    return mother, child, other


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)
    return response.json()  # type: ignore[no-any-return]


def test_consent_lifecycle_and_decisions(
    client: TestClient, admin_headers: dict[str, str], database: Database, clock: SimulatedClock
) -> None:
    aord = Aordningen(database, clock)
    mother, child, other = _family(database, aord)
    bank = aord.employer("Banken min").opplysningspliktig
    consent_id = str(uuid.uuid4())
    body = {
        "id": consent_id,
        "from": f"urn:altinn:person:identifier-no:{mother}",
        "to": f"urn:altinn:organization:identifier-no:{bank}",
        "validTo": (clock.now() + timedelta(days=30)).isoformat(),
        "consentRights": [
            {
                "action": ["consent"],
                "resource": [
                    {"type": "urn:felles:data", "value": "skatt.skatteoppgjoer.sammendrag"}
                ],
                "metaData": {"formaal": "laanesoeknad"},
            }
        ],
        "requestMessage": {"nb": "Vi trenger inntekten din.", "en": "We need your income."},
        "redirectUrl": "https://bankenmin.no/huslaan",
    }
    bad = body | {"redirectUrl": "javascript:alert(1)"}
    before = _counts(database)
    _problem(client.post(ENTERPRISE, json=bad, headers=admin_headers), 422)
    _problem(
        client.post(
            ENTERPRISE,
            json=body
            | {
                "consentRights": [
                    {
                        "action": ["consent"],
                        "resource": [{"value": "bank.konto"}],
                        "metaData": {"formaal": "x1"},
                    }
                ]
            },
            headers=admin_headers,
        ),
        422,
    )
    assert _counts(database) == before, "bad input writes nothing"

    created = client.post(ENTERPRISE, json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "created"
    _problem(client.post(ENTERPRISE, json=body, headers=admin_headers), 409)

    machine = MachinePrincipal(bank)
    inntekt = ["skatt.skatteoppgjoer.sammendrag.inntekt"]
    with database.read_session() as session:
        assert (
            decide(session, machine, None, "read", mother, inntekt, "laanesoeknad").code
            == "not-covered"
        )

    accepted = client.post(f"{ENDUSER}/{consent_id}/accept", headers=admin_headers).json()
    assert accepted["status"] == "accepted" and accepted["consented"]
    with database.read_session() as session:
        decision = decide(
            session, machine, None, "read", mother, [*inntekt, f"{BASIS}.navn"], "laanesoeknad"
        )
    assert decision.permit and decision.code == "consent" and decision.samtykker == (consent_id,)
    assert decision.fields == frozenset(inntekt)
    assert decision.withheld == {f"{BASIS}.navn": "not-covered"}

    clock.advance(timedelta(days=1))
    revoked = client.post(f"{ENDUSER}/{consent_id}/revoke", headers=admin_headers).json()
    assert revoked["status"] == "revoked"
    assert [e["eventType"] for e in revoked["consentRequestEvents"]] == [
        "created",
        "accepted",
        "revoked",
    ]
    _problem(client.post(f"{ENDUSER}/{consent_id}/accept", headers=admin_headers), 409)
    with database.read_session() as session:
        assert not decide(session, machine, None, "read", mother, inntekt, "laanesoeknad").permit
        types = [s.event.type for s in read_events(session, source="/access", limit=100)]
    assert types == [
        "no.altinn.consent.created",
        "no.altinn.consent.accepted",
        "no.altinn.consent.revoked",
    ]

    # NAV reads the child's address on the barnetrygd basis for children, via the mother.
    nav = MachinePrincipal(NAV)
    with database.read_session() as session:
        barn = decide(session, nav, None, "read", child, [BASIS], "barnetrygd", relatert_til=mother)
        assert barn.permit and "nav-barnetrygd-barn" in barn.hjemler
        assert f"{BASIS}.bostedsadresse" in barn.fields
        unrelated = decide(
            session, nav, None, "read", other, [BASIS], "barnetrygd", relatert_til=mother
        )
        assert "nav-barnetrygd-barn" not in unrelated.hjemler

    # The mother acts for her minor child (foreldreansvar); the unrelated adult may not.
    with database.read_session() as session:
        as_parent = decide(
            session,
            PersonPrincipal(mother, "idporten-loa-high"),
            child,
            "read",
            child,
            [BASIS],
            "innsyn",
        )
        assert (
            as_parent.permit
            and as_parent.representation
            and as_parent.representation.kind == "foreldreansvar"
        )
        stranger = decide(
            session,
            PersonPrincipal(other, "idporten-loa-high"),
            child,
            "read",
            child,
            [BASIS],
            "innsyn",
        )
        assert stranger.code == "not-representative"

    # A fullmakt lets the other adult act for the mother in 'skatt' only.
    given = client.post(
        "/access/api/v1/fullmakter",
        json={
            "fullmaktsgiver": mother,
            "fullmektig": other,
            "omraader": ["skatt"],
            "gyldigFra": clock.today().isoformat(),
        },
        headers=admin_headers,
    )
    assert given.status_code == 201, given.text
    with database.read_session() as session:
        held = decide(
            session,
            PersonPrincipal(other, "idporten-loa-substantial"),
            mother,
            "read",
            mother,
            [*inntekt, f"{BASIS}.navn"],
            "innsyn",
        )
    assert held.fields == frozenset(inntekt)
    assert held.withheld == {f"{BASIS}.navn": "outside-delegation"}
    fullmakt_id = given.json()["fullmaktId"]
    assert client.post(
        f"/access/api/v1/fullmakter/{fullmakt_id}/revoke", headers=admin_headers
    ).json()["trukket"]
    _problem(
        client.post(f"/access/api/v1/fullmakter/{fullmakt_id}/revoke", headers=admin_headers), 409
    )
    _problem(
        client.post(
            "/access/api/v1/fullmakter",
            json={
                "fullmaktsgiver": child,
                "fullmektig": other,
                "omraader": ["alt"],
                "gyldigFra": clock.today().isoformat(),
            },
            headers=admin_headers,
        ),
        409,
    )


def test_a_protected_address_is_withheld_unless_a_basis_names_it(
    client: TestClient, admin_headers: dict[str, str], database: Database, clock: SimulatedClock
) -> None:
    aord = Aordningen(database, clock)
    person = aord.person(adressebeskyttelse="strengtFortrolig")
    ask = {
        "principal": {"type": "maskin", "orgnr": NAV},
        "subject": person,
        "data": [BASIS],
        "purpose": "dagpenger",
    }
    dagpenger = client.post("/access/api/v1/decisions", json=ask, headers=admin_headers).json()
    assert (
        dagpenger["permit"]
        and dagpenger["withheld"][f"{BASIS}.bostedsadresse"] == "protected-address"
    )
    barnetrygd = client.post(
        "/access/api/v1/decisions", json=ask | {"purpose": "barnetrygd"}, headers=admin_headers
    ).json()
    assert f"{BASIS}.bostedsadresse" in barnetrygd["fields"]
    own = client.post(
        "/access/api/v1/decisions",
        json=ask
        | {"principal": {"type": "person", "pid": person, "acr": "idporten-loa-substantial"}},
        headers=admin_headers,
    ).json()
    assert own["code"] == "own-data" and f"{BASIS}.bostedsadresse" in own["fields"]
    _problem(
        client.post(
            "/access/api/v1/decisions", json=ask | {"data": ["bank.konto"]}, headers=admin_headers
        ),
        422,
    )
    assert client.get("/access/api/v1/hjemler", headers=admin_headers).status_code == 200


# Fixed ids: parametrised ids must be the same in every test process (pytest-xdist).
UNKNOWN = "6f1d2c3b-0a9e-4d8c-b7a6-5e4f3d2c1b0a"


@pytest.mark.parametrize("path", [f"{ENTERPRISE}/{UNKNOWN}", f"{ENDUSER}/{UNKNOWN}"])
def test_an_unknown_consent_is_404(
    client: TestClient, admin_headers: dict[str, str], path: str
) -> None:
    _problem(client.get(path, headers=admin_headers), 404)
