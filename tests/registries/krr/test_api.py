"""KRR over HTTP: Digdir's lookup shape field by field, errors as problem+json, test data."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.krr import api, operations
from tests.registries.krr.conftest import new_fnr, outbox_count, registration_count

LOOKUP = "/kontaktregisteret/rest/v1/personer"
NOW = "2025-06-01T12:00:00Z"  # the clock fixture's instant


def _person(fnr: str) -> str:
    return f"{LOOKUP}/{fnr}"


def _lookup(client: TestClient, headers: dict[str, str], *fnrs: str) -> list[dict[str, Any]]:
    response = client.post(LOOKUP, json={"personidentifikatorer": list(fnrs)}, headers=headers)
    assert response.status_code == 200, response.text
    personer: list[dict[str, Any]] = response.json()["personer"]
    return personer


def _setup_full(client: TestClient, headers: dict[str, str], fnr: str) -> None:
    contact = {"epostadresse": "kari@example.no", "mobiltelefonnummer": "99999999", "spraak": "nn"}
    assert client.put(
        f"{_person(fnr)}/kontaktinformasjon", json=contact, headers=headers
    ).is_success
    mailbox = {"postkasseadresse": "kari.nordmann#9YDT", "postkasseleverandoeradresse": "984661185"}
    assert client.put(f"{_person(fnr)}/digital-post", json=mailbox, headers=headers).is_success


def test_lookup_needs_a_token(database: Database, client: TestClient) -> None:
    response = client.post(LOOKUP, json={"personidentifikatorer": [new_fnr()]})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (
        client.post(LOOKUP, json={"personidentifikatorer": [new_fnr()]}, headers=wrong).status_code
        == 401
    )
    assert client.post(f"{_person(new_fnr())}/reservasjon").status_code == 401


def test_lookup_shape_field_by_field(
    database: Database, client: TestClient, admin_headers: dict[str, str], clock: SimulatedClock
) -> None:
    full, reserved, deleted, unknown = (new_fnr() for _ in range(4))
    _setup_full(client, admin_headers, full)
    assert client.post(f"{_person(reserved)}/reservasjon", headers=admin_headers).is_success
    contact = {"epostadresse": "x@example.no"}
    client.put(f"{_person(deleted)}/kontaktinformasjon", json=contact, headers=admin_headers)
    assert client.delete(_person(deleted), headers=admin_headers).is_success

    personer = _lookup(client, admin_headers, full, reserved, deleted, unknown, full)
    assert personer == [
        {
            "personidentifikator": full,
            "reservasjon": "NEI",
            "status": "AKTIV",
            "varslingsstatus": "KAN_VARSLES",
            "kontaktinformasjon": {
                "epostadresse": "kari@example.no",
                "epostadresse_oppdatert": NOW,
                "mobiltelefonnummer": "+4799999999",
                "mobiltelefonnummer_oppdatert": NOW,
            },
            "digital_post": {
                "postkasseadresse": "kari.nordmann#9YDT",
                "postkasseleverandoeradresse": "984661185",
            },
            "spraak": "nn",
            "spraak_oppdatert": NOW,
        },
        {
            "personidentifikator": reserved,
            "reservasjon": "JA",
            "reservasjonstidspunkt": NOW,
            "status": "AKTIV",
            "varslingsstatus": "KAN_IKKE_VARSLES",
        },
        {
            "personidentifikator": deleted,
            "status": "SLETTET",
            "varslingsstatus": "KAN_IKKE_VARSLES",
        },
        {
            "personidentifikator": unknown,
            "status": "IKKE_REGISTRERT",
            "varslingsstatus": "KAN_IKKE_VARSLES",
        },
    ]  # the repeated identifier is answered once


def test_scopes_decide_what_is_shown(
    database: Database, client: TestClient, admin_headers: dict[str, str], clock: SimulatedClock
) -> None:
    fnr = new_fnr()
    _setup_full(client, admin_headers, fnr)
    with database.read_session() as session:
        from felles.registries.krr import queries

        row = queries.get_registration(session, personidentifikator=fnr)
        views = {
            name: api.to_person(fnr, row, now=clock.now(), scopes=frozenset(scopes)).model_dump(
                exclude_none=True
            )
            for name, scopes in {
                "none": (),
                "kontakt": (api.SCOPE_KONTAKTINFORMASJON,),
                "post": (api.SCOPE_DIGITALPOST,),
            }.items()
        }
    assert views["none"] == {"personidentifikator": fnr, "reservasjon": "NEI", "status": "AKTIV"}
    assert set(views["kontakt"]) == {
        "personidentifikator", "reservasjon", "status", "varslingsstatus", "kontaktinformasjon",
        "spraak", "spraak_oppdatert",
    }  # fmt: skip
    assert set(views["post"]) == {"personidentifikator", "reservasjon", "status", "digital_post"}


def test_invalid_identifier_is_a_422_problem_without_the_number(
    database: Database, client: TestClient, admin_headers: dict[str, str]
) -> None:
    good = new_fnr()
    bad = good[:10] + str((int(good[10]) + 1) % 10)
    response = client.post(
        LOOKUP, json={"personidentifikatorer": [good, "123", bad]}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/invalid-input" and body["status"] == 422
    locations = [e["location"] for e in body["errors"]]
    assert locations == [["body", "personidentifikatorer", 1], ["body", "personidentifikatorer", 2]]
    assert "11 digits" in body["detail"] and "check digit" in body["detail"]
    assert bad not in response.text and good not in response.text


def test_path_identifier_is_validated(
    database: Database, client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(f"{LOOKUP}/12345678901/reservasjon", headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "12345678901" not in response.text.replace(f"{LOOKUP}/12345678901", "")


@pytest.mark.parametrize(("count", "status"), [(0, 422), (1000, 200), (1001, 413)])
def test_request_size_limits(
    database: Database, client: TestClient, admin_headers: dict[str, str], count: int, status: int
) -> None:
    fnrs = [new_fnr() for _ in range(count)]
    response = client.post(LOOKUP, json={"personidentifikatorer": fnrs}, headers=admin_headers)
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["personer"]) == 1000
    else:
        assert response.headers["content-type"] == "application/problem+json"


def test_testdata_endpoints(
    database: Database, client: TestClient, admin_headers: dict[str, str], clock: SimulatedClock
) -> None:
    fnr = new_fnr()
    person = _person(fnr)
    put = client.put(
        f"{person}/kontaktinformasjon",
        json={"epostadresse": "kari@example.no"},
        headers=admin_headers,
    )
    assert put.status_code == 200 and put.json()["status"] == "AKTIV"
    confirmed = client.post(f"{person}/kontaktinformasjon/bekreftelse", headers=admin_headers)
    assert confirmed.json()["kontaktinformasjon"]["epostadresse_sist_verifisert"] == NOW
    assert client.post(f"{person}/reservasjon", headers=admin_headers).json()["reservasjon"] == "JA"
    again = client.post(f"{person}/reservasjon", headers=admin_headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    mailbox = {"postkasseadresse": "k#1", "postkasseleverandoeradresse": operations.EBOKS}
    refused = client.put(f"{person}/digital-post", json=mailbox, headers=admin_headers)
    assert refused.status_code == 409  # reserved people get no digital mailbox
    assert (
        client.delete(f"{person}/reservasjon", headers=admin_headers).json()["reservasjon"] == "NEI"
    )
    chosen = client.put(f"{person}/digital-post", json=mailbox, headers=admin_headers)
    assert chosen.json()["digital_post"]["postkasseleverandoeradresse"] == "922020175"
    assert (
        "digital_post" not in client.delete(f"{person}/digital-post", headers=admin_headers).json()
    )
    bad_provider = {**mailbox, "postkasseleverandoeradresse": "974760673"}
    assert (
        client.put(f"{person}/digital-post", json=bad_provider, headers=admin_headers).status_code
        == 422
    )
    bad_email = client.put(
        f"{person}/kontaktinformasjon", json={"epostadresse": "nope"}, headers=admin_headers
    )
    assert bad_email.status_code == 422 and "nope" not in bad_email.json()["detail"]
    deleted = client.delete(person, headers=admin_headers)
    assert deleted.json() == {
        "personidentifikator": fnr, "status": "SLETTET", "varslingsstatus": "KAN_IKKE_VARSLES"
    }  # fmt: skip
    assert client.delete(person, headers=admin_headers).status_code == 409
    unknown = client.delete(f"{_person(new_fnr())}/reservasjon", headers=admin_headers)
    assert unknown.status_code == 404
    assert outbox_count(database, subject=fnr) == 7
    assert registration_count(database) == 1


def test_openapi_documents_the_problems(database: Database, client: TestClient) -> None:
    # The test-data endpoints answered 401, 404 and 409 without documenting them.
    paths = client.get("/openapi.json").json()["paths"]
    assert "401" in paths[LOOKUP]["post"]["responses"]
    person = f"{LOOKUP}/{{personidentifikator}}"
    expected = {
        (f"{person}/kontaktinformasjon", "put"): {"401", "422"},
        (f"{person}/kontaktinformasjon/bekreftelse", "post"): {"401", "404", "409", "422"},
        (f"{person}/reservasjon", "post"): {"401", "409", "422"},
        (f"{person}/reservasjon", "delete"): {"401", "404", "409", "422"},
        (f"{person}/digital-post", "put"): {"401", "404", "409", "422"},
        (f"{person}/digital-post", "delete"): {"401", "404", "409", "422"},
        (person, "delete"): {"401", "404", "409", "422"},
    }
    for (path, method), statuses in expected.items():
        assert statuses <= paths[path][method]["responses"].keys(), (method, path)


def test_a_nul_character_is_422_not_500(
    database: Database, client: TestClient, admin_headers: dict[str, str]
) -> None:
    # postkasseadresse only had a length check; PostgreSQL refused the NUL with a 500.
    fnr = new_fnr()
    contact = {"epostadresse": "kari@example.no"}
    put = client.put(f"{_person(fnr)}/kontaktinformasjon", json=contact, headers=admin_headers)
    assert put.is_success
    before = outbox_count(database)
    mailbox = {"postkasseadresse": "kari\x00#9YDT", "postkasseleverandoeradresse": "984661185"}
    response = client.put(f"{_person(fnr)}/digital-post", json=mailbox, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert outbox_count(database) == before
