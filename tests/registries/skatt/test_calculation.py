"""The tax calculation: hand-computed cases per year, and numpy equal to the plain rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from felles.registries.skatt import parameters
from felles.registries.skatt.calculation import MAX_AMOUNT, assess, assess_one


def _one(year: int, **inputs: int) -> dict[str, int]:
    """The vectorised result for one person, checked against the scalar one."""
    full = {"kapitalinntekt": 0, "renteutgifter": 0, "bruttoformue": 0, "gjeld": 0} | inputs
    row = assess(year, **{k: np.array([v], dtype=np.int64) for k, v in full.items()}).row(0)
    plain = assess_one(year, **full)
    assert row == {name: getattr(plain, name) for name in row}
    return row


def test_2022_pay_capital_interest_and_wealth() -> None:
    result = _one(
        2022,
        loennsinntekt=500_000,
        kapitalinntekt=10_000,
        renteutgifter=30_000,
        bruttoformue=3_000_000,
        gjeld=1_000_000,
    )
    # minstefradrag: 46 % of 500 000 = 230 000, capped at 109 950
    # alminnelig inntekt: 500 000 + 10 000 − 109 950 − 30 000 = 370 050
    assert result["alminnelig_inntekt"] == 370_050
    assert result["bruttoinntekt"] == 510_000
    assert result["pensjonsgivende_inntekt"] == 500_000
    # 22 % of (370 050 − personfradrag 58 250 = 311 800) = 68 596
    assert result["skatt_alminnelig_inntekt"] == 68_596
    # trinn 1: (267 900 − 190 350) × 1.7 % = 1 318.35 → 1 318
    # trinn 2: (500 000 − 267 900) × 4.0 % = 9 284          → 10 602
    assert result["trinnskatt"] == 10_602
    # 8.0 % of 500 000 (far below 25 % of what exceeds 64 650)
    assert result["trygdeavgift"] == 40_000
    # nettoformue 2 000 000; (2 000 000 − 1 700 000) × 0.95 % = 2 850
    assert result["nettoformue"] == 2_000_000
    assert result["formuesskatt"] == 2_850
    assert result["utlignet_skatt"] == 68_596 + 10_602 + 40_000 + 2_850


def test_2022_low_pay_gets_the_lowest_minstefradrag_and_the_opptrapping() -> None:
    # 46 % of 50 000 = 23 000 < 31 800: minstefradrag 31 800 (below the pay)
    # alminnelig 18 200 < personfradrag: no tax; 50 000 ≤ 64 650: no trygdeavgift
    low = _one(2022, loennsinntekt=50_000)
    assert low["alminnelig_inntekt"] == 18_200
    assert low["utlignet_skatt"] == 0
    # Pay 70 000: 8 % = 5 600, but at most 25 % × (70 000 − 64 650) = 1 337.5 → 1 338 (half up)
    assert _one(2022, loennsinntekt=70_000)["trygdeavgift"] == 1_338
    # The lowest minstefradrag is never more than the pay.
    assert _one(2022, loennsinntekt=20_000)["alminnelig_inntekt"] == 0


def test_2023_high_pay_and_wealth_above_the_higher_step() -> None:
    result = _one(2023, loennsinntekt=1_000_000, bruttoformue=25_000_000)
    # alminnelig 1 000 000 − 104 450 = 895 550; 22 % × (895 550 − 79 600) = 179 509
    assert result["skatt_alminnelig_inntekt"] == 179_509
    # trinn 1: 80 800 × 1.7 % = 1 373.6 → 1 374;  trinn 2: 363 800 × 4 % = 14 552
    # trinn 3: 283 850 × 13.5 % = 38 319.75 → 38 320;  trinn 4: 73 200 × 16.5 % = 12 078
    assert result["trinnskatt"] == 1_374 + 14_552 + 38_320 + 12_078
    assert result["trygdeavgift"] == 79_000  # 7.9 %
    # (20 000 000 − 1 700 000) × 1.0 % = 183 000; 5 000 000 × 1.1 % = 55 000
    assert result["formuesskatt"] == 238_000
    assert result["utlignet_skatt"] == 179_509 + 66_324 + 79_000 + 238_000


def test_2024_pay_only() -> None:
    result = _one(2024, loennsinntekt=600_000)
    # minstefradrag 92 000; 22 % × (508 000 − 88 250) = 92 345
    assert result["skatt_alminnelig_inntekt"] == 92_345
    # (292 850 − 208 050) × 1.7 % = 1 441.6 → 1 442; (600 000 − 292 850) × 4 % = 12 286
    assert result["trinnskatt"] == 13_728
    assert result["trygdeavgift"] == 46_800  # 7.8 %
    assert result["utlignet_skatt"] == 152_873


def test_2025_interest_and_debt_larger_than_wealth() -> None:
    result = _one(2025, loennsinntekt=400_000, renteutgifter=100_000, gjeld=500_000)
    # alminnelig 400 000 − 92 000 − 100 000 = 208 000; 22 % × (208 000 − 108 550) = 21 879
    assert result["skatt_alminnelig_inntekt"] == 21_879
    # 88 650 × 1.7 % = 1 507.05 → 1 507; 93 950 × 4 % = 3 758
    assert result["trinnskatt"] == 5_265
    assert result["trygdeavgift"] == 30_800  # 7.7 %
    # nettoformue is stored signed; no wealth tax on a negative one
    assert result["nettoformue"] == -500_000
    assert result["formuesskatt"] == 0
    assert result["utlignet_skatt"] == 57_944


def test_negative_alminnelig_inntekt_is_kept_and_taxes_nothing() -> None:
    result = _one(2024, loennsinntekt=0, renteutgifter=50_000)
    assert result["alminnelig_inntekt"] == -50_000
    assert result["utlignet_skatt"] == 0


def test_every_year_has_its_figures_and_says_which_are_unverified() -> None:
    assert sorted(parameters.YEARS) == [2022, 2023, 2024, 2025]
    for year in parameters.YEARS.values():
        assert year.reference
        assert set(year.sources) == {
            "alminnelig_inntekt_rate",
            "personfradrag",
            "minstefradrag",
            "trinnskatt",
            "trygdeavgift",
            "formuesskatt",
        }
        thresholds = [b.threshold for b in year.trinnskatt]
        assert thresholds == sorted(thresholds)
        for name in year.unverified():
            assert not year.sources[name].source or year.sources[name].unverified
    assert parameters.YEARS[2025].unverified()


def test_bad_input_is_refused() -> None:
    with pytest.raises(KeyError):
        _one(2021, loennsinntekt=1)
    zeros = np.zeros(2, dtype=np.int64)
    with pytest.raises(ValueError, match="equal lengths"):
        assess(
            2024,
            loennsinntekt=np.zeros(3, dtype=np.int64),
            kapitalinntekt=zeros,
            renteutgifter=zeros,
            bruttoformue=zeros,
            gjeld=zeros,
        )
    with pytest.raises(ValueError, match="between 0"):
        assess(
            2024,
            loennsinntekt=np.array([-1, 0]),
            kapitalinntekt=zeros,
            renteutgifter=zeros,
            bruttoformue=zeros,
            gjeld=zeros,
        )
    with pytest.raises(TypeError):
        assess(
            2024,
            loennsinntekt=np.array([1.5, 0.0]),
            kapitalinntekt=zeros,
            renteutgifter=zeros,
            bruttoformue=zeros,
            gjeld=zeros,
        )


amount = st.one_of(
    st.integers(0, 3_000_000), st.integers(0, MAX_AMOUNT), st.sampled_from([0, 1, 64_650])
)
person = st.fixed_dictionaries(
    {
        "loennsinntekt": amount,
        "kapitalinntekt": amount,
        "renteutgifter": amount,
        "bruttoformue": amount,
        "gjeld": amount,
    }
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(parameters.YEARS)), st.lists(person, min_size=1, max_size=40))
def test_the_vectorised_path_equals_the_plain_rules(
    year: int, people: list[dict[str, int]]
) -> None:
    arrays = {name: np.array([p[name] for p in people], dtype=np.int64) for name in people[0]}
    result = assess(year, **arrays)
    assert len(result) == len(people)
    for index, inputs in enumerate(people):
        plain = assess_one(year, **inputs)
        assert result.row(index) == {name: getattr(plain, name) for name in result.row(index)}
        assert plain.utlignet_skatt >= 0
