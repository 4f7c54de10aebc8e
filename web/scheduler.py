"""Running the job scheduler: its own process (`flask scheduler`) or inside the dev server.

Production runs ``flask --app web scheduler`` as one extra process. For ``make
run`` the development server can run it too (``SCHEDULER_ENABLED``): it starts
on the first request in a daemon thread, never in ``create_app`` itself (CLI
commands and the reloader's watcher process create the app as well and must not
run jobs). Either way a database lease (``matcher.jobs.scheduler_lock``) lets only
one scheduler be active; every other one waits as a standby and takes over
when the active one stops renewing its lease.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from types import FrameType

from flask import Flask

from matcher.jobs.scheduler import SchedulerService
from matcher.settings import Settings
from web.settings import current_settings

log = logging.getLogger(__name__)
_started = threading.Lock()
_service: SchedulerService | None = None


def run_blocking(settings: Settings, database_url: str) -> None:
    """Run the scheduler in this process until SIGTERM or Ctrl-C."""
    service = SchedulerService(settings, database_url)

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        log.info("stopping the scheduler")
        service.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("scheduler process %s waiting for the lease", service.lock.holder)
    service.run()


def start_in_background(settings: Settings, database_url: str) -> SchedulerService | None:
    """Start the scheduler service in a daemon thread, once per process."""
    global _service
    if not _started.acquire(blocking=False):
        return _service
    _service = SchedulerService(settings, database_url)
    thread = threading.Thread(target=_service.run, name="scheduler", daemon=True)
    thread.start()
    atexit.register(_service.stop)
    return _service


def _is_reloader_watcher(app: Flask) -> bool:
    # With the debug reloader the first process only watches files; the child serves.
    return app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true"


def init_app(app: Flask) -> None:
    """With ``SCHEDULER_ENABLED`` start the scheduler on the first request (never in tests)."""
    if not app.config.get("SCHEDULER_ENABLED") or app.testing:
        return

    @app.before_request
    def _start_scheduler() -> None:
        if _service is None and not _is_reloader_watcher(app):
            start_in_background(current_settings(), app.config["DATABASE_URL"])
