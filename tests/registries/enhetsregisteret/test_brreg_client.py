"""An existing client library works against felles by changing only its base URL.

``brreg`` (PyPI, "API client for Brønnøysundregistrene") hard-codes
``https://data.brreg.no/enhetsregisteret/api`` in ``Client.open()``: there is no parameter or
setting for the base URL. ``open()`` is the client's public hook for creating its HTTP
client, so a three-line subclass points it at felles (here through the ASGI test transport,
which is an httpx client like the one the library creates). Everything else is the library's
own code: its requests, its Accept headers, its pydantic models parsing our JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret.operations import Adresse, RolleInput
from tests.registries.enhetsregisteret.conftest import Register

enhetsregisteret = pytest.importorskip("brreg.enhetsregisteret")


class FellesClient(enhetsregisteret.Client):  # type: ignore[misc,name-defined]
    """brreg's client with felles as its base URL."""

    def __init__(self, http: TestClient) -> None:
        self._http = http
        super().__init__()

    def open(self) -> None:
        self._http.base_url = "http://testserver/enhetsregisteret/api"  # type: ignore[assignment]
        self._client = self._http


@pytest.fixture
def brreg(client: TestClient) -> Any:
    return FellesClient(client)


def test_lookup_search_and_roles_through_the_brreg_client(register: Register, brreg: Any) -> None:
    dagl = register.person(fornavn="Dagny")
    revisor = register.orgnr(
        ops.register_enhet, navn="Revisjon og Råd AS", organisasjonsform="AS", naeringskode="69.202"
    )
    orgnr = register.orgnr(
        ops.register_enhet,
        navn="Fjord og Fjell AS",
        organisasjonsform="AS",
        naeringskode="62.010",
        stiftelsesdato=date(2025, 5, 20),
        forretningsadresse=Adresse(adresse=["Storgata 1"], postnummer="0155"),
        antall_ansatte=12,
        roller=[RolleInput("DAGL", person=dagl), RolleInput("REVI", enhet=revisor)],
    )
    sub = register.orgnr(
        ops.register_underenhet,
        overordnet=orgnr,
        navn="Fjord og Fjell Bergen",
        kommunenummer="4601",
    )

    enhet = brreg.get_enhet(orgnr)
    assert enhet.navn == "Fjord og Fjell AS"
    assert enhet.organisasjonsform.kode == "AS"
    assert enhet.naeringskode1.kode == "62.010"
    assert enhet.forretningsadresse.poststed == "OSLO"
    assert enhet.stiftelsesdato == date(2025, 5, 20)
    assert enhet.antall_ansatte == 12 and enhet.registrert_i_foretaksregisteret is True
    assert brreg.get_enhet("312345676") is None  # 404 → None, as against the real API

    underenhet = brreg.get_underenhet(sub)
    assert underenhet.overordnet_enhet == orgnr
    assert underenhet.beliggenhetsadresse.kommune == "BERGEN"

    cursor = brreg.search_enhet(enhetsregisteret.EnhetQuery(navn="fjord fjell"))
    assert [e.organisasjonsnummer for e in cursor.items] == [orgnr]
    cursor = brreg.search_enhet(enhetsregisteret.EnhetQuery(organisasjonsform=["AS"], size=1))
    assert cursor.page_numbers == range(2), "two AS, one per page"
    assert {e.organisasjonsnummer for e in cursor.items} == {orgnr, revisor}
    subs = brreg.search_underenhet(enhetsregisteret.UnderenhetQuery(overordnet_enhet=orgnr))
    assert [u.organisasjonsnummer for u in subs.items] == [sub]

    grupper = brreg.get_roller(orgnr)
    assert [g.type.kode for g in grupper] == ["DAGL", "REVI"]
    assert grupper[0].roller[0].person.navn.fornavn == "Dagny"
    assert grupper[1].roller[0].enhet.organisasjonsnummer == revisor

    register.run(ops.delete_unit, orgnr=orgnr)
    assert brreg.get_enhet(orgnr) is None  # 410 → None
