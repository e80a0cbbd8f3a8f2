"""Rows of Enhetsregisteret's table as column arrays, and business addresses as JSON.

Enhetsregisteret stores addresses as the JSON objects its API serves. On PostgreSQL the
objects are written as JSON text built column-wise (no Python call per unit); on SQLite as
dicts, which the column type serialises.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from felles.registries.enhetsregisteret import reference as enhetsreferanse
from felles.synth import reference
from felles.synth.economy.common import BoolArray, IntArray, ObjArray, days, objects, seconds
from felles.synth.economy.naming import search_names
from felles.synth.economy.residents import Addresses

_NYNORSK_COUNTIES = frozenset({"46", "15"})


@cache
def _kommune_numbers() -> ObjArray:
    return objects([k.kommunenummer for k in reference.kommuner()])


@cache
def _kommune_names() -> ObjArray:
    return objects([k.kommunenavn.upper() for k in reference.kommuner()])


def _street_lines(addresses: Addresses, rows: IntArray) -> ObjArray:
    number = np.char.mod("%d", addresses.husnummer[rows]).astype(object)
    letter = np.where(addresses.husbokstav[rows] == None, "", addresses.husbokstav[rows])  # noqa: E711
    return np.asarray(addresses.adressenavn[rows] + " " + number + letter, dtype=object)


def address_dicts(addresses: Addresses, rows: IntArray) -> list[dict[str, Any]]:
    lines = _street_lines(addresses, rows)
    kommune = addresses.kommune[rows]
    return [
        {
            "adresse": [str(line)],
            "postnummer": str(post),
            "poststed": str(sted),
            "kommunenummer": str(_kommune_numbers()[k]),
            "kommune": str(_kommune_names()[k]),
            "landkode": "NO",
            "land": "Norge",
        }
        for line, post, sted, k in zip(
            lines.tolist(),
            addresses.postnummer[rows].tolist(),
            addresses.poststed[rows].tolist(),
            kommune.tolist(),
            strict=True,
        )
    ]


def address_json(addresses: Addresses, rows: IntArray, *, as_text: bool) -> ObjArray:
    """forretningsadresse per row: JSON text (PostgreSQL) or dicts (SQLite)."""
    if not as_text:
        return objects(address_dicts(addresses, rows))
    kommune = addresses.kommune[rows]
    return np.asarray(
        '{"adresse":["'
        + _street_lines(addresses, rows)
        + '"],"postnummer":"'
        + addresses.postnummer[rows]
        + '","poststed":"'
        + addresses.poststed[rows]
        + '","kommunenummer":"'
        + _kommune_numbers()[kommune]
        + '","kommune":"'
        + _kommune_names()[kommune]
        + '","landkode":"NO","land":"Norge"}',
        dtype=object,
    )


@cache
def _sector_codes() -> dict[str, str | None]:
    return {kode: form.sektorkode for kode, form in enhetsreferanse.organisasjonsformer().items()}


def maalform(kommune: IntArray, rng: np.random.Generator) -> ObjArray:
    county = objects([k.fylkesnummer for k in reference.kommuner()])[kommune]
    nynorsk = np.isin(county, list(_NYNORSK_COUNTIES)) & (rng.random(kommune.size) < 0.4)
    return np.where(nynorsk, "Nynorsk", "Bokmål").astype(object)


def enhet_columns(
    rng: np.random.Generator,
    *,
    ids: IntArray,
    orgnr: ObjArray,
    underenhet: bool,
    navn: ObjArray,
    form: ObjArray,
    parent: ObjArray | None,
    naeringskode: ObjArray,
    kommune: IntArray,
    address: ObjArray,
    employees: Any,
    founded: IntArray,
    registered: IntArray,
    mva: BoolArray,
    foretaksregister: BoolArray | bool,
    frivillighet: BoolArray | bool,
) -> dict[str, Any]:
    """``enh_enhet`` columns for main entities or sub-units."""
    n = ids.size
    sector = None if underenhet else objects([_sector_codes().get(f) for f in form.tolist()])
    created = seconds(registered, rng)
    return {
        "id": ids,
        "organisasjonsnummer": orgnr,
        "er_underenhet": underenhet,
        "navn": navn,
        "navn_sok": search_names(navn),
        "organisasjonsform": form,
        "overordnet_enhet": parent,
        "naeringskode1": naeringskode,
        "naeringskode2": None,
        "naeringskode3": None,
        "institusjonell_sektorkode": sector,
        "kommunenummer": _kommune_numbers()[kommune],
        "forretningsadresse": address,
        "postadresse": None,
        "antall_ansatte": employees,
        "stiftelsesdato": None if underenhet else days(founded),
        "oppstartsdato": days(founded) if underenhet else None,
        "registreringsdato": days(registered),
        "registrert_i_mvaregisteret": mva,
        "registrert_i_foretaksregisteret": foretaksregister,
        "registrert_i_frivillighetsregisteret": frivillighet,
        "registrert_i_stiftelsesregisteret": (form == "STI") if not underenhet else False,
        "konkurs": False,
        "konkursdato": None,
        "under_avvikling": False,
        "under_avvikling_dato": None,
        "under_tvangsavvikling": False,
        "maalform": maalform(kommune, rng),
        "hjemmeside": None,
        "vedtektsfestet_formaal": None,
        "aktivitet": None,
        "nedleggelsesdato": None,
        "slettedato": None,
        "opprettet": created,
        "endret": created,
        "versjon": np.ones(n, dtype=np.int64),
    }
