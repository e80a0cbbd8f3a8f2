"""Maskinporten: the JWT-bearer grant and the access token it gives."""

from __future__ import annotations

import time

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from felles.identity import events, urls
from felles.kernel.db import Database
from felles.kernel.events import read_events
from tests.identity.conftest import ORGNR, SCOPE, Maskinporten


def test_client_gets_a_token_with_consumer_and_scope(mp: Maskinporten, database: Database) -> None:
    response = mp.token(mp.assertion())
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == SCOPE
    jwks = KeySet.import_key_set(mp.client.get("/maskinporten/jwk").json())
    token = jwt.decode(body["access_token"], jwks)
    assert token.header["typ"] == "at+jwt"
    claims = token.claims
    assert claims["consumer"] == {"authority": "iso6523-actorid-upis", "ID": f"0192:{ORGNR}"}
    assert claims["iss"] == urls.maskinporten_issuer()
    assert claims["client_id"] == "nav-system" and claims["scope"] == SCOPE
    assert claims["aud"] == "felles" and claims["exp"] - claims["iat"] == 120 and claims["jti"]
    with database.read_session() as session:
        types = [e.event.type for e in read_events(session, source=events.SOURCE)]
    assert types == [events.MASKINPORTEN_KLIENT_REGISTRERT, events.NOEKKEL_ROTERT]


def test_resource_becomes_the_audience(mp: Maskinporten) -> None:
    body = mp.token(mp.assertion(resource="https://nav.no/api")).json()
    assert jwt.decode(body["access_token"], _jwks(mp)).claims["aud"] == "https://nav.no/api"


def _jwks(mp: Maskinporten) -> KeySet:
    return KeySet.import_key_set(mp.client.get("/maskinporten/jwk").json())


def _error(mp: Maskinporten, assertion: str) -> tuple[int, str]:
    response = mp.token(assertion)
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, response.json()["error"]


def test_refusals_are_oauth_errors(mp: Maskinporten, other_key: RSAKey) -> None:
    now = int(time.time())
    assert _error(mp, mp.assertion(aud="https://maskinporten.no/")) == (400, "invalid_grant")
    # iat and exp from one instant: a second boundary between them must not shorten the span
    assert _error(mp, mp.assertion(exp=now + 121, now=now)) == (400, "invalid_grant")
    assert _error(mp, mp.assertion(now=now - 300)) == (400, "invalid_grant")  # expired
    assert _error(mp, mp.assertion(iat=now + 60, now=now)) == (400, "invalid_grant")
    assert _error(mp, mp.assertion(jti=None)) == (400, "invalid_grant")
    assert _error(mp, mp.assertion(key=other_key)) == (400, "invalid_grant")  # wrong key
    unknown_kid = RSAKey.generate_key(2048, parameters={"kid": "unknown"})
    assert _error(mp, mp.assertion(key=unknown_kid)) == (400, "invalid_grant")
    assert _error(mp, mp.assertion(scope="skatt:secret")) == (400, "invalid_scope")
    assert _error(mp, mp.assertion(iss="nobody")) == (401, "invalid_client")
    assert _error(mp, "not-a-jwt") == (400, "invalid_grant")
    response = mp.client.post("/maskinporten/token", data={"grant_type": "password"})
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


def test_a_replayed_jti_is_refused(mp: Maskinporten) -> None:
    assertion = mp.assertion()
    assert mp.token(assertion).status_code == 200
    assert _error(mp, assertion) == (400, "invalid_grant")
    assert "replay" in mp.token(assertion).json()["error_description"]


def test_registration_checks_orgnr_and_keys(mp: Maskinporten, rsa_key: RSAKey) -> None:
    body = {
        "integration_type": "maskinporten",
        "client_id": "x",
        "client_name": "X",
        "client_orgno": "123456789",
        "jwks": {"keys": [rsa_key.as_dict(private=False)]},
        "scopes": [SCOPE],
    }
    admin = {"Authorization": "Bearer felles-admin-dev-token"}
    assert mp.client.post("/selvbetjening/clients", json=body, headers=admin).status_code == 422
    private = body | {"client_orgno": ORGNR, "jwks": {"keys": [rsa_key.as_dict(private=True)]}}
    assert mp.client.post("/selvbetjening/clients", json=private, headers=admin).status_code == 422
    again = body | {"client_orgno": ORGNR, "client_id": mp.client_id}
    assert mp.client.post("/selvbetjening/clients", json=again, headers=admin).status_code == 409
    assert mp.client.post("/selvbetjening/clients", json=again).status_code == 401
