"""A relying party's side: read an OIDC provider's discovery document and check its ID
tokens. The portal uses it with ``FELLES_OIDC_DISCOVERY_URL``: felles' own provider by
default, the real ID-porten (``https://idporten.no/.well-known/openid-configuration``) when
configured so. The HTTP client is the caller's (anything with ``get(url)`` returning a
response with ``raise_for_status()`` and ``json()``, e.g. httpx).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from felles.kernel.settings import get_settings

WELL_KNOWN = "/.well-known/openid-configuration"


class _Response(Protocol):
    def raise_for_status(self) -> Any: ...
    def json(self) -> Any: ...


class HttpGet(Protocol):
    def get(self, url: str) -> _Response: ...


@dataclass(frozen=True)
class ProviderMetadata:
    """The endpoints of an OIDC provider, from its discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    document: dict[str, Any]


def discovery_url() -> str:
    """Where the portal reads the provider's discovery document (settings)."""
    return get_settings().oidc_discovery_url


def discover(http: HttpGet, url: str | None = None) -> ProviderMetadata:
    """Read and check a discovery document: the issuer must be the URL's prefix (OpenID
    Connect Discovery §4.3) and the required endpoints present."""
    url = url or discovery_url()
    response = http.get(url)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ValueError("the discovery document is not a JSON object")
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or issuer.rstrip("/") + WELL_KNOWN != url:
        raise ValueError("the discovery document's issuer does not match its URL")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(name), str):
            raise ValueError(f"the discovery document has no {name}")
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=document.get("userinfo_endpoint"),
        end_session_endpoint=document.get("end_session_endpoint"),
        document=document,
    )


def fetch_jwks(http: HttpGet, metadata: ProviderMetadata) -> KeySet:
    response = http.get(metadata.jwks_uri)
    response.raise_for_status()
    return KeySet.import_key_set(response.json())


def validate_id_token(
    id_token: str,
    *,
    jwks: KeySet,
    metadata: ProviderMetadata,
    client_id: str,
    nonce: str | None,
    acr_values: Collection[str] = (),
    now: int | None = None,
    leeway: int = 30,
) -> dict[str, Any]:
    """The claims of an ID token once signature, iss, aud, exp, nonce and acr are checked
    (a client must check the acr it got, ID-porten says)."""
    try:
        claims = jwt.decode(id_token, jwks, algorithms=["RS256"]).claims
    except (JoseError, ValueError) as error:
        raise ValueError(f"the ID token is not valid ({type(error).__name__})") from None
    now = int(time.time()) if now is None else now
    aud = claims.get("aud")
    if claims.get("iss") != metadata.issuer:
        raise ValueError("the ID token's issuer is not the provider's")
    if client_id not in (aud if isinstance(aud, list) else [aud]):
        raise ValueError("the ID token is not for this client")
    if not isinstance(claims.get("exp"), int) or claims["exp"] + leeway <= now:
        raise ValueError("the ID token has expired")
    if nonce is not None and claims.get("nonce") != nonce:
        raise ValueError("the ID token's nonce is not the one sent")
    if acr_values and claims.get("acr") not in acr_values:
        raise ValueError("the ID token's acr is not one asked for")
    return claims
