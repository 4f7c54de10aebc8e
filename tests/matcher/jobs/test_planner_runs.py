"""The planner job: success, failure and cancellation, in a child process, plus the queues."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.errors import Conflict
from matcher.jobs import planner_process
from matcher.jobs import planner_queue
from matcher.jobs import planner_runs
from matcher.jobs.planner_queue import JOB_MARGIN_SECONDS
from matcher.jobs.planner_queue import LocalPoolQueue
from matcher.jobs.planner_queue import RqQueue
from matcher.jobs.planner_queue import make_queue
from matcher.jobs.planner_queue import run_worker
from matcher.jobs.planner_runs import execute_run
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.planning.runs import ANOTHER_RUN
from matcher.planning.runs import INTERNAL_ERROR
from matcher.planning.runs import NO_DATABASE_FILE
from matcher.planning.runs import cancel_run
from matcher.planning.runs import request_run
from matcher.planning.runs import run_status
from matcher.plans.lifecycle import approve_plan
from matcher.settings import Settings
from tests.matcher.district_kit import DAY
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import build_district
from tests.matcher.district_kit import plan_day

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture()
def factory(fresh_engine, monkeypatch):
    """A session factory on a migrated database of its own (runs commit for real)."""
    monkeypatch.syspath_prepend(str(ROOT))  # the child process imports the fake solvers
    migrate.upgrade(fresh_engine)
    return make_session_factory(fresh_engine)


@pytest.fixture()
def fakes():
    from tests.matcher.planning import fake_solvers

    return fake_solvers


def queued_run(factory, with_plan: bool = False) -> tuple[int, int | None]:
    """A district and a queued run; optionally an approved plan first. Returns (run, plan)."""
    with factory() as session:
        district = build_district(session)
        plan_id = None
        if with_plan:
            plan, _, _ = plan_day(session, actor_id=district.coordinator.id)
            approve_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
            plan_id = plan.id
        run = request_run(session, DAY, coordinator_id=district.coordinator.id, settings=SETTINGS)
        session.commit()
        return run.id, plan_id


def plans_snapshot(session: Session) -> list[tuple]:
    return [
        (p.id, p.version, str(p.status), p.row_version, len(p.routes))
        for p in session.scalars(sa.select(DayPlan).order_by(DayPlan.id))
    ]


def test_run_succeeds_and_stores_a_new_draft(factory):
    run_id, plan_id = queued_run(factory, with_plan=True)
    execute_run(factory, run_id, SETTINGS)
    with factory() as session:
        status = run_status(session, run_id)
        assert status.status == "succeeded" and status.finished and status.message is None
        assert status.served == 12 and status.requests == 12
        plan = session.get(DayPlan, status.result_plan_id)
        assert (plan.version, plan.status, plan.based_on_id) == (2, PlanStatus.DRAFT, plan_id)
        assert session.get(DayPlan, plan_id).status == PlanStatus.APPROVED
        run = session.get(PlanningRun, run_id)
        assert run.started_at <= run.finished_at


def test_the_planner_process_prepares_the_day_and_its_phases_are_reported(factory, monkeypatch):
    run_id, _ = queued_run(factory, with_plan=True)

    def not_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the day was prepared in the process that hands out the work")

    # Spawned, the planner process imports these afresh: only this process is barred.
    for name in ("generate_trips", "build_problem"):
        monkeypatch.setattr(planner_process, name, not_here)
    written: list[dict] = []
    beat = planner_runs._beat

    def recording_beat(session_factory, run, **values):  # type: ignore[no-untyped-def]
        if "progress" in values:
            written.append(values["progress"])
        return beat(session_factory, run, **values)

    monkeypatch.setattr(planner_runs, "_beat", recording_beat)
    execute_run(factory, run_id, SETTINGS)

    with factory() as session:
        run = session.get(PlanningRun, run_id)
        assert run.status == PlanningRunStatus.SUCCEEDED and run.result_plan_id is not None
        done = run.progress
    phases = [p["phase"] for p in written]
    assert phases[0] == "preparing" and "requests" not in written[0]
    assert phases == sorted(phases, key=["preparing", "solving"].index)  # never back
    solving = [p for p in written if p["phase"] == "solving"]
    assert solving and {p["requests"] for p in solving} == {12}
    assert done["phase"] == "done" and done["served"] == done["requests"] == 12
    assert 0 < done["prepared_seconds"] <= done["first_plan_seconds"] <= done["elapsed_seconds"]
    assert done["search_seconds"] <= done["elapsed_seconds"]


def test_an_in_memory_database_cannot_be_planned_in_a_process_of_its_own() -> None:
    engine = make_engine("sqlite://")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        session.add(PlanningRun(day=DAY, status=PlanningRunStatus.QUEUED, progress={}))
        session.commit()
        run_id = session.scalar(sa.select(PlanningRun.id))
    execute_run(factory, run_id, SETTINGS)
    with factory() as session:
        run = session.get(PlanningRun, run_id)
        assert run.status == PlanningRunStatus.FAILED and "in-memory" in (run.error or "")
        assert run_status(session, run.id).reason == NO_DATABASE_FILE


def test_failure_keeps_the_approved_plan_and_says_what_happened(factory, fakes):
    run_id, _ = queued_run(factory, with_plan=True)
    with factory() as session:
        before = plans_snapshot(session)
    execute_run(factory, run_id, SETTINGS, solve_function=fakes.failing_solve)
    with factory() as session:
        status = run_status(session, run_id)
        assert status.status == "failed" and status.finished
        assert "ran out of memory" in status.message_params["error"]  # the English record
        # What the page translates: no English from the exception (issue 12).
        assert (status.reason, status.reason_params) == (INTERNAL_ERROR, {"name": "RuntimeError"})
        assert "unchanged" in status.message
        assert plans_snapshot(session) == before


def test_cancel_stops_the_child_and_writes_no_plan(factory, fakes):
    run_id, _ = queued_run(factory, with_plan=True)
    with factory() as session:
        before = plans_snapshot(session)
    worker = threading.Thread(
        target=execute_run,
        args=(factory, run_id, SETTINGS),
        kwargs={"solve_function": fakes.slow_solve},
    )
    started = time.monotonic()
    worker.start()
    try:
        while True:  # wait until the child reports progress
            with factory() as session:
                status = run_status(session, run_id)
            if status.best_objective == 12345:
                break
            assert time.monotonic() - started < 60, status
            time.sleep(0.1)
        assert status.status == "running" and status.served == 1 and not status.finished
        with factory() as session:
            cancel_run(session, run_id)
            session.commit()
    finally:
        worker.join(60)
    assert not worker.is_alive()  # stopped: the fake alone would report progress for a minute
    with factory() as session:
        status = run_status(session, run_id)
        assert status.status == "cancelled", status.message_params
        assert "stopped" in status.message
        assert plans_snapshot(session) == before


def test_second_active_run_for_a_day_is_refused(session, district):
    first = request_run(session, DAY, coordinator_id=district.coordinator.id, settings=SETTINGS)
    with pytest.raises(Conflict):
        request_run(session, DAY, coordinator_id=district.coordinator.id, settings=SETTINGS)
    request_run(
        session, DAY + dt.timedelta(days=1), coordinator_id=None, settings=SETTINGS
    )  # another day is fine
    cancel_run(session, first.id)  # a queued run is cancelled at once
    assert first.status == PlanningRunStatus.CANCELLED
    assert (
        request_run(session, DAY, coordinator_id=None, settings=SETTINGS).status
        == PlanningRunStatus.QUEUED
    )


def test_local_pool_queue_runs_the_job(factory):
    run_id, _ = queued_run(factory)
    queue = make_queue(factory, SETTINGS)
    assert isinstance(queue, LocalPoolQueue)
    queue.submit(run_id)
    queue.futures[run_id].result(timeout=120)
    queue.shutdown()
    with factory() as session:
        assert run_status(session, run_id).status == "succeeded"


def test_rq_queue_and_worker(factory):
    name = f"mitfahrnetz-test-{uuid.uuid4().hex}"
    settings = Settings(**{**SETTINGS.__dict__, "planner_queue": "redis"})
    assert isinstance(make_queue(factory, settings), RqQueue)
    queue = RqQueue(settings.redis_url, settings, name=name)
    run_id, _ = queued_run(factory)
    try:
        queue.submit(run_id)
        queue.submit(run_id)  # a second delivery of the same run is the same job
        assert queue.queue.count == 1
        job = queue.queue.jobs[0]
        assert job.timeout == settings.planner_time_limit_seconds + JOB_MARGIN_SECONDS
        assert job.retries_left == 1
        done = run_worker(factory, settings, settings.redis_url, name=name, burst=True)
        assert done == 1 and queue.queue.count == 0 and queue.failed() == []
    finally:
        queue.queue.delete(delete_jobs=True)
    with factory() as session:
        assert run_status(session, run_id).status == "succeeded"


def test_a_job_that_fails_is_retried_once_then_listed_for_the_office(factory, monkeypatch):
    name = f"mitfahrnetz-test-{uuid.uuid4().hex}"
    settings = Settings(**{**SETTINGS.__dict__, "planner_queue": "redis"})
    queue = RqQueue(settings.redis_url, settings, name=name)
    calls = []

    def broken(session_factory, run_id, settings):  # type: ignore[no-untyped-def]
        calls.append(run_id)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(planner_queue, "execute_run", broken)
    try:
        queue.submit(41)
        run_worker(factory, settings, settings.redis_url, name=name, burst=True)
        assert calls == [41, 41]  # once, and the one retry
        (failed,) = queue.failed()
        assert failed.run_id == 41 and "the database went away" in failed.error
    finally:
        queue.queue.failed_job_registry.remove("planner-run-41", delete_job=True)
        queue.queue.delete(delete_jobs=True)


def test_a_run_racing_another_active_run_fails_without_a_plan(factory):
    run_id, _ = queued_run(factory)
    with factory() as session:
        racer = PlanningRun(day=DAY, status=PlanningRunStatus.QUEUED)
        session.add(racer)
        session.get(PlanningRun, run_id).status = PlanningRunStatus.RUNNING
        session.commit()
        racer_id = racer.id
    execute_run(factory, racer_id, SETTINGS)
    with factory() as session:
        status = run_status(session, racer_id)
        assert status.status == "failed" and "another planner run" in status.message_params["error"]
        assert status.reason == ANOTHER_RUN
        assert session.scalar(sa.select(sa.func.count()).select_from(DayPlan)) == 0
