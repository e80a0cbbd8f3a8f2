"""The simulator registers each kind in batches; a refusal undoes only what it refused."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from felles.kernel.db import Database, UnitOfWork
from felles.kernel.errors import Conflict, Problem
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import operations
from tests.synth.test_simulator import Simulated, _documents, _populate, _run


def _consistent(run: Simulated) -> None:
    """Every kind's count agrees with the outbox, and the population adds up."""
    report = run.report
    assert report.events_written == len(run.events)
    deaths = {e.event.subject for e in run.of_type(ev.PERSON_ER_DOED)}
    assert len(deaths) == report.done["death"] == report.operations["death"]
    assert len(run.of_type(ev.ENDRING_I_FOEDSEL)) == report.done["birth"]
    assert len(run.of_type(ev.ENDRING_I_INNFLYTTING)) == report.done["immigration"]
    assert len(run.of_type(ev.ENDRING_I_BOSTEDSADRESSE)) == report.operations["move"]
    assert (
        report.population_end
        == report.population_start
        + report.done["birth"]
        + len(run.of_type(ev.PERSON_ER_BOSATT))
        - report.done["death"]
        - report.done["emigration"]
    )


def test_refused_items_write_nothing_and_are_tried_again(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(database)
    real_deaths: Callable[..., Any] = operations.register_deaths
    refused: set[str] = set()

    def every_other_refused(uow: UnitOfWork, *, deaths: Sequence[Any]) -> list[Any]:
        # Every second death is refused by the test before the registry sees it.
        kept = [d for i, d in enumerate(deaths) if i % 2 == 0]
        outcome = iter(real_deaths(uow, deaths=kept))
        results: list[Any] = []
        for i, death in enumerate(deaths):
            if i % 2 == 0:
                results.append(next(outcome))
            else:
                refused.add(death.ident)
                results.append(Conflict("refused by the test"))
        return results

    monkeypatch.setattr(operations, "register_deaths", every_other_refused)
    run = _run(database, days=8)
    assert run.report.refusals["death"] == len(refused) > 0
    assert run.report.done["death"] > 0  # refused deaths were made up for by other picks
    _consistent(run)
    deaths = {e.event.subject for e in run.of_type(ev.PERSON_ER_DOED)}
    still_alive = sorted(refused - deaths)
    assert still_alive
    for ident, document in _documents(database, still_alive).items():
        assert document.get("doedsfall") in (None, []), ident


def test_a_batch_refused_after_writing_is_undone_whole(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(database)
    real_deaths: Callable[..., Any] = operations.register_deaths
    calls = Counter[str]()
    undone: set[str] = set()

    def sometimes_undone(uow: UnitOfWork, *, deaths: Sequence[Any]) -> list[Problem | Any]:
        # The deaths are written (and their events emitted) first, then the whole batch
        # is refused, as a version conflict found while writing would be.
        outcome = real_deaths(uow, deaths=deaths)
        calls["batches"] += 1
        if calls["batches"] % 2 == 0:
            undone.update(d.ident for d in deaths)
            raise Conflict("refused by the test")
        return outcome

    monkeypatch.setattr(operations, "register_deaths", sometimes_undone)
    run = _run(database, days=8)
    assert run.report.refusals["death"] >= len(undone) > 0
    _consistent(run)
    deaths = {e.event.subject for e in run.of_type(ev.PERSON_ER_DOED)}
    still_alive = sorted(undone - deaths)
    assert still_alive
    for ident, document in _documents(database, still_alive).items():
        assert document.get("doedsfall") in (None, []), ident
