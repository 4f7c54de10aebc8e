"""The partner's riders: the list of the people their organisation referred, and one rider."""

from __future__ import annotations

from flask import abort
from flask import render_template

from matcher.errors import NotFound
from matcher.partners import follow_up
from matcher.people.phones import display_phone
from web.auth import current_partner_id
from web.auth import partner_required
from web.db import get_session
from web.partners.blueprint import bp


@bp.get("/")
@partner_required
def dashboard() -> str:
    """Every rider the organisation referred, newest first."""
    session = get_session()
    partner_id = current_partner_id()
    return render_template(
        "partners/dashboard.html",
        rows=follow_up.partner_riders(session, partner_id),
        phone=display_phone,
    )


@bp.get("/riders/<int:rider_id>")
@partner_required
def rider(rider_id: int) -> str:
    """One of the organisation's riders; another partner's is a 404."""
    session = get_session()
    try:
        found = follow_up.partner_rider(session, current_partner_id(), rider_id)
    except NotFound:
        abort(404)
    return render_template("partners/rider.html", rider=found, phone=display_phone)
