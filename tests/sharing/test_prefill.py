"""Prefill ("kun én gang") over HTTP: a form's fields filled from the distributor's releases
only — each with its source and basis, the access log holding exactly what was released —
and the fields the caller may not see left for the person, with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.enhetsregisteret import operations as ops
from felles.sharing.prefill import parse_path, resolve
from tests.identity.conftest import ADMIN
from tests.sharing.conftest import (
    DATAFORDELER,
    NAV,
    Login,
    Machines,
    log_count,
    log_rows,
    problem,
)

PREFILL = f"{DATAFORDELER}/forhaandsutfylling"
BASIS = "folkeregister.person.basis"
KRR = "krr.kontakt"
ENHET = "enhetsregister.enhet"


def _felt(id: str, produkt: str, sti: str) -> dict[str, str]:
    return {"id": id, "produkt": produkt, "sti": sti}


def _register_nav(database: Database) -> None:
    with database.unit_of_work() as uow:
        ops.register_enhet(
            uow,
            navn="ARBEIDS- OG VELFERDSETATEN",
            organisasjonsform="ORGL",
            organisasjonsnummer=NAV,
            naeringskode="84.300",
            kommunenummer="0301",
        )
        uow.commit()


def _by_id(answer: Any) -> dict[str, dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return {field["id"]: field for field in answer.json()["felter"]}


def test_paths_step_into_objects_and_lists() -> None:
    value = {"a": [{"b": "x"}, {"b": None}], "2024": {"c": 0}, "d": False}
    assert resolve(value, parse_path("a.0.b")) == "x"
    assert resolve(value, parse_path("a.1.b")) is None
    assert resolve(value, parse_path("a.2.b")) is None
    assert resolve(value, parse_path("a.b")) is None  # a list needs an index
    assert resolve(value, parse_path("2024.c")) == 0  # digits name an object's member
    assert resolve(value, parse_path("d")) is False
    assert resolve(value, parse_path("a"))[0] == {"b": "x"}


def test_nav_prefills_what_the_legal_basis_covers_and_the_log_holds_exactly_that(
    app_client: TestClient,
    machines: Machines,
    database: Database,
    clock: SimulatedClock,
    person: str,
) -> None:
    _register_nav(database)
    nav = machines.token(NAV)
    before = log_count(database)
    form = [
        _felt("fornavn", BASIS, "navn.fornavn"),
        _felt("etternavn", BASIS, "navn.etternavn"),
        _felt("mellomnavn", BASIS, "navn.mellomnavn"),
        _felt("gate", BASIS, "bostedsadresse.vegadresse.adressenavn"),
        _felt("husnummer", BASIS, "bostedsadresse.vegadresse.adressenummer.husnummer"),
        _felt("statsborgerskap", BASIS, "statsborgerskap.0.statsborgerskap"),
        _felt("kjoenn", BASIS, "kjoenn.kjoenn"),
        _felt("epost", KRR, "epostadresse"),
    ]
    answer = app_client.post(
        PREFILL,
        json={"subjekt": person, "formaal": "barnetrygd", "felter": form},
        headers=nav | {"X-Request-ID": "skjema-1"},
    )
    fields = _by_id(answer)
    body = answer.json()
    assert [f["id"] for f in body["felter"]] == [f["id"] for f in form]
    assert body["foresporselId"] == "skjema-1" and body["subjekt"] == person

    filled = {i: f["verdi"] for i, f in fields.items() if f["status"] == "utfylt"}
    assert filled == {
        "fornavn": "Kari",
        "etternavn": "Nordmann",
        "gate": "Storgata",
        "husnummer": "1",
        "statsborgerskap": "NOR",
    }
    fornavn = fields["fornavn"]
    assert fornavn["kilde"] == {
        "produkt": BASIS,
        "versjon": fornavn["kilde"]["versjon"],
        "eier": {"organisasjonsnummer": "974761076", "navn": "Skatteetaten"},
    }
    assert fornavn["grunnlag"]["type"] == "hjemmel"
    assert fornavn["grunnlag"]["id"] == "nav-barnetrygd-soeker"
    assert fornavn["grunnlag"]["lov"].startswith("https://lovdata.no/")
    assert "grunn" not in fornavn

    assert fields["mellomnavn"]["status"] == "maa-fylles-ut"
    assert fields["mellomnavn"]["grunn"] == "not-registered"
    assert fields["kjoenn"]["grunn"] == "not-covered"
    assert fields["epost"]["grunn"] == "not-covered"
    assert fields["epost"]["kilde"]["produkt"] == KRR
    for field in ("mellomnavn", "kjoenn", "epost"):
        assert "verdi" not in fields[field] and "grunnlag" not in fields[field]
    assert (body["gjenbrukt"], body["maaFyllesUt"]) == (5, 3)

    # One release of the basis product, logged with exactly the fields released.
    rows = log_rows(database)[before:]
    assert len(rows) == 1
    [row] = rows
    assert (row.konsument, row.subjekt, row.datasett) == (NAV, person, BASIS)
    assert sorted(row.felter) == ["bostedsadresse", "navn", "statsborgerskap"]
    assert (row.formaal, row.hjemmel, row.foresporsel_id) == (
        "barnetrygd",
        "nav-barnetrygd-soeker",
        "skjema-1",
    )


def test_a_person_prefills_their_own_form_and_nothing_is_logged(
    app_client: TestClient, login: Login, database: Database, person: str
) -> None:
    headers = login(person)
    before = log_count(database)
    form = [
        _felt("fornavn", BASIS, "navn.fornavn"),
        _felt("foedt", BASIS, "foedselsdato"),
        _felt("kjoenn", BASIS, "kjoenn.kjoenn"),
        _felt("gate", BASIS, "bostedsadresse.vegadresse.adressenavn"),
        _felt("postnummer", BASIS, "bostedsadresse.vegadresse.poststed.postnummer"),
        _felt("adresse", BASIS, "bostedsadresse.vegadresse"),
    ]
    answer = app_client.post(
        PREFILL,
        json={"subjekt": person, "formaal": "egen-soeknad", "felter": form},
        headers=headers,
    )
    fields = _by_id(answer)
    assert all(f["status"] == "utfylt" for f in fields.values()), fields
    assert fields["fornavn"]["verdi"] == "Kari" and fields["kjoenn"]["verdi"] == "kvinne"
    assert fields["foedt"]["verdi"] == "1985-03-14"
    assert fields["postnummer"]["verdi"] == "0155"
    assert fields["adresse"]["verdi"]["adressenavn"] == "Storgata"
    assert all(f["grunnlag"] == {"type": "egne-data"} for f in fields.values())
    assert (answer.json()["gjenbrukt"], answer.json()["maaFyllesUt"]) == (6, 0)
    assert log_count(database) == before


def test_an_organisation_s_form_from_open_data(
    app_client: TestClient, machines: Machines, database: Database, clock: SimulatedClock
) -> None:
    with database.unit_of_work() as uow:
        orgnr = ops.register_enhet(
            uow, navn="Fjord og Fjell AS", organisasjonsform="AS", kommunenummer="0301"
        ).organisasjonsnummer
        uow.commit()
    before = log_count(database)
    form = [
        _felt("navn", ENHET, "navn"),
        _felt("form", ENHET, "organisasjonsform.kode"),
        _felt("konkurs", ENHET, "konkurs.erKonkurs"),
        _felt("kommune", ENHET, "forretningsadresse.kommunenummer"),
        _felt("slettet", ENHET, "slettedato"),
    ]
    answer = app_client.post(
        PREFILL,
        json={"subjekt": orgnr, "formaal": "tilskudd", "felter": form},
        headers=machines.token(NAV),
    )
    fields = _by_id(answer)
    assert {i: f.get("verdi") for i, f in fields.items()} == {
        "navn": "Fjord og Fjell AS",
        "form": "AS",
        "konkurs": False,
        "kommune": "0301",
        "slettet": None,
    }
    assert fields["navn"]["grunnlag"] == {"type": "aapne-data"}
    assert fields["navn"]["kilde"]["eier"]["organisasjonsnummer"] == "974760673"
    assert fields["slettet"]["grunn"] == "not-registered"
    unknown = app_client.post(
        PREFILL,
        json={"subjekt": "312345676", "formaal": "tilskudd", "felter": form[:1]},
        headers=machines.token(NAV),
    )
    assert _by_id(unknown)["navn"]["grunn"] == "unknown-subject"
    assert log_count(database) == before


@pytest.mark.parametrize(
    ("felt", "words"),
    [
        (_felt("x", "folkeregister.person.finnes-ikke", "navn"), "no data product"),
        (_felt("x", BASIS, "fornavn"), "no field 'fornavn'"),
        (_felt("x", BASIS, "navn..fornavn"), "non-empty"),
        (_felt("x", ENHET, "navn"), "about an organisation"),
        (_felt("fornavn", BASIS, "navn.etternavn"), "used twice"),
    ],
)
def test_an_invalid_form_is_refused_and_nothing_is_released(
    app_client: TestClient,
    machines: Machines,
    database: Database,
    person: str,
    felt: dict[str, str],
    words: str,
) -> None:
    nav = machines.token(NAV)
    before = log_count(database)
    form = [_felt("fornavn", BASIS, "navn.fornavn"), felt]
    answer = app_client.post(
        PREFILL, json={"subjekt": person, "formaal": "barnetrygd", "felter": form}, headers=nav
    )
    assert words in problem(answer, 422)["detail"]
    assert log_count(database) == before


def test_callers_are_the_distributor_s(
    app_client: TestClient, machines: Machines, database: Database, person: str
) -> None:
    body = {"subjekt": person, "formaal": "barnetrygd", "felter": [_felt("f", BASIS, "navn")]}
    problem(app_client.post(PREFILL, json=body), 401)
    problem(app_client.post(PREFILL, json=body, headers=ADMIN), 403)
    wrong = machines.token(NAV, ("altinn:dataaltinnno",))
    assert (
        "felles:datafordeler"
        in problem(app_client.post(PREFILL, json=body, headers=wrong), 403)["detail"]
    )
    assert log_count(database) == 0
