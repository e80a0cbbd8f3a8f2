"""The simulator runs other kinds than moves several to a savepoint; a refusal undoes the group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from felles.kernel.db import Database
from felles.kernel.errors import Conflict
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister import operations
from tests.synth.test_simulator import _documents, _populate, _run


def test_a_refused_operation_in_a_group_undoes_only_itself(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(database)
    real_death: Callable[..., Any] = operations.register_death
    calls = Counter[str]()
    refused: set[str] = set()

    def sometimes_refused(uow: Any, **kwargs: Any) -> Any:
        # The death is written (and its events emitted) first, then refused.
        dead = real_death(uow, **kwargs)
        calls["death"] += 1
        if calls["death"] % 2 == 0:
            refused.add(kwargs["ident"])
            raise Conflict("refused by the test")
        return dead

    monkeypatch.setattr(operations, "register_death", sometimes_refused)
    run = _run(database, days=8)
    report = run.report
    assert report.refusals["death"] > 0
    assert report.events_written == len(run.events)
    deaths = {e.event.subject for e in run.of_type(ev.PERSON_ER_DOED)}
    assert len(deaths) == report.done["death"] == report.operations["death"]
    # Every kind's count agrees with the outbox although groups were undone and run again.
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
    still_alive = sorted(refused - deaths)
    assert still_alive
    for ident, document in _documents(database, still_alive).items():
        assert document.get("doedsfall") in (None, []), ident
