"""Answering a route from the link in a message, without logging in.

GET only shows what the link is about and a button (mail scanners fetch links;
they must not use them up); POST with the CSRF token acts. The link works once
and only until the route's day is over. The answer leads on (303) to a thank-you page
that needs no token, so reloading it answers nothing again.
"""

from __future__ import annotations

import datetime as dt

from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.clock import utcnow
from matcher.errors import NotFound
from matcher.plans import responses
from matcher.plans.route_tokens import route_for_token
from matcher.queries.schedules import driver_day
from web.db import get_session
from web.drivers.blueprint import bp
from web.errors import translate_domain_error
from web.forms import FlaskForm
from web.settings import current_settings


class AnswerForm(FlaskForm):
    """Only the CSRF token; the action comes from the button pressed."""


@bp.route("/respond/<token>", methods=["GET", "POST"])
def respond(token: str) -> str | tuple[str, int] | Response:
    """Show the route and the chosen answer; act on POST."""
    session = get_session()
    action = request.values.get("action", "confirm")
    if action not in ("confirm", "decline"):
        action = "confirm"
    try:
        route = route_for_token(session, token, utcnow())
    except NotFound as error:
        return render_template(
            "drivers/respond_invalid.html", message=translate_domain_error(error)
        ), 404
    form = AnswerForm()
    if request.method == "POST" and form.validate_on_submit():
        route = responses.answer_with_token(
            session,
            token,
            action,
            settings=current_settings(),
            now=utcnow(),
            reason=request.form.get("reason"),
        )
        session.commit()
        answered = url_for("drivers.responded", action=action, day=route.plan.day.isoformat())
        return redirect(answered, 303)
    status = 400 if request.method == "POST" else 200
    view = driver_day(route, current_settings())
    return render_template(
        "drivers/respond.html",
        form=form,
        action=action,
        day=view,
        token=token,
        title=_("Can you drive this route?"),
    ), status


@bp.get("/responded")
def responded() -> str:
    """Thank you: the route of ``day`` is confirmed or declined (after the answer's POST)."""
    action = request.args.get("action")
    try:
        day = dt.date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        abort(404)
    if action not in ("confirm", "decline"):
        abort(404)
    return render_template("drivers/respond_done.html", action=action, day=day)
