"""Names for people and streets, e-mail addresses and mobile numbers."""

from __future__ import annotations

import re
import time
import unicodedata

import numpy as np
import pytest

from felles.synth import names, reference

EMAIL = re.compile(r"^[a-z0-9._-]+@([a-z0-9.-]+)$")


@pytest.mark.parametrize("sex", ["kvinne", "mann", "K", "M"])
def test_norwegian_first_names_have_weights_summing_to_one(sex: names.Sex) -> None:
    first, weights = names.first_names(sex)
    assert first.size > 50
    assert first.shape == weights.shape
    assert weights.sum() == pytest.approx(1.0)
    assert (weights > 0).all()
    assert len(set(first.tolist())) == first.size


def test_norwegian_first_names_differ_by_sex() -> None:
    female, _ = names.first_names("kvinne")
    male, _ = names.first_names("mann")
    assert "Ingrid" in female.tolist()
    assert "Ole" in male.tolist()
    assert not set(female.tolist()) & {"Ole", "Lars"}


def test_norwegian_last_names() -> None:
    last, weights = names.last_names()
    assert last.size > 50
    assert weights.sum() == pytest.approx(1.0)
    assert "Hansen" in last.tolist()


def test_unknown_sex_is_rejected() -> None:
    with pytest.raises(ValueError):
        names.first_names("x")  # type: ignore[arg-type]


@pytest.mark.parametrize("alpha3", sorted({*names.NAME_LOCALES, "NOR", "SYR", "ERI", "XXX"}))
@pytest.mark.parametrize("sex", ["kvinne", "mann"])
def test_names_for_every_citizenship_are_latin_and_weighted(alpha3: str, sex: names.Sex) -> None:
    lists = names.names_for_citizenship(alpha3, sex)
    assert lists.locale == names.NAME_LOCALES.get(alpha3, "no_NO")
    for values, weights in (
        (lists.first_names, lists.first_weights),
        (lists.last_names, lists.last_weights),
    ):
        assert values.size > 0
        assert weights.sum() == pytest.approx(1.0)
        for value in values.tolist():
            assert value and value == value.strip()
            assert all(not c.isalpha() or "LATIN" in unicodedata.name(c) for c in value), (
                alpha3,
                value,
            )


def test_gendered_surnames() -> None:
    polish = names.names_for_citizenship("POL", "kvinne").last_names.tolist()
    assert "Kowalska" in polish and "Kowalski" not in polish
    lithuanian = names.names_for_citizenship("LTU", "kvinne").last_names.tolist()
    assert "Kazlauskienė" in lithuanian
    icelandic_men = names.names_for_citizenship("ISL", "mann").last_names.tolist()
    assert all(n.endswith("son") for n in icelandic_men)
    russian_women = names.names_for_citizenship("RUS", "kvinne").last_names.tolist()
    assert "Smirnova" in russian_women


def test_cyrillic_names_are_transliterated() -> None:
    ukrainian = names.names_for_citizenship("UKR", "mann").last_names.tolist()
    assert "Abramenko" in ukrainian


def test_street_names_are_deterministic() -> None:
    first = names.street_names("0301", 200, seed=7)
    assert first == names.street_names("0301", 200, seed=7)
    assert first != names.street_names("0301", 200, seed=8)
    assert first != names.street_names("1103", 200, seed=7)
    assert names.street_names("0301", 50, seed=7) == first[:50]


def test_street_names_are_unique_within_a_municipality() -> None:
    streets = names.street_names("0301", 5000, seed=1)
    assert len(streets) == 5000
    assert len(set(streets)) == 5000
    assert all(s and s[0].isupper() and s == s.strip() for s in streets)


def test_street_names_fall_back_to_prefixes_when_the_pool_runs_out() -> None:
    pool = len(names._street_pool(False).names)
    streets = names.street_names("0301", pool + 100, seed=1)
    assert len(set(streets)) == pool + 100
    assert all(s.split()[0] in names._PREFIXES for s in streets[pool:])
    with pytest.raises(ValueError):
        names.street_names("0301", 10**7, seed=1)


def test_street_names_keep_norwegian_letters() -> None:
    streets = names.street_names("0301", 2000, seed=3)
    assert any(c in s for s in streets for c in "æøå")
    assert any(c in s for s in streets for c in "ÆØÅ")
    assert "Bjørkeveien" in names._street_pool(False).names
    assert "Kirkegata" in names._street_pool(False).names
    assert "Stasjonsveien" in names._street_pool(False).names


def test_street_names_follow_norwegian_compounding() -> None:
    pool = set(names._street_pool(False).names)
    assert "Fjellia" in pool  # no triple consonant
    assert "Haughaugen" not in pool  # no stem repeated as suffix
    assert "Kari Hansens vei" in pool
    assert "Ole Næss' gate" in pool  # genitive of a name ending in -s


def test_nynorsk_counties_get_vegen() -> None:
    bergen = names.street_names("4601", 300, seed=1)
    assert any(s.endswith("vegen") for s in bergen)
    assert not any(s.endswith("veien") for s in bergen)


def test_street_names_for_the_whole_country_are_fast() -> None:
    kommuner = reference.kommuner()
    names.street_names("0301", 1, seed=0)  # build the pools
    names.street_names("4601", 1, seed=0)
    start = time.perf_counter()
    total = 0
    for kommune in kommuner:
        total += len(names.street_names(kommune.kommunenummer, 60_000 // len(kommuner), seed=0))
    assert total >= 59_000
    assert time.perf_counter() - start < 2.0


def test_street_names_reject_bad_arguments() -> None:
    with pytest.raises(ValueError):
        names.street_names("301", 1, seed=0)
    with pytest.raises(ValueError):
        names.street_names("0301", -1, seed=0)
    assert names.street_names("0301", 0, seed=0) == []


def test_email_is_ascii_lowercase_on_a_reserved_domain() -> None:
    rng = np.random.default_rng(5)
    reserved = ("example.com", "example.net", "example.org")
    for first, last in [
        ("Ærlig Øystein", "Håkonsen-Ødegård"),
        ("Zbigniew", "Łukasiewicz"),
        ("Nguyễn", "Trần"),
        ("Ole", "Nordmann"),
    ] * 25:
        address = names.email_for(first, last, rng)
        assert address.isascii() and address == address.lower()
        match = EMAIL.match(address)
        assert match, address
        domain = match.group(1)
        assert any(domain == d or domain.endswith("." + d) for d in reserved), address
        assert ".." not in address and not address.startswith(".")


def test_email_transliterates_norwegian_letters() -> None:
    assert names.to_ascii("Bjørn Ærøy Åsen") == "Bjorn Aeroy Aasen"
    rng = np.random.default_rng(0)
    addresses = {names.email_for("Bjørn", "Ødegård", rng) for _ in range(50)}
    assert any("bjorn" in a and "odegaard" in a for a in addresses)


def test_mobile_numbers_are_synthetic_and_well_formed() -> None:
    rng = np.random.default_rng(0)
    for number in [names.mobile_number(rng) for _ in range(200)]:
        assert re.fullmatch(r"\+474[2349]\d{6}", number)
        assert number[3:5] in names.MOBILE_PREFIXES


def test_mobile_number_for_index_is_one_to_one() -> None:
    sample = range(0, names.MOBILE_CAPACITY, 997)
    numbers = {names.mobile_number_for(i) for i in sample}
    assert len(numbers) == len(sample)
    assert names.mobile_number_for(1) != names.mobile_number_for(0)
    with pytest.raises(ValueError):
        names.mobile_number_for(names.MOBILE_CAPACITY)
