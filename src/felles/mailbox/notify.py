"""Ordering the notice that a letter has come (e-mail or SMS), from the notifications part.

When a letter to a person is published digitally, the mailbox orders one notification through
``felles.mailbox.notifications.order_notification`` (owned by the notifications part, decision
0035), idempotent on the letter's id, with the condition ``CONDITION``: it is sent, and each
reminder is, only while the letter still waits for the recipient — unread, or for a task, not
yet confirmed (done). A task gets one reminder a week before it is due (at most after
``REMINDER_DAYS``). Organisations are not notified here (their people see the org inbox).

The notifications part is looked up when a letter is published, not imported with this
module, so the two parts can be built and tested apart.
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.kernel.clock import aware, get_clock
from felles.kernel.db import UnitOfWork
from felles.mailbox import events as ev
from felles.mailbox import queries
from felles.mailbox.model import Forsendelse

CONDITION: Final = "felles.mailbox.venter-paa-mottaker"
REMINDER_DAYS: Final = 7


def still_waiting(session: Session, letter_id: str | None) -> bool:
    """The condition: True while the letter waits for its recipient (unread; a task: not
    confirmed). A letter that is gone, or went on paper, gets no notice."""
    if not letter_id:
        return False
    row = session.get(Forsendelse, letter_id)
    if row is None or row.status not in queries.IN_MAILBOX:
        return False
    if row.is_confirmation_needed:
        return row.status != ev.CONFIRMED
    return row.status == ev.PUBLISHED


def _notifications() -> Any | None:
    try:
        module = importlib.import_module("felles.mailbox.notifications")
    except ModuleNotFoundError:
        return None
    needed = ("order_notification", "NotificationOrder", "register_condition", "Reminder")
    return module if all(hasattr(module, name) for name in needed) else None


def notify_published(uow: UnitOfWork, row: Forsendelse) -> str | None:
    """Order the notice for a published letter; the order's id, or None when there is no
    notifications part (or the recipient is an organisation)."""
    module = _notifications()
    if module is None or row.recipient_kind != "person":
        return None
    module.register_condition(CONDITION, still_waiting)
    reminders: tuple[Any, ...] = ()
    if row.is_confirmation_needed and row.due is not None:
        days = (aware(row.due) - get_clock().now() - timedelta(days=7)).days
        if days >= 1:
            reminders = (
                module.Reminder(
                    delay_days=min(days, REMINDER_DAYS),
                    condition=CONDITION,
                    condition_argument=row.id,
                ),
            )
    order = module.NotificationOrder(
        sender_orgnr=row.sender_orgnr,
        recipient=row.recipient,
        idempotency_key=f"correspondence-{row.id}",
        senders_reference=row.senders_reference,
        kind="task" if row.kind == "oppgave" else "letter",
        condition=CONDITION,
        condition_argument=row.id,
        reminders=reminders,
        resource_id="felles-digital-post",
    )
    order_id: str = module.order_notification(uow, order)
    return order_id
