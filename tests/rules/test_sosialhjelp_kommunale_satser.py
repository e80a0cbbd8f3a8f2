"""A municipality's own sosialhjelp rates replace the state guideline for its residents."""

from __future__ import annotations

from openfisca_core.parameters import ParameterNode
from openfisca_core.reforms import Reform
from openfisca_core.simulation_builder import SimulationBuilder

from felles.rules.system import tax_benefit_system

OSLO = {
    "enslig": 9000,
    "ektepar_samboere": 15000,
    "person_i_bofellesskap": 7000,
    "barn_0_5": 4000,
    "barn_6_10": 4100,
    "barn_11_17": 5200,
}


class OsloEgneSatser(Reform):
    """Gives 0301 Oslo its own rates from 2024-01-01 (an example, not Oslo's real rates)."""

    name = "Oslo med egne satser"

    def apply(self) -> None:
        def modify(parameters: ParameterNode) -> ParameterNode:
            rates = {
                name: {
                    "description": name,
                    "metadata": {"reference": "https://lovdata.no/lov/2009-12-18-131/§18"},
                    "values": {"2024-01-01": value},
                }
                for name, value in OSLO.items()
            }
            node = parameters.sosialtjenesteloven.kommunale_satser
            node.add_child("0301", ParameterNode(f"{node.name}.0301", data=rates))
            return parameters

        self.modify_parameters(modifier_function=modify)


def test_municipal_rates_apply_to_residents_and_the_state_rates_to_everyone_else() -> None:
    system = OsloEgneSatser(tax_benefit_system())
    situation = {
        "personer": {
            "oslo": {
                "foedselsdato": {"ETERNITY": "1990-01-01"},
                "kommunenummer": {"2024-03": "0301"},
            },
            "bergen": {
                "foedselsdato": {"ETERNITY": "1990-01-01"},
                "kommunenummer": {"2024-03": "4601"},
            },
            "oslo_barn": {
                "foedselsdato": {"ETERNITY": "2020-01-01"},
                "kommunenummer": {"2024-03": "0301"},
            },
        },
        "husholdninger": {
            "a": {"voksne": ["oslo"], "barn": ["oslo_barn"]},
            "b": {"voksne": ["bergen"]},
        },
    }
    simulation = SimulationBuilder().build_from_entities(system, situation)
    rates = simulation.calculate("sosialhjelp_sats_per_medlem", "2024-03").tolist()
    assert rates == [9000, 7850, 4000]
    assert simulation.calculate("sosialhjelp_livsopphold", "2024-03").tolist() == [13000, 7850]


def test_without_municipal_rates_everyone_gets_the_state_guideline() -> None:
    assert (
        list(tax_benefit_system().parameters("2024-03-01").sosialtjenesteloven.kommunale_satser)
        == []
    )
