"""The journeys' consumer, for ``felles worker --consumers felles.journeys.consumers``."""

from __future__ import annotations

from felles.journeys.opening import register_journeys

register_journeys()
