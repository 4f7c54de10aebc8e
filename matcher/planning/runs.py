"""Planner runs as the web sees them: request one, stop one, read its progress.

``request_run`` only records a queued ``PlanningRun`` (the view commits and
hands the id to a ``PlannerQueue``); the job that executes it, with short
transactions of its own, is ``matcher.jobs.planner_runs.execute_run``. These
functions flush and never commit: the caller's unit of work decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus

ACTIVE = (PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING)

FAILED_MESSAGE = N_(
    "The planner could not finish: {error} The earlier versions of the plan are unchanged."
)
CANCELLED_MESSAGE = N_("The planner was stopped. The earlier versions of the plan are unchanged.")


@dataclass(frozen=True)
class RunStatus:
    """What the progress endpoint shows.

    ``message`` is a plain English template (``N_``) with ``message_params`` for
    a failed or cancelled run, else None. ``finished`` is True once the run
    succeeded, failed or was cancelled.
    """

    run_id: int
    day: dt.date
    status: str
    elapsed_seconds: float
    requests: int | None
    served: int | None
    best_objective: int | None
    result_plan_id: int | None
    message: str | None
    message_params: dict[str, object]
    finished: bool


def base_plan_for(session: Session, day: dt.date) -> DayPlan | None:
    """The plan version a new run starts from: the newest that is not superseded."""
    return session.scalar(
        sa.select(DayPlan)
        .where(DayPlan.day == day, DayPlan.status != PlanStatus.SUPERSEDED)
        .order_by(DayPlan.version.desc())
        .limit(1)
    )


def request_run(session: Session, day: dt.date, *, coordinator_id: int | None) -> PlanningRun:
    """Queue a planner run for ``day`` from the newest plan version; Conflict if one is active."""
    active = session.scalar(
        sa.select(PlanningRun).where(PlanningRun.day == day, PlanningRun.status.in_(ACTIVE))
    )
    if active is not None:
        raise Conflict(N_("The planner is already working on this day."))
    base = base_plan_for(session, day)
    run = PlanningRun(
        day=day,
        status=PlanningRunStatus.QUEUED,
        base_plan_id=base.id if base is not None else None,
        requested_by_id=coordinator_id,
        progress={"phase": "queued", "elapsed_seconds": 0.0},
    )
    session.add(run)
    session.flush()
    record_action(
        session, coordinator_id, "planner.request", "planning_run", run.id, day=day.isoformat()
    )
    session.flush()
    return run


def cancel_run(session: Session, run_id: int) -> PlanningRun:
    """Ask a queued or running run to stop (a queued one is cancelled at once)."""
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise NotFound(N_("This planner run does not exist."))
    if run.status == PlanningRunStatus.QUEUED:
        run.status = PlanningRunStatus.CANCELLED
        run.finished_at = utcnow()
        run.error = "stopped before it started"
    elif run.status == PlanningRunStatus.RUNNING:
        run.cancel_requested = True
    session.flush()
    return run


def run_status(session: Session, run_id: int) -> RunStatus:
    """The run's state and progress; NotFound for an unknown id."""
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise NotFound(N_("This planner run does not exist."))
    progress = run.progress or {}
    message: str | None = None
    params: dict[str, object] = {}
    if run.status == PlanningRunStatus.FAILED:
        message, params = FAILED_MESSAGE, {"error": run.error or ""}
    elif run.status == PlanningRunStatus.CANCELLED:
        message = CANCELLED_MESSAGE
    return RunStatus(
        run_id=run.id,
        day=run.day,
        status=str(run.status),
        elapsed_seconds=float(progress.get("elapsed_seconds", 0.0)),
        requests=progress.get("requests"),
        served=progress.get("served"),
        best_objective=progress.get("best_objective"),
        result_plan_id=run.result_plan_id,
        message=message,
        message_params=params,
        finished=run.status not in ACTIVE,
    )
