"""Fixtures for the portal's tests: the whole application in-process (its back channel to
the OIDC provider through the same TestClient), people in the registries, and a login
through the TestID page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.settings import get_settings
from felles.portal import oidc
from tests.registries.folkeregister.conftest import Register, seed_addresses

BASE = "http://testserver"


def use_base_url(monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    """felles' public address (the issuers, the portal's callback) for this test."""
    settings = get_settings()
    monkeypatch.setattr(settings, "identity_base_url", base)
    monkeypatch.setattr(
        settings, "oidc_discovery_url", f"{base}/idporten/.well-known/openid-configuration"
    )
    oidc._metadata.clear()


@pytest.fixture
def portal(
    database: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    from felles.app import create_app

    use_base_url(monkeypatch, BASE)
    app = create_app(database=database)
    with TestClient(app, base_url=BASE) as client:
        app.state.portal_http = client
        yield client


@pytest.fixture
def register(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)


def log_in(client: TestClient, pid: str, acr: str = "idporten-loa-substantial") -> str:
    """Log in through the TestID page; returns the page the portal lands on (the choice)."""
    page = client.get("/minside/logg-inn")
    assert page.status_code == 200, page.text
    assert "/idporten/authorize" in str(page.url)
    found = re.search(r'name="request" value="([^"]+)"', page.text)
    assert found is not None
    landed = client.post(
        "/idporten/authorize/testid",
        data={"request": unescape(found.group(1)), "pid": pid, "acr": acr},
    )
    assert landed.status_code == 200, landed.text
    assert str(landed.url).startswith(f"{BASE}/minside/velg")
    return landed.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return unescape(found.group(1))


def act_for(client: TestClient, party: str) -> str:
    choice = client.get("/minside/velg")
    answer = client.post(
        "/minside/velg",
        data={"csrf": csrf_of(choice.text), "part": party, "neste": "/minside/oversikt"},
    )
    assert answer.status_code == 200, answer.text
    return answer.text
