"""The moving services' consumers (imported by ``felles.services.consumers``)."""

from __future__ import annotations

from felles.services.flytting import NAV, NY_KOMMUNE, POSTEN, TIDLIGERE_KOMMUNE
from felles.services.flytting.service import address_handler, handle_moved_from, handle_moved_to
from felles.services.runtime import register_service

register_service(POSTEN, address_handler(POSTEN))
register_service(NAV, address_handler(NAV))
register_service(NY_KOMMUNE, handle_moved_to)
register_service(TIDLIGERE_KOMMUNE, handle_moved_from)
