"""The public start page."""

from __future__ import annotations

from flask import render_template

from web.main.blueprint import bp


@bp.get("/")
def index() -> str:
    """Who we are and where each audience goes."""
    return render_template("main/index.html")
