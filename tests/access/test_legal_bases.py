"""The legal-basis register: the shipped files load, and bad files are refused clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from felles.access.legal_bases import HjemmelError, get_hjemler, load_hjemler

ENTRY: dict[str, Any] = {
    "id": "test-basis",
    "beskrivelse": "x",
    "konsument": "889640782",
    "formaal": "barnetrygd",
    "lov": "https://lovdata.no/lov/2002-03-08-4",
    "data": {"folkeregister.person.basis": ["navn"]},
    "gyldigFra": "2020-01-01",
}


def test_the_shipped_register_is_valid_and_gives_banks_nothing() -> None:
    hjemler = get_hjemler()
    ids = {h.id for h in hjemler}
    assert {"nav-barnetrygd-barn", "nav-dagpenger", "kommune-helsestasjon-barn"} <= ids
    assert all(h.lov.startswith("https://lovdata.no/") for h in hjemler)
    # NAV, Skatteetaten, every municipality, Digdir (the mailbox and its notifications),
    # Posten (a move's new address) and the probate court (a death's estate).
    konsumenter = {h.konsument for h in hjemler}
    assert konsumenter == {
        "889640782",
        "974761076",
        "orgform:KOMM",
        "991825827",
        "393000104",
        "393000201",
    }
    strengt = {h.id for h in hjemler if "strengtFortrolig" in h.adressebeskyttelse}
    assert strengt == {"nav-barnetrygd-soeker", "skatteetaten-folkeregistrering"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra": 1}, "unknown field(s) 'extra'"),
        ({"lov": "https://example.com/lov"}, "is not a lovdata.no address"),
        ({"konsument": "889640783"}, "neither an organisasjonsnummer"),
        ({"data": {"folkeregister.person.basis": ["skonummer"]}}, "unknown field 'skonummer'"),
        ({"data": {"nope": ["x"]}}, "unknown dataset 'nope'"),
        ({"gyldigTil": "2019-01-01"}, "gyldigTil: is before gyldigFra"),
        ({"subjektrelasjon": "nabo"}, "subjektrelasjon: must be one of"),
        ({"adressebeskyttelse": ["hemmelig"]}, "adressebeskyttelse: must be a list"),
        ({"sikkerhetsnivaa": "Level4"}, "sikkerhetsnivaa: must be one of"),
        ({"gyldigFra": "1.1.2020"}, "is not a date"),
    ],
)
def test_a_bad_entry_is_refused_with_a_clear_error(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"hjemler": [ENTRY | change]}))
    with pytest.raises(HjemmelError) as raised:
        load_hjemler(tmp_path)
    assert any(
        message in error and error.startswith("a.json: hjemler[0]") for error in raised.value.errors
    ), raised.value.errors


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps({"hjemler": [ENTRY]}))
    with pytest.raises(HjemmelError, match=r"duplicate id 'test-basis' \(also in a\.json\)"):
        load_hjemler(tmp_path)
