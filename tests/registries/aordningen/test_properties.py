"""Properties of random employments and reports.

Whatever sequence of starts, ends, changes and monthly reports happens (many of them refused,
because they make no sense for the employment or month drawn), on a few people and two
employers:

* pay is only ever reported (in the current reports) for an existing employment of that
  person, employer and sub-unit that lasts into the month;
* an employment never ends before it starts, and its details are one unbroken chain of
  versions from its start;
* every event matches a committed change, and a command added exactly its events; a refused
  one added nothing at all.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from felles.kernel.errors import Problem
from felles.registries.aordningen import events, kodeverk, operations
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)
from felles.registries.aordningen.operations import (
    Employment,
    Ending,
    MonthlyReport,
    PayReport,
)
from tests.registries.aordningen.conftest import Aordningen, Employer, empty_registers

BASE = date(2024, 1, 1)
MONTHS = [kodeverk.month_of(date(2024 + m // 12, m % 12 + 1, 1)) for m in range(18)]
WHO = st.integers(min_value=0, max_value=2)
EMPLOYER = st.integers(min_value=0, max_value=1)
UNIT = st.integers(min_value=0, max_value=2)  # 2: a sub-unit of the other employer
DAY = st.integers(min_value=0, max_value=540)
WHICH = st.integers(min_value=0, max_value=7)  # an employment made so far (modulo)
AFTER_START = st.integers(min_value=-30, max_value=400)  # days from that employment's start
START = st.tuples(WHO, EMPLOYER, UNIT, DAY, st.none() | st.integers(0, 400))
# A report for the employer of an employment made so far: the month (0 = its start month, or
# one of MONTHS when ``absolute``), pay for its employee at its sub-unit, and random others.
REPORT = st.tuples(
    WHICH,
    st.booleans(),
    st.integers(min_value=0, max_value=len(MONTHS) - 1),
    st.lists(st.tuples(WHO, UNIT), max_size=1),
)
# Employments every example starts with (their sub-unit is their employer's own).
FIRST = st.lists(
    st.tuples(WHO, EMPLOYER, st.integers(0, 1), DAY, st.none()), min_size=1, max_size=3
)
STEPS = st.one_of(
    st.tuples(st.just("start"), st.lists(START, min_size=1, max_size=3)),
    st.tuples(st.just("end"), st.lists(st.tuples(WHICH, AFTER_START), min_size=1, max_size=2)),
    st.tuples(st.just("change"), WHICH, AFTER_START, st.sampled_from([50.0, 80.0, 100.0])),
    st.tuples(st.just("report"), st.lists(REPORT, min_size=1, max_size=2)),
)


def _day(offset: int) -> date:
    return BASE + timedelta(days=offset)


def _unit(employers: list[Employer], employer: int, unit: int) -> str:
    if unit == 2:
        return employers[1 - employer].arbeidssted
    own = employers[employer]
    return own.arbeidssted if unit == 0 else own.other_arbeidssted


class World:
    def __init__(self, aord: Aordningen) -> None:
        self.aord = aord
        self.people = [aord.person(foedselsdato=date(1970 + 9 * n, 1 + n, 5)) for n in range(3)]
        self.employers = [aord.employer("Alfa"), aord.employer("Beta")]
        self.employments: list[Arbeidsforhold] = []
        self.expected_events = 0

    def _reported_before(self, report: MonthlyReport) -> set[str]:
        with self.aord.database.read_session() as session:
            query = (
                select(Inntekt.norskident)
                .join(AMelding, AMelding.id == Inntekt.amelding_id)
                .where(
                    AMelding.opplysningspliktig == report.opplysningspliktig,
                    AMelding.kalendermaaned == report.kalendermaaned,
                    AMelding.erstattet.is_(None),
                )
            )
            return set(session.scalars(query))

    def command(self, step: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        kind, *args = step
        if kind == "start":
            items = [
                Employment(
                    arbeidstaker=self.people[who],
                    opplysningspliktig=self.employers[employer].opplysningspliktig,
                    arbeidssted=_unit(self.employers, employer, unit),
                    startdato=_day(day),
                    sluttdato=None if length is None else _day(day + length),
                    stillingsprosent=100,
                    yrke="2512",
                )
                for who, employer, unit, day, length in args[0]
            ]
            return operations.start_employments, {"employments": items}
        if kind == "end":
            endings = []
            for which, days in args[0]:
                made = self._employment(which)
                endings.append(Ending(made.id, made.startdato + timedelta(days=days)))
            return operations.end_employments, {"endings": endings}
        if kind == "change":
            which, days, prosent = args
            made = self._employment(which)
            request = {
                "arbeidsforhold_id": made.id,
                "gyldig_fra": made.startdato + timedelta(days=days),
                "stillingsprosent": prosent,
            }
            return operations.change_employment, request
        reports = []
        for which, absolute, month, others in args[0]:
            made = self._employment(which)
            employer = next(
                n
                for n, e in enumerate(self.employers)
                if e.opplysningspliktig == made.opplysningspliktig
            )
            own = PayReport(made.arbeidstaker, made.arbeidssted, {"fastloenn": 40_000}, 12_000)
            lines = [own] + [
                PayReport(
                    self.people[who], _unit(self.employers, employer, unit), {"timeloenn": 5_000}
                )
                for who, unit in others
            ]
            start = kodeverk.month_of(made.startdato)
            reports.append(
                MonthlyReport(
                    made.opplysningspliktig,
                    MONTHS[month] if absolute else start,
                    lines,
                )
            )
        return operations.report_months, {"reports": reports}

    def _employment(self, which: int) -> Arbeidsforhold:
        """An employment made so far (a made-up one, unknown to the register, when none is)."""
        if not self.employments:
            employer = self.employers[0]
            return Arbeidsforhold(
                id=1,
                arbeidstaker=self.people[0],
                opplysningspliktig=employer.opplysningspliktig,
                arbeidssted=employer.arbeidssted,
                startdato=BASE,
            )
        return self.employments[which % len(self.employments)]

    def apply(self, step: tuple[Any, ...], tally: Counter[str]) -> None:
        command, request = self.command(step)
        before = self.aord.snapshot()
        earlier = (
            [self._reported_before(r) for r in request["reports"]] if step[0] == "report" else []
        )
        try:
            result = self.aord.run(command, **request)
        except Problem:
            assert self.aord.snapshot() == before, f"refused {step[0]} wrote something"
            tally["refused"] += 1
            event(f"{step[0]} refused")
            return
        outcomes = result if isinstance(result, list) else [result]
        expected = 0
        for number, outcome in enumerate(outcomes):
            if isinstance(outcome, Problem):
                tally["refused"] += 1
                continue
            tally[step[0]] += 1
            expected += 1
            if isinstance(outcome, Arbeidsforhold) and step[0] == "start":
                self.employments.append(outcome)
            if isinstance(outcome, AMelding):
                now = {line.norskident for line in request["reports"][number].inntektsmottakere}
                expected += len(now) + len(earlier[number] - now)
        event(f"{step[0]}: {expected} events")
        assert self.aord.snapshot().outbox - before.outbox == expected, step
        self.expected_events += expected


def _assert_pay_only_for_employments_of_the_month(aord: Aordningen) -> None:
    with aord.database.read_session() as session:
        rows = session.execute(
            select(Inntekt, AMelding.opplysningspliktig, Arbeidsforhold)
            .join(AMelding, AMelding.id == Inntekt.amelding_id)
            .join(Arbeidsforhold, Arbeidsforhold.id == Inntekt.arbeidsforhold_id)
            .where(AMelding.erstattet.is_(None))
        ).all()
    for line, opplysningspliktig, employment in rows:
        assert employment.arbeidstaker == line.norskident
        assert employment.opplysningspliktig == opplysningspliktig
        assert employment.arbeidssted == line.virksomhet
        assert kodeverk.active_in(employment.startdato, employment.sluttdato, line.kalendermaaned)


def _assert_employments_are_whole(aord: Aordningen) -> None:
    with aord.database.read_session() as session:
        employments = session.scalars(select(Arbeidsforhold)).all()
        details = session.scalars(
            select(Ansettelsesdetaljer).order_by(
                Ansettelsesdetaljer.arbeidsforhold_id, Ansettelsesdetaljer.gyldig_fra
            )
        ).all()
    chains: dict[int, list[Ansettelsesdetaljer]] = {}
    for detail in details:
        chains.setdefault(detail.arbeidsforhold_id, []).append(detail)
    for employment in employments:
        assert employment.sluttdato is None or employment.sluttdato >= employment.startdato
        chain = chains[employment.id]
        assert chain[0].gyldig_fra == employment.startdato
        assert chain[-1].gyldig_til is None
        for earlier, later in pairwise(chain):
            assert earlier.gyldig_til == later.gyldig_fra - timedelta(days=1)
        if employment.sluttdato is not None:
            assert chain[-1].gyldig_fra <= employment.sluttdato


def _assert_every_event_matches_a_committed_change(aord: Aordningen, expected: int) -> None:
    stored = aord.events()
    assert len(stored) == expected
    with aord.database.read_session() as session:
        employments = {e.id: e for e in session.scalars(select(Arbeidsforhold))}
        starts = {
            (d.arbeidsforhold_id, d.gyldig_fra)
            for d in session.scalars(select(Ansettelsesdetaljer))
        }
        meldinger = {
            (m.opplysningspliktig, m.kalendermaaned, m.versjon): m
            for m in session.scalars(select(AMelding))
        }
        paid = {
            tuple(row) for row in session.execute(select(Inntekt.amelding_id, Inntekt.norskident))
        }
    for item in stored:
        data, kind = item.event.data, item.event.type
        if kind.startswith("no.nav.aareg."):
            employment = employments[data["navArbeidsforholdId"]]
            assert item.event.subject == employment.arbeidstaker == data["arbeidstaker"]
            assert (employment.opplysningspliktig, employment.arbeidssted) == (
                data["opplysningspliktig"],
                data["arbeidssted"],
            )
            if kind == events.ARBEIDSFORHOLD_AVSLUTTET:
                assert data["sluttdato"] == employment.sluttdato.isoformat()  # type: ignore[union-attr]
            if kind == events.ARBEIDSFORHOLD_ENDRET:
                assert (employment.id, date.fromisoformat(data["gyldigFra"])) in starts
            if kind == events.ARBEIDSFORHOLD_OPPRETTET:
                assert data["startdato"] == employment.startdato.isoformat()
            continue
        melding = meldinger[(data["opplysningspliktig"], data["kalendermaaned"], data["versjon"])]
        if kind == events.INNTEKT_ENDRET:
            assert ((melding.id, data["norskident"]) in paid) == data["rapportert"]
        else:
            assert kind == events.MAANED_RAPPORTERT
            assert melding.antall_inntektsmottakere == data["antallInntektsmottakere"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=FIRST, steps=st.lists(STEPS, min_size=1, max_size=14))
def test_random_employments_and_reports_keep_the_invariants(
    aord: Aordningen, first: list[tuple[Any, ...]], steps: list[tuple[Any, ...]]
) -> None:
    empty_registers(aord.database)  # one database per test function: start each example empty
    world = World(aord)
    tally: Counter[str] = Counter()
    for step in [("start", first), *steps]:
        world.apply(step, tally)
    _assert_pay_only_for_employments_of_the_month(aord)
    _assert_employments_are_whole(aord)
    _assert_every_event_matches_a_committed_change(aord, world.expected_events)
