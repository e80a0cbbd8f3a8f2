"""The economy's calibration, read once from ``felles/synth/data/economy/*.csv``.

Where each figure comes from (and which are estimates) is in that folder's ``SOURCES.md``.
Everything here is small: a few hundred rows, turned into numpy arrays for sampling.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]

#: Norway's population on 1 January 2025 (SSB 07459): the figures below are for this many.
NORWAY_POPULATION: Final = 5_594_340
#: Monthly earnings grew 5.3 % from 2023 to 2024 (SSB, Lønn, all sectors).
WAGE_GROWTH_2024: Final = 1.053


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = resources.files("felles.synth.data.economy").joinpath(filename)
    yield from csv.DictReader(text.read_text(encoding="utf-8").splitlines())


def _objects(values: list[str]) -> ObjArray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(frozen=True, slots=True)
class Forms:
    """Private organisation forms: how many Norway has and what units of each are like."""

    kode: ObjArray
    antall_norge: FloatArray
    arbeidsgiver_andel: FloatArray  # share that employs people
    mva_andel: FloatArray
    foretaksregister_andel: FloatArray
    frivillighet_andel: FloatArray

    def index(self, kode: str) -> int:
        return int(np.flatnonzero(self.kode == kode)[0])


@cache
def forms() -> Forms:
    rows = list(_rows("organisasjonsformer.csv"))

    def column(name: str) -> FloatArray:
        return np.array([float(r[name]) for r in rows])

    return Forms(
        kode=_objects([r["kode"] for r in rows]),
        antall_norge=column("antall_norge"),
        arbeidsgiver_andel=column("arbeidsgiver_andel"),
        mva_andel=column("mva_andel"),
        foretaksregister_andel=column("foretaksregister_andel"),
        frivillighet_andel=column("frivillighet_andel"),
    )


@dataclass(frozen=True, slots=True)
class Sections:
    """SN2007 sections: employment, women's share, public share, mean monthly pay."""

    kode: ObjArray
    sysselsatte: FloatArray
    kvinneandel: FloatArray
    offentlig_andel: FloatArray
    maanedslonn: FloatArray  # 2024, per full-time equivalent

    def index(self, kode: str) -> int:
        return int(np.flatnonzero(self.kode == kode)[0])


@cache
def sections() -> Sections:
    rows = list(_rows("naeringer.csv"))
    return Sections(
        kode=_objects([r["seksjon"] for r in rows]),
        sysselsatte=np.array([float(r["sysselsatte"]) for r in rows]),
        kvinneandel=np.array([float(r["kvinneandel"]) for r in rows]),
        offentlig_andel=np.array([float(r["offentlig_andel"]) for r in rows]),
        maanedslonn=np.array([float(r["maanedslonn_2024"]) for r in rows]),
    )


@dataclass(frozen=True, slots=True)
class Industries:
    """NACE subclasses felles uses, their section and name word, and weights per kind of unit."""

    kode: ObjArray
    seksjon: IntArray  # index into sections()
    ord: ObjArray  # a word for names ("BYGG", "REGNSKAP")
    weights: dict[str, FloatArray]  # "as", "arbeidsgiver", "enk", "fli", "sti"

    def index(self, kode: str) -> int:
        return int(np.flatnonzero(self.kode == kode)[0])


@cache
def industries() -> Industries:
    rows = list(_rows("naeringskoder.csv"))
    section = sections()
    return Industries(
        kode=_objects([r["naeringskode"] for r in rows]),
        seksjon=np.array([section.index(r["seksjon"]) for r in rows], dtype=np.int64),
        ord=_objects([r["ord"] for r in rows]),
        weights={
            name: np.array([float(r[f"vekt_{name}"]) for r in rows])
            for name in ("as", "arbeidsgiver", "enk", "fli", "sti")
        },
    )


@dataclass(frozen=True, slots=True)
class PublicWorkplace:
    """A kind of public-sector workplace: who owns it, its NACE code, name and usual size."""

    seksjon: int
    eier: str  # kommune, fylke, stat, helseforetak
    organisasjonsnummer: str | None  # the state agency (eier "stat")
    naeringskode: str
    navn: str
    andel: float  # share of the section's public employment
    ansatte_per_enhet: int


@cache
def public_workplaces() -> tuple[PublicWorkplace, ...]:
    section = sections()
    return tuple(
        PublicWorkplace(
            seksjon=section.index(r["seksjon"]),
            eier=r["eier"],
            organisasjonsnummer=r["organisasjonsnummer"] or None,
            naeringskode=r["naeringskode"],
            navn=r["navn"],
            andel=float(r["andel"]),
            ansatte_per_enhet=int(r["ansatte_per_enhet"]),
        )
        for r in _rows("offentlige_arbeidsplasser.csv")
    )


@dataclass(frozen=True, slots=True)
class SizeClasses:
    """SSB's establishments with employees by size class (lower and upper bounds)."""

    low: FloatArray
    high: FloatArray
    share: FloatArray


@cache
def size_classes() -> SizeClasses:
    rows = list(_rows("virksomhetsstorrelse.csv"))
    counts = np.array([float(r["antall_virksomheter"]) for r in rows])
    return SizeClasses(
        low=np.array([float(r["fra"]) for r in rows]),
        high=np.array([float(r["til"]) for r in rows]),
        share=counts / counts.sum(),
    )


@dataclass(frozen=True, slots=True)
class Occupations:
    """Per section: STYRK-08 codes and their weights (cumulative, for sampling)."""

    codes: tuple[ObjArray, ...]
    cdf: tuple[FloatArray, ...]


@cache
def occupations() -> Occupations:
    section = sections()
    by_section: dict[int, list[tuple[str, float]]] = {}
    for r in _rows("yrker.csv"):
        by_section.setdefault(section.index(r["seksjon"]), []).append(
            (r["styrk"], float(r["vekt"]))
        )
    codes, cdfs = [], []
    for number in range(section.kode.size):
        pairs = by_section.get(number, [("4110", 1.0)])
        weights = np.cumsum([w for _c, w in pairs])
        codes.append(_objects([c for c, _w in pairs]))
        cdfs.append(weights / weights[-1])
    return Occupations(tuple(codes), tuple(cdfs))


@cache
def place_words() -> ObjArray:
    """Place-like words for names of associations, schools and the like."""
    return _objects([r["ord"] for r in _rows("stedsord.csv")])
