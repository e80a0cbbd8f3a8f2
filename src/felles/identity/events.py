"""Events identity emits (CloudEvents, written to the outbox with the change). Source
``/identity``.

* ``no.digdir.idporten.klientRegistrert`` — an OIDC client (relying party) was registered;
  subject its client_id;
* ``no.digdir.maskinporten.klientRegistrert`` — a Maskinporten client was registered; subject
  its client_id; data names the organisation and the scopes;
* ``no.digdir.identity.noekkelRotert`` — a new signing key became active; subject its kid;
  data names the key it replaced and until when that one stays in the JWKS.

Data never carries a secret, a private key or a person's identity number; logins and
logouts are not events (they would be a log of people's movements, which is the access
log's business, not the bus's).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from felles.kernel.clock import get_clock
from felles.kernel.events import Event

if TYPE_CHECKING:
    from felles.identity.model import MaskinportenClient, OidcClient
    from felles.kernel.db import UnitOfWork

SOURCE: Final = "/identity"

OIDC_KLIENT_REGISTRERT: Final = "no.digdir.idporten.klientRegistrert"
MASKINPORTEN_KLIENT_REGISTRERT: Final = "no.digdir.maskinporten.klientRegistrert"
NOEKKEL_ROTERT: Final = "no.digdir.identity.noekkelRotert"

TYPES: Final = (OIDC_KLIENT_REGISTRERT, MASKINPORTEN_KLIENT_REGISTRERT, NOEKKEL_ROTERT)


def _emit(uow: UnitOfWork, *, type: str, subject: str, data: dict[str, Any]) -> Event:
    event = Event(type=type, source=SOURCE, subject=subject, data=data, time=get_clock().now())
    uow.emit(event)
    return event


def oidc_klient_registrert(uow: UnitOfWork, client: OidcClient) -> Event:
    data = {
        "clientId": client.client_id,
        "clientName": client.client_name,
        "tokenEndpointAuthMethod": client.token_endpoint_auth_method,
        "redirectUris": list(client.redirect_uris),
        "scopes": list(client.scopes),
    }
    return _emit(uow, type=OIDC_KLIENT_REGISTRERT, subject=client.client_id, data=data)


def maskinporten_klient_registrert(uow: UnitOfWork, client: MaskinportenClient) -> Event:
    data = {
        "clientId": client.client_id,
        "clientName": client.client_name,
        "organisasjonsnummer": client.orgnr,
        "scopes": list(client.scopes),
        "kids": [key.get("kid") for key in client.jwks.get("keys", [])],
    }
    return _emit(uow, type=MASKINPORTEN_KLIENT_REGISTRERT, subject=client.client_id, data=data)


def noekkel_rotert(
    uow: UnitOfWork, *, kid: str, previous_kid: str | None, previous_expires: datetime | None
) -> Event:
    data = {
        "kid": kid,
        "forrigeKid": previous_kid,
        "forrigeUtloeper": previous_expires.isoformat() if previous_expires else None,
    }
    return _emit(uow, type=NOEKKEL_ROTERT, subject=kid, data=data)
