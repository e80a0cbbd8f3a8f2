"""The simulator: life events through the registry operations, at Norway's rates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import text

from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import Conflict
from felles.kernel.events import StoredEvent, last_seq, read_events
from felles.models import metadata
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import operations, queries, sampling
from felles.registries.krr import events as krr_events
from felles.synth import reference, simulator
from felles.synth.population import generate_population
from felles.synth.simulator import CONFIRMED, DEFAULT_START, SimulationReport, simulate

PERSONS = 2000
DAYS = 30
# Norway's rates on 2 000 people give about one event a day; twenty times that gives a few
# hundred operations in 30 days: enough to compare with the expected counts.
MULTIPLIER = 20.0


# ------------------------------------------------------------------------------ populations


def _populate(database: Database, *, seed: int = 11) -> None:
    generate_population(database, persons=PERSONS, seed=seed)


def _reset(database: Database) -> None:
    """Empty every table (as the conftest does between tests)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.is_postgresql:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
            if connection.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first():
                connection.execute(text("DELETE FROM sqlite_sequence"))


# ---------------------------------------------------------------------------- observations


@dataclass
class Simulated:
    """A simulated population: the report and what the outbox says happened."""

    database: Database
    report: SimulationReport
    residents_before: int
    events: list[StoredEvent]

    def of_type(self, hendelsetype: str) -> list[StoredEvent]:
        return [e for e in self.events if e.event.data.get("hendelsetype") == hendelsetype]


def _events_after(database: Database, seq: int) -> list[StoredEvent]:
    found: list[StoredEvent] = []
    with database.read_session() as session:
        while batch := read_events(session, after_seq=seq, limit=1000):
            found.extend(batch)
            seq = batch[-1].seq
    return found


def _residents(database: Database) -> int:
    with database.read_session() as session:
        return sampling.count_residents(session)


def _run(database: Database, **options: Any) -> Simulated:
    with database.read_session() as session:
        before = last_seq(session)
    residents = _residents(database)
    report = simulate(
        database,
        days=options.pop("days", DAYS),
        seed=options.pop("seed", 5),
        rate_multiplier=options.pop("rate_multiplier", MULTIPLIER),
        # Life events only: working life has its own tests (test_working_life.py).
        with_working_life=options.pop("with_working_life", False),
        **options,
    )
    return Simulated(database, report, residents, _events_after(database, before))


@pytest.fixture
def simulated(database: Database) -> Simulated:
    _populate(database)
    return _run(database, batch_size=97)


def _documents(database: Database, idents: list[str]) -> dict[str, dict[str, Any]]:
    documents: dict[str, dict[str, Any]] = {}
    with database.read_session() as session:
        for offset in range(0, len(idents), queries.MAX_BULK):
            chunk = idents[offset : offset + queries.MAX_BULK]
            for ident, document in queries.get_documents(session, idents=chunk).items():
                assert document is not None, "an event names a person the registry lacks"
                documents[ident] = document
    return documents


def _current(document: dict[str, Any], element: str) -> dict[str, Any]:
    return next(v for v in document[element] if v["erGjeldende"])


# ---------------------------------------------------------------------------------- tests


def test_every_change_is_an_operation_with_its_events(simulated: Simulated) -> None:
    report = simulated.report
    assert report.events_written == len(simulated.events) > 0
    # Folkeregisteret's life events, and KRR's for the contact details people confirmed.
    assert {e.event.source for e in simulated.events} == {ev.SOURCE, krr_events.SOURCE}
    confirmed = [e for e in simulated.events if e.event.source == krr_events.SOURCE]
    assert {e.event.type for e in confirmed} == {krr_events.KONTAKTINFORMASJON_BEKREFTET}
    assert len(confirmed) == report.done[CONFIRMED] > 0
    assert len(simulated.of_type(ev.ENDRING_I_FOEDSEL)) == report.done["birth"]
    assert len(simulated.of_type(ev.PERSON_ER_DOED)) == report.done["death"]
    assert len(simulated.of_type(ev.ENDRING_I_INNFLYTTING)) == report.done["immigration"]
    assert len(simulated.of_type(ev.PERSON_ER_UTFLYTTET)) == report.done["emigration"]
    assert len(simulated.of_type(ev.ENDRING_I_BOSTEDSADRESSE)) == report.operations["move"]
    sivilstand = Counter(
        e.event.data["sivilstand"] for e in simulated.of_type(ev.ENDRING_I_SIVILSTAND)
    )
    assert sivilstand["gift"] == 2 * report.done["marriage"]
    assert sivilstand["skilt"] == 2 * report.done["divorce"]
    assert report.total_operations == sum(report.operations.values())


def test_the_register_agrees_with_the_report(simulated: Simulated) -> None:
    report = simulated.report
    newcomers = simulated.of_type(ev.ENDRING_I_INNFLYTTING)
    settled = len(simulated.of_type(ev.PERSON_ER_BOSATT))  # D-number workers do not settle
    expected = (
        simulated.residents_before
        + report.done["birth"]
        + settled
        - report.done["death"]
        - report.done["emigration"]
    )
    assert report.population_start == simulated.residents_before
    assert _residents(simulated.database) == report.population_end == expected
    assert settled <= len(newcomers)

    children = [e.event.subject or "" for e in simulated.of_type(ev.ENDRING_I_FOEDSEL)]
    for ident, document in _documents(simulated.database, children).items():
        born = date.fromisoformat(_current(document, "foedsel")["foedselsdato"])
        assert report.start <= born <= report.end, ident
        parents = [
            r for r in document["familierelasjon"] if r["relatertPersonsRolle"] in {"mor", "far"}
        ]
        assert any(r["relatertPersonsRolle"] == "mor" for r in parents)


def test_each_kind_happens_at_about_norways_rate(simulated: Simulated) -> None:
    report = simulated.report
    rates = reference.national_rates()
    per_1000 = {
        "birth": rates.births.per_1000,
        "death": rates.deaths.per_1000,
        "immigration": rates.immigrations.per_1000,
        "emigration": rates.emigrations.per_1000,
        "marriage": rates.marriages.per_1000,
        "divorce": rates.divorces.per_1000,
        "move": rates.moves_within_municipality.per_1000
        + rates.moves_between_municipalities.per_1000,
    }
    for kind, rate in per_1000.items():
        expected = rate / 1000 * MULTIPLIER * simulated.residents_before * DAYS / 365
        # Poisson noise on a small population: allow five standard deviations and a bit.
        tolerance = 5 * expected**0.5 + 3
        assert abs(report.planned[kind] - expected) <= tolerance, (kind, report.planned, expected)
        # Nearly every drawn event finds someone it can happen to.
        assert report.done[kind] >= 0.8 * report.planned[kind] - 3, (kind, report.as_dict())


def test_ages_follow_the_life_events(simulated: Simulated) -> None:
    report = simulated.report
    dead = [e.event.subject or "" for e in simulated.of_type(ev.PERSON_ER_DOED)]
    children = [e.event.subject or "" for e in simulated.of_type(ev.ENDRING_I_FOEDSEL)]
    documents = _documents(simulated.database, dead + children)
    ages_at_death = [
        (report.end - date.fromisoformat(_current(documents[i], "foedsel")["foedselsdato"])).days
        / 365.25
        for i in dead
    ]
    # Gompertz: most deaths are of old people (in Norway about nine in ten are over 60).
    assert sorted(ages_at_death)[len(ages_at_death) // 2] > 60
    mothers = [
        r["relatertPerson"]
        for i in children
        for r in documents[i]["familierelasjon"]
        if r["relatertPersonsRolle"] == "mor"
    ]
    for ident, mother in _documents(simulated.database, mothers).items():
        born = date.fromisoformat(_current(mother, "foedsel")["foedselsdato"])
        assert 18 <= (report.start - born).days / 365.25 <= 46, ident


def test_family_relations_stay_symmetric(simulated: Simulated) -> None:
    touched = sorted({e.event.subject or "" for e in simulated.events})
    documents = _documents(simulated.database, touched)
    related = {
        r["relatertPerson"]
        for d in documents.values()
        for r in d["familierelasjon"]
        if r["relatertPerson"] not in documents
    } | {
        v["relatertVedSivilstand"]
        for d in documents.values()
        for v in d["sivilstand"]
        if v.get("relatertVedSivilstand") and v["relatertVedSivilstand"] not in documents
    }
    documents |= _documents(simulated.database, sorted(related))
    for ident in touched:
        document = documents[ident]
        for relation in document["familierelasjon"]:
            mirror = [
                r
                for r in documents[relation["relatertPerson"]]["familierelasjon"]
                if r["relatertPerson"] == ident
                and r["relatertPersonsRolle"] == relation["minRolleForPerson"]
                and r["minRolleForPerson"] == relation["relatertPersonsRolle"]
                and r["erGjeldende"] == relation["erGjeldende"]
            ]
            assert mirror, (ident, relation)
        sivilstand = _current(document, "sivilstand")
        alive = document.get("doedsfall") is None
        # The deceased keeps the sivilstand of the day they died; the survivor is widowed.
        if alive and sivilstand["sivilstand"] in queries.MARRIED:
            spouse = _current(documents[sivilstand["relatertVedSivilstand"]], "sivilstand")
            assert spouse["sivilstand"] in queries.MARRIED
            assert spouse["relatertVedSivilstand"] == ident


def test_no_one_dies_twice_and_the_dead_stay_quiet(simulated: Simulated) -> None:
    deaths = simulated.of_type(ev.PERSON_ER_DOED)
    dead = [e.event.subject for e in deaths]
    assert len(dead) == len(set(dead))
    died_at = {e.event.subject: e.seq for e in deaths}
    for stored in simulated.events:
        subject = stored.event.subject
        if subject in died_at and stored.seq > died_at[subject]:
            # Only the rest of the death registration itself may follow.
            assert stored.event.data["hendelsetype"] == ev.ENDRING_I_DOEDSFALL, stored
    emigrated = {e.event.subject: e.seq for e in simulated.of_type(ev.PERSON_ER_UTFLYTTET)}
    for stored in simulated.events:
        subject = stored.event.subject
        if subject in emigrated and stored.seq > emigrated[subject]:
            # An emigrant can still become a father, a widow(er) or divorced (the spouse
            # stayed), but never moves, dies or marries here.
            assert stored.event.data["hendelsetype"] in {
                ev.ENDRING_I_UTFLYTTING,
                ev.ENDRING_I_FAMILIERELASJON,
                ev.ENDRING_I_SIVILSTAND,
            }, stored
            assert stored.event.data.get("sivilstand") != "gift", stored


def test_events_happen_in_simulated_time_day_by_day(simulated: Simulated) -> None:
    report = simulated.report
    times = [e.event.time.astimezone(UTC) for e in simulated.events]
    assert times == sorted(times)
    assert report.start <= times[0].date() and times[-1].date() <= report.end
    assert len({t.date() for t in times}) > DAYS // 2


def test_the_same_seed_gives_the_same_registry(database: Database) -> None:
    def fingerprint(run: Simulated) -> list[tuple[str, str | None, str]]:
        return [(e.event.type, e.event.subject, e.event.time.isoformat()) for e in run.events]

    _populate(database)
    first = fingerprint(_run(database, days=10))
    _reset(database)
    _populate(database)
    again = fingerprint(_run(database, days=10))
    _reset(database)
    _populate(database)
    other = fingerprint(_run(database, days=10, seed=6))
    assert first == again
    assert first != other


def test_the_next_run_starts_the_day_after_the_last(database: Database) -> None:
    assert simulator._first_day(database) == DEFAULT_START
    _populate(database)
    # Busy days (rates ×100), so that the last day surely has events to date the run by.
    first = _run(database, days=2, rate_multiplier=100)
    last_event_day = first.events[-1].event.time.astimezone(UTC).date()
    second = _run(database, days=1, rate_multiplier=100)
    assert second.report.start == last_event_day + timedelta(days=1)
    assert second.report.start == first.report.end + timedelta(days=1)


def test_the_clock_is_restored(database: Database) -> None:
    _populate(database)
    before = get_clock()
    _run(database, days=2)
    assert get_clock() is before


def test_the_clock_is_restored_when_the_run_fails(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(database)
    before = get_clock()

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug, not a refusal")

    monkeypatch.setattr(simulator, "_simulate_day", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        simulate(database, days=2, seed=1)
    assert get_clock() is before


def test_a_refused_operation_costs_nothing_else(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(database)
    real_moves: Callable[..., Any] = operations.register_moves
    calls = Counter[str]()
    refused: set[str] = set()

    def sometimes_refused(uow: Any, **kwargs: Any) -> Any:
        # The moves are written first, then refused: the savepoint must undo them.
        moved = real_moves(uow, **kwargs)
        calls["move"] += 1
        if calls["move"] % 3 == 0:
            refused.update(move.ident for move in kwargs["moves"])
            raise Conflict("refused by the test")
        return moved

    monkeypatch.setattr(operations, "register_moves", sometimes_refused)
    run = _run(database, days=5)
    assert run.report.refusals["move"] > 0
    assert run.report.events_written == len(run.events)
    moves = run.of_type(ev.ENDRING_I_BOSTEDSADRESSE)
    assert len(moves) == run.report.operations["move"]
    # Whoever has no move event was not moved: the refused writes were undone, and with
    # them the moves of the rest of the household in the same savepoint.
    moved = {e.event.subject for e in moves}
    gone = {e.event.subject for e in run.of_type(ev.PERSON_ER_UTFLYTTET)}
    # Newborns and newcomers got their first address (and flyttedato) during the run.
    new = {e.event.subject for e in run.of_type(ev.PERSON_ER_OPPRETTET)}
    unmoved = sorted(refused - moved - gone - new)
    assert unmoved
    for ident, document in _documents(database, unmoved).items():
        for version in document.get("bostedsadresse", []):
            if version["erGjeldende"] and "flyttedato" in version:
                assert version["flyttedato"] < run.report.start.isoformat(), ident


def test_the_report_renders_and_counts(simulated: Simulated) -> None:
    report = simulated.report
    console = Console(record=True, width=120)
    console.print(report.summary())
    rendered = console.export_text()
    for label in ("Births", "Deaths", "Marriages", "Moves", "Events written"):
        assert label in rendered
    data = report.as_dict()
    assert data["total_operations"] == report.total_operations > 0
    assert data["events_written"] == report.events_written
    assert report.seconds > 0 and report.operations_per_second > 0
    assert report.end == report.start + timedelta(days=DAYS - 1)


def test_bad_arguments_are_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="days"):
        simulate(database, days=0, seed=1)
    with pytest.raises(ValueError, match="batch_size"):
        simulate(database, days=1, seed=1, batch_size=0)


def test_an_empty_registry_simulates_quietly(database: Database) -> None:
    report = simulate(database, start=date(2025, 3, 1), days=3, seed=1)
    assert report.total_operations == 0
    assert report.events_written == 0
    assert report.start == date(2025, 3, 1)
