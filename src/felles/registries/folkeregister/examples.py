"""Illustrative people for demos and docs: one indexed query per kind, first match by id.

These read only Folkeregisteret's own tables. They are for showing a new user whom to look up,
not for case handling.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from felles.registries.folkeregister.model import Familierelasjon, Person

ALIVE = Person.status == "bosatt"


def _first(session: Session, query: Select[Person], *, min_age: int = 25) -> Person | None:
    """The first match by id among people at least ``min_age`` old (typical, not extreme)."""
    newest = session.scalar(select(func.max(Person.foedselsdato)))
    if newest is not None:
        query = query.where(Person.foedselsdato <= newest - timedelta(days=365 * min_age))
    return session.scalars(query.order_by(Person.id).limit(1)).first()


def new_parent(session: Session) -> Person | None:
    """A mother whose youngest child was born within a year of the newest birth registered."""
    newest = session.scalar(select(func.max(Person.foedselsdato)))
    if newest is None:
        return None
    child = aliased(Person)
    query = (
        select(Person)
        .join(Familierelasjon, Familierelasjon.person_id == Person.id)
        .join(child, child.id == Familierelasjon.relatert_person_id)
        .where(
            ALIVE,
            Familierelasjon.relatert_persons_rolle == "barn",
            Familierelasjon.min_rolle_for_person == "mor",
            child.foedselsdato >= newest - timedelta(days=365),
        )
    )
    return _first(session, query)


def widow(session: Session) -> Person | None:
    """A woman whose spouse has died (sivilstand enkeEllerEnkemann)."""
    query = select(Person).where(
        ALIVE, Person.kjoenn == "kvinne", Person.sivilstand == "enkeEllerEnkemann"
    )
    return _first(session, query, min_age=60)


def protected_address(session: Session) -> Person | None:
    """Someone with a strictly confidential address (strengtFortrolig)."""
    return _first(
        session, select(Person).where(ALIVE, Person.adressebeskyttelse == "strengtFortrolig")
    )


def parent_of_many(session: Session, *, children: int = 3) -> Person | None:
    """A parent with at least ``children`` registered children."""
    parents = (
        select(Familierelasjon.person_id)
        .where(Familierelasjon.relatert_persons_rolle == "barn")
        .group_by(Familierelasjon.person_id)
        .having(func.count() >= children)
    )
    return _first(session, select(Person).where(ALIVE, Person.id.in_(parents)), min_age=30)


def single_parent(session: Session) -> Person | None:
    """A mother who alone holds parental responsibility for a minor."""
    child = aliased(Person)
    has_child = exists().where(
        and_(
            Familierelasjon.person_id == Person.id,
            Familierelasjon.relatert_persons_rolle == "barn",
            child.id == Familierelasjon.relatert_person_id,
            child.foreldreansvar == "mor",
        )
    )
    return _first(session, select(Person).where(ALIVE, Person.kjoenn == "kvinne", has_child))


def immigrant(session: Session) -> Person | None:
    """A resident who moved to Norway and is not a Norwegian citizen."""
    query = select(Person).where(
        ALIVE, Person.innflyttet_fra.is_not(None), Person.statsborgerskap != "NOR"
    )
    return _first(session, query)


def by_idents(session: Session, idents: list[str]) -> list[Person]:
    """People with these identity numbers (for looking up KRR's examples)."""
    return list(session.scalars(select(Person).where(Person.ident.in_(idents))))


def has_any(session: Session) -> bool:
    """True when the register holds at least one person."""
    return session.scalar(select(Person.id).limit(1)) is not None
