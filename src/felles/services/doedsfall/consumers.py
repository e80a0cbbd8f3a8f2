"""The death-and-inheritance services' consumers (imported by ``felles.services.consumers``)."""

from __future__ import annotations

from felles.services.doedsfall import GRAVFERD, SKIFTE, STANS, gravferd, skifte, ytelser
from felles.services.runtime import register_service

register_service(SKIFTE, skifte.handle_deaths)
register_service(STANS, ytelser.handle_deaths)
register_service(GRAVFERD, gravferd.handle_deaths)
