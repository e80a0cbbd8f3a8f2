"""A letter's notification end to end: ordered, looked up in KRR through the distributor (and
logged), sent over real SMTP to a local server, or by SMS to the database gateway."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from felles.access.log.model import LogEntryRow
from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.mailbox.notifications import ChannelScheme, EmailTemplate, SmsTemplate
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from tests.mailbox.notifications.conftest import People, SmtpServer, send

EMAIL = "kari.nordmann@example.no"
MOBILE = "+4791234567"


def felles_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every felles log record, message and extra fields, as one text."""
    return "\n".join(
        f"{record.getMessage()} {record.__dict__}"
        for record in caplog.records
        if record.name.startswith("felles")
    )


def test_an_email_arrives_over_smtp_with_only_the_greeting(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="felles")
    kari = people.person(email=EMAIL, mobile=MOBILE)
    order_id = people.order(kari, channel_scheme=ChannelScheme.EMAIL)

    done = send(database, email_sender, sms_gateway)

    assert (done.orders, done.emails, done.sms) == (1, 1, 0)
    [message] = smtp.inbox.messages
    assert smtp.inbox.envelopes == [[EMAIL]]
    assert message["To"] == EMAIL
    assert message["Subject"] == "Du har fått et nytt brev"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["From"] == "ikke-svar@varsling.felles.example"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Hei Kari Nordmann,\n")
    assert "nytt brev fra det offentlige" in body
    assert kari not in message.as_string()  # no identity number anywhere in the mail
    [notification] = people.notifications(order_id)
    assert (notification.channel, notification.status, notification.address) == (
        "Email",
        "Succeeded",
        EMAIL,
    )
    assert people.order_row(order_id).status == "Completed"
    # Neither the address nor the number is in any of felles' log lines (the test SMTP
    # server's own log, mail.log, is not ours).
    ours = felles_log(caplog)
    assert "notification attempt" in ours
    assert EMAIL not in ours and kari not in ours and MOBILE not in ours


def test_the_krr_lookup_is_in_the_persons_access_log(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    kari = people.person(email=EMAIL)
    people.order(kari)
    send(database, email_sender, sms_gateway)

    with database.read_session() as session:
        entries = list(session.scalars(select(LogEntryRow).where(LogEntryRow.subjekt == kari)))
    by_dataset = {entry.datasett: entry for entry in entries}
    assert set(by_dataset) == {"krr.kontakt", "folkeregister.person.basis"}
    krr = by_dataset["krr.kontakt"]
    assert (krr.konsument, krr.formaal) == ("991825827", "varsling")
    assert set(krr.felter) == {"epostadresse", "mobiltelefonnummer", "reservasjon", "spraak"}
    assert by_dataset["folkeregister.person.basis"].felter == ["navn"]


def test_an_sms_goes_to_the_database_gateway(
    database: Database,
    people: People,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    smtp: SmtpServer,
) -> None:
    ola = people.person(mobile=MOBILE, spraak="nn", fornavn="Ola")
    order_id = people.order(ola, channel_scheme=ChannelScheme.SMS, kind="task")

    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms) == (0, 1)
    [sms] = people.sent_sms()
    assert sms.recipient == MOBILE and sms.sender == "Felles"
    assert sms.body.startswith("Hei Ola Nordmann, du har fått ei ny oppgåve frå det offentlege.")
    [notification] = people.notifications(order_id)
    assert notification.status == "Accepted"
    assert smtp.inbox.messages == []


def test_the_senders_own_texts_with_the_greeting_keyword(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    kari = people.person(email=EMAIL, mobile=MOBILE, spraak="en")
    people.order(
        kari,
        channel_scheme=ChannelScheme.EMAIL_AND_SMS,
        email=EmailTemplate("Nytt vedtak", "Hei $recipientName$! Du har et nytt vedtak."),
        sms=SmsTemplate("Hei $recipientName$, se innboksen din.", sender="NAV"),
    )
    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms) == (1, 1)
    [message] = smtp.inbox.messages
    assert message["Subject"] == "Nytt vedtak"
    assert message.get_content().strip() == "Hei Kari Nordmann! Du har et nytt vedtak."
    [sms] = people.sent_sms()
    assert (sms.sender, sms.body) == ("NAV", "Hei Kari Nordmann, se innboksen din.")


def test_events_carry_ids_and_statuses_never_addresses(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    kari = people.person(email=EMAIL, mobile=MOBILE)
    order_id = people.order(kari, channel_scheme=ChannelScheme.EMAIL_AND_SMS)
    send(database, email_sender, sms_gateway)

    with database.read_session() as session:
        rows = list(
            session.scalars(
                select(OutboxRow)
                .where(OutboxRow.source == "/notifications")
                .order_by(OutboxRow.seq)
            )
        )
    types = [row.type for row in rows]
    assert types[0] == "no.altinn.notifications.order.Registered"
    assert "no.altinn.notifications.order.Processing" in types
    assert "no.altinn.notifications.email.Succeeded" in types
    assert "no.altinn.notifications.sms.Accepted" in types
    assert types[-1] == "no.altinn.notifications.order.Completed"
    assert {row.subject for row in rows} == {f"/notifications/orders/{order_id}"}
    text = repr([row.data for row in rows])
    assert EMAIL not in text and MOBILE not in text and kari not in text
