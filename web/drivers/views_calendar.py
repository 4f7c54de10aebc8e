"""The driver's calendar feed (iCalendar) at an unguessable URL, and the page that issues it.

One event per route; its UID names the driver and the day, not the plan
version, so when a new version is published the calendar app updates the
event (SEQUENCE = plan version) instead of adding a second one. Riders appear
by first name only: calendars are often synced to third-party clouds, so phone
numbers stay on the portal.
"""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import pgettext
from icalendar import Calendar
from icalendar import Event

from matcher.clock import utcnow
from matcher.models import Driver
from matcher.models import RouteStatus
from matcher.people.calendar_links import driver_for_calendar_token
from matcher.people.calendar_links import feed_days
from matcher.people.calendar_links import issue_calendar_token
from matcher.people.calendar_links import revoke_calendar_token
from matcher.queries.schedules import DriverDay
from matcher.queries.schedules import StopView
from web.auth import current_account
from web.auth import driver_required
from web.db import get_session
from web.drivers.blueprint import bp
from web.forms import FlaskForm
from web.settings import current_settings
from web.settings import today


class CalendarForm(FlaskForm):
    """CSRF only; the button pressed says what to do."""


def _stop_line(stop: StopView) -> str:
    labels = {
        "start": _("Start"),
        "end": _("End"),
        "pickup": _("Pick up"),
        "dropoff": _("Drop off"),
    }
    names = ", ".join(r.first_name for r in stop.riders)
    line = f"{stop.time} {labels.get(stop.kind, pgettext('route stop', 'Stop'))}: {stop.place_name}"
    if stop.address:
        line += f", {stop.address}"
    return f"{line} ({names})" if names else line


def route_event(day: DriverDay, driver_id: int, portal_url: str) -> Event:
    """The calendar event of one day's route."""
    event = Event()
    event.add("uid", f"mitfahrnetz-driver-{driver_id}-{day.day.isoformat()}@mitfahrnetz")
    event.add("sequence", day.plan_version or 0)
    event.add("dtstamp", day.published_at or utcnow())
    if day.start_at and day.end_at:
        event.add("dtstart", day.start_at)
        event.add("dtend", max(day.end_at, day.start_at + dt.timedelta(minutes=1)))
    else:
        event.add("dtstart", day.day)
    event.add(
        "summary", ngettext("Mitfahrnetz: %(num)d rider", "Mitfahrnetz: %(num)d riders", day.riders)
    )
    lines = [_stop_line(s) for s in day.stops]
    if day.distance_km is not None:
        lines.append(_("About %(km)s km in total.", km=day.distance_km))
    lines.append(portal_url)
    event.add("description", "\n".join(lines))
    first = next((s for s in day.stops if s.kind != "start"), None)
    if first is not None:
        event.add("location", ", ".join(p for p in (first.place_name, first.address) if p))
    status = {"confirmed": "CONFIRMED", "declined": "CANCELLED"}.get(day.status or "", "TENTATIVE")
    event.add("status", status)
    event.add("url", portal_url)
    return event


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> Response:
    """The feed; 404 for an unknown or replaced token (no login: calendar apps cannot log in)."""
    session = get_session()
    driver = driver_for_calendar_token(session, token)
    if driver is None:
        abort(404)
    cal = Calendar()
    cal.add("prodid", "-//Mitfahrnetz//driver schedule//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Mitfahrnetz rides"))
    portal_url = url_for("drivers.schedule", _external=True)
    for day in feed_days(session, driver.id, today(), current_settings()):
        if day.status == RouteStatus.DECLINED:
            continue
        cal.add_component(route_event(day, driver.id, portal_url))
    response = Response(cal.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="mitfahrnetz.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/calendar", methods=["GET", "POST"])
@driver_required
def calendar_settings() -> str | tuple[str, int]:
    """Issue a new feed URL (shown once) or switch the feed off."""
    form = CalendarForm()
    session = get_session()
    feed_url = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("action") == "revoke":
            revoke_calendar_token(session, current_account().id)
        else:
            token = issue_calendar_token(session, current_account().id)
            feed_url = url_for("drivers.calendar_feed", token=token, _external=True)
        session.commit()
    driver = session.get(Driver, current_account().id)
    return render_template(
        "drivers/calendar.html",
        form=form,
        feed_url=feed_url,
        has_feed=bool(driver and driver.calendar_token_hash),
    )
