"""Employments: start, end and change of details, one at a time and in batches."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.registries.aordningen import events, kodeverk, operations, queries
from felles.registries.aordningen.model import Ansettelsesdetaljer, Arbeidsforhold
from felles.registries.aordningen.operations import Employment, Ending, PayReport
from felles.registries.enhetsregisteret.operations import delete_unit, register_bankruptcy
from felles.registries.folkeregister.operations import register_death
from tests.registries.aordningen.conftest import Aordningen, Employer

START = date(2025, 1, 6)


@pytest.fixture
def employer(aord: Aordningen) -> Employer:
    return aord.employer()


@pytest.fixture
def person(aord: Aordningen) -> str:
    return aord.person()


def _start(aord: Aordningen, person: str, employer: Employer, **changes: Any) -> Arbeidsforhold:
    values: dict[str, Any] = {
        "arbeidstaker": person,
        "opplysningspliktig": employer.opplysningspliktig,
        "arbeidssted": employer.arbeidssted,
        "startdato": START,
        "stillingsprosent": 100,
        "yrke": "2512",
    }
    return aord.run(operations.start_employment, **(values | changes))


def _details(aord: Aordningen, arbeidsforhold_id: int) -> list[Ansettelsesdetaljer]:
    with aord.database.read_session() as session:
        return queries.details_of(session, ids=[arbeidsforhold_id])[arbeidsforhold_id]


# ------------------------------------------------------------------------------------------
# Starting
# ------------------------------------------------------------------------------------------


def test_start_registers_the_employment_its_details_and_one_event(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    before = aord.snapshot()
    row = _start(aord, person, employer, stillingsprosent=62.5, type=kodeverk.MARITIMT)
    after = aord.snapshot()
    assert (after.arbeidsforhold, after.detaljer) == (
        before.arbeidsforhold + 1,
        before.detaljer + 1,
    )
    assert (row.arbeidstaker, row.arbeidssted, row.type) == (
        person,
        employer.arbeidssted,
        kodeverk.MARITIMT,
    )
    assert (row.startdato, row.sluttdato, row.versjon) == (START, None, 1)
    (detail,) = _details(aord, row.id)
    assert (detail.gyldig_fra, detail.gyldig_til, detail.stillingsprosent, detail.yrke) == (
        START,
        None,
        62.5,
        "2512",
    )
    (stored,) = aord.events()
    assert stored.event.type == events.ARBEIDSFORHOLD_OPPRETTET
    assert stored.event.subject == person
    assert stored.event.data == {
        "navArbeidsforholdId": row.id,
        "arbeidstaker": person,
        "opplysningspliktig": employer.opplysningspliktig,
        "arbeidssted": employer.arbeidssted,
        "arbeidsforholdtype": kodeverk.MARITIMT,
        "endringstype": "Opprettelse",
        "startdato": "2025-01-06",
        "sluttdato": None,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"arbeidstaker": "12345678901"}, "arbeidstaker"),
        ({"opplysningspliktig": "123456789"}, "opplysningspliktig"),
        ({"stillingsprosent": 0}, "greater than 0"),
        ({"stillingsprosent": 100.5}, "at most 100"),
        ({"stillingsprosent": 33.333}, "two decimals"),
        ({"stillingsprosent": float("nan")}, "greater than 0"),
        ({"yrke": "9999"}, "STYRK-08"),
        ({"type": "fastAnsatt"}, "arbeidsforholdtype"),
        ({"sluttdato": START - timedelta(days=1)}, "sluttdato is before startdato"),
        ({"sluttaarsak": "arbeidstakerHarSagtOppSelv"}, "needs a sluttdato"),
        ({"sluttdato": date(2025, 2, 1), "sluttaarsak": "lei"}, "sluttaarsak"),
        ({"startdato": date(2027, 1, 1)}, "days ahead"),
        ({"startdato": date(1899, 12, 31)}, "between"),
    ],
)
def test_impossible_input_is_refused_with_422(
    aord: Aordningen, person: str, employer: Employer, changes: dict[str, Any], message: str
) -> None:
    values: dict[str, Any] = {
        "arbeidstaker": person,
        "opplysningspliktig": employer.opplysningspliktig,
        "arbeidssted": employer.arbeidssted,
        "startdato": START,
        "stillingsprosent": 100,
        "yrke": "2512",
    }
    detail = aord.refused(InvalidInput, operations.start_employment, **(values | changes))
    assert message in detail
    assert person not in detail


def test_the_employee_must_be_a_registered_person_alive_at_start(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    unknown = "17868549939"
    values = {
        "opplysningspliktig": employer.opplysningspliktig,
        "arbeidssted": employer.arbeidssted,
        "stillingsprosent": 100,
        "yrke": "2512",
    }
    aord.refused(
        NotFound, operations.start_employment, arbeidstaker=unknown, startdato=START, **values
    )
    born = aord.person(foedselsdato=date(2010, 5, 1))
    detail = aord.refused(
        InvalidInput,
        operations.start_employment,
        arbeidstaker=born,
        startdato=date(2010, 4, 30),
        **values,
    )
    assert "foedselsdato" in detail
    aord.run(register_death, ident=person, doedsdato=date(2025, 3, 1))
    aord.refused(
        Conflict,
        operations.start_employment,
        arbeidstaker=person,
        startdato=date(2025, 3, 2),
        **values,
    )
    # Before the death the person could work: a late registration of an earlier start is fine.
    _start(aord, person, employer, startdato=date(2025, 2, 1))


def test_the_employer_must_be_a_living_entity_and_the_workplace_its_own_sub_unit(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    other = aord.employer("Annen")
    cases: list[tuple[type[Problem], str, str, str]] = [
        (NotFound, "974760673", employer.arbeidssted, "opplysningspliktig"),
        (NotFound, employer.opplysningspliktig, "974760673", "arbeidssted"),
        (InvalidInput, employer.arbeidssted, employer.arbeidssted, "legal entity"),
        (InvalidInput, employer.opplysningspliktig, employer.opplysningspliktig, "sub-unit"),
        (Conflict, employer.opplysningspliktig, other.arbeidssted, "not a sub-unit of"),
    ]
    for problem, opplysningspliktig, arbeidssted, message in cases:
        detail = aord.refused(
            problem,
            operations.start_employment,
            arbeidstaker=person,
            opplysningspliktig=opplysningspliktig,
            arbeidssted=arbeidssted,
            startdato=START,
            stillingsprosent=100,
            yrke="2512",
        )
        assert message in detail

    aord.run(delete_unit, orgnr=employer.other_arbeidssted)
    detail = aord.refused(
        Conflict,
        operations.start_employment,
        arbeidstaker=person,
        opplysningspliktig=employer.opplysningspliktig,
        arbeidssted=employer.other_arbeidssted,
        startdato=START,
        stillingsprosent=100,
        yrke="2512",
    )
    assert "arbeidssted is deleted" in detail
    aord.run(register_bankruptcy, orgnr=other.opplysningspliktig)
    detail = aord.refused(
        Conflict,
        operations.start_employment,
        arbeidstaker=person,
        opplysningspliktig=other.opplysningspliktig,
        arbeidssted=other.arbeidssted,
        startdato=START,
        stillingsprosent=100,
        yrke="2512",
    )
    assert "konkurs" in detail
    aord.run(delete_unit, orgnr=other.opplysningspliktig)
    detail = aord.refused(
        Conflict,
        operations.start_employment,
        arbeidstaker=person,
        opplysningspliktig=other.opplysningspliktig,
        arbeidssted=other.arbeidssted,
        startdato=START,
        stillingsprosent=100,
        yrke="2512",
    )
    assert "deleted" in detail


def test_a_batch_writes_the_good_items_and_refuses_the_others(
    aord: Aordningen, employer: Employer
) -> None:
    people = [aord.person(foedselsdato=date(1980 + n, 1, 1 + n)) for n in range(3)]
    items = [
        Employment(p, employer.opplysningspliktig, employer.arbeidssted, START, 100, "2512")
        for p in people
    ]
    items[1] = Employment(people[1], employer.opplysningspliktig, "974760673", START, 100, "2512")
    items.append(
        Employment(people[2], employer.opplysningspliktig, employer.arbeidssted, START, 0, "2512")
    )
    outcome = aord.run(operations.start_employments, employments=items)
    assert isinstance(outcome[0], Arbeidsforhold) and isinstance(outcome[2], Arbeidsforhold)
    assert isinstance(outcome[1], NotFound) and isinstance(outcome[3], InvalidInput)
    assert aord.snapshot().arbeidsforhold == 2
    assert aord.event_types() == [events.ARBEIDSFORHOLD_OPPRETTET] * 2
    with aord.database.read_session() as session:
        stored = session.scalars(select(Arbeidsforhold).order_by(Arbeidsforhold.id)).all()
        assert [row.arbeidstaker for row in stored] == [people[0], people[2]]
        assert {
            len(d) for d in queries.details_of(session, ids=[r.id for r in stored]).values()
        } == {1}


# ------------------------------------------------------------------------------------------
# Ending
# ------------------------------------------------------------------------------------------


def test_ending_sets_the_end_date_once_and_emits_one_event(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    row = _start(aord, person, employer)
    ended = aord.run(
        operations.end_employment,
        arbeidsforhold_id=row.id,
        sluttdato=date(2025, 5, 31),
        sluttaarsak="arbeidstakerHarSagtOppSelv",
    )
    assert (ended.sluttdato, ended.sluttaarsak, ended.versjon) == (
        date(2025, 5, 31),
        "arbeidstakerHarSagtOppSelv",
        2,
    )
    last = aord.events()[-1].event
    assert last.type == events.ARBEIDSFORHOLD_AVSLUTTET
    assert (last.data["sluttdato"], last.data["navVersjon"]) == ("2025-05-31", 2)
    detail = aord.refused(
        Conflict, operations.end_employment, arbeidsforhold_id=row.id, sluttdato=date(2025, 6, 1)
    )
    assert "already ended" in detail


def test_an_employment_never_ends_before_it_starts(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    row = _start(aord, person, employer)
    aord.refused(
        InvalidInput,
        operations.end_employment,
        arbeidsforhold_id=row.id,
        sluttdato=START - timedelta(days=1),
    )
    aord.refused(NotFound, operations.end_employment, arbeidsforhold_id=row.id + 1, sluttdato=START)
    aord.refused(InvalidInput, operations.end_employment, arbeidsforhold_id=0, sluttdato=START)
    # The same day is a one-day employment.
    aord.run(operations.end_employment, arbeidsforhold_id=row.id, sluttdato=START)


def test_a_batch_ends_an_employment_once(aord: Aordningen, person: str, employer: Employer) -> None:
    row = _start(aord, person, employer)
    outcome = aord.run(
        operations.end_employments,
        endings=[Ending(row.id, date(2025, 3, 1)), Ending(row.id, date(2025, 4, 1))],
    )
    assert isinstance(outcome[0], Arbeidsforhold) and isinstance(outcome[1], Conflict)
    with aord.database.read_session() as session:
        assert queries.get_employment(session, arbeidsforhold_id=row.id).sluttdato == date(
            2025, 3, 1
        )  # type: ignore[union-attr]


def test_an_employment_cannot_end_before_a_month_it_is_paid_for(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    row = _start(aord, person, employer)
    pay = PayReport(person, employer.arbeidssted, {"fastloenn": 50_000}, forskuddstrekk=15_000)
    for month in ("2025-03", "2025-04"):
        aord.run(
            operations.report_month,
            opplysningspliktig=employer.opplysningspliktig,
            kalendermaaned=month,
            inntektsmottakere=[pay],
        )
    detail = aord.refused(
        Conflict, operations.end_employment, arbeidsforhold_id=row.id, sluttdato=date(2025, 3, 31)
    )
    assert "2025-04" in detail
    # April reported again without the employee: now it may end in March.
    aord.run(
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2025-04",
        inntektsmottakere=[],
    )
    aord.run(operations.end_employment, arbeidsforhold_id=row.id, sluttdato=date(2025, 3, 31))


# ------------------------------------------------------------------------------------------
# Changing the details
# ------------------------------------------------------------------------------------------


def test_a_change_keeps_the_earlier_version_as_history(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    row = _start(aord, person, employer)
    changed = aord.run(
        operations.change_employment,
        arbeidsforhold_id=row.id,
        gyldig_fra=date(2025, 4, 1),
        stillingsprosent=80,
    )
    assert changed.versjon == 2
    current, earlier = _details(aord, row.id)
    assert (current.gyldig_fra, current.gyldig_til, current.stillingsprosent, current.yrke) == (
        date(2025, 4, 1),
        None,
        80,
        "2512",
    )
    assert (earlier.gyldig_fra, earlier.gyldig_til, earlier.stillingsprosent) == (
        START,
        date(2025, 3, 31),
        100,
    )
    last = aord.events()[-1].event
    assert last.type == events.ARBEIDSFORHOLD_ENDRET
    assert last.data["gyldigFra"] == "2025-04-01"
    assert "stillingsprosent" not in str(last.data).lower()


def test_a_change_must_change_something_within_the_employment(
    aord: Aordningen, person: str, employer: Employer
) -> None:
    row = _start(aord, person, employer, sluttdato=date(2025, 8, 31))
    change = operations.change_employment
    assert "Nothing changes" in aord.refused(
        Conflict,
        change,
        arbeidsforhold_id=row.id,
        gyldig_fra=date(2025, 2, 1),
        stillingsprosent=100,
    )
    aord.refused(InvalidInput, change, arbeidsforhold_id=row.id, gyldig_fra=date(2025, 2, 1))
    aord.refused(
        InvalidInput, change, arbeidsforhold_id=row.id, gyldig_fra=date(2024, 12, 1), yrke="2511"
    )
    aord.refused(
        Conflict, change, arbeidsforhold_id=row.id, gyldig_fra=date(2025, 9, 1), yrke="2511"
    )
    aord.refused(Conflict, change, arbeidsforhold_id=row.id, gyldig_fra=START, yrke="2511")
    aord.refused(NotFound, change, arbeidsforhold_id=row.id + 1, gyldig_fra=START, yrke="2511")
    aord.run(change, arbeidsforhold_id=row.id, gyldig_fra=date(2025, 3, 1), yrke="2511")
    assert "on or after" in aord.refused(
        Conflict, change, arbeidsforhold_id=row.id, gyldig_fra=date(2025, 3, 1), yrke="2512"
    )
    # An end before the last change would leave details after the end.
    open_ended = _start(aord, person, employer, arbeidssted=employer.other_arbeidssted)
    aord.run(change, arbeidsforhold_id=open_ended.id, gyldig_fra=date(2025, 3, 1), yrke="2511")
    assert "details change after" in aord.refused(
        Conflict,
        operations.end_employment,
        arbeidsforhold_id=open_ended.id,
        sluttdato=date(2025, 2, 28),
    )
