"""One clock for the whole system, so that the simulator can move time forward.

Registry operations never call ``datetime.now()`` directly: they ask the clock. In normal
running the clock follows the wall clock; the simulator switches it to a ``SimulatedClock``
that only moves when told to.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant (timezone-aware, UTC)."""
        ...

    def today(self) -> date:
        """The current date (UTC)."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class SimulatedClock:
    """A clock that stands still until ``advance`` or ``set`` moves it. Thread-safe."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (never backward) and return the new instant."""
        if delta < timedelta(0):
            raise ValueError("the clock cannot move backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        with self._lock:
            if instant < self._now:
                raise ValueError("the clock cannot move backwards")
            self._now = instant


_clock: Clock = SystemClock()


def get_clock() -> Clock:
    """The process-wide clock."""
    return _clock


def use_clock(clock: Clock) -> Clock:
    """Replace the process-wide clock (the simulator and tests do this); returns the old one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def aware(instant: datetime) -> datetime:
    """The instant with its time zone (SQLite gives DateTime columns back naive, in UTC)."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
