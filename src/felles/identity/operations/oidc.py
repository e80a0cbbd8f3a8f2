"""The OpenID Connect provider's operations, as ID-porten: authorization request, TestID
login, code exchange with PKCE, userinfo and logout.

A login request is checked when the browser arrives at ``/authorize`` and travels to the
TestID form as one signed value (no table): the form posts it back with the person and the
level, and the login makes a session (``sid``) and an authorization code. The code is stored
as its SHA-256, lives ``CODE_LIFETIME`` and is spent by the first exchange that names it,
whether that exchange succeeds or not.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlencode, urlsplit, urlunsplit

from joserfc import jwt
from joserfc.errors import JoseError
from sqlalchemy import delete
from sqlalchemy.orm import Session

from felles.identity import crypto, urls
from felles.identity.errors import InvalidClient, InvalidGrant
from felles.identity.model import AuthorizationCode, IdportenSession, OidcClient
from felles.identity.operations import keys
from felles.identity.operations.assertions import verify_client_assertion
from felles.identity.times import aware, epoch
from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import InvalidInput, Problem
from felles.kernel.ids import person_input
from felles.kernel.settings import get_settings
from felles.registries.folkeregister.queries import get_person

SUBSTANTIAL: Final = "idporten-loa-substantial"
HIGH: Final = "idporten-loa-high"
LEVELS: Final = (SUBSTANTIAL, HIGH)  # lowest first
LOCALES: Final = ("nb", "nn", "en", "se")
AMR: Final = ("TestID",)
CODE_LIFETIME: Final = timedelta(seconds=60)
REQUEST_LIFETIME: Final = timedelta(minutes=30)
CLIENT_ASSERTION_TYPE: Final = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_VERIFIER: Final = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE: Final = re.compile(r"[A-Za-z0-9\-_]{43}")


class BadAuthorizationRequest(Problem):
    """The request cannot be answered at the client's redirect_uri (unknown client, URI not
    registered): shown to the person, never redirected (RFC 6749 §4.1.2.1)."""

    status = 400
    slug = "invalid-authorization-request"
    title = "Invalid authorization request"


@dataclass(frozen=True)
class RedirectError(Exception):
    """An error the client learns at its redirect_uri (``error``, ``state``, ``iss``)."""

    redirect_uri: str
    error: str
    description: str
    state: str | None

    @property
    def location(self) -> str:
        params = {"error": self.error, "error_description": self.description}
        if self.state is not None:
            params["state"] = self.state
        return with_query(self.redirect_uri, params | {"iss": urls.idporten_issuer()})


class LoginRefused(Exception):  # noqa: N818
    """The TestID form was filled in wrongly; the message is shown on the form."""


def with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    client_name: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str
    acr: str  # the lowest level the client accepts
    locale: str
    expires: int

    def to_blob(self) -> str:
        return crypto.sign_blob(asdict(self))

    @classmethod
    def from_blob(cls, blob: str) -> AuthorizationRequest:
        value = crypto.open_blob(blob)
        try:
            request = cls(**value) if value is not None else None
        except TypeError:
            request = None
        if request is None:
            raise BadAuthorizationRequest("The login request is not one felles made")
        if request.expires < epoch(get_clock().now()):
            raise BadAuthorizationRequest("The login request has expired; start again")
        return request

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels the person may log in at."""
        return LEVELS[LEVELS.index(self.acr) :]


def authorization_request(session: Session, params: dict[str, str | None]) -> AuthorizationRequest:
    """The request at ``/authorize``, checked (ID-porten requires PKCE with S256)."""
    client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
    client = session.get(OidcClient, client_id) if client_id else None
    if client is None:
        raise BadAuthorizationRequest("No client is registered with this client_id")
    if redirect_uri not in client.redirect_uris:
        raise BadAuthorizationRequest("redirect_uri is not registered for the client")
    state = params.get("state")

    def refuse(error: str, description: str) -> RedirectError:
        return RedirectError(redirect_uri, error, description, state)

    if params.get("response_type") != "code":
        raise refuse("unsupported_response_type", "response_type must be code")
    if params.get("request") or params.get("request_uri"):
        raise refuse("request_not_supported", "request objects are not supported")
    scopes = (params.get("scope") or "").split()
    if "openid" not in scopes:
        raise refuse("invalid_scope", "scope must include openid")
    if not set(scopes) <= set(client.scopes):
        raise refuse("invalid_scope", "scope asks for more than the client is allowed")
    challenge = params.get("code_challenge") or ""
    if params.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(challenge):
        raise refuse("invalid_request", "PKCE is required: code_challenge with method S256")
    asked = (params.get("acr_values") or SUBSTANTIAL).split()
    if not asked or any(level not in LEVELS for level in asked):
        raise refuse("invalid_request", f"acr_values must be among {' '.join(LEVELS)}")
    if params.get("prompt") == "none":
        raise refuse("login_required", "no session: TestID always asks")
    wanted_locales = (params.get("ui_locales") or "nb").split()
    locale = next((tag for tag in wanted_locales if tag in LOCALES), "nb")
    return AuthorizationRequest(
        client_id=client.client_id,
        client_name=client.client_name,
        redirect_uri=redirect_uri,
        scope=" ".join(dict.fromkeys(scopes)),
        state=state,
        nonce=params.get("nonce"),
        code_challenge=challenge,
        acr=min(asked, key=LEVELS.index),
        locale=locale,
        expires=epoch(get_clock().now() + REQUEST_LIFETIME),
    )


def log_in(uow: UnitOfWork, *, request: AuthorizationRequest, pid: str, acr: str) -> str:
    """The person logs in with TestID: a session and a code; returns the redirect."""
    try:
        ident = person_input(pid.strip(), role="pid")
    except InvalidInput as error:
        raise LoginRefused(error.detail) from None
    person = get_person(uow.session, ident=ident)
    if person is None:
        raise LoginRefused("Folkeregisteret har ingen person med dette nummeret")
    if acr not in request.levels:
        raise LoginRefused("Velg et sikkerhetsnivå tjenesten godtar")
    now = get_clock().now()
    sid = crypto.b64url(secrets.token_bytes(24))
    uow.session.add(IdportenSession(sid=sid, pid=person.ident, acr=acr, started=now, ended=None))
    code = secrets.token_urlsafe(32)
    uow.session.add(
        AuthorizationCode(
            code_hash=hashlib.sha256(code.encode()).hexdigest(),
            client_id=request.client_id,
            redirect_uri=request.redirect_uri,
            sid=sid,
            pid=person.ident,
            acr=acr,
            scope=request.scope,
            nonce=request.nonce,
            code_challenge=request.code_challenge,
            locale=request.locale,
            auth_time=now,
            expires=now + CODE_LIFETIME,
        )
    )
    params = {"code": code, "iss": urls.idporten_issuer()}
    if request.state is not None:
        params["state"] = request.state
    return with_query(request.redirect_uri, params)


def _basic(authorization: str | None) -> tuple[str, str] | None:
    from urllib.parse import unquote

    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidClient("The Basic credentials cannot be read") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClient("The Basic credentials cannot be read")
    return unquote(client_id), unquote(secret)


def authenticate_client(
    uow: UnitOfWork, *, form: dict[str, str | None], authorization: str | None
) -> OidcClient:
    """The client at the token endpoint, authenticated by its registered method."""
    basic = _basic(authorization)
    assertion = form.get("client_assertion")
    if basic is not None:
        client_id, secret, method = basic[0], basic[1], "client_secret_basic"
    elif assertion:
        if (
            form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            raise InvalidClient(
                "client_assertion_type must be ...:client-assertion-type:jwt-bearer"
            )
        client_id, secret, method = form.get("client_id") or "", None, "private_key_jwt"
    elif form.get("client_secret"):
        client_id, secret, method = (
            form.get("client_id") or "",
            form["client_secret"],
            "client_secret_post",
        )
    else:
        client_id, secret, method = form.get("client_id") or "", None, "none"
    client = uow.session.get(OidcClient, client_id) if client_id else None
    if client is None and assertion:
        issuer = _unverified_iss(assertion)
        client = uow.session.get(OidcClient, issuer) if issuer else None
    if client is None or client.token_endpoint_auth_method != method:
        raise InvalidClient("Client authentication failed")
    if method.startswith("client_secret"):
        if not client.client_secret_hmac or not crypto.secret_matches(
            secret or "", client.client_secret_hmac
        ):
            raise InvalidClient("Client authentication failed")
    elif method == "private_key_jwt":
        verify_client_assertion(
            uow,
            assertion=assertion or "",
            client_id=client.client_id,
            jwks=client.jwks or {"keys": []},
            audiences={urls.idporten_issuer(), urls.idporten_issuer() + "/token"},
            error=InvalidClient,
        )
    return client


def _unverified_iss(assertion: str) -> str | None:
    from joserfc import jws

    try:
        claims = jws.extract_compact(assertion.encode()).payload
        import json

        iss = json.loads(claims).get("iss")
    except (JoseError, ValueError, AttributeError):
        return None
    return iss if isinstance(iss, str) else None


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return crypto.b64url(digest[: len(digest) // 2])


def exchange_code(
    uow: UnitOfWork,
    *,
    client: OidcClient,
    code: str,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> dict[str, Any]:
    """The token response for an authorization code. The code is spent (deleted) first, so
    a caller that commits even on InvalidGrant lets no code be tried twice."""
    session = uow.session
    row = session.get(AuthorizationCode, hashlib.sha256(code.encode()).hexdigest())
    if row is None:
        raise InvalidGrant("The code is not valid (unknown, used or expired)")
    spent = session.execute(
        delete(AuthorizationCode).where(AuthorizationCode.code_hash == row.code_hash)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidGrant("The code is not valid (unknown, used or expired)")
    now = get_clock().now()
    if aware(row.expires) <= now:
        raise InvalidGrant("The code has expired")
    if row.client_id != client.client_id:
        raise InvalidGrant("The code was issued to another client")
    if redirect_uri != row.redirect_uri:
        raise InvalidGrant("redirect_uri differs from the authorization request's")
    if not code_verifier or not _VERIFIER.fullmatch(code_verifier):
        raise InvalidGrant("code_verifier is missing or malformed")
    challenge = crypto.b64url(hashlib.sha256(code_verifier.encode()).digest())
    if challenge != row.code_challenge:
        raise InvalidGrant("code_verifier does not match the code_challenge")
    login = session.get(IdportenSession, row.sid)
    if login is None or login.ended is not None:
        raise InvalidGrant("The login session has ended")
    settings = get_settings()
    lifetime = settings.identity_token_lifetime
    iat = epoch(now)
    sub = crypto.pairwise_sub(client.sector, row.pid)
    common = {"iss": urls.idporten_issuer(), "sub": sub, "pid": row.pid, "acr": row.acr}
    access_token = keys.sign(
        uow,
        common
        | {
            "client_id": client.client_id,
            "aud": settings.identity_default_audience,
            "scope": row.scope,
            "amr": list(AMR),
            "sid": row.sid,
            "locale": row.locale,
            "iat": iat,
            "exp": iat + lifetime,
            "jti": secrets.token_urlsafe(16),
        },
        typ="at+jwt",
    )
    id_claims = common | {
        "aud": client.client_id,
        "amr": list(AMR),
        "sid": row.sid,
        "locale": row.locale,
        "auth_time": epoch(row.auth_time),
        "iat": iat,
        "exp": iat + lifetime,
        "jti": secrets.token_urlsafe(16),
        "at_hash": _at_hash(access_token),
    }
    if row.nonce is not None:
        id_claims["nonce"] = row.nonce
    return {
        "access_token": access_token,
        "id_token": keys.sign(uow, id_claims),
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": row.scope,
    }


@dataclass(frozen=True)
class Logout:
    redirect: str | None


def end_session(
    uow: UnitOfWork,
    *,
    id_token_hint: str | None,
    post_logout_redirect_uri: str | None,
    state: str | None,
) -> Logout:
    """End the session the ID token names; redirect only to a URI its client registered."""
    if not id_token_hint:
        return Logout(None)
    try:
        token = jwt.decode(
            id_token_hint, keys.verification_keys(uow.session), algorithms=[keys.ALG]
        )
    except (JoseError, ValueError):
        raise InvalidInput("id_token_hint is not an ID token felles issued") from None
    claims = token.claims
    if claims.get("iss") != urls.idporten_issuer() or not isinstance(claims.get("sid"), str):
        raise InvalidInput("id_token_hint is not an ID token felles issued")
    login = uow.session.get(IdportenSession, claims["sid"])
    if login is not None and login.ended is None:
        login.ended = get_clock().now()
    client = (
        uow.session.get(OidcClient, claims.get("aud"))
        if isinstance(claims.get("aud"), str)
        else None
    )
    if (
        post_logout_redirect_uri
        and client is not None
        and post_logout_redirect_uri in client.post_logout_redirect_uris
    ):
        params = {"state": state} if state is not None else {}
        return Logout(with_query(post_logout_redirect_uri, params))
    return Logout(None)


def session_active(session: Session, sid: str) -> bool:
    login = session.get(IdportenSession, sid)
    return login is not None and login.ended is None
