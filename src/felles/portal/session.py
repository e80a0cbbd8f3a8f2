"""The portal's session: an encrypted, authenticated cookie (decision 0036).

The cookie ``minside`` holds the login (pid, assurance level, the provider's session id
``sid`` and the ID token for logging out), the party chosen to act for and the CSRF token,
encrypted and signed with Fernet under a key derived from ``FELLES_IDENTITY_SECRET`` — so
the browser holds nothing readable, and nothing it can change. The provider's session row
(``identity_session``) is the server-side truth: every page checks that ``sid`` is still
active, so logging out ends every copy of the cookie. A second cookie, ``minside_login``,
carries the state, nonce and PKCE verifier of a login under way for ten minutes.

Both are HttpOnly, SameSite=Lax, path ``/minside``, and Secure when felles is served over
https. A session lasts at most ``SESSION_SECONDS``.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Any, Final

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.requests import Request
from starlette.responses import Response

from felles.kernel.settings import get_settings

COOKIE: Final = "minside"
LOGIN_COOKIE: Final = "minside_login"
PATH: Final = "/minside"
SESSION_SECONDS: Final = 8 * 3600  # a working day; the provider's logout ends it sooner
LOGIN_SECONDS: Final = 600


@dataclass(frozen=True, slots=True)
class PortalSession:
    pid: str
    acr: str
    sid: str
    id_token: str
    csrf: str
    party: str | None = None  # who the person acts for: None until chosen

    def acting_for(self, party: str | None) -> PortalSession:
        return replace(self, party=party)


@dataclass(frozen=True, slots=True)
class LoginState:
    state: str
    nonce: str
    verifier: str
    next: str


@cache
def _fernet(secret: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"felles portal session")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret.encode())))


def _box() -> Fernet:
    return _fernet(get_settings().identity_secret.get_secret_value())


def _seal(value: dict[str, Any]) -> str:
    return _box().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def _open(token: str | None, ttl: int) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        value = json.loads(_box().decrypt(token.encode(), ttl=ttl))
    except (InvalidToken, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _secure() -> bool:
    return get_settings().identity_base_url.startswith("https://")


def new_session(*, pid: str, acr: str, sid: str, id_token: str) -> PortalSession:
    return PortalSession(
        pid=pid, acr=acr, sid=sid, id_token=id_token, csrf=secrets.token_urlsafe(32)
    )


def read(request: Request) -> PortalSession | None:
    value = _open(request.cookies.get(COOKIE), SESSION_SECONDS)
    try:
        return PortalSession(**value) if value is not None else None
    except TypeError:
        return None


def write(response: Response, session: PortalSession) -> None:
    response.set_cookie(
        COOKIE,
        _seal(asdict(session)),
        max_age=SESSION_SECONDS,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(),
    )


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="lax", secure=_secure())


def read_login(request: Request) -> LoginState | None:
    value = _open(request.cookies.get(LOGIN_COOKIE), LOGIN_SECONDS)
    try:
        return LoginState(**value) if value is not None else None
    except TypeError:
        return None


def write_login(response: Response, login: LoginState) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        _seal(asdict(login)),
        max_age=LOGIN_SECONDS,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(),
    )


def clear_login(response: Response) -> None:
    response.delete_cookie(LOGIN_COOKIE, path=PATH, httponly=True, samesite="lax", secure=_secure())


def csrf_matches(session: PortalSession, token: str | None) -> bool:
    return bool(token) and secrets.compare_digest(session.csrf.encode(), (token or "").encode())
