"""Language choice (a switch, URL, cookie, browser) and text direction for every page.

On a page with a form the language switcher submits the form instead of following
its link (``static/js/language-switch.js``, for forms marked ``data-language-switch``):
the POST carries every value typed plus ``switch_language=<code>``. Such a request is
held (:func:`web.forms.hold_submission`): no form validates, so the view shows its page
again in the new language with every value, without errors and storing nothing, and
answers 200. Without JavaScript the switcher stays a plain link (``?lang=``).
"""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from werkzeug.wrappers import Response

from web.forms import hold_submission

LANG_COOKIE = "lang"
SWITCH_FIELD = "switch_language"
"""The name of the form field (a button or hidden input) that asks for another language."""
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

babel = Babel()


def switched_language() -> str | None:
    """The language a form was sent with to switch to (``switch_language``), if supported."""
    if request.method != "POST" or request.mimetype not in FORM_TYPES:
        return None
    chosen = request.form.get(SWITCH_FIELD)
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """The page language: a switch, ``?lang=``, then the cookie, then the browser's preference."""
    supported: tuple[str, ...] = tuple(current_app.config["LANGUAGES"])
    for candidate in (
        switched_language(),
        request.args.get("lang"),
        request.cookies.get(LANG_COOKIE),
    ):
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
    """Attach Flask-Babel and expose language helpers to templates; remember the choice.

    A form sent to switch the language is held before its view runs.
    """
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def _hold_language_switch() -> None:
        if switched_language() is not None:
            hold_submission()

    @app.context_processor
    def _language_context() -> dict[str, object]:
        language = current_language()
        return {
            "current_language": language,
            "text_direction": text_direction(language),
            "languages": LANGUAGE_NAMES,
        }

    @app.after_request
    def _remember_language(response: Response) -> Response:
        switched = switched_language()
        chosen = switched or request.args.get("lang")
        if chosen is not None and chosen in current_app.config["LANGUAGES"]:
            response.set_cookie(
                LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        if switched is not None and response.status_code == 422:
            response.status_code = 200  # the page again, in the new language: nothing failed
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
