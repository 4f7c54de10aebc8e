"""The dashboard: the next two weeks at a glance and the to-do lists."""

from __future__ import annotations

from flask import render_template

from matcher.queries import overview
from web.auth import coordinator_required
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.db import get_session
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
