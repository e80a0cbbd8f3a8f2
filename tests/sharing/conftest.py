"""Fixtures for the data distributor's tests: organisations' machine clients with real
Maskinporten tokens, people logged in through felles' ID-porten, and the access log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from felles.access.log.model import LogEntryRow
from felles.identity import urls
from felles.kernel.clock import get_clock
from felles.kernel.db import Database
from felles.sharing.callers import SCOPE
from tests.identity.conftest import (  # noqa: F401
    ADMIN,
    JWT_BEARER,
    Login,
    app_client,
    base_url,
    login,
    person,
)

NAV = "889640782"
BANK = "810825472"  # a synthetic bank
DATAFORDELER = "/datafordeler/v1"


@dataclass
class Machines:
    """Registers organisations' machine clients and fetches their Maskinporten tokens."""

    http: TestClient
    keys: dict[str, RSAKey] = field(default_factory=dict)

    def token(self, orgnr: str, scopes: tuple[str, ...] = (SCOPE,)) -> dict[str, str]:
        """The Authorization header of a fresh token for ``orgnr``'s system with ``scopes``."""
        # A client id takes no '/' or ':' (Altinn's scopes have both).
        safe = "-".join(sorted(scopes)).replace(":", "_").replace("/", ".")
        client_id = f"system-{orgnr}-{safe}"[:80]
        if client_id not in self.keys:
            key = RSAKey.generate_key(2048, parameters={"kid": client_id, "alg": "RS256"})
            body = {
                "integration_type": "maskinporten",
                "client_id": client_id,
                "client_name": f"Fagsystem {orgnr}",
                "client_orgno": orgnr,
                "jwks": {"keys": [key.as_dict(private=False)]},
                "scopes": list(scopes),
            }
            response = self.http.post("/selvbetjening/clients", json=body, headers=ADMIN)
            assert response.status_code == 201, response.text
            self.keys[client_id] = key
        key = self.keys[client_id]
        now = int(get_clock().now().timestamp())
        claims = {
            "aud": urls.maskinporten_issuer(),
            "iss": client_id,
            "iat": now,
            "exp": now + 120,
            "jti": str(uuid.uuid4()),
            "scope": " ".join(scopes),
        }
        assertion = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
        answer = self.http.post(
            "/maskinporten/token", data={"grant_type": JWT_BEARER, "assertion": assertion}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def machines(app_client: TestClient) -> Machines:  # noqa: F811
    return Machines(app_client)


def log_rows(database: Database) -> list[LogEntryRow]:
    """Every access-log entry, in order."""
    with database.read_session() as session:
        rows = list(session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)))
        session.expunge_all()
        return rows


def log_count(database: Database) -> int:
    with database.read_session() as session:
        return session.scalar(select(func.count()).select_from(LogEntryRow)) or 0


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def register_org(database: Database, *, navn: str, form: str, orgnr: str | None = None) -> str:
    """An organisation in Enhetsregisteret (through its own command); its orgnr."""
    from felles.registries.enhetsregisteret.operations import register_enhet

    with database.unit_of_work() as uow:
        unit = register_enhet(
            uow, navn=navn, organisasjonsform=form, kommunenummer="0301", organisasjonsnummer=orgnr
        )
        uow.commit()
        return unit.organisasjonsnummer
