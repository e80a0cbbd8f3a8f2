"""Jinja2 templates in the three languages: one environment per language, made once, so
that no request ever changes another's translations."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from jinja2 import Environment, PackageLoader, select_autoescape

from felles.portal import fields, i18n, labels
from felles.rules.letters import kroner

OSLO = ZoneInfo("Europe/Oslo")
_BABEL_LOCALE = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}


def _day(value: date | str | None, lang: str) -> str:
    if value is None:
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, format="long", locale=_BABEL_LOCALE[lang])


def _when(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))
    return format_datetime(aware.astimezone(OSLO), format="medium", locale=_BABEL_LOCALE[lang])


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("felles.portal", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = lambda value: _day(value, lang)
    env.filters["when"] = lambda value: _when(value, lang)
    env.filters["kroner"] = lambda value: kroner(float(value), lang)
    env.globals["lang"] = lang
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["language_names"] = i18n.NAMES
    env.globals["labels"] = labels
    env.globals["dataset_title"] = lambda name: fields.dataset_title(name, lang)
    return env


def render(lang: str, template: str, context: dict[str, Any]) -> str:
    return environment(lang).get_template(template).render(context)
