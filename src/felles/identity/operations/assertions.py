"""JWT assertions signed by a client's own key (RFC 7523): Maskinporten's JWT-bearer grant
and private_key_jwt client authentication.

As Maskinporten: ``alg`` RS256/RS384/RS512/ES256 with the ``kid`` of a registered key,
``iss`` the client_id, ``aud`` the issuer, ``iat`` and ``exp`` at most 120 s after it, a
``jti`` never seen before. Seen jtis are rows (primary key (client_id, jti)) until the
assertion expires, so a replay is refused whichever process gets it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import timedelta
from typing import Any, Final

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from felles.identity.errors import InvalidGrant, OAuthError
from felles.identity.model import SeenJti
from felles.identity.times import epoch, from_epoch
from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork

ALGORITHMS: Final = ("RS256", "RS384", "RS512", "ES256")
MAX_LIFETIME: Final = 120  # seconds between iat and exp
CLOCK_SKEW: Final = 10  # seconds an iat may lie in the future
MAX_JTI: Final = 255


def unverified(
    assertion: str, error: type[OAuthError] = InvalidGrant
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS, before any check."""
    try:
        compact = jws.extract_compact(assertion.encode())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise error("The assertion is not a signed JWT") from None
    if not isinstance(claims, dict):
        raise error("The assertion's payload is not a JSON object")
    return dict(compact.protected), claims


def _number(claims: dict[str, Any], name: str, error: type[OAuthError]) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"The assertion needs a numeric {name}")
    return int(value)


def verify_client_assertion(
    uow: UnitOfWork,
    *,
    assertion: str,
    client_id: str,
    jwks: dict[str, Any],
    audiences: Collection[str],
    error: type[OAuthError] = InvalidGrant,
) -> dict[str, Any]:
    """The assertion's claims once signature, aud, iss, iat, exp and jti are checked; the
    jti is recorded in the unit of work (refused if seen before)."""
    header, _ = unverified(assertion, error)
    if header.get("alg") not in ALGORITHMS:
        raise error(f"The assertion's alg must be one of {', '.join(ALGORITHMS)}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise error(
            "The assertion's header needs the kid of a registered key (x5c is not supported)"
        )
    try:
        key_set = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        token = jwt.decode(assertion, key_set, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError, TypeError) as failure:
        raise error(f"The assertion's signature is not valid ({type(failure).__name__})") from None
    claims = token.claims
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a in audiences for a in auds):
        raise error("The assertion's aud must be the issuer")
    if claims.get("iss") != client_id:
        raise error("The assertion's iss must be the client_id")
    if "sub" in claims and claims["sub"] != client_id:
        raise error("The assertion's sub must be the client_id")
    iat, exp = _number(claims, "iat", error), _number(claims, "exp", error)
    now = epoch(get_clock().now())
    if iat > now + CLOCK_SKEW:
        raise error("The assertion's iat lies in the future")
    if exp <= now:
        raise error("The assertion has expired")
    if exp - iat > MAX_LIFETIME or exp < iat:
        raise error(f"The assertion's exp must be at most {MAX_LIFETIME} s after iat")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI:
        raise error(f"The assertion needs a jti (a string of at most {MAX_JTI} characters)")
    _remember(uow, client_id=client_id, jti=jti, expires=exp, error=error)
    return claims


def _remember(
    uow: UnitOfWork, *, client_id: str, jti: str, expires: int, error: type[OAuthError]
) -> None:
    session = uow.session
    now = get_clock().now()
    session.execute(delete(SeenJti).where(SeenJti.expires < now - timedelta(seconds=CLOCK_SKEW)))
    try:
        with uow.savepoint():
            session.add(SeenJti(client_id=client_id, jti=jti, expires=from_epoch(expires)))
            session.flush()
    except IntegrityError:
        raise error("The assertion's jti has been used before (replay)") from None
