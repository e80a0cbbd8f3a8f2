"""Fixtures for identity's tests: the app, a person in Folkeregisteret, clients and keys."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from felles.identity import urls
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.settings import get_settings
from tests.conftest import ADMIN_TOKEN
from tests.registries.folkeregister.conftest import Register, seed_addresses

BASE = "http://testserver"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ORGNR = "810825472"  # a synthetic test organisation
SCOPE = "nav:folkeregister/person.read"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

#: ``login(pid, acr=...)``: the Authorization header of a person's access token.
Login = Callable[..., dict[str, str]]


@pytest.fixture(autouse=True)
def base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issuers under the TestClient's base URL."""
    monkeypatch.setattr(get_settings(), "identity_base_url", BASE)


@pytest.fixture(scope="session")
def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "mp-key-1", "alg": "RS256"})


@pytest.fixture(scope="session")
def other_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "mp-key-1", "alg": "RS256"})


@pytest.fixture
def app_client(database: Database) -> Iterator[TestClient]:
    from felles.app import create_app

    with TestClient(create_app(database=database), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def person(database: Database, clock: SimulatedClock) -> str:
    """A resident of Folkeregisteret; returns the fødselsnummer."""
    seed_addresses(database)
    return Register(database, clock).person()


@dataclass
class Maskinporten:
    client: TestClient
    key: RSAKey
    client_id: str = "nav-system"

    def register(self, scopes: list[str] | None = None) -> None:
        body = {
            "integration_type": "maskinporten",
            "client_id": self.client_id,
            "client_name": "NAV fagsystem",
            "client_orgno": ORGNR,
            "jwks": {"keys": [self.key.as_dict(private=False)]},
            "scopes": scopes or [SCOPE, "nav:other.read"],
        }
        response = self.client.post("/selvbetjening/clients", json=body, headers=ADMIN)
        assert response.status_code == 201, response.text

    def assertion(self, key: RSAKey | None = None, **claims: Any) -> str:
        now = int(claims.pop("now", time.time()))
        values: dict[str, Any] = {
            "aud": urls.maskinporten_issuer(),
            "iss": self.client_id,
            "iat": now,
            "exp": now + 120,
            "jti": str(uuid.uuid4()),
            "scope": SCOPE,
        } | claims
        values = {k: v for k, v in values.items() if v is not None}
        signer = key or self.key
        header = {"alg": "RS256", "kid": signer.kid}
        return jwt.encode(header, values, signer)

    def token(self, assertion: str) -> Any:
        return self.client.post(
            "/maskinporten/token", data={"grant_type": JWT_BEARER, "assertion": assertion}
        )


@pytest.fixture
def mp(app_client: TestClient, rsa_key: RSAKey) -> Maskinporten:
    helper = Maskinporten(app_client, rsa_key)
    helper.register()
    return helper


@pytest.fixture
def login(app_client: TestClient) -> Login:
    """Log a person in at a registered portal client (``min-side``) through TestID."""
    from tests.identity.test_oidc import finish, register, start

    secret = register(app_client, "min-side")

    def as_person(pid: str, acr: str = "idporten-loa-high") -> dict[str, str]:
        token = finish(start(app_client, "min-side", secret, pid, acr))
        return {"Authorization": f"Bearer {token['access_token']}"}

    return as_person
