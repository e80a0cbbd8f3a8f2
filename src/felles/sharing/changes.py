"""Change lists: which subjects of a product changed since a cursor (``/{produkt}/endringer``).

A consumer keeps a cursor (the outbox's ``seq``) and asks which subjects changed after it, so
it need not poll every subject it follows. The list is built on the registries' events in the
outbox (``felles.kernel.events``): a product names the CloudEvents ``type`` prefixes that
change its data (``Product.changed_by``), and an event's ``subject`` is the subject that
changed.

* Oldest first, at most ``limit`` events looked at; a subject changed more than once among
  them appears once, at its latest change.
* A personal-data product lists only subjects the caller may read some field of for the
  stated purpose: the decision point decides the page's subjects in one batch
  (``decide_many``, every field of the product). An open product lists every subject.
* The cursor (``next``) moves past every event looked at, those the caller may not see and
  those of other products included, so a page can be shorter than ``limit`` (even empty)
  while the cursor still advances. The consumer has caught up when ``next`` equals the
  cursor it gave. At most ``SCAN_WINDOW`` sequence numbers are looked at per call, so a
  product whose events are rare never makes one call scan the whole outbox.

Listing which subjects changed releases no field values: it is not written to the access
log (``felles.access.log``). Reading the values is a release through ``release.release``,
which is decided and logged as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.orm import Session

from felles.access.decide import decide_many
from felles.access.decision import Principal
from felles.kernel.clock import get_clock
from felles.kernel.errors import InvalidInput, NotFound
from felles.kernel.events import StoredEvent, last_seq, read_events_of_types
from felles.sharing.product import Product

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 1000
#: The most sequence numbers one call looks at (after the cursor).
SCAN_WINDOW: Final = 100_000


@dataclass(frozen=True, slots=True)
class Change:
    """A subject that changed: its latest event in the page (sequence number, time, type)."""

    subject: str
    seq: int
    time: datetime
    type: str


@dataclass(frozen=True, slots=True)
class ChangePage:
    """The changes after a cursor, oldest first, and the cursor to give next time."""

    product: str
    changes: tuple[Change, ...]
    next: int


def _check(product: Product, purpose: str, after: int, limit: int) -> None:
    if not product.changed_by:
        raise NotFound(
            f"The data product {product.name} publishes no changes", produkt=product.name
        )
    if not purpose or not purpose.strip():
        raise InvalidInput("State the purpose (formaal) of the request")
    if after < 0:
        raise InvalidInput("The cursor (etter) is a sequence number, 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"Ask for 1 to {MAX_LIMIT} changes (antall)")


def _latest_per_subject(events: list[StoredEvent]) -> list[Change]:
    """Each subject once, at its latest event; ordered by that event's sequence number."""
    latest: dict[str, Change] = {}
    for stored in events:
        subject = stored.event.subject
        if not subject:
            continue
        latest.pop(subject, None)  # re-inserted at the end: dict order is then seq order
        time = stored.event.time
        if time.tzinfo is None:  # SQLite keeps no zone; the outbox writes UTC
            time = time.replace(tzinfo=UTC)
        latest[subject] = Change(subject, stored.seq, time, stored.event.type)
    return list(latest.values())


def _readable(
    session: Session,
    principal: Principal,
    product: Product,
    changes: list[Change],
    purpose: str,
    at: datetime,
) -> list[Change]:
    """The changes whose subject the principal may read some field of, for ``purpose``."""
    if product.sensitivity == "open" or not changes:
        return changes
    fields = [product.full_name(name) for name in product.field_names]
    decided = decide_many(
        session,
        principal,
        None,
        "read",
        [change.subject for change in changes],
        fields,
        purpose,
        at=at,
    )
    return [change for change in changes if decided[change.subject][1].permit]


def list_changes(
    session: Session,
    *,
    principal: Principal,
    product: Product,
    purpose: str,
    after: int = 0,
    limit: int = DEFAULT_LIMIT,
    at: datetime | None = None,
) -> ChangePage:
    """The subjects of ``product`` that changed after the cursor ``after`` and that
    ``principal`` may read for ``purpose``, oldest first; reads only, logs nothing.

    NotFound when the product publishes no changes; InvalidInput for a bad cursor, limit or
    purpose.
    """
    _check(product, purpose, after, limit)
    when = at or get_clock().now()
    # The newest number first: every event up to it has committed or never will, so the
    # cursor may move to it without skipping one that commits later (decision 0004).
    upper = min(last_seq(session), after + SCAN_WINDOW)
    if upper <= after:
        return ChangePage(product.name, (), after)
    events = read_events_of_types(
        session,
        type_prefixes=product.changed_by,
        after_seq=after,
        up_to_seq=upper,
        limit=limit,
    )
    following = events[-1].seq if len(events) == limit else upper
    changes = _readable(session, principal, product, _latest_per_subject(events), purpose, when)
    return ChangePage(product.name, tuple(changes), following)
