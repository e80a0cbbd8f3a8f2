"""How a caseworker's decision is drafted for a service.

A caseworker decides a case the automation could not (or overrides one it did): they give
the outcome and a written reason; the service drafts the rest of the decision (amounts,
period, explanation, data used, letters) the same way its automation would. Each service
module registers its drafter here, so the caseworker API stays generic.
"""

from __future__ import annotations

from typing import Protocol

from felles.kernel.db import UnitOfWork
from felles.services.declaration import PublicService
from felles.services.model import Sak
from felles.services.operations import VedtakDraft


class CaseworkerDrafter(Protocol):
    def __call__(
        self, uow: UnitOfWork, service: PublicService, sak: Sak, *, outcome: str, reason: str
    ) -> VedtakDraft:
        """The decision for ``sak`` with ``outcome`` (innvilget | avslag) and the caseworker's
        written ``reason``. Raises ``felles.kernel.errors.Problem`` (e.g. 409) when the
        outcome cannot be given (a grant with no month to pay for)."""
        ...


_drafters: dict[str, CaseworkerDrafter] = {}


def register_drafter(service_id: str, drafter: CaseworkerDrafter) -> None:
    _drafters[service_id] = drafter


def drafter_for(service_id: str) -> CaseworkerDrafter | None:
    return _drafters.get(service_id)
