"""Every field the distributor releases is covered by the basis it cites for it, and the
assurance-level refusal releases nothing (a sensitive product)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from felles.access import operations
from felles.access.decision import OPERATOR, MachinePrincipal, PersonPrincipal
from felles.access.legal_bases import by_id, get_hjemler
from felles.access.queries import get_consent
from felles.kernel.clock import SimulatedClock
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from felles.sharing import products
from felles.sharing.product import Product, ProductField
from felles.sharing.release import Refused, Released, release
from tests.registries.folkeregister.conftest import Register, seed_addresses
from tests.sharing.conftest import BANK, NAV, log_count, register_org

BASIS = products.PRODUCTS["folkeregister.person.basis"]
SUMMARY = products.PRODUCTS["skatt.skatteoppgjoer.sammendrag"]
PURPOSES = ("barnetrygd", "helsestasjon", "laanesoeknad", "foreldrepenger", "innsyn")


def test_every_released_field_is_covered_by_its_cited_basis(
    database: Database, clock: SimulatedClock
) -> None:
    seed_addresses(database)
    register = Register(database, clock)
    people = [
        register.person(),
        register.person(adressebeskyttelse="fortrolig"),
        register.person(adressebeskyttelse="strengtFortrolig"),
    ]
    kommune = register_org(database, navn="Kommunen", form="KOMM")
    register_org(database, navn="Banken ASA", form="ASA", orgnr=BANK)
    with database.unit_of_work() as uow:
        consent = operations.request_consent(
            uow,
            performed_by=OPERATOR,
            fra=people[0],
            til=BANK,
            rettigheter=[
                operations.ConsentRight(
                    formaal="laanesoeknad",
                    data=[
                        "skatt.skatteoppgjoer.sammendrag.inntekt",
                        "folkeregister.person.basis.navn",
                    ],
                )
            ],
            gyldig_til=clock.now() + timedelta(days=5),
            melding={"nb": "Lån"},
            redirect_url="https://bank.example/",
            consent_id=str(uuid.uuid4()),
        )
        operations.accept_consent(uow, performed_by=OPERATOR, consent_id=consent.id)
        uow.commit()
    laws = by_id(get_hjemler())
    consumers = {"nav": NAV, "kommune": kommune, "bank": BANK}
    seen: set[str] = set()

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @example(consumer="bank", product=SUMMARY, purpose="laanesoeknad", subject=people[0], fields=[])
    @example(consumer="bank", product=BASIS, purpose="laanesoeknad", subject=people[0], fields=[])
    @example(consumer="nav", product=BASIS, purpose="barnetrygd", subject=people[2], fields=[])
    @given(
        consumer=st.sampled_from(sorted(consumers)),
        product=st.sampled_from([BASIS, SUMMARY]),
        purpose=st.sampled_from(PURPOSES),
        subject=st.sampled_from(people),
        fields=st.lists(st.sampled_from(BASIS.field_names + SUMMARY.field_names), max_size=6),
    )
    def check(
        consumer: str, product: Product, purpose: str, subject: str, fields: list[str]
    ) -> None:
        asked = [f for f in fields if f in product.field_names] or None
        principal = MachinePrincipal(consumers[consumer])
        before = log_count(database)
        [outcome] = release(
            database,
            principal=principal,
            product=product,
            subjects=[subject],
            purpose=purpose,
            request_id=str(uuid.uuid4()),
            fields=asked,
        )
        if isinstance(outcome, Refused):
            assert log_count(database) == before, "a refusal is not logged"
            return
        assert isinstance(outcome, Released)
        cited: set[str] = set()
        for basis in outcome.basis:
            full = {product.full_name(name) for name in basis.fields}
            if basis.type == "hjemmel":
                assert basis.id is not None
                hjemmel = laws[basis.id]
                assert full <= hjemmel.fields
                assert hjemmel.formaal == purpose
                assert hjemmel.names_consumer(principal.orgnr, _form(consumer))
            else:
                assert basis.type == "samtykke" and basis.id is not None
                with database.read_session() as session:
                    row = get_consent(session, consent_id=basis.id)
                    assert row is not None and row.til_orgnr == principal.orgnr
                    allowed = {
                        name
                        for right in row.rettigheter
                        if right["formaal"] == purpose
                        for name in right["felter"]
                    }
                assert full <= allowed
            cited |= set(basis.fields)
            seen.add(basis.type)
        assert cited == set(outcome.data), "each released field has a basis, and only those"
        assert set(outcome.data) <= set(asked or product.field_names)
        assert log_count(database) > before, "a release is logged"

    check()
    assert seen == {"hjemmel", "samtykke"}, "both kinds of basis were exercised"


def _form(consumer: str) -> str | None:
    return {"kommune": "KOMM", "bank": "ASA"}.get(consumer)


def _sysvak(session: Any, subjects: Any, at: Any) -> dict[str, dict[str, Any]]:
    """A stand-in for SYSVAK, which felles does not hold: one vaccination per subject."""
    return {s: {"vaksinasjoner": [{"vaksine": "MMR", "dato": "2019-05-01"}]} for s in subjects}


SYSVAK = Product(
    name="helse.sysvak.vaksinasjoner",
    version="0.0.0-test",
    title={"nb": "Vaksinasjoner", "nn": "Vaksinasjonar", "en": "Vaccinations"},
    description={"nb": "Test", "nn": "Test", "en": "Test"},
    owner_orgnr="983744516",
    owner_name="Folkehelseinstituttet",
    subject="person",
    sensitivity="sensitive",
    fields=(
        ProductField(
            "vaksinasjoner", {"type": "array"}, {"nb": "V", "nn": "V", "en": "Vaccinations"}
        ),
    ),
    load=_sysvak,
)


@pytest.mark.parametrize("acr", ["idporten-loa-substantial", "idporten-loa-high"])
def test_sensitive_data_needs_assurance_level_high(
    database: Database, clock: SimulatedClock, acr: str
) -> None:
    """A person's own health data: at level substantial nothing leaves, at high it does."""
    seed_addresses(database)
    person = Register(database, clock).person()
    [outcome] = release(
        database,
        principal=PersonPrincipal(person, acr),
        product=SYSVAK,
        subjects=[person],
        purpose="innsyn",
        request_id="r-1",
    )
    if acr == "idporten-loa-high":
        assert isinstance(outcome, Released) and outcome.data["vaksinasjoner"]
    else:
        assert isinstance(outcome, Refused) and outcome.code == "assurance-too-low"
        assert outcome.withheld == {"vaksinasjoner": "assurance-too-low"}
    assert log_count(database) == 0, "a person's own data is not logged"


def test_bad_requests_release_nothing(database: Database, clock: SimulatedClock) -> None:
    seed_addresses(database)
    person = Register(database, clock).person()
    nav = MachinePrincipal(NAV)
    for kwargs in (
        {"fields": ["skonummer"]},
        {"purpose": " "},
        {"subjects": []},
    ):
        arguments: dict[str, Any] = {
            "principal": nav,
            "product": BASIS,
            "subjects": [person],
            "purpose": "barnetrygd",
            "request_id": "r",
        } | kwargs
        with pytest.raises(InvalidInput):
            release(database, **arguments)
    assert log_count(database) == 0
