"""The scheduler: jobs in the database with stable ids, and only one active scheduler."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from matcher import migrate
from matcher.db import make_engine
from matcher.jobs import scheduler as jobs
from matcher.jobs.scheduler_lock import LeaseLock
from matcher.notifications.transports import LogSmsGateway
from matcher.notifications.transports import Transports
from matcher.settings import Settings

NOW = dt.datetime(2026, 6, 2, 7, 0, tzinfo=dt.UTC)
TRANSPORTS = Transports(email=LogSmsGateway(), sms=LogSmsGateway())
JOB_IDS = {
    "nightly-planning",
    "rider-reminders",
    "driver-answers",
    "data-retention",
    "send-outbox",
    "stale-planner-runs",
}


@pytest.fixture()
def migrated_url(fresh_database_url: str) -> str:
    """A database of its own: the scheduler and the lock commit for real."""
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    return fresh_database_url


@pytest.fixture()
def db(migrated_url: str) -> Engine:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def stored_job_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.scalars(sa.text("SELECT id FROM scheduler_jobs")))


def test_jobs_are_stored_with_stable_ids_and_survive_a_restart(db: Engine) -> None:
    settings = Settings(nightly_planning_time="01:30")
    for _restart in range(2):
        scheduler = jobs.build_scheduler(settings, engine=db, transports=TRANSPORTS, now=NOW)
        scheduler.start(paused=True)
        stored = {job.id: job for job in scheduler.get_jobs()}
        # Replaced, not duplicated; the start-up check queued a catch-up run for the missing draft.
        assert set(stored_job_ids(db)) == JOB_IDS | {"catch-up-planning"}
        scheduler.remove_job("catch-up-planning")  # due now: would run on shutdown's wake-up
        scheduler.shutdown()
    assert set(stored_job_ids(db)) == JOB_IDS
    nightly = stored["nightly-planning"]
    assert (nightly.coalesce, nightly.max_instances, nightly.misfire_grace_time) == (True, 1, 3600)
    assert str(nightly.trigger.fields[5]) == "1" and str(nightly.trigger.fields[6]) == "30"
    assert nightly.func_ref == "matcher.jobs.scheduler:nightly_planning"


def test_no_catch_up_when_tomorrows_draft_exists(db: Engine) -> None:
    with db.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO day_plans (day, version, status, needs_attention, created_at,"
                " row_version) VALUES (:day, 1, 'draft', false, :now, 1)"
            ),
            {"day": dt.date(2026, 6, 3), "now": NOW.replace(tzinfo=None)},
        )
    scheduler = jobs.build_scheduler(Settings(), engine=db, transports=TRANSPORTS, now=NOW)
    scheduler.start(paused=True)
    assert set(stored_job_ids(db)) == JOB_IDS
    scheduler.shutdown()


def test_one_lock_holder_at_a_time_and_expiry_hands_over(db: Engine) -> None:
    lease = dt.timedelta(seconds=90)
    first = LeaseLock(db, holder="web-1", lease=lease)
    second = LeaseLock(db, holder="web-2", lease=lease)
    assert first.acquire(NOW)
    assert not second.acquire(NOW)
    assert first.renew(NOW + dt.timedelta(seconds=30))
    assert not second.acquire(NOW + dt.timedelta(seconds=100))  # renewed until +120 s
    assert second.current_holder(NOW + dt.timedelta(seconds=100)) == "web-1"

    # web-1 stops renewing (crashed): after the lease the other one takes over ...
    assert second.acquire(NOW + dt.timedelta(seconds=121))
    # ... and web-1, waking up, learns that it lost the lock.
    assert not first.renew(NOW + dt.timedelta(seconds=122))
    assert not first.acquire(NOW + dt.timedelta(seconds=122))


def test_released_lock_is_free_at_once(db: Engine) -> None:
    first = LeaseLock(db, holder="a")
    assert first.acquire()
    first.release()
    assert LeaseLock(db, holder="b").acquire()


def test_two_scheduler_services_only_one_runs_and_the_standby_takes_over(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "draft_missing", lambda *_a: None)
    settings = Settings(scheduler_lease_seconds=1)
    services = [
        jobs.SchedulerService(settings, migrated_url, holder=name, transports=TRANSPORTS)
        for name in ("one", "two")
    ]
    threads = [threading.Thread(target=s.run, daemon=True) for s in services]
    threads[0].start()
    assert services[0].active.wait(5)
    threads[1].start()
    time.sleep(1.2)
    assert services[0].active.is_set() and not services[1].active.is_set()

    services[0].stop()
    threads[0].join(10)
    assert services[1].active.wait(5)
    assert services[1].scheduler is not None and services[1].scheduler.running
    services[1].stop()
    threads[1].join(10)
    assert not threads[1].is_alive()
