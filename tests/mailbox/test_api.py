"""The correspondence API (``/correspondence/api/v1``) with real tokens: an agency's system
sends with Maskinporten (``altinn:correspondence.write``), a person reads, marks read and
confirms with an ID-porten login, and reads an organisation's inbox only with a role there.
Every error is problem+json and changes nothing. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.db import Database
from felles.mailbox.model import Forsendelse, Vedlegg
from felles.registries.enhetsregisteret.operations import RolleInput, register_enhet
from tests.conftest import ADMIN_TOKEN
from tests.mailbox.conftest import (
    CORRESPONDENCE,
    NAV,
    READ,
    WRITE,
    People,
    body,
    event_types,
    pdf_text,
    rows,
    snapshot,
)
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET
from tests.sharing.conftest import Login, Machines, problem


@pytest.fixture
def nav(machines: Machines) -> dict[str, str]:
    return machines.token(NAV, (WRITE, READ))


def send(http: TestClient, headers: dict[str, str], payload: dict[str, Any]) -> str:
    answer = http.post(CORRESPONDENCE, json=payload, headers=headers)
    assert answer.status_code == 200, answer.text
    [sent] = answer.json()["correspondences"]
    letter_id: str = sent["correspondenceId"]
    return letter_id


def test_an_agency_sends_and_the_person_reads_in_their_language(
    app_client: TestClient, database: Database, people: People, nav: dict[str, str], login: Login
) -> None:
    kari = people.digital()
    answer = app_client.post(
        CORRESPONDENCE, json=body(kari) | {"idempotentKey": "k-1"}, headers=nav
    )
    assert answer.status_code == 200, answer.text
    [sent] = answer.json()["correspondences"]
    assert sent["status"] == "Published"
    assert sent["recipient"] == f"urn:altinn:person:identifier-no:{kari}"
    letter_id = sent["correspondenceId"]

    me = login(kari)
    assert app_client.get(CORRESPONDENCE, headers=me).json() == {"ids": [letter_id]}
    overview = app_client.get(f"{CORRESPONDENCE}/{letter_id}?language=en", headers=me).json()
    assert overview["content"]["messageTitle"] == "About your kindergarten place"
    assert overview["contentLanguages"] == ["en", "nb"]
    assert overview["statusText"] == "Unread" and overview["channelText"] == "Inbox"

    html = app_client.get(f"{CORRESPONDENCE}/{letter_id}/content?language=nb", headers=me)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert '<html lang="nb">' in html.text and "<h1>Informasjon om barnehageplass</h1>" in html.text
    assert '<th scope="col">Barnehage</th>' in html.text
    assert html.headers["cache-control"] == "no-store"

    details = app_client.get(f"{CORRESPONDENCE}/{letter_id}/details", headers=me).json()
    assert [s["status"] for s in details["statusHistory"]] == ["Initialized", "Published", "Read"]
    assert details["statusText"] == "Lest"

    pdf = app_client.get(f"{CORRESPONDENCE}/{letter_id}/pdf?language=en", headers=me)
    assert pdf.headers["content-type"] == "application/pdf"
    assert "About your kindergarten place" in pdf_text(pdf.content)

    assert (
        app_client.post(f"{CORRESPONDENCE}/{letter_id}/markasread", headers=me).json() == letter_id
    )
    refused = problem(app_client.post(f"{CORRESPONDENCE}/{letter_id}/confirm", headers=me), 409)
    assert "confirmation" in refused["detail"]
    # The sender's system sees its letter and its history too.
    sender_view = app_client.get(f"{CORRESPONDENCE}/{letter_id}/details", headers=nav).json()
    assert sender_view["status"] == "Read"
    listed = app_client.get(f"{CORRESPONDENCE}?role=sender", headers=nav).json()
    assert listed == {"ids": [letter_id]}


def test_a_task_is_confirmed_through_the_api(
    app_client: TestClient, people: People, nav: dict[str, str], login: Login
) -> None:
    kari = people.digital()
    payload = body(kari, kind="oppgave", dueDateTime="2025-06-20T12:00:00Z")
    letter_id = send(app_client, nav, payload)
    me = login(kari)
    overview = app_client.get(f"{CORRESPONDENCE}/{letter_id}", headers=me).json()
    assert overview["isConfirmationNeeded"] and overview["kind"] == "oppgave"
    assert app_client.post(f"{CORRESPONDENCE}/{letter_id}/confirm", headers=me).status_code == 200
    details = app_client.get(f"{CORRESPONDENCE}/{letter_id}/details", headers=me).json()
    assert details["status"] == "Confirmed" and details["statusText"] == "Utført"


def test_senders_need_the_write_scope_and_nothing_is_sent_otherwise(
    app_client: TestClient, database: Database, people: People, machines: Machines, login: Login
) -> None:
    kari = people.digital()
    before = snapshot(database)
    payload = body(kari)
    problem(app_client.post(CORRESPONDENCE, json=payload), 401)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    problem(app_client.post(CORRESPONDENCE, json=payload, headers=admin), 403)
    reader = machines.token(NAV, (READ,))
    problem(app_client.post(CORRESPONDENCE, json=payload, headers=reader), 403)
    problem(app_client.post(CORRESPONDENCE, json=payload, headers=login(kari)), 403)
    assert snapshot(database) == before


def test_a_repeated_key_is_a_conflict_naming_the_first_letter(
    app_client: TestClient, database: Database, people: People, nav: dict[str, str]
) -> None:
    kari = people.digital()
    payload = body(kari) | {"idempotentKey": "a0b1c2"}
    first = send(app_client, nav, payload)
    before = snapshot(database)
    again = problem(app_client.post(CORRESPONDENCE, json=payload, headers=nav), 409)
    assert again["correspondenceId"] == first
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p | {"recipients": ["urn:altinn:person:identifier-no:12345678901"]},
        lambda p: p | {"recipients": ["urn:altinn:person:identifier-no:01017012345"]},
        lambda p: p | {"recipients": []},
        lambda p: p | {"recipients": p["recipients"] * 2},
        lambda p: p | {"correspondence": p["correspondence"] | {"content": None}},
        lambda p: p | {"correspondence": p["correspondence"] | {"kind": "brev"}},
        lambda p: p | {"correspondence": p["correspondence"] | {"kind": "oppgave"}},
        lambda p: (
            p | {"correspondence": p["correspondence"] | {"dueDateTime": "2020-01-01T00:00:00Z"}}
        ),
        lambda p: (
            p
            | {"correspondence": p["correspondence"] | {"dueDateTime": "9999-12-31T23:59:59-12:00"}}
        ),
        lambda p: p | {"unknown": 1},
        lambda p: (
            p
            | {
                "correspondence": p["correspondence"]
                | {"contentVariants": [p["correspondence"]["content"]]}
            }
        ),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    app_client: TestClient, database: Database, people: People, nav: dict[str, str], change: Any
) -> None:
    kari = people.digital()
    before = snapshot(database)
    answer = app_client.post(CORRESPONDENCE, json=change(body(kari)), headers=nav)
    refused = problem(answer, 422)
    assert kari not in answer.text and "12345678901" not in refused["detail"]
    assert snapshot(database) == before


def test_an_organisations_inbox_is_read_by_people_with_a_role_and_no_one_else(
    app_client: TestClient, database: Database, people: People, nav: dict[str, str], login: Login
) -> None:
    leder, stranger = people.digital(), people.digital()
    with database.unit_of_work() as uow:
        orgnr = register_enhet(
            uow,
            navn="Fjellbekk Bakeri AS",
            organisasjonsform="AS",
            kommunenummer="0301",
            roller=[RolleInput("DAGL", person=leder)],
        ).organisasjonsnummer
        uow.commit()
    task = send(app_client, nav, body(orgnr, kind="oppgave", dueDateTime="2025-07-01T00:00:00Z"))

    boss = login(leder)
    as_org = f"?paaVegneAv={orgnr}"
    assert app_client.get(f"{CORRESPONDENCE}{as_org}", headers=boss).json() == {"ids": [task]}
    assert app_client.get(CORRESPONDENCE, headers=boss).json() == {"ids": []}  # not hers

    other = login(stranger)
    before = snapshot(database)
    for method, path in (
        ("GET", f"{CORRESPONDENCE}{as_org}"),
        ("GET", f"{CORRESPONDENCE}/{task}{as_org}"),
        ("GET", f"{CORRESPONDENCE}/{task}/content{as_org}"),
        ("POST", f"{CORRESPONDENCE}/{task}/confirm{as_org}"),
    ):
        body_ = problem(app_client.request(method, path, headers=other), 403)
        assert "role" in body_["detail"]
    problem(app_client.get(f"{CORRESPONDENCE}/{task}", headers=other), 404)  # not his own
    assert snapshot(database) == before

    assert (
        app_client.post(f"{CORRESPONDENCE}/{task}/confirm{as_org}", headers=boss).status_code == 200
    )
    [row] = rows(database, Forsendelse)
    assert row.status == "Confirmed"
    assert event_types(database)[-1] == "no.altinn.correspondence.correspondencereceiverconfirmed"


def test_upload_with_attachments_and_download(
    app_client: TestClient, database: Database, people: People, nav: dict[str, str], login: Login
) -> None:
    import orjson

    kari = people.digital()
    files = [
        ("attachments", ("vedtak.pdf", b"%PDF-1.4 vedtaket", "application/pdf")),
        ("attachments", ("oversikt.csv", b"fom;tom\n2025-06;2043-04\n", "text/csv")),
    ]
    answer = app_client.post(
        f"{CORRESPONDENCE}/upload",
        data={"correspondence": orjson.dumps(body(kari)).decode()},
        files=files,
        headers=nav,
    )
    assert answer.status_code == 200, answer.text
    letter_id = answer.json()["correspondences"][0]["correspondenceId"]
    assert len(answer.json()["attachmentIds"]) == 2
    me = login(kari)
    overview = app_client.get(f"{CORRESPONDENCE}/{letter_id}", headers=me).json()
    listed = {a["fileName"]: a for a in overview["content"]["attachments"]}
    assert set(listed) == {"vedtak.pdf", "oversikt.csv"}
    got = app_client.get(
        f"{CORRESPONDENCE}/{letter_id}/attachment/{listed['vedtak.pdf']['id']}/download",
        headers=me,
    )
    assert got.status_code == 200 and got.content == b"%PDF-1.4 vedtaket"
    assert 'filename="vedtak.pdf"' in got.headers["content-disposition"]
    assert len(rows(database, Vedlegg)) == 2

    before = snapshot(database)
    bad = [("attachments", ("virus.exe", b"MZ", "application/x-msdownload"))]
    problem(
        app_client.post(
            f"{CORRESPONDENCE}/upload",
            data={"correspondence": orjson.dumps(body(kari)).decode()},
            files=bad,
            headers=nav,
        ),
        422,
    )
    problem(
        app_client.post(
            f"{CORRESPONDENCE}/upload", data={"correspondence": "{not json"}, headers=nav
        ),
        422,
    )
    assert snapshot(database) == before


def test_a_protected_address_never_appears_in_the_api(
    app_client: TestClient,
    database: Database,
    people: People,
    nav: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    hidden = people.reserved(adresse_id=HEMMELIGVEIEN, adressebeskyttelse="strengtFortrolig")
    answer = app_client.post(CORRESPONDENCE, json=body(hidden), headers=nav)
    assert answer.json()["correspondences"][0]["status"] == "Reserved"
    letter_id = answer.json()["correspondences"][0]["correspondenceId"]
    details = app_client.get(f"{CORRESPONDENCE}/{letter_id}/details", headers=nav)
    pdf = app_client.get(f"{CORRESPONDENCE}/{letter_id}/pdf", headers=nav)
    assert pdf.status_code == 200
    for text in (answer.text, details.text, pdf_text(pdf.content), caplog.text):
        assert SECRET_STREET not in text and "7011" not in text and "TRONDHEIM" not in text
    assert hidden not in caplog.text
    assert "POST /correspondence/api/v1/correspondence 200" in caplog.text  # the access log ran


def test_several_recipients_are_routed_with_one_read_of_krr(
    app_client: TestClient,
    database: Database,
    people: People,
    nav: dict[str, str],
    organisation: str,
) -> None:
    from tests.mailbox.conftest import log_entries

    kari, ola = people.digital(), people.reserved()
    payload = body(kari)
    payload["recipients"] = [
        f"urn:altinn:person:identifier-no:{kari}",
        f"urn:altinn:person:identifier-no:{ola}",
        f"urn:altinn:organization:identifier-no:{organisation}",
    ]
    answer = app_client.post(CORRESPONDENCE, json=payload, headers=nav)
    assert answer.status_code == 200, answer.text
    statuses = [(c["recipient"], c["status"]) for c in answer.json()["correspondences"]]
    assert statuses == [
        (payload["recipients"][0], "Published"),
        (payload["recipients"][1], "Reserved"),
        (payload["recipients"][2], "Published"),
    ]
    krr = [e for e in log_entries(database) if e.datasett == "krr.kontakt"]
    assert sorted(e.subjekt for e in krr) == sorted([kari, ola])
    assert len({e.foresporsel_id for e in krr}) == 1  # one read for both

    # One bad recipient among good ones: nothing is sent to anyone.
    before = snapshot(database)
    payload["recipients"] = [
        payload["recipients"][0],
        "urn:altinn:person:identifier-no:01017012345",
    ]
    problem(app_client.post(CORRESPONDENCE, json=payload, headers=nav), 422)
    assert snapshot(database) == before
