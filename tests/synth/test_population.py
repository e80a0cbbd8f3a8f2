"""The synthetic population: determinism, identity numbers, families, addresses, KRR.

Each test generates a small population (2 000 people; 4 000 for the tests of adults' parents,
household size, sivilstand and citizenship, which need a few more of each kind) on SQLite and
on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from felles.kernel.db import Database
from felles.kernel.events import OutboxRow
from felles.kernel.ids import parse_person_identifier
from felles.registries.adresser.model import Vegadresse
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.registries.krr.model import KontaktInfo
from felles.synth import reference
from felles.synth.population import (
    DIGIPOST,
    EBOKS,
    GenerationReport,
    PopulationExists,
    _plan,
    generate_population,
)

N = 2_000
LARGER = 4_000
TABLES = (Person, Familierelasjon, Vegadresse, KontaktInfo)
REFERENCE_DATE = dt.date(2025, 1, 1)
PARENT_ROLES = ("mor", "far", "medmor")


def _rows(database: Database, *columns: Any) -> list[tuple[Any, ...]]:
    with database.read_session() as session:
        return [tuple(row) for row in session.execute(select(*columns))]


def _persons(database: Database) -> list[Any]:
    with database.read_session() as session:
        people = list(session.scalars(select(Person).order_by(Person.id)))
        session.expunge_all()
    return people


def _clear(database: Database) -> None:
    with database.engine.begin() as connection:
        for model in TABLES:
            connection.execute(delete(model))


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@pytest.fixture
def population(database: Database) -> GenerationReport:
    return generate_population(database, persons=N, seed=11)


@pytest.fixture
def larger_population(database: Database) -> GenerationReport:
    return generate_population(database, persons=LARGER, seed=21)


def _relation_rows(database: Database) -> list[tuple[Any, ...]]:
    return _rows(
        database,
        Familierelasjon.person_id,
        Familierelasjon.relatert_person_id,
        Familierelasjon.relatert_persons_rolle,
        Familierelasjon.min_rolle_for_person,
        Familierelasjon.gyldig_fra,
    )


def _home(person: Any) -> tuple[Any, Any]:
    return (person.adresse_id, person.bruksenhetsnummer)


def test_same_seed_same_people_other_seed_other_people(database: Database) -> None:
    generate_population(database, persons=N, seed=5)
    first = _rows(database, Person.id, Person.ident, Person.fornavn, Person.etternavn)
    _clear(database)
    generate_population(database, persons=N, seed=5)
    again = _rows(database, Person.id, Person.ident, Person.fornavn, Person.etternavn)
    _clear(database)
    generate_population(database, persons=N, seed=6)
    other = _rows(database, Person.id, Person.ident, Person.fornavn, Person.etternavn)
    assert sorted(first) == sorted(again)
    assert len(first) == N
    assert sorted(first) != sorted(other)
    assert len({ident for _i, ident, _f, _e in first} & {i for _i, i, _f, _e in other}) < N // 2


def test_identity_numbers_are_valid_synthetic_and_unique(
    database: Database, population: GenerationReport
) -> None:
    people = _rows(database, Person.ident, Person.foedselsdato, Person.kjoenn)
    assert len({ident for ident, _b, _k in people}) == N
    for ident, birth, kjoenn in people:
        parsed = parse_person_identifier(ident, allow_real=False)
        assert parsed.is_synthetic
        assert parsed.birth_date == birth
        assert parsed.sex == kjoenn


def test_family_relations_are_symmetric_and_plausible(
    database: Database, population: GenerationReport
) -> None:
    relations = _rows(
        database,
        Familierelasjon.person_id,
        Familierelasjon.relatert_person_id,
        Familierelasjon.relatert_persons_rolle,
        Familierelasjon.min_rolle_for_person,
    )
    assert relations
    assert Counter(relations) == Counter((r, p, mine, theirs) for p, r, theirs, mine in relations)
    people = {p.id: p for p in _persons(database)}
    mother_of = {p: r for p, r, role, _mine in relations if role == "mor"}
    for child_id, mother_id in mother_of.items():
        child, mother = people[child_id], people[mother_id]
        assert mother.kjoenn == "kvinne"
        assert 18 <= _age_on(mother.foedselsdato, child.foedselsdato) <= 45
        if child.foreldreansvar in ("mor", "felles"):
            assert (mother.adresse_id, mother.bruksenhetsnummer) == (
                child.adresse_id,
                child.bruksenhetsnummer,
            )
    minors = [p for p in people.values() if _age_on(p.foedselsdato, dt.date(2025, 1, 1)) < 18]
    assert all(p.id in mother_of for p in minors)
    assert all(p.foreldreansvar in ("felles", "mor", "far") for p in minors)
    # felles: both parents live with the child.
    parents: dict[int, list[int]] = {}
    for person, related, role, _mine in relations:
        if role in ("mor", "far", "medmor"):
            parents.setdefault(person, []).append(related)
    for child in minors:
        if child.foreldreansvar == "felles":
            homes = {people[parent].adresse_id for parent in parents[child.id]}
            assert len(parents[child.id]) == 2
            assert homes == {child.adresse_id}


def test_spouses_point_at_each_other(database: Database, population: GenerationReport) -> None:
    people = {p.id: p for p in _persons(database)}
    spouses = [p for p in people.values() if p.sivilstand in ("gift", "registrertPartner")]
    assert len(spouses) > N // 5
    relations = set(
        _rows(
            database,
            Familierelasjon.person_id,
            Familierelasjon.relatert_person_id,
            Familierelasjon.relatert_persons_rolle,
        )
    )
    for person in spouses:
        other = people[person.sivilstand_relatert_id]
        assert other.sivilstand_relatert_id == person.id
        assert other.sivilstand == person.sivilstand
        assert other.sivilstandsdato == person.sivilstandsdato
        assert other.adresse_id == person.adresse_id
        assert (person.id, other.id, "ektefelleEllerPartner") in relations
        assert _age_on(person.foedselsdato, person.sivilstandsdato) >= 18
    statuses = Counter(p.sivilstand for p in people.values())
    assert {"ugift", "gift", "skilt", "enkeEllerEnkemann"} <= set(statuses)
    married = ("gift", "registrertPartner", "separert")  # separert: married, living apart
    unlinked = [p for p in people.values() if p.sivilstand not in married]
    assert all(p.sivilstand_relatert_id is None for p in unlinked)


def test_addresses_are_shared_copied_and_partly_vacant(
    database: Database, population: GenerationReport
) -> None:
    addresses = {a.id: a for a in _address_objects(database)}
    people = _persons(database)
    for person in people:
        address = addresses[person.adresse_id]
        assert (person.kommunenummer, person.adressenavn, person.husnummer) == (
            address.kommunenummer,
            address.adressenavn,
            address.husnummer,
        )
        assert (person.husbokstav, person.adressekode, person.postnummer, person.poststed) == (
            address.husbokstav,
            address.adressekode,
            address.postnummer,
            address.poststed,
        )
        if person.bruksenhetsnummer is not None:
            assert address.antall_bruksenheter > 1
            assert person.bruksenhetsnummer.startswith("H")
    occupied = {p.adresse_id for p in people}
    vacant = 1 - len(occupied) / len(addresses)
    assert 0.04 <= vacant <= 0.25
    postal = {p.postnummer: p for p in reference.postnumre()}
    for address in addresses.values():
        code = postal[address.postnummer]
        assert code.kommunenummer == address.kommunenummer
        assert code.kategori in reference.ADDRESS_CATEGORIES
        assert address.poststed == code.poststed


def _address_objects(database: Database) -> list[Vegadresse]:
    with database.read_session() as session:
        found = list(session.scalars(select(Vegadresse)))
        session.expunge_all()
    return found


def test_municipalities_citizenship_and_protection(
    database: Database, population: GenerationReport
) -> None:
    people = _persons(database)
    per_kommune = Counter(p.kommunenummer for p in people)
    assert per_kommune.most_common(1)[0][0] == "0301"  # Oslo is largest
    oslo_share = reference.kommune("0301").folketall_2025 / sum(
        k.folketall_2025 for k in reference.kommuner()
    )
    assert abs(per_kommune["0301"] / N - oslo_share) < 0.04
    protected = Counter(p.adressebeskyttelse for p in people)
    share = 1 - protected["ugradert"] / N
    assert 0.005 <= share <= 0.045
    assert set(protected) <= {"ugradert", "fortrolig", "strengtFortrolig", "klientadresse"}
    foreign = [p for p in people if p.statsborgerskap != "NOR"]
    assert 0.05 <= len(foreign) / N <= 0.25
    born_abroad = [p for p in foreign if p.foedeland != "NOR"]
    assert all(p.innflyttet_fra == p.foedeland and p.innflyttingsdato for p in born_abroad)
    assert len(born_abroad) > len(foreign) // 2
    assert all(p.status == "bosatt" and p.identifikatortype == "foedselsnummer" for p in people)


def test_krr_registrations(database: Database, population: GenerationReport) -> None:
    people = {p.ident: p for p in _persons(database)}
    with database.read_session() as session:
        rows = list(session.scalars(select(KontaktInfo)))
        session.expunge_all()
    adults15 = [p for p in people.values() if _age_on(p.foedselsdato, dt.date(2025, 1, 1)) >= 15]
    assert 0.85 <= len(rows) / len(adults15) <= 0.99
    assert all(
        _age_on(people[r.personidentifikator].foedselsdato, dt.date(2025, 1, 1)) >= 15 for r in rows
    )
    reserved = [r for r in rows if r.reservasjon]
    assert 0.005 <= len(reserved) / len(rows) <= 0.04
    assert all(r.reservasjonstidspunkt is not None and r.postkasseadresse is None for r in reserved)
    mailbox = [r for r in rows if r.postkasseadresse]
    assert 0.55 <= len(mailbox) / len(rows) <= 0.85
    providers = Counter(r.postkasseleverandoeradresse for r in mailbox)
    assert set(providers) == {DIGIPOST, EBOKS} and providers[DIGIPOST] > providers[EBOKS]
    assert all("#" in r.postkasseadresse for r in mailbox)
    assert all(
        r.epostadresse.split("@")[1].split(".")[-2] == "example" for r in rows if r.epostadresse
    )
    spraak = Counter(r.spraak for r in rows)
    assert spraak.most_common(1)[0][0] == "nb" and "nn" in spraak
    cutoff = dt.datetime(2023, 7, 1)  # 18 months before the reference date
    verified = [r.mobiltelefonnummer_sist_verifisert for r in rows]
    stale = [v for v in verified if v is not None and v.replace(tzinfo=None) < cutoff]
    assert 0.05 <= len(stale) / len(rows) <= 0.4


def test_report_counts_rows_and_no_events(database: Database, population: GenerationReport) -> None:
    with database.read_session() as session:
        counted = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }
        events = session.scalar(select(func.count()).select_from(OutboxRow))
    assert population.rows == counted
    assert counted["frg_person"] == N
    assert events == 0
    assert population.seconds > 0 and population.rows_per_second > 0


def test_refuses_a_database_with_a_population(
    database: Database, population: GenerationReport
) -> None:
    with pytest.raises(PopulationExists, match="already has a population"):
        generate_population(database, persons=10, seed=1)


def test_plan_scales_and_keeps_small_municipalities() -> None:
    for persons in (1, 1_000, 50_000):
        chunks = _plan(persons, seed=3)
        assert sum(c.persons for c in chunks) == persons
    present = {u.kommune for c in _plan(50_000, seed=3) for u in c.units}
    assert len(present) == len(reference.kommuner())
    large = _plan(1_200_000, seed=3)
    assert max(c.persons for c in large) <= 200_000
    assert len(large) >= 6


def test_thousand_people_work(database: Database) -> None:
    report = generate_population(database, persons=1_000, seed=2)
    assert report.rows["frg_person"] == 1_000
    assert np.isclose(report.rows_per_second * report.seconds, sum(report.rows.values()))


def test_adults_keep_their_living_parents(
    database: Database, larger_population: GenerationReport
) -> None:
    people = {p.id: p for p in _persons(database)}
    relations = _relation_rows(database)
    parents: dict[int, dict[str, int]] = {}
    for person, related, role, _mine, valid_from in relations:
        if role in PARENT_ROLES:
            child = people[person]
            assert role not in parents.get(person, {})  # one mother, one father
            parents.setdefault(person, {})[role] = related
            assert valid_from == child.foedselsdato  # valid from the birth, both ways
        elif role == "barn":
            assert valid_from == people[related].foedselsdato

    def age(person: Any) -> int:
        return _age_on(person.foedselsdato, REFERENCE_DATE)

    # Adults born in Norway who have left home, with (living) parents registered.
    away = [
        p
        for p in people.values()
        if 18 <= age(p) <= 65
        and p.foedeland == "NOR"
        and all(_home(people[q]) != _home(p) for q in parents.get(p.id, {}).values())
    ]
    linked = [p for p in away if "mor" in parents.get(p.id, {})]
    young = [p for p in away if age(p) < 30]
    assert len(linked) / len(away) > 0.5
    assert sum("mor" in parents.get(p.id, {}) for p in young) / len(young) > 0.8
    only_mother = [p for p in linked if "far" not in parents[p.id]]
    assert 0 < len(only_mother) < len(linked) / 2
    for child in linked:
        assert child.foreldreansvar is None  # no parental responsibility for adults
        mother = people[parents[child.id]["mor"]]
        assert mother.kjoenn == "kvinne" and mother.status == "bosatt"
        assert 18 <= _age_on(mother.foedselsdato, child.foedselsdato) <= 45
        # A parent lived in Norway when the child was born here.
        assert mother.innflyttingsdato is None or mother.innflyttingsdato <= child.foedselsdato
        if "far" in parents[child.id]:
            father = people[parents[child.id]["far"]]
            assert father.kjoenn == "mann"
            assert 18 <= _age_on(father.foedselsdato, child.foedselsdato) <= 70
            gap = (mother.foedselsdato - father.foedselsdato).days / 365.25
            assert -5.01 <= gap <= 15.01
    # Immigrants who came as adults have no parents in Norway, unless they came with a
    # parent they still live with.
    came_as_adults = [
        p
        for p in people.values()
        if p.innflyttingsdato and _age_on(p.foedselsdato, p.innflyttingsdato) >= 18
    ]
    assert came_as_adults
    for person in came_as_adults:
        registered = [people[q] for q in parents.get(person.id, {}).values()]
        assert not registered or any(_home(q) == _home(person) for q in registered)
    # Siblings follow from shared parents: adult brothers and sisters away from home.
    both_parents = Counter((parents[p.id]["mor"], parents[p.id].get("far")) for p in linked)
    assert any(count >= 2 for (_mor, far), count in both_parents.items() if far is not None)
    # Heirs: mothers with two or more grown-up children living elsewhere.
    assert max(Counter(parents[p.id]["mor"] for p in linked).values()) >= 2
    # A mother's children are at least 300 days apart (no twins in this population).
    births: dict[int, list[dt.date]] = {}
    for child_id, roles in parents.items():
        if "mor" in roles:
            births.setdefault(roles["mor"], []).append(people[child_id].foedselsdato)
    for child in linked:
        siblings = births[parents[child.id]["mor"]]
        assert sum(abs((b - child.foedselsdato).days) < 300 for b in siblings) == 1  # itself
    # Nobody shares a parent with, or is the parent of, their spouse.
    for person in people.values():
        spouse = person.sivilstand_relatert_id
        if spouse is None:
            continue
        mine, theirs = parents.get(person.id, {}), parents.get(spouse, {})
        assert spouse not in mine.values()
        assert not set(mine.values()) & set(theirs.values())


def test_households_are_about_two_point_one_people(
    database: Database, larger_population: GenerationReport
) -> None:
    people = _persons(database)
    homes = Counter(_home(p) for p in people)
    assert len(homes) == larger_population.households  # one household per dwelling
    mean = LARGER / larger_population.households
    assert 2.05 <= mean <= 2.25  # SSB: about 2.1–2.2 persons per private household
    alone = sum(1 for size in homes.values() if size == 1)
    assert 0.30 <= alone / len(homes) <= 0.46  # SSB: about 40 % of households
    # About half of those aged 18–24 are registered at a parent's home.
    home_of = {p.id: _home(p) for p in people}
    parent_homes: dict[int, set[tuple[Any, Any]]] = {}
    for child, parent, role, _mine, _since in _relation_rows(database):
        if role in PARENT_ROLES:
            parent_homes.setdefault(child, set()).add(home_of[parent])
    young = [p for p in people if 18 <= _age_on(p.foedselsdato, REFERENCE_DATE) <= 24]
    with_parents = [p for p in young if _home(p) in parent_homes.get(p.id, set())]
    assert 0.4 <= len(with_parents) / len(young) <= 0.75


def test_separated_spouses_divorce_by_age_and_dual_citizens(
    database: Database, larger_population: GenerationReport
) -> None:
    people = {p.id: p for p in _persons(database)}
    relations = {(p, r): (role, since) for p, r, role, _m, since in _relation_rows(database)}
    adults = [p for p in people.values() if _age_on(p.foedselsdato, REFERENCE_DATE) >= 18]

    # separert: married and living apart; the spouse and the relation stay, both ways.
    separated = [p for p in adults if p.sivilstand == "separert"]
    assert 0.003 <= len(separated) / len(adults) <= 0.03
    for person in separated:
        spouse = people[person.sivilstand_relatert_id]
        assert spouse.sivilstand == "separert"
        assert spouse.sivilstand_relatert_id == person.id
        assert spouse.sivilstandsdato == person.sivilstandsdato
        assert _home(spouse) != _home(person)
        role, married_on = relations[person.id, spouse.id]
        assert role == "ektefelleEllerPartner"
        assert relations[spouse.id, person.id] == (role, married_on)
        assert _age_on(person.foedselsdato, married_on) >= 18
        assert married_on < person.sivilstandsdato < REFERENCE_DATE

    # skilt is rare when young, most common from 50 to 75.
    def share_skilt(low: int, high: int) -> float:
        group = [p for p in adults if low <= _age_on(p.foedselsdato, REFERENCE_DATE) <= high]
        return sum(p.sivilstand == "skilt" for p in group) / len(group)

    assert share_skilt(18, 29) < 0.03
    assert 0.08 <= share_skilt(50, 74) <= 0.30
    assert share_skilt(18, 29) < share_skilt(35, 49) < share_skilt(50, 74)
    assert all(
        _age_on(p.foedselsdato, p.sivilstandsdato) >= 22 for p in adults if p.sivilstand == "skilt"
    )

    # Dual citizens: a few of those born abroad who became Norwegian ("NOR,POL").
    citizens_born_abroad = [
        p for p in people.values() if p.foedeland != "NOR" and "NOR" in p.statsborgerskap
    ]
    dual = [p for p in people.values() if "," in p.statsborgerskap]
    assert dual
    assert len(dual) / len(citizens_born_abroad) <= 0.35
    for person in dual:
        codes = person.statsborgerskap.split(",")
        assert len(codes) == 2 and codes[0] == "NOR"
        assert len(codes[1]) == 3 and codes[1].isupper() and codes[1] != "NOR"
        assert person.foedeland == codes[1] == person.innflyttet_fra
        assert person.statsborgerskap_ervervsdato is not None
        assert person.innflyttingsdato < person.statsborgerskap_ervervsdato
