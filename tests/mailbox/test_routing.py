"""Routing at send time, through the data distributor as Digdir's mailbox client: a reserved
person gets paper with Folkeregisteret's address, a person with a digital mailbox gets it
there, others the felles inbox; a protected address is never read, printed or shown; every
read is in the person's access log. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import orjson
import pytest

from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from felles.kernel.events import OutboxRow
from felles.mailbox import queries
from felles.mailbox.model import Forsendelse, Leveranse, Utskrift
from felles.mailbox.operations import send_letter
from felles.mailbox.printing import printable
from felles.mailbox.rendering import render_html
from felles.mailbox.routing import DIGDIR_ORGNR, PURPOSE
from tests.mailbox.conftest import (
    DIGIPOST,
    People,
    event_types,
    letter,
    log_entries,
    pdf_text,
    rows,
    snapshot,
)
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET


def send(database: Database, recipient: str, **values: object) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient, **values))
        uow.commit()
        return letter_id


def test_a_digital_person_gets_the_letter_in_the_felles_inbox(
    database: Database, people: People
) -> None:
    kari = people.digital(spraak="nn")
    letter_id = send(database, kari)

    [row] = rows(database, Forsendelse)
    assert (row.id, row.status, row.channel, row.channel_reason) == (
        letter_id,
        "Published",
        "innboks",
        "digital",
    )
    assert row.default_language == "nn"  # KRR's preferred language, which the letter has
    assert rows(database, Utskrift) == [] and rows(database, Leveranse) == []
    assert event_types(database) == [
        "no.altinn.correspondence.correspondenceinitialized",
        "no.altinn.correspondence.correspondencepublished",
    ]
    # Only KRR was read, as Digdir, for digital post: in Kari's access log.
    [entry] = log_entries(database)
    assert (entry.konsument, entry.subjekt, entry.datasett, entry.formaal) == (
        DIGDIR_ORGNR,
        kari,
        "krr.kontakt",
        PURPOSE,
    )
    assert entry.hjemmel == "digdir-digital-post-krr"
    with database.read_session() as session:
        page = queries.inbox(session, kari, language="nb")
        assert queries.unread_count(session, kari) == 1
    assert [item.id for item in page.items] == [letter_id] and page.total == 1
    assert page.items[0].status_text == "Ulest" and page.items[0].unread


def test_a_reserved_person_gets_paper_with_the_address_from_folkeregisteret(
    database: Database, people: People
) -> None:
    ola = people.reserved()
    letter_id = send(database, ola)

    [row] = rows(database, Forsendelse)
    assert (row.status, row.channel, row.channel_reason) == ("Reserved", "papir", "reservert")
    [order] = rows(database, Utskrift)
    assert order.handling == "ordinaer" and order.status == "venter"
    assert order.name == "Kari Nordmann"
    assert order.address_lines == ["Storgata 1A", "0155 OSLO"]
    assert event_types(database)[-1] == "no.altinn.correspondence.correspondencereceiverreserved"
    # KRR, then Folkeregisteret for the envelope: both in the log, for digital post.
    logged = {(e.datasett, e.hjemmel) for e in log_entries(database)}
    assert logged == {
        ("krr.kontakt", "digdir-digital-post-krr"),
        ("folkeregister.person.basis", "digdir-digital-post-papir"),
    }
    # The printed letter has the envelope; it is not in the digital inbox.
    with database.read_session() as session:
        found = queries.details(session, letter_id)
        assert found is not None
        pdf = printable(session, letter_id)
        assert queries.inbox(session, ola).total == 0
    text = pdf_text(pdf)
    assert "Storgata 1A" in text and "0155 OSLO" in text and "Vedtak om barnetrygd" in text


def test_a_person_with_a_digital_mailbox_gets_it_at_the_provider(
    database: Database, people: People
) -> None:
    per = people.with_provider()
    letter_id = send(database, per)
    [row] = rows(database, Forsendelse)
    assert (row.status, row.channel) == ("Published", "digital-postkasse")
    [delivery] = rows(database, Leveranse)
    assert delivery.forsendelse_id == letter_id
    assert (delivery.provider_orgnr, delivery.mailbox_address) == (DIGIPOST, "kari.nordmann#1234")
    assert delivery.receipt["referanse"]
    assert rows(database, Utskrift) == []


def test_a_person_not_in_krr_gets_paper(database: Database, people: People) -> None:
    nils = people.person()
    send(database, nils)
    [row] = rows(database, Forsendelse)
    assert (row.status, row.channel, row.channel_reason) == (
        "Published",
        "papir",
        "ikke-registrert-i-krr",
    )
    assert len(rows(database, Utskrift)) == 1


def test_paper_without_a_registered_address_fails(database: Database, people: People) -> None:
    nobody = people.reserved(adresse_id=None)
    send(database, nobody)
    [row] = rows(database, Forsendelse)
    assert (row.status, row.channel_reason) == ("Failed", "mangler-adresse")
    assert rows(database, Utskrift) == []
    assert event_types(database)[-1] == "no.altinn.correspondence.correspondencepublishfailed"


@pytest.mark.parametrize("grading", ["strengtFortrolig", "fortrolig"])
def test_a_protected_address_is_never_read_printed_or_shown(
    database: Database, people: People, caplog: pytest.LogCaptureFixture, grading: str
) -> None:
    caplog.set_level(logging.DEBUG)
    hidden = people.reserved(adresse_id=HEMMELIGVEIEN, adressebeskyttelse=grading)
    letter_id = send(database, hidden)

    [order] = rows(database, Utskrift)
    assert order.handling == "beskyttet-adresse"
    assert order.name is None and order.address_lines is None
    # The mailbox asked for the address, and the decision point withheld it: not logged.
    [_, frg] = log_entries(database)
    assert frg.datasett == "folkeregister.person.basis"
    assert "bostedsadresse" not in frg.felter and "postadresse" not in frg.felter

    with database.read_session() as session:
        found = queries.details(session, letter_id)
        assert found is not None
        sheet = queries.sheet(found)
        html = render_html(sheet)
        pdf = printable(session, letter_id)
        events = [row.data for row in session.query(OutboxRow).all()]
    secrets = (SECRET_STREET, "7011", "TRONDHEIM")
    shown = [html, pdf_text(pdf), pdf.decode("latin-1"), orjson.dumps(events).decode()]
    shown.append(caplog.text)
    for secret in secrets:
        assert all(secret not in text for text in shown), secret
    assert hidden not in caplog.text
    assert "beskyttede adresser" in pdf_text(pdf)


def test_an_organisation_gets_the_letter_in_its_inbox(
    database: Database, people: People, organisation: str
) -> None:
    letter_id = send(database, f"urn:altinn:organization:identifier-no:{organisation}")
    [row] = rows(database, Forsendelse)
    assert (row.recipient, row.recipient_kind, row.channel) == (
        organisation,
        "organisation",
        "innboks",
    )
    assert log_entries(database) == []  # nothing personal was read
    with database.read_session() as session:
        assert [i.id for i in queries.inbox(session, organisation).items] == [letter_id]


def test_unknown_recipients_are_refused_and_nothing_is_stored(
    database: Database, people: People
) -> None:
    people.digital()
    before = snapshot(database)
    for recipient in ("01017012345", "urn:altinn:organization:identifier-no:974760673"):
        with pytest.raises(InvalidInput), database.unit_of_work() as uow:
            send_letter(uow, letter(recipient))
            uow.commit()
    with pytest.raises(InvalidInput) as bad, database.unit_of_work() as uow:
        send_letter(uow, letter("12345678901"))
    assert "12345678901" not in bad.value.detail
    assert snapshot(database) == before
