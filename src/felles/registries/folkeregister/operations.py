"""Commands of Folkeregisteret: births, deaths, moves, marriages, migration, names.

Every command takes the caller's ``UnitOfWork`` and never commits. It validates everything
first and raises a kernel ``Problem`` before writing anything: unknown person → ``NotFound``
(404), a request that breaks an invariant of the current register (a second death, marrying
someone who is married) → ``Conflict`` (409), impossible input (death before birth, a date in
the future, a bad identifier, an unknown address) → ``InvalidInput`` (422). Messages name the
role that failed ("mor", "person2") and never another person's data.

When it changes an element, a command moves the superseded version to ``frg_historikk``
(``opphoerstidspunkt`` = now from the kernel clock), writes the new value to ``frg_person``,
records ``element_meta[element]`` and emits the element's events with ``uow.emit``. People
changed together are row-locked in ident order (PostgreSQL ``FOR UPDATE``; ``versjon`` guards
the rest), so concurrent commands cannot marry one person twice.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any, Final, cast

from sqlalchemy import CursorResult, Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.ids import (
    InvalidIdentifier,
    parse_person_identifier,
    synthetic_fnrs_lazily,
)
from felles.registries.adresser.model import Vegadresse
from felles.registries.adresser.queries import addresses_by_ids, get_vegadresse
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import sampling
from felles.registries.folkeregister.document import (
    DEFAULT_KILDE,
    PARENT_ROLES,
    PROTECTED_GRADERINGER,
    SINGLE_VALUED,
    age_on,
    citizenships,
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
from felles.registries.folkeregister.queries import (
    MARRIED,
    current_relation_exists,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork

KJOENN: Final = frozenset({"kvinne", "mann"})
GRADERINGER: Final = ("ugradert", "klientadresse", "fortrolig", "strengtFortrolig")
# Since 1 January 2009 (ekteskapsloven as amended in 2008) new registered partnerships cannot
# be entered into in Norway; marriage covers every couple.
PARTNERSHIP_ABOLISHED: Final = date(2009, 1, 1)
# barneloven § 3: the mother's husband who died before the birth is still the father when the
# child is born within 300 days; a later death leaves him unable to be registered as parent.
MAX_DAYS_SINCE_PARENT_DIED: Final = 300
MARRIAGE_AGE: Final = 18
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
# Input checks (raise InvalidInput; run before anything is written)
# ------------------------------------------------------------------------------------------


def _parse_ident(value: str, *, role: str) -> str:
    try:
        return parse_person_identifier(value).value
    except InvalidIdentifier as error:
        raise InvalidInput(f"{role}: {error.message}", reason=error.reason) from None


def _check_kjoenn(kjoenn: str) -> None:
    if kjoenn not in KJOENN:
        raise InvalidInput("kjoenn must be 'kvinne' or 'mann'")


def _check_name(value: str | None, *, field: str, required: bool = True) -> None:
    if value is None and not required:
        return
    if value is None or not value.strip():
        raise InvalidInput(f"{field} must not be empty")
    if len(value) > _MAX_NAME:
        raise InvalidInput(f"{field} is longer than {_MAX_NAME} characters")


def _check_country(code: str, *, field: str) -> None:
    if not _COUNTRY.fullmatch(code):
        raise InvalidInput(f"{field} must be an ISO 3166 alpha-3 country code, e.g. 'SWE'")


def _check_foreign_country(code: str, *, field: str) -> None:
    _check_country(code, field=field)
    if code == "NOR":
        raise InvalidInput(f"{field} must be a country other than Norway")


def _check_kommunenummer(value: str) -> None:
    if not _KOMMUNENUMMER.fullmatch(value):
        raise InvalidInput("foedekommune must be a kommunenummer of four digits")


def _check_bruksenhetsnummer(value: str | None) -> None:
    if value is not None and not _BRUKSENHETSNUMMER.fullmatch(value):
        raise InvalidInput("bruksenhetsnummer must look like 'H0101'")


def _check_not_future(day: date, *, field: str) -> None:
    if day > get_clock().today():
        raise InvalidInput(f"{field} is in the future")


def _check_not_before(day: date, earliest: date | None, *, field: str, what: str) -> None:
    if earliest is not None and day < earliest:
        raise InvalidInput(f"{field} is before {what}")


# ------------------------------------------------------------------------------------------
# Loading people (row-locked) and checking their state (raise Conflict)
# ------------------------------------------------------------------------------------------


def _lock_people(session: Session, idents: Collection[str]) -> dict[str, Person]:
    """The people with these idents (current or former), row-locked in ident order.

    One statement for the current idents; former idents (a D-nummer replaced by a
    fødselsnummer) cost one more lookup. ``populate_existing`` refreshes rows already in
    the session from the locked row, so a check never sees a value a savepoint undid.
    """
    if not idents:
        return {}
    wanted = sorted(idents)
    query = (
        select(Person)
        .where(Person.ident.in_(wanted))
        .order_by(Person.ident)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {person.ident: person for person in session.scalars(query)}
    missing = [ident for ident in wanted if ident not in found]
    if missing:
        former = session.execute(
            select(TidligereIdent.ident, TidligereIdent.person_id).where(
                TidligereIdent.ident.in_(missing)
            )
        ).all()
        if former:
            by_id = {row.person_id: row.ident for row in former}
            query = (
                select(Person)
                .where(Person.id.in_(list(by_id)))
                .order_by(Person.ident)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            for person in session.scalars(query):
                found[by_id[person.id]] = person
    return found


def _load_people(session: Session, wanted: Mapping[str, str]) -> dict[str, Person]:
    """People by role ({role: ident}), locked in ident order; NotFound names the role."""
    people = _lock_people(session, set(wanted.values()))
    found: dict[str, Person] = {}
    for role, ident in sorted(wanted.items(), key=lambda item: item[1]):
        person = people.get(ident)
        if person is None:
            raise NotFound(f"{role}: no person is registered with this identifikasjonsnummer")
        found[role] = person
    return found


def _load_one(session: Session, ident: str, *, role: str = "person") -> Person:
    return _load_people(session, {role: _parse_ident(ident, role=role)})[role]


def _is_dead(person: Person) -> bool:
    return person.doedsdato is not None or person.status == "doed"


def _require_alive(person: Person, *, role: str) -> None:
    if _is_dead(person):
        raise Conflict(f"{role} is registered as dead")


def _require_resident(person: Person, *, role: str) -> None:
    _require_alive(person, role=role)
    if person.status != "bosatt":
        raise Conflict(f"{role} is not registered as resident in Norway (status {person.status})")


def _require_distinct(first: Person, second: Person) -> None:
    if first.id == second.id:
        raise InvalidInput("The two identifiers are the same person")


# ------------------------------------------------------------------------------------------
# Writing: history, metadata, relations
# ------------------------------------------------------------------------------------------


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _idents_of(session: Session, *person_ids: int | None) -> dict[int, str]:
    ids = {person_id for person_id in person_ids if person_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Person.id, Person.ident).where(Person.id.in_(ids)))
    return {row.id: row.ident for row in rows}


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


def _archive(
    session: Session,
    person: Person,
    element: str,
    *,
    now: datetime,
    spouse: Person | None = None,
) -> None:
    """Move the current version(s) of ``element`` to frg_historikk.

    For ``sivilstand`` pass the current spouse when it is loaded already (saves a query).
    """
    idents: dict[int, str] = {}
    if element == "sivilstand" and person.sivilstand_relatert_id is not None:
        if spouse is not None and spouse.id == person.sivilstand_relatert_id:
            idents = {spouse.id: spouse.ident}
        else:
            idents = _idents_of(session, person.sivilstand_relatert_id)
    for row in _history_rows(person, element, now=now, idents=idents):
        session.add(Historikk(**row))


def _record(
    person: Person,
    element: str,
    *,
    now: datetime,
    kilde: str,
    aarsak: str,
    gyldig_fra: date | None = None,
) -> None:
    """Set ``element_meta[element]`` (a new dict, so SQLAlchemy sees the change)."""
    entry: dict[str, Any] = {
        "ajourholdstidspunkt": now.isoformat(),
        "kilde": kilde,
        "aarsak": aarsak,
    }
    if gyldig_fra is not None:
        entry["gyldighetstidspunkt"] = date_instant(gyldig_fra)
    person.element_meta = {**(person.element_meta or {}), element: entry}
    person.endret = now


def _creation_meta(now: datetime, *, kilde: str, aarsak: str) -> dict[str, Any]:
    """element_meta for a person created by a command: every element from this moment."""
    entry = {"ajourholdstidspunkt": now.isoformat(), "kilde": kilde, "aarsak": aarsak}
    return {element: dict(entry) for element in SINGLE_VALUED}


def _link(
    session: Session,
    *,
    person: Person,
    other: Person,
    roles: tuple[str, str],
    gyldig_fra: date,
    now: datetime,
) -> None:
    """Both directions of a relation; ``roles`` = (other's role for person, person's role)."""
    other_role, own_role = roles
    for subject, related, related_role, my_role in (
        (person, other, other_role, own_role),
        (other, person, own_role, other_role),
    ):
        session.add(
            Familierelasjon(
                person_id=subject.id,
                relatert_person_id=related.id,
                relatert_persons_rolle=related_role,
                min_rolle_for_person=my_role,
                gyldig_fra=gyldig_fra,
                ajourholdstidspunkt=now,
            )
        )


def _set_sivilstand(
    session: Session,
    person: Person,
    *,
    sivilstand: str,
    dato: date,
    relatert: Person | None,
    now: datetime,
    kilde: str,
    aarsak: str,
) -> None:
    _archive(session, person, "sivilstand", now=now, spouse=relatert)
    person.sivilstand = sivilstand
    person.sivilstandsdato = dato
    person.sivilstand_relatert_id = relatert.id if relatert is not None else None
    _record(person, "sivilstand", now=now, kilde=kilde, aarsak=aarsak)


def _set_couple_sivilstand(
    session: Session,
    couple: tuple[Person, Person],
    *,
    sivilstand: str,
    dato: date,
    now: datetime,
    kilde: str,
    aarsak: str,
) -> None:
    """Both spouses get the same sivilstand, each pointing at the other."""
    first, second = couple
    for person, spouse in ((first, second), (second, first)):
        _set_sivilstand(
            session,
            person,
            sivilstand=sivilstand,
            dato=dato,
            relatert=spouse,
            now=now,
            kilde=kilde,
            aarsak=aarsak,
        )


def _couple_events(uow: UnitOfWork, couple: tuple[Person, Person], *, sivilstand: str) -> None:
    """endringISivilstand and endringIFamilierelasjon for both spouses."""
    first, second = couple
    for person, spouse in ((first, second), (second, first)):
        ev.hendelse(uow, person, ev.ENDRING_I_SIVILSTAND, sivilstand=sivilstand)
        ev.hendelse(
            uow,
            person,
            ev.ENDRING_I_FAMILIERELASJON,
            relatertPerson=spouse.ident,
            relatertPersonsRolle="ektefelleEllerPartner",
        )


def _set_status(
    session: Session,
    person: Person,
    status: str,
    *,
    now: datetime,
    kilde: str,
    aarsak: str,
    gyldig_fra: date,
) -> None:
    _archive(session, person, "status", now=now)
    person.status = status
    _record(person, "status", now=now, kilde=kilde, aarsak=aarsak, gyldig_fra=gyldig_fra)


# ------------------------------------------------------------------------------------------
# Addresses (read from the address register)
# ------------------------------------------------------------------------------------------


def _vegadresser(session: Session, ids: Collection[int]) -> dict[int, Vegadresse]:
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


def _vegadresse_or_raise(session: Session, adresse_id: int) -> Vegadresse:
    adresse = get_vegadresse(session, adresse_id)
    if adresse is None:
        raise InvalidInput("No address with this adresseIdentifikatorFraMatrikkelen exists")
    return adresse


def _address_values(
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


def _copy_address(source: Person, *, flyttedato: date) -> dict[str, Any]:
    values = {column: getattr(source, column) for column in ADDRESS_COLUMNS}
    if source.adresse_id is not None or source.adressenavn is not None:
        values["flyttedato"] = flyttedato
    return values


def _set_address(person: Person, values: Mapping[str, Any]) -> None:
    for column in ADDRESS_COLUMNS:
        setattr(person, column, values.get(column))


def _kommunenummer_for_event(person: Person) -> str | None:
    """The new municipality for the event, unless the address is protected."""
    if person.adressebeskyttelse in PROTECTED_GRADERINGER:
        return None
    return person.kommunenummer


# ------------------------------------------------------------------------------------------
# Births
# ------------------------------------------------------------------------------------------


def _check_birth_input(
    *,
    foedselsdato: date,
    kjoenn: str,
    fornavn: str,
    mellomnavn: str | None,
    etternavn: str | None,
    foedekommune: str | None,
) -> None:
    _check_kjoenn(kjoenn)
    _check_name(fornavn, field="fornavn")
    _check_name(mellomnavn, field="mellomnavn", required=False)
    _check_name(etternavn, field="etternavn", required=False)
    _check_not_future(foedselsdato, field="foedselsdato")
    if foedekommune is not None:
        _check_kommunenummer(foedekommune)


def _check_mother(mother: Person, foedselsdato: date) -> None:
    _require_resident(mother, role="mor")
    _check_not_before(foedselsdato, mother.foedselsdato, field="foedselsdato", what="mor's birth")


def _check_other_parent(other: Person, foedselsdato: date, *, role: str) -> None:
    _check_not_before(
        foedselsdato, other.foedselsdato, field="foedselsdato", what=f"{role}'s birth"
    )
    if other.doedsdato is not None:
        if foedselsdato - other.doedsdato > timedelta(days=MAX_DAYS_SINCE_PARENT_DIED):
            raise Conflict(
                f"{role} died more than {MAX_DAYS_SINCE_PARENT_DIED} days before the birth"
            )
    elif other.status == "doed":
        raise Conflict(f"{role} is registered as dead")


def _foreldreansvar(mother: Person, other: Person | None) -> str:
    """Joint when the parents are married to each other or live together, else the mother's."""
    if other is None or _is_dead(other):
        return "mor"
    married = mother.sivilstand in MARRIED and mother.sivilstand_relatert_id == other.id
    together = (
        mother.adresse_id is not None
        and mother.adresse_id == other.adresse_id
        and mother.bruksenhetsnummer == other.bruksenhetsnummer
    )
    return "felles" if married or together else "mor"


def _child_citizenship(mother: Person, other: Person | None) -> str:
    parents = [mother] + ([other] if other is not None else [])
    if any("NOR" in citizenships(parent) for parent in parents):
        return "NOR"
    return mother.statsborgerskap


# Numbers checked for freeness per statement when a new identity number is issued.
_IDENT_CANDIDATES: Final = 8


def _issue_ident(
    session: Session, *, birth_date: date, kjoenn: str, d_number: bool, rng: random.Random | None
) -> str:
    """A free synthetic number: the first free in issue order, or a random free one.

    Candidates are computed lazily and checked a few at a time in one statement (current
    and former idents: a number is never reissued), instead of reading every number issued
    for the date. Conflict when every number of the date and sex is taken.
    """
    numbers = synthetic_fnrs_lazily(birth_date, kjoenn, d_number=d_number, rng=rng)
    while batch := list(islice(numbers, _IDENT_CANDIDATES)):
        taken = sampling.taken_idents(session, idents=batch)
        for number in batch:
            if number not in taken:
                return number
    label = "D-nummer" if d_number else "fødselsnummer"
    raise Conflict(f"No synthetic {label} is free for this birth date and sex")


def _new_child(
    session: Session,
    *,
    mother: Person,
    other: Person | None,
    foedselsdato: date,
    kjoenn: str,
    navn: tuple[str, str | None, str | None],
    foedekommune: str | None,
    rng: random.Random | None,
    now: datetime,
    kilde: str,
) -> Person:
    fornavn, mellomnavn, etternavn = navn
    protected = mother.adressebeskyttelse in PROTECTED_GRADERINGER
    ident = _issue_ident(session, birth_date=foedselsdato, kjoenn=kjoenn, d_number=False, rng=rng)
    child = Person(
        ident=ident,
        identifikatortype="foedselsnummer",
        status="bosatt",
        fornavn=fornavn,
        mellomnavn=mellomnavn,
        etternavn=etternavn or mother.etternavn,
        foedselsdato=foedselsdato,
        # A protected mother's municipality is not revealed through the child's foedsel.
        foedekommune=foedekommune or (None if protected else mother.kommunenummer),
        foedeland="NOR",
        kjoenn=kjoenn,
        sivilstand="ugift",
        foreldreansvar=_foreldreansvar(mother, other),
        # The child lives with the mother: it must not reveal an address she has protected.
        adressebeskyttelse=mother.adressebeskyttelse,
        statsborgerskap=_child_citizenship(mother, other),
        statsborgerskap_ervervsdato=foedselsdato,
        opprettet=now,
        endret=now,
        element_meta=_creation_meta(now, kilde=kilde, aarsak="foedsel"),
        **_copy_address(mother, flyttedato=foedselsdato),
    )
    session.add(child)
    session.flush()
    return child


def register_birth(
    uow: UnitOfWork,
    *,
    mor: str,
    far_eller_medmor: str | None = None,
    medmor: bool = False,
    foedselsdato: date,
    kjoenn: str,
    fornavn: str,
    mellomnavn: str | None = None,
    etternavn: str | None = None,
    foedekommune: str | None = None,
    rng: random.Random | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a child born in Norway to a resident mother; returns the child."""
    _check_birth_input(
        foedselsdato=foedselsdato,
        kjoenn=kjoenn,
        fornavn=fornavn,
        mellomnavn=mellomnavn,
        etternavn=etternavn,
        foedekommune=foedekommune,
    )
    role = "medmor" if medmor else "far"
    wanted = {"mor": _parse_ident(mor, role="mor")}
    if far_eller_medmor is not None:
        wanted[role] = _parse_ident(far_eller_medmor, role=role)
    people = _load_people(uow.session, wanted)
    mother, other = people["mor"], people.get(role)
    _check_mother(mother, foedselsdato)
    if other is not None:
        _require_distinct(mother, other)
        _check_other_parent(other, foedselsdato, role=role)

    now = get_clock().now()
    child = _new_child(
        uow.session,
        mother=mother,
        other=other,
        foedselsdato=foedselsdato,
        kjoenn=kjoenn,
        navn=(fornavn, mellomnavn, etternavn),
        foedekommune=foedekommune,
        rng=rng,
        now=now,
        kilde=kilde,
    )
    parents = [("mor", mother)] + ([(role, other)] if other is not None else [])
    for parent_role, parent in parents:
        _link(
            uow.session,
            person=child,
            other=parent,
            roles=(parent_role, "barn"),
            gyldig_fra=foedselsdato,
            now=now,
        )
        parent.endret = now

    ev.hendelse(uow, child, ev.PERSON_ER_OPPRETTET)
    ev.hendelse(uow, child, ev.ENDRING_I_FOEDSEL, foedselsdato=foedselsdato)
    ev.hendelse(uow, child, ev.ENDRING_I_FAMILIERELASJON)
    for _, parent in parents:
        ev.hendelse(
            uow,
            parent,
            ev.ENDRING_I_FAMILIERELASJON,
            relatertPerson=child.ident,
            relatertPersonsRolle="barn",
        )
    return child


# ------------------------------------------------------------------------------------------
# Deaths
# ------------------------------------------------------------------------------------------


def _surviving_spouse(session: Session, person: Person) -> Person | None:
    """The spouse whose sivilstand points back at ``person``, row-locked; None otherwise."""
    if person.sivilstand not in MARRIED or person.sivilstand_relatert_id is None:
        return None
    query = (
        select(Person)
        .where(Person.id == person.sivilstand_relatert_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    spouse = session.scalar(query)
    if spouse is None or _is_dead(spouse) or spouse.sivilstand_relatert_id != person.id:
        return None
    return spouse if spouse.sivilstand in MARRIED else None


def _widowed_sivilstand(current: str) -> str:
    return (
        "gjenlevendePartner"
        if current in {"registrertPartner", "separertPartner"}
        else ("enkeEllerEnkemann")
    )


def register_death(
    uow: UnitOfWork, *, ident: str, doedsdato: date, kilde: str = DEFAULT_KILDE
) -> Person:
    """Register a death; a spouse or partner becomes widowed. Returns the deceased."""
    _check_not_future(doedsdato, field="doedsdato")
    person = _load_one(uow.session, ident)
    if _is_dead(person):
        raise Conflict("The person is already registered as dead")
    _check_not_before(doedsdato, person.foedselsdato, field="doedsdato", what="foedselsdato")
    spouse = _surviving_spouse(uow.session, person)
    if spouse is not None:
        _check_not_before(
            doedsdato, person.sivilstandsdato, field="doedsdato", what="the date of the marriage"
        )

    now = get_clock().now()
    _set_status(
        uow.session, person, "doed", now=now, kilde=kilde, aarsak="doedsfall", gyldig_fra=doedsdato
    )
    person.doedsdato = doedsdato
    _record(person, "doedsfall", now=now, kilde=kilde, aarsak="doedsfall")
    if spouse is not None:
        _set_sivilstand(
            uow.session,
            spouse,
            sivilstand=_widowed_sivilstand(spouse.sivilstand),
            dato=doedsdato,
            relatert=person,
            now=now,
            kilde=kilde,
            aarsak="doedsfall",
        )

    ev.hendelse(uow, person, ev.PERSON_ER_DOED, doedsdato=doedsdato)
    ev.hendelse(uow, person, ev.ENDRING_I_DOEDSFALL, doedsdato=doedsdato)
    if spouse is not None:
        ev.hendelse(uow, spouse, ev.ENDRING_I_SIVILSTAND, sivilstand=spouse.sivilstand)
    return person


# ------------------------------------------------------------------------------------------
# Moves
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    """One person's move within Norway to an address in the address register.

    Moves with the same ``group`` (a household) are refused together: when one of them is
    refused, so are the others of the group, and none of them is written.
    """

    ident: str
    adresse_id: int
    flyttedato: date
    bruksenhetsnummer: str | None = None
    kilde: str = DEFAULT_KILDE
    group: Hashable | None = None


_person_table = cast("Table", Person.__table__)
_historikk_table = cast("Table", Historikk.__table__)
# One statement for every person of a batch (executemany): the address columns, the
# metadata and the version, guarded by the version read under the row lock.
_MOVE_UPDATE: Final = (
    update(_person_table)
    .where(
        _person_table.c.id == bindparam("b_id"),
        _person_table.c.versjon == bindparam("b_versjon"),
    )
    .values(
        {
            **{
                column: bindparam(f"v_{column}", type_=_person_table.c[column].type)
                for column in ADDRESS_COLUMNS
            },
            "element_meta": bindparam("v_element_meta", type_=_person_table.c.element_meta.type),
            "endret": bindparam("v_endret", type_=_person_table.c.endret.type),
            "versjon": _person_table.c.versjon + 1,
        }
    )
)


def _check_move_input(move: Move) -> str:
    """The input checks of a move (InvalidInput); returns the parsed identifier."""
    _check_bruksenhetsnummer(move.bruksenhetsnummer)
    _check_not_future(move.flyttedato, field="flyttedato")
    return _parse_ident(move.ident, role="person")


def _check_move(person: Person, move: Move, adresse: Vegadresse | None) -> None:
    """The checks of a move against the register (Conflict, InvalidInput)."""
    _require_resident(person, role="person")
    flyttedato = move.flyttedato
    _check_not_before(flyttedato, person.foedselsdato, field="flyttedato", what="foedselsdato")
    _check_not_before(
        flyttedato, person.flyttedato, field="flyttedato", what="the current address's flyttedato"
    )
    if adresse is None:
        raise InvalidInput("No address with this adresseIdentifikatorFraMatrikkelen exists")
    if person.adresse_id == adresse.id and person.bruksenhetsnummer == move.bruksenhetsnummer:
        raise Conflict("The person is already registered at this address")


def _refuse_groups(moves: Sequence[Move], outcome: list[Person | Problem | None]) -> None:
    """Refuse every move of a group one of whose moves was refused."""
    refused = {
        move.group
        for move, result in zip(moves, outcome, strict=True)
        if move.group is not None and isinstance(result, Problem)
    }
    for index, move in enumerate(moves):
        if move.group in refused and not isinstance(outcome[index], Problem):
            outcome[index] = Conflict("The move of another person of the group was refused")


def _write_moves(uow: UnitOfWork, planned: list[tuple[Person, Move, Vegadresse]]) -> None:
    """History rows, one update per person (executemany) and the events of validated moves."""
    now = get_clock().now()
    history: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for person, move, adresse in planned:
        history.extend(_history_rows(person, "bostedsadresse", now=now, idents={}))
        values = _address_values(
            adresse, bruksenhetsnummer=move.bruksenhetsnummer, flyttedato=move.flyttedato
        )
        entry = {"ajourholdstidspunkt": now.isoformat(), "kilde": move.kilde, "aarsak": "flytting"}
        meta = {**(person.element_meta or {}), "bostedsadresse": entry}
        row = {f"v_{column}": value for column, value in values.items()}
        row.update(b_id=person.id, b_versjon=person.versjon, v_element_meta=meta, v_endret=now)
        updates.append(row)
    session = uow.session
    if history:
        session.execute(insert(_historikk_table), history)
    changed = cast("CursorResult[Any]", session.execute(_MOVE_UPDATE, updates)).rowcount
    if changed != len(updates):
        raise Conflict("A person was changed by someone else at the same time; try again")
    for (person, move, _), row in zip(planned, updates, strict=True):
        # The rows are written; bring the loaded objects up to date without a second write.
        for column in ADDRESS_COLUMNS:
            set_committed_value(person, column, row[f"v_{column}"])
        set_committed_value(person, "element_meta", row["v_element_meta"])
        set_committed_value(person, "endret", now)
        set_committed_value(person, "versjon", person.versjon + 1)
        ev.hendelse(
            uow,
            person,
            ev.ENDRING_I_BOSTEDSADRESSE,
            flyttedato=move.flyttedato,
            kommunenummer=_kommunenummer_for_event(person),
        )


def register_moves(uow: UnitOfWork, *, moves: Sequence[Move]) -> list[Person | Problem]:
    """Register many moves at once; per move the person moved or the ``Problem`` refusing it.

    The rules and messages are ``register_move``'s. Every move is checked before anything
    is written; the people are row-locked in ident order in one statement, the superseded
    addresses go to frg_historikk and the people are updated in one statement each
    (executemany, guarded by ``versjon``). Refused moves write nothing.
    """
    outcome: list[Person | Problem | None] = []
    parsed: list[str | None] = []
    for move in moves:
        try:
            parsed.append(_check_move_input(move))
            outcome.append(None)
        except Problem as problem:
            parsed.append(None)
            outcome.append(problem)
    session = uow.session
    people = _lock_people(session, {ident for ident in parsed if ident is not None})
    adressen = _vegadresser(
        session, {m.adresse_id for m, i in zip(moves, parsed, strict=True) if i}
    )
    planned: list[tuple[Person, Move, Vegadresse]] = []
    seen: set[int] = set()
    for index, (move, ident) in enumerate(zip(moves, parsed, strict=True)):
        if ident is None:
            continue
        person = people.get(ident)
        try:
            if person is None:
                raise NotFound("person: no person is registered with this identifikasjonsnummer")
            if person.id in seen:
                raise InvalidInput("A person can move only once in one registration")
            adresse = adressen.get(move.adresse_id)
            _check_move(person, move, adresse)
        except Problem as problem:
            outcome[index] = problem
            continue
        seen.add(person.id)
        outcome[index] = person
    _refuse_groups(moves, outcome)
    for index, move in enumerate(moves):
        result = outcome[index]
        if isinstance(result, Person):
            planned.append((result, move, adressen[move.adresse_id]))
    if planned:
        _write_moves(uow, planned)
    return [result for result in outcome if result is not None]


def register_move(
    uow: UnitOfWork,
    *,
    ident: str,
    adresse_id: int,
    flyttedato: date,
    bruksenhetsnummer: str | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a move within Norway to an address in the address register."""
    move = Move(
        ident=ident,
        adresse_id=adresse_id,
        flyttedato=flyttedato,
        bruksenhetsnummer=bruksenhetsnummer,
        kilde=kilde,
    )
    (result,) = register_moves(uow, moves=[move])
    if isinstance(result, Problem):
        raise result
    return result


# ------------------------------------------------------------------------------------------
# Marriage and divorce
# ------------------------------------------------------------------------------------------


def _load_couple(session: Session, ident_a: str, ident_b: str) -> tuple[Person, Person]:
    wanted = {
        "person1": _parse_ident(ident_a, role="person1"),
        "person2": _parse_ident(ident_b, role="person2"),
    }
    people = _load_people(session, wanted)
    first, second = people["person1"], people["person2"]
    _require_distinct(first, second)
    return first, second


def _check_can_marry(session: Session, couple: tuple[Person, Person], dato: date) -> None:
    for role, person in zip(("person1", "person2"), couple, strict=True):
        _require_alive(person, role=role)
        if age_on(person.foedselsdato, dato) < MARRIAGE_AGE:
            raise InvalidInput(f"{role} is younger than {MARRIAGE_AGE} on the date of marriage")
        if person.sivilstand in MARRIED:
            raise Conflict(f"{role} is already married or in a registered partnership")
        _check_not_before(
            dato, person.sivilstandsdato, field="dato", what=f"{role}'s current sivilstandsdato"
        )
    first, second = couple
    if current_relation_exists(
        session,
        person_id=first.id,
        relatert_person_id=second.id,
        roles=PARENT_ROLES | {"barn"},
    ):
        raise Conflict("A parent and their child cannot marry each other")


def register_marriage(
    uow: UnitOfWork,
    *,
    ident_a: str,
    ident_b: str,
    dato: date,
    partnerskap: bool = False,
    kilde: str = DEFAULT_KILDE,
) -> tuple[Person, Person]:
    """Register a marriage (or, before 2009, a registered partnership); returns both."""
    _check_not_future(dato, field="dato")
    if partnerskap and dato >= PARTNERSHIP_ABOLISHED:
        raise InvalidInput(
            "New registered partnerships cannot be entered into in Norway since "
            "2009-01-01; register a marriage instead (it covers every couple)"
        )
    couple = _load_couple(uow.session, ident_a, ident_b)
    _check_can_marry(uow.session, couple, dato)

    now = get_clock().now()
    sivilstand = "registrertPartner" if partnerskap else "gift"
    first, second = couple
    _set_couple_sivilstand(
        uow.session, couple, sivilstand=sivilstand, dato=dato, now=now, kilde=kilde,
        aarsak="inngaattEkteskap",
    )  # fmt: skip
    _link(
        uow.session,
        person=first,
        other=second,
        roles=("ektefelleEllerPartner", "ektefelleEllerPartner"),
        gyldig_fra=dato,
        now=now,
    )
    _couple_events(uow, couple, sivilstand=sivilstand)
    return first, second


def _check_married_to_each_other(couple: tuple[Person, Person], dato: date) -> None:
    first, second = couple
    married = (
        first.sivilstand in MARRIED
        and second.sivilstand in MARRIED
        and first.sivilstand_relatert_id == second.id
        and second.sivilstand_relatert_id == first.id
    )
    if not married:
        raise Conflict("The two people are not married to each other")
    _check_not_before(dato, first.sivilstandsdato, field="dato", what="the date of the marriage")


def _end_spouse_relation(session: Session, couple: tuple[Person, Person], now: datetime) -> None:
    first, second = couple
    session.execute(
        update(Familierelasjon)
        .where(
            or_(
                and_(
                    Familierelasjon.person_id == first.id,
                    Familierelasjon.relatert_person_id == second.id,
                ),
                and_(
                    Familierelasjon.person_id == second.id,
                    Familierelasjon.relatert_person_id == first.id,
                ),
            ),
            Familierelasjon.relatert_persons_rolle == "ektefelleEllerPartner",
            Familierelasjon.opphoerstidspunkt.is_(None),
        )
        .values(opphoerstidspunkt=now)
        .execution_options(synchronize_session=False)
    )


def register_divorce(
    uow: UnitOfWork, *, ident_a: str, ident_b: str, dato: date, kilde: str = DEFAULT_KILDE
) -> tuple[Person, Person]:
    """Register a divorce (or dissolved partnership) of two people married to each other."""
    _check_not_future(dato, field="dato")
    couple = _load_couple(uow.session, ident_a, ident_b)
    for role, person in zip(("person1", "person2"), couple, strict=True):
        _require_alive(person, role=role)
    _check_married_to_each_other(couple, dato)

    now = get_clock().now()
    first, second = couple
    partners = first.sivilstand in {"registrertPartner", "separertPartner"}
    sivilstand = "skiltPartner" if partners else "skilt"
    _set_couple_sivilstand(
        uow.session, couple, sivilstand=sivilstand, dato=dato, now=now, kilde=kilde,
        aarsak="skilsmisse",
    )  # fmt: skip
    _end_spouse_relation(uow.session, couple, now)
    _couple_events(uow, couple, sivilstand=sivilstand)
    return first, second


# ------------------------------------------------------------------------------------------
# Immigration and emigration
# ------------------------------------------------------------------------------------------


def _check_immigration_input(
    *,
    navn: tuple[str, str | None, str],
    foedselsdato: date,
    kjoenn: str,
    statsborgerskap: list[str],
    fraflyttingsland: str,
    innflyttingsdato: date,
    adresse_id: int | None,
    d_nummer: bool,
) -> None:
    fornavn, mellomnavn, etternavn = navn
    _check_name(fornavn, field="fornavn")
    _check_name(mellomnavn, field="mellomnavn", required=False)
    _check_name(etternavn, field="etternavn")
    _check_kjoenn(kjoenn)
    _check_not_future(foedselsdato, field="foedselsdato")
    _check_not_future(innflyttingsdato, field="innflyttingsdato")
    _check_not_before(innflyttingsdato, foedselsdato, field="innflyttingsdato", what="foedselsdato")
    if not statsborgerskap:
        raise InvalidInput("statsborgerskap must name at least one country")
    for code in statsborgerskap:
        _check_country(code, field="statsborgerskap")
    _check_foreign_country(fraflyttingsland, field="fraflyttingsland")
    if adresse_id is None and not d_nummer:
        raise InvalidInput("A person who settles in Norway (fødselsnummer) needs an address")


def register_immigration(
    uow: UnitOfWork,
    *,
    fornavn: str,
    mellomnavn: str | None = None,
    etternavn: str,
    foedselsdato: date,
    kjoenn: str,
    statsborgerskap: list[str],
    fraflyttingsland: str,
    innflyttingsdato: date,
    adresse_id: int | None = None,
    bruksenhetsnummer: str | None = None,
    d_nummer: bool = False,
    foedeland: str | None = None,
    rng: random.Random | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a newcomer: bosatt with a fødselsnummer, or midlertidig with a D-nummer."""
    _check_immigration_input(
        navn=(fornavn, mellomnavn, etternavn),
        foedselsdato=foedselsdato,
        kjoenn=kjoenn,
        statsborgerskap=statsborgerskap,
        fraflyttingsland=fraflyttingsland,
        innflyttingsdato=innflyttingsdato,
        adresse_id=adresse_id,
        d_nummer=d_nummer,
    )
    _check_bruksenhetsnummer(bruksenhetsnummer)
    if foedeland is not None:
        _check_country(foedeland, field="foedeland")
    adresse = _vegadresse_or_raise(uow.session, adresse_id) if adresse_id is not None else None

    now = get_clock().now()
    ident = _issue_ident(
        uow.session, birth_date=foedselsdato, kjoenn=kjoenn, d_number=d_nummer, rng=rng
    )
    address = (
        _address_values(adresse, bruksenhetsnummer=bruksenhetsnummer, flyttedato=innflyttingsdato)
        if adresse is not None
        else {}
    )
    person = Person(
        ident=ident,
        identifikatortype="dNummer" if d_nummer else "foedselsnummer",
        status="midlertidig" if d_nummer else "bosatt",
        fornavn=fornavn,
        mellomnavn=mellomnavn,
        etternavn=etternavn,
        foedselsdato=foedselsdato,
        foedeland=foedeland or statsborgerskap[0],
        kjoenn=kjoenn,
        sivilstand="uoppgitt",
        adressebeskyttelse="ugradert",
        statsborgerskap=",".join(dict.fromkeys(statsborgerskap)),
        innflyttet_fra=fraflyttingsland,
        innflyttingsdato=innflyttingsdato,
        opprettet=now,
        endret=now,
        element_meta=_creation_meta(now, kilde=kilde, aarsak="innflytting"),
        **address,
    )
    uow.session.add(person)
    uow.session.flush()

    ev.hendelse(uow, person, ev.PERSON_ER_OPPRETTET)
    ev.hendelse(uow, person, ev.ENDRING_I_INNFLYTTING, fraflyttingsland=fraflyttingsland)
    if not d_nummer:
        ev.hendelse(uow, person, ev.PERSON_ER_BOSATT)
    return person


def register_emigration(
    uow: UnitOfWork,
    *,
    ident: str,
    tilflyttingsland: str,
    utflyttingsdato: date,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a resident's emigration: status utflyttet, the bostedsadresse ends."""
    _check_foreign_country(tilflyttingsland, field="tilflyttingsland")
    _check_not_future(utflyttingsdato, field="utflyttingsdato")
    person = _load_one(uow.session, ident)
    _require_resident(person, role="person")
    _check_not_before(
        utflyttingsdato, person.foedselsdato, field="utflyttingsdato", what="foedselsdato"
    )
    _check_not_before(
        utflyttingsdato,
        person.flyttedato,
        field="utflyttingsdato",
        what="the current address's flyttedato",
    )

    now = get_clock().now()
    _set_status(
        uow.session,
        person,
        "utflyttet",
        now=now,
        kilde=kilde,
        aarsak="utflytting",
        gyldig_fra=utflyttingsdato,
    )
    for element in ("bostedsadresse", "utflytting"):
        _archive(uow.session, person, element, now=now)
    _set_address(person, {})
    person.utflyttet_til = tilflyttingsland
    person.utflyttingsdato = utflyttingsdato
    for element in ("bostedsadresse", "utflytting"):
        _record(person, element, now=now, kilde=kilde, aarsak="utflytting")

    ev.hendelse(uow, person, ev.PERSON_ER_UTFLYTTET)
    ev.hendelse(
        uow,
        person,
        ev.ENDRING_I_UTFLYTTING,
        tilflyttingsland=tilflyttingsland,
        utflyttingsdato=utflyttingsdato,
    )
    return person


# ------------------------------------------------------------------------------------------
# Names and address protection
# ------------------------------------------------------------------------------------------


def change_name(
    uow: UnitOfWork,
    *,
    ident: str,
    fornavn: str,
    mellomnavn: str | None,
    etternavn: str,
    gyldig_fra: date,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a new name, valid from ``gyldig_fra``."""
    _check_name(fornavn, field="fornavn")
    _check_name(mellomnavn, field="mellomnavn", required=False)
    _check_name(etternavn, field="etternavn")
    _check_not_future(gyldig_fra, field="gyldig_fra")
    person = _load_one(uow.session, ident)
    _require_alive(person, role="person")
    _check_not_before(gyldig_fra, person.foedselsdato, field="gyldig_fra", what="foedselsdato")
    if (person.fornavn, person.mellomnavn, person.etternavn) == (fornavn, mellomnavn, etternavn):
        raise Conflict("The person already has this name")

    now = get_clock().now()
    _archive(uow.session, person, "navn", now=now)
    person.fornavn, person.mellomnavn, person.etternavn = fornavn, mellomnavn, etternavn
    _record(person, "navn", now=now, kilde=kilde, aarsak="navneendring", gyldig_fra=gyldig_fra)
    ev.hendelse(uow, person, ev.ENDRING_I_NAVN)
    return person


def set_address_protection(
    uow: UnitOfWork, *, ident: str, gradering: str, kilde: str = DEFAULT_KILDE
) -> Person:
    """Set adressebeskyttelse (ugradert, klientadresse, fortrolig, strengtFortrolig)."""
    if gradering not in GRADERINGER:
        raise InvalidInput(f"gradering must be one of: {', '.join(GRADERINGER)}")
    person = _load_one(uow.session, ident)
    if person.adressebeskyttelse == gradering:
        raise Conflict(f"The person's adressebeskyttelse is already {gradering}")

    now = get_clock().now()
    _archive(uow.session, person, "adressebeskyttelse", now=now)
    person.adressebeskyttelse = gradering
    _record(person, "adressebeskyttelse", now=now, kilde=kilde, aarsak="adressebeskyttelse")
    ev.hendelse(uow, person, ev.ENDRING_I_ADRESSEBESKYTTELSE)
    return person
