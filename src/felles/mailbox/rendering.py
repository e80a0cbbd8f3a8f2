"""A letter rendered for people: an accessible HTML document, and a PDF for print and download.

Both are made from the same structured content (``content.blocks``). The HTML has ``lang``
on ``<html>``, one ``<h1>`` (the title), headings in order, tables with ``<th scope>``, and
every value escaped. The PDF uses fpdf2's core fonts, which cover æ, ø and å (Latin-1);
characters outside it are replaced by their nearest Latin-1 look-alike.

Neither ever shows a recipient's address except the PDF's envelope window for the print
queue, and only when the letter's print row carries one (a protected address never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Final

from fpdf import FPDF

from felles.mailbox.content import LINK, Block, Content, blocks, plain
from felles.mailbox.texts import CHROME, long_date


@dataclass(frozen=True, slots=True)
class Sheet:
    """What a rendered letter shows."""

    id: str
    sender_name: str
    kind: str
    created: datetime
    content: Content
    due: datetime | None = None
    senders_reference: str | None = None
    confirmation_needed: bool = False
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Envelope:
    """The envelope window of a printed letter: name and address lines."""

    name: str
    lines: tuple[str, ...]


def _date(value: datetime, language: str) -> str:
    return long_date(value.year, value.month, value.day, language)


# ------------------------------------------------------------------------------------ HTML


def _inline(line: str) -> str:
    """A line of text as HTML: escaped, with its https links as anchors."""
    out: list[str] = []
    last = 0
    for match in LINK.finditer(line):
        out.append(escape(line[last : match.start()]))
        out.append(f'<a href="{escape(match.group(2))}">{escape(match.group(1))}</a>')
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


def _html_block(block: Block) -> str:
    if block.kind == "heading":
        return f"<h2>{_inline(block.lines[0])}</h2>"
    if block.kind == "subheading":
        return f"<h3>{_inline(block.lines[0])}</h3>"
    if block.kind == "list":
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.lines) + "</ul>"
    if block.kind == "quote":
        return (
            "<blockquote><p>" + "<br>".join(_inline(x) for x in block.lines) + "</p></blockquote>"
        )
    if block.kind == "table":
        head, *rows = block.rows
        header = "".join(f'<th scope="col">{_inline(cell)}</th>' for cell in head)
        body = "".join(
            "<tr>"
            + "".join(
                f'<th scope="row">{_inline(cell)}</th>' if i == 0 else f"<td>{_inline(cell)}</td>"
                for i, cell in enumerate(row)
            )
            + "</tr>"
            for row in rows
        )
        return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    return "<p>" + "<br>".join(_inline(line) for line in block.lines) + "</p>"


def render_article(sheet: Sheet) -> str:
    """The letter as an ``<article>`` with its own ``lang``, for a page that shows it (the
    portal); ``render_html`` wraps the same in a document of its own."""
    content = sheet.content
    lang = content.language
    t = CHROME[lang]
    facts = [
        (t["from"], escape(sheet.sender_name)),
        (t["date"], escape(_date(sheet.created, lang))),
    ]
    if sheet.due is not None:
        facts.append((t["due"], escape(_date(sheet.due, lang))))
    if sheet.senders_reference:
        facts.append((t["reference"], escape(sheet.senders_reference)))
    meta = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts)
    parts = [
        f'<p class="kind">{escape(t["kind_" + sheet.kind])}</p>',
        f"<h1>{escape(content.title)}</h1>",
        f"<dl>{meta}</dl>",
    ]
    if content.summary:
        parts.append(f'<p class="summary"><strong>{escape(content.summary)}</strong></p>')
    if sheet.confirmation_needed:
        parts.append(f'<p class="confirm">{escape(t["confirm"])}</p>')
    parts += [_html_block(block) for block in blocks(content.body)]
    if sheet.attachments:
        items = "".join(f"<li>{escape(name)}</li>" for name in sheet.attachments)
        parts.append(f"<h2>{escape(t['attachments'])}</h2><ul>{items}</ul>")
    parts.append(f"<footer><p>{escape(t['footer'])}</p></footer>")
    return f'<article lang="{lang}">{"".join(parts)}</article>'


def render_html(sheet: Sheet) -> str:
    """The letter as a complete, accessible HTML document in its own language."""
    content = sheet.content
    return (
        f'<!DOCTYPE html><html lang="{content.language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(content.title)}</title></head>"
        f"<body><main>{render_article(sheet)}</main></body></html>"
    )


# ------------------------------------------------------------------------------------- PDF

#: Characters outside Latin-1 that letters often contain, and what the core fonts show.
_LOOKALIKE: Final = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2022": "-",
        "\u2026": "...",
        "\u20ac": "EUR",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)


def latin1(text: str) -> str:
    """``text`` as the PDF core fonts can show it (Latin-1; others become '?')."""
    return text.translate(_LOOKALIKE).encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, latin1(self._footer_text), align="C")


def _write(pdf: FPDF, text: str, *, size: int = 11, style: str = "", height: float = 5.5) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _pdf_block(pdf: FPDF, block: Block) -> None:
    if block.kind in ("heading", "subheading"):
        pdf.ln(2)
        _write(pdf, plain(block.lines[0]), size=13 if block.kind == "heading" else 12, style="B")
    elif block.kind == "list":
        for item in block.lines:
            _write(pdf, f"-  {plain(item)}")
    elif block.kind == "quote":
        pdf.set_x(pdf.l_margin + 8)
        pdf.set_font("Helvetica", style="I", size=11)
        width = pdf.epw - 8
        pdf.multi_cell(width, 5.5, latin1("\n".join(plain(x) for x in block.lines)))
        pdf.set_x(pdf.l_margin)
    elif block.kind == "table":
        pdf.set_font("Helvetica", size=10)
        with pdf.table(first_row_as_headings=True) as table:
            for cells in block.rows:
                row = table.row()
                for cell in cells:
                    row.cell(latin1(plain(cell)))
    else:
        _write(pdf, "\n".join(plain(line) for line in block.lines))
    pdf.ln(2)


def render_pdf(sheet: Sheet, *, envelope: Envelope | None = None, protected: bool = False) -> bytes:
    """The letter as PDF. ``envelope`` puts name and address in the envelope window (the
    print queue's ordinary letters); ``protected`` marks a letter that the unit for protected
    addresses sends on, with no address at all."""
    content = sheet.content
    lang = content.language
    t = CHROME[lang]
    pdf = _Pdf(t["footer"])
    pdf.set_title(latin1(content.title))
    pdf.set_author(latin1(sheet.sender_name))
    pdf.set_lang(lang)
    pdf.set_creator("felles.mailbox")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    if envelope is not None:
        for line in (envelope.name, *envelope.lines):
            pdf.cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
    elif protected:
        pdf.cell(0, 5, latin1(t["protected"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
    facts = [f"{t['from']}: {sheet.sender_name}", f"{t['date']}: {_date(sheet.created, lang)}"]
    if sheet.due is not None:
        facts.append(f"{t['due']}: {_date(sheet.due, lang)}")
    if sheet.senders_reference:
        facts.append(f"{t['reference']}: {sheet.senders_reference}")
    _write(pdf, "\n".join(facts), size=10, height=5)
    pdf.ln(4)
    _write(pdf, t["kind_" + sheet.kind], size=10, style="B")
    _write(pdf, content.title, size=16, style="B", height=8)
    pdf.ln(2)
    if content.summary:
        _write(pdf, content.summary, style="B")
        pdf.ln(2)
    if sheet.confirmation_needed:
        _write(pdf, t["confirm"], style="I")
        pdf.ln(2)
    for block in blocks(content.body):
        _pdf_block(pdf, block)
    if sheet.attachments:
        _write(pdf, t["attachments"], size=12, style="B")
        for name in sheet.attachments:
            _write(pdf, f"-  {name}")
    return bytes(pdf.output())
