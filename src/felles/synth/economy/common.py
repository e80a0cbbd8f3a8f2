"""Small helpers the economy's modules share: day numbers, sampling, ids and timestamps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

YEAR: Final = 365.25


def day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def days(values: IntArray) -> Any:
    """Day numbers → datetime64[D] (what BulkWriter writes as dates)."""
    return np.asarray(values, dtype=np.int64).astype("datetime64[D]")


def seconds(day_values: IntArray, rng: np.random.Generator) -> Any:
    """Day numbers → datetime64[s] at a random working-day time (UTC)."""
    day_values = np.asarray(day_values, dtype=np.int64)
    clock = rng.integers(7 * 3600, 19 * 3600, day_values.size)
    return (day_values * 86_400 + clock).astype("datetime64[s]")


def objects(values: Any) -> ObjArray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def draw(weights: FloatArray, rng: np.random.Generator, size: int) -> IntArray:
    """``size`` indices drawn with probability proportional to ``weights``."""
    cdf = np.cumsum(weights, dtype=np.float64)
    if size == 0 or cdf[-1] <= 0:
        return np.zeros(size, dtype=np.int64)
    picks = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(picks, weights.size - 1).astype(np.int64)


def round_randomly(expected: float, rng: np.random.Generator) -> int:
    """floor or ceil of ``expected``, keeping the expectation (small regions get their share)."""
    return int(np.floor(expected + rng.random()))


def ages(birth: IntArray, day: int) -> IntArray:
    """Completed years on ``day`` (day numbers; exact enough for sampling)."""
    return np.floor((day - birth) / YEAR).astype(np.int64)


@dataclass(slots=True)
class Ids:
    """The next explicit id per table (BulkWriter moves the sequences past them at the end)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str, count: int) -> IntArray:
        first = self.next.get(table, 1)
        self.next[table] = first + count
        return first + np.arange(count, dtype=np.int64)


@dataclass(slots=True)
class OrgnrPool:
    """Synthetic organisation numbers (decision 0014), handed out in order."""

    numbers: npt.NDArray[np.str_]
    used: int = 0

    def take(self, count: int) -> ObjArray:
        if self.used + count > self.numbers.size:
            raise RuntimeError("ran out of pre-allocated organisation numbers")
        taken = self.numbers[self.used : self.used + count]
        self.used += count
        return taken.astype(object)
