"""Inputs about a person that the registries hold or a caseworker knows, and ages derived from them.

Inputs that state a condition (bosatt_i_norge, lovlig_opphold, bor_med_forelder, …) default to
false: a condition nobody has established is not fulfilled, so a missing input can only deny a
benefit, never grant one.
"""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.holders import set_input_dispatch_by_period
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import ETERNITY, MONTH, YEAR
from openfisca_core.variables import Variable

from felles.rules.dates import day_of_month, first_day, month_number, period_month_number
from felles.rules.entities import Person
from felles.rules.enums import Kjoenn, Sivilstand

FOLKEREGISTERLOVEN = "https://lovdata.no/lov/2016-12-09-88"
FOLKETRYGDLOVEN = "https://lovdata.no/lov/1997-02-28-19"
UTLENDINGSLOVEN = "https://lovdata.no/lov/2008-05-15-35"


# --- Folkeregisteret -------------------------------------------------------------------------


class foedselsdato(Variable):
    """Date of birth (Folkeregisteret)."""

    value_type = date
    entity = Person
    definition_period = ETERNITY
    label = "Fødselsdato"
    reference = FOLKEREGISTERLOVEN


class doedsdato(Variable):
    """Date of death (Folkeregisteret); the default 9999-12-31 means alive."""

    value_type = date
    default_value = date(9999, 12, 31)
    entity = Person
    definition_period = ETERNITY
    label = "Dødsdato (9999-12-31 = lever)"
    reference = FOLKEREGISTERLOVEN


class kjoenn(Variable):
    """Legal sex (Folkeregisteret)."""

    value_type = Enum
    possible_values = Kjoenn
    default_value = Kjoenn.ukjent
    entity = Person
    definition_period = ETERNITY
    label = "Juridisk kjønn"
    reference = FOLKEREGISTERLOVEN


class sivilstand(Variable):
    """Marital status in the month (Folkeregisteret; see felles.rules.enums.FREG_SIVILSTAND)."""

    value_type = Enum
    possible_values = Sivilstand
    default_value = Sivilstand.ugift
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Sivilstand"
    reference = FOLKEREGISTERLOVEN


class kommunenummer(Variable):
    """Municipality of the registered home address in the month: 4 digits as a string.

    Finnmark is 56xx, Troms 55xx (2024 structure); Folkeregisteret codes Svalbard addresses
    2111 (Longyearbyen). Empty means unknown.
    """

    value_type = str
    max_length = 4
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Kommunenummer for bostedsadressen"
    reference = FOLKEREGISTERLOVEN


class kommunenummer_tall(Variable):
    """kommunenummer as a number (0301 → 301), or -1 when it is not four digits.

    Computed once a month so that the municipality rules compare integers, not strings.
    """

    value_type = int
    default_value = -1
    entity = Person
    definition_period = MONTH
    label = "Kommunenummer som tall"
    reference = FOLKEREGISTERLOVEN

    def formula(person, period):
        # Four Unicode code points per code (shorter codes are padded with zeros, longer ones
        # cut, and both then fail the digit check); any character is safe here.
        # Unsigned arithmetic: a character below "0" wraps to a huge number and fails too.
        koder = np.asarray(person("kommunenummer", period)).astype("U4")
        sifre = koder.view(np.uint32).reshape(-1, 4) - np.uint32(ord("0"))
        gyldig = (sifre <= 9).all(axis=1)
        tall = ((sifre[:, 0] * 10 + sifre[:, 1]) * 10 + sifre[:, 2]) * 10 + sifre[:, 3]
        return np.where(gyldig, tall.astype(np.int32), -1)


class bosatt_i_norge(Variable):
    """Registered as resident in Norway in the month (Folkeregisteret: status bosatt)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Bosatt i Norge"
    reference = f"{FOLKETRYGDLOVEN}/§2-1"


class lovlig_opphold(Variable):
    """Has lawful residence in Norway in the month (citizen, or a residence permit/right)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Lovlig opphold i Norge"
    reference = UTLENDINGSLOVEN


class bor_med_forelder(Variable):
    """The child lives with the parent(s) of its familie in the month (same address)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Barnet bor fast hos forelderen"
    reference = "https://lovdata.no/lov/2002-03-08-4/§2"


# --- Folketrygden ------------------------------------------------------------------------------


class medlem_uten_bosetting(Variable):
    """Member of the national insurance scheme without living in Norway, as NAV has decided
    (e.g. working abroad for a Norwegian employer, folketrygdloven §§ 2-5 to 2-8)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Medlem i folketrygden uten å være bosatt i Norge"
    reference = f"{FOLKETRYGDLOVEN}/§2-5"


class medlem_i_folketrygden(Variable):
    """Member of the national insurance scheme in the month: resident in Norway (everyone
    resident is a member, folketrygdloven § 2-1), or a member by NAV's decision without living
    here (medlem_uten_bosetting)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Medlem i folketrygden"
    reference = f"{FOLKETRYGDLOVEN}/§2-1"

    def formula(person, period):
        return person("bosatt_i_norge", period) | person("medlem_uten_bosetting", period)


class medlem_i_folketrygden_5_aar(Variable):
    """Has been a member of the national insurance scheme for at least the last 5 years."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Medlem i folketrygden de siste fem årene"
    reference = "https://lovdata.no/lov/1998-06-26-41/§3"


# --- Income and work (Skatteetaten, A-ordningen, the caseworker) --------------------------------


class pensjonsgivende_inntekt(Variable):
    """Pensionable income for a calendar year, whole NOK (Skatteetaten's assessment)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = YEAR
    label = "Pensjonsgivende inntekt (kroner per år)"
    reference = f"{FOLKETRYGDLOVEN}/§3-15"


class arbeidsinntekt_siste_12_maaneder(Variable):
    """Work income in the 12 completed calendar months before the month, whole NOK (A-ordningen)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Arbeidsinntekt de siste 12 avsluttede månedene"
    reference = f"{FOLKETRYGDLOVEN}/§4-4"


class arbeidsinntekt_siste_36_maaneder(Variable):
    """Work income in the 36 completed calendar months before the month, whole NOK (A-ordningen)."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Arbeidsinntekt de siste 36 avsluttede månedene"
    reference = f"{FOLKETRYGDLOVEN}/§4-4"


class arbeidstid_redusert_prosent(Variable):
    """How much the person's working time has been reduced, in percent of the usual hours."""

    value_type = int
    unit = "percent"
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Reduksjon i arbeidstid (prosent)"
    reference = f"{FOLKETRYGDLOVEN}/§4-3"


class i_arbeid_maaneder_siste_10(Variable):
    """Months with pensionable work among the last 10 months before the leave starts."""

    value_type = int
    entity = Person
    definition_period = MONTH
    set_input = set_input_dispatch_by_period
    label = "Måneder i arbeid de siste 10 månedene"
    reference = f"{FOLKETRYGDLOVEN}/§14-6"


# --- Ages ----------------------------------------------------------------------------------------


class alder_maaneder(Variable):
    """Age in calendar months in the month: 0 in the birth month, 1 in the month after, …

    This is the count NAV's month-based rules use: barnetrygd runs from age month 1 to the
    month before the 18th birthday (age month 215). Negative for people not yet born.
    """

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Alder i kalendermåneder"
    reference = "https://lovdata.no/lov/2002-03-08-4/§11"

    def formula(person, period):
        return period_month_number(period) - month_number(person("foedselsdato", period))


class alder(Variable):
    """Age in whole years on the first day of the month."""

    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Alder (år) den første dagen i måneden"
    reference = FOLKEREGISTERLOVEN

    def formula(person, period):
        # Someone born on the 1st has their birthday on the first day of the month; anyone
        # born later in the month is one month short of that month's count on the 1st.
        birth = person("foedselsdato", period)
        months = person("alder_maaneder", period) - (day_of_month(birth) > 1)
        return months // 12


class lever(Variable):
    """Alive at the start of the month (no death date, or a death date in this month or later)."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Lever ved månedens start"
    reference = FOLKEREGISTERLOVEN

    def formula(person, period):
        return person("doedsdato", period) >= first_day(period)
