"""What every Folkeregisteret command shares: input checks, locking, the batch and its writes.

Commands come in batches (docs/decisions/0010): every item of a batch is checked with the
same rules and messages first, then the batch writes with set-based statements. A refused
item writes nothing and emits nothing; the others go ahead. Its outcome is the ``Problem``
that refused it: ``NotFound`` (404) for an unknown person, ``Conflict`` (409) for a request
that breaks an invariant of the current register (a second death, marrying someone who is
married), ``InvalidInput`` (422) for impossible input (death before birth, a date in the
future, a bad identifier, an unknown address). Messages name the role that failed ("mor",
"person2") and never another person's data.

People changed together are row-locked in ident order in one statement (PostgreSQL
``FOR UPDATE``); every update is guarded by the ``versjon`` read under the lock, so
concurrent commands cannot marry one person twice. A person takes part in one item of a
batch at most: a later item naming them again is refused, so that every check sees the
register as it was before the batch.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, Final, cast

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from felles.kernel.batch import Batch
from felles.kernel.clock import get_clock
from felles.kernel.db import member_of
from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import synthetic_fnrs_lazily
from felles.kernel.setwise import insert_many, update_many
from felles.registries.adresser.model import Vegadresse
from felles.registries.adresser.queries import addresses_by_ids
from felles.registries.folkeregister import sampling
from felles.registries.folkeregister.document import (
    PROTECTED_GRADERINGER,
    SINGLE_VALUED,
    current_content,
    current_metadata,
    date_instant,
)
from felles.registries.folkeregister.model import (
    Familierelasjon,
    Historikk,
    Person,
    TidligereIdent,
)

KJOENN: Final = frozenset({"kvinne", "mann"})
ADDRESS_COLUMNS: Final = (
    "adresse_id",
    "kommunenummer",
    "adressenavn",
    "husnummer",
    "husbokstav",
    "adressekode",
    "bruksenhetsnummer",
    "postnummer",
    "poststed",
    "flyttedato",
)
_COUNTRY: Final = re.compile(r"[A-Z]{3}")
_KOMMUNENUMMER: Final = re.compile(r"\d{4}")
_BRUKSENHETSNUMMER: Final = re.compile(r"[HKLU]\d{4}")
_MAX_NAME: Final = 100


# ------------------------------------------------------------------------------------------
# Input checks (raise InvalidInput; run before anything is read or written)
# ------------------------------------------------------------------------------------------


def check_kjoenn(kjoenn: str) -> None:
    if kjoenn not in KJOENN:
        raise InvalidInput("kjoenn must be 'kvinne' or 'mann'")


def check_name(value: str | None, *, field: str, required: bool = True) -> None:
    if value is None and not required:
        return
    if value is None or not value.strip():
        raise InvalidInput(f"{field} must not be empty")
    if len(value) > _MAX_NAME:
        raise InvalidInput(f"{field} is longer than {_MAX_NAME} characters")


def check_country(code: str, *, field: str) -> None:
    if not _COUNTRY.fullmatch(code):
        raise InvalidInput(f"{field} must be an ISO 3166 alpha-3 country code, e.g. 'SWE'")


def check_foreign_country(code: str, *, field: str) -> None:
    check_country(code, field=field)
    if code == "NOR":
        raise InvalidInput(f"{field} must be a country other than Norway")


def check_kommunenummer(value: str) -> None:
    if not _KOMMUNENUMMER.fullmatch(value):
        raise InvalidInput("foedekommune must be a kommunenummer of four digits")


def check_bruksenhetsnummer(value: str | None) -> None:
    if value is not None and not _BRUKSENHETSNUMMER.fullmatch(value):
        raise InvalidInput("bruksenhetsnummer must look like 'H0101'")


def check_not_future(day: date, *, field: str) -> None:
    if day > get_clock().today():
        raise InvalidInput(f"{field} is in the future")


def check_not_before(day: date, earliest: date | None, *, field: str, what: str) -> None:
    if earliest is not None and day < earliest:
        raise InvalidInput(f"{field} is before {what}")


# ------------------------------------------------------------------------------------------
# Checks against the register (raise Conflict)
# ------------------------------------------------------------------------------------------


def is_dead(person: Person) -> bool:
    return person.doedsdato is not None or person.status == "doed"


def require_alive(person: Person, *, role: str) -> None:
    if is_dead(person):
        raise Conflict(f"{role} is registered as dead")


def require_resident(person: Person, *, role: str) -> None:
    require_alive(person, role=role)
    if person.status != "bosatt":
        raise Conflict(f"{role} is not registered as resident in Norway (status {person.status})")


def require_distinct(first: Person, second: Person) -> None:
    if first.id == second.id:
        raise InvalidInput("The two identifiers are the same person")


# ------------------------------------------------------------------------------------------
# The batch: an outcome per item
# ------------------------------------------------------------------------------------------


def claim_people(batch: Batch[Any], index: int, people: Iterable[Person | None]) -> bool:
    """Reserve the item's people in the batch; refuse the item when one is in an earlier item."""
    ids = [person.id for person in people if person is not None]
    return batch.claim(index, ids, what="A person")


# ------------------------------------------------------------------------------------------
# Loading people (row-locked)
# ------------------------------------------------------------------------------------------


def _locked(session: Session, condition: Any) -> list[Person]:
    query = (
        select(Person)
        .where(condition)
        .order_by(Person.ident)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def lock_people(session: Session, idents: Collection[str]) -> dict[str, Person]:
    """The people with these idents (current or former), row-locked in ident order.

    One statement for the current idents; former idents (a D-nummer replaced by a
    fødselsnummer) cost one more lookup. ``populate_existing`` refreshes rows already in
    the session from the locked row, so a check never sees a value a savepoint undid.
    """
    if not idents:
        return {}
    wanted = sorted(idents)
    by_ident = member_of(session, Person.ident, wanted)
    found = {person.ident: person for person in _locked(session, by_ident)}
    missing = [ident for ident in wanted if ident not in found]
    if missing:
        former = session.execute(
            select(TidligereIdent.ident, TidligereIdent.person_id).where(
                member_of(session, TidligereIdent.ident, missing)
            )
        ).all()
        if former:
            by_id = {row.person_id: row.ident for row in former}
            for person in _locked(session, member_of(session, Person.id, by_id)):
                found[by_id[person.id]] = person
    return found


def lock_people_by_id(session: Session, ids: Collection[int]) -> dict[int, Person]:
    """The people with these ids, row-locked in ident order (one statement)."""
    if not ids:
        return {}
    locked = _locked(session, member_of(session, Person.id, sorted(ids)))
    return {person.id: person for person in locked}


def resolve(people: Mapping[str, Person], wanted: Mapping[str, str]) -> dict[str, Person]:
    """People by role ({role: ident}) from locked people; NotFound names the role."""
    found: dict[str, Person] = {}
    for role, ident in sorted(wanted.items(), key=lambda item: item[1]):
        person = people.get(ident)
        if person is None:
            raise NotFound(f"{role}: no person is registered with this identifikasjonsnummer")
        found[role] = person
    return found


def idents_of(
    session: Session, ids: Iterable[int | None], *, known: Iterable[Person] = ()
) -> dict[int, str]:
    """Idents by person id: from ``known`` people, the rest in one statement."""
    found = {person.id: person.ident for person in known}
    missing = {i for i in ids if i is not None and i not in found}
    if missing:
        query = select(Person.id, Person.ident).where(member_of(session, Person.id, missing))
        rows = session.execute(query)
        found.update({row.id: row.ident for row in rows})
    return found


# ------------------------------------------------------------------------------------------
# Addresses (read from the address register)
# ------------------------------------------------------------------------------------------


def vegadresser(session: Session, ids: Collection[int]) -> dict[int, Vegadresse]:
    """Addresses by id: those in the session already, the rest in one statement."""
    found: dict[int, Vegadresse] = {}
    missing = []
    for adresse_id in ids:
        loaded = session.identity_map.get(identity_key(Vegadresse, adresse_id))
        if loaded is not None:
            found[adresse_id] = loaded
        else:
            missing.append(adresse_id)
    if missing:
        found.update(addresses_by_ids(session, ids=missing))
    return found


def address_values(
    adresse: Vegadresse, *, bruksenhetsnummer: str | None, flyttedato: date
) -> dict[str, Any]:
    return {
        "adresse_id": adresse.id,
        "kommunenummer": adresse.kommunenummer,
        "adressenavn": adresse.adressenavn,
        "husnummer": adresse.husnummer,
        "husbokstav": adresse.husbokstav,
        "adressekode": adresse.adressekode,
        "bruksenhetsnummer": bruksenhetsnummer,
        "postnummer": adresse.postnummer,
        "poststed": adresse.poststed,
        "flyttedato": flyttedato,
    }


NO_ADDRESS: Final[Mapping[str, Any]] = dict.fromkeys(ADDRESS_COLUMNS)


def copy_address(source: Person, *, flyttedato: date) -> dict[str, Any]:
    values = {column: getattr(source, column) for column in ADDRESS_COLUMNS}
    if source.adresse_id is not None or source.adressenavn is not None:
        values["flyttedato"] = flyttedato
    return values


def kommunenummer_for_event(person: Person) -> str | None:
    """The person's municipality for an event, unless the address is protected."""
    if person.adressebeskyttelse in PROTECTED_GRADERINGER:
        return None
    return person.kommunenummer


# ------------------------------------------------------------------------------------------
# Issuing identity numbers
# ------------------------------------------------------------------------------------------

# Numbers checked beyond one per request when new identity numbers are issued: most dates
# have most numbers free, so a few more nearly always suffice.
_IDENT_CANDIDATES: Final = 4


@dataclass(frozen=True, slots=True)
class IdentWanted:
    birth_date: date
    kjoenn: str
    d_number: bool


def issue_idents(
    session: Session, wanted: Sequence[IdentWanted], *, rng: random.Random | None
) -> list[str | None]:
    """A free synthetic number per request (None when every number of its date is taken).

    Requests for the same date, sex and kind share one lazily computed stream of
    candidates (issue order, or random with ``rng``); each round takes as many candidates
    as requests are open plus a few, checks them all in one statement (current and former
    idents: a number is never reissued) and hands the free ones out. Two requests never
    get the same number.
    """
    by_kind: dict[IdentWanted, list[int]] = {}
    for index, request in enumerate(wanted):
        by_kind.setdefault(request, []).append(index)
    streams: dict[IdentWanted, Iterator[str]] = {
        k: synthetic_fnrs_lazily(k.birth_date, k.kjoenn, d_number=k.d_number, rng=rng)
        for k in by_kind
    }
    issued: list[str | None] = [None] * len(wanted)
    while by_kind:
        candidates = {
            kind: list(islice(streams[kind], len(open_) + _IDENT_CANDIDATES))
            for kind, open_ in by_kind.items()
        }
        taken = sampling.taken_idents(
            session, idents=[n for numbers in candidates.values() for n in numbers]
        )
        still_open: dict[IdentWanted, list[int]] = {}
        for kind, open_ in by_kind.items():
            free = iter(number for number in candidates[kind] if number not in taken)
            waiting = []
            for index in open_:
                number = next(free, None)
                if number is None:
                    waiting.append(index)
                else:
                    issued[index] = number
            if waiting and candidates[kind]:  # an exhausted stream leaves them None
                still_open[kind] = waiting
        by_kind = still_open
    return issued


def no_free_ident(*, d_number: bool) -> Conflict:
    label = "D-nummer" if d_number else "fødselsnummer"
    return Conflict(f"No synthetic {label} is free for this birth date and sex")


# ------------------------------------------------------------------------------------------
# Writing: new people, history, versioned updates, relations
# ------------------------------------------------------------------------------------------

_person_table = cast("Table", Person.__table__)
_historikk_table = cast("Table", Historikk.__table__)
_relation_table = cast("Table", Familierelasjon.__table__)


def creation_meta(now: datetime, *, kilde: str, aarsak: str) -> dict[str, Any]:
    """element_meta for a person created by a command: every element from this moment."""
    entry = {"ajourholdstidspunkt": now.isoformat(), "kilde": kilde, "aarsak": aarsak}
    return {element: dict(entry) for element in SINGLE_VALUED}


_INSERT_PEOPLE_RETURNING_IDS: Final = insert(_person_table).returning(
    _person_table.c.id, sort_by_parameter_order=True
)
_NEW_PERSON_IDS: Final = text(
    "SELECT nextval(pg_get_serial_sequence('frg_person', 'id')) FROM generate_series(1, :n)"
)


def _insert_rows(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert complete rows; their new ids in row order.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows inserted
    with them in one statement (``insert_many``): a multi-row INSERT … RETURNING that keeps
    the order costs several times more per row. Elsewhere: one INSERT … RETURNING.
    """
    if session.get_bind().dialect.name != "postgresql":
        return list(session.scalars(_INSERT_PEOPLE_RETURNING_IDS, rows).all())
    ids = list(session.scalars(_NEW_PERSON_IDS, {"n": len(rows)}))
    insert_many(
        session, _person_table, [{"id": i, **row} for row, i in zip(rows, ids, strict=True)]
    )
    return ids


def insert_people(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[Person]:
    """Insert new people in one statement; their Person objects come back in row order.

    Every row must give every column (one statement for all rows). The objects are built
    from the rows and the ids returned, and put in the session as persistent: the ORM's
    own bulk insert splits the rows into a statement per pattern of NULLs instead.
    """
    if not rows:
        return []
    complete = [{**row, "versjon": 1} for row in rows]
    ids = _insert_rows(session, complete)
    people = []
    for row, person_id in zip(complete, ids, strict=True):
        person = Person(id=person_id, **row)
        make_transient_to_detached(person)
        session.add(person)
        people.append(person)
    return people


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _history_rows(
    person: Person, element: str, *, now: datetime, idents: Mapping[int, str]
) -> list[dict[str, Any]]:
    """frg_historikk rows for the current version(s) of ``element`` (not yet written)."""
    meta = current_metadata(person, element)
    gyldighet = meta.gyldighetstidspunkt
    return [
        {
            "person_id": person.id,
            "element": element,
            "data": content,
            "gyldighetstidspunkt": _instant(gyldighet) if gyldighet else None,
            "ajourholdstidspunkt": _instant(meta.ajourholdstidspunkt),
            "opphoerstidspunkt": now,
            "kilde": meta.kilde,
            "aarsak": meta.aarsak,
        }
        for content in current_content(person, element, idents=idents)
    ]


@dataclass
class _Update:
    person: Person
    values: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


_END_RELATION: Final = (
    update(_relation_table)
    .where(
        and_(
            _relation_table.c.person_id == bindparam("b_person_id"),
            _relation_table.c.relatert_person_id == bindparam("b_relatert_person_id"),
            _relation_table.c.relatert_persons_rolle == bindparam("b_rolle"),
            _relation_table.c.opphoerstidspunkt.is_(None),
        )
    )
    .values(opphoerstidspunkt=bindparam("v_opphoerstidspunkt"))
)


class Changes:
    """What a batch writes, collected first and written with a few set-based statements.

    ``change`` archives the current version(s) of an element to frg_historikk (computed
    from the person as loaded, so several elements of one person can change), sets the new
    values and records the element's metadata. ``write`` inserts the history rows, updates
    each changed person once (one executemany per set of columns, guarded by ``versjon``),
    inserts new relations (both directions) and ends relations (``felles.kernel.setwise``:
    one statement per table on PostgreSQL); the loaded objects are
    brought up to date without a second write.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._history: list[dict[str, Any]] = []
        self._updates: dict[int, _Update] = {}
        self._relations: list[dict[str, Any]] = []
        self._ended: list[dict[str, Any]] = []

    def _update_of(self, person: Person) -> _Update:
        entry = self._updates.get(person.id)
        if entry is None:
            entry = self._updates[person.id] = _Update(person)
        return entry

    def change(
        self,
        person: Person,
        element: str,
        values: Mapping[str, Any],
        *,
        kilde: str,
        aarsak: str,
        gyldig_fra: date | None = None,
        idents: Mapping[int, str] | None = None,
        archive: bool = True,
    ) -> None:
        """Change ``element``; ``idents`` gives the spouse's ident for ``sivilstand``."""
        if archive:
            self._history.extend(_history_rows(person, element, now=self.now, idents=idents or {}))
        entry: dict[str, Any] = {
            "ajourholdstidspunkt": self.now.isoformat(),
            "kilde": kilde,
            "aarsak": aarsak,
        }
        if gyldig_fra is not None:
            entry["gyldighetstidspunkt"] = date_instant(gyldig_fra)
        update_ = self._update_of(person)
        update_.values.update(values)
        update_.meta[element] = entry

    def touch(self, person: Person) -> None:
        """The person's document changed through a relation: a new version, no element."""
        self._update_of(person)

    def link(
        self, person: Person, other: Person, *, roles: tuple[str, str], gyldig_fra: date
    ) -> None:
        """Both directions of a relation; ``roles`` = (other's role for person, person's)."""
        other_role, own_role = roles
        for subject, related, related_role, my_role in (
            (person, other, other_role, own_role),
            (other, person, own_role, other_role),
        ):
            self._relations.append(
                {
                    "person_id": subject.id,
                    "relatert_person_id": related.id,
                    "relatert_persons_rolle": related_role,
                    "min_rolle_for_person": my_role,
                    "gyldig_fra": gyldig_fra,
                    "ajourholdstidspunkt": self.now,
                    "opphoerstidspunkt": None,
                }
            )

    def end_relation(self, person: Person, other: Person, *, role: str) -> None:
        """End the current relation with ``role`` between the two, both directions."""
        for subject, related in ((person, other), (other, person)):
            self._ended.append(
                {
                    "b_person_id": subject.id,
                    "b_relatert_person_id": related.id,
                    "b_rolle": role,
                    "v_opphoerstidspunkt": self.now,
                }
            )

    def write(self, session: Session) -> None:
        insert_many(session, _historikk_table, self._history)
        by_columns: dict[tuple[str, ...], list[_Update]] = {}
        for entry in self._updates.values():
            by_columns.setdefault(tuple(sorted(entry.values)), []).append(entry)
        for columns, entries in by_columns.items():
            self._update(session, columns, entries)
        insert_many(session, _relation_table, self._relations)
        if self._ended:
            session.execute(_END_RELATION, self._ended)

    def _update(self, session: Session, columns: tuple[str, ...], entries: list[_Update]) -> None:
        rows = []
        for entry in entries:
            person = entry.person
            row: dict[str, Any] = {"id": person.id, "versjon": person.versjon}
            row.update((column, entry.values[column]) for column in columns)
            row["element_meta"] = {**(person.element_meta or {}), **entry.meta}
            row["endret"] = self.now
            rows.append(row)
        changed = update_many(
            session, _person_table, keys=("id", "versjon"), rows=rows, increment="versjon"
        )
        if changed != len(rows):
            raise Conflict("A person was changed by someone else at the same time; try again")
        for entry, row in zip(entries, rows, strict=True):
            person = entry.person
            for column in (*columns, "element_meta", "endret"):
                set_committed_value(person, column, row[column])
            set_committed_value(person, "versjon", person.versjon + 1)
