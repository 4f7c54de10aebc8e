"""The public start page."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """Who we are and where each audience goes."""
    return render_template("main/index.html")
