"""KRR's reservation, and recipients KRR does not know."""

from __future__ import annotations

from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from tests.mailbox.notifications.conftest import People, SmtpServer, send

EMAIL = "reservert@example.no"
MOBILE = "+4792345678"


def test_a_reserved_person_gets_neither_email_nor_sms(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL, mobile=MOBILE, reserved=True)
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL_AND_SMS)
    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms, done.not_sent) == (0, 0, 1)
    assert smtp.inbox.messages == [] and people.sent_sms() == []
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.address) == ("Failed_RecipientReserved", None)
    order = people.order_row(order_id)
    assert order.status == "Completed"


def test_reservation_is_ignored_only_when_the_order_says_the_law_allows_it(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL, reserved=True)
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL, ignore_reservation=True)
    send(database, email_sender, sms_gateway)

    [notification] = people.notifications(order_id)
    assert notification.status == "Succeeded"
    assert len(smtp.inbox.messages) == 1


def test_a_person_without_krr_registration_is_not_identified(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(in_krr=False)
    order_id = people.order(ident)
    send(database, email_sender, sms_gateway)

    [notification] = people.notifications(order_id)
    assert notification.status == "Failed_RecipientNotIdentified"
    assert smtp.inbox.messages == []
