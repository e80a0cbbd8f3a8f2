"""The portal's pages through the TestClient, on SQLite and PostgreSQL: login through the
provider, the choice of party, each page in the three languages, CSRF and acting-for
refusals, and no personal data in the ordinary logs."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from felles.kernel.db import Database
from tests.journeys.test_faa_barn import run_worker as run_services_and_journeys
from tests.portal.conftest import act_for, csrf_of, log_in
from tests.registries.folkeregister.conftest import Register
from tests.services.test_barnetrygd_at_birth import born, run_worker

PAGES = (
    "/minside/oversikt",
    "/minside/innboks",
    "/minside/livshendelser",
    "/minside/mine-data",
    "/minside/saker",
    "/minside/samtykker",
    "/minside/fullmakter",
    "/minside/innsyn",
)


def test_landing_and_login_redirect(portal: TestClient) -> None:
    landing = portal.get("/minside")
    assert landing.status_code == 200
    assert '<html lang="nb"' in landing.text and 'name="viewport"' in landing.text
    assert "/minside/static/vendor/designsystemet.css" in landing.text
    for path in PAGES:
        answer = portal.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/minside/logg-inn?neste=")
    css = portal.get("/minside/static/vendor/designsystemet.css")
    assert css.status_code == 200 and ".ds-button" in css.text
    assert portal.get("/minside/static/../api.py").status_code == 404


def test_every_page_after_login_in_every_language(portal: TestClient, register: Register) -> None:
    me = register.person(fornavn="Kari", etternavn="Nordmann")
    choice = log_in(portal, me)
    assert "Kari Nordmann" in choice and 'type="radio"' in choice
    overview = act_for(portal, me)
    assert "Du handler på egne vegne" in overview and "Kari Nordmann" in overview
    for path in PAGES:
        page = portal.get(path)
        assert page.status_code == 200, (path, page.text)
        assert '<html lang="nb"' in page.text
        assert page.headers["cache-control"] == "no-store"
        assert 'aria-current="page"' in page.text
    english = portal.get("/minside/oversikt?lang=en")
    assert '<html lang="en"' in english.text and "Cases and decisions" in english.text
    assert '<html lang="en"' in portal.get("/minside/innsyn").text, "the cookie keeps it"
    nynorsk = portal.get("/minside/fullmakter?lang=nn")
    assert '<html lang="nn"' in nynorsk.text and "Kven kan handle på dine vegner" in nynorsk.text
    portal.cookies.delete("minside_lang")
    asked = portal.get("/minside/oversikt", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en"' in asked.text


def test_a_forged_login_or_session_is_refused(portal: TestClient, register: Register) -> None:
    me = register.person()
    portal.get("/minside/logg-inn", follow_redirects=False)
    forged = portal.get("/minside/innlogget?code=abc&state=not-ours")
    assert forged.status_code == 400 and "Innloggingen mislyktes" in forged.text
    log_in(portal, me)
    act_for(portal, me)
    [cookie] = [c for c in portal.cookies.jar if c.name == "minside"]
    assert me not in (cookie.value or ""), "nothing readable in the cookie"
    cookie.value = (cookie.value or "")[:-4] + "AAAA"  # changed: no longer Fernet's
    answer = portal.get("/minside/oversikt", follow_redirects=False)
    assert answer.status_code == 303 and "logg-inn" in answer.headers["location"]


def test_forms_without_the_csrf_token_are_refused(portal: TestClient, register: Register) -> None:
    me = register.person()
    log_in(portal, me)
    assert portal.post("/minside/velg", data={"part": me}).status_code == 403
    act_for(portal, me)
    forged = {"csrf": "not-the-token", "fullmektig": register.person(), "omraader": "alt"}
    assert portal.post("/minside/fullmakter", data=forged).status_code == 403
    assert portal.post("/minside/logg-ut", data={}).status_code == 403
    page = portal.get("/minside/fullmakter")
    assert "Ingen har fullmakt fra deg" in page.text, "nothing was given"


def test_acting_for_someone_without_a_right_is_403(portal: TestClient, register: Register) -> None:
    me, stranger = register.person(), register.person(fornavn="Ukjent")
    choice = log_in(portal, me)
    refused = portal.post(
        "/minside/velg", data={"csrf": csrf_of(choice), "part": stranger, "neste": "/minside"}
    )
    assert refused.status_code == 403
    assert "Ukjent" not in refused.text


def test_fullmakt_given_lets_the_holder_act_and_revoking_ends_it(
    portal: TestClient, register: Register
) -> None:
    giver = register.person(fornavn="Giver")
    holder = register.person(fornavn="Holder", foedselsdato=date(1970, 5, 5))
    log_in(portal, giver)
    page = act_for(portal, giver)
    wrong = portal.post(
        "/minside/fullmakter", data={"csrf": csrf_of(page), "fullmektig": "123", "omraader": "nav"}
    )
    assert wrong.status_code == 422
    assert 'aria-invalid="true" aria-describedby="feil-holder"' in wrong.text
    given = portal.post(
        "/minside/fullmakter",
        data={"csrf": csrf_of(page), "fullmektig": holder, "omraader": ["nav", "skatt"]},
    )
    assert given.status_code == 200 and "Fullmakten er gitt" in given.text
    assert "Holder" in given.text
    logged_out = portal.post("/minside/logg-ut", data={"csrf": csrf_of(given.text)})
    assert str(logged_out.url).endswith("/minside/logget-ut") and "logget ut" in logged_out.text
    assert portal.get("/minside/oversikt", follow_redirects=False).status_code == 303

    choice = log_in(portal, holder)
    assert "Giver" in choice and "Har gitt deg fullmakt" in choice
    assert "Giver" in act_for(portal, giver)
    assert portal.get("/minside/saker").status_code == 200
    assert "Bare personen selv" in portal.get("/minside/samtykker").text

    act_for(portal, holder)
    fullmakter = portal.get("/minside/fullmakter").text
    assert "Hvem du kan handle for" in fullmakter and "Giver" in fullmakter
    portal.post("/minside/logg-ut", data={"csrf": csrf_of(fullmakter)})

    log_in(portal, giver)
    page = act_for(portal, giver)
    listing = portal.get("/minside/fullmakter").text
    revoke = listing.split('action="/minside/fullmakter/')[1].split('"')[0]
    revoked = portal.post(f"/minside/fullmakter/{revoke}", data={"csrf": csrf_of(listing)})
    assert "Fullmakten er trukket" in revoked.text
    portal.post("/minside/logg-ut", data={"csrf": csrf_of(revoked.text)})

    choice = log_in(portal, holder)
    assert "Giver" not in choice
    refused = portal.post(
        "/minside/velg", data={"csrf": csrf_of(choice), "part": giver, "neste": "/minside"}
    )
    assert refused.status_code == 403


def test_the_barnetrygd_decision_with_its_reasons_and_letter(
    portal: TestClient, register: Register, database: Database
) -> None:
    mother = register.person(foedselsdato=date(1990, 2, 3), fornavn="Mor")
    child = born(register, mother, date(2025, 5, 20))
    run_worker(database)
    log_in(portal, mother)
    act_for(portal, mother)
    cases = portal.get("/minside/saker?lang=en")
    assert "Granted" in cases.text
    link = re.search(r'href="(/minside/saker/\d+)"', cases.text)
    assert link is not None
    case = portal.get(link.group(1))
    text = case.text.replace("\u00a0", " ")
    assert "NOK 1,968" in text and "See the letter for the reasons" not in text
    assert "for your child because your child is under 18" in text
    assert "Child Benefit Act" in text
    letter = re.search(r'href="(/minside/saker/\d+/brev/\d+)"', case.text)
    assert letter is not None
    shown = portal.get(letter.group(1))
    assert portal.get("/minside/saker/999999").status_code == 404
    assert portal.get("/minside/saker/99999999999999999999").status_code == 422
    assert shown.status_code == 200 and "NOK 1,968" in shown.text.replace("\u00a0", " ")

    choice = portal.get("/minside/velg").text
    assert child in choice, "the mother may act for her newborn"
    as_child = act_for(portal, child)
    assert "Du handler på vegne av" in as_child or "You are acting for" in as_child
    assert "Granted" not in portal.get("/minside/saker?lang=en").text, "addressed to the mother"


def test_a_step_says_what_it_waits_for(
    portal: TestClient, register: Register, database: Database
) -> None:
    young = register.person(foedselsdato=date(2008, 1, 1), fornavn="Ung")
    born(register, young, date(2025, 5, 20))
    run_services_and_journeys(database)  # under 18: a caseworker decides; barnetrygd stays open
    log_in(portal, young)
    act_for(portal, young)
    for lang, words in (("nb", "Venter på: Barnetrygd"), ("en", "Waits for: Child benefit")):
        page = portal.get(f"/minside/livshendelser?lang={lang}")
        assert page.status_code == 200 and words in page.text


def test_no_personal_data_in_the_logs(
    portal: TestClient, register: Register, caplog: pytest.LogCaptureFixture
) -> None:
    me = register.person(fornavn="Loggfri", etternavn="Person")
    caplog.set_level(logging.DEBUG)
    log_in(portal, me)
    act_for(portal, me)
    for path in PAGES:
        portal.get(path)
    portal.post("/minside/velg", data={"csrf": "x", "part": me})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the requests were logged"
    assert me not in text and "Loggfri" not in text
