"""The caseworker queue API (``/saksbehandling/api/v1``): an agency's system with a real
Maskinporten token and the caseworker in ``Felles-Saksbehandler`` lists its queue, takes a
task (optimistic locking on ``versjon``), decides the case, and overrides a decision; another
organisation sees nothing, bad input changes nothing. A small test service with its own
drafter stands in for a real one. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.events import OutboxRow
from felles.services.api import PREFIX, SCOPE
from felles.services.declaration import LegalReference, PublicService, Trigger, declare
from felles.services.drafting import register_drafter
from felles.services.model import Oppgave, Sak, SakHendelse, Vedtak
from felles.services.operations import (
    INNVILGET,
    Letter,
    VedtakDraft,
    move,
    open_case,
    system_actor,
    to_manual,
)
from felles.services.states import SakStatus
from tests.conftest import ADMIN_TOKEN
from tests.identity.conftest import app_client, base_url  # noqa: F401 (fixtures)
from tests.sharing.conftest import BANK, NAV, Machines, machines, problem  # noqa: F401

OPPGAVER = f"{PREFIX}/oppgaver"
SAKER = f"{PREFIX}/saker"
WORKER = "Z990001"
OTHER_WORKER = "Z990002"
REASON = "Søker bor i utlandet; vurdert etter § 2-1 og innvilget."

SERVICE = declare(
    PublicService(
        id="test-casework",
        title={"nb": "Prøveytelse", "nn": "Prøveyting", "en": "Test benefit"},
        description={"nb": "For prøver", "nn": "For prøver", "en": "For tests"},
        owner_orgnr=NAV,
        owner_name="Arbeids- og velferdsetaten",
        legal_basis=(LegalReference("https://lovdata.no/lov/1997-02-28-19", "folketrygdloven"),),
        life_events=(),
        trigger=Trigger(event_types=("no.felles.test.casework",)),
        purpose="test",
        scopes=frozenset(),
        data=(),
        rules=(),
        produces=("vedtak", "oppgave-til-saksbehandler"),
        tema="TST",
    )
)
#: A service without a drafter: a caseworker cannot decide its cases.
UNDRAFTED = declare(
    PublicService(
        id="test-casework-undrafted",
        title={"nb": "Uten utkast", "nn": "Utan utkast", "en": "Undrafted"},
        description={"nb": "For prøver", "nn": "For prøver", "en": "For tests"},
        owner_orgnr=NAV,
        owner_name="Arbeids- og velferdsetaten",
        legal_basis=(),
        life_events=(),
        trigger=Trigger(event_types=("no.felles.test.undrafted",)),
        purpose="test",
        scopes=frozenset(),
        data=(),
        rules=(),
        produces=("vedtak",),
        tema="TST",
    )
)


def _draft(
    uow: UnitOfWork, service: PublicService, sak: Sak, *, outcome: str, reason: str
) -> VedtakDraft:
    granted = outcome == INNVILGET
    return VedtakDraft(
        outcome=outcome,
        period_from=date(2025, 7, 1) if granted else None,
        period_to=date(2043, 4, 30) if granted else None,
        amounts=[{"fom": "2025-07", "tom": "2043-04", "beloep": 1968}] if granted else [],
        explanation={"begrunnelse": reason, "variabler": {}},
        data_used=[{"produkt": "folkeregister.person.basis", "felter": ["foedselsdato"]}],
        legal_references=[{"url": "https://lovdata.no/lov/1997-02-28-19", "navn": "ftrl."}],
        letters=[Letter("nb", "Vedtak", f"<p>Vedtak: {outcome}</p>")],
    )


register_drafter(SERVICE.id, _draft)


@pytest.fixture
def nav(machines: Machines, clock: SimulatedClock) -> dict[str, str]:  # noqa: F811
    """NAV's case system's token, with the caseworker Z990001."""
    return machines.token(NAV, (SCOPE,)) | {"Felles-Saksbehandler": WORKER}


def manual_case(
    database: Database, subject: str = "01017012345", service: PublicService = SERVICE
) -> tuple[int, int]:
    """A case the automation sent to the owner's queue: (sak id, oppgave id)."""
    with database.unit_of_work() as uow:
        sak = open_case(uow, service, subject=subject, part=None, trigger_event_id=None)
        assert sak is not None
        move(uow, service, sak, SakStatus.UNDER_BEHANDLING, actor=system_actor(service))
        oppgave = to_manual(uow, service, sak, [{"kode": "UTLAND", "tekst": "Bor i utlandet"}])
        uow.commit()
        return sak.id, oppgave.id


def take(http: TestClient, headers: dict[str, str], oppgave_id: int, versjon: int = 1) -> Any:
    worker = headers.get("Felles-Saksbehandler")
    body = {"versjon": versjon, "tilordnetRessurs": worker, "status": "UNDER_BEHANDLING"}
    return http.patch(f"{OPPGAVER}/{oppgave_id}", json=body, headers=headers)


def decide(
    http: TestClient, headers: dict[str, str], oppgave_id: int, utfall: str, versjon: int = 2
) -> Any:
    body = {"versjon": versjon, "utfall": utfall, "begrunnelse": REASON}
    return http.post(f"{OPPGAVER}/{oppgave_id}/vedtak", json=body, headers=headers)


def snapshot(database: Database) -> tuple[Any, ...]:
    """Everything a caseworker's command can change."""
    with database.read_session() as session:
        tasks = session.execute(
            select(Oppgave.id, Oppgave.status, Oppgave.tilordnet_ressurs, Oppgave.versjon)
        ).all()
        cases = session.execute(select(Sak.id, Sak.status)).all()
        counts = [
            session.scalar(select(func.count()).select_from(table))
            for table in (SakHendelse, Vedtak, OutboxRow)
        ]
        return (sorted(tasks), sorted(cases), counts)


def event_types(database: Database) -> list[str]:
    with database.read_session() as session:
        return list(session.scalars(select(OutboxRow.type).order_by(OutboxRow.seq)))


# ------------------------------------------------------------------------------------------
# The queue
# ------------------------------------------------------------------------------------------


def test_queue_lists_only_the_callers_organisation_oldest_first(
    app_client: TestClient,  # noqa: F811
    machines: Machines,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    _, first = manual_case(database, "01017012345")
    clock.advance(timedelta(seconds=10))
    _, second = manual_case(database, "02017012345")
    answer = app_client.get(OPPGAVER, headers=nav)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["antallTreffTotalt"] == 2
    assert [task["id"] for task in body["oppgaver"]] == [first, second]
    task = body["oppgaver"][0]
    assert task["status"] == "OPPRETTET"
    assert task["tema"] == "TST" and task["oppgavetype"] == "BEH_SAK"
    assert task["versjon"] == 1 and "tilordnetRessurs" not in task
    assert task["fristFerdigstillelse"] == "2025-06-15"
    assert task["aarsaker"] == [{"kode": "UTLAND", "tekst": "Bor i utlandet"}]
    assert task["tjeneste"] == SERVICE.id and task["saksreferanse"] == str(task["sakId"])

    paged = app_client.get(OPPGAVER, params={"limit": 1, "offset": 1}, headers=nav).json()
    assert paged["antallTreffTotalt"] == 2 and [t["id"] for t in paged["oppgaver"]] == [second]
    assert app_client.get(OPPGAVER, params={"tema": "BAR"}, headers=nav).json() == {
        "antallTreffTotalt": 0,
        "oppgaver": [],
    }

    bank = machines.token(BANK, (SCOPE,)) | {"Felles-Saksbehandler": WORKER}
    assert app_client.get(OPPGAVER, headers=bank).json()["antallTreffTotalt"] == 0
    problem(app_client.get(f"{OPPGAVER}/{first}", headers=bank), 404)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert app_client.get(OPPGAVER, headers=admin).json()["antallTreffTotalt"] == 2


def test_a_token_without_the_scope_is_refused(
    app_client: TestClient,  # noqa: F811
    machines: Machines,  # noqa: F811
    database: Database,
    clock: SimulatedClock,
) -> None:
    _, oppgave = manual_case(database)
    other = machines.token(NAV, ("felles:datafordeler",)) | {"Felles-Saksbehandler": WORKER}
    problem(app_client.get(OPPGAVER, headers=other), 403)
    before = snapshot(database)
    problem(take(app_client, other, oppgave), 403)
    problem(app_client.get(OPPGAVER), 401)
    assert snapshot(database) == before


# ------------------------------------------------------------------------------------------
# Taking a task
# ------------------------------------------------------------------------------------------


def test_take_moves_the_case_and_locks_on_versjon(
    app_client: TestClient,  # noqa: F811
    machines: Machines,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    sak, oppgave = manual_case(database)
    bank = machines.token(BANK, (SCOPE,)) | {"Felles-Saksbehandler": WORKER}
    problem(take(app_client, bank, oppgave), 404)  # another organisation's: not found

    taken = take(app_client, nav, oppgave)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "UNDER_BEHANDLING"
    assert taken.json()["tilordnetRessurs"] == WORKER and taken.json()["versjon"] == 2

    before = snapshot(database)
    stale = problem(take(app_client, nav, oppgave, versjon=1), 409)
    assert stale["versjon"] == 2
    colleague = nav | {"Felles-Saksbehandler": OTHER_WORKER}
    problem(take(app_client, colleague, oppgave, versjon=2), 409)  # someone else has it
    assert snapshot(database) == before

    case = app_client.get(f"{SAKER}/{sak}", headers=nav).json()
    assert case["status"] == "under_behandling"
    last = case["historikk"][-1]
    assert last["fraStatus"] == "til_manuell_behandling"
    assert last["aktoer"] == f"saksbehandler:{WORKER}@{NAV}"
    assert event_types(database)[-1] == "no.felles.sak.under_behandling"


def test_writes_need_a_valid_caseworker_and_are_refused_to_the_operator(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    _, oppgave = manual_case(database)
    before = snapshot(database)
    token = {"Authorization": nav["Authorization"]}
    problem(take(app_client, token, oppgave), 422)  # no Felles-Saksbehandler
    problem(take(app_client, token | {"Felles-Saksbehandler": "z990001"}, oppgave), 422)
    problem(take(app_client, token | {"Felles-Saksbehandler": "Z99000112"}, oppgave), 422)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Felles-Saksbehandler": WORKER}
    problem(take(app_client, admin, oppgave), 403)
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "body",
    [
        {"versjon": 1, "tilordnetRessurs": WORKER, "status": "FERDIGSTILT"},
        {"versjon": 0, "tilordnetRessurs": WORKER, "status": "UNDER_BEHANDLING"},
        {"tilordnetRessurs": WORKER, "status": "UNDER_BEHANDLING"},
        {"versjon": 1, "tilordnetRessurs": OTHER_WORKER, "status": "UNDER_BEHANDLING"},
        {"versjon": 1, "status": "UNDER_BEHANDLING", "beskrivelse": "unknown member"},
    ],
)
def test_a_bad_patch_changes_nothing(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
    body: dict[str, Any],
) -> None:
    _, oppgave = manual_case(database)
    before = snapshot(database)
    problem(app_client.patch(f"{OPPGAVER}/{oppgave}", json=body, headers=nav), 422)
    assert snapshot(database) == before


# ------------------------------------------------------------------------------------------
# Deciding
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("utfall", "status"), [("innvilget", "vedtatt"), ("avslag", "avslaatt")])
def test_the_caseworker_holding_the_task_decides(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
    utfall: str,
    status: str,
) -> None:
    sak, oppgave = manual_case(database)
    problem(decide(app_client, nav, oppgave, utfall, versjon=1), 409)  # not taken yet
    take(app_client, nav, oppgave)
    colleague = nav | {"Felles-Saksbehandler": OTHER_WORKER}
    problem(decide(app_client, colleague, oppgave, utfall), 409)
    problem(decide(app_client, nav, oppgave, utfall, versjon=1), 409)  # stale

    decided = decide(app_client, nav, oppgave, utfall)
    assert decided.status_code == 201, decided.text
    assert decided.headers["Location"] == f"{SAKER}/{sak}"
    case = decided.json()
    assert case["status"] == status
    vedtak = case["vedtak"]
    assert vedtak["utfall"] == utfall and vedtak["automatisk"] is False
    assert vedtak["vedtattAv"] == f"saksbehandler:{WORKER}@{NAV}"
    assert "omgjoeringsbegrunnelse" not in vedtak and case["tidligereVedtak"] == []
    assert vedtak["klage"]["fristUker"] == 3
    assert case["historikk"][-1] == {
        "tidspunkt": case["historikk"][-1]["tidspunkt"],
        "fraStatus": "under_behandling",
        "tilStatus": status,
        "aktoer": f"saksbehandler:{WORKER}@{NAV}",
        "begrunnelse": REASON,
    }
    [letter] = case["dokumenter"]
    assert letter["type"] == "vedtaksbrev" and letter["vedtakId"] == vedtak["id"]

    task = app_client.get(f"{OPPGAVER}/{oppgave}", headers=nav).json()
    assert task["status"] == "FERDIGSTILT" and task["versjon"] == 3
    assert "ferdigstiltTidspunkt" in task
    types = event_types(database)
    assert types[-2:] == [f"no.felles.sak.{status}", "no.felles.vedtak.fattet"]
    assert "no.felles.sak.til_manuell_behandling" in types

    html = app_client.get(f"{SAKER}/{sak}/dokumenter/{letter['id']}", headers=nav)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert f"Vedtak: {utfall}" in html.text
    problem(decide(app_client, nav, oppgave, utfall, versjon=3), 409)  # done already


@pytest.mark.parametrize(
    "body",
    [
        {"versjon": 2, "utfall": "innvilget", "begrunnelse": "for kort"},
        {"versjon": 2, "utfall": "innvilget", "begrunnelse": " " * 20},
        {"versjon": 2, "utfall": "innvilget", "begrunnelse": "x" * 4001},
        {"versjon": 2, "utfall": "delvis", "begrunnelse": REASON},
        {"versjon": 2, "utfall": "innvilget"},
        {"utfall": "innvilget", "begrunnelse": REASON},
    ],
)
def test_a_bad_decision_changes_nothing(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
    body: dict[str, Any],
) -> None:
    _, oppgave = manual_case(database)
    take(app_client, nav, oppgave)
    before = snapshot(database)
    answer = problem(app_client.post(f"{OPPGAVER}/{oppgave}/vedtak", json=body, headers=nav), 422)
    assert REASON not in str(answer)  # the input is not echoed
    assert snapshot(database) == before


def test_a_service_without_a_drafter_cannot_be_decided_by_hand(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    _, oppgave = manual_case(database, service=UNDRAFTED)
    take(app_client, nav, oppgave)
    before = snapshot(database)
    problem(decide(app_client, nav, oppgave, "innvilget"), 409)
    assert snapshot(database) == before


# ------------------------------------------------------------------------------------------
# Overriding a decision
# ------------------------------------------------------------------------------------------


def test_override_supersedes_the_decision_and_keeps_the_reason(
    app_client: TestClient,  # noqa: F811
    machines: Machines,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    sak, oppgave = manual_case(database)
    take(app_client, nav, oppgave)
    first = decide(app_client, nav, oppgave, "avslag").json()["vedtak"]
    url = f"{SAKER}/{sak}/omgjoering"
    why = "Ny opplysning om botid i Norge; vilkåret er oppfylt."

    bank = machines.token(BANK, (SCOPE,)) | {"Felles-Saksbehandler": WORKER}
    before = snapshot(database)
    grant = {"utfall": "innvilget", "begrunnelse": why}
    problem(app_client.post(url, json=grant, headers=bank), 404)
    problem(app_client.post(url, json=grant | {"begrunnelse": "kort"}, headers=nav), 422)
    problem(app_client.post(url, json={"utfall": "innvilget"}, headers=nav), 422)
    assert snapshot(database) == before

    colleague = nav | {"Felles-Saksbehandler": OTHER_WORKER}
    answer = app_client.post(url, json=grant, headers=colleague)
    assert answer.status_code == 201, answer.text
    case = answer.json()
    assert case["status"] == "vedtatt"
    assert case["vedtak"]["utfall"] == "innvilget"
    assert case["vedtak"]["omgjoeringsbegrunnelse"] == why
    assert case["vedtak"]["vedtattAv"] == f"saksbehandler:{OTHER_WORKER}@{NAV}"
    [old] = case["tidligereVedtak"]
    assert old["id"] == first["id"] and old["erstattetAv"] == case["vedtak"]["id"]
    reopened, decided = case["historikk"][-2:]
    assert (reopened["fraStatus"], reopened["tilStatus"]) == ("avslaatt", "under_behandling")
    assert (decided["tilStatus"], decided["begrunnelse"]) == ("vedtatt", why)
    assert {reopened["aktoer"], decided["aktoer"]} == {f"saksbehandler:{OTHER_WORKER}@{NAV}"}
    assert event_types(database)[-3:] == [
        "no.felles.sak.under_behandling",
        "no.felles.sak.vedtatt",
        "no.felles.vedtak.omgjort",
    ]
    assert len(case["dokumenter"]) == 2


def test_no_personal_data_in_the_logs(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sak, oppgave = manual_case(database)
    with caplog.at_level(logging.DEBUG):
        take(app_client, nav, oppgave)
        decide(app_client, nav, oppgave, "innvilget")
        app_client.get(f"{SAKER}/{sak}", headers=nav)
        body = {"utfall": "avslag", "begrunnelse": REASON}
        app_client.post(f"{SAKER}/{sak}/omgjoering", json=body, headers=nav)
    assert "/saksbehandling/api/v1/saker/{id}" in caplog.text  # route templates only
    assert "01017012345" not in caplog.text and REASON not in caplog.text


def test_an_undecided_case_cannot_be_overridden(
    app_client: TestClient,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    sak, _ = manual_case(database)
    before = snapshot(database)
    body = {"utfall": "innvilget", "begrunnelse": REASON}
    problem(app_client.post(f"{SAKER}/{sak}/omgjoering", json=body, headers=nav), 409)
    problem(app_client.post(f"{SAKER}/999999/omgjoering", json=body, headers=nav), 404)
    assert snapshot(database) == before


def test_reads_of_another_organisations_case_are_not_found(
    app_client: TestClient,  # noqa: F811
    machines: Machines,  # noqa: F811
    nav: dict[str, str],
    database: Database,
    clock: SimulatedClock,
) -> None:
    sak, oppgave = manual_case(database)
    take(app_client, nav, oppgave)
    letter = decide(app_client, nav, oppgave, "innvilget").json()["dokumenter"][0]["id"]
    bank = machines.token(BANK, (SCOPE,))
    problem(app_client.get(f"{SAKER}/{sak}", headers=bank), 404)
    problem(app_client.get(f"{SAKER}/{sak}/dokumenter/{letter}", headers=bank), 404)
    problem(app_client.get(f"{SAKER}/{sak}/dokumenter/{letter + 1}", headers=nav), 404)
    case = app_client.get(f"{SAKER}/{sak}", headers=nav).json()
    assert case["subjekt"] == "01017012345" and case["tjeneste"] == SERVICE.id
