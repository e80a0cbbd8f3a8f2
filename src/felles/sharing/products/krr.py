"""Data products over KRR: declared here, loaded through the registry's query functions.

``krr.kontakt`` gives each detail with the dates KRR keeps for it, under the names of KRR's
own lookup answer (``epostadresse_oppdatert``, ``digital_post``'s ``postkasseadresse`` …), so a
consumer can apply the 18-month rule itself, as the real register expects.

A person is found under the number asked for or, when no active registration is there, under
any other number Folkeregisteret knows for them (a registration made under a D-number is found
by the later fødselsnummer): one query for most people, three at most. Known means
registered in KRR (status AKTIV or SLETTET): a deleted registration gives every field null, a
person KRR has never registered is left out, as KRR's IKKE_REGISTRERT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from felles.registries.krr import events, queries
from felles.registries.krr.model import KontaktInfo
from felles.sharing.product import Product, ProductField
from felles.sharing.products.common import (
    INSTANT,
    Owner,
    Values,
    all_idents,
    instant_text,
    nullable,
    person_idents,
    person_product,
    texts,
)

OWNER: Final = Owner("991825827", "Digitaliseringsdirektoratet")


def _instant(value: datetime | None) -> str | None:
    """A stored time as KRR's API writes it (UTC, ``Z``); None when KRR keeps none."""
    return None if value is None else instant_text(value)


def _values(row: KontaktInfo, at: datetime) -> dict[str, Any]:
    if queries.status_of(row) != queries.AKTIV:
        return dict.fromkeys(_FIELD_NAMES)
    epost = row.epostadresse
    mobil = row.mobiltelefonnummer
    postkasse = row.postkasseadresse
    leverandoer = row.postkasseleverandoeradresse
    return {
        "epostadresse": None
        if epost is None
        else {
            "epostadresse": epost,
            "epostadresse_oppdatert": _instant(row.epostadresse_oppdatert),
            "epostadresse_sist_verifisert": _instant(row.epostadresse_sist_verifisert),
        },
        "mobiltelefonnummer": None
        if mobil is None
        else {
            "mobiltelefonnummer": mobil,
            "mobiltelefonnummer_oppdatert": _instant(row.mobiltelefonnummer_oppdatert),
            "mobiltelefonnummer_sist_verifisert": _instant(row.mobiltelefonnummer_sist_verifisert),
        },
        "reservasjon": {
            "reservasjon": "JA" if row.reservasjon else "NEI",
            "reservasjonstidspunkt": _instant(row.reservasjonstidspunkt),
        },
        "spraak": None
        if row.spraak is None
        else {"spraak": row.spraak, "spraak_oppdatert": _instant(row.spraak_oppdatert)},
        "digitalPostkasse": None
        if postkasse is None or leverandoer is None
        else {"postkasseadresse": postkasse, "postkasseleverandoeradresse": leverandoer},
        # KRR's own answer to "may this person be notified now" (the 18-month rule), so a
        # consumer that needs only that is not given the e-mail address and mobile number.
        "varslingsstatus": queries.varslingsstatus(row, now=at),
    }


def _active(row: KontaktInfo | None) -> bool:
    return row is not None and queries.status_of(row) == queries.AKTIV


def _load(session: Session, subjects: list[str], at: datetime) -> Values:
    # Most people are registered under the number asked with: one query. The others (and the
    # deleted registrations) are looked up under every number Folkeregisteret knows for them.
    rows = queries.get_registrations(session, personidentifikatorer=subjects)
    others = [subject for subject in subjects if not _active(rows.get(subject))]
    idents = person_idents(session, others) if others else {}
    more = all_idents(idents) - set(rows)
    if more:
        rows |= queries.get_registrations(session, personidentifikatorer=sorted(more))
    result: Values = {}
    for subject in subjects:
        found = [
            row
            for ident in dict.fromkeys((subject, *idents.get(subject, ())))
            if (row := rows.get(ident)) is not None
        ]
        if not found:
            continue
        active = [row for row in found if _active(row)]
        result[subject] = _values((active or found)[0], at)
    return result


_NULLABLE_INSTANT: Final = nullable(INSTANT)

_FIELDS: Final = (
    ProductField(
        "epostadresse",
        nullable(
            {
                "type": "object",
                "properties": {
                    "epostadresse": {"type": "string", "format": "idn-email", "maxLength": 200},
                    "epostadresse_oppdatert": _NULLABLE_INSTANT,
                    "epostadresse_sist_verifisert": _NULLABLE_INSTANT,
                },
                "required": [
                    "epostadresse",
                    "epostadresse_oppdatert",
                    "epostadresse_sist_verifisert",
                ],
                "additionalProperties": False,
            }
        ),
        texts(
            "E-postadressen personen har registrert, med når den sist ble oppdatert og "
            "bekreftet; null når ingen er registrert.",
            "E-postadressa personen har registrert, med når ho sist vart oppdatert og "
            "stadfesta; null når inga er registrert.",
            "The e-mail address the person registered, with when it was last updated and "
            "confirmed; null when there is none.",
        ),
    ),
    ProductField(
        "mobiltelefonnummer",
        nullable(
            {
                "type": "object",
                "properties": {
                    "mobiltelefonnummer": {"type": "string", "pattern": r"^\+47[49]\d{7}$"},
                    "mobiltelefonnummer_oppdatert": _NULLABLE_INSTANT,
                    "mobiltelefonnummer_sist_verifisert": _NULLABLE_INSTANT,
                },
                "required": [
                    "mobiltelefonnummer",
                    "mobiltelefonnummer_oppdatert",
                    "mobiltelefonnummer_sist_verifisert",
                ],
                "additionalProperties": False,
            }
        ),
        texts(
            "Mobiltelefonnummeret personen har registrert, med når det sist ble oppdatert og "
            "bekreftet; null når ingen er registrert.",
            "Mobiltelefonnummeret personen har registrert, med når det sist vart oppdatert og "
            "stadfesta; null når inkje er registrert.",
            "The mobile number the person registered, with when it was last updated and "
            "confirmed; null when there is none.",
        ),
    ),
    ProductField(
        "reservasjon",
        nullable(
            {
                "type": "object",
                "properties": {
                    "reservasjon": {"type": "string", "enum": ["JA", "NEI"]},
                    "reservasjonstidspunkt": _NULLABLE_INSTANT,
                },
                "required": ["reservasjon", "reservasjonstidspunkt"],
                "additionalProperties": False,
            }
        ),
        texts(
            "Om personen har reservert seg mot digital kommunikasjon med det offentlige (JA "
            "eller NEI), og når; null når registreringen er slettet.",
            "Om personen har reservert seg mot digital kommunikasjon med det offentlege (JA "
            "eller NEI), og når; null når registreringa er sletta.",
            "Whether the person has opted out of digital communication with the public sector "
            "(JA: yes, NEI: no), and when; null when the registration was deleted.",
        ),
    ),
    ProductField(
        "spraak",
        nullable(
            {
                "type": "object",
                "properties": {
                    "spraak": {"type": "string", "enum": ["nb", "nn", "en", "se"]},
                    "spraak_oppdatert": _NULLABLE_INSTANT,
                },
                "required": ["spraak", "spraak_oppdatert"],
                "additionalProperties": False,
            }
        ),
        texts(
            "Språket personen foretrekker (nb, nn, en eller se), og når det ble oppdatert; null "
            "når ikke noe er valgt.",
            "Språket personen føretrekkjer (nb, nn, en eller se), og når det vart oppdatert; "
            "null når ikkje noko er valt.",
            "The language the person prefers (nb, nn, en or se), and when it was updated; null "
            "when none is chosen.",
        ),
    ),
    ProductField(
        "digitalPostkasse",
        nullable(
            {
                "type": "object",
                "properties": {
                    "postkasseadresse": {"type": "string", "minLength": 1, "maxLength": 100},
                    "postkasseleverandoeradresse": {"type": "string", "pattern": r"^\d{9}$"},
                },
                "required": ["postkasseadresse", "postkasseleverandoeradresse"],
                "additionalProperties": False,
            }
        ),
        texts(
            "Personens digitale postkasse: adressen hos leverandøren og leverandørens "
            "organisasjonsnummer (Digipost eller e-Boks); null når ingen er valgt.",
            "Den digitale postkassa til personen: adressa hos leverandøren og "
            "organisasjonsnummeret til leverandøren (Digipost eller e-Boks); null når inga er "
            "vald.",
            "The person's digital mailbox: the address at the provider and the provider's "
            "organisation number (Digipost or e-Boks); null when none is chosen.",
        ),
    ),
    ProductField(
        "varslingsstatus",
        {"type": ["string", "null"], "enum": [queries.KAN_VARSLES, queries.KAN_IKKE_VARSLES, None]},
        texts(
            "Om personen kan varsles nå (KAN_VARSLES eller KAN_IKKE_VARSLES): ikke når "
            "personen har reservert seg, eller når verken e-postadressen eller "
            "mobilnummeret er oppdatert eller bekreftet de siste 18 månedene.",
            "Om personen kan varslast no (KAN_VARSLES eller KAN_IKKE_VARSLES): ikkje når "
            "personen har reservert seg, eller når verken e-postadressa eller "
            "mobilnummeret er oppdatert eller stadfesta dei siste 18 månadene.",
            "Whether the person can be notified now (KAN_VARSLES or KAN_IKKE_VARSLES): not "
            "when reserved, or when neither the e-mail address nor the mobile number was "
            "updated or confirmed in the last 18 months.",
        ),
    ),
)
_FIELD_NAMES: Final = tuple(f.name for f in _FIELDS)

PRODUCTS: Final[tuple[Product, ...]] = (
    person_product(
        owner=OWNER,
        name="krr.kontakt",
        version="1.1.0",  # 1.1.0: varslingsstatus
        title=texts(
            "Kontaktinformasjon og reservasjon",
            "Kontaktinformasjon og reservasjon",
            "Contact details and reservation",
        ),
        description=texts(
            "E-postadresse, mobiltelefonnummer, reservasjon mot digital kommunikasjon, "
            "foretrukket språk og digital postkasse fra Kontakt- og reservasjonsregisteret.",
            "E-postadresse, mobiltelefonnummer, reservasjon mot digital kommunikasjon, "
            "føretrekt språk og digital postkasse frå Kontakt- og reservasjonsregisteret.",
            "E-mail address, mobile number, opt-out of digital communication, preferred "
            "language and digital mailbox from the Common Contact Register (KRR).",
        ),
        fields=_FIELDS,
        load=_load,
        changed_by=events.TYPES,
    ),
)
