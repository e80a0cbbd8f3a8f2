"""Saker og vedtak: every agency's cases addressed to the party, each decision with its
explanation in plain language, the data it used and the stored letter."""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from markupsafe import Markup

from felles.kernel.errors import NotFound
from felles.kernel.web import MAX_BIGINT
from felles.portal.explanation import plain_language
from felles.portal.i18n import gettext
from felles.portal.labels import SERVICE_AREA
from felles.portal.parties import Party
from felles.portal.web import Viewer, database_of, load, page
from felles.services import barnetrygd  # noqa: F401 - declares the service whose cases we show
from felles.services import queries as service_queries
from felles.services.declaration import get_service
from felles.services.model import Sak

router = APIRouter(include_in_schema=False)
RowId = Annotated[int, Path(ge=1, le=MAX_BIGINT)]  # larger numbers cannot name a row
_MAIN: Final = re.compile(r"<main>(.*)</main>", re.DOTALL)


def visible(party: Party, sak: Sak) -> bool:
    """A case is shown to the party it is addressed to, and to a representative whose
    fullmakt covers the area of the agency (NAV, Skatteetaten)."""
    return sak.part == party.ident and party.covers(SERVICE_AREA.get(sak.owner_orgnr, "alt"))


def service_title(service_id: str, lang: str) -> str:
    service = get_service(service_id)
    return service.title.get(lang, service_id) if service is not None else service_id


def _not_found(request: Request, viewer: Viewer) -> Response:
    return page(
        request,
        viewer,
        "error.html",
        title=gettext(viewer.lang, "Not found"),
        message=gettext(viewer.lang, "There is no such case for you."),
        status=404,
    )


@router.get("/minside/saker")
def cases(request: Request) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    with database_of(request).read_session() as db:
        mine = service_queries.cases_for_party(db, viewer.party.ident)
        found = [s for s in mine if visible(viewer.party, s)]
        decisions = service_queries.current_decisions(db, [s.id for s in found])
        rows = [
            {
                "sak": sak,
                "title": service_title(sak.service_id, viewer.lang),
                "vedtak": decisions.get(sak.id),
            }
            for sak in found
        ]
    return page(
        request,
        viewer,
        "cases.html",
        title=gettext(viewer.lang, "Cases and decisions"),
        active="saker",
        rows=rows,
        covered=viewer.party.covers("nav") or viewer.party.covers("skatt"),
    )


@router.get("/minside/saker/{sak_id}")
def case(request: Request, sak_id: RowId) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    with database_of(request).read_session() as db:
        try:
            view = service_queries.case(db, sak_id, orgnr=None)
        except NotFound:
            return _not_found(request, viewer)
        if not visible(viewer.party, view.sak):
            return _not_found(request, viewer)
        decisions = [
            {
                "vedtak": vedtak,
                "reasons": plain_language(
                    vedtak.explanation,
                    lang=viewer.lang,
                    # The rules explain a representative family of "mor" and "barn".
                    names={"barn": gettext(viewer.lang, "your child")},
                ),
            }
            for vedtak in view.decisions
        ]
        letters = [d for d in view.documents if d.language == viewer.lang]
        title = service_title(view.sak.service_id, viewer.lang)
        return page(
            request,
            viewer,
            "case.html",
            title=title,
            active="saker",
            sak=view.sak,
            history=view.history,
            decisions=decisions,
            letters=letters,
        )


@router.get("/minside/saker/{sak_id}/brev/{dokument_id}")
def letter(request: Request, sak_id: RowId, dokument_id: RowId) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    assert viewer.party is not None
    with database_of(request).read_session() as db:
        try:
            sak = service_queries.case(db, sak_id, orgnr=None).sak
            document = service_queries.document(db, sak_id, dokument_id, orgnr=None)
        except NotFound:
            return _not_found(request, viewer)
        if not visible(viewer.party, sak):
            return _not_found(request, viewer)
        found = _MAIN.search(document.content)
        # The letter is HTML the service rendered with every value escaped (letter.py).
        body = Markup(found.group(1) if found else "")
        return page(
            request,
            viewer,
            "letter.html",
            title=document.title,
            active="saker",
            sak=sak,
            body=body,
            letter_lang=document.language,
        )
