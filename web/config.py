"""Defaults of the web app; secrets and site specifics come from instance/config.py or env."""

from __future__ import annotations

from pathlib import Path


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
    PLANNER_SOLUTION_LIMIT: int | None = None
    PLANNER_QUEUE = "local"
    REDIS_URL = "redis://127.0.0.1:6379/0"
    MAX_RIDE_FACTOR = 1.5
    MAX_RIDE_EXTRA_MINUTES = 15
    BOARDING_SECONDS = 60
    CHANGE_WEIGHT = 600
    LANGUAGE_MISMATCH_WEIGHT = 300
    WORKLOAD_WEIGHT = 300
    SCHEDULER_ENABLED = False
    # Notifications and scheduled jobs (issue 6); secrets (MAIL_PASSWORD) only in instance/env.
    MAIL_HOST = "localhost"
    MAIL_PORT = 25
    MAIL_SECURITY = "none"  # none | starttls | ssl
    MAIL_USERNAME = ""
    MAIL_SENDER = "Mitfahrnetz <noreply@localhost>"
    SMS_GATEWAY = "log"
    TRANSLATIONS_DIR = str(Path(__file__).resolve().parent / "translations")
    OUTBOX_MAX_ATTEMPTS = 6
    OUTBOX_BACKOFF_SECONDS = 60
    NIGHTLY_PLANNING_TIME = "02:00"
    RIDER_REMINDER_TIME = "18:00"
    DRIVER_RESPONSE_DEADLINE = "12:00"
    DRIVER_ESCALATION_HOURS = 4
    RETENTION_MONTHS = 24
    OUTBOX_RETENTION_DAYS = 90
    SCHEDULER_LEASE_SECONDS = 90
    LOG_LEVEL = "INFO"
    BASE_URL = "http://127.0.0.1:5000"
