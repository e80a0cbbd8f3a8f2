"""The vendored reference data loads and agrees with itself and with SSB's published totals."""

from __future__ import annotations

import numpy as np
import pytest

from felles.synth import reference

POPULATION_2025 = 5_594_340  # SSB, 1 January 2025


def test_357_municipalities_with_unique_zero_padded_numbers() -> None:
    kommuner = reference.kommuner()
    numbers = [k.kommunenummer for k in kommuner]
    assert len(kommuner) == 357
    assert len(set(numbers)) == 357
    assert all(len(n) == 4 and n.isdigit() for n in numbers)
    assert all(k.fylkesnummer == k.kommunenummer[:2] for k in kommuner)
    assert reference.kommune("0301").kommunenavn == "Oslo"


def test_municipal_populations_sum_to_the_2025_total() -> None:
    assert sum(k.folketall_2025 for k in reference.kommuner()) == POPULATION_2025
    assert sum(f.folketall_2025 for f in reference.fylker()) == POPULATION_2025
    assert len(reference.fylker()) == 15


def test_every_municipality_has_a_street_address_postal_code() -> None:
    for kommune in reference.kommuner():
        codes = reference.postnumre_for_addresses(kommune.kommunenummer)
        assert codes, kommune
        assert all(p.kategori in {"G", "B"} for p in codes)
        assert all(p.kommunenummer == kommune.kommunenummer for p in codes)
        assert all(len(p.postnummer) == 4 and p.postnummer.isdigit() for p in codes)


def test_po_box_codes_are_not_offered_for_addresses() -> None:
    po_boxes = {p.postnummer for p in reference.postnumre() if p.kategori == "P"}
    offered = {
        p.postnummer
        for k in reference.kommuner()
        for p in reference.postnumre_for_addresses(k.kommunenummer)
    }
    assert po_boxes and not po_boxes & offered
    assert reference.postnumre_for_addresses("9999") == ()


def test_population_matrix_matches_municipal_totals() -> None:
    numbers, counts = reference.population_matrix()
    assert counts.shape == (357, 106, 2)
    assert counts.dtype == np.int64
    assert numbers == tuple(k.kommunenummer for k in reference.kommuner())
    totals = counts.sum(axis=(1, 2))
    assert totals.tolist() == [k.folketall_2025 for k in reference.kommuner()]
    assert int(counts.sum()) == POPULATION_2025
    assert (counts >= 0).all()


def test_population_matrix_is_read_only() -> None:
    _, counts = reference.population_matrix()
    with pytest.raises(ValueError):
        counts[0, 0, 0] = 1


def test_population_matrix_sums_to_national_table_by_age_and_sex() -> None:
    _, counts = reference.population_matrix()
    national = reference.national_population(2025)
    assert national.shape == (106, 2)
    assert (counts.sum(axis=0) == national).all()


def test_sex_axis_is_kvinne_then_mann() -> None:
    # More women than men among the oldest, more boys than girls among newborns.
    national = reference.national_population(2025)
    assert reference.SEXES == ("K", "M")
    assert national[90:, 0].sum() > national[90:, 1].sum()
    assert national[0, 1] > national[0, 0]


def test_national_rates_are_positive_and_plausible() -> None:
    rates = reference.national_rates()
    assert rates.population_start_2024 == 5_550_203
    assert 8 < rates.births.per_1000 < 12
    assert 6 < rates.deaths.per_1000 < 10
    assert 8 < rates.immigrations.per_1000 < 16
    assert 3 < rates.emigrations.per_1000 < 9
    assert 2 < rates.marriages.per_1000 < 5
    assert 0.5 < rates.divorces.per_1000 < 3
    assert 30 < rates.moves_between_municipalities.per_1000 < 60
    assert rates.moves_within_municipality.per_1000 >= rates.moves_between_municipalities.per_1000
    assert 5 < rates.new_enterprises.per_1000 < 20


def test_national_rates_carry_counts_and_sources_from_the_csv() -> None:
    rates = reference.national_rates()
    assert (rates.births.count, rates.births.year) == (54_013, 2024)
    assert (rates.deaths.count, rates.immigrations.count) == (44_242, 66_082)
    assert rates.emigrations.count == 31_999
    assert (rates.moves_between_municipalities.count, rates.new_enterprises.count) == (
        247_257,
        62_388,
    )
    for rate in (rates.births, rates.marriages, rates.moves_between_municipalities):
        assert "SSB" in rate.source
        assert rate.basis


def test_citizenship_weights_sum_to_one_with_norwegians_dominant() -> None:
    weights = reference.citizenship_weights()
    codes = [code for code, _ in weights]
    shares = dict(weights)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert codes[0] == "NOR"
    assert 0.86 < shares["NOR"] < 0.90  # about 11-12 % foreign citizens
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 3 and code.isupper() for code in codes)
    assert {"POL", "UKR", "LTU", "SWE", "SYR", "ERI"} <= set(codes)
    assert max((s, c) for c, s in weights if c != "NOR")[1] == "POL"


def test_birth_country_weights_follow_foreign_citizenships() -> None:
    weights = dict(reference.birth_country_weights())
    assert "NOR" not in weights
    assert sum(weights.values()) == pytest.approx(1.0)
    assert set(weights) == {c for c, _ in reference.citizenship_weights()} - {"NOR"}
