"""Identifiers: parsing with reasons, synthetic generation, vectorised allocation, pydantic."""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import random
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from pydantic import BaseModel, ValidationError
from stdnum.no import fodselsnummer, orgnr

from felles.kernel.ids import (
    CapacityExhaustedError,
    DNummer,
    DNummerStr,
    FnrStr,
    Foedselsnummer,
    InvalidIdentifier,
    Organisasjonsnummer,
    OrgnrStr,
    PersonIdentifier,
    PersonIdStr,
    allocate_orgnrs,
    allocate_synthetic_fnrs,
    fnr_check_digits,
    individnummer_candidates,
    next_synthetic_fnr,
    orgnr_check_digit,
    parse_organisasjonsnummer,
    parse_person_identifier,
    synthetic_fnr,
    synthetic_fnrs_lazily,
)

SEXES = ("kvinne", "mann")


def complete(first6: str, individnummer: range) -> str:
    """The first number with valid check digits for a date part and an individnummer range.

    Builds test numbers for the rules checked after the check digits (dates, H-numbers...).
    """
    for n in individnummer:
        first9 = f"{first6}{n:03d}"
        check_1 = fodselsnummer.calc_check_digit1(first9)
        check_2 = fodselsnummer.calc_check_digit2(first9 + check_1)
        if len(check_1) == 1 and len(check_2) == 1:
            return first9 + check_1 + check_2
    raise AssertionError("no individnummer in the range gives valid check digits")


def assert_invalid(value: str, reason: str, kind: str, fragment: str, **kwargs: bool) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_person_identifier(value, **kwargs)
    assert_error(caught.value, value, reason, kind, fragment)


def assert_error(
    error: InvalidIdentifier, value: str, reason: str, kind: str, fragment: str
) -> None:
    assert (error.reason, error.kind, error.value) == (reason, kind, value)
    assert fragment in str(error)
    # The identifier is personal data: neither the raw nor the compact form may be logged.
    for form in {value, value.replace(" ", "")} - {""}:
        assert form not in str(error)
        assert form not in repr(error)


# ------------------------------------------------------------------------------------------
# Parsing: valid numbers
# ------------------------------------------------------------------------------------------


def test_stdnum_documentation_example_parses() -> None:
    person = parse_person_identifier("151086 95088")
    assert isinstance(person, Foedselsnummer)
    assert person.value == str(person) == "15108695088"
    assert person.kind == "foedselsnummer"
    assert person.birth_date == dt.date(1986, 10, 15)
    assert person.sex == "kvinne"
    assert person.individnummer == 950
    assert person.is_synthetic is False


def test_synthetic_numbers_parse() -> None:
    fnr = parse_person_identifier("17868549939", allow_real=False)
    assert isinstance(fnr, Foedselsnummer)
    assert (fnr.birth_date, fnr.sex, fnr.is_synthetic) == (dt.date(1985, 6, 17), "mann", True)

    dnr = parse_person_identifier("57868549922", allow_real=False)
    assert isinstance(dnr, DNummer)
    assert dnr.kind == "dNummer"
    assert (dnr.birth_date, dnr.sex, dnr.is_synthetic) == (dt.date(1985, 6, 17), "mann", True)


def test_real_d_number_parses() -> None:
    value = complete("410190", range(499, -1, -1))
    dnr = parse_person_identifier(value)
    assert isinstance(dnr, DNummer)
    assert (dnr.birth_date, dnr.is_synthetic) == (dt.date(1990, 1, 1), False)


@pytest.mark.parametrize(
    ("first6", "individnummer", "year"),
    [
        ("010100", range(499, -1, -1), 1900),  # 000-499: 1900-1999
        ("010199", range(0, 500), 1999),
        ("010154", range(749, 499, -1), 1854),  # 500-749 with 54-99: 1854-1899
        ("010199", range(749, 499, -1), 1899),
        ("010100", range(999, 499, -1), 2000),  # 500-999 with 00-39: 2000-2039
        ("010139", range(999, 499, -1), 2039),
        ("010140", range(999, 899, -1), 1940),  # 900-999 with 40-99: 1940-1999
        ("010199", range(999, 899, -1), 1999),
    ],
)
def test_century_follows_individnummer(first6: str, individnummer: range, year: int) -> None:
    assert parse_person_identifier(complete(first6, individnummer)).birth_date.year == year


def test_constructors_enforce_their_kind() -> None:
    assert Foedselsnummer("178685 49939") == parse_person_identifier("17868549939")
    assert DNummer("57868549922") == parse_person_identifier("57868549922")
    with pytest.raises(InvalidIdentifier) as caught:
        Foedselsnummer("57868549922")
    assert_error(caught.value, "57868549922", "unsupported", "fødselsnummer", "got a D-nummer")
    with pytest.raises(InvalidIdentifier) as caught:
        DNummer("17868549939")
    assert_error(caught.value, "17868549939", "unsupported", "D-nummer", "got a fødselsnummer")
    with pytest.raises(TypeError):
        PersonIdentifier("17868549939")


def test_identifiers_are_values() -> None:
    a, b = Foedselsnummer("17868549939"), parse_person_identifier("178685 49939")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    other: PersonIdentifier = DNummer("57868549922")
    assert a != other
    assert pickle.loads(pickle.dumps(a)) == a
    assert pickle.loads(pickle.dumps(a)).birth_date == dt.date(1985, 6, 17)
    assert "49939" not in repr(a)  # repr may reach logs
    with pytest.raises(AttributeError):
        a.value = "15108695088"  # type: ignore[misc]


def test_organisasjonsnummer_parses() -> None:
    number = parse_organisasjonsnummer("988 077 917")
    assert number == Organisasjonsnummer("988077917")
    assert number.value == str(number) == "988077917"
    assert hash(number) == hash(Organisasjonsnummer("988077917"))


# ------------------------------------------------------------------------------------------
# Parsing: every reason code, with a message that says what is wrong
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason", "kind", "fragment"),
    [
        ("1510869508", "bad_length", "identifikasjonsnummer", "must be 11 digits, got 10"),
        ("151086950881", "bad_length", "identifikasjonsnummer", "must be 11 digits, got 12"),
        ("", "bad_length", "identifikasjonsnummer", "must be 11 digits, got 0"),
        ("15108a95088", "bad_format", "identifikasjonsnummer", "character 6 is not a digit"),
        ("151086-95088", "bad_format", "identifikasjonsnummer", "only the digits 0-9"),
        ("1510869508٣", "bad_format", "identifikasjonsnummer", "character 11"),  # Arabic 3
        ("15108695077", "bad_check_digit", "fødselsnummer", "(digit 10: expected 8, got 7)"),
        ("15108695089", "bad_check_digit", "fødselsnummer", "(digit 11: expected 8, got 9)"),
        ("57868549923", "bad_check_digit", "D-nummer", "D-nummer has a bad check digit"),
    ],
)
def test_format_length_and_check_digit_errors(
    value: str, reason: str, kind: str, fragment: str
) -> None:
    assert_invalid(value, reason, kind, fragment)


def test_first_nine_digits_without_any_check_digit() -> None:
    first9 = next(
        f"01019{n:04d}"
        for n in range(10_000)
        if fodselsnummer.calc_check_digit1(f"01019{n:04d}") == "10"
    )
    assert_invalid(first9 + "00", "bad_check_digit", "fødselsnummer", "no valid check digit")


@pytest.mark.parametrize(
    ("first6", "individnummer", "kind", "fragment"),
    [
        ("310290", range(0, 500), "fødselsnummer", "impossible date: 31.02.1990"),
        ("318290", range(0, 500), "fødselsnummer", "impossible date: 31.02.1990"),  # synthetic
        ("011390", range(0, 500), "fødselsnummer", "impossible date: 01.13.1990"),
        ("010090", range(0, 500), "fødselsnummer", "impossible date: 01.00.1990"),
        ("000190", range(0, 500), "fødselsnummer", "impossible date: 00.01.1990"),
        ("720190", range(0, 500), "D-nummer", "impossible date: 32.01.1990"),
        ("719390", range(0, 500), "D-nummer", "impossible date: 31.13.1990"),  # synthetic
        ("010149", range(750, 900), "fødselsnummer", "two-digit birth year 49"),
        ("010150", range(500, 750), "fødselsnummer", "two-digit birth year 50"),
    ],
)
def test_impossible_dates(first6: str, individnummer: range, kind: str, fragment: str) -> None:
    assert_invalid(complete(first6, individnummer), "impossible_date", kind, fragment)


def test_h_and_fh_numbers_are_unsupported() -> None:
    h_number = complete("015090", range(0, 500))
    assert_invalid(h_number, "unsupported", "identifikasjonsnummer", "H-nummer")
    fh_number = complete("812345", range(0, 1000))
    assert_invalid(fh_number, "unsupported", "identifikasjonsnummer", "FH-nummer")


def test_real_numbers_refused_when_only_synthetic_allowed() -> None:
    assert_invalid(
        "15108695088",
        "unsupported",
        "fødselsnummer",
        "only synthetic identifiers are accepted",
        allow_real=False,
    )


@pytest.mark.parametrize(
    ("value", "reason", "fragment"),
    [
        ("98807791", "bad_length", "must be 9 digits, got 8"),
        ("98807791x", "bad_format", "character 9 is not a digit"),
        ("988 077 918", "bad_check_digit", "(digit 9: expected 7, got 8)"),
    ],
)
def test_organisasjonsnummer_errors(value: str, reason: str, fragment: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_organisasjonsnummer(value)
    assert_error(caught.value, value, reason, "organisasjonsnummer", fragment)


def test_organisasjonsnummer_without_any_check_digit() -> None:
    first8 = next(
        f"9{n:07d}" for n in range(10**7) if orgnr.checksum(f"9{n:07d}0") == 1
    )  # the check digit would have to be 10
    with pytest.raises(InvalidIdentifier) as caught:
        parse_organisasjonsnummer(first8 + "0")
    assert_error(
        caught.value, first8 + "0", "bad_check_digit", "organisasjonsnummer", "no valid check digit"
    )


def test_invalid_identifier_pickles_with_its_fields() -> None:
    error = InvalidIdentifier("1", "fødselsnummer", "bad_length", "fødselsnummer must be ...")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.value, copy.kind, copy.reason, str(copy)) == (
        "1",
        error.kind,
        error.reason,
        str(error),
    )


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------

# A single-digit change moves a mod-11 weighted sum by w * d (w the digit's weight, d = ±1..9).
# 11 is prime and no weight is 0 mod 11, so w * d is never 0 mod 11: the check breaks. The
# check digits themselves have weight 1 in their own equation.
FNR_CHECK_1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
FNR_CHECK_2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2, 1)


@pytest.mark.parametrize("weights", [FNR_CHECK_1_WEIGHTS, FNR_CHECK_2_WEIGHTS, ORGNR_WEIGHTS])
def test_premise_every_single_digit_change_breaks_the_check(weights: tuple[int, ...]) -> None:
    assert all(w * d % 11 != 0 for w in weights for d in range(1, 10))


def test_premise_weights_match_stdnum() -> None:
    # stdnum's functions return (11 - sum) % 11; on a unit vector that reveals each weight.
    for position, weight in enumerate(FNR_CHECK_1_WEIGHTS[:9]):
        unit = "0" * position + "1" + "0" * (8 - position)
        assert int(fodselsnummer.calc_check_digit1(unit)) == (11 - weight) % 11
    for position, weight in enumerate(FNR_CHECK_2_WEIGHTS[:10]):
        unit = "0" * position + "1" + "0" * (9 - position)
        assert int(fodselsnummer.calc_check_digit2(unit)) == (11 - weight) % 11
    for position, weight in enumerate(ORGNR_WEIGHTS):
        assert orgnr.checksum("0" * position + "1" + "0" * (8 - position)) == weight


digit_strings = st.text(alphabet="0123456789", min_size=9, max_size=9)


@st.composite
def check_digit_valid_fnrs(draw: st.DrawFn) -> str:
    """11 digits whose check digits are right (the date may still be impossible)."""
    first9 = draw(digit_strings)
    check_1 = fodselsnummer.calc_check_digit1(first9)
    check_2 = fodselsnummer.calc_check_digit2(first9 + check_1)
    if len(check_1) > 1 or len(check_2) > 1:
        return draw(st.sampled_from(["15108695088", "17868549939", "57868549922"]))
    return first9 + check_1 + check_2


@given(
    number=check_digit_valid_fnrs(),
    position=st.integers(0, 10),
    delta=st.integers(1, 9),
)
def test_changing_one_digit_of_a_fnr_breaks_a_check_digit(
    number: str, position: int, delta: int
) -> None:
    changed = str((int(number[position]) + delta) % 10)
    altered = number[:position] + changed + number[position + 1 :]
    with pytest.raises(InvalidIdentifier) as caught:
        parse_person_identifier(altered)
    assert caught.value.reason == "bad_check_digit"


@given(
    first8=st.text(alphabet="0123456789", min_size=8, max_size=8),
    position=st.integers(0, 8),
    delta=st.integers(1, 9),
)
def test_changing_one_digit_of_an_orgnr_breaks_the_check_digit(
    first8: str, position: int, delta: int
) -> None:
    check = -orgnr.checksum(first8 + "0") % 11
    number = first8 + str(check) if check < 10 else "988077917"
    assert Organisasjonsnummer(number).value == number
    changed = str((int(number[position]) + delta) % 10)
    with pytest.raises(InvalidIdentifier) as caught:
        parse_organisasjonsnummer(number[:position] + changed + number[position + 1 :])
    assert caught.value.reason == "bad_check_digit"


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_random_digit_strings_parse_or_raise_invalid_identifier(value: str) -> None:
    try:
        person = parse_person_identifier(value)
    except InvalidIdentifier as error:
        assert value not in str(error)
    else:
        assert fodselsnummer.calc_check_digit1(value) == value[9]
        assert person.value == value


@given(st.text(max_size=14))
def test_arbitrary_text_parses_or_raises_invalid_identifier(value: str) -> None:
    # Any other exception escapes and fails the test.
    for parse in (parse_person_identifier, parse_organisasjonsnummer):
        with contextlib.suppress(InvalidIdentifier):
            parse(value)


@given(
    birth_date=st.dates(dt.date(1854, 1, 1), dt.date(2039, 12, 31)),
    sex=st.sampled_from(SEXES),
    d_number=st.booleans(),
    data=st.data(),
)
def test_generated_synthetic_numbers_round_trip(
    birth_date: dt.date, sex: str, d_number: bool, data: st.DataObject
) -> None:
    individnummer = data.draw(st.sampled_from(individnummer_candidates(birth_date.year, sex)))
    number = synthetic_fnr(birth_date, individnummer, d_number=d_number)
    if number is None:  # a check digit would be 10; the next free number is used instead
        number = next_synthetic_fnr(birth_date, sex, (), d_number=d_number)
    person = parse_person_identifier(number, allow_real=False)
    assert person.birth_date == birth_date
    assert person.sex == sex
    assert person.is_synthetic is True
    assert person.kind == ("dNummer" if d_number else "foedselsnummer")
    assert type(person) is (DNummer if d_number else Foedselsnummer)


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9))
def test_vectorised_fnr_check_digits_match_stdnum(digits: list[int]) -> None:
    first9 = "".join(map(str, digits))
    check_1, check_2 = fnr_check_digits(np.array([digits]))
    assert str(check_1[0]) == fodselsnummer.calc_check_digit1(first9)
    if check_1[0] < 10:
        assert str(check_2[0]) == fodselsnummer.calc_check_digit2(first9 + str(check_1[0]))
    else:
        assert check_2[0] == 10


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_vectorised_orgnr_check_digit_matches_stdnum(digits: list[int]) -> None:
    first8 = "".join(map(str, digits))
    check = int(orgnr_check_digit(np.array(digits)))
    assert check == -orgnr.checksum(first8 + "0") % 11
    if check < 10:
        assert orgnr.is_valid(first8 + str(check))


# ------------------------------------------------------------------------------------------
# Generating one number at a time
# ------------------------------------------------------------------------------------------


def test_individnummer_candidates_follow_century_and_sex() -> None:
    women_1950 = individnummer_candidates(1950, "kvinne")
    assert women_1950[:3] == (498, 496, 494)  # issued counting down
    assert women_1950[-3:] == (904, 902, 900)  # 900-999 only after 000-499
    assert len(women_1950) == 300 and all(n % 2 == 0 for n in women_1950)
    men_1880 = individnummer_candidates(1880, "mann")
    assert men_1880[0] == 749 and men_1880[-1] == 501 and len(men_1880) == 125
    assert set(individnummer_candidates(2020, "mann")) == set(range(501, 1000, 2))
    assert set(individnummer_candidates(1920, "kvinne")) == set(range(0, 500, 2))
    with pytest.raises(ValueError, match="birth year 2040"):
        individnummer_candidates(2040, "mann")
    with pytest.raises(ValueError, match="sex"):
        individnummer_candidates(1990, "annet")


def test_synthetic_fnr_skips_check_digit_ten_and_checks_the_century() -> None:
    day = dt.date(1990, 5, 17)
    results = {n: synthetic_fnr(day, n) for n in range(500)}
    assert any(number is None for number in results.values())
    for n, number in results.items():
        if number is not None:
            assert Foedselsnummer(number).individnummer == n
    with pytest.raises(ValueError, match="individnummer 600 is not used for birth year 1990"):
        synthetic_fnr(day, 600)


def test_next_synthetic_fnr_issues_in_order_and_skips_used() -> None:
    day = dt.date(2001, 9, 11)
    first = next_synthetic_fnr(day, "kvinne", ())
    second = next_synthetic_fnr(day, "kvinne", {first})
    assert first != second
    assert Foedselsnummer(first).individnummer > Foedselsnummer(second).individnummer
    picked = next_synthetic_fnr(day, "mann", (), rng=random.Random(7))
    assert picked == next_synthetic_fnr(day, "mann", (), rng=random.Random(7))
    assert DNummer(next_synthetic_fnr(day, "mann", (), d_number=True)).sex == "mann"


def test_next_synthetic_fnr_reports_exhaustion() -> None:
    day = dt.date(1880, 2, 29)
    used: set[str] = set()
    for _ in range(200):
        try:
            used.add(next_synthetic_fnr(day, "mann", used))
        except CapacityExhaustedError as error:
            assert isinstance(error, RuntimeError)
            assert f"all {len(used)} valid numbers are in use" in str(error)
            break
    else:
        pytest.fail("125 candidates cannot give 200 numbers")
    assert 90 < len(used) <= 125


# ------------------------------------------------------------------------------------------
# Vectorised allocation
# ------------------------------------------------------------------------------------------


def digit_matrix(numbers: NDArray[np.str_]) -> NDArray[np.int64]:
    """Digits of a <U... array as an (n, width) int array (str arrays are UCS-4 code points)."""
    width = numbers.dtype.itemsize // 4
    return numbers.view(np.uint32).reshape(-1, width).astype(np.int64) - ord("0")


@pytest.fixture(scope="module")
def population() -> tuple[NDArray[np.datetime64], NDArray[np.bool_]]:
    rng = np.random.default_rng(2024)
    n = 200_000
    span = (dt.date(2040, 1, 1) - dt.date(1900, 1, 1)).days
    dates = np.datetime64("1900-01-01") + rng.integers(0, span, n).astype("timedelta64[D]")
    dates[:200] = np.datetime64("1990-01-01")  # one crowded (date, sex) group
    is_female = rng.random(n) < 0.5
    is_female[:200] = np.arange(200) < 150
    return dates, is_female


def test_allocate_synthetic_fnrs_is_unique_valid_and_matches_input(
    population: tuple[NDArray[np.datetime64], NDArray[np.bool_]],
) -> None:
    dates, is_female = population
    numbers = allocate_synthetic_fnrs(dates, is_female, seed=1)
    assert numbers.shape == dates.shape and numbers.dtype == np.dtype("<U11")
    assert np.unique(numbers).size == numbers.size

    digits = digit_matrix(numbers)
    check_1, check_2 = fnr_check_digits(digits[:, :9])
    assert (check_1 == digits[:, 9]).all() and (check_2 == digits[:, 10]).all()
    assert ((digits[:, 8] % 2 == 0) == is_female).all()
    assert (digits[:, 2] >= 8).all()  # synthetic: month + 80
    day = digits[:, 0] * 10 + digits[:, 1]
    month = digits[:, 2] * 10 + digits[:, 3] - 80
    dates_again = dates.astype("datetime64[M]") + (day - 1).astype("timedelta64[D]")
    assert (dates_again == dates).all()
    assert (dates.astype("datetime64[M]").astype(np.int64) % 12 + 1 == month).all()

    sample = np.random.default_rng(5).choice(numbers.size, 5_000, replace=False)
    for i in [*sample, *range(200)]:
        person = parse_person_identifier(str(numbers[i]), allow_real=False)
        assert person.birth_date == dates[i].item()
        assert (person.sex == "kvinne") == is_female[i]


def test_allocate_synthetic_fnrs_is_deterministic_per_seed(
    population: tuple[NDArray[np.datetime64], NDArray[np.bool_]],
) -> None:
    dates, is_female = population
    first = allocate_synthetic_fnrs(dates, is_female, seed=1)
    assert np.array_equal(first, allocate_synthetic_fnrs(dates, is_female, seed=1))
    assert not np.array_equal(first, allocate_synthetic_fnrs(dates, is_female, seed=2))


def test_allocation_uses_the_first_valid_numbers_in_issue_order() -> None:
    day, sex = dt.date(1955, 7, 1), "mann"
    issued: set[str] = set()
    for _ in range(40):
        issued.add(next_synthetic_fnr(day, sex, issued))
    dates = np.full(40, np.datetime64(day), dtype="datetime64[D]")
    allocated = allocate_synthetic_fnrs(dates, np.zeros(40, dtype=bool), seed=3)
    assert set(allocated.tolist()) == issued


def test_allocate_synthetic_d_numbers() -> None:
    dates = np.array(
        ["1854-01-01", "1899-12-31", "2000-02-29", "2039-12-31"], dtype="datetime64[D]"
    )
    numbers = allocate_synthetic_fnrs(
        dates, np.array([1, 0, 1, 0], dtype=bool), seed=0, d_number=True
    )
    for value, date in zip(numbers.tolist(), dates.tolist(), strict=True):
        person = parse_person_identifier(value, allow_real=False)
        assert (person.kind, person.birth_date) == ("dNummer", date)


def test_allocation_refuses_overfull_groups_and_bad_input() -> None:
    crowded = np.full(300, np.datetime64("1990-01-01"), dtype="datetime64[D]")
    with pytest.raises(CapacityExhaustedError, match="300 people born 1990-01-01"):
        allocate_synthetic_fnrs(crowded, np.ones(300, dtype=bool), seed=0)
    with pytest.raises(ValueError, match=re.escape("within 1854-01-01..2039-12-31")):
        allocate_synthetic_fnrs(np.array(["2040-01-01"], dtype="datetime64[D]"), [True], seed=0)
    with pytest.raises(ValueError, match="NaT"):
        allocate_synthetic_fnrs(np.array(["NaT"], dtype="datetime64[D]"), [True], seed=0)
    with pytest.raises(ValueError, match="equal length"):
        allocate_synthetic_fnrs(crowded, [True], seed=0)
    empty = allocate_synthetic_fnrs(np.array([], dtype="datetime64[D]"), [], seed=0)
    assert empty.shape == (0,) and empty.dtype == np.dtype("<U11")


def test_allocate_orgnrs() -> None:
    numbers = allocate_orgnrs(200_000, seed=1)
    assert numbers.shape == (200_000,) and numbers.dtype == np.dtype("<U9")
    assert np.unique(numbers).size == numbers.size
    digits = digit_matrix(numbers)
    assert (digits[:, 0] == 9).all()
    assert (orgnr_check_digit(digits[:, :8]) == digits[:, 8]).all()
    assert all(orgnr.is_valid(value) for value in numbers[:5_000].tolist())
    assert np.array_equal(numbers, allocate_orgnrs(200_000, seed=1))
    assert not np.array_equal(numbers, allocate_orgnrs(200_000, seed=2))
    eights = allocate_orgnrs(1_000, seed=1, first_digit=8)
    assert all(value[0] == "8" and orgnr.is_valid(value) for value in eights.tolist())
    assert allocate_orgnrs(0, seed=1).shape == (0,)
    with pytest.raises(ValueError, match="first_digit"):
        allocate_orgnrs(1, seed=1, first_digit=10)


# ------------------------------------------------------------------------------------------
# Pydantic integration
# ------------------------------------------------------------------------------------------


class Payload(BaseModel):
    person: PersonIdentifier
    fnr: Foedselsnummer
    org: Organisasjonsnummer
    fnr_str: FnrStr
    dnr_str: DNummerStr
    person_str: PersonIdStr
    org_str: OrgnrStr


VALID = {
    "person": "57868549922",
    "fnr": "178685 49939",
    "org": "988 077 917",
    "fnr_str": "17868549939",
    "dnr_str": "57868549922",
    "person_str": "17868549939",
    "org_str": "988077917",
}


def test_pydantic_fields_validate_and_serialise_as_strings() -> None:
    payload = Payload.model_validate(VALID)
    assert isinstance(payload.person, DNummer)
    assert payload.fnr == Foedselsnummer("17868549939")
    assert payload.org == Organisasjonsnummer("988077917")
    assert payload.fnr_str == "17868549939"
    dumped = payload.model_dump(mode="json")
    assert dumped["fnr"] == "17868549939" and dumped["org"] == "988077917"
    assert Payload.model_validate_json(payload.model_dump_json()) == payload
    assert Payload.model_validate(payload.model_dump()) == payload  # objects are accepted too


def test_pydantic_errors_carry_the_message_but_not_the_value() -> None:
    bad = {**VALID, "fnr": "57868549922", "org": "988077918", "fnr_str": "1510869508", "person": 7}
    with pytest.raises(ValidationError) as caught:
        Payload.model_validate(bad)
    errors = {e["loc"][0]: e for e in caught.value.errors()}
    assert set(errors) == {"fnr", "org", "fnr_str", "person"}
    assert errors["fnr"]["type"] == "invalid_identifier"
    assert errors["fnr"]["msg"] == "expected a fødselsnummer, got a D-nummer"
    assert errors["fnr"]["ctx"] == {"kind": "fødselsnummer", "reason": "unsupported"}
    assert (
        errors["org"]["msg"]
        == "organisasjonsnummer has a bad check digit (digit 9: expected 7, got 8)"
    )
    assert errors["fnr_str"]["msg"] == "fødselsnummer must be 11 digits, got 10"
    assert errors["person"]["type"] == "string_type"
    for error in errors.values():
        assert "57868549922" not in error["msg"] and "988077918" not in error["msg"]


def test_json_schema_examples_are_synthetic_and_valid() -> None:
    properties = Payload.model_json_schema()["properties"]
    for name, schema in properties.items():
        assert schema["type"] == "string"
        (example,) = schema["examples"]
        if name.startswith("org"):
            assert orgnr.is_valid(example)
        else:
            Payload.model_validate({**VALID, name: example})
            assert parse_person_identifier(example, allow_real=False).is_synthetic


@pytest.mark.parametrize("d_number", [False, True])
@pytest.mark.parametrize("sex", ["kvinne", "mann"])
def test_synthetic_fnrs_lazily_gives_every_valid_number_once(sex: str, d_number: bool) -> None:
    day = dt.date(2025, 3, 14)
    every = {
        n
        for i in individnummer_candidates(day.year, sex)
        if (n := synthetic_fnr(day, i, d_number=d_number)) is not None
    }
    in_order = list(synthetic_fnrs_lazily(day, sex, d_number=d_number))
    assert in_order[0] == next_synthetic_fnr(day, sex, (), d_number=d_number)
    assert len(in_order) == len(every) and set(in_order) == every
    shuffled = list(synthetic_fnrs_lazily(day, sex, d_number=d_number, rng=random.Random(3)))
    assert set(shuffled) == every and shuffled != in_order
    again = synthetic_fnrs_lazily(day, sex, d_number=d_number, rng=random.Random(3))
    assert next(again) == shuffled[0]
    for number in shuffled[:20]:
        parsed = parse_person_identifier(number)
        assert (parsed.birth_date, parsed.sex, parsed.is_synthetic) == (day, sex, True)
