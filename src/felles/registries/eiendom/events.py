"""Events the property registry emits (CloudEvents, written to the outbox with the change).

Source ``/eiendom`` for both halves of the registry; the type says which register changed:
``no.kartverket.matrikkel.*`` for Matrikkelen's cadastral units and their addresses,
``no.kartverket.grunnbok.*`` for Grunnboken's owners. Subject is always the unit's
matrikkelnummer as text (``0301-208/112/0/0``), so one unit's events can be followed.

* ``no.kartverket.matrikkel.enhetOpprettet``: a unit was registered; data:
  matrikkelnummer, matrikkelenhetstype, areal, adresser (address ids).
* ``no.kartverket.matrikkel.adresseKoblet`` / ``adresseFrakoblet``: an address was linked
  to / unlinked from a unit; data: matrikkelnummer, adresseIdentifikatorFraMatrikkelen.
* ``no.kartverket.grunnbok.hjemmelEtablert``: a unit's first owners were registered; data:
  matrikkelnummer, dokument, hjemmelshavere.
* ``no.kartverket.grunnbok.eierskifte``: a skjøte, arv or skifte was registered; data:
  matrikkelnummer, dokument, fra, til, hjemmelshavere.

Owners are named by their identifier only (fødselsnummer/D-nummer or organisasjonsnummer),
as Folkeregisteret's events name a person; never by name, and never with an address of the
person. ``hjemmelshavere`` is the unit's owners after the change, so a consumer needs no
lookup to keep its own copy.
"""

from __future__ import annotations

from typing import Any, Final

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.registries.eiendom.values import Matrikkelnummer

SOURCE: Final = "/eiendom"
MATRIKKEL_PREFIX: Final = "no.kartverket.matrikkel."
GRUNNBOK_PREFIX: Final = "no.kartverket.grunnbok."

ENHET_OPPRETTET: Final = MATRIKKEL_PREFIX + "enhetOpprettet"
ADRESSE_KOBLET: Final = MATRIKKEL_PREFIX + "adresseKoblet"
ADRESSE_FRAKOBLET: Final = MATRIKKEL_PREFIX + "adresseFrakoblet"
HJEMMEL_ETABLERT: Final = GRUNNBOK_PREFIX + "hjemmelEtablert"
EIERSKIFTE: Final = GRUNNBOK_PREFIX + "eierskifte"

TYPES: Final = (ENHET_OPPRETTET, ADRESSE_KOBLET, ADRESSE_FRAKOBLET, HJEMMEL_ETABLERT, EIERSKIFTE)


def emit(
    uow: UnitOfWork, *, type: str, matrikkelnummer: Matrikkelnummer, data: dict[str, Any]
) -> Event:
    """Record a property event about one unit in the unit of work and return it."""
    if type not in TYPES:
        raise ValueError(f"unknown event type {type!r}")
    body = {"matrikkelnummer": matrikkelnummer.as_json(), **data}
    event = Event(type=type, source=SOURCE, subject=str(matrikkelnummer), data=body)
    uow.emit(event)
    return event
