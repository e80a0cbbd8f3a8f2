"""A recipient's contact details, read from KRR through the data distributor.

Notifications read as Digdir's platform service (the consumer 991825827, purpose
``varsling``) under the legal bases ``digdir-digital-post-varsling`` (KRR, scope
``krr:global/kontaktinformasjon.read``) and ``digdir-varsling-navn`` (the name), so every
lookup is decided like any consumer's and is in the person's access log (innsynslogg): the
caller flushes the reader in the unit of work that records what the lookup led to.
Only the fields needed are asked for: e-mail, mobile, reservation and language from
``krr.kontakt``, and the name for the greeting from ``folkeregister.person.basis``.

KRR's 18-month rule (eForvaltningsforskriften; ``felles.registries.krr.queries``): a detail
that has been neither updated nor confirmed in the last 18 calendar months must not be used
to notify. KRR still releases it, with its ``_oppdatert`` and ``_sist_verifisert`` times, and
the rule is applied here, at the reader's instant (``fresh_details``), with the registry's
own rule (``freshness_cutoff``, ``fresh``): a stale detail is left out of the
``Contact``, as if none were registered. The mailbox's routing uses the same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from felles.access.decision import MachinePrincipal
from felles.kernel.db import Database
from felles.registries.krr.queries import as_utc, fresh, freshness_cutoff
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
    #: The e-mail address and mobile number that may be used: None when none is registered
    #: or when it is stale by the 18-month rule.
    email: str | None = None
    mobile: str | None = None
    reserved: bool = False
    spraak: str | None = None
    #: A registered detail was left out because it is stale (18-month rule).
    stale: bool = False


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


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str) and value:
        return as_utc(datetime.fromisoformat(value))
    return None


def fresh_detail(detail: Any, name: str, *, at: datetime) -> str | None:
    """The address in a released KRR detail (``epostadresse`` or ``mobiltelefonnummer``,
    with its ``_oppdatert`` and ``_sist_verifisert`` times) when the 18-month rule allows
    notifying on it at ``at``; None when there is none or it is stale."""
    if not isinstance(detail, Mapping):
        return None
    address = detail.get(name)
    if not address:
        return None
    updated = _instant(detail.get(f"{name}_oppdatert"))
    confirmed = _instant(detail.get(f"{name}_sist_verifisert"))
    return str(address) if fresh(updated, confirmed, cutoff=freshness_cutoff(at)) else None


def fresh_details(data: Mapping[str, Any], *, at: datetime) -> tuple[str | None, str | None]:
    """The e-mail address and mobile number in ``krr.kontakt``'s released ``data`` that may
    be used to notify at ``at`` (each None when missing or stale)."""
    return (
        fresh_detail(data.get("epostadresse"), "epostadresse", at=at),
        fresh_detail(data.get("mobiltelefonnummer"), "mobiltelefonnummer", at=at),
    )


def contact_of(data: Mapping[str, Any] | None, *, at: datetime, name: str | None = None) -> Contact:
    """What ``krr.kontakt``'s released ``data`` (None: not released) allows at ``at``."""
    if data is None:
        return Contact(known=False)
    reservasjon = _part(data, "reservasjon", "reservasjon")
    if reservasjon is None:  # a deleted registration: KRR knows no details
        return Contact(known=False)
    email, mobile = fresh_details(data, at=at)
    registered = (
        _part(data, "epostadresse", "epostadresse"),
        _part(data, "mobiltelefonnummer", "mobiltelefonnummer"),
    )
    stale = any(
        r is not None and f is None for r, f in zip(registered, (email, mobile), strict=True)
    )
    return Contact(
        known=True,
        name=name,
        email=email,
        mobile=mobile,
        reserved=reservasjon == "JA",
        spraak=_part(data, "spraak", "spraak"),
        stale=stale,
    )


def look_up(lookups: InternalReader, subjects: Sequence[str]) -> dict[str, Contact]:
    """Each subject's contact details (two distributor calls for the whole batch), with
    stale details left out by the 18-month rule at the reader's instant."""
    krr = lookups.read(KRR, subjects, fields=KRR_FIELDS)
    names = lookups.read(PERSON, subjects, fields=PERSON_FIELDS)
    contacts: dict[str, Contact] = {}
    for subject in subjects:
        outcome = krr.get(subject)
        person = names.get(subject)
        contacts[subject] = contact_of(
            outcome.data if isinstance(outcome, Released) else None,
            at=lookups.at,
            name=_name(person if isinstance(person, Released) else None),
        )
    return contacts
