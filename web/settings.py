"""The domain settings of the current app."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from matcher import clock
from matcher.settings import Settings


def current_settings() -> Settings:
    """``matcher.settings.Settings`` built once per app from its config."""
    settings: Settings | None = current_app.extensions.get("matcher.settings")
    if settings is None:
        settings = Settings.from_mapping(current_app.config)
        current_app.extensions["matcher.settings"] = settings
    return settings


def today() -> dt.date:
    """Today in the district of the current app (``matcher.clock``), not the server's date."""
    return clock.today(current_settings().tz)
