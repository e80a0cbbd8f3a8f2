"""Foreldrepenger (folketrygdloven chapter 14): the earning requirement, the daily rate and the
weeks, for a parent in a month of leave."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.entities import Person
from felles.rules.enums import ForeldrepengerDekning
from felles.rules.money import floor_kroner, round_kroner

FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"


class foreldrepenger_dekningsgrad(Variable):
    """The coverage the parents have chosen: 100 % (shorter period) or 80 % (longer period)."""

    value_type = Enum
    possible_values = ForeldrepengerDekning
    default_value = ForeldrepengerDekning.prosent_100
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Valgt dekningsgrad for foreldrepenger"
    reference = f"{FOLKETRYGDLOVEN}/§14-9"


class foreldrepenger_minsteinntekt_oppfylt(Variable):
    """Pensionable income for the calendar year of the month is at least 0.5 G (G of the month)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Inntekt minst 0,5 G (foreldrepenger)"
    reference = f"{FOLKETRYGDLOVEN}/§14-7"

    def formula(person, period, parameters):
        grense = parameters(period).folketrygdloven.foreldrepenger.minsteinntekt_g
        inntekt = person("pensjonsgivende_inntekt", period.this_year)
        return inntekt >= grense * person("grunnbeloep", period)


class foreldrepenger_opptjening_oppfylt(Variable):
    """In pensionable work for at least 6 of the last 10 months before the leave."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Opptjeningsvilkåret for foreldrepenger er oppfylt"
    reference = f"{FOLKETRYGDLOVEN}/§14-6"

    def formula(person, period, parameters):
        kreves = parameters(period).folketrygdloven.foreldrepenger.opptjening_maaneder_i_arbeid
        return person("i_arbeid_maaneder_siste_10", period) >= kreves


class foreldrepenger_rett(Variable):
    """Right to foreldrepenger: member of the national insurance scheme, earning requirement
    (0.5 G) and work requirement (6 of the last 10 months) met."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rett til foreldrepenger"
    reference = f"{FOLKETRYGDLOVEN}/§14-6"

    def formula(person, period):
        return (
            person("medlem_i_folketrygden", period)
            & person("foreldrepenger_minsteinntekt_oppfylt", period)
            & person("foreldrepenger_opptjening_oppfylt", period)
        )


class foreldrepenger_beregningsgrunnlag(Variable):
    """Pensionable income for the calendar year, capped at 6 G (G of the month)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Beregningsgrunnlag for foreldrepenger (kroner per år)"
    reference = f"{FOLKETRYGDLOVEN}/§14-7"

    def formula(person, period, parameters):
        maks_g = parameters(period).folketrygdloven.foreldrepenger.grunnlag_maks_g
        tak = floor_kroner(maks_g * person("grunnbeloep", period))
        return np.minimum(person("pensjonsgivende_inntekt", period.this_year), tak)


class foreldrepenger_dagsats(Variable):
    """Daily rate: the basis times the chosen coverage, divided by 260, rounded half up to whole
    kroner. Paid for 5 days a week. 0 without a right to foreldrepenger."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Dagsats for foreldrepenger (kroner per dag)"
    reference = f"{FOLKETRYGDLOVEN}/§14-7"

    def formula(person, period, parameters):
        p = parameters(period).folketrygdloven
        dekning = np.where(
            person("foreldrepenger_dekningsgrad", period) == ForeldrepengerDekning.prosent_80,
            p.foreldrepenger.dekningsgrad.redusert,
            p.foreldrepenger.dekningsgrad.full,
        )
        grunnlag = person("foreldrepenger_beregningsgrunnlag", period)
        dagsats = round_kroner(grunnlag * dekning / p.virkedager_per_aar)
        return np.where(person("foreldrepenger_rett", period), dagsats, 0)


def _uker(person, period, parameters, kvote: str) -> np.ndarray:
    """Weeks of one quota for the coverage the person has chosen."""
    perioder = parameters(period).folketrygdloven.foreldrepenger.stoenadsperiode
    er_80 = person("foreldrepenger_dekningsgrad", period) == ForeldrepengerDekning.prosent_80
    return np.where(er_80, perioder.dekning_80[kvote], perioder.dekning_100[kvote])


class foreldrepenger_moedrekvote_uker(Variable):
    """Weeks reserved for the mother after birth (15 at 100 %, 19 at 80 %)."""

    value_type = int
    unit = "week"
    entity = Person
    definition_period = MONTH
    label = "Mødrekvote (uker)"
    reference = f"{FOLKETRYGDLOVEN}/§14-12"

    def formula(person, period, parameters):
        return _uker(person, period, parameters, "moedrekvote")


class foreldrepenger_fedrekvote_uker(Variable):
    """Weeks reserved for the father or co-mother (15 at 100 %, 19 at 80 %)."""

    value_type = int
    unit = "week"
    entity = Person
    definition_period = MONTH
    label = "Fedrekvote (uker)"
    reference = f"{FOLKETRYGDLOVEN}/§14-12"

    def formula(person, period, parameters):
        return _uker(person, period, parameters, "fedrekvote")


class foreldrepenger_fellesperiode_uker(Variable):
    """Weeks the parents may share (16 at 100 %, 18 at 80 %)."""

    value_type = int
    unit = "week"
    entity = Person
    definition_period = MONTH
    label = "Fellesperiode (uker)"
    reference = f"{FOLKETRYGDLOVEN}/§14-9"

    def formula(person, period, parameters):
        return _uker(person, period, parameters, "fellesperiode")


class foreldrepenger_stoenadsperiode_uker(Variable):
    """All weeks for a birth with two parents with a right: the quotas, the shared period and the
    3 weeks before birth (49 weeks at 100 %, 59 weeks at 80 %)."""

    value_type = int
    unit = "week"
    entity = Person
    definition_period = MONTH
    label = "Stønadsperiode for foreldrepenger i alt (uker)"
    reference = f"{FOLKETRYGDLOVEN}/§14-9"

    def formula(person, period, parameters):
        return (
            person("foreldrepenger_moedrekvote_uker", period)
            + person("foreldrepenger_fedrekvote_uker", period)
            + person("foreldrepenger_fellesperiode_uker", period)
            + _uker(person, period, parameters, "foer_foedsel")
        )
