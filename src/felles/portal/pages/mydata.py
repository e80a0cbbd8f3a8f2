"""Mine data: what each registry holds about the party, read through the data distributor
as the person themself (or as their representative), so the access rules decide each field
— a representative never sees a protected address — and a representative's reads are in
the party's access log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from felles.portal.i18n import gettext
from felles.portal.labels import WITHHELD
from felles.portal.web import Viewer, database_of, load, page
from felles.sharing.products import PRODUCTS
from felles.sharing.release import Released, release

router = APIRouter(include_in_schema=False)
PURPOSE = "innsyn"


@dataclass(frozen=True, slots=True)
class Shown:
    label: str
    value: Any


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    source: str
    shown: list[Shown]
    withheld: list[tuple[str, str]]  # (label, reason msgid)
    refused: bool


@router.get("/minside/mine-data")
def my_data(request: Request) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    party, lang = viewer.party, viewer.lang
    kind = "person" if party.is_person else "organisation"
    on_behalf_of = None if viewer.acting_for_self else party.ident
    request_id = str(uuid.uuid4())
    sections: list[Section] = []
    for product in PRODUCTS.values():
        if product.subject != kind:
            continue
        [outcome] = release(
            database_of(request),
            principal=viewer.principal,
            product=product,
            subjects=[party.ident],
            purpose=PURPOSE,
            request_id=request_id,
            on_behalf_of=on_behalf_of,
        )
        # The register's short term for each field (its description is a paragraph).
        labels = {f.name: f.name for f in product.fields}
        source = f"{product.owner_name} ({product.name})"
        if isinstance(outcome, Released):
            shown = [
                Shown(labels[name], value)
                for name, value in outcome.data.items()
                if value not in (None, [], {})
            ]
            withheld = [
                (labels.get(name, name), WITHHELD.get(reason, "not covered by the access rules"))
                for name, reason in outcome.withheld.items()
            ]
            sections.append(
                Section(product.title.get(lang, product.name), source, shown, withheld, False)
            )
        else:
            sections.append(Section(product.title.get(lang, product.name), source, [], [], True))
    return page(
        request,
        viewer,
        "my_data.html",
        title=gettext(lang, "My data"),
        active="mine-data",
        sections=sections,
    )
