"""What Skatteetaten's commands share: input checks and the registers they read.

Commands come in batches (docs/decisions/0010 and 0013): every item is checked with the same
rules and messages first, then the batch writes with a few set-based statements. A refused
item writes nothing and emits nothing; its outcome is the ``Problem`` that refused it:
``NotFound`` (404) for a person, organisation or claim that is not registered, ``Conflict``
(409) for a request the registers' current state does not allow (a claim already paid),
``InvalidInput`` (422) for impossible input (a negative amount, an income year in the future).
Messages name the field that failed and never another person's data.

The batch outcome (``Batch``, ``single``) is Folkeregisteret's, used as it is (as A-ordningen
does); it belongs in the kernel. Other registers are read only through their public queries:
people through Folkeregisteret's ``get_person``, organisations through Enhetsregisteret's
``units_status``, pay through A-ordningen's ``income``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import InvalidInput
from felles.kernel.ids import orgnr_input as parse_orgnr
from felles.kernel.ids import person_input as parse_person
from felles.registries.skatt import parameters
from felles.registries.skatt.calculation import MAX_AMOUNT

__all__ = [
    "EARLIEST_DATE",
    "MAX_AMOUNT",
    "Batch",
    "check_amount",
    "check_date",
    "check_income_year",
    "parse_orgnr",
    "parse_person",
    "single",
]

#: Dates before this are refused (no claim or assessment of felles is older).
EARLIEST_DATE: Final = date(2000, 1, 1)
#: A claim may fall due at most this long after it is registered.
MAX_DAYS_AHEAD: Final = 366 * 2


def check_amount(value: int, *, field: str, minimum: int = 0) -> None:
    """A whole number of NOK from ``minimum`` to ``MAX_AMOUNT``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be a whole number of NOK")
    if not minimum <= value <= MAX_AMOUNT:
        raise InvalidInput(f"{field} must lie between {minimum} and {MAX_AMOUNT} NOK")


def check_income_year(year: int) -> None:
    """An income year felles has parameters for, and one that has ended by today.

    A skatteoppgjør is made after the year: an income year still running (or in the future)
    cannot be assessed.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput("inntektsaar must be a year")
    if year < parameters.FIRST_YEAR:
        raise InvalidInput(f"inntektsaar is before {parameters.FIRST_YEAR}")
    if year >= get_clock().today().year:
        raise InvalidInput("inntektsaar has not ended yet")
    if year > parameters.LAST_YEAR:
        raise InvalidInput(f"felles has no tax rules for inntektsaar {year} yet")


def check_date(day: date, *, field: str, days_ahead: int = 0) -> None:
    """A date from ``EARLIEST_DATE`` to ``days_ahead`` days after today."""
    if not isinstance(day, date):
        raise InvalidInput(f"{field} must be a date")
    if day < EARLIEST_DATE:
        raise InvalidInput(f"{field} is before {EARLIEST_DATE.isoformat()}")
    if day > get_clock().today() + timedelta(days=days_ahead):
        what = "in the future" if not days_ahead else f"more than {days_ahead} days ahead"
        raise InvalidInput(f"{field} is {what}")
