"""Every message the portal shows has a bokmål and a nynorsk translation, and the language
is chosen by ?lang=, the cookie and Accept-Language in that order."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

import felles.portal
from felles.portal.i18n import LANGUAGES, from_accept_language

ROOT = Path(felles.portal.__file__).parent
OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def used_messages() -> set[str]:
    found: set[str] = set()
    for template in sorted((ROOT / "templates").glob("*.html")):
        with template.open("rb") as source:
            for _line, _func, message, _comments in babel_extract(source, ("_",), [], OPTIONS):
                # A call with keyword arguments (``_("…%(count)s", count=n)``) comes as a tuple.
                if isinstance(message, tuple) and message and isinstance(message[0], str):
                    message = message[0]
                if isinstance(message, str):
                    found.add(message)
    for module in sorted(ROOT.rglob("*.py")):
        keywords = {"N_": None, "gettext": (2,)}
        for _line, message, _comments, _context in extract_from_file(
            "python", str(module), keywords=keywords
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def test_every_message_is_translated() -> None:
    used = used_messages()
    assert len(used) > 100
    for lang in LANGUAGES:
        with (ROOT / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=lang)
        translated = {m.id for m in catalog if m.id and m.string}
        assert used <= translated, f"{lang}: {sorted(used - translated)[:5]}"


def test_accept_language() -> None:
    assert from_accept_language("nn-NO,nb;q=0.9,en;q=0.8") == "nn"
    assert from_accept_language("en-US,en;q=0.9") == "en"
    assert from_accept_language("de, no;q=0.5") == "nb"
    assert from_accept_language("de, fr") is None
