"""Events the access block emits (CloudEvents, written to the outbox with the change).

Source ``/access``. Consent events are named after Altinn 3's consent request event types
(``consentRequestEvents[].eventType``: Created, Accepted, Rejected, Revoked, Expired, Used):

* ``no.altinn.consent.created`` / ``accepted`` / ``rejected`` / ``revoked`` / ``expired`` /
  ``used`` — subject the person who consents; data the consent id, the consumer, the status,
  ``validTo`` and who performed it;
* ``no.felles.fullmakt.gitt`` / ``no.felles.fullmakt.trukket`` — a fullmakt given or revoked;
  subject the fullmaktsgiver; data the id, the fullmektig, the areas and the dates.

Data never carries the message to the person nor the data released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.access.model import Fullmakt, Samtykke
    from felles.kernel.db import UnitOfWork

SOURCE: Final = "/access"
CONSENT_PREFIX: Final = "no.altinn.consent."
CONSENT_EVENTS: Final = ("created", "accepted", "rejected", "revoked", "expired", "used")
FULLMAKT_GITT: Final = "no.felles.fullmakt.gitt"
FULLMAKT_TRUKKET: Final = "no.felles.fullmakt.trukket"
TYPES: Final = (
    *(CONSENT_PREFIX + name for name in CONSENT_EVENTS),
    FULLMAKT_GITT,
    FULLMAKT_TRUKKET,
)


def consent_event(uow: UnitOfWork, samtykke: Samtykke, kind: str, *, performed_by: str) -> Event:
    """Emit the consent's ``kind`` event (one of ``CONSENT_EVENTS``)."""
    if kind not in CONSENT_EVENTS:
        raise ValueError(f"not a consent event: {kind}")
    data: dict[str, Any] = {
        "consentRequestId": samtykke.id,
        "eventType": kind,
        "to": samtykke.til_orgnr,
        "status": samtykke.status,
        "validTo": samtykke.gyldig_til.isoformat(),
        "performedBy": performed_by,
    }
    event = Event(
        type=CONSENT_PREFIX + kind,
        source=SOURCE,
        subject=samtykke.fra_ident,
        data=data,
        time=get_clock().now(),
    )
    uow.emit(event)
    return event


def fullmakt_event(uow: UnitOfWork, fullmakt: Fullmakt, type: str, *, performed_by: str) -> Event:
    data: dict[str, Any] = {
        "fullmaktId": fullmakt.id,
        "fullmektig": fullmakt.fullmektig,
        "omraader": fullmakt.omraader.split(","),
        "gyldigFra": fullmakt.gyldig_fra.isoformat(),
        "gyldigTil": fullmakt.gyldig_til.isoformat() if fullmakt.gyldig_til else None,
        "performedBy": performed_by,
    }
    event = Event(
        type=type, source=SOURCE, subject=fullmakt.fullmaktsgiver, data=data, time=get_clock().now()
    )
    uow.emit(event)
    return event
