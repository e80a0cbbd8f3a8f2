"""Commands of Enhetsregisteret: what they write, what they emit, and what they refuse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import is_synthetic_orgnr
from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret import queries
from felles.registries.enhetsregisteret.model import Enhet, Navnesok
from felles.registries.enhetsregisteret.operations import Adresse, RolleInput
from felles.registries.enhetsregisteret.seed import seed_public_sector
from tests.registries.enhetsregisteret.conftest import Register

NAV = "889640782"


def _as(register: Register, **kwargs: object) -> str:
    values: dict[str, object] = {
        "navn": "Fjord og Fjell AS",
        "organisasjonsform": "AS",
        "naeringskode": "62.010",
        "kommunenummer": "0301",
    } | kwargs
    return register.orgnr(ops.register_enhet, **values)


# ------------------------------------------------------------------------- registering


def test_register_enhet_issues_a_synthetic_number_and_records_the_change(
    register: Register,
) -> None:
    orgnr = _as(register, stiftelsesdato=date(2025, 5, 20))
    assert is_synthetic_orgnr(orgnr) and orgnr[0] == "3"
    unit = register.unit(orgnr)
    assert unit.organisasjonsform == "AS" and unit.naeringskode1 == "62.010"
    assert unit.registrert_i_foretaksregisteret, "an AS is registered in Foretaksregisteret"
    assert unit.institusjonell_sektorkode == "2100"
    assert unit.forretningsadresse is not None
    assert unit.forretningsadresse["kommune"] == "OSLO"
    assert unit.registreringsdato == register.clock.today()
    (event,) = register.events()
    assert event["type"] == "enhetRegistrert" and event["endringstype"] == "Ny"
    assert event["organisasjonsnummer"] == orgnr and event["oppdateringsid"] == 1


def test_register_enhet_with_given_number_address_and_roles(register: Register) -> None:
    dagl, leder = register.person(fornavn="Dagny"), register.person(fornavn="Leif")
    revisor = _as(register, navn="Revisjon og Råd AS", naeringskode="69.202")
    orgnr = _as(
        register,
        organisasjonsnummer="312 345 676",
        forretningsadresse=Adresse(adresse=["Storgata 1"], postnummer="0155"),
        roller=[
            RolleInput("DAGL", person=dagl),
            RolleInput("LEDE", person=leder),
            RolleInput("REVI", enhet=revisor),
        ],
    )
    assert orgnr == "312345676"
    unit = register.unit(orgnr)
    assert unit.forretningsadresse == {
        "adresse": ["Storgata 1"],
        "postnummer": "0155",
        "poststed": "OSLO",
        "kommunenummer": "0301",
        "kommune": "OSLO",
        "landkode": "NO",
        "land": "Norge",
    }
    types = [e["type"] for e in register.events()]
    assert types == ["enhetRegistrert", "enhetRegistrert", "rollerEndret"]
    assert register.events()[-1]["rolletyper"] == ["DAGL", "LEDE", "REVI"]
    assert dagl not in str(register.events()), "events never carry a fødselsnummer"
    with register.database.read_session() as session:
        assert queries.roles_held_by_person(session, ident=dagl) == [(orgnr, "DAGL")]


def test_register_underenhet_under_its_main_entity(register: Register) -> None:
    main = _as(register)
    sub = register.orgnr(
        ops.register_underenhet,
        overordnet=main,
        navn="Fjord og Fjell AS avd Bergen",
        kommunenummer="4601",
        oppstartsdato=date(2025, 6, 1),
    )
    with register.database.read_session() as session:
        status = queries.unit_status(session, orgnr=sub)
    assert status == queries.UnitStatus(
        organisasjonsnummer=sub,
        navn="Fjord og Fjell AS avd Bergen",
        organisasjonsform="BEDR",
        er_underenhet=True,
        overordnet_enhet=main,
        slettet=False,
        konkurs=False,
    )
    assert register.events()[-1]["type"] == "underenhetRegistrert"


def test_sub_unit_of_a_forening_is_aafy(register: Register) -> None:
    forening = _as(register, navn="Bygdelaget", organisasjonsform="FLI", naeringskode=None)
    sub = register.run(ops.register_underenhet, overordnet=forening, navn="Bygdelagets hus")
    assert sub.organisasjonsform == "AAFY"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"organisasjonsnummer": "312345677"}, "check digit"),
        ({"organisasjonsnummer": "31234567"}, "9 digits"),
        ({"naeringskode": "62.011"}, "unknown SN2007 code"),
        ({"organisasjonsform": "XYZ"}, "unknown code"),
        ({"organisasjonsform": "BEDR"}, "cannot be used for a main entity"),
        ({"kommunenummer": "0000"}, "no municipality"),
        ({"navn": "   "}, "must not be empty"),
        ({"navn": "x" * 181}, "longer than 180"),
        ({"stiftelsesdato": date(2025, 6, 2)}, "in the future"),
        ({"antall_ansatte": -1}, "antallAnsatte"),
        ({"forretningsadresse": Adresse(postnummer="0000")}, "Posten"),
        ({"roller": [RolleInput("XXXX", person="17868549939")]}, "unknown code"),
        ({"roller": [RolleInput("DAGL")]}, "either person or enhet"),
        ({"roller": [RolleInput("INNH", person="17868549939")]}, "ENK only"),
        ({"roller": [RolleInput("DAGL", person="17868549930")]}, "check digit"),
    ],
)
def test_invalid_input_is_refused_with_nothing_written(
    register: Register, values: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {"navn": "Fjord AS", "organisasjonsform": "AS"}
    detail = register.refused(InvalidInput, ops.register_enhet, **(base | values))
    assert message in detail


def test_roles_need_a_living_person_or_an_existing_entity(register: Register) -> None:
    dead = register.person(doed=True)
    unknown_person = "17868549939"
    base = {"navn": "Fjord AS", "organisasjonsform": "AS"}
    detail = register.refused(
        Conflict, ops.register_enhet, **base, roller=[RolleInput("DAGL", person=dead)]
    )
    assert "dead" in detail
    detail = register.refused(
        NotFound, ops.register_enhet, **base, roller=[RolleInput("DAGL", person=unknown_person)]
    )
    assert "Folkeregisteret" in detail
    register.refused(
        NotFound, ops.register_enhet, **base, roller=[RolleInput("REVI", enhet="312345676")]
    )
    register.refused(
        InvalidInput, ops.register_enhet, **base, roller=[RolleInput("DAGL", enhet=NAV)]
    )


def test_one_daglig_leder_and_no_duplicates(register: Register) -> None:
    a, b = register.person(), register.person()
    base = {"navn": "Fjord AS", "organisasjonsform": "AS"}
    register.refused(
        InvalidInput,
        ops.register_enhet,
        **base,
        roller=[RolleInput("DAGL", person=a), RolleInput("DAGL", person=b)],
    )
    register.refused(
        InvalidInput,
        ops.register_enhet,
        **base,
        roller=[RolleInput("MEDL", person=a), RolleInput("MEDL", person=a)],
    )


def test_a_number_already_taken_is_a_conflict(register: Register) -> None:
    orgnr = _as(register)
    register.refused(
        Conflict,
        ops.register_enhet,
        navn="Annen AS",
        organisasjonsform="AS",
        organisasjonsnummer=orgnr,
    )


def test_sub_unit_needs_an_existing_main_entity(register: Register) -> None:
    register.refused(NotFound, ops.register_underenhet, overordnet="312345676", navn="Avd")
    main = _as(register)
    sub = register.orgnr(ops.register_underenhet, overordnet=main, navn="Avd")
    detail = register.refused(Conflict, ops.register_underenhet, overordnet=sub, navn="Avd 2")
    assert "sub-unit" in detail
    register.run(ops.delete_unit, orgnr=main)
    register.refused(Conflict, ops.register_underenhet, overordnet=main, navn="Avd 3")


# ----------------------------------------------------------------------------- changes


def test_change_unit_changes_only_what_differs(register: Register) -> None:
    orgnr = _as(register)
    register.run(
        ops.change_unit,
        orgnr=orgnr,
        navn="Fjell og Fjord AS",
        antall_ansatte=12,
        forretningsadresse=Adresse(kommunenummer="4601"),
    )
    unit = register.unit(orgnr)
    assert (unit.navn, unit.navn_sok, unit.antall_ansatte) == (
        "Fjell og Fjord AS",
        "fjell og fjord as",
        12,
    )
    assert unit.kommunenummer == "4601"
    event = register.events()[-1]
    assert event["type"] == "enhetEndret" and event["endringstype"] == "Endring"
    assert event["endredeFelt"] == ["antall_ansatte", "forretningsadresse", "navn"]
    register.refused(Conflict, ops.change_unit, orgnr=orgnr, antall_ansatte=12)
    register.refused(InvalidInput, ops.change_unit, orgnr=orgnr)
    register.refused(InvalidInput, ops.change_unit, orgnr=orgnr, naeringskode="99.999")
    register.refused(NotFound, ops.change_unit, orgnr="312345676", navn="X")


def test_set_roles_keeps_dates_of_roles_that_stay(register: Register) -> None:
    a, b, c = register.person(), register.person(), register.person()
    orgnr = _as(register, roller=[RolleInput("DAGL", person=a), RolleInput("LEDE", person=b)])
    register.clock.advance(timedelta(days=3))
    register.run(
        ops.set_roles,
        orgnr=orgnr,
        roller=[RolleInput("DAGL", person=a), RolleInput("LEDE", person=c)],
    )
    with register.database.read_session() as session:
        enhet = queries.get_unit(session, orgnr=orgnr)
        assert enhet is not None
        roles = {
            (r.rolletype, r.person_ident): r.registrert
            for r in queries.roles_of(session, enhet_id=enhet.id)
        }
    assert roles == {("DAGL", a): date(2025, 6, 1), ("LEDE", c): date(2025, 6, 4)}
    register.refused(
        Conflict,
        ops.set_roles,
        orgnr=orgnr,
        roller=[RolleInput("DAGL", person=a), RolleInput("LEDE", person=c)],
    )


# ------------------------------------------------------------------ other registers, end


def test_registers_bankruptcy_dissolution(register: Register) -> None:
    forening = _as(register, navn="Bygdelaget", organisasjonsform="FLI", naeringskode=None)
    register.run(ops.register_in_frivillighetsregisteret, orgnr=forening)
    register.refused(Conflict, ops.register_in_frivillighetsregisteret, orgnr=forening)
    register.refused(Conflict, ops.register_in_foretaksregisteret, orgnr=forening)

    enk = _as(
        register, navn="Kari Nordmann Snekker", organisasjonsform="ENK", naeringskode="43.320"
    )
    assert not register.unit(enk).registrert_i_foretaksregisteret
    register.run(ops.register_in_foretaksregisteret, orgnr=enk)
    register.run(ops.register_in_mvaregisteret, orgnr=enk)
    register.refused(Conflict, ops.register_in_mvaregisteret, orgnr=enk)
    register.run(ops.register_bankruptcy, orgnr=enk, konkursdato=date(2025, 5, 30))
    register.refused(Conflict, ops.register_bankruptcy, orgnr=enk)
    register.run(ops.register_dissolution, orgnr=enk)
    register.run(ops.register_dissolution, orgnr=enk, tvangsavvikling=True)
    register.refused(Conflict, ops.register_dissolution, orgnr=enk)
    unit = register.unit(enk)
    assert (unit.registrert_i_foretaksregisteret, unit.registrert_i_mvaregisteret) == (True, True)
    assert (unit.konkurs, unit.konkursdato) == (True, date(2025, 5, 30))
    assert unit.under_avvikling and unit.under_tvangsavvikling
    with register.database.read_session() as session:
        assert queries.unit_status(session, orgnr=enk).konkurs  # type: ignore[union-attr]
    names = [e["type"] for e in register.events() if e["organisasjonsnummer"] == enk]
    assert names == [
        "enhetRegistrert",
        "registrertIForetaksregisteret",
        "registrertIMvaregisteret",
        "konkurs",
        "underAvvikling",
        "underAvvikling",
    ]


def test_delete_takes_sub_units_and_roles_with_it(register: Register) -> None:
    person = register.person()
    main = _as(register, roller=[RolleInput("DAGL", person=person)])
    subs = [
        register.orgnr(ops.register_underenhet, overordnet=main, navn=f"Avd {i}") for i in range(2)
    ]
    register.run(ops.delete_unit, orgnr=subs[0], slettedato=date(2025, 5, 1))
    register.run(ops.delete_unit, orgnr=main)
    with register.database.read_session() as session:
        statuses = queries.units_status(session, orgnrs=[main, *subs, "312345676"])
        enhet = queries.get_unit(session, orgnr=main)
        assert enhet is not None and queries.roles_of(session, enhet_id=enhet.id) == []
    assert set(statuses) == {main, *subs}
    assert all(s.slettet for s in statuses.values())
    assert register.unit(subs[0]).slettedato == date(2025, 5, 1)
    deletions = [e for e in register.events() if e.get("endringstype") == "Sletting"]
    assert [e["organisasjonsnummer"] for e in deletions] == [subs[0], subs[1], main]
    register.refused(Conflict, ops.delete_unit, orgnr=main)
    register.refused(Conflict, ops.change_unit, orgnr=main, navn="Ny")
    register.refused(Conflict, ops.register_bankruptcy, orgnr=main)


# ------------------------------------------------------------------------ public sector


def test_seed_public_sector_is_idempotent(register: Register) -> None:
    added = seed_public_sector(register.database)
    assert added == 357 + 14 + 11 + 2  # + Posten Norge AS and Oslo tingrett
    assert seed_public_sector(register.database) == 0
    with register.database.read_session() as session:
        nav = queries.unit_status(session, orgnr=NAV)
        oslo = queries.unit_status(session, orgnr="958935420")
    assert nav is not None and nav.navn == "ARBEIDS- OG VELFERDSETATEN"
    assert oslo is not None and oslo.organisasjonsform == "KOMM"
    with register.database.unit_of_work() as uow:
        assert seed_public_sector(uow) == 0


# ------------------------------------------------------------------------- name search


def _search_rows(register: Register) -> dict[str, tuple[bool, str]]:
    with register.database.read_session() as session:
        rows = session.execute(
            select(Navnesok.organisasjonsnummer, Navnesok.er_underenhet, Navnesok.navn_sok)
        ).all()
    return {orgnr: (underenhet, navn) for orgnr, underenhet, navn in rows}


def test_the_name_search_table_follows_every_change_of_the_units(register: Register) -> None:
    orgnr = _as(register)
    sub = register.orgnr(ops.register_underenhet, overordnet=orgnr, navn="Fjellet Avd")
    assert _search_rows(register) == {
        orgnr: (False, "fjord og fjell as"),
        sub: (True, "fjellet avd"),
    }
    register.run(ops.change_unit, orgnr=orgnr, navn="Bre og Dal AS")
    assert _search_rows(register)[orgnr] == (False, "bre og dal as")
    register.run(ops.delete_unit, orgnr=orgnr)
    assert _search_rows(register) == {}, "deleted units (and their sub-units) are not searched"
    # Written by the database itself, so a bulk load or plain SQL keeps it right too.
    other = _as(register, navn="Vidde AS")
    with register.database.engine.begin() as connection:
        connection.execute(
            update(Enhet).where(Enhet.organisasjonsnummer == other).values(navn_sok="hei")
        )
    assert _search_rows(register) == {other: (False, "hei")}
