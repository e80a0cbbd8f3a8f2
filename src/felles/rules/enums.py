"""Enumerations shared by the variable modules.

They live outside ``variables/``, which OpenFisca loads by file path, so that every module
imports the same classes.
"""

from __future__ import annotations

from openfisca_core.indexed_enums import Enum


class Sivilstand(Enum):
    """Marital status as Folkeregisteret records it.

    Member names are Folkeregisteret's codes in snake case: ``enkeEllerEnkemann`` is
    ``enke_eller_enkemann`` and so on (see :data:`FREG_SIVILSTAND`).
    """

    uoppgitt = "Uoppgitt"
    ugift = "Ugift"
    gift = "Gift"
    enke_eller_enkemann = "Enke eller enkemann"
    skilt = "Skilt"
    separert = "Separert"
    registrert_partner = "Registrert partner"
    separert_partner = "Separert partner"
    skilt_partner = "Skilt partner"
    gjenlevende_partner = "Gjenlevende partner"


# Folkeregisteret's sivilstand codes → member of Sivilstand, for callers building simulations
# from registry data.
FREG_SIVILSTAND: dict[str, Sivilstand] = {
    "uoppgitt": Sivilstand.uoppgitt,
    "ugift": Sivilstand.ugift,
    "gift": Sivilstand.gift,
    "enkeEllerEnkemann": Sivilstand.enke_eller_enkemann,
    "skilt": Sivilstand.skilt,
    "separert": Sivilstand.separert,
    "registrertPartner": Sivilstand.registrert_partner,
    "separertPartner": Sivilstand.separert_partner,
    "skiltPartner": Sivilstand.skilt_partner,
    "gjenlevendePartner": Sivilstand.gjenlevende_partner,
}

# A child who is married or in a registered partnership has no right to barnetrygd
# (barnetrygdloven § 2). Separated spouses are still married.
GIFT_ELLER_PARTNER: tuple[Sivilstand, ...] = (
    Sivilstand.gift,
    Sivilstand.separert,
    Sivilstand.registrert_partner,
    Sivilstand.separert_partner,
)


class Kjoenn(Enum):
    """Legal sex as Folkeregisteret records it."""

    ukjent = "Ukjent"
    kvinne = "Kvinne"
    mann = "Mann"


class KontantstoetteRegelverk(Enum):
    """Which version of the kontantstøtte age rules NAV applies to a child in a month."""

    lov_2021 = "2021 rules: the month after 1 year to the month before 2 years"
    lov_2024 = "2024 rules (from 2024-08-01): the months the child is 13 to 19 months old"
    lovendring_2025 = (
        "February 2025 change (children born from 2024-01-01; unverified, paid as the 2024 rules)"
    )


class ForeldrepengerDekning(Enum):
    """The coverage the parents choose for foreldrepenger (folketrygdloven § 14-9)."""

    prosent_100 = "100 % for the shorter period"
    prosent_80 = "80 % for the longer period"
