"""Which events a consumer organisation is entitled to (decision 0031).

The rule:

* An event whose ``subject`` is a person (an 11-digit fødselsnummer or D-nummer) is
  delivered only when the decision point permits the consumer to read some field of a
  personal data product (``felles.sharing.products``) that this event type changes
  (``Product.changed_by``), for the subscription's (or pull request's) purpose: the same
  decision as the data distributor's change list (``decide_many``, action ``read``, every
  field of the product, the consumer's token scopes). A legal basis or a consent of the
  consumer must cover it. No purpose, or no product that the event changes: not delivered.
* Any other event (about an organisation, a property, or without a subject) is open.

Events carry no more than an identifier and what happened (registries keep values such as
addresses out of events), so delivering an event releases no field values: it is not written
to the access log; reading the values is a release through the distributor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session

from felles.access.decide import decide_many
from felles.access.decision import MachinePrincipal
from felles.kernel.events import Event
from felles.sharing.product import Product
from felles.sharing.products import PRODUCTS

_PERSON: Final = re.compile(r"\d{11}")


def is_about_a_person(event: Event) -> bool:
    return bool(event.subject) and _PERSON.fullmatch(event.subject or "") is not None


def products_changed_by(event_type: str) -> tuple[Product, ...]:
    """The personal data products an event of this type changes."""
    return tuple(
        product
        for product in PRODUCTS.values()
        if product.sensitivity != "open"
        and product.changed_by
        and event_type.startswith(product.changed_by)
    )


def entitled(
    session: Session,
    *,
    orgnr: str,
    scopes: Sequence[str],
    purpose: str | None,
    events: Sequence[Event],
    at: datetime,
) -> list[bool]:
    """For each event, whether the organisation ``orgnr`` is entitled to it (see above)."""
    principal = MachinePrincipal(orgnr=orgnr, scopes=frozenset(scopes))
    answers: list[bool] = []
    for event in events:
        if not is_about_a_person(event):
            answers.append(True)
            continue
        if not purpose or not purpose.strip():
            answers.append(False)
            continue
        subject = event.subject or ""
        permitted = False
        for product in products_changed_by(event.type):
            fields = [product.full_name(name) for name in product.field_names]
            decided = decide_many(
                session, principal, None, "read", [subject], fields, purpose, at=at
            )
            if decided[subject][1].permit:
                permitted = True
                break
        answers.append(permitted)
    return answers
