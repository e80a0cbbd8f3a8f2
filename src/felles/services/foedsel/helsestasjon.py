"""The helsestasjon is told of a birth: a fødselsmelding to the child's home municipality.

Folkeregisteret routes the birth to the municipality where the child is registered as living
(as it routes its events to the municipalities of their residents): the municipality's
organisation number comes from Enhetsregisteret (KOMM, ``flytting.moves.municipalities``).
Everything the letter says is then read through the distributor *as that municipality*,
purpose ``helsestasjon``, under ``kommune-helsestasjon-barn`` and ``-foreldre``, so the
family's innsyn shows each read.

The letter goes to the municipality's organisation inbox (kind ``informasjon``), where the
people who act for it read it, so it never carries a protected address: the child's address
is read only for an unprotected child (``ugradert``); for any other level the letter says the
address is protected and the helsestasjon reaches the family through the parents' contact
details. One letter per child (idempotency key ``foedsel-<child>-helsestasjon``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select

from felles.kernel.db import UnitOfWork
from felles.kernel.events import Event
from felles.mailbox.content import Content
from felles.mailbox.operations import Letter, send_letters
from felles.mailbox.routing import address_lines
from felles.registries.folkeregister.model import Person
from felles.services.doedsfall.common import long_date, name_of, one, released
from felles.services.flytting.moves import Municipality, municipalities
from felles.services.flytting.service import municipal_reader
from felles.services.foedsel import BASIS, FAMILIE, HELSESTASJON, KRR
from felles.services.foedsel.births import Birth, already_sent, births_of, helsestasjon_key
from felles.sharing.reader import InternalReader

log = logging.getLogger(__name__)

ORIGIN: Final = HELSESTASJON.id
CHILD_FIELDS: Final = ("navn", "foedselsdato", "status", "adressebeskyttelse")
PARENT_FIELDS: Final = ("navn", "adressebeskyttelse")
CONTACT_FIELDS: Final = ("epostadresse", "mobiltelefonnummer", "reservasjon")
PARENT_ROLES: Final = ("mor", "far", "medmor")
UNPROTECTED: Final = "ugradert"


@dataclass(frozen=True, slots=True)
class Parent:
    role: str
    name: str
    epost: str | None
    mobil: str | None
    reservert: bool


@dataclass(frozen=True, slots=True)
class Notice:
    """What the fødselsmelding says about one child."""

    birth: Birth
    child_name: str
    address: tuple[str, ...] | None  # None: protected, or none registered
    protected: bool
    parents: tuple[Parent, ...]


def _home_municipalities(uow: UnitOfWork, children: Sequence[str]) -> dict[str, str]:
    """Folkeregisteret's routing: each child's kommunenummer (never shown, never logged)."""
    query = select(Person.ident, Person.kommunenummer).where(Person.ident.in_(sorted(children)))
    return {ident: kommune for ident, kommune in uow.session.execute(query) if kommune}


def _parents(familie: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    relations = (familie or {}).get("familierelasjon") or []
    return [
        (r["relatertPerson"], r["relatertPersonsRolle"])
        for r in relations
        if r.get("relatertPersonsRolle") in PARENT_ROLES and r.get("relatertPerson")
    ]


def _protection(data: Mapping[str, Any]) -> str:
    return str(one(data.get("adressebeskyttelse")).get("graderingsnivaa") or UNPROTECTED)


def _contact(data: Mapping[str, Any], field: str) -> str | None:
    value = one(data.get(field)).get(field)
    return value if isinstance(value, str) and value else None


def _notices(reader: InternalReader, births: Sequence[Birth]) -> list[Notice]:
    """Read the children and their parents as the municipality: three calls for the
    children, and two per child for its parents (a parent's basis holds for one child)."""
    children = [birth.child for birth in births]
    basis = reader.read(BASIS, children, fields=CHILD_FIELDS)
    familie = reader.read(FAMILIE, children, fields=("familierelasjon",))
    unprotected = [
        child
        for child in children
        if (found := released(basis, child)) is not None and _protection(found.data) == UNPROTECTED
    ]
    # The address only where it is not protected: a protected one is not even asked for.
    addresses = reader.read(BASIS, unprotected, fields=("bostedsadresse",)) if unprotected else {}
    notices = []
    for birth in births:
        child = released(basis, birth.child)
        if child is None:
            continue  # not released to the municipality: nobody to tell
        parents: list[Parent] = []
        family = released(familie, birth.child)
        relations = _parents(family.data if family is not None else None)
        if relations:
            idents = [ident for ident, _ in relations]
            people = reader.read(BASIS, idents, fields=PARENT_FIELDS, relatert_til=birth.child)
            krr = reader.read(KRR, idents, fields=CONTACT_FIELDS, relatert_til=birth.child)
            for ident, role in relations:
                person = released(people, ident)
                if person is None:
                    continue
                contact = released(krr, ident)
                data = contact.data if contact is not None else {}
                reservert = one(data.get("reservasjon")).get("reservasjon") == "JA"
                parents.append(
                    Parent(
                        role=role,
                        name=name_of(person.data),
                        # Reserved against digital contact: the helsestasjon writes or calls.
                        epost=None if reservert else _contact(data, "epostadresse"),
                        mobil=_contact(data, "mobiltelefonnummer"),
                        reservert=reservert,
                    )
                )
        address = released(addresses, birth.child)
        protected = _protection(child.data) != UNPROTECTED
        notices.append(
            Notice(
                birth=birth,
                child_name=name_of(child.data),
                address=None
                if protected or address is None
                else address_lines(one(address.data.get("bostedsadresse"))),
                protected=protected,
                parents=tuple(parents),
            )
        )
    return notices


_ROLE: Final = {
    "nb": {"mor": "Mor", "far": "Far", "medmor": "Medmor"},
    "nn": {"mor": "Mor", "far": "Far", "medmor": "Medmor"},
    "en": {"mor": "Mother", "far": "Father", "medmor": "Co-mother"},
}
_T: Final[dict[str, dict[str, str]]] = {
    "title": {
        "nb": "Fødselsmelding: barn født {dato}",
        "nn": "Fødselsmelding: barn fødd {dato}",
        "en": "Birth notice: child born {dato}",
    },
    "summary": {
        "nb": "Folkeregisteret har registrert en fødsel i kommunen. Tilby hjemmebesøk.",
        "nn": "Folkeregisteret har registrert ein fødsel i kommunen. Tilby heimebesøk.",
        "en": "The population register has registered a birth in the municipality. Offer a "
        "home visit.",
    },
    "intro": {
        "nb": "Til helsestasjonen i {kommune}. Et barn som bor i kommunen, er født. Tilby "
        "familien hjemmebesøk etter fødselen ([forskrift om helsestasjons- og "
        "skolehelsetjenesten]({lov})).",
        "nn": "Til helsestasjonen i {kommune}. Eit barn som bur i kommunen, er fødd. Tilby "
        "familien heimebesøk etter fødselen ([forskrift om helsestasjons- og "
        "skolehelsetenesta]({lov})).",
        "en": "To the child health centre in {kommune}. A child living in the municipality has "
        "been born. Offer the family a home visit after the birth ([regulation on the health "
        "centre and school health service]({lov})).",
    },
    "child": {"nb": "# Barnet", "nn": "# Barnet", "en": "# The child"},
    "name": {"nb": "Navn: {navn}", "nn": "Namn: {navn}", "en": "Name: {navn}"},
    "unnamed": {
        "nb": "Navn: ikke meldt ennå",
        "nn": "Namn: ikkje meldt enno",
        "en": "Name: not reported yet",
    },
    "born": {"nb": "Født: {dato}", "nn": "Fødd: {dato}", "en": "Born: {dato}"},
    "address": {"nb": "Adresse: {adresse}", "nn": "Adresse: {adresse}", "en": "Address: {adresse}"},
    "protected": {
        "nb": "Adressen er beskyttet og står ikke i denne meldingen. Ta kontakt med foreldrene.",
        "nn": "Adressa er verna og står ikkje i denne meldinga. Ta kontakt med foreldra.",
        "en": "The address is protected and is not in this notice. Contact the parents.",
    },
    "no_address": {
        "nb": "Adresse: ikke registrert",
        "nn": "Adresse: ikkje registrert",
        "en": "Address: not registered",
    },
    "parents": {"nb": "# Foreldrene", "nn": "# Foreldra", "en": "# The parents"},
    "email": {"nb": "e-post {v}", "nn": "e-post {v}", "en": "e-mail {v}"},
    "mobile": {"nb": "mobil {v}", "nn": "mobil {v}", "en": "mobile {v}"},
    "reserved": {
        "nb": "reservert mot digital kontakt",
        "nn": "reservert mot digital kontakt",
        "en": "reserved against digital contact",
    },
    "no_contact": {
        "nb": "ingen kontaktinformasjon i KRR",
        "nn": "ingen kontaktinformasjon i KRR",
        "en": "no contact details in KRR",
    },
    "none": {
        "nb": "Ingen foreldre er registrert.",
        "nn": "Ingen foreldre er registrerte.",
        "en": "No parents are registered.",
    },
}


def _parent_line(parent: Parent, language: str) -> str:
    details = []
    if parent.epost:
        details.append(_T["email"][language].format(v=parent.epost))
    if parent.mobil:
        details.append(_T["mobile"][language].format(v=parent.mobil))
    if parent.reservert:
        details.append(_T["reserved"][language])
    if not details:
        details.append(_T["no_contact"][language])
    name = parent.name or "–"
    return f"- {_ROLE[language][parent.role]}: {name} ({', '.join(details)})"


def render(municipality: Municipality, notice: Notice) -> list[Content]:
    contents = []
    for language in ("nb", "nn", "en"):
        dato = long_date(notice.birth.foedselsdato, language)
        lines = [
            _T["child"][language],
            _T["name"][language].format(navn=notice.child_name)
            if notice.child_name
            else _T["unnamed"][language],
            _T["born"][language].format(dato=dato),
        ]
        if notice.protected:
            lines.append(_T["protected"][language])
        elif notice.address:
            lines.append(_T["address"][language].format(adresse=", ".join(notice.address)))
        else:
            lines.append(_T["no_address"][language])
        parents = [_parent_line(p, language) for p in notice.parents] or [_T["none"][language]]
        body = "\n\n".join(
            [
                _T["intro"][language].format(
                    kommune=municipality.navn, lov=HELSESTASJON.legal_basis[0].url
                ),
                "\n\n".join(lines),
                _T["parents"][language] + "\n" + "\n".join(parents),
            ]
        )
        contents.append(
            Content(
                language,
                _T["title"][language].format(dato=dato),
                body,
                _T["summary"][language],
            )
        )
    return contents


def notice_letter(municipality: Municipality, notice: Notice) -> Letter:
    return Letter(
        sender_orgnr=municipality.orgnr,  # the municipality files it in its own inbox
        recipient=municipality.orgnr,
        kind="informasjon",
        contents=render(municipality, notice),
        idempotent_key=helsestasjon_key(notice.birth.child),
        message_sender=municipality.navn,  # the journey names the municipality from it
        origin=ORIGIN,
    )


def handle_births(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """The bus's batch handler: tell each child's home municipality of the birth."""
    births = births_of(events)
    sent = already_sent(uow.session, [helsestasjon_key(b.child) for b in births], origin=ORIGIN)
    births = [b for b in births if helsestasjon_key(b.child) not in sent]
    if not births:
        return
    kommune_of = _home_municipalities(uow, [b.child for b in births])
    found = municipalities(uow.session, set(kommune_of.values()))
    grouped: dict[Municipality, list[Birth]] = defaultdict(list)
    for birth in births:
        municipality = found.get(kommune_of.get(birth.child, ""))
        if municipality is not None:  # no home, or a municipality not in Enhetsregisteret
            grouped[municipality].append(birth)
    readers: list[InternalReader] = []
    letters: list[Letter] = []
    for municipality, group in grouped.items():
        reader = municipal_reader(uow.database, HELSESTASJON, municipality.orgnr)
        readers.append(reader)
        letters.extend(notice_letter(municipality, n) for n in _notices(reader, group))
    if letters:
        send_letters(uow, letters)
    # Counts only: who was born where is personal data.
    log.info("helsestasjon at birth: %d births, %d notices", len(births), len(letters))
    for reader in readers:
        reader.flush(uow)
