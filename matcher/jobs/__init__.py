"""Background work: the runners that own their sessions and commit.

Services elsewhere in ``matcher`` flush and never commit; a job here (or the
web request) decides the transaction. ``planner_runs`` executes a planner run,
``planner_queue`` hands runs to a thread pool or a Redis list,
``outbox_sender`` sends due messages, ``scheduler`` runs the timed jobs.
"""
