"""Data products over the property registry: declared here, loaded through the registry's query
functions (and the address register's, for the units' addresses).

``eiendom.eierskap`` lists the cadastral units a person holds a share of now, with the field
names of the registry's API (``matrikkelnummer``, ``matrikkelnummertekst``, ``adresser`` …) and
the share as fraction text (``"1/2"``, ``"1/1"``). The other owners of a unit are not given:
they are other people's data.

Grunnboken keeps a share under the identity number current when it was registered, so a
subject is resolved through Folkeregisteret to every number of the person first. Known means
known to Folkeregisteret; a person who owns nothing gets an empty list.

Changes are not listed in ``changed_by``: the registry's events have the unit's matrikkelnummer
as their subject, not the owner (the owners are in their data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.adresser import queries as adresser
from felles.registries.eiendom import queries
from felles.registries.eiendom.values import MATRIKKELENHETSTYPER
from felles.sharing.product import Product, ProductField
from felles.sharing.products.common import (
    DATE,
    Owner,
    Values,
    all_idents,
    gather,
    person_idents,
    person_product,
    texts,
)

OWNER: Final = Owner("971040238", "Kartverket")


def _load(session: Session, subjects: list[str], at: datetime) -> Values:
    idents = person_idents(session, subjects)
    shares = queries.owned_by_many(session, idents=all_idents(idents))
    unit_ids = {share.matrikkelenhet_id for found in shares.values() for share in found}
    units = queries.units_by_id(session, ids=unit_ids)
    address_ids = queries.address_ids(session, unit_ids=unit_ids)
    addresses = adresser.addresses_by_ids(
        session, ids=sorted({a for ids in address_ids.values() for a in ids})
    )
    result: Values = {}
    for subject, owned in gather(idents, shares).items():
        eiendommer: list[tuple[Any, dict[str, Any]]] = []
        for share in owned:
            unit = units[share.matrikkelenhet_id]
            matrikkelnummer = queries.matrikkelnummer_of(unit)
            adresser_ = [addresses[a] for a in address_ids.get(unit.id, ()) if a in addresses]
            eiendom = {
                "matrikkelnummer": matrikkelnummer.as_json(),
                "matrikkelnummertekst": str(matrikkelnummer),
                "matrikkelenhetstype": unit.matrikkelenhetstype,
                "kommunenavn": adresser.kommunenavn(kommunenummer=matrikkelnummer.kommunenummer),
                "andel": f"{share.andel.numerator}/{share.andel.denominator}",
                "fraOgMed": share.gyldig_fra.isoformat(),
                "adresser": [
                    {
                        "adresseIdentifikatorFraMatrikkelen": a.id,
                        "adressetekst": f"{a.adressenavn} {a.husnummer}{a.husbokstav or ''}",
                        "postnummer": a.postnummer,
                        "poststed": a.poststed,
                    }
                    for a in adresser_
                ],
            }
            eiendommer.append((matrikkelnummer, eiendom))
        eiendommer.sort(key=lambda pair: pair[0])
        result[subject] = {"eiendommer": [eiendom for _, eiendom in eiendommer]}
    return result


_MATRIKKELNUMMER: Final = {
    "type": "object",
    "properties": {
        "kommunenummer": {"type": "string", "pattern": r"^\d{4}$"},
        "gaardsnummer": {"type": "integer", "minimum": 1, "maximum": 99_999},
        "bruksnummer": {"type": "integer", "minimum": 1, "maximum": 9_999},
        "festenummer": {"type": "integer", "minimum": 0, "maximum": 9_999},
        "seksjonsnummer": {"type": "integer", "minimum": 0, "maximum": 9_999},
    },
    "required": ["kommunenummer", "gaardsnummer", "bruksnummer", "festenummer", "seksjonsnummer"],
    "additionalProperties": False,
}
_ADRESSE: Final = {
    "type": "object",
    "properties": {
        "adresseIdentifikatorFraMatrikkelen": {"type": "integer", "minimum": 1},
        "adressetekst": {"type": "string"},
        "postnummer": {"type": "string", "pattern": r"^\d{4}$"},
        "poststed": {"type": "string"},
    },
    "required": ["adresseIdentifikatorFraMatrikkelen", "adressetekst", "postnummer", "poststed"],
    "additionalProperties": False,
}
_EIENDOM: Final = {
    "type": "object",
    "properties": {
        "matrikkelnummer": _MATRIKKELNUMMER,
        "matrikkelnummertekst": {"type": "string", "pattern": r"^\d{4}-\d+/\d+/\d+/\d+$"},
        "matrikkelenhetstype": {"type": "string", "enum": list(MATRIKKELENHETSTYPER)},
        "kommunenavn": {"type": "string"},
        "andel": {"type": "string", "pattern": r"^[1-9]\d*/[1-9]\d*$"},
        "fraOgMed": DATE,
        "adresser": {"type": "array", "items": _ADRESSE},
    },
    "required": [
        "matrikkelnummer",
        "matrikkelnummertekst",
        "matrikkelenhetstype",
        "kommunenavn",
        "andel",
        "fraOgMed",
        "adresser",
    ],
    "additionalProperties": False,
}

PRODUCTS: Final[tuple[Product, ...]] = (
    person_product(
        owner=OWNER,
        name="eiendom.eierskap",
        version="1.0.0",
        title=texts("Eiendom personen eier", "Eigedom personen eig", "Property the person owns"),
        description=texts(
            "Matrikkelenhetene personen eier en andel av nå, med matrikkelnummer, andel og "
            "adresse, fra Grunnboken og Matrikkelen.",
            "Matrikkeleiningane personen eig ein del av no, med matrikkelnummer, del og "
            "adresse, frå Grunnboka og Matrikkelen.",
            "The cadastral units the person owns a share of now, with cadastral number, share "
            "and address, from the Land Register (Grunnboken) and the Cadastre (Matrikkelen).",
        ),
        fields=(
            ProductField(
                "eiendommer",
                {"type": "array", "items": _EIENDOM},
                texts(
                    "Hver eiendom personen har hjemmel til nå, i matrikkelnummerorden: "
                    "matrikkelnummer, type, kommune, personens andel som brøk (for eksempel "
                    "1/2), datoen andelen gjelder fra og adressene på eiendommen; tom liste når "
                    "personen ikke eier noe.",
                    "Kvar eigedom personen har heimel til no, i matrikkelnummerorden: "
                    "matrikkelnummer, type, kommune, delen til personen som brøk (til dømes "
                    "1/2), datoen delen gjeld frå og adressene på eigedomen; tom liste når "
                    "personen ikkje eig noko.",
                    "Each property the person holds title to now, in cadastral-number order: "
                    "cadastral number, type, municipality, the person's share as a fraction "
                    "(e.g. 1/2), the date the share applies from and the addresses on the "
                    "property; an empty list when the person owns nothing.",
                ),
            ),
        ),
        load=_load,
        changed_by=(),
    ),
)
