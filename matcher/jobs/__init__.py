"""Background work: the runners that own their sessions and commit.

Services elsewhere in ``matcher`` flush and never commit; a job here (or the
web request) decides the transaction.

Public modules (``from matcher.jobs import scheduler``):

- ``planner_runs``: execute a queued planner run to the end.
- ``planner_process``: the planner's own process: prepare the day, solve, report.
- ``planner_queue``: where runs execute: in-process workers or a shared queue.
- ``outbox_sender``: send the due messages of the outbox, record each outcome.
- ``scheduler``: the timed jobs and the scheduler process that runs them.
- ``scheduler_lock``: one active scheduler, by a lease row in the database.
"""

__all__ = [
    "planner_runs",
    "planner_process",
    "planner_queue",
    "outbox_sender",
    "scheduler",
    "scheduler_lock",
]
