"""Reads for many people at once (the data distributor): assessments and arrears by number."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event

from felles.registries.skatt import operations, queries
from tests.registries.skatt.conftest import Skatt

UNKNOWN = "01815049914"


@contextmanager
def _statements(skatt: Skatt) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(skatt.database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(skatt.database.engine, "before_cursor_execute", record)


def test_assessments_by_ident_reads_many_people_in_one_statement(skatt: Skatt) -> None:
    first, second, none = skatt.person(), skatt.person(), skatt.person()
    for ident, year, dato in (
        (first, 2023, date(2024, 6, 20)),
        (first, 2024, date(2025, 5, 15)),
        (second, 2023, date(2024, 9, 1)),
    ):
        skatt.run(
            operations.make_assessment,
            ident=ident,
            income_year=year,
            loennsinntekt=500_000,
            skatteoppgjoersdato=dato,
        )
    with skatt.database.read_session() as session, _statements(skatt) as seen:
        found = queries.assessments_by_ident(session, idents=[first, second, none, UNKNOWN])
        before = queries.assessments_by_ident(
            session, idents=[first, second], made_by=date(2024, 12, 31)
        )
        every = {ident: queries.assessments_of(session, idents=[ident]) for ident in found}
    assert len(seen) == 2 + len(every)
    assert {ident: [r.inntektsaar for r in rows] for ident, rows in found.items()} == {
        first: [2024, 2023],
        second: [2023],
    }
    assert {ident: [r.id for r in rows] for ident, rows in found.items()} == {
        ident: [r.id for r in rows] for ident, rows in every.items()
    }
    assert {ident: [r.inntektsaar for r in rows] for ident, rows in before.items()} == {
        first: [2023],
        second: [2023],
    }
    with skatt.database.read_session() as session:
        assert queries.assessments_by_ident(session, idents=[]) == {}


def test_arrears_by_debtor_reads_many_debtors_in_one_statement(skatt: Skatt) -> None:
    person, other = skatt.person(), skatt.person()
    employer = skatt.employer()
    for skyldner, kravtype, beloep, forfall in (
        (person, "skatt", 10_000, date(2025, 3, 1)),
        (person, "skatt", 2_000, date(2025, 4, 1)),
        (person, "skatt", 5_000, date(2025, 7, 1)),  # not due yet
        (employer.opplysningspliktig, "merverdiavgift", 30_000, date(2025, 2, 1)),
        (employer.opplysningspliktig, "arbeidsgiveravgift", 1_000, date(2025, 2, 1)),
    ):
        skatt.run(
            operations.register_arrears,
            skyldner=skyldner,
            kravtype=kravtype,
            beloep=beloep,
            forfallsdato=forfall,
        )
    debtors = [person, other, employer.opplysningspliktig]
    with skatt.database.read_session() as session, _statements(skatt) as seen:
        found = queries.arrears_by_debtor(session, skyldnere=[*debtors, person])
    assert len(seen) == 1
    with skatt.database.read_session() as session:
        assert found == {d: queries.arrears_of(session, skyldner=d) for d in debtors}
        later = queries.arrears_by_debtor(session, skyldnere=[person], today=date(2025, 7, 1))
        assert queries.arrears_by_debtor(session, skyldnere=[]) == {}
    assert found[person].forfalt_og_ubetalt == {"skatt": 12_000}
    assert found[other].forfalt_og_ubetalt == {}
    assert found[employer.opplysningspliktig].total == 31_000
    assert later[person].forfalt_og_ubetalt == {"skatt": 17_000}
