"""The property registry's HTTP API: lookups, history, owners' units and registrations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.registries.eiendom.conftest import Register

BASE = "/eiendom/api/v1"
UNIT = f"{BASE}/matrikkelenheter/0301/208/112/0/0"
MNR = {"kommunenummer": "0301", "gaardsnummer": 208, "bruksnummer": 112}


@pytest.fixture
def api(client: TestClient, admin_headers: dict[str, str]) -> TestClient:
    """The test client with the operator's token on every request."""
    client.headers.update(admin_headers)
    return client


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def _andel(teller: int, nevner: int) -> dict[str, int]:
    return {"teller": teller, "nevner": nevner}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", UNIT),
        ("GET", f"{UNIT}/hjemmelshistorikk"),
        ("GET", f"{BASE}/matrikkelenheter?adresseIdentifikatorFraMatrikkelen=1"),
        ("GET", f"{BASE}/hjemmelshavere/974760673/matrikkelenheter"),
        ("POST", f"{BASE}/registreringer/matrikkelenhet"),
        ("POST", f"{BASE}/registreringer/tinglysing"),
    ],
)
def test_every_endpoint_needs_the_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    _problem(response, 401)


def test_register_look_up_and_transfer_a_unit(eie: Register, api: TestClient) -> None:
    adresse = eie.address()
    kari, ola, per = eie.person(), eie.person(kjoenn="mann"), eie.person(date(1990, 2, 2))

    created = api.post(
        f"{BASE}/registreringer/matrikkelenhet",
        json={
            "matrikkelnummer": MNR,
            "matrikkelenhetstype": "grunneiendom",
            "areal": 812.5,
            "adresser": [adresse],
        },
    )
    assert created.status_code == 201, created.text
    unit = created.json()
    assert unit["matrikkelnummertekst"] == "0301-208/112/0/0"
    assert unit["kommunenavn"] == "OSLO"
    assert unit["adresser"][0]["adresseIdentifikatorFraMatrikkelen"] == adresse
    assert unit["adresser"][0]["adressetekst"].startswith("Eiendomsveien ")
    assert unit["hjemmelshavere"] == []

    first = api.post(
        f"{BASE}/registreringer/hjemmel",
        json={
            "matrikkelnummer": MNR,
            "dato": "2010-05-01",
            "hjemmelshavere": [
                {"identifikasjonsnummer": kari, "andel": _andel(1, 2)},
                {"identifikasjonsnummer": ola, "andel": _andel(2, 4)},
            ],
        },
    )
    assert first.status_code == 201, first.text
    assert first.json()["dokument"]["dokumenttype"] == "etablering"

    sold = api.post(
        f"{BASE}/registreringer/tinglysing",
        json={
            "matrikkelnummer": MNR,
            "dokumenttype": "skjoete",
            "dato": "2024-06-01",
            "vederlag": 4_500_000,
            "fra": [{"identifikasjonsnummer": kari}, {"identifikasjonsnummer": ola}],
            "til": [{"identifikasjonsnummer": per, "andel": _andel(1, 1)}],
        },
    )
    assert sold.status_code == 201, sold.text
    body = sold.json()
    assert body["dokument"]["vederlag"] == 4_500_000
    assert [p["andel"] for p in body["fra"]] == [_andel(1, 2), _andel(1, 2)]
    assert [
        (h["identifikasjonsnummer"], h["andel"]) for h in body["matrikkelenhet"]["hjemmelshavere"]
    ] == [(per, _andel(1, 1))]

    looked_up = api.get(UNIT).json()
    assert looked_up["hjemmelshavere"][0]["fraOgMed"] == "2024-06-01"
    at_address = api.get(
        f"{BASE}/matrikkelenheter", params={"adresseIdentifikatorFraMatrikkelen": adresse}
    )
    assert [u["matrikkelnummertekst"] for u in at_address.json()["matrikkelenheter"]] == [
        "0301-208/112/0/0"
    ]
    on_gaard = api.get(
        f"{BASE}/matrikkelenheter", params={"kommunenummer": "0301", "gaardsnummer": 208}
    )
    assert len(on_gaard.json()["matrikkelenheter"]) == 1

    history = api.get(f"{UNIT}/hjemmelshistorikk").json()
    assert [d["dokumenttype"] for d in history["dokumenter"]] == ["etablering", "skjoete"]
    periods = {
        (h["identifikasjonsnummer"], h["fraOgMed"], h["tilOgMed"])
        for h in history["hjemmelshavere"]
    }
    assert periods == {
        (kari, "2010-05-01", "2024-06-01"),
        (ola, "2010-05-01", "2024-06-01"),
        (per, "2024-06-01", None),
    }

    owned = api.get(f"{BASE}/hjemmelshavere/{per}/matrikkelenheter").json()
    assert owned["eiendommer"][0]["andel"] == _andel(1, 1)
    assert owned["eiendommer"][0]["matrikkelenhet"]["matrikkelnummertekst"] == "0301-208/112/0/0"
    assert api.get(f"{BASE}/hjemmelshavere/{kari}/matrikkelenheter").json()["eiendommer"] == []


def test_link_and_unlink_addresses(eie: Register, api: TestClient) -> None:
    adresse = eie.address()
    eie.unit("0301-208/112")
    body = {"matrikkelnummer": MNR, "adresseIdentifikatorFraMatrikkelen": adresse}
    linked = api.post(f"{BASE}/registreringer/adressekobling", json=body)
    assert linked.status_code == 201 and len(linked.json()["adresser"]) == 1
    _problem(api.post(f"{BASE}/registreringer/adressekobling", json=body), 409)
    unlinked = api.post(f"{BASE}/registreringer/adressefrakobling", json=body)
    assert unlinked.status_code == 200 and unlinked.json()["adresser"] == []
    _problem(api.post(f"{BASE}/registreringer/adressefrakobling", json=body), 404)


def test_refusals_are_problems(eie: Register, api: TestClient) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    _problem(api.get(UNIT), 404)
    _problem(api.get(f"{UNIT}/hjemmelshistorikk"), 404)
    _problem(api.get(f"{BASE}/matrikkelenheter/301/1/1/0/0"), 422)
    _problem(api.get(f"{BASE}/matrikkelenheter/0301/0/1/0/0"), 422)
    _problem(api.get(f"{BASE}/matrikkelenheter"), 422)
    body = _problem(api.get(f"{BASE}/hjemmelshavere/12345/matrikkelenheter"), 422)
    assert "11 digits" in body["detail"]
    eie.owned("0301-208/112", (kari, "1"))
    half_missing = {
        "matrikkelnummer": MNR,
        "dokumenttype": "skjoete",
        "dato": "2024-06-01",
        "fra": [{"identifikasjonsnummer": kari, "andel": _andel(1, 1)}],
        "til": [{"identifikasjonsnummer": ola, "andel": _andel(1, 2)}],
    }
    response = api.post(f"{BASE}/registreringer/tinglysing", json=half_missing)
    assert "must equal the shares given" in _problem(response, 422)["detail"]
    too_big = {**half_missing, "til": [{"identifikasjonsnummer": ola, "andel": _andel(3, 2)}]}
    _problem(api.post(f"{BASE}/registreringer/tinglysing", json=too_big), 422)
    gift = {**half_missing, "dokumenttype": "gave"}
    _problem(api.post(f"{BASE}/registreringer/tinglysing", json=gift), 422)
    from_ola = {
        **half_missing,
        "fra": [{"identifikasjonsnummer": ola}],
        "til": [{"identifikasjonsnummer": kari, "andel": _andel(1, 1)}],
    }
    _problem(api.post(f"{BASE}/registreringer/tinglysing", json=from_ola), 409)
    assert eie.owners("0301-208/112") == {kari: 1}


def test_the_openapi_document_has_examples() -> None:
    from felles.app import create_app
    from felles.kernel.db import Database

    document = create_app(database=Database("sqlite://")).openapi()
    schemas = document["components"]["schemas"]
    for name in ("NyMatrikkelenhet", "NyTinglysing", "NyeHjemmelshavere", "Adressekobling"):
        assert schemas[name].get("examples"), f"{name} has no example"
