"""Render a message from a template in the recipient's language, without Flask.

Templates are Jinja2 files in ``templates/`` with three blocks: ``subject``,
``body`` (e-mail text) and ``sms`` (short text; falls back to ``body``). They use
the ``i18n`` extension (``{% trans %}`` / ``_()``), so the same ``messages.po``
catalogs as the web app (``settings.translations_dir``, loaded with Babel's
``support.Translations``) translate them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import dates as babel_dates
from babel.support import NullTranslations
from babel.support import Translations

from matcher.people.phones import display_phone

TEMPLATE_DIR = Path(__file__).parent / "templates"
DEFAULT_LOCALE = "de"


@dataclass(frozen=True)
class Rendered:
    """A message's texts in one language."""

    subject: str
    body: str
    sms: str


@lru_cache(maxsize=64)
def translations(directory: str, locale: str) -> NullTranslations:
    """The compiled catalog for ``locale`` (an empty one if there is none: English source)."""
    if not directory or not Path(directory).is_dir():
        return NullTranslations()
    return Translations.load(directory, [locale], domain="messages")


@lru_cache(maxsize=64)
def _environment(directory: str, locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # plain-text messages
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(directory, locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda day: babel_dates.format_date(day, format="full", locale=locale)
    env.filters["shortdate"] = lambda day: babel_dates.format_date(
        day, format="medium", locale=locale
    )
    env.filters["phone"] = display_phone
    env.filters["time"] = lambda instant, tz: (
        babel_dates.format_time(instant.astimezone(tz), format="short", locale=locale)
        if instant is not None
        else "–"
    )
    return env


def render(template: str, locale: str, directory: str = "", **context: Any) -> Rendered:
    """Render ``template`` (e.g. ``"driver_route.txt"``) in ``locale``."""
    env = _environment(directory, locale or DEFAULT_LOCALE)
    tmpl = env.get_template(template)
    ctx = tmpl.new_context(dict(context))

    def block(name: str) -> str:
        if name not in tmpl.blocks:
            return ""
        return "".join(tmpl.blocks[name](ctx)).strip()

    body = block("body")
    return Rendered(
        subject=" ".join(block("subject").split()), body=body + "\n", sms=block("sms") or body
    )


def local_time(instant: dt.datetime | None, tz: dt.tzinfo) -> str:
    """``08:05`` in ``tz`` (for places where a locale does not matter, e.g. logs)."""
    return instant.astimezone(tz).strftime("%H:%M") if instant else "–"
