"""The day page and the planner runs started from it (start, progress, stop)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matcher.clock import utcnow
from matcher.errors import MatcherError
from matcher.models import PlanningRunStatus
from matcher.planning import runs
from matcher.queries import overview
from matcher.queries.unserved import riders_to_call
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms import ButtonForm
from web.coordinators.presenters import RUN_STATUS_LABELS
from web.coordinators.presenters import run_message
from web.coordinators.queue import failed_planner_jobs
from web.coordinators.queue import planner_queue
from web.db import get_session
from web.errors import translate_domain_error
from web.settings import current_settings


@bp.get("/days/<isodate:day>")
@coordinator_required
def day(day: dt.date) -> str:
    """The day's trips, its plan versions, the planner (start, watch, stop), riders to call."""
    session = get_session()
    if runs.expire_stale_runs(session, current_settings(), utcnow(), day=day):
        session.commit()  # a run whose worker is gone no longer blocks the day
    day_runs = overview.day_runs(session, day)
    active = next((r for r in day_runs if r.status in overview.ACTIVE_RUN_STATUSES), None)
    last = day_runs[0] if day_runs and day_runs[0] is not active else None
    return render_template(
        "coordinators/day.html",
        day=day,
        trips=overview.day_trips(session, day),
        to_call=riders_to_call(session, day),
        versions=overview.plan_versions(session, day),
        active_run=active,
        last_run=last,
        last_status=runs.run_status(session, last.id, current_settings().tz) if last else None,
        button_form=ButtonForm(),
        failed_jobs=failed_planner_jobs(),
    )


@bp.post("/days/<isodate:day>/plan")
@coordinator_required
def start_run(day: dt.date) -> Response:
    """Queue a planner run; it starts once this request's transaction is committed."""
    session = get_session()
    try:
        run = runs.request_run(
            session, day, coordinator_id=current_account().id, settings=current_settings()
        )
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return redirect(url_for(".day", day=day), 303)
    session.commit()
    planner_queue().submit(run.id)
    flash(_("The planner has started."), "success")
    return redirect(url_for(".day", day=day), 303)


@bp.get("/runs/<int:run_id>/progress")
@coordinator_required
def run_progress(run_id: int) -> dict[str, Any]:
    """The run's progress as JSON, polled every second by planner-progress.js."""
    session = get_session()
    status = runs.run_status(session, run_id, current_settings().tz)
    if not status.finished and runs.expire_stale_runs(
        session, current_settings(), utcnow(), day=status.day
    ):
        session.commit()  # its worker is gone: the page stops saying "running"
        status = runs.run_status(session, run_id, current_settings().tz)
    message = run_message(status)
    return {
        "run_id": status.run_id,
        "status": status.status,
        "status_label": str(RUN_STATUS_LABELS.get(status.stage, status.status)),
        "stage": status.stage,
        "first_plan_seconds": status.first_plan_seconds,
        "finished": status.finished,
        "elapsed_seconds": round(status.elapsed_seconds, 1),
        "requests": status.requests,
        "served": status.served,
        "best_cost": status.best_objective,
        "message": message,
        "plan_url": url_for(".plan", plan_id=status.result_plan_id)
        if status.result_plan_id
        else None,
    }


@bp.post("/runs/<int:run_id>/cancel")
@coordinator_required
def cancel_run(run_id: int) -> Response:
    """Ask the run to stop; earlier plan versions stay as they are."""
    session = get_session()
    try:
        run = runs.cancel_run(session, run_id)
    except MatcherError as error:
        session.rollback()
        flash(translate_domain_error(error), "error")
        return redirect(url_for(".dashboard"), 303)
    session.commit()
    if run.status == PlanningRunStatus.RUNNING:
        flash(_("The planner is stopping. Earlier versions of the plan stay as they are."), "info")
    else:
        flash(_("The planner was stopped. Earlier versions of the plan stay as they are."), "info")
    return redirect(url_for(".day", day=run.day), 303)
