"""The services' consumers, for ``felles worker --consumers felles.services.consumers``."""

from __future__ import annotations

from felles.services.barnetrygd import SERVICE as BARNETRYGD_FOEDSEL
from felles.services.barnetrygd.service import handle_births
from felles.services.doedsfall import consumers as _doedsfall  # noqa: F401
from felles.services.flytting import consumers as _flytting  # noqa: F401
from felles.services.foedsel import consumers as _foedsel  # noqa: F401
from felles.services.runtime import register_service

register_service(BARNETRYGD_FOEDSEL, handle_births)
