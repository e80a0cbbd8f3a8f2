"""The correspondence API against its OpenAPI document: every route documented with a
summary, a tag and problem+json errors, and schemathesis's generated requests — valid and
invalid, with a sender's real Maskinporten token — never get a server error or an
undocumented answer. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from felles.kernel.db import Database
from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from felles.mailbox.api import PREFIX
from tests.mailbox.conftest import NAV, READ, WRITE, People, body, build_app
from tests.sharing.conftest import Machines
from tests.test_api_contract import CHECKS


def test_every_correspondence_route_is_documented() -> None:
    app = build_app(Database("sqlite://"))
    paths = {p: ops for p, ops in app.openapi()["paths"].items() if p.startswith(PREFIX)}
    assert len(paths) == 9
    for path, operations in paths.items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("tags") == ["correspondence"], where
            responses = operation["responses"]
            assert {"401", "403", "422"} <= set(responses), where
            if operation.get("requestBody"):
                assert "400" in responses, where
            for status, response in responses.items():
                if status.startswith("4"):
                    assert set(response.get("content", {})) == {PROBLEM_CONTENT_TYPE}, where


@pytest.fixture
def mailbox_schema(
    database: Database,
    request: pytest.FixtureRequest,
    app_client: TestClient,
    machines: Machines,
    people: People,
) -> Iterator[schemathesis.BaseSchema]:
    if not hasattr(request.node, "_nodeid"):  # see tests/test_api_contract.py
        request.node._nodeid = request.node.nodeid
    token = machines.token(NAV, (WRITE, READ))
    kari = people.digital()
    sent = app_client.post(f"{PREFIX}/correspondence", json=body(kari), headers=token)
    assert sent.status_code == 200, sent.text
    schema = schemathesis.openapi.from_asgi("/openapi.json", build_app(database))
    schema.config.update(headers=token)
    schema.config.phases.coverage.unexpected_methods = {"patch"}
    yield schema


schema = schemathesis.pytest.from_fixture("mailbox_schema")


@schema.include(path_regex=r"^/correspondence/").parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_correspondence_api_conforms_to_its_document(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=CHECKS)
