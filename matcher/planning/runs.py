"""Planner runs as the web sees them: request one, stop one, read its progress, end dead ones.

``request_run`` only records a queued ``PlanningRun`` (the view commits and
hands the id to a ``PlannerQueue``); the job that executes it, with short
transactions of its own, is ``matcher.jobs.planner_runs.execute_run``. These
functions flush and never commit: the caller's unit of work decides.

A run can lose its worker (the process killed, the database gone while it
worked, so not even its failure could be written). The executor therefore
beats: ``PlanningRun.heartbeat_at`` is renewed at every step and with every
progress write. ``expire_stale_runs`` ends a run whose heartbeat is older than
``Settings.planner_heartbeat_limit_seconds`` (or that stayed queued longer
than ``planner_queue_limit_seconds``); the day page, the progress poll, a new
request for the day, the scheduler and start-up call it, so no day stays
blocked. Ending a run only changes its own row: plan versions are never
touched, and the executor writes nothing more once its run is no longer
``running`` (every write of its is conditional on that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import BERLIN
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import MatcherError
from matcher.errors import NotFound
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.models import RunFailure
from matcher.settings import Settings

ACTIVE = (PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING)

FAILED_MESSAGE = N_(
    "The planner could not finish: {error} The earlier versions of the plan are unchanged."
)
CANCELLED_MESSAGE = N_("The planner was stopped. The earlier versions of the plan are unchanged.")
FAILURE_MESSAGES = {
    RunFailure.STOPPED_ANSWERING: N_("The planner stopped answering at {time}."),
    RunFailure.NEVER_STARTED: N_("No planner took up the run requested at {time}."),
    RunFailure.WORKER_GONE: N_("The planner was stopped; it had stopped answering at {time}."),
}
"""What happened to a run ended from outside; ``{time}`` is the last sign of life (local)."""
PUBLISHED_UNCHANGED = N_("The published plan is unchanged.")
APPROVED_UNCHANGED = N_("The approved plan is unchanged.")
EARLIER_UNCHANGED = N_("The earlier versions of the plan are unchanged.")
START_AGAIN = N_("You can start a new run.")

NO_ANSWER = N_("The planner process ended without an answer.")
TOO_LONG = N_("The planner took far longer than its time limit.")
ANOTHER_RUN = N_("Another planner run for this day is active.")
NO_DATABASE_FILE = N_("The planner needs a database file or server, not an in-memory database.")
DATABASE_AWAY = N_("The database could not be reached.")
INTERNAL_ERROR = N_("An internal error stopped it ({name}); the service log has the details.")
NOT_RECORDED = N_("The reason is in the service log.")
"""Why a run failed (``{error}`` of ``FAILED_MESSAGE``): each a template in every catalog."""


class RunFailed(MatcherError):
    """A planner run ended without a plan, for a reason a coordinator can read.

    ``detail`` is the technical account in English (exception names, a solver's
    text) for the run row, the audit log and the service log; the page shows the
    translated template only.
    """

    def __init__(self, message: str, *, detail: str = "", **params: object) -> None:
        super().__init__(message, **params)
        self.detail = detail or self.message


def failure_reason(exc: BaseException) -> MatcherError:
    """What to tell the coordinator about ``exc`` (a domain error says it itself)."""
    if isinstance(exc, MatcherError):
        return exc
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return RunFailed(DATABASE_AWAY, detail=f"{type(exc).__name__}: {exc}")
    return RunFailed(INTERNAL_ERROR, name=type(exc).__name__, detail=f"{type(exc).__name__}: {exc}")


def reason_record(reason: MatcherError) -> dict[str, object]:
    """The reason as stored in the run's progress: its template and its parameters as text."""
    return {"template": reason.template, "params": {k: str(v) for k, v in reason.params.items()}}


SILENT_WORKER = dt.timedelta(seconds=10)
"""A stop ends a running run at once when it has not beaten for this long: while it
solves it beats several times a second, so its worker is gone (or stuck); if it is not,
its next beat finds the run ended and it stops without writing anything."""


@dataclass(frozen=True)
class RunStatus:
    """What the progress endpoint shows.

    ``message`` is a plain English template (``N_``) with ``message_params`` for
    a failed or cancelled run, else None; for a failed run ``reason`` is the
    template (with ``reason_params``) to translate into its ``{error}``, and
    ``message_params["error"]`` the English record. ``followups`` are further
    sentences (templates without parameters) to show after it. ``finished`` is True once
    the run succeeded, failed or was cancelled.
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
    followups: tuple[str, ...] = ()
    phase: str | None = None
    """``preparing`` (the planner process builds the problem), ``solving``, ``done``."""
    first_plan_seconds: float | None = None
    """When the first feasible plan existed, seconds after the run started."""
    reason: str | None = None
    reason_params: dict[str, object] = field(default_factory=dict)

    @property
    def stage(self) -> str:
        """What a running run is doing, else its status (queued, succeeded, ...).

        ``preparing`` (the problem is being built), ``searching`` (no plan yet)
        or ``improving`` (a feasible plan exists).
        """
        if self.status != PlanningRunStatus.RUNNING:
            return self.status
        if self.phase == "preparing":
            return "preparing"
        if self.phase == "solving":
            return "searching" if self.served is None else "improving"
        return self.status


def base_plan_for(session: Session, day: dt.date) -> DayPlan | None:
    """The plan version a new run starts from: the newest that is not superseded."""
    return session.scalar(
        sa.select(DayPlan)
        .where(DayPlan.day == day, DayPlan.status != PlanStatus.SUPERSEDED)
        .order_by(DayPlan.version.desc())
        .limit(1)
    )


def request_run(
    session: Session,
    day: dt.date,
    *,
    coordinator_id: int | None,
    settings: Settings,
    now: dt.datetime | None = None,
) -> PlanningRun:
    """Queue a planner run for ``day`` from the newest plan version; Conflict if one is active.

    A run of the day whose worker is gone is ended first (``expire_stale_runs``),
    so it cannot block the day.
    """
    expire_stale_runs(session, settings, now or utcnow(), day=day)
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


def cancel_run(session: Session, run_id: int, now: dt.datetime | None = None) -> PlanningRun:
    """Stop a queued or running run.

    A queued run is cancelled at once, and so is a running one whose worker has
    gone silent (no heartbeat for ``SILENT_WORKER``); a live one is asked to stop
    (``cancel_requested``) and ends itself within a second.
    """
    now = now or utcnow()
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise NotFound(N_("This planner run does not exist."))
    if run.status == PlanningRunStatus.QUEUED:
        run.status = PlanningRunStatus.CANCELLED
        run.finished_at = now
        run.error = "stopped before it started"
    elif run.status == PlanningRunStatus.RUNNING:
        run.cancel_requested = True
        session.flush()
        silent = last_sign_of_life(run) < now - SILENT_WORKER
        if silent and _end_silent_run(
            session,
            run,
            PlanningRunStatus.CANCELLED,
            RunFailure.WORKER_GONE,
            now - SILENT_WORKER,
            now,
        ):
            record_action(session, None, "planner.cancelled", "planning_run", run.id)
    session.flush()
    return run


def last_sign_of_life(run: PlanningRun) -> dt.datetime:
    """When the run last showed it was alive: its heartbeat, else its start, else its request."""
    return run.heartbeat_at or run.started_at or run.created_at


def expire_stale_runs(
    session: Session, settings: Settings, now: dt.datetime, *, day: dt.date | None = None
) -> list[int]:
    """End the runs (of ``day``, or every day) whose worker is gone; returns their ids.

    Failed are: a running run whose last sign of life is older than
    ``planner_heartbeat_limit_seconds``, and a queued run that no worker took up
    within ``planner_queue_limit_seconds``. Each is ended by a conditional
    update, so a run that beat in the meantime is left alone. Plans are not touched.
    """
    limits = {
        PlanningRunStatus.RUNNING: now
        - dt.timedelta(seconds=settings.planner_heartbeat_limit_seconds),
        PlanningRunStatus.QUEUED: now - dt.timedelta(seconds=settings.planner_queue_limit_seconds),
    }
    query = sa.select(PlanningRun).where(
        sa.or_(
            *(
                sa.and_(PlanningRun.status == status, _sign_of_life_sql() < cutoff)
                for status, cutoff in limits.items()
            )
        )
    )
    if day is not None:
        query = query.where(PlanningRun.day == day)
    ended: list[int] = []
    for run in session.scalars(query.order_by(PlanningRun.id)).all():
        failure = (
            RunFailure.STOPPED_ANSWERING
            if run.status == PlanningRunStatus.RUNNING
            else RunFailure.NEVER_STARTED
        )
        cutoff = limits[run.status]
        if _end_silent_run(session, run, PlanningRunStatus.FAILED, failure, cutoff, now):
            record_action(session, None, "planner.failed", "planning_run", run.id, error=run.error)
            ended.append(run.id)
    session.flush()
    return ended


def _sign_of_life_sql() -> sa.ColumnElement[dt.datetime]:
    return sa.func.coalesce(
        PlanningRun.heartbeat_at, PlanningRun.started_at, PlanningRun.created_at
    )


def _end_silent_run(
    session: Session,
    run: PlanningRun,
    status: PlanningRunStatus,
    failure: RunFailure,
    cutoff: dt.datetime,
    now: dt.datetime,
) -> bool:
    """End ``run`` if it is still in the state it was read in and still silent since ``cutoff``."""
    seen = run.status
    last = last_sign_of_life(run)
    error = f"{failure}: no sign of life since {last.isoformat(timespec='seconds')}."
    result = session.execute(
        sa.update(PlanningRun)
        .where(
            PlanningRun.id == run.id,
            PlanningRun.status == seen,
            _sign_of_life_sql() < cutoff,
        )
        .values(
            status=status,
            failure=failure,
            error=error,
            finished_at=max(now, run.started_at or now),
            progress={**(run.progress or {}), "phase": str(status)},
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(run)
    return bool(getattr(result, "rowcount", 0))


def _unchanged_sentence(session: Session, day: dt.date) -> str | None:
    """Which plan the coordinator can rely on: the published one, the approved one, drafts."""
    statuses = set(
        session.scalars(
            sa.select(DayPlan.status).where(
                DayPlan.day == day, DayPlan.status != PlanStatus.SUPERSEDED
            )
        )
    )
    if PlanStatus.PUBLISHED in statuses:
        return PUBLISHED_UNCHANGED
    if PlanStatus.APPROVED in statuses:
        return APPROVED_UNCHANGED
    return EARLIER_UNCHANGED if statuses else None


def run_status(session: Session, run_id: int, tz: dt.tzinfo = BERLIN) -> RunStatus:
    """The run's state and progress; NotFound for an unknown id.

    Times in messages are local to ``tz`` (the district's, ``Settings.tz``).
    """
    run = session.get(PlanningRun, run_id)
    if run is None:
        raise NotFound(N_("This planner run does not exist."))
    progress = run.progress or {}
    message: str | None = None
    params: dict[str, object] = {}
    reason: str | None = None
    reason_params: dict[str, object] = {}
    followups: tuple[str, ...] = ()
    if run.failure is not None and run.status not in ACTIVE:
        when = run.created_at if run.failure == RunFailure.NEVER_STARTED else last_sign_of_life(run)
        message = FAILURE_MESSAGES[run.failure]
        params = {"time": when.astimezone(tz).strftime("%H:%M")}
        unchanged = _unchanged_sentence(session, run.day)
        followups = (*((unchanged,) if unchanged else ()), START_AGAIN)
    elif run.status == PlanningRunStatus.FAILED:
        message, params = FAILED_MESSAGE, {"error": run.error or ""}
        recorded = progress.get("reason") or {}
        reason = str(recorded.get("template") or NOT_RECORDED)
        reason_params = dict(recorded.get("params") or {})
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
        followups=followups,
        reason=reason,
        reason_params=reason_params,
        phase=progress.get("phase"),
        first_plan_seconds=progress.get("first_plan_seconds"),
    )
