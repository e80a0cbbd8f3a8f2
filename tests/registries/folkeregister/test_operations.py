"""Folkeregisteret's commands: what each changes, emits, and refuses (writing nothing)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.kernel.ids import parse_person_identifier
from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.model import Familierelasjon, Historikk, TidligereIdent
from tests.registries.folkeregister.conftest import (
    FJORDVEIEN,
    HEMMELIGVEIEN,
    SOLBAKKEN,
    STORGATA,
    Register,
)

TODAY = date(2025, 6, 1)  # the clock fixture's day
UNKNOWN = "01815049914"  # a valid synthetic fnr (1950-01-01) that nobody in these tests has


def _couple(frg: Register, *, married: bool = True, same_address: bool = True) -> tuple[str, str]:
    mor = frg.person(foedselsdato=date(1990, 4, 2), kjoenn="kvinne")
    far = frg.person(
        foedselsdato=date(1988, 7, 9),
        kjoenn="mann",
        adresse_id=STORGATA if same_address else FJORDVEIEN,
    )
    if married:
        frg.run(ops.register_marriage, ident_a=mor, ident_b=far, dato=date(2015, 6, 20))
    return mor, far


def _events_since(frg: Register, seq: int) -> list[tuple[str, str]]:
    with frg.database.read_session() as session:
        entries = queries.feed(session, seq=seq)
    return [
        (e["hendelse"]["hendelsetype"], e["hendelse"]["folkeregisteridentifikator"])
        for e in entries
    ]


def _last_seq(frg: Register) -> int:
    with frg.database.read_session() as session:
        return queries.last_sequence_number(session)


def _relations(frg: Register, person_id: int) -> set[tuple[int, str, str, bool]]:
    with frg.database.read_session() as session:
        rows = session.scalars(
            select(Familierelasjon).where(Familierelasjon.person_id == person_id)
        )
        return {
            (
                r.relatert_person_id,
                r.relatert_persons_rolle,
                r.min_rolle_for_person,
                r.opphoerstidspunkt is None,
            )
            for r in rows
        }


def _history(frg: Register, person_id: int, element: str) -> list[Historikk]:
    with frg.database.read_session() as session:
        rows = list(
            session.scalars(
                select(Historikk).where(
                    Historikk.person_id == person_id, Historikk.element == element
                )
            )
        )
        session.expunge_all()
        return rows


# ------------------------------------------------------------------------------------------
# Births
# ------------------------------------------------------------------------------------------


def test_a_birth_registers_the_child_with_both_parents(frg: Register) -> None:
    mor, far = _couple(frg)
    seq = _last_seq(frg) + 1
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2025, 5, 20),
        kjoenn="mann",
        fornavn="Lars",
    )
    identifier = parse_person_identifier(child.ident)
    assert identifier.is_synthetic and identifier.kind == "foedselsnummer"
    assert identifier.birth_date == date(2025, 5, 20) and identifier.sex == "mann"
    assert child.etternavn == "Nordmann"
    assert (child.status, child.sivilstand, child.foedeland) == ("bosatt", "ugift", "NOR")
    assert child.foedekommune == "0301" and child.statsborgerskap == "NOR"
    assert (child.adresse_id, child.bruksenhetsnummer) == (STORGATA, "H0101")
    assert child.flyttedato == date(2025, 5, 20)
    assert child.foreldreansvar == "felles"

    mother, father = frg.get(mor), frg.get(far)
    assert _relations(frg, child.id) == {
        (mother.id, "mor", "barn", True),
        (father.id, "far", "barn", True),
    }
    assert (child.id, "barn", "mor", True) in _relations(frg, mother.id)
    assert (child.id, "barn", "far", True) in _relations(frg, father.id)
    assert _events_since(frg, seq) == [
        ("personErOpprettet", child.ident),
        ("endringIFoedsel", child.ident),
        ("endringIFamilierelasjon", child.ident),
        ("endringIFamilierelasjon", mor),
        ("endringIFamilierelasjon", far),
    ]


def test_foreldreansvar_is_the_mothers_unless_the_parents_are_married_or_live_together(
    frg: Register,
) -> None:
    mor, far = _couple(frg, married=False, same_address=False)
    alone = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2024, 1, 5),
        kjoenn="kvinne",
        fornavn="Ida",
    )
    assert alone.foreldreansvar == "mor"
    without_father = frg.run(
        ops.register_birth, mor=mor, foedselsdato=date(2025, 1, 5), kjoenn="kvinne", fornavn="Eva"
    )
    assert without_father.foreldreansvar == "mor"
    mor2, far2 = _couple(frg, married=False, same_address=True)
    together = frg.run(
        ops.register_birth,
        mor=mor2,
        far_eller_medmor=far2,
        foedselsdato=date(2025, 2, 5),
        kjoenn="mann",
        fornavn="Per",
    )
    assert together.foreldreansvar == "felles"


def test_a_medmor_and_citizenship_from_either_parent(frg: Register) -> None:
    mor = frg.person(statsborgerskap="SWE")
    medmor = frg.person(foedselsdato=date(1984, 2, 2), statsborgerskap="NOR")
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=medmor,
        medmor=True,
        foedselsdato=date(2025, 3, 3),
        kjoenn="kvinne",
        fornavn="Siri",
    )
    assert child.statsborgerskap == "NOR"
    assert ("medmor", "barn") in {(r[1], r[2]) for r in _relations(frg, child.id)}
    swedes = frg.person(foedselsdato=date(1991, 1, 1), statsborgerskap="SWE,FIN")
    other = frg.run(
        ops.register_birth,
        mor=swedes,
        foedselsdato=date(2025, 3, 3),
        kjoenn="kvinne",
        fornavn="Alva",
    )
    assert other.statsborgerskap == "SWE,FIN"
    assert other.ident != child.ident  # same date and sex: the next free number


def test_a_child_of_a_protected_mother_inherits_the_protection(frg: Register) -> None:
    mor = frg.person(adresse_id=HEMMELIGVEIEN, adressebeskyttelse="strengtFortrolig")
    child = frg.run(
        ops.register_birth, mor=mor, foedselsdato=date(2025, 5, 1), kjoenn="mann", fornavn="Tor"
    )
    assert child.adressebeskyttelse == "strengtFortrolig"
    assert child.foedekommune is None  # would reveal the mother's municipality


def test_a_father_who_died_within_300_days_can_be_registered(frg: Register) -> None:
    mor, far = _couple(frg)
    frg.run(ops.register_death, ident=far, doedsdato=date(2024, 11, 1))
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2025, 5, 1),
        kjoenn="mann",
        fornavn="Jon",
    )
    assert child.foreldreansvar == "mor"  # a dead parent holds no responsibility


@pytest.mark.parametrize(
    ("problem", "changes", "fragment"),
    [
        (InvalidInput, {"foedselsdato": TODAY + timedelta(days=1)}, "future"),
        (InvalidInput, {"foedselsdato": date(1980, 1, 1)}, "before mor's birth"),
        (InvalidInput, {"kjoenn": "ukjent"}, "kjoenn"),
        (InvalidInput, {"fornavn": " "}, "fornavn"),
        (InvalidInput, {"mor": "12345678901"}, "mor: fødselsnummer has a bad check digit"),
        (NotFound, {"mor": UNKNOWN}, "mor: no person"),
        (InvalidInput, {"foedekommune": "Oslo"}, "kommunenummer"),
    ],
)
def test_a_birth_is_refused_for_bad_input(
    frg: Register, problem: type[Exception], changes: dict[str, object], fragment: str
) -> None:
    mor = frg.person(foedselsdato=date(1990, 1, 1))
    request = {"mor": mor, "foedselsdato": date(2025, 5, 1), "kjoenn": "kvinne", "fornavn": "A"}
    detail = frg.refused(problem, ops.register_birth, **(request | changes))
    assert fragment in detail
    assert mor not in detail


def test_a_birth_is_refused_when_a_parent_cannot_be_one(frg: Register) -> None:
    mor, far = _couple(frg)
    birth = {"foedselsdato": date(2025, 5, 1), "kjoenn": "kvinne", "fornavn": "A"}
    assert "same person" in frg.refused(
        InvalidInput, ops.register_birth, mor=mor, far_eller_medmor=mor, **birth
    )
    frg.run(ops.register_death, ident=far, doedsdato=date(2024, 6, 1))
    detail = frg.refused(Conflict, ops.register_birth, mor=mor, far_eller_medmor=far, **birth)
    assert "300 days" in detail and far not in detail
    dead_mother = frg.person(doedsdato=date(2024, 1, 1), status="doed")
    assert "mor is registered as dead" in frg.refused(
        Conflict, ops.register_birth, mor=dead_mother, **birth
    )
    emigrated = frg.person(status="utflyttet", adresse_id=None)
    assert "not registered as resident" in frg.refused(
        Conflict, ops.register_birth, mor=emigrated, **birth
    )


# ------------------------------------------------------------------------------------------
# Deaths
# ------------------------------------------------------------------------------------------


def test_a_death_widows_the_spouse(frg: Register) -> None:
    mor, far = _couple(frg)
    seq = _last_seq(frg) + 1
    deceased = frg.run(ops.register_death, ident=far, doedsdato=date(2025, 5, 30))
    assert (deceased.status, deceased.doedsdato) == ("doed", date(2025, 5, 30))
    assert deceased.sivilstand == "gift"  # the deceased's own sivilstand is unchanged
    widow = frg.get(mor)
    assert (widow.sivilstand, widow.sivilstandsdato) == ("enkeEllerEnkemann", date(2025, 5, 30))
    assert widow.sivilstand_relatert_id == deceased.id
    assert [h.data["sivilstand"] for h in _history(frg, widow.id, "sivilstand")] == [
        "ugift",
        "gift",
    ]
    assert [h.data["status"] for h in _history(frg, deceased.id, "status")] == ["bosatt"]
    assert _events_since(frg, seq) == [
        ("personErDoed", far),
        ("endringIDoedsfall", far),
        ("endringISivilstand", mor),
    ]
    assert deceased.element_meta is not None
    assert deceased.element_meta["doedsfall"]["aarsak"] == "doedsfall"


def test_a_registered_partner_becomes_gjenlevende_partner(frg: Register) -> None:
    a = frg.person(kjoenn="mann", foedselsdato=date(1960, 1, 1))
    b = frg.person(kjoenn="mann", foedselsdato=date(1961, 1, 1))
    frg.run(ops.register_marriage, ident_a=a, ident_b=b, dato=date(2005, 5, 5), partnerskap=True)
    assert frg.get(a).sivilstand == "registrertPartner"
    frg.run(ops.register_death, ident=a, doedsdato=date(2025, 1, 1))
    assert frg.get(b).sivilstand == "gjenlevendePartner"


def test_a_death_is_refused_when_impossible(frg: Register) -> None:
    ident = frg.person(foedselsdato=date(1985, 3, 14))
    assert "future" in frg.refused(
        InvalidInput, ops.register_death, ident=ident, doedsdato=TODAY + timedelta(days=1)
    )
    assert "before foedselsdato" in frg.refused(
        InvalidInput, ops.register_death, ident=ident, doedsdato=date(1985, 3, 13)
    )
    frg.refused(NotFound, ops.register_death, ident=UNKNOWN, doedsdato=TODAY)
    frg.run(ops.register_death, ident=ident, doedsdato=TODAY)
    assert "already registered as dead" in frg.refused(
        Conflict, ops.register_death, ident=ident, doedsdato=TODAY
    )


# ------------------------------------------------------------------------------------------
# Moves
# ------------------------------------------------------------------------------------------


def test_a_move_copies_the_address_and_keeps_the_old_one_as_history(frg: Register) -> None:
    ident = frg.person()
    seq = _last_seq(frg) + 1
    moved = frg.run(
        ops.register_move,
        ident=ident,
        adresse_id=SOLBAKKEN,
        flyttedato=date(2025, 5, 1),
        bruksenhetsnummer="H0201",
    )
    assert (moved.adresse_id, moved.kommunenummer, moved.adressenavn) == (
        SOLBAKKEN,
        "5501",
        "Solbakken",
    )
    assert (moved.husnummer, moved.husbokstav, moved.postnummer, moved.poststed) == (
        3,
        "B",
        "9008",
        "TROMSØ",
    )
    assert moved.bruksenhetsnummer == "H0201" and moved.flyttedato == date(2025, 5, 1)
    (old,) = _history(frg, moved.id, "bostedsadresse")
    assert old.data["vegadresse"]["adressenavn"] == "Storgata"
    assert old.opphoerstidspunkt is not None
    with frg.database.read_session() as session:
        (entry,) = queries.feed(session, seq=seq)
    assert entry["hendelse"]["hendelsetype"] == "endringIBostedsadresse"
    assert entry["hendelse"]["kommunenummer"] == "5501"
    assert "Solbakken" not in str(entry)


def test_a_protected_persons_move_event_does_not_even_name_the_municipality(
    frg: Register,
) -> None:
    ident = frg.person(adressebeskyttelse="strengtFortrolig")
    seq = _last_seq(frg) + 1
    frg.run(ops.register_move, ident=ident, adresse_id=HEMMELIGVEIEN, flyttedato=TODAY)
    with frg.database.read_session() as session:
        (entry,) = queries.feed(session, seq=seq)
    assert "kommunenummer" not in entry["hendelse"]
    assert "5001" not in str(entry) and "Hemmeligveien" not in str(entry)


def test_a_move_is_refused_when_impossible(frg: Register) -> None:
    ident = frg.person()
    move = {"ident": ident, "flyttedato": date(2025, 5, 1)}
    assert "adresseIdentifikatorFraMatrikkelen" in frg.refused(
        InvalidInput, ops.register_move, adresse_id=999, **move
    )
    assert "already registered at this address" in frg.refused(
        Conflict, ops.register_move, adresse_id=STORGATA, bruksenhetsnummer="H0101", **move
    )
    frg.refused(
        InvalidInput, ops.register_move, adresse_id=SOLBAKKEN, bruksenhetsnummer="5", **move
    )
    frg.refused(
        InvalidInput,
        ops.register_move,
        ident=ident,
        adresse_id=SOLBAKKEN,
        flyttedato=TODAY + timedelta(days=1),
    )
    assert "current address" in frg.refused(
        InvalidInput,
        ops.register_move,
        ident=ident,
        adresse_id=SOLBAKKEN,
        flyttedato=date(2019, 1, 1),
    )
    dead = frg.person(doedsdato=date(2024, 1, 1), status="doed")
    frg.refused(Conflict, ops.register_move, ident=dead, adresse_id=SOLBAKKEN, flyttedato=TODAY)
    frg.refused(NotFound, ops.register_move, ident=UNKNOWN, adresse_id=SOLBAKKEN, flyttedato=TODAY)


# ------------------------------------------------------------------------------------------
# Marriage and divorce
# ------------------------------------------------------------------------------------------


def test_a_marriage_links_both_ways(frg: Register) -> None:
    a = frg.person(kjoenn="kvinne")
    b = frg.person(kjoenn="kvinne", foedselsdato=date(1987, 1, 1))
    seq = _last_seq(frg) + 1
    first, second = frg.run(ops.register_marriage, ident_a=a, ident_b=b, dato=date(2025, 5, 5))
    for person, spouse in ((first, second), (second, first)):
        assert (person.sivilstand, person.sivilstandsdato) == ("gift", date(2025, 5, 5))
        assert person.sivilstand_relatert_id == spouse.id
        assert _relations(frg, person.id) == {
            (spouse.id, "ektefelleEllerPartner", "ektefelleEllerPartner", True)
        }
    assert sorted(_events_since(frg, seq)) == sorted(
        [
            ("endringISivilstand", a),
            ("endringIFamilierelasjon", a),
            ("endringISivilstand", b),
            ("endringIFamilierelasjon", b),
        ]
    )
    with frg.database.read_session() as session:
        assert queries.spouse_of(session, person=frg.get(a)) is not None


def test_new_registered_partnerships_are_refused_since_2009(frg: Register) -> None:
    a, b = frg.person(), frg.person(foedselsdato=date(1986, 1, 1))
    detail = frg.refused(
        InvalidInput,
        ops.register_marriage,
        ident_a=a,
        ident_b=b,
        dato=date(2010, 1, 1),
        partnerskap=True,
    )
    assert "2009" in detail


def test_a_marriage_is_refused_when_not_allowed(frg: Register) -> None:
    _mor, far = _couple(frg)
    single = frg.person(kjoenn="kvinne", foedselsdato=date(1970, 1, 1))
    assert "already married" in frg.refused(
        Conflict, ops.register_marriage, ident_a=single, ident_b=far, dato=TODAY
    )
    young = frg.person(foedselsdato=date(2010, 1, 1))
    assert "younger than 18" in frg.refused(
        InvalidInput, ops.register_marriage, ident_a=single, ident_b=young, dato=TODAY
    )
    assert "same person" in frg.refused(
        InvalidInput, ops.register_marriage, ident_a=single, ident_b=single, dato=TODAY
    )
    child = frg.run(
        ops.register_birth, mor=single, foedselsdato=date(2000, 1, 1), kjoenn="mann", fornavn="Sønn"
    )
    assert "parent and their child" in frg.refused(
        Conflict, ops.register_marriage, ident_a=child.ident, ident_b=single, dato=TODAY
    )
    dead = frg.person(doedsdato=date(2024, 1, 1), status="doed")
    frg.refused(Conflict, ops.register_marriage, ident_a=single, ident_b=dead, dato=TODAY)
    frg.refused(NotFound, ops.register_marriage, ident_a=single, ident_b=UNKNOWN, dato=TODAY)


def test_a_divorce_ends_the_relation_and_allows_a_new_marriage(frg: Register) -> None:
    mor, far = _couple(frg)
    seq = _last_seq(frg) + 1
    first, second = frg.run(ops.register_divorce, ident_a=mor, ident_b=far, dato=date(2025, 1, 1))
    assert (first.sivilstand, second.sivilstand) == ("skilt", "skilt")
    assert first.sivilstand_relatert_id == second.id
    assert _relations(frg, first.id) == {
        (second.id, "ektefelleEllerPartner", "ektefelleEllerPartner", False)
    }
    assert len(_events_since(frg, seq)) == 4
    other = frg.person(kjoenn="mann", foedselsdato=date(1980, 1, 1))
    frg.run(ops.register_marriage, ident_a=mor, ident_b=other, dato=date(2025, 5, 1))
    assert frg.get(mor).sivilstand == "gift"


def test_a_divorce_is_refused_unless_married_to_each_other(frg: Register) -> None:
    mor, far = _couple(frg)
    stranger = frg.person(foedselsdato=date(1970, 1, 1))
    assert "not married to each other" in frg.refused(
        Conflict, ops.register_divorce, ident_a=mor, ident_b=stranger, dato=TODAY
    )
    assert "before the date of the marriage" in frg.refused(
        InvalidInput, ops.register_divorce, ident_a=mor, ident_b=far, dato=date(2015, 1, 1)
    )


# ------------------------------------------------------------------------------------------
# Immigration and emigration
# ------------------------------------------------------------------------------------------

NEWCOMER = {
    "fornavn": "Anna",
    "etternavn": "Svensson",
    "foedselsdato": date(1995, 8, 8),
    "kjoenn": "kvinne",
    "statsborgerskap": ["SWE"],
    "fraflyttingsland": "SWE",
    "innflyttingsdato": date(2025, 5, 15),
}


def test_immigration_with_a_fodselsnummer_settles_the_person(frg: Register) -> None:
    seq = _last_seq(frg) + 1
    person = frg.run(ops.register_immigration, adresse_id=FJORDVEIEN, **NEWCOMER)
    assert parse_person_identifier(person.ident).kind == "foedselsnummer"
    assert (person.status, person.innflyttet_fra, person.innflyttingsdato) == (
        "bosatt",
        "SWE",
        date(2025, 5, 15),
    )
    assert (person.adresse_id, person.flyttedato, person.foedeland) == (
        FJORDVEIEN,
        date(2025, 5, 15),
        "SWE",
    )
    assert [t for t, _ in _events_since(frg, seq)] == [
        "personErOpprettet",
        "endringIInnflytting",
        "personErBosatt",
    ]


def test_immigration_with_a_d_number_is_temporary(frg: Register) -> None:
    seq = _last_seq(frg) + 1
    person = frg.run(ops.register_immigration, d_nummer=True, **NEWCOMER)
    identifier = parse_person_identifier(person.ident)
    assert identifier.kind == "dNummer" and identifier.is_synthetic
    assert (person.status, person.identifikatortype, person.adresse_id) == (
        "midlertidig",
        "dNummer",
        None,
    )
    assert [t for t, _ in _events_since(frg, seq)] == ["personErOpprettet", "endringIInnflytting"]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({}, "needs an address"),
        ({"adresse_id": 42}, "adresseIdentifikatorFraMatrikkelen"),
        ({"adresse_id": STORGATA, "fraflyttingsland": "NOR"}, "other than Norway"),
        ({"adresse_id": STORGATA, "fraflyttingsland": "Sverige"}, "alpha-3"),
        ({"adresse_id": STORGATA, "statsborgerskap": []}, "at least one"),
        ({"adresse_id": STORGATA, "innflyttingsdato": date(1990, 1, 1)}, "before foedselsdato"),
    ],
)
def test_immigration_is_refused_for_bad_input(
    frg: Register, changes: dict[str, object], fragment: str
) -> None:
    assert fragment in frg.refused(InvalidInput, ops.register_immigration, **(NEWCOMER | changes))


def test_emigration_ends_the_address(frg: Register) -> None:
    ident = frg.person()
    seq = _last_seq(frg) + 1
    person = frg.run(
        ops.register_emigration,
        ident=ident,
        tilflyttingsland="DNK",
        utflyttingsdato=date(2025, 5, 1),
    )
    assert (person.status, person.utflyttet_til, person.adresse_id, person.adressenavn) == (
        "utflyttet",
        "DNK",
        None,
        None,
    )
    assert len(_history(frg, person.id, "bostedsadresse")) == 1
    assert [t for t, _ in _events_since(frg, seq)] == ["personErUtflyttet", "endringIUtflytting"]
    assert "not registered as resident" in frg.refused(
        Conflict,
        ops.register_emigration,
        ident=ident,
        tilflyttingsland="DNK",
        utflyttingsdato=TODAY,
    )
    frg.refused(
        InvalidInput,
        ops.register_emigration,
        ident=frg.person(),
        tilflyttingsland="NOR",
        utflyttingsdato=TODAY,
    )


# ------------------------------------------------------------------------------------------
# Names, protection, lookups
# ------------------------------------------------------------------------------------------


def test_a_name_change_keeps_the_old_name(frg: Register) -> None:
    ident = frg.person()
    person = frg.run(
        ops.change_name,
        ident=ident,
        fornavn="Kari",
        mellomnavn="Berg",
        etternavn="Hansen",
        gyldig_fra=date(2025, 5, 1),
    )
    assert (person.fornavn, person.mellomnavn, person.etternavn) == ("Kari", "Berg", "Hansen")
    (old,) = _history(frg, person.id, "navn")
    assert old.data["etternavn"] == "Nordmann"
    assert frg.event_types()[-1] == "endringINavn"
    assert "already has this name" in frg.refused(
        Conflict,
        ops.change_name,
        ident=ident,
        fornavn="Kari",
        mellomnavn="Berg",
        etternavn="Hansen",
        gyldig_fra=TODAY,
    )
    frg.refused(
        InvalidInput,
        ops.change_name,
        ident=ident,
        fornavn="",
        mellomnavn=None,
        etternavn="X",
        gyldig_fra=TODAY,
    )


def test_address_protection(frg: Register) -> None:
    ident = frg.person()
    person = frg.run(ops.set_address_protection, ident=ident, gradering="fortrolig")
    assert person.adressebeskyttelse == "fortrolig"
    assert frg.event_types()[-1] == "endringIAdressebeskyttelse"
    frg.refused(Conflict, ops.set_address_protection, ident=ident, gradering="fortrolig")
    frg.refused(InvalidInput, ops.set_address_protection, ident=ident, gradering="hemmelig")


def test_lookups_by_former_ident_and_family(frg: Register) -> None:
    mor, far = _couple(frg)
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2025, 1, 1),
        kjoenn="kvinne",
        fornavn="Ada",
    )
    mother = frg.get(mor)
    with frg.uow() as uow:
        uow.session.add(
            TidligereIdent(
                ident=UNKNOWN,
                person_id=mother.id,
                identifikatortype="dNummer",
                opphoerstidspunkt=frg.clock.now(),
            )
        )
        uow.commit()
    with frg.database.read_session() as session:
        found = queries.get_person(session, ident=UNKNOWN)
        assert found is not None and found.ident == mor
        kid = queries.get_person_or_raise(session, ident=child.ident)
        assert [p.ident for p in queries.parents_of(session, person=kid)] == [far, mor]
        assert [p.ident for p in queries.children_of(session, person=found)] == [child.ident]
        spouse = queries.spouse_of(session, person=found)
        assert spouse is not None and spouse.ident == far
        assert queries.spouse_of(session, person=kid) is None
        used = queries.used_idents_for_date(session, birth_date=date(2025, 1, 1))
        assert child.ident in used
        with pytest.raises(NotFound):
            queries.get_person_or_raise(session, ident="41815049908")
