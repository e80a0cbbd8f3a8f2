"""Random people from Folkeregisteret, cheaply, for the simulator of life events.

Only this registry may read ``frg_person``, so sampling lives here and not in ``synth``.

``ORDER BY random()`` reads the whole table (5.6 million rows) for every pick. Instead each
pick is a *probe*: a random id between the smallest and the largest person id, looked up on
the primary key and kept when that person exists and matches the filter (rejection
sampling). Every matching person is equally likely, whatever the order of the rows, and a
probe costs one index lookup, so a filter that matches a share ``p`` of the people costs
about ``1/p`` lookups per pick: the same rows an index walk would visit.

Why not "the first matching row at or after a random id" (``WHERE id >= r AND <filter>
ORDER BY id LIMIT 1``)? It visits as many rows, but its picks are biased towards a row that
follows a long run of non-matching ones, and the generated population is ordered by
household (people over 60, for instance, come in runs): on the 200 000-person benchmark
population it picked the first old person after a run of young ones again and again, and
each probe walked about 130 rows.

Probes are sent up to 512 at a time in one statement (``= ANY(array)`` on PostgreSQL,
``IN (json_each(...))`` on SQLite), so a batch of candidates costs one round trip.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from felles.kernel.db import member_of
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.document import PARENT_ROLES
from felles.registries.folkeregister.model import Familierelasjon, Person, TidligereIdent

__all__ = [
    "MARRIED",
    "Candidate",
    "PersonFilter",
    "are_close_relatives",
    "born_between",
    "close_relatives",
    "count_residents",
    "get_candidates",
    "household",
    "households",
    "id_bounds",
    "residents_at",
    "sample_persons",
    "spouse",
    "spouses",
    "taken_idents",
    "years_before",
]

BOSATT: Final = "bosatt"
#: Sivilstand values of someone who is legally married or in a registered partnership
#: (separated people are still married until the divorce); the same set the queries use.
MARRIED: Final = tuple(sorted(queries.MARRIED))
# Relations that make two people too close to marry (ekteskapsloven § 3): parent/child
# rows, and sharing a parent (siblings).
_PARENT_ROLES: Final = tuple(sorted(PARENT_ROLES))

# Probes per statement: enough to amortise the round trip, small enough to stay a few ms.
_PROBES_PER_STATEMENT: Final = 512

_person = Person.__table__
_COLUMNS = (
    _person.c.id,
    _person.c.ident,
    _person.c.identifikatortype,
    _person.c.status,
    _person.c.kjoenn,
    _person.c.foedselsdato,
    _person.c.sivilstand,
    _person.c.sivilstand_relatert_id,
    _person.c.adresse_id,
    _person.c.bruksenhetsnummer,
    _person.c.kommunenummer,
    _person.c.statsborgerskap,
    _person.c.adressebeskyttelse,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """The few facts about a sampled person that the simulator decides on."""

    id: int
    ident: str
    identifikatortype: str
    status: str
    kjoenn: str
    foedselsdato: date
    sivilstand: str
    sivilstand_relatert_id: int | None
    adresse_id: int | None
    bruksenhetsnummer: str | None
    kommunenummer: str | None
    statsborgerskap: str
    adressebeskyttelse: str

    def age_at(self, day: date) -> int:
        """Age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.foedselsdato.month, self.foedselsdato.day)
        return day.year - self.foedselsdato.year - before_birthday

    @property
    def is_married(self) -> bool:
        return self.sivilstand in MARRIED

    @property
    def is_norwegian(self) -> bool:
        return "NOR" in self.statsborgerskap.split(",")


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class PersonFilter:
    """Who may be picked. ``None`` means "any"; ages are whole years on ``at``."""

    status: str | None = BOSATT
    kjoenn: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    at: date | None = None
    married: bool | None = None
    adressebeskyttelse: str | None = None
    kommunenummer: str | None = None
    norwegian: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filter as SQL conditions on ``frg_person``."""
        c = _person.c
        conditions: list[ColumnElement[bool]] = []
        if self.status is not None:
            conditions.append(c.status == self.status)
        if self.kjoenn is not None:
            conditions.append(c.kjoenn == self.kjoenn)
        conditions.extend(self._age_conditions())
        if self.married is True:
            conditions.append(c.sivilstand.in_(MARRIED))
        elif self.married is False:
            conditions.append(c.sivilstand.not_in(MARRIED))
        if self.adressebeskyttelse is not None:
            conditions.append(c.adressebeskyttelse == self.adressebeskyttelse)
        if self.kommunenummer is not None:
            conditions.append(c.kommunenummer == self.kommunenummer)
        if self.norwegian is True:
            conditions.append(c.statsborgerskap.contains("NOR"))
        elif self.norwegian is False:
            conditions.append(c.statsborgerskap.not_like("%NOR%"))
        return conditions

    def matches(self, person: Candidate) -> bool:
        """The filter in Python, for candidates fetched already (the same rules as SQL)."""
        married = person.sivilstand in MARRIED
        norwegian = "NOR" in person.statsborgerskap
        return (
            (self.status is None or person.status == self.status)
            and (self.kjoenn is None or person.kjoenn == self.kjoenn)
            and (self.married is None or married == self.married)
            and (self.norwegian is None or norwegian == self.norwegian)
            and (self.adressebeskyttelse in (None, person.adressebeskyttelse))
            and (self.kommunenummer in (None, person.kommunenummer))
            and self._age_matches(person.foedselsdato)
        )

    def _age_matches(self, born: date) -> bool:
        if self.min_age is None and self.max_age is None:
            return True
        if self.at is None:
            raise ValueError("an age filter needs the day the ages refer to (at=...)")
        if self.min_age is not None and born > years_before(self.at, self.min_age):
            return False
        return self.max_age is None or born > years_before(self.at, self.max_age + 1)

    def _age_conditions(self) -> list[ColumnElement[bool]]:
        # Age a on day d  <=>  d - (a + 1) years < foedselsdato <= d - a years.
        if self.min_age is None and self.max_age is None:
            return []
        if self.at is None:
            raise ValueError("an age filter needs the day the ages refer to (at=...)")
        c = _person.c
        conditions: list[ColumnElement[bool]] = []
        if self.min_age is not None:
            conditions.append(c.foedselsdato <= years_before(self.at, self.min_age))
        if self.max_age is not None:
            conditions.append(c.foedselsdato > years_before(self.at, self.max_age + 1))
        return conditions


def _candidate(row: Any) -> Candidate:
    return Candidate(
        id=row.id,
        ident=row.ident,
        identifikatortype=row.identifikatortype,
        status=row.status,
        kjoenn=row.kjoenn,
        foedselsdato=row.foedselsdato,
        sivilstand=row.sivilstand,
        sivilstand_relatert_id=row.sivilstand_relatert_id,
        adresse_id=row.adresse_id,
        bruksenhetsnummer=row.bruksenhetsnummer,
        kommunenummer=row.kommunenummer,
        statsborgerskap=row.statsborgerskap,
        adressebeskyttelse=row.adressebeskyttelse,
    )


def id_bounds(session: Session) -> tuple[int, int] | None:
    """The smallest and largest person id (both ends of the primary-key index), or None."""
    query = select(func.min(_person.c.id), func.max(_person.c.id))
    low, high = session.execute(query).one()
    return None if low is None or high is None else (cast(int, low), cast(int, high))


def count_residents(session: Session) -> int:
    """How many people are registered as living in Norway (status bosatt). Reads every row."""
    query = select(func.count()).select_from(_person).where(_person.c.status == BOSATT)
    return int(session.scalar(query) or 0)


def _matching(
    session: Session, ids: Sequence[int], conditions: list[ColumnElement[bool]]
) -> list[Candidate]:
    """The people among ``ids`` who match, in the order their ids were drawn."""
    if session.get_bind().dialect.name == "postgresql":
        wanted: ColumnElement[bool] = _person.c.id == func.any(
            bindparam("ids", type_=ARRAY(BigInteger))
        )
        parameters: dict[str, Any] = {"ids": list(ids)}
    else:
        listed = select(func.json_each(bindparam("ids")).table_valued("value").c.value)
        wanted = _person.c.id.in_(listed.scalar_subquery())
        parameters = {"ids": json.dumps(list(ids))}
    rows = session.execute(select(*_COLUMNS).where(wanted, *conditions), parameters)
    drawn_at: dict[int, int] = {}
    for position, person_id in enumerate(ids):
        drawn_at.setdefault(person_id, position)
    return sorted((_candidate(row) for row in rows), key=lambda c: drawn_at[c.id])


def sample_persons(
    session: Session,
    *,
    rng: random.Random,
    count: int,
    where: PersonFilter = PersonFilter(),
    bounds: tuple[int, int] | None = None,
    exclude: frozenset[int] | set[int] = frozenset(),
    max_probes: int | None = None,
) -> list[Candidate]:
    """Up to ``count`` distinct people drawn uniformly from those matching ``where``.

    Fewer come back when ``max_probes`` probes (default ``64 * count + 512``) find too few:
    a filter that matches almost nobody stops there instead of reading the table. ``bounds``
    limits the ids drawn (default: all, from :func:`id_bounds`); ``exclude`` skips ids the
    caller has used already.
    """
    bounds = bounds if bounds is not None else id_bounds(session)
    if bounds is None or count <= 0:
        return []
    low, high = bounds
    conditions = where.conditions()
    budget = max_probes if max_probes is not None else 64 * count + 512
    picked: dict[int, Candidate] = {}
    sent = hits = 0
    while len(picked) < count and sent < budget:
        # Send about as many probes as the hit rate so far says are needed, plus a margin.
        rate = max(hits / sent, 0.01) if sent else 0.5
        needed = (count - len(picked)) / rate * 1.25 + 8
        size = int(min(_PROBES_PER_STATEMENT, budget - sent, needed))
        found = _matching(session, [rng.randint(low, high) for _ in range(size)], conditions)
        sent += size
        hits += len(found)
        for candidate in found:
            if candidate.id not in exclude and len(picked) < count:
                picked.setdefault(candidate.id, candidate)
    return list(picked.values())


def get_candidates(session: Session, *, ids: Sequence[int]) -> list[Candidate]:
    """The people with these ids, in id order (missing ids are left out)."""
    if not ids:
        return []
    query = select(*_COLUMNS).where(member_of(session, _person.c.id, ids)).order_by(_person.c.id)
    return [_candidate(row) for row in session.execute(query)]


def born_between(
    session: Session,
    *,
    windows: Sequence[tuple[date, date]],
    where: PersonFilter,
    rng: random.Random,
) -> list[Candidate | None]:
    """For each window [first, last] of birth dates a matching person born in it, or None.

    Uniform among the matching people born in the window: one statement reads their ids
    and birth dates (the index on foedselsdato), ``rng`` chooses, and one more statement
    reads the chosen. A caller that chooses windows by age gets people by age without
    probing the whole population for the rare ones (the very old, say); a window of a day
    or a few holds a few dozen people in a population of millions.
    """
    if not windows:
        return []
    c = _person.c
    ranges = sorted(set(windows))
    in_a_window = or_(*(c.foedselsdato.between(first, last) for first, last in ranges))
    query = select(c.foedselsdato, c.id).where(in_a_window, *where.conditions())
    rows = sorted((row.foedselsdato, row.id) for row in session.execute(query))
    born = [row[0] for row in rows]
    chosen: list[int | None] = []
    for first, last in windows:
        low, high = bisect_left(born, first), bisect_right(born, last)
        chosen.append(rows[rng.randrange(low, high)][1] if high > low else None)
    ids = sorted({person_id for person_id in chosen if person_id is not None})
    found = {candidate.id: candidate for candidate in get_candidates(session, ids=ids)}
    return [found.get(person_id) if person_id is not None else None for person_id in chosen]


def residents_at(
    session: Session,
    *,
    adresse_id: int,
    bruksenhetsnummer: str | None,
    status: str | None = BOSATT,
) -> list[Candidate]:
    """The people registered at an address and dwelling, in id order.

    Needs an index on ``frg_person (adresse_id, bruksenhetsnummer)`` to be cheap on a full
    population; without one every call reads the whole table.
    """
    c = _person.c
    same_unit = (
        c.bruksenhetsnummer.is_(None)
        if bruksenhetsnummer is None
        else c.bruksenhetsnummer == bruksenhetsnummer
    )
    query = select(*_COLUMNS).where(c.adresse_id == adresse_id, same_unit)
    if status is not None:
        query = query.where(c.status == status)
    return [_candidate(row) for row in session.execute(query.order_by(c.id))]


def household(
    session: Session, *, person: Candidate, status: str | None = BOSATT
) -> list[Candidate]:
    """Everyone registered at the same address and dwelling as ``person`` (them included).

    A person without an address is a household of one.
    """
    if person.adresse_id is None:
        return [person]
    members = residents_at(
        session,
        adresse_id=person.adresse_id,
        bruksenhetsnummer=person.bruksenhetsnummer,
        status=status,
    )
    return members if any(m.id == person.id for m in members) else [person, *members]


def households(
    session: Session, *, people: Sequence[Candidate], status: str | None = BOSATT
) -> list[list[Candidate]]:
    """``household`` for each of ``people``, in one statement for all of them."""
    c = _person.c
    adresse_ids = sorted({p.adresse_id for p in people if p.adresse_id is not None})
    by_unit: dict[tuple[int, str | None], list[Candidate]] = {}
    if adresse_ids:
        query = select(*_COLUMNS).where(c.adresse_id.in_(adresse_ids))
        if status is not None:
            query = query.where(c.status == status)
        for row in session.execute(query.order_by(c.id)):
            by_unit.setdefault((row.adresse_id, row.bruksenhetsnummer), []).append(_candidate(row))
    found: list[list[Candidate]] = []
    for person in people:
        if person.adresse_id is None:
            found.append([person])
            continue
        members = by_unit.get((person.adresse_id, person.bruksenhetsnummer), [])
        found.append(members if any(m.id == person.id for m in members) else [person, *members])
    return found


def spouses(session: Session, *, people: Sequence[Candidate]) -> list[Candidate | None]:
    """``spouse`` for each of ``people``, in one statement for all of them."""
    wanted = {
        p.sivilstand_relatert_id
        for p in people
        if p.is_married and p.sivilstand_relatert_id is not None
    }
    found = {c.id: c for c in get_candidates(session, ids=sorted(wanted))} if wanted else {}
    result: list[Candidate | None] = []
    for person in people:
        related = person.sivilstand_relatert_id
        other = found.get(related) if person.is_married and related is not None else None
        result.append(
            other if other is not None and other.sivilstand_relatert_id == person.id else None
        )
    return result


def spouse(session: Session, *, person: Candidate) -> Candidate | None:
    """The person's spouse or registered partner, when the registry links both ways."""
    return spouses(session, people=[person])[0]


_relation = Familierelasjon.__table__
_former = TidligereIdent.__table__
# Each person's parents and children: the rows that make two people too close to marry.
_PARENTS_AND_CHILDREN: Final = select(
    _relation.c.person_id, _relation.c.relatert_person_id, _relation.c.relatert_persons_rolle
).where(
    _relation.c.person_id.in_(bindparam("ids", expanding=True)),
    or_(
        _relation.c.relatert_persons_rolle.in_(_PARENT_ROLES),
        _relation.c.min_rolle_for_person.in_(_PARENT_ROLES),
    ),
)


def close_relatives(session: Session, *, pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs (as given) where one is the other's parent or child, or they share a parent.

    One statement for all pairs: every person's parents and children.
    """
    ids = sorted({person_id for pair in pairs for person_id in pair})
    if not ids:
        return set()
    parents: dict[int, set[int]] = {}
    children: dict[int, set[int]] = {}
    for row in session.execute(_PARENTS_AND_CHILDREN, {"ids": ids}):
        # A row names the related person's role: a parent role means "my parent".
        is_parent = row.relatert_persons_rolle in PARENT_ROLES
        (parents if is_parent else children).setdefault(row.person_id, set()).add(
            row.relatert_person_id
        )
    close: set[tuple[int, int]] = set()
    for first, second in pairs:
        mine, theirs = parents.get(first, set()), parents.get(second, set())
        if second in mine or second in children.get(first, set()) or mine & theirs:
            close.add((first, second))
    return close


def are_close_relatives(session: Session, *, person_id: int, other_id: int) -> bool:
    """True when one is the other's parent or child, or they share a parent (siblings)."""
    return bool(close_relatives(session, pairs=[(person_id, other_id)]))


def taken_idents(session: Session, *, idents: Sequence[str]) -> set[str]:
    """Which of ``idents`` are somebody's identity number now or were before (never reissued)."""
    if not idents:
        return set()
    query = select(_person.c.ident).where(member_of(session, _person.c.ident, idents))
    former = select(_former.c.ident).where(member_of(session, _former.c.ident, idents))
    return set(session.scalars(query.union(former)))
