"""The open API (real paths and JSON) and the admin write endpoints."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret.operations import Adresse, RolleInput
from felles.registries.enhetsregisteret.seed import seed_public_sector
from tests.registries.enhetsregisteret.conftest import Register

API = "/enhetsregisteret/api"
BASE = f"http://testserver{API}"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    return body


def _company(register: Register, **kwargs: Any) -> str:
    values: dict[str, Any] = {
        "navn": "Fjord og Fjell AS",
        "organisasjonsform": "AS",
        "naeringskode": "62.010",
        "forretningsadresse": Adresse(adresse=["Storgata 1"], postnummer="0155"),
        "stiftelsesdato": date(2025, 5, 20),
        "antall_ansatte": 12,
    } | kwargs
    return register.orgnr(ops.register_enhet, **values)


def test_enhet_lookup_has_the_real_fields(register: Register, client: TestClient) -> None:
    orgnr = _company(register)
    response = client.get(f"{API}/enheter/{orgnr}")
    assert response.status_code == 200
    assert response.json() == {
        "organisasjonsnummer": orgnr,
        "navn": "Fjord og Fjell AS",
        "organisasjonsform": {
            "kode": "AS",
            "beskrivelse": "Aksjeselskap",
            "_links": {"self": {"href": f"{BASE}/organisasjonsformer/AS"}},
        },
        "registreringsdatoEnhetsregisteret": "2025-06-01",
        "registrertIMvaregisteret": False,
        "naeringskode1": {"kode": "62.010", "beskrivelse": "Programmeringstjenester"},
        "antallAnsatte": 12,
        "harRegistrertAntallAnsatte": True,
        "forretningsadresse": {
            "land": "Norge",
            "landkode": "NO",
            "postnummer": "0155",
            "poststed": "OSLO",
            "adresse": ["Storgata 1"],
            "kommune": "OSLO",
            "kommunenummer": "0301",
        },
        "stiftelsesdato": "2025-05-20",
        "institusjonellSektorkode": {"kode": "2100", "beskrivelse": "Private aksjeselskaper mv."},
        "registrertIForetaksregisteret": True,
        "registrertIStiftelsesregisteret": False,
        "registrertIFrivillighetsregisteret": False,
        "konkurs": False,
        "underAvvikling": False,
        "underTvangsavviklingEllerTvangsopplosning": False,
        "maalform": "Bokmål",
        "_links": {"self": {"href": f"{BASE}/enheter/{orgnr}"}},
    }


def test_unknown_deleted_and_invalid_numbers(register: Register, client: TestClient) -> None:
    orgnr = _company(register)
    sub = register.orgnr(ops.register_underenhet, overordnet=orgnr, navn="Avd")
    _problem(client.get(f"{API}/enheter/312345676"), 404)
    _problem(client.get(f"{API}/enheter/{sub}"), 404)  # a sub-unit is not an enhet
    _problem(client.get(f"{API}/underenheter/{orgnr}"), 404)
    assert "check digit" in _problem(client.get(f"{API}/enheter/312345677"), 422)["detail"]
    register.clock.advance(timedelta(days=1))
    register.run(ops.delete_unit, orgnr=orgnr)
    gone = _problem(client.get(f"{API}/enheter/{orgnr}"), 410)
    assert gone["slettedato"] == "2025-06-02"
    assert _problem(client.get(f"{API}/underenheter/{sub}"), 410)["slettedato"] == "2025-06-02"
    _problem(client.get(f"{API}/enheter/{orgnr}/roller"), 410)


def test_search_by_name_words_filters_and_paging(register: Register, client: TestClient) -> None:
    seed_public_sector(register.database)
    _company(register)
    _company(
        register,
        navn="Fjellstue Drift AS",
        naeringskode="55.101",
        forretningsadresse=Adresse(kommunenummer="4601"),
    )
    register.orgnr(ops.register_enhet, navn="Brønnøysund Fjellsport", organisasjonsform="ENK")

    def names(**params: Any) -> list[str]:
        response = client.get(f"{API}/enheter", params=params)
        assert response.status_code == 200, response.text
        return [e["navn"] for e in response.json().get("_embedded", {}).get("enheter", [])]

    assert names(navn="fjell") == [
        "Fjellstue Drift AS",
        "Fjord og Fjell AS",
        "Brønnøysund Fjellsport",
    ]
    assert names(navn="FJELL fjord") == ["Fjord og Fjell AS"]
    assert names(navn="bronnoysund") == ["Brønnøysund Fjellsport", "BRØNNØYSUNDREGISTRENE"]
    assert names(navn="brønnøy") == [
        "BRØNNØY KOMMUNE",
        "BRØNNØYSUNDREGISTRENE",
        "Brønnøysund Fjellsport",
    ]
    assert names(navn="jell") == [], "words match from their beginning"
    assert names(navn="fjell", kommunenummer="4601") == ["Fjellstue Drift AS"]
    assert names(navn="fjell", organisasjonsform="ENK,ASA") == ["Brønnøysund Fjellsport"]
    assert names(naeringskode="55") == ["Fjellstue Drift AS"]
    assert names(navn="kommune", kommunenummer="0301,1813") == ["OSLO KOMMUNE", "BRØNNØY KOMMUNE"]
    assert names(navn="!!!") == []

    response = client.get(
        f"{API}/enheter", params={"organisasjonsform": "KOMM", "size": 100, "page": 1}
    )
    body = response.json()
    assert body["page"] == {"size": 100, "totalElements": 357, "totalPages": 4, "number": 1}
    assert len(body["_embedded"]["enheter"]) == 100
    assert set(body["_links"]) == {"self", "first", "last", "prev", "next"}
    assert "page=2" in body["_links"]["next"]["href"]
    empty = client.get(f"{API}/enheter", params={"navn": "zzzz"}).json()
    assert "_embedded" not in empty and empty["page"]["totalElements"] == 0
    too_deep = client.get(f"{API}/enheter", params={"page": 500, "size": 20})
    _problem(too_deep, 400)
    _problem(client.get(f"{API}/enheter", params={"kommunenummer": "03x1"}), 422)


def test_sub_units_search_and_lookup(register: Register, client: TestClient) -> None:
    main = _company(register)
    sub = register.orgnr(
        ops.register_underenhet,
        overordnet=main,
        navn="Fjord og Fjell Bergen",
        kommunenummer="4601",
        naeringskode="62.010",
        antall_ansatte=3,
    )
    body = client.get(f"{API}/underenheter/{sub}").json()
    assert body["overordnetEnhet"] == main
    assert body["organisasjonsform"]["kode"] == "BEDR"
    assert body["beliggenhetsadresse"]["kommune"] == "BERGEN"
    assert body["_links"]["overordnetEnhet"]["href"] == f"{BASE}/enheter/{main}"
    found = client.get(f"{API}/underenheter", params={"overordnetEnhet": main}).json()
    assert [u["organisasjonsnummer"] for u in found["_embedded"]["underenheter"]] == [sub]
    assert (
        client.get(f"{API}/enheter", params={"navn": "bergen"}).json()["page"]["totalElements"] == 0
    )


def test_roller_in_groups(register: Register, client: TestClient) -> None:
    dagl = register.person(fornavn="Dagny", mellomnavn="Eli")
    leder, medlem = register.person(fornavn="Leif"), register.person(fornavn="Mia")
    revisor = _company(register, navn="Revisjon og Råd AS", naeringskode="69.202")
    orgnr = _company(
        register,
        roller=[
            RolleInput("MEDL", person=medlem),
            RolleInput("DAGL", person=dagl),
            RolleInput("REVI", enhet=revisor),
            RolleInput("LEDE", person=leder),
        ],
    )
    body = client.get(f"{API}/enheter/{orgnr}/roller").json()
    groups = [
        (g["type"]["kode"], [r["type"]["kode"] for r in g["roller"]]) for g in body["rollegrupper"]
    ]
    assert groups == [("DAGL", ["DAGL"]), ("STYR", ["MEDL", "LEDE"]), ("REVI", ["REVI"])]
    dagl_group = body["rollegrupper"][0]
    assert dagl_group["sistEndret"] == "2025-06-01"
    assert dagl_group["roller"][0] == {
        "type": {"kode": "DAGL", "beskrivelse": "Daglig leder/ adm.direktør"},
        "person": {
            "fodselsdato": register_birth(register, dagl),
            "navn": {"fornavn": "Dagny", "mellomnavn": "Eli", "etternavn": "Nordmann"},
            "erDoed": False,
        },
        "fratraadt": False,
        "avregistrert": False,
        "rekkefolge": 1,
    }
    assert body["rollegrupper"][2]["roller"][0]["enhet"]["navn"] == ["Revisjon og Råd AS"]
    assert body["rollegrupper"][2]["roller"][0]["enhet"]["erSlettet"] is False
    assert dagl not in client.get(f"{API}/enheter/{orgnr}/roller").text


def register_birth(register: Register, ident: str) -> str:
    from felles.registries.folkeregister import queries as frg

    with register.database.read_session() as session:
        person = frg.get_person(session, ident=ident)
        assert person is not None
        return person.foedselsdato.isoformat()


def test_change_feed(register: Register, client: TestClient) -> None:
    orgnr = _company(register)
    register.clock.advance(timedelta(hours=2))
    sub = register.orgnr(ops.register_underenhet, overordnet=orgnr, navn="Avd")
    register.run(ops.change_unit, orgnr=orgnr, antall_ansatte=13)
    register.run(ops.delete_unit, orgnr=orgnr)
    feed = client.get(f"{API}/oppdateringer/enheter").json()
    entries = feed["_embedded"]["oppdaterteEnheter"]
    assert [(e["oppdateringsid"], e["endringstype"]) for e in entries] == [
        (1, "Ny"),
        (3, "Endring"),
        (5, "Sletting"),
    ]
    assert entries[0] == {
        "oppdateringsid": 1,
        "dato": "2025-06-01T12:00:00+00:00",
        "organisasjonsnummer": orgnr,
        "endringstype": "Ny",
        "_links": {"enhet": {"href": f"{BASE}/enheter/{orgnr}"}},
    }
    later = client.get(
        f"{API}/oppdateringer/enheter", params={"dato": "2025-06-01T13:00:00+00:00"}
    ).json()
    assert [e["oppdateringsid"] for e in later["_embedded"]["oppdaterteEnheter"]] == [3, 5]
    from_id = client.get(f"{API}/oppdateringer/enheter", params={"oppdateringsid": 4}).json()
    assert [e["oppdateringsid"] for e in from_id["_embedded"]["oppdaterteEnheter"]] == [5]
    subs = client.get(f"{API}/oppdateringer/underenheter").json()["_embedded"]
    assert [
        (e["organisasjonsnummer"], e["endringstype"]) for e in subs["oppdaterteUnderenheter"]
    ] == [(sub, "Ny"), (sub, "Sletting")]
    _problem(client.get(f"{API}/oppdateringer/enheter", params={"oppdateringsid": 0}), 422)


def test_organisasjonsformer(client: TestClient) -> None:
    forms = client.get(f"{API}/organisasjonsformer").json()["_embedded"]["organisasjonsformer"]
    assert {"AS", "ENK", "KOMM", "FYLK", "STAT", "ORGL", "BEDR"} <= {f["kode"] for f in forms}
    assert client.get(f"{API}/organisasjonsformer/ENK").json()["beskrivelse"] == (
        "Enkeltpersonforetak"
    )
    _problem(client.get(f"{API}/organisasjonsformer/XX"), 404)


# --------------------------------------------------------------------- write endpoints


def test_write_endpoints(
    register: Register, client: TestClient, admin_headers: dict[str, str]
) -> None:
    dagl = register.person()
    url = f"{API}/registreringer"
    _problem(client.post(f"{url}/enheter", json={"navn": "X AS", "organisasjonsform": "AS"}), 401)
    created = client.post(
        f"{url}/enheter",
        headers=admin_headers,
        json={
            "navn": "Fjord og Fjell AS",
            "organisasjonsform": "AS",
            "naeringskode": "62.010",
            "forretningsadresse": {"adresse": ["Storgata 1"], "postnummer": "0155"},
            "antallAnsatte": 4,
            "roller": [{"rolletype": "DAGL", "person": dagl}],
        },
    )
    assert created.status_code == 201, created.text
    orgnr = created.json()["organisasjonsnummer"]
    assert created.json() == client.get(f"{API}/enheter/{orgnr}").json()

    sub = client.post(
        f"{url}/underenheter",
        headers=admin_headers,
        json={
            "overordnetEnhet": orgnr,
            "navn": "Avd Bergen",
            "beliggenhetsadresse": {"kommunenummer": "4601"},
        },
    )
    assert sub.status_code == 201, sub.text
    sub_nr = sub.json()["organisasjonsnummer"]

    changed = client.post(
        f"{url}/{sub_nr}/endring", headers=admin_headers, json={"antallAnsatte": 7}
    )
    assert changed.json()["antallAnsatte"] == 7
    _problem(
        client.post(f"{url}/{sub_nr}/endring", headers=admin_headers, json={"antallAnsatte": 7}),
        409,
    )

    roles = client.put(
        f"{url}/enheter/{orgnr}/roller",
        headers=admin_headers,
        json={"roller": [{"rolletype": "LEDE", "person": dagl}]},
    )
    assert [g["type"]["kode"] for g in roles.json()["rollegrupper"]] == ["STYR"]

    mva = client.post(f"{url}/enheter/{orgnr}/mvaregisteret", headers=admin_headers)
    assert mva.json()["registrertIMvaregisteret"] is True
    frivillig = f"{url}/enheter/{orgnr}/frivillighetsregisteret"
    assert client.post(frivillig, headers=admin_headers).status_code == 200
    _problem(client.post(frivillig, headers=admin_headers), 409)
    _problem(client.post(f"{url}/enheter/{orgnr}/tullregisteret", headers=admin_headers), 422)

    konkurs = client.post(
        f"{url}/enheter/{orgnr}/konkurs", headers=admin_headers, json={"dato": "2025-05-31"}
    )
    assert (konkurs.json()["konkurs"], konkurs.json()["konkursdato"]) == (True, "2025-05-31")
    avvikling = client.post(f"{url}/enheter/{orgnr}/avvikling", headers=admin_headers, json={})
    assert avvikling.json()["underAvvikling"] is True
    deleted = client.post(f"{url}/{orgnr}/sletting", headers=admin_headers, json={})
    assert deleted.json()["slettedato"] == "2025-06-01"
    _problem(client.get(f"{API}/underenheter/{sub_nr}"), 410)
    _problem(client.post(f"{url}/{orgnr}/sletting", headers=admin_headers, json={}), 409)
    _problem(client.post(f"{url}/312345676/sletting", headers=admin_headers, json={}), 404)
    _problem(
        client.post(
            f"{url}/enheter",
            headers=admin_headers,
            json={"navn": "X", "organisasjonsform": "AS", "naeringskode": "1"},
        ),
        422,
    )
