"""The distributor's personal-data products: declarations, values, schemas and query counts.

Data is made through the registries' own operations (and their tests' helpers); values are
read through ``Product.load`` as the distributor will, and compared with what the registries'
own APIs serve where a product mirrors one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from fractions import Fraction
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.errors import Problem
from felles.registries.aordningen import events as aordningen_events
from felles.registries.aordningen import operations as aordningen
from felles.registries.eiendom import operations as eiendom
from felles.registries.folkeregister import events as folkeregister_events
from felles.registries.folkeregister import operations as folkeregister
from felles.registries.folkeregister import queries as folkeregister_queries
from felles.registries.folkeregister.model import TidligereIdent
from felles.registries.krr import events as krr_events
from felles.registries.krr import operations as krr
from felles.registries.skatt import events as skatt_events
from felles.registries.skatt import operations as skatt
from felles.sharing.product import LANGUAGES, Product
from felles.sharing.products import PRODUCTS
from felles.sharing.products import arbeid as arbeid_products
from felles.sharing.products import eiendom as eiendom_products
from felles.sharing.products import folkeregister as folkeregister_products
from felles.sharing.products import krr as krr_products
from felles.sharing.products import skatt as skatt_products
from tests.registries.aordningen.conftest import Aordningen
from tests.registries.eiendom.conftest import Register as Eiendom
from tests.registries.eiendom.conftest import mnr
from tests.registries.folkeregister.conftest import (
    HEMMELIGVEIEN,
    SOLBAKKEN,
    STORGATA,
    Register,
    seed_addresses,
)

#: The clock fixture's now: every product is loaded as of it unless a test says otherwise.
AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
#: A D-number a person had before (kept in frg_tidligere_ident), and a number nobody has.
FORMER = "41815049908"
UNKNOWN = "01815049914"
MODULES = (folkeregister_products, krr_products, arbeid_products, skatt_products, eiendom_products)
NAMES = (
    "folkeregister.person.basis",
    "folkeregister.familie",
    "krr.kontakt",
    "arbeid.arbeidsforhold",
    "arbeid.inntekt.siste-36-mnd",
    "skatt.skatteoppgjoer.sammendrag",
    "skatt.beregnetskatt",
    "skatt.pensjonsgivendeinntekt",
    "skatt.restanser",
    "eiendom.eierskap",
)
#: Each module's owner and the event types its registry emits with a person as the subject.
OWNERS = {
    folkeregister_products: ("974761076", "Skatteetaten"),
    krr_products: ("991825827", "Digitaliseringsdirektoratet"),
    arbeid_products: ("889640782", "Arbeids- og velferdsetaten (NAV)"),
    skatt_products: ("974761076", "Skatteetaten"),
    eiendom_products: ("971040238", "Kartverket"),
}
PERSON_EVENTS = {
    folkeregister_products: {
        folkeregister_events.event_type(t) for t in folkeregister_events.HENDELSETYPER
    },
    krr_products: set(krr_events.TYPES),
    arbeid_products: set(aordningen_events.TYPES) - {aordningen_events.MAANED_RAPPORTERT},
    skatt_products: set(skatt_events.TYPES),
    eiendom_products: set(),  # its events' subject is the unit, never the owner
}
#: A batch of 50 subjects may cost at most this many statements, whatever the product.
MAX_STATEMENTS = 10


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.Draft202012Validator(PRODUCTS[name].json_schema(), validate_formats=True)


def load(
    database: Database, name: str, subjects: Sequence[str], at: datetime = AT
) -> dict[str, Mapping[str, Any]]:
    """The product's values for ``subjects``, each checked: every field, valid by the schema."""
    product = PRODUCTS[name]
    with database.read_session() as session:
        values = dict(product.load(session, subjects, at))
    for subject, fields in values.items():
        assert subject in subjects
        assert list(fields) == list(product.field_names), name
        errors = [error.message for error in _validator(name).iter_errors(dict(fields))]
        assert not errors, (name, errors)
    return values


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run on ``database`` inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def former_ident(frg: Register, ident: str) -> None:
    """Give the person ``FORMER`` as an identity number they used before."""
    with frg.uow() as uow:
        person = folkeregister_queries.get_person_or_raise(uow.session, ident=ident)
        uow.session.add(
            TidligereIdent(
                ident=FORMER,
                person_id=person.id,
                identifikatortype="dNummer",
                opphoerstidspunkt=frg.clock.now(),
            )
        )
        uow.commit()


def _no_metadata(value: Any) -> bool:
    """No object anywhere in ``value`` carries register metadata (``erGjeldende`` …)."""
    if isinstance(value, dict):
        return folkeregister_products.METADATA.isdisjoint(value) and all(
            map(_no_metadata, value.values())
        )
    if isinstance(value, list):
        return all(map(_no_metadata, value))
    return True


def _current(version: dict[str, Any]) -> dict[str, Any]:
    """A version of the registry's document as a product gives it (without metadata)."""
    return {k: v for k, v in version.items() if k not in folkeregister_products.METADATA}


@pytest.fixture
def frg(database: Database, clock: SimulatedClock) -> Register:
    seed_addresses(database)
    return Register(database, clock)


# ------------------------------------------------------------------------------------------
# Declarations
# ------------------------------------------------------------------------------------------


def test_every_product_is_listed_once() -> None:
    declared = [product for module in MODULES for product in module.PRODUCTS]
    assert sorted(p.name for p in declared) == sorted(NAMES)
    for product in declared:
        assert PRODUCTS[product.name] is product


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_products_are_declared_completely(module: Any) -> None:
    for product in module.PRODUCTS:
        assert isinstance(product, Product)
        # krr.kontakt 1.1.0 added varslingsstatus.
        assert product.version == ("1.1.0" if product.name == "krr.kontakt" else "1.0.0")
        assert (product.owner_orgnr, product.owner_name) == OWNERS[module]
        assert product.subject == "person"
        assert product.sensitivity == "personal"
        for texts in (product.title, product.description, *(f.description for f in product.fields)):
            assert tuple(texts) == LANGUAGES
            assert all(text.strip() for text in texts.values())
            assert texts["nb"] != texts["en"]
        for field in product.fields:
            assert "type" in field.schema, (product.name, field.name)
        assert set(product.changed_by) <= PERSON_EVENTS[module], product.name
        assert len(set(product.changed_by)) == len(product.changed_by)
        # The schema is a valid JSON Schema 2020-12 document.
        jsonschema_rs.meta.validate(product.json_schema())


# ------------------------------------------------------------------------------------------
# Folkeregisteret
# ------------------------------------------------------------------------------------------


def test_folkeregister_products(frg: Register) -> None:
    mor = frg.person(foedselsdato=date(1990, 4, 2), kjoenn="kvinne")
    far = frg.person(foedselsdato=date(1988, 7, 9), kjoenn="mann")
    frg.run(folkeregister.register_marriage, ident_a=mor, ident_b=far, dato=date(2015, 6, 20))
    child = frg.run(
        folkeregister.register_birth,
        mor=mor,
        far_eller_medmor=far,
        foedselsdato=date(2020, 5, 20),
        kjoenn="mann",
        fornavn="Lars",
    ).ident
    frg.run(folkeregister.register_divorce, ident_a=mor, ident_b=far, dato=date(2025, 5, 1))
    hidden = frg.person(adresse_id=STORGATA)
    frg.run(folkeregister.set_address_protection, ident=hidden, gradering="fortrolig")
    frg.run(
        folkeregister.register_move,
        ident=hidden,
        adresse_id=HEMMELIGVEIEN,
        flyttedato=date(2025, 5, 2),
    )
    mover = frg.person()
    frg.run(
        folkeregister.register_move, ident=mover, adresse_id=SOLBAKKEN, flyttedato=date(2025, 5, 3)
    )
    former_ident(frg, mover)
    late = frg.person(foedselsdato=date(1940, 1, 1), kjoenn="mann")
    frg.run(folkeregister.register_death, ident=late, doedsdato=date(2025, 5, 30))

    subjects = [mor, child, hidden, mover, FORMER, late, UNKNOWN]
    basis = load(frg.database, "folkeregister.person.basis", subjects)
    assert list(basis) == [mor, child, hidden, mover, FORMER, late]
    kari = basis[mor]
    assert kari["identifikasjonsnummer"]["foedselsEllerDNummer"] == mor
    assert kari["navn"]["fornavn"] == "Kari"
    assert kari["navn"]["etternavn"] == "Nordmann"
    assert kari["foedselsdato"] == "1990-04-02"
    assert kari["kjoenn"]["kjoenn"] == "kvinne"
    assert kari["status"]["status"] == "bosatt"
    assert [s["statsborgerskap"] for s in kari["statsborgerskap"]] == ["NOR"]
    assert kari["doedsfall"] is None
    assert kari["adressebeskyttelse"] is None
    assert kari["bostedsadresse"]["vegadresse"]["adressenavn"] == "Storgata"
    assert kari["postadresse"] is None
    # The same as the current version of each element in the registry's own document.
    document = frg.document(mor)
    assert kari["navn"] == _current(document["navn"][0])
    assert kari["bostedsadresse"] == {
        k: v for k, v in _current(document["bostedsadresse"][0]).items() if k != "adressegradering"
    }
    assert kari["identifikasjonsnummer"] == _current(document["identifikasjonsnummer"][0])
    assert basis[child]["navn"]["fornavn"] == "Lars"
    # A protected address is loaded; the decision point withholds it, not the loader.
    assert basis[hidden]["adressebeskyttelse"]["graderingsnivaa"] == "fortrolig"
    assert basis[hidden]["bostedsadresse"]["vegadresse"]["adressenavn"] == "Hemmeligveien"
    assert "adressegradering" not in basis[hidden]["bostedsadresse"]  # adressebeskyttelse's
    assert "bostedsadresse" not in frg.document(hidden)
    # Current values only: the move left a superseded address in the registry.
    assert [v["erGjeldende"] for v in frg.document(mover)["bostedsadresse"]] == [True, False]
    assert basis[mover]["bostedsadresse"]["vegadresse"]["adressenavn"] == "Solbakken"
    assert all(_no_metadata(fields) for fields in basis.values())
    # A former number finds the person, under the number asked with.
    assert basis[FORMER] == basis[mover]
    assert basis[FORMER]["identifikasjonsnummer"]["foedselsEllerDNummer"] == mover
    assert basis[late]["doedsfall"]["doedsdato"] == "2025-05-30"
    assert basis[late]["status"]["status"] == "doed"

    familie = load(frg.database, "folkeregister.familie", subjects)
    assert list(familie) == list(basis)
    assert familie[mor]["sivilstand"]["sivilstand"] == "skilt"
    # The ended marriage is in the registry's document, not in the product.
    assert any(not r["erGjeldende"] for r in frg.document(mor)["familierelasjon"])
    relations = {
        (r["relatertPerson"], r["relatertPersonsRolle"]) for r in familie[mor]["familierelasjon"]
    }
    assert relations == {(child, "barn")}
    assert {
        (r["relatertPerson"], r["relatertPersonsRolle"]) for r in familie[child]["familierelasjon"]
    } == {
        (mor, "mor"),
        (far, "far"),
    }
    assert {(a["ansvarlig"], a["ansvar"]) for a in familie[child]["foreldreansvar"]} == {
        (mor, "felles"),
        (far, "felles"),
    }
    assert [a["ansvarssubjekt"] for a in familie[mor]["foreldreansvar"]] == [child]
    assert familie[hidden] == {
        "sivilstand": familie[hidden]["sivilstand"],
        "familierelasjon": [],
        "foreldreansvar": [],
    }
    assert all(_no_metadata(fields) for fields in familie.values())
    # Foreldreansvar is worked out as of the day of ``at``: on his 18th birthday Lars has none.
    grown = load(frg.database, "folkeregister.familie", [child], datetime(2038, 5, 20, tzinfo=UTC))
    assert grown[child]["foreldreansvar"] == []


# ------------------------------------------------------------------------------------------
# KRR
# ------------------------------------------------------------------------------------------


def test_krr_product(frg: Register) -> None:
    full, reserved, deleted, renumbered, absent = (frg.person() for _ in range(5))
    former_ident(frg, renumbered)
    with frg.uow() as uow:
        krr.register_contact(
            uow,
            personidentifikator=full,
            epostadresse="kari@example.no",
            mobiltelefonnummer="91234567",
            spraak="nn",
        )
        krr.set_digital_mailbox(
            uow,
            personidentifikator=full,
            postkasseadresse="kari.nordmann#1ABC",
            leverandoer_orgnr=krr.DIGIPOST,
        )
        krr.reserve(uow, personidentifikator=reserved)
        krr.register_contact(uow, personidentifikator=deleted, epostadresse="weg@example.no")
        krr.delete_registration(uow, personidentifikator=deleted)
        # Registered under the D-number the person had before.
        krr.register_contact(uow, personidentifikator=FORMER, mobiltelefonnummer="+47 41234567")
        uow.commit()

    subjects = [full, reserved, deleted, renumbered, FORMER, absent, UNKNOWN]
    values = load(frg.database, "krr.kontakt", subjects)
    assert list(values) == [full, reserved, deleted, renumbered, FORMER]
    registered = "2025-06-01T12:00:00Z"
    assert values[full] == {
        "epostadresse": {
            "epostadresse": "kari@example.no",
            "epostadresse_oppdatert": registered,
            "epostadresse_sist_verifisert": None,
        },
        "mobiltelefonnummer": {
            "mobiltelefonnummer": "+4791234567",
            "mobiltelefonnummer_oppdatert": registered,
            "mobiltelefonnummer_sist_verifisert": None,
        },
        "reservasjon": {"reservasjon": "NEI", "reservasjonstidspunkt": None},
        "spraak": {"spraak": "nn", "spraak_oppdatert": registered},
        "digitalPostkasse": {
            "postkasseadresse": "kari.nordmann#1ABC",
            "postkasseleverandoeradresse": krr.DIGIPOST,
        },
        "varslingsstatus": "KAN_VARSLES",
    }
    assert values[reserved] == {
        "epostadresse": None,
        "mobiltelefonnummer": None,
        "reservasjon": {"reservasjon": "JA", "reservasjonstidspunkt": registered},
        "spraak": None,
        "digitalPostkasse": None,
        "varslingsstatus": "KAN_IKKE_VARSLES",
    }
    assert values[deleted] == dict.fromkeys(PRODUCTS["krr.kontakt"].field_names)
    assert values[renumbered]["mobiltelefonnummer"]["mobiltelefonnummer"] == "+4741234567"
    assert values[FORMER] == values[renumbered]
    # The 18-month rule at the instant read: nineteen months on, nothing was confirmed.
    later = load(frg.database, "krr.kontakt", [full], datetime(2027, 1, 2, tzinfo=UTC))
    assert later[full]["varslingsstatus"] == "KAN_IKKE_VARSLES"


# ------------------------------------------------------------------------------------------
# A-ordningen
# ------------------------------------------------------------------------------------------


def test_arbeid_products(
    database: Database, clock: SimulatedClock, client: TestClient, admin_headers: dict[str, str]
) -> None:
    seed_addresses(database)
    aord = Aordningen(database, clock)
    employer = aord.employer()
    person, idle = aord.person(), aord.person()
    former_ident(aord.frg, person)

    def start(startdato: date, arbeidssted: str, sluttdato: date | None = None) -> int:
        return aord.run(
            aordningen.start_employment,
            arbeidstaker=person,
            opplysningspliktig=employer.opplysningspliktig,
            arbeidssted=arbeidssted,
            startdato=startdato,
            sluttdato=sluttdato,
            sluttaarsak=None if sluttdato is None else "arbeidstakerHarSagtOppSelv",
            stillingsprosent=100,
            yrke="2512",
        ).id

    ended = start(date(2022, 1, 1), employer.other_arbeidssted, date(2022, 12, 31))
    current = start(date(2023, 1, 1), employer.arbeidssted)
    start(date(2025, 9, 1), employer.other_arbeidssted)  # has not started: left out
    aord.run(
        aordningen.change_employment,
        arbeidsforhold_id=current,
        gyldig_fra=date(2025, 1, 1),
        stillingsprosent=80,
    )
    for month, arbeidssted, beloep in (
        ("2022-06", employer.other_arbeidssted, 40_000),  # before the 36 months
        ("2022-07", employer.other_arbeidssted, 41_000),
        ("2025-05", employer.arbeidssted, 52_000),
    ):
        aord.run(
            aordningen.report_month,
            opplysningspliktig=employer.opplysningspliktig,
            kalendermaaned=month,
            inntektsmottakere=[
                aordningen.PayReport(person, arbeidssted, {"fastloenn": beloep}, beloep // 4)
            ],
        )

    subjects = [person, FORMER, idle, UNKNOWN]
    arbeidsforhold = load(database, "arbeid.arbeidsforhold", subjects)
    assert list(arbeidsforhold) == [person, FORMER, idle]
    shown = arbeidsforhold[person]["arbeidsforhold"]
    assert [a["navArbeidsforholdId"] for a in shown] == [current, ended]
    assert shown[0]["ansettelsesdetaljer"][0]["avtaltStillingsprosent"] == 80.0
    assert shown[1]["ansettelsesperiode"]["sluttdato"] == "2022-12-31"
    assert arbeidsforhold[FORMER] == arbeidsforhold[person]
    assert arbeidsforhold[idle] == {"arbeidsforhold": []}
    # The shape of Aa-registeret's API (same employments, same JSON).
    answer = client.get(
        "/aareg/api/v2/arbeidstaker/arbeidsforhold",
        params={"arbeidsforholdstatus": "AKTIV,AVSLUTTET"},
        headers=admin_headers | {"Nav-Personident": person},
    )
    assert answer.status_code == 200
    assert answer.json() == shown
    # As of an earlier day, the details then in force.
    earlier = load(database, "arbeid.arbeidsforhold", [person], datetime(2024, 6, 1, tzinfo=UTC))
    (before_change,) = earlier[person]["arbeidsforhold"][:1]
    assert before_change["ansettelsesdetaljer"][0]["avtaltStillingsprosent"] == 100.0

    inntekt = load(database, "arbeid.inntekt.siste-36-mnd", subjects)
    assert list(inntekt) == [person, FORMER, idle]
    pay = inntekt[person]["inntekt"]
    assert (pay["maanedFom"], pay["maanedTom"]) == ("2022-07", "2025-06")
    assert [(m["maaned"], m["inntektListe"][0]["beloep"]) for m in pay["data"]] == [
        ("2022-07", 41_000),
        ("2025-05", 52_000),
    ]
    assert pay["data"][1]["forskuddstrekkListe"] == [
        {"beloep": 13_000, "beskrivelse": "forskuddstrekk"}
    ]
    assert inntekt[FORMER] == inntekt[person]
    assert inntekt[idle]["inntekt"]["data"] == []
    # The shape of inntektskomponenten's API (same months, same JSON).
    answer = client.post(
        "/inntektskomponenten/rest/v2/inntekt",
        json={"personident": person, "maanedFom": "2022-07", "maanedTom": "2025-06"},
        headers=admin_headers,
    )
    assert answer.status_code == 200
    assert answer.json()["data"] == pay["data"]
    # The window moves with ``at``.
    later = load(
        database, "arbeid.inntekt.siste-36-mnd", [person], datetime(2025, 7, 1, tzinfo=UTC)
    )
    assert [m["maaned"] for m in later[person]["inntekt"]["data"]] == ["2025-05"]


def test_months_up_to() -> None:
    assert arbeid_products.months_up_to(date(2025, 6, 1)) == ("2022-07", "2025-06")
    assert arbeid_products.months_up_to(date(2025, 1, 31)) == ("2022-02", "2025-01")
    assert arbeid_products.months_up_to(date(2025, 12, 31)) == ("2023-01", "2025-12")
    assert arbeid_products.months_up_to(date(2025, 3, 1), 1) == ("2025-03", "2025-03")


# ------------------------------------------------------------------------------------------
# Skatteetaten
# ------------------------------------------------------------------------------------------


def test_skatt_products(
    database: Database, clock: SimulatedClock, client: TestClient, admin_headers: dict[str, str]
) -> None:
    seed_addresses(database)
    frg = Register(database, clock)
    person, unassessed = frg.person(), frg.person()
    former_ident(frg, person)
    frg.run(
        skatt.make_assessment,
        ident=person,
        income_year=2023,
        loennsinntekt=550_000,
        skatteoppgjoersdato=date(2024, 6, 20),
    )
    frg.run(
        skatt.make_assessment,
        ident=person,
        income_year=2024,
        loennsinntekt=600_000,
        kapitalinntekt=12_000,
        renteutgifter=45_000,
        bruttoformue=4_200_000,
        gjeld=2_500_000,
        skatteoppgjoersdato=date(2025, 5, 15),
    )
    overdue = frg.run(
        skatt.register_arrears,
        skyldner=person,
        kravtype="skatt",
        beloep=10_000,
        forfallsdato=date(2025, 3, 1),
    )
    frg.run(
        skatt.register_arrears,
        skyldner=person,
        kravtype="skatt",
        beloep=5_000,
        forfallsdato=date(2025, 7, 1),  # not due yet
    )
    paid = frg.run(
        skatt.register_arrears,
        skyldner=person,
        kravtype="skatt",
        beloep=7_000,
        forfallsdato=date(2025, 2, 1),
    )
    frg.run(skatt.settle_arrears, restanse_id=paid.id, betalt_dato=date(2025, 4, 1))
    subjects = [person, FORMER, unassessed, UNKNOWN]

    sammendrag = load(database, "skatt.skatteoppgjoer.sammendrag", subjects)
    assert list(sammendrag) == [person, FORMER, unassessed]
    latest = sammendrag[person]
    assert {field["inntektsaar"] for field in latest.values()} == {2024}
    assert latest["inntekt"]["samletLoennsinntektMedTrygdeavgiftspliktOgMedTrekkplikt"] == 600_000
    assert latest["inntekt"]["samledeOpptjenteRenterIInnenlandskeBanker"] == 12_000
    assert latest["fradrag"]["samledePaaloepteRenterPaaGjeldIInnenlandskeBanker"] == 45_000
    assert latest["formue"] == {
        "inntektsaar": 2024,
        "skatteoppgjoersdato": "2025-05-15",
        "bruttoformue": 4_200_000,
        "nettoformue": 1_700_000,
    }
    assert latest["gjeld"]["samletGjeld"] == 2_500_000
    assert sammendrag[FORMER] == latest
    assert sammendrag[unassessed] == dict.fromkeys(("inntekt", "fradrag", "formue", "gjeld"))
    # Every post equals the one Summert skattegrunnlag serves for the year.
    answer = client.get(
        f"/api/formueinntekt/summertskattegrunnlag/nav/2024/{person}", headers=admin_headers
    )
    assert answer.status_code == 200
    posts = {post["tekniskNavn"]: post["beloep"] for post in answer.json()["grunnlag"]}
    shown = {k: v for field in latest.values() for k, v in field.items()}
    for teknisk_navn, beloep in posts.items():
        assert shown[teknisk_navn] == beloep
    # Before the 2024 assessment was made, the 2023 one was the latest.
    earlier = load(
        database, "skatt.skatteoppgjoer.sammendrag", [person], datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert earlier[person]["inntekt"]["inntektsaar"] == 2023

    beregnet = load(database, "skatt.beregnetskatt", subjects)
    answer = client.get(
        f"/api/formueinntekt/beregnetskatt/nav/2024/{person}", headers=admin_headers
    )
    assert answer.status_code == 200
    assert beregnet[person]["beregnetSkatt"] == {
        "inntektsaar": 2024,
        "skatteoppgjoersdato": "2025-05-15",
        "beregnetSkattFastland": answer.json()["beregnetSkattFastland"],
    }
    assert beregnet[FORMER] == beregnet[person]
    assert beregnet[unassessed] == {"beregnetSkatt": None}

    pgi = load(database, "skatt.pensjonsgivendeinntekt", subjects)
    years = pgi[person]["pensjonsgivendeInntekt"]
    assert [year["inntektsaar"] for year in years] == [2024, 2023]
    for year in years:
        answer = client.get(
            f"/api/formueinntekt/pensjonsgivendeinntektforfolketrygden/{year['inntektsaar']}/"
            f"{person}",
            headers=admin_headers,
        )
        assert answer.status_code == 200
        assert year["pensjonsgivendeInntekt"] == answer.json()["pensjonsgivendeInntekt"]
    assert pgi[unassessed] == {"pensjonsgivendeInntekt": []}

    restanser = load(database, "skatt.restanser", subjects)
    assert restanser[person]["restanser"]["skatt"] == {
        "forfaltOgUbetalt": overdue.beloep,
        "renterOgGebyrer": 0,
    }
    assert restanser[person]["restanser"]["arbeidsgiveravgift"]["forfaltOgUbetalt"] == 0
    assert restanser[FORMER] == restanser[person]
    assert {k: v["forfaltOgUbetalt"] for k, v in restanser[unassessed]["restanser"].items()} == {
        "skatt": 0,
        "arbeidsgiveravgift": 0,
        "merverdiavgift": 0,
        "forskuddstrekk": 0,
    }
    # Later, the second claim is due too.
    july = load(database, "skatt.restanser", [person], datetime(2025, 7, 2, tzinfo=UTC))
    assert july[person]["restanser"]["skatt"]["forfaltOgUbetalt"] == 15_000


# ------------------------------------------------------------------------------------------
# Grunnboken and Matrikkelen
# ------------------------------------------------------------------------------------------


def test_eiendom_product(database: Database, clock: SimulatedClock) -> None:
    seed_addresses(database)
    frg = Register(database, clock)
    eie = Eiendom(database, clock)
    owner, partner, buyer, nobody = (frg.person() for _ in range(4))
    former_ident(frg, owner)
    adresse = eie.address()
    eie.unit("0301-7/3", adresse_ids=(adresse,))
    eie.owned("0301-7/3", (owner, "1/2"), (partner, "1/2"))
    eie.owned("0301-7/1", (owner, "1"))
    eie.owned("0301-7/2", (owner, "1"))
    eie.transfer("0301-7/2", fra=[(owner, None)], til=[(buyer, "1")])  # sold: not owned now

    subjects = [owner, FORMER, buyer, nobody, UNKNOWN]
    values = load(database, "eiendom.eierskap", subjects)
    assert list(values) == [owner, FORMER, buyer, nobody]
    eiendommer = values[owner]["eiendommer"]
    assert [e["matrikkelnummertekst"] for e in eiendommer] == ["0301-7/1/0/0", "0301-7/3/0/0"]
    assert [e["andel"] for e in eiendommer] == ["1/1", "1/2"]
    whole, half = eiendommer
    assert whole["adresser"] == []
    assert whole["fraOgMed"] == "2010-01-01"
    assert half["matrikkelnummer"] == mnr("0301-7/3").as_json()
    assert half["kommunenavn"] == "OSLO"
    assert half["matrikkelenhetstype"] == "grunneiendom"
    (address,) = half["adresser"]
    assert address["adresseIdentifikatorFraMatrikkelen"] == adresse
    assert re.fullmatch(r"Eiendomsveien \d+", address["adressetekst"])
    assert (address["postnummer"], address["poststed"]) == ("0184", "OSLO")
    # The other owners are other people's data.
    assert partner not in str(values[owner])
    assert values[FORMER] == values[owner]
    assert [e["matrikkelnummertekst"] for e in values[buyer]["eiendommer"]] == ["0301-7/2/0/0"]
    assert values[nobody] == {"eiendommer": []}


# ------------------------------------------------------------------------------------------
# Many subjects: a few statements, the same answers as one by one
# ------------------------------------------------------------------------------------------

PEOPLE = 50


def _population(database: Database, clock: SimulatedClock) -> list[str]:
    """``PEOPLE`` people with data in every registry (family, KRR, work, tax, property)."""
    seed_addresses(database)
    aord = Aordningen(database, clock)
    frg = aord.frg
    people = [
        frg.person(foedselsdato=date(1960 + n % 40, 1 + n % 12, 1 + n % 28)) for n in range(PEOPLE)
    ]
    for first, second in zip(people[0:20:2], people[1:20:2], strict=True):
        frg.run(
            folkeregister.register_marriage, ident_a=first, ident_b=second, dato=date(2010, 1, 1)
        )
        frg.run(
            folkeregister.register_birth,
            mor=first if frg.get(first).kjoenn == "kvinne" else second,
            far_eller_medmor=second if frg.get(first).kjoenn == "kvinne" else first,
            foedselsdato=date(2015, 3, 3),
            kjoenn="kvinne",
            fornavn="Ida",
        )
    frg.run(folkeregister.set_address_protection, ident=people[-1], gradering="strengtFortrolig")
    former_ident(frg, people[-2])
    employer = aord.employer()
    with database.unit_of_work() as uow:
        for person in people:
            krr.register_contact(
                uow, personidentifikator=person, epostadresse="post@example.no", spraak="nb"
            )
        started = aordningen.start_employments(
            uow,
            employments=[
                aordningen.Employment(
                    arbeidstaker=person,
                    opplysningspliktig=employer.opplysningspliktig,
                    arbeidssted=employer.arbeidssted,
                    startdato=date(2023, 1, 1),
                    stillingsprosent=100,
                    yrke="2512",
                )
                for person in people
            ],
        )
        assert not [result for result in started if isinstance(result, Problem)]
        uow.commit()
    with database.unit_of_work() as uow:
        for month in ("2025-04", "2025-05"):
            aordningen.report_month(
                uow,
                opplysningspliktig=employer.opplysningspliktig,
                kalendermaaned=month,
                inntektsmottakere=[
                    aordningen.PayReport(
                        person, employer.arbeidssted, {"fastloenn": 50_000}, 12_000
                    )
                    for person in people
                ],
            )
        assessed = skatt.make_assessments(
            uow,
            items=[
                skatt.TaxReturn(person, year, loennsinntekt=600_000, bruttoformue=900_000)
                for person in people
                for year in (2023, 2024)
            ],
        )
        for person in people:
            skatt.register_arrears(
                uow, skyldner=person, kravtype="skatt", beloep=1_000, forfallsdato=date(2025, 1, 1)
            )
        units = [mnr(f"0301-99/{n + 1}") for n in range(PEOPLE)]
        registered = eiendom.register_units(
            uow,
            units=[
                eiendom.NewUnit(unit, "grunneiendom", adresse_ids=(STORGATA,) if n == 0 else ())
                for n, unit in enumerate(units)
            ],
        )
        owned = eiendom.register_ownerships(
            uow,
            ownerships=[
                eiendom.Ownership(unit, (eiendom.Andel(person, Fraction(1)),), date(2012, 1, 1))
                for unit, person in zip(units, people, strict=True)
            ],
        )
        results = [*assessed, *registered, *owned]
        assert not [result for result in results if isinstance(result, Problem)]
        uow.commit()
    return people


def test_many_subjects_cost_a_few_statements(database: Database, clock: SimulatedClock) -> None:
    """Every product, on one population (built once: it is the slow part)."""
    people = _population(database, clock)
    subjects = [*people, FORMER, UNKNOWN]
    for name in NAMES:
        with statements(database) as one:
            single = load(database, name, people[:1])
        with statements(database) as current:
            load(database, name, people)
        with statements(database) as many:
            batch = load(database, name, subjects)
        assert len(many) <= MAX_STATEMENTS, (name, many)
        assert len(current) == len(one), (name, current)
        # Numbers that are not current ones (FORMER, UNKNOWN) may cost a lookup in
        # Folkeregisteret's former numbers, and for KRR one more for registrations under them.
        assert len(many) <= len(one) + 2, (name, many)
        assert list(batch) == [*people, FORMER], name
        assert batch[FORMER] == batch[people[-2]], name
        assert batch[people[0]] == single[people[0]], name
        for person in people[1:5]:
            assert batch[person] == load(database, name, [person])[person], name
        # Everyone has data in every product, so a batch is no cheaper for lack of it.
        assert all(any(v not in (None, []) for v in f.values()) for f in batch.values()), name
