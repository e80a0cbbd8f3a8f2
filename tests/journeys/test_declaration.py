"""Declaring a life event: a step builds only on steps declared before it."""

from __future__ import annotations

import pytest

from felles.journeys.declaration import Agency, LifeEvent, Step, StepState
from felles.journeys.status import StepStatus

TEXT = {"nb": "Tekst", "nn": "Tekst", "en": "Text"}
AGENCY = Agency("889640782", "NAV")


def _state(_context: object) -> StepState:
    return StepState(StepStatus.DONE, TEXT)


def _step(step_id: str, *after: str) -> Step:
    return Step(step_id, TEXT, AGENCY, "tjeneste", _state, after=after)


def _event(*steps: Step) -> LifeEvent:
    return LifeEvent(
        id="proeve",
        title=TEXT,
        description=TEXT,
        trigger_types=("no.felles.proeve",),
        date_field="dato",
        followers=frozenset({"selv"}),
        steps=steps,
    )


def test_a_step_may_build_on_steps_declared_before_it() -> None:
    event = _event(_step("a"), _step("b", "a"), _step("c", "a", "b"))
    assert [s.after for s in event.steps] == [(), ("a",), ("a", "b")]


@pytest.mark.parametrize(
    "steps",
    [
        (_step("a", "b"), _step("b")),  # declared after it
        (_step("a"), _step("b", "x")),  # no such step
        (_step("a", "a"),),  # itself
    ],
)
def test_a_step_cannot_build_on_a_later_unknown_or_its_own_step(steps: tuple[Step, ...]) -> None:
    with pytest.raises(ValueError, match="not steps declared before it"):
        _event(*steps)
