"""Stand-ins for ``solver.solve`` that run in the planner's child process (importable by name)."""

from __future__ import annotations

import os
import time

import solver


def failing_solve(problem, params, progress=None):
    """Fails like a solver bug would."""
    if progress is not None:
        progress(solver.Progress(0.1, 0, 0))
    raise RuntimeError("the search ran out of memory")


def slow_solve(problem, params, progress=None):
    """Reports progress for up to a minute without finishing (to be stopped)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        if progress is not None:
            progress(solver.Progress(time.monotonic() - t0, 1, 12345))
        time.sleep(0.1)
    return solver.solve(problem, params, progress)


def gated_solve(problem, params, progress=None, *, gate: str):
    """Reports progress (objective 777) until the file ``gate`` exists, then really solves.

    Lets a test change the world (take the database away) while a run is solving, then
    let the run finish: bind ``gate`` with functools.partial (which pickles).
    """
    while not os.path.exists(gate):
        if progress is not None:
            progress(solver.Progress(0.1, 1, 777))
        time.sleep(0.05)
    return solver.solve(problem, params, progress)
