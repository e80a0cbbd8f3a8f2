"""``felles simulate`` for a year with the public services: one barnetrygd case per birth,
automatic where NAV's filter allows, each amount right for the birth date (the rates change
on 2025-05-01 and 2026-02-01, and Finnmark/Nord-Troms get a supplement from 2025-10-01)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from felles.cli import app
from felles.journeys.model import Reise
from felles.journeys.progress import view
from felles.journeys.status import StepStatus
from felles.kernel.db import Database
from felles.kernel.events import read_events
from felles.registries.folkeregister.events import ENDRING_I_FOEDSEL, event_type
from felles.services.barnetrygd import SERVICE
from felles.services.model import Oppgave, Sak, Vedtak
from felles.synth.population import generate_population

LAST_DAY = date(2025, 12, 31)
DONE = frozenset({StepStatus.DONE, StepStatus.DONE_AUTOMATICALLY})


def _amount_in(amounts: list[dict[str, object]], month: date) -> int | None:
    for period in amounts:
        if (
            date.fromisoformat(str(period["fom"]))
            <= month
            <= date.fromisoformat(str(period["tom"]))
        ):
            return int(str(period["beloep"]))
    return None


@pytest.mark.slow
def test_a_simulated_year_gives_one_barnetrygd_case_per_birth(database: Database) -> None:
    generate_population(database, persons=3000, seed=3)
    result = CliRunner().invoke(
        app,
        ["simulate", "--from", "2025-01-01", "--days", "365", "--no-working-life",
         "--database-url", database.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Public services: cases" in result.output

    with database.read_session() as session:
        births = {
            stored.event.subject: stored.event
            for stored in read_events(session, after_seq=0, limit=1_000_000)
            if stored.event.type == event_type(ENDRING_I_FOEDSEL)
        }
        cases = list(session.scalars(select(Sak).where(Sak.service_id == SERVICE.id)))
        vedtak = {v.sak_id: v for v in session.scalars(select(Vedtak))}
        tasks = {t.sak_id: t for t in session.scalars(select(Oppgave))}
        journeys = list(session.scalars(select(Reise).where(Reise.life_event == "faa-barn")))
    assert len(births) >= 20, "a year on 3 000 people has some births"
    assert sorted(c.subject for c in cases) == sorted(births), "one case per birth"
    assert sorted(j.anchor for j in journeys) == sorted(births), "one journey per birth"
    assert "Life events: journeys opened" in result.output
    automatic = [c for c in cases if c.status == "vedtatt"]
    assert len(automatic) >= 0.8 * len(cases), "most births pass NAV's filter"
    for case in cases:
        if case.status == "til_manuell_behandling":
            assert case.id in tasks and case.id not in vedtak
            continue
        assert case.status == "vedtatt"
        decision = vedtak[case.id]
        born = date.fromisoformat(births[case.subject].data["foedselsdato"])
        first = (born.replace(day=1) + timedelta(days=32)).replace(day=1)
        # Decided on the day of the birth (the clock of that simulated day).
        assert decision.decided_at.date() == births[case.subject].time.date()
        assert decision.period_from == first
        if first <= date(2025, 4, 1):
            assert _amount_in(decision.amounts, date(2025, 4, 1)) == 1766
        assert _amount_in(decision.amounts, max(first, date(2025, 6, 1))) in (1968, 2012)
        assert _amount_in(decision.amounts, date(2026, 3, 1)) in (2012, 2012 + 512)

    # Every journey of the year, as the anchor and (a birth) the parent paid see it on three
    # days: no step is done while a step it builds on is still open.
    with database.read_session() as session:
        parts = {c.subject: c.part for c in cases}
        every = list(session.scalars(select(Reise)))
        assert {j.life_event for j in every} >= {"faa-barn", "flytte", "doedsfall-og-arv"}
        for journey in every:
            viewers = {journey.anchor, parts.get(journey.anchor) or journey.anchor}
            for day in (journey.event_date, journey.event_date + timedelta(days=45)):
                for viewer in viewers:
                    shown = view(session, journey, viewer=viewer, today=min(day, LAST_DAY))
                    assert shown is not None
                    for step in shown.steps:
                        done = step.state.status in DONE
                        assert not (done and step.waits_for), (journey.life_event, step.step.id)
