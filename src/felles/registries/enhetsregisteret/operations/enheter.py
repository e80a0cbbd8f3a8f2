"""Registering units and changing their basic data.

``register_enhet`` registers a main entity (a fresh synthetic organisasjonsnummer unless one is
given), with its addresses, NACE code and optionally its roles; a form that must be in
Foretaksregisteret (AS, ASA, ANS, DA, NUF, SA, ...) is registered there at once, a stiftelse
in Stiftelsesregisteret, as a coordinated registration does. ``register_underenhet``
registers a sub-unit under an existing main entity. ``change_unit`` changes name, addresses,
NACE codes, employees, website or purpose; a change that changes nothing is refused, so
every event is a real change.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from felles.kernel.db import UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput
from felles.registries.enhetsregisteret import events, reference
from felles.registries.enhetsregisteret.document import normalise_name
from felles.registries.enhetsregisteret.model import Enhet
from felles.registries.enhetsregisteret.operations.common import (
    ENDRING,
    NY,
    Adresse,
    address_json,
    checked_antall_ansatte,
    checked_date,
    checked_hjemmeside,
    checked_lines,
    checked_maalform,
    checked_naeringskode,
    checked_navn,
    checked_organisasjonsform,
    checked_orgnr,
    main_entity_or_raise,
    new_orgnr,
    now,
    record,
    today,
    unit_or_raise,
)
from felles.registries.enhetsregisteret.operations.roller import (
    RolleInput,
    check_roles,
    emit_roles_changed,
    write_roles,
)

#: Forms a registration in Foretaksregisteret is voluntary for (ENK) is not in here.
FORETAKSREGISTER_FRIVILLIG: Final = frozenset({"ENK"})


def foretaksregister_pliktig(organisasjonsform: str) -> bool:
    """Whether units of this form are registered in Foretaksregisteret by law."""
    form = reference.organisasjonsformer()[organisasjonsform]
    return form.naeringsdrivende and organisasjonsform not in FORETAKSREGISTER_FRIVILLIG


def register_enhet(
    uow: UnitOfWork,
    *,
    navn: str,
    organisasjonsform: str,
    naeringskode: str | None = None,
    kommunenummer: str | None = None,
    stiftelsesdato: date | None = None,
    organisasjonsnummer: str | None = None,
    forretningsadresse: Adresse | None = None,
    postadresse: Adresse | None = None,
    antall_ansatte: int | None = None,
    hjemmeside: str | None = None,
    maalform: str = "Bokmål",
    vedtektsfestet_formaal: Sequence[str] | None = None,
    aktivitet: Sequence[str] | None = None,
    overordnet_enhet: str | None = None,
    roller: Sequence[RolleInput] = (),
    rng: random.Random | None = None,
) -> Enhet:
    """Register a main entity (enhet) and return it (with ``.organisasjonsnummer``)."""
    name = checked_navn(navn)
    form = checked_organisasjonsform(organisasjonsform, underenhet=False)
    nace = checked_naeringskode(naeringskode)
    business = address_json(
        forretningsadresse, kommunenummer=kommunenummer, field="forretningsadresse"
    )
    post = address_json(postadresse, kommunenummer=None, field="postadresse")
    stiftet = checked_date(stiftelsesdato, field="stiftelsesdato")
    ansatte = checked_antall_ansatte(antall_ansatte)
    site = checked_hjemmeside(hjemmeside)
    language = checked_maalform(maalform)
    formaal = checked_lines(vedtektsfestet_formaal, field="vedtektsfestetFormaal")
    aktiviteter = checked_lines(aktivitet, field="aktivitet")
    parent = None
    if overordnet_enhet is not None:
        parent = main_entity_or_raise(
            uow, checked_orgnr(overordnet_enhet, field="overordnetEnhet"), role="overordnetEnhet"
        ).organisasjonsnummer
    orgnr = new_orgnr(uow, organisasjonsnummer, rng)
    checked_roles = check_roles(uow, orgnr, form.kode, roller)

    when = now()
    enhet = Enhet(
        organisasjonsnummer=orgnr,
        er_underenhet=False,
        navn=name,
        navn_sok=normalise_name(name),
        organisasjonsform=form.kode,
        overordnet_enhet=parent,
        naeringskode1=nace,
        institusjonell_sektorkode=form.sektorkode,
        kommunenummer=business["kommunenummer"] if business else None,
        forretningsadresse=business,
        postadresse=post,
        antall_ansatte=ansatte,
        stiftelsesdato=stiftet,
        registreringsdato=today(),
        registrert_i_mvaregisteret=False,
        registrert_i_foretaksregisteret=foretaksregister_pliktig(form.kode),
        registrert_i_frivillighetsregisteret=False,
        registrert_i_stiftelsesregisteret=form.kode == "STI",
        konkurs=False,
        under_avvikling=False,
        under_tvangsavvikling=False,
        maalform=language,
        hjemmeside=site,
        vedtektsfestet_formaal=formaal,
        aktivitet=aktiviteter,
        opprettet=when,
        endret=when,
    )
    uow.session.add(enhet)
    record(
        uow,
        enhet,
        NY,
        events.ENHET_REGISTRERT,
        navn=name,
        organisasjonsform=form.kode,
        naeringskode=nace,
        kommunenummer=enhet.kommunenummer,
        registrertIForetaksregisteret=enhet.registrert_i_foretaksregisteret,
    )
    if checked_roles:
        write_roles(uow, enhet, checked_roles)
        uow.session.flush()
        emit_roles_changed(uow, enhet, checked_roles)
    return enhet


def register_underenhet(
    uow: UnitOfWork,
    *,
    overordnet: str,
    navn: str,
    naeringskode: str | None = None,
    kommunenummer: str | None = None,
    oppstartsdato: date | None = None,
    organisasjonsnummer: str | None = None,
    beliggenhetsadresse: Adresse | None = None,
    postadresse: Adresse | None = None,
    antall_ansatte: int | None = None,
    organisasjonsform: str | None = None,
    hjemmeside: str | None = None,
    rng: random.Random | None = None,
) -> Enhet:
    """Register a sub-unit (underenhet) under a main entity and return it.

    The form is BEDR, or AAFY under a main entity that is not næringsdrivende and not in
    the public sector (a forening, a stiftelse), unless given.
    """
    parent_orgnr = checked_orgnr(overordnet, field="overordnetEnhet")
    name = checked_navn(navn)
    nace = checked_naeringskode(naeringskode)
    location = address_json(
        beliggenhetsadresse, kommunenummer=kommunenummer, field="beliggenhetsadresse"
    )
    post = address_json(postadresse, kommunenummer=None, field="postadresse")
    started = checked_date(oppstartsdato, field="oppstartsdato")
    ansatte = checked_antall_ansatte(antall_ansatte)
    site = checked_hjemmeside(hjemmeside)
    parent = main_entity_or_raise(uow, parent_orgnr, role="overordnetEnhet")
    if organisasjonsform is None:
        parent_form = reference.organisasjonsformer()[parent.organisasjonsform]
        public = parent_form.sektorkode in {"6100", "6500"}
        organisasjonsform = "BEDR" if parent_form.naeringsdrivende or public else "AAFY"
    form = checked_organisasjonsform(organisasjonsform, underenhet=True)
    orgnr = new_orgnr(uow, organisasjonsnummer, rng)

    when = now()
    unit = Enhet(
        organisasjonsnummer=orgnr,
        er_underenhet=True,
        navn=name,
        navn_sok=normalise_name(name),
        organisasjonsform=form.kode,
        overordnet_enhet=parent.organisasjonsnummer,
        naeringskode1=nace,
        kommunenummer=location["kommunenummer"] if location else None,
        forretningsadresse=location,
        postadresse=post,
        antall_ansatte=ansatte,
        oppstartsdato=started,
        registreringsdato=today(),
        registrert_i_mvaregisteret=parent.registrert_i_mvaregisteret,
        registrert_i_foretaksregisteret=False,
        registrert_i_frivillighetsregisteret=False,
        registrert_i_stiftelsesregisteret=False,
        konkurs=False,
        under_avvikling=False,
        under_tvangsavvikling=False,
        maalform=parent.maalform,
        hjemmeside=site,
        opprettet=when,
        endret=when,
    )
    uow.session.add(unit)
    record(
        uow,
        unit,
        NY,
        events.UNDERENHET_REGISTRERT,
        navn=name,
        organisasjonsform=form.kode,
        overordnetEnhet=parent.organisasjonsnummer,
        naeringskode=nace,
        kommunenummer=unit.kommunenummer,
    )
    return unit


def change_unit(
    uow: UnitOfWork,
    *,
    orgnr: str,
    navn: str | None = None,
    forretningsadresse: Adresse | None = None,
    postadresse: Adresse | None = None,
    naeringskode: str | None = None,
    antall_ansatte: int | None = None,
    hjemmeside: str | None = None,
    vedtektsfestet_formaal: Sequence[str] | None = None,
    aktivitet: Sequence[str] | None = None,
) -> Enhet:
    """Change a unit's basic data (for a sub-unit ``forretningsadresse`` is its location).

    Arguments left as None keep their value. Refused when the unit is deleted, when nothing
    is given, or when nothing would change.
    """
    number = checked_orgnr(orgnr)
    given = {
        "navn": navn,
        "forretningsadresse": forretningsadresse,
        "postadresse": postadresse,
        "naeringskode": naeringskode,
        "antallAnsatte": antall_ansatte,
        "hjemmeside": hjemmeside,
        "vedtektsfestetFormaal": vedtektsfestet_formaal,
        "aktivitet": aktivitet,
    }
    if all(value is None for value in given.values()):
        raise InvalidInput("give at least one field to change")
    new: dict[str, Any] = {}
    if navn is not None:
        new["navn"] = checked_navn(navn)
    if forretningsadresse is not None:
        new["forretningsadresse"] = address_json(
            forretningsadresse, kommunenummer=None, field="forretningsadresse"
        )
    if postadresse is not None:
        new["postadresse"] = address_json(postadresse, kommunenummer=None, field="postadresse")
    if naeringskode is not None:
        new["naeringskode1"] = checked_naeringskode(naeringskode)
    if antall_ansatte is not None:
        new["antall_ansatte"] = checked_antall_ansatte(antall_ansatte)
    if hjemmeside is not None:
        new["hjemmeside"] = checked_hjemmeside(hjemmeside)
    if vedtektsfestet_formaal is not None:
        new["vedtektsfestet_formaal"] = checked_lines(
            vedtektsfestet_formaal, field="vedtektsfestetFormaal"
        )
    if aktivitet is not None:
        new["aktivitet"] = checked_lines(aktivitet, field="aktivitet")

    unit = unit_or_raise(uow, number)
    if unit.slettedato is not None:
        raise Conflict(f"{number} was deleted on {unit.slettedato}")
    changed = sorted(key for key, value in new.items() if getattr(unit, key) != value)
    if not changed:
        raise Conflict("nothing would change: the unit already has these values")
    for key in changed:
        setattr(unit, key, new[key])
    if "navn" in changed:
        unit.navn_sok = normalise_name(unit.navn)
    if "forretningsadresse" in changed:
        unit.kommunenummer = (unit.forretningsadresse or {}).get("kommunenummer")
    unit.endret = now()
    name = events.UNDERENHET_ENDRET if unit.er_underenhet else events.ENHET_ENDRET
    record(
        uow,
        unit,
        ENDRING,
        name,
        endredeFelt=changed,
        navn=unit.navn,
        naeringskode=unit.naeringskode1,
        kommunenummer=unit.kommunenummer,
        antallAnsatte=unit.antall_ansatte,
    )
    return unit
