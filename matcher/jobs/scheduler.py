"""Scheduled jobs and the scheduler that runs them (APScheduler 3.x, jobs stored in the database).

Job functions are module-level and take no arguments, so the SQLAlchemy job
store can pickle a reference to them; what they need (settings with the mail
password, the session factory) is set by ``configure`` in the scheduler process
and never stored in the job table. Each job is one unit of work: it opens its
own session, commits once, and catches and logs its own failure (the job
boundary) so the scheduler keeps running. The work itself lives in functions
that take a session (or session factory), settings and ``now``, so tests call
them with frozen time.

Only one scheduler runs: ``SchedulerService`` holds a ``LeaseLock`` and starts
the scheduler only while it holds the lease, renewing it from its own loop
(not from a job, which a busy executor could delay).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from matcher.clock import local_day
from matcher.clock import local_instant
from matcher.clock import utcnow
from matcher.db import SessionFactory
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.db import session_scope
from matcher.demand import trips
from matcher.errors import MatcherError
from matcher.jobs import outbox_sender
from matcher.jobs import planner_runs
from matcher.jobs.scheduler_lock import LeaseLock
from matcher.models import DayPlan
from matcher.models import PlanningRun
from matcher.models import PlanningRunStatus
from matcher.models import PlanStatus
from matcher.models.scheduler import JOBS_TABLE
from matcher.notifications import events
from matcher.notifications import reminders
from matcher.notifications.reminders import parse_clock
from matcher.notifications.transports import Transports
from matcher.people import erasure as retention
from matcher.planning import runs
from matcher.settings import Settings

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class JobContext:
    """What jobs need in the scheduler process."""

    settings: Settings
    session_factory: SessionFactory
    transports: Transports


_context: JobContext | None = None


def configure(
    settings: Settings, session_factory: SessionFactory, transports: Transports | None = None
) -> None:
    """Give the job functions their settings and database (once per scheduler process)."""
    global _context
    _context = JobContext(
        settings, session_factory, transports or Transports.from_settings(settings)
    )


def context() -> JobContext:
    """The configured context; jobs cannot run before ``configure``."""
    if _context is None:
        raise RuntimeError("matcher.jobs.configure() was not called in this process")
    return _context


# --- the work, callable with frozen time -------------------------------------------------------


def plan_exists(session: Session, day: dt.date) -> bool:
    """True if ``day`` has a draft, approved or published plan."""
    found = session.scalar(
        sa.select(DayPlan.id)
        .where(DayPlan.day == day, DayPlan.status != PlanStatus.SUPERSEDED)
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True)
class NightlyOutcome:
    """What the nightly planning did for ``day``."""

    day: dt.date
    skipped: bool = False
    plan_id: int | None = None
    error: str | None = None
    """The English record of a failure (logs)."""
    reason: str | None = None
    """Why it failed, a template the coordinators' mail translates (with ``reason_params``)."""
    reason_params: dict[str, str] = field(default_factory=dict)


def plan_day(
    session_factory: SessionFactory, settings: Settings, now: dt.datetime, day: dt.date
) -> NightlyOutcome:
    """Generate ``day``'s trips and a draft plan, then tell the coordinators (once per day)."""
    with session_scope(session_factory) as session:
        if plan_exists(session, day):
            return NightlyOutcome(day, skipped=True)
    outcome = NightlyOutcome(day)
    try:
        with session_scope(session_factory) as session:
            trips.generate_trips(session, day, settings)
            run_id = runs.request_run(
                session, day, coordinator_id=None, settings=settings, now=now
            ).id
        planner_runs.execute_run(session_factory, run_id, settings)
        with session_scope(session_factory) as session:
            run = session.get(PlanningRun, run_id)
            if run is None or run.status != PlanningRunStatus.SUCCEEDED or not run.result_plan_id:
                error = (run.error if run else None) or "the planner run did not succeed"
                recorded = ((run.progress or {}) if run else {}).get("reason") or {}
                outcome = NightlyOutcome(
                    day,
                    error=error,
                    reason=recorded.get("template") or runs.NOT_RECORDED,
                    reason_params=dict(recorded.get("params") or {}),
                )
            else:
                outcome = NightlyOutcome(day, plan_id=run.result_plan_id)
    except (MatcherError, NotImplementedError) as exc:
        log.exception("nightly planning for %s failed", day)
        reason = runs.reason_record(exc) if isinstance(exc, MatcherError) else {}
        outcome = NightlyOutcome(
            day,
            error=getattr(exc, "detail", "") or str(exc) or type(exc).__name__,
            reason=str(reason.get("template") or runs.NOT_RECORDED),
            reason_params=dict(reason.get("params") or {}),  # type: ignore[call-overload]
        )
    with session_scope(session_factory) as session:
        plan = session.get(DayPlan, outcome.plan_id) if outcome.plan_id else None
        events.notify_coordinators(
            session,
            key=f"plan-ready:{day.isoformat()}:{'ok' if plan else 'failed'}",
            template="coordinator_plan_ready.txt",
            settings=settings,
            now=now,
            day=day,
            ok=plan is not None,
            served=(plan.requests_served if plan else None) or 0,
            total=(plan.requests_total if plan else None) or 0,
            reason=outcome.reason or "",
            reason_params=outcome.reason_params,
            url=events.coordinator_day_url(settings, day),
        )
    return outcome


def catch_up_day(settings: Settings, now: dt.datetime) -> dt.date:
    """The day the most recent nightly run was due to plan: tomorrow once it has run today."""
    today = local_day(now, settings.tz)
    nightly = local_instant(today, parse_clock(settings.nightly_planning_time), settings.tz)
    return today + dt.timedelta(days=1) if now >= nightly else today


def expire_stale_runs(session: Session, settings: Settings, now: dt.datetime) -> list[int]:
    """End every day's planner runs whose worker is gone; the ids ended."""
    ended = runs.expire_stale_runs(session, settings, now)
    if ended:
        log.warning("planner runs %s had stopped answering: marked failed", ended)
    return ended


def draft_missing(session: Session, settings: Settings, now: dt.datetime) -> dt.date | None:
    """The start-up check: the day whose nightly draft is missing, or None."""
    day = catch_up_day(settings, now)
    return None if plan_exists(session, day) else day


# --- job functions (module-level, no arguments: pickled by reference) -------------------------


def _run(name: str, work: Callable[[JobContext, dt.datetime], object]) -> None:
    ctx = context()
    try:
        result = work(ctx, utcnow())
        log.info("job %s done: %s", name, result)
    except Exception:  # noqa: BLE001 - the job boundary: log, keep the scheduler alive
        log.exception("job %s failed", name)


def nightly_planning() -> None:
    """Plan tomorrow (local) and tell the coordinators."""
    _run(
        "nightly-planning",
        lambda c, now: plan_day(
            c.session_factory, c.settings, now, local_day(now, c.settings.tz) + dt.timedelta(days=1)
        ),
    )


def catch_up_planning() -> None:
    """Plan the day a missed nightly run should have planned (start-up check)."""
    _run(
        "catch-up-planning",
        lambda c, now: plan_day(c.session_factory, c.settings, now, catch_up_day(c.settings, now)),
    )


def _in_session(
    work: Callable[[Session, Settings, dt.datetime], object],
) -> Callable[[JobContext, dt.datetime], object]:
    def run(ctx: JobContext, now: dt.datetime) -> object:
        with session_scope(ctx.session_factory) as session:
            return work(session, ctx.settings, now)

    return run


def rider_reminders() -> None:
    """Evening reminders for tomorrow's confirmed rides."""
    _run("rider-reminders", _in_session(reminders.send_rider_reminders))


def driver_answers() -> None:
    """Remind silent drivers; alert the coordinators when they stay silent."""
    _run("driver-answers", _in_session(reminders.chase_driver_answers))


def data_retention() -> None:
    """Weekly erasure of inactive people's personal data."""
    _run("data-retention", _in_session(retention.apply_retention))


def stale_planner_runs() -> None:
    """End planner runs whose worker is gone (heartbeat too old), so no day stays blocked."""
    _run("stale-planner-runs", _in_session(expire_stale_runs))


def send_outbox() -> None:
    """Send due messages."""
    _run(
        "send-outbox",
        lambda c, now: outbox_sender.send_pending(
            c.session_factory, c.transports, now, c.settings, clock=utcnow
        ),
    )


# --- the scheduler ------------------------------------------------------------------------------


def build_scheduler(
    settings: Settings,
    database_url: str | None = None,
    *,
    engine: Engine | None = None,
    blocking: bool = False,
    transports: Transports | None = None,
    now: dt.datetime | None = None,
) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler with every job (stable ids, replaced on restart) in the database job store."""
    if engine is None:
        if database_url is None:
            raise ValueError("give database_url or engine")
        engine = make_engine(database_url)
    configure(settings, make_session_factory(engine), transports)
    tz = settings.tz
    scheduler_cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(3)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        timezone=tz,
    )
    nightly = parse_clock(settings.nightly_planning_time)
    evening = parse_clock(settings.rider_reminder_time)
    jobs: list[tuple[str, Callable[[], None], object]] = [
        (
            "nightly-planning",
            nightly_planning,
            CronTrigger(hour=nightly.hour, minute=nightly.minute, timezone=tz),
        ),
        (
            "rider-reminders",
            rider_reminders,
            CronTrigger(hour=evening.hour, minute=evening.minute, timezone=tz),
        ),
        ("driver-answers", driver_answers, IntervalTrigger(minutes=15, timezone=tz)),
        (
            "data-retention",
            data_retention,
            CronTrigger(day_of_week="sun", hour=3, minute=30, timezone=tz),
        ),
        ("send-outbox", send_outbox, IntervalTrigger(minutes=1, timezone=tz)),
        ("stale-planner-runs", stale_planner_runs, IntervalTrigger(minutes=1, timezone=tz)),
    ]
    for job_id, func, trigger in jobs:
        scheduler.add_job(func, trigger, id=job_id, name=job_id, replace_existing=True)
    with session_scope(make_session_factory(engine)) as session:
        expire_stale_runs(session, settings, now or utcnow())  # the start-up check, too
    with session_scope(make_session_factory(engine)) as session:
        missing = draft_missing(session, settings, now or utcnow())
    if missing is not None:
        log.warning("no plan for %s yet: planning it now (missed nightly run)", missing)
        scheduler.add_job(
            catch_up_planning,
            id="catch-up-planning",
            name="catch-up-planning",
            replace_existing=True,
        )
    return scheduler


class SchedulerService:
    """Runs the scheduler while holding the lease; waits as a standby otherwise.

    ``run`` blocks until ``stop()``; use it in the CLI's main thread or a daemon
    thread of the development server.
    """

    def __init__(
        self,
        settings: Settings,
        database_url: str,
        *,
        holder: str | None = None,
        transports: Transports | None = None,
    ) -> None:
        self.settings = settings
        self.engine = make_engine(database_url)
        self.lock = LeaseLock(
            self.engine,
            holder=holder,
            lease=dt.timedelta(seconds=settings.scheduler_lease_seconds),
        )
        self.transports = transports
        self.scheduler: BackgroundScheduler | BlockingScheduler | None = None
        self._stop = threading.Event()
        self.active = threading.Event()

    @property
    def interval(self) -> float:
        """Seconds between lease renewals (and standby attempts): a third of the lease."""
        return max(self.settings.scheduler_lease_seconds / 3, 0.05)

    def _run_while_holding(self) -> None:
        try:
            self.scheduler = build_scheduler(
                self.settings, engine=self.engine, transports=self.transports
            )
            self.scheduler.start()
        except SQLAlchemyError:
            log.exception("scheduler could not start; giving the lease back")
            self._release()
            return
        self.active.set()
        try:
            while not self._stop.wait(self.interval):
                if not self._renew():
                    log.error("scheduler lease lost by %s: stopping jobs", self.lock.holder)
                    break
        finally:
            self.active.clear()
            self.scheduler.shutdown(wait=True)
            self._release()

    def _release(self) -> None:
        try:
            self.lock.release()
        except SQLAlchemyError:  # it expires by itself
            log.exception("scheduler lease release failed")

    def _renew(self) -> bool:
        try:
            return self.lock.renew()
        except SQLAlchemyError:  # cannot prove we still hold it: stop, as if lost
            log.exception("scheduler lease renewal failed")
            return False

    def stop(self) -> None:
        """Ask ``run`` to stop the scheduler, release the lease and return."""
        self._stop.set()

    def run(self) -> None:
        """Acquire the lease (retrying), run the scheduler, renew; repeat after losing it."""
        while not self._stop.is_set():
            try:
                acquired = self.lock.acquire()
            except SQLAlchemyError:  # database down or not migrated yet: keep waiting
                log.exception("scheduler lease check failed; retrying")
                acquired = False
            if acquired:
                log.info("scheduler lease acquired by %s", self.lock.holder)
                self._run_while_holding()
            self._stop.wait(self.interval)
        self.engine.dispose()
