"""The figures of the tax rules, income year by income year, each with where it comes from.

Stortinget sets the rates and amounts every year (Stortingets skattevedtak, and for trygdeavgift
Stortingets vedtak om fastsetting av avgifter mv. til folketrygden); the rules they feed are in
skatteloven and folketrygdloven. Every figure here carries its legal reference, the public page
it was checked against (``source``) and ``unverified=True`` when it could not be checked against
one: such a figure is the best knowledge felles has, not a certainty.

Rates are whole parts per ten thousand (``Permyriad``: 22 % is 2200, 0.95 % is 95), so that the
calculation is exact integer arithmetic and gives the same whole NOK on every machine. Amounts
are whole NOK.

Not here (not modelled, see ``calculation``): Finnmark and Nord-Troms (lower rate on alminnelig
inntekt, finnmarksfradrag), pension income, business income (næringsinntekt), spouses taxed
together, BSU, foreldrefradrag, særfradrag, skattebegrensning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

Permyriad = int
"""A rate in parts per ten thousand (1 % = 100)."""

PERMYRIAD: Final = 10_000

# Pages where the figures were checked (public, read in November 2026).
_REGNSKAPSKOLLEGIET_2023: Final = (
    "https://www.regnskapskollegiet.no/aktuelt/skattesatser-2023 "
    "(Finansdepartementet's table 'Skattesatser, fradrag og beløpsgrenser i 2022 og 2023')"
)
_JITHOMASSEN_2022: Final = "https://www.jithomassen.no/satser-skatt-og-lonn-2022/"
_REGJERINGEN_2023_2024: Final = (
    "https://www.regjeringen.no/no/tema/okonomi-og-budsjett/skatter-og-avgifter/"
    "skattesatser-2024/id2997174"
)
_REGJERINGEN_2024_2025: Final = (
    "https://www.regjeringen.no/no/tema/okonomi-og-budsjett/skatter-og-avgifter/"
    "skattesatser-2025/id3056727"
)
_VEDTAK_2025: Final = (
    "https://www.efacta.no/revisjonvest/journal/2025/1/m-6335/"
    "Skattesatser,_fradrag_og_beløpsgrenser_i_2024_og_2025"
)
_MINSTEFRADRAG_2022: Final = "https://skatteetaten.no/satser/minstefradrag/?year=2022"
_MINSTEFRADRAG_2023: Final = "https://www.skatteetaten.no/satser/minstefradrag/ (2023)"
_PERSONFRADRAG_2024: Final = "https://www.skatteetaten.no/satser/personfradrag/ (2024)"
_FORMUE_2022_2023: Final = (
    "https://www.skatteetaten.no/rettskilder/type/handboker/skatte-abc/2022-2023/"
    "skatte--og-avgiftssatser/Z-2.002/"
)

# Legal references of each kind of figure.
_ALMINNELIG: Final = "skatteloven kap. 15; sats i Stortingets skattevedtak"
_PERSONFRADRAG: Final = "skatteloven kap. 15; beløp i Stortingets skattevedtak"
_MINSTEFRADRAG: Final = "skatteloven § 6-32; sats og grenser i Stortingets skattevedtak"
_TRINNSKATT: Final = "skatteloven § 12-2 (personinntekt); satser i Stortingets skattevedtak"
_TRYGDEAVGIFT: Final = (
    "folketrygdloven § 23-3; satser i Stortingets vedtak om avgifter til folketrygden"
)
_FORMUESSKATT: Final = "skatteloven kap. 4 (formue); satser og bunnfradrag i skattevedtaket"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure comes from: the law, the page it was checked on, and whether it was."""

    reference: str
    source: str = ""
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class Bracket:
    """One step of trinnskatt: ``rate`` on personinntekt above ``threshold``."""

    threshold: int
    rate: Permyriad


@dataclass(frozen=True, slots=True)
class TaxYear:
    """The figures of one income year (inntektsår)."""

    income_year: int
    # Stortingets skattevedtak for the year; felles has not checked a Lovdata address of it.
    reference: str
    alminnelig_inntekt_rate: Permyriad
    personfradrag: int
    minstefradrag_rate: Permyriad
    minstefradrag_max: int
    # The lowest minstefradrag in lønn (særskilt fradrag i arbeidsinntekt), never above the pay;
    # 0 from 2023, when it was abolished.
    minstefradrag_min: int
    trinnskatt: tuple[Bracket, ...]
    trygdeavgift_loenn_rate: Permyriad
    trygdeavgift_naering_rate: Permyriad  # kept for completeness; næringsinntekt not modelled
    trygdeavgift_nedre_grense: int
    trygdeavgift_opptrapping_rate: Permyriad
    formuesskatt_bunnfradrag: int
    formuesskatt_rate: Permyriad  # kommune + stat, on nettoformue above the bunnfradrag
    formuesskatt_high_threshold: int
    formuesskatt_high_rate: Permyriad  # kommune + stat, on nettoformue above the threshold
    sources: Mapping[str, Source] = field(default_factory=dict)

    def unverified(self) -> list[str]:
        """The names of this year's figures that could not be checked against a source."""
        return sorted(name for name, source in self.sources.items() if source.unverified)


def _skattevedtak(year: int) -> str:
    return f"Stortingets skattevedtak for inntektsåret {year} (Lovdata, STV; address not checked)"


YEARS: Final[Mapping[int, TaxYear]] = {
    2022: TaxYear(
        income_year=2022,
        reference=_skattevedtak(2022),
        alminnelig_inntekt_rate=2200,
        personfradrag=58_250,
        minstefradrag_rate=4600,
        minstefradrag_max=109_950,
        minstefradrag_min=31_800,
        trinnskatt=(
            Bracket(190_350, 170),
            Bracket(267_900, 400),
            Bracket(643_800, 1340),
            Bracket(969_200, 1640),
            Bracket(2_000_000, 1740),
        ),
        trygdeavgift_loenn_rate=800,
        trygdeavgift_naering_rate=1120,
        trygdeavgift_nedre_grense=64_650,
        trygdeavgift_opptrapping_rate=2500,
        formuesskatt_bunnfradrag=1_700_000,
        formuesskatt_rate=95,  # 0.7 % kommune + 0.25 % stat
        formuesskatt_high_threshold=20_000_000,
        formuesskatt_high_rate=110,  # 0.7 % kommune + 0.4 % stat
        sources={
            "alminnelig_inntekt_rate": Source(_ALMINNELIG, _REGNSKAPSKOLLEGIET_2023),
            "personfradrag": Source(_PERSONFRADRAG, _JITHOMASSEN_2022),
            "minstefradrag": Source(_MINSTEFRADRAG, _MINSTEFRADRAG_2022),
            "trinnskatt": Source(_TRINNSKATT, _REGNSKAPSKOLLEGIET_2023),
            "trygdeavgift": Source(_TRYGDEAVGIFT, _REGNSKAPSKOLLEGIET_2023),
            "formuesskatt": Source(_FORMUESSKATT, _FORMUE_2022_2023),
        },
    ),
    2023: TaxYear(
        income_year=2023,
        reference=_skattevedtak(2023),
        alminnelig_inntekt_rate=2200,
        personfradrag=79_600,
        minstefradrag_rate=4600,
        minstefradrag_max=104_450,
        minstefradrag_min=0,
        trinnskatt=(
            Bracket(198_350, 170),
            Bracket(279_150, 400),
            Bracket(642_950, 1350),
            Bracket(926_800, 1650),
            Bracket(1_500_000, 1750),
        ),
        trygdeavgift_loenn_rate=790,
        trygdeavgift_naering_rate=1110,
        trygdeavgift_nedre_grense=69_650,
        trygdeavgift_opptrapping_rate=2500,
        formuesskatt_bunnfradrag=1_700_000,
        formuesskatt_rate=100,  # 0.7 % kommune + 0.3 % stat
        formuesskatt_high_threshold=20_000_000,
        formuesskatt_high_rate=110,
        sources={
            "alminnelig_inntekt_rate": Source(_ALMINNELIG, _REGJERINGEN_2023_2024),
            # Not found on a page felles could read; the figure is from memory of the vedtak.
            "personfradrag": Source(_PERSONFRADRAG, unverified=True),
            "minstefradrag": Source(_MINSTEFRADRAG, _MINSTEFRADRAG_2023),
            "trinnskatt": Source(_TRINNSKATT, _REGJERINGEN_2023_2024),
            "trygdeavgift": Source(_TRYGDEAVGIFT, _REGJERINGEN_2023_2024),
            "formuesskatt": Source(_FORMUESSKATT, _FORMUE_2022_2023),
        },
    ),
    2024: TaxYear(
        income_year=2024,
        reference=_skattevedtak(2024),
        alminnelig_inntekt_rate=2200,
        personfradrag=88_250,
        minstefradrag_rate=4600,
        minstefradrag_max=92_000,
        minstefradrag_min=0,
        trinnskatt=(
            Bracket(208_050, 170),
            Bracket(292_850, 400),
            Bracket(670_000, 1360),
            Bracket(937_900, 1660),
            Bracket(1_350_000, 1760),
        ),
        trygdeavgift_loenn_rate=780,
        trygdeavgift_naering_rate=1100,
        trygdeavgift_nedre_grense=69_650,
        trygdeavgift_opptrapping_rate=2500,
        formuesskatt_bunnfradrag=1_700_000,
        formuesskatt_rate=100,
        formuesskatt_high_threshold=20_000_000,
        formuesskatt_high_rate=110,
        sources={
            "alminnelig_inntekt_rate": Source(_ALMINNELIG, _REGJERINGEN_2023_2024),
            "personfradrag": Source(_PERSONFRADRAG, _PERSONFRADRAG_2024),
            "minstefradrag": Source(_MINSTEFRADRAG, unverified=True),
            "trinnskatt": Source(_TRINNSKATT, _REGJERINGEN_2023_2024),
            "trygdeavgift": Source(_TRYGDEAVGIFT, _REGJERINGEN_2023_2024),
            "formuesskatt": Source(_FORMUESSKATT, unverified=True),
        },
    ),
    2025: TaxYear(
        income_year=2025,
        reference=_skattevedtak(2025),
        alminnelig_inntekt_rate=2200,
        personfradrag=108_550,
        minstefradrag_rate=4600,
        minstefradrag_max=92_000,
        minstefradrag_min=0,
        trinnskatt=(
            Bracket(217_400, 170),
            Bracket(306_050, 400),
            Bracket(697_150, 1370),
            Bracket(942_400, 1670),
            Bracket(1_410_750, 1770),
        ),
        trygdeavgift_loenn_rate=770,
        trygdeavgift_naering_rate=1090,
        trygdeavgift_nedre_grense=99_650,
        trygdeavgift_opptrapping_rate=2500,
        formuesskatt_bunnfradrag=1_760_000,
        formuesskatt_rate=100,
        formuesskatt_high_threshold=20_700_000,
        formuesskatt_high_rate=110,
        sources={
            "alminnelig_inntekt_rate": Source(_ALMINNELIG, _REGJERINGEN_2024_2025),
            "personfradrag": Source(_PERSONFRADRAG, unverified=True),
            "minstefradrag": Source(_MINSTEFRADRAG, unverified=True),
            "trinnskatt": Source(_TRINNSKATT, f"{_REGJERINGEN_2024_2025}; {_VEDTAK_2025}"),
            # 7.7 % on pay and the lower limit 99 650 are in the vedtak; the business rate of
            # 10.9 % only in the government's proposal (the tables disagree), hence unverified.
            "trygdeavgift": Source(_TRYGDEAVGIFT, _VEDTAK_2025, unverified=True),
            "formuesskatt": Source(_FORMUESSKATT, unverified=True),
        },
    ),
}

FIRST_YEAR: Final = min(YEARS)
LAST_YEAR: Final = max(YEARS)


def for_year(income_year: int) -> TaxYear:
    """The figures of ``income_year``; ``KeyError`` when felles has none for it."""
    try:
        return YEARS[income_year]
    except KeyError:
        raise KeyError(
            f"no tax parameters for income year {income_year} (felles has {FIRST_YEAR}–{LAST_YEAR})"
        ) from None
