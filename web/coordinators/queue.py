"""The app's planner queue, made on first use and kept in ``app.extensions``."""

from __future__ import annotations

import threading

from flask import current_app

from matcher.jobs.planner_queue import PlannerQueue
from matcher.jobs.planner_queue import make_queue
from web.db import session_factory
from web.settings import current_settings

QUEUE_KEY = "matcher.planner_queue"
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
