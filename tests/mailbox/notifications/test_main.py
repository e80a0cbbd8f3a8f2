"""``python -m felles.mailbox.notifications --once``: one round with the settings' SMTP server
and the database SMS gateway, conditions imported from the modules named."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme, register_condition, unregister_condition
from felles.mailbox.notifications.__main__ import main
from felles.mailbox.notifications.settings import smtp_settings
from tests.mailbox.notifications.conftest import People, SmtpServer


@pytest.fixture
def settings_smtp(smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FELLES_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FELLES_SMTP_PORT", str(smtp.port))
    smtp_settings.cache_clear()
    yield
    smtp_settings.cache_clear()


@pytest.fixture
def conditions_module() -> Iterator[str]:
    """A module that registers a condition when imported, as the mailbox's would."""
    name = "felles_test_notification_conditions"
    module = types.ModuleType(name)

    def always(session: Session, argument: str | None) -> bool:
        return True

    module.__dict__["registered"] = lambda: register_condition("test.always", always)
    sys.modules[name] = module
    module.registered()
    yield name
    del sys.modules[name]
    unregister_condition("test.always")


def test_one_round_from_the_command_line(
    database: Database,
    people: People,
    smtp: SmtpServer,
    settings_smtp: None,
    conditions_module: str,
) -> None:
    ident = people.person(email="cli@example.no", mobile="+4793456789")
    people.order(ident, channel_scheme=ChannelScheme.EMAIL_AND_SMS, condition="test.always")

    main(["--once", "--conditions", conditions_module])

    assert len(smtp.inbox.messages) == 1
    assert len(people.sent_sms()) == 1
