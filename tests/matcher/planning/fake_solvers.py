"""Stand-ins for ``solver.solve`` that run in the planner's child process (importable by name)."""

from __future__ import annotations

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
