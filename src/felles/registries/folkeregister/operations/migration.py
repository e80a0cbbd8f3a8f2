"""Immigration (bosatt with a fødselsnummer, or midlertidig with a D-nummer) and emigration."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from felles.kernel.batch import Batch, single
from felles.kernel.clock import get_clock
from felles.kernel.errors import InvalidInput, Problem
from felles.kernel.ids import person_input
from felles.registries.folkeregister import events as ev
from felles.registries.folkeregister.document import DEFAULT_KILDE
from felles.registries.folkeregister.model import Person
from felles.registries.folkeregister.operations.common import (
    NO_ADDRESS,
    Changes,
    IdentWanted,
    address_values,
    check_bruksenhetsnummer,
    check_country,
    check_foreign_country,
    check_kjoenn,
    check_name,
    check_not_before,
    check_not_future,
    claim_people,
    creation_meta,
    insert_people,
    issue_idents,
    lock_people,
    no_free_ident,
    require_resident,
    resolve,
    vegadresser,
)

if TYPE_CHECKING:
    from felles.kernel.db import UnitOfWork


@dataclass(frozen=True, slots=True)
class Immigration:
    """A newcomer; ``d_nummer`` registers a short stay (midlertidig) without an address."""

    fornavn: str
    etternavn: str
    foedselsdato: date
    kjoenn: str
    statsborgerskap: Sequence[str]
    fraflyttingsland: str
    innflyttingsdato: date
    mellomnavn: str | None = None
    adresse_id: int | None = None
    bruksenhetsnummer: str | None = None
    d_nummer: bool = False
    foedeland: str | None = None
    kilde: str = DEFAULT_KILDE


@dataclass(frozen=True, slots=True)
class Emigration:
    ident: str
    tilflyttingsland: str
    utflyttingsdato: date
    kilde: str = DEFAULT_KILDE


def _check_immigration(item: Immigration) -> None:
    check_name(item.fornavn, field="fornavn")
    check_name(item.mellomnavn, field="mellomnavn", required=False)
    check_name(item.etternavn, field="etternavn")
    check_kjoenn(item.kjoenn)
    check_not_future(item.foedselsdato, field="foedselsdato")
    check_not_future(item.innflyttingsdato, field="innflyttingsdato")
    check_not_before(
        item.innflyttingsdato, item.foedselsdato, field="innflyttingsdato", what="foedselsdato"
    )
    if not item.statsborgerskap:
        raise InvalidInput("statsborgerskap must name at least one country")
    for code in item.statsborgerskap:
        check_country(code, field="statsborgerskap")
    check_foreign_country(item.fraflyttingsland, field="fraflyttingsland")
    if item.adresse_id is None and not item.d_nummer:
        raise InvalidInput("A person who settles in Norway (fødselsnummer) needs an address")
    check_bruksenhetsnummer(item.bruksenhetsnummer)
    if item.foedeland is not None:
        check_country(item.foedeland, field="foedeland")


def _newcomer_row(item: Immigration, ident: str, address: dict[str, Any]) -> dict[str, Any]:
    now = get_clock().now()
    return {
        "ident": ident,
        "identifikatortype": "dNummer" if item.d_nummer else "foedselsnummer",
        "status": "midlertidig" if item.d_nummer else "bosatt",
        "fornavn": item.fornavn,
        "mellomnavn": item.mellomnavn,
        "etternavn": item.etternavn,
        "foedselsdato": item.foedselsdato,
        "foedekommune": None,
        "foedeland": item.foedeland or item.statsborgerskap[0],
        "kjoenn": item.kjoenn,
        "doedsdato": None,
        "sivilstand": "uoppgitt",
        "sivilstandsdato": None,
        "sivilstand_relatert_id": None,
        "foreldreansvar": None,
        "adressebeskyttelse": "ugradert",
        "statsborgerskap": ",".join(dict.fromkeys(item.statsborgerskap)),
        "statsborgerskap_ervervsdato": None,
        "innflyttet_fra": item.fraflyttingsland,
        "innflyttingsdato": item.innflyttingsdato,
        "utflyttet_til": None,
        "utflyttingsdato": None,
        "opprettet": now,
        "endret": now,
        "element_meta": creation_meta(now, kilde=item.kilde, aarsak="innflytting"),
        **NO_ADDRESS,
        **address,
    }


def register_immigrations(
    uow: UnitOfWork, *, immigrations: Sequence[Immigration], rng: random.Random | None = None
) -> list[Person | Problem]:
    """Register many newcomers at once; per item the new person or the ``Problem``.

    Addresses are read in one statement, numbers issued together and the people
    inserted in one statement.
    """
    batch: Batch[Person] = Batch(len(immigrations))
    batch.each(lambda index: _check_immigration(immigrations[index]))
    session = uow.session
    wanted = {immigrations[i].adresse_id for i in batch.open()}
    adressen = vegadresser(session, [a for a in wanted if a is not None])

    def check_address(index: int) -> dict[str, Any]:
        item = immigrations[index]
        if item.adresse_id is None:
            return {}
        adresse = adressen.get(item.adresse_id)
        if adresse is None:
            raise InvalidInput("No address with this adresseIdentifikatorFraMatrikkelen exists")
        return address_values(
            adresse, bruksenhetsnummer=item.bruksenhetsnummer, flyttedato=item.innflyttingsdato
        )

    addresses = batch.each(check_address)

    accepted = batch.open()
    idents = issue_idents(
        session,
        [
            IdentWanted(
                immigrations[i].foedselsdato, immigrations[i].kjoenn, immigrations[i].d_nummer
            )
            for i in accepted
        ],
        rng=rng,
    )
    rows, created = [], []
    for index, ident in zip(accepted, idents, strict=True):
        item = immigrations[index]
        if ident is None:
            batch.refuse(index, no_free_ident(d_number=item.d_nummer))
            continue
        rows.append(_newcomer_row(item, ident, addresses[index]))
        created.append(index)
    for index, person in zip(created, insert_people(session, rows), strict=True):
        item = immigrations[index]
        batch.done(index, person)
        ev.hendelse(uow, person, ev.PERSON_ER_OPPRETTET)
        ev.hendelse(uow, person, ev.ENDRING_I_INNFLYTTING, fraflyttingsland=item.fraflyttingsland)
        if not item.d_nummer:
            ev.hendelse(uow, person, ev.PERSON_ER_BOSATT)
    return batch.results()


def register_immigration(
    uow: UnitOfWork,
    *,
    fornavn: str,
    mellomnavn: str | None = None,
    etternavn: str,
    foedselsdato: date,
    kjoenn: str,
    statsborgerskap: list[str],
    fraflyttingsland: str,
    innflyttingsdato: date,
    adresse_id: int | None = None,
    bruksenhetsnummer: str | None = None,
    d_nummer: bool = False,
    foedeland: str | None = None,
    rng: random.Random | None = None,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a newcomer: bosatt with a fødselsnummer, or midlertidig with a D-nummer."""
    item = Immigration(
        fornavn=fornavn,
        mellomnavn=mellomnavn,
        etternavn=etternavn,
        foedselsdato=foedselsdato,
        kjoenn=kjoenn,
        statsborgerskap=statsborgerskap,
        fraflyttingsland=fraflyttingsland,
        innflyttingsdato=innflyttingsdato,
        adresse_id=adresse_id,
        bruksenhetsnummer=bruksenhetsnummer,
        d_nummer=d_nummer,
        foedeland=foedeland,
        kilde=kilde,
    )
    return single(register_immigrations(uow, immigrations=[item], rng=rng))


def register_emigrations(
    uow: UnitOfWork, *, emigrations: Sequence[Emigration]
) -> list[Person | Problem]:
    """Register many emigrations at once; per item the emigrant or the ``Problem``."""
    batch: Batch[Person] = Batch(len(emigrations))

    def check_input(index: int) -> str:
        item = emigrations[index]
        check_foreign_country(item.tilflyttingsland, field="tilflyttingsland")
        check_not_future(item.utflyttingsdato, field="utflyttingsdato")
        return person_input(item.ident, role="person")

    idents = batch.each(check_input)
    session = uow.session
    people = lock_people(session, set(idents.values()))

    def check_person(index: int) -> Person:
        person = resolve(people, {"person": idents[index]})["person"]
        require_resident(person, role="person")
        day = emigrations[index].utflyttingsdato
        check_not_before(day, person.foedselsdato, field="utflyttingsdato", what="foedselsdato")
        check_not_before(
            day, person.flyttedato, field="utflyttingsdato", what="the current address's flyttedato"
        )
        return person

    leaving = {
        index: person
        for index, person in batch.each(check_person).items()
        if claim_people(batch, index, [person])
    }

    changes = Changes(get_clock().now())
    accepted = batch.open()
    for index in accepted:
        person, item = leaving[index], emigrations[index]
        kilde = item.kilde
        changes.change(
            person, "status", {"status": "utflyttet"},
            kilde=kilde, aarsak="utflytting", gyldig_fra=item.utflyttingsdato,
        )  # fmt: skip
        changes.change(person, "bostedsadresse", NO_ADDRESS, kilde=kilde, aarsak="utflytting")
        values = {"utflyttet_til": item.tilflyttingsland, "utflyttingsdato": item.utflyttingsdato}
        changes.change(person, "utflytting", values, kilde=kilde, aarsak="utflytting")
    changes.write(session)
    for index in accepted:
        person, item = leaving[index], emigrations[index]
        batch.done(index, person)
        ev.hendelse(uow, person, ev.PERSON_ER_UTFLYTTET)
        ev.hendelse(
            uow,
            person,
            ev.ENDRING_I_UTFLYTTING,
            tilflyttingsland=item.tilflyttingsland,
            utflyttingsdato=item.utflyttingsdato,
        )
    return batch.results()


def register_emigration(
    uow: UnitOfWork,
    *,
    ident: str,
    tilflyttingsland: str,
    utflyttingsdato: date,
    kilde: str = DEFAULT_KILDE,
) -> Person:
    """Register a resident's emigration: status utflyttet, the bostedsadresse ends."""
    item = Emigration(
        ident=ident, tilflyttingsland=tilflyttingsland, utflyttingsdato=utflyttingsdato, kilde=kilde
    )
    return single(register_emigrations(uow, emigrations=[item]))
