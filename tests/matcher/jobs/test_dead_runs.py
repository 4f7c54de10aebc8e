"""Planner runs whose worker is gone: killed, or cut off from its database. No day stays blocked.

The executor beats (``heartbeat_at``); a run silent for longer than
``planner_heartbeat_limit_seconds`` is ended by the next request for its day.
Ageing is done by moving the frozen clock, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from matcher import migrate
from matcher.clock import utcnow
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.errors import Conflict
from matcher.jobs.planner_runs import execute_run
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import RunFailure
from matcher.planning import runs
from matcher.plans.lifecycle import approve_plan
from tests.matcher.district_kit import DAY
from tests.matcher.district_kit import SETTINGS
from tests.matcher.district_kit import build_district
from tests.matcher.district_kit import plan_day
from tests.matcher.planning import fake_solvers

ROOT = Path(__file__).resolve().parents[3]
LIMIT = dt.timedelta(seconds=SETTINGS.planner_heartbeat_limit_seconds)
WAIT_SECONDS = 120.0
"""Only so a broken test fails instead of hanging; nothing is timed against it."""


@pytest.fixture()
def database(fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A migrated database of its own: runs commit for real, and other processes see it."""
    monkeypatch.syspath_prepend(str(ROOT))  # child processes import the fakes by name
    migrate.upgrade(fresh_engine)
    return fresh_engine


@pytest.fixture()
def factory(database: Engine) -> sessionmaker[Session]:
    return make_session_factory(database)


def approved_day_and_queued_run(factory: sessionmaker[Session]) -> tuple[int, int]:
    """A district with an approved plan for DAY and a queued run; (run id, plan id)."""
    with factory() as session:
        district = build_district(session)
        plan, _, _ = plan_day(session, actor_id=district.coordinator.id)
        approve_plan(session, plan.id, expected_row_version=plan.row_version, actor_id=None)
        run = runs.request_run(
            session, DAY, coordinator_id=district.coordinator.id, settings=SETTINGS
        )
        session.commit()
        return run.id, plan.id


def plans_snapshot(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with factory() as session:
        return [
            (p.id, p.version, str(p.status), p.row_version, len(p.routes))
            for p in session.scalars(sa.select(DayPlan).order_by(DayPlan.id))
        ]


def wait_for(condition: Callable[[], bool]) -> None:
    """Poll until ``condition()`` holds (the run reached the point the test needs)."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < WAIT_SECONDS, "the run never got there"
        time.sleep(0.05)


def reports(factory: sessionmaker[Session], run_id: int, objective: int) -> Callable[[], bool]:
    def check() -> bool:
        with factory() as session:
            return runs.run_status(session, run_id).best_objective == objective

    return check


def get_run(factory: sessionmaker[Session], run_id: int) -> PlanningRun:
    with factory() as session:
        run = session.get(PlanningRun, run_id)
        assert run is not None
        return run


def assert_blocked_then_freed(factory: sessionmaker[Session], run_id: int) -> PlanningRun:
    """Within the limit the day is still refused; past it a new run is queued. The new run."""
    heartbeat = get_run(factory, run_id).heartbeat_at
    assert heartbeat is not None
    just_within = time_machine.travel(heartbeat + LIMIT - dt.timedelta(seconds=1), tick=False)
    with just_within, factory() as session, pytest.raises(Conflict):
        runs.request_run(session, DAY, coordinator_id=None, settings=SETTINGS)
    beyond = time_machine.travel(heartbeat + LIMIT + dt.timedelta(seconds=1), tick=False)
    with beyond, factory() as session:
        new = runs.request_run(session, DAY, coordinator_id=None, settings=SETTINGS)
        session.commit()
        status = runs.run_status(session, run_id, SETTINGS.tz)
    assert status.status == "failed" and status.finished
    assert status.message == runs.FAILURE_MESSAGES[RunFailure.STOPPED_ANSWERING]
    assert status.message_params == {"time": heartbeat.astimezone(SETTINGS.tz).strftime("%H:%M")}
    assert status.followups == (runs.APPROVED_UNCHANGED, runs.START_AGAIN)
    return new


def test_a_killed_worker_is_marked_failed_after_the_limit_and_the_day_plans_again(
    factory: sessionmaker[Session], database: Engine
) -> None:
    run_id, plan_id = approved_day_and_queued_run(factory)
    before = plans_snapshot(factory)
    from tests.matcher.jobs import planner_worker

    url = database.url.render_as_string(hide_password=False)
    worker = multiprocessing.get_context("spawn").Process(
        target=planner_worker.run_slowly, args=(url, run_id)
    )
    worker.start()
    try:
        wait_for(reports(factory, run_id, 12345))  # solving, beating with its progress
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
        worker.join()
    assert worker.exitcode == -signal.SIGKILL
    assert get_run(factory, run_id).status == PlanningRunStatus.RUNNING  # nobody could say
    new = assert_blocked_then_freed(factory, run_id)
    assert plans_snapshot(factory) == before
    execute_run(factory, new.id, SETTINGS)  # the day can really be planned again
    with factory() as session:
        status = runs.run_status(session, new.id)
        assert status.status == "succeeded"
        draft = session.get(DayPlan, status.result_plan_id)
        assert draft is not None and draft.based_on_id == plan_id


class Outage:
    """A session factory whose database can go away: sessions then point at a closed port."""

    def __init__(self, good: sessionmaker[Session], dead_url: str) -> None:
        self.good = good
        self.dead_engine = make_engine(dead_url)
        self.dead = make_session_factory(self.dead_engine)
        self.down = False

    def __call__(self) -> Session:
        return self.dead() if self.down else self.good()


def closed_database_url(engine: Engine, tmp_path: Path) -> str:
    """A database of the same kind that cannot be reached."""
    if engine.dialect.name == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'db.sqlite'}"


def test_a_run_whose_database_went_away_is_marked_failed_after_the_limit(
    factory: sessionmaker[Session],
    database: Engine,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run_id, _ = approved_day_and_queued_run(factory)
    before = plans_snapshot(factory)
    outage = Outage(factory, closed_database_url(database, tmp_path))
    gate = tmp_path / "solve-now"
    solve = functools.partial(fake_solvers.gated_solve, gate=str(gate))
    executor = threading.Thread(
        target=execute_run, args=(outage, run_id, SETTINGS), kwargs={"solve_function": solve}
    )
    caplog.set_level(logging.WARNING)
    executor.start()
    try:
        wait_for(reports(factory, run_id, 777))
        outage.down = True  # the database goes away while it solves ...
    finally:
        gate.touch()  # ... and the search ends: neither plan nor failure can be written
        executor.join()
    outage.dead_engine.dispose()
    assert "outcome failed not written" in caplog.text
    outage.down = False  # the database is back
    assert get_run(factory, run_id).status == PlanningRunStatus.RUNNING
    new = assert_blocked_then_freed(factory, run_id)
    assert plans_snapshot(factory) == before
    execute_run(factory, new.id, SETTINGS)
    with factory() as session:
        assert runs.run_status(session, new.id).status == "succeeded"


def test_a_run_ended_while_its_worker_still_solves_gets_nothing_written(
    factory: sessionmaker[Session],
) -> None:
    run_id, _ = approved_day_and_queued_run(factory)
    before = plans_snapshot(factory)
    executor = threading.Thread(
        target=execute_run,
        args=(factory, run_id, SETTINGS),
        kwargs={"solve_function": fake_solvers.slow_solve},
    )
    executor.start()
    try:
        wait_for(reports(factory, run_id, 12345))
        with factory() as session:  # as if it had been silent too long (its beats were lost)
            later = utcnow() + LIMIT + dt.timedelta(minutes=5)
            assert runs.expire_stale_runs(session, SETTINGS, later) == [run_id]
            session.commit()
    finally:
        executor.join()  # its next beat finds the run ended: it stops the search
    run = get_run(factory, run_id)
    assert (run.status, run.failure) == (PlanningRunStatus.FAILED, RunFailure.STOPPED_ANSWERING)
    assert run.result_plan_id is None
    assert plans_snapshot(factory) == before


def running_run(session: Session, silent_for: dt.timedelta, **kw: Any) -> PlanningRun:
    now = utcnow()
    kw.setdefault("day", DAY)
    run = PlanningRun(
        status=PlanningRunStatus.RUNNING,
        started_at=now - silent_for - dt.timedelta(seconds=5),
        heartbeat_at=now - silent_for,
        **kw,
    )
    session.add(run)
    session.flush()
    return run


NOW = dt.datetime(2026, 6, 2, 4, 12, 30, tzinfo=dt.UTC)  # 06:12:30 in Berlin


@time_machine.travel(NOW, tick=False)
def test_stop_ends_a_silent_run_at_once_and_asks_a_live_one(session: Session) -> None:
    silent = running_run(session, dt.timedelta(seconds=30))
    assert runs.cancel_run(session, silent.id).status == PlanningRunStatus.CANCELLED
    assert silent.failure == RunFailure.WORKER_GONE and silent.finished_at == NOW
    status = runs.run_status(session, silent.id, SETTINGS.tz)
    assert status.finished and status.message_params == {"time": "06:12"}
    assert status.followups == (runs.START_AGAIN,)  # no plan yet: nothing else to promise
    live = running_run(session, dt.timedelta(seconds=1))
    assert runs.cancel_run(session, live.id).status == PlanningRunStatus.RUNNING
    assert live.cancel_requested and live.failure is None


@time_machine.travel(NOW, tick=False)
def test_expiry_ends_only_runs_silent_beyond_their_limit(session: Session) -> None:
    queue_limit = dt.timedelta(seconds=SETTINGS.planner_queue_limit_seconds)
    stale = running_run(session, LIMIT + dt.timedelta(seconds=1))
    fresh = running_run(session, LIMIT - dt.timedelta(seconds=1))
    old_queued = PlanningRun(day=DAY, created_at=NOW - queue_limit - dt.timedelta(seconds=1))
    new_queued = PlanningRun(day=DAY, created_at=NOW - queue_limit + dt.timedelta(seconds=1))
    unbeaten = PlanningRun(  # a row from before the heartbeat column: its start counts
        day=DAY, status=PlanningRunStatus.RUNNING, started_at=NOW - LIMIT - dt.timedelta(hours=1)
    )
    other_day = running_run(session, LIMIT * 2)
    other_day.day = DAY + dt.timedelta(days=1)
    session.add_all([old_queued, new_queued, unbeaten])
    session.flush()
    ended = runs.expire_stale_runs(session, SETTINGS, NOW, day=DAY)
    assert sorted(ended) == sorted([stale.id, old_queued.id, unbeaten.id])
    assert old_queued.failure == RunFailure.NEVER_STARTED
    assert (fresh.status, new_queued.status) == (
        PlanningRunStatus.RUNNING,
        PlanningRunStatus.QUEUED,
    )
    assert other_day.status == PlanningRunStatus.RUNNING
    assert runs.expire_stale_runs(session, SETTINGS, NOW) == [other_day.id]  # every day
    status = runs.run_status(session, old_queued.id, SETTINGS.tz)
    assert status.message == runs.FAILURE_MESSAGES[RunFailure.NEVER_STARTED]
    assert status.message_params == {"time": "05:57"}  # when it was requested


def add_dead_run(factory: sessionmaker[Session], day: dt.date = DAY) -> int:
    with factory() as session:
        run = running_run(session, LIMIT + dt.timedelta(minutes=1), day=day)
        session.commit()
        return run.id


def test_the_scheduler_ends_dead_runs_at_start_up_every_minute_and_so_does_a_worker(
    factory: sessionmaker[Session], database: Engine
) -> None:
    from matcher.jobs import planner_queue
    from matcher.jobs import scheduler as jobs
    from matcher.notifications.transports import LogSmsGateway
    from matcher.notifications.transports import Transports

    at_start = add_dead_run(factory)
    transports = Transports(email=LogSmsGateway(), sms=LogSmsGateway())
    jobs.build_scheduler(SETTINGS, engine=database, transports=transports)  # not started
    assert get_run(factory, at_start).failure == RunFailure.STOPPED_ANSWERING
    later = add_dead_run(factory, DAY + dt.timedelta(days=1))
    jobs.stale_planner_runs()  # the job, as the scheduler calls it every minute
    assert get_run(factory, later).status == PlanningRunStatus.FAILED
    by_worker = add_dead_run(factory, DAY + dt.timedelta(days=2))
    assert planner_queue.end_dead_runs(factory, SETTINGS) == [by_worker]  # a worker's start
