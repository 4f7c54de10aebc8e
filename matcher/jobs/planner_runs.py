"""The planner run as a job: execute a queued run to the end, with commits of its own.

It owns its sessions (a ``SessionFactory``) and commits short transactions so
the web stays responsive:

1. mark the run running;
2. hand the day to the planner's own process (``matcher.jobs.planner_process``,
   spawned): it generates the day's trips (idempotent, committed), builds the
   problem from the newest plan version (locks, previous assignments, the
   travel matrix) and solves it. This process only watches: progress (the
   phase, preparing or solving, then requests served so far and the best
   objective from the first feasible plan on) goes into ``PlanningRun.progress``
   a few times a second, and a stop request or a runaway child ends the child;
3. store the result as a new draft version, in one transaction with the run's
   success. A failure or a stop records ``failed`` / ``cancelled`` with a plain
   message instead and writes no plan: earlier versions stay as they were.

Every step beats (``PlanningRun.heartbeat_at``), and every write is conditional
on the run still being ``running``: a run that went silent for too long (its
database was away, say) may have been ended by ``expire_stale_runs`` meanwhile,
and then the executor stops the search and writes nothing, neither a plan nor
an outcome. When not even the outcome can be written, it is logged and the
heartbeat's age ends the run later.

Requesting, stopping, reading and expiring runs are services in ``matcher.planning.runs``.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.audit import record_action
from matcher.clock import utcnow
from matcher.db import SessionFactory
from matcher.errors import MatcherError
from matcher.jobs.planner_process import PlannerJob
from matcher.jobs.planner_process import RunCancelled
from matcher.jobs.planner_process import SolveFunction
from matcher.jobs.planner_process import plan_in_child
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.planning.problem import store_solution
from matcher.planning.runs import ACTIVE
from matcher.planning.runs import ANOTHER_RUN
from matcher.planning.runs import NO_DATABASE_FILE
from matcher.planning.runs import RunFailed
from matcher.planning.runs import failure_reason
from matcher.planning.runs import reason_record
from matcher.settings import Settings

log = logging.getLogger(__name__)


class RunAbandoned(Exception):
    """The run was ended from outside (its heartbeat was too old): write nothing more."""


def _beat(session_factory: SessionFactory, run_id: int, **values: Any) -> bool:
    """Renew the heartbeat (and write ``values``) in a transaction of its own.

    Only while the run is ``running``: False when it is not any more (ended from
    outside). A database error is logged and counts as alive (the next beat
    tries again; if none gets through, the heartbeat's age ends the run).
    """
    try:
        with session_factory() as session:
            result = session.execute(
                sa.update(PlanningRun)
                .where(PlanningRun.id == run_id, PlanningRun.status == PlanningRunStatus.RUNNING)
                .values(heartbeat_at=utcnow(), **values)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0))
    except sa.exc.OperationalError as exc:  # e.g. SQLite busy, or the database away
        log.warning("planner run %s: heartbeat not written (%s)", run_id, exc)
        return True


def _beat_or_abandon(session_factory: SessionFactory, run_id: int, **values: Any) -> None:
    if not _beat(session_factory, run_id, **values):
        raise RunAbandoned


def _cancel_requested(session_factory: SessionFactory, run_id: int) -> bool:
    """Whether a coordinator asked the run to stop, read on its own.

    Kept apart from the progress write: when that write fails (SQLite busy),
    a stop must still be seen at the next check, not after the whole search.
    """
    try:
        with session_factory() as session:
            query = sa.select(PlanningRun.cancel_requested).where(PlanningRun.id == run_id)
            return bool(session.scalar(query))
    except sa.exc.OperationalError as exc:
        log.warning("planner run %s: stop request not read (%s)", run_id, exc)
        return False


def _database_url(session: Session) -> str:
    """Where the planner process finds the database (with the password: it connects itself)."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise RunFailed(NO_DATABASE_FILE, detail="in-memory SQLite")
    return url.render_as_string(hide_password=False)


def execute_run(
    session_factory: SessionFactory,
    run_id: int,
    settings: Settings,
    *,
    solve_function: SolveFunction | None = None,
) -> None:
    """Run the planner for ``run_id`` to the end (commits its own transactions).

    ``solve_function`` (a module-level function, it is sent to the child
    process) lets tests stand in for ``solver.solve`` (None: the real one).
    """
    with session_factory() as session:
        run = session.get(PlanningRun, run_id)
        if run is None or run.status != PlanningRunStatus.QUEUED:
            return
        if run.cancel_requested:
            _finish(
                session_factory, run_id, PlanningRunStatus.CANCELLED, "stopped before it started"
            )
            return
        other = session.scalar(
            sa.select(PlanningRun.id).where(
                PlanningRun.day == run.day,
                PlanningRun.status == PlanningRunStatus.RUNNING,
                PlanningRun.id != run_id,
            )
        )
        if other is not None:  # two requests raced past request_run's check
            _finish(
                session_factory,
                run_id,
                PlanningRunStatus.FAILED,
                "another planner run for this day is active.",
                RunFailed(ANOTHER_RUN),
            )
            return
        run.status = PlanningRunStatus.RUNNING
        run.started_at = run.heartbeat_at = utcnow()
        run.progress = {"phase": "preparing", "elapsed_seconds": 0.0}
        day, base_plan_id, actor_id = run.day, run.base_plan_id, run.requested_by_id
        session.commit()
    try:
        with session_factory() as session:
            job = PlannerJob(_database_url(session), day, base_plan_id, settings)

        def on_progress(values: dict[str, Any]) -> bool:
            _beat_or_abandon(session_factory, run_id, progress=values)  # progress: best effort
            return not _cancel_requested(session_factory, run_id)

        pi, solution, last = plan_in_child(job, on_progress, solve_function)
        progress = {
            **last,
            "phase": "done",
            "served": len(solution.served_ids),
            "best_objective": solution.objective.total,
            "search_seconds": round(solution.stats.wall_seconds, 2),
        }
        with session_factory() as session:
            _claim_success(session, run_id, progress)
            base = session.get(DayPlan, base_plan_id) if base_plan_id is not None else None
            plan = store_solution(session, pi, solution, base_plan=base, actor_id=actor_id)
            session.execute(
                sa.update(PlanningRun)
                .where(PlanningRun.id == run_id)
                .values(result_plan_id=plan.id)
                .execution_options(synchronize_session=False)
            )
            session.commit()
    except RunAbandoned:
        log.warning("planner run %s was ended while it worked (silent too long); stopped", run_id)
    except RunCancelled:
        _finish(session_factory, run_id, PlanningRunStatus.CANCELLED, "stopped by a coordinator")
    except Exception as exc:
        log.exception("planner run %s failed", run_id)
        reason = failure_reason(exc)
        detail = reason.detail if isinstance(reason, RunFailed) else _plain(exc)
        _finish(session_factory, run_id, PlanningRunStatus.FAILED, _plain_text(detail), reason)


def _claim_success(session: Session, run_id: int, progress: dict[str, Any]) -> None:
    """Mark the run succeeded first thing in the transaction that stores its plan.

    The update is conditional (still running, no stop asked) and holds the run's
    row until the commit, so a stop or an expiry cannot slip in between; when it
    finds the run stopped or ended, nothing is stored.
    """
    now = utcnow()
    result = session.execute(
        sa.update(PlanningRun)
        .where(
            PlanningRun.id == run_id,
            PlanningRun.status == PlanningRunStatus.RUNNING,
            PlanningRun.cancel_requested.is_(False),
        )
        .values(
            status=PlanningRunStatus.SUCCEEDED, finished_at=now, heartbeat_at=now, progress=progress
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        return
    session.rollback()
    run = session.get(PlanningRun, run_id)
    if run is not None and run.status == PlanningRunStatus.RUNNING:
        raise RunCancelled
    raise RunAbandoned


def _plain(exc: Exception) -> str:
    return _plain_text(str(exc).strip() or type(exc).__name__)


def _plain_text(text: str) -> str:
    text = text.strip()
    return (text if text.endswith(".") else text + ".")[:1000]


def _finish(
    session_factory: SessionFactory,
    run_id: int,
    status: PlanningRunStatus,
    error: str,
    reason: MatcherError | None = None,
) -> None:
    """Record the outcome of a run that is still queued or running (else leave it alone).

    ``error`` is the English record (run row, audit log); ``reason``, for a failure,
    what the coordinator's page says, kept as template and parameters in the progress.

    When the database cannot take even this, log it: the run's heartbeat then
    ages and ``expire_stale_runs`` ends it.
    """
    try:
        with session_factory() as session:
            run = session.get(PlanningRun, run_id)
            if run is None or run.status not in ACTIVE:
                return
            now = utcnow()
            result = session.execute(
                sa.update(PlanningRun)
                .where(PlanningRun.id == run_id, PlanningRun.status.in_(ACTIVE))
                .values(
                    status=status,
                    error=error,
                    finished_at=now,
                    started_at=run.started_at or now,
                    progress={
                        **(run.progress or {}),
                        "phase": str(status),
                        **({"reason": reason_record(reason)} if reason else {}),
                    },
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0):
                record_action(
                    session, None, f"planner.{status}", "planning_run", run_id, error=error
                )
            session.commit()
    except sa.exc.SQLAlchemyError:
        log.exception(
            "planner run %s: outcome %s not written; it ends once its heartbeat is too old",
            run_id,
            status,
        )
