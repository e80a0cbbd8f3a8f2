"""A recipient's contact details, read from KRR through the data distributor.

Notifications read as Digdir's platform service (the consumer 991825827, purpose
``varsling``) under the legal bases ``digdir-digital-post-varsling`` (KRR, scope
``krr:global/kontaktinformasjon.read``) and ``digdir-varsling-navn`` (the name), so every
lookup is decided like any consumer's and is in the person's access log (innsynslogg): the
caller flushes the reader in the unit of work that records what the lookup led to.
Only the fields needed are asked for: e-mail, mobile, reservation and language from
``krr.kontakt``, and the name for the greeting from ``folkeregister.person.basis``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from felles.access.decision import MachinePrincipal
from felles.kernel.db import Database
from felles.sharing.reader import InternalReader
from felles.sharing.release import Released

DIGDIR: Final = "991825827"
PURPOSE: Final = "varsling"
SCOPES: Final = frozenset({"felles:datafordeler", "krr:global/kontaktinformasjon.read"})
KRR: Final = "krr.kontakt"
KRR_FIELDS: Final = ("epostadresse", "mobiltelefonnummer", "reservasjon", "spraak")
PERSON: Final = "folkeregister.person.basis"
PERSON_FIELDS: Final = ("navn",)


@dataclass(frozen=True, slots=True)
class Contact:
    """What sending needs to know about one recipient."""

    #: Registered in KRR with details released to us; False: not identified.
    known: bool
    name: str | None = None
    email: str | None = None
    mobile: str | None = None
    reserved: bool = False
    spraak: str | None = None


def reader(database: Database, *, at: datetime) -> InternalReader:
    """A reader for one round of lookups, as Digdir's notification service."""
    return InternalReader(database, MachinePrincipal(orgnr=DIGDIR, scopes=SCOPES), PURPOSE, at=at)


def _part(data: Mapping[str, Any], name: str, key: str) -> Any:
    value = data.get(name)
    return value.get(key) if isinstance(value, dict) else None


def _name(released: Released | None) -> str | None:
    navn = (released.data.get("navn") if released is not None else None) or {}
    parts = [navn.get("fornavn"), navn.get("mellomnavn"), navn.get("etternavn")]
    return " ".join(part for part in parts if part) or None


def look_up(lookups: InternalReader, subjects: Sequence[str]) -> dict[str, Contact]:
    """Each subject's contact details (two distributor calls for the whole batch)."""
    krr = lookups.read(KRR, subjects, fields=KRR_FIELDS)
    names = lookups.read(PERSON, subjects, fields=PERSON_FIELDS)
    contacts: dict[str, Contact] = {}
    for subject in subjects:
        outcome = krr.get(subject)
        person = names.get(subject)
        if not isinstance(outcome, Released):
            contacts[subject] = Contact(known=False)
            continue
        data = outcome.data
        reservasjon = _part(data, "reservasjon", "reservasjon")
        if reservasjon is None:  # a deleted registration: KRR knows no details
            contacts[subject] = Contact(known=False)
            continue
        contacts[subject] = Contact(
            known=True,
            name=_name(person if isinstance(person, Released) else None),
            email=_part(data, "epostadresse", "epostadresse"),
            mobile=_part(data, "mobiltelefonnummer", "mobiltelefonnummer"),
            reserved=reservasjon == "JA",
            spraak=_part(data, "spraak", "spraak"),
        )
    return contacts
