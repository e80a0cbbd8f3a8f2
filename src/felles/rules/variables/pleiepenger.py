"""Pleiepenger for a seriously ill child (folketrygdloven § 9-10): for a parent caring for a child
under 18 who needs continuous care and supervision because of illness."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules import groups
from felles.rules.entities import Familie, Person
from felles.rules.money import floor_kroner, round_kroner

FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"


class trenger_kontinuerlig_tilsyn_og_pleie(Variable):
    """The child needs continuous care and supervision because of illness (medical statement,
    assessed by the caseworker)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Barnet har behov for kontinuerlig tilsyn og pleie"
    reference = f"{FOLKETRYGDLOVEN}/§9-10"


class pleiepenger_barn_i_familien(Variable):
    """A child (role barn) under 18 in the familie needs continuous care and supervision."""

    value_type = bool
    entity = Familie
    definition_period = MONTH
    label = "Et barn i familien trenger kontinuerlig tilsyn og pleie"
    reference = f"{FOLKETRYGDLOVEN}/§9-10"

    def formula(familie, period, parameters):
        aldersgrense = parameters(period).folketrygdloven.pleiepenger.aldersgrense
        barn = (
            familie.members("er_barn", period)
            & familie.members("trenger_kontinuerlig_tilsyn_og_pleie", period)
            & (familie.members("alder", period) < aldersgrense)
        )
        return groups.any_member(familie, barn)


class pleiepenger_rett(Variable):
    """Right to pleiepenger: a parent in the familie of a child who needs care, a member of the
    national insurance scheme, with pensionable income for the calendar year of at least 0.5 G."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rett til pleiepenger"
    reference = f"{FOLKETRYGDLOVEN}/§9-10"

    def formula(person, period, parameters):
        grense = parameters(period).folketrygdloven.pleiepenger.minsteinntekt_g
        inntekt = person("pensjonsgivende_inntekt", period.this_year)
        return (
            person("er_forelder", period)
            & person.familie("pleiepenger_barn_i_familien", period)
            & person("medlem_i_folketrygden", period)
            & (inntekt >= grense * person("grunnbeloep", period))
        )


class pleiepenger_dagsats(Variable):
    """Daily rate: 100 % of pensionable income for the calendar year, capped at 6 G, divided by
    260 and rounded half up to whole kroner. 0 without a right to pleiepenger."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagsats for pleiepenger (kroner per dag)"
    reference = f"{FOLKETRYGDLOVEN}/§9-11"

    def formula(person, period, parameters):
        p = parameters(period).folketrygdloven
        tak = floor_kroner(p.pleiepenger.grunnlag_maks_g * person("grunnbeloep", period))
        grunnlag = np.minimum(person("pensjonsgivende_inntekt", period.this_year), tak)
        dagsats = round_kroner(grunnlag * p.pleiepenger.dekningsgrad / p.virkedager_per_aar)
        return np.where(person("pleiepenger_rett", period), dagsats, 0)
