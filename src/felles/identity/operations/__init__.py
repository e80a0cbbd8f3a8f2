"""Identity's operations: clients, signing keys, the OIDC provider, Maskinporten's grant."""

from felles.identity.operations.clients import (
    RegisteredOidcClient,
    register_maskinporten_client,
    register_oidc_client,
)
from felles.identity.operations.keys import ensure_active_key, jwks, rotate_keys

__all__ = [
    "RegisteredOidcClient",
    "ensure_active_key",
    "jwks",
    "register_maskinporten_client",
    "register_oidc_client",
    "rotate_keys",
]
