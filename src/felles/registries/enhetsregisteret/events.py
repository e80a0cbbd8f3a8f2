"""Events Enhetsregisteret emits (CloudEvents, written to the outbox with the change).

``source`` is ``/enhetsregisteret``; ``type`` is ``no.brreg.enhetsregisteret.<name>`` with the
names below; ``subject`` is the unit's organisasjonsnummer. Every event that changes a unit
also adds a row to the change feed (``/oppdateringer/enheter`` or ``/underenheter``) in the
same transaction, and its data carries that row's ``oppdateringsid`` and ``endringstype``
(Ny, Endring, Sletting), so a consumer can follow either and match the two. A change of
roles only (``rollerEndret``) has no feed row, as in the real register, where roles have a
feed of their own.

Unit data is open data, so events carry names and codes; they never carry a person's
identity number (a role holder appears as ``"person"``, never as the fødselsnummer).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

SOURCE: Final = "/enhetsregisteret"
TYPE_PREFIX: Final = "no.brreg.enhetsregisteret."

ENHET_REGISTRERT: Final = "enhetRegistrert"  # Ny
UNDERENHET_REGISTRERT: Final = "underenhetRegistrert"  # Ny
ENHET_ENDRET: Final = "enhetEndret"  # Endring (name, addresses, NACE, employees, ...)
UNDERENHET_ENDRET: Final = "underenhetEndret"  # Endring
REGISTRERT_I_FORETAKSREGISTERET: Final = "registrertIForetaksregisteret"  # Endring
REGISTRERT_I_FRIVILLIGHETSREGISTERET: Final = "registrertIFrivillighetsregisteret"  # Endring
REGISTRERT_I_MVAREGISTERET: Final = "registrertIMvaregisteret"  # Endring
KONKURS: Final = "konkurs"  # Endring: a bankruptcy was opened
UNDER_AVVIKLING: Final = "underAvvikling"  # Endring: dissolution resolved
ENHET_SLETTET: Final = "enhetSlettet"  # Sletting
UNDERENHET_SLETTET: Final = "underenhetSlettet"  # Sletting
ROLLER_ENDRET: Final = "rollerEndret"  # no feed row

TYPES: Final = frozenset(
    {
        ENHET_REGISTRERT,
        UNDERENHET_REGISTRERT,
        ENHET_ENDRET,
        UNDERENHET_ENDRET,
        REGISTRERT_I_FORETAKSREGISTERET,
        REGISTRERT_I_FRIVILLIGHETSREGISTERET,
        REGISTRERT_I_MVAREGISTERET,
        KONKURS,
        UNDER_AVVIKLING,
        ENHET_SLETTET,
        UNDERENHET_SLETTET,
        ROLLER_ENDRET,
    }
)


def event_type(name: str) -> str:
    """The CloudEvents ``type`` for an event name."""
    return f"{TYPE_PREFIX}{name}"


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def emit(uow: UnitOfWork, *, name: str, organisasjonsnummer: str, **data: Any) -> Event:
    """Record one Enhetsregisteret event about a unit in ``uow`` and return it."""
    if name not in TYPES:
        raise ValueError(f"unknown event {name!r}")
    body = {"organisasjonsnummer": organisasjonsnummer}
    body.update({key: _json(value) for key, value in data.items() if value is not None})
    event = Event(type=event_type(name), source=SOURCE, subject=organisasjonsnummer, data=body)
    uow.emit(event)
    return event
