"""Commands of Enhetsregisteret: register, change, register in other registers, end.

Every command takes the caller's ``UnitOfWork`` keyword-only, validates everything first
(raising ``InvalidInput``, ``NotFound`` or ``Conflict`` before anything is written), changes
rows, adds the change-feed row and emits its CloudEvent (``common.record``), and never
commits. See ``common`` for the rules all commands share.
"""

from felles.registries.enhetsregisteret.operations.common import (
    ENDRING,
    ENDRINGSTYPER,
    FJERNET,
    NY,
    SLETTING,
    Adresse,
)
from felles.registries.enhetsregisteret.operations.enheter import (
    change_unit,
    foretaksregister_pliktig,
    register_enhet,
    register_underenhet,
)
from felles.registries.enhetsregisteret.operations.registre import (
    FRIVILLIGHET_FORMER,
    delete_unit,
    register_bankruptcy,
    register_dissolution,
    register_in_foretaksregisteret,
    register_in_frivillighetsregisteret,
    register_in_mvaregisteret,
)
from felles.registries.enhetsregisteret.operations.roller import RolleInput, set_roles

__all__ = [
    "ENDRING",
    "ENDRINGSTYPER",
    "FJERNET",
    "FRIVILLIGHET_FORMER",
    "NY",
    "SLETTING",
    "Adresse",
    "RolleInput",
    "change_unit",
    "delete_unit",
    "foretaksregister_pliktig",
    "register_bankruptcy",
    "register_dissolution",
    "register_enhet",
    "register_in_foretaksregisteret",
    "register_in_frivillighetsregisteret",
    "register_in_mvaregisteret",
    "register_underenhet",
    "set_roles",
]
