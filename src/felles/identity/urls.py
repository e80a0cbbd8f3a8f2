"""The issuers and endpoints of felles' two identity services, from the settings."""

from __future__ import annotations

from typing import Final

from felles.kernel.settings import get_settings

IDPORTEN: Final = "/idporten"
MASKINPORTEN: Final = "/maskinporten"


def base_url() -> str:
    return get_settings().identity_base_url.rstrip("/")


def idporten_issuer() -> str:
    """The OIDC provider's issuer (as ``https://idporten.no``)."""
    return base_url() + IDPORTEN


def maskinporten_issuer() -> str:
    """Maskinporten's issuer, with its trailing slash as the real one
    (``https://maskinporten.no/``)."""
    return base_url() + MASKINPORTEN + "/"
