"""Barnetrygd at birth: periods and amounts from the rules, evaluated only at change points."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from felles.rules.calculation import calculate
from felles.rules.system import tax_benefit_system
from felles.services.barnetrygd.rates import (
    FINNMARK,
    SVALBARD,
    UKJENT,
    ChildAtBirth,
    Grant,
    Periode,
    first_modelled,
    grants,
    kommune_class,
)

DECIDED = date(2026, 3, 2)


def one(born: date, kommune: str | None = "0301") -> Grant:
    (grant,) = grants([ChildAtBirth("12345678901", born, kommune)], decided_on=DECIDED)
    return grant


def periods(grant: Grant) -> list[tuple[str, str, int]]:
    return [(p.fom.isoformat(), p.tom.isoformat(), p.beloep) for p in grant.periods]


def test_born_before_the_flat_rate_gets_the_under_6_rate_merged_with_it() -> None:
    grant = one(date(2024, 6, 15))
    assert grant.period_from == date(2024, 7, 1)
    assert grant.period_to == date(2042, 5, 31)
    assert periods(grant) == [
        ("2024-07-01", "2025-04-30", 1766),  # 1 766 under 6, then 1 766 flat from 2024-09
        ("2025-05-01", "2026-01-31", 1968),
        ("2026-02-01", "2042-05-31", 2012),
    ]


def test_start_month_on_each_side_of_the_rate_dates() -> None:
    assert periods(one(date(2024, 8, 31)))[0] == ("2024-09-01", "2025-04-30", 1766)
    assert periods(one(date(2025, 4, 30)))[0] == ("2025-05-01", "2026-01-31", 1968)
    assert periods(one(date(2025, 3, 31)))[:2] == [
        ("2025-04-01", "2025-04-30", 1766),
        ("2025-05-01", "2026-01-31", 1968),
    ]
    assert periods(one(date(2026, 1, 31))) == [("2026-02-01", "2043-12-31", 2012)]
    assert periods(one(date(2025, 12, 31)))[:2] == [
        ("2026-01-01", "2026-01-31", 1968),
        ("2026-02-01", "2043-11-30", 2012),
    ]


def test_born_on_the_first_and_on_the_last_of_a_month_give_the_same_months() -> None:
    first, last = one(date(2025, 5, 1)), one(date(2025, 5, 31))
    assert first.periods == last.periods
    assert first.period_from == last.period_from == date(2025, 6, 1)
    assert first.period_to == last.period_to == date(2043, 4, 30)
    assert first.periods[0] == Periode(date(2025, 6, 1), date(2026, 1, 31), 1968)


def test_born_29_february() -> None:
    grant = one(date(2024, 2, 29))
    assert grant.period_from == date(2024, 3, 1)
    # The 18th birthday is in 2042-02 (28 February or 1 March): the last month is 2042-01.
    assert grant.period_to == date(2042, 1, 31)
    assert grant.periods[-1].tom == date(2042, 1, 31)


def test_finnmark_nord_troms_and_svalbard_supplement_from_october_2025() -> None:
    born = date(2025, 6, 10)
    with_supplement = [
        ("2025-07-01", "2025-09-30", 1968),
        ("2025-10-01", "2026-01-31", 1968 + 500),
        ("2026-02-01", "2043-05-31", 2012 + 512),
    ]
    for kommune in ("5601", "5544", "2100", "2111"):  # Alta, Nordreisa, Svalbard
        assert periods(one(born, kommune)) == with_supplement, kommune
    without = [("2025-07-01", "2026-01-31", 1968), ("2026-02-01", "2043-05-31", 2012)]
    others: tuple[str | None, ...] = (
        "0301",
        "5501",
        "4601",
        None,
        "",
        "56011",
        "٥٦٠١",
    )  # Tromsø: not Nord-Troms
    for other in others:
        assert periods(one(born, other)) == without, other


def test_the_age_limit_of_6_before_september_2024() -> None:
    # Born 2018-01: under 6 (1 766) until 2023-12, the 6–17 rate from 2024-01, the flat rate
    # from 2024-09. The rules are modelled from 2023-07, so the periods start there.
    grant = one(date(2018, 1, 10))
    assert first_modelled() == date(2023, 7, 1)
    assert grant.period_from == date(2018, 2, 1)
    assert grant.explanation["modelled_from"] == "2023-07"
    assert periods(grant) == [
        ("2023-07-01", "2023-12-31", 1766),
        ("2024-01-01", "2024-08-31", 1510),
        ("2024-09-01", "2025-04-30", 1766),
        ("2025-05-01", "2026-01-31", 1968),
        ("2026-02-01", "2035-12-31", 2012),
    ]
    change = grant.explanation["changes"][0]
    assert change["month"] == "2024-01"
    assert change["amount"] == 1510
    kinds = {(b["kind"], b.get("years")) for b in change["because"]}
    assert ("age", 6) in kinds
    assert ("parameter", None) in kinds  # ordinaer.sats 1 310 → 1 510 on the same date


def test_explanation_is_json_and_explains_the_first_month() -> None:
    grant = one(date(2025, 8, 14), "5601")
    explanation = json.loads(json.dumps(grant.explanation))
    assert explanation["first_month"] == "2025-09"
    assert explanation["amount_first_month"] == 1968
    assert explanation["kommune_class"] == FINNMARK
    first = explanation["first_month_explanation"]
    assert first["nodes"]["barnetrygd_per_barn<2025-09>"]["values"]["barn"] == 1968
    assert first["representative"]["foedselsdato"] == "2025-08-01"
    (october, february) = explanation["changes"]
    assert (october["month"], october["amount"]) == ("2025-10", 2468)
    assert any(
        b.get("parameter") == "barnetrygdloven.finnmarkstillegg.sats" for b in october["because"]
    )
    refs = [r["href"] for b in february["because"] for r in b["references"]]
    assert "https://lovdata.no/lov/2002-03-08-4/§10" in refs


def test_batch_keeps_order_and_empty_batch() -> None:
    assert grants([], decided_on=DECIDED) == []
    children = [
        ChildAtBirth("a", date(2026, 2, 3), "2100"),
        ChildAtBirth("b", date(2024, 6, 15), None),
        ChildAtBirth("c", date(2026, 2, 3), "0301"),
    ]
    a, b, c = grants(children, decided_on=DECIDED)
    assert periods(a) == [("2026-03-01", "2044-01-31", 2524)]
    assert periods(b)[0] == ("2024-07-01", "2025-04-30", 1766)
    assert periods(c) == [("2026-03-01", "2044-01-31", 2012)]
    assert a.explanation["kommune_class"] == SVALBARD
    assert b.explanation["kommune_class"] == UKJENT


def test_kommune_class() -> None:
    assert kommune_class("5601") == FINNMARK
    assert kommune_class("5546") == FINNMARK
    assert kommune_class("2100") == SVALBARD
    assert kommune_class("5501") == "annen"
    assert kommune_class(None) == kommune_class("12") == kommune_class("ab12") == UKJENT
    assert kommune_class("56011") == kommune_class("٥٦٠١") == UKJENT  # not four ASCII digits


# --- Change points equal month-by-month evaluation ----------------------------------------------

_WINDOW = "month:2020-01:320"  # 2020-01 … 2046-08: every month of every child below


def _month_keys(grant: Grant) -> list[str]:
    keys = []
    day = grant.periods[0].fom
    while day <= grant.period_to:
        keys.append(f"{day.year:04d}-{day.month:02d}")
        day = (day + timedelta(days=32)).replace(day=1)
    return keys


def _month_by_month(children: list[ChildAtBirth], months: list[list[str]]) -> list[list[int]]:
    """Every month of each child through the JSON situation path (felles.rules.calculation)."""
    personer: dict[str, Any] = {}
    familier: dict[str, Any] = {}
    for index, (child, keys) in enumerate(zip(children, months, strict=True)):
        mor, barn = f"mor{index}", f"barn{index}"
        personer[mor] = {"bosatt_i_norge": {_WINDOW: True}, "lovlig_opphold": {_WINDOW: True}}
        personer[barn] = {
            "foedselsdato": {"ETERNITY": child.foedselsdato.isoformat()},
            "bosatt_i_norge": {_WINDOW: True},
            "lovlig_opphold": {_WINDOW: True},
            "bor_med_forelder": {_WINDOW: True},
            "barnetrygd_per_barn": dict.fromkeys(keys),
        }
        if child.kommunenummer:
            personer[barn]["kommunenummer"] = {_WINDOW: child.kommunenummer}
        familier[f"f{index}"] = {"foreldre": [mor], "barn": [barn]}
    result = calculate(tax_benefit_system(), {"personer": personer, "familier": familier})
    return [
        [result["personer"][f"barn{i}"]["barnetrygd_per_barn"][key] for key in keys]
        for i, keys in enumerate(months)
    ]


def _expanded(grant: Grant) -> list[int]:
    amounts = []
    for periode in grant.periods:
        months = (periode.tom.year - periode.fom.year) * 12 + periode.tom.month - periode.fom.month
        amounts.extend([periode.beloep] * (months + 1))
    return amounts


children_strategy = st.lists(
    st.builds(
        ChildAtBirth,
        child=st.text("0123456789", min_size=11, max_size=11),
        foedselsdato=st.dates(date(2017, 1, 1), date(2026, 12, 31)),  # 2017+: the age-6 limit
        kommunenummer=st.sampled_from(
            ["5601", "2100", "2111", "5544", "5534", "5501", "0301", "4601", None, "", "9999"]
        ),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(children=children_strategy)
def test_change_points_equal_month_by_month(children: list[ChildAtBirth]) -> None:
    result = grants(children, decided_on=DECIDED)
    months = [_month_keys(grant) for grant in result]
    reference = _month_by_month(children, months)
    for child, grant, keys, expected in zip(children, result, months, reference, strict=True):
        birth = child.foedselsdato
        assert grant.period_from == (birth.replace(day=1) + timedelta(days=32)).replace(day=1)
        assert grant.periods[0].fom == max(grant.period_from, first_modelled())
        assert grant.periods[-1].tom == grant.period_to
        assert len(keys) == len(expected)
        assert _expanded(grant) == expected
        # Merged: neighbouring periods differ in amount and follow each other without gaps.
        for before, after in zip(grant.periods, grant.periods[1:], strict=False):
            assert before.beloep != after.beloep
            assert after.fom == before.tom + timedelta(days=1)
