"""The outcome of a batched command: per item still open, refused (a ``Problem``) or done.

Every registry's commands that come in volume are batches (decisions 0010 and 0013): each
item is checked with the same rules and messages as the single command, a refused item writes
nothing, the others are written together with a few set-based statements. ``single`` turns
the outcome of a batch of one back into the single command's result or raised ``Problem``.

An item may take part only once in a batch per key (a person, a cadastral unit): ``claim``
and ``reserve`` keep the keys of the items accepted so far, so that every item is checked
against the register as it was before the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from felles.kernel.errors import Conflict, Problem

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Batch(Generic[T]):
    """The outcome of each item of a batch of ``size`` items."""

    size: int
    outcome: list[T | Problem | None] = field(init=False)
    _claimed: set[Hashable] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.outcome = [None] * self.size

    def open(self) -> list[int]:
        """The items not refused (yet)."""
        return [i for i, result in enumerate(self.outcome) if not isinstance(result, Problem)]

    def each(self, check: Callable[[int], R]) -> dict[int, R]:
        """Run ``check`` on every open item; a ``Problem`` it raises refuses the item.

        Returns what ``check`` returned for each item that passed, by index.
        """
        passed: dict[int, R] = {}
        for index in self.open():
            try:
                passed[index] = check(index)
            except Problem as problem:
                self.refuse(index, problem)
        return passed

    def refuse(self, index: int, problem: Problem) -> None:
        self.outcome[index] = problem

    def reserve(self, keys: Iterable[Hashable], *, what: str) -> None:
        """Reserve the keys of the item being checked; Conflict when an earlier item has one.

        ``what`` names the kind of key in the message ("A person", "The unit").
        """
        wanted = set(keys)
        if wanted & self._claimed:
            raise Conflict(
                f"{what} of this registration is part of another registration of the same "
                "batch; register them one at a time"
            )
        self._claimed |= wanted

    def claim(self, index: int, keys: Iterable[Hashable], *, what: str) -> bool:
        """Reserve the item's keys; refuse the item (and say False) when one is taken."""
        try:
            self.reserve(keys, what=what)
        except Conflict as problem:
            self.refuse(index, problem)
            return False
        return True

    def done(self, index: int, result: T) -> None:
        self.outcome[index] = result

    def results(self) -> list[T | Problem]:
        """Every item's outcome (each item must be refused or done by now)."""
        if any(result is None for result in self.outcome):
            raise RuntimeError("an item of the batch was neither done nor refused")
        return cast("list[T | Problem]", self.outcome)


def single(outcome: Sequence[T | Problem]) -> T:
    """The result of a batch of one, or its Problem raised."""
    (result,) = outcome
    if isinstance(result, Problem):
        raise result
    return result
