"""The table `felles demo` prints: people worth looking up, found through the registries'
own example queries. A protected person is shown without any address."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
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


def _reserved(session: Session) -> Person | None:
    people = frg.by_idents(session, krr.reserved_identifiers(session))
    alive = [p for p in people if p.status == "bosatt"]
    return alive[0] if alive else None


def showcase(database: Database) -> list[tuple[str, Person]]:
    """(role, person) for each kind of person found in the database."""
    found: list[tuple[str, Person]] = []
    with database.read_session() as session:
        for role, finder in (*FINDERS, ("reserved against digital post", _reserved)):
            person = finder(session)
            if person is not None:
                found.append((role, person))
    return found


def _where(person: Person) -> str:
    if person.adressebeskyttelse in {"fortrolig", "strengtFortrolig"}:
        return "(address protected)"
    return f"{person.postnummer or ''} {person.poststed or ''}".strip()


def showcase_table(database: Database) -> Table:
    table = Table(title="People to look up")
    for column in ("who", "fnr", "name", "born", "where"):
        table.add_column(column)
    for role, person in showcase(database):
        name = " ".join(p for p in (person.fornavn, person.mellomnavn, person.etternavn) if p)
        table.add_row(role, person.ident, name, person.foedselsdato.isoformat(), _where(person))
    return table
