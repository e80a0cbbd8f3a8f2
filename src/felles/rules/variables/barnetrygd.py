"""Barnetrygd (barnetrygdloven): per child per month, and the family's total with the supplements.

The per-child variables live on the child (entity person, role barn in a familie); the totals
live on the familie and are paid to its receiving parent. Formulas are vectorised: one pass over
everyone, no loops, so the whole population can be screened for a month at once.
"""
# ruff: noqa: N801, N805 - OpenFisca variables are lower-case classes whose formulas take the entity

from __future__ import annotations

import numpy as np
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from felles.rules import groups
from felles.rules.entities import Familie, Person
from felles.rules.enums import GIFT_ELLER_PARTNER

BARNETRYGDLOVEN = "https://lovdata.no/lov/2002-03-08-4"


def _i_kommuner(kommunenummer: np.ndarray, fylker: list[str], kommuner: list[str]) -> np.ndarray:
    """Whether each kommunenummer (as a number) is in one of ``fylker`` or in ``kommuner``."""
    i_fylke = np.isin(kommunenummer // 100, [int(f) for f in fylker])
    return (kommunenummer >= 0) & (i_fylke | np.isin(kommunenummer, [int(k) for k in kommuner]))


# --- The child's conditions --------------------------------------------------------------------


class barnetrygd_barnets_vilkaar_oppfylt(Variable):
    """The child's own conditions for barnetrygd in the month.

    The child is in a familie as barn; the month is from the month after birth to the month
    before the 18th birthday; the child is alive at the start of the month, lives with the
    parent, is resident in Norway with lawful residence, and is not married or in a registered
    partnership.
    """

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnets vilkår for barnetrygd er oppfylt"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(person, period, parameters):
        grense_maaneder = parameters(period).barnetrygdloven.aldersgrense * 12
        alder_maaneder = person("alder_maaneder", period)
        gift = np.isin(person("sivilstand", period), [s.index for s in GIFT_ELLER_PARTNER])
        return (
            person("er_barn", period)
            & (alder_maaneder >= 1)
            & (alder_maaneder < grense_maaneder)
            & person("lever", period)
            & person("bor_med_forelder", period)
            & person("bosatt_i_norge", period)
            & person("lovlig_opphold", period)
            & ~gift
        )


class barnetrygd_mottakers_vilkaar_oppfylt(Variable):
    """A parent in the familie can receive barnetrygd: resident in Norway, lawful residence."""

    value_type = bool
    entity = Familie
    definition_period = MONTH
    label = "Mottakerens vilkår for barnetrygd er oppfylt"
    reference = f"{BARNETRYGDLOVEN}/§4"

    def formula(familie, period):
        mulig_mottaker = (
            familie.members("er_forelder", period)
            & familie.members("bosatt_i_norge", period)
            & familie.members("lovlig_opphold", period)
        )
        return groups.any_member(familie, mulig_mottaker)


class barnetrygd_rett_per_barn(Variable):
    """The child gives a right to barnetrygd: its own and the recipient's conditions hold."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnet gir rett til barnetrygd"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(person, period):
        return person("barnetrygd_barnets_vilkaar_oppfylt", period) & person.familie(
            "barnetrygd_mottakers_vilkaar_oppfylt", period
        )


# --- Amounts per child ---------------------------------------------------------------------------


class barnetrygd_ordinaer_per_barn(Variable):
    """Ordinær barnetrygd for the child in the month.

    Until 2024-08 a child under 6 (up to the month before the 6th birthday) had a higher rate
    than a child aged 6–17; from 2024-09-01 there is one rate for all ages.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Ordinær barnetrygd per barn (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula(person, period, parameters):
        ordinaer = parameters(period).barnetrygdloven.ordinaer
        under_6 = person("alder_maaneder", period) < ordinaer.alder_under_6 * 12
        sats = np.where(under_6, ordinaer.sats_under_6, ordinaer.sats)
        return np.where(person("barnetrygd_rett_per_barn", period), sats, 0)

    def formula_2024_09_01(person, period, parameters):
        sats = parameters(period).barnetrygdloven.ordinaer.sats
        return np.where(person("barnetrygd_rett_per_barn", period), sats, 0)


class barnetrygd_bor_i_finnmark_eller_nord_troms(Variable):
    """The child's municipality is in Finnmark or is one of the seven Nord-Troms municipalities."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnet bor i Finnmark eller Nord-Troms"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula_2025_10_01(person, period, parameters):
        tillegg = parameters(period).barnetrygdloven.finnmarkstillegg
        kommune = person("kommunenummer_tall", period)
        return _i_kommuner(kommune, tillegg.fylkesnummer, tillegg.kommuner)


class barnetrygd_bor_paa_svalbard(Variable):
    """The child's registered address is on Svalbard."""

    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Barnet bor på Svalbard"
    reference = f"{BARNETRYGDLOVEN}/§3"

    def formula_2025_10_01(person, period, parameters):
        kommuner = parameters(period).barnetrygdloven.svalbardtillegg.kommuner
        return _i_kommuner(person("kommunenummer_tall", period), [], kommuner)


class barnetrygd_finnmarkstillegg_per_barn(Variable):
    """Finnmarkstillegg for a child with barnetrygd in Finnmark or Nord-Troms (from 2025-10-01).

    Before 2025-10-01 the supplement did not exist, so the value is 0.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Finnmarkstillegg per barn (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula_2025_10_01(person, period, parameters):
        sats = parameters(period).barnetrygdloven.finnmarkstillegg.sats
        har_rett = person("barnetrygd_rett_per_barn", period) & person(
            "barnetrygd_bor_i_finnmark_eller_nord_troms", period
        )
        return np.where(har_rett, sats, 0)


class barnetrygd_svalbardtillegg_per_barn(Variable):
    """Svalbardtillegg for a child with barnetrygd living on Svalbard (from 2025-10-01).

    Before 2025-10-01 the supplement did not exist, so the value is 0.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Svalbardtillegg per barn (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula_2025_10_01(person, period, parameters):
        sats = parameters(period).barnetrygdloven.svalbardtillegg.sats
        har_rett = person("barnetrygd_rett_per_barn", period) & person(
            "barnetrygd_bor_paa_svalbard", period
        )
        return np.where(har_rett, sats, 0)


class barnetrygd_per_barn(Variable):
    """Barnetrygd for the child in the month: ordinary rate + Finnmark/Svalbard supplement."""

    value_type = int
    unit = "currency-NOK"
    entity = Person
    definition_period = MONTH
    label = "Barnetrygd per barn (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula(person, period):
        return (
            person("barnetrygd_ordinaer_per_barn", period)
            + person("barnetrygd_finnmarkstillegg_per_barn", period)
            + person("barnetrygd_svalbardtillegg_per_barn", period)
        )


# --- The family's total --------------------------------------------------------------------------


class antall_barn_med_barnetrygd(Variable):
    """Children in the familie who give a right to barnetrygd in the month."""

    value_type = int
    entity = Familie
    definition_period = MONTH
    label = "Antall barn med rett til barnetrygd"
    reference = f"{BARNETRYGDLOVEN}/§2"

    def formula(familie, period):
        # barnetrygd_rett_per_barn is only ever true for role barn.
        return groups.count(familie, familie.members("barnetrygd_rett_per_barn", period))


class barnetrygd_for_barna(Variable):
    """Sum of barnetrygd_per_barn over the familie's children."""

    value_type = int
    unit = "currency-NOK"
    entity = Familie
    definition_period = MONTH
    label = "Barnetrygd for barna (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula(familie, period):
        # barnetrygd_per_barn is 0 for everyone who is not a child with a right to it.
        return groups.total(familie, familie.members("barnetrygd_per_barn", period))


class barnetrygd_utvidet(Variable):
    """Utvidet barnetrygd: a single-provider parent and a child who gives barnetrygd.

    One amount per familie, not per child.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Familie
    definition_period = MONTH
    label = "Utvidet barnetrygd (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§9"

    def formula(familie, period, parameters):
        sats = parameters(period).barnetrygdloven.utvidet.sats
        forelder = familie.members("er_forelder", period)
        enslig = groups.any_member(familie, forelder & familie.members("enslig_forsoerger", period))
        har_rett = enslig & (familie("antall_barn_med_barnetrygd", period) > 0)
        return np.where(har_rett, sats, 0)


class barnetrygd_smaabarnstillegg(Variable):
    """Småbarnstillegg: utvidet, full overgangsstønad and a child with barnetrygd under 3.

    "Under 3" as for the 18-year limit: the last month is the month before the 3rd birthday.
    One amount per familie, not per child.
    """

    value_type = int
    unit = "currency-NOK"
    entity = Familie
    definition_period = MONTH
    label = "Småbarnstillegg (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula(familie, period, parameters):
        tillegg = parameters(period).barnetrygdloven.smaabarnstillegg
        smaabarn = familie.members("barnetrygd_rett_per_barn", period) & (
            familie.members("alder_maaneder", period) < tillegg.aldersgrense * 12
        )
        forelder = familie.members("er_forelder", period)
        overgangsstoenad = forelder & familie.members("mottar_full_overgangsstoenad", period)
        har_rett = (
            (familie("barnetrygd_utvidet", period) > 0)
            & groups.any_member(familie, overgangsstoenad)
            & groups.any_member(familie, smaabarn)
        )
        return np.where(har_rett, tillegg.sats, 0)


class barnetrygd(Variable):
    """The familie's barnetrygd in the month: for the children plus utvidet and småbarnstillegg."""

    value_type = int
    unit = "currency-NOK"
    entity = Familie
    definition_period = MONTH
    label = "Barnetrygd i alt til familien (kroner per måned)"
    reference = f"{BARNETRYGDLOVEN}/§10"

    def formula(familie, period):
        return (
            familie("barnetrygd_for_barna", period)
            + familie("barnetrygd_utvidet", period)
            + familie("barnetrygd_smaabarnstillegg", period)
        )
