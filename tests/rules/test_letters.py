"""Decision-letter sentences: Norwegian amounts, the law cited, reasons, provisional values."""

from __future__ import annotations

from typing import Any

import pytest

from felles.rules.explain import Explanation, Node, ParameterUse, Reference, Requested, explain
from felles.rules.letters import NBSP, Sentence, citation, kroner, letter, sentences
from felles.rules.system import tax_benefit_system
from tests.rules.test_explain import family


@pytest.fixture(scope="module")
def system() -> Any:
    return tax_benefit_system()


def by_id(found: list[Sentence]) -> dict[str, Sentence]:
    return {s.id: s for s in found}


# --- amounts and citations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (1968, "nb", f"1{NBSP}968{NBSP}kr"),
        (92648, "nn", f"92{NBSP}648{NBSP}kr"),
        (1234567, "nb", f"1{NBSP}234{NBSP}567{NBSP}kr"),
        (500, "nb", f"500{NBSP}kr"),
        (0, "nb", f"0{NBSP}kr"),
        (-1968, "nb", f"\u22121{NBSP}968{NBSP}kr"),
        (1968.5, "nb", f"1{NBSP}968,50{NBSP}kr"),
        (1968, "en", f"NOK{NBSP}1,968"),
    ],
)
def test_amounts_are_written_the_norwegian_way(amount: float, lang: str, expected: str) -> None:
    assert kroner(amount, lang) == expected


@pytest.mark.parametrize(
    ("href", "lang", "expected"),
    [
        ("https://lovdata.no/lov/2002-03-08-4/§10", "nb", "barnetrygdloven § 10"),
        ("https://lovdata.no/lov/2002-03-08-4/%C2%A710", "nb", "barnetrygdloven § 10"),
        ("https://lovdata.no/lov/1997-02-28-19/§14-17", "nn", "folketrygdlova § 14-17"),
        ("https://lovdata.no/lov/1998-06-26-41/§7", "en", "the Cash-for-Care Benefit Act § 7"),
        ("https://lovdata.no/lov/2002-03-08-4", "nb", "barnetrygdloven"),
        ("https://github.com/navikt/familie-ba-sak", "nb", None),
    ],
)
def test_lovdata_references_are_cited_by_law_and_section(
    href: str, lang: str, expected: str | None
) -> None:
    assert citation(Reference(href=href), lang) == expected


# --- barnetrygd on the real rules ------------------------------------------------------------


def test_each_child_gets_a_sentence_with_amount_reasons_and_law(system: Any) -> None:
    _, explanation = explain(system, family("2025-06"))
    found = sentences(explanation, lang="nb")
    emma = by_id(found)["emma"]
    assert emma.text.startswith(
        f"Du får 1{NBSP}968{NBSP}kr per måned i barnetrygd for Emma fordi Emma er under 18 år"
    )
    assert "bor fast hos deg" in emma.text
    assert "(barnetrygdloven §§ " in emma.text and emma.text.endswith(").")
    assert "10" in emma.text.split("barnetrygdloven")[1]
    assert emma.amount == 1968
    assert emma.provisional is False
    assert any(r.href.startswith("https://lovdata.no/lov/2002-03-08-4") for r in emma.references)
    assert "noah" in by_id(found)
    total = found[-1]
    assert total.text.startswith(f"Til sammen får du 3{NBSP}936{NBSP}kr per måned i barnetrygd")
    assert total.amount == 3936


def test_nynorsk_and_english(system: Any) -> None:
    _, explanation = explain(system, family("2024-10"))
    nn = by_id(sentences(explanation, lang="nn"))["emma"].text
    assert nn.startswith(f"Du får 1{NBSP}766{NBSP}kr per månad i barnetrygd for Emma fordi Emma")
    assert "bur fast hos deg" in nn and "barnetrygdlova §" in nn
    en = by_id(sentences(explanation, lang="en"))["emma"].text
    assert en.startswith(f"You get NOK{NBSP}1,766 a month in child benefit for Emma because Emma")
    assert "lives with you" in en and "the Child Benefit Act §" in en


def test_names_come_from_the_caller(system: Any) -> None:
    _, explanation = explain(system, family("2025-06"))
    text = letter(explanation, names={"emma": "Emma Nordmann", "noah": "Noah Nordmann"})
    assert "for Emma Nordmann fordi Emma Nordmann er under 18 år" in text
    assert "for Noah Nordmann" in text


def test_a_child_without_barnetrygd_is_told_why(system: Any) -> None:
    situation = family("2025-06", children={"emma": "2015-03-14", "ola": "2005-01-20"})
    situation["personer"]["kari"] = {
        "foedselsdato": {"ETERNITY": "2012-05-05"},
        "bosatt_i_norge": {"2025-06": True},
        "lovlig_opphold": {"2025-06": True},
    }
    situation["familier"]["familie"]["barn"].append("kari")
    _, explanation = explain(system, situation)
    found = by_id(sentences(explanation, lang="nb"))
    assert found["ola"].text.startswith(
        "Du får ikke barnetrygd for Ola fordi Ola ikke er under 18 år"
    )
    assert found["kari"].text.startswith(
        "Du får ikke barnetrygd for Kari fordi Kari ikke bor fast hos deg"
    )
    assert found["ola"].amount == 0
    assert found["emma"].amount == 1968


def test_utvidet_barnetrygd_is_its_own_sentence(system: Any) -> None:
    situation = family("2025-06")
    situation["personer"]["mor"]["enslig_forsoerger"] = {"2025-06": True}
    _, explanation = explain(system, situation)
    texts = [s.text for s in sentences(explanation, lang="nb")]
    assert any(
        t.startswith(f"Du får 2{NBSP}516{NBSP}kr per måned i utvidet barnetrygd fordi du er enslig")
        for t in texts
    )
    assert texts[-1].startswith(f"Til sammen får du 6{NBSP}452{NBSP}kr")


def test_an_amount_resting_on_an_unverified_value_is_provisional(system: Any) -> None:
    situation = family(
        "2025-06",
        children={"lille": "2024-03-10"},
        ask={"kontantstoette": "familie"},
        child_extra={"medlem_i_folketrygden_5_aar": {"2025-06": True}},
    )
    situation["personer"]["mor"]["medlem_i_folketrygden_5_aar"] = {"2025-06": True}
    _, explanation = explain(system, situation)
    for lang, words in [
        ("nb", "foreløpig sats, ikke verifisert"),
        ("nn", "førebels sats, ikkje verifisert"),
        ("en", "provisional rate, not verified"),
    ]:
        sentence = sentences(explanation, lang=lang)[0]
        assert sentence.provisional is True
        assert words in sentence.text
        assert sentence.amount == 7500


def test_a_lump_sum_has_no_period(system: Any) -> None:
    situation = {
        "personer": {
            "mor": {
                "foedselsdato": {"ETERNITY": "1990-01-01"},
                "kjoenn": {"ETERNITY": "kvinne"},
                "bosatt_i_norge": {"2025-06": True},
                "engangsstoenad": {"2025-06": None},
            },
            "baby": {"foedselsdato": {"ETERNITY": "2025-06-03"}},
        },
        "familier": {"familie": {"foreldre": ["mor"], "barn": ["baby"]}},
    }
    _, explanation = explain(system, situation)
    sentence = sentences(explanation, lang="nb")[0]
    assert sentence.amount == 92648
    assert sentence.text.startswith(f"Du får 92{NBSP}648{NBSP}kr (foreløpig sats")
    assert "per måned" not in sentence.text
    assert sentence.provisional is True


# --- the rules of the sentences, on a hand-made explanation ----------------------------------


def _explanation(*, unverified: bool, amount: int) -> Explanation:
    rate = ParameterUse(
        name="ytelse.sats",
        instant="2025-06-01",
        value=1000,
        description="Sats",
        unit="currency-NOK",
        references=(Reference("https://lovdata.no/lov/2002-03-08-4/§10", "§ 10"),),
        unverified=unverified,
    )
    condition = Node(
        key="vilkaar<2025-06>",
        variable="vilkaar",
        label="Barnet går på skole",
        period="2025-06",
        entity="person",
        value_type="Boolean",
        unit=None,
        values={"mor": False, "per": amount > 0},
        source="input",
        references=(),
        children=(),
        parameters=(),
    )
    benefit = Node(
        key="ytelse<2025-06>",
        variable="ytelse",
        label="Ytelse per barn (kroner per måned)",
        period="2025-06",
        entity="person",
        value_type="Int",
        unit="currency-NOK",
        values={"mor": 0, "per": amount},
        source="formula",
        references=(Reference("https://lovdata.no/lov/2002-03-08-4/§2"),),
        children=(condition.key,),
        parameters=(rate,),
    )
    return Explanation(
        requested=(Requested(benefit.key, "personer", "per"),),
        nodes={condition.key: condition, benefit.key: benefit},
        inputs=(),
        members={"familie": {"f": {"foreldre": ["mor"], "barn": ["per"]}}},
    )


def test_an_unverified_rate_is_never_presented_as_settled() -> None:
    settled = sentences(_explanation(unverified=False, amount=1000))[0]
    assert settled.provisional is False
    assert "foreløpig" not in settled.text
    provisional = sentences(_explanation(unverified=True, amount=1000))[0]
    assert provisional.provisional is True
    assert provisional.text.startswith(
        f"Du får 1{NBSP}000{NBSP}kr per måned (foreløpig sats, ikke verifisert) i ytelse per barn"
    )


def test_unknown_conditions_are_quoted_by_their_label() -> None:
    met = sentences(_explanation(unverified=False, amount=1000))[0].text
    assert "fordi vilkåret «Barnet går på skole» er oppfylt (barnetrygdloven §§ 2 og 10)." in met
    unmet = sentences(_explanation(unverified=False, amount=0))[0].text
    assert unmet.startswith("Du får ikke ytelse per barn for Per fordi vilkåret «Barnet går")
    assert "ikke er oppfylt" in unmet
    en = sentences(_explanation(unverified=False, amount=0), lang="en")[0].text
    assert "because the condition “Barnet går på skole” is not met" in en


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        sentences(_explanation(unverified=False, amount=1), lang="se")
