"""Reference data of Enhetsregisteret, read once from the CSV files in ``data/``.

Organisation forms, SN2007 industry codes, institutional sector codes, role types and the
public-sector units felles registers at start (municipalities, counties, state agencies).
Where each file comes from is in ``data/SOURCES.md``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Innehaver = Literal["person", "begge"]


@dataclass(frozen=True, slots=True)
class Organisasjonsform:
    kode: str
    beskrivelse: str
    er_underenhet: bool
    naeringsdrivende: bool
    sektorkode: str | None  # the institutional sector a unit of this form usually has


@dataclass(frozen=True, slots=True)
class Rolletype:
    rollegruppe: str
    rollegruppe_beskrivelse: str
    kode: str
    beskrivelse: str
    innehaver: Innehaver  # "person": only a person; "begge": a person or a unit


@dataclass(frozen=True, slots=True)
class OffentligEnhet:
    organisasjonsnummer: str
    ekte_orgnr: bool  # the real organisation's number (else a reserved synthetic one)
    navn: str
    organisasjonsform: str
    kommunenummer: str | None
    naeringskode: str


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


@cache
def organisasjonsformer() -> dict[str, Organisasjonsform]:
    """Every organisation form felles knows, by code."""
    return {
        row["kode"]: Organisasjonsform(
            kode=row["kode"],
            beskrivelse=row["beskrivelse"],
            er_underenhet=row["enhetstype"] == "underenhet",
            naeringsdrivende=row["naeringsdrivende"] == "ja",
            sektorkode=row["sektorkode"] or None,
        )
        for row in _rows("organisasjonsformer.csv")
    }


@cache
def naeringskoder() -> dict[str, str]:
    """SN2007 subclass code (e.g. "62.010") → Norwegian description."""
    return {row["kode"]: row["beskrivelse"] for row in _rows("naeringskoder.csv")}


@cache
def sektorkoder() -> dict[str, str]:
    """Institutional sector code (SN2014, e.g. "2100") → description."""
    return {row["kode"]: row["beskrivelse"] for row in _rows("sektorkoder.csv")}


@cache
def rolletyper() -> dict[str, Rolletype]:
    """Role type code (DAGL, LEDE, MEDL, ...) → its type and group."""
    return {
        row["rolletype"]: Rolletype(
            rollegruppe=row["rollegruppe"],
            rollegruppe_beskrivelse=row["rollegruppe_beskrivelse"],
            kode=row["rolletype"],
            beskrivelse=row["rolletype_beskrivelse"],
            innehaver="person" if row["innehaver"] == "person" else "begge",
        )
        for row in _rows("rolletyper.csv")
    }


@cache
def rollegrupper() -> dict[str, str]:
    """Role group code (DAGL, STYR, REVI, ...) → description, in the order groups are shown."""
    return {t.rollegruppe: t.rollegruppe_beskrivelse for t in rolletyper().values()}


@cache
def offentlige_enheter() -> tuple[OffentligEnhet, ...]:
    """The public-sector units registered by ``seed_public_sector``."""
    return tuple(
        OffentligEnhet(
            organisasjonsnummer=row["organisasjonsnummer"],
            ekte_orgnr=row["orgnr_kilde"] == "ekte",
            navn=row["navn"],
            organisasjonsform=row["organisasjonsform"],
            kommunenummer=row["kommunenummer"] or None,
            naeringskode=row["naeringskode"],
        )
        for row in _rows("offentlige_enheter.csv")
    )
