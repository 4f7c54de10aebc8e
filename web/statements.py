"""A volunteer's monthly statement as the office and the driver both see and print it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template

from matcher.errors import ValidationError
from matcher.reports.statements import driver_statement
from matcher.reports.statements import parse_month
from web.db import get_session
from web.errors import translate_domain_error
from web.settings import current_settings
from web.settings import today


def _local(instant: dt.datetime | None) -> str:
    return "" if instant is None else instant.astimezone(current_settings().tz).strftime("%H:%M")


def render_statement(
    driver_id: int, driver_name: str, month_text: str | None, **context: Any
) -> tuple[str, int]:
    """The statement page for ``month_text`` (``2026-11``; default this month)."""
    error = None
    try:
        month = parse_month(month_text, today())
    except ValidationError as refused:
        error, month = translate_domain_error(refused), parse_month(None, today())
    statement = driver_statement(get_session(), driver_id, month, today())
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    rows = [
        {
            "day": day.day,
            "start": _local(day.start_at),
            "end": _local(day.end_at),
            "hours": day.seconds / 3600,
            "rides": day.rides,
            "km": day.metres / 1000,
        }
        for day in statement.days
    ]
    return render_template(
        "statement.html",
        statement=statement,
        rows=rows,
        driver_name=driver_name,
        month=month,
        error=error,
        previous=previous.strftime("%Y-%m"),
        following=following.strftime("%Y-%m") if following <= today() else None,
        issued=today(),
        **context,
    ), (422 if error else 200)
