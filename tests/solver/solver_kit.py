"""Tiny builders for hand-checked solver tests: places on a line, 10 minutes apart."""

from __future__ import annotations

import random
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


def random_requests(rng: random.Random, most: int) -> list[Request]:
    """1..``most`` requests on the line: a 15-minute window at one end, maybe a ride cap."""
    reqs = []
    for k in range(rng.randint(1, most)):
        a, b = rng.sample(range(10), 2)
        t = rng.uniform(6, 10)
        kw: dict[str, Any] = {"max_ride_seconds": rng.choice([None, 600, 1200, 2400, 3600])}
        kw["pickup_window" if rng.random() < 0.5 else "dropoff_window"] = (t, t + 0.25)
        reqs.append(request(f"r{k}", a, b, pickup_service=rng.choice([0, 60]), **kw))
    return reqs


def random_order(rng: random.Random, reqs: Sequence[Request]) -> tuple[Visit, ...]:
    """All pick-ups in order, each drop-off somewhere after its pick-up."""
    order = [Visit(r.id, StopKind.PICKUP) for r in reqs]
    for r in reqs:
        i = order.index(Visit(r.id, StopKind.PICKUP))
        order.insert(rng.randint(i + 1, len(order)), Visit(r.id, StopKind.DROPOFF))
    return tuple(order)


def chain_day(vehicles: int = 6) -> tuple[Problem, dict[str, tuple[Visit, ...]]]:
    """30 needs, 10 of them with a daycare stop, and a hand-made plan serving all of them.

    Places on a line 5 minutes apart, drivers at home at 0 with 4 seats and
    one child seat. Five neighbourhoods ``k``: the parent lives at ``a``, the
    daycare is at ``a + 1`` (open 07:00-14:00), the course at ``c`` starts at
    07:45 and ends at 13:00. Each has a morning chain (home -> daycare ->
    course, the child boards with the parent) and an afternoon one (course ->
    daycare -> home, the child boards at the daycare), and four plain needs
    sharing the drives. The plan uses vehicles 0-4; further vehicles are spare.
    """
    step = 300
    morning, afternoon = (7.25, 7.75), (13.0, 13.33)
    reqs: list[Request] = []
    plan: dict[str, tuple[Visit, ...]] = {}
    for k in range(5):
        a, c = 1 + k % 2, 6 + k % 3
        d = a + 1
        ride = {"max_ride_seconds": 75 * 60}
        child: dict[str, Any] = {"child_seats": 1, "max_ride_seconds": 20 * 60}
        daycare = (7.0, 14.0)
        reqs += [
            request(f"m{k}", a, c, dropoff_window=morning, **ride),
            request(f"k{k}", a, d, dropoff_window=daycare, companion_of=f"m{k}", **child),
            request(f"p{k}", a, c, dropoff_window=morning, **ride),
            request(f"q{k}", d + 1, c, dropoff_window=morning, **ride),
            request(f"e{k}", c, a, pickup_window=afternoon, **ride),
            request(f"j{k}", d, a, pickup_window=daycare, companion_of=f"e{k}", **child),
            request(f"s{k}", c, d + 2, pickup_window=afternoon, **ride),
            request(f"t{k}", d + 1, 0, pickup_window=(13.0, 14.0), **ride),
        ]
        plan[f"v{k}"] = visits(
            *("m+", "k+", "p+", "k-", "q+", "m-", "p-", "q-"),
            *("e+", "s+", "s-", "t+", "j+", "j-", "e-", "t-"),
        )
        plan[f"v{k}"] = tuple(Visit(f"{x.request_id}{k}", x.kind) for x in plan[f"v{k}"])
    fleet = [vehicle(f"v{k}", seats=4, child_seats=1) for k in range(vehicles)]
    return Problem(tuple(fleet), tuple(reqs), line_matrix(12, step)), plan
