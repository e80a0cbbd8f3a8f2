"""Reference data and synthetic organisation numbers (decision 0014)."""

from __future__ import annotations

import random
import re

import pytest
from stdnum.no import orgnr

from felles.kernel.ids import (
    allocate_synthetic_orgnrs,
    is_synthetic_orgnr,
    random_synthetic_orgnr,
    reserved_synthetic_orgnr,
)
from felles.registries.enhetsregisteret import reference
from felles.registries.enhetsregisteret.document import normalise_name

# Real numbers in the data, each checked against two published sources (data/SOURCES.md).
REAL = {
    "889640782": "ARBEIDS- OG VELFERDSETATEN",
    "974761076": "SKATTEETATEN",
    "974760673": "BRØNNØYSUNDREGISTRENE",
    "991825827": "DIGITALISERINGSDIREKTORATET",
    "960885406": "STATENS LÅNEKASSE FOR UTDANNING",
    "942114184": "HUSBANKEN",
    "974760746": "UTLENDINGSDIREKTORATET",
    "987879696": "INTEGRERINGS- OG MANGFOLDSDIREKTORATET",
    "983544622": "HELSEDIREKTORATET",
    "971032081": "STATENS VEGVESEN",
    "971040238": "STATENS KARTVERK",
    "958935420": "OSLO KOMMUNE",
    "964965226": "STAVANGER KOMMUNE",
    "964338531": "BERGEN KOMMUNE",
    "942110464": "TRONDHEIM KOMMUNE",
}


def test_synthetic_numbers_are_valid_and_never_real() -> None:
    numbers = allocate_synthetic_orgnrs(20_000, seed=7)
    assert len(set(numbers)) == 20_000
    assert all(orgnr.is_valid(n) and n[0] == "3" and n[1] != "9" for n in numbers)
    assert list(allocate_synthetic_orgnrs(50, seed=7)) == list(
        allocate_synthetic_orgnrs(50, seed=7)
    )
    rng = random.Random(3)
    drawn = [random_synthetic_orgnr(rng) for _ in range(1000)]
    assert all(is_synthetic_orgnr(n) and not n.startswith("39") for n in drawn)
    assert not is_synthetic_orgnr("889640782") and not is_synthetic_orgnr("312345677")


def test_reserved_numbers_are_deterministic() -> None:
    assert reserved_synthetic_orgnr(1, 301) == reserved_synthetic_orgnr(1, 301)
    assert reserved_synthetic_orgnr(1, 301).startswith("391030")
    with pytest.raises(ValueError, match="series"):
        reserved_synthetic_orgnr(10, 1)


def test_public_sector_units() -> None:
    units = reference.offentlige_enheter()
    numbers = [u.organisasjonsnummer for u in units]
    # Municipalities, counties, state agencies, and Posten Norge AS and Oslo tingrett.
    assert len(numbers) == len(set(numbers)) == 357 + 14 + 11 + 2
    assert all(orgnr.is_valid(n) for n in numbers)
    real = {u.organisasjonsnummer: u.navn for u in units if u.ekte_orgnr}
    assert real == REAL
    for unit in units:
        if not unit.ekte_orgnr:
            assert unit.organisasjonsnummer.startswith("39"), unit
    forms = {u.organisasjonsform for u in units}
    assert forms == {"KOMM", "FYLK", "ORGL", "AS"}
    assert all(u.naeringskode in reference.naeringskoder() for u in units)


def test_codes_are_well_formed() -> None:
    assert all(re.fullmatch(r"\d{2}\.\d{3}", code) for code in reference.naeringskoder())
    forms = reference.organisasjonsformer()
    assert {
        "AS",
        "ASA",
        "ENK",
        "NUF",
        "ANS",
        "DA",
        "SA",
        "STI",
        "FLI",
        "KOMM",
        "FYLK",
        "STAT",
        "ORGL",
        "SF",
        "KF",
        "IKS",
        "BA",
        "PK",
        "BEDR",
        "AAFY",
    } <= set(forms)
    assert all(f.sektorkode in reference.sektorkoder() for f in forms.values() if f.sektorkode)
    types = reference.rolletyper()
    assert {"DAGL", "LEDE", "NEST", "MEDL", "VARA", "REVI", "REGN", "KONT"} <= set(types)
    assert types["LEDE"].rollegruppe == "STYR"


@pytest.mark.parametrize(
    ("navn", "normalised"),
    [
        ("Brønnøysund-registrene AS", "bronnoysund registrene as"),
        ("ÆRLIG & ÅPEN SA", "aerlig apen sa"),
        ("Café Ødegård 2", "cafe odegard 2"),
        ("  !!  ", ""),
    ],
)
def test_normalise_name(navn: str, normalised: str) -> None:
    assert normalise_name(navn) == normalised
