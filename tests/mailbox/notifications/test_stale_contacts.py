"""KRR's 18-month rule in notifications: a detail neither updated nor confirmed in the last 18
calendar months is not used; the Preferred schemes fall back to the fresh one; with none
fresh the order is not sent (Failed_RecipientNotIdentified, and the order says why). The
rule on its own as a property, agreeing with the registry's ``fresh_channels``; end to end
on the simulated clock against a real SMTP server and the database SMS gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.mailbox.notifications import ChannelScheme
from felles.mailbox.notifications.channels import Channel, resolve
from felles.mailbox.notifications.contacts import contact_of
from felles.mailbox.notifications.delivery import DatabaseSmsGateway, SmtpEmailSender
from felles.mailbox.notifications.sending import STALE_NOT_SENT
from felles.registries.krr import queries
from felles.registries.krr.model import KontaktInfo
from felles.registries.krr.operations import register_contact, verify_contact
from felles.sharing.products.common import instant_text
from tests.mailbox.notifications.conftest import People, SmtpServer, send

EMAIL = "ola@example.no"
MOBILE = "+4741234567"
START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # the clock fixture's start
EDGE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 18 calendar months after START


# -- the rule on its own --------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
maybe = st.none() | instants


def _detail(
    name: str, address: str | None, oppdatert: datetime | None, verifisert: datetime | None
) -> dict[str, str | None] | None:
    if address is None:
        return None
    return {
        name: address,
        f"{name}_oppdatert": None if oppdatert is None else instant_text(oppdatert),
        f"{name}_sist_verifisert": None if verifisert is None else instant_text(verifisert),
    }


@given(
    scheme=st.sampled_from(ChannelScheme),
    email=st.none() | st.just(EMAIL),
    mobile=st.none() | st.just(MOBILE),
    email_times=st.tuples(maybe, maybe),
    mobile_times=st.tuples(maybe, maybe),
    now=instants,
)
def test_the_channel_chosen_never_uses_a_stale_detail(
    scheme: ChannelScheme,
    email: str | None,
    mobile: str | None,
    email_times: tuple[datetime | None, datetime | None],
    mobile_times: tuple[datetime | None, datetime | None],
    now: datetime,
) -> None:
    data = {
        "reservasjon": {"reservasjon": "NEI", "reservasjonstidspunkt": None},
        "spraak": None,
        "epostadresse": _detail("epostadresse", email, *email_times),
        "mobiltelefonnummer": _detail("mobiltelefonnummer", mobile, *mobile_times),
    }
    contact = contact_of(data, at=now)
    # The same answer as the registry's own rule on the same values.
    row = KontaktInfo(
        epostadresse=email,
        epostadresse_oppdatert=email_times[0],
        epostadresse_sist_verifisert=email_times[1],
        mobiltelefonnummer=mobile,
        mobiltelefonnummer_oppdatert=mobile_times[0],
        mobiltelefonnummer_sist_verifisert=mobile_times[1],
    )
    fresh_email, fresh_mobile = queries.fresh_channels(row, now=now)
    assert (contact.email is not None, contact.mobile is not None) == (fresh_email, fresh_mobile)
    cutoff = queries.months_before(now, queries.FRESHNESS_MONTHS)
    channels = resolve(
        scheme, has_email=contact.email is not None, has_mobile=contact.mobile is not None
    )
    for channel, times in ((Channel.EMAIL, email_times), (Channel.SMS, mobile_times)):
        if channel in channels:
            assert any(t is not None and t > cutoff for t in times)
    # Something was left out exactly when a registered detail is stale.
    stale_email = email is not None and not fresh_email
    stale_mobile = mobile is not None and not fresh_mobile
    assert contact.stale == (stale_email or stale_mobile)


# -- end to end -----------------------------------------------------------------------------


def _stale_email_fresh_mobile(people: People, clock: SimulatedClock) -> str:
    ident = people.person(email=EMAIL)  # at START
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    people.register.run(register_contact, personidentifikator=ident, mobiltelefonnummer=MOBILE)
    clock.set(EDGE + timedelta(days=1))
    return ident


def test_email_preferred_falls_back_to_sms_when_the_email_is_stale(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = _stale_email_fresh_mobile(people, clock)
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL_PREFERRED)
    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms) == (0, 1)
    assert smtp.inbox.messages == []
    [notification] = people.notifications(order_id)
    assert (notification.channel, notification.address, notification.status) == (
        "Sms",
        MOBILE,
        "Accepted",
    )
    assert [sms.recipient for sms in people.sent_sms()] == [MOBILE]


def test_email_only_is_not_sent_on_a_stale_email(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = _stale_email_fresh_mobile(people, clock)
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL)
    send(database, email_sender, sms_gateway)
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.address) == ("Failed_RecipientNotIdentified", None)
    assert smtp.inbox.messages == [] and people.sent_sms() == []


def test_sms_preferred_falls_back_to_email_when_the_mobile_is_stale(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(mobile=MOBILE)  # at START
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    people.register.run(register_contact, personidentifikator=ident, epostadresse=EMAIL)
    clock.set(EDGE + timedelta(days=1))
    order_id = people.order(ident, channel_scheme=ChannelScheme.SMS_PREFERRED)
    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms) == (1, 0)
    assert smtp.inbox.envelopes == [[EMAIL]]
    [notification] = people.notifications(order_id)
    assert (notification.channel, notification.status) == ("Email", "Succeeded")
    assert people.sent_sms() == []


def test_only_stale_details_send_nothing_and_the_order_says_why(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL, mobile=MOBILE)  # both at START
    # Ordered while fresh; looked up when processed, at exactly 18 months: stale.
    clock.set(datetime(2026, 1, 1, tzinfo=UTC))
    order_id = people.order(
        ident, channel_scheme=ChannelScheme.EMAIL_AND_SMS, requested_send_time=EDGE
    )
    clock.set(EDGE)
    done = send(database, email_sender, sms_gateway)

    assert (done.emails, done.sms, done.not_sent) == (0, 0, 1)
    assert smtp.inbox.messages == [] and people.sent_sms() == []
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.address) == ("Failed_RecipientNotIdentified", None)
    order = people.order_row(order_id)
    assert (order.status, order.status_description) == ("Completed", STALE_NOT_SENT)


def test_a_moment_before_18_months_the_details_are_used(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL)
    clock.set(EDGE - timedelta(seconds=1))
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL)
    send(database, email_sender, sms_gateway)
    [notification] = people.notifications(order_id)
    assert notification.status == "Succeeded"


def test_a_fresh_confirmation_makes_a_stale_detail_usable_again(
    database: Database,
    people: People,
    clock: SimulatedClock,
    smtp: SmtpServer,
    email_sender: SmtpEmailSender,
    sms_gateway: DatabaseSmsGateway,
) -> None:
    ident = people.person(email=EMAIL)  # at START
    clock.set(datetime(2027, 2, 1, tzinfo=UTC))  # stale by now
    people.register.run(verify_contact, personidentifikator=ident)
    clock.advance(timedelta(days=1))
    order_id = people.order(ident, channel_scheme=ChannelScheme.EMAIL)
    send(database, email_sender, sms_gateway)
    [notification] = people.notifications(order_id)
    assert (notification.status, notification.address) == ("Succeeded", EMAIL)
    assert len(smtp.inbox.messages) == 1
