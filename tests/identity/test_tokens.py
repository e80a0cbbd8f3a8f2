"""require_scope: the validation every API will use; and key rotation with a grace period."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from felles.identity import events
from felles.identity.tokens import TOKEN_RESPONSES, Principal, require_scope
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.events import read_events
from felles.kernel.settings import get_settings
from felles.kernel.web import install_problem_handlers
from tests.identity.conftest import ADMIN, BASE, ORGNR, SCOPE, Maskinporten


@pytest.fixture
def api(database: Database) -> TestClient:
    """A small API protected by require_scope, as a registry will be."""
    app = FastAPI()
    app.state.database = database
    install_problem_handlers(app)

    @app.get("/data", responses=TOKEN_RESPONSES)
    def data(
        principal: Annotated[Principal, Depends(require_scope(SCOPE))],
    ) -> dict[str, str | None]:
        return {"orgnr": principal.orgnr, "client_id": principal.client_id}

    return TestClient(app, base_url=BASE)


def _token(mp: Maskinporten, clock: SimulatedClock, **claims: object) -> str:
    now = int(clock.now().timestamp())
    response = mp.token(mp.assertion(now=now, **claims))
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _get(api: TestClient, token: str) -> tuple[int, dict[str, object]]:
    response = api.get("/data", headers={"Authorization": f"Bearer {token}"})
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()


def test_valid_token_gives_the_principal(
    api: TestClient, mp: Maskinporten, clock: SimulatedClock
) -> None:
    assert _get(api, _token(mp, clock)) == (200, {"orgnr": ORGNR, "client_id": mp.client_id})


def test_refusals(api: TestClient, mp: Maskinporten, clock: SimulatedClock) -> None:
    missing = api.get("/data")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert _get(api, "garbage")[0] == 401
    assert _get(api, _token(mp, clock, resource="https://other.api"))[0] == 401  # audience
    assert _get(api, _token(mp, clock, scope="nav:other.read"))[0] == 403  # scope
    forged_key = RSAKey.generate_key(2048, parameters={"kid": "forged"})
    valid = _token(mp, clock)
    header, payload, _ = valid.split(".")
    forged = jwt.encode(
        {"alg": "RS256", "kid": "forged", "typ": "at+jwt"},
        {"iss": f"{BASE}/maskinporten/", "aud": "felles", "scope": SCOPE},
        forged_key,
    )
    assert _get(api, forged)[0] == 401  # wrong key
    assert _get(api, f"{header}.{payload}.AAAA")[0] == 401
    clock.advance(timedelta(seconds=200))
    assert _get(api, valid)[0] == 401  # expired


def test_rotation_keeps_the_old_key_for_the_grace_period(
    api: TestClient, mp: Maskinporten, clock: SimulatedClock, database: Database
) -> None:
    before = _token(mp, clock)
    rotated = mp.client.post("/identity/noekler/rotasjon", headers=ADMIN)
    assert rotated.status_code == 201
    kids = [key["kid"] for key in mp.client.get("/idporten/jwks.json").json()["keys"]]
    assert len(kids) == 2 and kids[0] == rotated.json()["kid"]
    assert all("d" not in key for key in mp.client.get("/maskinporten/jwk").json()["keys"])
    after = _token(mp, clock)
    assert _get(api, before)[0] == 200, "a token signed before the rotation still validates"
    assert _get(api, after)[0] == 200
    clock.advance(timedelta(seconds=get_settings().identity_key_grace + 1))
    assert len(mp.client.get("/idporten/jwks.json").json()["keys"]) == 1
    with database.read_session() as session:
        rotations = [
            e.event
            for e in read_events(session, source=events.SOURCE)
            if e.event.type == events.NOEKKEL_ROTERT
        ]
    assert rotations[-1].data["forrigeKid"] in kids
