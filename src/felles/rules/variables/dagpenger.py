"""Dagpenger under arbeidsløshet (folketrygdloven chapter 4): minimum income, reduced working
time, the basis, the daily rate with the child supplement, and the length of the period."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.entities import Person
from felles.rules.money import floor_kroner, round_kroner

FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"


class dagpenger_minsteinntekt_oppfylt(Variable):
    """Work income of at least 1.5 G in the last 12 completed months, or at least 3 G in the last
    36 completed months (G in force in the month; exactly at the limit is enough)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Kravet til minsteinntekt for dagpenger er oppfylt"
    reference = f"{FOLKETRYGDLOVEN}/§4-4"

    def formula(person, period, parameters):
        grenser = parameters(period).folketrygdloven.dagpenger.minsteinntekt
        g = person("grunnbeloep", period)
        return (
            person("arbeidsinntekt_siste_12_maaneder", period) >= grenser.siste_12_maaneder * g
        ) | (person("arbeidsinntekt_siste_36_maaneder", period) >= grenser.siste_36_maaneder * g)


class dagpenger_arbeidstid_oppfylt(Variable):
    """Working time reduced by at least 50 %."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Arbeidstiden er redusert med minst 50 prosent"
    reference = f"{FOLKETRYGDLOVEN}/§4-3"

    def formula(person, period, parameters):
        minst = parameters(period).folketrygdloven.dagpenger.arbeidstid_redusert_minst
        return person("arbeidstid_redusert_prosent", period) >= minst


class dagpenger_rett(Variable):
    """Right to dagpenger: resident in Norway, minimum income met and working time reduced by at
    least 50 %."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rett til dagpenger"
    reference = f"{FOLKETRYGDLOVEN}/§4-4"

    def formula(person, period):
        return (
            person("bosatt_i_norge", period)
            & person("dagpenger_minsteinntekt_oppfylt", period)
            & person("dagpenger_arbeidstid_oppfylt", period)
        )


class dagpenger_grunnlag_uavkortet(Variable):
    """The higher of the last 12 months' income and the yearly average of the last 36 months
    (the average rounded half up to whole kroner), before the 6 G cap."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagpengegrunnlag før avkorting (kroner per år)"
    reference = f"{FOLKETRYGDLOVEN}/§4-11"

    def formula(person, period):
        siste_12 = person("arbeidsinntekt_siste_12_maaneder", period)
        snitt_36 = round_kroner(person("arbeidsinntekt_siste_36_maaneder", period) / 3)
        return np.maximum(siste_12, snitt_36)


class dagpenger_grunnlag(Variable):
    """The dagpenger basis: dagpenger_grunnlag_uavkortet capped at 6 G."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagpengegrunnlag (kroner per år)"
    reference = f"{FOLKETRYGDLOVEN}/§4-11"

    def formula(person, period, parameters):
        maks_g = parameters(period).folketrygdloven.dagpenger.grunnlag_maks_g
        tak = floor_kroner(maks_g * person("grunnbeloep", period))
        return np.minimum(person("dagpenger_grunnlag_uavkortet", period), tak)


class dagpenger_dagsats(Variable):
    """Daily rate without the child supplement: 62.4 % of the basis divided by 260, rounded half
    up to whole kroner (as NAV rounds the daily rate). 0 without a right to dagpenger."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagsats for dagpenger uten barnetillegg (kroner per dag)"
    reference = f"{FOLKETRYGDLOVEN}/§4-12"

    def formula(person, period, parameters):
        p = parameters(period).folketrygdloven
        grunnlag = person("dagpenger_grunnlag", period)
        dagsats = round_kroner(grunnlag * p.dagpenger.dekningsgrad / p.virkedager_per_aar)
        return np.where(person("dagpenger_rett", period), dagsats, 0)


class dagpenger_barnetillegg_per_dag(Variable):
    """Child supplement per day: the (unverified) rate per child times the children the person
    provides for. 0 without a right to dagpenger."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Barnetillegg til dagpenger (kroner per dag)"
    reference = f"{FOLKETRYGDLOVEN}/§4-12"

    def formula(person, period, parameters):
        sats = parameters(period).folketrygdloven.dagpenger.barnetillegg
        tillegg = sats * person("antall_barn", period)
        return np.where(person("dagpenger_rett", period), tillegg, 0)


class dagpenger_ukesats(Variable):
    """Dagpenger for a full week: 5 days times the daily rate plus the child supplement."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagpenger per uke (kroner)"
    reference = f"{FOLKETRYGDLOVEN}/§4-12"

    def formula(person, period, parameters):
        dager = parameters(period).folketrygdloven.dagpenger.dager_per_uke
        return dager * (
            person("dagpenger_dagsats", period) + person("dagpenger_barnetillegg_per_dag", period)
        )


class dagpenger_stoenadsperiode_uker(Variable):
    """Length of the dagpenger period: 104 weeks if the basis income (before the cap) was at least
    2 G, otherwise 52 weeks. 0 without a right to dagpenger."""

    value_type = int
    unit = "week"
    entity = Person
    definition_period = MONTH
    label = "Stønadsperiode for dagpenger (uker)"
    reference = f"{FOLKETRYGDLOVEN}/§4-15"

    def formula(person, period, parameters):
        periode = parameters(period).folketrygdloven.dagpenger.stoenadsperiode
        lang = person("dagpenger_grunnlag_uavkortet", period) >= periode.grense_g * person(
            "grunnbeloep", period
        )
        uker = np.where(lang, periode.uker_over_grense, periode.uker_under_grense)
        return np.where(person("dagpenger_rett", period), uker, 0)
