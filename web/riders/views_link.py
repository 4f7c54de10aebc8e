"""Getting the personal link back: the public "send me my link again" page.

The rider types the phone number or e-mail address she registered with; every
rider with it gets a new link there (``matcher.people.personal_links``). The
answer is one redirect to one page, the same whether the number is known or
not, so the page tells nobody who is registered. Requests are limited per
number or address (whatever the sender's address) and per IP address.
"""

from __future__ import annotations

from flask import redirect
from flask import render_template
from flask import url_for
from werkzeug.wrappers import Response

from matcher.errors import ValidationError as DomainValidationError
from matcher.people import personal_links
from web.db import get_session
from web.errors import translate_domain_error
from web.rate_limits import LINK_REQUESTS_PER_ADDRESS
from web.rate_limits import LINK_REQUESTS_PER_CONTACT
from web.rate_limits import limited
from web.riders.blueprint import bp
from web.riders.forms_link import LinkRequestForm
from web.settings import current_settings


@bp.route("/my-link", methods=["GET", "POST"])
@limited(LINK_REQUESTS_PER_ADDRESS, LINK_REQUESTS_PER_CONTACT)
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
