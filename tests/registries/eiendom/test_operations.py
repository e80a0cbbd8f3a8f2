"""The property registry's commands: units, addresses, first owners and transfers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from felles.kernel.errors import Conflict, InvalidInput, NotFound
from felles.registries.eiendom import events, operations, queries
from felles.registries.eiendom.values import Matrikkelnummer
from tests.registries.eiendom.conftest import BERGEN, Register, mnr, transfer_args

UNKNOWN_FNR = "01815049914"  # valid, synthetic, never issued in these tests


# ------------------------------------------------------------------------------- units


def test_register_a_unit_with_addresses_emits_enhet_opprettet(eie: Register) -> None:
    first, second = eie.address(), eie.address()
    unit = eie.run(
        operations.register_unit,
        matrikkelnummer=mnr("0301-208/112"),
        matrikkelenhetstype="grunneiendom",
        areal=1234.5,
        adresse_ids=[second, first],
    )
    assert (unit.kommunenummer, unit.gaardsnummer, unit.bruksnummer) == ("0301", 208, 112)
    assert (unit.festenummer, unit.seksjonsnummer, unit.areal) == (0, 0, 1234.5)
    with eie.database.read_session() as session:
        view = queries.unit_view(session, mnr("0301-208/112/0/0"))
        assert view is not None and view.adresse_ids == (first, second)
        assert queries.units_at_address(session, adresse_id=first)[0].id == unit.id
    (stored,) = eie.events()
    assert stored.event.type == events.ENHET_OPPRETTET
    assert stored.event.subject == "0301-208/112/0/0"
    assert stored.event.data == {
        "matrikkelnummer": {
            "kommunenummer": "0301",
            "gaardsnummer": 208,
            "bruksnummer": 112,
            "festenummer": 0,
            "seksjonsnummer": 0,
        },
        "matrikkelenhetstype": "grunneiendom",
        "areal": 1234.5,
        "adresser": [second, first],
    }


@pytest.mark.parametrize(
    ("number", "type", "message"),
    [
        ("0301-1/1/0/1", "grunneiendom", "only an eierseksjon"),
        ("0301-1/1/0/0", "eierseksjon", "seksjonsnummer above 0"),
        ("0301-1/1/0/0", "festegrunn", "festenummer above 0"),
        ("0301-1/1/2/0", "jordsameie", "festenummer 0"),
        ("0301-1/1", "hytte", "matrikkelenhetstype must be one of"),
        ("9999-1/1", "grunneiendom", "not a Norwegian municipality"),
        ("0301-0/1", "grunneiendom", "gaardsnummer must be 1-99999"),
        ("0301-1/10000", "grunneiendom", "bruksnummer must be 1-9999"),
    ],
)
def test_impossible_units_are_refused(eie: Register, number: str, type: str, message: str) -> None:
    raw = number.replace("-", "/").split("/")
    matrikkelnummer = Matrikkelnummer(raw[0], *(int(x) for x in raw[1:]))
    detail = eie.refused(
        InvalidInput,
        operations.register_unit,
        matrikkelnummer=matrikkelnummer,
        matrikkelenhetstype=type,
    )
    assert message in detail


@pytest.mark.parametrize("areal", [0.0, -1.0, float("inf"), float("nan"), 2e12])
def test_an_impossible_area_is_refused(eie: Register, areal: float) -> None:
    detail = eie.refused(
        InvalidInput,
        operations.register_unit,
        matrikkelnummer=mnr("0301-1/1"),
        matrikkelenhetstype="grunneiendom",
        areal=areal,
    )
    assert "areal" in detail


def test_a_unit_is_registered_once(eie: Register) -> None:
    eie.unit("0301-1/1")
    detail = eie.refused(
        Conflict,
        operations.register_unit,
        matrikkelnummer=mnr("0301-1/1/0/0"),
        matrikkelenhetstype="jordsameie",
    )
    assert "already registered" in detail


def test_festegrunn_and_eierseksjon_need_the_unit_they_are_part_of(eie: Register) -> None:
    detail = eie.refused(
        Conflict,
        operations.register_unit,
        matrikkelnummer=mnr("0301-5/6/1/0"),
        matrikkelenhetstype="festegrunn",
    )
    assert "0301-5/6/0/0, which is not registered" in detail
    eie.unit("0301-5/6")
    eie.unit("0301-5/6/1/0", type="festegrunn")
    eie.unit("0301-5/6/1/1", type="eierseksjon", areal=None)
    eie.refused(
        Conflict,
        operations.register_unit,
        matrikkelnummer=mnr("0301-5/6/2/1"),
        matrikkelenhetstype="eierseksjon",
    )


def test_a_batch_may_register_a_unit_and_its_sections(eie: Register) -> None:
    units = [
        operations.NewUnit(mnr("0301-7/1"), "grunneiendom"),
        operations.NewUnit(mnr("0301-7/1/0/1"), "eierseksjon", 70.0),
        operations.NewUnit(mnr("0301-7/1/0/2"), "eierseksjon", 55.0),
        operations.NewUnit(mnr("0301-7/1/0/2"), "eierseksjon", 55.0),  # twice: refused
        operations.NewUnit(mnr("0301-8/1/0/1"), "eierseksjon"),  # no parent: refused
    ]
    outcome = eie.run(operations.register_units, units=units)
    assert [type(o).__name__ for o in outcome] == [
        "Matrikkelenhet",
        "Matrikkelenhet",
        "Matrikkelenhet",
        "Conflict",
        "Conflict",
    ]
    assert len(eie.events()) == 3
    with eie.database.read_session() as session:
        on_gaard = queries.units_on_gaard(session, kommunenummer="0301", gaardsnummer=7)
        assert [u.seksjonsnummer for u in on_gaard] == [0, 1, 2]


def test_addresses_must_exist_lie_in_the_municipality_and_on_one_unit(eie: Register) -> None:
    oslo, bergen = eie.address(), eie.address(kommunenummer=BERGEN, postnummer="5003")
    assert "No address 999" in eie.refused(
        InvalidInput,
        operations.register_unit,
        matrikkelnummer=mnr("0301-1/1"),
        matrikkelenhetstype="grunneiendom",
        adresse_ids=[999],
    )
    assert "lies in municipality 4601" in eie.refused(
        InvalidInput,
        operations.register_unit,
        matrikkelnummer=mnr("0301-1/1"),
        matrikkelenhetstype="grunneiendom",
        adresse_ids=[bergen],
    )
    eie.unit("0301-1/1", adresse_ids=(oslo,))
    assert "already lies on another" in eie.refused(
        Conflict,
        operations.register_unit,
        matrikkelnummer=mnr("0301-1/2"),
        matrikkelenhetstype="grunneiendom",
        adresse_ids=[oslo],
    )


def test_link_and_unlink_an_address(eie: Register) -> None:
    adresse = eie.address()
    eie.unit("0301-1/1")
    eie.unit("0301-1/2")
    unit = eie.run(operations.link_address, matrikkelnummer=mnr("0301-1/1"), adresse_id=adresse)
    assert unit.versjon == 2
    assert "already lies on 0301-1/1/0/0" in eie.refused(
        Conflict, operations.link_address, matrikkelnummer=mnr("0301-1/1"), adresse_id=adresse
    )
    assert "another cadastral unit" in eie.refused(
        Conflict, operations.link_address, matrikkelnummer=mnr("0301-1/2"), adresse_id=adresse
    )
    eie.refused(
        NotFound, operations.unlink_address, matrikkelnummer=mnr("0301-1/2"), adresse_id=adresse
    )
    eie.refused(
        NotFound, operations.link_address, matrikkelnummer=mnr("0301-9/9"), adresse_id=adresse
    )
    eie.run(operations.unlink_address, matrikkelnummer=mnr("0301-1/1"), adresse_id=adresse)
    eie.run(operations.link_address, matrikkelnummer=mnr("0301-1/2"), adresse_id=adresse)
    assert [e.event.type for e in eie.events()] == [
        events.ENHET_OPPRETTET,
        events.ENHET_OPPRETTET,
        events.ADRESSE_KOBLET,
        events.ADRESSE_FRAKOBLET,
        events.ADRESSE_KOBLET,
    ]


# ---------------------------------------------------------------------- first owners


def test_first_owners_are_registered_with_exact_shares(eie: Register) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    result = eie.owned("0301-1/1", (kari, "2/3"), (ola, "1/3"))
    assert result.dokumenttype == "etablering"
    assert [(p.hjemmelshaver, p.andel) for p in result.hjemmelshavere] == [
        (kari, Fraction(2, 3)),
        (ola, Fraction(1, 3)),
    ]
    assert eie.owners("0301-1/1") == {kari: Fraction(2, 3), ola: Fraction(1, 3)}
    stored = eie.events()[-1].event
    assert stored.type == events.HJEMMEL_ETABLERT
    assert stored.data["hjemmelshavere"][0] == {
        "identifikasjonsnummer": kari,
        "hjemmelshavertype": "person",
        "andel": {"teller": 2, "nevner": 3},
    }


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (["1/2", "1/3"], "must sum to 1; these sum to 5/6"),
        (["1/2", "2/3"], "sum to 7/6"),
        ([], "at least one"),
    ],
)
def test_first_owners_shares_must_sum_to_one(
    eie: Register, shares: list[str], message: str
) -> None:
    eie.unit("0301-1/1")
    people = [eie.person(foedselsdato=date(1970 + n, 1, 1)) for n in range(len(shares))]
    detail = eie.refused(
        InvalidInput,
        operations.register_ownership,
        matrikkelnummer=mnr("0301-1/1"),
        hjemmelshavere=[
            operations.Andel(p, Fraction(s)) for p, s in zip(people, shares, strict=True)
        ],
        dato=date(2020, 1, 1),
    )
    assert message in detail


def test_first_owners_only_once_and_only_living_and_known(eie: Register) -> None:
    kari, dead = eie.person(), eie.person(foedselsdato=date(1930, 1, 1))
    eie.die(dead)
    eie.unit("0301-1/1")

    def register(owner: str) -> str:
        return [operations.Andel(owner, Fraction(1))]  # type: ignore[return-value]

    args = {"matrikkelnummer": mnr("0301-1/1"), "dato": date(2020, 1, 1)}
    assert "dead" in eie.refused(
        Conflict, operations.register_ownership, hjemmelshavere=register(dead), **args
    )
    assert "no person is registered" in eie.refused(
        NotFound, operations.register_ownership, hjemmelshavere=register(UNKNOWN_FNR), **args
    )
    assert "11 digits" in eie.refused(
        InvalidInput, operations.register_ownership, hjemmelshavere=register("123"), **args
    )
    eie.refused(
        NotFound,
        operations.register_ownership,
        hjemmelshavere=register(kari),
        matrikkelnummer=mnr("0301-2/2"),
        dato=date(2020, 1, 1),
    )
    eie.run(operations.register_ownership, hjemmelshavere=register(kari), **args)
    assert "already has registered owners" in eie.refused(
        Conflict, operations.register_ownership, hjemmelshavere=register(kari), **args
    )


# ---------------------------------------------------------------------------- transfers


def test_a_skjoete_moves_shares_and_keeps_history(eie: Register) -> None:
    kari, ola, per = eie.person(), eie.person(kjoenn="mann"), eie.person(date(1990, 2, 2))
    eie.owned("0301-1/1", (kari, "1/2"), (ola, "1/2"), dato=date(2010, 1, 1))
    result = eie.transfer(
        "0301-1/1",
        fra=[(kari, "1/4"), (ola, None)],
        til=[(per, "3/4")],
        dato=date(2024, 6, 1),
        vederlag=4_500_000,
    )
    assert eie.owners("0301-1/1") == {per: Fraction(3, 4), kari: Fraction(1, 4)}
    assert [p.andel for p in result.fra] == [Fraction(1, 4), Fraction(1, 2)]
    with eie.database.read_session() as session:
        unit = queries.get_unit(session, mnr("0301-1/1"))
        assert unit is not None and unit.versjon == 3
        history = [
            (s.hjemmelshaver, s.andel, s.gyldig_fra, s.gyldig_til)
            for s in queries.owner_history(session, unit_id=unit.id)
        ]
        documents = queries.documents(session, unit_id=unit.id)
    start, sold = date(2010, 1, 1), date(2024, 6, 1)
    assert sorted(history, key=str) == sorted(
        [
            (kari, Fraction(1, 2), start, sold),
            (ola, Fraction(1, 2), start, sold),
            (kari, Fraction(1, 4), sold, None),
            (per, Fraction(3, 4), sold, None),
        ],
        key=str,
    )
    assert [(d.dokumenttype, d.vederlag) for d in documents] == [
        ("etablering", None),
        ("skjoete", 4_500_000),
    ]
    stored = eie.events()[-1].event
    assert stored.type == events.EIERSKIFTE
    assert stored.data["dokument"] == {
        "dokumentnummer": result.dokumentnummer,
        "dokumenttype": "skjoete",
        "dato": "2024-06-01",
        "vederlag": 4_500_000,
    }
    assert [p["andel"] for p in stored.data["hjemmelshavere"]] == [
        {"teller": 3, "nevner": 4},
        {"teller": 1, "nevner": 4},
    ]


def test_a_buyer_who_already_owns_gets_the_sum(eie: Register) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    eie.owned("0301-1/1", (kari, "1/3"), (ola, "2/3"))
    eie.transfer("0301-1/1", fra=[(kari, None)], til=[(ola, "1/3")])
    assert eie.owners("0301-1/1") == {ola: Fraction(1)}
    with eie.database.read_session() as session:
        assert [s.andel for s in queries.owned_by(session, ident=ola)] == [Fraction(1)]
        assert queries.owned_by(session, ident=kari) == []


@pytest.mark.parametrize(
    ("fra", "til", "problem", "message"),
    [
        ([("kari", "1/2")], [("per", "1/3")], InvalidInput, "must equal the shares given (1/2)"),
        ([("kari", None)], [("per", "1/3")], Conflict, "must equal the shares given (1/2)"),
        ([("kari", "3/4")], [("per", "3/4")], Conflict, "holds 1/2 of the unit, less than 3/4"),
        ([("per", "1/2")], [("kari", "1/2")], Conflict, "fra[0] holds no share"),
        ([("kari", "1/2")], [("kari", "1/2")], InvalidInput, "named twice"),
        ([], [("per", "1/2")], InvalidInput, "fra must name at least one"),
        ([("kari", "0")], [("per", "1/2")], InvalidInput, "above 0"),
        ([("kari", "1/2")], [("dead", "1/2")], Conflict, "til[0] is registered as dead"),
        ([("kari", "1/2")], [("unknown", "1/2")], NotFound, "til[0]: no person"),
    ],
)
def test_impossible_transfers_are_refused(
    eie: Register,
    fra: list[tuple[str, str | None]],
    til: list[tuple[str, str]],
    problem: type[Exception],
    message: str,
) -> None:
    who = {
        "kari": eie.person(),
        "ola": eie.person(kjoenn="mann"),
        "per": eie.person(foedselsdato=date(1990, 1, 1)),
        "dead": eie.person(foedselsdato=date(1930, 1, 1)),
        "unknown": UNKNOWN_FNR,
    }
    eie.die(who["dead"])
    eie.owned("0301-1/1", (who["kari"], "1/2"), (who["ola"], "1/2"))
    detail = eie.refused(
        problem,  # type: ignore[arg-type]
        operations.register_transfer,
        **transfer_args(
            "0301-1/1",
            fra=[(who[n], a) for n, a in fra],
            til=[(who[n], a) for n, a in til],
        ),
    )
    assert message in detail


def test_dead_owners_shares_pass_by_arv_or_skifte_not_skjoete(eie: Register) -> None:
    mor, sønn, datter = eie.person(date(1940, 1, 1)), eie.person(), eie.person(date(1980, 5, 5))
    eie.owned("0301-1/1", (mor, "1"))
    eie.die(mor)
    assert "pass by arv or skifte" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(mor, None)], til=[(sønn, "1")]),
    )
    eie.transfer(
        "0301-1/1", dokumenttype="arv", fra=[(mor, None)], til=[(sønn, "1/2"), (datter, "1/2")]
    )
    assert eie.owners("0301-1/1") == {sønn: Fraction(1, 2), datter: Fraction(1, 2)}
    assert "only a deceased person's shares pass by arv" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", dokumenttype="arv", fra=[(sønn, None)], til=[(datter, "1/2")]),
    )
    # A skifte between the living (after a divorce, say) is possible.
    eie.transfer("0301-1/1", dokumenttype="skifte", fra=[(sønn, None)], til=[(datter, "1/2")])
    assert eie.owners("0301-1/1") == {datter: Fraction(1)}


def test_documents_are_registered_in_date_order_and_not_in_the_future(eie: Register) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    eie.owned("0301-1/1", (kari, "1"), dato=date(2015, 1, 1))
    assert "before the unit's newest registered document (2015-01-01)" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(ola, "1")], dato=date(2014, 1, 1)),
    )
    assert "in the future" in eie.refused(
        InvalidInput,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(ola, "1")], dato=date(2025, 6, 2)),
    )
    assert "dokumenttype must be one of" in eie.refused(
        InvalidInput,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(ola, "1")], dokumenttype="gave"),
    )


def test_a_transfer_of_a_unit_without_owners_is_refused(eie: Register) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    eie.unit("0301-1/1")
    assert "no registered owners" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(ola, "1")]),
    )


def test_a_batch_of_transfers_refuses_a_second_item_on_the_same_unit(eie: Register) -> None:
    kari, ola, per = eie.person(), eie.person(kjoenn="mann"), eie.person(date(1990, 1, 1))
    eie.owned("0301-1/1", (kari, "1"))
    eie.owned("0301-1/2", (ola, "1"))
    transfers = [
        operations.Transfer(**transfer_args("0301-1/1", fra=[(kari, None)], til=[(per, "1")])),
        operations.Transfer(**transfer_args("0301-1/1", fra=[(per, None)], til=[(ola, "1")])),
        operations.Transfer(**transfer_args("0301-1/2", fra=[(ola, None)], til=[(per, "1")])),
        operations.Transfer(**transfer_args("0301-1/3", fra=[(ola, None)], til=[(per, "1")])),
    ]
    before = len(eie.events())
    outcome = eie.run(operations.register_transfers, transfers=transfers)
    assert [type(o).__name__ for o in outcome] == ["Tinglyst", "Conflict", "Tinglyst", "NotFound"]
    assert eie.owners("0301-1/1") == {per: Fraction(1)}
    assert eie.owners("0301-1/2") == {per: Fraction(1)}
    assert len(eie.events()) == before + 2


# ----------------------------------------------------------------------------- entities


def test_entities_own_and_receive_shares(eie: Register) -> None:
    kari = eie.person()
    selskap = eie.entity()
    eie.owned("0301-1/1", (kari, "1/2"), (selskap, "1/2"))
    eie.transfer("0301-1/1", fra=[(kari, None)], til=[(selskap, "1/2")])
    assert eie.owners("0301-1/1") == {selskap: Fraction(1)}
    stored = eie.events()[-1].event
    assert stored.data["hjemmelshavere"] == [
        {
            "identifikasjonsnummer": selskap,
            "hjemmelshavertype": "enhet",
            "andel": {"teller": 1, "nevner": 1},
        }
    ]


def test_deleted_entities_and_sub_units_cannot_receive(eie: Register) -> None:
    kari = eie.person()
    borte, hoved = eie.entity("Borte AS"), eie.entity("Hoved AS")
    avdeling = eie.sub_unit(hoved)
    eie.delete_entity(borte)
    eie.owned("0301-1/1", (kari, "1"))
    assert "deleted from Enhetsregisteret" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(borte, "1")]),
    )
    assert "underenhet" in eie.refused(
        Conflict,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[(avdeling, "1")]),
    )
    assert "no entity is registered" in eie.refused(
        NotFound,
        operations.register_transfer,
        **transfer_args("0301-1/1", fra=[(kari, None)], til=[("974760673", "1")]),
    )


def test_a_deleted_entitys_shares_can_still_be_transferred(eie: Register) -> None:
    kari, selskap = eie.person(), eie.entity()
    eie.owned("0301-1/1", (selskap, "1"))
    eie.delete_entity(selskap)
    eie.transfer("0301-1/1", dokumenttype="skifte", fra=[(selskap, None)], til=[(kari, "1")])
    assert eie.owners("0301-1/1") == {kari: Fraction(1)}


def test_a_batch_of_first_owners(eie: Register) -> None:
    kari, ola = eie.person(), eie.person(kjoenn="mann")
    for number in ("0301-3/1", "0301-3/2", "0301-3/3"):
        eie.unit(number)

    def first(number: str, *owners: tuple[str, str]) -> operations.Ownership:
        shares = tuple(operations.Andel(i, Fraction(a)) for i, a in owners)
        return operations.Ownership(mnr(number), shares, date(2020, 1, 1))

    outcome = eie.run(
        operations.register_ownerships,
        ownerships=[
            first("0301-3/1", (UNKNOWN_FNR, "1")),  # refused: does not hold the unit back
            first("0301-3/1", (kari, "1/2"), (ola, "1/2")),
            first("0301-3/2", (kari, "1")),
            first("0301-3/2", (ola, "1")),  # refused: the unit is in an earlier item
            first("0301-3/3", (kari, "1/2")),  # refused: shares sum to 1/2
        ],
    )
    assert [type(o).__name__ for o in outcome] == [
        "NotFound",
        "Tinglyst",
        "Tinglyst",
        "Conflict",
        "InvalidInput",
    ]
    assert eie.owners("0301-3/1") == {kari: Fraction(1, 2), ola: Fraction(1, 2)}
    assert eie.owners("0301-3/3") == {}
    assert [e.event.type for e in eie.events()][-2:] == [events.HJEMMEL_ETABLERT] * 2
