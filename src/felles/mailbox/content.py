"""A letter's content: title, summary and body in nb, nn or en, the body as structured text.

The body is plain text with a few structures, a small subset of the Markdown that Altinn
Correspondence's ``messageBody`` takes, so a sender writes text, not HTML, and felles renders
it as accessible HTML and as PDF from the same blocks:

=====================  ===========================================
``# Heading``          a heading (``##`` a sub-heading)
``- item``             a bullet list (consecutive lines)
``> text``             a quotation (e.g. a caseworker's reason)
``| a | b |``          a table row; the first row of a table is its header
blank line             ends a paragraph; a single newline is a line break
``[text](https://…)``  a link (https only), anywhere in a line
=====================  ===========================================

Everything else is text: ``<``, ``&`` and the like are shown as they are, never interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from felles.kernel.errors import InvalidInput

LANGUAGES: Final = ("nb", "nn", "en")
KINDS: Final = ("vedtak", "informasjon", "oppgave")
MAX_TITLE: Final = 255
MAX_SUMMARY: Final = 1000
MAX_BODY: Final = 100_000

BlockKind = Literal["heading", "subheading", "paragraph", "list", "quote", "table"]
LINK: Final = re.compile(r"\[([^\]\n]{1,300})\]\((https://[^\s()<>\"']{1,500})\)")


@dataclass(frozen=True, slots=True)
class Content:
    """A letter in one language."""

    language: str
    title: str
    body: str
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the body: its kind and lines (a table: rows of cells)."""

    kind: BlockKind
    lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _clean(text: str, what: str, *, limit: int, multiline: bool) -> str:
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    allowed = "\n\t" if multiline else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in text):
        raise InvalidInput(f"{what} must not contain control characters")
    return text.replace("\r\n", "\n")


def validated(content: Content) -> Content:
    """``content`` checked and normalised (InvalidInput names the member, never the text)."""
    if content.language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    title = _clean(content.title, "messageTitle", limit=MAX_TITLE, multiline=False).strip()
    if not title:
        raise InvalidInput("messageTitle must not be empty")
    body = _clean(content.body, "messageBody", limit=MAX_BODY, multiline=True).strip()
    if not body:
        raise InvalidInput("messageBody must not be empty")
    summary = content.summary
    if summary is not None:
        summary = _clean(summary, "messageSummary", limit=MAX_SUMMARY, multiline=False).strip()
    return Content(content.language, title, body, summary or None)


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return tuple(cell.strip() for cell in inner.split("|"))


def _is_rule(cells: tuple[str, ...]) -> bool:
    """A Markdown header separator row (``|---|---|``): structure, not content."""
    return all(cell and set(cell) <= set("-: ") for cell in cells)


def blocks(body: str) -> list[Block]:
    """The body's blocks, in order."""
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    quote: list[str] = []
    rows: list[tuple[str, ...]] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("paragraph", tuple(paragraph)))
            paragraph.clear()
        if items:
            out.append(Block("list", tuple(items)))
            items.clear()
        if quote:
            out.append(Block("quote", tuple(quote)))
            quote.clear()
        if rows:
            out.append(Block("table", rows=tuple(rows)))
            rows.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            out.append(Block("subheading", (line[3:].strip(),)))
        elif line.startswith("# "):
            flush()
            out.append(Block("heading", (line[2:].strip(),)))
        elif line.startswith("- "):
            if not items:
                flush()
            items.append(line[2:].strip())
        elif line.startswith(">"):
            if not quote:
                flush()
            quote.append(line[1:].strip())
        elif line.startswith("|"):
            if not rows:
                flush()
            cells = _cells(line)
            if not _is_rule(cells):
                rows.append(cells)
        else:
            if items or quote or rows:
                flush()
            paragraph.append(line)
    flush()
    return out


def plain(line: str) -> str:
    """A line without link markup: ``[text](url)`` becomes ``text (url)``."""
    return LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
