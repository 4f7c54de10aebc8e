"""Rider self-registration: the public form, the welcome e-mail with the personal link, privacy.

Nothing here needs an account; on success the rider lands on the personal page
(``views_personal``) behind the link that was just made.
"""

from __future__ import annotations

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import ValidationError as DomainValidationError
from matcher.models import OutboxChannel
from matcher.people import registration
from web.db import get_session
from web.i18n import current_language
from web.rate_limits import REGISTRATION
from web.rate_limits import limited
from web.riders.blueprint import bp
from web.riders.choices import attach_error
from web.riders.choices import fill_choices
from web.riders.choices import map_center
from web.riders.choices import open_doubts
from web.riders.choices import rider_registration
from web.riders.forms import PURPOSE_ICONS
from web.riders.forms import RiderForm
from web.settings import current_settings
from web.settings import today


@bp.route("/register/rider", methods=["GET", "POST"])
@limited(*REGISTRATION)
def register() -> str | Response:
    """The registration form; on success, off to the personal page with the link and QR code."""
    session = get_session()
    form = RiderForm()
    fill_choices(form, session)
    doubts: list[tuple[str, str]] = []
    if form.validate_on_submit() and not (doubts := open_doubts(form)):
        try:
            done = registration.register_rider(
                session,
                rider_registration(form, current_language()),
                current_settings(),
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
            if done.link_sent_by == OutboxChannel.EMAIL:
                flash(_("We are also sending the link to your e-mail address."), "success")
            elif done.link_sent_by == OutboxChannel.SMS:
                flash(_("We are also sending the link to your phone by SMS."), "success")
            return redirect(url_for("riders.me", token=done.token, welcome=1), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "riders/register.html",
        form=form,
        icons=PURPOSE_ICONS,
        today=today(),
        tile_url=current_app.config.get("TILE_URL", ""),
        tile_attribution=current_app.config.get("TILE_ATTRIBUTION", ""),
        map_center=map_center(session),
        doubts=doubts,
    ), status  # type: ignore[return-value]


@bp.get("/privacy")
def privacy() -> str:
    """The privacy notice in plain language, in the reader's language."""
    return render_template("riders/privacy.html", version=registration.PRIVACY_NOTICE_VERSION)
