"""The API contract, tested from the OpenAPI document with schemathesis.

Schemathesis reads ``/openapi.json`` from the application and sends generated requests, valid
and invalid, to every operation (on SQLite and on PostgreSQL). No response may be a server
error; each must be documented (status code, content type, schema); every 4xx must be an
RFC 9457 problem. A small population is generated first, and identifiers in the requests are
often swapped for those of real people, so lookups and registrations also reach people who
exist, not only the 422 and 404 paths.

The second half checks the OpenAPI document itself: every route is in it, with a summary, a
tag and its problem responses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from sqlalchemy import select

from felles.app import create_app
from felles.kernel.db import Database
from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from felles.registries.folkeregister.model import Person
from felles.synth.population import generate_population
from tests.conftest import ADMIN_TOKEN

MAX_EXAMPLES = 20  # per operation, in the fuzzing phase (about 80 operations: a few minutes)
UNDOCUMENTED = {"/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
FRG = "/folkeregisteret/api/v1"
KRR = "/kontaktregisteret/rest/v1/personer"

# Path parameters and body members that carry a fødselsnummer or D-nummer (or a list of them).
IDENT_KEYS = frozenset(
    {
        "ident",
        "personidentifikator",
        "personidentifikatorer",
        "foedselsEllerDNummer",
        "identifikatorer",
        "mor",
        "farEllerMedmor",
        "person1",
        "person2",
    }
)

# Answers that only a request about an existing person can get.
REACHED_A_PERSON = (
    (f"GET {FRG}/personer/{{ident}}", 200),
    (f"POST {FRG}/registreringer/doedsfall", 201),
    (f"POST {KRR}/{{personidentifikator}}/kontaktinformasjon/bekreftelse", 200),
    (f"DELETE {KRR}/{{personidentifikator}}", 200),
)


# ------------------------------------------------------------------------------------------
# Generated requests against the application
# ------------------------------------------------------------------------------------------


def _sometimes_real(value: Any, real: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """The generated value, or with strings swapped for real identifiers.

    Only strings are swapped, one for one, so the shape stays as generated: a request that
    schemathesis made invalid on purpose (an object for a string, an empty list) stays so.
    """
    if isinstance(value, str):
        return st.one_of(st.just(value), real)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return st.tuples(*(st.one_of(st.just(item), real) for item in value)).map(list)
    return st.just(value)


def _with_real_idents(container: Any, idents: list[str]) -> st.SearchStrategy[Any]:
    if not isinstance(container, dict) or not IDENT_KEYS.intersection(container):
        return st.just(container)
    real = st.sampled_from(idents)
    return st.fixed_dictionaries(
        {
            key: _sometimes_real(value, real) if key in IDENT_KEYS else st.just(value)
            for key, value in container.items()
        }
    )


@pytest.fixture
def api_schema(
    database: Database, request: pytest.FixtureRequest
) -> Iterator[schemathesis.BaseSchema]:
    """The application's OpenAPI schema, on a database with a small population."""
    # schemathesis 4.32 renames the running test through ``item._nodeid``, which pytest 9.2
    # no longer has (it became ``_id``); without it every lazy-schema test errors out.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    generate_population(database, persons=300, seed=3)
    with database.read_session() as session:
        idents = sorted(session.scalars(select(Person.ident)).all())
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(database=database))
    # The token goes on every request; schemathesis still sends some without it (→ 401).
    schema.config.update(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    # One undeclared method per path shows that 405 is a problem too; eight cost time.
    schema.config.phases.coverage.unexpected_methods = {"patch"}

    @schema.hook
    def flatmap_path_parameters(
        context: schemathesis.HookContext, path_parameters: dict[str, Any]
    ) -> st.SearchStrategy[Any]:
        return _with_real_idents(path_parameters, idents)

    @schema.hook
    def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
        return _with_real_idents(body, idents)

    yield schema


@pytest.fixture
def answers() -> Iterator[Counter[tuple[str, int]]]:
    """How often each operation gave each status; afterwards: were real people reached?"""
    seen: Counter[tuple[str, int]] = Counter()
    yield seen
    if seen:
        reached = sum(seen[answer] for answer in REACHED_A_PERSON)
        assert reached > 0, "no request reached a person of the population"


def problem_details(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool:
    """Every 4xx is an RFC 9457 problem: problem+json with type, title, status and detail."""
    if not 400 <= response.status_code < 500:
        return True
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM_CONTENT_TYPE, (
        f"a {response.status_code} answered as {content_type!r}, not {PROBLEM_CONTENT_TYPE}"
    )
    body = response.json()
    assert isinstance(body, dict), "the problem is not a JSON object"
    missing = {"type", "title", "status", "detail"} - set(body)
    assert not missing, f"the problem has no {', '.join(sorted(missing))}"
    assert body["status"] == response.status_code, "the problem's status is not the HTTP status"
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_details,
    negative_data_rejection,  # input the document calls invalid gets a 4xx
    unsupported_method,  # an undeclared method gets a 405
    ignored_auth,  # an operation that declares the token refuses a request without it
]

schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case[Any], answers: Counter[tuple[str, int]]
) -> None:
    response = case.call_and_validate(checks=CHECKS)
    answers[(case.operation.label, response.status_code)] += 1


# ------------------------------------------------------------------------------------------
# The OpenAPI document itself
# ------------------------------------------------------------------------------------------


def _routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, those of included routers too."""
    try:  # recent FastAPI keeps an included router as one entry of app.routes
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI copies the routes into app.routes
        return [(route.path, set(route.methods or ())) for route in app.routes]  # type: ignore[attr-defined]
    return [
        (ctx.path or "", set(ctx.methods or ()))
        for ctx in iter_route_contexts(app.routes)
        # The portal's HTML pages are kept out of the document on purpose (decision 0036);
        # any other route must be in it.
        if not (
            (ctx.path or "").startswith("/minside")
            and getattr(ctx, "include_in_schema", True) is False
        )
    ]


def test_every_route_is_documented_with_summary_tag_and_problems() -> None:
    app = create_app(database=Database("sqlite://"))
    paths = app.openapi()["paths"]
    routes = [(path, methods) for path, methods in _routes(app) if path not in UNDOCUMENTED]
    assert len(routes) > 20, "the routes of the included routers were not found"
    for path, methods in routes:
        for method in methods - {"HEAD", "OPTIONS"}:
            where = f"{method} {path}"
            operation = paths.get(path, {}).get(method.lower())
            assert operation is not None, f"{where} is not in the OpenAPI document"
            assert operation.get("summary"), f"{where} has no summary"
            assert operation.get("tags"), f"{where} has no tag"
            responses = operation["responses"]
            if operation.get("security"):
                assert "401" in responses, f"{where} needs a token but does not document 401"
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, f"{where} takes input but does not document 422"
            if operation.get("requestBody"):
                assert "400" in responses, f"{where} does not document an unreadable body"
            for status, response in responses.items():
                if status.startswith("4"):
                    assert set(response.get("content", {})) == {PROBLEM_CONTENT_TYPE}, (
                        f"{where}: {status} is not documented as {PROBLEM_CONTENT_TYPE}"
                    )
