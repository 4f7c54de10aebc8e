"""Defaults of the web app; secrets and site specifics come from instance/config.py or env."""

from __future__ import annotations


class DefaultConfig:
    """Non-secret defaults; ``create_app`` derives ``DATABASE_URL`` from the instance path."""

    DATABASE_URL: str | None = None
    SQLALCHEMY_ECHO = False
    TIMEZONE = "Europe/Berlin"
    HOLIDAY_COUNTRY = "DE"
    HOLIDAY_SUBDIVISION = "NI"
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ro")
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
    GEOCODER = "offline"
    NOMINATIM_URL = ""
    NOMINATIM_USER_AGENT = "mitfahrnetz/0.1 (set NOMINATIM_USER_AGENT to your contact)"
    OSRM_URL = ""
    PLANNER_TIME_LIMIT_SECONDS = 20
    PLANNER_WORKERS = 1
    SCHEDULER_ENABLED = False
    LOG_LEVEL = "INFO"
