"""The answers of Skatteetaten's APIs, built from an assessment in memory (no database)."""

from __future__ import annotations

from datetime import date, datetime

from felles.registries.skatt import documents
from felles.registries.skatt.calculation import assess_one
from felles.registries.skatt.model import RESULTS, Skatteoppgjoer

PERSON = "17868549939"


def _assessment(**inputs: int) -> Skatteoppgjoer:
    """An assessment of 2024 made on 2025-06-01, as ``make_assessment`` would store it."""
    results = assess_one(2024, **inputs)
    return Skatteoppgjoer(
        personidentifikator=PERSON,
        inntektsaar=2024,
        versjon=1,
        skatteoppgjoersdato=date(2025, 6, 1),
        registrert=datetime(2025, 6, 1, 9, 0),  # naive, as SQLite gives it: UTC
        **{"kapitalinntekt": 0, "renteutgifter": 0, "bruttoformue": 0, "gjeld": 0} | inputs,
        **{name: getattr(results, name) for name in RESULTS},
    )


def test_summert_skattegrunnlag_leaves_out_the_posts_the_product_keeps_at_zero() -> None:
    row = _assessment(loennsinntekt=600_000, gjeld=100_000)
    posts = documents.skattegrunnlag(assessment=row)
    assert posts["minstefradragIInntekt"] == 92_000  # 600 000 − 508 000
    assert posts["samledeOpptjenteRenterIInnenlandskeBanker"] == 0
    answer = documents.summert_skattegrunnlag(assessment=row)
    assert [post["tekniskNavn"] for post in answer["grunnlag"]] == [
        name for name, beloep in posts.items() if beloep
    ]
    assert answer["grunnlag"][1] == {
        "tekniskNavn": "minstefradragIInntekt",
        "beloep": 92_000,
        "kategori": "inntektsfradrag",
    }
    assert (answer["inntektsaar"], answer["skatteoppgjoersdato"]) == ("2024", "2025-06-01")
    assert answer["ajourholdstidspunkt"] == "2025-06-01T09:00:00Z"


def test_beregnet_skatt_and_pensjonsgivende_inntekt_are_json_ready() -> None:
    row = _assessment(loennsinntekt=600_000)
    beregnet = documents.beregnet_skatt(assessment=row)
    fastland = beregnet["beregnetSkattFastland"]
    assert fastland == documents.beregnet_skatt_fastland(assessment=row)
    assert fastland["beregnetSkatt"] == row.utlignet_skatt
    assert fastland["skattOgAvgift"]["sumTrygdeavgift"] == {
        "grunnlag": 600_000,
        "beloep": row.trygdeavgift,
    }
    assert beregnet["skatteoppgjoersdato"] == "2025-06-01"
    pgi = documents.pensjonsgivende_inntekt(assessment=row)
    assert pgi["pensjonsgivendeInntekt"][0]["datoForFastsetting"] == "2025-06-01"


def test_restanser_give_every_kind_of_claim_in_the_apis_order() -> None:
    answer = documents.restanser(
        organisasjonsnummer="810825472", forfalt_og_ubetalt={"merverdiavgift": 12_000}
    )
    assert list(answer) == ["forespurtOrganisasjonsnummer", *documents.KRAVTYPER]
    assert answer["merverdiavgift"] == {"forfaltOgUbetalt": 12_000, "renterOgGebyrer": 0}
    assert answer["skatt"] == {"forfaltOgUbetalt": 0, "renterOgGebyrer": 0}
