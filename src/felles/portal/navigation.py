"""The portal's menu. Each entry is a page under /minside; ``href`` None is a page that is
coming, left out of the menu until it has an address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from felles.portal.i18n import N_


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    label: str  # a msgid, translated when shown
    href: str | None


MENU: Final = (
    Item("oversikt", N_("Overview"), "/minside/oversikt"),
    Item("innboks", N_("Inbox"), "/minside/innboks"),
    Item("livshendelser", N_("Life events"), "/minside/livshendelser"),
    Item("mine-data", N_("My data"), "/minside/mine-data"),
    Item("saker", N_("Cases and decisions"), "/minside/saker"),
    Item("samtykker", N_("Consents"), "/minside/samtykker"),
    Item("fullmakter", N_("Powers of attorney"), "/minside/fullmakter"),
    Item("innsyn", N_("Use of my data"), "/minside/innsyn"),
)


def shown() -> tuple[Item, ...]:
    return tuple(item for item in MENU if item.href is not None)
