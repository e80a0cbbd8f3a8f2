"""Grunnbeløpet (G): the unit most folketrygd thresholds and caps are expressed in."""

from __future__ import annotations

from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.entities import Person


class grunnbeloep(Variable):  # noqa: N801 - OpenFisca variable names are lower case
    """G in force on the first day of the month (it changes on 1 May each year)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Grunnbeløpet i folketrygden (G), kroner per år"
    reference = "https://lovdata.no/lov/1997-02-28-19/§1-4"

    def formula(person, period, parameters):  # noqa: N805
        return parameters(period).folketrygdloven.grunnbeloep
