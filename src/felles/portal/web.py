"""What every page shares: who is looking (the session, checked), for whom (the party,
checked by the access rules), in which language, and how a page is answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from felles.access.decision import PersonPrincipal
from felles.identity.operations.oidc import session_active
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.mailbox.queries import unread_count
from felles.portal import i18n, navigation, session
from felles.portal.parties import Party, resolve
from felles.portal.post import Mailbox, mailbox_of
from felles.portal.render import render

#: Pages hold personal data: never cached, never framed, scripts and styles only our own.
HEADERS: Final = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}
MAX_FORM: Final = 4000


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in person, the party they act for (None before the choice) and the page's
    language."""

    lang: str
    session: session.PortalSession
    principal: PersonPrincipal
    party: Party | None
    #: Unread letters in the party's mailbox, for the menu; None when it has no mailbox here.
    unread: int | None = None

    @property
    def acting_for_self(self) -> bool:
        return self.party is not None and self.party.ident == self.principal.pid

    @property
    def mailbox(self) -> Mailbox | None:
        return mailbox_of(self.principal.pid, self.party)


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _path_with_query(request: Request) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    path = request.url.path
    return path + ("?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query) if query else "")


def login_redirect(request: Request) -> RedirectResponse:
    target = quote(_path_with_query(request), safe="")
    return RedirectResponse(f"/minside/logg-inn?neste={target}", status_code=303)


def load(request: Request, *, need_party: bool = True) -> Viewer | Response:
    """The viewer of this request, or the response that sends them on: to log in, to choose
    whom to act for, or a refusal when they may no longer act for the party chosen."""
    lang = i18n.choose(request)
    current = session.read(request)
    if current is None:
        return login_redirect(request)
    database = database_of(request)
    principal = PersonPrincipal(pid=current.pid, acr=current.acr)
    with database.read_session() as db:
        if not session_active(db, current.sid):
            response = login_redirect(request)
            session.clear(response)
            return response
        party = None
        if current.party is not None:
            party = resolve(db, principal=principal, ident=current.party, at=get_clock().now())
            if party is None:
                viewer = Viewer(lang, current.acting_for(None), principal, None)
                return forbidden(request, viewer)
        mailbox = mailbox_of(principal.pid, party)
        # One count per page, in the session already open: the menu shows it everywhere.
        unread = unread_count(db, mailbox.recipient) if mailbox is not None else None
    viewer = Viewer(lang, current, principal, party, unread)
    if need_party and party is None:
        return RedirectResponse("/minside/velg", status_code=303)
    return viewer


def page(
    request: Request,
    viewer: Viewer | None,
    template: str,
    *,
    title: str,
    active: str | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page of the portal in the viewer's language (the language cookie kept when
    ``?lang=`` chose it)."""
    lang = viewer.lang if viewer is not None else i18n.choose(request)
    html = render(
        lang,
        template,
        {
            "viewer": viewer,
            "title": title,
            "active": active,
            "menu": navigation.shown(),
            "here": _path_with_query(request),
            "csrf": viewer.session.csrf if viewer is not None else None,
            **context,
        },
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            path="/minside",
            samesite="lax",
            httponly=True,
        )
    return response


def forbidden(request: Request, viewer: Viewer) -> HTMLResponse:
    """403: the person may not act for the party (any more)."""
    return page(
        request,
        viewer,
        "forbidden.html",
        title=i18n.gettext(viewer.lang, "You cannot act for this party"),
        status=403,
    )


async def read_form(request: Request) -> dict[str, list[str]]:
    """The posted form's fields (urlencoded; at most MAX_FORM bytes), each with its values."""
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        return {}
    form: dict[str, list[str]] = {}
    for key, value in pairs:
        if "\x00" not in value:
            form.setdefault(key, []).append(value)
    return form


def first(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name)
    return values[0].strip() if values else ""


def csrf_refused(request: Request, viewer: Viewer) -> HTMLResponse:
    return page(
        request,
        viewer,
        "error.html",
        title=i18n.gettext(viewer.lang, "The form has expired"),
        message=i18n.gettext(
            viewer.lang, "The form was not sent from this page, or it has expired. Try again."
        ),
        status=403,
    )


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)
