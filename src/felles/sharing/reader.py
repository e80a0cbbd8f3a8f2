"""Reading through the data distributor from inside felles, as a registered machine client.

A platform component or a public service reads as its owner organisation with the scopes and
purpose it was given, so the decision point judges it as it judges any consumer: the legal
bases for the owner and the purpose, minimisation, protected addresses. Every release is
appended to the access log **in the caller's own unit of work** (``flush``, as late as possible
before commit), as the decision point's own writes are (decision 0024): the person's log holds
exactly one entry per use that had an effect, and work that fails and is rolled back leaves
no log entry either (its retry reads and logs again).

A reader also notes what it used — product, whose data, fields, basis, source and time — for
a decision's ``data_used``; never the values.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from felles.access.decision import MachinePrincipal
from felles.access.log.operations import LogEntry, append
from felles.kernel.clock import get_clock
from felles.kernel.db import Database, UnitOfWork
from felles.sharing.products import get_product_or_raise
from felles.sharing.release import MAX_SUBJECTS, Outcome, Released, prepare_release


@dataclass
class InternalReader:
    """Reads for one batch of work; ``flush`` logs them in the unit of work."""

    database: Database
    principal: MachinePrincipal
    purpose: str
    at: datetime = field(default_factory=lambda: get_clock().now())
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _entries: list[LogEntry] = field(default_factory=list)

    def read(
        self,
        product_name: str,
        subjects: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
        relatert_til: str | None = None,
    ) -> dict[str, Outcome]:
        """Each subject's outcome (``Released`` or ``Refused``) for ``product_name``."""
        product = get_product_or_raise(product_name)
        wanted = list(dict.fromkeys(subjects))
        outcomes: dict[str, Outcome] = {}
        # The distributor takes at most MAX_SUBJECTS a call, as its batch API does.
        for start in range(0, len(wanted), MAX_SUBJECTS):
            prepared = prepare_release(
                self.database,
                principal=self.principal,
                product=product,
                subjects=wanted[start : start + MAX_SUBJECTS],
                purpose=self.purpose,
                request_id=self.request_id,
                fields=fields,
                relatert_til=relatert_til,
                at=self.at,
            )
            self._entries.extend(prepared.entries)
            outcomes.update((outcome.subject, outcome) for outcome in prepared.outcomes)
        return outcomes

    def flush(self, uow: UnitOfWork) -> None:
        """Append what was released to the access log in ``uow`` (call last before commit:
        on PostgreSQL the chain head stays locked until the commit)."""
        if self._entries:
            append(uow, self._entries)
            self._entries = []

    def used(self, product_name: str, released: Released, *, about: str) -> dict[str, Any]:
        """The record of one use for a decision's ``data_used``: no values."""
        product = get_product_or_raise(product_name)
        return {
            "produkt": product_name,
            "versjon": product.version,
            "om": about,
            "felter": sorted(released.data),
            "kilde": {"orgnr": product.owner_orgnr, "navn": product.owner_name},
            "grunnlag": [
                {"type": basis.type, "id": basis.id, "lov": basis.lov, "lovnavn": basis.lovnavn}
                for basis in released.basis
            ],
            "hentet": self.at.isoformat(),
        }
