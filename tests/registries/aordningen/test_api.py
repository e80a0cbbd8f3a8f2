"""The HTTP API: Aa-registeret's and inntektskomponenten's reads, and the registrations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from tests.registries.aordningen.conftest import Aordningen, Employer

AAREG = "/aareg/api/v2"
INNTEKT = "/inntektskomponenten/rest/v2"
REG = "/a-ordningen/registreringer"


@pytest.fixture
def employer(aord: Aordningen) -> Employer:
    return aord.employer()


@pytest.fixture
def person(aord: Aordningen) -> str:
    return aord.person()


def _new(person: str, employer: Employer, **changes: Any) -> dict[str, Any]:
    return {
        "arbeidstaker": person,
        "opplysningspliktig": employer.opplysningspliktig,
        "arbeidssted": employer.arbeidssted,
        "startdato": "2025-01-06",
        "avtaltStillingsprosent": 100,
        "yrke": "2512",
    } | changes


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_an_employment_registered_changed_and_ended_reads_like_aa_registeret(
    client: TestClient, admin_headers: dict[str, str], person: str, employer: Employer
) -> None:
    created = client.post(
        f"{REG}/arbeidsforhold", json=_new(person, employer), headers=admin_headers
    )
    assert created.status_code == 201, created.text
    row = created.json()
    nav_id = row["navArbeidsforholdId"]
    assert row["type"] == {
        "kode": "ordinaertArbeidsforhold",
        "beskrivelse": "Ordinært arbeidsforhold",
    }
    assert row["arbeidstaker"]["identer"] == [
        {"type": "FOLKEREGISTERIDENT", "ident": person, "gjeldende": True}
    ]
    assert row["arbeidssted"] == {
        "type": "Underenhet",
        "identer": [{"type": "ORGANISASJONSNUMMER", "ident": employer.arbeidssted}],
    }
    assert row["ansettelsesperiode"] == {"startdato": "2025-01-06"}

    changed = client.post(
        f"{REG}/arbeidsforhold/{nav_id}/ansettelsesdetaljer",
        json={"gyldigFra": "2025-04-01", "avtaltStillingsprosent": 80},
        headers=admin_headers,
    )
    assert changed.status_code == 201, changed.text
    current, earlier = changed.json()["ansettelsesdetaljer"]
    assert current["avtaltStillingsprosent"] == 80
    assert current["sisteStillingsprosentendring"] == "2025-04-01"
    assert current["rapporteringsmaaneder"] == {"fra": "2025-04"}
    assert current["yrke"] == {"kode": "2512", "beskrivelse": "Programvareutviklere"}
    assert earlier["gyldighetsperiode"] == {"fom": "2025-01-06", "tom": "2025-03-31"}

    headers = admin_headers | {"Nav-Personident": person}
    listed = client.get(f"{AAREG}/arbeidstaker/arbeidsforhold", headers=headers)
    assert listed.status_code == 200, listed.text
    (shown,) = listed.json()
    assert len(shown["ansettelsesdetaljer"]) == 1  # without historikk only the current one
    full = client.get(f"{AAREG}/arbeidsforhold/{nav_id}?historikk=true", headers=admin_headers)
    assert len(full.json()["ansettelsesdetaljer"]) == 2

    ended = client.post(
        f"{REG}/arbeidsforhold/{nav_id}/avslutning",
        json={"sluttdato": "2025-05-31", "sluttaarsak": "arbeidstakerHarSagtOppSelv"},
        headers=admin_headers,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ansettelsesperiode"]["sluttaarsak"]["kode"] == "arbeidstakerHarSagtOppSelv"
    # On 2025-06-01 it has ended: not in the default (AKTIV, FREMTIDIG) list.
    assert client.get(f"{AAREG}/arbeidstaker/arbeidsforhold", headers=headers).json() == []
    avsluttet = client.get(
        f"{AAREG}/arbeidstaker/arbeidsforhold?arbeidsforholdstatus=AVSLUTTET,AKTIV", headers=headers
    )
    assert [a["navArbeidsforholdId"] for a in avsluttet.json()] == [nav_id]
    _problem(
        client.post(
            f"{REG}/arbeidsforhold/{nav_id}/avslutning",
            json={"sluttdato": "2025-05-31"},
            headers=admin_headers,
        ),
        409,
    )


def test_overviews_per_workplace_and_employer(
    aord: Aordningen, client: TestClient, admin_headers: dict[str, str], employer: Employer
) -> None:
    people = [aord.person(foedselsdato=date(1980 + n, 3, 1)) for n in range(3)]
    units = [employer.arbeidssted, employer.arbeidssted, employer.other_arbeidssted]
    for person, unit in zip(people, units, strict=True):
        body = _new(person, employer, arbeidssted=unit, arbeidsforholdtype="maritimtArbeidsforhold")
        assert (
            client.post(f"{REG}/arbeidsforhold", json=body, headers=admin_headers).status_code
            == 201
        )
    at_unit = client.post(
        f"{AAREG}/arbeidssted/arbeidsforholdoversikt",
        json={"arbeidsstedId": employer.arbeidssted},
        headers=admin_headers,
    ).json()
    assert at_unit["totalAntall"] == 2
    assert {
        o["arbeidstaker"]["identer"][0]["ident"] for o in at_unit["arbeidsforholdoversikter"]
    } == set(people[:2])
    page = client.post(
        f"{AAREG}/opplysningspliktig/arbeidsforholdoversikt",
        json={
            "opplysningspliktigId": employer.opplysningspliktig,
            "arbeidsforholdtyper": ["maritimtArbeidsforhold"],
            "side": 1,
            "sidestoerrelse": 2,
        },
        headers=admin_headers,
    ).json()
    assert page["totalAntall"] == 3
    (last,) = page["arbeidsforholdoversikter"]
    assert (last["avtaltStillingsprosent"], last["yrke"]["kode"]) == (100, "2512")
    none = client.post(
        f"{AAREG}/opplysningspliktig/arbeidsforholdoversikt",
        json={
            "opplysningspliktigId": employer.opplysningspliktig,
            "arbeidsforholdstatuser": ["AVSLUTTET"],
        },
        headers=admin_headers,
    ).json()
    assert none == {"arbeidsforholdoversikter": [], "totalAntall": 0}


def test_a_melding_and_the_income_it_shows(
    client: TestClient, admin_headers: dict[str, str], person: str, employer: Employer
) -> None:
    assert (
        client.post(
            f"{REG}/arbeidsforhold", json=_new(person, employer), headers=admin_headers
        ).status_code
        == 201
    )
    melding = {
        "opplysningspliktig": employer.opplysningspliktig,
        "kalendermaaned": "2025-05",
        "inntektsmottakere": [
            {
                "norskident": person,
                "virksomhet": employer.arbeidssted,
                "inntekter": [
                    {"beskrivelse": "fastloenn", "beloep": 52000},
                    {"beskrivelse": "overtidsgodtgjoerelse", "beloep": 4000},
                ],
                "forskuddstrekk": 16000,
            }
        ],
    }
    first = client.post(f"{REG}/a-melding", json=melding, headers=admin_headers)
    assert first.status_code == 201, first.text
    assert first.json()["versjon"] == 1 and "erstatterVersjon" not in first.json()
    melding["inntektsmottakere"][0]["inntekter"] = [{"beskrivelse": "fastloenn", "beloep": 53000}]
    again = client.post(f"{REG}/a-melding", json=melding, headers=admin_headers).json()
    assert (again["versjon"], again["erstatterVersjon"], again["antallInntektsmottakere"]) == (
        2,
        1,
        1,
    )

    asked = {"personident": person, "maanedFom": "2025-01", "maanedTom": "2025-12"}
    (month,) = client.post(f"{INNTEKT}/inntekt", json=asked, headers=admin_headers).json()["data"]
    assert (
        month["maaned"],
        month["opplysningspliktig"],
        month["underenhet"],
        month["norskident"],
    ) == (
        "2025-05",
        employer.opplysningspliktig,
        employer.arbeidssted,
        person,
    )
    assert month["inntektListe"] == [
        {
            "type": "Loennsinntekt",
            "beloep": 53000,
            "fordel": "kontantytelse",
            "beskrivelse": "fastloenn",
            "inngaarIGrunnlagForTrekk": True,
            "utloeserArbeidsgiveravgift": True,
        }
    ]
    assert month["forskuddstrekkListe"] == [{"beloep": 16000, "beskrivelse": "forskuddstrekk"}]
    (historikk,) = client.post(
        f"{INNTEKT}/inntektshistorikk", json=asked, headers=admin_headers
    ).json()["data"]
    assert [v["versjon"] for v in historikk["versjoner"]] == [2, 1]
    assert len(historikk["versjoner"][1]["inntektListe"]) == 2

    duplicate = dict(
        melding,
        inntektsmottakere=[
            dict(
                melding["inntektsmottakere"][0],
                inntekter=[{"beskrivelse": "bonus", "beloep": 1}] * 2,
            )
        ],
    )
    _problem(client.post(f"{REG}/a-melding", json=duplicate, headers=admin_headers), 422)
    later = dict(melding, kalendermaaned="2024-12")
    assert (
        "2024-12"
        in _problem(client.post(f"{REG}/a-melding", json=later, headers=admin_headers), 409)[
            "detail"
        ]
    )
    backwards = asked | {"maanedFom": "2025-06", "maanedTom": "2025-01"}
    _problem(client.post(f"{INNTEKT}/inntekt", json=backwards, headers=admin_headers), 422)


def test_bad_requests_are_problems_and_never_echo_identity_numbers(
    client: TestClient, admin_headers: dict[str, str], person: str, employer: Employer
) -> None:
    _problem(
        client.get(f"{AAREG}/arbeidstaker/arbeidsforhold", headers={"Nav-Personident": person}), 401
    )
    bad = _problem(
        client.get(
            f"{AAREG}/arbeidstaker/arbeidsforhold",
            headers=admin_headers | {"Nav-Personident": "12345678901"},
        ),
        422,
    )
    assert "12345678901" not in str(bad)
    _problem(client.get(f"{AAREG}/arbeidstaker/arbeidsforhold", headers=admin_headers), 422)
    _problem(
        client.get(
            f"{AAREG}/arbeidstaker/arbeidsforhold?arbeidsforholdstatus=SLETTET",
            headers=admin_headers | {"Nav-Personident": person},
        ),
        422,
    )
    _problem(client.get(f"{AAREG}/arbeidsforhold/99", headers=admin_headers), 404)
    nobody = admin_headers | {"Nav-Personident": "17868549939"}
    _problem(client.get(f"{AAREG}/arbeidstaker/arbeidsforhold", headers=nobody), 404)
    asked = {"personident": "17868549939", "maanedFom": "2025-01", "maanedTom": "2025-02"}
    _problem(client.post(f"{INNTEKT}/inntekt", json=asked, headers=admin_headers), 404)
    sloppy = {"arbeidsstedId": employer.arbeidssted, "side": False}
    _problem(
        client.post(
            f"{AAREG}/arbeidssted/arbeidsforholdoversikt", json=sloppy, headers=admin_headers
        ),
        422,
    )
    _problem(
        client.post(
            f"{REG}/arbeidsforhold",
            json=_new(person, employer, startdato=20250106),
            headers=admin_headers,
        ),
        422,
    )
    _problem(
        client.post(
            f"{REG}/arbeidsforhold",
            json=_new(person, employer, avtaltStillingsprosent=0),
            headers=admin_headers,
        ),
        422,
    )
    _problem(
        client.post(
            f"{REG}/arbeidsforhold", json=_new(person, employer, yrke="9999"), headers=admin_headers
        ),
        422,
    )
    unknown = _problem(
        client.post(
            f"{REG}/arbeidsforhold", json=_new("17868549939", employer), headers=admin_headers
        ),
        404,
    )
    assert "17868549939" not in unknown["detail"]


def test_the_code_lists_are_open(client: TestClient) -> None:
    body = client.get("/a-ordningen/kodeverk").json()
    assert [k["kode"] for k in body["arbeidsforholdtyper"]] == [
        "ordinaertArbeidsforhold",
        "maritimtArbeidsforhold",
        "frilanserOppdragstakerHonorarPersonerMm",
        "forenkletOppgjoersordning",
    ]
    assert {"kode": "2223", "beskrivelse": "Sykepleiere"} in body["yrker"]
    assert "feriepenger" in {k["kode"] for k in body["inntektsbeskrivelser"]}
