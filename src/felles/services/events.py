"""Events the services block emits: every state change of a case, and each decision.

Types: ``no.felles.sak.<status>`` (opprettet, under_behandling, vedtatt, avslaatt,
til_manuell_behandling, avsluttet) and ``no.felles.vedtak.fattet`` / ``no.felles.vedtak.omgjort``.
``subject`` is the case's subject, so the person's own event feed and Min side can follow
their cases; ``data`` carries ids and codes only (never amounts or names).
"""

from __future__ import annotations

from typing import Final

from felles.kernel.events import Event

TYPE_PREFIX: Final = "no.felles."
SAK_PREFIX: Final = "no.felles.sak."
VEDTAK_FATTET: Final = "no.felles.vedtak.fattet"
VEDTAK_OMGJORT: Final = "no.felles.vedtak.omgjort"


def source_of(service_id: str) -> str:
    return f"/tjenester/{service_id}"


def sak_event(
    *,
    service_id: str,
    sak_id: int,
    subject: str,
    status: str,
    previous: str | None,
    reason: str | None = None,
) -> Event:
    data: dict[str, object] = {"sakId": sak_id, "tjeneste": service_id, "status": status}
    if previous is not None:
        data["forrigeStatus"] = previous
    if reason is not None:
        data["aarsak"] = reason  # a rule code, never free text
    return Event(
        type=f"{SAK_PREFIX}{status}", source=source_of(service_id), subject=subject, data=data
    )


def vedtak_event(
    *, service_id: str, sak_id: int, vedtak_id: int, subject: str, outcome: str, omgjort: bool
) -> Event:
    return Event(
        type=VEDTAK_OMGJORT if omgjort else VEDTAK_FATTET,
        source=source_of(service_id),
        subject=subject,
        data={"sakId": sak_id, "vedtakId": vedtak_id, "tjeneste": service_id, "utfall": outcome},
    )
