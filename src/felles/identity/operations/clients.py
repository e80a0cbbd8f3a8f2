"""Registering clients: relying parties of the OIDC provider and Maskinporten clients."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from felles.identity import crypto, events
from felles.identity.model import MaskinportenClient, OidcClient
from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput
from felles.kernel.ids import orgnr_input

AUTH_METHODS: Final = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
ASSERTION_ALGS: Final = ("RS256", "RS384", "RS512", "ES256")
OIDC_SCOPES: Final = ("openid", "profile")


@dataclass(frozen=True)
class RegisteredOidcClient:
    client: OidcClient
    client_secret: str | None  # shown once, at registration; only its HMAC is stored


def _uris(values: Sequence[str], *, role: str) -> list[str]:
    for uri in values:
        parts = urlsplit(uri)
        if parts.scheme not in {"https", "http"} or not parts.netloc or parts.fragment:
            raise InvalidInput(f"{role}: every URI must be absolute http(s) without a fragment")
    return list(dict.fromkeys(values))


def _scopes(values: Sequence[str]) -> list[str]:
    for scope in values:
        if not scope or any(c.isspace() for c in scope) or '"' in scope or "\\" in scope:
            raise InvalidInput("scopes: a scope is a non-empty string without spaces or quotes")
    return list(dict.fromkeys(values))


def public_jwks(jwks: dict[str, Any], *, role: str) -> dict[str, Any]:
    """A client's JWKS, checked: public keys the assertion algorithms can use, each with a
    unique ``kid``. Private members are refused (a client never gives us its private key)."""
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        raise InvalidInput(f"{role}: a JWKS needs a non-empty list 'keys'")
    kids: set[str] = set()
    for key in keys:
        if not isinstance(key, dict):
            raise InvalidInput(f"{role}: every key is a JSON object")
        kid = key.get("kid")
        if not isinstance(kid, str) or not kid or kid in kids:
            raise InvalidInput(f"{role}: every key needs its own 'kid'")
        kids.add(kid)
        if key.get("kty") not in {"RSA", "EC"} or "d" in key:
            raise InvalidInput(f"{role}: keys must be public RSA or EC keys")
        if key.get("alg") is not None and key.get("alg") not in ASSERTION_ALGS:
            raise InvalidInput(f"{role}: alg must be one of {', '.join(ASSERTION_ALGS)}")
    try:
        KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidInput(f"{role}: a key cannot be read ({type(error).__name__})") from None
    return {"keys": keys}


def register_oidc_client(
    uow: UnitOfWork,
    *,
    client_id: str,
    client_name: str,
    redirect_uris: Sequence[str],
    post_logout_redirect_uris: Sequence[str] = (),
    token_endpoint_auth_method: str = "client_secret_basic",
    scopes: Sequence[str] = OIDC_SCOPES,
    sector: str | None = None,
    jwks: dict[str, Any] | None = None,
) -> RegisteredOidcClient:
    """Register a relying party; a client secret is made for the client_secret_* methods."""
    if token_endpoint_auth_method not in AUTH_METHODS:
        raise InvalidInput(f"token_endpoint_auth_method: one of {', '.join(AUTH_METHODS)}")
    if not redirect_uris:
        raise InvalidInput("redirect_uris: at least one")
    if (token_endpoint_auth_method == "private_key_jwt") != (jwks is not None):
        raise InvalidInput("jwks: given exactly when token_endpoint_auth_method is private_key_jwt")
    scope_list = _scopes(scopes)
    if "openid" not in scope_list:
        scope_list.insert(0, "openid")
    if uow.session.get(OidcClient, client_id) is not None:
        raise Conflict("A client with this client_id is registered")
    secret = (
        secrets.token_urlsafe(32)
        if token_endpoint_auth_method.startswith("client_secret")
        else None
    )
    client = OidcClient(
        client_id=client_id,
        client_name=client_name,
        sector=sector or client_id,
        redirect_uris=_uris(redirect_uris, role="redirect_uris"),
        post_logout_redirect_uris=_uris(
            post_logout_redirect_uris, role="post_logout_redirect_uris"
        ),
        token_endpoint_auth_method=token_endpoint_auth_method,
        client_secret_hmac=crypto.secret_digest(secret) if secret else None,
        jwks=public_jwks(jwks, role="jwks") if jwks is not None else None,
        scopes=scope_list,
        registered=get_clock().now(),
    )
    uow.session.add(client)
    uow.session.flush()
    events.oidc_klient_registrert(uow, client)
    return RegisteredOidcClient(client, secret)


def register_maskinporten_client(
    uow: UnitOfWork,
    *,
    client_id: str,
    client_name: str,
    orgnr: str,
    jwks: dict[str, Any],
    scopes: Sequence[str],
) -> MaskinportenClient:
    """Register a machine client of an organisation with its public keys and scopes."""
    number = orgnr_input(orgnr, role="client_orgno")
    if not scopes:
        raise InvalidInput("scopes: at least one")
    if uow.session.get(MaskinportenClient, client_id) is not None:
        raise Conflict("A client with this client_id is registered")
    client = MaskinportenClient(
        client_id=client_id,
        client_name=client_name,
        orgnr=number,
        jwks=public_jwks(jwks, role="jwks"),
        scopes=_scopes(scopes),
        registered=get_clock().now(),
    )
    uow.session.add(client)
    uow.session.flush()
    events.maskinporten_klient_registrert(uow, client)
    return client
