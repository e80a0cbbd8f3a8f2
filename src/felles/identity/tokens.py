"""Token validation for every API: ``require_scope`` gives a route the caller's ``Principal``.

An access token is a JWT felles issued (``typ`` ``at+jwt``): from Maskinporten for an
organisation's system, or from the OIDC provider (ID-porten) for a person logged in at a
client. Checked: the signature against felles' JWKS (the active key and rotated-out keys
still within their grace period), the issuer, the audience, the expiry and the scopes. A
missing, malformed, forged, expired or wrongly addressed token is a 401 problem with
``WWW-Authenticate: Bearer``; a valid token without the scope is a 403 problem.

The registries' APIs cannot import this block (it sits above them); they guard their routes
with ``felles.kernel.web.access(scope)``, which accepts the operator's token or calls
``app_validator`` here (installed by ``felles.app``). Blocks above identity can use
``require_scope`` directly::

    from fastapi import Depends, Request
    from felles.identity.tokens import TOKEN_RESPONSES, Principal, require_scope

    @router.get("/personer/{ident}", responses=TOKEN_RESPONSES)
    def person(
        principal: Annotated[Principal, Depends(require_scope("nav:folkeregister/person.read"))],
    ) -> ...:
        principal.orgnr  # the consumer organisation (Maskinporten), or
        principal.pid    # the person (ID-porten), with principal.acr
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import GuestProtocol, RSAKey
from sqlalchemy.orm import Session

from felles.identity import urls
from felles.identity.operations import keys
from felles.identity.times import epoch
from felles.kernel import caches
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.kernel.errors import Forbidden, Unauthorized
from felles.kernel.settings import get_settings
from felles.kernel.web import DatabaseDep, problem_doc

ACCESS_TOKEN_TYPE: Final = "at+jwt"
LEEWAY: Final = 5  # seconds of clock difference tolerated on exp and iat

TOKEN_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: problem_doc("No access token, or one that is invalid or expired"),
    403: problem_doc("The access token lacks a scope this operation needs"),
}


@dataclass(frozen=True)
class Principal:
    """Who calls: an organisation's system (Maskinporten) or a person (ID-porten)."""

    kind: Literal["organisation", "person"]
    client_id: str
    scopes: frozenset[str]
    orgnr: str | None = None
    pid: str | None = None
    acr: str | None = None
    sub: str | None = None
    claims: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class InvalidToken(Unauthorized):
    """The access token is missing, malformed, forged, expired or not for this API."""


def _key_resolver(session: Session) -> Callable[[GuestProtocol], RSAKey]:
    """Finds the key a token names (``kid``) among felles' keys that validate now."""

    def resolve(token: GuestProtocol) -> RSAKey:
        kid = token.headers().get("kid")
        key = keys.verification_key(session, kid) if isinstance(kid, str) else None
        if key is None:
            raise ValueError("unknown or expired key")
        return key

    return resolve


#: Tokens found valid, for ``VALIDATED_CACHE_SECONDS`` at most (every request of a system
#: shows the same token until it expires): (token, audience) → (principal, exp, when read).
VALIDATED_CACHE_SECONDS: Final = 30.0
VALIDATED_CACHE_SIZE: Final = 50_000
_validated: dict[tuple[str, str], tuple[Principal, int, float]] = caches.registered({})


def cached_principal(token: str, *, audience: str | None = None) -> Principal | None:
    """The principal of ``token`` if it was found valid a moment ago and has not expired
    since; None when it must be checked (``validate_access_token``)."""
    expected_aud = audience or get_settings().identity_default_audience
    hit = _validated.get((token, expected_aud))
    if (
        hit is not None
        and time.monotonic() - hit[2] < VALIDATED_CACHE_SECONDS
        and hit[1] + LEEWAY > epoch(get_clock().now())
    ):
        return hit[0]
    return None


def validate_access_token(
    session: Session, token: str, *, audience: str | None = None
) -> Principal:
    """The principal of a valid access token; InvalidToken (401) otherwise.

    A token found valid is remembered for a short while; it still expires at its ``exp`` by
    the felles clock, and a key rotation or retirement reaches it within the cache time.
    """
    expected_aud = audience or get_settings().identity_default_audience
    known = cached_principal(token, audience=expected_aud)
    if known is not None:
        return known
    principal = _validate(session, token, expected_aud)
    if len(_validated) >= VALIDATED_CACHE_SIZE:
        _validated.clear()
    _validated[(token, expected_aud)] = (principal, int(principal.claims["exp"]), time.monotonic())
    return principal


def _validate(session: Session, token: str, expected_aud: str) -> Principal:
    try:
        decoded = jwt.decode(token, _key_resolver(session), algorithms=[keys.ALG])
    except (JoseError, ValueError, TypeError):
        raise InvalidToken("The access token is not valid") from None
    header, claims = decoded.header, decoded.claims
    if header.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidToken("The token is not an access token")
    issuer = claims.get("iss")
    if issuer not in {urls.maskinporten_issuer(), urls.idporten_issuer()}:
        raise InvalidToken("The access token's issuer is not felles")
    aud = claims.get("aud")
    if expected_aud not in (aud if isinstance(aud, list) else [aud]):
        raise InvalidToken("The access token is not meant for this API (aud)")
    exp, iat = claims.get("exp"), claims.get("iat")
    now = epoch(get_clock().now())
    if not isinstance(exp, int) or exp + LEEWAY <= now:
        raise InvalidToken("The access token has expired")
    if not isinstance(iat, int) or iat - LEEWAY > now:
        raise InvalidToken("The access token is not valid yet")
    scope = claims.get("scope")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
    client_id = str(claims.get("client_id") or "")
    if issuer == urls.maskinporten_issuer():
        consumer = claims.get("consumer")
        ident = consumer.get("ID") if isinstance(consumer, dict) else None
        if not isinstance(ident, str) or not ident.startswith("0192:"):
            raise InvalidToken("The access token names no consumer organisation")
        return Principal(
            "organisation", client_id, scopes, orgnr=ident.removeprefix("0192:"), claims=claims
        )
    pid = claims.get("pid")
    if not isinstance(pid, str):
        raise InvalidToken("The access token names no person")
    return Principal(
        "person",
        client_id,
        scopes,
        pid=pid,
        acr=claims.get("acr"),
        sub=claims.get("sub"),
        claims=claims,
    )


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="accessToken",
    description="An access token from felles' Maskinporten or ID-porten",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise InvalidToken("This endpoint needs an access token (Authorization: Bearer ...)")
    return credentials.credentials


def require_scope(
    *scopes: str, audience: str | None = None
) -> Callable[[Credentials, DatabaseDep], Principal]:
    """A FastAPI dependency: the caller's Principal, when its token has every scope given."""

    def dependency(credentials: Credentials, database: DatabaseDep) -> Principal:
        token = bearer_token(credentials)
        with database.read_session() as session:
            principal = validate_access_token(session, token, audience=audience)
        missing = [scope for scope in scopes if scope not in principal.scopes]
        if missing:
            raise Forbidden(
                f"The access token lacks the scope {' '.join(missing)}", required=list(scopes)
            )
        return principal

    return dependency


def token_principal(database: Database, token: str) -> Principal:
    """The principal of a valid access token (InvalidToken otherwise): from the cache of
    tokens checked a moment ago, or checked against ``database``'s signing keys."""
    principal = cached_principal(token)
    if principal is None:
        with database.lookup_session() as session:  # a key read at most: no transaction
            principal = validate_access_token(session, token)
    return principal


def app_validator(request: Request, token: str) -> tuple[Principal, frozenset[str]]:
    """``felles.kernel.web.TokenValidator`` for the application: the token's principal and
    scopes, checked against the application's own database (InvalidToken otherwise)."""
    principal = token_principal(request.app.state.database, token)
    return principal, principal.scopes
