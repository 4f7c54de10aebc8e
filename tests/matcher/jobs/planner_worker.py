"""A planner worker in a process of its own, for tests that kill it (imported by name)."""

from __future__ import annotations

from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.jobs.planner_runs import execute_run
from tests.matcher.district_kit import SETTINGS
from tests.matcher.planning import fake_solvers


def run_slowly(database_url: str, run_id: int) -> None:
    """Execute the run with a solver that reports progress for a minute (to be killed)."""
    engine = make_engine(database_url)
    execute_run(
        make_session_factory(engine), run_id, SETTINGS, solve_function=fake_solvers.slow_solve
    )
