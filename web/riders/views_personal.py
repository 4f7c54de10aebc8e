"""Rider pages: registration, the personal page behind the link, and its actions.

The personal link is the rider's only key: an unknown, malformed or erased
token is a plain 404, and every action looks the need up through the rider
the token belongs to, so one rider's link can never reach another's data.
"""

from __future__ import annotations

import datetime as dt

import segno
from babel.dates import get_day_names
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.db import utcnow
from matcher.errors import ValidationError as DomainValidationError
from matcher.models import Rider
from matcher.people import registration
from matcher.people.phones import display_phone
from matcher.queries.rider_page import next_days
from matcher.queries.rider_page import paused_days
from matcher.queries.rider_page import upcoming_rides
from web.db import get_session
from web.errors import translate_domain_error
from web.i18n import current_language
from web.riders.blueprint import bp
from web.riders.choices import fill_choices
from web.riders.choices import fill_from_need
from web.riders.choices import map_center
from web.riders.choices import need_input
from web.riders.choices import rider_registration
from web.riders.forms import PURPOSE_ICONS
from web.riders.forms import ButtonForm
from web.riders.forms import NeedForm
from web.riders.forms import PauseForm
from web.riders.forms import RiderForm
from web.security import limiter
from web.security import public_form_limit
from web.settings import current_settings

# Domain field names that differ from the form's.
FIELD_ALIASES = {
    "home_village": "home_village",
    "home_street": "home_street",
    "home_map": "home_village",
    "destination_place_id": "destination_place",
    "destination_street": "destination_street",
    "destination_village": "destination_town",
    "via_place_id": "via_place",
    "rotation": "rotation",
    "rotation_anchor": "valid_from",
    "weekdays": "weekdays",
}


def attach_error(form: NeedForm, error: DomainValidationError) -> None:
    """Show a domain validation error next to its field (or at the top if it has none)."""
    name = FIELD_ALIASES.get(error.field or "", error.field or "")
    field = getattr(form, name, None) if name else None
    message = translate_domain_error(error)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), message]
    else:
        form.form_errors.append(message)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Personal pages and forms with tokens are never kept in shared caches or history."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _today() -> dt.date:
    return utcnow().astimezone(current_settings().tz).date()


def _rider_or_404(token: str) -> Rider:
    rider = registration.find_rider_by_token(get_session(), token)
    if rider is None:
        abort(404)
    return rider


def _welcome_composer(locale: str):  # type: ignore[no-untyped-def]
    def compose(token: str) -> tuple[str, str]:
        link = url_for("riders.me", token=token, _external=True)
        subject = _("Your personal Mitfahrnetz link")
        body = render_template("riders/welcome_email.txt", link=link)
        return subject, body

    return compose


@bp.route("/register/rider", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def register() -> str | Response:
    """The registration form; on success, off to the personal page with the link and QR code."""
    session = get_session()
    form = RiderForm()
    fill_choices(form, session)
    if form.validate_on_submit():
        try:
            done = registration.register_rider(
                session,
                rider_registration(form, current_language()),
                current_settings(),
                compose_welcome=_welcome_composer(current_language()),
            )
        except DomainValidationError as error:
            session.rollback()
            attach_error(form, error)
        else:
            session.commit()
            if done.location_to_check:
                flash(
                    _(
                        "We could not find your address on the map. The office will check it"
                        " and may call you. Your registration is saved."
                    ),
                    "warning",
                )
            if done.email_queued:
                flash(_("We are also sending the link to your e-mail address."), "success")
            return redirect(url_for("riders.me", token=done.token, welcome=1), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "riders/register.html",
        form=form,
        icons=PURPOSE_ICONS,
        today=_today(),
        tile_url=current_app.config.get("TILE_URL", ""),
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION", ""),
        map_center=map_center(session),
    ), status  # type: ignore[return-value]


@bp.get("/privacy")
def privacy() -> str:
    """The privacy notice in plain language, in the reader's language."""
    return render_template("riders/privacy.html", version=registration.PRIVACY_NOTICE_VERSION)


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG data URI (no script, allowed by the CSP)."""
    return segno.make(text, error="m").png_data_uri(scale=6, border=2)


@bp.get("/me/<token>")
def me(token: str) -> str:
    """The personal page: needs, next days (pause one), published rides, actions."""
    rider = _rider_or_404(token)
    session = get_session()
    today = _today()
    link = url_for("riders.me", token=token, _external=True)
    return render_template(
        "riders/me.html",
        rider=rider,
        token=token,
        link=link,
        qr=qr_data_uri(link),
        welcome=request.args.get("welcome") == "1",
        needs=[(n, next_days(n, today), paused_days(n, today)) for n in rider.needs],
        rides=upcoming_rides(session, rider.id, today),
        phone=display_phone,
        icons=PURPOSE_ICONS,
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
    if request.method == "GET":
        fill_from_need(form, need)
    elif form.validate_on_submit():
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
        today=_today(),
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
        registration.erase_rider(session, rider.id, today=_today())
        session.commit()
        return redirect(url_for("riders.erased"), 303)
    return render_template("riders/erase.html", token=token, form=form)


@bp.get("/deleted")
def erased() -> str:
    """Confirmation that the data is gone."""
    return render_template("riders/erased.html")
