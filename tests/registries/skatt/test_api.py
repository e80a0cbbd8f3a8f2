"""The HTTP API: Skatteetaten's skatteoppgjør and restanse reads, and the registrations."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from tests.registries.skatt.conftest import Skatt

FORMUE = "/api/formueinntekt"
REG = "/skatteetaten/registreringer"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_an_assessment_reads_like_skatteetatens_apis(
    client: TestClient, admin_headers: dict[str, str], skatt: Skatt
) -> None:
    person = skatt.person()
    employer = skatt.employer()
    skatt.pay(person, employer, {"2024-01": 300_000, "2024-02": 300_000})
    body = {"personidentifikator": person, "inntektsaar": 2024, "gjeld": 100_000}
    created = client.post(f"{REG}/skatteoppgjoer", json=body, headers=admin_headers)
    assert created.status_code == 201, created.text
    row = created.json()
    assert row["loennsinntekt"] == 600_000  # from A-ordningen
    assert row["utlignetSkatt"] == 152_873  # see test_calculation's 2024 case
    assert (row["versjon"], row["nettoformue"]) == (1, -100_000)

    summert = client.get(
        f"{FORMUE}/summertskattegrunnlag/nav/2024/{person}", headers=admin_headers
    ).json()
    assert summert["personidentifikator"] == person
    assert summert["inntektsaar"] == "2024"
    assert (summert["stadie"], summert["skjermet"]) == ("oppgjoer", False)
    assert summert["skatteoppgjoersdato"] == "2025-06-01"
    posts = {g["tekniskNavn"]: (g["beloep"], g["kategori"]) for g in summert["grunnlag"]}
    assert posts == {
        "samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt": (600_000, "inntekt"),
        "minstefradragIInntekt": (92_000, "inntektsfradrag"),
        "samletGjeld": (100_000, "-"),
        "nettoformue": (-100_000, "-"),
        "alminneligInntektFoerSaerfradrag": (508_000, "-"),
    }

    beregnet = client.get(
        f"{FORMUE}/beregnetskatt/nav/2024/{person}", headers=admin_headers
    ).json()["beregnetSkattFastland"]
    assert beregnet["beregnetSkatt"] == 152_873
    assert beregnet["skattOgAvgift"]["trinnskatt"] == {"grunnlag": 600_000, "beloep": 13_728}
    assert beregnet["skattOgAvgift"]["inntektsskattAvAlminneligInntekt"] == {
        "grunnlag": 508_000 - 88_250,
        "beloep": 92_345,
    }
    assert beregnet["informasjonTilSkattelister"]["nettoinntekt"] == 508_000

    pgi = client.get(
        f"{FORMUE}/pensjonsgivendeinntektforfolketrygden/2024/{person}", headers=admin_headers
    ).json()
    assert pgi == {
        "norskPersonidentifikator": person,
        "inntektsaar": 2024,
        "pensjonsgivendeInntekt": [
            {
                "skatteordning": "FASTLAND",
                "datoForFastsetting": "2025-06-01",
                "pensjonsgivendeInntektAvLoennsinntekt": 600_000,
                "pensjonsgivendeInntektAvLoennsinntektBarePensjonsdel": None,
                "pensjonsgivendeInntektAvNaeringsinntekt": None,
                "pensjonsgivendeInntektAvNaeringsinntektFraFiskeFangstEllerFamiliebarnehage": None,
            }
        ],
    }

    again = client.post(
        f"{REG}/skatteoppgjoer",
        json=body | {"loennsinntekt": 700_000, "skatteoppgjoersdato": "2025-05-01"},
        headers=admin_headers,
    )
    assert again.status_code == 201, again.text
    assert (again.json()["versjon"], again.json()["erstatterVersjon"]) == (2, 1)


def test_unknown_people_years_and_bad_input_are_problems(
    client: TestClient, admin_headers: dict[str, str], skatt: Skatt
) -> None:
    person = skatt.person()
    nobody = "17868549939"
    _problem(client.get(f"{FORMUE}/summertskattegrunnlag/nav/2024/{person}"), 401)
    for path in (
        f"{FORMUE}/summertskattegrunnlag/nav/2024/{nobody}",
        f"{FORMUE}/summertskattegrunnlag/nav/2024/{person}",
        f"{FORMUE}/pensjonsgivendeinntektforfolketrygden/2023/{person}",
    ):
        _problem(client.get(path, headers=admin_headers), 404)
    _problem(
        client.get(f"{FORMUE}/summertskattegrunnlag/ukjent/2024/{person}", headers=admin_headers),
        422,
    )
    _problem(client.get(f"{FORMUE}/beregnetskatt/nav/2024/12345678901", headers=admin_headers), 422)
    before = skatt.snapshot()
    for body in (
        {"personidentifikator": person, "inntektsaar": 2025, "loennsinntekt": 1},
        {"personidentifikator": person, "inntektsaar": 2024, "loennsinntekt": -1},
        {"personidentifikator": person, "inntektsaar": "2024", "loennsinntekt": 1},
        {"personidentifikator": person, "inntektsaar": 2024, "formue": 1},
        {"personidentifikator": nobody, "inntektsaar": 2024, "loennsinntekt": 1},
    ):
        response = client.post(f"{REG}/skatteoppgjoer", json=body, headers=admin_headers)
        assert response.status_code in {404, 422}, response.text
        _problem(response, response.status_code)
    assert skatt.snapshot() == before


def test_restanser_of_an_organisation(
    client: TestClient, admin_headers: dict[str, str], skatt: Skatt
) -> None:
    orgnr = skatt.employer().opplysningspliktig
    created = client.post(
        f"{REG}/restanser",
        json={
            "skyldner": orgnr,
            "kravtype": "arbeidsgiveravgift",
            "beloep": 30_010,
            "forfallsdato": "2025-03-15",
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    claim = created.json()
    assert (claim["skyldnertype"], claim["betaltDato"]) == ("enhet", None)

    restanser = client.get(f"/api/innkreving/restanser/ebevis/{orgnr}", headers=admin_headers)
    assert restanser.json() == {
        "forespurtOrganisasjonsnummer": orgnr,
        "skatt": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
        "arbeidsgiveravgift": {"forfaltOgUbetalt": 30_010, "renterOgGebyrer": 0},
        "merverdiavgift": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
        "forskuddstrekk": {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0},
    }
    paid = client.post(
        f"{REG}/restanser/{claim['restanseId']}/betaling",
        json={"betaltDato": date(2025, 5, 2).isoformat()},
        headers=admin_headers,
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["betaltDato"] == "2025-05-02"
    after = client.get(f"/api/innkreving/restanser/dibk/{orgnr}", headers=admin_headers).json()
    assert after["arbeidsgiveravgift"]["forfaltOgUbetalt"] == 0
    _problem(
        client.post(
            f"{REG}/restanser/{claim['restanseId']}/betaling",
            json={"betaltDato": "2025-05-03"},
            headers=admin_headers,
        ),
        409,
    )
    _problem(client.get("/api/innkreving/restanser/ebevis/810825472", headers=admin_headers), 404)
    _problem(
        client.post(
            f"{REG}/restanser",
            json={
                "skyldner": orgnr,
                "kravtype": "skatt",
                "beloep": 0,
                "forfallsdato": "2025-01-01",
            },
            headers=admin_headers,
        ),
        422,
    )
