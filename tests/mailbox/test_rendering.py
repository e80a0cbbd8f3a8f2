"""Rendering: the letter's HTML is accessible and escapes everything a sender wrote; the PDF
shows the same text with the letter's chrome in its language; any text renders (Hypothesis).
No database."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from felles.mailbox.content import Content, blocks
from felles.mailbox.html_text import html_to_text
from felles.mailbox.rendering import Envelope, Sheet, render_html, render_pdf
from tests.mailbox.conftest import pdf_text

WHEN = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BODY = """# Hva vi har bestemt
Du får <b>barnetrygd</b> & mer.
Ny linje.

- første punkt
- andre punkt med [lovdata](https://lovdata.no/lov/2002-03-08-4)

> Søker bor i utlandet.

| Fra | Til | Beløp |
|---|---|---|
| juni 2025 | april 2043 | 1 968 kr |

Lenke som ikke er https: [klikk](javascript:alert(1))"""


def sheet(body: str = BODY, language: str = "nb", **values: object) -> Sheet:
    content = Content(language, "Vedtak om barnetrygd", body, "Kort sammendrag")
    return Sheet(id="x", sender_name="NAV", kind="vedtak", created=WHEN, content=content, **values)  # type: ignore[arg-type]


def test_the_body_is_structured_into_blocks() -> None:
    kinds = [block.kind for block in blocks(BODY)]
    assert kinds == ["heading", "paragraph", "list", "quote", "table", "paragraph"]
    table = blocks(BODY)[4]
    assert table.rows == (("Fra", "Til", "Beløp"), ("juni 2025", "april 2043", "1 968 kr"))


def test_html_is_accessible_and_escapes_what_the_sender_wrote() -> None:
    html = render_html(sheet(due=WHEN, confirmation_needed=True, attachments=("Vedlegg 1",)))
    assert html.startswith('<!DOCTYPE html><html lang="nb">')
    assert html.count("<h1>") == 1 and "<h2>Hva vi har bestemt</h2>" in html
    assert "&lt;b&gt;barnetrygd&lt;/b&gt; &amp; mer.<br>Ny linje." in html
    assert '<a href="https://lovdata.no/lov/2002-03-08-4">lovdata</a>' in html
    assert "javascript:" not in html.split("[klikk]")[0] and '<a href="javascript' not in html
    assert '<th scope="col">Beløp</th>' in html and '<th scope="row">juni 2025</th>' in html
    assert "<blockquote><p>Søker bor i utlandet.</p></blockquote>" in html
    assert "<dt>Frist</dt><dd>1. juni 2025</dd>" in html
    assert "markere som utført" in html and "<li>Vedlegg 1</li>" in html


def test_the_chrome_follows_the_language() -> None:
    assert "<dt>Frå</dt>" in render_html(sheet(language="nn"))
    english = render_html(sheet(language="en"))
    assert '<html lang="en">' in english and "<dt>From</dt><dd>NAV</dd>" in english
    assert "<dd>1 June 2025</dd>" in english


def test_the_pdf_shows_the_letter_and_the_envelope() -> None:
    envelope = Envelope("Kari Nordmann", ("Storgata 1A", "0155 OSLO"))
    text = pdf_text(render_pdf(sheet(), envelope=envelope))
    for shown in ("Kari Nordmann", "Storgata 1A", "Vedtak om barnetrygd", "Hva vi har bestemt"):
        assert shown in text
    assert "æøå" in pdf_text(render_pdf(sheet(body="Blåbærsyltetøy æøå – “sitat” €")))


def test_an_html_letter_becomes_structured_text() -> None:
    title, body = html_to_text(
        "<html><head><title>T</title></head><body><main><h1>Vedtak</h1><p>Hei &amp; hå</p>"
        "<h2>Lov</h2><ul><li><a href='https://lovdata.no/x'>loven</a></li><li>to</li></ul>"
        "<table><caption>Beløp</caption><tr><th>a</th><td>b</td></tr></table></main></body></html>"
    )
    assert title == "Vedtak"
    assert (
        body == "Hei & hå\n\n# Lov\n\n- [loven](https://lovdata.no/x)\n- to\n\nBeløp\n\n| a | b |"
    )


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n|#->[]()"),
        min_size=1,
        max_size=400,
    ),
    language=st.sampled_from(["nb", "nn", "en"]),
)
def test_property_any_text_renders_and_nothing_is_interpreted(body: str, language: str) -> None:
    html = render_html(sheet(body=body, language=language))
    inner = html.split("<main>", 1)[1]
    # Every tag in the letter is one the renderer writes; none comes from the text.
    tags = {
        tag.split()[0].strip("/") for tag in inner.split("<")[1:] for tag in [tag.split(">")[0]]
    }
    allowed = {
        "p",
        "h1",
        "h2",
        "h3",
        "ul",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "br",
        "dl",
        "dt",
        "dd",
        "strong",
        "footer",
        "main",
        "body",
        "html",
        "article",
    }
    assert tags <= allowed
    assert render_pdf(sheet(body=body, language=language)).startswith(b"%PDF")


def test_odd_bodies_render() -> None:
    odd = [
        "| a | b | c |\n| d |",
        "| a |\n| b | c | d |",
        "x" * 3000,
        "| " + "y" * 500 + " | z |\n| 1 | 2 |",
        "||||",
        "# \n- \n> ",
        "[a](https://x.no)" * 50,
    ]
    for body in odd:
        assert render_pdf(sheet(body=body)).startswith(b"%PDF")
        assert render_html(sheet(body=body)).endswith("</html>")
