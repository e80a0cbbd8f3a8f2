"""Commands of Skatteetaten: assessments (skatteoppgjør) and arrears (restanser).

Every command takes the caller's ``UnitOfWork`` and never commits. Assessments come in volume
and have a batched form, ``make_assessments``, that checks every item with the same rules and
messages and then writes with a few set-based statements; ``make_assessment`` is a batch of one
that raises the item's ``Problem`` (docs/decisions/0010 and 0013).
``make_assessment_from_aordningen`` takes the year's pay from A-ordningen. Claims are
registered and paid one at a time (``register_arrears``, ``settle_arrears``).

The synthetic economy writes its starting snapshot of assessments in bulk, without these
commands and without events (docs/decisions/0006), with the same ``calculation.assess``.
"""

from felles.registries.skatt.operations.arrears import (
    KRAVTYPER,
    register_arrears,
    settle_arrears,
)
from felles.registries.skatt.operations.assessments import (
    TaxReturn,
    make_assessment,
    make_assessment_from_aordningen,
    make_assessments,
    reported_pay,
)

__all__ = [
    "KRAVTYPER",
    "TaxReturn",
    "make_assessment",
    "make_assessment_from_aordningen",
    "make_assessments",
    "register_arrears",
    "reported_pay",
    "settle_arrears",
]
