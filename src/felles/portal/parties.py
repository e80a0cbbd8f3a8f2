"""Who a logged-in person can act for, and whether they may act for a given party now.

The choice after login lists: the person themself; their children under 18 for whom they
hold foreldreansvar; people who gave them a fullmakt that holds today; organisations where
they hold a role that lets them act (daglig leder, styreleder, …). Each is derived from the
registries and the access block when asked, never stored, exactly as the decision point
derives them — and a chosen party is checked again by the decision point on every page
(``resolve``), so a fullmakt revoked a minute ago no longer opens anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from felles.access.datasets import ALL_AREAS
from felles.access.decide import holds_parental_responsibility, representation_facts
from felles.access.decision import ACTING_ROLES, PersonPrincipal
from felles.access.model import Fullmakt
from felles.access.queries import delegation_fact
from felles.registries.enhetsregisteret.queries import roles_held_by_person, units_status
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.queries import children_of, get_person

SELF: Final = "self"
CHILD: Final = "foreldreansvar"
FULLMAKT: Final = "fullmakt"
ORGANISATION: Final = "rolle"


@dataclass(frozen=True, slots=True)
class Party:
    """Someone the person may act for, with how and in which areas."""

    ident: str  # fødselsnummer/D-nummer, or organisasjonsnummer
    name: str
    kind: str  # SELF, CHILD, FULLMAKT or ORGANISATION
    areas: frozenset[str]  # fullmakt areas; ALL_AREAS for self and children
    roles: tuple[str, ...] = ()

    @property
    def is_person(self) -> bool:
        return len(self.ident) == 11

    def covers(self, area: str) -> bool:
        return ALL_AREAS in self.areas or area in self.areas


def name_of(person: Person) -> str:
    return " ".join(p for p in (person.fornavn, person.mellomnavn, person.etternavn) if p)


def _self(session: Session, pid: str) -> Party:
    person = get_person(session, ident=pid)
    name = name_of(person) if person is not None else ""
    return Party(pid, name, SELF, frozenset({ALL_AREAS}))


def _children(session: Session, pid: str, at: datetime) -> list[Party]:
    me = get_person(session, ident=pid)
    if me is None:
        return []
    return [
        Party(child.ident, name_of(child), CHILD, frozenset({ALL_AREAS}))
        for child in children_of(session, person=me)
        if holds_parental_responsibility(session, parent=pid, child=child.ident, at=at)
    ]


def _givers(session: Session, pid: str, at: datetime) -> list[Party]:
    rows = session.scalars(
        select(Fullmakt).where(Fullmakt.fullmektig == pid, Fullmakt.trukket.is_(None))
    ).all()
    areas: dict[str, set[str]] = {}
    for row in rows:
        if delegation_fact(row).holds_at(at):
            areas.setdefault(row.fullmaktsgiver, set()).update(row.omraader.split(","))
    parties = []
    for giver, covered in sorted(areas.items()):
        person = get_person(session, ident=giver)
        if person is not None and person.doedsdato is None:
            parties.append(Party(giver, name_of(person), FULLMAKT, frozenset(covered)))
    return parties


def _organisations(session: Session, pid: str) -> list[Party]:
    roles: dict[str, set[str]] = {}
    for orgnr, role in roles_held_by_person(session, ident=pid):
        if role in ACTING_ROLES:
            roles.setdefault(orgnr, set()).add(role)
    units = units_status(session, orgnrs=list(roles))
    return [
        Party(orgnr, units[orgnr].navn, ORGANISATION, frozenset({ALL_AREAS}), tuple(sorted(held)))
        for orgnr, held in sorted(roles.items())
        if orgnr in units and not units[orgnr].slettet
    ]


def parties_for(session: Session, *, pid: str, at: datetime) -> list[Party]:
    """Everyone the person may act for now, themself first."""
    return [
        _self(session, pid),
        *_children(session, pid, at),
        *_givers(session, pid, at),
        *_organisations(session, pid),
    ]


def resolve(
    session: Session, *, principal: PersonPrincipal, ident: str, at: datetime
) -> Party | None:
    """The party ``ident`` if the person may act for it now, else None. The same facts the
    decision point uses (``representation_facts``), read for this one party."""
    if ident == principal.pid:
        return _self(session, principal.pid)
    if not ident.isdigit() or len(ident) not in (9, 11):
        return None
    facts = representation_facts(session, principal=principal, on_behalf_of=ident, at=at)
    if len(ident) == 9:
        held = tuple(sorted(facts.roles & ACTING_ROLES))
        if not held:
            return None
        unit = units_status(session, orgnrs=[ident]).get(ident)
        if unit is None or unit.slettet:
            return None
        return Party(ident, unit.navn, ORGANISATION, frozenset({ALL_AREAS}), held)
    person = get_person(session, ident=ident)
    if person is None:
        return None
    if facts.parental_responsibility:
        return Party(person.ident, name_of(person), CHILD, frozenset({ALL_AREAS}))
    areas: set[str] = set()
    for delegation in facts.delegations:
        if delegation.holder == principal.pid and delegation.holds_at(at):
            areas |= delegation.areas
    if not areas:
        return None
    return Party(person.ident, name_of(person), FULLMAKT, frozenset(areas))
