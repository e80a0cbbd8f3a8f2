"""Gravferdsstønad (folketrygdloven § 7-2): support toward the funeral of a member of the national
insurance scheme. The variables live on the deceased person, in the month of death."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules.dates import first_day, first_day_after
from felles.rules.entities import Person

FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"


class gravferdsutgifter(Variable):
    """The actual and necessary costs of the funeral, whole NOK (from the application)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Utgifter til gravferd (kroner)"
    reference = f"{FOLKETRYGDLOVEN}/§7-2"


class doede_i_maaneden(Variable):
    """The person died in the month."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Døde i måneden"
    reference = "https://lovdata.no/lov/2016-12-09-88"

    def formula(person, period):
        doedsdato = person("doedsdato", period)
        return (doedsdato >= first_day(period)) & (doedsdato < first_day_after(period))


class gravferdsstoenad_rett(Variable):
    """The deceased died in the month and was a member of the national insurance scheme."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rett til gravferdsstønad"
    reference = f"{FOLKETRYGDLOVEN}/§7-2"

    def formula(person, period):
        # Membership is judged in the month of death: the person was alive at its start.
        return person("doede_i_maaneden", period) & person("medlem_i_folketrygden", period)


class gravferdsstoenad_behovsproeves(Variable):
    """The deceased was 18 or older, so the support is means-tested (against the estate's and a
    surviving spouse's assets, insurance and pensions). The means test is not modelled."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Gravferdsstønaden behovsprøves (avdøde var 18 år eller eldre)"
    reference = f"{FOLKETRYGDLOVEN}/§7-2"

    def formula(person, period):
        return person("alder", period) >= 18


class gravferdsstoenad(Variable):
    """Gravferdsstønad: the funeral costs, at most the (unverified) maximum amount.

    For a deceased under 18 this is the support; for a deceased adult it is the upper bound
    before the means test (gravferdsstoenad_behovsproeves), which is not modelled.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Gravferdsstønad (kroner, før behovsprøving)"
    reference = f"{FOLKETRYGDLOVEN}/§7-2"

    def formula(person, period, parameters):
        maks = parameters(period).folketrygdloven.gravferdsstoenad.maksimalt_beloep
        beloep = np.minimum(person("gravferdsutgifter", period), maks)
        return np.where(person("gravferdsstoenad_rett", period), beloep, 0)
