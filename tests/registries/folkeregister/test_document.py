"""The person document: real field names, versions with erGjeldende, protected addresses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from felles.registries.folkeregister import operations as ops
from felles.registries.folkeregister import queries
from felles.registries.folkeregister.api import Folkeregisterperson
from tests.registries.folkeregister.conftest import (
    FJORDVEIEN,
    HEMMELIGVEIEN,
    SECRET_STREET,
    SOLBAKKEN,
    Register,
)


def _family(frg: Register) -> tuple[str, str, str]:
    mor = frg.person(foedselsdato=date(1990, 4, 2), kjoenn="kvinne")
    far = frg.person(foedselsdato=date(1988, 7, 9), kjoenn="mann")
    frg.run(ops.register_marriage, ident_a=mor, ident_b=far, dato=date(2015, 6, 20))
    child = frg.run(
        ops.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2020, 5, 20),
        kjoenn="mann",
        fornavn="Lars",
    )
    return mor, far, child.ident


def test_document_of_a_newborn_has_the_real_shape(frg: Register) -> None:
    mor, far, child = _family(frg)
    document = frg.document(child)
    assert set(document) == {
        "identifikasjonsnummer",
        "status",
        "navn",
        "foedsel",
        "kjoenn",
        "sivilstand",
        "familierelasjon",
        "foreldreansvar",
        "bostedsadresse",
        "statsborgerskap",
        "innflytting",
        "utflytting",
    }
    (identifikasjonsnummer,) = document["identifikasjonsnummer"]
    assert identifikasjonsnummer["foedselsEllerDNummer"] == child
    assert identifikasjonsnummer["identifikatortype"] == "foedselsnummer"
    assert identifikasjonsnummer["erGjeldende"] is True
    assert identifikasjonsnummer["ajourholdstidspunkt"] == "2025-06-01T12:00:00+00:00"
    (foedsel,) = document["foedsel"]
    assert foedsel["foedselsdato"] == "2020-05-20" and foedsel["foedselsaar"] == "2020"
    assert foedsel["foedekommuneINorge"] == "0301" and foedsel["foedeland"] == "NOR"
    assert foedsel["gyldighetstidspunkt"] == "2020-05-20T00:00:00+00:00"
    assert foedsel["aarsak"] == "foedsel"
    relations = {
        (r["relatertPerson"], r["relatertPersonsRolle"], r["minRolleForPerson"])
        for r in document["familierelasjon"]
    }
    assert relations == {(mor, "mor", "barn"), (far, "far", "barn")}
    ansvar = {
        (a["ansvar"], a["ansvarlig"], a["ansvarssubjekt"]) for a in document["foreldreansvar"]
    }
    assert ansvar == {("felles", mor, child), ("felles", far, child)}
    (adresse,) = document["bostedsadresse"]
    assert adresse["vegadresse"] == {
        "kommunenummer": "0301",
        "adressenavn": "Storgata",
        "adressenummer": {"husnummer": "1", "husbokstav": "A"},
        "adressekode": "01234",
        "bruksenhetsnummer": "H0101",
        "poststed": {"postnummer": "0155", "poststedsnavn": "OSLO"},
    }
    assert adresse["adresseIdentifikatorFraMatrikkelen"] == "300000001"
    assert adresse["adressegradering"] == "ugradert"
    assert "adressebeskyttelse" not in document and "doedsfall" not in document
    Folkeregisterperson.model_validate(document)  # matches the documented schema


def test_a_parent_document_shows_the_foreldreansvar_it_holds(frg: Register) -> None:
    mor, far, child = _family(frg)
    ansvar = frg.document(far)["foreldreansvar"]
    assert [(a["ansvar"], a["ansvarlig"], a["ansvarssubjekt"]) for a in ansvar] == [
        ("felles", far, child)
    ]
    (sivilstand,) = [s for s in frg.document(mor)["sivilstand"] if s["erGjeldende"]]
    assert sivilstand["sivilstand"] == "gift" and sivilstand["relatertVedSivilstand"] == far


def test_foreldreansvar_ends_at_18(frg: Register) -> None:
    mor = frg.person(foedselsdato=date(1970, 1, 1))
    child = frg.run(
        ops.register_birth, mor=mor, foedselsdato=date(2007, 9, 1), kjoenn="kvinne", fornavn="B"
    )
    assert len(frg.document(child.ident)["foreldreansvar"]) == 1
    frg.clock.advance(timedelta(days=92))  # 2025-09-01: 18 today
    assert frg.document(child.ident)["foreldreansvar"] == []
    assert frg.document(mor)["foreldreansvar"] == []


def test_after_a_move_and_a_name_change_the_old_versions_are_not_current(frg: Register) -> None:
    ident = frg.person()
    frg.clock.advance(timedelta(hours=1))
    frg.run(ops.register_move, ident=ident, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 1))
    frg.run(
        ops.change_name,
        ident=ident,
        fornavn="Kari",
        mellomnavn=None,
        etternavn="Hansen",
        gyldig_fra=date(2025, 5, 10),
    )
    document = frg.document(ident)
    current, old = document["bostedsadresse"]
    assert current["erGjeldende"] is True and "opphoerstidspunkt" not in current
    assert current["vegadresse"]["adressenavn"] == "Solbakken"
    assert current["ajourholdstidspunkt"] == "2025-06-01T13:00:00+00:00"
    assert current["gyldighetstidspunkt"] == "2025-05-01T00:00:00+00:00"
    assert current["aarsak"] == "flytting" and current["kilde"] == "felles"
    assert old["erGjeldende"] is False
    assert old["vegadresse"]["adressenavn"] == "Storgata"
    assert old["opphoerstidspunkt"] == "2025-06-01T13:00:00+00:00"
    # The initial load has no element_meta: its versions date from `opprettet`.
    assert old["ajourholdstidspunkt"] == "2020-01-01T00:00:00+00:00"
    assert old["flyttedato"] == "2020-01-01"
    navn_now, navn_before = document["navn"]
    assert (navn_now["etternavn"], navn_now["erGjeldende"]) == ("Hansen", True)
    assert navn_now["gyldighetstidspunkt"] == "2025-05-10T00:00:00+00:00"
    assert navn_now["forkortetNavn"] == "HANSEN KARI"
    assert (navn_before["etternavn"], navn_before["erGjeldende"]) == ("Nordmann", False)
    Folkeregisterperson.model_validate(document)


def test_a_death_is_a_single_doedsfall_and_a_status_version(frg: Register) -> None:
    ident = frg.person()
    frg.run(ops.register_death, ident=ident, doedsdato=date(2025, 5, 31))
    document = frg.document(ident)
    assert document["doedsfall"]["doedsdato"] == "2025-05-31"
    assert document["doedsfall"]["erGjeldende"] is True
    assert [(s["status"], s["erGjeldende"]) for s in document["status"]] == [
        ("doed", True),
        ("bosatt", False),
    ]


def test_a_protected_address_is_never_in_the_document(frg: Register) -> None:
    ident = frg.person(adresse_id=FJORDVEIEN)
    frg.run(ops.set_address_protection, ident=ident, gradering="strengtFortrolig")
    frg.run(ops.register_move, ident=ident, adresse_id=HEMMELIGVEIEN, flyttedato=date(2025, 5, 1))
    document = frg.document(ident)
    assert "bostedsadresse" not in document
    assert SECRET_STREET not in json.dumps(document) and "Fjordveien" not in json.dumps(document)
    (beskyttelse,) = document["adressebeskyttelse"]
    assert beskyttelse["graderingsnivaa"] == "strengtFortrolig" and beskyttelse["erGjeldende"]
    entitled = frg.document(ident, include_protected_address=True)
    assert entitled["bostedsadresse"][0]["vegadresse"]["adressenavn"] == SECRET_STREET
    # Lifting the protection makes the current address ugradert (visible); an address that
    # was superseded while the person was protected stays hidden for good.
    frg.run(ops.set_address_protection, ident=ident, gradering="ugradert")
    frg.run(ops.register_move, ident=ident, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 20))
    versions = frg.document(ident)["bostedsadresse"]
    assert [v["vegadresse"]["adressenavn"] for v in versions] == ["Solbakken", SECRET_STREET]
    assert "Fjordveien" not in json.dumps(frg.document(ident))


def test_parts_limit_the_document(frg: Register) -> None:
    ident = frg.person()
    assert set(frg.document(ident, parts={"navn"})) == {"identifikasjonsnummer", "navn"}
    assert set(frg.document(ident, parts={"bostedsadresse", "foedsel"})) == {
        "identifikasjonsnummer",
        "bostedsadresse",
        "foedsel",
    }


@contextmanager
def _counting_statements(frg: Register) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(frg.database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(frg.database.engine, "before_cursor_execute", count)


def test_documents_in_bulk_take_a_constant_number_of_queries(frg: Register) -> None:
    mor, far, child = _family(frg)
    others = [frg.person(foedselsdato=date(1960 + n, 1, 1)) for n in range(20)]
    for ident in others[:5]:
        frg.run(ops.register_move, ident=ident, adresse_id=SOLBAKKEN, flyttedato=date(2025, 1, 1))
    with frg.database.read_session() as session, _counting_statements(frg) as few:
        small = queries.get_documents(session, idents=[mor, child, "41815049908"])
    with frg.database.read_session() as session, _counting_statements(frg) as many:
        large = queries.get_documents(session, idents=[mor, far, child, *others, "01815049914"])
    assert len(many) == len(few) <= 5
    assert small[mor] == large[mor]
    assert large["01815049914"] is None
    assert all(large[ident] is not None for ident in others)
