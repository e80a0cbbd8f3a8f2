"""The demo's mail catcher (``felles.demo_mail``) and the demo's wiring to it: a real SMTP
server on a free port keeps what the real notification sender sends as ``.eml`` files, and the
live simulator the demo starts sends there. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from felles import cli
from felles.demo_mail import DEFAULT_DIRECTORY, MailCatcher, free_port
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications.model import OrderRow
from felles.mailbox.notifications.settings import notification_settings, smtp_settings
from felles.mailbox.operations import send_letter
from felles.registries.folkeregister.queries import get_person
from tests.mailbox.conftest import People, due_in, letter, people  # noqa: F401 (fixture)


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    with MailCatcher(tmp_path / "demo-mail", free_port(), fallback=False) as running:
        yield running


@pytest.fixture
def demo_settings(catcher: MailCatcher, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment ``felles demo`` sets for itself and its live simulator."""
    for name, value in cli._demo_mail_environment(catcher, 8131).items():
        monkeypatch.setenv(name, value)
    smtp_settings.cache_clear()
    notification_settings.cache_clear()
    yield
    smtp_settings.cache_clear()
    notification_settings.cache_clear()


def send(database: Database, recipient: str, **values: Any) -> str:
    with database.unit_of_work() as uow:
        letter_id = send_letter(uow, letter(recipient, **values))
        uow.commit()
        return letter_id


def read(path: Path) -> tuple[bytes, EmailMessage]:
    raw = path.read_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return raw, message


def test_a_letters_notice_and_a_tasks_reminder_land_as_files_with_only_the_name(
    database: Database,
    people: People,  # noqa: F811
    clock: SimulatedClock,
    catcher: MailCatcher,
    demo_settings: None,
) -> None:
    kari = people.digital(fornavn="Kari")
    send(database, kari)  # a decision: "Vedtak om barnetrygd"
    send(database, kari, kind="oppgave", due=due_in(30), idempotent_key="oppgave-1")
    step = cli._notifications_step(database)  # what `felles simulate --notifications` runs
    try:
        first = step(clock.today())
        clock.advance(timedelta(days=7, minutes=1))
        later = step(clock.today())
    finally:
        step.close()

    assert (first.emails, later.emails) == (2, 1)
    assert catcher.count() == 3
    with database.read_session() as session:
        person = get_person(session, ident=kari)
        assert person is not None
        name = f"{person.fornavn} {person.etternavn}"
    subjects = []
    for path in catcher.messages():
        raw, message = read(path)
        subjects.append(str(message["Subject"]))
        assert message["To"] == "kari@example.com"
        text = message.get_content()
        assert text.startswith(f"Hei {name},")
        assert "http://localhost:8131/minside" in text  # Min side of the demo's port
        # Only the greeting's name: no identity number, no title or detail of the letter.
        assert kari.encode() not in raw and kari[:6].encode() not in raw
        for detail in ("barnetrygd", "Vedtak", "juni", "1985"):
            assert detail not in text and detail not in str(message["Subject"])
    assert sorted(subjects) == [
        "Du har fått en ny oppgave",
        "Du har fått et nytt brev",
        "Påminnelse: Du har fått en ny oppgave",
    ]
    assert not list(catcher.directory.glob("*.part"))


def test_the_demos_live_simulator_sends_to_the_catcher(
    database: Database,
    people: People,  # noqa: F811
    catcher: MailCatcher,
    demo_settings: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The subprocess ``felles demo`` starts, started the same way for one day: the letter's
    notice waiting in the database goes to the catcher the demo's environment names."""
    send(database, people.digital(fornavn="Kari"))
    monkeypatch.chdir(tmp_path)  # the simulator's log file
    command = cli._live_simulation_command(database, seed=1, pace=1.0)
    assert "--notifications" in command

    process = cli._start_live_simulation(database, seed=1, pace=0.0, days=1)
    try:
        assert process.wait(timeout=240) == 0, (tmp_path / "felles-demo-simulation.log").read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert catcher.count() == 1
    _, message = read(catcher.messages()[0])
    assert message["Subject"] == "Du har fått et nytt brev"
    with database.read_session() as session:
        assert session.scalars(select(OrderRow.status)).all() == ["Completed"]


def test_a_taken_port_gives_a_free_one(tmp_path: Path, catcher: MailCatcher) -> None:
    with MailCatcher(tmp_path / "other", catcher.port) as second:
        assert second.port != catcher.port
        assert second.environment()["FELLES_SMTP_PORT"] == str(second.port)
    with pytest.raises(OSError):
        MailCatcher(tmp_path / "third", catcher.port, fallback=False).start()
    assert cli.DEMO_MAIL == DEFAULT_DIRECTORY
