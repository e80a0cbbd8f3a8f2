"""Logging in and out, and choosing whom to act for."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from felles.kernel.clock import get_clock
from felles.portal import i18n, oidc, session
from felles.portal.i18n import gettext
from felles.portal.parties import parties_for, resolve
from felles.portal.web import (
    Viewer,
    csrf_refused,
    database_of,
    first,
    forbidden,
    load,
    page,
    read_form,
    see_other,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
Form = Annotated[dict[str, list[str]], Depends(read_form)]


def _next(value: str | None) -> str:
    """Where to go after login: only a page of the portal (never another site)."""
    if value and value.startswith("/minside") and not value.startswith("//"):
        return value
    return "/minside/oversikt"


@router.get("/minside")
def landing(request: Request) -> Response:
    current = session.read(request)
    if current is not None:
        return see_other("/minside/oversikt")
    lang = i18n.choose(request)
    return page(request, None, "landing.html", title=gettext(lang, "Min side"))


@router.get("/minside/logg-inn")
def log_in(request: Request, neste: str | None = None) -> Response:
    here = str(request.base_url).rstrip("/")
    if here != oidc.base_url():
        # The login cookie must come back to the address the provider redirects to.
        return see_other(f"{oidc.base_url()}/minside/logg-inn?neste={quote(_next(neste))}")
    http = oidc.http_for(request)
    oidc.ensure_client(database_of(request))
    lang = i18n.choose(request)
    try:
        started = oidc.start(http, lang=lang)
    except (httpx.HTTPError, ValueError) as error:
        log.warning("portal login: the provider's discovery failed (%s)", type(error).__name__)
        return page(
            request,
            None,
            "error.html",
            title=gettext(lang, "Login failed"),
            message=gettext(lang, "The login service does not answer. Try again later."),
            retry=True,
            status=503,
        )
    response = RedirectResponse(started.url, status_code=303)
    session.write_login(
        response,
        session.LoginState(started.state, started.nonce, started.verifier, _next(neste)),
    )
    return response


@router.get("/minside/innlogget")
def logged_in(
    request: Request, code: str | None = None, state: str | None = None, error: str | None = None
) -> Response:
    lang = i18n.choose(request)
    pending = session.read_login(request)

    def failed() -> Response:
        response = page(
            request,
            None,
            "error.html",
            title=gettext(lang, "Login failed"),
            message=gettext(lang, "The login could not be completed. Please try again."),
            retry=True,
            status=400,
        )
        session.clear_login(response)
        return response

    if error or not code or pending is None or state != pending.state:
        return failed()
    try:
        login = oidc.finish(
            oidc.http_for(request), code=code, verifier=pending.verifier, nonce=pending.nonce
        )
    except oidc.LoginFailed as refused:
        log.warning("portal login refused: %s", refused)
        return failed()
    response = see_other(f"/minside/velg?neste={quote(pending.next)}")
    session.write(
        response,
        session.new_session(pid=login.pid, acr=login.acr, sid=login.sid, id_token=login.id_token),
    )
    session.clear_login(response)
    return response


@router.get("/minside/velg")
def choose(request: Request, neste: str | None = None) -> Response:
    viewer = load(request, need_party=False)
    if not isinstance(viewer, Viewer):
        return viewer
    with database_of(request).read_session() as db:
        choices = parties_for(db, pid=viewer.principal.pid, at=get_clock().now())
    return page(
        request,
        viewer,
        "choose.html",
        title=gettext(viewer.lang, "Who do you want to act for?"),
        choices=choices,
        neste=_next(neste),
    )


@router.post("/minside/velg")
def chosen(request: Request, form: Form) -> Response:
    viewer = load(request, need_party=False)
    if not isinstance(viewer, Viewer):
        return viewer
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    with database_of(request).read_session() as db:
        party = resolve(
            db, principal=viewer.principal, ident=first(form, "part"), at=get_clock().now()
        )
    if party is None:
        return forbidden(request, viewer)
    response = see_other(_next(first(form, "neste")))
    session.write(response, viewer.session.acting_for(party.ident))
    return response


@router.post("/minside/logg-ut")
def log_out(request: Request, form: Form) -> Response:
    viewer = load(request, need_party=False)
    if not isinstance(viewer, Viewer):
        return viewer
    if not session.csrf_matches(viewer.session, first(form, "csrf")):
        return csrf_refused(request, viewer)
    try:
        target = oidc.logout_url(oidc.http_for(request), id_token=viewer.session.id_token)
    except (httpx.HTTPError, ValueError):
        target = oidc.LOGGED_OUT  # the portal's session ends all the same
    response = see_other(target)
    session.clear(response)
    return response


@router.get("/minside/logget-ut")
def logged_out(request: Request) -> Response:
    lang = i18n.choose(request)
    response = page(request, None, "logged_out.html", title=gettext(lang, "You are logged out"))
    session.clear(response)
    return response
