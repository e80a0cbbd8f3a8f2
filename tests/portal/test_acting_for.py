"""Acting for others in the portal: a representative never sees a protected address, their
reads are in the party's access log, organisations where the person has a role, and the
consent requests answered with plain forms (no JavaScript)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from felles.access import operations
from felles.access.decision import OPERATOR, MachinePrincipal
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.registries.enhetsregisteret.operations.roller import RolleInput, set_roles
from tests.portal.conftest import act_for, csrf_of, log_in
from tests.registries.folkeregister.conftest import HEMMELIGVEIEN, SECRET_STREET, Register
from tests.sharing.conftest import register_org

BANK = "810825472"


def _fullmakt(database: Database, clock: SimulatedClock, giver: str, holder: str) -> None:
    with database.unit_of_work() as uow:
        operations.grant_fullmakt(
            uow,
            performed_by=OPERATOR,
            fullmaktsgiver=giver,
            fullmektig=holder,
            omraader=["alt"],
            gyldig_fra=clock.today(),
        )
        uow.commit()


def test_a_representative_never_sees_a_protected_address(
    portal: TestClient, register: Register, database: Database, clock: SimulatedClock
) -> None:
    giver = register.person(
        fornavn="Skjermet", adressebeskyttelse="strengtFortrolig", adresse_id=HEMMELIGVEIEN
    )
    holder = register.person(fornavn="Fullmektig")
    _fullmakt(database, clock, giver, holder)

    log_in(portal, giver)
    act_for(portal, giver)
    assert SECRET_STREET in portal.get("/minside/mine-data").text, "the person sees their own"
    portal.post("/minside/logg-ut", data={"csrf": csrf_of(portal.get("/minside/oversikt").text)})

    log_in(portal, holder)
    act_for(portal, giver)
    data = portal.get("/minside/mine-data")
    assert data.status_code == 200
    assert SECRET_STREET not in data.text and "Skjermet" in data.text
    assert "beskyttet adresse" in data.text, "the page says why the address is not shown"
    assert SECRET_STREET not in portal.get("/minside/oversikt").text
    portal.post("/minside/logg-ut", data={"csrf": csrf_of(portal.get("/minside/oversikt").text)})

    log_in(portal, giver)
    act_for(portal, giver)
    log = portal.get("/minside/innsyn").text
    assert "Fullmektig" in log and "Fullmakt<" in log, "the representative's reads are logged"


def test_acting_for_an_organisation_where_one_has_a_role(
    portal: TestClient, register: Register, database: Database
) -> None:
    leader = register.person(fornavn="Daglig", etternavn="Leder")
    orgnr = register_org(database, navn="Leders Bakeri AS", form="AS")
    with database.unit_of_work() as uow:
        set_roles(uow, orgnr=orgnr, roller=[RolleInput(rolletype="DAGL", person=leader)])
        uow.commit()
    choice = log_in(portal, leader)
    assert "Leders Bakeri AS" in choice and "Virksomhet der du har en rolle" in choice
    page = act_for(portal, orgnr)
    assert "Du handler på vegne av" in page and "Leders Bakeri AS" in page
    data = portal.get("/minside/mine-data").text
    assert orgnr in data and "Brønnøysundregistrene" in data
    assert "Du kan ikke se denne loggen" in portal.get("/minside/innsyn").text


def test_consent_requests_answered_with_plain_forms(
    portal: TestClient, register: Register, database: Database, clock: SimulatedClock
) -> None:
    me = register.person()
    register_org(database, navn="Banken min ASA", form="ASA", orgnr=BANK)

    def ask() -> str:
        with database.unit_of_work() as uow:
            consent = operations.request_consent(
                uow,
                performed_by=MachinePrincipal(orgnr=BANK),
                fra=me,
                til=BANK,
                rettigheter=[
                    operations.ConsentRight(
                        "laanesoeknad", ["skatt.skatteoppgjoer.sammendrag.inntekt"]
                    )
                ],
                gyldig_til=clock.now() + timedelta(days=10),
                melding={"nb": "Vi trenger inntekten din."},
                redirect_url="https://bankenmin.no/laan",
            )
            uow.commit()
            return consent.id

    first, second = ask(), ask()
    log_in(portal, me)
    act_for(portal, me)
    overview = portal.get("/minside/oversikt").text
    assert "Samtykkeforespørsler som venter på svar fra deg: 2" in overview
    page = portal.get("/minside/samtykker").text
    assert "Banken min ASA" in page and "Vi trenger inntekten din." in page
    assert "Sammendrag av skatteoppgjøret: inntekt" in page, "the data asked for, named"

    token = csrf_of(page)
    accepted = portal.post(f"/minside/samtykker/{first}/godta", data={"csrf": token})
    assert accepted.status_code == 200 and "Du har godtatt" in accepted.text
    rejected = portal.post(f"/minside/samtykker/{second}/avslaa", data={"csrf": token})
    assert "Du har avslått" in rejected.text
    again = portal.post(f"/minside/samtykker/{second}/godta", data={"csrf": token})
    assert "Det gikk ikke" in again.text, "a rejected request cannot be accepted"
    revoked = portal.post(f"/minside/samtykker/{first}/trekk", data={"csrf": token})
    assert "Du har trukket samtykket" in revoked.text
    assert portal.post(f"/minside/samtykker/{first}/trekk", data={}).status_code == 403
    with database.read_session() as session:
        from felles.access.queries import get_consent

        statuses = [get_consent(session, consent_id=c).status for c in (first, second)]  # type: ignore[union-attr]
    assert statuses == ["revoked", "rejected"]
