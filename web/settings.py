"""The domain settings of the current app."""

from __future__ import annotations

from flask import current_app

from matcher.settings import Settings


def current_settings() -> Settings:
    """``matcher.settings.Settings`` built once per app from its config."""
    settings: Settings | None = current_app.extensions.get("matcher.settings")
    if settings is None:
        settings = Settings.from_mapping(current_app.config)
        current_app.extensions["matcher.settings"] = settings
    return settings
