"""Introduksjonsstønad (integreringsloven § 20): for participants in the introduction programme
(refugees and their family members settled in a municipality)."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.entities import Person
from felles.rules.money import round_kroner

INTEGRERINGSLOVEN = "https://lovdata.no/lov/2020-11-06-127"


class deltar_i_introduksjonsprogram(Variable):
    """Takes part in the municipality's introduction programme in the month (the municipality's
    decision)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Deltar i introduksjonsprogram"
    reference = f"{INTEGRERINGSLOVEN}/§20"


def _per_aar(person, period, parameters) -> np.ndarray:
    """Yearly introduksjonsstønad as an unrounded float: 2 G, or 2/3 of that under 25."""
    p = parameters(period).integreringsloven
    full = p.stoenad_g * person("grunnbeloep", period)
    under_25 = person("alder", period) < p.aldersgrense_redusert
    return np.where(under_25, full * p.andel_under_25, full)


class introduksjonsstoenad_per_aar(Variable):
    """Yearly level in force in the month: 2 G (G of the month) from age 25, two thirds of that
    under 25, rounded half up to whole kroner. 0 for someone not in the programme."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Introduksjonsstønad (kroner per år)"
    reference = f"{INTEGRERINGSLOVEN}/§20"

    def formula(person, period, parameters):
        aarlig = round_kroner(_per_aar(person, period, parameters))
        return np.where(person("deltar_i_introduksjonsprogram", period), aarlig, 0)


class introduksjonsstoenad(Variable):
    """Introduksjonsstønad for the month: the yearly level divided by 12, rounded half up to
    whole kroner (municipalities pay every 14 days; the month is the comparable unit here).
    Deductions for absence and reductions for other benefits are not modelled."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Introduksjonsstønad (kroner per måned)"
    reference = f"{INTEGRERINGSLOVEN}/§20"

    def formula(person, period, parameters):
        maanedlig = round_kroner(_per_aar(person, period, parameters) / 12)
        return np.where(person("deltar_i_introduksjonsprogram", period), maanedlig, 0)
