"""Problem+json rendering, the operator token and the access log."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from felles.kernel.errors import PROBLEM_CONTENT_TYPE, Conflict, NotFound
from felles.kernel.web import (
    AdminOnly,
    RefuseNul,
    install_access_log,
    install_problem_handlers,
    problem_doc,
)

SECRET_FNR = "12345678901"


class Body(BaseModel):
    ident: str = Field(pattern=r"^\d{11}$")


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_access_log(app)

    @app.get("/things/{ident}", dependencies=[AdminOnly])
    def get_thing(ident: str) -> dict[str, str]:
        if ident == "00000000000":
            raise NotFound("No such thing")
        if ident == "11111111111":
            raise Conflict("The thing is already dead", hendelse="doedsfall")
        return {"ident": ident}

    @app.post("/things")
    def post_thing(body: Body) -> dict[str, str]:
        return {"ident": body.ident}

    return app


@pytest.fixture
def web() -> TestClient:
    return TestClient(_app())


def test_missing_token_is_a_401_problem(web: TestClient) -> None:
    response = web.get(f"/things/{SECRET_FNR}")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["title"] == "Authentication required"


def test_wrong_token_is_refused(web: TestClient) -> None:
    response = web.get(f"/things/{SECRET_FNR}", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_problems_have_rfc9457_members(web: TestClient, admin_headers: dict[str, str]) -> None:
    response = web.get("/things/00000000000", headers=admin_headers)
    assert response.status_code == 404
    body = response.json()
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such thing",
        "instance": "/things/00000000000",
    }
    conflict = web.get("/things/11111111111", headers=admin_headers).json()
    assert conflict["status"] == 409 and conflict["hendelse"] == "doedsfall"


def test_validation_errors_are_problems_without_the_input(web: TestClient) -> None:
    response = web.post("/things", json={"ident": "1234567890X"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422 and body["errors"][0]["location"] == ["body", "ident"]
    assert "1234567890X" not in response.text


def test_an_unreadable_body_is_a_documented_400_problem(web: TestClient) -> None:
    # Not UTF-8: FastAPI answers 400 (invalid JSON in UTF-8 is a 422), undocumented before.
    response = web.post("/things", content=b"n\xff", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400
    responses = web.get("/openapi.json").json()["paths"]["/things"]["post"]["responses"]
    assert "400" in responses


def test_openapi_documents_4xx_as_problems(web: TestClient) -> None:
    # FastAPI documents its 422 as application/json with HTTPValidationError; the handlers
    # answer application/problem+json, so the document must say that (schemathesis found it).
    spec = web.get("/openapi.json").json()
    assert web.get("/openapi.json").json() == spec  # rewriting the document is idempotent
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["content"] == {PROBLEM_CONTENT_TYPE: problem}
    schemas = spec["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail"}
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def test_problem_doc_keeps_the_description_and_gets_the_schema() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/x", responses={409: problem_doc("Already there")})
    def get_x() -> dict[str, str]:
        return {}

    response = app.openapi()["paths"]["/x"]["get"]["responses"]["409"]
    assert response["description"] == "Already there"
    assert response["content"][PROBLEM_CONTENT_TYPE]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_nul_characters_are_refused_in_query_and_body() -> None:
    app = FastAPI(dependencies=[RefuseNul])
    install_problem_handlers(app)

    @app.post("/echo")
    def echo(body: dict[str, str], q: str = "") -> dict[str, str]:
        return {"q": q, **body}

    web = TestClient(app, headers={"Content-Type": "application/json"})
    for query, content in [("x%00", b'{"a": "b"}'), ("x", b'{"a": "b\\u0000"}')]:
        response = web.post(f"/echo?q={query}", content=content)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
    # An escaped backslash followed by the text "u0000" is no NUL.
    text = web.post("/echo", content=b'{"a": "\\\\u0000"}')
    assert text.status_code == 200 and text.json()["a"] == "\\u0000"
    # The dependency adds no parameter to the OpenAPI document.
    operation = web.get("/openapi.json").json()["paths"]["/echo"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["q"]


def test_unknown_route_is_a_problem(web: TestClient) -> None:
    response = web.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_access_log_has_the_route_template_not_the_identity_number(
    web: TestClient, admin_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="felles.access"):
        web.get(f"/things/{SECRET_FNR}", headers=admin_headers)
    assert "/things/{ident}" in caplog.text
    assert SECRET_FNR not in caplog.text
