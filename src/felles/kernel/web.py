"""HTTP plumbing shared by every block's API: problem+json errors, the admin token, and an
access log that records route templates, never the concrete path (paths carry fnr)."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from felles.kernel.db import Database
from felles.kernel.errors import PROBLEM_CONTENT_TYPE, Problem, Unauthorized
from felles.kernel.settings import get_settings

access_log = logging.getLogger("felles.access")


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


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error as RFC 9457 problem+json."""

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


def get_db(request: Request) -> Database:
    """The database the application was created with (FastAPI dependency)."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_db)]
