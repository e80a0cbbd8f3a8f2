"""Økonomisk sosialhjelp (sosialtjenesteloven § 18): the guideline amount for a household's
living costs, and a simple calculation of the support it points to.

Sosialhjelp is a discretionary benefit: NAV's office assesses each case, and the guideline rates
are a starting point, not a right. The rates are the state guideline (veiledende satser) unless
the person's municipality has its own rates under parameters/sosialtjenesteloven/kommunale_satser.
"""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.entities import Husholdning, Person

SOSIALTJENESTELOVEN = "https://lovdata.no/lov/2009-12-18-131"


def _satser(parameters, period, kommunenummer: np.ndarray) -> dict[str, np.ndarray]:
    """The six guideline rates per person: the municipality's own or the state's."""
    p = parameters(period).sosialtjenesteloven
    statlige = p.veiledende_satser
    navn = list(statlige)
    if not navn:  # before the first guideline rates: an error, never a silent zero
        raise ParameterNotFoundError(
            "sosialtjenesteloven.veiledende_satser.enslig", str(period.start)
        )
    kommuner = list(p.kommunale_satser)
    if not kommuner:
        return {n: np.full(len(kommunenummer), statlige[n]) for n in navn}
    egne = np.isin(kommunenummer.astype("U4"), kommuner)
    # Index the municipal node only with codes it has; the others read a placeholder and are
    # then replaced by the state rate.
    oppslag = p.kommunale_satser[np.where(egne, kommunenummer.astype("U4"), kommuner[0])]
    return {n: np.where(egne, oppslag[n], statlige[n]) for n in navn}


class har_ektefelle_eller_samboer_i_husholdningen(Variable):
    """The adult's spouse or cohabitant lives in the same household."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Har ektefelle eller samboer i husholdningen"
    reference = f"{SOSIALTJENESTELOVEN}/§18"


class netto_inntekt(Variable):
    """The person's net income in the month, whole NOK, not counting barnetrygd (which has not
    been counted for sosialhjelp since 2022-09-01, § 18 third paragraph)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Netto inntekt i måneden (uten barnetrygd)"
    reference = f"{SOSIALTJENESTELOVEN}/§18"


class boutgifter(Variable):
    """The household's necessary housing costs in the month (rent, electricity), whole NOK."""

    value_type = int
    unit = "currency-NOK"
    entity = Husholdning
    definition_period = MONTH
    label = "Boutgifter i måneden"
    reference = f"{SOSIALTJENESTELOVEN}/§18"


class sosialhjelp_sats_per_medlem(Variable):
    """The guideline rate for this household member in the month.

    An adult (role voksen, or a member aged 18 or older) with a spouse or cohabitant in the
    household gets half the couple rate; an adult without one gets the single rate if they are
    the only adult, else the rate for a person sharing a home. A child gets the rate for its age
    group (0–5, 6–10, 11–17 years on the first of the month).
    """

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Veiledende sats for husholdningsmedlemmet (kroner per måned)"
    reference = f"{SOSIALTJENESTELOVEN}/§18"

    def formula(person, period, parameters):
        s = _satser(parameters, period, person("kommunenummer", period))
        alder = person("alder", period)
        voksen = person.has_role(Husholdning.VOKSEN) | (alder >= 18)
        eneste_voksen = person.husholdning.sum(voksen) == 1
        # The couple rate is for both; each partner carries half (rates are in whole 50s).
        voksen_sats = np.select(
            [person("har_ektefelle_eller_samboer_i_husholdningen", period), eneste_voksen],
            [s["ektepar_samboere"] // 2, s["enslig"]],
            s["person_i_bofellesskap"],
        )
        barn_sats = np.select(
            [alder <= 5, alder <= 10], [s["barn_0_5"], s["barn_6_10"]], s["barn_11_17"]
        )
        return np.where(voksen, voksen_sats, barn_sats)


class sosialhjelp_livsopphold(Variable):
    """The household's guideline amount for living costs: the sum of its members' rates."""

    value_type = int
    unit = "currency-NOK"
    entity = Husholdning
    definition_period = MONTH
    label = "Veiledende livsopphold for husholdningen (kroner per måned)"
    reference = f"{SOSIALTJENESTELOVEN}/§18"

    def formula(husholdning, period):
        return husholdning.sum(husholdning.members("sosialhjelp_sats_per_medlem", period))


class oekonomisk_sosialhjelp(Variable):
    """The support the guideline points to: living costs plus housing costs minus the members' net
    income, never below 0. A starting point for the caseworker's discretion, not a decision."""

    value_type = int
    unit = "currency-NOK"
    entity = Husholdning
    definition_period = MONTH
    label = "Økonomisk stønad etter veiledende satser (kroner per måned)"
    reference = f"{SOSIALTJENESTELOVEN}/§18"

    def formula(husholdning, period):
        behov = husholdning("sosialhjelp_livsopphold", period) + husholdning("boutgifter", period)
        inntekt = husholdning.sum(husholdning.members("netto_inntekt", period))
        return np.maximum(behov - inntekt, 0)
