"""Screening the whole population (felles.rules.population, felles.rules.screening, ``felles rules
screen``) on SQLite and PostgreSQL: the bulk read, the familie rule, the amounts, the command."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pytest
from openfisca_core.simulation_builder import SimulationBuilder
from sqlalchemy import select
from typer.testing import CliRunner

from felles.cli import app
from felles.kernel.db import Database
from felles.kernel.ids import next_synthetic_fnr
from felles.registries.folkeregister import columns, queries
from felles.registries.folkeregister.model import Familierelasjon, Person
from felles.rules import screening
from felles.rules.cli import BenefitName
from felles.rules.enums import Kjoenn, Sivilstand
from felles.rules.population import (
    BARN,
    FORELDER,
    Month,
    Population,
    build_simulation,
    load_columns,
    load_population,
)
from felles.rules.system import tax_benefit_system
from felles.synth.population import generate_population

JUNE: Final = Month.parse("2025-06")
BARNETRYGD, KONTANTSTOETTE = screening.BENEFITS["barnetrygd"], screening.BENEFITS["kontantstoette"]
SATS: Final = 1968  # barnetrygd per child per month, 2025-05 to 2026-01
runner = CliRunner()


# ------------------------------------------------------------------------------------------
# Registering people by hand (as the initial load does: rows, no events)
# ------------------------------------------------------------------------------------------


@dataclass
class Register:
    database: Database
    used: set[str] = field(default_factory=set)

    def person(
        self,
        born: str,
        *,
        kjoenn: str = "kvinne",
        home: tuple[int, str | None] | None = (900000001, "H0101"),
        kommunenummer: str | None = "0301",
        **values: Any,
    ) -> int:
        """Insert a person; returns the frg_person id."""
        birth = dt.date.fromisoformat(born)
        ident = next_synthetic_fnr(birth, kjoenn, self.used)
        self.used.add(ident)
        row: dict[str, Any] = {
            "ident": ident,
            "identifikatortype": "foedselsnummer",
            "status": "bosatt",
            "fornavn": "Test",
            "etternavn": "Testesen",
            "foedselsdato": birth,
            "foedeland": "NOR",
            "kjoenn": kjoenn,
            "sivilstand": "ugift",
            "adressebeskyttelse": "ugradert",
            "statsborgerskap": "NOR",
            "opprettet": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            "endret": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        }
        if home is not None:
            row |= {
                "adresse_id": home[0],
                "bruksenhetsnummer": home[1],
                "kommunenummer": kommunenummer,
            }
        row |= values
        with self.database.unit_of_work() as uow:
            person = Person(**row)
            uow.session.add(person)
            uow.session.flush()
            person_id = person.id
            uow.commit()
        return person_id

    def parent(self, child: int, parent: int, role: str) -> None:
        """Register ``parent`` as the child's mor, far or medmor (both directions)."""
        now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        with self.database.unit_of_work() as uow:
            for person, related, their, mine in (
                (child, parent, role, "barn"),
                (parent, child, "barn", role),
            ):
                uow.session.add(
                    Familierelasjon(
                        person_id=person,
                        relatert_person_id=related,
                        relatert_persons_rolle=their,
                        min_rolle_for_person=mine,
                        ajourholdstidspunkt=now,
                    )
                )
            uow.commit()


HOME_A, HOME_B1, HOME_B2, HOME_C, HOME_D = (
    (900000001, "H0101"),
    (900000002, None),
    (900000003, "H0201"),
    (900000004, "H0102"),
    (900000005, None),
)


@dataclass
class Families:
    """The hand-made families of ``_families`` by name → frg_person id."""

    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _families(register: Register) -> Families:
    """Four families around June 2025 (see each comment), plus people who must not count."""
    p = register.person
    ids: dict[str, int] = {}
    # A: mother and father at home with five children of different ages.
    ids["mor_a"] = p("1990-01-01", home=HOME_A, sivilstand="gift")
    ids["far_a"] = p("1988-02-02", kjoenn="mann", home=HOME_A, sivilstand="gift")
    for name, born in (
        ("born_last_month", "2025-05-20"),  # age month 1 in June: the first month paid
        ("born_this_month", "2025-06-03"),  # age month 0: not yet
        ("turns_18_this_month", "2007-06-15"),  # age month 216: no longer
        ("ten_years", "2015-03-01"),
        ("fourteen_months", "2024-04-10"),  # also kontantstøtte (age months 13-19)
    ):
        ids[name] = p(born, kjoenn="mann", home=HOME_A, foreldreansvar="felles")
        register.parent(ids[name], ids["mor_a"], "mor")
        register.parent(ids[name], ids["far_a"], "far")
    ids["turned_18_last_month"] = p("2007-05-10", home=HOME_A)  # an adult now
    register.parent(ids["turned_18_last_month"], ids["mor_a"], "mor")
    # B: the child lives with its father; the mother lives elsewhere.
    ids["mor_b"] = p("1985-05-05", home=HOME_B1)
    ids["far_b"] = p("1984-04-04", kjoenn="mann", home=HOME_B2, kommunenummer="5601")
    ids["barn_b"] = p("2016-06-06", home=HOME_B2, kommunenummer="5601", foreldreansvar="felles")
    register.parent(ids["barn_b"], ids["mor_b"], "mor")
    register.parent(ids["barn_b"], ids["far_b"], "far")
    # C: a mother who moved to Norway in 2021: barnetrygd, but no kontantstøtte (5 years).
    ids["mor_c"] = p(
        "1992-03-03", home=HOME_C, foedeland="POL", innflyttingsdato=dt.date(2021, 1, 1)
    )
    ids["barn_c"] = p("2024-04-20", home=HOME_C, foreldreansvar="mor")
    register.parent(ids["barn_c"], ids["mor_c"], "mor")
    # D: a mother who died on 15 June (alive at the start of the month, so paid for June),
    # and one who died in May (not read at all).
    ids["mor_d"] = p("1980-08-08", home=HOME_D, status="doed", doedsdato=dt.date(2025, 6, 15))
    ids["barn_d"] = p("2012-12-12", home=HOME_D, foreldreansvar="mor")
    register.parent(ids["barn_d"], ids["mor_d"], "mor")
    ids["dead_in_may"] = p("1950-01-01", home=HOME_D, status="doed", doedsdato=dt.date(2025, 5, 31))
    ids["emigrated"] = p("1970-01-01", home=None, status="utflyttet")
    return Families(ids)


# ------------------------------------------------------------------------------------------
# The bulk read is the same as reading people one by one
# ------------------------------------------------------------------------------------------


def _code(codes: tuple[str, ...], value: str | None) -> int:
    return codes.index(value) if value in codes else 0


def test_columns_are_what_the_register_says_person_by_person(database: Database) -> None:
    generate_population(database, persons=1_500, seed=7)
    register = Register(database)
    families = _families(register)
    odd = register.person("1999-09-09", home=(900000099, "Hø101"), kommunenummer="301")
    people, links = load_columns(database, JUNE)

    with database.read_session() as session:
        everyone = list(session.scalars(select(Person).order_by(Person.id)))
        alive = [
            person
            for person in everyone
            if person.foedselsdato <= JUNE.last_day
            and (person.doedsdato is None or person.doedsdato >= JUNE.first_day)
        ]
        assert families["dead_in_may"] not in people.id
        assert people.id.tolist() == [person.id for person in alive]
        for index, row in enumerate(alive):
            person = queries.get_person(session, ident=row.ident)  # one by one
            assert person is not None
            address = person.adresse_id if person.adresse_id is not None else -1
            kommune = person.kommunenummer
            expected = {
                "ident": int(person.ident),
                "status": _code(columns.POPULATION_STATUS, person.status),
                "kjoenn": _code(columns.POPULATION_KJOENN, person.kjoenn),
                "foedselsdato": np.datetime64(person.foedselsdato, "D"),
                "sivilstand": _code(columns.POPULATION_SIVILSTAND, person.sivilstand),
                "foreldreansvar": _code(columns.POPULATION_FORELDREANSVAR, person.foreldreansvar),
                "kommunenummer": int(kommune) if kommune and len(kommune) == 4 else -1,
                "adresse_id": address,
                "bruksenhetsnummer": columns._bruksenhet_bytes(person.bruksenhetsnummer),
            }
            for name, value in expected.items():
                assert getattr(people, name)[index] == value, (name, person.id)
            for name in ("doedsdato", "innflyttingsdato"):
                day = getattr(person, name)
                got = getattr(people, name)[index]
                assert np.isnat(got) if day is None else got == np.datetime64(day, "D")

        parents: dict[int, set[tuple[int, int]]] = {}
        for child, parent, role in zip(links.child_id, links.parent_id, links.role, strict=True):
            parents.setdefault(int(child), set()).add((int(parent), int(role)))
        children = [p for p in everyone if p.foedselsdato > dt.date(2007, 6, 1)][:300]
        assert len(children) > 100
        for child in children:
            expected_parents = {
                (relatert, columns.POPULATION_PARENT_ROLE.index(role))
                for relatert, role in session.execute(
                    select(
                        Familierelasjon.relatert_person_id, Familierelasjon.relatert_persons_rolle
                    ).where(
                        Familierelasjon.person_id == child.id,
                        Familierelasjon.relatert_persons_rolle.in_(("mor", "far", "medmor")),
                        Familierelasjon.opphoerstidspunkt.is_(None),
                    )
                ).all()
            }
            assert {p.id for p in queries.parents_of(session, person=child)} == {
                parent for parent, _ in expected_parents
            }
            assert parents.get(child.id, set()) == expected_parents
    # Not ASCII: a 5-byte stand-in, equal only to itself; a 3-digit code is no kommunenummer.
    at = int(np.flatnonzero(people.id == odd)[0])
    assert len(people.bruksenhetsnummer[at]) == 5 and people.kommunenummer[at] == -1


# ------------------------------------------------------------------------------------------
# The familie rule and the edges of the month
# ------------------------------------------------------------------------------------------


def _row(finding: screening.Finding, receiver: int) -> int:
    rows = np.flatnonzero(finding.receiver_id == receiver)
    assert len(rows) == 1, f"expected one row for {receiver}"
    return int(rows[0])


def test_families_edges_of_the_month_and_recipients(database: Database) -> None:
    f = _families(Register(database))
    population = load_population(database, JUNE)
    families, at = population.families, {int(i): n for n, i in enumerate(population.people.id)}

    def familie(name: str) -> int:
        return int(families.familie[at[f[name]]])

    # A: mother first, the father second, the five children (18 this month included) barn.
    a = familie("mor_a")
    assert families.first_parent[a] == at[f["mor_a"]]
    assert families.second_parent[a] == at[f["far_a"]]
    children = ("born_last_month", "born_this_month", "turns_18_this_month", "ten_years")
    for name in (*children, "fourteen_months"):
        assert familie(name) == a and families.role[at[f[name]]] == BARN
    assert familie("turned_18_last_month") != a
    assert families.role[at[f["turned_18_last_month"]]] == FORELDER
    # B: the child lives with its father, so its familie is his; the mother is alone.
    assert familie("barn_b") == familie("far_b") != familie("mor_b")
    assert families.second_parent[familie("far_b")] == -1

    result = screening.screen(database, benefits=[BARNETRYGD, KONTANTSTOETTE], month=JUNE)
    barnetrygd, kontantstoette = (summary.without_case for summary in result.benefits)
    row = _row(barnetrygd, f["mor_a"])
    assert barnetrygd.amount[row] == 3 * SATS
    assert sorted(barnetrygd.children(row).tolist()) == sorted(
        f[name] for name in ("born_last_month", "ten_years", "fourteen_months")
    )
    assert barnetrygd.amount[_row(barnetrygd, f["far_b"])] == SATS
    assert barnetrygd.amount[_row(barnetrygd, f["mor_c"])] == SATS
    assert barnetrygd.amount[_row(barnetrygd, f["mor_d"])] == SATS
    assert len(barnetrygd) == 4
    assert result.benefits[0].monthly_total == 6 * SATS
    # Kontantstøtte: family A's 14-month-old; C's mother has lived here for less than 5 years.
    assert kontantstoette.receiver_id.tolist() == [f["mor_a"]]
    assert kontantstoette.children(0).tolist() == [f["fourteen_months"]]
    assert kontantstoette.amount.tolist() == [7500]

    # A family whose mother already has a case is counted, not listed.
    with_case = screening.screen(
        database, benefits=[BARNETRYGD], month=JUNE, cases=lambda benefit, period: {f["mor_a"]}
    )
    summary = with_case.benefits[0]
    assert (summary.eligible_families, summary.families_with_case) == (4, 1)
    assert f["mor_a"] not in summary.without_case.receiver_id
    assert screening.existing_cases("barnetrygd", "2025-06") == frozenset()


# ------------------------------------------------------------------------------------------
# The vectorised amounts are OpenFisca's amounts for each case on its own
# ------------------------------------------------------------------------------------------


def _value(variable: str, values: np.ndarray, index: int) -> Any:
    value = values[index]
    if variable == "kjoenn":
        return list(Kjoenn)[int(value)].name
    if variable == "sivilstand":
        return list(Sivilstand)[int(value)].name
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, bytes):
        return value.decode()
    return value.item()


def _one_case(population: Population, familie: int) -> dict[str, Any]:
    """The familie as an OpenFisca situation of its own, with the same inputs."""
    members = np.flatnonzero(population.families.familie == familie)
    personer = {
        str(member): {
            name: {period: _value(name, values, member)}
            for name, (period, values) in population.inputs.items()
        }
        for member in members.tolist()
    }
    roles = population.families.role[members]
    return {
        "personer": personer,
        "familier": {
            "familie": {
                "foreldre": [str(m) for m in members[roles == FORELDER]],
                "barn": [str(m) for m in members[roles == BARN]],
            }
        },
    }


@pytest.mark.parametrize("period", ["2025-06", "2025-10"])
def test_amounts_equal_one_case_at_a_time(database: Database, period: str) -> None:
    generate_population(database, persons=2_000, seed=3)
    f = _families(Register(database))
    month = Month.parse(period)
    system = tax_benefit_system()
    population = load_population(database, month)
    simulation = build_simulation(system, population)
    amounts = screening.compute(simulation, [BARNETRYGD, KONTANTSTOETTE], period)
    barnetrygd = amounts["barnetrygd"][0]
    kontantstoette = amounts["kontantstoette"][0]

    rng = np.random.default_rng(5)
    with_children = np.unique(population.families.familie[population.families.role == BARN])
    paid = np.flatnonzero(kontantstoette > 0)
    sample = np.unique(np.concatenate([rng.choice(with_children, 40, replace=False), paid[:5]]))
    assert (barnetrygd[sample] > 0).sum() >= 20
    for familie in sample.tolist():
        case = SimulationBuilder().build_from_entities(system, _one_case(population, familie))
        assert case.calculate("barnetrygd", period)[0] == barnetrygd[familie], familie
        assert case.calculate("kontantstoette", period)[0] == kontantstoette[familie], familie

    result = screening.screen(database, benefits=[BARNETRYGD], month=month)
    listed = result.benefits[0].without_case
    assert sorted(listed.amount.tolist()) == sorted(barnetrygd[barnetrygd > 0].tolist())
    assert result.benefits[0].monthly_total == barnetrygd.sum()
    if period == "2025-10":  # Finnmark's supplement (family B lives in 5601) from October
        assert listed.amount[_row(listed, f["far_b"])] == SATS + 500


# ------------------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------------------


def test_command_writes_the_list(database: Database, tmp_path: Path) -> None:
    f = _families(Register(database))
    output = tmp_path / "liste.csv"
    common = ["rules", "screen", "--period", "2025-06", "--database-url", database.url]
    result = runner.invoke(app, [*common, "--benefit", "barnetrygd", "--output", str(output)])
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 4
    by_receiver = {record["mottaker"]: record for record in records}
    with database.read_session() as session:
        idents = dict(session.execute(select(Person.id, Person.ident)).all())
    family_a = by_receiver[idents[f["mor_a"]]]
    assert family_a["beloep_per_maaned"] == str(3 * SATS)
    assert set(family_a["barn"].split()) == {
        idents[f[n]] for n in ("born_last_month", "ten_years", "fourteen_months")
    }
    assert "Barnetrygd" in result.output
    assert idents[f["mor_a"]] not in result.output  # identity numbers go to the file only

    lines = tmp_path / "liste.jsonl"
    result = runner.invoke(
        app,
        [
            *common,
            *("--benefit", "barnetrygd", "--benefit", "kontantstoette"),
            *("--output", str(lines), "--limit", "5"),
        ],
    )
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 5
    assert {"ytelse", "periode", "mottaker", "barn", "antall_barn", "beloep_per_maaned"} == set(
        written[0]
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--benefit", "dagpenger", "--period", "2025-06"], "dagpenger"),
        (["--benefit", "barnetrygd", "--period", "2025-6"], "YYYY-MM"),
        (["--benefit", "barnetrygd", "--period", "juni"], "YYYY-MM"),
        (["--benefit", "barnetrygd", "--period", "2023-06"], "do not cover 2023-06"),
        (["--benefit", "kontantstoette", "--period", "2020-12"], "do not cover 2020-12"),
        (["--benefit", "barnetrygd", "--period", "2025-06", "--output", "{dir}/liste.txt"], ".csv"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    """Refused before any database is opened (the URL here leads nowhere)."""
    arguments = [argument.replace("{dir}", str(tmp_path)) for argument in arguments]
    if "--output" not in arguments:
        arguments += ["--output", str(tmp_path / "liste.csv")]
    nowhere = ["--database-url", f"sqlite:///{tmp_path}/missing/none.db"]
    result = runner.invoke(app, ["rules", "screen", *arguments, *nowhere])
    assert result.exit_code != 0
    assert message in " ".join(result.output.replace("│", " ").split())
    assert list(tmp_path.iterdir()) == []


def test_command_knows_the_benefits_screening_knows() -> None:
    assert [name.value for name in BenefitName] == list(screening.BENEFITS)
