"""Reads of Folkeregisteret: people, family, person documents and the event feed.

Documents are built from at most four set-based Core selects, each an indexed lookup
(``frg_person.ident`` unique, ``frg_person.id`` primary key, ``frg_historikk(person_id,
element)``, ``frg_familierelasjon(person_id)``), whether for one person or a thousand:

1. the people by ident, with the spouse's ident joined (and, for idents not found, through
   ``frg_tidligere_ident``);
2. their family relations, joined with the few facts about each related person the document
   shows (ident, birth and death date, foreldreansvar), never their addresses (only when
   familierelasjon or foreldreansvar is asked for);
3. their superseded versions (only for people changed since the bulk load, whose
   ``element_meta`` is set, and only for the elements asked for).

Rows are fetched as plain tuples (``PersonRow``, ``RelationRow``, ``HistoryRow``): building
ORM objects, or reading SQLAlchemy rows by attribute, would cost more than the queries.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, any_, bindparam, null, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import KeyedColumnElement

from felles.kernel.clock import get_clock
from felles.kernel.errors import NotFound
from felles.kernel.events import last_seq, read_events
from felles.registries.folkeregister.document import (
    PARENT_ROLES,
    PERSON_COLUMNS,
    DocumentBuilder,
    HistoryRow,
    PersonRow,
    RelationRow,
)
from felles.registries.folkeregister.events import SOURCE
from felles.registries.folkeregister.model import (
    Familierelasjon,
    Historikk,
    Person,
    TidligereIdent,
)

MAX_BULK: Final = 1000
FEED_PAGE: Final = 1000
MARRIED: Final = frozenset({"gift", "separert", "registrertPartner", "separertPartner"})

_person = Person.__table__
_historikk = Historikk.__table__
_relasjon = Familierelasjon.__table__
_tidligere = TidligereIdent.__table__


# ------------------------------------------------------------------------------------------
# People (ORM rows, for commands and the simulator)
# ------------------------------------------------------------------------------------------


def get_person(session: Session, *, ident: str) -> Person | None:
    """The person with this identifikasjonsnummer, current or former; None if unknown."""
    person = session.scalar(select(Person).where(Person.ident == ident))
    if person is not None:
        return person
    former = session.get(TidligereIdent, ident)
    return session.get(Person, former.person_id) if former is not None else None


def get_person_or_raise(session: Session, *, ident: str) -> Person:
    """The person with this identifikasjonsnummer; NotFound (404) if unknown."""
    person = get_person(session, ident=ident)
    if person is None:
        raise NotFound("No person is registered with this identifikasjonsnummer")
    return person


def _related_by_role(session: Session, person: Person, roles: Collection[str]) -> list[Person]:
    query = (
        select(Person)
        .join(Familierelasjon, Familierelasjon.relatert_person_id == Person.id)
        .where(
            Familierelasjon.person_id == person.id,
            Familierelasjon.relatert_persons_rolle.in_(roles),
            Familierelasjon.opphoerstidspunkt.is_(None),
        )
        .order_by(Person.foedselsdato, Person.id)
    )
    return list(session.scalars(query))


def parents_of(session: Session, *, person: Person) -> list[Person]:
    """The person's registered parents (mor, far, medmor)."""
    return _related_by_role(session, person, PARENT_ROLES)


def children_of(session: Session, *, person: Person) -> list[Person]:
    """The person's registered children, oldest first."""
    return _related_by_role(session, person, ("barn",))


def spouse_of(session: Session, *, person: Person) -> Person | None:
    """The current spouse or registered partner (gift, separert, ...); None otherwise."""
    if person.sivilstand not in MARRIED or person.sivilstand_relatert_id is None:
        return None
    return session.get(Person, person.sivilstand_relatert_id)


def used_idents_for_date(session: Session, *, birth_date: date) -> set[str]:
    """Every synthetic fnr and D-number ever issued for ``birth_date`` (current or former)."""
    used: set[str] = set()
    month = birth_date.month + 80
    for day in (birth_date.day, birth_date.day + 40):
        prefix = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"
        low, high = f"{prefix}00000", f"{prefix}99999"
        for table in (_person, _tidligere):
            query = select(table.c.ident).where(table.c.ident.between(low, high))
            used.update(session.scalars(query))
    return used


# ------------------------------------------------------------------------------------------
# Person documents (Core selects, a constant number of queries)
# ------------------------------------------------------------------------------------------


def _member_of(
    session: Session, column: KeyedColumnElement[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``= ANY(array)``: one parameter, not a thousand."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


_spouse = _person.alias("spouse")
_related = _person.alias("related")
_PERSON_COLUMNS: Final = tuple(_person.c[name] for name in PERSON_COLUMNS)


def _person_select(needs_spouse: bool) -> Select[Any]:
    """The PersonRow columns of frg_person (the spouse's ident only when it is shown)."""
    if not needs_spouse:
        return select(*_PERSON_COLUMNS, null().label("relatert_ved_sivilstand"))
    return select(*_PERSON_COLUMNS, _spouse.c.ident.label("relatert_ved_sivilstand")).outerjoin(
        _spouse, _spouse.c.id == _person.c.sivilstand_relatert_id
    )


def _persons_by_ident(
    session: Session, idents: Collection[str], *, needs_spouse: bool
) -> dict[str, PersonRow]:
    """Rows keyed by the ident asked for (a former ident maps to the person's row)."""
    if not idents:
        return {}
    query = _person_select(needs_spouse).where(_member_of(session, _person.c.ident, idents))
    people = map(PersonRow._make, session.execute(query).all())
    found = {person.ident: person for person in people}
    missing = [ident for ident in idents if ident not in found]
    if missing:
        former = session.execute(
            _person_select(needs_spouse)
            .add_columns(_tidligere.c.ident)
            .join(_tidligere, _tidligere.c.person_id == _person.c.id)
            .where(_member_of(session, _tidligere.c.ident, missing))
        ).all()
        for row in former:
            tidligere_ident: str = row[-1]
            found[tidligere_ident] = PersonRow._make(row[:-1])
    return found


def _history(
    session: Session, person_ids: Collection[int], elements: Collection[str]
) -> dict[int, dict[str, list[HistoryRow]]]:
    """Superseded versions of ``elements`` by person id and element."""
    result: dict[int, dict[str, list[HistoryRow]]] = {}
    if not person_ids or not elements:
        return result
    query = select(*(_historikk.c[name] for name in HistoryRow._fields)).where(
        _member_of(session, _historikk.c.person_id, person_ids),
        _historikk.c.element.in_(elements),
    )
    for values in session.execute(query).all():
        row = HistoryRow._make(values)
        result.setdefault(row.person_id, {}).setdefault(row.element, []).append(row)
    return result


def _relations(session: Session, person_ids: Collection[int]) -> dict[int, list[RelationRow]]:
    """Family relations by person id, in id order, with the related person's facts."""
    result: dict[int, list[RelationRow]] = {}
    if not person_ids:
        return result
    query = (
        select(
            _relasjon.c.person_id,
            _relasjon.c.id,
            _relasjon.c.relatert_persons_rolle,
            _relasjon.c.min_rolle_for_person,
            _relasjon.c.gyldig_fra,
            _relasjon.c.ajourholdstidspunkt,
            _relasjon.c.opphoerstidspunkt,
            _related.c.ident,
            _related.c.foedselsdato,
            _related.c.doedsdato,
            _related.c.foreldreansvar,
        )
        .join(_related, _related.c.id == _relasjon.c.relatert_person_id)
        .where(_member_of(session, _relasjon.c.person_id, person_ids))
        .order_by(_relasjon.c.id)
    )
    for values in session.execute(query).all():
        row = RelationRow._make(values)
        rows = result.get(row.person_id)
        if rows is None:
            result[row.person_id] = [row]
        else:
            rows.append(row)
    return result


def get_documents(
    session: Session,
    *,
    idents: Sequence[str],
    parts: Collection[str] | None = None,
    include_protected_address: bool = False,
) -> dict[str, dict[str, Any] | None]:
    """Documents for up to 1000 idents, keyed by the ident asked for (None when unknown)."""
    if len(idents) > MAX_BULK:
        raise ValueError(f"at most {MAX_BULK} identifiers per call")
    builder = DocumentBuilder(
        parts, today=get_clock().today(), include_protected_address=include_protected_address
    )
    people = _persons_by_ident(session, set(idents), needs_spouse=builder.needs_spouse)
    person_ids = {row.id for row in people.values()}
    changed = {row.id for row in people.values() if builder.may_have_history(row)}
    history = _history(session, changed, builder.history_elements)
    relations = _relations(session, person_ids) if builder.needs_relations else {}
    documents: dict[str, dict[str, Any] | None] = {}
    for ident in idents:
        row = people.get(ident)
        documents[ident] = (
            None
            if row is None
            else builder.build(
                row, history=history.get(row.id), relations=relations.get(row.id, ())
            )
        )
    return documents


def get_document(
    session: Session,
    *,
    ident: str,
    parts: Collection[str] | None = None,
    include_protected_address: bool = False,
) -> dict[str, Any]:
    """The person document for ``ident``; NotFound (404) if unknown."""
    document = get_documents(
        session, idents=[ident], parts=parts, include_protected_address=include_protected_address
    )[ident]
    if document is None:
        raise NotFound("No person is registered with this identifikasjonsnummer")
    return document


# ------------------------------------------------------------------------------------------
# The event feed (hendelsesliste)
# ------------------------------------------------------------------------------------------


def feed(session: Session, *, seq: int, limit: int = FEED_PAGE) -> list[dict[str, Any]]:
    """Folkeregisteret events from sequence number ``seq`` inclusive, in order."""
    stored = read_events(session, after_seq=max(seq, 1) - 1, limit=limit, source=SOURCE)
    return [
        {"sekvensnummer": s.seq, "hendelse": s.event.data | {"hendelsesdokument": s.event.id}}
        for s in stored
    ]


def last_sequence_number(session: Session) -> int:
    """The sequence number of the newest Folkeregisteret event (0 when there is none)."""
    return last_seq(session, source=SOURCE)


def current_relation_exists(
    session: Session, *, person_id: int, relatert_person_id: int, roles: Collection[str]
) -> bool:
    """Whether a current relation with one of ``roles`` links the two people."""
    query = select(_relasjon.c.id).where(
        and_(
            _relasjon.c.person_id == person_id,
            _relasjon.c.relatert_person_id == relatert_person_id,
            _relasjon.c.relatert_persons_rolle.in_(roles),
            _relasjon.c.opphoerstidspunkt.is_(None),
        )
    )
    return session.scalar(query.limit(1)) is not None
