"""Riders in the office: the searchable list and a rider's page (actions: views_rider_actions)."""

from __future__ import annotations

import datetime as dt

from babel.dates import get_day_names
from flask import abort
from flask import render_template
from flask import request
from flask_babel import get_locale

from matcher.demand.recurrence import Occurrence
from matcher.errors import NotFound
from matcher.models import ActorType
from matcher.models import NeedPurpose
from matcher.models import NeedStatus
from matcher.models import RideNeed
from matcher.people import personal_links
from matcher.people.phones import display_phone
from matcher.queries import overview
from matcher.queries.rider_list import RiderFilter
from matcher.queries.rider_list import list_riders
from matcher.queries.rider_page import next_days
from matcher.queries.rider_page import office_rider_page
from matcher.queries.rider_page import paused_days
from web.auth import coordinator_required
from web.coordinators.blueprint import bp
from web.coordinators.forms import RiderSearchForm
from web.db import get_session
from web.i18n import LANGUAGE_NAMES
from web.riders.forms import MOBILITY_CHOICES
from web.riders.forms import SPOKEN_LANGUAGES
from web.settings import current_settings
from web.settings import today

SPOKEN_NAMES = {c.value: c.label for c in SPOKEN_LANGUAGES}


def _filter(form: RiderSearchForm) -> RiderFilter:
    status = form.status.data or ""
    purpose = form.purpose.data or ""
    return RiderFilter(
        text=(form.q.data or "")[:100],
        municipality=(form.municipality.data or "")[:80],
        status=NeedStatus(status) if status in NeedStatus._value2member_map_ else None,
        purpose=NeedPurpose(purpose) if purpose in NeedPurpose._value2member_map_ else None,
    )


@bp.get("/riders")
@coordinator_required
def riders() -> str:
    """Search riders by name, phone, e-mail, municipality, need status and purpose; 25 a page."""
    form = RiderSearchForm(request.args)
    form.validate()
    page = request.args.get("page", "1")
    result = list_riders(get_session(), _filter(form), int(page) if page.isdigit() else 1)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "coordinators/riders.html", form=form, result=result, query=query, phone=display_phone
    )


@bp.get("/riders/<int:rider_id>")
@coordinator_required
def rider(rider_id: int) -> str:
    """One rider: contact, languages, consent, needs, the next 14 days, history, audit trail."""
    session = get_session()
    day = today()
    try:
        view = office_rider_page(session, rider_id, day)
    except NotFound:
        abort(404)
    coordinator_ids = [
        e.actor_id for e in view.audit if e.actor_type == ActorType.COORDINATOR and e.actor_id
    ]
    return render_template(
        "coordinators/rider.html",
        view=view,
        rider=view.rider,
        phone=display_phone,
        language_names=LANGUAGE_NAMES,
        spoken_names=SPOKEN_NAMES,
        coordinators=overview.coordinator_names(session, coordinator_ids),
        mobility_labels={c.value: c.label for c in MOBILITY_CHOICES},
        day_names=get_day_names("abbreviated", locale=get_locale()),
        today=day,
        pausable_days={n.id: _pausable(n, day) for n in view.needs},
        link_recoverable=personal_links.current_token(view.rider, current_settings()) is not None,
    )


def _pausable(need: RideNeed, day: dt.date) -> list[Occurrence]:
    """The need's next days that are not paused yet (none unless it is active)."""
    if need.status != NeedStatus.ACTIVE:
        return []
    paused = set(paused_days(need, day))
    return [o for o in next_days(need, day, count=14) if o.day not in paused]
