"""Inputs about a family's providers, and counts of the children in a familie."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import ETERNITY, MONTH
from openfisca_core.variables import Variable

from felles.rules import groups
from felles.rules.entities import Familie, Person

BARNETRYGDLOVEN = "https://lovdata.no/lov/2002-03-08-4"


class enslig_forsoerger(Variable):
    """The parent provides for the children alone: not married and not living with a partner.

    A caseworker's assessment (barnetrygdloven § 9), set on the parent.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Enslig forsørger"
    reference = f"{BARNETRYGDLOVEN}/§9"


class mottar_full_overgangsstoenad(Variable):
    """The parent receives full (unreduced) overgangsstønad as a single provider in the month."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Mottar full overgangsstønad"
    reference = "https://lovdata.no/lov/1997-02-28-19/§15-5"


class er_forelder(Variable):
    """The person is a parent (role forelder) in their familie."""

    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Er forelder i familien"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(person, period):
        return person.has_role(Familie.FORELDER)


class er_barn(Variable):
    """The person is a child (role barn) in their familie."""

    value_type = bool
    entity = Person
    definition_period = ETERNITY
    label = "Er barn i familien"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(person, period):
        return person.has_role(Familie.BARN)


class antall_barn_under_18(Variable):
    """Children (role barn) in the familie who are born and under 18 on the first of the month."""

    value_type = int
    entity = Familie
    definition_period = MONTH
    label = "Antall barn under 18 år i familien"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(familie, period):
        barn = familie.members("er_barn", period)
        foedt = familie.members("alder_maaneder", period) >= 0
        under_18 = familie.members("alder", period) < 18
        return groups.count(familie, barn & foedt & under_18)


class antall_barn(Variable):
    """Children under 18 the person provides for: those in the person's familie, for a parent.

    Derived from the familie; a caseworker may set it directly instead (e.g. for the dagpenger
    child supplement, where the children need not live in the same familie unit).
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Antall barn under 18 år personen forsørger"
    reference = "https://lovdata.no/lov/1997-02-28-19/§4-12"

    def formula(person, period):
        return person.familie("antall_barn_under_18", period) * person("er_forelder", period)
