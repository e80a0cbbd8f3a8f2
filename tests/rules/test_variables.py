"""The variables: money is whole kroner (int), and every variable says what it is and where the
law is."""

from __future__ import annotations

import pytest
from openfisca_core.variables import Variable

from felles.rules.system import tax_benefit_system

VARIABLES = sorted(tax_benefit_system().variables.values(), key=lambda v: v.name)
IDS = [v.name for v in VARIABLES]


@pytest.mark.parametrize("variable", VARIABLES, ids=IDS)
def test_no_variable_is_a_float(variable: Variable) -> None:
    # OpenFisca stores floats as float32, which cannot hold kroner exactly.
    assert variable.value_type is not float, variable.name


@pytest.mark.parametrize("variable", VARIABLES, ids=IDS)
def test_money_is_whole_kroner(variable: Variable) -> None:
    if variable.unit == "currency-NOK":
        assert variable.value_type is int, variable.name


def test_amount_variables_carry_the_currency_unit() -> None:
    amounts = {
        "grunnbeloep",
        "barnetrygd",
        "barnetrygd_per_barn",
        "barnetrygd_ordinaer_per_barn",
        "barnetrygd_utvidet",
        "barnetrygd_smaabarnstillegg",
        "barnetrygd_finnmarkstillegg_per_barn",
        "barnetrygd_svalbardtillegg_per_barn",
        "kontantstoette",
        "kontantstoette_per_barn",
        "engangsstoenad",
        "foreldrepenger_dagsats",
        "dagpenger_dagsats",
        "dagpenger_ukesats",
        "dagpenger_barnetillegg_per_dag",
        "pleiepenger_dagsats",
        "introduksjonsstoenad",
        "introduksjonsstoenad_per_aar",
        "gravferdsstoenad",
        "sosialhjelp_livsopphold",
        "oekonomisk_sosialhjelp",
        "pensjonsgivende_inntekt",
    }
    system = tax_benefit_system()
    for name in amounts:
        variable = system.get_variable(name, check_existence=True)
        assert variable.unit == "currency-NOK", name
        assert variable.value_type is int, name


@pytest.mark.parametrize("variable", VARIABLES, ids=IDS)
def test_every_variable_has_label_reference_and_docstring(variable: Variable) -> None:
    assert variable.label, variable.name
    assert variable.reference, variable.name
    assert all(ref.startswith("https://lovdata.no/") for ref in variable.reference), variable.name
    assert variable.documentation, f"{variable.name} needs a docstring saying the condition"


def test_tax_benefit_system_is_built_once_per_process() -> None:
    assert tax_benefit_system() is tax_benefit_system()
