"""The app's planner queue, made on first use and kept in ``app.extensions``.

At start-up (the first request a process serves) the planner runs whose
worker is gone are ended, so a restart after a crash or an outage never
leaves a day blocked (``matcher.planning.runs.expire_stale_runs``; the day
page, its progress poll and the scheduler do the same later on).
"""

from __future__ import annotations

import logging
import threading

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from matcher.clock import utcnow
from matcher.jobs.planner_queue import FailedJob
from matcher.jobs.planner_queue import PlannerQueue
from matcher.jobs.planner_queue import make_queue
from matcher.planning import runs
from web.coordinators.blueprint import bp
from web.db import session_factory
from web.settings import current_settings

log = logging.getLogger(__name__)

QUEUE_KEY = "matcher.planner_queue"
STARTUP_CHECK_KEY = "matcher.stale_runs_checked"
_lock = threading.Lock()


def planner_queue() -> PlannerQueue:
    """The queue that executes planner runs (tests may put a fake under ``QUEUE_KEY``)."""
    queue: PlannerQueue | None = current_app.extensions.get(QUEUE_KEY)
    if queue is None:
        with _lock:  # two first requests at once must not start two pools
            queue = current_app.extensions.get(QUEUE_KEY)
            if queue is None:
                queue = make_queue(session_factory(), current_settings())
                current_app.extensions[QUEUE_KEY] = queue
    return queue


def failed_planner_jobs() -> list[FailedJob]:
    """The jobs the planner queue gave up on; none if the queue cannot be reached just now."""
    try:
        return planner_queue().failed()
    except RedisError:
        log.warning("planner queue unreachable: failed jobs not shown")
        return []


@bp.before_app_request
def end_dead_runs_at_start() -> None:
    """Once per app: end the runs whose worker is gone (retried while the database is away)."""
    if current_app.extensions.get(STARTUP_CHECK_KEY):
        return
    current_app.extensions[STARTUP_CHECK_KEY] = True
    session = session_factory()()
    try:
        ended = runs.expire_stale_runs(session, current_settings(), utcnow())
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        current_app.extensions[STARTUP_CHECK_KEY] = False
        log.warning("start-up check of planner runs failed; trying again at the next request")
        return
    finally:
        session.close()
    if ended:
        log.warning("planner runs %s had stopped answering: marked failed at start-up", ended)
