"""Innboks and life events in the portal, through the TestClient on SQLite and PostgreSQL:
the party's letters only (a person's own, an organisation's for someone with a role there),
reading marks read through the mailbox, a task confirmed with a CSRF-checked form, another
person's letter not found with nothing changed; and after a birth, the Få barn journey and
the decision letter on Oversikt."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from felles.journeys.opening import journeys_consumer
from felles.kernel.bus import DatabaseTransport, Worker
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox import consumers as mailbox_consumers
from felles.mailbox.model import Forsendelse, StatusHendelse
from felles.mailbox.operations import send_letter
from felles.registries.enhetsregisteret.operations import register_enhet
from felles.registries.enhetsregisteret.operations.roller import RolleInput
from felles.registries.krr.operations import register_contact
from felles.services.barnetrygd import SERVICE
from felles.services.barnetrygd.service import handle_births
from felles.services.runtime import consumer_for
from tests.mailbox.conftest import due_in, letter, rows, snapshot
from tests.portal.conftest import act_for, csrf_of, log_in
from tests.registries.folkeregister.conftest import Register
from tests.services.test_barnetrygd_at_birth import born

LINK = re.compile(r'href="/minside/innboks/([0-9a-f-]{36})"')


def digital(register: Register, **values: object) -> str:
    """A person in KRR with no digital mailbox of their own: their post is the felles inbox."""
    ident = register.person(**values)
    register.run(
        register_contact, personidentifikator=ident, epostadresse="x@example.com", spraak="nb"
    )
    return ident


def send(database: Database, recipient: str, **values: object) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient, **({"message_sender": "NAV"} | values)))
        uow.commit()
    return letter_id


def status_of(database: Database, letter_id: str) -> str:
    [row] = rows(database, Forsendelse, id=letter_id)
    return str(row.status)


def run_after_birth(database: Database) -> None:
    """The services, then the mailbox's decision letters and the journeys, as `felles worker`
    runs them (each its own consumer)."""
    for consumer in (
        consumer_for(SERVICE, handle_births),
        mailbox_consumers.CONSUMER,
        journeys_consumer(),
    ):
        totals = Worker(DatabaseTransport(database), [consumer]).run(
            threading.Event(), until_idle=True
        )
        assert totals.failed == 0


def test_the_inbox_shows_the_partys_letters_and_reading_marks_read(
    portal: TestClient, register: Register, database: Database
) -> None:
    me = digital(register, fornavn="Kari", etternavn="Nordmann")
    other = digital(register, fornavn="Ola", etternavn="Annen")
    mine = send(database, me)
    theirs = send(database, other, kind="informasjon")
    log_in(portal, me)
    overview = act_for(portal, me)
    assert 'class="portal-count">1<' in overview, "the menu counts the unread letter"
    assert f"/minside/innboks/{mine}" in overview and "Nye brev" in overview

    inbox = portal.get("/minside/innboks")
    assert inbox.status_code == 200 and 'aria-current="page"' in inbox.text
    assert LINK.findall(inbox.text) == [mine]
    assert "Ulest" in inbox.text and "Vedtak" in inbox.text and "NAV" in inbox.text

    # Someone else's letter, an unknown id and a malformed one: nothing is shown or marked.
    before = snapshot(database)
    for letter_id in (theirs, str(uuid.uuid4())):
        assert portal.get(f"/minside/innboks/{letter_id}").status_code == 404
        assert portal.get(f"/minside/innboks/{letter_id}/pdf").status_code == 404
    assert portal.get("/minside/innboks/1%20or%201=1").status_code == 422
    assert snapshot(database) == before
    assert status_of(database, theirs) == "Published"

    shown = portal.get(f"/minside/innboks/{mine}?lang=nn")
    assert shown.status_code == 200
    assert '<article lang="nn">' in shown.text and "Kva vi har bestemt" in shown.text
    assert "portal-count" not in shown.text, "the menu counts what this look marked"
    assert "Merk som utført" not in shown.text, "a decision is no task"
    assert status_of(database, mine) == "Read"
    history = rows(database, StatusHendelse, forsendelse_id=mine)
    assert [(h.status, h.actor) for h in history][-1] == ("Read", f"mottaker:{me}")
    english = portal.get(f"/minside/innboks/{mine}?lang=en")
    assert '<article lang="nb">' in english.text, "no English content: the letter's own"
    pdf = portal.get(f"/minside/innboks/{mine}/pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "no-store"
    assert "Ulest" not in portal.get("/minside/innboks?lang=nb").text
    assert len(rows(database, StatusHendelse, forsendelse_id=mine)) == len(history)


def test_a_task_is_marked_done_with_the_form(
    portal: TestClient, register: Register, database: Database
) -> None:
    me = digital(register)
    other = digital(register)
    task = send(database, me, kind="oppgave", due=due_in(30))
    decision = send(database, me)
    theirs = send(database, other, kind="oppgave", due=due_in(30))
    log_in(portal, me)
    act_for(portal, me)

    listed = portal.get("/minside/innboks").text
    assert LINK.findall(listed) == [decision, task] or LINK.findall(listed) == [task, decision]
    assert "Oppgave" in listed
    shown = portal.get(f"/minside/innboks/{task}")
    assert (
        "Merk som utført" in shown.text
        and f'action="/minside/innboks/{task}/utfoert"' in shown.text
    )
    csrf = csrf_of(shown.text)

    refused = portal.post(f"/minside/innboks/{task}/utfoert", data={"csrf": "forged"})
    assert refused.status_code == 403 and status_of(database, task) == "Read"
    before = snapshot(database)
    assert portal.post(f"/minside/innboks/{theirs}/utfoert", data={"csrf": csrf}).status_code == 404
    assert snapshot(database) == before and status_of(database, theirs) == "Published"
    not_a_task = portal.post(f"/minside/innboks/{decision}/utfoert", data={"csrf": csrf})
    assert not_a_task.status_code == 409 and status_of(database, decision) == "Published"

    done = portal.post(
        f"/minside/innboks/{task}/utfoert", data={"csrf": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?utfoert=1")
    assert status_of(database, task) == "Confirmed"
    after = portal.get(done.headers["location"]).text
    assert "Oppgaven er merket som utført" in after and "Merk som utført" not in after
    history = rows(database, StatusHendelse, forsendelse_id=task)
    assert history[-1].status == "Confirmed" and history[-1].actor == f"mottaker:{me}"


def test_an_organisations_inbox_for_someone_with_a_role(
    portal: TestClient, register: Register, database: Database
) -> None:
    leader = digital(register, fornavn="Dag", etternavn="Leder")
    with database.unit_of_work() as uow:
        orgnr = register_enhet(
            uow,
            navn="Fjellbekk Bakeri AS",
            organisasjonsform="AS",
            kommunenummer="0301",
            roller=[RolleInput("DAGL", person=leader)],
        ).organisasjonsnummer
        uow.commit()
    task = send(database, orgnr, kind="oppgave", due=due_in(30))
    log_in(portal, leader)
    act_for(portal, leader)
    assert LINK.findall(portal.get("/minside/innboks").text) == [], "not her own"
    assert portal.get(f"/minside/innboks/{task}").status_code == 404

    act_for(portal, orgnr)
    assert LINK.findall(portal.get("/minside/innboks").text) == [task]
    csrf = csrf_of(portal.get(f"/minside/innboks/{task}").text)
    assert portal.post(f"/minside/innboks/{task}/utfoert", data={"csrf": csrf}).status_code == 200
    assert status_of(database, task) == "Confirmed"
    history = rows(database, StatusHendelse, forsendelse_id=task)
    assert history[-1].actor == f"mottaker:{leader}@{orgnr}"
    overview = portal.get("/minside/oversikt").text
    assert "Du kan ikke se livshendelsene" in overview, "an organisation has none"


def test_a_birth_on_oversikt_the_journey_and_the_decision_letter(
    portal: TestClient, register: Register, database: Database, clock: SimulatedClock
) -> None:
    mother = digital(register, foedselsdato=date(1990, 2, 3), fornavn="Mor")
    father = register.person(foedselsdato=date(1988, 7, 1), kjoenn="mann", fornavn="Far")
    child = born(register, mother, date(2025, 5, 20), far_eller_medmor=father)
    run_after_birth(database)

    log_in(portal, mother)
    overview = act_for(portal, mother)
    assert "Livshendelser som pågår" in overview and "Få barn: Emma" in overview
    assert "Gjort automatisk" in overview and "Kommer senere" in overview
    [case] = re.findall(r'href="/minside/saker/(\d+)"', overview.split('id="h-brev"')[0])
    assert f"/minside/saker/{case}" in portal.get("/minside/saker").text
    [letter_id] = LINK.findall(overview)
    assert "barnetrygd" in overview.split('id="h-brev"')[1].lower()
    english = portal.get("/minside/oversikt?lang=en").text
    assert "Having a child: Emma" in english and "Done automatically" in english
    assert "Life events" in portal.get("/minside/livshendelser").text

    opened = portal.get(f"/minside/innboks/{letter_id}?lang=nb")
    assert "Du får barnetrygd for Emma" in opened.text
    assert status_of(database, letter_id) == "Read"
    assert "Ingen uleste brev" in portal.get("/minside/oversikt?lang=nb").text

    # Acting for her newborn: the child's post is not read by others, and hers is not shown.
    act_for(portal, child)
    assert "portal-count" not in portal.get("/minside/oversikt").text
    assert (
        "Brev til en annen person leses bare av den personen" in portal.get("/minside/innboks").text
    )
    assert portal.get(f"/minside/innboks/{letter_id}").status_code == 404
    act_for(portal, mother)

    # A year on, kontantstøtte is the mother's task: first, marked in words, with its deadline.
    clock.set(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    log_in(portal, mother)
    later = act_for(portal, mother)
    steps = later.split('id="h-livshendelser"')[1].split('id="h-brev"')[0]
    assert steps.index("Din oppgave") < steps.index("Gjort automatisk")
    assert "portal-step-yours" in steps and "Frist:" in steps

    # When the child is 19 months, nothing is left: the journey is listed as finished, folded.
    clock.set(datetime(2027, 1, 2, 12, 0, tzinfo=UTC))
    log_in(portal, mother)
    finished = act_for(portal, mother)
    assert '<details class="ds-details portal-journey">' in finished and "fullført" in finished
    assert "Ikke aktuelt" in portal.get("/minside/livshendelser").text

    # The father follows the birth too, but the barnetrygd case is the mother's: no link.
    portal.cookies.clear()
    log_in(portal, father)
    his = act_for(portal, father)
    assert "Få barn: Emma" in his and "/minside/saker/" not in his.split('id="h-brev"')[0]
    assert child not in his
