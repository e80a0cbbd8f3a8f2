"""Evidence bundles (eBevis) over HTTP with real Maskinporten tokens: a public buyer gets
skatteattest, firmaattest and MVA registration in one answer; every refusal is problem+json and
writes nothing (no access-log entry, no event)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret import reference
from felles.registries.skatt.operations.arrears import register_arrears, settle_arrears
from felles.sharing import evidence
from felles.sharing.callers import SCOPE as DATAFORDELER_SCOPE
from tests.identity.conftest import ADMIN
from tests.sharing.conftest import DATAFORDELER, NAV, Machines, log_count, problem

BEVIS = f"{DATAFORDELER}/bevis"
PURPOSE = "offentlig-anskaffelse"
UNKNOWN = "312345676"  # valid check digit, never registered


def _run(database: Database, command: Any, **kwargs: Any) -> Any:
    with database.unit_of_work() as uow:
        result = command(uow, **kwargs)
        uow.commit()
        return result


def _company(database: Database, navn: str, *, mva: bool = True, **kwargs: Any) -> str:
    values: dict[str, Any] = {"naeringskode": "43.210", "kommunenummer": "0301"} | kwargs
    unit = _run(database, ops.register_enhet, navn=navn, organisasjonsform="AS", **values)
    if mva:
        _run(database, ops.register_in_mvaregisteret, orgnr=unit.organisasjonsnummer)
    return str(unit.organisasjonsnummer)


def _writes(database: Database) -> tuple[int, int]:
    """(access-log entries, outbox events): what a read must leave as it was."""
    with database.read_session() as session:
        outbox = session.scalar(select(func.count()).select_from(OutboxRow)) or 0
    return log_count(database), outbox


@pytest.fixture
def buyer(database: Database, clock: SimulatedClock, machines: Machines) -> dict[str, str]:
    """NAV (a state agency, ORGL) registered in Enhetsregisteret, and its token."""
    _run(
        database,
        ops.register_enhet,
        navn="ARBEIDS- OG VELFERDSETATEN",
        organisasjonsform="ORGL",
        organisasjonsnummer=NAV,
        naeringskode="84.300",
        kommunenummer="0301",
    )
    return machines.token(NAV, (evidence.SCOPE,))


def _ask(http: TestClient, headers: dict[str, str], orgnr: str, **body: Any) -> Any:
    return http.post(
        BEVIS, json={"organisasjonsnummer": orgnr, "formaal": PURPOSE} | body, headers=headers
    )


def _by_code(answer: Any) -> dict[str, dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return {item["kode"]: item for item in answer.json()["bevis"]}


def test_public_body_forms_are_codes_of_the_register() -> None:
    assert evidence.PUBLIC_BODY_FORMS.issubset(reference.organisasjonsformer())
    assert {"AS", "ENK", "ASA", "FLI"}.isdisjoint(evidence.PUBLIC_BODY_FORMS)
    assert list(evidence.KINDS) == ["skatteattest", "firmaattest", "mva-registrering"]


def test_a_healthy_company_has_every_evidence_ok_and_nothing_is_written(
    app_client: TestClient, database: Database, clock: SimulatedClock, buyer: dict[str, str]
) -> None:
    orgnr = _company(database, "Tømrer Hansen AS")
    before = _writes(database)
    answer = app_client.post(
        BEVIS,
        json={"organisasjonsnummer": orgnr, "formaal": PURPOSE},
        headers=buyer | {"X-Request-ID": "anskaffelse-7"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["organisasjon"] == {
        "organisasjonsnummer": orgnr,
        "navn": "Tømrer Hansen AS",
        "organisasjonsform": "AS",
    }
    assert body["formaal"] == PURPOSE and body["foresporselId"] == "anskaffelse-7"
    assert answer.headers["X-Request-ID"] == "anskaffelse-7"
    assert [item["kode"] for item in body["bevis"]] == list(evidence.KINDS)
    assert all(item["status"] == "ok" for item in body["bevis"])
    items = _by_code(answer)

    skatt = items["skatteattest"]
    assert skatt["navn"] == "Skatteattest"
    assert skatt["kilde"] == {
        "register": evidence.SKATTEETATEN[0],
        "organisasjonsnummer": "974761076",
    }
    assert skatt["verdi"] == {
        "harRestanser": False,
        "forfaltOgUbetalt": {},
        "sum": 0,
        "dato": "2025-06-01",
    }
    assert skatt["tidspunkt"].startswith("2025-06-01T12:00:00")

    firma = items["firmaattest"]
    assert firma["kilde"] == {"register": "Enhetsregisteret", "organisasjonsnummer": "974760673"}
    assert firma["verdi"]["navn"] == "Tømrer Hansen AS"
    assert firma["verdi"]["organisasjonsform"] == {"kode": "AS", "beskrivelse": "Aksjeselskap"}
    assert firma["verdi"]["registreringsdato"] == "2025-06-01"
    assert firma["verdi"]["registrertIForetaksregisteret"] is True
    assert firma["verdi"]["konkurs"] is False and firma["verdi"]["avvik"] == []
    assert items["mva-registrering"]["verdi"] == {"registrertIMvaregisteret": True}
    assert _writes(database) == before


def test_overdue_arrears_make_the_skatteattest_ikke_ok_with_sums_by_kind(
    app_client: TestClient, database: Database, clock: SimulatedClock, buyer: dict[str, str]
) -> None:
    orgnr = _company(database, "Skylder AS")
    claims = (
        ("merverdiavgift", 12_000, date(2025, 4, 10)),
        ("merverdiavgift", 3_000, date(2025, 5, 10)),
        ("arbeidsgiveravgift", 5_500, date(2025, 5, 15)),
        ("forskuddstrekk", 9_999, date(2025, 7, 15)),  # not due yet
        ("skatt", 40_000, date(2025, 3, 1)),  # paid below
    )
    ids = [
        _run(
            database,
            register_arrears,
            skyldner=orgnr,
            kravtype=kind,
            beloep=amount,
            forfallsdato=due,
        ).id
        for kind, amount, due in claims
    ]
    _run(database, settle_arrears, restanse_id=ids[-1], betalt_dato=date(2025, 5, 1))

    answer = _ask(app_client, buyer, orgnr, bevis=["skatteattest"])
    items = _by_code(answer)
    assert list(items) == ["skatteattest"]
    skatt = items["skatteattest"]
    assert skatt["status"] == "ikke-ok"
    assert skatt["verdi"] == {
        "harRestanser": True,
        "forfaltOgUbetalt": {"arbeidsgiveravgift": 5_500, "merverdiavgift": 15_000},
        "sum": 20_500,
        "dato": "2025-06-01",
    }
    assert "restanseId" not in answer.text and "forfallsdato" not in answer.text


def test_bankrupt_deleted_dissolving_and_not_vat_registered(
    app_client: TestClient, database: Database, clock: SimulatedClock, buyer: dict[str, str]
) -> None:
    bankrupt = _company(database, "Konkursen AS")
    _run(database, ops.register_bankruptcy, orgnr=bankrupt, konkursdato=date(2025, 5, 20))
    deleted = _company(database, "Borte AS")
    _run(database, ops.delete_unit, orgnr=deleted, slettedato=date(2025, 5, 21))
    dissolving = _company(database, "Avvikles AS")
    _run(database, ops.register_dissolution, orgnr=dissolving, tvangsavvikling=True)
    no_vat = _company(database, "Uten Mva AS", mva=False)

    firma = _by_code(_ask(app_client, buyer, bankrupt))["firmaattest"]
    assert firma["status"] == "ikke-ok" and firma["verdi"]["avvik"] == ["konkurs"]
    assert firma["verdi"]["konkursdato"] == "2025-05-20"

    gone = _by_code(_ask(app_client, buyer, deleted))
    assert gone["firmaattest"]["status"] == "ikke-ok"
    assert gone["firmaattest"]["verdi"]["avvik"] == ["slettet"]
    assert gone["firmaattest"]["verdi"]["slettedato"] == "2025-05-21"
    assert gone["skatteattest"]["status"] == "ok"

    forced = _by_code(_ask(app_client, buyer, dissolving, bevis=["firmaattest"]))
    assert forced["firmaattest"]["verdi"]["avvik"] == ["under-tvangsavvikling"]

    items = _by_code(_ask(app_client, buyer, no_vat, bevis=["mva-registrering", "firmaattest"]))
    assert list(items) == ["mva-registrering", "firmaattest"]
    assert items["mva-registrering"]["status"] == "ikke-ok"
    assert items["mva-registrering"]["verdi"] == {"registrertIMvaregisteret": False}
    assert items["firmaattest"]["status"] == "ok"


def test_every_refusal_is_a_problem_and_writes_nothing(
    app_client: TestClient,
    database: Database,
    clock: SimulatedClock,
    machines: Machines,
    buyer: dict[str, str],
) -> None:
    orgnr = _company(database, "Tilbyder AS")
    sub_unit = _run(database, ops.register_underenhet, overordnet=orgnr, navn="Tilbyder AS")
    private = _company(database, "Konkurrent AS")
    private_token = machines.token(private, (evidence.SCOPE,))
    wrong_scope = machines.token(NAV, (DATAFORDELER_SCOPE,))
    before = _writes(database)

    def refused(status: int, headers: dict[str, str], **body: Any) -> dict[str, Any]:
        sent = {"organisasjonsnummer": orgnr, "formaal": PURPOSE} | body
        answer = app_client.post(BEVIS, json=sent, headers=headers)
        found = problem(answer, status)
        assert _writes(database) == before
        return found

    refused(401, {})
    refused(401, {"Authorization": "Bearer x.y.z"})
    assert evidence.SCOPE in refused(403, wrong_scope)["detail"]
    refused(403, ADMIN)
    assert "public body" in refused(403, private_token)["detail"]
    refused(404, buyer, organisasjonsnummer=UNKNOWN)
    assert (
        refused(404, buyer, organisasjonsnummer=sub_unit.organisasjonsnummer)["overordnetEnhet"]
        == orgnr
    )
    refused(422, buyer, organisasjonsnummer="312345677")  # wrong check digit
    refused(422, buyer, organisasjonsnummer="31234567X")
    unknown_code = refused(422, buyer, bevis=["skatteattest", "konkursattest"])
    assert "konkursattest" in unknown_code["detail"]
    assert unknown_code["kjente"] == list(evidence.KINDS)
    refused(422, buyer, bevis=[])
    refused(422, buyer, formaal="markedsfoering")
    problem(app_client.post(BEVIS, json={"formaal": PURPOSE}, headers=buyer), 422)
    assert _writes(database) == before
