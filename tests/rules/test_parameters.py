"""The parameter tree: every value has a legal reference, unverified values are marked, and a
period before a parameter's first value is an error, never a silent zero."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.simulation_builder import SimulationBuilder

from felles.rules.system import tax_benefit_system

# The values benefits.md marks unverified (plus the kindergarten hour limit, which is read from
# NAV's code and not from benefits.md). Changing this list means changing docs/rules.md too.
UNVERIFIED = {
    "folketrygdloven.dagpenger.barnetillegg",
    "folketrygdloven.engangsstoenad.sats",
    "folketrygdloven.gravferdsstoenad.maksimalt_beloep",
    "kontantstoetteloven.fulltid_barnehage_timer",
    "kontantstoetteloven.lovendring_2025.foedt_fra",
    "kontantstoetteloven.lovendring_2025.vilkaar_fra_maaned",
    "kontantstoetteloven.lovendring_2025.vilkaar_til_maaned",
    "sosialtjenesteloven.veiledende_satser.barn_0_5",
    "sosialtjenesteloven.veiledende_satser.barn_11_17",
    "sosialtjenesteloven.veiledende_satser.barn_6_10",
    "sosialtjenesteloven.veiledende_satser.enslig",
    "sosialtjenesteloven.veiledende_satser.ektepar_samboere",
    "sosialtjenesteloven.veiledende_satser.person_i_bofellesskap",
}

UNITS = {"currency-NOK", "G", "/1", "percent", "year", "month", "week", "day", "hour", "date"}


def _parameters() -> list[Parameter]:
    root = tax_benefit_system().parameters
    return [p for p in root.get_descendants() if isinstance(p, Parameter)]


def _ids(parameters: list[Parameter]) -> list[str]:
    return [p.name for p in parameters]


PARAMETERS = _parameters()


def _hrefs(metadata: dict) -> list[str]:
    reference = metadata.get("reference")
    if isinstance(reference, str):
        return [reference]
    return [entry["href"] for entry in reference or []]


@pytest.mark.parametrize("parameter", PARAMETERS, ids=_ids(PARAMETERS))
def test_every_parameter_has_a_lovdata_reference(parameter: Parameter) -> None:
    hrefs = _hrefs(parameter.metadata)
    assert hrefs, f"{parameter.name} ({parameter.file_path}) has no metadata.reference"
    assert any(href.startswith("https://lovdata.no/") for href in hrefs), hrefs
    assert parameter.description, f"{parameter.name} has no description"


@pytest.mark.parametrize("parameter", PARAMETERS, ids=_ids(PARAMETERS))
def test_every_parameter_has_a_known_unit(parameter: Parameter) -> None:
    # Lists of codes (municipalities, counties) have no unit.
    if isinstance(parameter.values_list[-1].value, list):
        return
    assert parameter.metadata.get("unit") in UNITS, parameter.name


def test_every_parameter_node_has_a_reference() -> None:
    root = tax_benefit_system().parameters
    nodes = [n for n in root.get_descendants() if isinstance(n, ParameterNode)]
    missing = [n.name for n in nodes if not _hrefs(n.metadata)]
    assert not missing


def test_unverified_values_are_exactly_the_listed_ones() -> None:
    marked = {p.name for p in PARAMETERS if p.metadata.get("unverified") is True}
    assert marked == UNVERIFIED


@pytest.mark.parametrize("name", sorted(UNVERIFIED))
def test_unverified_values_carry_a_note(name: str) -> None:
    parameter = next(p for p in PARAMETERS if p.name == name)
    assert "nverified" in parameter.metadata.get("note", ""), name


@pytest.mark.parametrize("parameter", PARAMETERS, ids=_ids(PARAMETERS))
def test_a_period_before_the_first_value_raises(parameter: Parameter) -> None:
    first = date.fromisoformat(parameter.values_list[-1].instant_str)
    day_before = str(first - timedelta(days=1))
    node = tax_benefit_system().parameters(first.isoformat())
    for key in parameter.name.split("."):
        node = node[key]
    assert node is not None
    before = tax_benefit_system().parameters(day_before)
    with pytest.raises(ParameterNotFoundError):
        for key in parameter.name.split("."):
            before = before[key]


def test_parameter_not_found_says_which_parameter_and_date() -> None:
    with pytest.raises(ParameterNotFoundError, match=r"grunnbeloep.*2020-04-01"):
        tax_benefit_system().parameters("2020-04-01").folketrygdloven.grunnbeloep  # noqa: B018


def _family(period: str) -> dict:
    child = {"foedselsdato": {"ETERNITY": "2015-01-01"}}
    for name in ("bosatt_i_norge", "lovlig_opphold", "bor_med_forelder"):
        child[name] = {period: True}
    parent = {"foedselsdato": {"ETERNITY": "1985-01-01"}}
    for name in ("bosatt_i_norge", "lovlig_opphold"):
        parent[name] = {period: True}
    return {
        "personer": {"mor": parent, "barn": child},
        "familier": {"f": {"foreldre": ["mor"], "barn": ["barn"]}},
    }


@pytest.mark.parametrize(
    ("variable", "period"),
    [
        ("barnetrygd", "2023-06"),  # barnetrygd rates start 2023-07-01
        ("grunnbeloep", "2020-04"),  # G starts 2020-05-01
        ("dagpenger_dagsats", "2022-12"),  # dagpenger are modelled from 2023-01-01
        ("kontantstoette", "2020-12"),
    ],
)
def test_calculating_before_the_rules_start_raises_instead_of_returning_zero(
    variable: str, period: str
) -> None:
    simulation = SimulationBuilder().build_from_entities(tax_benefit_system(), _family(period))
    with pytest.raises(ParameterNotFoundError):
        simulation.calculate(variable, period)


def test_the_first_month_with_rates_calculates() -> None:
    simulation = SimulationBuilder().build_from_entities(tax_benefit_system(), _family("2023-07"))
    assert simulation.calculate("barnetrygd", "2023-07").tolist() == [1310]
