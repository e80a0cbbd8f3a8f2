"""A case's states (saksstatus) and the moves between them.

opprettet → under_behandling → vedtatt | avslaatt | til_manuell_behandling
til_manuell_behandling → under_behandling (a caseworker takes it)
vedtatt | avslaatt → avsluttet; a decided case may be reopened (under_behandling) when a
caseworker overrides the decision.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class SakStatus(StrEnum):
    OPPRETTET = "opprettet"
    UNDER_BEHANDLING = "under_behandling"
    VEDTATT = "vedtatt"
    AVSLAATT = "avslaatt"
    TIL_MANUELL_BEHANDLING = "til_manuell_behandling"
    AVSLUTTET = "avsluttet"


ALLOWED: Final[dict[SakStatus, frozenset[SakStatus]]] = {
    SakStatus.OPPRETTET: frozenset({SakStatus.UNDER_BEHANDLING}),
    SakStatus.UNDER_BEHANDLING: frozenset(
        {SakStatus.VEDTATT, SakStatus.AVSLAATT, SakStatus.TIL_MANUELL_BEHANDLING}
    ),
    SakStatus.TIL_MANUELL_BEHANDLING: frozenset({SakStatus.UNDER_BEHANDLING}),
    SakStatus.VEDTATT: frozenset({SakStatus.AVSLUTTET, SakStatus.UNDER_BEHANDLING}),
    SakStatus.AVSLAATT: frozenset({SakStatus.AVSLUTTET, SakStatus.UNDER_BEHANDLING}),
    SakStatus.AVSLUTTET: frozenset(),
}

#: Shown to people (Min side, letters) and caseworkers.
LABELS: Final[dict[SakStatus, dict[str, str]]] = {
    SakStatus.OPPRETTET: {"nb": "Opprettet", "nn": "Oppretta", "en": "Opened"},
    SakStatus.UNDER_BEHANDLING: {
        "nb": "Under behandling",
        "nn": "Under behandling",
        "en": "Being processed",
    },
    SakStatus.VEDTATT: {"nb": "Vedtatt", "nn": "Vedteke", "en": "Decided"},
    SakStatus.AVSLAATT: {"nb": "Avslått", "nn": "Avslått", "en": "Refused"},
    SakStatus.TIL_MANUELL_BEHANDLING: {
        "nb": "Til manuell behandling",
        "nn": "Til manuell behandling",
        "en": "Sent to a caseworker",
    },
    SakStatus.AVSLUTTET: {"nb": "Avsluttet", "nn": "Avslutta", "en": "Closed"},
}


def may_move(source: SakStatus, target: SakStatus) -> bool:
    return target in ALLOWED[source]
