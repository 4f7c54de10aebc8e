"""The riders' blueprint object, apart from the views so view modules can import it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("riders", __name__)
