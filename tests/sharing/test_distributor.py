"""The distributor end to end over HTTP, with real Maskinporten and ID-porten tokens: only the
permitted fields leave, each with its basis, every release is in the access log before the
answer, and every refusal path releases nothing and logs nothing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from felles.access.legal_bases import by_id, get_hjemler
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.skatt.operations.assessments import make_assessment
from tests.registries.folkeregister.conftest import Register
from tests.sharing.conftest import (
    BANK,
    DATAFORDELER,
    NAV,
    Login,
    Machines,
    log_count,
    log_rows,
    problem,
    register_org,
)

BASIS = "folkeregister.person.basis"
SUMMARY = "skatt.skatteoppgjoer.sammendrag"
ENTERPRISE = "/accessmanagement/api/v1/enterprise/consentrequests"
ENDUSER = "/accessmanagement/api/v1/enduser/consent/request"
SOEKER = by_id(get_hjemler())["nav-barnetrygd-soeker"]


def _basis_fields(hjemmel_id: str) -> set[str]:
    prefix = len(BASIS) + 1
    return {
        name[prefix:] for name in by_id(get_hjemler())[hjemmel_id].fields if name.startswith(BASIS)
    }


def test_nav_reads_only_what_the_legal_basis_covers_and_it_is_logged(
    app_client: TestClient, machines: Machines, database: Database, person: str
) -> None:
    nav = machines.token(NAV)
    answer = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{person}",
        params={"formaal": "barnetrygd"},
        headers=nav | {"X-Request-ID": "sak-123"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    covered = _basis_fields("nav-barnetrygd-soeker")
    assert set(body["data"]) == covered
    assert body["tilbakeholdt"] == {"kjoenn": "not-covered", "doedsfall": "not-covered"}
    [basis] = body["grunnlag"]
    assert basis["type"] == "hjemmel" and basis["id"] == "nav-barnetrygd-soeker"
    assert basis["lov"] == SOEKER.lov and set(basis["felter"]) == covered
    assert body["foresporselId"] == "sak-123" and answer.headers["X-Request-ID"] == "sak-123"

    [entry] = log_rows(database)
    assert (entry.konsument, entry.subjekt, entry.datasett) == (NAV, person, BASIS)
    assert set(entry.felter) == covered
    assert (entry.hjemmel, entry.formaal, entry.foresporsel_id) == (
        "nav-barnetrygd-soeker",
        "barnetrygd",
        "sak-123",
    )

    # Asking for fewer fields releases and logs fewer.
    narrow = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{person}",
        params={"formaal": "barnetrygd", "felter": "navn,foedselsdato"},
        headers=nav,
    )
    assert set(narrow.json()["data"]) == {"navn", "foedselsdato"}
    assert set(log_rows(database)[-1].felter) == {"navn", "foedselsdato"}


def test_refusals_release_nothing_and_log_nothing(
    app_client: TestClient,
    machines: Machines,
    login: Login,
    database: Database,
    clock: SimulatedClock,
    person: str,
) -> None:
    nav, bank = machines.token(NAV), machines.token(BANK)
    url = f"{DATAFORDELER}/{BASIS}/{person}"

    no_basis = problem(app_client.get(url, params={"formaal": "barnetrygd"}, headers=bank), 403)
    assert no_basis["kode"] == "not-covered"
    assert set(no_basis["tilbakeholdt"].values()) == {"not-covered"}
    wrong_purpose = problem(
        app_client.get(url, params={"formaal": "markedsfoering"}, headers=nav), 403
    )
    assert wrong_purpose["kode"] == "not-covered"
    assert "data" not in no_basis and "data" not in wrong_purpose

    # Someone else's data, with a person's login.
    other = Register(database, clock).person(fornavn="Ola")
    not_own = problem(
        app_client.get(
            f"{DATAFORDELER}/{BASIS}/{other}", params={"formaal": "x"}, headers=login(person)
        ),
        403,
    )
    assert not_own["kode"] == "not-own-data"

    # Tokens and input.
    problem(app_client.get(url, params={"formaal": "barnetrygd"}), 401)
    problem(
        app_client.get(
            url, params={"formaal": "barnetrygd"}, headers={"Authorization": "Bearer x"}
        ),
        401,
    )
    problem(
        app_client.get(
            url, params={"formaal": "barnetrygd"}, headers=machines.token(NAV, ("nav:other",))
        ),
        403,
    )
    problem(
        app_client.get(
            url, params={"formaal": "barnetrygd"}, headers={"Authorization": f"Bearer {_admin()}"}
        ),
        403,
    )
    problem(
        app_client.get(
            f"{DATAFORDELER}/no.such.product/{person}", params={"formaal": "x"}, headers=nav
        ),
        404,
    )
    problem(
        app_client.get(
            url, params={"formaal": "barnetrygd", "felter": "navn,skonummer"}, headers=nav
        ),
        422,
    )
    problem(app_client.get(url, headers=nav), 422)
    unknown = "01010199999"
    problem(
        app_client.get(
            f"{DATAFORDELER}/{BASIS}/{unknown}", params={"formaal": "barnetrygd"}, headers=nav
        ),
        404,
    )
    assert log_count(database) == 0


def _admin() -> str:
    from tests.conftest import ADMIN_TOKEN

    return ADMIN_TOKEN


def test_protected_address_never_leaves_without_a_basis_that_names_it(
    app_client: TestClient, machines: Machines, database: Database, clock: SimulatedClock
) -> None:
    register = Register(database, clock)
    mother = register.person(adressebeskyttelse="strengtFortrolig")
    nav = machines.token(NAV)
    # The applicant's own basis names strengtFortrolig (NAV Vikafossen): the address is given.
    given = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{mother}", params={"formaal": "barnetrygd"}, headers=nav
    )
    assert given.status_code == 200 and given.json()["data"]["bostedsadresse"] is not None
    before = log_count(database)

    # A municipality's helsestasjon basis names only "fortrolig": the address is withheld.
    token = machines.token(_kommune(database))
    answer = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{mother}", params={"formaal": "helsestasjon"}, headers=token
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {"navn", "foedselsdato"} <= set(body["data"])
    assert "bostedsadresse" not in body["data"] and "postadresse" not in body["data"]
    assert body["tilbakeholdt"]["bostedsadresse"] == "protected-address"
    assert "bostedsadresse" not in log_rows(database)[-1].felter
    only_address = problem(
        app_client.get(
            f"{DATAFORDELER}/{BASIS}/{mother}",
            params={"formaal": "helsestasjon", "felter": "bostedsadresse"},
            headers=token,
        ),
        403,
    )
    assert only_address["kode"] == "protected-address"
    street = given.json()["data"]["bostedsadresse"]
    grading = {"ugradert", "fortrolig", "strengtFortrolig"}
    for text in (answer.text, json.dumps(only_address, ensure_ascii=False)):
        for value in set(_strings(street)) - grading:
            assert value not in text, "no part of a protected address leaves"
    assert log_count(database) == before + 1


def _strings(value: Any) -> list[str]:
    """Every string of a JSON value longer than 3 characters (street names, numbers...)."""
    if isinstance(value, str):
        return [value] if len(value) > 3 else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _kommune(database: Database) -> str:
    return register_org(database, navn="Eksempel kommune", form="KOMM")


def test_samtykkebasert_laanesoeknad_end_to_end(
    app_client: TestClient,
    machines: Machines,
    login: Login,
    database: Database,
    clock: SimulatedClock,
    person: str,
) -> None:
    """A bank asks for consent to read income and wealth; the person accepts; the bank reads
    with it; after revocation, and after expiry of a second consent, it is refused."""
    with database.unit_of_work() as uow:
        make_assessment(
            uow,
            ident=person,
            income_year=2024,
            loennsinntekt=612_000,
            bruttoformue=250_000,
            gjeld=1_900_000,
        )
        uow.commit()
    register_org(database, navn="Banken min ASA", form="ASA", orgnr=BANK)
    bank = machines.token(BANK)
    person_login = login(person)

    def ask(valid_days: int) -> str:
        consent_id = str(uuid.uuid4())
        body = {
            "id": consent_id,
            "from": f"urn:altinn:person:identifier-no:{person}",
            "to": f"urn:altinn:organization:identifier-no:{BANK}",
            "validTo": (clock.now() + timedelta(days=valid_days)).isoformat(),
            "consentRights": [
                {
                    "action": ["consent"],
                    "resource": [
                        {"type": "urn:felles:data", "value": f"{SUMMARY}.inntekt"},
                        {"type": "urn:felles:data", "value": f"{SUMMARY}.formue"},
                        {"type": "urn:felles:data", "value": f"{SUMMARY}.gjeld"},
                    ],
                    "metaData": {"formaal": "laanesoeknad"},
                }
            ],
            "requestMessage": {"nb": "Vi trenger inntekt og formue til lånesøknaden."},
            "redirectUrl": "https://bankenmin.no/huslaan",
        }
        created = app_client.post(ENTERPRISE, json=body, headers=bank)
        assert created.status_code == 201, created.text
        return consent_id

    url = f"{DATAFORDELER}/{SUMMARY}/{person}"
    params = {"formaal": "laanesoeknad"}
    consent_id = ask(30)
    refused = problem(app_client.get(url, params=params, headers=bank), 403)
    assert refused["kode"] == "not-covered", "asked is not consented"

    accepted = app_client.post(f"{ENDUSER}/{consent_id}/accept", headers=person_login)
    assert accepted.status_code == 200, accepted.text
    answer = app_client.get(url, params=params, headers=bank)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body["data"]) == {"inntekt", "formue", "gjeld"}
    assert body["tilbakeholdt"] == {"fradrag": "not-covered"}
    [basis] = body["grunnlag"]
    assert basis == {"type": "samtykke", "id": consent_id, "felter": ["formue", "gjeld", "inntekt"]}
    [entry] = log_rows(database)
    assert (entry.konsument, entry.samtykke_id, entry.hjemmel) == (BANK, consent_id, None)

    # The person sees the bank's use in their own access log.
    seen = app_client.get(f"/innsynslogg/api/v1/personer/{person}/innsyn", headers=person_login)
    assert seen.status_code == 200, seen.text
    assert [e["konsument"]["organisasjonsnummer"] for e in seen.json()["innsyn"]] == [BANK]

    revoked = app_client.post(f"{ENDUSER}/{consent_id}/revoke", headers=person_login)
    assert revoked.status_code == 200, revoked.text
    assert problem(app_client.get(url, params=params, headers=bank), 403)["kode"] == "not-covered"

    second = ask(2)
    assert app_client.post(f"{ENDUSER}/{second}/accept", headers=person_login).status_code == 200
    assert app_client.get(url, params=params, headers=machines.token(BANK)).status_code == 200
    clock.advance(timedelta(days=3))
    expired = problem(app_client.get(url, params=params, headers=machines.token(BANK)), 403)
    assert expired["kode"] == "not-covered"
    assert log_count(database) == 2, "only the two permitted reads are logged"


def test_a_person_reads_their_own_and_a_parent_their_childs(
    app_client: TestClient,
    login: Login,
    database: Database,
    clock: SimulatedClock,
) -> None:
    from tests.access.test_consent_and_decide import _family
    from tests.registries.aordningen.conftest import Aordningen

    mother, child, _other = _family(database, Aordningen(database, clock))
    headers = login(mother)
    own = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{mother}", params={"formaal": "innsyn"}, headers=headers
    )
    assert own.status_code == 200, own.text
    assert own.json()["grunnlag"][0]["type"] == "egne-data"
    assert log_count(database) == 0, "a person's own data is not logged as a release"

    for_child = app_client.get(
        f"{DATAFORDELER}/{BASIS}/{child}",
        params={"formaal": "innsyn", "paaVegneAv": child},
        headers=headers,
    )
    assert for_child.status_code == 200, for_child.text
    assert for_child.json()["representasjon"] == "foreldreansvar"
    [entry] = log_rows(database)
    assert (entry.subjekt, entry.aktoer, entry.hjemmel) == (child, mother, "foreldreansvar")


def test_batch_of_subjects_each_with_its_outcome(
    app_client: TestClient, machines: Machines, database: Database, clock: SimulatedClock
) -> None:
    register = Register(database, clock)
    people = [register.person(fornavn=f"P{i}") for i in range(3)]
    unknown = "01010199999"
    nav = machines.token(NAV)
    answer = app_client.post(
        f"{DATAFORDELER}/{BASIS}",
        json={"formaal": "barnetrygd", "subjekter": [*people, unknown], "felter": ["navn"]},
        headers=nav,
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["resultater"]
    assert [r["status"] for r in results] == [200, 200, 200, 404]
    assert all(set(r["data"]) == {"navn"} for r in results[:3])
    assert results[3]["avslag"]["kode"] == "unknown-subject"
    assert sorted(e.subjekt for e in log_rows(database)) == sorted(people)

    too_many = [people[0]] * 1001
    problem(
        app_client.post(
            f"{DATAFORDELER}/{BASIS}",
            json={"formaal": "barnetrygd", "subjekter": too_many},
            headers=nav,
        ),
        422,
    )
    assert log_count(database) == 3


def test_products_are_listed_with_schemas(app_client: TestClient) -> None:
    listed = app_client.get(f"{DATAFORDELER}/produkter").json()
    names = {p["navn"] for p in listed}
    assert {BASIS, SUMMARY, "folkeregister.familie", "krr.kontakt"} <= names
    one = app_client.get(f"{DATAFORDELER}/produkter/{BASIS}").json()
    assert set(one["jsonSchema"]["properties"]) == {f["navn"] for f in one["felter"]}
    assert one["eier"]["organisasjonsnummer"] == "974761076"
