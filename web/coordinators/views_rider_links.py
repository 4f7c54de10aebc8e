"""The rider's personal link in the office: send it again, give a new one, print a slip.

A rider who lost her SMS calls the office: the coordinator sends the same link
again (it keeps working), or, if it may have reached someone else, gives her a
new one (the old one stops working at once). For a rider without a smartphone
at hand the slip prints the link with a QR code in her language. The rules are
in ``matcher.people.personal_links``; viewers may do none of this (the link is
her key).
"""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from matcher.errors import NotFound
from matcher.models import OutboxChannel
from matcher.people import personal_links
from matcher.people.phones import display_phone
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms_riders import LinkForm
from web.db import get_session
from web.i18n import LANGUAGE_NAMES
from web.qr_codes import qr_svg
from web.settings import current_settings
from web.settings import today


def _back(rider_id: int) -> Response:
    return redirect(url_for(".rider", rider_id=rider_id, _anchor="link-heading"), 303)


def _channel(form: LinkForm) -> OutboxChannel | None:
    if not form.validate_on_submit():
        return None
    return OutboxChannel(form.channel.data)


def _expired(rider_id: int) -> Response:
    flash(_("The form has expired. Please try again."), "error")
    return _back(rider_id)


@bp.post("/riders/<int:rider_id>/link/again")
@coordinator_required
def send_link_again(rider_id: int) -> Response:
    """Send the rider's current link again by SMS or e-mail; it keeps working."""
    channel = _channel(LinkForm())
    if channel is None:
        return _expired(rider_id)
    done = (
        _("The link is sent again by e-mail. It is the same link as before.")
        if channel == OutboxChannel.EMAIL
        else _("The link is sent again by SMS. It is the same link as before.")
    )
    return commit_or_explain(
        lambda: personal_links.send_link_again(
            get_session(), rider_id, channel, current_account().id, current_settings()
        ),
        done,
        _back(rider_id),
        missing_is_404=True,
    )


@bp.post("/riders/<int:rider_id>/link/new")
@coordinator_required
def replace_rider_link(rider_id: int) -> Response:
    """Give the rider a new link and send it; the old one stops working at once."""
    form = LinkForm()
    channel = _channel(form)
    if channel is None:
        return _expired(rider_id)
    back = (
        redirect(url_for(".rider_link_slip", rider_id=rider_id), 303)
        if form.then.data == "slip"
        else _back(rider_id)
    )
    done = (
        _("A new link is sent by e-mail. The old link no longer works.")
        if channel == OutboxChannel.EMAIL
        else _("A new link is sent by SMS. The old link no longer works.")
    )
    return commit_or_explain(
        lambda: personal_links.replace_link(
            get_session(), rider_id, channel, current_account().id, current_settings()
        ),
        done,
        back,
        missing_is_404=True,
    )


@bp.get("/riders/<int:rider_id>/link/slip")
@coordinator_required(viewer_may_read=False)
def rider_link_slip(rider_id: int) -> Response:
    """A slip to print: the link and its QR code, in the rider's language (audited)."""
    session = get_session()
    try:
        rider, link = personal_links.link_for_slip(
            session, rider_id, current_account().id, current_settings()
        )
    except NotFound:
        abort(404)
    session.commit()
    slip: Markup | None = None
    if link is not None:
        rtl = rider.locale in current_app.config["RTL_LANGUAGES"]
        with force_locale(rider.locale):
            slip = Markup(
                render_template(
                    "coordinators/_link_slip.html",
                    rider=rider,
                    link=link,
                    qr=qr_svg(link, _("QR code of your personal link")),
                    slip_direction="rtl" if rtl else "ltr",
                    printed_on=today(),
                )
            )
    response = make_response(
        render_template(
            "coordinators/rider_slip.html",
            rider=rider,
            slip=slip,
            language=LANGUAGE_NAMES.get(rider.locale, rider.locale),
            phone=display_phone,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds the rider's key
    return response
