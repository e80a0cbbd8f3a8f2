"""The portal as a relying party of the OIDC provider (felles' own ID-porten by default).

Login is the authorization code flow with PKCE (S256), state and nonce: the browser goes to
the provider's ``authorization_endpoint`` (the TestID page), comes back to
``/minside/innlogget`` with a code, and the portal exchanges it at the ``token_endpoint`` over
HTTP — the back channel a portal outside felles would use too — then checks the ID token
(signature against the provider's JWKS, issuer, audience, expiry, nonce, acr).

The portal is a public client (``token_endpoint_auth_method`` ``none``): registration makes
a client secret once and shows it once, and the portal registers itself at first use in
whichever process gets there first, so it could not keep one; PKCE binds the code to the
browser that started the login. On felles' own provider the client is registered
idempotently at first use (``ensure_client``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import urlencode

import httpx
from starlette.requests import Request

from felles.identity import client as rp
from felles.identity import urls
from felles.identity.model import OidcClient
from felles.identity.operations import clients
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import Conflict
from felles.kernel.settings import get_settings

CLIENT_ID: Final = "felles-minside"
CLIENT_NAME: Final = "Min side (felles)"
CALLBACK: Final = "/minside/innlogget"
LOGGED_OUT: Final = "/minside/logget-ut"
ACR_VALUES: Final = ("idporten-loa-substantial", "idporten-loa-high")
DISCOVERY_SECONDS: Final = 300.0


class LoginFailed(Exception):  # noqa: N818
    """The provider's answer cannot be trusted or used; the person starts again."""


class Http(Protocol):
    """What the portal needs of an HTTP client (httpx.Client, or a TestClient in tests)."""

    def get(self, url: str) -> Any: ...
    def post(self, url: str, *, data: dict[str, str]) -> Any: ...


_default_http: httpx.Client | None = None
_http_lock = threading.Lock()


def http_for(request: Request) -> Http:
    """The HTTP client for the back channel: the application's (``portal_http``, set by
    tests that serve the app in-process) or one shared httpx client."""
    configured: Http | None = getattr(request.app.state, "portal_http", None)
    if configured is not None:
        return configured
    global _default_http
    with _http_lock:
        if _default_http is None:
            _default_http = httpx.Client(timeout=10.0)
        return _default_http


def base_url() -> str:
    return get_settings().identity_base_url.rstrip("/")


def redirect_uri() -> str:
    return base_url() + CALLBACK


def logged_out_uri() -> str:
    return base_url() + LOGGED_OUT


_metadata: dict[str, tuple[rp.ProviderMetadata, float]] = {}


def provider(http: Http) -> rp.ProviderMetadata:
    """The provider's discovery document, kept for a few minutes."""
    url = rp.discovery_url()
    cached = _metadata.get(url)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    found = rp.discover(http, url)
    _metadata[url] = (found, time.monotonic() + DISCOVERY_SECONDS)
    return found


def ensure_client(database: Database) -> None:
    """Register the portal at felles' own provider unless it is (idempotent). When felles'
    public address has changed since, the new callback is added to the registration."""
    if rp.discovery_url() != urls.idporten_issuer() + rp.WELL_KNOWN:
        return  # another provider (the real ID-porten): the client is registered there
    wanted = [redirect_uri()]
    with database.unit_of_work() as uow:
        existing = uow.session.get(OidcClient, CLIENT_ID)
        if existing is None:
            try:
                clients.register_oidc_client(
                    uow,
                    client_id=CLIENT_ID,
                    client_name=CLIENT_NAME,
                    redirect_uris=wanted,
                    post_logout_redirect_uris=[logged_out_uri()],
                    token_endpoint_auth_method="none",
                    scopes=("openid", "profile"),
                )
            except Conflict:
                uow.rollback()
                return  # another process registered it just now
        elif redirect_uri() not in existing.redirect_uris:
            existing.redirect_uris = [*existing.redirect_uris, redirect_uri()]
            existing.post_logout_redirect_uris = [
                *existing.post_logout_redirect_uris,
                logged_out_uri(),
            ]
        uow.commit()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class Start:
    url: str
    state: str
    nonce: str
    verifier: str


def start(http: Http, *, lang: str) -> Start:
    """Where to send the browser to log in, and what to remember until it comes back."""
    metadata = provider(http)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)
    query = urlencode(
        {
            "client_id": CLIENT_ID,
            "redirect_uri": redirect_uri(),
            "response_type": "code",
            "scope": "openid profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
            "acr_values": ACR_VALUES[0],
            "ui_locales": lang,
        }
    )
    return Start(f"{metadata.authorization_endpoint}?{query}", state, nonce, verifier)


@dataclass(frozen=True, slots=True)
class Login:
    pid: str
    acr: str
    sid: str
    id_token: str


def finish(http: Http, *, code: str, verifier: str, nonce: str) -> Login:
    """Exchange the code (with the PKCE verifier) and check the ID token."""
    try:
        return _finish(http, code=code, verifier=verifier, nonce=nonce)
    except (httpx.HTTPError, ValueError) as error:
        raise LoginFailed(
            f"the provider did not answer as expected ({type(error).__name__})"
        ) from None


def _finish(http: Http, *, code: str, verifier: str, nonce: str) -> Login:
    metadata = provider(http)
    response = http.post(
        metadata.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(),
            "code_verifier": verifier,
            "client_id": CLIENT_ID,
        },
    )
    if response.status_code != 200:
        raise LoginFailed("the token endpoint refused the code")
    body = response.json()
    id_token = body.get("id_token") if isinstance(body, dict) else None
    if not isinstance(id_token, str):
        raise LoginFailed("the token response has no ID token")
    try:
        claims = rp.validate_id_token(
            id_token,
            jwks=rp.fetch_jwks(http, metadata),
            metadata=metadata,
            client_id=CLIENT_ID,
            nonce=nonce,
            acr_values=ACR_VALUES,
            now=int(get_clock().now().timestamp()),
        )
    except ValueError as error:
        raise LoginFailed(str(error)) from None
    pid, acr, sid = claims.get("pid"), claims.get("acr"), claims.get("sid")
    if not (isinstance(pid, str) and isinstance(acr, str) and isinstance(sid, str)):
        raise LoginFailed("the ID token lacks pid, acr or sid")
    return Login(pid=pid, acr=acr, sid=sid, id_token=id_token)


def logout_url(http: Http, *, id_token: str) -> str:
    """The provider's end-session address for this login, back to the portal afterwards."""
    metadata = provider(http)
    endpoint = metadata.end_session_endpoint or (metadata.issuer.rstrip("/") + "/endsession")
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": logged_out_uri()})
    return f"{endpoint}?{query}"
