"""Sentences with days in them, in bokmål, nynorsk and English."""

from __future__ import annotations

from datetime import date
from typing import Final

from babel.dates import format_date

from felles.journeys.declaration import Texts

_LOCALES: Final = {"nb": "nb", "nn": "nn", "en": "en_GB"}


def long_date(day: date, language: str) -> str:
    """``3. mars 2026`` / ``3 March 2026``."""
    return format_date(day, "long", locale=_LOCALES[language])


def with_days(template: Texts, **days: date) -> dict[str, str]:
    """Each language's ``template`` with its ``{name}`` fields filled in as long dates."""
    return {
        language: text.format(**{name: long_date(day, language) for name, day in days.items()})
        for language, text in template.items()
    }
