"""The real Norway that the synthetic population is calibrated on.

All figures are read from CSV files vendored in :mod:`felles.synth.data` (see ``SOURCES.md``
there), so the package works without the shared reference folder:

* ``kommuner.csv`` / ``fylker.csv`` — the 357 municipalities and 15 counties of the 2024
  structure with their registered population on 1 January (SSB table 07459 via the
  ``csdata`` package of Folkehelseinstituttet; SSB data, NLOD 2.0).
* ``postnummer.csv`` — Posten/Bring's postal-code register (snapshot 2024-10-01).
* ``befolkning_kommune_alder_kjonn_2025.csv`` — population by municipality, single year of
  age (0–105, 105 = 105 and older) and sex on 1 January 2025 (SSB 07459).
* ``befolkning_alder_kjonn_norge.csv`` — the same for the whole country, 2024–2026.
* ``nokkeltall.csv`` — national key figures (births, deaths, migration, marriages, moves,
  new enterprises) with their SSB sources.
* ``citizenships.csv`` — **approximate** shares of residents by citizenship, rounded from
  SSB statistics on foreign citizens (~2024–2025). This is not an exact SSB table: the
  numbers are rounded estimates meant for sampling a plausible mix, nothing more.

Codes (kommunenummer, fylkesnummer, postnummer) are kept as zero-padded strings. Everything
is loaded once and cached; the numpy arrays returned are read-only views of the cache.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

__all__ = [
    "ADDRESS_CATEGORIES",
    "AGES",
    "MAX_AGE",
    "SEXES",
    "Fylke",
    "Kommune",
    "NationalRates",
    "Postnummer",
    "Rate",
    "birth_country_weights",
    "citizenship_weights",
    "fylker",
    "kommune",
    "kommuner",
    "national_population",
    "national_rates",
    "population_matrix",
    "postnumre",
    "postnumre_for_addresses",
]

_DATA_PACKAGE = "felles.synth.data"

#: Highest single year of age in the population tables; it stands for "105 and older".
MAX_AGE = 105
#: Number of age classes (0, 1, …, 105).
AGES = MAX_AGE + 1
#: Sex axis of the population arrays: index 0 = kvinne (K), index 1 = mann (M).
SEXES = ("K", "M")

#: Postal-code categories that carry street addresses: G (street addresses) and B (both).
ADDRESS_CATEGORIES = frozenset({"G", "B"})

# Moves within a municipality relative to moves between municipalities. nokkeltall.md
# (SSB static table tab-2009-05-07-09-en) gives 369 293 moves within and 198 877 between
# municipalities in 2008; no later national split was found.
_WITHIN_MOVES_2008 = 369_293
_BETWEEN_MOVES_2008 = 198_877
_WITHIN_MOVES_SOURCE = (
    "SSB static table tab-2009-05-07-09-en (2008: 369 293 moves within vs 198 877 between "
    "municipalities), as quoted in nokkeltall.md"
)


def _rows(filename: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a vendored CSV file as dicts of strings."""
    text = resources.files(_DATA_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _readonly(array: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------- municipalities


@dataclass(frozen=True, slots=True)
class Kommune:
    """A municipality of the 2024 structure with its population on 1 January 2025."""

    kommunenummer: str
    kommunenavn: str
    fylkesnummer: str
    fylkesnavn: str
    folketall_2025: int


@dataclass(frozen=True, slots=True)
class Fylke:
    """A county of the 2024 structure with its population on 1 January 2025."""

    fylkesnummer: str
    fylkesnavn: str
    antall_kommuner: int
    folketall_2025: int


@cache
def kommuner() -> tuple[Kommune, ...]:
    """The 357 municipalities, in the order of ``kommuner.csv`` (Oslo first)."""
    return tuple(
        Kommune(
            kommunenummer=row["kommunenummer"],
            kommunenavn=row["kommunenavn"],
            fylkesnummer=row["fylkesnummer"],
            fylkesnavn=row["fylkesnavn"],
            folketall_2025=int(row["folketall_2025"]),
        )
        for row in _rows("kommuner.csv")
    )


@cache
def _kommuner_by_number() -> dict[str, Kommune]:
    return {k.kommunenummer: k for k in kommuner()}


def kommune(kommunenummer: str) -> Kommune:
    """Look a municipality up by its four-digit number; raises ``KeyError`` if unknown."""
    return _kommuner_by_number()[kommunenummer]


@cache
def fylker() -> tuple[Fylke, ...]:
    """The 15 counties, in the order of ``fylker.csv``."""
    return tuple(
        Fylke(
            fylkesnummer=row["fylkesnummer"],
            fylkesnavn=row["fylkesnavn"],
            antall_kommuner=int(row["antall_kommuner"]),
            folketall_2025=int(row["folketall_2025"]),
        )
        for row in _rows("fylker.csv")
    )


# ------------------------------------------------------------------------------ postal codes


@dataclass(frozen=True, slots=True)
class Postnummer:
    """A postal code from Posten's register; ``poststed`` is in the register's UPPERCASE.

    ``kategori``: G = street addresses, P = PO boxes, B = both, S = service codes.
    """

    postnummer: str
    poststed: str
    kommunenummer: str
    kategori: str


@cache
def postnumre() -> tuple[Postnummer, ...]:
    """All 5 137 postal codes (including Svalbard 2100 and Jan Mayen 2211), sorted by code."""
    return tuple(
        Postnummer(
            postnummer=row["postnummer"],
            poststed=row["poststed"],
            kommunenummer=row["kommunenummer"],
            kategori=row["kategori"],
        )
        for row in _rows("postnummer.csv")
    )


@cache
def _address_postnumre_by_kommune() -> dict[str, tuple[Postnummer, ...]]:
    grouped: dict[str, list[Postnummer]] = {}
    for p in postnumre():
        if p.kategori in ADDRESS_CATEGORIES:
            grouped.setdefault(p.kommunenummer, []).append(p)
    return {k: tuple(v) for k, v in grouped.items()}


def postnumre_for_addresses(kommunenummer: str) -> tuple[Postnummer, ...]:
    """Postal codes usable for street addresses (kategori G or B) in a municipality.

    Returns an empty tuple for an unknown municipality; every one of the 357 has at least one.
    """
    return _address_postnumre_by_kommune().get(kommunenummer, ())


# -------------------------------------------------------------------------------- population


@cache
def _population_matrix() -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    numbers = tuple(k.kommunenummer for k in kommuner())
    index = {n: i for i, n in enumerate(numbers)}
    counts = np.zeros((len(numbers), AGES, len(SEXES)), dtype=np.int64)
    sex_index = {s: i for i, s in enumerate(SEXES)}
    for row in _rows("befolkning_kommune_alder_kjonn_2025.csv"):
        i = index[row["kommunenummer"]]
        counts[i, int(row["alder"]), sex_index[row["kjonn"]]] = int(row["folketall"])
    return numbers, _readonly(counts)


def population_matrix() -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """Population on 1 January 2025 by municipality, age and sex, for sampling.

    Returns ``(kommunenummer, counts)``: ``counts`` has shape ``(357, 106, 2)`` and dtype
    int64; axis 0 follows ``kommunenummer`` (the order of :func:`kommuner`), axis 1 is the
    age 0…105 (105 = 105 and older), axis 2 is the sex (0 = kvinne/K, 1 = mann/M). The array
    is read-only (it is cached); copy it before changing it.
    """
    return _population_matrix()


@cache
def national_population(year: int = 2025) -> npt.NDArray[np.int64]:
    """Whole-country population on 1 January ``year`` (2024, 2025 or 2026), shape (106, 2).

    Axis 0 is age 0…105 (105 = 105+), axis 1 is sex (0 = kvinne, 1 = mann). Read-only.
    """
    if year not in (2024, 2025, 2026):
        raise ValueError(f"national population is available for 2024-2026, not {year}")
    counts = np.zeros((AGES, len(SEXES)), dtype=np.int64)
    for row in _rows("befolkning_alder_kjonn_norge.csv"):
        age = int(row["alder"])
        counts[age, 0] = int(row[f"kvinner_{year}"])
        counts[age, 1] = int(row[f"menn_{year}"])
    return _readonly(counts)


# ----------------------------------------------------------------------------- national rates


@dataclass(frozen=True, slots=True)
class Rate:
    """One national yearly figure with its source and a rate per 1 000 residents.

    ``basis`` says what ``per_1000`` is relative to: normally the population on 1 January of
    ``year`` (from ``nokkeltall.csv``); where that population is not in the file, the rate
    SSB itself states in the row's note.
    """

    name: str
    year: int
    count: int
    unit: str
    per_1000: float
    basis: str
    note: str
    source: str


@dataclass(frozen=True, slots=True)
class NationalRates:
    """Yearly national flows used to calibrate the simulation of life events.

    Births, deaths, immigration and emigration are 2024 figures; marriages, separations and
    divorces 2023 (the latest found); moves between municipalities 2020 (the latest national
    count found); new enterprises and bankruptcies 2024. ``moves_within_municipality`` is
    derived, not counted: moves between municipalities times the within/between ratio of
    2008. Deleted units, new voluntary organisations and employments started and ended are
    estimates (see their notes in ``nokkeltall.csv``).
    """

    population_start_2024: int
    births: Rate
    deaths: Rate
    immigrations: Rate
    emigrations: Rate
    marriages: Rate
    separations: Rate
    divorces: Rate
    moves_between_municipalities: Rate
    moves_within_municipality: Rate
    new_enterprises: Rate
    bankruptcies: Rate
    deleted_units: Rate
    new_voluntary_organisations: Rate
    employments_started: Rate
    employments_ended: Rate


_STATED_RATE = re.compile(r"(\d+(?:\.\d+)?) per 1000")


@cache
def _key_figures() -> dict[tuple[str, int], dict[str, str]]:
    return {(row["indikator"], int(row["aar"])): row for row in _rows("nokkeltall.csv")}


def _population_1_january(year: int) -> int | None:
    row = _key_figures().get(("folkemengde_1_januar", year))
    return int(row["verdi"]) if row else None


def _rate(indikator: str, year: int) -> Rate:
    row = _key_figures()[(indikator, year)]
    count = int(row["verdi"])
    population = _population_1_january(year)
    if population is not None:
        per_1000 = 1000.0 * count / population
        basis = f"per 1000 of the population on 1 January {year} ({population})"
    else:
        stated = _STATED_RATE.search(row["merknad"])
        if stated is None:
            raise ValueError(f"no population on 1 January {year} to relate {indikator} to")
        per_1000 = float(stated.group(1))
        basis = "per 1000 as stated by SSB in nokkeltall.csv (mean population of the year)"
    return Rate(
        name=indikator,
        year=year,
        count=count,
        unit=row["enhet"],
        per_1000=per_1000,
        basis=basis,
        note=row["merknad"],
        source=row["kilde"],
    )


def _within_municipality(between: Rate) -> Rate:
    ratio = _WITHIN_MOVES_2008 / _BETWEEN_MOVES_2008
    return Rate(
        name="flyttinger_innen_kommune",
        year=between.year,
        count=round(between.count * ratio),
        unit=between.unit,
        per_1000=between.per_1000 * ratio,
        basis=f"derived: moves between municipalities × {ratio:.3f} (within/between, 2008)",
        note=(
            "estimate, not a count: moves within a municipality are at least as frequent as "
            "moves between municipalities"
        ),
        source=_WITHIN_MOVES_SOURCE,
    )


@cache
def national_rates() -> NationalRates:
    """National flows (counts, sources and per-1000 rates) from ``nokkeltall.csv``."""
    between = _rate("flyttinger_mellom_kommuner", 2020)
    return NationalRates(
        population_start_2024=int(_key_figures()[("folkemengde_1_januar", 2024)]["verdi"]),
        births=_rate("levendefodte", 2024),
        deaths=_rate("dode", 2024),
        immigrations=_rate("innvandringer", 2024),
        emigrations=_rate("utvandringer", 2024),
        marriages=_rate("inngatte_ekteskap", 2023),
        separations=_rate("separasjoner", 2023),
        divorces=_rate("skilsmisser", 2023),
        moves_between_municipalities=between,
        moves_within_municipality=_within_municipality(between),
        new_enterprises=_rate("nye_foretak", 2024),
        bankruptcies=_rate("konkurser", 2024),
        deleted_units=_rate("slettede_enheter", 2024),
        new_voluntary_organisations=_rate("nye_frivillige_organisasjoner", 2024),
        employments_started=_rate("nye_arbeidsforhold", 2024),
        employments_ended=_rate("avsluttede_arbeidsforhold", 2024),
    )


# ------------------------------------------------------------------------------ citizenships


@cache
def _citizenship_counts() -> tuple[tuple[str, int], ...]:
    return tuple((row["alpha3"], int(row["antall_ca"])) for row in _rows("citizenships.csv"))


@cache
def citizenship_weights() -> tuple[tuple[str, float], ...]:
    """Approximate shares of Norway's residents by citizenship (ISO 3166 alpha-3), sum 1.

    NOR comes first with its share of the 2025 population (about 88 %). The listed foreign
    citizenships share the rest in proportion to their approximate counts, so residents with
    a citizenship not listed are spread over the listed ones. Approximate, from SSB
    statistics on foreign citizens, rounded; not an exact table (see ``citizenships.csv``).
    """
    counts = _citizenship_counts()
    total = sum(k.folketall_2025 for k in kommuner())
    nor = dict(counts)["NOR"]
    nor_share = nor / total
    foreign = [(code, n) for code, n in counts if code != "NOR"]
    foreign_total = sum(n for _, n in foreign)
    shares = [(code, (1.0 - nor_share) * n / foreign_total) for code, n in foreign]
    return (("NOR", nor_share), *shares)


@cache
def birth_country_weights() -> tuple[tuple[str, float], ...]:
    """Weights of birth countries (foedeland, ISO alpha-3) for immigrants, sum 1.

    Follows the foreign citizenships of :func:`citizenship_weights` (a foreign citizen's
    foedeland is usually that country). Approximate, like the citizenship shares.
    """
    foreign = [(code, w) for code, w in citizenship_weights() if code != "NOR"]
    total = sum(w for _, w in foreign)
    return tuple((code, w / total) for code, w in foreign)
