"""The outcome of a batched command (felles.kernel.batch)."""

from __future__ import annotations

import pytest

from felles.kernel.batch import Batch, single
from felles.kernel.errors import Conflict, InvalidInput


def _odd_is_refused(index: int) -> int:
    if index % 2:
        raise InvalidInput(f"item {index} is odd")
    return index * 10


def test_each_refuses_the_items_whose_check_raises_and_keeps_the_others() -> None:
    batch: Batch[str] = Batch(4)
    passed = batch.each(_odd_is_refused)
    assert passed == {0: 0, 2: 20}
    assert batch.open() == [0, 2]
    with pytest.raises(RuntimeError):
        batch.results()  # 0 and 2 are neither done nor refused yet
    batch.done(0, "a")
    batch.done(2, "c")
    outcome = batch.results()
    assert outcome[0] == "a" and outcome[2] == "c"
    assert isinstance(outcome[1], InvalidInput) and isinstance(outcome[3], InvalidInput)


def test_a_key_takes_part_in_one_item_only() -> None:
    batch: Batch[str] = Batch(3)
    assert batch.claim(0, [1, 2], what="A person")
    assert not batch.claim(1, [2, 3], what="A person")
    assert batch.claim(2, [3], what="A person"), "a refused item reserves nothing"
    (problem,) = [r for r in batch.outcome if isinstance(r, Conflict)]
    assert problem.detail.startswith("A person of this registration is part of another")
    with pytest.raises(Conflict):
        batch.reserve([1], what="The unit")


def test_single_returns_the_result_or_raises_its_problem() -> None:
    assert single(["x"]) == "x"
    with pytest.raises(InvalidInput):
        single([InvalidInput("no")])
