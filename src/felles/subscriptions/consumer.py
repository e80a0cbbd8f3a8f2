"""Registers the bus consumer that queues events for subscriptions (decision 0031).

``felles worker --consumers felles.subscriptions.consumer`` runs it; the deliveries it queues
are sent by ``felles.subscriptions.service.deliver_due`` (``python -m felles.subscriptions``
runs a delivery loop).
"""

from __future__ import annotations

from typing import Final

from felles.kernel.bus import Consumer, register
from felles.subscriptions.service import enqueue

NAME: Final = "event-subscriptions"

CONSUMER: Final = register(Consumer(name=NAME, handler=enqueue))
