"""The intake queue: everything waiting for the office, and the decisions on needs."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.clock import utcnow
from matcher.demand import intake
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.changes import commit_or_explain
from web.coordinators.forms import DeclineForm
from web.coordinators.forms import NeedDecisionForm
from web.coordinators.forms import RequestChangeForm
from web.db import get_session
from web.settings import current_settings


@bp.context_processor
def _intake_count() -> dict[str, Callable[[], int]]:
    """``intake_waiting()`` for the nav link: counted only when a page shows the nav."""
    return {"intake_waiting": lambda: intake.waiting_count(get_session())}


@bp.get("/intake")
@coordinator_required
def intake_queue() -> str:
    """New and edited needs, new drivers, flagged places and possible duplicates, oldest first."""
    now = utcnow()
    return render_template(
        "coordinators/intake.html",
        items=intake.intake_queue(get_session(), now),
        now=now,
        accept_form=NeedDecisionForm(),
        change_form=RequestChangeForm(),
        decline_form=DeclineForm(),
    )


def _row_version(form: NeedDecisionForm) -> int:
    try:
        return int(form.row_version.data or "")
    except ValueError:
        return -1


def _finish(action: Callable[[], object], done: str) -> Response:
    """Run a decision and go back to the queue."""
    return commit_or_explain(action, done, redirect(url_for(".intake_queue"), 303))


def _invalid() -> Response:
    flash(_("The form has expired. Please try again."), "error")
    return redirect(url_for(".intake_queue"), 303)


@bp.post("/intake/needs/<int:need_id>/accept")
@coordinator_required
def accept_need(need_id: int) -> Response:
    """Accept: the need becomes active and its trips of the coming days are made."""
    form = NeedDecisionForm()
    if not form.validate_on_submit():
        return _invalid()
    return _finish(
        lambda: intake.accept_need(
            get_session(), need_id, _row_version(form), current_account().id, current_settings()
        ),
        _("The ride request is accepted; the rider is told."),
    )


@bp.post("/intake/needs/<int:need_id>/change")
@coordinator_required
def request_change(need_id: int) -> Response:
    """Ask the rider for a change; the need waits for their edit."""
    form = RequestChangeForm()
    if not form.validate_on_submit():
        return _invalid()
    return _finish(
        lambda: intake.request_change(
            get_session(),
            need_id,
            _row_version(form),
            current_account().id,
            form.note.data or "",
            current_settings(),
        ),
        _("The rider is asked to change the request."),
    )


@bp.post("/intake/needs/<int:need_id>/decline")
@coordinator_required
def decline_need(need_id: int) -> Response:
    """Decline with a reason from the list and optional words for the rider."""
    form = DeclineForm()
    if not form.validate_on_submit():
        return _invalid()
    return _finish(
        lambda: intake.decline_need(
            get_session(),
            need_id,
            _row_version(form),
            current_account().id,
            form.reason.data or "",
            form.note.data,
            current_settings(),
        ),
        _("The ride request is declined; the rider is told why."),
    )
