"""Bokmål, nynorsk and English: the message catalogs and the choice of language.

The catalogs are the ``.po`` files under ``locale/<lang>/LC_MESSAGES/messages.po``, read and
compiled in memory once at import (no ``.mo`` files in git). msgids are English; a missing
translation falls back to the msgid. The language of a request is, in order: ``?lang=``, the
``minside_lang`` cookie, the browser's Accept-Language, bokmål.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

LANGUAGES: Final = ("nb", "nn", "en")
DEFAULT: Final = "nb"
COOKIE: Final = "minside_lang"
#: The name of each language in itself, for the language switcher.
NAMES: Final = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
_LOCALE_DIR: Final = Path(__file__).parent / "locale"
#: Accept-Language tags that mean one of ours: "no" is Norwegian, written as bokmål.
_ALIASES: Final = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Marks a message for translation where it is defined; it is translated when shown."""
    return message


@cache
def translations(lang: str) -> Translations:
    """The compiled catalog of ``lang`` (read once per process)."""
    path = _LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = Translations()
    for message in catalog:
        # No plural forms are used: every message is one id and one string.
        text = message.string
        if isinstance(message.id, str) and isinstance(text, str) and text and not message.fuzzy:
            compiled._catalog[message.id] = text
    return compiled


def load_all() -> None:
    """Read every catalog now, so a broken one stops the start, not a page view."""
    for lang in LANGUAGES:
        translations(lang)


def from_accept_language(header: str) -> str | None:
    """The first of our languages the browser asks for, by its q-values."""
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in _ALIASES and quality > 0:
            wanted.append((-quality, index, _ALIASES[primary]))
    return min(wanted)[2] if wanted else None


def choose(request: Request) -> str:
    """The language of this request (see the module)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    saved = request.cookies.get(COOKIE)
    if saved in LANGUAGES:
        return saved
    return from_accept_language(request.headers.get("accept-language", "")) or DEFAULT


def gettext(lang: str, message: str) -> str:
    return str(translations(lang).gettext(message))
