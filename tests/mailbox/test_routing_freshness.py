"""KRR's 18-month rule in routing: a person who cannot be notified (no e-mail address or
mobile number updated or confirmed in the last 18 calendar months) gets the letter on paper,
and no notification; a fresh confirmation restores digital post; exactly 18 months is stale,
as the registry's rule says "strictly newer". On the simulated clock (2025), SQLite and
PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.mailbox import queries
from felles.mailbox.model import Forsendelse, Leveranse, Utskrift
from felles.mailbox.notifications.model import OrderRow
from felles.mailbox.operations import send_letter
from felles.mailbox.printing import printable
from felles.mailbox.rendering import render_html
from felles.registries.krr.operations import register_contact, verify_contact
from tests.mailbox.conftest import People, letter, log_entries, pdf_text, rows
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET

START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # the clock fixture's start
EDGE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 18 calendar months after START


def send(database: Database, recipient: str) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient))
        uow.commit()
        return letter_id


def route(database: Database) -> tuple[str, str, str]:
    [row] = rows(database, Forsendelse)
    return (row.status, row.channel, row.channel_reason)


def test_only_stale_details_give_paper_and_no_notification(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    kari = people.digital()  # e-mail registered at START
    clock.set(EDGE + timedelta(days=30))
    letter_id = send(database, kari)

    assert route(database) == ("Published", "papir", "kan-ikke-varsles")
    [order] = rows(database, Utskrift)
    assert order.forsendelse_id == letter_id
    assert order.handling == "ordinaer" and order.address_lines == ["Storgata 1A", "0155 OSLO"]
    assert rows(database, OrderRow) == []  # a paper letter orders no notification
    with database.read_session() as session:
        # Published, as for a person not in KRR: also readable after logging in.
        assert [item.id for item in queries.inbox(session, kari).items] == [letter_id]
    # KRR (its varslingsstatus) and then Folkeregisteret, both for digital post.
    logged = {(e.datasett, e.hjemmel) for e in log_entries(database)}
    assert logged == {
        ("krr.kontakt", "digdir-digital-post-krr"),
        ("folkeregister.person.basis", "digdir-digital-post-papir"),
    }
    krr = next(e for e in log_entries(database) if e.datasett == "krr.kontakt")
    assert "varslingsstatus" in krr.felter
    # Routing needs to know only whether the person can be notified, not how.
    assert not {"epostadresse", "mobiltelefonnummer"} & set(krr.felter)


def test_exactly_18_months_is_stale_a_moment_less_is_not(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    fresh = people.digital()
    stale = people.digital()
    clock.set(EDGE - timedelta(microseconds=1))
    send(database, fresh)
    clock.set(EDGE)
    send(database, stale)
    found = {
        row.recipient: (row.channel, row.channel_reason) for row in rows(database, Forsendelse)
    }
    assert found == {fresh: ("innboks", "digital"), stale: ("papir", "kan-ikke-varsles")}


def test_a_fresh_confirmation_restores_digital_post(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    kari = people.digital()
    clock.set(datetime(2027, 3, 1, 9, tzinfo=UTC))
    people.register.run(verify_contact, personidentifikator=kari)  # sist_verifisert now
    clock.advance(timedelta(days=17 * 30))  # still within 18 months of the confirmation
    send(database, kari)
    assert route(database) == ("Published", "innboks", "digital")
    assert len(rows(database, OrderRow)) == 1  # and the notice is ordered


def test_a_fresh_mobile_is_enough_when_the_email_is_stale(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    kari = people.digital()  # e-mail at START
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    people.register.run(
        register_contact, personidentifikator=kari, mobiltelefonnummer="+4791234567"
    )
    clock.set(EDGE + timedelta(days=1))  # e-mail stale, mobile six months old
    send(database, kari)
    assert route(database) == ("Published", "innboks", "digital")


def test_registered_without_email_or_mobile_gets_paper(database: Database, people: People) -> None:
    nils = people.person()
    people.register.run(register_contact, personidentifikator=nils, spraak="nn")
    send(database, nils)
    assert route(database) == ("Published", "papir", "kan-ikke-varsles")


def test_a_digital_mailbox_does_not_help_when_the_person_cannot_be_notified(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    per = people.with_provider()
    clock.set(EDGE + timedelta(days=1))
    send(database, per)
    assert route(database) == ("Published", "papir", "kan-ikke-varsles")
    assert rows(database, Leveranse) == []
    assert len(rows(database, Utskrift)) == 1


def test_the_reserved_rule_comes_first(
    database: Database, people: People, clock: SimulatedClock
) -> None:
    ola = people.reserved()
    clock.set(EDGE + timedelta(days=1))
    send(database, ola)
    assert route(database) == ("Reserved", "papir", "reservert")


@pytest.mark.parametrize("grading", ["fortrolig", "strengtFortrolig"])
def test_stale_details_and_a_protected_address_leak_nothing(
    database: Database,
    people: People,
    clock: SimulatedClock,
    caplog: pytest.LogCaptureFixture,
    grading: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    hidden = people.digital(adresse_id=HEMMELIGVEIEN, adressebeskyttelse=grading)
    clock.set(EDGE + timedelta(days=1))
    letter_id = send(database, hidden)

    assert route(database) == ("Published", "papir", "kan-ikke-varsles")
    [order] = rows(database, Utskrift)
    assert order.handling == "beskyttet-adresse"
    assert order.name is None and order.address_lines is None
    frg = next(e for e in log_entries(database) if e.datasett == "folkeregister.person.basis")
    assert "bostedsadresse" not in frg.felter and "postadresse" not in frg.felter
    with database.read_session() as session:
        found = queries.details(session, letter_id)
        assert found is not None
        html = render_html(queries.sheet(found))
        pdf = printable(session, letter_id)
        events = [row.data for row in session.query(OutboxRow).all()]
    shown = [html, pdf_text(pdf), pdf.decode("latin-1"), orjson.dumps(events).decode()]
    shown.append(caplog.text)
    for secret in (SECRET_STREET, "7011", "TRONDHEIM", "kari@example.com"):
        assert all(secret not in text for text in shown), secret
    assert hidden not in caplog.text
