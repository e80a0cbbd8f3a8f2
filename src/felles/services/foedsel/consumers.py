"""The birth services' consumers (imported by ``felles.services.consumers``), and NAV's daily
kontantstøtte job, which ``felles worker`` and ``felles simulate`` run for each day."""

from __future__ import annotations

from felles.kernel.schedule import register_daily
from felles.services.foedsel import (
    FORELDREPENGER,
    HELSESTASJON,
    foreldrepenger,
    helsestasjon,
    kontantstoette,
)
from felles.services.runtime import register_service

register_service(HELSESTASJON, helsestasjon.handle_births)
register_service(FORELDREPENGER, foreldrepenger.handle_births)
register_daily(kontantstoette.JOB, kontantstoette.offer)
