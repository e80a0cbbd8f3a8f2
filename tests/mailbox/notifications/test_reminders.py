"""Reminders and send conditions: sent while the task is open, skipped once it is done —
asked in process (a registered condition) or over HTTP (Altinn's conditionEndpoint)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications import (
    ChannelScheme,
    EmailTemplate,
    Reminder,
    register_condition,
    unregister_condition,
)
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.orders import reminders_of
from felles.mailbox.notifications.sending import MAX_ATTEMPTS, backoff
from tests.mailbox.notifications.conftest import People, SmtpServer, send

EMAIL = "oppgave@example.no"
CONDITION = "test.letter-unconfirmed"


@pytest.fixture
def confirmed() -> Iterator[set[str]]:
    """Letters confirmed so far; the registered condition sends only for the others."""
    done: set[str] = set()

    def unconfirmed(session: Session, argument: str | None) -> bool:
        assert session is not None  # the condition may read the database
        return argument not in done

    register_condition(CONDITION, unconfirmed)
    yield done
    unregister_condition(CONDITION)


def _reminder_of(database: Database, order_id: str) -> str:
    with database.read_session() as session:
        [reminder] = reminders_of(session, order_id)
        return reminder.id


def test_a_reminder_is_sent_while_the_letter_is_unconfirmed(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    confirmed: set[str],
) -> None:
    kari = people.person(email=EMAIL)
    order_id = people.order(
        kari,
        channel_scheme=ChannelScheme.EMAIL,
        kind="task",
        condition=CONDITION,
        condition_argument="brev-1",
        reminders=(Reminder(delay_days=7),),
    )
    reminder_id = _reminder_of(database, order_id)
    assert send(database, email_sender, sms_gateway).emails == 1
    assert people.order_row(reminder_id).status == "Registered"  # not due for a week

    clock.advance(timedelta(days=6, hours=23))
    assert send(database, email_sender, sms_gateway).emails == 0
    clock.advance(timedelta(hours=1))
    assert send(database, email_sender, sms_gateway).emails == 1

    first, second = smtp.inbox.messages
    assert first["Subject"] == "Du har fått en ny oppgave"
    assert second["Subject"] == "Påminnelse: Du har fått en ny oppgave"
    assert people.order_row(reminder_id).status == "Completed"


def test_the_reminder_is_skipped_once_the_letter_is_confirmed(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    confirmed: set[str],
) -> None:
    kari = people.person(email=EMAIL)
    order_id = people.order(
        kari,
        condition=CONDITION,
        condition_argument="brev-2",
        reminders=(
            Reminder(delay_days=7, email=EmailTemplate("Husk brevet", "Hei $recipientName$.")),
        ),
    )
    reminder_id = _reminder_of(database, order_id)
    send(database, email_sender, sms_gateway)
    confirmed.add("brev-2")  # the person confirms the letter
    clock.advance(timedelta(days=7))

    done = send(database, email_sender, sms_gateway)

    assert (done.condition_not_met, done.emails) == (1, 0)
    assert len(smtp.inbox.messages) == 1
    reminder = people.order_row(reminder_id)
    assert (reminder.status, reminder.type) == ("SendConditionNotMet", "Reminder")
    assert people.notifications(reminder_id) == []


@pytest.fixture
def condition_server() -> Iterator[dict[str, Any]]:
    """An agency's condition endpoint: answers with ``state['answer']`` (or a status)."""
    state: dict[str, Any] = {"answer": {"sendNotification": True}, "status": 200, "asked": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state["asked"] += 1
            body = json.dumps(state["answer"]).encode()
            self.send_response(state["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/oppgaver/1/status"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_a_condition_endpoint_decides_over_http(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    condition_server: dict[str, Any],
) -> None:
    kari = people.person(email=EMAIL)
    order_id = people.order(
        kari, condition_endpoint=condition_server["url"], reminders=(Reminder(delay_days=3),)
    )
    reminder_id = _reminder_of(database, order_id)
    assert send(database, email_sender, sms_gateway).emails == 1

    condition_server["answer"] = {"sendNotification": False}
    clock.advance(timedelta(days=3))
    assert send(database, email_sender, sms_gateway).condition_not_met == 1
    assert condition_server["asked"] == 2
    assert people.order_row(reminder_id).status == "SendConditionNotMet"
    assert len(smtp.inbox.messages) == 1


def test_a_condition_that_cannot_answer_is_retried_then_not_sent(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    condition_server: dict[str, Any],
) -> None:
    kari = people.person(email=EMAIL)
    order_id = people.order(kari, condition_endpoint=condition_server["url"])
    condition_server["status"] = 503

    assert send(database, email_sender, sms_gateway).condition_retries == 1
    assert people.order_row(order_id).attempts == 1
    # The next attempt waits for the backoff; then the endpoint recovers and it is sent.
    assert send(database, email_sender, sms_gateway).condition_retries == 0
    clock.advance(backoff(1))
    condition_server["status"] = 200
    assert send(database, email_sender, sms_gateway).emails == 1

    other = people.order(
        people.person(email="annen@example.no"), condition_endpoint=condition_server["url"]
    )
    condition_server["answer"] = {"unexpected": "shape"}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        send(database, email_sender, sms_gateway)
        clock.advance(backoff(attempt))
    row = people.order_row(other)
    assert (row.status, row.attempts) == ("SendConditionNotMet", MAX_ATTEMPTS)
    assert len(smtp.inbox.messages) == 1
