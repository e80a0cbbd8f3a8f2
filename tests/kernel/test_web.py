"""Problem+json rendering, the operator token and the access log."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from felles.kernel.errors import Conflict, NotFound
from felles.kernel.web import AdminOnly, install_access_log, install_problem_handlers

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
