"""The barnetrygd decision letter: three languages, amounts, deadline, escaping, no address."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from felles.services.barnetrygd.letter import render_letters
from felles.services.barnetrygd.rates import ChildAtBirth, Grant, grants
from felles.services.operations import Letter

NBSP = "\u00a0"
DECIDED = date(2025, 8, 20)
KLAGE = {
    "frist": "2025-10-01",
    "fristUker": 6,
    "klageinstans": "Arbeids- og velferdsetaten",
    "klageinstansOrgnr": "889640782",
    "hjemmel": "https://lovdata.no/lov/1997-02-28-19/§21-12",
    "hjemmelNavn": "folketrygdloven § 21-12",
}


def grant(kommune: str | None = "5601") -> Grant:
    (result,) = grants([ChildAtBirth("1", date(2025, 8, 14), kommune)], decided_on=DECIDED)
    return result


def innvilget(**overrides: object) -> list[Letter]:
    arguments: dict[str, object] = {
        "outcome": "innvilget",
        "grant": grant(),
        "child_name": "Emma Nordmann",
        "recipient_name": "Kari Nordmann",
        "decided_on": DECIDED,
        "klage": KLAGE,
        "sak_id": 4711,
    }
    arguments.update(overrides)
    return render_letters(**arguments)  # type: ignore[arg-type]


def text(html: str) -> str:
    """The visible text, entities decoded, whitespace normalised (NBSP kept)."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return re.sub(r"[ \t\n]+", " ", " ".join(parser.parts))


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def structure(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Structure()
    parser.feed(html)
    return parser.tags


def test_three_languages_with_lang_one_h1_and_an_accessible_table() -> None:
    letters = innvilget()
    assert [letter.language for letter in letters] == ["nb", "nn", "en"]
    assert [letter.title for letter in letters] == [
        "Vedtak om barnetrygd",
        "Vedtak om barnetrygd",
        "Decision on child benefit",
    ]
    for letter in letters:
        tags = structure(letter.html)
        assert ("html", {"lang": letter.language}) in tags
        assert [t for t, _ in tags].count("h1") == 1
        assert [t for t, _ in tags].count("h2") >= 5
        assert "caption" in [t for t, _ in tags]
        scopes = [a.get("scope") for t, a in tags if t == "th"]
        assert scopes.count("col") == 3
        assert scopes.count("row") == 3  # one row per period


def test_real_text_in_each_language() -> None:
    nb, nn, en = (text(letter.html) for letter in innvilget())
    assert "Du får barnetrygd fordi barnet er født og bor sammen med deg" in nb
    assert "Du får barnetrygd fordi barnet er fødd og bur saman med deg" in nn
    assert "You receive child benefit because the child has been born and lives with you" in en
    assert "Du trenger ikke å søke" in nb
    assert "Du treng ikkje søkje" in nn
    assert "You do not need to apply" in en
    assert "finnmarkstillegget" in nb and "finnmarkstillegget" in nn
    assert "Finnmark supplement" in en


def test_amounts_norwegian_style_and_periods() -> None:
    nb, nn, en = (text(letter.html) for letter in innvilget())
    for body in (nb, nn):
        assert f"1{NBSP}968{NBSP}kr" in body
        assert f"2{NBSP}468{NBSP}kr" in body
        assert f"2{NBSP}524{NBSP}kr" in body
        assert "1. september 2025" in body
        assert "31. juli 2043" in body
    assert f"NOK{NBSP}1,968" in en
    assert "31 July 2043" in en


def test_no_supplement_sentence_outside_finnmark_and_svalbard() -> None:
    nb = text(innvilget(grant=grant("0301"))[0].html)
    assert "tillegget" not in nb
    assert f"1{NBSP}968{NBSP}kr" in nb
    assert f"2{NBSP}012{NBSP}kr" in nb


def test_legal_references_as_lovdata_links() -> None:
    for letter in innvilget():
        hrefs = {a.get("href") for t, a in structure(letter.html) if t == "a"}
        for section in ("2", "4", "10", "11"):
            assert f"https://lovdata.no/lov/2002-03-08-4/§{section}" in hrefs
        assert "https://lovdata.no/lov/1997-02-28-19/§21-12" in hrefs
        assert "https://lovdata.no/lov/1967-02-10/§18" in hrefs
    nb, nn, en = (text(letter.html) for letter in innvilget())
    assert "barnetrygdloven § 10" in nb and "folketrygdloven § 21-12" in nb
    assert "forvaltningsloven § 18" in nb
    assert "barnetrygdlova § 10" in nn and "folketrygdlova § 21-12" in nn
    assert "the Child Benefit Act section 10" in en


def test_klage_deadline_and_innsyn() -> None:
    nb, nn, en = (text(letter.html) for letter in innvilget())
    assert "Klagefristen er 6 uker" in nb and "senest 1. oktober 2025" in nb
    assert "Klagefristen er 6 veker" in nn and "seinast 1. oktober 2025" in nn
    assert "The deadline is 6 weeks" in en and "no later than 1 October 2025" in en
    assert "Arbeids- og velferdsetaten" in nb
    assert "4711" in nb
    assert "Du har rett til innsyn" in nb
    assert "Du har rett til innsyn" in nn
    assert "right to see the documents" in en
    for letter in innvilget():
        assert '<time datetime="2025-10-01">' in letter.html


def test_names_and_reason_are_escaped() -> None:
    letters = innvilget(
        child_name="<script>alert(1)</script>",
        recipient_name='Kari "<img src=x onerror=alert(2)>"',
    )
    for letter in letters:
        assert "<script" not in letter.html
        assert "<img" not in letter.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in letter.html
    refused = render_letters(
        outcome="avslag",
        grant=None,
        child_name="Emma",
        recipient_name="Kari",
        decided_on=DECIDED,
        klage=KLAGE,
        sak_id=1,
        reason="Se <script>steal()</script>",
    )
    for letter in refused:
        assert "<script" not in letter.html
        assert "Se &lt;script&gt;steal()&lt;/script&gt;" in letter.html


def test_no_address_like_content() -> None:
    postnummer = re.compile(r"\b\d{4} (?!NOK\b)[A-ZÆØÅ][A-ZÆØÅa-zæøå]+")  # "9510 Alta"
    words = re.compile(
        r"(gate|gata|veien|vegen|vei|veg|allé)\b|\b(postboks|\w*adresse|address)\b",
        re.IGNORECASE,
    )
    assert postnummer.search("Storgata 1, 9510 Alta") and words.search("Storgata 1")
    for kommune in ("5601", "2111", "0301", None):
        for letter in innvilget(grant=grant(kommune)):
            body = text(letter.html)
            assert postnummer.search(body) is None, postnummer.search(body)
            assert words.search(body) is None, words.search(body)
            assert "5601" not in letter.html and "2111" not in letter.html
            assert "0301" not in letter.html


def test_avslag_shows_the_reason_and_no_periods() -> None:
    reason = "Barnet bor ikke fast hos deg.\n\nDu kan søke på nytt."
    letters = render_letters(
        outcome="avslag",
        grant=None,
        child_name="Emma",
        recipient_name="Kari",
        decided_on=DECIDED,
        klage=KLAGE,
        sak_id=99,
        reason=reason,
    )
    nb, nn, en = (text(letter.html) for letter in letters)
    assert "Du får ikke barnetrygd for Emma" in nb
    assert "Du får ikkje barnetrygd for Emma" in nn
    assert "You will not receive child benefit for Emma" in en
    for body in (nb, nn, en):
        assert "Barnet bor ikke fast hos deg." in body
        assert "Du kan søke på nytt." in body
        assert "kr" not in re.findall(r"\w+", body)
    for letter in letters:
        tags = [t for t, _ in structure(letter.html)]
        assert "table" not in tags
        assert tags.count("h1") == 1
        assert '<time datetime="2025-10-01">' in letter.html


def test_inconsistent_calls_are_refused() -> None:
    with pytest.raises(ValueError, match="reason"):
        render_letters(
            outcome="avslag",
            grant=None,
            child_name="Emma",
            recipient_name="Kari",
            decided_on=DECIDED,
            klage=KLAGE,
            sak_id=1,
        )
    with pytest.raises(ValueError, match="grant"):
        innvilget(grant=None)
    with pytest.raises(ValueError, match="outcome"):
        innvilget(outcome="henlagt")
