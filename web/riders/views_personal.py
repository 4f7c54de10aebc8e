"""Rider pages: the personal page behind the link, and its actions.

The personal link is the rider's only key: an unknown, malformed or erased
token is a plain 404, and every action looks the need up through the rider
the token belongs to, so one rider's link can never reach another's data.
"""

from __future__ import annotations

import segno
from babel.dates import get_day_names
from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.demand import intake
from matcher.errors import ValidationError as DomainValidationError
from matcher.models import Rider
from matcher.people import registration
from matcher.people.phones import display_phone
from matcher.queries.rider_page import next_days
from matcher.queries.rider_page import paused_days
from matcher.queries.rider_page import personal_needs
from matcher.queries.rider_page import upcoming_rides
from matcher.queries.unserved import rider_unserved_rides
from web.db import get_session
from web.errors import translate_domain_error
from web.riders.blueprint import bp
from web.riders.choices import attach_error
from web.riders.choices import fill_choices
from web.riders.choices import fill_from_need
from web.riders.choices import need_input
from web.riders.choices import open_doubts
from web.riders.forms import PURPOSE_ICONS
from web.riders.forms import ButtonForm
from web.riders.forms import NeedForm
from web.riders.forms import PauseForm
from web.settings import current_settings
from web.settings import today


def _rider_or_404(token: str) -> Rider:
    rider = registration.find_rider_by_token(get_session(), token)
    if rider is None:
        # Said plainly, with the way to a new link (riders.link_request).
        abort(make_response(render_template("riders/link_invalid.html"), 404))
    return rider


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG data URI (no script, allowed by the CSP)."""
    return segno.make(text, error="m").png_data_uri(scale=6, border=2)


@bp.get("/me/<token>")
def me(token: str) -> str:
    """The personal page: needs, next days (pause one), published rides and gaps, actions."""
    rider = _rider_or_404(token)
    session = get_session()
    day = today()
    link = url_for("riders.me", token=token, _external=True)
    return render_template(
        "riders/me.html",
        rider=rider,
        token=token,
        link=link,
        qr=qr_data_uri(link),
        welcome=request.args.get("welcome") == "1",
        needs=[
            (n, next_days(n, day), paused_days(n, day)) for n in personal_needs(session, rider.id)
        ],
        rides=upcoming_rides(session, rider.id, day),
        unserved=rider_unserved_rides(session, rider.id, day),
        phone=display_phone,
        icons=PURPOSE_ICONS,
        decline_texts=intake.DECLINE_REASON_TEXTS,
        button=ButtonForm(),
        day_names=get_day_names("abbreviated", locale=get_locale()),
    )


@bp.route("/me/<token>/needs/<int:need_id>/edit", methods=["GET", "POST"])
def edit_need(token: str, need_id: int) -> str | Response:
    """Change a need; it goes back to the office for approval."""
    rider = _rider_or_404(token)
    session = get_session()
    need = registration.rider_need(session, rider.id, need_id)
    form = NeedForm()
    fill_choices(form, session)
    doubts: list[tuple[str, str]] = []
    if request.method == "GET":
        fill_from_need(form, need)
    elif form.validate_on_submit() and not (doubts := open_doubts(form, need.valid_from)):
        try:
            registration.update_need(
                session, rider.id, need.id, need_input(form), current_settings()
            )
        except DomainValidationError as error:
            session.rollback()
            attach_error(form, error)
        else:
            session.commit()
            flash(_("Your change is saved. The office will check it."), "success")
            return redirect(url_for("riders.me", token=token), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "riders/edit_need.html",
        form=form,
        token=token,
        need=need,
        icons=PURPOSE_ICONS,
        today=today(),
        doubts=doubts,
    ), status  # type: ignore[return-value]


@bp.post("/me/<token>/needs/<int:need_id>/pause")
def pause(token: str, need_id: int) -> Response:
    """Skip one day of a need."""
    rider = _rider_or_404(token)
    form = PauseForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    try:
        registration.pause_day(session, rider.id, need_id, form.day.data, current_settings())
    except DomainValidationError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
    else:
        session.commit()
        flash(_("Done: no ride on %(day)s.", day=form.day.data.strftime("%d.%m.%Y")), "success")
    return redirect(url_for("riders.me", token=token), 303)


@bp.post("/me/<token>/needs/<int:need_id>/cancel")
def cancel(token: str, need_id: int) -> Response:
    """End a need for good."""
    rider = _rider_or_404(token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    session = get_session()
    registration.cancel_need(session, rider.id, need_id, current_settings())
    session.commit()
    flash(_("This ride request is cancelled."), "success")
    return redirect(url_for("riders.me", token=token), 303)


@bp.route("/me/<token>/delete", methods=["GET", "POST"])
def erase(token: str) -> str | Response:
    """Delete all my data: a confirmation page, then the erasure."""
    rider = _rider_or_404(token)
    form = ButtonForm()
    if form.validate_on_submit():
        session = get_session()
        registration.erase_rider(session, rider.id, today=today())
        session.commit()
        return redirect(url_for("riders.erased"), 303)
    return render_template("riders/erase.html", token=token, form=form)


@bp.get("/deleted")
def erased() -> str:
    """Confirmation that the data is gone."""
    return render_template("riders/erased.html")
