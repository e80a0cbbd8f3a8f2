"""Arrears: claims against people and organisations, overdue until paid, skatteattest batch."""

from __future__ import annotations

from datetime import date

from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.registries.skatt import events, operations, queries
from tests.registries.skatt.conftest import Skatt


def test_claims_are_arrears_from_their_due_date_until_paid(skatt: Skatt) -> None:
    employer = skatt.employer()
    orgnr = employer.opplysningspliktig
    claim_aga = skatt.run(
        operations.register_arrears,
        skyldner=orgnr,
        kravtype="arbeidsgiveravgift",
        beloep=30_010,
        forfallsdato=date(2025, 3, 15),
    )
    skatt.run(
        operations.register_arrears,
        skyldner=orgnr,
        kravtype="merverdiavgift",
        beloep=1_000,
        forfallsdato=date(2025, 9, 1),  # not due yet
    )
    assert claim_aga.skyldnertype == "enhet"
    with skatt.database.read_session() as session:
        assert queries.arrears_of(session, skyldner=orgnr).forfalt_og_ubetalt == {
            "arbeidsgiveravgift": 30_010
        }
        assert queries.has_arrears(session, [orgnr, employer.arbeidssted]) == {
            orgnr: True,
            employer.arbeidssted: False,
        }
        assert len(queries.claims_of(session, skyldnere=[orgnr])) == 2

    paid = skatt.run(
        operations.settle_arrears, restanse_id=claim_aga.id, betalt_dato=date(2025, 5, 2)
    )
    assert paid.betalt_dato == date(2025, 5, 2)
    with skatt.database.read_session() as session:
        assert queries.has_arrears(session, [orgnr]) == {orgnr: False}
        # On a day before the payment the claim was an arrear.
        assert queries.has_arrears(session, [orgnr], today=date(2025, 4, 1)) == {orgnr: True}
        assert len(queries.claims_of(session, skyldnere=[orgnr])) == 1
        assert len(queries.claims_of(session, skyldnere=[orgnr], include_paid=True)) == 2
    assert skatt.event_types() == [
        events.RESTANSE_REGISTRERT,
        events.RESTANSE_REGISTRERT,
        events.RESTANSE_BETALT,
    ]
    assert "beloep" not in skatt.events()[0].event.data
    assert skatt.refused(
        Conflict, operations.settle_arrears, restanse_id=claim_aga.id, betalt_dato=date(2025, 5, 3)
    )


def test_a_person_owes_restskatt_only(skatt: Skatt) -> None:
    person = skatt.person()
    claim = skatt.run(
        operations.register_arrears,
        skyldner=person,
        kravtype="skatt",
        beloep=12_000,
        forfallsdato=date(2025, 1, 20),
    )
    assert claim.skyldnertype == "person"
    with skatt.database.read_session() as session:
        assert queries.arrears_of(session, skyldner=person).total == 12_000
    skatt.refused(
        InvalidInput,
        operations.register_arrears,
        skyldner=person,
        kravtype="merverdiavgift",
        beloep=1,
        forfallsdato=date(2025, 1, 20),
    )


def test_bad_claims_are_refused_and_nothing_is_written(skatt: Skatt) -> None:
    orgnr = skatt.employer().opplysningspliktig
    good = {"skyldner": orgnr, "kravtype": "skatt", "beloep": 10, "forfallsdato": date(2025, 1, 1)}
    for problem, changes in [
        (InvalidInput, {"beloep": 0}),
        (InvalidInput, {"beloep": -10}),
        (InvalidInput, {"kravtype": "bompenger"}),
        (InvalidInput, {"forfallsdato": date(1999, 12, 31)}),
        (InvalidInput, {"forfallsdato": date(2030, 1, 1)}),
        (InvalidInput, {"skyldner": "123"}),
        (NotFound, {"skyldner": "810825472"}),
        (NotFound, {"skyldner": "17868549939"}),
    ]:
        skatt.refused(problem, operations.register_arrears, **(good | changes))
    skatt.refused(NotFound, operations.settle_arrears, restanse_id=99, betalt_dato=date(2025, 1, 1))
    claim = skatt.run(operations.register_arrears, **good)
    skatt.refused(
        InvalidInput, operations.settle_arrears, restanse_id=claim.id, betalt_dato=date(2025, 7, 1)
    )
