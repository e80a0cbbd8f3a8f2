"""The address register: registering, refusals, search, random picks and the open API."""

from __future__ import annotations

import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.kernel.db import Database
from felles.kernel.errors import Conflict, InvalidInput, Problem
from felles.kernel.events import OutboxRow, read_events
from felles.registries.adresser import events, operations, queries
from felles.registries.adresser.model import Vegadresse

OSLO, BERGEN = "0301", "4601"


def _outbox_count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(OutboxRow)) or 0


def _address_count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(Vegadresse)) or 0


def _register(database: Database, **overrides: Any) -> Vegadresse:
    values: dict[str, Any] = {
        "kommunenummer": OSLO,
        "adressenavn": "Storgata",
        "adressekode": 1001,
        "husnummer": 5,
        "husbokstav": None,
        "postnummer": "0184",
    }
    values.update(overrides)
    with database.unit_of_work() as uow:
        address = operations.register_vegadresse(uow, **values)
        uow.commit()
    return address


def _seed_street(database: Database, *, name: str, kode: int, numbers: range, **kw: Any) -> None:
    for number in numbers:
        _register(database, adressenavn=name, adressekode=kode, husnummer=number, **kw)


# ------------------------------------------------------------------------------ operations


def test_register_assigns_ids_and_emits_an_event(database: Database) -> None:
    first = _register(database)
    second = _register(database, husnummer=7, husbokstav="b", antall_bruksenheter=6)
    assert (first.id, second.id) == (1, 2)
    assert second.husbokstav == "B"
    assert first.poststed == "OSLO"
    with database.read_session() as session:
        stored = queries.get_vegadresse(session, 2)
        assert stored is not None and stored.antall_bruksenheter == 6
        assert queries.get_vegadresse(session, 99) is None
        (created, _) = read_events(session, source=events.SOURCE)
    assert created.event.type == "no.matrikkelen.adresseOpprettet"
    assert created.event.source == "/matrikkelen/adresser"
    assert created.event.subject == "1"
    assert created.event.data["adressenavn"] == "Storgata"
    assert created.event.data["adresseIdentifikatorFraMatrikkelen"] == 1


@pytest.mark.parametrize(
    ("overrides", "problem", "fragment"),
    [
        ({"kommunenummer": "9999"}, InvalidInput, "not a Norwegian municipality"),
        ({"kommunenummer": "301"}, InvalidInput, "four digits"),
        ({"postnummer": "0002"}, InvalidInput, "does not exist"),
        ({"postnummer": "0001"}, InvalidInput, "not used for street addresses"),
        ({"postnummer": "5003"}, InvalidInput, "belongs to municipality 4601"),
        ({"adressenavn": "   "}, InvalidInput, "must not be empty"),
        ({"husnummer": 0}, InvalidInput, "husnummer"),
        ({"adressekode": 100_000}, InvalidInput, "adressekode"),
        ({"husbokstav": "1"}, InvalidInput, "single letter"),
        ({"antall_bruksenheter": 0}, InvalidInput, "antall_bruksenheter"),
        ({}, Conflict, "already exists"),
        ({"adressenavn": "Lillegata", "husnummer": 9}, Conflict, "already the street"),
    ],
)
def test_refusals_write_nothing_and_emit_nothing(
    database: Database, overrides: dict[str, Any], problem: type[Problem], fragment: str
) -> None:
    _register(database)
    before = (_outbox_count(database), _address_count(database))
    with pytest.raises(problem, match=fragment):
        _register(database, **overrides)
    assert (_outbox_count(database), _address_count(database)) == before


def test_same_number_with_and_without_letter_are_different_addresses(database: Database) -> None:
    _register(database)
    _register(database, husbokstav="A")
    with pytest.raises(Conflict):
        _register(database, husbokstav="A")
    assert _address_count(database) == 2


# --------------------------------------------------------------------------------- queries


def test_search_by_parameters_and_free_text(database: Database) -> None:
    _seed_street(database, name="Storgata", kode=1001, numbers=range(1, 6))
    _register(database, adressenavn="Storgata", adressekode=1001, husnummer=5, husbokstav="B")
    _register(database, adressenavn="Østre gate", adressekode=1002, husnummer=1)
    _seed_street(
        database, name="Storgata", kode=2001, numbers=range(1, 3), kommunenummer=BERGEN,
        postnummer="5003",
    )  # fmt: skip
    with database.read_session() as session:
        assert queries.search(session, adressenavn="storg").totalt_antall_treff == 8
        assert queries.search(session, kommunenummer=OSLO).totalt_antall_treff == 7
        hits = queries.search(session, sok="Storgata 5B").adresser
        assert [(a.husnummer, a.husbokstav) for a in hits] == [(5, "B")]
        assert queries.search(session, sok="storgata 2, 5003").totalt_antall_treff == 1
        assert queries.search(session, sok="storgata, bergen").totalt_antall_treff == 2
        assert queries.search(session, sok="St*ta 1").totalt_antall_treff == 2
        assert queries.search(session, sok="østre").totalt_antall_treff == 1
        assert queries.search(session, nummer=5, bokstav="b").totalt_antall_treff == 1
        assert queries.search(session, postnummer="5003").totalt_antall_treff == 2
        assert queries.search(session, sok="100%").totalt_antall_treff == 0
        assert queries.count_in_kommune(session, kommunenummer=OSLO) == 7
        assert queries.count_in_kommune(session, kommunenummer="5001") == 0


def test_search_pages_in_id_order(database: Database) -> None:
    _seed_street(database, name="Storgata", kode=1001, numbers=range(1, 26))
    with database.read_session() as session:
        page = queries.search(session, kommunenummer=OSLO, side=2, treffPerSide=10)
        assert page.totalt_antall_treff == 25
        assert [a.husnummer for a in page.adresser] == list(range(21, 26))


def test_random_addresses_come_from_the_municipality(database: Database) -> None:
    _seed_street(database, name="Storgata", kode=1001, numbers=range(1, 11))
    _seed_street(
        database, name="Bryggen", kode=2001, numbers=range(1, 11), kommunenummer=BERGEN,
        postnummer="5003",
    )  # fmt: skip
    _seed_street(database, name="Kirkeveien", kode=1003, numbers=range(1, 11))
    rng = random.Random(7)
    with database.read_session() as session:
        picks = queries.random_addresses(session, kommunenummer=OSLO, n=200, rng=rng)
        ranges = queries.id_ranges_by_kommune(session)
        bergen = queries.random_addresses(
            session, kommunenummer=BERGEN, n=5, rng=rng, id_range=ranges[BERGEN]
        )
        none = queries.random_addresses(session, kommunenummer="5001", n=3, rng=rng)
        assert len(picks) == 200 and {a.kommunenummer for a in picks} == {OSLO}
        assert len({a.id for a in picks}) == 20  # every Oslo address is reachable
        assert ranges[BERGEN] == queries.IdRange(first=11, last=20)
        assert {a.kommunenummer for a in bergen} == {BERGEN}
        assert none == []


def test_bruksenhetsnumre_fill_floors() -> None:
    assert queries.bruksenhetsnumre(antall_bruksenheter=1) == []
    assert queries.bruksenhetsnumre(antall_bruksenheter=6) == [
        "H0101", "H0102", "H0103", "H0104", "H0201", "H0202",
    ]  # fmt: skip


# ------------------------------------------------------------------------------------- API


def test_open_search_needs_no_token_and_has_kartverkets_shape(
    database: Database, client: TestClient
) -> None:
    _register(database, husbokstav="B", antall_bruksenheter=2)
    response = client.get("/adresser/v1/sok", params={"sok": "Storgata 5B"})
    assert response.status_code == 200
    body = response.json()
    assert body["metadata"] == {
        "side": 0,
        "treffPerSide": 10,
        "totaltAntallTreff": 1,
        "viserFra": 0,
        "viserTil": 10,
        "sokeStreng": "sok=Storgata+5B",
        "asciiKompatibel": True,
    }
    (adresse,) = body["adresser"]
    assert adresse == {
        "adressenavn": "Storgata",
        "adressetekst": "Storgata 5B",
        "adressetilleggsnavn": None,
        "adressekode": 1001,
        "nummer": 5,
        "bokstav": "B",
        "kommunenummer": "0301",
        "kommunenavn": "OSLO",
        "undernummer": None,
        "bruksenhetsnummer": ["H0101", "H0102"],
        "objtype": "Vegadresse",
        "poststed": "OSLO",
        "postnummer": "0184",
        "adressetekstutenadressetilleggsnavn": "Storgata 5B",
        "adresseIdentifikatorFraMatrikkelen": 1,
    }


def test_search_paging_metadata(database: Database, client: TestClient) -> None:
    _seed_street(database, name="Storgata", kode=1001, numbers=range(1, 24))
    params: dict[str, str | int] = {"kommunenummer": OSLO, "side": 2, "treffPerSide": 10}
    body = client.get("/adresser/v1/sok", params=params).json()
    assert body["metadata"]["totaltAntallTreff"] == 23
    assert (body["metadata"]["viserFra"], body["metadata"]["viserTil"]) == (20, 30)
    assert body["metadata"]["sokeStreng"] == "kommunenummer=0301&side=2&treffPerSide=10"
    assert [a["nummer"] for a in body["adresser"]] == [21, 22, 23]
    empty = client.get("/adresser/v1/sok", params={**params, "side": 5}).json()
    assert empty["adresser"] == [] and empty["metadata"]["totaltAntallTreff"] == 23


def test_search_parameters_are_validated(database: Database, client: TestClient) -> None:
    response = client.get("/adresser/v1/sok", params={"treffPerSide": 1001})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/adresser/v1/sok", params={"side": -1}).status_code == 422


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/adresser/v1/vegadresser/9223372036854775808", {}),
        ("/adresser/v1/sok", {"nummer": 2**31}),  # husnummer is an INTEGER column
        ("/adresser/v1/sok", {"side": 2**63 // 1000 + 1}),
    ],
)
def test_numbers_beyond_the_column_types_are_422_not_500(
    database: Database, client: TestClient, path: str, params: dict[str, Any]
) -> None:
    # Such numbers overflowed the database driver or PostgreSQL's cast: a 500, not a problem.
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_nul_character_is_422_not_500(
    database: Database, client: TestClient, admin_headers: dict[str, str]
) -> None:
    # PostgreSQL refuses U+0000 in text, in a search term as in a stored street name.
    search = client.get("/adresser/v1/sok", params={"sok": "Storgata\x00"})
    assert search.status_code == 422
    assert search.headers["content-type"] == "application/problem+json"
    body = {
        "kommunenummer": OSLO,
        "adressenavn": "Stor\x00gata",
        "adressekode": 1001,
        "nummer": 5,
        "postnummer": "0184",
    }
    created = client.post("/adresser/v1/vegadresser", json=body, headers=admin_headers)
    assert created.status_code == 422
    assert _address_count(database) == 0 and _outbox_count(database) == 0


def test_the_largest_numbers_allowed_are_answered(database: Database, client: TestClient) -> None:
    largest = {"nummer": 2**31 - 1, "side": 2**63 // 1000, "treffPerSide": 1000}
    response = client.get("/adresser/v1/sok", params=largest)
    assert response.status_code == 200 and response.json()["adresser"] == []
    assert client.get(f"/adresser/v1/vegadresser/{2**63 - 1}").status_code == 404


def test_openapi_documents_the_problems(database: Database, client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"404", "422"} <= paths["/adresser/v1/vegadresser/{adresse_id}"]["get"][
        "responses"
    ].keys()
    assert {"401", "409", "422"} <= paths["/adresser/v1/vegadresser"]["post"]["responses"].keys()


def test_register_via_api_needs_the_admin_token(
    database: Database, client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {
        "kommunenummer": OSLO,
        "adressenavn": "Storgata",
        "adressekode": 1001,
        "nummer": 5,
        "postnummer": "0184",
    }
    assert client.post("/adresser/v1/vegadresser", json=body).status_code == 401
    created = client.post("/adresser/v1/vegadresser", json=body, headers=admin_headers)
    assert created.status_code == 201
    assert created.json()["adressetekst"] == "Storgata 5"
    assert created.json()["bokstav"] == ""
    again = client.post("/adresser/v1/vegadresser", json=body, headers=admin_headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    wrong = client.post(
        "/adresser/v1/vegadresser", json={**body, "postnummer": "5003"}, headers=admin_headers
    )
    assert wrong.status_code == 422 and "4601" in wrong.json()["detail"]
    fetched = client.get("/adresser/v1/vegadresser/1")
    assert fetched.status_code == 200 and fetched.json()["nummer"] == 5
    assert client.get("/adresser/v1/vegadresser/2").status_code == 404
    assert _outbox_count(database) == 1
