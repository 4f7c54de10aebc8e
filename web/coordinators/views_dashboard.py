"""The dashboard: the next two weeks at a glance and the to-do lists."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.errors import InvalidTransition
from matcher.errors import ValidationError
from matcher.people import drivers as driver_accounts
from matcher.queries import overview
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.db import get_session
from web.errors import translate_domain_error
from web.settings import current_settings
from web.settings import today

DASHBOARD_DAYS = 14


@bp.get("/")
@coordinator_required
def dashboard() -> str:
    """The next 14 days, drivers to vet, riders to check."""
    session = get_session()
    return render_template(
        "coordinators/dashboard.html",
        days=overview.day_summaries(session, today(), DASHBOARD_DAYS, current_settings()),
        drivers=overview.drivers_awaiting_vetting(session),
        riders=overview.riders_to_check(session),
        button_form=ButtonForm(),
    )


@bp.post("/drivers/<int:driver_id>/vet")
@coordinator_required
def vet_driver(driver_id: int) -> Response:
    """Approve a driver's registration with one click: the planner may use them from now on."""
    session = get_session()
    try:
        driver = driver_accounts.vet_driver(session, driver_id, current_account().id)
    except (ValidationError, InvalidTransition) as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
    else:
        session.commit()
        flash(_("%(name)s can now be planned.", name=driver.display_name), "success")
    return redirect(url_for(".dashboard"))
