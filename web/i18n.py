"""Language choice (URL, cookie, browser) and text direction for every page."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import request
from flask_babel import Babel
from flask_babel import get_locale

LANG_COOKIE = "lang"

babel = Babel()


def select_locale() -> str:
    """The page language: ``?lang=``, then the cookie, then the browser's preference."""
    supported: tuple[str, ...] = tuple(current_app.config["LANGUAGES"])
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in supported:
            return candidate
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language code of the current page."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def text_direction(language: str) -> str:
    """``rtl`` for Arabic, Farsi/Dari and Pashto, else ``ltr``."""
    return "rtl" if language in current_app.config["RTL_LANGUAGES"] else "ltr"


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and expose language helpers to templates; remember ``?lang=``."""
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _language_context() -> dict[str, object]:
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": LANGUAGE_NAMES,
        }

    @app.after_request
    def _remember_language(response):  # type: ignore[no-untyped-def]
        chosen = request.args.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            response.set_cookie(
                LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response


# Each language named in itself, so a reader finds their own.
LANGUAGE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی / دری",
    "ps": "پښتو",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "ro": "Română",
}
