"""Commands of A-ordningen: employments (Aa-registeret) and monthly reports (a-meldinger).

Every command takes the caller's ``UnitOfWork`` and never commits. The commands that come in
volume have a batched form — ``start_employments``, ``end_employments``, ``report_months`` —
that checks every item with the same rules and messages and then writes with a few set-based
statements; the single form (``start_employment`` …) is a batch of one that raises the item's
``Problem`` (docs/decisions/0010 and 0013). ``change_employment`` (a new position percentage
or occupation from a date) comes one at a time.

The batch outcome is the kernel's (``felles.kernel.batch``), new rows with their ids come
from ``felles.kernel.setwise.insert_returning_ids``.
"""

from felles.registries.aordningen.operations.employments import (
    Employment,
    Ending,
    change_employment,
    end_employment,
    end_employments,
    start_employment,
    start_employments,
)
from felles.registries.aordningen.operations.reports import (
    MonthlyReport,
    PayReport,
    report_month,
    report_months,
)

__all__ = [
    "Employment",
    "Ending",
    "MonthlyReport",
    "PayReport",
    "change_employment",
    "end_employment",
    "end_employments",
    "report_month",
    "report_months",
    "start_employment",
    "start_employments",
]
