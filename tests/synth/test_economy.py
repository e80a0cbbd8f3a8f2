"""The synthetic economy: determinism, invariants over the generated rows, and the registries'
own queries and APIs reading them.

Each test generates 3 000 people and their economy on SQLite and on PostgreSQL (about a
second each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from felles.kernel.db import Database
from felles.kernel.ids import is_synthetic_orgnr, parse_organisasjonsnummer
from felles.registries.aordningen.model import (
    AMelding,
    Ansettelsesdetaljer,
    Arbeidsforhold,
    Inntekt,
)
from felles.registries.eiendom.model import Hjemmel
from felles.registries.enhetsregisteret import queries as enhetsregisteret
from felles.registries.enhetsregisteret.model import Enhet, Rolle
from felles.registries.enhetsregisteret.reference import offentlige_enheter
from felles.registries.folkeregister.model import Person
from felles.registries.skatt.calculation import assess_one
from felles.registries.skatt.model import Skatteoppgjoer
from felles.synth.economy import EconomyExists, EconomyReport, generate_economy
from felles.synth.economy.calibration import WAGE_GROWTH_2024
from felles.synth.population import generate_population
from tests.conftest import _empty

N = 3_000
REFERENCE = dt.date(2025, 1, 1)


def _rows(database: Database, *columns: Any) -> list[tuple[Any, ...]]:
    with database.read_session() as session:
        return [tuple(row) for row in session.execute(select(*columns))]


def _generate(database: Database, seed: int) -> EconomyReport:
    generate_population(database, persons=N, seed=seed)
    return generate_economy(database, seed=seed)


@pytest.fixture
def economy(database: Database) -> EconomyReport:
    return _generate(database, 7)


def _snapshot(database: Database) -> list[Any]:
    return [
        sorted(_rows(database, Enhet.organisasjonsnummer, Enhet.navn, Enhet.antall_ansatte)),
        sorted(
            _rows(
                database,
                Arbeidsforhold.arbeidstaker,
                Arbeidsforhold.arbeidssted,
                Arbeidsforhold.startdato,
            )
        ),
        sorted(
            _rows(
                database,
                Inntekt.norskident,
                Inntekt.kalendermaaned,
                Inntekt.beskrivelse,
                Inntekt.beloep,
            )
        ),
        sorted(_rows(database, Hjemmel.hjemmelshaver, Hjemmel.teller, Hjemmel.nevner)),
        sorted(_rows(database, Skatteoppgjoer.personidentifikator, Skatteoppgjoer.utlignet_skatt)),
    ]


def test_same_seed_same_economy_other_seed_other(database: Database) -> None:
    first_report = _generate(database, 3)
    first = _snapshot(database)
    _empty(database)
    again_report = _generate(database, 3)
    again = _snapshot(database)
    _empty(database)
    _generate(database, 4)
    other = _snapshot(database)
    assert first == again
    assert first_report.rows == again_report.rows
    assert first[1] != other[1]
    with pytest.raises(EconomyExists):
        generate_economy(database, seed=4)


def test_scale_and_mix(database: Database, economy: EconomyReport) -> None:
    rows = economy.rows
    # About 1.1 million entities for 5.6 million people, plus the public sector's units.
    private = _rows(database, Enhet.organisasjonsform, Enhet.er_underenhet)
    main_forms = [form for form, sub in private if not sub]
    assert (
        450
        <= sum(
            f
            in {
                "AS",
                "ENK",
                "FLI",
                "NUF",
                "STI",
                "SA",
                "ANS",
                "DA",
                "ESEK",
                "SAM",
                "BRL",
                "KS",
                "ASA",
            }
            for f in main_forms
        )
        <= 800
    )
    assert {"AS", "ENK", "FLI", "KOMM", "FYLK", "ORGL"} <= set(main_forms)
    employed = {a for (a,) in _rows(database, Arbeidsforhold.arbeidstaker)}
    assert 0.44 * N <= len(employed) <= 0.56 * N
    assert rows["aord_amelding"] > 0 and rows["skatt_skatteoppgjoer"] > 0.7 * N
    months = {m for (m,) in _rows(database, AMelding.kalendermaaned)}
    assert months == {"2024-10", "2024-11", "2024-12"}
    # Full-time pay per month near SSB's mean (59 370 NOK in 2024).
    full_time = {
        i
        for i, p in _rows(
            database, Ansettelsesdetaljer.arbeidsforhold_id, Ansettelsesdetaljer.stillingsprosent
        )
        if p == 100
    }
    november = [
        b
        for i, m, k, b in _rows(
            database,
            Inntekt.arbeidsforhold_id,
            Inntekt.kalendermaaned,
            Inntekt.beskrivelse,
            Inntekt.beloep,
        )
        if m == "2024-11" and k == "fastloenn" and i in full_time
    ]
    assert 50_000 <= sum(november) / len(november) <= 70_000


def test_roles_and_units_refer_to_what_exists(database: Database, economy: EconomyReport) -> None:
    people = {ident: birth for ident, birth in _rows(database, Person.ident, Person.foedselsdato)}
    units = {
        o: (sub, parent, form)
        for o, sub, parent, form in _rows(
            database,
            Enhet.organisasjonsnummer,
            Enhet.er_underenhet,
            Enhet.overordnet_enhet,
            Enhet.organisasjonsform,
        )
    }
    ids = {i: o for i, o in _rows(database, Enhet.id, Enhet.organisasjonsnummer)}
    real = {u.organisasjonsnummer for u in offentlige_enheter()}
    for orgnr, (sub, parent, _form) in units.items():
        assert parse_organisasjonsnummer(orgnr).value == orgnr
        assert is_synthetic_orgnr(orgnr) or orgnr in real
        if sub:
            assert parent in units and not units[parent][0]
    innehavere: dict[str, int] = defaultdict(int)
    for enhet_id, rolletype, ident, orgnr, registrert in _rows(
        database,
        Rolle.enhet_id,
        Rolle.rolletype,
        Rolle.person_ident,
        Rolle.rolle_orgnr,
        Rolle.registrert,
    ):
        assert (ident is None) != (orgnr is None)
        if ident is not None:
            assert ident in people
            assert registrert >= people[ident].replace(year=people[ident].year + 18) - dt.timedelta(
                days=2
            )
        else:
            assert orgnr in units and not units[orgnr][0]
        if rolletype == "INNH":
            innehavere[ids[enhet_id]] += 1
    enk = {o for o, (_s, _p, form) in units.items() if form == "ENK"}
    assert enk and all(innehavere[o] == 1 for o in enk)
    # Every employing entity has at least one sub-unit where people work, and every sub-unit
    # written has employees.
    employers = {
        (e, s)
        for e, s in _rows(database, Arbeidsforhold.opplysningspliktig, Arbeidsforhold.arbeidssted)
    }
    for employer, workplace in employers:
        assert units[workplace][0] and units[workplace][1] == employer
    staffed = {w for _e, w in employers}
    subs = {o for o, (sub, _p, _f) in units.items() if sub}
    assert subs == staffed


def test_employment_pay_and_tax_are_consistent(database: Database, economy: EconomyReport) -> None:
    people = {
        ident: (birth, status)
        for ident, birth, status in _rows(
            database, Person.ident, Person.foedselsdato, Person.status
        )
    }
    jobs = {
        i: (who, start, place)
        for i, who, start, place in _rows(
            database,
            Arbeidsforhold.id,
            Arbeidsforhold.arbeidstaker,
            Arbeidsforhold.startdato,
            Arbeidsforhold.arbeidssted,
        )
    }
    for who, start, _place in jobs.values():
        birth, status = people[who]
        assert status == "bosatt"
        assert start >= birth.replace(year=birth.year + 15) and start < REFERENCE
    details: dict[int, list[tuple[dt.date, dt.date | None, float]]] = defaultdict(list)
    for i, fra, til, pct in _rows(
        database,
        Ansettelsesdetaljer.arbeidsforhold_id,
        Ansettelsesdetaljer.gyldig_fra,
        Ansettelsesdetaljer.gyldig_til,
        Ansettelsesdetaljer.stillingsprosent,
    ):
        details[i].append((fra, til, pct))
    assert set(details) == set(jobs)
    assert all(sum(til is None for _f, til, _p in versions) == 1 for versions in details.values())
    meldinger = {
        i: (o, m)
        for i, o, m in _rows(
            database, AMelding.id, AMelding.opplysningspliktig, AMelding.kalendermaaned
        )
    }
    employer_of = {
        i: o for i, o in _rows(database, Arbeidsforhold.id, Arbeidsforhold.opplysningspliktig)
    }
    november: dict[str, int] = defaultdict(int)
    for melding, job, ident, place, month, kind, amount in _rows(
        database,
        Inntekt.amelding_id,
        Inntekt.arbeidsforhold_id,
        Inntekt.norskident,
        Inntekt.virksomhet,
        Inntekt.kalendermaaned,
        Inntekt.beskrivelse,
        Inntekt.beloep,
    ):
        who, start, workplace = jobs[job]  # pay only for existing employments
        assert (ident, place) == (who, workplace)
        assert meldinger[melding] == (employer_of[job], month)
        assert start.strftime("%Y-%m") <= month and amount >= 0
        if month == "2024-11" and kind == "fastloenn":
            november[who] += amount
    # 2023 pay = the same salaries back a year, for people whose jobs all ran through 2023
    # unchanged (the rounding of twelve months is within a few kroner per job).
    settled = {who for who, start, _p in jobs.values() if start <= dt.date(2023, 1, 1)}
    for who, start, _p in jobs.values():
        if start > dt.date(2023, 1, 1):
            settled.discard(who)
    for job, (who, _s, _p) in jobs.items():
        if len(details[job]) > 1:
            settled.discard(who)
    assessed = {
        r[0]: r
        for r in _rows(
            database,
            Skatteoppgjoer.personidentifikator,
            Skatteoppgjoer.loennsinntekt,
            Skatteoppgjoer.kapitalinntekt,
            Skatteoppgjoer.renteutgifter,
            Skatteoppgjoer.bruttoformue,
            Skatteoppgjoer.gjeld,
            Skatteoppgjoer.utlignet_skatt,
        )
    }
    checked = 0
    for who in settled & set(assessed):
        expected = november[who] * 12 / WAGE_GROWTH_2024
        assert abs(assessed[who][1] - expected) <= 20 + 0.0001 * expected
        checked += 1
    assert checked > 100
    for ident, loenn, kapital, renter, brutto, gjeld, skatt in list(assessed.values())[:200]:
        one = assess_one(
            2023,
            loennsinntekt=loenn,
            kapitalinntekt=kapital,
            renteutgifter=renter,
            bruttoformue=brutto,
            gjeld=gjeld,
        )
        assert one.utlignet_skatt == skatt
        assert ident in people


def test_owner_shares_sum_to_one_and_owners_exist(
    database: Database, economy: EconomyReport
) -> None:
    people = {ident for (ident,) in _rows(database, Person.ident)}
    units = {o for (o,) in _rows(database, Enhet.organisasjonsnummer)}
    shares: dict[int, Fraction] = defaultdict(Fraction)
    owners_of: dict[int, list[str]] = defaultdict(list)
    for unit, holder, kind, teller, nevner, til in _rows(
        database,
        Hjemmel.matrikkelenhet_id,
        Hjemmel.hjemmelshaver,
        Hjemmel.hjemmelshavertype,
        Hjemmel.teller,
        Hjemmel.nevner,
        Hjemmel.til_dokument_id,
    ):
        assert til is None
        assert holder in (people if kind == "person" else units)
        shares[unit] += Fraction(teller, nevner)
        owners_of[unit].append(holder)
    assert shares and all(total == 1 for total in shares.values())
    assert all(len(set(owners)) == len(owners) for owners in owners_of.values())
    # Most households own their home.
    homes = {(a, f) for a, f in _rows(database, Person.adresse_id, Person.bruksenhetsnummer)}
    owners = {h for holders in owners_of.values() for h in holders if len(h) == 11}
    assert len(owners) >= 0.6 * len(homes)


def test_registries_read_the_generated_data(
    database: Database, economy: EconomyReport, client: TestClient, admin_headers: dict[str, str]
) -> None:
    units = _rows(database, Enhet.navn, Enhet.organisasjonsnummer, Enhet.organisasjonsform)
    navn, orgnr = next((n, o) for n, o, form in units if form == "AS")
    found = client.get("/enhetsregisteret/api/enheter", params={"navn": navn})
    assert found.status_code == 200, found.text
    assert orgnr in {e["organisasjonsnummer"] for e in found.json()["_embedded"]["enheter"]}
    with database.read_session() as session:
        assert enhetsregisteret.get_unit(session, orgnr=orgnr) is not None
    roller = client.get(f"/enhetsregisteret/api/enheter/{orgnr}/roller")
    assert roller.status_code == 200 and roller.json()["rollegrupper"]

    (ident,) = _rows(database, Arbeidsforhold.arbeidstaker)[0]
    listed = client.get(
        "/aareg/api/v2/arbeidstaker/arbeidsforhold",
        headers=admin_headers | {"Nav-Personident": ident},
    )
    assert listed.status_code == 200, listed.text
    assert listed.json() and listed.json()[0]["ansettelsesdetaljer"]

    (owner,) = next(
        r[:1]
        for r in _rows(database, Hjemmel.hjemmelshaver, Hjemmel.hjemmelshavertype)
        if r[1] == "person"
    )
    owned = client.get(
        f"/eiendom/api/v1/hjemmelshavere/{owner}/matrikkelenheter", headers=admin_headers
    )
    assert owned.status_code == 200, owned.text

    (assessed,) = _rows(database, Skatteoppgjoer.personidentifikator)[0]
    beregnet = client.get(
        f"/api/formueinntekt/beregnetskatt/nav/2023/{assessed}", headers=admin_headers
    )
    assert beregnet.status_code == 200, beregnet.text
