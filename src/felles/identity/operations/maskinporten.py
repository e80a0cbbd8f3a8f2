"""Maskinporten's token endpoint: the JWT-bearer grant (RFC 7523) exactly as Maskinporten.

The client signs an assertion with its own key (see ``assertions``); every scope it asks for
must be allowed for it. The access token is a JWT signed with felles' key carrying the
consumer organisation (``consumer``, ISO 6523 ``0192:<orgnr>``), ``scope``, ``client_id``,
``iss``, ``aud`` (the ``resource`` the assertion names, else the default audience), ``iat``,
``exp`` and ``jti``.
"""

from __future__ import annotations

import secrets
from typing import Any, Final

from felles.identity import urls
from felles.identity.errors import InvalidClient, InvalidGrant, InvalidScope
from felles.identity.model import MaskinportenClient
from felles.identity.operations import keys
from felles.identity.operations.assertions import unverified, verify_client_assertion
from felles.identity.times import epoch
from felles.kernel.clock import get_clock
from felles.kernel.db import UnitOfWork
from felles.kernel.settings import get_settings

GRANT_TYPE: Final = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ISO6523_AUTHORITY: Final = "iso6523-actorid-upis"


def consumer(orgnr: str) -> dict[str, str]:
    return {"authority": ISO6523_AUTHORITY, "ID": f"0192:{orgnr}"}


def _resource(claims: dict[str, Any]) -> str | list[str] | None:
    resource = claims.get("resource")
    if resource is None:
        return None
    if isinstance(resource, str) and resource:
        return resource
    if isinstance(resource, list) and resource and all(isinstance(r, str) and r for r in resource):
        return resource if len(resource) > 1 else resource[0]
    raise InvalidGrant("resource must be a string or a list of strings")


def issue_token(uow: UnitOfWork, *, assertion: str) -> dict[str, Any]:
    """The token response for a JWT-bearer grant."""
    _, claims = unverified(assertion)
    client_id = claims.get("iss")
    client = (
        uow.session.get(MaskinportenClient, client_id)
        if isinstance(client_id, str) and client_id
        else None
    )
    if client is None:
        raise InvalidClient("No Maskinporten client is registered with the assertion's iss")
    issuer = urls.maskinporten_issuer()
    checked = verify_client_assertion(
        uow,
        assertion=assertion,
        client_id=client.client_id,
        jwks=client.jwks,
        audiences={issuer, issuer.rstrip("/")},
    )
    scope = checked.get("scope")
    if not isinstance(scope, str) or not scope.split():
        raise InvalidScope("The assertion needs scope: the scopes asked for, space-separated")
    asked = list(dict.fromkeys(scope.split()))
    refused = [s for s in asked if s not in client.scopes]
    if refused:
        raise InvalidScope(f"Scope not allowed for this client: {' '.join(refused)}")
    settings = get_settings()
    iat = epoch(get_clock().now())
    lifetime = settings.identity_token_lifetime
    token_claims = {
        "iss": issuer,
        "aud": _resource(checked) or settings.identity_default_audience,
        "client_id": client.client_id,
        "client_amr": "private_key_jwt",
        "token_type": "Bearer",
        "consumer": consumer(client.orgnr),
        "scope": " ".join(asked),
        "iat": iat,
        "exp": iat + lifetime,
        "jti": secrets.token_urlsafe(16),
    }
    return {
        "access_token": keys.sign(uow, token_claims, typ="at+jwt"),
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": " ".join(asked),
    }
