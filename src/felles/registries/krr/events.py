"""Events KRR emits (CloudEvents, written to the outbox with the change).

Subject is the personidentifikator. Events fan out to every subscriber, so their data says
*what* changed (flags and new statuses) and never carries an e-mail address, a phone number
or a mailbox address; a consumer that needs those asks KRR's lookup API, which is logged.
"""

from __future__ import annotations

from typing import Any

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event

SOURCE = "/kontaktregisteret"

#: E-mail, mobile number or language set (new registration or update).
KONTAKTINFORMASJON_ENDRET = "no.kontaktregisteret.kontaktinformasjonEndret"
#: The person confirmed that the registered e-mail and/or mobile number are still right.
KONTAKTINFORMASJON_BEKREFTET = "no.kontaktregisteret.kontaktinformasjonBekreftet"
#: Reservation against digital communication set (JA) or withdrawn (NEI).
RESERVASJON_ENDRET = "no.kontaktregisteret.reservasjonEndret"
#: Digital mailbox chosen, changed or removed.
DIGITAL_POST_ENDRET = "no.kontaktregisteret.digitalPostEndret"
#: The registration was deleted (status SLETTET); its contact details are gone.
REGISTRERING_SLETTET = "no.kontaktregisteret.registreringSlettet"

TYPES = (
    KONTAKTINFORMASJON_ENDRET,
    KONTAKTINFORMASJON_BEKREFTET,
    RESERVASJON_ENDRET,
    DIGITAL_POST_ENDRET,
    REGISTRERING_SLETTET,
)


def emit(uow: UnitOfWork, *, type: str, personidentifikator: str, data: dict[str, Any]) -> Event:
    """Record a KRR event about one person in the unit of work and return it."""
    event = Event(type=type, source=SOURCE, subject=personidentifikator, data=data)
    uow.emit(event)
    return event
