"""Folkeregisteret's HTTP API: documents, bulk lookup, the event feed and registrations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.db import UnitOfWork
from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister.model import Person
from tests.registries.folkeregister.conftest import (
    HEMMELIGVEIEN,
    SECRET_STREET,
    SOLBAKKEN,
    Register,
)

BASE = "/folkeregisteret/api/v1"
UNKNOWN = "01815049914"  # valid, synthetic, never issued in these tests
BAD_CHECK_DIGIT = "01815049915"


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


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/personer/{UNKNOWN}"),
        ("POST", "/personer/bulkoppslag"),
        ("GET", "/hendelser/feed?seq=1"),
        ("GET", "/hendelser/siste/sekvensnummer"),
        ("POST", "/registreringer/doedsfall"),
    ],
)
def test_every_endpoint_needs_the_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, BASE + path, json={})
    _problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_get_person_and_parts(frg: Register, api: TestClient) -> None:
    ident = frg.person()
    document = api.get(f"{BASE}/personer/{ident}").json()
    assert document["identifikasjonsnummer"][0]["foedselsEllerDNummer"] == ident
    assert document["bostedsadresse"][0]["vegadresse"]["adressenavn"] == "Storgata"
    only = api.get(f"{BASE}/personer/{ident}", params=[("part", "navn"), ("part", "kjoenn")])
    assert set(only.json()) == {"identifikasjonsnummer", "navn", "kjoenn"}
    assert (
        "Known parts"
        in _problem(api.get(f"{BASE}/personer/{ident}?part=skostørrelse"), 422)["detail"]
    )


def test_an_invalid_identifier_is_422_saying_what_is_wrong(frg: Register, api: TestClient) -> None:
    body = _problem(api.get(f"{BASE}/personer/{BAD_CHECK_DIGIT}"), 422)
    assert "check digit" in body["detail"]
    assert BAD_CHECK_DIGIT not in body["detail"]
    assert "11 digits" in _problem(api.get(f"{BASE}/personer/123"), 422)["detail"]


def test_an_unknown_person_is_404(frg: Register, api: TestClient) -> None:
    _problem(api.get(f"{BASE}/personer/{UNKNOWN}"), 404)


def test_bulk_lookup_mirrors_the_real_shape(frg: Register, api: TestClient) -> None:
    first, second = frg.person(), frg.person(foedselsdato=date(1970, 2, 2))
    asked = [first, UNKNOWN, BAD_CHECK_DIGIT, second]
    response = api.post(
        f"{BASE}/personer/bulkoppslag?part=navn", json={"foedselsEllerDNummer": asked}
    )
    assert response.status_code == 200, response.text
    oppslag = response.json()["oppslag"]
    assert [o["foedselsEllerDNummer"] for o in oppslag] == asked
    assert set(oppslag[0]["folkeregisterperson"]) == {"identifikasjonsnummer", "navn"}
    assert "folkeregisterperson" not in oppslag[1] and oppslag[1]["feilmelding"]["feilmelding"]
    assert "check digit" in oppslag[2]["feilmelding"]["feilmelding"]
    assert (
        oppslag[3]["folkeregisterperson"]["identifikasjonsnummer"][0]["foedselsEllerDNummer"]
        == second
    )
    also = api.post(f"{BASE}/personer/bulkoppslag", json={"identifikatorer": [first]})
    assert also.json()["oppslag"][0]["folkeregisterperson"] is not None


def test_bulk_lookup_of_more_than_1000_is_413(frg: Register, api: TestClient) -> None:
    body = _problem(
        api.post(f"{BASE}/personer/bulkoppslag", json={"foedselsEllerDNummer": [UNKNOWN] * 1001}),
        413,
    )
    assert "1000" in body["detail"]


def test_feed_starts_at_seq_inclusive_and_supports_etag(frg: Register, api: TestClient) -> None:
    ident = frg.person()
    frg.run(ops.register_move, ident=ident, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 1))
    frg.run(ops.set_address_protection, ident=ident, gradering="klientadresse")
    frg.run(ops.register_death, ident=ident, doedsdato=date(2025, 5, 30))
    everything = api.get(f"{BASE}/hendelser/feed").json()
    numbers = [e["sekvensnummer"] for e in everything]
    assert len(numbers) == 4 and numbers == sorted(numbers)
    assert everything[0]["hendelse"]["hendelsetype"] == "endringIBostedsadresse"
    assert everything[0]["hendelse"]["folkeregisteridentifikator"] == ident
    assert {"ajourholdstidspunkt", "hendelsesdokument"} <= everything[0]["hendelse"].keys()

    page = api.get(f"{BASE}/hendelser/feed", params={"seq": numbers[1], "antall": 2})
    assert [e["sekvensnummer"] for e in page.json()] == numbers[1:3]
    etag = page.headers["etag"]
    again = api.get(
        f"{BASE}/hendelser/feed",
        params={"seq": numbers[1], "antall": 2},
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304 and again.headers["etag"] == etag and again.content == b""
    tail = api.get(f"{BASE}/hendelser/feed", params={"seq": numbers[-1] + 1})
    assert tail.json() == []
    frg.run(
        ops.change_name,
        ident=frg.person(),
        fornavn="Ny",
        mellomnavn=None,
        etternavn="Navn",
        gyldig_fra=date(2025, 5, 1),
    )
    changed = api.get(
        f"{BASE}/hendelser/feed",
        params={"seq": numbers[-1] + 1},
        headers={"If-None-Match": tail.headers["etag"]},
    )
    assert changed.status_code == 200 and len(changed.json()) == 1
    siste = api.get(f"{BASE}/hendelser/siste/sekvensnummer").json()
    assert siste == {"sekvensnummer": changed.json()[0]["sekvensnummer"]}
    _problem(api.get(f"{BASE}/hendelser/feed", params={"antall": 1001}), 422)


# ------------------------------------------------------------------------------------------
# Registrations
# ------------------------------------------------------------------------------------------


def test_registrations_return_the_changed_documents(frg: Register, api: TestClient) -> None:
    mor = frg.person(foedselsdato=date(1990, 4, 2))
    far = frg.person(foedselsdato=date(1988, 7, 9), kjoenn="mann")

    married = api.post(
        f"{BASE}/registreringer/ekteskap",
        json={"person1": mor, "person2": far, "sivilstandsdato": "2020-06-20"},
    )
    assert married.status_code == 201, married.text
    assert [p["sivilstand"][0]["sivilstand"] for p in married.json()["personer"]] == ["gift"] * 2

    born = api.post(
        f"{BASE}/registreringer/foedsel",
        json={
            "mor": mor,
            "farEllerMedmor": far,
            "foedselsdato": "2025-05-20",
            "kjoenn": "kvinne",
            "fornavn": "Ingrid",
        },
    )
    assert born.status_code == 201, born.text
    child = born.json()["identifikasjonsnummer"][0]["foedselsEllerDNummer"]
    assert born.json()["foreldreansvar"][0]["ansvar"] == "felles"

    moved = api.post(
        f"{BASE}/registreringer/flytting",
        json={
            "foedselsEllerDNummer": child,
            "adresseIdentifikatorFraMatrikkelen": SOLBAKKEN,
            "flyttedato": "2025-05-25",
            "bruksenhetsnummer": "H0102",
        },
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["bostedsadresse"][0]["vegadresse"]["bruksenhetsnummer"] == "H0102"

    renamed = api.post(
        f"{BASE}/registreringer/navneendring",
        json={
            "foedselsEllerDNummer": child,
            "fornavn": "Ingrid",
            "mellomnavn": "Sol",
            "etternavn": "Nordmann",
            "gyldigFraOgMed": "2025-05-28",
        },
    )
    assert renamed.json()["navn"][0]["mellomnavn"] == "Sol"

    divorced = api.post(
        f"{BASE}/registreringer/skilsmisse",
        json={"person1": mor, "person2": far, "sivilstandsdato": "2025-05-30"},
    )
    assert divorced.status_code == 201
    assert divorced.json()["personer"][1]["sivilstand"][0]["sivilstand"] == "skilt"

    left = api.post(
        f"{BASE}/registreringer/utflytting",
        json={
            "foedselsEllerDNummer": far,
            "tilflyttingsland": "DNK",
            "utflyttingsdato": "2025-05-31",
        },
    )
    assert left.json()["status"][0]["status"] == "utflyttet"
    assert left.json()["utflytting"][0]["tilflyttingsland"] == "DNK"

    came = api.post(
        f"{BASE}/registreringer/innflytting",
        json={
            "fornavn": "Lena",
            "etternavn": "Berg",
            "foedselsdato": "1999-09-09",
            "kjoenn": "kvinne",
            "statsborgerskap": ["DEU"],
            "fraflyttingsland": "DEU",
            "innflyttingsdato": "2025-05-01",
            "dNummer": True,
        },
    )
    assert came.status_code == 201, came.text
    assert came.json()["identifikasjonsnummer"][0]["identifikatortype"] == "dNummer"
    assert came.json()["innflytting"][0]["fraflyttingsland"] == "DEU"

    died = api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": mor, "doedsdato": "2025-06-01"},
    )
    assert died.json()["doedsfall"]["doedsdato"] == "2025-06-01"


def test_a_refused_registration_writes_nothing_and_emits_nothing(
    frg: Register, api: TestClient
) -> None:
    mor = frg.person()
    other = frg.person(foedselsdato=date(1980, 1, 1))
    before = frg.snapshot()
    future = api.post(
        f"{BASE}/registreringer/foedsel",
        json={"mor": mor, "foedselsdato": "2025-06-02", "kjoenn": "mann", "fornavn": "X"},
    )
    assert "future" in _problem(future, 422)["detail"]
    bad_ident = api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": BAD_CHECK_DIGIT, "doedsdato": "2025-01-01"},
    )
    assert "check digit" in _problem(bad_ident, 422)["detail"]
    assert BAD_CHECK_DIGIT not in bad_ident.text
    unknown_field = api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": mor, "doedsdato": "2025-01-01", "aarsak": "x"},
    )
    _problem(unknown_field, 422)
    not_found = api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": UNKNOWN, "doedsdato": "2025-01-01"},
    )
    _problem(not_found, 404)
    partnership = api.post(
        f"{BASE}/registreringer/ekteskap",
        json={
            "person1": mor,
            "person2": other,
            "sivilstandsdato": "2020-01-01",
            "partnerskap": True,
        },
    )
    assert "2009" in _problem(partnership, 422)["detail"]
    assert frg.snapshot() == before
    api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": mor, "doedsdato": "2025-01-01"},
    )
    again = api.post(
        f"{BASE}/registreringer/doedsfall",
        json={"foedselsEllerDNummer": mor, "doedsdato": "2025-01-01"},
    )
    _problem(again, 409)
    after = frg.snapshot()
    assert after.outbox == before.outbox + 2  # only the one accepted death
    assert after.persons == before.persons


def test_a_protected_address_never_leaves_the_api(frg: Register, api: TestClient) -> None:
    mor = frg.person(adressebeskyttelse="strengtFortrolig", adresse_id=None)
    texts = [
        api.post(
            f"{BASE}/registreringer/flytting",
            json={
                "foedselsEllerDNummer": mor,
                "adresseIdentifikatorFraMatrikkelen": HEMMELIGVEIEN,
                "flyttedato": "2025-05-01",
            },
        ).text
    ]
    born = api.post(
        f"{BASE}/registreringer/foedsel",
        json={"mor": mor, "foedselsdato": "2025-05-20", "kjoenn": "mann", "fornavn": "Odd"},
    )
    child = born.json()["identifikasjonsnummer"][0]["foedselsEllerDNummer"]
    texts += [
        born.text,
        api.get(f"{BASE}/personer/{mor}").text,
        api.get(f"{BASE}/personer/{child}").text,
        api.get(f"{BASE}/personer/{mor}?part=bostedsadresse").text,
        api.post(f"{BASE}/personer/bulkoppslag", json={"foedselsEllerDNummer": [mor, child]}).text,
        api.get(f"{BASE}/hendelser/feed").text,
    ]
    with frg.database.read_session() as session:
        from felles.kernel.events import read_events

        texts += [str(s.event.to_cloudevent()) for s in read_events(session)]
    assert (
        api.get(f"{BASE}/personer/{mor}").json()["adressebeskyttelse"][0]["graderingsnivaa"]
        == "strengtFortrolig"
    )
    for text in texts:
        assert SECRET_STREET not in text
        assert "TRONDHEIM" not in text and "7011" not in text and "300000003" not in text


def test_numbers_beyond_bigint_are_422_not_500(frg: Register, api: TestClient) -> None:
    # schemathesis found seq=2**63+1 overflowing the database driver (a 500 on SQLite).
    _problem(api.get(f"{BASE}/hendelser/feed", params={"seq": 2**63}), 422)
    assert api.get(f"{BASE}/hendelser/feed", params={"seq": 2**63 - 1}).json() == []
    move = {
        "foedselsEllerDNummer": frg.person(),
        "adresseIdentifikatorFraMatrikkelen": 2**63,
        "flyttedato": "2025-06-01",
    }
    too_big = _problem(api.post(f"{BASE}/registreringer/flytting", json=move), 422)
    assert too_big["errors"][0]["location"] == ["body", "adresseIdentifikatorFraMatrikkelen"]
    largest = move | {"adresseIdentifikatorFraMatrikkelen": 2**63 - 1}
    unknown = _problem(api.post(f"{BASE}/registreringer/flytting", json=largest), 422)
    assert unknown["detail"].startswith("No address")


def test_a_name_with_a_nul_character_is_422_and_writes_nothing(
    frg: Register, api: TestClient
) -> None:
    # schemathesis found etternavn "\u0000": PostgreSQL refused it, a 500 (SQLite stored it).
    ident = frg.person()
    before = frg.snapshot()
    body = {
        "foedselsEllerDNummer": ident,
        "fornavn": "Kari",
        "etternavn": "Nord\u0000mann",
        "gyldigFraOgMed": "2025-05-20",
    }
    problem = _problem(api.post(f"{BASE}/registreringer/navneendring", json=body), 422)
    assert "NUL" in problem["detail"]
    assert frg.snapshot() == before
    text = {**body, "etternavn": "Nord\\u0000mann"}  # a backslash and "u0000" are just text
    assert api.post(f"{BASE}/registreringer/navneendring", json=text).status_code == 201


def test_openapi_documents_the_document_schema(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    assert f"{BASE}/personer/{{ident}}" in spec["paths"]
    assert f"{BASE}/hendelser/siste/sekvensnummer" in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert {"erGjeldende", "foedekommuneINorge"} <= schemas["Foedsel"]["properties"].keys()
    assert "Folkeregisterperson" in schemas and "BulkoppslagResponse" in schemas


def test_a_registration_that_loses_a_race_is_run_again(frg: Register) -> None:
    """A unique-index or version clash (two writers at once) retries on the new state."""
    from sqlalchemy.exc import IntegrityError

    from felles.registries.folkeregister.api import _register

    mor = frg.person(foedselsdato=date(1990, 4, 2))
    attempts = {"n": 0}

    def clashing_once(uow: UnitOfWork) -> Person:
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return frg.get(mor)

    document = _register(frg.database, clashing_once)
    assert attempts["n"] == 2
    assert document["identifikasjonsnummer"][0]["foedselsEllerDNummer"] == mor


def test_a_registration_that_keeps_clashing_is_a_409(frg: Register) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from felles.kernel.errors import Conflict
    from felles.registries.folkeregister.api import _register

    def always_stale(uow: UnitOfWork) -> Person:
        raise StaleDataError("row changed")

    with pytest.raises(Conflict):
        _register(frg.database, always_stale)
