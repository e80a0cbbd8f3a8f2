"""KRR commands: each change emits one event; each refusal writes and emits nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database, UnitOfWork
from felles.kernel.errors import Conflict, InvalidInput, NotFound, Problem
from felles.kernel.events import read_events
from felles.registries.krr import events, operations, queries
from felles.registries.krr.model import KontaktInfo
from tests.registries.krr.conftest import new_fnr, outbox_count, registration_count

EMAIL, MOBILE = "kari.nordmann@example.no", "912 34 567"


def _run(database: Database, command: Callable[..., KontaktInfo], **kwargs: Any) -> KontaktInfo:
    with database.unit_of_work() as uow:
        row = command(uow, **kwargs)
        uow.commit()
    return row


def _row(database: Database, fnr: str) -> KontaktInfo | None:
    with database.read_session() as session:
        row = queries.get_registration(session, personidentifikator=fnr)
        if row is not None:
            session.expunge(row)  # keep the loaded values readable after the session ends
        return row


def _events(database: Database, fnr: str) -> list[tuple[str, dict[str, Any]]]:
    with database.read_session() as session:
        stored = read_events(session, subject=fnr)
    return [(s.event.type, s.event.data) for s in stored]


def _snapshot(row: KontaktInfo | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {c: getattr(row, c) for c in KontaktInfo.__table__.columns.keys()}  # noqa: SIM118


def test_register_contact_creates_a_registration(
    database: Database, clock: SimulatedClock, fnr: str
) -> None:
    row = _run(
        database,
        operations.register_contact,
        personidentifikator=fnr,
        epostadresse=EMAIL,
        mobiltelefonnummer=MOBILE,
        spraak="NN",
    )
    assert (row.status, row.reservasjon) == ("AKTIV", False)
    assert row.mobiltelefonnummer == "+4791234567"
    assert row.spraak == "nn"
    assert row.epostadresse_oppdatert == clock.now() == row.opprettet
    ((type_, data),) = _events(database, fnr)
    assert type_ == events.KONTAKTINFORMASJON_ENDRET
    assert data == {
        "status": "AKTIV",
        "nyRegistrering": True,
        "epostadresseOppdatert": True,
        "mobiltelefonnummerOppdatert": True,
        "spraakOppdatert": True,
        "harEpostadresse": True,
        "harMobiltelefonnummer": True,
    }


def test_update_keeps_what_is_not_given_and_events_never_carry_contact_details(
    database: Database, clock: SimulatedClock, fnr: str
) -> None:
    _run(database, operations.register_contact, personidentifikator=fnr, epostadresse=EMAIL)
    clock.advance(timedelta(days=1))
    _run(database, operations.register_contact, personidentifikator=fnr, mobiltelefonnummer=MOBILE)
    row = _row(database, fnr)
    assert row is not None and row.epostadresse == EMAIL
    assert queries.as_utc(row.mobiltelefonnummer_oppdatert) == clock.now()
    assert queries.as_utc(row.epostadresse_oppdatert) == clock.now() - timedelta(days=1)
    _, (_, second) = _events(database, fnr)
    assert second["nyRegistrering"] is False and second["epostadresseOppdatert"] is False
    with database.read_session() as session:
        everything = json.dumps([s.event.to_cloudevent() for s in read_events(session)])
    assert EMAIL not in everything and "91234567" not in everything


def test_verify_contact_confirms_what_is_registered(
    database: Database, clock: SimulatedClock, fnr: str
) -> None:
    _run(database, operations.register_contact, personidentifikator=fnr, mobiltelefonnummer=MOBILE)
    clock.advance(timedelta(days=30))
    row = _run(database, operations.verify_contact, personidentifikator=fnr)
    assert queries.as_utc(row.mobiltelefonnummer_sist_verifisert) == clock.now()
    assert row.epostadresse_sist_verifisert is None
    assert _events(database, fnr)[-1] == (
        events.KONTAKTINFORMASJON_BEKREFTET,
        {"epostadresseBekreftet": False, "mobiltelefonnummerBekreftet": True},
    )


def test_reserve_and_unreserve(database: Database, clock: SimulatedClock, fnr: str) -> None:
    row = _run(database, operations.reserve, personidentifikator=fnr)
    assert row.reservasjon and queries.as_utc(row.reservasjonstidspunkt) == clock.now()
    row = _run(database, operations.unreserve, personidentifikator=fnr)
    assert not row.reservasjon and row.reservasjonstidspunkt is None
    assert _events(database, fnr) == [
        (events.RESERVASJON_ENDRET, {"reservasjon": r, "status": "AKTIV", "nyRegistrering": new})
        for r, new in (("JA", True), ("NEI", False))
    ]


@pytest.mark.parametrize(
    "orgnr", [operations.DIGIPOST, operations.EBOKS, operations.EBOKS_TIDLIGERE, "984 661 185"]
)
def test_digital_mailbox_at_either_provider(database: Database, fnr: str, orgnr: str) -> None:
    _run(database, operations.register_contact, personidentifikator=fnr, epostadresse=EMAIL)
    row = _run(
        database,
        operations.set_digital_mailbox,
        personidentifikator=fnr,
        postkasseadresse="kari.nordmann#9YDT",
        leverandoer_orgnr=orgnr,
    )
    assert row.postkasseleverandoeradresse == orgnr.replace(" ", "")
    row = _run(database, operations.remove_digital_mailbox, personidentifikator=fnr)
    assert row.postkasseadresse is None and row.postkasseleverandoeradresse is None
    kinds = [(t, d["digitalPostkasse"]) for t, d in _events(database, fnr)[1:]]
    assert kinds == [(events.DIGITAL_POST_ENDRET, True), (events.DIGITAL_POST_ENDRET, False)]
    assert "9YDT" not in json.dumps(_events(database, fnr))


def test_delete_clears_everything_and_a_new_login_reactivates(database: Database, fnr: str) -> None:
    _run(database, operations.register_contact, personidentifikator=fnr, epostadresse=EMAIL)
    _run(database, operations.reserve, personidentifikator=fnr)
    row = _run(database, operations.delete_registration, personidentifikator=fnr)
    assert row.status == "SLETTET"
    assert (row.epostadresse, row.reservasjon, row.reservasjonstidspunkt) == (None, False, None)
    assert _events(database, fnr)[-1] == (events.REGISTRERING_SLETTET, {"status": "SLETTET"})
    row = _run(database, operations.reserve, personidentifikator=fnr)
    assert (row.status, row.reservasjon, row.epostadresse) == ("AKTIV", True, None)
    assert _events(database, fnr)[-1][1]["nyRegistrering"] is True


# ------------------------------------------------------------------------------ refusals

Setup = Callable[[UnitOfWork, str], object]


def _nothing(_uow: UnitOfWork, _fnr: str) -> None:
    return None


def _contact(uow: UnitOfWork, fnr: str) -> None:
    operations.register_contact(uow, personidentifikator=fnr, epostadresse=EMAIL)


def _reserved(uow: UnitOfWork, fnr: str) -> None:
    _contact(uow, fnr)
    operations.reserve(uow, personidentifikator=fnr)


def _only_language(uow: UnitOfWork, fnr: str) -> None:
    operations.register_contact(uow, personidentifikator=fnr, spraak="nb")


def _deleted(uow: UnitOfWork, fnr: str) -> None:
    _contact(uow, fnr)
    operations.delete_registration(uow, personidentifikator=fnr)


def _mailbox(**overrides: str) -> dict[str, Any]:
    values = {"postkasseadresse": "kari#1", "leverandoer_orgnr": operations.DIGIPOST}
    return {"command": operations.set_digital_mailbox, **values, **overrides}


REFUSALS: list[tuple[str, Setup, dict[str, Any], type[Problem], str]] = [
    ("bad email", _nothing, {"command": operations.register_contact, "epostadresse": "kari@"},
     InvalidInput, "epostadresse"),
    ("email with space", _nothing,
     {"command": operations.register_contact, "epostadresse": "kari nordmann@example.no"},
     InvalidInput, "epostadresse"),
    ("landline", _nothing,
     {"command": operations.register_contact, "mobiltelefonnummer": "22 33 44 55"},
     InvalidInput, "mobiltelefonnummer"),
    ("foreign mobile", _nothing,
     {"command": operations.register_contact, "mobiltelefonnummer": "+46 912 34 567"},
     InvalidInput, "mobiltelefonnummer"),
    ("nine digits", _nothing,
     {"command": operations.register_contact, "mobiltelefonnummer": "912345678"},
     InvalidInput, "mobiltelefonnummer"),
    ("language", _nothing, {"command": operations.register_contact, "spraak": "de"},
     InvalidInput, "spraak"),
    ("nothing to update", _contact, {"command": operations.register_contact},
     InvalidInput, "at least one"),
    ("verify unknown", _nothing, {"command": operations.verify_contact},
     NotFound, "not registered"),
    ("verify nothing", _only_language, {"command": operations.verify_contact},
     Conflict, "no e-mail"),
    ("reserve twice", _reserved, {"command": operations.reserve}, Conflict, "already reserved"),
    ("unreserve unknown", _nothing, {"command": operations.unreserve}, NotFound, "not registered"),
    ("unreserve free", _contact, {"command": operations.unreserve}, Conflict, "not reserved"),
    ("unreserve deleted", _deleted, {"command": operations.unreserve}, Conflict, "SLETTET"),
    ("mailbox unknown", _nothing, _mailbox(), NotFound, "not registered"),
    ("mailbox reserved", _reserved, _mailbox(), Conflict, "reserved"),
    ("mailbox check digit", _contact, _mailbox(leverandoer_orgnr="984661186"),
     InvalidInput, "check digit"),
    ("mailbox provider", _contact, _mailbox(leverandoer_orgnr="974760673"),
     InvalidInput, "not a digital mailbox provider"),
    ("mailbox address", _contact, _mailbox(postkasseadresse="  "),
     InvalidInput, "postkasseadresse"),
    ("remove no mailbox", _contact, {"command": operations.remove_digital_mailbox},
     Conflict, "no digital mailbox"),
    ("delete unknown", _nothing, {"command": operations.delete_registration}, NotFound, "not"),
    ("delete twice", _deleted, {"command": operations.delete_registration}, Conflict, "SLETTET"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "call", "problem", "fragment"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_refusals_change_nothing_and_emit_nothing(
    database: Database,
    fnr: str,
    setup: Setup,
    call: dict[str, Any],
    problem: type[Problem],
    fragment: str,
) -> None:
    with database.unit_of_work() as uow:
        setup(uow, fnr)
        uow.commit()
    before = (_snapshot(_row(database, fnr)), outbox_count(database), registration_count(database))
    arguments = dict(call)
    command = arguments.pop("command")
    with pytest.raises(problem, match=fragment) as raised, database.unit_of_work() as uow:
        command(uow, personidentifikator=fnr, **arguments)
        uow.commit()
    after = (_snapshot(_row(database, fnr)), outbox_count(database), registration_count(database))
    assert after == before
    assert fnr not in raised.value.detail


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("1234567890", "11 digits"), ("12345678901", "check digit"), ("1234567890X", "digit")],
)
def test_an_invalid_identifier_is_refused_without_echoing_it(
    database: Database, value: str, fragment: str
) -> None:
    with pytest.raises(InvalidInput, match=fragment) as raised, database.unit_of_work() as uow:
        operations.reserve(uow, personidentifikator=value)
    assert value not in raised.value.detail
    assert registration_count(database) == 0 and outbox_count(database) == 0


def test_identifiers_are_normalised(database: Database) -> None:
    fnr = new_fnr()
    spaced = f"{fnr[:6]} {fnr[6:]}"
    row = _run(database, operations.reserve, personidentifikator=spaced)
    assert row.personidentifikator == fnr
    assert _events(database, fnr)[0][0] == events.RESERVASJON_ENDRET
