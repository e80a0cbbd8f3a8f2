"""The registries' APIs take Maskinporten tokens with their scopes (and the operator's token)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from felles.kernel.clock import SimulatedClock
from felles.registries.folkeregister.api import SCOPE as FREG
from felles.registries.krr.api import SCOPE_DIGITALPOST, SCOPE_KONTAKTINFORMASJON
from felles.registries.skatt.api import SCOPE_RESTANSER
from tests.identity.conftest import ADMIN, Maskinporten

PERSON = "/folkeregisteret/api/v1/personer/{}"


def _token(mp: Maskinporten, clock: SimulatedClock, scope: str) -> dict[str, str]:
    now = int(clock.now().timestamp())
    response = mp.token(mp.assertion(now=now, scope=scope))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_folkeregisteret_needs_its_scope(
    app_client: TestClient, rsa_key: object, clock: SimulatedClock, person: str
) -> None:
    mp = Maskinporten(app_client, rsa_key)  # type: ignore[arg-type]
    mp.register(scopes=[FREG, SCOPE_RESTANSER])
    allowed = app_client.get(PERSON.format(person), headers=_token(mp, clock, FREG))
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["identifikasjonsnummer"][0]["foedselsEllerDNummer"] == person

    wrong = app_client.get(PERSON.format(person), headers=_token(mp, clock, SCOPE_RESTANSER))
    assert wrong.status_code == 403
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert FREG in wrong.json()["detail"]

    forged = app_client.get(PERSON.format(person), headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401
    assert app_client.get(PERSON.format(person)).status_code == 401
    # The operator's token still works (operators' and test teams' tools).
    assert app_client.get(PERSON.format(person), headers=ADMIN).status_code == 200


def test_registrations_stay_with_the_operator(
    app_client: TestClient, rsa_key: object, clock: SimulatedClock, person: str
) -> None:
    mp = Maskinporten(app_client, rsa_key)  # type: ignore[arg-type]
    mp.register(scopes=[FREG])
    body = {"foedselsEllerDNummer": person, "doedsdato": "2025-01-01"}
    response = app_client.post(
        "/folkeregisteret/api/v1/registreringer/doedsfall",
        json=body,
        headers=_token(mp, clock, FREG),
    )
    assert response.status_code == 401


def test_krr_answers_with_the_token_s_scopes(
    app_client: TestClient, rsa_key: object, clock: SimulatedClock, person: str
) -> None:
    mp = Maskinporten(app_client, rsa_key)  # type: ignore[arg-type]
    mp.register(scopes=[SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST, FREG])
    body = {"personidentifikatorer": [person]}
    url = "/kontaktregisteret/rest/v1/personer"
    contact = app_client.post(url, json=body, headers=_token(mp, clock, SCOPE_KONTAKTINFORMASJON))
    assert contact.status_code == 200, contact.text
    assert "digital_post" not in contact.json()["personer"][0]
    neither = app_client.post(url, json=body, headers=_token(mp, clock, FREG))
    assert neither.status_code == 403
