"""Getting the personal link back: the public "send me my link again" page.

The rider types the phone number or e-mail address she registered with; every
rider with it gets a new link there (``matcher.people.personal_links``). The
answer is one redirect to one page, the same whether the number is known or
not, so the page tells nobody who is registered. Requests are limited per
number or address (whatever the sender's address) and per IP address.
"""

from __future__ import annotations

from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

from matcher.errors import ValidationError as DomainValidationError
from matcher.people import personal_links
from web.db import get_session
from web.errors import translate_domain_error
from web.riders.blueprint import bp
from web.riders.forms_link import LinkRequestForm
from web.security import limiter
from web.security import public_form_limit
from web.settings import current_settings


def link_request_limit() -> str:
    """Requests allowed per number or address (config ``RATELIMIT_LINK_REQUESTS``)."""
    return str(current_app.config.get("RATELIMIT_LINK_REQUESTS", "3 per hour;6 per day"))


def _submitted_contact() -> str:
    """The rate limit's key: the number (E.164) or address typed, however it was written."""
    return "link-request:" + personal_links.contact_key(request.form.get("contact", ""))


@bp.route("/my-link", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
@limiter.limit(link_request_limit, methods=["POST"], key_func=_submitted_contact)
def link_request() -> Response | tuple[str, int]:
    """Phone number or e-mail address in; a new link out, if a rider has it (never said)."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            personal_links.request_new_link(session, form.contact.data or "", current_settings())
        except DomainValidationError as error:
            session.rollback()
            form.contact.errors = [translate_domain_error(error)]
        else:
            session.commit()
            return redirect(url_for("riders.link_requested"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("riders/link_request.html", form=form), status


@bp.get("/my-link/sent")
def link_requested() -> str:
    """The one answer: if we know the number or address, the new link is on its way."""
    return render_template("riders/link_requested.html")
