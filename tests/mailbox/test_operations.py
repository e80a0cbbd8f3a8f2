"""The mailbox's commands: status flow with its events, idempotency, tasks, attachments, and
refusals that change nothing. Hypothesis checks that a key sends one letter however often it
is used, and that statuses never go backwards. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from felles.kernel.db import Database
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.events import OutboxRow
from felles.mailbox import notify, queries
from felles.mailbox.content import Content
from felles.mailbox.model import Forsendelse, StatusHendelse, Vedlegg
from felles.mailbox.operations import RANK, Attachment, confirm, mark_read, send_letter
from tests.mailbox.conftest import NAV, People, due_in, event_types, letter, rows, snapshot

ACTOR = "mottaker:test"


def send(database: Database, recipient: str, **values: Any) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient, **values))
        uow.commit()
        return letter_id


def run(database: Database, command: Any, letter_id: str, recipient: str) -> bool:
    with database.unit_of_work() as uow:
        changed: bool = command(uow, letter_id, recipient=recipient, actor=ACTOR)
        uow.commit()
        return changed


def history(database: Database, letter_id: str) -> list[str]:
    with database.read_session() as session:
        query = (
            select(StatusHendelse.status)
            .where(StatusHendelse.forsendelse_id == letter_id)
            .order_by(StatusHendelse.id)
        )
        return list(session.scalars(query))


def test_a_task_goes_published_read_confirmed_each_an_event(
    database: Database, people: People
) -> None:
    kari = people.digital()
    task = send(database, kari, kind="oppgave", due=due_in(14))
    assert run(database, mark_read, task, kari)
    assert not run(database, mark_read, task, kari)  # again: nothing changes
    assert run(database, confirm, task, kari)
    assert not run(database, confirm, task, kari)
    assert history(database, task) == ["Initialized", "Published", "Read", "Confirmed"]
    assert event_types(database) == [
        "no.altinn.correspondence.correspondenceinitialized",
        "no.altinn.correspondence.correspondencepublished",
        "no.altinn.correspondence.correspondencereceiverread",
        "no.altinn.correspondence.correspondencereceiverconfirmed",
    ]
    with database.read_session() as session:
        assert queries.is_confirmed(session, task)
        assert not notify.still_waiting(session, task)  # no reminder for a task done
        events = session.scalars(select(OutboxRow).order_by(OutboxRow.seq)).all()
    for event in events:
        if event.type.startswith("no.altinn.correspondence."):
            assert event.subject == kari
            assert set(event.data) <= {
                "correspondenceId",
                "status",
                "sender",
                "kind",
                "channel",
                "reason",
            }


def test_confirming_an_unread_task_reads_it_first(database: Database, people: People) -> None:
    kari = people.digital()
    task = send(database, kari, kind="oppgave", due=due_in(3))
    with database.read_session() as session:
        assert notify.still_waiting(session, task)
    run(database, confirm, task, kari)
    assert history(database, task) == ["Initialized", "Published", "Read", "Confirmed"]


def test_a_letter_that_needs_no_confirmation_cannot_be_confirmed(
    database: Database, people: People
) -> None:
    kari = people.digital()
    info = send(database, kari)
    before = snapshot(database)
    with pytest.raises(Conflict), database.unit_of_work() as uow:
        confirm(uow, info, recipient=kari, actor=ACTOR)
    assert snapshot(database) == before


def test_only_the_recipient_changes_a_letter_and_not_a_paper_one(
    database: Database, people: People
) -> None:
    kari, ola, reserved = people.digital(), people.digital(), people.reserved()
    info = send(database, kari)
    paper = send(database, reserved)
    before = snapshot(database)
    for letter_id, recipient in ((info, ola), (paper, reserved), (str(uuid.uuid4()), kari)):
        with pytest.raises(NotFound), database.unit_of_work() as uow:
            mark_read(uow, letter_id, recipient=recipient, actor=ACTOR)
    assert snapshot(database) == before


def test_the_same_key_sends_one_letter(database: Database, people: People) -> None:
    kari = people.digital()
    first = send(database, kari, idempotent_key="vedtak-1")
    after_first = snapshot(database)
    assert send(database, kari, idempotent_key="vedtak-1") == first
    assert snapshot(database) == after_first  # nothing read, logged or stored again
    # Another sender may use the same key.
    other = send(database, kari, idempotent_key="vedtak-1", sender_orgnr="974760673")
    assert other != first


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"kind": "brev"}, "kind"),
        ({"contents": ()}, "at least one language"),
        ({"contents": (Content("de", "Titel", "Text"),)}, "language"),
        ({"contents": (Content("nb", " ", "Tekst"),)}, "messageTitle"),
        ({"contents": (Content("nb", "T", "x\x00y"),)}, "control characters"),
        ({"contents": (Content("nb", "T", "a"), Content("nb", "T", "b"))}, "once"),
        ({"kind": "oppgave"}, "due date"),
        ({"due": due_in(-1)}, "future"),
        ({"sender_orgnr": "123"}, "sender"),
        ({"attachments": (Attachment("../x.pdf", b"%PDF"),)}, "fileName"),
        ({"attachments": (Attachment("a.exe", b"MZ", "application/x-msdownload"),)}, "type"),
        ({"attachments": (Attachment("a.pdf", b""),)}, "empty"),
    ],
)
def test_bad_letters_are_refused_and_nothing_is_stored_or_read(
    database: Database, people: People, values: dict[str, Any], expected: str
) -> None:
    kari = people.digital()
    before = snapshot(database)
    with pytest.raises(InvalidInput) as refused, database.unit_of_work() as uow:
        send_letter(uow, letter(kari, **values))
        uow.commit()
    assert expected in refused.value.detail
    assert kari not in refused.value.detail
    assert snapshot(database) == before


def test_attachments_are_stored_with_their_checksum(database: Database, people: People) -> None:
    kari = people.digital()
    data = b"%PDF-1.4 vedlegg"
    letter_id = send(
        database,
        kari,
        attachments=(Attachment("vedtak.pdf", data, display_name="Vedtaket"),),
    )
    [stored] = rows(database, Vedlegg)
    assert (stored.forsendelse_id, stored.size, stored.data) == (letter_id, len(data), data)
    assert len(stored.checksum) == 64
    with database.read_session() as session:
        found = queries.details(session, letter_id)
        assert found is not None and found.attachments[0].display_name == "Vedtaket"
        assert queries.sheet(found).attachments == ("Vedtaket",)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=6))
def test_property_each_key_sends_exactly_one_letter(
    database: Database, people: People, keys: list[str]
) -> None:
    kari = people.digital()
    run_id = uuid.uuid4().hex[:8]
    ids: dict[str, set[str]] = {}
    for key in keys:
        letter_id = send(database, kari, idempotent_key=f"{run_id}-{key}")
        ids.setdefault(key, set()).add(letter_id)
    assert all(len(found) == 1 for found in ids.values())
    with database.read_session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Forsendelse)
            .where(Forsendelse.idempotent_key.like(f"{run_id}-%"))
        )
    assert count == len(set(keys))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(st.sampled_from(["read", "confirm"]), max_size=5))
def test_property_statuses_never_go_backwards(
    database: Database, people: People, actions: list[str]
) -> None:
    kari = people.digital()
    task = send(database, kari, kind="oppgave", due=due_in(10))
    for action in actions:
        run(database, mark_read if action == "read" else confirm, task, kari)
    seen = history(database, task)
    ranks = [RANK[status] for status in seen]
    assert ranks == sorted(ranks)
    assert len(seen) == len(set(seen))  # each status reached once
    expected = "Confirmed" if "confirm" in actions else "Read" if actions else "Published"
    assert seen[-1] == expected


def test_the_sender_is_shown_by_name_from_enhetsregisteret_or_message_sender(
    database: Database, people: People
) -> None:
    from tests.sharing.conftest import register_org

    nav = register_org(database, navn="Arbeids- og velferdsetaten", form="ORGL", orgnr=NAV)
    kari = people.digital()
    named = send(database, kari)
    aliased = send(database, kari, message_sender="NAV Familie- og pensjonsytelser")
    with database.read_session() as session:
        page = queries.inbox(session, kari)
    names = {item.id: item.sender_name for item in page.items}
    assert names == {
        named: "Arbeids- og velferdsetaten",
        aliased: "NAV Familie- og pensjonsytelser",
    }
    assert nav == NAV
