"""People worth looking up, found through the registries' own example queries (``felles
demo`` adds those the services, mailbox and journeys make: ``felles.demo_people``)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from felles.kernel.db import Database
from felles.registries.folkeregister import examples as frg
from felles.registries.folkeregister.model import Person
from felles.registries.krr import examples as krr

Finder = Callable[[Session], Person | None]

FINDERS: tuple[tuple[str, Finder], ...] = (
    ("new parent", frg.new_parent),
    ("widow", frg.widow),
    ("protected address (strengt fortrolig)", frg.protected_address),
    ("family with 3+ children", frg.parent_of_many),
    ("single parent", frg.single_parent),
    ("immigrant", frg.immigrant),
)


def has_population(database: Database) -> bool:
    with database.read_session() as session:
        return frg.has_any(session)


def reserved_person(session: Session) -> Person | None:
    people = frg.by_idents(session, krr.reserved_identifiers(session))
    alive = [p for p in people if p.status == "bosatt"]
    return alive[0] if alive else None


def showcase(database: Database) -> list[tuple[str, Person]]:
    """(role, person) for each kind of person found in the database."""
    found: list[tuple[str, Person]] = []
    with database.read_session() as session:
        for role, finder in (*FINDERS, ("reserved against digital post", reserved_person)):
            person = finder(session)
            if person is not None:
                found.append((role, person))
    return found


def where_lives(person: Person) -> str:
    """Postal code and place, or "(address protected)": never a protected address."""
    if person.adressebeskyttelse in {"fortrolig", "strengtFortrolig"}:
        return "(address protected)"
    return f"{person.postnummer or ''} {person.poststed or ''}".strip()
