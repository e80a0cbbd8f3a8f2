"""Fullmakter: give someone power to act for you in some areas, revoke it, and see who can
act for you and whom you can act for. The access block's commands do the checking (only
the giver gives; either party revokes; both adults)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from felles.access import operations
from felles.access.datasets import AREAS
from felles.access.queries import delegation_fact, fullmakter_of
from felles.kernel.clock import get_clock
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.web import MAX_BIGINT
from felles.portal import session
from felles.portal.i18n import N_, gettext
from felles.portal.parties import name_of
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
from felles.registries.folkeregister.queries import get_person

router = APIRouter(include_in_schema=False)
Form = Annotated[dict[str, list[str]], Depends(read_form)]


def _listing(request: Request, viewer: Viewer) -> dict[str, Any]:
    now = get_clock().now()
    pid = viewer.principal.pid
    given: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    with database_of(request).read_session() as db:
        for row in fullmakter_of(db, person=pid):
            other = row.fullmektig if row.fullmaktsgiver == pid else row.fullmaktsgiver
            person = get_person(db, ident=other)
            item = {
                "id": row.id,
                "name": name_of(person) if person is not None else "",
                "areas": row.omraader.split(","),
                "from": row.gyldig_fra,
                "to": row.gyldig_til,
                "active": delegation_fact(row).holds_at(now),
                "revoked": row.trukket is not None,
            }
            (given if row.fullmaktsgiver == pid else held).append(item)
    return {"given": given, "held": held, "areas": AREAS}


def _render(
    request: Request,
    viewer: Viewer,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    outcome: str | None = None,
    status: int = 200,
) -> Response:
    context = _listing(request, viewer) if viewer.acting_for_self else {}
    return page(
        request,
        viewer,
        "fullmakter.html",
        title=gettext(viewer.lang, "Powers of attorney"),
        active="fullmakter",
        errors=errors or {},
        values=values or {"areas": []},
        outcome=outcome,
        status=status,
        **context,
    )


@router.get("/minside/fullmakter")
def fullmakter(request: Request, utfall: str | None = None) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    outcome = utfall if utfall in ("gitt", "trukket", "feil") else None
    return _render(request, viewer, outcome=outcome)


def _field_of(problem: Problem) -> str:
    """Which field of the form a refusal is about (to tie the message to it)."""
    detail = problem.detail or ""
    if "omraader" in detail:
        return "areas"
    if "gyldig" in detail or "lasts" in detail:
        return "to"
    return "holder"


_MESSAGES = {
    "holder": N_("Write the 11-digit national identity number of an adult who is not yourself."),
    "areas": N_("Choose at least one area."),
    "to": N_("Choose an end date from today and at most ten years ahead, or leave it empty."),
}


@router.post("/minside/fullmakter")
def give(request: Request, form: Form) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    if not viewer.acting_for_self:
        return see_other("/minside/fullmakter?utfall=feil")
    holder = first(form, "fullmektig").replace(" ", "")
    areas = [a for a in form.get("omraader", []) if a in AREAS]
    to_text = first(form, "gyldig_til")
    values = {"holder": holder, "areas": areas, "to": to_text}
    errors: dict[str, str] = {}
    if not (holder.isdigit() and len(holder) == 11):
        errors["holder"] = _MESSAGES["holder"]
    if not areas:
        errors["areas"] = _MESSAGES["areas"]
    to: date | None = None
    if to_text:
        try:
            to = date.fromisoformat(to_text)
        except ValueError:
            errors["to"] = _MESSAGES["to"]
    if not errors:
        with database_of(request).unit_of_work() as uow:
            try:
                operations.grant_fullmakt(
                    uow,
                    performed_by=viewer.principal,
                    fullmaktsgiver=viewer.principal.pid,
                    fullmektig=holder,
                    omraader=areas,
                    gyldig_fra=get_clock().today(),
                    gyldig_til=to,
                )
            except (InvalidInput, NotFound, Conflict) as refused:
                uow.rollback()
                field = _field_of(refused)
                errors[field] = _MESSAGES[field]
            else:
                uow.commit()
    if errors:
        return _render(request, viewer, errors=errors, values=values, status=422)
    return see_other("/minside/fullmakter?utfall=gitt")


@router.post("/minside/fullmakter/{fullmakt_id}/trekk")
def revoke(
    request: Request, fullmakt_id: Annotated[int, Path(ge=1, le=MAX_BIGINT)], form: Form
) -> Response:
    viewer = load(request)
    if not isinstance(viewer, Viewer):
        return viewer
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    if not viewer.acting_for_self:
        return see_other("/minside/fullmakter?utfall=feil")
    with database_of(request).unit_of_work() as uow:
        try:
            operations.revoke_fullmakt(uow, performed_by=viewer.principal, fullmakt_id=fullmakt_id)
        except Problem:
            uow.rollback()
            return see_other("/minside/fullmakter?utfall=feil")
        uow.commit()
    return see_other("/minside/fullmakter?utfall=trukket")
