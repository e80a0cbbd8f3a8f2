"""The person's access log over HTTP: only their entries, oldest first, a page at a time."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.access.log.operations import append
from felles.kernel.db import Database
from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from tests.access.log.conftest import ANNE, BJOERN, CARL, KOMMUNE, NAV, at, entry

API = "/innsynslogg/api/v1/personer"


@pytest.fixture
def logged(database: Database) -> None:
    """Anne: four uses, out of time order across batches; Bjørn one; Carl acting for Anne."""
    with database.unit_of_work() as uow:
        append(uow, [entry(ANNE, tidspunkt=at(12), foresporsel_id="c")])
        append(
            uow,
            [
                entry(BJOERN, tidspunkt=at(9), foresporsel_id="b1"),
                entry(ANNE, tidspunkt=at(9), foresporsel_id="a", konsument=KOMMUNE),
                entry(
                    ANNE,
                    tidspunkt=at(10),
                    foresporsel_id="b",
                    aktoer=CARL,
                    fullmakt_id="fullmakt-7",
                    hjemmel=None,
                    samtykke_id="samtykke-3",
                ),
            ],
        )
        append(uow, [entry(ANNE, tidspunkt=at(8, day=3), foresporsel_id="d")])
        uow.commit()


def _get(client: TestClient, headers: dict[str, str], ident: str, **params: Any) -> Any:
    response = client.get(f"{API}/{ident}/innsyn", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_person_sees_only_their_entries_oldest_first(
    client: TestClient, admin_headers: dict[str, str], logged: None
) -> None:
    body = _get(client, admin_headers, ANNE)
    assert body["personidentifikator"] == ANNE
    assert [e["foresporselId"] for e in body["innsyn"]] == ["a", "b", "c", "d"]
    assert body["side"] == {
        "nummer": 0,
        "stoerrelse": 20,
        "totaltAntall": 4,
        "totaltAntallSider": 1,
    }
    by_delegate = body["innsyn"][1]
    assert (by_delegate["aktoer"], by_delegate["fullmaktId"]) == (CARL, "fullmakt-7")
    assert (by_delegate["samtykkeId"], by_delegate["hjemmel"]) == ("samtykke-3", None)
    first = body["innsyn"][0]
    assert first["konsument"] == {"organisasjonsnummer": KOMMUNE, "navn": None}
    assert first["felter"] == ["bostedsadresse", "navn"]
    assert first["tidspunkt"].startswith("2025-06-01T09:00:00")
    assert set(first) == {
        "sekvensnummer",
        "tidspunkt",
        "konsument",
        "aktoer",
        "fullmaktId",
        "datasett",
        "felter",
        "formaal",
        "hjemmel",
        "samtykkeId",
        "foresporselId",
    }
    assert [e["foresporselId"] for e in _get(client, admin_headers, BJOERN)["innsyn"]] == ["b1"]
    assert _get(client, admin_headers, CARL)["innsyn"] == []


def test_pages_and_period(client: TestClient, admin_headers: dict[str, str], logged: None) -> None:
    pages = [_get(client, admin_headers, ANNE, antall=3, side=n) for n in range(3)]
    assert [[e["foresporselId"] for e in p["innsyn"]] for p in pages] == [
        ["a", "b", "c"],
        ["d"],
        [],
    ]
    assert pages[0]["side"]["totaltAntallSider"] == 2
    day_one = _get(client, admin_headers, ANNE, fra="2025-06-01", til="2025-06-01")
    assert [e["foresporselId"] for e in day_one["innsyn"]] == ["a", "b", "c"]
    later = _get(client, admin_headers, ANNE, fra="2025-06-02")
    assert [e["foresporselId"] for e in later["innsyn"]] == ["d"]
    assert _get(client, admin_headers, ANNE, til="9999-12-31")["side"]["totaltAntall"] == 4


def test_the_consumer_is_named_from_enhetsregisteret(
    client: TestClient, admin_headers: dict[str, str], logged: None, database: Database
) -> None:
    from felles.registries.enhetsregisteret.queries import UnitStatus

    status = UnitStatus(NAV, "ARBEIDS- OG VELFERDSETATEN", "ORGL", False, None, False, False)
    import felles.access.log.api as api

    original = api.units_status
    api.units_status = lambda session, *, orgnrs: {NAV: status} if NAV in orgnrs else {}
    try:
        body = _get(client, admin_headers, ANNE)
    finally:
        api.units_status = original
    names = {e["konsument"]["organisasjonsnummer"]: e["konsument"]["navn"] for e in body["innsyn"]}
    assert names == {NAV: "ARBEIDS- OG VELFERDSETATEN", KOMMUNE: None}


@pytest.mark.parametrize(
    ("ident", "params", "status"),
    [
        (ANNE[:-1] + "0", {}, 422),  # check digit
        ("abc", {}, 422),
        (ANNE, {"fra": "2025-06-02", "til": "2025-06-01"}, 422),
        (ANNE, {"fra": "yesterday"}, 422),
        (ANNE, {"side": -1}, 422),
        (ANNE, {"antall": 0}, 422),
        (ANNE, {"antall": 101}, 422),
    ],
)
def test_bad_input_is_a_problem(
    client: TestClient,
    admin_headers: dict[str, str],
    ident: str,
    params: dict[str, Any],
    status: int,
) -> None:
    response = client.get(f"{API}/{ident}/innsyn", params=params, headers=admin_headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)
    assert response.json()["status"] == status


def test_the_log_needs_a_token(client: TestClient) -> None:
    response = client.get(f"{API}/{ANNE}/innsyn")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)


@pytest.mark.parametrize("day", ["0", "20250601", "2025-6-1", "2025-02-30"])
def test_a_day_is_written_yyyy_mm_dd(
    client: TestClient, admin_headers: dict[str, str], day: str
) -> None:
    response = client.get(f"{API}/{ANNE}/innsyn", params={"til": day}, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)
