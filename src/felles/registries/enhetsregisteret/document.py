"""The JSON of the open API (data.brreg.no/enhetsregisteret/api), built from rows.

Field names, nesting and order are the real API's. Members without a value are left out,
as the real API does, except the booleans and ``antallAnsatte``, which it always sends.
Links are absolute URLs under ``base`` (the application's own base URL plus
``/enhetsregisteret/api``), so a client that follows ``_links`` stays on felles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from felles.registries.enhetsregisteret import reference
from felles.registries.enhetsregisteret.model import Enhet

PREFIX: Final = "/enhetsregisteret/api"
_NOT_WORD: Final = re.compile(r"[^a-z0-9]+")
_FOLD: Final = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})


def normalise_name(navn: str) -> str:
    """A name as lowercase ASCII words: what name search matches (``navn_sok``).

    Letters are folded (æ → ae, ø → o, å → a, é → e), every other character separates words,
    so "Brønnøysund-registrene AS" becomes "bronnoysund registrene as". Query words are
    normalised the same way, so the match ignores case, accents and punctuation.
    """
    folded = unicodedata.normalize("NFKD", navn.lower().translate(_FOLD))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", ascii_only).strip()


def _href(base: str, path: str) -> dict[str, str]:
    return {"href": f"{base}{path}"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def organisasjonsform_json(kode: str, base: str) -> dict[str, Any]:
    form = reference.organisasjonsformer().get(kode)
    return {
        "kode": kode,
        "beskrivelse": form.beskrivelse if form else kode,
        "_links": {"self": _href(base, f"/organisasjonsformer/{kode}")},
    }


def _naeringskode(kode: str | None) -> dict[str, str] | None:
    if kode is None:
        return None
    return {"kode": kode, "beskrivelse": reference.naeringskoder().get(kode, "")}


def _sektor(kode: str | None) -> dict[str, str] | None:
    if kode is None:
        return None
    return {"kode": kode, "beskrivelse": reference.sektorkoder().get(kode, "")}


def _address(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    return {key: value[key] for key in _ADDRESS_KEYS if value.get(key) not in (None, "")}


_ADDRESS_KEYS: Final = (
    "land",
    "landkode",
    "postnummer",
    "poststed",
    "adresse",
    "kommune",
    "kommunenummer",
)


def _without_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}


def enhet_json(row: Enhet, base: str) -> dict[str, Any]:
    """A main entity as ``GET /enheter/{orgnr}`` answers it."""
    nr = row.organisasjonsnummer
    document: dict[str, Any] = {
        "organisasjonsnummer": nr,
        "navn": row.navn,
        "organisasjonsform": organisasjonsform_json(row.organisasjonsform, base),
        "hjemmeside": row.hjemmeside,
        "postadresse": _address(row.postadresse),
        "registreringsdatoEnhetsregisteret": _iso(row.registreringsdato),
        "registrertIMvaregisteret": row.registrert_i_mvaregisteret,
        "naeringskode1": _naeringskode(row.naeringskode1),
        "naeringskode2": _naeringskode(row.naeringskode2),
        "naeringskode3": _naeringskode(row.naeringskode3),
        "antallAnsatte": row.antall_ansatte or 0,
        "harRegistrertAntallAnsatte": row.antall_ansatte is not None,
        "overordnetEnhet": row.overordnet_enhet,
        "forretningsadresse": _address(row.forretningsadresse),
        "stiftelsesdato": _iso(row.stiftelsesdato),
        "institusjonellSektorkode": _sektor(row.institusjonell_sektorkode),
        "registrertIForetaksregisteret": row.registrert_i_foretaksregisteret,
        "registrertIStiftelsesregisteret": row.registrert_i_stiftelsesregisteret,
        "registrertIFrivillighetsregisteret": row.registrert_i_frivillighetsregisteret,
        "konkurs": row.konkurs,
        "konkursdato": _iso(row.konkursdato),
        "underAvvikling": row.under_avvikling,
        "underAvviklingDato": _iso(row.under_avvikling_dato),
        "underTvangsavviklingEllerTvangsopplosning": row.under_tvangsavvikling,
        "maalform": row.maalform,
        "vedtektsfestetFormaal": row.vedtektsfestet_formaal or None,
        "aktivitet": row.aktivitet or None,
        "slettedato": _iso(row.slettedato),
        "_links": {"self": _href(base, f"/enheter/{nr}")},
    }
    if row.overordnet_enhet:
        document["_links"]["overordnetEnhet"] = _href(base, f"/enheter/{row.overordnet_enhet}")
    return _without_none(document)


def underenhet_json(row: Enhet, base: str) -> dict[str, Any]:
    """A sub-unit as ``GET /underenheter/{orgnr}`` answers it."""
    nr = row.organisasjonsnummer
    document: dict[str, Any] = {
        "organisasjonsnummer": nr,
        "navn": row.navn,
        "organisasjonsform": organisasjonsform_json(row.organisasjonsform, base),
        "hjemmeside": row.hjemmeside,
        "postadresse": _address(row.postadresse),
        "registreringsdatoEnhetsregisteret": _iso(row.registreringsdato),
        "registrertIMvaregisteret": row.registrert_i_mvaregisteret,
        "naeringskode1": _naeringskode(row.naeringskode1),
        "naeringskode2": _naeringskode(row.naeringskode2),
        "naeringskode3": _naeringskode(row.naeringskode3),
        "antallAnsatte": row.antall_ansatte or 0,
        "harRegistrertAntallAnsatte": row.antall_ansatte is not None,
        "overordnetEnhet": row.overordnet_enhet,
        "oppstartsdato": _iso(row.oppstartsdato),
        "beliggenhetsadresse": _address(row.forretningsadresse),
        "nedleggelsesdato": _iso(row.nedleggelsesdato),
        "slettedato": _iso(row.slettedato),
        "_links": {
            "self": _href(base, f"/underenheter/{nr}"),
            "overordnetEnhet": _href(base, f"/enheter/{row.overordnet_enhet}"),
        },
    }
    return _without_none(document)


def unit_json(row: Enhet, base: str) -> dict[str, Any]:
    """``enhet_json`` or ``underenhet_json``, whichever the row is."""
    return underenhet_json(row, base) if row.er_underenhet else enhet_json(row, base)


def page_json(*, size: int, total: int, number: int) -> dict[str, int]:
    """The HAL ``page`` object of a search or feed answer."""
    pages = (total + size - 1) // size if size else 0
    return {"size": size, "totalElements": total, "totalPages": pages, "number": number}
