"""An HTML letter as the mailbox's structured text (``felles.mailbox.content``).

The services render their decision letters as small accessible HTML documents
(``felles.services.barnetrygd.letter``); the mailbox stores structured text and renders HTML
and PDF from it. This turns the one into the other: ``<h1>`` is the title, ``<h2>``/``<h3>``
headings, ``<p>`` paragraphs, ``<li>`` list items, ``<blockquote>`` a quotation, table rows
``| a | b |`` (a caption is a paragraph before its table), https links ``[text](url)``.
Everything in ``<head>`` is left out; text is unescaped (the renderers escape it again).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Final

_BLOCKS: Final = frozenset({"p", "h1", "h2", "h3", "li", "caption", "tr", "blockquote"})


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.blocks: list[str] = []
        self._text: list[str] = []
        self._cells: list[str] | None = None
        self._skip = 0
        self._quote = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._skip += 1
        elif tag == "blockquote":
            self._quote += 1
        elif tag == "br":
            self._text.append("\n")
        elif tag == "tr":
            self._cells = []
        elif tag in ("td", "th"):
            self._text = []
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._href = href if href.startswith("https://") else None
            self._link_text = []
        elif tag in _BLOCKS:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._skip = max(0, self._skip - 1)
        elif tag == "blockquote":
            self._quote = max(0, self._quote - 1)
        elif tag == "a":
            text = "".join(self._link_text).strip()
            if self._href and text:
                self._text.append(f"[{text}]({self._href})")
            else:
                self._text.append(text)
            self._href = None
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append(" ".join("".join(self._text).split()).replace("|", "/"))
            self._text = []
        elif tag == "tr" and self._cells is not None:
            self.blocks.append("| " + " | ".join(self._cells) + " |")
            self._cells = None
        elif tag in _BLOCKS:
            self._finish(tag)

    def _finish(self, tag: str) -> None:
        lines = [" ".join(line.split()) for line in "".join(self._text).split("\n")]
        text = "\n".join(line for line in lines if line)
        self._text = []
        if not text:
            return
        if tag == "h1" and self.title is None:
            self.title = text
        elif tag == "h2":
            self.blocks.append(f"# {text}")
        elif tag == "h3":
            self.blocks.append(f"## {text}")
        elif tag == "li":
            self.blocks.append(f"- {text}")
        elif self._quote:
            self.blocks.append("\n".join(f"> {line}" for line in text.split("\n")))
        else:
            self.blocks.append(text)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._href is not None:
            self._link_text.append(data)
        else:
            self._text.append(data)


def _join(blocks: list[str]) -> str:
    """Blocks as structured text: list items and table rows stay together, else blank lines."""
    out: list[str] = []
    previous = ""
    for block in blocks:
        together = (block.startswith("- ") and previous.startswith("- ")) or (
            block.startswith("|") and previous.startswith("|")
        )
        if out:
            out.append("\n" if together else "\n\n")
        out.append(block)
        previous = block
    return "".join(out)


def html_to_text(html: str) -> tuple[str | None, str]:
    """The letter's title (its ``<h1>``, if any) and its body as structured text."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.title, _join(parser.blocks)
