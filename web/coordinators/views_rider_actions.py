"""What the office does for a rider who calls: edit, pause, resume, cancel a need; erase her data.

Views parse the form, call one service of ``matcher.people.rider_office`` (which
reuses the personal page's services), commit and redirect to the rider's page
(Post/Redirect/Get). A stale page (the need's row version changed) is refused
with the reason in a message; nothing is changed then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError as DomainValidationError
from matcher.models import NeedStatus
from matcher.models import TripStatus
from matcher.people import registration
from matcher.people import rider_office
from matcher.queries.rider_page import office_rider_page
from matcher.settings import Settings
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms_riders import EraseRiderForm
from web.coordinators.forms_riders import NeedActionForm
from web.coordinators.forms_riders import NeedDayForm
from web.coordinators.forms_riders import OfficeNeedForm
from web.coordinators.forms_riders import row_version_of
from web.db import get_session
from web.riders.choices import attach_error
from web.riders.choices import fill_choices
from web.riders.choices import fill_from_need
from web.riders.choices import need_input
from web.riders.forms import PURPOSE_ICONS
from web.settings import current_settings
from web.settings import today


def _back(rider_id: int, need_id: int | None = None) -> Response:
    anchor = f"need-{need_id}" if need_id is not None else None
    return redirect(url_for(".rider", rider_id=rider_id, _anchor=anchor), 303)


def _act(rider_id: int, need_id: int, action: Callable[[], object], done: str) -> Response:
    """Run one change on the rider's page (a vanished rider or need is a 404)."""
    return commit_or_explain(action, done, _back(rider_id, need_id), missing_is_404=True)


def _expired(rider_id: int, need_id: int) -> Response:
    flash(_("The form has expired. Please try again."), "error")
    return _back(rider_id, need_id)


@bp.route("/riders/<int:rider_id>/needs/<int:need_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_rider_need(rider_id: int, need_id: int) -> Response | tuple[str, int]:
    """Change a need for the rider: the public form and its rules, and her own edit service."""
    session = get_session()
    try:
        rider = rider_office.office_rider(session, rider_id)
        need = registration.rider_need(session, rider.id, need_id)
    except NotFound:
        abort(404)
    if need.status == NeedStatus.CANCELLED:
        flash(_("A cancelled ride request cannot be changed."), "error")
        return _back(rider_id, need_id)
    form = OfficeNeedForm()
    fill_choices(form, session)
    status = 200
    if not form.is_submitted():
        fill_from_need(form, need)
        form.row_version.data = str(need.row_version)
    elif form.validate():
        try:
            rider_office.edit_need(
                session,
                rider.id,
                need.id,
                row_version_of(form),
                need_input(form),
                current_account().id,
                current_settings(),
            )
        except DomainValidationError as error:
            session.rollback()
            attach_error(form, error)
            status = 422
        except Conflict:
            session.rollback()
            status = 409  # the page says so above the form, with a link to the current version
        else:
            session.commit()
            flash(_("The ride request is changed. The rider is told."), "success")
            return _back(rider_id, need_id)
    else:
        status = 422
    return render_template(
        "coordinators/rider_need_edit.html",
        rider=rider,
        need=need,
        form=form,
        stale=status == 409,
        icons=PURPOSE_ICONS,
        today=today(),
    ), status


StatusChange = Callable[[Session, int, int, int, int, Settings], object]
"""A ``rider_office`` change of a need's status.

Called as (session, rider id, need id, row version, coordinator id, settings).
"""
DayChange = Callable[[Session, int, int, int, dt.date, int, Settings], object]
"""Change one day of a need, called as ``StatusChange`` with the day after the row version."""


def _change_status(rider_id: int, need_id: int, change: StatusChange, done: str) -> Response:
    """Check the form, then run ``change`` for the signed-in coordinator."""
    form = NeedActionForm()
    if not form.validate_on_submit():
        return _expired(rider_id, need_id)
    return _act(
        rider_id,
        need_id,
        lambda: change(
            get_session(),
            rider_id,
            need_id,
            row_version_of(form),
            current_account().id,
            current_settings(),
        ),
        done,
    )


def _change_day(
    rider_id: int, need_id: int, change: DayChange, done: Callable[[str], str]
) -> Response:
    """Check the form, then run ``change`` on its day; ``done`` says so for the shown day."""
    form = NeedDayForm()
    if not form.validate_on_submit():
        return _expired(rider_id, need_id)
    day = form.day.data
    return _act(
        rider_id,
        need_id,
        lambda: change(
            get_session(),
            rider_id,
            need_id,
            row_version_of(form),
            day,
            current_account().id,
            current_settings(),
        ),
        done(day.strftime("%d.%m.%Y")),
    )


@bp.post("/riders/<int:rider_id>/needs/<int:need_id>/pause")
@coordinator_required
def pause_rider_need(rider_id: int, need_id: int) -> Response:
    """Pause an active need until resumed; the rider is told."""
    return _change_status(
        rider_id,
        need_id,
        rider_office.pause_need,
        _("Paused: no rides until you resume it. The rider is told."),
    )


@bp.post("/riders/<int:rider_id>/needs/<int:need_id>/resume")
@coordinator_required
def resume_rider_need(rider_id: int, need_id: int) -> Response:
    """Resume a paused need; its trips of the coming days are made; the rider is told."""
    return _change_status(
        rider_id,
        need_id,
        rider_office.resume_need,
        _("Resumed: the rides are planned again. The rider is told."),
    )


@bp.post("/riders/<int:rider_id>/needs/<int:need_id>/cancel")
@coordinator_required
def cancel_rider_need(rider_id: int, need_id: int) -> Response:
    """End a need for good; the rider is told."""
    return _change_status(
        rider_id,
        need_id,
        rider_office.cancel_need,
        _("The ride request is cancelled. The rider is told."),
    )


@bp.post("/riders/<int:rider_id>/needs/<int:need_id>/pause-day")
@coordinator_required
def pause_rider_day(rider_id: int, need_id: int) -> Response:
    """No ride on one day (the personal page's pause); the rider is told."""
    return _change_day(
        rider_id,
        need_id,
        rider_office.pause_day,
        lambda day: _("Done: no ride on %(day)s. The rider is told.", day=day),
    )


@bp.post("/riders/<int:rider_id>/needs/<int:need_id>/resume-day")
@coordinator_required
def resume_rider_day(rider_id: int, need_id: int) -> Response:
    """Undo a paused day; the rider is told."""
    return _change_day(
        rider_id,
        need_id,
        rider_office.resume_day,
        lambda day: _("The ride on %(day)s is planned again. The rider is told.", day=day),
    )


@bp.route("/riders/<int:rider_id>/erase", methods=["GET", "POST"])
@coordinator_required
def erase_rider(rider_id: int) -> Response | tuple[str, int]:
    """Erase the rider's data at their request: a confirmation page, then one transaction."""
    session = get_session()
    try:
        rider = rider_office.office_rider(session, rider_id)
    except NotFound:
        abort(404)
    form = EraseRiderForm()
    if form.validate_on_submit():
        name = rider.first_name
        rider_office.erase_rider(session, rider.id, current_account().id, current_settings())
        session.commit()
        flash(
            _("The data of %(name)s is deleted; their link no longer works.", name=name), "success"
        )
        return redirect(url_for(".riders"), 303)
    day = today()
    open_needs = [n for n in rider.needs if n.status != NeedStatus.CANCELLED]
    view = office_rider_page(session, rider.id, day)
    coming_trips = [
        t for t in view.upcoming if t.trip is not None and t.trip.status != TripStatus.CANCELLED
    ]
    return render_template(
        "coordinators/rider_erase.html",
        rider=rider,
        form=form,
        open_needs=open_needs,
        coming_trips=coming_trips,
    ), (422 if form.is_submitted() else 200)
