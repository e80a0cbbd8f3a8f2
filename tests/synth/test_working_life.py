"""Working life in the simulator: businesses, associations, jobs and each month's pay."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from felles.kernel.db import Database
from felles.kernel.events import StoredEvent, read_events
from felles.registries.aordningen.model import AMelding, Arbeidsforhold, Inntekt
from felles.registries.aordningen.sampling import EmploymentToReport
from felles.registries.enhetsregisteret.model import Enhet, Rolle
from felles.registries.folkeregister.model import Person
from felles.synth import working_life
from felles.synth.economy import generate_economy
from felles.synth.population import generate_population
from felles.synth.simulator import SimulationReport, simulate

PERSONS = 3_000
START = date(2025, 1, 1)
DAYS = 36  # to 5 February: January's a-meldinger are due that day
MULTIPLIER = 20.0


@dataclass
class Simulated:
    database: Database
    report: SimulationReport
    events: list[StoredEvent]


def _events(database: Database) -> list[StoredEvent]:
    found: list[StoredEvent] = []
    seq = 0
    with database.read_session() as session:
        while batch := read_events(session, after_seq=seq, limit=1000):
            found.extend(batch)
            seq = batch[-1].seq
    return found


@pytest.fixture
def simulated(database: Database) -> Simulated:
    generate_population(database, persons=PERSONS, seed=7)
    generate_economy(database, seed=7)
    report = simulate(database, start=START, days=DAYS, seed=3, rate_multiplier=MULTIPLIER)
    return Simulated(database, report, _events(database))


def test_month_reported_on_the_fifth() -> None:
    assert working_life.month_reported_on(date(2025, 2, 5)) == "2025-01"
    assert working_life.month_reported_on(date(2025, 1, 5)) == "2024-12"
    assert working_life.month_reported_on(date(2025, 2, 4)) is None


def _employment(start: date, end: date | None, last: int | None, last_month: str | None) -> Any:
    return EmploymentToReport(
        id=1,
        arbeidstaker="x",
        opplysningspliktig="y",
        arbeidssted="z",
        startdato=start,
        sluttdato=end,
        stillingsprosent=100.0,
        last_fastloenn=last,
        last_month=last_month,
    )


def test_monthly_pay_is_for_the_days_worked() -> None:
    rng = random.Random(1)
    whole = _employment(date(2020, 1, 1), None, 62_000, "2024-12")
    assert working_life.monthly_pay(rng, whole, "2025-01") == 62_000
    # Started on 17 December (15 of 31 days paid then): a whole month is 31/15 of that.
    started = _employment(date(2024, 12, 17), None, 30_000, "2024-12")
    assert working_life.monthly_pay(rng, started, "2025-01") == 62_000
    # Ends on 10 January: 10 of 31 days.
    ending = _employment(date(2020, 1, 1), date(2025, 1, 10), 62_000, "2024-12")
    assert working_life.monthly_pay(rng, ending, "2025-01") == 20_000
    # New in January, from the 1st: a whole month's pay drawn for its position.
    new = _employment(date(2025, 1, 1), None, None, None)
    assert 1_000 <= working_life.monthly_pay(rng, new, "2025-01") <= 1_000_000


def test_every_kind_of_working_life_happens_with_its_events(simulated: Simulated) -> None:
    operations = simulated.report.operations
    for kind in ("business_founded", "job_started", "job_ended", "pay_reported"):
        assert operations[kind] > 0, simulated.report.as_dict()
    sources = Counter(e.event.source for e in simulated.events)
    assert sources["/enhetsregisteret"] > 0
    assert sources["/aordningen"] > 0
    assert sources["/folkeregisteret"] > 0


def test_each_employer_reports_january_once_with_the_pay_it_reported_before(
    simulated: Simulated,
) -> None:
    with simulated.database.read_session() as session:
        january = list(
            session.scalars(
                select(AMelding).where(
                    AMelding.kalendermaaned == "2025-01", AMelding.erstattet.is_(None)
                )
            )
        )
        assert january, "no a-melding for January"
        employers = [m.opplysningspliktig for m in january]
        assert len(employers) == len(set(employers))
        # Every person lasting into January at a workplace (as a living resident) is paid
        # for it there: two employments of one person at one workplace share one line.
        lasting = session.execute(
            select(Arbeidsforhold.arbeidstaker, Arbeidsforhold.arbeidssted)
            .join(Person, Person.ident == Arbeidsforhold.arbeidstaker)
            .where(
                Arbeidsforhold.startdato <= date(2025, 1, 31),
                (Arbeidsforhold.sluttdato.is_(None))
                | (Arbeidsforhold.sluttdato >= date(2025, 1, 1)),
                Person.status == "bosatt",
            )
        ).all()
        paid = session.execute(
            select(Inntekt.norskident, Inntekt.virksomhet).where(
                Inntekt.kalendermaaned == "2025-01", Inntekt.beskrivelse == "fastloenn"
            )
        ).all()
        assert {tuple(row) for row in lasting} <= {tuple(row) for row in paid}
        # An employment that lasted all of December and January is paid the same in both.
        whole = set(
            session.scalars(
                select(Arbeidsforhold.id).where(
                    Arbeidsforhold.startdato < date(2024, 12, 1),
                    (Arbeidsforhold.sluttdato.is_(None))
                    | (Arbeidsforhold.sluttdato > date(2025, 1, 31)),
                )
            )
        )
        pay = session.execute(
            select(Inntekt.arbeidsforhold_id, Inntekt.kalendermaaned, Inntekt.beloep).where(
                Inntekt.kalendermaaned.in_(("2024-12", "2025-01")),
                Inntekt.beskrivelse == "fastloenn",
            )
        ).all()
        # (Not where a person has two employments at one workplace: those share a line.)
        workplaces: dict[tuple[str, str], list[int]] = {}
        for employment_id, ident, arbeidssted in session.execute(
            select(Arbeidsforhold.id, Arbeidsforhold.arbeidstaker, Arbeidsforhold.arbeidssted)
        ):
            workplaces.setdefault((ident, arbeidssted), []).append(employment_id)
        shared = {i for ids in workplaces.values() if len(ids) > 1 for i in ids}
    by_month: dict[str, dict[int, int]] = {}
    for employment_id, month, amount in pay:
        by_month.setdefault(month, {})[employment_id] = amount
    both = set(by_month["2024-12"]) & set(by_month["2025-01"]) & whole - shared
    assert both
    assert all(by_month["2024-12"][e] == by_month["2025-01"][e] for e in both)


def test_the_generated_december_is_not_reported_again(simulated: Simulated) -> None:
    with simulated.database.read_session() as session:
        versions = session.scalars(
            select(func.max(AMelding.versjon)).where(AMelding.kalendermaaned == "2024-12")
        ).one()
    assert versions == 1


def test_new_businesses_have_their_founder_and_registers(simulated: Simulated) -> None:
    with simulated.database.read_session() as session:
        new = list(
            session.scalars(
                select(Enhet).where(Enhet.stiftelsesdato >= START, Enhet.er_underenhet.is_(False))
            )
        )
        assert new
        for enhet in new:
            roles = {
                r.rolletype: r.person_ident
                for r in session.scalars(select(Rolle).where(Rolle.enhet_id == enhet.id))
            }
            founder = next(iter(roles.values()))
            assert session.scalar(select(Person.id).where(Person.ident == founder)) is not None
            if enhet.organisasjonsform == "AS":
                assert set(roles) >= {"DAGL", "LEDE"}
                assert enhet.registrert_i_foretaksregisteret
                sub_units = session.scalar(
                    select(func.count()).where(Enhet.overordnet_enhet == enhet.organisasjonsnummer)
                )
                assert sub_units == 1
            elif enhet.organisasjonsform == "ENK":
                assert set(roles) == {"INNH"}
            else:
                assert enhet.organisasjonsform == "FLI"
                assert enhet.registrert_i_frivillighetsregisteret


def test_closed_businesses_keep_no_active_employment(simulated: Simulated) -> None:
    with simulated.database.read_session() as session:
        closed = list(
            session.scalars(
                select(Enhet.organisasjonsnummer).where(
                    (Enhet.konkursdato >= START) | (Enhet.under_avvikling_dato >= START)
                )
            )
        )
        for orgnr in closed:
            still = session.scalar(
                select(func.count()).where(
                    Arbeidsforhold.opplysningspliktig == orgnr,
                    Arbeidsforhold.sluttdato.is_(None),
                )
            )
            assert still == 0, orgnr
        assert closed, "nothing closed: the test proves nothing"


def test_the_employments_of_the_departed_end_at_the_next_report(simulated: Simulated) -> None:
    report_day = date(2025, 2, 5)
    with simulated.database.read_session() as session:
        departed = session.execute(
            select(Person.ident, Person.doedsdato, Person.utflyttingsdato).where(
                Person.status != "bosatt"
            )
        ).all()
        left = {
            ident: died or emigrated
            for ident, died, emigrated in departed
            if (died or emigrated) is not None and (died or emigrated) < report_day
        }
        assert left, "nobody died or emigrated: the test proves nothing"
        employments = session.execute(
            select(Arbeidsforhold.arbeidstaker, Arbeidsforhold.sluttdato).where(
                Arbeidsforhold.arbeidstaker.in_(sorted(left)),
                Arbeidsforhold.startdato < date(2025, 1, 1),
            )
        ).all()
    assert employments, "none of the departed had a job: the test proves nothing"
    for ident, sluttdato in employments:
        assert sluttdato is not None, ident
        assert sluttdato >= min(left[ident], date(2025, 1, 1)), ident
