"""Where a letter goes, decided when it is sent, from KRR and Folkeregisteret.

The mailbox reads as Digitaliseringsdirektoratet's machine client through the data
distributor (``felles.sharing.reader.InternalReader``), under the legal bases in
``access/hjemler/digdir.json`` for the purpose ``digital-post``, so every read is in the
recipient's access log (appended in the sending unit of work).

A person:

1. KRR says they have reserved against digital post → **paper** (status Reserved);
2. KRR has no active registration for them → **paper** (eForvaltningsforskriften: digital
   post needs the person's contact details in KRR);
3. KRR's 18-month rule: neither the e-mail address nor the mobile number has been updated or
   confirmed in the last 18 calendar months (or none is registered), so the person cannot be
   told that a letter has come (``KAN_IKKE_VARSLES``) → **paper** (Digdir's rule for digital
   post to citizens); this holds for a person with a digital mailbox too, whose provider
   notifies through the same KRR details;
4. KRR names a digital mailbox (Digipost, e-Boks) → **that provider**;
5. otherwise → the **felles inbox**.

The rule is KRR's own ``varslingsstatus`` (``krr.kontakt`` 1.1.0), worked out at the
reader's instant (the clock's now when the letter is sent), so routing reads no e-mail
address or mobile number.

For paper the name and address are read from Folkeregisteret, and only then. A protected
address (fortrolig, strengtFortrolig) is never read: no Digdir basis names a protection
level, so the decision point withholds the address, and the letter is queued for the unit
that handles protected addresses with no address and no name (decision 0034).

An organisation always gets the letter in its felles inbox (people who act for it read it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy.orm import Session

from felles.access.decision import PROTECTED, MachinePrincipal
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput, ServiceUnavailable
from felles.registries.enhetsregisteret.queries import unit_status
from felles.registries.krr.queries import KAN_VARSLES
from felles.sharing.reader import InternalReader
from felles.sharing.release import Outcome, Released

DIGDIR_ORGNR: Final = "991825827"
PURPOSE: Final = "digital-post"
SCOPES: Final = frozenset({"krr:global/digitalpost.read"})
KRR: Final = "krr.kontakt"
#: ``varslingsstatus``: KRR's own answer by the 18-month rule, so routing never sees the
#: e-mail address or mobile number.
KRR_FIELDS: Final = ("reservasjon", "spraak", "digitalPostkasse", "varslingsstatus")
PERSON: Final = "folkeregister.person.basis"
PAPER_FIELDS: Final = ("navn", "adressebeskyttelse", "bostedsadresse", "postadresse")

Channel = Literal["innboks", "digital-postkasse", "papir"]
INNBOKS: Final = "innboks"
PROVIDER: Final = "digital-postkasse"
PAPER: Final = "papir"
ORDINARY: Final = "ordinaer"
PROTECTED_HANDLING: Final = "beskyttet-adresse"
#: The reason for paper when KRR's 18-month rule says the person cannot be notified.
CANNOT_NOTIFY: Final = "kan-ikke-varsles"


def mailbox_reader(database: Database) -> InternalReader:
    """A reader for one send (or one batch of sends), as Digdir's mailbox client."""
    return InternalReader(database, MachinePrincipal(orgnr=DIGDIR_ORGNR, scopes=SCOPES), PURPOSE)


@dataclass(frozen=True, slots=True)
class PrintOrder:
    """What the print queue gets: an ordinary envelope, or nothing readable at all."""

    handling: str  # ordinaer | beskyttet-adresse
    name: str | None = None
    lines: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """Where one letter goes and why (a code), the status it starts in, and what the
    channel needs: the provider and mailbox address, or the print order."""

    channel: Channel
    reason: str
    status: str  # Published, Reserved or Failed
    language: str | None = None  # the person's preferred language in KRR
    provider: tuple[str, str] | None = None  # (provider orgnr, mailbox address)
    print_order: PrintOrder | None = None


def route_organisation(session: Session, orgnr: str) -> Route:
    """An organisation's letters go to its felles inbox; it must exist and not be deleted."""
    unit = unit_status(session, orgnr=orgnr)
    if unit is None or unit.slettet:
        raise InvalidInput("The recipient organisation is not registered in Enhetsregisteret")
    return Route(channel=INNBOKS, reason="organisasjon", status="Published")


def _released(outcome: Outcome | None) -> Released:
    if isinstance(outcome, Released):
        return outcome
    if outcome is not None and outcome.code == "unknown-subject":
        raise InvalidInput("The recipient is not registered in Folkeregisteret")
    # A refusal here means the mailbox's own legal basis is missing: an operator's problem.
    raise ServiceUnavailable("The mailbox may not read what routing needs; nothing was sent")


def _name(navn: Mapping[str, Any] | None) -> str:
    if not navn:
        return ""
    parts = [navn.get("fornavn"), navn.get("mellomnavn"), navn.get("etternavn")]
    return " ".join(str(part) for part in parts if part)


def _poststed(value: Mapping[str, Any] | None) -> str | None:
    if not value:
        return None
    parts = [value.get("postnummer"), value.get("poststedsnavn")]
    text = " ".join(str(part) for part in parts if part)
    return text or None


def address_lines(adresse: Mapping[str, Any] | None) -> tuple[str, ...] | None:
    """An address element of Folkeregisteret as an envelope's lines; None if unusable."""
    if not adresse:
        return None
    lines: list[str] = []
    if vegadresse := adresse.get("vegadresse"):
        nummer = vegadresse.get("adressenummer") or {}
        house = f"{nummer.get('husnummer', '')}{nummer.get('husbokstav', '')}"
        lines.append(" ".join(x for x in (vegadresse.get("adressenavn"), house) if x))
        poststed = _poststed(vegadresse.get("poststed"))
    elif postboks := adresse.get("postboksadresse"):
        if postboks.get("postbokseier"):
            lines.append(str(postboks["postbokseier"]))
        lines.append(f"Postboks {postboks.get('postboks')}")
        poststed = _poststed(postboks.get("poststed"))
    elif fritt := adresse.get("postadresseIFrittFormat"):
        lines.extend(str(line) for line in fritt.get("adresselinje") or ())
        poststed = _poststed(fritt.get("poststed"))
    else:
        return None
    if poststed is None or not any(lines):
        return None
    return (*[line for line in lines if line], poststed)


def _print_order(person: Released) -> PrintOrder | None:
    """The envelope for a paper letter, or None when no usable address is registered."""
    grading = (person.data.get("adressebeskyttelse") or {}).get("graderingsnivaa")
    # Either sign of protection is enough: the grading, or an address the decision withheld.
    if grading in PROTECTED or "protected-address" in person.withheld.values():
        return PrintOrder(handling=PROTECTED_HANDLING)
    lines = address_lines(person.data.get("postadresse")) or address_lines(
        person.data.get("bostedsadresse")
    )
    if lines is None:
        return None
    return PrintOrder(handling=ORDINARY, name=_name(person.data.get("navn")), lines=lines)


def _digital(krr: Released) -> Route | tuple[str, str]:
    """The route KRR gives, or (reason, status) when the letter must go on paper."""
    reservasjon = (krr.data.get("reservasjon") or {}).get("reservasjon")
    language = (krr.data.get("spraak") or {}).get("spraak")
    if reservasjon == "JA":
        return ("reservert", "Reserved")
    if reservasjon is None:
        # No active registration in KRR (never registered, or deleted).
        return ("ikke-registrert-i-krr", "Published")
    if krr.data.get("varslingsstatus") != KAN_VARSLES:
        # KAN_IKKE_VARSLES: no e-mail or mobile updated or confirmed in the last 18 months.
        return (CANNOT_NOTIFY, "Published")
    postkasse = krr.data.get("digitalPostkasse")
    if postkasse:
        provider = (postkasse["postkasseleverandoeradresse"], postkasse["postkasseadresse"])
        return Route(
            channel=PROVIDER,
            reason="digital-postkasse",
            status="Published",
            language=language,
            provider=provider,
        )
    return Route(channel=INNBOKS, reason="digital", status="Published", language=language)


def route_people(reader: InternalReader, idents: Sequence[str]) -> dict[str, Route]:
    """Where letters to these people go: KRR read once for all of them, Folkeregisteret
    once for those who get paper. InvalidInput if one of them is not registered."""
    wanted = list(dict.fromkeys(idents))
    if not wanted:
        return {}
    krr = reader.read(KRR, wanted, fields=KRR_FIELDS)
    routes: dict[str, Route] = {}
    paper: dict[str, tuple[str, str]] = {}
    for ident in wanted:
        found = _digital(_released(krr.get(ident)))
        if isinstance(found, Route):
            routes[ident] = found
        else:
            paper[ident] = found
    if paper:
        people = reader.read(PERSON, list(paper), fields=PAPER_FIELDS)
        for ident, (reason, status) in paper.items():
            order = _print_order(_released(people.get(ident)))
            routes[ident] = (
                Route(channel=PAPER, reason="mangler-adresse", status="Failed")
                if order is None
                else Route(channel=PAPER, reason=reason, status=status, print_order=order)
            )
    return routes


def route_person(reader: InternalReader, ident: str) -> Route:
    """Where a letter to the person ``ident`` goes (reads KRR, and Folkeregisteret for paper)."""
    return route_people(reader, [ident])[ident]
