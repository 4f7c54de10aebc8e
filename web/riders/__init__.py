"""Riders: self-registration and the personal page behind their link (no account)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("riders", __name__)

from web.riders import views as views  # noqa: E402
