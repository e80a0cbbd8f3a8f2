"""Monthly reports (a-meldinger): pay only for employments of the month, replacement, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.registries.aordningen import events, operations, queries
from felles.registries.aordningen.model import AMelding
from felles.registries.aordningen.operations import MonthlyReport, PayReport
from tests.registries.aordningen.conftest import Aordningen, Employer


@pytest.fixture
def employer(aord: Aordningen) -> Employer:
    return aord.employer()


@pytest.fixture
def staff(aord: Aordningen, employer: Employer) -> list[str]:
    """Two employees of the employer's first sub-unit since 2025-01-06."""
    people = [
        aord.person(foedselsdato=date(1980, 2, 3)),
        aord.person(foedselsdato=date(1990, 4, 5)),
    ]
    aord.run(
        operations.start_employments,
        employments=[
            operations.Employment(
                p, employer.opplysningspliktig, employer.arbeidssted, date(2025, 1, 6), 100, "2512"
            )
            for p in people
        ],
    )
    return people


def _report(aord: Aordningen, employer: Employer, month: str, pay: list[PayReport]) -> AMelding:
    return aord.run(
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned=month,
        inntektsmottakere=pay,
    )


def _pay(person: str, employer: Employer, **inntekter: int) -> PayReport:
    return PayReport(person, employer.arbeidssted, inntekter or {"fastloenn": 50_000}, 15_000)


def test_a_month_is_reported_with_pay_by_kind_and_withholding_tax(
    aord: Aordningen, employer: Employer, staff: list[str]
) -> None:
    first, second = staff
    melding = _report(
        aord,
        employer,
        "2025-05",
        [_pay(first, employer, fastloenn=52_000, bonus=10_000), _pay(second, employer)],
    )
    assert (melding.versjon, melding.antall_inntektsmottakere, melding.erstattet) == (1, 2, None)
    with aord.database.read_session() as session:
        (month,) = queries.income(session, idents=[first], fra="2025-01", til="2025-12")
    assert (month.kalendermaaned, month.opplysningspliktig, month.virksomhet) == (
        "2025-05",
        employer.opplysningspliktig,
        employer.arbeidssted,
    )
    (version,) = month.versjoner
    assert sorted(version.inntekter) == [("bonus", 10_000), ("fastloenn", 52_000)]
    assert version.forskuddstrekk == [15_000]

    reported = [e.event for e in aord.events()][-3:]
    assert [e.type for e in reported] == [
        events.MAANED_RAPPORTERT,
        events.INNTEKT_ENDRET,
        events.INNTEKT_ENDRET,
    ]
    assert reported[0].subject == employer.opplysningspliktig
    assert reported[0].data == {
        "opplysningspliktig": employer.opplysningspliktig,
        "kalendermaaned": "2025-05",
        "versjon": 1,
        "erstatterVersjon": None,
        "antallInntektsmottakere": 2,
    }
    assert {e.subject for e in reported[1:]} == {first, second}
    for event in reported:  # never an amount in an event
        assert not {"52000", "50000", "15000", "10000"} & set(str(event.data).split())
        assert "beloep" not in str(event.data)


def test_reporting_a_month_again_replaces_the_report_and_keeps_the_old_one(
    aord: Aordningen, employer: Employer, staff: list[str]
) -> None:
    first, second = staff
    _report(aord, employer, "2025-05", [_pay(first, employer), _pay(second, employer)])
    again = _report(aord, employer, "2025-05", [_pay(first, employer, fastloenn=55_000)])
    assert again.versjon == 2
    assert aord.snapshot().erstattet == 1

    with aord.database.read_session() as session:
        (current,) = queries.income(session, idents=[first], fra="2025-05", til="2025-05")
        assert current.versjoner[0].inntekter == [("fastloenn", 55_000)]
        assert queries.income(session, idents=[second], fra="2025-05", til="2025-05") == []
        (history,) = queries.income(
            session, idents=[second], fra="2025-05", til="2025-05", history=True
        )
    newest, oldest = history.versjoner
    assert (newest.versjon, newest.inntekter, newest.erstattet) == (2, [], None)
    assert (oldest.versjon, oldest.inntekter) == (1, [("fastloenn", 50_000)])
    assert oldest.erstattet is not None

    replaced = [e.event for e in aord.events()][-3:]
    assert replaced[0].data["erstatterVersjon"] == 1
    assert [(e.subject, e.data["rapportert"]) for e in replaced[1:]] == [
        (first, True),
        (second, False),
    ]


def test_pay_only_for_an_employment_of_the_month(
    aord: Aordningen, employer: Employer, staff: list[str]
) -> None:
    first, _second = staff
    stranger = aord.person(foedselsdato=date(1970, 1, 1))
    detail = aord.refused(
        NotFound,
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2025-05",
        inntektsmottakere=[_pay(first, employer), _pay(stranger, employer)],
    )
    assert detail.startswith("inntektsmottaker 1:")
    detail = aord.refused(
        Conflict,
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2024-12",
        inntektsmottakere=[_pay(first, employer)],
    )
    assert "2024-12" in detail
    # At another sub-unit of the same employer there is no employment.
    aord.refused(
        NotFound,
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2025-05",
        inntektsmottakere=[PayReport(first, employer.other_arbeidssted, {"fastloenn": 1})],
    )
    # The months an employment lasts into are paid, the month after it is not.
    employment = aord.run(
        operations.start_employment,
        arbeidstaker=stranger,
        opplysningspliktig=employer.opplysningspliktig,
        arbeidssted=employer.other_arbeidssted,
        startdato=date(2025, 2, 15),
        sluttdato=date(2025, 3, 1),
        stillingsprosent=40,
        yrke="5223",
    )
    assert employment.id
    pay = PayReport(stranger, employer.other_arbeidssted, {"timeloenn": 9_000})
    _report(aord, employer, "2025-02", [pay])
    _report(aord, employer, "2025-03", [pay])
    aord.refused(
        Conflict,
        operations.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2025-04",
        inntektsmottakere=[pay],
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kalendermaaned": "2025-13"}, "YYYY-MM"),
        ({"kalendermaaned": "2014-12"}, "2015-01"),
        ({"kalendermaaned": "2025-07"}, "future"),
        ({"opplysningspliktig": "12345678"}, "opplysningspliktig"),
        ({"inntekter": {}}, "no inntekt"),
        ({"inntekter": {"fastlønn": 1}}, "beskrivelse"),
        ({"inntekter": {"fastloenn": 0}}, "between 1"),
        ({"inntekter": {"fastloenn": 10**13}}, "between 1"),
        ({"inntekter": {"fastloenn": True}}, "whole number"),
        ({"forskuddstrekk": -1}, "forskuddstrekk"),
        ({"virksomhet": "1"}, "virksomhet"),
        ({"twice": True}, "already in the report"),
    ],
)
def test_impossible_reports_are_refused_whole(
    aord: Aordningen, employer: Employer, staff: list[str], changes: dict[str, Any], message: str
) -> None:
    first, second = staff
    changes = dict(changes)  # the parameters are shared by both databases' runs
    month = changes.pop("kalendermaaned", "2025-05")
    opplysningspliktig = changes.pop("opplysningspliktig", employer.opplysningspliktig)
    twice = changes.pop("twice", False)
    line: dict[str, Any] = {
        "norskident": second,
        "virksomhet": employer.arbeidssted,
        "inntekter": {"fastloenn": 40_000},
        "forskuddstrekk": 0,
    } | changes
    lines = [_pay(first, employer), PayReport(**line)]
    if twice:
        lines.append(PayReport(**line))
    detail = aord.refused(
        InvalidInput,
        operations.report_month,
        opplysningspliktig=opplysningspliktig,
        kalendermaaned=month,
        inntektsmottakere=lines,
    )
    assert message in detail
    assert second not in detail


def test_a_batch_takes_one_report_per_employer_and_month(
    aord: Aordningen, employer: Employer, staff: list[str]
) -> None:
    first, second = staff
    reports = [
        MonthlyReport(employer.opplysningspliktig, "2025-04", [_pay(first, employer)]),
        MonthlyReport(employer.opplysningspliktig, "2025-05", [_pay(first, employer)]),
        MonthlyReport(employer.opplysningspliktig, "2025-04", [_pay(second, employer)]),
        MonthlyReport(employer.opplysningspliktig, "2025-06", [_pay("123", employer)]),
    ]
    outcome = aord.run(operations.report_months, reports=reports)
    assert [type(o).__name__ for o in outcome] == [
        "AMelding",
        "AMelding",
        "Conflict",
        "InvalidInput",
    ]
    assert aord.snapshot().meldinger == 2
    assert aord.event_types().count(events.MAANED_RAPPORTERT) == 2
