"""Kontantstøtte (kontantstøtteloven): per child per month for 1-year-olds without a full-time
kindergarten place, and the family's total.

Which months are paid follows the rule in force in the month paid for (see the parameter folder
kontantstoetteloven/barnets_alder): 2021 rules, age months 13–23; from 2024-08-01, age months
13–19. kontantstoette_regelverk reports the version NAV applies, which NAV picks from the child's
birth date.
"""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules import groups
from felles.rules.dates import first_day
from felles.rules.entities import Familie, Person
from felles.rules.enums import KontantstoetteRegelverk

KONTANTSTOETTELOVEN = "https://lovdata.no/lov/1998-06-26-41"
# The date the 2024 values in parameters/kontantstoetteloven/barnets_alder start; used only to
# name the rule version, the window itself comes from the parameters.
LOVENDRING_2024 = np.datetime64("2024-08-01")


class barnehagetimer_per_uke(Variable):
    """Agreed hours per week in a kindergarten with public funding (0 = no place)."""

    value_type = int
    unit = "hour"
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Avtalt oppholdstid i barnehage (timer per uke)"
    reference = f"{KONTANTSTOETTELOVEN}/§7"


class kontantstoette_regelverk(Variable):
    """The version of the age rules NAV applies to the child in the month.

    A child born before 2024-01-01 is under the 2021 rules until 2024-07 and under the 2024
    rules from 2024-08-01. A child born from 2024-01-01 is under NAV's February 2025 change
    (unverified); it is paid for the same age months as under the 2024 rules, so amounts do
    not depend on this variable.
    """

    value_type = Enum
    possible_values = KontantstoetteRegelverk
    default_value = KontantstoetteRegelverk.lov_2021
    entity = Person
    definition_period = MONTH
    label = "Regelverk for barnets alder (kontantstøtte)"
    reference = f"{KONTANTSTOETTELOVEN}/§8"

    def formula(person, period, parameters):
        foedt_fra = np.datetime64(parameters(period).kontantstoetteloven.lovendring_2025.foedt_fra)
        foer_2024 = first_day(period) < LOVENDRING_2024
        return np.select(
            [person("foedselsdato", period) >= foedt_fra, np.full(person.count, foer_2024)],
            [KontantstoetteRegelverk.lovendring_2025.index, KontantstoetteRegelverk.lov_2021.index],
            KontantstoetteRegelverk.lov_2024.index,
        )


class kontantstoette_alder_oppfylt(Variable):
    """The child's age in calendar months is inside the window paid for in the month."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnets alder gir rett til kontantstøtte"
    reference = f"{KONTANTSTOETTELOVEN}/§8"

    def formula(person, period, parameters):
        vindu = parameters(period).kontantstoetteloven.barnets_alder
        alder_maaneder = person("alder_maaneder", period)
        return (alder_maaneder >= vindu.forste_maaned) & (alder_maaneder <= vindu.siste_maaned)


class kontantstoette_barnehage_oppfylt(Variable):
    """The child has no full-time kindergarten place (fewer agreed hours than the full-time limit).

    Part-time places reduce kontantstøtte in steps; that reduction is not modelled (see docs).
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnet har ikke heltidsplass i barnehage"
    reference = f"{KONTANTSTOETTELOVEN}/§7"

    def formula(person, period, parameters):
        fulltid = parameters(period).kontantstoetteloven.fulltid_barnehage_timer
        return person("barnehagetimer_per_uke", period) < fulltid


class kontantstoette_foreldres_vilkaar_oppfylt(Variable):
    """The familie has a parent, and every parent in it is resident in Norway with lawful
    residence and has been a member of the national insurance scheme for 5 years."""

    value_type = bool
    entity = Familie
    definition_period = MONTH
    label = "Foreldrenes vilkår for kontantstøtte er oppfylt"
    reference = f"{KONTANTSTOETTELOVEN}/§3"

    def formula(familie, period):
        forelder = familie.members("er_forelder", period)
        oppfylt = (
            familie.members("bosatt_i_norge", period)
            & familie.members("lovlig_opphold", period)
            & familie.members("medlem_i_folketrygden_5_aar", period)
        )
        har_forelder = groups.any_member(familie, forelder)
        return har_forelder & ~groups.any_member(familie, forelder & ~oppfylt)


class kontantstoette_rett_per_barn(Variable):
    """The child gives a right to kontantstøtte in the month.

    The child is in a familie as barn, its age is in the window, it has no full-time
    kindergarten place, is alive at the start of the month, lives with the parent, is resident
    in Norway with lawful residence, and the parents' conditions hold.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnet gir rett til kontantstøtte"
    reference = f"{KONTANTSTOETTELOVEN}/§2"

    def formula(person, period):
        return (
            person("er_barn", period)
            & person("kontantstoette_alder_oppfylt", period)
            & person("kontantstoette_barnehage_oppfylt", period)
            & person("lever", period)
            & person("bor_med_forelder", period)
            & person("bosatt_i_norge", period)
            & person("lovlig_opphold", period)
            & person.familie("kontantstoette_foreldres_vilkaar_oppfylt", period)
        )


class kontantstoette_per_barn(Variable):
    """Kontantstøtte for the child in the month: the full rate when the child gives a right."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Kontantstøtte per barn (kroner per måned)"
    reference = f"{KONTANTSTOETTELOVEN}/§7"

    def formula(person, period, parameters):
        sats = parameters(period).kontantstoetteloven.sats
        return np.where(person("kontantstoette_rett_per_barn", period), sats, 0)


class kontantstoette(Variable):
    """The familie's kontantstøtte in the month: the sum over its children."""

    value_type = int
    unit = "currency-NOK"
    entity = Familie
    definition_period = MONTH
    label = "Kontantstøtte i alt til familien (kroner per måned)"
    reference = f"{KONTANTSTOETTELOVEN}/§7"

    def formula(familie, period):
        # kontantstoette_per_barn is 0 for everyone who is not a child with a right to it.
        return groups.total(familie, familie.members("kontantstoette_per_barn", period))
