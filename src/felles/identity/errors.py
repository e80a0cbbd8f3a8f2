"""OAuth 2.0 errors of the token endpoints (RFC 6749 §5.2), as problems.

The body carries OAuth's ``error`` and ``error_description`` (what OAuth clients read, as
Authlib and Maskinporten's client libraries do) and the problem members felles answers every
4xx with; the content type is problem+json, a JSON type (docs/decisions/0022-identity.md).
"""

from __future__ import annotations

from typing import Any, ClassVar

from felles.kernel.errors import Problem


class OAuthError(Problem):
    status = 400
    slug = "oauth-invalid-request"
    title = "Invalid OAuth request"
    error: ClassVar[str] = "invalid_request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, error=self.error, error_description=detail, **extensions)


class InvalidRequest(OAuthError):  # noqa: N818 (OAuth error codes)
    pass


class InvalidClient(OAuthError):  # noqa: N818 (OAuth error codes)
    status = 401
    slug = "oauth-invalid-client"
    title = "Client authentication failed"
    error = "invalid_client"


class InvalidGrant(OAuthError):  # noqa: N818 (OAuth error codes)
    slug = "oauth-invalid-grant"
    title = "Invalid grant"
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):  # noqa: N818 (OAuth error codes)
    slug = "oauth-unauthorized-client"
    title = "Client not allowed this grant"
    error = "unauthorized_client"


class UnsupportedGrantType(OAuthError):  # noqa: N818 (OAuth error codes)
    slug = "oauth-unsupported-grant-type"
    title = "Unsupported grant type"
    error = "unsupported_grant_type"


class InvalidScope(OAuthError):  # noqa: N818 (OAuth error codes)
    slug = "oauth-invalid-scope"
    title = "Invalid scope"
    error = "invalid_scope"
