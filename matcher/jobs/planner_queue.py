"""Where planner runs execute: a thread pool in the web process, or RQ workers on Redis.

``PLANNER_QUEUE=local`` (default) runs ``execute_run`` on a small thread pool
(it only watches: preparing the day and solving it happen in the planner's own
process, ``matcher.jobs.planner_process``). ``PLANNER_QUEUE=redis`` enqueues
an RQ job; ``flask --app web planner-worker`` on any machine of the district
works the queue, so several web servers share one: a job is acknowledged when
it ends, retried once when its worker died, stopped after a timeout, and kept in
RQ's failed-job registry for the office to see. The run row in the database is the
source of truth either way: a worker ignores ids whose run is no longer queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import redis
import rq
from sqlalchemy.exc import SQLAlchemyError

from matcher.clock import utcnow
from matcher.db import SessionFactory
from matcher.db import session_scope
from matcher.jobs.planner_runs import execute_run
from matcher.planning.runs import expire_stale_runs
from matcher.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_QUEUE_NAME = "mitfahrnetz-planner"


class PlannerQueue(Protocol):
    """Something that will execute a queued planner run."""

    def submit(self, run_id: int) -> None:
        """Hand the run over; returns at once."""
        ...

    def failed(self, limit: int = 20) -> list[FailedJob]:
        """Jobs the queue gave up on (the run row says the rest)."""
        ...


class LocalPoolQueue:
    """Runs ``execute_run`` on a ThreadPoolExecutor inside this process."""

    def __init__(self, session_factory: SessionFactory, settings: Settings, workers: int = 1):
        self.session_factory = session_factory
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="planner")
        self.futures: dict[int, Future[None]] = {}

    def submit(self, run_id: int) -> None:
        """Schedule the run on the pool."""
        self.futures[run_id] = self.pool.submit(
            execute_run, self.session_factory, run_id, self.settings
        )

    def failed(self, limit: int = 20) -> list[FailedJob]:
        """None: a run that fails in the pool is failed on its row, with its reason."""
        return []

    def shutdown(self, wait: bool = True) -> None:
        """Stop the pool (tests, app teardown)."""
        self.pool.shutdown(wait=wait)


JOB_MARGIN_SECONDS = 300
"""A job may take the planner's own limit plus this (loading, storing, a slow database)."""

FAILED_JOBS_KEPT = dt.timedelta(days=7)


@dataclass(frozen=True)
class FailedJob:
    """A planner job the queue gave up on, for the office's page."""

    run_id: int | None
    failed_at: dt.datetime | None
    error: str


@dataclass
class _WorkerContext:
    session_factory: SessionFactory
    settings: Settings
    jobs_worked: int = 0


_context: _WorkerContext | None = None


def run_planner_job(run_id: int) -> None:
    """What an RQ worker executes: the run to its end, with the worker's database and settings."""
    if _context is None:
        raise RuntimeError("planner job outside a planner worker (run_worker sets the context)")
    _context.jobs_worked += 1
    execute_run(_context.session_factory, run_id, _context.settings)


def job_timeout(settings: Settings) -> int:
    """Seconds before RQ stops a job: the planner's time limit plus a margin."""
    return settings.planner_time_limit_seconds + JOB_MARGIN_SECONDS


class RqQueue:
    """Planner runs as RQ jobs on Redis (``url`` e.g. redis://127.0.0.1:6379/0).

    RQ acknowledges a job only when it ends, retries a job whose worker died once,
    stops a job after :func:`job_timeout` and keeps failed jobs for a week in its
    failed-job registry (:meth:`failed`), which the day page lists.
    """

    def __init__(self, url: str, settings: Settings, name: str = DEFAULT_QUEUE_NAME):
        self.connection = redis.Redis.from_url(url)
        self.queue = rq.Queue(name, connection=self.connection)
        self.settings = settings

    def submit(self, run_id: int) -> None:
        """Enqueue the run, unless its job is already waiting or running (one job per run)."""
        job_id = f"planner-run-{run_id}"
        try:
            status = rq.job.Job.fetch(job_id, connection=self.connection).get_status()
        except rq.exceptions.NoSuchJobError:
            status = None
        if status in (rq.job.JobStatus.QUEUED, rq.job.JobStatus.STARTED):
            return
        self.queue.enqueue(
            run_planner_job,
            run_id,
            job_id=job_id,
            job_timeout=job_timeout(self.settings),
            retry=rq.Retry(max=1),
            result_ttl=int(dt.timedelta(days=1).total_seconds()),
            failure_ttl=int(FAILED_JOBS_KEPT.total_seconds()),
        )

    def failed(self, limit: int = 20) -> list[FailedJob]:
        """The newest failed planner jobs, with the last line of their error."""
        registry = self.queue.failed_job_registry
        found = []
        for job in rq.job.Job.fetch_many(registry.get_job_ids(0, limit - 1), self.connection):
            if job is None:
                continue
            raw = job.args[0] if job.args else None
            result = job.latest_result()
            lines = (result.exc_string if result is not None else "") or ""
            last = lines.strip().splitlines()[-1] if lines.strip() else ""
            found.append(FailedJob(raw if isinstance(raw, int) else None, job.ended_at, last))
        return sorted(found, key=lambda j: j.failed_at or dt.datetime.min, reverse=True)


def make_queue(session_factory: SessionFactory, settings: Settings) -> PlannerQueue:
    """The queue ``settings.planner_queue`` asks for (``local`` or ``redis``)."""
    if settings.planner_queue == "redis":
        return RqQueue(settings.redis_url, settings)
    if settings.planner_queue != "local":
        raise ValueError(
            f"PLANNER_QUEUE must be 'local' or 'redis', not {settings.planner_queue!r}"
        )
    return LocalPoolQueue(session_factory, settings)


def end_dead_runs(session_factory: SessionFactory, settings: Settings) -> list[int]:
    """End every day's runs whose heartbeat is too old, in a transaction of its own."""
    try:
        with session_scope(session_factory) as session:
            ended = expire_stale_runs(session, settings, utcnow())
    except SQLAlchemyError:
        log.exception("planner runs: the check for dead runs failed")
        return []
    if ended:
        log.warning("planner runs %s had stopped answering: marked failed", ended)
    return ended


def run_worker(
    session_factory: SessionFactory,
    settings: Settings,
    url: str,
    *,
    name: str = DEFAULT_QUEUE_NAME,
    max_jobs: int | None = None,
    burst: bool = False,
) -> int:
    """Work the planner queue until ``max_jobs`` are done, or it is empty (``burst``), or stopped.

    Returns the number of jobs worked. At start it ends the runs whose worker is gone
    (a worker killed mid-run leaves its run ``running``; its heartbeat's age tells).
    The jobs run in this process (RQ's SimpleWorker): the solve itself already happens
    in a child process, and the database pool is not shared across a fork.
    """
    global _context
    end_dead_runs(session_factory, settings)
    _context = context = _WorkerContext(session_factory, settings)
    connection = redis.Redis.from_url(url)
    worker = rq.SimpleWorker([rq.Queue(name, connection=connection)], connection=connection)
    if max_jobs == 0:
        return 0
    worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING")
    return context.jobs_worked
