"""The birth services' consumers (imported by ``felles.services.consumers``)."""

from __future__ import annotations

from felles.services.foedsel import FORELDREPENGER, HELSESTASJON, foreldrepenger, helsestasjon
from felles.services.runtime import register_service

register_service(HELSESTASJON, helsestasjon.handle_births)
register_service(FORELDREPENGER, foreldrepenger.handle_births)
