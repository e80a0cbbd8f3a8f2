"""The OIDC provider: Authlib's client logs in with code + PKCE through the TestID page."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client, OAuthError
from authlib.oidc.core import CodeIDToken
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet

from felles.identity import client as rp
from felles.kernel.clock import SimulatedClock, get_clock
from tests.identity.conftest import ADMIN, BASE

REDIRECT = "https://rp.example/callback"
LOGGED_OUT = "https://rp.example/logged-out"
HIGH, SUBSTANTIAL = "idporten-loa-high", "idporten-loa-substantial"


def register(http: TestClient, client_id: str, method: str = "client_secret_basic") -> str | None:
    body = {
        "integration_type": "idporten",
        "client_id": client_id,
        "client_name": f"Tjeneste {client_id}",
        "redirect_uris": [REDIRECT],
        "post_logout_redirect_uris": [LOGGED_OUT],
        "token_endpoint_auth_method": method,
    }
    response = http.post("/selvbetjening/clients", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    secret: str | None = response.json().get("client_secret")
    return secret


@dataclass
class Login:
    oauth: OAuth2Client
    verifier: str
    nonce: str
    location: str


def start(
    http: TestClient, client_id: str, secret: str | None, pid: str, acr: str, **params: Any
) -> Login:
    """Authlib makes the authorization URL; the browser part goes through the TestClient."""
    oauth = OAuth2Client(
        client_id,
        secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope="openid profile",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        transport=http._transport,
        base_url=BASE,
    )
    verifier, nonce = generate_token(64), secrets.token_urlsafe(16)
    url, _state = oauth.create_authorization_url(
        f"{BASE}/idporten/authorize", code_verifier=verifier, nonce=nonce, **params
    )
    page = http.get(url)
    assert page.status_code == 200, page.text
    assert '<html lang="nb">' in page.text and '<label for="pid">' in page.text
    blob = unescape(re.search(r'name="request" value="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    posted = http.post(
        "/idporten/authorize/testid",
        data={"request": blob, "pid": pid, "acr": acr},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    return Login(oauth, verifier, nonce, posted.headers["location"])


def finish(login: Login) -> dict[str, Any]:
    return dict(
        login.oauth.fetch_token(
            f"{BASE}/idporten/token",
            authorization_response=login.location,
            code_verifier=login.verifier,
        )
    )


def id_claims(http: TestClient, token: dict[str, Any], client_id: str, nonce: str) -> Any:
    jwks = KeySet.import_key_set(http.get("/idporten/jwks.json").json())
    decoded = jwt.decode(token["id_token"], jwks)
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={"iss": {"essential": True, "value": f"{BASE}/idporten"}},
        params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate(now=int(get_clock().now().timestamp()))  # the test's simulated clock
    return claims


def test_authlib_logs_in_with_code_and_pkce(app_client: TestClient, person: str) -> None:
    secret_a = register(app_client, "portal")
    secret_b = register(app_client, "kommune-app")
    login = start(app_client, "portal", secret_a, person, SUBSTANTIAL, ui_locales="en")
    assert login.location.startswith(REDIRECT) and "iss=" in login.location
    token = finish(login)
    claims = id_claims(app_client, token, "portal", login.nonce)
    assert claims["pid"] == person and claims["acr"] == SUBSTANTIAL
    assert claims["amr"] == ["TestID"] and claims["locale"] == "en" and claims["sid"]
    assert claims["sub"] != person

    other = start(app_client, "kommune-app", secret_b, person, SUBSTANTIAL)
    other_claims = id_claims(app_client, finish(other), "kommune-app", other.nonce)
    assert other_claims["sub"] != claims["sub"], "sub is pairwise: one per client"
    again = start(app_client, "portal", secret_a, person, HIGH)
    assert id_claims(app_client, finish(again), "portal", again.nonce)["sub"] == claims["sub"]

    info = app_client.get(
        "/idporten/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert info.status_code == 200, info.text
    assert info.json()["pid"] == person and info.json()["sub"] == claims["sub"]

    # Logout ends the session: userinfo refuses the access token afterwards.
    out = app_client.get(
        "/idporten/endsession",
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": LOGGED_OUT,
            "state": "s1",
        },
        follow_redirects=False,
    )
    assert out.status_code == 303 and out.headers["location"] == f"{LOGGED_OUT}?state=s1"
    info = app_client.get(
        "/idporten/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert info.status_code == 401


def test_discovery_helper_reads_felles_own_provider(app_client: TestClient) -> None:
    metadata = rp.discover(app_client, f"{BASE}/idporten/.well-known/openid-configuration")
    assert metadata.token_endpoint == f"{BASE}/idporten/token"
    assert metadata.document["code_challenge_methods_supported"] == ["S256"]
    assert rp.fetch_jwks(app_client, metadata).keys


def test_wrong_verifier_and_reused_code_fail(app_client: TestClient, person: str) -> None:
    secret = register(app_client, "portal")
    login = start(app_client, "portal", secret, person, SUBSTANTIAL)
    login.verifier = generate_token(64)
    with pytest.raises(OAuthError, match="invalid_grant"):
        finish(login)

    login = start(app_client, "portal", secret, person, SUBSTANTIAL)
    finish(login)
    with pytest.raises(OAuthError, match="invalid_grant"):
        finish(login)


def test_public_client_with_pkce_only(app_client: TestClient, person: str) -> None:
    register(app_client, "mobil-app", method="none")
    login = start(app_client, "mobil-app", None, person, SUBSTANTIAL)
    assert id_claims(app_client, finish(login), "mobil-app", login.nonce)["pid"] == person


def test_acr_values_are_respected(app_client: TestClient, person: str) -> None:
    secret = register(app_client, "portal")
    login = start(app_client, "portal", secret, person, HIGH, acr_values=HIGH)
    assert id_claims(app_client, finish(login), "portal", login.nonce)["acr"] == HIGH
    with pytest.raises(AssertionError):  # the form refuses a lower level than asked for
        start(app_client, "portal", secret, person, SUBSTANTIAL, acr_values=HIGH)


def test_unknown_person_and_bad_requests(
    app_client: TestClient, person: str, clock: SimulatedClock
) -> None:
    secret = register(app_client, "portal")
    with pytest.raises(AssertionError):
        start(app_client, "portal", secret, "17868549939", SUBSTANTIAL)
    unknown = app_client.get("/idporten/authorize", params={"client_id": "nobody"})
    assert unknown.status_code == 400
    assert unknown.headers["content-type"].startswith("application/problem+json")
    no_pkce = app_client.get(
        "/idporten/authorize",
        params={
            "client_id": "portal",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "openid",
            "state": "xyz",
        },
        follow_redirects=False,
    )
    assert no_pkce.status_code == 303
    assert "error=invalid_request" in no_pkce.headers["location"]
    assert "state=xyz" in no_pkce.headers["location"]
