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

PostgreSQL has a read path of its own for 1 and 2 (decision 0012): instants formatted in the
query, statements run through psycopg directly, relations streamed so that documents are built
while PostgreSQL still reads. SQLite takes the generic path, which gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any, Final, TypeVar

import psycopg
from psycopg import pq
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    true,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from felles.kernel.clock import get_clock
from felles.kernel.db import array_literal, lookup_memo, member_of
from felles.kernel.errors import NotFound
from felles.kernel.events import last_seq, read_events
from felles.registries.folkeregister.document import (
    PARENT_ROLES,
    PERSON_COLUMNS,
    DocumentBuilder,
    HistoryRow,
    PersonRow,
    RelationRow,
    date_instant,
    iso_instant,
)
from felles.registries.folkeregister.events import SOURCE
from felles.registries.folkeregister.model import (
    Familierelasjon,
    Historikk,
    Person,
    TidligereIdent,
)

T = TypeVar("T")

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


def get_persons(session: Session, *, idents: Collection[str]) -> dict[str, Person | None]:
    """People by the identifikasjonsnummer asked for (current or former); None if unknown.

    One statement for the current numbers, one lookup per number not found among them.
    """
    wanted = sorted(set(idents))
    if not wanted:
        return {}
    found: dict[str, Person | None] = {
        person.ident: person
        for person in session.scalars(
            select(Person).where(member_of(session, Person.ident, wanted))
        )
    }
    for ident in wanted:
        if ident not in found:
            found[ident] = get_person(session, ident=ident)
    return found


def person_idents(session: Session, *, idents: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Every identifikasjonsnummer of each person asked for: the current one first, then the
    former ones (sorted); keyed by the number asked (current or former), unknown ones left out.

    One statement whatever the number asked, for registers that keep a person's data under
    the number that was current when it was registered (A-ordningen, Skatteetaten, …).
    """
    wanted = sorted(set(idents))
    if not wanted:
        return {}
    people = union(
        select(_person.c.id).where(member_of(session, _person.c.ident, wanted)),
        select(_tidligere.c.person_id).where(member_of(session, _tidligere.c.ident, wanted)),
    )
    query = (
        select(_person.c.id, _person.c.ident, _tidligere.c.ident)
        .outerjoin(_tidligere, _tidligere.c.person_id == _person.c.id)
        .where(_person.c.id.in_(people))
    )
    current: dict[int, str] = {}
    former: dict[int, list[str]] = {}
    for row in session.execute(query):
        person_id: int = row[0]
        tidligere: str | None = row[2]
        current[person_id] = row[1]
        found = former.setdefault(person_id, [])
        if tidligere is not None:
            found.append(tidligere)
    result: dict[str, tuple[str, ...]] = {}
    for person_id, ident in current.items():
        all_idents = (ident, *sorted(former[person_id]))
        for asked in all_idents:
            result[asked] = all_idents
    return {ident: result[ident] for ident in wanted if ident in result}


@dataclass(frozen=True, slots=True)
class PersonKey:
    """What a decision needs of a person: the row id, current number and address protection."""

    id: int
    ident: str
    adressebeskyttelse: str


def person_keys(session: Session, *, idents: Collection[str]) -> dict[str, PersonKey]:
    """``PersonKey`` of each person asked for, by the number asked (current or former);
    unknown ones left out.

    The keys come from the same rows a document is built from: in a lookup session the
    product that follows the decision finds them in the request's memo (one read of each
    person per request, decision 0029).
    """
    rows = _persons_by_ident(session, set(idents), needs_spouse=False)
    return {
        asked: PersonKey(row.id, row.ident, row.adressebeskyttelse) for asked, row in rows.items()
    }


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


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_spouse = _person.alias("spouse")
_related = _person.alias("related")
_PERSON_COLUMNS: Final = tuple(_person.c[name] for name in PERSON_COLUMNS)
_OPPRETTET: Final = PersonRow._fields.index("opprettet")


def _person_select(needs_spouse: bool, *, in_postgresql: bool = False) -> Select[Any]:
    """The PersonRow columns of frg_person (the spouse's ident only when it is shown).

    ``opprettet_instant`` is formatted by PostgreSQL on the PostgreSQL path; otherwise the
    select ends before it and ``_person_row`` adds it.
    """
    spouse = _spouse.c.ident if needs_spouse else null()
    columns = [*_PERSON_COLUMNS, spouse.label("relatert_ved_sivilstand")]
    if in_postgresql:
        columns.append(_sql_iso_instant(_person.c.opprettet).label("opprettet_instant"))
    query = select(*columns)
    if needs_spouse:
        query = query.outerjoin(_spouse, _spouse.c.id == _person.c.sivilstand_relatert_id)
    return query


def _person_row(values: Sequence[Any]) -> PersonRow:
    """A PersonRow from the generic select (opprettet_instant formatted here)."""
    return PersonRow._make((*values, iso_instant(values[_OPPRETTET])))


_RELATION_COLUMNS: Final = (
    _relasjon.c.person_id,
    _relasjon.c.id,
    _relasjon.c.relatert_persons_rolle,
    _relasjon.c.min_rolle_for_person,
)
_RELATION_FACTS: Final = (
    _related.c.ident,
    _related.c.foedselsdato,
    _related.c.doedsdato,
    _related.c.foreldreansvar,
)


def _relation_row(values: Sequence[Any]) -> RelationRow:
    """A RelationRow from the generic select (its dates and instants formatted here)."""
    person_id, id_, rolle, min_rolle, gyldig_fra, ajourhold, opphoer, *facts = values
    return RelationRow(
        person_id,
        id_,
        rolle,
        min_rolle,
        date_instant(gyldig_fra) if gyldig_fra is not None else None,
        iso_instant(ajourhold),
        iso_instant(opphoer) if opphoer is not None else None,
        *facts,
    )


# ------------------------------------------------------------------------------------------
# The PostgreSQL path (decision 0012): the same rows for less. PostgreSQL formats the instants a
# document only writes out (to_char costs it far less than datetime.isoformat costs Python, and
# psycopg's timestamptz parsing is slower still); the statements are compiled once and run
# through psycopg directly (rows straight into PersonRow/RelationRow, no SQLAlchemy Row in
# between); relations come from a LATERAL subquery per person over the unnested ids, planned as
# one index probe per person whatever the statistics say (`person_id = ANY(...)` can get a
# parallel plan that costs more than the whole lookup), and are streamed so that documents are
# built while PostgreSQL still reads. Off, PostgreSQL takes the generic path SQLite takes; a
# test compares the two.
# ------------------------------------------------------------------------------------------

POSTGRESQL_FAST_PATH = True
# Relation rows are streamed in chunks of this many (libpq 17's chunked rows mode).
_STREAM_CHUNK: Final = 64
_CHUNKED_ROWS_LIBPQ: Final = 170000
_ISO_SECONDS: Final = '\'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\''
_ISO_MICROSECONDS: Final = '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\''
_DATE_INSTANT: Final = "'YYYY-MM-DD\"T00:00:00+00:00\"'"


def _fast_path(session: Session) -> bool:
    return POSTGRESQL_FAST_PATH and _is_postgresql(session)


def _sql_iso_instant(column: ColumnElement[Any]) -> ColumnElement[str]:
    """``iso_instant(column)`` in PostgreSQL (microseconds only when there are any)."""
    utc = func.timezone(literal_column("'UTC'"), column)
    return case(
        (
            func.date_trunc(literal_column("'second'"), column) == column,
            func.to_char(utc, literal_column(_ISO_SECONDS)),
        ),
        else_=func.to_char(utc, literal_column(_ISO_MICROSECONDS)),
    )


def _sql_date_instant(column: ColumnElement[Any]) -> ColumnElement[str]:
    """``date_instant(column)`` in PostgreSQL."""
    return func.to_char(column, literal_column(_DATE_INSTANT))


# The one parameter of each statement: an array literal (see kernel.db.array_literal).
_VALUES = bindparam("values", type_=String())


@cache
def _pg_statement(dialect: Dialect, name: str, needs_spouse: bool = False) -> str:
    """The SQL of a PostgreSQL read statement, compiled once."""
    query: Select[Any]
    if name == "persons":
        query = _person_select(needs_spouse, in_postgresql=True).where(
            _person.c.ident == any_(cast(_VALUES, ARRAY(_person.c.ident.type)))
        )
    elif name == "former":
        query = (
            _person_select(needs_spouse, in_postgresql=True)
            .add_columns(_tidligere.c.ident)
            .join(_tidligere, _tidligere.c.person_id == _person.c.id)
            .where(_tidligere.c.ident == any_(cast(_VALUES, ARRAY(_tidligere.c.ident.type))))
        )
    else:
        wanted = (
            func.unnest(cast(_VALUES, ARRAY(BigInteger())))
            .table_valued("id")
            .render_derived(name="wanted")
        )
        # OFFSET 0 keeps the subquery a subquery: run once per person, its rows together.
        per_person = (
            select(
                *_RELATION_COLUMNS,
                _sql_date_instant(_relasjon.c.gyldig_fra).label("gyldighetstidspunkt"),
                _sql_iso_instant(_relasjon.c.ajourholdstidspunkt).label("ajourholdstidspunkt"),
                _sql_iso_instant(_relasjon.c.opphoerstidspunkt).label("opphoerstidspunkt"),
                *_RELATION_FACTS,
            )
            .join(_related, _related.c.id == _relasjon.c.relatert_person_id)
            .where(_relasjon.c.person_id == wanted.c.id)
            .offset(literal_column("0"))
            .lateral("relations")
        )
        query = select(per_person).select_from(wanted).join(per_person, true())
    return str(query.compile(dialect=dialect))


@contextmanager
def _pg_cursor(
    session: Session, statement: str, values: Collection[Any], make: Callable[..., T]
) -> Iterator[tuple[psycopg.Cursor[T], dict[str, Any]]]:
    """A psycopg cursor in the session's transaction whose rows are made by ``make``.

    SQLAlchemy's cursor listeners (logging, tracing, the tests' statement counts) hear of the
    statement as of any other; they get no execution context, which their API allows.
    """
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    parameters = {"values": array_literal(values)}
    with driver.cursor(row_factory=lambda _cursor: make) as cursor:
        events = connection.dispatch
        events.before_cursor_execute(connection, cursor, statement, parameters, None, False)
        yield cursor, parameters
        events.after_cursor_execute(connection, cursor, statement, parameters, None, False)


def _pg_rows(
    session: Session, statement: str, values: Collection[Any], make: Callable[..., T]
) -> list[T]:
    """The rows of a compiled statement, each made by ``make``."""
    with _pg_cursor(session, statement, values, make) as (cursor, parameters):
        return cursor.execute(statement, parameters).fetchall()


def _persons_by_ident(
    session: Session, idents: Collection[str], *, needs_spouse: bool
) -> dict[str, PersonRow]:
    """Rows keyed by the ident asked for (a former ident maps to the person's row); kept in
    a lookup session's memo, so a request reads each person once."""
    if not idents:
        return {}
    memo = lookup_memo(session)
    if memo is None:
        return _read_persons_by_ident(session, idents, needs_spouse=needs_spouse)
    known: dict[str, PersonRow | None] = memo.setdefault(("frg_person", needs_spouse), {})
    unread = [ident for ident in idents if ident not in known]
    if unread:
        read = _read_persons_by_ident(session, unread, needs_spouse=needs_spouse)
        for ident in unread:
            known[ident] = read.get(ident)
    return {ident: row for ident in idents if (row := known[ident]) is not None}


def _read_persons_by_ident(
    session: Session, idents: Collection[str], *, needs_spouse: bool
) -> dict[str, PersonRow]:
    fast = _fast_path(session)
    if fast:
        dialect = session.get_bind().dialect
        rows = _pg_rows(
            session, _pg_statement(dialect, "persons", needs_spouse), idents, PersonRow._make
        )
    else:
        query = _person_select(needs_spouse).where(member_of(session, _person.c.ident, idents))
        rows = list(map(_person_row, session.execute(query).all()))
    found = {person.ident: person for person in rows}
    missing = [ident for ident in idents if ident not in found]
    if missing:
        former: Sequence[Sequence[Any]]
        if fast:
            former = _pg_rows(
                session, _pg_statement(dialect, "former", needs_spouse), missing, tuple
            )
        else:
            former = session.execute(
                _person_select(needs_spouse)
                .add_columns(_tidligere.c.ident)
                .join(_tidligere, _tidligere.c.person_id == _person.c.id)
                .where(member_of(session, _tidligere.c.ident, missing))
            ).all()
        make = PersonRow._make if fast else _person_row
        for row in former:
            tidligere_ident: str = row[-1]
            found[tidligere_ident] = make(row[:-1])
    return found


def _history(
    session: Session, person_ids: Collection[int], elements: Collection[str]
) -> dict[int, dict[str, list[HistoryRow]]]:
    """Superseded versions of ``elements`` by person id and element."""
    result: dict[int, dict[str, list[HistoryRow]]] = {}
    if not person_ids or not elements:
        return result
    query = select(*(_historikk.c[name] for name in HistoryRow._fields)).where(
        member_of(session, _historikk.c.person_id, person_ids),
        _historikk.c.element.in_(elements),
    )
    for values in session.execute(query).all():
        row = HistoryRow._make(values)
        result.setdefault(row.person_id, {}).setdefault(row.element, []).append(row)
    return result


def _relation_runs(
    session: Session, person_ids: Collection[int]
) -> Iterator[tuple[int, list[RelationRow]]]:
    """The relations of ``person_ids`` with the related people's facts, a run per person.

    On PostgreSQL the rows are streamed: each run is yielded as soon as the next one starts, so
    documents are built while PostgreSQL still looks up the rest. The runs come in ascending
    person id order and one per person (a LATERAL subquery per person), but callers must not
    rely on that for correctness: ``get_documents`` rebuilds a document whose person gets a
    second run. Rows within a run are in no particular order.
    """
    if not person_ids:
        return
    if not _fast_path(session):
        query = (
            select(
                *_RELATION_COLUMNS,
                _relasjon.c.gyldig_fra,
                _relasjon.c.ajourholdstidspunkt,
                _relasjon.c.opphoerstidspunkt,
                *_RELATION_FACTS,
            )
            .join(_related, _related.c.id == _relasjon.c.relatert_person_id)
            .where(member_of(session, _relasjon.c.person_id, person_ids))
            .order_by(_relasjon.c.person_id, _relasjon.c.id)
        )
        yield from _runs(map(_relation_row, session.execute(query).all()))
        return
    statement = _pg_statement(session.get_bind().dialect, "relations")
    ids = sorted(person_ids)  # (JIT, which cost large batches dearly, is off: kernel.db)
    with _pg_cursor(session, statement, ids, RelationRow._make) as (cursor, parameters):
        if pq.version() >= _CHUNKED_ROWS_LIBPQ:
            rows: Iterable[RelationRow] = cursor.stream(statement, parameters, size=_STREAM_CHUNK)
        else:  # without chunked rows, streaming row by row costs more than it saves
            rows = cursor.execute(statement, parameters).fetchall()
        yield from _runs(rows)


def _runs(rows: Iterable[RelationRow]) -> Iterator[tuple[int, list[RelationRow]]]:
    """Consecutive rows of the same person, each run yielded once the next one starts."""
    person_id = -1
    run: list[RelationRow] = []
    for row in rows:
        if row[0] != person_id:
            if run:
                yield person_id, run
            person_id = row[0]
            run = [row]
        else:
            run.append(row)
    if run:
        yield person_id, run


@lru_cache(maxsize=256)
def _builder(
    parts: frozenset[str] | None, today: date, include_protected_address: bool
) -> DocumentBuilder:
    """A builder for these parts on this day (builders are immutable: one serves many calls)."""
    return DocumentBuilder(parts, today=today, include_protected_address=include_protected_address)


def get_documents(
    session: Session,
    *,
    idents: Sequence[str],
    parts: Collection[str] | None = None,
    include_protected_address: bool = False,
    history: bool = True,
    today: date | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Documents for up to 1000 idents, keyed by the ident asked for (None when unknown).

    ``history=False`` leaves out the superseded versions of single-valued elements (and the
    ``frg_historikk`` read); family relations still come with their ended ones. ``today``
    (default: the clock's) is the day foreldreansvar is worked out for.
    """
    if len(idents) > MAX_BULK:
        raise ValueError(f"at most {MAX_BULK} identifiers per call")
    builder = _builder(
        None if parts is None else frozenset(parts),
        today or get_clock().today(),
        include_protected_address,
    )
    people = _persons_by_ident(session, set(idents), needs_spouse=builder.needs_spouse)
    by_id = {row.id: row for row in people.values()}
    changed = {row.id for row in by_id.values() if history and builder.may_have_history(row)}
    history_rows = _history(session, changed, builder.history_elements)
    relations: dict[int, list[RelationRow]] = {}

    def build(person_id: int) -> dict[str, Any]:
        rows = relations.get(person_id, ())
        past = history_rows.get(person_id)
        return builder.build(by_id[person_id], history=past, relations=rows)

    built: dict[int, dict[str, Any]] = {}
    if builder.needs_relations:
        # Build each document as soon as its relations are in: everyone up to the person of
        # the latest run is complete when runs come in id order (see _relation_runs).
        ordered = sorted(by_id)
        done = 0
        stale: set[int] = set()
        for person_id, run in _relation_runs(session, ordered):
            known = relations.get(person_id)
            if known is None:
                relations[person_id] = run
            else:
                known.extend(run)
            if person_id in built:
                stale.add(person_id)
            if len(run) > 1 or known is not None:
                relations[person_id].sort()  # by relation id (person_id is the same)
            while done < len(ordered) and ordered[done] <= person_id:
                built[ordered[done]] = build(ordered[done])
                done += 1
        for person_id in [*ordered[done:], *stale]:
            built[person_id] = build(person_id)
    else:
        built = {person_id: build(person_id) for person_id in by_id}
    documents: dict[str, dict[str, Any] | None] = {}
    shown: set[int] = set()
    for ident in idents:
        row = people.get(ident)
        if ident in documents:  # asked for twice
            continue
        if row is None:
            documents[ident] = None
        elif row.id in shown:  # the same person by another ident: a document of its own
            documents[ident] = build(row.id)
        else:
            documents[ident] = built[row.id]
            shown.add(row.id)
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
