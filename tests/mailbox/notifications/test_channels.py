"""Channel schemes: the rule on its own (a property), and each scheme end to end with KRR's
details, the Preferred fallbacks included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme
from felles.mailbox.notifications.channels import Channel, resolve
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from tests.mailbox.notifications.conftest import People, SmtpServer, send

EMAIL = "ola@example.no"
MOBILE = "+4741234567"


@given(scheme=st.sampled_from(ChannelScheme), has_email=st.booleans(), has_mobile=st.booleans())
def test_never_both_unless_email_and_sms_and_never_a_channel_without_address(
    scheme: ChannelScheme, has_email: bool, has_mobile: bool
) -> None:
    channels = resolve(scheme, has_email=has_email, has_mobile=has_mobile)
    assert len(set(channels)) == len(channels)
    if len(channels) == 2:
        assert scheme is ChannelScheme.EMAIL_AND_SMS
    if Channel.EMAIL in channels:
        assert has_email
    if Channel.SMS in channels:
        assert has_mobile
    # Something is sent whenever the scheme allows a channel that has an address.
    allowed = {
        ChannelScheme.EMAIL: {Channel.EMAIL},
        ChannelScheme.SMS: {Channel.SMS},
    }.get(scheme, {Channel.EMAIL, Channel.SMS})
    usable = {c for c in allowed if (has_email if c is Channel.EMAIL else has_mobile)}
    assert bool(channels) == bool(usable)
    assert set(channels) <= allowed


@pytest.mark.parametrize(
    ("scheme", "email", "mobile", "expected"),
    [
        (ChannelScheme.EMAIL, EMAIL, MOBILE, [("Email", "Succeeded")]),
        (ChannelScheme.EMAIL, None, MOBILE, [("Email", "Failed_RecipientNotIdentified")]),
        (ChannelScheme.SMS, EMAIL, MOBILE, [("Sms", "Accepted")]),
        (ChannelScheme.SMS, EMAIL, None, [("Sms", "Failed_RecipientNotIdentified")]),
        (ChannelScheme.EMAIL_PREFERRED, EMAIL, MOBILE, [("Email", "Succeeded")]),
        (ChannelScheme.EMAIL_PREFERRED, None, MOBILE, [("Sms", "Accepted")]),
        (ChannelScheme.SMS_PREFERRED, EMAIL, MOBILE, [("Sms", "Accepted")]),
        (ChannelScheme.SMS_PREFERRED, EMAIL, None, [("Email", "Succeeded")]),
        (
            ChannelScheme.EMAIL_AND_SMS,
            EMAIL,
            MOBILE,
            [("Email", "Succeeded"), ("Sms", "Accepted")],
        ),
        (ChannelScheme.EMAIL_AND_SMS, None, MOBILE, [("Sms", "Accepted")]),
    ],
)
def test_each_scheme_with_what_krr_has(
    database: Database,
    people: People,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
    scheme: ChannelScheme,
    email: str | None,
    mobile: str | None,
    expected: list[tuple[str, str]],
) -> None:
    ident = people.person(email=email, mobile=mobile)
    order_id = people.order(ident, channel_scheme=scheme)
    send(database, email_sender, sms_gateway)

    got = [(n.channel, n.status) for n in people.notifications(order_id)]
    assert got == expected
    sent_email = [n for n in expected if n == ("Email", "Succeeded")]
    sent_sms = [n for n in expected if n == ("Sms", "Accepted")]
    assert len(smtp.inbox.messages) == len(sent_email)
    assert len(people.sent_sms()) == len(sent_sms)
    assert people.order_row(order_id).status == "Completed"
