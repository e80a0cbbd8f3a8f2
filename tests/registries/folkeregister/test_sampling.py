"""Random sampling of people from Folkeregisteret (used by the simulator)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from felles.kernel.db import Database
from felles.registries.folkeregister import sampling
from felles.registries.folkeregister.model import Familierelasjon, Person, TidligereIdent
from felles.registries.folkeregister.sampling import PersonFilter

DAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def _person(n: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ident": f"{n:011d}",
        "identifikatortype": "foedselsnummer",
        "status": "bosatt",
        "fornavn": "Kari",
        "mellomnavn": None,
        "etternavn": "Nordmann",
        "foedselsdato": date(1960 + n % 60, 1 + n % 12, 1 + n % 28),
        "foedekommune": "0301",
        "foedeland": "NOR",
        "kjoenn": "kvinne" if n % 2 else "mann",
        "sivilstand": "ugift",
        "sivilstand_relatert_id": None,
        "adressebeskyttelse": "ugradert",
        "adresse_id": n // 3,
        "bruksenhetsnummer": None,
        "kommunenummer": "0301" if n % 4 else "4601",
        "statsborgerskap": "NOR" if n % 5 else "POL",
        "opprettet": NOW,
        "endret": NOW,
        "versjon": 1,
    }
    row.update(values)
    return row


def _insert(database: Database, rows: list[dict[str, Any]]) -> None:
    with database.unit_of_work() as uow:
        uow.session.execute(insert(Person), rows)
        uow.commit()


@pytest.fixture
def people(database: Database) -> Database:
    """600 varied people (ids 1..600 in insertion order)."""
    _insert(database, [_person(n) for n in range(600)])
    return database


@pytest.fixture
def session(people: Database) -> Iterator[Any]:
    with people.read_session() as read:
        yield read


def _sample(session: Any, seed: int = 1, count: int = 50, **where: Any) -> list[Any]:
    return sampling.sample_persons(
        session, rng=random.Random(seed), count=count, where=PersonFilter(**where)
    )


def test_an_empty_registry_gives_no_one(database: Database) -> None:
    with database.read_session() as session:
        assert sampling.id_bounds(session) is None
        assert _sample(session) == []
        assert sampling.count_residents(session) == 0


def test_picks_are_distinct_and_as_many_as_asked(session: Any) -> None:
    picked = _sample(session, count=80)
    assert len(picked) == 80
    assert len({p.id for p in picked}) == 80


def test_every_pick_matches_the_filter(session: Any) -> None:
    picked = _sample(session, kjoenn="kvinne", min_age=30, max_age=45, at=DAY, norwegian=True)
    assert picked
    for person in picked:
        assert person.kjoenn == "kvinne"
        assert 30 <= person.age_at(DAY) <= 45
        assert person.is_norwegian


def test_age_bounds_are_whole_years_on_the_day(database: Database) -> None:
    _insert(
        database,
        [
            _person(
                10_001,
                foedselsdato=date(2007, 6, 1),
            ),  # 18 today
            _person(
                10_002,
                foedselsdato=date(2007, 6, 2),
            ),  # 17
            _person(
                10_003,
                foedselsdato=date(2006, 6, 1),
            ),  # 19
            _person(
                10_004,
                foedselsdato=date(2006, 6, 2),
            ),  # 18
        ],
    )
    with database.read_session() as session:
        where = PersonFilter(min_age=18, max_age=18, at=DAY)
        picked = sampling.sample_persons(session, rng=random.Random(3), count=10, where=where)
    assert {p.ident for p in picked} == {f"{10_001:011d}", f"{10_004:011d}"}


def test_an_age_filter_needs_a_day() -> None:
    with pytest.raises(ValueError, match="at="):
        PersonFilter(min_age=18).conditions()


def test_marital_status_filters(people: Database) -> None:
    with people.unit_of_work() as uow:
        for person in uow.session.query(Person).filter(Person.id <= 100):
            person.sivilstand = "gift"
        uow.commit()
    with people.read_session() as session:
        married = _sample(session, married=True, count=30)
        unmarried = _sample(session, married=False, count=30)
    assert married and all(p.sivilstand == "gift" for p in married)
    assert unmarried and all(p.sivilstand == "ugift" for p in unmarried)


def test_status_municipality_and_protection_filters(people: Database) -> None:
    _insert(
        people,
        [_person(20_000 + n, status="doed", adressebeskyttelse="fortrolig") for n in range(40)],
    )
    with people.read_session() as session:
        residents = _sample(session, count=100)
        dead = _sample(session, status="doed", count=100)
        protected = _sample(session, status=None, adressebeskyttelse="fortrolig", count=100)
        in_bergen = _sample(session, kommunenummer="4601", count=20)
        foreign = _sample(session, norwegian=False, count=20)
        assert sampling.count_residents(session) == 600
    assert all(p.status == "bosatt" for p in residents)
    # The dead sit together at the end of the id range, so probes find few distinct ones.
    assert dead and all(p.status == "doed" for p in dead)
    assert {p.adressebeskyttelse for p in protected} == {"fortrolig"}
    assert in_bergen and all(p.kommunenummer == "4601" for p in in_bergen)
    assert foreign and all(not p.is_norwegian for p in foreign)


def test_a_filter_that_matches_no_one_gives_no_one(session: Any) -> None:
    assert _sample(session, kjoenn="ukjent") == []


def test_the_same_seed_gives_the_same_people(session: Any) -> None:
    first = [p.id for p in _sample(session, seed=7, min_age=20, max_age=50, at=DAY)]
    again = [p.id for p in _sample(session, seed=7, min_age=20, max_age=50, at=DAY)]
    other = [p.id for p in _sample(session, seed=8, min_age=20, max_age=50, at=DAY)]
    assert first == again
    assert first != other


def test_picks_spread_over_the_whole_table(session: Any) -> None:
    picked = _sample(session, count=300)
    ids = sorted(p.id for p in picked)
    # Every sixth of the id range is hit: nothing clusters at one end.
    sixths = {(i - 1) * 6 // 600 for i in ids}
    assert sixths == set(range(6))


def test_exclude_skips_people_already_used(session: Any) -> None:
    used = {p.id for p in _sample(session, count=100)}
    again = sampling.sample_persons(
        session, rng=random.Random(1), count=100, where=PersonFilter(), exclude=used
    )
    assert not used & {p.id for p in again}


def test_household_is_the_people_in_the_same_dwelling(people: Database) -> None:
    ids = count(30_000)
    _insert(
        people,
        [
            _person(next(ids), adresse_id=9_000, bruksenhetsnummer="H0101"),
            _person(next(ids), adresse_id=9_000, bruksenhetsnummer="H0101"),
            _person(next(ids), adresse_id=9_000, bruksenhetsnummer="H0101", status="doed"),
            _person(next(ids), adresse_id=9_000, bruksenhetsnummer="H0102"),
            _person(next(ids), adresse_id=9_001, bruksenhetsnummer=None),
            _person(next(ids), adresse_id=None, kommunenummer=None),
        ],
    )
    with people.read_session() as session:
        flat = sampling.get_candidates(session, ids=[601])[0]
        detached = sampling.get_candidates(session, ids=[605])[0]
        homeless = sampling.get_candidates(session, ids=[606])[0]
        assert [p.id for p in sampling.household(session, person=flat)] == [601, 602]
        assert [p.id for p in sampling.household(session, person=detached)] == [605]
        assert sampling.household(session, person=homeless) == [homeless]
        three = sampling.get_candidates(session, ids=[1])[0]
        assert [p.id for p in sampling.household(session, person=three)] == [1, 2, 3]


def test_spouse_needs_links_both_ways(people: Database) -> None:
    with people.unit_of_work() as uow:
        for own, other in ((1, 2), (2, 1), (3, 4)):
            person = uow.session.get(Person, own)
            assert person is not None
            person.sivilstand = "gift"
            person.sivilstand_relatert_id = other
        uow.commit()
    with people.read_session() as session:
        one, two, three, five = sampling.get_candidates(session, ids=[1, 2, 3, 5])
        assert sampling.spouse(session, person=one) == two
        assert sampling.spouse(session, person=two) == one
        assert sampling.spouse(session, person=three) is None  # 4 does not point back
        assert sampling.spouse(session, person=five) is None


def _relation(person_id: int, related_id: int, role: str, mine: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "relatert_person_id": related_id,
        "relatert_persons_rolle": role,
        "min_rolle_for_person": mine,
        "gyldig_fra": None,
        "ajourholdstidspunkt": NOW,
        "opphoerstidspunkt": None,
    }


def test_close_relatives_are_parents_children_and_siblings(people: Database) -> None:
    # 1 is the mother of 2 and 3; 4 is unrelated.
    rows = []
    for child in (2, 3):
        rows.append(_relation(child, 1, "mor", "barn"))
        rows.append(_relation(1, child, "barn", "mor"))
    with people.unit_of_work() as uow:
        uow.session.execute(insert(Familierelasjon), rows)
        uow.commit()
    with people.read_session() as session:
        related = sampling.are_close_relatives
        assert related(session, person_id=1, other_id=2)
        assert related(session, person_id=2, other_id=1)
        assert related(session, person_id=2, other_id=3)
        assert not related(session, person_id=2, other_id=4)
        assert not related(session, person_id=1, other_id=4)


def test_taken_idents_include_former_ones(people: Database) -> None:
    with people.unit_of_work() as uow:
        uow.session.execute(
            insert(TidligereIdent),
            [
                {
                    "ident": "99999999999",
                    "person_id": 1,
                    "identifikatortype": "dNummer",
                    "opphoerstidspunkt": NOW,
                }
            ],
        )
        uow.commit()
    with people.read_session() as session:
        taken = sampling.taken_idents(session, idents=[f"{5:011d}", "99999999999", "12345678901"])
    assert taken == {f"{5:011d}", "99999999999"}


_FILTERS = st.builds(
    PersonFilter,
    status=st.sampled_from([None, "bosatt", "doed"]),
    kjoenn=st.sampled_from([None, "kvinne", "mann"]),
    min_age=st.one_of(st.none(), st.integers(0, 70)),
    max_age=st.one_of(st.none(), st.integers(0, 70)),
    at=st.just(DAY),
    married=st.sampled_from([None, True, False]),
    kommunenummer=st.sampled_from([None, "0301", "4601"]),
    norwegian=st.sampled_from([None, True, False]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=_FILTERS)
def test_a_filter_in_python_picks_the_same_people_as_in_sql(
    session: Any, where: PersonFilter
) -> None:
    everyone = sampling.get_candidates(session, ids=list(range(1, 601)))
    assert {c.id for c in everyone if where.matches(c)} == _matching_ids(session, where)


def _matching_ids(session: Any, where: PersonFilter) -> set[int]:
    person = Person.__table__
    return set(session.scalars(select(person.c.id).where(*where.conditions())))


def test_people_born_in_windows_are_picked_from_them_only(session: Any) -> None:
    windows = [(date(1961, 2, 1), date(1961, 12, 31)), (date(1990, 1, 1), date(1990, 1, 1))]
    where = PersonFilter(kjoenn="kvinne")
    picked = sampling.born_between(session, windows=windows * 20, where=where, rng=random.Random(3))
    first = [p for p in picked[0::2] if p is not None]
    assert len(first) == 20 and len({p.id for p in first}) > 1
    assert all(date(1961, 2, 1) <= p.foedselsdato <= date(1961, 12, 31) for p in first)
    assert all(p.kjoenn == "kvinne" for p in first)
    assert picked[1::2] == [None] * 20  # nobody is born on that day
    assert sampling.born_between(session, windows=[], where=where, rng=random.Random(3)) == []
