"""Tiny builders for hand-checked solver tests: places on a line, 10 minutes apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.problem import TravelMatrix
from solver.problem import Vehicle
from solver.problem import Visit
from solver.solution import ObjectiveParts
from solver.solution import Route
from solver.solution import Solution
from solver.solution import SolveStats
from solver.solution import Unserved
from solver.solution import UnservedReason

STEP = 600
"""Seconds between neighbouring places on the line; distances are 10 m per second."""

HOUR = 3600


def line_matrix(size: int = 10, step: int = STEP) -> TravelMatrix:
    """Places 0..size-1 on a line, ``step`` seconds apart."""
    durations = [[abs(i - j) * step for j in range(size)] for i in range(size)]
    return TravelMatrix(durations, [[10 * x for x in row] for row in durations])


def vehicle(vid: str = "v", start: int = 0, end: int | None = None, **kw: Any) -> Vehicle:
    """A vehicle with a whole-day shift and 3 seats unless told otherwise."""
    kw.setdefault("window", TimeWindow(0, 24 * HOUR))
    kw.setdefault("seats", 3)
    return Vehicle(vid, start, start if end is None else end, **kw)


def window(a: float, b: float) -> TimeWindow:
    """A window given in hours."""
    return TimeWindow(round(a * HOUR), round(b * HOUR))


def request(rid: str, pickup: int, dropoff: int, **kw: Any) -> Request:
    """A request; windows may be given as (hours, hours) tuples."""
    for name in ("pickup_window", "dropoff_window"):
        if isinstance(kw.get(name), tuple):
            kw[name] = window(*kw[name])
    return Request(rid, pickup, dropoff, **kw)


def problem(
    vehicles: Sequence[Vehicle], requests: Sequence[Request], size: int = 10, **kw: Any
) -> Problem:
    """A problem on the line world."""
    return Problem(tuple(vehicles), tuple(requests), line_matrix(size), **kw)


def visits(*spec: str) -> tuple[Visit, ...]:
    """``visits("a+", "b+", "a-", "b-")``: + is a pick-up, - a drop-off."""
    kinds = {"+": StopKind.PICKUP, "-": StopKind.DROPOFF}
    return tuple(Visit(s[:-1], kinds[s[-1]]) for s in spec)


def solution(
    routes: Sequence[Route], unserved: Sequence[str] = (), reason: UnservedReason | None = None
) -> Solution:
    """A Solution around given routes, listing ``unserved`` ids."""
    why = reason or UnservedReason.CONFLICT
    return Solution(
        tuple(routes),
        tuple(Unserved(rid, why) for rid in unserved),
        ObjectiveParts(),
        SolveStats("test", 0.0),
    )
