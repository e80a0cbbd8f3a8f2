"""Placing orders: the content rule (no personal details beyond the greeting), validation
that writes nothing, idempotency, cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.errors import Conflict, InvalidInput
from felles.kernel.events import OutboxRow
from felles.mailbox.notifications import (
    EmailTemplate,
    NotificationOrder,
    Reminder,
    SmsTemplate,
    cancel_order,
    order_notification,
)
from felles.mailbox.notifications.content import check_text, render
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.model import OrderRow
from tests.mailbox.notifications.conftest import NAV, People, SmtpServer, send


def counts(database: Database) -> tuple[int, int]:
    with database.read_session() as session:
        orders = session.scalar(select(func.count()).select_from(OrderRow)) or 0
        events = session.scalar(select(func.count()).select_from(OutboxRow)) or 0
        return orders, events


@pytest.mark.parametrize(
    "text",
    [
        "Saken gjelder 01017012345.",
        "Fødselsnummer 010170 12345",
        "Ref 010170-12345",
        "Svar til saksbehandler@nav.no",
        "Hei $recipientAddress$",
    ],
)
def test_texts_with_personal_details_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_text(text, field="body", max_length=1000)
    assert text not in refused.value.detail


@pytest.mark.parametrize(
    "text",
    [
        "Hei $recipientName$, du har et nytt brev.",
        "Frist 31.07.2025, se https://www.nav.no/minside.",
        "Saksnummer 2025-17 er oppdatert.",
    ],
)
def test_ordinary_texts_pass(text: str) -> None:
    assert check_text(text, field="body", max_length=1000) == text


def test_the_greeting_without_a_name_and_html_escaped() -> None:
    assert render("Hei $recipientName$, hallo", name=None) == "Hei, hallo"
    assert render("<p>Hei $recipientName$</p>", name="Å <b>", content_type="Html") == (
        "<p>Hei Å &lt;b&gt;</p>"
    )
    assert render("Nr $recipientNumber$.", name="Kari") == "Nr ."


@pytest.mark.parametrize(
    "values",
    [
        {"email": EmailTemplate("Vedtak for 01017012345", "Hei")},
        {"sms": SmsTemplate("Ring 01017012345")},
        {"sms": SmsTemplate("Hei", sender="For-langt-navn!")},
        {"reminders": (Reminder(delay_days=0),)},
        {"reminders": (Reminder(delay_days=2, email=EmailTemplate("Hei", "x@y.no")),)},
        {"condition_endpoint": "http://example.no/status"},
        {"condition": "no-such-condition"},
        {"idempotency_key": " "},
        {"recipient": "12345678901"},
        {"sender_orgnr": "123456789"},
        {"kind": "brev"},
    ],
)
def test_a_refused_order_writes_nothing(
    database: Database, people: People, values: dict[str, Any]
) -> None:
    ident = people.person(email="a@example.no")
    before = counts(database)
    order: dict[str, Any] = {
        "sender_orgnr": NAV,
        "recipient": ident,
        "idempotency_key": "k-1",
    } | values
    with pytest.raises(InvalidInput), database.unit_of_work() as uow:
        order_notification(uow, NotificationOrder(**order))
        uow.commit()
    assert counts(database) == before


def test_ordering_twice_with_the_same_key_gives_the_first_order(
    database: Database, people: People
) -> None:
    ident = people.person(email="a@example.no")
    first = people.order(ident, idempotency_key="brev-77", reminders=(Reminder(delay_days=7),))
    after_first = counts(database)
    second = people.order(ident, idempotency_key="brev-77", reminders=(Reminder(delay_days=7),))
    assert first == second
    assert counts(database) == after_first
    assert after_first[0] == 2  # the order and its reminder
    # Another sender's key is its own.
    other = people.order(ident, idempotency_key="brev-77", sender_orgnr="974761076")
    assert other != first


def test_a_send_time_in_the_past_means_now_and_cancelling_stops_it(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email="a@example.no")
    past = people.order(
        ident, idempotency_key="p", requested_send_time=clock.now() - timedelta(days=1)
    )
    assert people.order_row(past).requested_send_time.replace(tzinfo=None) == clock.now().replace(
        tzinfo=None
    )
    later = people.order(
        ident,
        idempotency_key="l",
        requested_send_time=clock.now() + timedelta(days=1),
        reminders=(Reminder(delay_days=1),),
    )
    with database.unit_of_work() as uow:
        cancel_order(uow, later, orgnr=NAV)
        uow.commit()
    clock.advance(timedelta(days=3))
    send(database, email_sender, sms_gateway)
    assert len(smtp.inbox.messages) == 1  # only the first
    assert people.order_row(later).status == "Cancelled"
    with pytest.raises(Conflict), database.unit_of_work() as uow:
        cancel_order(uow, past, orgnr=NAV)
