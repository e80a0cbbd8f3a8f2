"""The public sector as employer: the seeded units, health trusts, and their workplaces.

The main entities are the ones ``seed_public_sector`` registers (municipalities, counties,
state agencies, with their real or reserved numbers, decision 0014), written here as
equivalent rows without events (decision 0006) unless already registered, plus one health
trust per county. Workplaces (sub-units: schools, nursing homes, kindergartens, NAV
offices, hospitals, ...) are created where workers are assigned to them, with
``offentlige_arbeidsplasser.csv`` giving each kind's owner, NACE code and usual size; a
kind owned by a municipality lies in the worker's municipality, a county's or an agency's
regional office in the county's largest municipality of the region.

Public units span regions (Oslo kommune, NAV), so their rows and their a-meldinger are
written once, at the end, when every region's workers are known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from felles.registries.enhetsregisteret import reference as enhetsreferanse
from felles.synth import reference
from felles.synth.economy import calibration, naming
from felles.synth.economy.common import IntArray, ObjArray, OrgnrPool, objects

#: Health trusts (helseforetak) have no organisation form of their own in felles's list
#: (Enhetsregisteret has none either; the real ones are registered as HF-foretak under
#: their own act); SF, statsforetak, is the nearest felles knows.
HEALTH_TRUST_FORM: Final = "SF"
_OSLO: Final = "0301"


@dataclass(frozen=True, slots=True)
class MainUnit:
    orgnr: str
    navn: str
    form: str
    kommunenummer: str | None
    naeringskode: str
    written: bool  # already in the database (seeded through the operations)


@dataclass(slots=True)
class Workplace:
    orgnr: str
    parent: str
    navn: str
    naeringskode: str
    kommune: int  # index into reference.kommuner()
    address: dict[str, object]  # forretningsadresse, as Enhetsregisteret stores it
    employees: int = 0


@dataclass(slots=True)
class PublicSector:
    """Every public unit, and the workplaces created so far (keyed by kind and place)."""

    units: dict[str, MainUnit]
    kommune_orgnr: dict[str, str]  # kommunenummer → KOMM
    fylke_orgnr: dict[str, str]  # fylkesnummer → FYLK (Oslo: the municipality)
    trust_orgnr: dict[str, str]  # fylkesnummer → health trust
    workplaces: dict[tuple[int, str, int], Workplace] = field(default_factory=dict)
    employees: dict[str, int] = field(default_factory=dict)  # main entity → employees

    def parent(self, kind: calibration.PublicWorkplace, kommune: int) -> str:
        info = reference.kommuner()[kommune]
        if kind.eier == "kommune":
            return self.kommune_orgnr[info.kommunenummer]
        if kind.eier == "fylke":
            return self.fylke_orgnr.get(info.fylkesnummer, self.kommune_orgnr[_OSLO])
        if kind.eier == "helseforetak":
            return self.trust_orgnr[info.fylkesnummer]
        assert kind.organisasjonsnummer is not None
        return kind.organisasjonsnummer


def public_sector(existing: set[str], pool: OrgnrPool) -> PublicSector:
    """The seeded public units (marked ``written`` when already registered) and health trusts."""
    units: dict[str, MainUnit] = {}
    kommuner: dict[str, str] = {}
    fylker: dict[str, str] = {}
    for unit in enhetsreferanse.offentlige_enheter():
        units[unit.organisasjonsnummer] = MainUnit(
            unit.organisasjonsnummer,
            unit.navn,
            unit.organisasjonsform,
            unit.kommunenummer,
            unit.naeringskode,
            unit.organisasjonsnummer in existing,
        )
        if unit.organisasjonsform == "KOMM" and unit.kommunenummer:
            kommuner[unit.kommunenummer] = unit.organisasjonsnummer
        elif unit.organisasjonsform == "FYLK":
            fylker[_fylke_of(unit.navn)] = unit.organisasjonsnummer
    trusts: dict[str, str] = {}
    counties = reference.fylker()
    numbers = pool.take(len(counties))
    for county, number in zip(counties, numbers.tolist(), strict=True):
        seat = _largest_kommune(county.fylkesnummer)
        units[number] = MainUnit(
            number,
            f"HELSE {county.fylkesnavn.upper()} HF",
            HEALTH_TRUST_FORM,
            seat,
            "86.101",
            False,
        )
        trusts[county.fylkesnummer] = number
    return PublicSector(units, kommuner, fylker, trusts)


def _fylke_of(navn: str) -> str:
    wanted = navn.removesuffix(" FYLKESKOMMUNE").strip()
    for county in reference.fylker():
        if county.fylkesnavn.upper() == wanted:
            return county.fylkesnummer
    raise LookupError(f"no county named {wanted!r}")


def _largest_kommune(fylkesnummer: str) -> str:
    candidates = [k for k in reference.kommuner() if k.fylkesnummer == fylkesnummer]
    return max(candidates, key=lambda k: k.folketall_2025).kommunenummer


def workplace_name(
    kind: calibration.PublicWorkplace, kommune: int, rng: np.random.Generator
) -> str:
    info = reference.kommuner()[kommune]
    place = info.kommunenavn.upper()
    if kind.eier == "kommune" and kind.navn in ("ADMINISTRASJON", "HELSE- OG OMSORGSTJENESTE"):
        return f"{place} KOMMUNE {kind.navn}"
    if kind.eier == "fylke" and kind.navn == "ADMINISTRASJON":
        return f"{info.fylkesnavn.upper()} FYLKESKOMMUNE {kind.navn}"
    if kind.eier == "stat":
        return f"{kind.navn} {place}"
    if kind.eier == "helseforetak":
        return f"{place} SYKEHUS"
    word = str(naming.place_words(rng, 1)[0])
    return f"{word} {kind.navn}"


def regional_seat(people_kommune: IntArray) -> dict[str, int]:
    """Per county: the municipality of the region with most of its residents."""
    counts = np.bincount(people_kommune, minlength=len(reference.kommuner()))
    seats: dict[str, int] = {}
    for number in np.flatnonzero(counts).tolist():
        fylke = reference.kommuner()[number].fylkesnummer
        if fylke not in seats or counts[number] > counts[seats[fylke]]:
            seats[fylke] = number
    return seats


def main_unit_rows(units: Sequence[MainUnit]) -> tuple[ObjArray, ...]:
    """(orgnr, navn, form, kommunenummer, naeringskode) columns of units to write."""
    return (
        objects([u.orgnr for u in units]),
        objects([u.navn for u in units]),
        objects([u.form for u in units]),
        objects([u.kommunenummer for u in units]),
        objects([u.naeringskode for u in units]),
    )
