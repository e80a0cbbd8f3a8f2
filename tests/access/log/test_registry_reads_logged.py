"""Reads through the registries' own APIs with an organisation's Maskinporten token are in the
access log before the answer: one entry per person returned, per dataset, with the consumer,
the fields, the scope as the basis, the purpose (``X-Formaal``) and the request id. The
operator's token, a person reading their own data and refused calls log nothing, and the
person sees the entries in their own view."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from sqlalchemy import select

from felles.access.log import writer
from felles.access.log.model import LogEntryRow
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.aordningen import operations as aordningen
from felles.registries.aordningen.api import SCOPE_AAREG, SCOPE_INNTEKT
from felles.registries.eiendom.api import SCOPE as EIENDOM
from felles.registries.folkeregister.api import SCOPE as FREG
from felles.registries.folkeregister.model import TidligereIdent
from felles.registries.folkeregister.queries import get_person_or_raise
from felles.registries.krr import operations as krr
from felles.registries.krr.api import SCOPE_DIGITALPOST, SCOPE_KONTAKTINFORMASJON
from felles.registries.skatt.api import SCOPE_BEREGNET, SCOPE_PGI, SCOPE_RESTANSER, SCOPE_SUMMERT
from felles.registries.skatt.operations.assessments import make_assessment
from tests.identity import conftest as identity
from tests.identity.conftest import ADMIN, ORGNR, Maskinporten
from tests.identity.test_oidc import HIGH, REDIRECT, finish, start
from tests.registries.aordningen.conftest import Aordningen
from tests.registries.eiendom.conftest import Register as Eiendom
from tests.registries.folkeregister.conftest import Register, seed_addresses

SCOPES = (
    FREG,
    SCOPE_KONTAKTINFORMASJON,
    SCOPE_DIGITALPOST,
    SCOPE_AAREG,
    SCOPE_INNTEKT,
    SCOPE_SUMMERT,
    SCOPE_BEREGNET,
    SCOPE_PGI,
    SCOPE_RESTANSER,
    EIENDOM,
)
PERSON = "/folkeregisteret/api/v1/personer/{}"
BULK = "/folkeregisteret/api/v1/personer/bulkoppslag"
KRR = "/kontaktregisteret/rest/v1/personer"
AAREG = "/aareg/api/v2"
INNTEKT = "/inntektskomponenten/rest/v2/inntekt"
EIENDOM_API = "/eiendom/api/v1"
INNSYN = "/innsynslogg/api/v1/personer/{}/innsyn"
BASIS, FAMILIE = "folkeregister.person.basis", "folkeregister.familie"
BASIS_FIELDS = [
    "adressebeskyttelse",
    "bostedsadresse",
    "doedsfall",
    "foedselsdato",
    "identifikasjonsnummer",
    "innflytting",
    "kjoenn",
    "navn",
    "statsborgerskap",
    "status",
    "utflytting",
]
FAMILIE_FIELDS = ["familierelasjon", "foreldreansvar", "sivilstand"]
DIGDIR = "991825827"
UNKNOWN = "01815049914"  # a valid number nobody has
FORMER = "41815049908"  # a D-number

Token = Callable[..., dict[str, Any]]

# Identity's fixtures: the application, issuers under its base URL, a person, a client key.
app_client = identity.app_client
base_url = identity.base_url
person = identity.person
rsa_key = identity.rsa_key


@pytest.fixture
def org(app_client: TestClient, rsa_key: RSAKey, clock: SimulatedClock) -> Token:
    """The Authorization header of a fresh Maskinporten token of ``ORGNR`` with ``scopes``,
    merged with any other headers given."""
    mp = Maskinporten(app_client, rsa_key)
    mp.register(scopes=list(SCOPES))

    def token(*scopes: str, **headers: Any) -> dict[str, Any]:
        now = int(clock.now().timestamp())
        response = mp.token(mp.assertion(now=now, scope=" ".join(scopes)))
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"} | headers

    return token


@pytest.fixture
def frg(database: Database, clock: SimulatedClock, person: str) -> Register:
    """Folkeregisteret's helper (``person`` seeded the addresses)."""
    return Register(database, clock)


def entries(database: Database) -> list[LogEntryRow]:
    with database.read_session() as session:
        rows = list(session.scalars(select(LogEntryRow).order_by(LogEntryRow.sekvensnummer)))
        session.expunge_all()
        return rows


def summary(rows: list[LogEntryRow]) -> list[tuple[str, str, list[str], str]]:
    """(subjekt, datasett, felter, hjemmel) of each entry, sorted."""
    return sorted((r.subjekt, r.datasett, list(r.felter), r.hjemmel or "") for r in rows)


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


# ------------------------------------------------------------------------------------------
# Folkeregisteret
# ------------------------------------------------------------------------------------------


def test_a_person_document_is_logged_per_dataset(
    app_client: TestClient,
    org: Token,
    database: Database,
    person: str,
) -> None:
    headers = org(FREG, **{"X-Formaal": "bostotte", "X-Request-ID": "sak-17"})
    answer = app_client.get(PERSON.format(person), headers=headers)
    # The body is the registry's, unchanged.
    assert _ok(answer) == _ok(app_client.get(PERSON.format(person), headers=ADMIN))

    rows = entries(database)
    scope = f"scope:{FREG}"
    assert summary(rows) == [
        (person, FAMILIE, FAMILIE_FIELDS, scope),
        (person, BASIS, BASIS_FIELDS, scope),
    ]
    for row in rows:
        assert (row.konsument, row.aktoer, row.samtykke_id) == (ORGNR, None, None)
        assert (row.formaal, row.foresporsel_id) == ("bostotte", "sak-17")

    # Only the elements asked for; a purpose in UTF-8 is read as UTF-8.
    purpose = "Søknad om bostøtte"
    headers = org(FREG, **{"X-Formaal": purpose.encode()})
    answer = app_client.get(PERSON.format(person), params={"part": "navn"}, headers=headers)
    assert set(_ok(answer)) == {"identifikasjonsnummer", "navn"}
    (last,) = entries(database)[len(rows) :]
    assert (last.datasett, list(last.felter)) == (BASIS, ["identifikasjonsnummer", "navn"])
    assert last.formaal == purpose
    assert str(uuid.UUID(last.foresporsel_id)) == last.foresporsel_id


def test_a_former_number_is_logged_under_the_current_one(
    app_client: TestClient, org: Token, database: Database, frg: Register
) -> None:
    renumbered = frg.person()
    with database.unit_of_work() as uow:  # a D-number the person had before
        found = get_person_or_raise(uow.session, ident=renumbered)
        uow.session.add(
            TidligereIdent(
                ident=FORMER,
                person_id=found.id,
                identifikatortype="dNummer",
                opphoerstidspunkt=frg.clock.now(),
            )
        )
        uow.commit()
    answer = app_client.get(PERSON.format(FORMER), params={"part": "navn"}, headers=org(FREG))
    assert _ok(answer)["navn"]
    assert [row.subjekt for row in entries(database)] == [renumbered]


def test_bulk_lookup_logs_the_people_found_only(
    app_client: TestClient,
    org: Token,
    database: Database,
    frg: Register,
    person: str,
) -> None:
    other = frg.person(fornavn="Ola")
    body = {"foedselsEllerDNummer": [person, UNKNOWN, "123", other, person]}
    answer = _ok(app_client.post(BULK, json=body, headers=org(FREG)))
    assert [("folkeregisterperson" in o) for o in answer["oppslag"]] == [
        True,
        False,
        False,
        True,
        True,
    ]
    rows = entries(database)
    scope = f"scope:{FREG}"
    assert summary(rows) == sorted(
        [
            (person, BASIS, BASIS_FIELDS, scope),
            (person, FAMILIE, FAMILIE_FIELDS, scope),
            (other, BASIS, BASIS_FIELDS, scope),
            (other, FAMILIE, FAMILIE_FIELDS, scope),
        ]
    )
    # No X-Formaal: "ikke-oppgitt"; no X-Request-ID: one new id for the whole request.
    assert {row.formaal for row in rows} == {"ikke-oppgitt"}
    assert len({row.foresporsel_id for row in rows}) == 1

    # Nobody found: nothing logged.
    _ok(app_client.post(BULK, json={"foedselsEllerDNummer": [UNKNOWN]}, headers=org(FREG)))
    assert len(entries(database)) == len(rows)


# ------------------------------------------------------------------------------------------
# KRR, A-ordningen, Skatteetaten, Eiendom
# ------------------------------------------------------------------------------------------


def test_krr_logs_the_registered_people_with_the_fields_of_each_scope(
    app_client: TestClient,
    org: Token,
    database: Database,
    frg: Register,
    person: str,
) -> None:
    reserved, unregistered = frg.person(), frg.person()
    with database.unit_of_work() as uow:
        krr.register_contact(uow, personidentifikator=person, epostadresse="kari@example.no")
        krr.set_digital_mailbox(
            uow,
            personidentifikator=person,
            postkasseadresse="kari.nordmann#1ABC",
            leverandoer_orgnr=krr.DIGIPOST,
        )
        krr.reserve(uow, personidentifikator=reserved)
        uow.commit()
    body = {"personidentifikatorer": [person, reserved, unregistered]}
    both = org(SCOPE_KONTAKTINFORMASJON, SCOPE_DIGITALPOST, **{"X-Formaal": "varsling"})
    answer = _ok(app_client.post(KRR, json=body, headers=both))
    assert [p["status"] for p in answer["personer"]] == ["AKTIV", "AKTIV", "IKKE_REGISTRERT"]
    kontakt = ["epostadresse", "mobiltelefonnummer", "reservasjon", "spraak"]
    contact, mailbox = f"scope:{SCOPE_KONTAKTINFORMASJON}", f"scope:{SCOPE_DIGITALPOST}"
    rows = entries(database)
    assert summary(rows) == sorted(
        [
            (person, "krr.kontakt", kontakt, contact),
            (person, "krr.kontakt", ["digitalPostkasse"], mailbox),
            (reserved, "krr.kontakt", kontakt, contact),
            (reserved, "krr.kontakt", ["digitalPostkasse"], mailbox),
        ]
    )
    assert {(r.konsument, r.formaal) for r in rows} == {(ORGNR, "varsling")}

    _ok(
        app_client.post(
            KRR, json={"personidentifikatorer": [person]}, headers=org(SCOPE_DIGITALPOST)
        )
    )
    (last,) = entries(database)[len(rows) :]
    assert (list(last.felter), last.hjemmel) == (["digitalPostkasse", "reservasjon"], mailbox)


def test_aordningen_logs_employees_and_pay(
    app_client: TestClient, org: Token, database: Database, clock: SimulatedClock
) -> None:
    seed_addresses(database)
    aord = Aordningen(database, clock)
    employer = aord.employer()
    worker, colleague = aord.person(), aord.person()
    ids = {}
    for ident in (worker, colleague):
        ids[ident] = aord.run(
            aordningen.start_employment,
            arbeidstaker=ident,
            opplysningspliktig=employer.opplysningspliktig,
            arbeidssted=employer.arbeidssted,
            startdato=date(2023, 1, 1),
            stillingsprosent=100,
            yrke="2512",
        ).id
    aord.run(
        aordningen.report_month,
        opplysningspliktig=employer.opplysningspliktig,
        kalendermaaned="2025-05",
        inntektsmottakere=[
            aordningen.PayReport(worker, employer.arbeidssted, {"fastloenn": 50_000}, 12_000)
        ],
    )
    aareg = f"scope:{SCOPE_AAREG}"
    arbeidsforhold = ("arbeid.arbeidsforhold", ["arbeidsforhold"], aareg)

    own = app_client.get(
        f"{AAREG}/arbeidstaker/arbeidsforhold",
        headers=org(SCOPE_AAREG, **{"Nav-Personident": worker, "X-Request-ID": "r1"}),
    )
    assert len(_ok(own)) == 1
    one = app_client.get(f"{AAREG}/arbeidsforhold/{ids[colleague]}", headers=org(SCOPE_AAREG))
    assert _ok(one)["navArbeidsforholdId"] == ids[colleague]
    overview = app_client.post(
        f"{AAREG}/arbeidssted/arbeidsforholdoversikt",
        json={"arbeidsstedId": employer.arbeidssted},
        headers=org(SCOPE_AAREG, **{"X-Request-ID": "r3"}),
    )
    assert _ok(overview)["totalAntall"] == 2
    rows = entries(database)
    assert [(r.subjekt, r.datasett, list(r.felter), r.hjemmel) for r in rows[:2]] == [
        (worker, *arbeidsforhold),
        (colleague, *arbeidsforhold),
    ]
    assert summary(rows[2:]) == sorted([(worker, *arbeidsforhold), (colleague, *arbeidsforhold)])
    assert {r.foresporsel_id for r in rows[2:]} == {"r3"} and rows[0].foresporsel_id == "r1"

    # Inntekt: the body's formaal is the purpose when there is no X-Formaal header.
    body = {"personident": worker, "maanedFom": "2025-01", "maanedTom": "2025-06"}
    pay = app_client.post(INNTEKT, json=body | {"formaal": "kontroll"}, headers=org(SCOPE_INNTEKT))
    assert len(_ok(pay)["data"]) == 1
    history = app_client.post(
        f"{INNTEKT}shistorikk",
        json=body | {"formaal": "kontroll"},
        headers=org(SCOPE_INNTEKT, **{"X-Formaal": "etterkontroll"}),
    )
    _ok(history)
    inntekt = [r for r in entries(database) if r.datasett == "arbeid.inntekt.siste-36-mnd"]
    assert [(r.subjekt, list(r.felter), r.hjemmel, r.formaal) for r in inntekt] == [
        (worker, ["inntekt"], f"scope:{SCOPE_INNTEKT}", "kontroll"),
        (worker, ["inntekt"], f"scope:{SCOPE_INNTEKT}", "etterkontroll"),
    ]


def test_skatteetaten_logs_the_person_and_not_an_organisation(
    app_client: TestClient,
    org: Token,
    database: Database,
    frg: Register,
    person: str,
) -> None:
    frg.run(
        make_assessment,
        ident=person,
        income_year=2024,
        loennsinntekt=600_000,
        skatteoppgjoersdato=date(2025, 5, 15),
    )
    reads = {
        SCOPE_SUMMERT: f"/api/formueinntekt/summertskattegrunnlag/nav/2024/{person}",
        SCOPE_BEREGNET: f"/api/formueinntekt/beregnetskatt/nav/2024/{person}",
        SCOPE_PGI: f"/api/formueinntekt/pensjonsgivendeinntektforfolketrygden/2024/{person}",
    }
    for scope, url in reads.items():
        _ok(app_client.get(url, headers=org(scope)))
    assert [(r.subjekt, r.datasett, list(r.felter), r.hjemmel) for r in entries(database)] == [
        (
            person,
            "skatt.skatteoppgjoer.sammendrag",
            ["formue", "fradrag", "gjeld", "inntekt"],
            f"scope:{SCOPE_SUMMERT}",
        ),
        (person, "skatt.beregnetskatt", ["beregnetSkatt"], f"scope:{SCOPE_BEREGNET}"),
        (person, "skatt.pensjonsgivendeinntekt", ["pensjonsgivendeInntekt"], f"scope:{SCOPE_PGI}"),
    ]
    # An organisation's restanser are no person's data.
    orgnr = Eiendom(database, frg.clock).entity()
    restanser = app_client.get(
        f"/api/innkreving/restanser/ebevis/{orgnr}", headers=org(SCOPE_RESTANSER)
    )
    assert _ok(restanser)
    assert len(entries(database)) == 3


def test_eiendom_logs_the_people_among_the_owners(
    app_client: TestClient, org: Token, database: Database, clock: SimulatedClock
) -> None:
    eie = Eiendom(database, clock)
    owner, seller, nobody = eie.person(), eie.person(), eie.person()
    company = eie.entity()
    eie.owned("0301-7/3", (owner, "1/2"), (seller, "1/2"))
    eie.transfer("0301-7/3", fra=[(seller, None)], til=[(company, "1/2")])
    unit = f"{EIENDOM_API}/matrikkelenheter/0301/7/3/0/0"
    field = ("eiendom.eierskap", ["eiendommer"], f"scope:{EIENDOM}")

    def logged_by(url: str, **params: Any) -> list[str]:
        before = len(entries(database))
        _ok(app_client.get(url, params=params, headers=org(EIENDOM)))
        rows = entries(database)[before:]
        assert {(r.datasett, tuple(r.felter), r.hjemmel) for r in rows} <= {
            (field[0], tuple(field[1]), field[2])
        }
        return sorted(r.subjekt for r in rows)

    assert logged_by(unit) == [owner]  # the company is no person
    assert logged_by(unit + "/hjemmelshistorikk") == sorted([owner, seller])
    assert logged_by(f"{EIENDOM_API}/matrikkelenheter", kommunenummer="0301", gaardsnummer=7) == [
        owner
    ]
    # The company's units show its co-owner; a person owning nothing is not logged.
    assert logged_by(f"{EIENDOM_API}/hjemmelshavere/{company}/matrikkelenheter") == [owner]
    assert logged_by(f"{EIENDOM_API}/hjemmelshavere/{nobody}/matrikkelenheter") == []


# ------------------------------------------------------------------------------------------
# What is not logged, the person's view, a log that fails
# ------------------------------------------------------------------------------------------


@pytest.fixture
def login(app_client: TestClient) -> Callable[[str], dict[str, str]]:
    """A person's ID-porten token, from a client allowed Folkeregisteret's scope too."""
    body = {
        "integration_type": "idporten",
        "client_id": "min-side",
        "client_name": "Min side",
        "redirect_uris": [REDIRECT],
        "scopes": ["openid", "profile", FREG],
    }
    registered = app_client.post("/selvbetjening/clients", json=body, headers=ADMIN)
    assert registered.status_code == 201, registered.text
    secret = registered.json()["client_secret"]

    def as_person(pid: str) -> dict[str, str]:
        begun = start(app_client, "min-side", secret, pid, HIGH, scope=f"openid profile {FREG}")
        return {"Authorization": f"Bearer {finish(begun)['access_token']}"}

    return as_person


def test_the_operator_and_a_person_reading_their_own_data_log_nothing(
    app_client: TestClient,
    login: Callable[[str], dict[str, str]],
    database: Database,
    frg: Register,
    person: str,
) -> None:
    assert _ok(app_client.get(PERSON.format(person), headers=ADMIN))
    body = {"foedselsEllerDNummer": [person]}
    _ok(app_client.post(BULK, json=body, headers=ADMIN))
    own = login(person)
    assert _ok(app_client.get(PERSON.format(person), headers=own))
    _ok(app_client.post(BULK, json=body, headers=own))
    assert entries(database) == []

    # Someone else's document to a person is logged: the person acting, under Digdir.
    other = frg.person(fornavn="Ola")
    _ok(app_client.get(PERSON.format(other), params={"part": "navn"}, headers=own))
    (entry,) = entries(database)
    assert (entry.konsument, entry.aktoer, entry.subjekt) == (DIGDIR, person, other)
    assert entry.hjemmel == f"scope:{FREG}"


def test_refused_and_failed_reads_log_nothing(
    app_client: TestClient,
    org: Token,
    database: Database,
    person: str,
) -> None:
    wrong = app_client.get(PERSON.format(person), headers=org(SCOPE_RESTANSER))
    assert wrong.status_code == 403
    unknown = app_client.get(PERSON.format(UNKNOWN), headers=org(FREG))
    assert unknown.status_code == 404
    krr_refused = app_client.post(KRR, json={"personidentifikatorer": [person]}, headers=org(FREG))
    assert krr_refused.status_code == 403
    too_long = app_client.get(PERSON.format(person), headers=org(FREG, **{"X-Formaal": "x" * 201}))
    assert too_long.status_code == 422
    assert "X-Formaal" in too_long.json()["detail"]
    assert entries(database) == []


def test_the_person_sees_who_read_their_data(
    app_client: TestClient,
    login: Callable[[str], dict[str, str]],
    org: Token,
    database: Database,
    person: str,
) -> None:
    headers = org(FREG, **{"X-Formaal": "barnetrygd", "X-Request-ID": "sak-9"})
    _ok(app_client.get(PERSON.format(person), params={"part": "navn"}, headers=headers))
    view = _ok(app_client.get(INNSYN.format(person), headers=login(person)))
    (innsyn,) = view["innsyn"]
    assert innsyn["konsument"]["organisasjonsnummer"] == ORGNR
    assert (innsyn["datasett"], innsyn["felter"]) == (BASIS, ["identifikasjonsnummer", "navn"])
    assert (innsyn["hjemmel"], innsyn["formaal"], innsyn["foresporselId"]) == (
        f"scope:{FREG}",
        "barnetrygd",
        "sak-9",
    )
    assert innsyn["aktoer"] is None and innsyn["samtykkeId"] is None


def test_a_log_that_fails_releases_nothing(
    app_client: TestClient,
    org: Token,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    person: str,
) -> None:
    class Broken:
        def write(self, entries: Any) -> Any:
            raise RuntimeError("the log's database is gone")

    monkeypatch.setattr(writer, "writer_for", lambda database: Broken())
    answer = app_client.get(PERSON.format(person), headers=org(FREG))
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert set(answer.json()) == {"type", "title", "status", "detail", "instance"}
    assert "Nordmann" not in answer.text and entries(database) == []
    # The operator's reads do not go through the log.
    assert app_client.get(PERSON.format(person), headers=ADMIN).status_code == 200
