from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from felles.kernel.clock import SimulatedClock, SystemClock, get_clock, use_clock


def test_simulated_clock_moves_only_forward() -> None:
    clock = SimulatedClock(datetime(2025, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(days=1)) == datetime(2025, 1, 2, tzinfo=UTC)
    assert clock.today().isoformat() == "2025-01-02"
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        clock.set(datetime(2024, 12, 31, tzinfo=UTC))


def test_naive_start_is_taken_as_utc() -> None:
    assert SimulatedClock(datetime(2025, 1, 1)).now().tzinfo is UTC


def test_use_clock_swaps_the_process_clock() -> None:
    simulated = SimulatedClock(datetime(2030, 5, 17, tzinfo=UTC))
    previous = use_clock(simulated)
    try:
        assert get_clock().today().isoformat() == "2030-05-17"
    finally:
        use_clock(previous)
    assert isinstance(get_clock(), SystemClock)
