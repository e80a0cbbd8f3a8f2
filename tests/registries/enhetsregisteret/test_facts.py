"""``unit_facts`` / ``units_facts``: a unit's open facts as frozen values, for the data
distributor and evidence bundles."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from felles.registries.enhetsregisteret import operations as ops
from felles.registries.enhetsregisteret import queries
from felles.registries.enhetsregisteret.operations import Adresse
from tests.registries.enhetsregisteret.conftest import Register


def test_facts_carry_the_flags_dates_and_addresses(register: Register) -> None:
    orgnr = register.orgnr(
        ops.register_enhet,
        navn="Fjord og Fjell AS",
        organisasjonsform="AS",
        naeringskode="62.010",
        forretningsadresse=Adresse(adresse=["Storgata 1"], postnummer="0155"),
    )
    register.run(ops.register_in_mvaregisteret, orgnr=orgnr)
    register.run(ops.register_bankruptcy, orgnr=orgnr, konkursdato=date(2025, 5, 2))
    register.run(ops.register_dissolution, orgnr=orgnr, dato=date(2025, 5, 3))
    sub_unit = register.orgnr(ops.register_underenhet, overordnet=orgnr, navn="Fjord og Fjell AS")
    register.run(ops.delete_unit, orgnr=sub_unit, slettedato=date(2025, 5, 4))

    with register.database.read_session() as session:
        facts = queries.unit_facts(session, orgnr=orgnr)
        found = queries.units_facts(session, orgnrs=[orgnr, sub_unit, "312345676"])
        assert queries.unit_facts(session, orgnr="312345676") is None

    assert facts is not None and found[orgnr] == facts
    assert set(found) == {orgnr, sub_unit}
    assert (facts.navn, facts.organisasjonsform, facts.er_underenhet) == (
        "Fjord og Fjell AS",
        "AS",
        False,
    )
    assert facts.naeringskoder == ("62.010",)
    assert facts.registrert_i_mvaregisteret and facts.registrert_i_foretaksregisteret
    assert (facts.konkurs, facts.konkursdato) == (True, date(2025, 5, 2))
    assert (facts.under_avvikling, facts.under_avvikling_dato) == (True, date(2025, 5, 3))
    assert not facts.under_tvangsavvikling and facts.slettedato is None
    assert facts.registreringsdato == register.clock.today()
    assert facts.forretningsadresse is not None
    assert facts.forretningsadresse["adresse"] == ["Storgata 1"]
    assert None not in facts.forretningsadresse.values()
    assert facts.postadresse is None

    child = found[sub_unit]
    assert child.er_underenhet and child.overordnet_enhet == orgnr
    assert child.slettedato == date(2025, 5, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.navn = "Annet"  # type: ignore[misc]


def test_no_numbers_no_query(register: Register) -> None:
    with register.database.read_session() as session:
        assert queries.units_facts(session, orgnrs=[]) == {}
