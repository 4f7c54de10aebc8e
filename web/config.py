"""Defaults of the web app; secrets and site specifics come from instance/config.py or env.

The domain's defaults (time zone, planner, geocoder, mail, scheduled jobs, ...) are
``matcher.settings.Settings``' field defaults: ``create_app`` loads them first and
this class adds only what the web app itself needs.
"""

from __future__ import annotations

from pathlib import Path

from matcher.models.people import LOCALES


class DefaultConfig:
    """Non-secret web defaults; ``create_app`` derives ``DATABASE_URL`` from the instance path."""

    DATABASE_URL: str | None = None
    SQLALCHEMY_ECHO = False
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = LOCALES  # the domain's list: a person's locale is one of these
    RTL_LANGUAGES = ("ar", "fa", "ps")
    WTF_CSRF_TIME_LIMIT = 6 * 3600
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_PUBLIC_FORMS = "20 per hour;5 per minute"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    TILE_URL = ""
    TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    SCHEDULER_ENABLED = False
    TRANSLATIONS_DIR = str(Path(__file__).resolve().parent / "translations")
    """The catalogs of the pages, which the domain's messages share."""
    LOG_LEVEL = "INFO"
