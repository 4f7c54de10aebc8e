"""The driver's calendar feed (iCalendar) at an unguessable URL, and the page that issues it.

One event per leg of a route (``matcher.queries.calendar_legs``): from the
first pick-up into an empty car to the drop-off that empties it. Its UID names
the driver, the day and the leg, not the plan version, so when a new version
is published the calendar app updates the event (SEQUENCE = plan version)
instead of adding a second one. Riders appear by first name only: calendars
are often synced to third-party clouds, so phone numbers stay on the portal.
"""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session as flask_session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from icalendar import Calendar
from icalendar import Event
from werkzeug.wrappers import Response as WerkzeugResponse

from matcher.clock import utcnow
from matcher.models import Driver
from matcher.models import RouteStatus
from matcher.people.calendar_links import driver_for_calendar_token
from matcher.people.calendar_links import issue_calendar_token
from matcher.people.calendar_links import revoke_calendar_token
from matcher.queries.calendar_legs import Leg
from matcher.queries.calendar_legs import feed_legs
from matcher.queries.schedules import StopView
from web.auth import current_account
from web.auth import driver_required
from web.db import get_session
from web.drivers.blueprint import bp
from web.forms import FlaskForm
from web.settings import current_settings
from web.settings import today

NEW_FEED_KEY = "new_calendar_feed"
"""Session key of a just-issued feed address, until the page after the POST shows it once."""


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


def leg_event(leg: Leg, portal_url: str) -> Event:
    """The calendar event of one leg: riders' first names, places and times, no phone numbers."""
    event = Event()
    event.add("uid", leg.uid)
    event.add("sequence", leg.sequence)
    event.add("dtstamp", leg.published_at or utcnow())
    event.add("dtstart", leg.start_at)
    event.add("dtend", max(leg.end_at, leg.start_at + dt.timedelta(minutes=1)))
    event.add(
        "summary",
        _(
            "Mitfahrnetz: %(names)s, %(start)s to %(end)s",
            names=", ".join(leg.first_names),
            start=leg.start_place,
            end=leg.end_place,
        ),
    )
    lines = [_stop_line(s) for s in leg.stops]
    lines.append(portal_url)
    event.add("description", "\n".join(lines))
    if leg.location:
        event.add("location", leg.location)
    event.add("status", "CONFIRMED" if leg.status == RouteStatus.CONFIRMED else "TENTATIVE")
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
    for leg in feed_legs(session, driver.id, today(), current_settings()):
        cal.add_component(leg_event(leg, portal_url))
    response = Response(cal.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="mitfahrnetz.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/calendar", methods=["GET", "POST"])
@driver_required
def calendar_settings() -> str | WerkzeugResponse:
    """Issue a new feed URL or switch the feed off (POST, then back here); the page (GET).

    A new address is shown once: it travels from the POST to the next GET in the
    session (popped there), so a reload neither re-issues nor shows it again.
    """
    form = CalendarForm()
    session = get_session()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("action") == "revoke":
            revoke_calendar_token(session, current_account().id)
            flash(_("The calendar is switched off. The old address no longer works."), "success")
        else:
            token = issue_calendar_token(session, current_account().id)
            flask_session[NEW_FEED_KEY] = url_for(
                "drivers.calendar_feed", token=token, _external=True
            )
            flash(_("Your new calendar address is made."), "success")
        session.commit()
        return redirect(url_for("drivers.calendar_settings"), 303)
    feed_url = flask_session.pop(NEW_FEED_KEY, None)
    driver = session.get(Driver, current_account().id)
    return render_template(
        "drivers/calendar.html",
        form=form,
        feed_url=feed_url,
        has_feed=bool(driver and driver.calendar_token_hash),
    )
