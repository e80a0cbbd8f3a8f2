"""One error type, rendered as RFC 9457 ``application/problem+json``.

Operations raise a ``Problem`` subclass; the API layer renders it. A problem's ``detail`` is
written for the caller and must never contain another person's data; identifiers the caller
sent are echoed only where the caller already has them (the request itself).
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818 (RFC 9457 calls it a problem)
    """A failure that the caller can act on, with an HTTP status and a stable type slug."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @property
    def type_uri(self) -> str:
        # Relative URI (allowed by RFC 9457 §3.1.1); the problem types are listed in the docs.
        return f"/problems/{self.slug}"

    def to_dict(self, *, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type_uri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            body["instance"] = instance
        body.update(self.extensions)
        return body


class InvalidInput(Problem):
    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class NotFound(Problem):
    status = 404
    slug = "not-found"
    title = "Not found"


class Gone(Problem):
    status = 410
    slug = "gone"
    title = "Gone"


class Conflict(Problem):
    """The request is well-formed but breaks a registry invariant (e.g. a second death)."""

    status = 409
    slug = "conflict"
    title = "Conflict with the registry's current state"


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class Forbidden(Problem):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class TooManyIdentifiers(Problem):
    status = 413
    slug = "too-many-identifiers"
    title = "Too many identifiers in one request"


class ServiceUnavailable(Problem):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"
