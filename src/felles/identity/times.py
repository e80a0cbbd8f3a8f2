"""Instants as the JWT claims and the databases hold them."""

from __future__ import annotations

from datetime import UTC, datetime


def aware(instant: datetime) -> datetime:
    """The instant with its time zone (SQLite gives DateTime columns back naive, in UTC)."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def epoch(instant: datetime) -> int:
    return int(aware(instant).timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
