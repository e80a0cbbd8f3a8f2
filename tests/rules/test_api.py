"""The rules API at /regler/v1: OpenFisca's web API shapes, explanations, and refusals that name
the field."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from felles.kernel.errors import PROBLEM_CONTENT_TYPE
from felles.kernel.web import install_problem_handlers
from felles.rules.api import EXAMPLE, PREFIX, router
from tests.rules.test_explain import MONTHS, family

CALCULATE = f"{PREFIX}/calculate"


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app())


# --- /calculate --------------------------------------------------------------------------------


def test_calculate_answers_the_situation_with_the_values_filled_in(client: TestClient) -> None:
    situation = family("2025-06", ask={"barnetrygd": "familie", "barnetrygd_per_barn": "child"})
    response = client.post(CALCULATE, json=situation)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["country-package"] == "felles"
    body = response.json()
    expected = copy.deepcopy(situation)
    expected["familier"]["familie"]["barnetrygd"]["2025-06"] = 3936
    expected["personer"]["emma"]["barnetrygd_per_barn"]["2025-06"] = 1968
    expected["personer"]["noah"]["barnetrygd_per_barn"]["2025-06"] = 1968
    assert body == expected  # OpenFisca's shape exactly: no member added without ?explain


def test_the_documented_example_is_barnetrygd_for_two_children(client: TestClient) -> None:
    body = client.post(CALCULATE, json=EXAMPLE).json()
    assert body["familier"]["familie"]["barnetrygd"]["2025-06"] == 2 * 1968


def test_barnetrygd_in_october_2024_is_1766_per_child(client: TestClient) -> None:
    body = client.post(CALCULATE, json=family("2024-10")).json()
    assert body["familier"]["familie"]["barnetrygd"]["2024-10"] == 2 * 1766


def test_explain_adds_the_explanation(client: TestClient) -> None:
    body = client.post(CALCULATE, params={"explain": "true"}, json=family("2025-06")).json()
    assert body["familier"]["familie"]["barnetrygd"]["2025-06"] == 3936
    explanation = body["explanation"]
    assert explanation["requested"] == [
        {"key": "barnetrygd<2025-06>", "entity": "familier", "id": "familie"}
    ]
    assert "sentences" not in explanation
    rate = next(
        p
        for node in explanation["nodes"].values()
        for p in node["parameters"]
        if p["name"] == "barnetrygdloven.ordinaer.sats"
    )
    assert rate["value"] == 1968
    assert rate["references"][0]["href"] == "https://lovdata.no/lov/2002-03-08-4/§10"
    assert rate["unverified"] is False


def test_lang_adds_the_letters_sentences(client: TestClient) -> None:
    body = client.post(CALCULATE, params={"lang": "nb"}, json=family("2025-06")).json()
    texts = [s["text"] for s in body["explanation"]["sentences"]]
    assert texts[0].startswith("Du får 1\u00a0968\u00a0kr per måned i barnetrygd for Emma fordi")
    assert body["explanation"]["sentences"][0]["provisional"] is False
    english = client.post(CALCULATE, params={"lang": "en"}, json=family("2025-06")).json()
    assert english["explanation"]["sentences"][0]["text"].startswith("You get NOK")
    assert client.post(CALCULATE, params={"lang": "de"}, json=family("2025-06")).status_code == 422


def test_trace_has_openfiscas_shape(client: TestClient) -> None:
    response = client.post(f"{PREFIX}/trace", json=family("2025-06"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"trace", "entitiesDescription", "requestedCalculations"}
    assert body["requestedCalculations"] == ["barnetrygd<2025-06>"]
    assert body["entitiesDescription"]["personer"] == ["mor", "emma", "noah"]
    node = body["trace"]["barnetrygd<2025-06>"]
    assert node["value"] == [3936]
    assert set(node) >= {"dependencies", "parameters", "value"}
    per_child = body["trace"]["barnetrygd_ordinaer_per_barn<2025-06>"]
    assert per_child["parameters"]["barnetrygdloven.ordinaer.sats<2025-06-01>"] == 1968


# --- refusals -----------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: list[str], value: Any) -> Mutation:
    def mutate(situation: dict[str, Any]) -> None:
        target = situation
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


BAD: list[tuple[str, Mutation, str, str]] = [
    (
        "unknown variable",
        _set(["personer", "emma", "ukjent"], {"2025-06": None}),
        "personer/emma/ukjent",
        "not a variable",
    ),
    ("unknown entity", _set(["hunder"], {"fido": {}}), "hunder", "not an entity"),
    (
        "impossible date",
        _set(["personer", "emma", "foedselsdato"], {"ETERNITY": "2025-02-30"}),
        "personer/emma/foedselsdato/ETERNITY",
        "no such day",
    ),
    (
        "impossible day as period",
        _set(["familier", "familie", "barnetrygd"], {"2025-02-30": None}),
        "familier/familie/barnetrygd/2025-02-30",
        "has no day 30",
    ),
    (
        "month 13",
        _set(["familier", "familie", "barnetrygd"], {"2025-13": None}),
        "familier/familie/barnetrygd/2025-13",
        "no month 13",
    ),
    (
        "not a period",
        _set(["familier", "familie", "barnetrygd"], {"abc": None}),
        "familier/familie/barnetrygd/abc",
        "not a period",
    ),
    (
        "a year for a monthly variable",
        _set(["familier", "familie", "barnetrygd"], {"2025": None}),
        "familier/familie/barnetrygd/2025",
        "per month",
    ),
    (
        "text for a boolean",
        _set(["personer", "emma", "bosatt_i_norge"], {"2025-06": "ja"}),
        "personer/emma/bosatt_i_norge/2025-06",
        "expected a boolean",
    ),
    (
        "an expression for a number",
        _set(["personer", "mor", "pensjonsgivende_inntekt"], {"2024": "1+1"}),
        "personer/mor/pensjonsgivende_inntekt/2024",
        "expected an integer",
    ),
    (
        "a fraction for an integer",
        _set(["personer", "mor", "pensjonsgivende_inntekt"], {"2024": 1.5}),
        "personer/mor/pensjonsgivende_inntekt/2024",
        "not a fraction",
    ),
    (
        "a number for a date",
        _set(["personer", "emma", "foedselsdato"], {"ETERNITY": 20150314}),
        "personer/emma/foedselsdato/ETERNITY",
        "expected a date",
    ),
    (
        "an unknown enumeration value",
        _set(["personer", "mor", "kjoenn"], {"ETERNITY": "ukjent-verdi"}),
        "personer/mor/kjoenn/ETERNITY",
        "is not one of",
    ),
    (
        "a family variable on a person",
        _set(["personer", "emma", "barnetrygd"], {"2025-06": None}),
        "personer/emma/barnetrygd",
        "variable of familier",
    ),
    (
        "values not by period",
        _set(["familier", "familie", "barnetrygd"], 5),
        "familier/familie/barnetrygd",
        "by period",
    ),
    (
        "a child nobody declared",
        _set(["familier", "familie", "barn"], ["emma", "zoe"]),
        "familier/familie/barn",
        "zoe is not one of the personer",
    ),
    (
        "three parents",
        _set(["familier", "familie", "foreldre"], ["mor", "emma", "noah"]),
        "familier/familie/foreldre",
        "at most 2",
    ),
    (
        "a date before the rules",
        _set(["familier", "familie", "barnetrygd"], {"1990-01": None}),
        "familier/familie/barnetrygd/1990-01",
        "no value of the parameter",
    ),
    (
        "a non-ASCII municipality number",
        _set(["personer", "emma", "kommunenummer"], {"2025-06": "Ø301"}),
        "personer/emma/kommunenummer/2025-06",
        "ASCII",
    ),
    (
        "a municipality number too long",
        _set(["personer", "emma", "kommunenummer"], {"2025-06": "03011"}),
        "personer/emma/kommunenummer/2025-06",
        "at most 4 characters",
    ),
    (
        "a computed variable for all time",
        _set(["personer", "emma", "er_barn"], {"ETERNITY": None}),
        "personer/emma/er_barn/ETERNITY",
        "ask for it for a month",
    ),
    (
        "a monthly input for all time",
        _set(["personer", "emma", "bosatt_i_norge"], {"ETERNITY": True}),
        "personer/emma/bosatt_i_norge/ETERNITY",
        "given per month",
    ),
    ("axes", _set(["axes"], [[{"name": "x", "count": 2, "min": 0, "max": 1}]]), "axes", "axes"),
]


@pytest.mark.parametrize(
    ("mutate", "field", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_input_is_a_problem_naming_the_field(
    client: TestClient, mutate: Mutation, field: str, words: str
) -> None:
    situation = family("2025-06")
    mutate(situation)
    response = client.post(CALCULATE, json=situation)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    problem = response.json()
    assert problem["type"] == "/problems/invalid-input"
    assert problem["field"] == field
    assert words in problem["detail"]
    assert problem["errors"][0]["location"] == field.split("/")
    # OpenFisca's own error shape too: the message nested under the path.
    nested = problem["error"]
    for part in field.split("/"):
        nested = nested[part]
    assert isinstance(nested, str)


def test_a_date_before_the_rules_names_the_parameter_and_date(client: TestClient) -> None:
    problem = client.post(CALCULATE, json=family("1990-01")).json()
    assert problem["status"] == 422
    assert problem["parameter"].startswith("barnetrygdloven.")
    assert problem["date"] == "1990-01-01"


def test_sosialhjelp_before_the_first_guideline_rates_is_refused_not_zero(
    client: TestClient,
) -> None:
    situation = {
        "personer": {"anne": {"foedselsdato": {"ETERNITY": "1980-01-01"}}},
        "husholdninger": {"h": {"voksne": ["anne"], "oekonomisk_sosialhjelp": {"2023-01": None}}},
    }
    response = client.post(CALCULATE, json=situation)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["parameter"].startswith("sosialtjenesteloven.veiledende_satser")
    assert problem["date"] == "2023-01-01"


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"[1, 2]", 422), (b"{not json", 422), (b'{"personer": {}}', 422), (b"{}", 422)],
)
def test_a_body_that_is_no_situation_is_refused(
    client: TestClient, body: bytes, status: int
) -> None:
    response = client.post(CALCULATE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE


def test_the_trace_refuses_bad_input_the_same_way(client: TestClient) -> None:
    situation = family("2025-13")
    response = client.post(f"{PREFIX}/trace", json=situation)
    assert response.status_code == 422
    assert response.json()["field"].endswith("/2025-13")


def test_nothing_of_the_situation_is_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    situation = family("2025-06", children={"hemmelig_navn": "2015-03-14"})
    with caplog.at_level(logging.DEBUG):
        client.post(CALCULATE, params={"lang": "nb"}, json=situation)
        bad = family("2025-06", children={"hemmelig_navn": "2015-02-30"})
        client.post(CALCULATE, json=bad)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "hemmelig_navn" not in logged
    assert "2015-03-14" not in logged


# --- descriptions -------------------------------------------------------------------------------


def test_variables_list_name_description_and_address(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/variables")
    assert response.status_code == 200
    variables = response.json()
    assert {"barnetrygd", "barnetrygd_per_barn", "kontantstoette", "foedselsdato"} <= set(variables)
    for name, summary in variables.items():
        assert set(summary) == {"description", "href"}
        assert summary["href"] == f"http://testserver{PREFIX}/variable/{name}"


def test_a_variable_has_openfiscas_description(client: TestClient) -> None:
    variable = client.get(f"{PREFIX}/variable/barnetrygd").json()
    assert variable["id"] == "barnetrygd"
    assert variable["valueType"] == "Int"
    assert variable["definitionPeriod"] == "MONTH"
    assert variable["entity"] == "familie"
    assert variable["defaultValue"] == 0
    assert variable["references"] == ["https://lovdata.no/lov/2002-03-08-4/§10"]
    formula = next(iter(variable["formulas"].values()))
    assert "def formula" in formula["content"]
    assert formula["source"].startswith("src/felles/rules/variables/barnetrygd.py#L")
    assert variable["source"].startswith("src/felles/rules/variables/barnetrygd.py#L")
    date = client.get(f"{PREFIX}/variable/foedselsdato").json()
    assert date["valueType"] == "Date" and date["definitionPeriod"] == "ETERNITY"


def test_an_unknown_variable_is_404(client: TestClient) -> None:
    response = client.get(f"{PREFIX}/variable/finnes_ikke")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE


def test_parameters_list_the_leaves_by_id(client: TestClient) -> None:
    parameters = client.get(f"{PREFIX}/parameters").json()
    rate = parameters["barnetrygdloven.ordinaer.sats"]
    assert set(rate) == {"description", "href"}
    assert rate["href"] == f"http://testserver{PREFIX}/parameter/barnetrygdloven.ordinaer.sats"
    assert "barnetrygdloven" not in parameters  # a node, as in OpenFisca
    assert "folketrygdloven.grunnbeloep" in parameters


def test_a_parameter_has_its_dated_values_and_law(client: TestClient) -> None:
    parameter = client.get(f"{PREFIX}/parameter/barnetrygdloven.ordinaer.sats").json()
    assert parameter["id"] == "barnetrygdloven.ordinaer.sats"
    assert parameter["values"]["2025-05-01"] == 1968
    assert parameter["values"]["2024-09-01"] == 1766
    hrefs = [r["href"] for r in parameter["metadata"]["reference"]]
    assert "https://lovdata.no/lov/2002-03-08-4/§10" in hrefs
    assert parameter["source"].endswith("parameters/barnetrygdloven/ordinaer/sats.yaml")


def test_a_node_lists_its_subparameters(client: TestClient) -> None:
    node = client.get(f"{PREFIX}/parameter/barnetrygdloven.ordinaer").json()
    assert "sats" in node["subparams"]
    assert "values" not in node


def test_an_unverified_parameter_says_so(client: TestClient) -> None:
    parameter = client.get(f"{PREFIX}/parameter/folketrygdloven.engangsstoenad.sats").json()
    assert parameter["metadata"]["unverified"] is True


def test_an_unknown_parameter_is_404(client: TestClient) -> None:
    assert client.get(f"{PREFIX}/parameter/finnes.ikke").status_code == 404


def test_entities_have_openfiscas_shape(client: TestClient) -> None:
    entities = client.get(f"{PREFIX}/entities").json()
    assert entities["person"]["plural"] == "personer"
    assert entities["familie"]["roles"]["forelder"] == {
        "plural": "foreldre",
        "description": entities["familie"]["roles"]["forelder"]["description"],
        "max": 2,
    }
    assert entities["familie"]["roles"]["barn"]["plural"] == "barn"


def test_everything_is_in_the_openapi_document_without_a_token() -> None:
    document = make_app().openapi()
    paths = document["paths"]
    for path, method in [
        ("/calculate", "post"),
        ("/trace", "post"),
        ("/variables", "get"),
        ("/variable/{name}", "get"),
        ("/parameters", "get"),
        ("/parameter/{parameter_id}", "get"),
        ("/entities", "get"),
    ]:
        operation = paths[f"{PREFIX}{path}"][method]
        assert operation["summary"]
        assert "security" not in operation
        assert "200" in operation["responses"]
    calculate = paths[CALCULATE]["post"]
    assert PROBLEM_CONTENT_TYPE in calculate["responses"]["422"]["content"]
    schema = calculate["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/CalculateOut"}
    assert "ExplanationOut" in document["components"]["schemas"]


# --- any case ----------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    born=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    month=st.sampled_from(MONTHS),
)
def test_any_birth_date_and_month_answers_a_whole_amount_with_cited_parameters(
    born: dt.date, month: str
) -> None:
    client = TestClient(make_app())
    situation = family(month, children={"barnet": born.isoformat()})
    response = client.post(CALCULATE, params={"explain": "true"}, json=situation)
    assert response.status_code == 200, response.text
    body = response.json()
    amount = body["familier"]["familie"]["barnetrygd"][month]
    assert type(amount) is int and amount >= 0
    for node in body["explanation"]["nodes"].values():
        for parameter in node["parameters"]:
            assert parameter["references"], parameter["name"]
            assert any("lovdata.no" in r["href"] for r in parameter["references"])
