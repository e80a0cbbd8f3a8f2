"""Engangsstønad ved fødsel (folketrygdloven § 14-17): a lump sum per child born, for a mother
without a right to foreldrepenger."""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules import groups
from felles.rules.entities import Familie, Person
from felles.rules.enums import Kjoenn

FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"


class antall_barn_foedt_i_maaneden(Variable):
    """Children (role barn) in the familie born in the month."""

    value_type = int
    entity = Familie
    definition_period = MONTH
    label = "Antall barn født i måneden"
    reference = f"{FOLKETRYGDLOVEN}/§14-17"

    def formula(familie, period):
        foedt_naa = familie.members("alder_maaneder", period) == 0
        return groups.count(familie, familie.members("er_barn", period) & foedt_naa)


class engangsstoenad_rett(Variable):
    """Right to engangsstønad in the month: a mother (parent in the familie, legal sex woman)
    who is a member of the national insurance scheme, has no right to foreldrepenger, and has
    a child born in the month."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Rett til engangsstønad"
    reference = f"{FOLKETRYGDLOVEN}/§14-17"

    def formula(person, period):
        mor = person("er_forelder", period) & (person("kjoenn", period) == Kjoenn.kvinne)
        return (
            mor
            & person("medlem_i_folketrygden", period)
            & ~person("foreldrepenger_rett", period)
            & (person.familie("antall_barn_foedt_i_maaneden", period) > 0)
        )


class engangsstoenad(Variable):
    """Engangsstønad paid in the birth month: the rate times the number of children born."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Engangsstønad (kroner)"
    reference = f"{FOLKETRYGDLOVEN}/§14-17"

    def formula(person, period, parameters):
        sats = parameters(period).folketrygdloven.engangsstoenad.sats
        antall = person.familie("antall_barn_foedt_i_maaneden", period)
        return np.where(person("engangsstoenad_rett", period), sats * antall, 0)
