"""The driver's portal: today and the next seven days, a print view, and answering a route.

Views stay thin: they read the logged-in driver's id, call one service from
``matcher`` and render. A driver only ever sees their own published routes;
another driver's route id gives 404 (the service does not reveal it exists).
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import ValidationError
from matcher.models import Driver
from matcher.people.phones import display_phone
from matcher.plans import responses
from matcher.queries.schedules import DriverDay
from matcher.queries.schedules import driver_days
from web.auth import current_account
from web.auth import driver_required
from web.db import get_session
from web.drivers.blueprint import bp
from web.settings import current_settings
from web.settings import today
from web.statements import render_statement

DAYS_SHOWN = 8


def map_data(day: DriverDay) -> dict[str, Any]:
    """The markers a day's map draws, in stop order; stops at one place share a marker ("1·6")."""
    markers: dict[tuple[float, float], dict[str, Any]] = {}
    for number, stop in enumerate(day.stops, start=1):
        if stop.lat is None or stop.lon is None:
            continue
        key = (round(stop.lat, 5), round(stop.lon, 5))
        label = f"{number}. {stop.time} {stop.place_name}"
        if key in markers:
            markers[key]["n"] += f"·{number}"
            markers[key]["label"] += f" / {label}"
        else:
            markers[key] = {
                "lat": stop.lat,
                "lon": stop.lon,
                "n": str(number),
                "label": label,
                "kind": stop.kind,
            }
    line = [[s.lat, s.lon] for s in day.stops if s.lat is not None and s.lon is not None]
    return {"stops": list(markers.values()), "line": line}


def _week() -> list[DriverDay]:
    return driver_days(
        get_session(), current_account().id, today(), current_settings(), days=DAYS_SHOWN
    )


@bp.app_template_filter("display_phone")
def phone_filter(e164: str | None) -> str:
    """``+4915123456789`` -> ``+49 151 23456789`` for reading (links keep E.164)."""
    return display_phone(e164)


@bp.get("/")
@driver_required
def schedule() -> str:
    """Today and the next seven days, phone first."""
    days = _week()
    return render_template(
        "drivers/schedule.html",
        days=days,
        today=days[0].day,
        maps={d.day: map_data(d) for d in days if d.has_route},
        tile_url=current_app.config.get("TILE_URL", ""),
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION", ""),
    )


@bp.get("/print")
@driver_required
def print_view() -> str:
    """The week's routes for paper: one page per day with a route."""
    days = [d for d in _week() if d.has_route]
    return render_template("drivers/print.html", days=days)


@bp.post("/routes/<int:route_id>/answer")
@driver_required
def answer(route_id: int) -> Response:
    """Confirm or decline one of my routes (CSRF-protected form on the schedule page)."""
    action = request.form.get("action", "")
    if action not in ("confirm", "decline"):
        raise ValidationError(N_("Please choose whether you can drive."))
    session = get_session()
    route = responses.answer_route(
        session,
        route_id,
        action,
        driver_id=current_account().id,
        settings=current_settings(),
        now=utcnow(),
        reason=request.form.get("reason"),
    )
    session.commit()
    if action == "confirm":
        flash(_("Thank you! Your route is confirmed; the riders are told their times."), "success")
    else:
        flash(_("Thank you for telling us. The office will find another driver."), "success")
    return redirect(url_for("drivers.schedule", _anchor=f"day-{route.plan.day.isoformat()}"), 303)


@bp.get("/statement")
@driver_required
def statement() -> tuple[str, int]:
    """My month of rides, hours and kilometres, for mileage and the volunteer card."""
    account = current_account()
    driver = get_session().get(Driver, account.id)
    if driver is None:
        abort(404)
    return render_statement(
        driver.id,
        driver.display_name,
        request.args.get("month"),
        layout="drivers/_statement_layout.html",
        portal_nav=True,
    )
