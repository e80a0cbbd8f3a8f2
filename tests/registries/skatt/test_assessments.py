"""Assessments: made, changed with history kept, from A-ordningen's pay, refused bad input."""

from __future__ import annotations

from datetime import date

import pytest

from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.registries.skatt import events, operations, queries
from felles.registries.skatt.calculation import assess_one
from felles.registries.skatt.model import Skatteoppgjoer
from felles.registries.skatt.operations import TaxReturn
from tests.registries.skatt.conftest import Skatt


def test_an_assessment_stores_inputs_and_results_and_emits_an_event(skatt: Skatt) -> None:
    person = skatt.person()
    row = skatt.run(
        operations.make_assessment,
        ident=person,
        income_year=2024,
        loennsinntekt=600_000,
        kapitalinntekt=5_000,
        bruttoformue=2_000_000,
        gjeld=100_000,
    )
    expected = assess_one(
        2024, loennsinntekt=600_000, kapitalinntekt=5_000, bruttoformue=2_000_000, gjeld=100_000
    )
    assert row.versjon == 1
    assert row.skatteoppgjoersdato == date(2025, 6, 1)
    assert row.utlignet_skatt == expected.utlignet_skatt
    assert row.nettoformue == 1_900_000
    with skatt.database.read_session() as session:
        stored = queries.get_assessment(session, idents={person}, income_year=2024)
        assert stored is not None
        assert stored.formuesskatt == expected.formuesskatt == 2_000  # 200 000 × 1.0 %
        assert queries.latest_assessment(session, idents={person}) == stored
    (event,) = skatt.events()
    assert event.event.type == events.SKATTEOPPGJOER_FASTSATT
    assert event.event.subject == person
    assert event.event.data == {
        "personidentifikator": person,
        "inntektsaar": 2024,
        "versjon": 1,
        "skatteoppgjoersdato": "2025-06-01",
    }


def test_a_changed_assessment_supersedes_and_keeps_the_old_as_history(skatt: Skatt) -> None:
    person = skatt.person()
    first = skatt.run(
        operations.make_assessment,
        ident=person,
        income_year=2023,
        loennsinntekt=500_000,
        skatteoppgjoersdato=date(2024, 6, 1),
    )
    first_tax = first.utlignet_skatt
    skatt.run(operations.make_assessment, ident=person, income_year=2022, loennsinntekt=1)
    changed = skatt.run(
        operations.make_assessment, ident=person, income_year=2023, loennsinntekt=550_000
    )
    assert changed.id == first.id
    assert changed.versjon == 2
    assert changed.utlignet_skatt > first_tax
    with skatt.database.read_session() as session:
        current = queries.get_assessment(session, idents={person}, income_year=2023)
        assert current is not None
        assert (current.versjon, current.loennsinntekt) == (2, 550_000)
        (old,) = queries.assessment_history(session, idents={person}, income_year=2023)
        assert (old.versjon, old.loennsinntekt, old.utlignet_skatt) == (1, 500_000, first_tax)
        assert old.skatteoppgjoersdato == date(2024, 6, 1)
        assert old.skatteoppgjoer_id == first.id
        assert [a.inntektsaar for a in queries.assessments_of(session, idents={person})] == [
            2023,
            2022,
        ]
        assert queries.assessment_history(session, idents={person}, income_year=2022) == []
    assert skatt.event_types() == [
        events.SKATTEOPPGJOER_FASTSATT,
        events.SKATTEOPPGJOER_FASTSATT,
        events.SKATTEOPPGJOER_ENDRET,
    ]
    assert skatt.events()[-1].event.data["erstatterVersjon"] == 1


def test_the_assessment_from_aordningen_sums_the_years_reported_pay(skatt: Skatt) -> None:
    person, other = skatt.person(), skatt.person(foedselsdato=date(1990, 1, 1))
    employer = skatt.employer()
    months = {"2024-01": 41_000, "2024-02": 42_500, "2024-12": 45_000, "2025-01": 50_000}
    skatt.pay(person, employer, months)
    skatt.pay(other, employer, {"2024-03": 99_000})
    row = skatt.run(operations.make_assessment_from_aordningen, ident=person, income_year=2024)
    assert row.loennsinntekt == 41_000 + 42_500 + 45_000  # 2025's pay is not 2024's
    assert row.pensjonsgivende_inntekt == row.loennsinntekt
    assert row.utlignet_skatt == assess_one(2024, loennsinntekt=128_500).utlignet_skatt
    with skatt.database.read_session() as session:
        assert operations.reported_pay(session, ident=other, income_year=2024) == 99_000
        assert operations.reported_pay(session, ident=other, income_year=2023) == 0


def test_a_batch_assesses_many_and_refuses_only_the_bad_items(skatt: Skatt) -> None:
    people = [skatt.person(foedselsdato=date(1980 + i, 1, 1)) for i in range(3)]
    items = [
        TaxReturn(people[0], 2024, loennsinntekt=300_000),
        TaxReturn(people[1], 2023, loennsinntekt=400_000, gjeld=10),
        TaxReturn(people[2], 2021, loennsinntekt=1),  # no rules before 2022
        TaxReturn(people[0], 2024, loennsinntekt=1),  # the same person and year again
        TaxReturn("17868549939", 2024),  # valid number, nobody
    ]
    with skatt.database.unit_of_work() as uow:
        outcome = operations.make_assessments(uow, items=items)
        uow.commit()
    assert [type(o).__name__ for o in outcome] == [
        "Skatteoppgjoer",
        "Skatteoppgjoer",
        "InvalidInput",
        "Conflict",
        "NotFound",
    ]
    assert isinstance(outcome[0], Skatteoppgjoer) and outcome[0].loennsinntekt == 300_000
    assert skatt.snapshot().oppgjoer == 2
    assert len(skatt.events()) == 2


@pytest.mark.parametrize(
    ("problem", "changes"),
    [
        (InvalidInput, {"income_year": 2025}),  # not ended on 2025-06-01
        (InvalidInput, {"income_year": 2026}),
        (InvalidInput, {"income_year": 2021}),
        (InvalidInput, {"loennsinntekt": -1}),
        (InvalidInput, {"gjeld": -5}),
        (InvalidInput, {"kapitalinntekt": 10**14}),
        (InvalidInput, {"renteutgifter": True}),
        (InvalidInput, {"skatteoppgjoersdato": date(2024, 12, 31)}),
        (InvalidInput, {"skatteoppgjoersdato": date(2025, 6, 2)}),
        (InvalidInput, {"ident": "12345678901"}),
        (NotFound, {"ident": "17868549939"}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    skatt: Skatt, problem: type[Problem], changes: dict[str, object]
) -> None:
    person = skatt.person()
    skatt.run(operations.make_assessment, ident=person, income_year=2024, loennsinntekt=1_000)
    kwargs = {"ident": person, "income_year": 2024, "loennsinntekt": 500_000} | changes
    skatt.refused(problem, operations.make_assessment, **kwargs)


def test_people_outside_the_year_are_refused(skatt: Skatt) -> None:
    baby = skatt.person(foedselsdato=date(2025, 1, 10))
    assert "born after" in skatt.refused(
        Conflict, operations.make_assessment, ident=baby, income_year=2024
    )
    dead = skatt.person(doedsdato=date(2022, 5, 1), status="doed")
    assert "died before" in skatt.refused(
        Conflict, operations.make_assessment, ident=dead, income_year=2023
    )
    # The year of death is still assessed (the estate's).
    row = skatt.run(operations.make_assessment, ident=dead, income_year=2022, loennsinntekt=10)
    assert row.versjon == 1


def test_from_aordningen_refuses_before_reading_and_for_unknown_people(skatt: Skatt) -> None:
    skatt.refused(
        InvalidInput, operations.make_assessment_from_aordningen, ident="1", income_year=2024
    )
    skatt.refused(
        NotFound,
        operations.make_assessment_from_aordningen,
        ident="17868549939",
        income_year=2024,
    )
    person = skatt.person()
    skatt.refused(
        InvalidInput,
        operations.make_assessment_from_aordningen,
        ident=person,
        income_year=2024,
        gjeld=-1,
    )
