"""HTTP plumbing shared by every block's API: problem+json errors, who may call (the operator's
token or an access token with scopes), the hook through which a registry reports a release of
personal data to the access log (``record_release``), and an access log that records route
templates, never the concrete path (paths carry fnr)."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

import orjson
from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from felles.kernel.db import Database
from felles.kernel.errors import (
    PROBLEM_CONTENT_TYPE,
    Forbidden,
    InvalidInput,
    Problem,
    ServiceUnavailable,
    Unauthorized,
)
from felles.kernel.settings import get_settings

access_log = logging.getLogger("felles.access")

MAX_INT: Final = 2**31 - 1
MAX_BIGINT: Final = 2**63 - 1
"""The largest integers the databases store (INTEGER, BIGINT). Integer input compared with a
column is bounded by the column's type: a larger one overflows the database driver or
PostgreSQL's cast (a 500, not a 4xx)."""


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_CONTENT_TYPE


def problem_response(problem: Problem, request: Request) -> ProblemResponse:
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
    return ProblemResponse(
        problem.to_dict(instance=request.url.path), status_code=problem.status, headers=headers
    )


def _validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    # Pydantic includes the offending input; it may be an identity number, so leave it out.
    return [
        {"location": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
        for e in error.errors()
    ]


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem; some problem types add members (e.g. errors, reason)",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "The problem type (a relative URI)"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_doc(description: str) -> dict[str, Any]:
    """An entry for a route's ``responses``: a problem+json response (schema added on export)."""
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {}}}


def _document_problems(openapi: dict[str, Any]) -> None:
    """Make the OpenAPI document say what the handlers do (idempotent).

    FastAPI documents its own 422 as ``application/json`` with ``HTTPValidationError``, and
    does not document the 400 it answers when a request body cannot be read; the handlers
    below answer both, and every other 4xx, as problem+json.
    """
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The request body cannot be read"})
            for status, response in responses.items():
                if status.startswith("4"):
                    media = response.get("content", {}).get(PROBLEM_CONTENT_TYPE, {})
                    response["content"] = {PROBLEM_CONTENT_TYPE: media | {"schema": _PROBLEM_REF}}
    if "HTTPValidationError" not in orjson.dumps(openapi.get("paths", {})).decode():
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error as RFC 9457 problem+json, and document it so in OpenAPI."""
    generate_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate_openapi()
        _document_problems(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['location'])}: {e['message']}" for e in errors
        )
        body = {
            "type": "/problems/invalid-input",
            "title": "Invalid input",
            "status": 422,
            "detail": detail or "The request is not valid",
            "instance": request.url.path,
            "errors": errors,
        }
        return ProblemResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        body = {
            "type": "about:blank",
            "title": str(exc.detail) if exc.status_code != 404 else "Not found",
            "status": exc.status_code,
            "detail": str(exc.detail),
            "instance": request.url.path,
        }
        return ProblemResponse(body, status_code=exc.status_code, headers=exc.headers)


def install_access_log(app: FastAPI) -> None:
    """Log method, route template, status and duration; the concrete URL is never logged."""

    @app.middleware("http")
    async def _log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "<unmatched>")
        access_log.info(
            "%s %s %d %.1fms",
            request.method,
            template,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


# U+0000 in a JSON string is the escape \u0000 after an even number of backslashes (in
# ``\\u0000`` the backslash itself is escaped and "u0000" is text). A raw NUL is invalid JSON.
_JSON_NUL: Final = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def refuse_nul_characters(request: Request) -> None:
    """Refuse U+0000 in the query and the JSON body (an application-wide dependency).

    PostgreSQL text cannot hold it: a name or search term with it was a 500 there (and stored
    on SQLite). No field of any API has a use for it.
    """
    if any("\x00" in key + value for key, value in request.query_params.multi_items()):
        raise InvalidInput("The query must not contain NUL characters (U+0000)")
    if _JSON_NUL.search(await request.body()):
        raise InvalidInput("The request body must not contain NUL characters (U+0000)")


RefuseNul = Depends(refuse_nul_characters)

_bearer = HTTPBearer(auto_error=False)


def require_admin(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The operator's bearer token; stands in for access control until that block exists."""
    expected = get_settings().admin_token.get_secret_value()
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("This endpoint serves personal data and needs a bearer token")
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise Unauthorized("The bearer token is not valid")


AdminOnly = Depends(require_admin)


@dataclass(frozen=True)
class Caller:
    """Who calls an API: the operator (the admin token, every scope) or an access token's
    principal (an organisation's system from Maskinporten, a person from ID-porten)."""

    operator: bool
    scopes: frozenset[str]
    principal: Any = None  # felles.identity.tokens.Principal for a token


OPERATOR: Final = Caller(operator=True, scopes=frozenset())

#: Checks an access token for the application and returns its principal and scopes; set by
#: ``felles.app`` from ``felles.identity`` (registries sit below identity and cannot import
#: it). Raises ``Unauthorized`` for a token that is not valid.
TokenValidator = Callable[[Request, str], tuple[Any, frozenset[str]]]


def require_access(*scopes: str) -> Callable[..., Caller]:
    """A route's guard: the operator's token, or an access token with every scope given.

    A missing or invalid token is 401, a valid one without a scope 403 (problem+json).
    """

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caller:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized("This endpoint serves personal data and needs a bearer token")
        token = credentials.credentials
        expected = get_settings().admin_token.get_secret_value()
        if secrets.compare_digest(token.encode(), expected.encode()):
            return OPERATOR
        validator: TokenValidator | None = getattr(request.app.state, "token_validator", None)
        if validator is None:
            raise Unauthorized("The bearer token is not valid")
        principal, granted = validator(request, token)
        missing = [scope for scope in scopes if scope not in granted]
        if missing:
            raise Forbidden(
                f"The access token lacks the scope {' '.join(missing)}", required=list(scopes)
            )
        return Caller(operator=False, scopes=granted, principal=principal)

    return dependency


#: The responses of a route guarded by ``access``, for its ``responses``.
ACCESS_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    401: problem_doc("No bearer token, or one that is not valid or has expired"),
    403: problem_doc("The access token lacks a scope this operation needs"),
}


def access(*scopes: str) -> Any:
    """``Depends(require_access(*scopes))``, for a router's or route's ``dependencies``."""
    return Depends(require_access(*scopes))


@dataclass(frozen=True, slots=True)
class Release:
    """Personal data a registry's API hands to a token caller, as the access log needs it.

    ``dataset`` is the access block's dataset name (``felles.access.datasets``, e.g.
    ``folkeregister.person.basis``), ``fields`` the names of its fields served (never
    values), ``subjects`` the people whose data it is (only those found and returned;
    organisation numbers among them are not logged), ``scope`` the scope that admitted the
    call (the registry owner granted it to the consumer: the basis of the release).
    """

    dataset: str
    scope: str
    subjects: Sequence[str]
    fields: Sequence[str]


#: Writes the releases of one request to the access log and returns once they are committed;
#: set by ``felles.app`` from ``felles.access.log`` (registries sit below the access block and
#: cannot import it). Arguments: the request, the caller, the releases, and a purpose the
#: registry's own protocol carries (or None). Raises a ``Problem`` when it cannot log.
ReleaseRecorder = Callable[[Request, Caller, Sequence[Release], str | None], None]

#: The responses of a route that reports its releases through ``record_release``.
RELEASE_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    503: problem_doc("The access log could not record the release; nothing was released"),
}


def record_release(
    request: Request, caller: Caller, *releases: Release, purpose: str | None = None
) -> None:
    """Log what a registry's read released to ``caller`` — call it after the answer is built
    and before it is returned, with only the subjects actually in the answer.

    A hook, as ``TokenValidator`` is: the registries sit below the access block (kernel ←
    registries ← identity/access), so a registry cannot import the access log; ``felles.app``
    installs the access block's recorder as ``app.state.release_recorder``, and the registry
    reports through the kernel. The recorder returns only after the entries are committed,
    and raises (503) when they are not: then the registry returns nothing.

    The operator's token (operators' and test teams' tools) is not logged. A token caller
    without an installed recorder is refused (503): data leave a registry logged or not at all.
    ``purpose`` is one the registry's protocol carries itself (inntektskomponenten's
    ``formaal``); the request header ``X-Formaal`` comes before it.
    """
    if caller.operator or not releases:
        return
    recorder: ReleaseRecorder | None = getattr(request.app.state, "release_recorder", None)
    if recorder is None:
        raise ServiceUnavailable(
            "The access log is not available to record the release; nothing was released"
        )
    recorder(request, caller, releases, purpose)


def get_db(request: Request) -> Database:
    """The database the application was created with (FastAPI dependency)."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_db)]
