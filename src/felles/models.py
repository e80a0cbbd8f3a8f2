"""Imports every block's tables so that ``Base.metadata`` is complete (Alembic, tests)."""

from felles.access import model as _access  # noqa: F401
from felles.access.log import model as _access_log  # noqa: F401
from felles.identity import model as _identity  # noqa: F401
from felles.journeys import model as _journeys  # noqa: F401
from felles.kernel import bus as _kernel_bus  # noqa: F401
from felles.kernel import events as _kernel_events  # noqa: F401
from felles.kernel import schedule as _kernel_schedule  # noqa: F401
from felles.kernel.db import Base
from felles.mailbox import model as _mailbox  # noqa: F401
from felles.mailbox.notifications import model as _notifications  # noqa: F401
from felles.registries.adresser import model as _adresser  # noqa: F401
from felles.registries.aordningen import model as _aordningen  # noqa: F401
from felles.registries.eiendom import model as _eiendom  # noqa: F401
from felles.registries.enhetsregisteret import model as _enhetsregisteret  # noqa: F401
from felles.registries.folkeregister import model as _folkeregister  # noqa: F401
from felles.registries.krr import model as _krr  # noqa: F401
from felles.registries.skatt import model as _skatt  # noqa: F401
from felles.services import model as _services  # noqa: F401
from felles.subscriptions import model as _subscriptions  # noqa: F401

metadata = Base.metadata
