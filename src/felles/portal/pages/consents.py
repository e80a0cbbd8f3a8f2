"""Samtykker: the consent requests asked of the person, answered here with the access
block's own commands (as ``/accessmanagement/api/v1/enduser/consent/...`` does). Only the
person themself answers their consent requests (the access rules): a representative sees a
note, not the requests."""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from felles.access import operations
from felles.access.queries import consents_from, utc
from felles.kernel.clock import get_clock
from felles.kernel.errors import Problem
from felles.portal import fields, session
from felles.portal.i18n import gettext
from felles.portal.web import (
    Viewer,
    csrf_refused,
    database_of,
    first,
    load,
    page,
    read_form,
    see_other,
)
from felles.registries.enhetsregisteret.queries import units_status

router = APIRouter(include_in_schema=False)
Form = Annotated[dict[str, list[str]], Depends(read_form)]
COMMANDS: Final = {
    "godta": operations.accept_consent,
    "avslaa": operations.reject_consent,
    "trekk": operations.revoke_consent,
}


@router.get("/minside/samtykker")
def consents(request: Request, utfall: str | None = None) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    rows = []
    if viewer.acting_for_self:
        now = get_clock().now()
        with database_of(request).read_session() as db:
            found = consents_from(db, subject=viewer.principal.pid)
            names = units_status(db, orgnrs=[c.til_orgnr for c in found])
            for consent in found:
                expired = (
                    consent.status in ("created", "accepted") and utc(consent.gyldig_til) <= now
                )
                rows.append(
                    {
                        "id": consent.id,
                        "consumer": names[consent.til_orgnr].navn
                        if consent.til_orgnr in names
                        else consent.til_orgnr,
                        "orgnr": consent.til_orgnr,
                        "status": "expired" if expired else consent.status,
                        "valid_to": consent.gyldig_til,
                        "message": consent.melding.get(viewer.lang)
                        or consent.melding.get("nb")
                        or next(iter(consent.melding.values()), ""),
                        "rights": [
                            {
                                "purpose": right.get("formaal"),
                                "data": [
                                    fields.label(str(f), viewer.lang)
                                    for f in right.get("felter", [])
                                ],
                            }
                            for right in consent.rettigheter
                        ],
                    }
                )
    waiting = [r for r in rows if r["status"] == "created"]
    others = [r for r in rows if r["status"] != "created"]
    return page(
        request,
        viewer,
        "consents.html",
        title=gettext(viewer.lang, "Consents"),
        active="samtykker",
        waiting=waiting,
        others=others,
        outcome=utfall if utfall in ("godta", "avslaa", "trekk", "feil") else None,
    )


@router.get("/minside/samtykker/{consent_id}")
def one_consent(consent_id: str) -> Response:
    """Where a consumer sends the person to answer its request (as Altinn's consent page):
    the request on the consents page, which checks that it is the person's."""
    return see_other(f"/minside/samtykker#samtykke-{quote(consent_id[:36], safe='')}")


@router.post("/minside/samtykker/{consent_id}/{action}")
def answer(request: Request, consent_id: str, action: str, form: Form) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    command = COMMANDS.get(action)
    if command is None or not viewer.acting_for_self:
        return see_other("/minside/samtykker?utfall=feil")
    with database_of(request).unit_of_work() as uow:
        try:
            command(uow, performed_by=viewer.principal, consent_id=consent_id[:36])
        except Problem:
            uow.rollback()
            return see_other("/minside/samtykker?utfall=feil")
        uow.commit()
    return see_other(f"/minside/samtykker?utfall={action}")
