"""Events the mailbox emits: each status a letter reaches, as Altinn Correspondence names it.

Types (Altinn 3's, ``no.altinn.correspondence.*``): ``correspondenceinitialized``,
``correspondencepublished``, ``correspondencereceiverreserved``,
``correspondencepublishfailed``, ``correspondencereceiverread``,
``correspondencereceiverconfirmed``. ``source`` is the API's collection, ``subject`` the
recipient (a fødselsnummer or organisasjonsnummer, as felles' other events name whom they are
about), ``data`` ids and codes only: never a title, body, name or address.
"""

from __future__ import annotations

from typing import Final

from felles.kernel.events import Event

SOURCE: Final = "/correspondence/api/v1/correspondence"
PREFIX: Final = "no.altinn.correspondence."

INITIALIZED: Final = "Initialized"
PUBLISHED: Final = "Published"
RESERVED: Final = "Reserved"
FAILED: Final = "Failed"
READ: Final = "Read"
CONFIRMED: Final = "Confirmed"

TYPES: Final[dict[str, str]] = {
    INITIALIZED: f"{PREFIX}correspondenceinitialized",
    PUBLISHED: f"{PREFIX}correspondencepublished",
    RESERVED: f"{PREFIX}correspondencereceiverreserved",
    FAILED: f"{PREFIX}correspondencepublishfailed",
    READ: f"{PREFIX}correspondencereceiverread",
    CONFIRMED: f"{PREFIX}correspondencereceiverconfirmed",
}


def status_event(
    *,
    letter_id: str,
    status: str,
    recipient: str,
    sender_orgnr: str,
    kind: str,
    channel: str | None,
    reason: str | None = None,
) -> Event:
    data: dict[str, object] = {
        "correspondenceId": letter_id,
        "status": status,
        "sender": sender_orgnr,
        "kind": kind,
    }
    if channel is not None:
        data["channel"] = channel
    if reason is not None:
        data["reason"] = reason
    return Event(type=TYPES[status], source=SOURCE, subject=recipient, data=data)
