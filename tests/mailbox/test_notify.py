"""The hook to the notifications part: a letter published to a person's digital mailbox
orders one notice (and a task a reminder), under a condition that stops once the letter is
read or the task done; paper letters and organisations order none. Each test runs on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from felles.kernel.db import Database
from felles.mailbox import notify
from felles.mailbox.operations import confirm, mark_read, send_letter
from tests.mailbox.conftest import People, due_in, letter, rows

orders = pytest.importorskip("felles.mailbox.notifications.model")


def send(database: Database, recipient: str, **values: Any) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient, **values))
        uow.commit()
        return letter_id


def test_a_published_letter_orders_one_notice_under_the_mailbox_condition(
    database: Database, people: People
) -> None:
    kari = people.digital()
    letter_id = send(database, kari)
    [order] = rows(database, orders.OrderRow)
    assert (order.recipient, order.kind, order.type) == (kari, "letter", "Notification")
    assert (order.condition_name, order.condition_argument) == (notify.CONDITION, letter_id)
    assert order.idempotency_key == f"correspondence-{letter_id}"
    with database.read_session() as session:
        assert notify.still_waiting(session, letter_id)
    with database.unit_of_work() as uow:
        mark_read(uow, letter_id, recipient=kari, actor="mottaker:test")
        uow.commit()
    with database.read_session() as session:
        assert not notify.still_waiting(session, letter_id)


def test_a_task_gets_a_reminder_that_stops_when_it_is_done(
    database: Database, people: People
) -> None:
    kari = people.digital()
    task = send(database, kari, kind="oppgave", due=due_in(30))
    found = rows(database, orders.OrderRow)
    assert sorted(o.type for o in found) == ["Notification", "Reminder"]
    assert all(o.condition_argument == task and o.kind == "task" for o in found)
    with database.unit_of_work() as uow:
        mark_read(uow, task, recipient=kari, actor="mottaker:test")
        uow.commit()
    with database.read_session() as session:
        assert notify.still_waiting(session, task)  # read, but not done
    with database.unit_of_work() as uow:
        confirm(uow, task, recipient=kari, actor="mottaker:test")
        uow.commit()
    with database.read_session() as session:
        assert not notify.still_waiting(session, task)


def test_paper_letters_and_organisations_order_no_notice(
    database: Database, people: People, organisation: str
) -> None:
    send(database, people.reserved())
    send(database, people.person())
    send(database, organisation)
    assert rows(database, orders.OrderRow) == []
