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
    TRUSTED_PROXY_HOPS = 0
    """Proxies whose ``X-Forwarded-For`` and ``-Proto`` are believed (1 behind one TLS proxy)."""
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    """Counts of this process only; ``redis://127.0.0.1:6379/0`` shares them between workers."""
    RATELIMIT_KEY_PREFIX = "mitfahrnetz"
    RATELIMIT_REGISTRATIONS_PER_ADDRESS = "60 per hour"
    """Stored registrations (rider or driver) from one address: a partner office sends many."""
    RATELIMIT_REGISTRATIONS_PER_CONTACT = "5 per day"
    """Stored registrations with one phone number, and with one e-mail address."""
    RATELIMIT_LINK_REQUESTS = "3 per hour;6 per day"
    """Requests for a new personal link per number or address typed, whatever the sender."""
    RATELIMIT_LINK_REQUESTS_PER_ADDRESS = "10 per minute;30 per hour"
    RATELIMIT_COORDINATOR_LOGIN = "10 per minute;50 per hour"
    """Every attempt counts: coordinator login, and setting a password from a link."""
    RATELIMIT_PASSWORD_RESET = "2 per minute;5 per hour"
    """Reset requests, per address and per e-mail address."""
    RATELIMIT_DRIVER_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_PARTNER_LOGIN = "10 per minute;50 per hour"
    """Every attempt counts: partner staff login, and setting a password from a link."""
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    TILE_URL = ""
    TILE_ATTRIBUTION = "© OpenStreetMap contributors"
    SCHEDULER_ENABLED = False
    TRANSLATIONS_DIR = str(Path(__file__).resolve().parent / "translations")
    """The catalogs of the pages, which the domain's messages share."""
    LOG_LEVEL = "INFO"
