"""A service reads through the data distributor, with its own machine identity and purpose.

The service's client is its owner organisation with the scopes the declaration gives
(``felles.sharing.reader``): every release is in the person's access log, appended in the
service's own unit of work, and the reader notes what was used for the decision's
``data_used``.
"""

from __future__ import annotations

from datetime import datetime

from felles.access.decision import MachinePrincipal
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.services.declaration import PublicService
from felles.sharing.reader import InternalReader

ServiceReader = InternalReader


def service_reader(
    database: Database, service: PublicService, *, at: datetime | None = None
) -> InternalReader:
    """A reader for one batch of ``service``'s work, as its owner's machine client."""
    return InternalReader(
        database,
        MachinePrincipal(orgnr=service.orgnr, scopes=service.scopes),
        service.purpose,
        at=at or get_clock().now(),
    )
