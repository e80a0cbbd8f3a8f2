"""Vectorised date arithmetic for formulas: ages from birth dates without Python loops.

Dates arrive from OpenFisca as ``datetime64[D]`` arrays. Counting calendar months as integers
(months since 1970-01) keeps the age rules exact and cheap enough to screen the whole population
in one pass. numpy's own day-to-month conversion costs about 40 ns a date, so dates between 1850
and 2100 are looked up in a precomputed table instead (one gather), and only dates outside that
range take numpy's path.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from openfisca_core.periods import Period

_TABLE_START = np.datetime64("1850-01-01", "D")
_TABLE_DAYS = np.arange(_TABLE_START, np.datetime64("2100-01-01", "D"))
_MONTH_OF_DAY = _TABLE_DAYS.astype("datetime64[M]").astype(np.int32)
_DAY_OF_MONTH = (_TABLE_DAYS - _TABLE_DAYS.astype("datetime64[M]").astype("datetime64[D]")).astype(
    np.int32
) + 1


def _lookup(dates: NDArray[np.datetime64], table: NDArray[np.int32], slow) -> NDArray[np.int64]:
    offset = (dates.astype("datetime64[D]") - _TABLE_START).astype(np.int64)
    inside = (offset >= 0) & (offset < len(table))
    if inside.all():
        return table[offset].astype(np.int64)
    result = np.empty(len(offset), dtype=np.int64)
    result[inside] = table[offset[inside]]
    result[~inside] = slow(dates[~inside].astype("datetime64[D]"))
    return result


def _slow_month_number(dates: NDArray[np.datetime64]) -> NDArray[np.int64]:
    return dates.astype("datetime64[M]").astype(np.int64)


def _slow_day_of_month(dates: NDArray[np.datetime64]) -> NDArray[np.int64]:
    return (dates - dates.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def month_number(dates: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """Calendar months since 1970-01 (1970-01 → 0, 2024-09 → 656)."""
    return _lookup(dates, _MONTH_OF_DAY, _slow_month_number)


def day_of_month(dates: NDArray[np.datetime64]) -> NDArray[np.int64]:
    """Day of the month, 1–31."""
    return _lookup(dates, _DAY_OF_MONTH, _slow_day_of_month)


def period_month_number(period: Period) -> int:
    """Calendar months since 1970-01 of the first month of ``period``."""
    return (period.start.year - 1970) * 12 + period.start.month - 1


def first_day(period: Period) -> np.datetime64:
    """The first day of ``period`` as ``datetime64[D]``."""
    return np.datetime64(str(period.start), "D")


def first_day_after(period: Period) -> np.datetime64:
    """The first day after ``period`` as ``datetime64[D]``."""
    return np.datetime64(str(period.stop), "D") + 1
