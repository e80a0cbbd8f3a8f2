"""Commands of the property registry: Matrikkelen's units and Grunnboken's owners.

Every command takes the caller's ``UnitOfWork`` and never commits. Commands that come in
volume have a batched form (``register_units``, ``register_ownerships``,
``register_transfers``) that checks every item with the same rules and messages and then
writes with a few set-based statements; the single form is a batch of one that raises the
item's ``Problem`` (docs/decisions/0010, 0013). Linking and unlinking an address are single
commands.
"""

from felles.registries.eiendom.operations.ownership import (
    Andel,
    Ownership,
    Part,
    Tinglyst,
    Transfer,
    register_ownership,
    register_ownerships,
    register_transfer,
    register_transfers,
)
from felles.registries.eiendom.operations.units import (
    NewUnit,
    link_address,
    register_unit,
    register_units,
    unlink_address,
)

__all__ = [
    "Andel",
    "NewUnit",
    "Ownership",
    "Part",
    "Tinglyst",
    "Transfer",
    "link_address",
    "register_ownership",
    "register_ownerships",
    "register_transfer",
    "register_transfers",
    "register_unit",
    "register_units",
    "unlink_address",
]
