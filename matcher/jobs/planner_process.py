"""The planner's own process: it prepares the day and solves it; its parent only watches.

``plan_in_child`` spawns a process that opens the database itself, generates
the day's trips (committed, idempotent), builds the solver problem (travel
matrix included) and runs the search, streaming what happens through a pipe:

- ``("prepared", (requests, seconds))`` once the problem exists;
- ``("progress", (elapsed, served, objective))`` for each better plan, the
  first one as soon as the search has a feasible plan;
- ``("done", (planning_input, solution))`` or ``("error", ...)`` at the end.

The parent (a web worker's planner thread with ``PLANNER_QUEUE=local``, or an
RQ worker) therefore never runs the preparation or the search, never holds
OR-Tools, numba or numpy, and stays free to write progress, beat and see a stop
request every ``PROGRESS_INTERVAL``, during the preparation too. A stop, or a
process far beyond its limits, ends the child by terminating it.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import solver
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.demand.trips import generate_trips
from matcher.models import DayPlan
from matcher.planning.planning_input import PlanningInput
from matcher.planning.problem import build_problem
from matcher.planning.runs import INTERNAL_ERROR
from matcher.planning.runs import NO_ANSWER
from matcher.planning.runs import TOO_LONG
from matcher.planning.runs import RunFailed
from matcher.planning.runs import failure_reason
from matcher.planning.runs import reason_record
from matcher.settings import Settings

log = logging.getLogger(__name__)

SolveFunction = Callable[..., solver.Solution]
PROGRESS_INTERVAL = 0.3
"""Seconds between progress writes (and cancel checks)."""
PREPARATION_LIMIT_SECONDS = 300.0
"""How long spawning, the trips and the problem (a road router's tables, say) may take."""
GRACE_SECONDS = 60.0
"""Beyond the time limit, how long the search may take before it is stopped as hung."""


class RunCancelled(Exception):
    """The coordinator stopped the run."""


@dataclass(frozen=True)
class PlannerJob:
    """What the planner process needs: where the database is, which day, from which version."""

    database_url: str
    """With its password: the child opens a connection of its own."""
    day: dt.date
    base_plan_id: int | None
    settings: Settings


def solve_params(settings: Settings) -> solver.SolveParams:
    """The search's parameters from the district's settings."""
    return solver.SolveParams(
        time_limit_seconds=float(settings.planner_time_limit_seconds),
        solution_limit=settings.planner_solution_limit,
        workers=settings.planner_workers,
    )


def prepare_day(job: PlannerJob) -> PlanningInput:
    """The day's trips (committed) and the solver problem from the newest plan version."""
    engine = make_engine(job.database_url)
    try:
        with make_session_factory(engine)() as session:
            generate_trips(session, job.day, job.settings)
            session.commit()
            base = session.get(DayPlan, job.base_plan_id) if job.base_plan_id is not None else None
            return build_problem(session, job.day, job.settings, base_plan=base)
    finally:
        engine.dispose()


def _child(job: PlannerJob, conn: Any, fn: SolveFunction | None) -> None:
    """Planner process body: prepare, solve, stream progress, send the result or the error.

    ``fn`` None is ``solver.solve``, looked up here: only this process loads
    OR-Tools and the compiled kernels.
    """
    try:
        t0 = time.monotonic()
        pi = prepare_day(job)
        conn.send(("prepared", (len(pi.problem.requests), round(time.monotonic() - t0, 2))))

        def progress(p: solver.Progress) -> None:
            conn.send(("progress", (p.elapsed_seconds, p.served, p.objective)))

        solution = (fn or solver.solve)(pi.problem, solve_params(job.settings), progress)
        conn.send(("done", (pi, solution)))
    except BaseException as exc:  # the parent records it; nothing else must escape
        reason = failure_reason(exc) if isinstance(exc, Exception) else None
        template, params = (
            (reason.template, reason_record(reason)["params"]) if reason else ("", {})
        )
        if isinstance(reason, RunFailed) and reason.template == INTERNAL_ERROR:
            template, params = "", {}  # the parent names the exception
        body = (type(exc).__name__, str(exc), traceback.format_exc(), template, params)
        conn.send(("error", body))
    finally:
        conn.close()


class _Watch:
    """What the parent knows of the child so far, as the run's progress."""

    def __init__(self, job: PlannerJob) -> None:
        self.t0 = time.monotonic()
        self.limit = float(job.settings.planner_time_limit_seconds)
        self.deadline = self.t0 + PREPARATION_LIMIT_SECONDS
        self.values: dict[str, Any] = {"phase": "preparing"}

    def prepared(self, requests: int, seconds: float) -> None:
        now = time.monotonic()
        self.deadline = now + self.limit + GRACE_SECONDS
        self.values = {
            "phase": "solving",
            "requests": requests,
            "prepared_seconds": round(now - self.t0, 2),
            "served": None,
            "best_objective": None,
        }
        log.info("planner: %d requests prepared in %.2f s (in the process)", requests, seconds)

    def improved(self, served: int, objective: int) -> None:
        self.values.setdefault("first_plan_seconds", round(time.monotonic() - self.t0, 2))
        self.values.update(served=served, best_objective=objective)

    def progress(self) -> dict[str, Any]:
        return {**self.values, "elapsed_seconds": round(time.monotonic() - self.t0, 2)}


def plan_in_child(
    job: PlannerJob,
    on_progress: Callable[[dict[str, Any]], bool],
    solve_function: SolveFunction | None = None,
) -> tuple[PlanningInput, solver.Solution, dict[str, Any]]:
    """Prepare and solve in a spawned process; the input, the solution and the last progress.

    ``on_progress`` gets the progress a few times a second (``phase`` preparing,
    then solving with ``requests``, ``prepared_seconds``, and ``served``,
    ``best_objective`` and ``first_plan_seconds`` once a plan exists) and returns
    False to stop (``RunCancelled`` is raised then).
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(job, sender, solve_function), daemon=True)
    watch = _Watch(job)
    proc.start()
    sender.close()
    try:
        if not on_progress(watch.progress()):  # "preparing", before the child says anything
            raise RunCancelled
        while True:
            message = None
            if receiver.poll(PROGRESS_INTERVAL):
                try:
                    message = receiver.recv()
                except EOFError:
                    raise RunFailed(NO_ANSWER) from None
            if message is not None:
                kind, body = message
                if kind == "done":
                    pi, solution = body
                    return pi, solution, watch.progress()
                if kind == "error":
                    name, text, trace, template, params = body
                    log.error("planner failed in its process:\n%s", trace)
                    detail = f"{name}: {text}" if text else name
                    if template:  # a domain error: it says why itself
                        raise RunFailed(template, detail=detail, **params)
                    raise RunFailed(INTERNAL_ERROR, name=name, detail=detail)
                if kind == "prepared":
                    watch.prepared(*body)
                else:
                    _, served, objective = body
                    watch.improved(served, objective)
            if not on_progress(watch.progress()):
                raise RunCancelled
            if time.monotonic() > watch.deadline:
                raise RunFailed(TOO_LONG)
            if not proc.is_alive() and not receiver.poll():
                raise RunFailed(NO_ANSWER)
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(5)
        receiver.close()
