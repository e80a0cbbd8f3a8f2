"""Instants as the JWT claims and the databases hold them."""

from __future__ import annotations

from datetime import UTC, datetime

from felles.kernel.clock import aware

__all__ = ["aware", "epoch", "from_epoch"]


def epoch(instant: datetime) -> int:
    return int(aware(instant).timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
