"""The open-data product ``enhetsregister.enhet``: values from Enhetsregisteret's query
functions, valid against the product's JSON schema, unknown numbers left out, a batch in one
query, and released without a decision or an access-log entry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import jsonschema_rs
from sqlalchemy import event

from felles.access.decision import MachinePrincipal
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.enhetsregisteret import events
from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret.operations import Adresse
from felles.sharing.products import PRODUCTS
from felles.sharing.release import Refused, Released, release
from tests.sharing.conftest import log_count

ENHET = PRODUCTS["enhetsregister.enhet"]
NAV = "889640782"


def _run(database: Database, command: Any, **kwargs: Any) -> Any:
    with database.unit_of_work() as uow:
        result = command(uow, **kwargs)
        uow.commit()
        return result


def _register(database: Database, navn: str, form: str = "AS", **kwargs: Any) -> str:
    values: dict[str, Any] = {"naeringskode": "62.010", "kommunenummer": "0301"} | kwargs
    unit = _run(database, ops.register_enhet, navn=navn, organisasjonsform=form, **values)
    return str(unit.organisasjonsnummer)


def _load(database: Database, subjects: list[str], clock: SimulatedClock) -> dict[str, Any]:
    with database.read_session() as session:
        return dict(ENHET.load(session, subjects, clock.now()))


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_the_product_is_open_data_owned_by_broennoeysund() -> None:
    assert ENHET.sensitivity == "open" and ENHET.subject == "organisation"
    assert (ENHET.owner_orgnr, ENHET.version) == ("974760673", "1.0.0")
    assert ENHET.field_names == (
        "organisasjonsnummer",
        "navn",
        "organisasjonsform",
        "forretningsadresse",
        "postadresse",
        "naeringskode",
        "registreringsdato",
        "registrertIMvaregisteret",
        "registrertIForetaksregisteret",
        "konkurs",
        "underAvvikling",
        "slettedato",
        "overordnetEnhet",
    )
    jsonschema_rs.meta.validate(ENHET.json_schema())
    assert all(t.startswith(events.TYPE_PREFIX) for t in ENHET.changed_by)
    assert events.event_type(events.KONKURS) in ENHET.changed_by
    assert events.event_type(events.ROLLER_ENDRET) not in ENHET.changed_by


def test_units_load_with_every_field_and_match_the_schema(
    database: Database, clock: SimulatedClock
) -> None:
    healthy = _register(
        database,
        "Fjord og Fjell AS",
        forretningsadresse=Adresse(adresse=["Storgata 1"], postnummer="0155"),
        postadresse=Adresse(adresse=["Postboks 12"], postnummer="0155"),
    )
    _run(database, ops.register_in_mvaregisteret, orgnr=healthy)
    bankrupt = _register(database, "Konkursen AS")
    _run(database, ops.register_bankruptcy, orgnr=bankrupt, konkursdato=date(2025, 5, 2))
    dissolving = _register(database, "Avvikling AS")
    _run(database, ops.register_dissolution, orgnr=dissolving, dato=date(2025, 5, 3))
    _run(database, ops.register_dissolution, orgnr=dissolving, tvangsavvikling=True)
    deleted = _register(database, "Borte AS")
    _run(database, ops.delete_unit, orgnr=deleted, slettedato=date(2025, 5, 4))
    agency = _register(
        database, "ARBEIDS- OG VELFERDSETATEN", "ORGL", organisasjonsnummer=NAV, naeringskode=None
    )
    office = _register(database, "NAV KONTOR", "ORGL", overordnet_enhet=agency)

    values = _load(database, [healthy, bankrupt, dissolving, deleted, agency, office], clock)
    validator = jsonschema_rs.Draft202012Validator(ENHET.json_schema(), validate_formats=True)
    for orgnr, value in values.items():
        errors = [str(error) for error in validator.iter_errors(value)]
        assert not errors, (orgnr, errors)
        assert set(value) == set(ENHET.field_names)
        assert value["organisasjonsnummer"] == orgnr

    fjord = values[healthy]
    assert fjord["navn"] == "Fjord og Fjell AS"
    assert fjord["organisasjonsform"] == {"kode": "AS", "beskrivelse": "Aksjeselskap"}
    assert fjord["forretningsadresse"]["adresse"] == ["Storgata 1"]
    assert fjord["forretningsadresse"]["postnummer"] == "0155"
    assert fjord["postadresse"]["adresse"] == ["Postboks 12"]
    assert fjord["naeringskode"]["kode"] == "62.010" and fjord["naeringskode"]["beskrivelse"]
    assert fjord["registreringsdato"] == clock.today().isoformat()
    assert fjord["registrertIMvaregisteret"] and fjord["registrertIForetaksregisteret"]
    assert fjord["konkurs"] == {"erKonkurs": False, "konkursdato": None}
    assert fjord["underAvvikling"] == {
        "erUnderAvvikling": False,
        "avviklingsdato": None,
        "underTvangsavviklingEllerTvangsopplosning": False,
    }
    assert fjord["slettedato"] is None and fjord["overordnetEnhet"] is None

    assert values[bankrupt]["konkurs"] == {"erKonkurs": True, "konkursdato": "2025-05-02"}
    assert values[dissolving]["underAvvikling"] == {
        "erUnderAvvikling": True,
        "avviklingsdato": "2025-05-03",
        "underTvangsavviklingEllerTvangsopplosning": True,
    }
    assert values[deleted]["slettedato"] == "2025-05-04"
    assert values[agency]["naeringskode"] is None
    assert values[agency]["postadresse"] is None
    assert values[office]["overordnetEnhet"] == NAV
    assert not values[agency]["registrertIForetaksregisteret"]


def test_unknown_numbers_and_sub_units_are_left_out(
    database: Database, clock: SimulatedClock
) -> None:
    orgnr = _register(database, "Fjord og Fjell AS")
    sub_unit = _run(database, ops.register_underenhet, overordnet=orgnr, navn="Fjord og Fjell AS")
    unknown = "312345676"
    values = _load(
        database, [orgnr, unknown, sub_unit.organisasjonsnummer, "not-a-number", "1"], clock
    )
    assert set(values) == {orgnr}
    assert _load(database, [], clock) == {}


def test_fifty_units_load_in_one_query(database: Database, clock: SimulatedClock) -> None:
    with database.unit_of_work() as uow:
        numbers = [
            ops.register_enhet(
                uow, navn=f"Bedrift {i} AS", organisasjonsform="AS", kommunenummer="0301"
            ).organisasjonsnummer
            for i in range(50)
        ]
        uow.commit()
    with _statements(database) as seen:
        values = _load(database, [*numbers, "312345676"], clock)
    assert set(values) == set(numbers)
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects


def test_released_as_open_data_without_decision_or_log(
    database: Database, clock: SimulatedClock
) -> None:
    orgnr = _register(database, "Fjord og Fjell AS")
    before = log_count(database)
    released, unknown = release(
        database,
        principal=MachinePrincipal(orgnr=NAV),
        product=ENHET,
        subjects=[orgnr, "312345676"],
        purpose="offentlig-anskaffelse",
        request_id="r-1",
        fields=["navn", "konkurs"],
    )
    assert isinstance(released, Released) and isinstance(unknown, Refused)
    assert released.data == {
        "navn": "Fjord og Fjell AS",
        "konkurs": {"erKonkurs": False, "konkursdato": None},
    }
    assert [(b.type, b.fields) for b in released.basis] == [("aapne-data", ("navn", "konkurs"))]
    assert unknown.code == "unknown-subject" and unknown.status == 404
    assert log_count(database) == before
