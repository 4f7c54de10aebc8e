"""The planner run as a job: execute a queued run to the end, with commits of its own.

It owns its sessions (a ``SessionFactory``) and commits short transactions so
the web stays responsive:

1. mark the run running;
2. generate the day's trips (idempotent, committed) and build the problem from
   the newest plan version (locks, previous assignments);
3. solve in a child process (``spawn``): the search never holds the web's GIL,
   and a stop request or a runaway search is ended by terminating the child;
   progress (elapsed seconds, requests served so far, best objective) goes
   into ``PlanningRun.progress`` a few times a second;
4. store the result as a new draft version, in one transaction with the run's
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
import multiprocessing
import time
import traceback
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import solver
from matcher.audit import record_action
from matcher.clock import utcnow
from matcher.db import SessionFactory
from matcher.demand.trips import generate_trips
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.planning.problem import build_problem
from matcher.planning.problem import store_solution
from matcher.planning.runs import ACTIVE
from matcher.settings import Settings

log = logging.getLogger(__name__)

SolveFunction = Callable[..., solver.Solution]
PROGRESS_INTERVAL = 0.3
"""Seconds between progress writes (and cancel checks)."""
GRACE_SECONDS = 60.0
"""Beyond the time limit, how long the child may take before it is stopped as hung."""


class RunCancelled(Exception):
    """The coordinator stopped the run."""


class RunAbandoned(Exception):
    """The run was ended from outside (its heartbeat was too old): write nothing more."""


def _solve_child(problem: solver.Problem, params: solver.SolveParams, conn: Any, fn: Any) -> None:
    """Child process body: solve, stream progress, send the solution or the error.

    ``fn`` None is ``solver.solve``, looked up here: only the child loads OR-Tools
    and the compiled kernels, the process that hands out the work never does.
    """
    fn = fn or solver.solve

    def progress(p: solver.Progress) -> None:
        conn.send(("progress", (p.elapsed_seconds, p.served, p.objective)))

    try:
        conn.send(("done", fn(problem, params, progress)))
    except BaseException as exc:  # the parent records it; nothing else must escape
        conn.send(("error", (type(exc).__name__, str(exc), traceback.format_exc())))
    finally:
        conn.close()


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


def solve_in_child(
    problem: solver.Problem,
    params: solver.SolveParams,
    on_progress: Callable[[dict[str, Any]], bool],
    solve_function: SolveFunction | None = None,
) -> solver.Solution:
    """Solve in a spawned process, reporting progress a few times a second.

    ``on_progress`` returns False to stop the search (RunCancelled is raised then).
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_solve_child, args=(problem, params, sender, solve_function), daemon=True
    )
    t0 = time.monotonic()
    proc.start()
    sender.close()
    latest: dict[str, Any] = {"served": None, "best_objective": None}
    deadline = t0 + params.time_limit_seconds + GRACE_SECONDS
    try:
        while True:
            message = None
            if receiver.poll(PROGRESS_INTERVAL):
                try:
                    message = receiver.recv()
                except EOFError:
                    raise RuntimeError("the planner process ended without an answer") from None
            if message is not None and message[0] == "done":
                solution: solver.Solution = message[1]
                return solution
            if message is not None and message[0] == "error":
                name, text, trace = message[1]
                log.error("planner failed in child process:\n%s", trace)
                raise RuntimeError(f"{name}: {text}" if text else name)
            if message is not None:
                _, served, objective = message[1]
                latest = {"served": served, "best_objective": objective}
            now = time.monotonic()
            if not on_progress({"elapsed_seconds": round(now - t0, 2), **latest}):
                raise RunCancelled
            if now > deadline:
                raise RuntimeError("the planner took far longer than its time limit")
            if not proc.is_alive() and not receiver.poll():
                raise RuntimeError("the planner process ended without an answer")
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        receiver.close()


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
            )
            return
        run.status = PlanningRunStatus.RUNNING
        run.started_at = run.heartbeat_at = utcnow()
        run.progress = {"phase": "preparing", "elapsed_seconds": 0.0}
        day, base_plan_id, actor_id = run.day, run.base_plan_id, run.requested_by_id
        session.commit()
    try:
        with session_factory() as session:
            generate_trips(session, day, settings)
            session.commit()
            _beat_or_abandon(session_factory, run_id)
            base = session.get(DayPlan, base_plan_id) if base_plan_id is not None else None
            pi = build_problem(session, day, settings, base_plan=base)
        _beat_or_abandon(session_factory, run_id)
        requests = len(pi.problem.requests)
        params = solver.SolveParams(
            time_limit_seconds=float(settings.planner_time_limit_seconds),
            solution_limit=settings.planner_solution_limit,
            workers=settings.planner_workers,
        )

        def on_progress(values: dict[str, Any]) -> bool:
            progress = {"phase": "solving", "requests": requests, **values}
            _beat_or_abandon(session_factory, run_id, progress=progress)  # progress: best effort
            return not _cancel_requested(session_factory, run_id)

        solution = solve_in_child(pi.problem, params, on_progress, solve_function)
        progress = {
            "phase": "done",
            "requests": requests,
            "served": len(solution.served_ids),
            "best_objective": solution.objective.total,
            "elapsed_seconds": round(solution.stats.wall_seconds, 2),
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
        _finish(session_factory, run_id, PlanningRunStatus.FAILED, _plain(exc))


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
    text = str(exc).strip() or type(exc).__name__
    return (text if text.endswith(".") else text + ".")[:1000]


def _finish(
    session_factory: SessionFactory, run_id: int, status: PlanningRunStatus, error: str
) -> None:
    """Record the outcome of a run that is still queued or running (else leave it alone).

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
                    progress={**(run.progress or {}), "phase": str(status)},
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
