"""Where planner runs execute: a thread pool in the web process, or workers behind a Redis list.

``PLANNER_QUEUE=local`` (default) runs ``execute_run`` on a small thread pool
(the solve itself happens in a child process). ``PLANNER_QUEUE=redis`` pushes
the run id onto a Redis list; ``flask --app web planner-worker`` on any machine
of the district pops ids and executes them, so several web servers share one
queue. The run row in the database is the source of truth either way: a
worker ignores ids whose run is no longer queued.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import redis
from sqlalchemy.exc import SQLAlchemyError

from matcher.clock import utcnow
from matcher.db import SessionFactory
from matcher.db import session_scope
from matcher.jobs.planner_runs import execute_run
from matcher.planning.runs import expire_stale_runs
from matcher.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_REDIS_KEY = "mitfahrnetz:planner-runs"


class PlannerQueue(Protocol):
    """Something that will execute a queued planner run."""

    def submit(self, run_id: int) -> None:
        """Hand the run over; returns at once."""
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

    def shutdown(self, wait: bool = True) -> None:
        """Stop the pool (tests, app teardown)."""
        self.pool.shutdown(wait=wait)


class RedisQueue:
    """Pushes run ids onto a Redis list (``url`` e.g. redis://127.0.0.1:6379/0)."""

    def __init__(self, url: str, key: str = DEFAULT_REDIS_KEY):
        self.client = redis.Redis.from_url(url)
        self.key = key

    def submit(self, run_id: int) -> None:
        """LPUSH the run id (workers BRPOP: first in, first out)."""
        self.client.lpush(self.key, str(run_id))


def make_queue(session_factory: SessionFactory, settings: Settings) -> PlannerQueue:
    """The queue ``settings.planner_queue`` asks for (``local`` or ``redis``)."""
    if settings.planner_queue == "redis":
        return RedisQueue(settings.redis_url)
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


def run_redis_worker(
    session_factory: SessionFactory,
    settings: Settings,
    url: str,
    *,
    key: str = DEFAULT_REDIS_KEY,
    max_jobs: int | None = None,
    poll_seconds: float = 5.0,
) -> int:
    """Pop run ids (BRPOP) and execute them until ``max_jobs`` are done (None: forever).

    Returns the number of runs executed. A malformed id is logged and skipped.
    At start it ends the runs whose worker is gone (a worker killed mid-run
    leaves its run ``running``; its heartbeat's age tells).
    """
    end_dead_runs(session_factory, settings)
    client = redis.Redis.from_url(url)
    done = 0
    while max_jobs is None or done < max_jobs:
        item = client.brpop([key], timeout=poll_seconds)
        if item is None:
            continue
        raw = item[1].decode() if isinstance(item[1], bytes) else str(item[1])
        try:
            run_id = int(raw)
        except ValueError:
            log.warning("planner queue %s: ignoring %r", key, raw)
            continue
        execute_run(session_factory, run_id, settings)
        done += 1
    return done
