"""Channel schemes: which of e-mail and SMS a recipient gets, given what KRR has for them.

Altinn's five schemes. ``Email`` and ``Sms`` use that channel or nothing; the ``…Preferred``
schemes fall back to the other channel when the preferred one has no address; ``EmailAndSms``
sends on every channel that has one. "Has an address" means a usable one: ``contacts`` has
already left out a detail that is stale by KRR's 18-month rule. A pure function, so the rule
can be checked on its own (tests/mailbox/notifications/test_channels.py, with hypothesis).
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "Email"
    SMS = "Sms"


class ChannelScheme(StrEnum):
    EMAIL = "Email"
    SMS = "Sms"
    EMAIL_PREFERRED = "EmailPreferred"
    SMS_PREFERRED = "SmsPreferred"
    EMAIL_AND_SMS = "EmailAndSms"


def resolve(scheme: ChannelScheme, *, has_email: bool, has_mobile: bool) -> tuple[Channel, ...]:
    """The channels to send on; empty when the scheme's channels have no address."""
    available = {Channel.EMAIL: has_email, Channel.SMS: has_mobile}
    if scheme is ChannelScheme.EMAIL_AND_SMS:
        return tuple(channel for channel in (Channel.EMAIL, Channel.SMS) if available[channel])
    if scheme in (ChannelScheme.EMAIL, ChannelScheme.SMS):
        only = Channel.EMAIL if scheme is ChannelScheme.EMAIL else Channel.SMS
        return (only,) if available[only] else ()
    preferred, other = (
        (Channel.EMAIL, Channel.SMS)
        if scheme is ChannelScheme.EMAIL_PREFERRED
        else (Channel.SMS, Channel.EMAIL)
    )
    if available[preferred]:
        return (preferred,)
    return (other,) if available[other] else ()


def primary(scheme: ChannelScheme) -> Channel:
    """The channel a notification that could not be made is reported under."""
    if scheme in (ChannelScheme.SMS, ChannelScheme.SMS_PREFERRED):
        return Channel.SMS
    return Channel.EMAIL


def channels_needing_text(scheme: ChannelScheme) -> tuple[Channel, ...]:
    """The channels an order with this scheme may send on (each needs a text)."""
    if scheme is ChannelScheme.EMAIL:
        return (Channel.EMAIL,)
    if scheme is ChannelScheme.SMS:
        return (Channel.SMS,)
    return (Channel.EMAIL, Channel.SMS)
