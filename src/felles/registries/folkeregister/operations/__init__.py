"""Commands of Folkeregisteret: births, deaths, moves, marriages, migration, names.

Every command takes the caller's ``UnitOfWork`` and never commits. Commands that come in
volume have a batched form (``register_births``, ``register_deaths``, ``register_moves``,
``register_marriages``, ``register_divorces``, ``register_immigrations``,
``register_emigrations``) that checks every item with the same rules and messages and then
writes with a few set-based statements; the single form (``register_birth`` …) is a batch
of one that raises the item's ``Problem``. See ``common`` for the rules every command
shares, and docs/decisions/0010 for why.

When it changes an element, a command moves the superseded version to ``frg_historikk``
(``opphoerstidspunkt`` = now from the kernel clock), writes the new value to ``frg_person``,
records ``element_meta[element]`` and emits the element's events with ``uow.emit``.
"""

from felles.registries.folkeregister.operations.births import (
    MAX_DAYS_SINCE_PARENT_DIED,
    Birth,
    register_birth,
    register_births,
)
from felles.registries.folkeregister.operations.common import ADDRESS_COLUMNS, KJOENN
from felles.registries.folkeregister.operations.corrections import (
    GRADERINGER,
    change_name,
    set_address_protection,
)
from felles.registries.folkeregister.operations.deaths import (
    Death,
    register_death,
    register_deaths,
)
from felles.registries.folkeregister.operations.marriages import (
    MARRIAGE_AGE,
    PARTNERSHIP_ABOLISHED,
    Divorce,
    Marriage,
    register_divorce,
    register_divorces,
    register_marriage,
    register_marriages,
)
from felles.registries.folkeregister.operations.migration import (
    Emigration,
    Immigration,
    register_emigration,
    register_emigrations,
    register_immigration,
    register_immigrations,
)
from felles.registries.folkeregister.operations.moves import Move, register_move, register_moves

__all__ = [
    "ADDRESS_COLUMNS",
    "GRADERINGER",
    "KJOENN",
    "MARRIAGE_AGE",
    "MAX_DAYS_SINCE_PARENT_DIED",
    "PARTNERSHIP_ABOLISHED",
    "Birth",
    "Death",
    "Divorce",
    "Emigration",
    "Immigration",
    "Marriage",
    "Move",
    "change_name",
    "register_birth",
    "register_births",
    "register_death",
    "register_deaths",
    "register_divorce",
    "register_divorces",
    "register_emigration",
    "register_emigrations",
    "register_immigration",
    "register_immigrations",
    "register_marriage",
    "register_marriages",
    "register_move",
    "register_moves",
    "set_address_protection",
]
