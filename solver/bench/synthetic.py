"""A synthetic rural district day, for the scale benchmark and for tests.

40 x 40 km (around Holzminden, so the geodesic model sees a real latitude), six
towns holding the jobs and courses, homes spread over the area, half the trips
"arrive by" (15-minute drop-off window at a shift start), half "pick up after"
(15-minute pick-up window at a shift end), ride limit max(1.5 x direct, direct +
15 min), drivers from their own homes, a fifth as many drivers as requests.
"""

from __future__ import annotations

import math
import random
import resource
import time
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

from solver.check import check
from solver.params import SolveParams
from solver.problem import Priority
from solver.problem import Problem
from solver.problem import Request
from solver.problem import TimeWindow
from solver.problem import Vehicle
from solver.solving import solve
from solver.travel import GeodesicTravelModel
from solver.travel import build_matrix

_T = TypeVar("_T")

CENTRE = (51.83, 9.45)
SIDE_KM = 40.0
TOWNS = 6
SITES_PER_TOWN = 5
ARRIVE_BY = [6.0, 7.0, 8.0, 8.5, 9.0, 14.0]
"""Shift and course starts (hours): the rider must be there in the 15 minutes before."""
PICK_UP_AFTER = [12.0, 13.0, 14.0, 15.5, 16.0, 17.0, 22.0]
"""Shift and course ends: the rider is picked up in the 15 minutes after."""
PURPOSES = [
    (Priority.WORK, 50),
    (Priority.INTERNSHIP, 15),
    (Priority.COURSE, 25),
    (Priority.OTHER, 10),
]
SHIFTS = [((5.0, 14.0), 40), ((12.0, 23.5), 40), ((6.0, 20.0), 20)]
"""Driver availability (hours) and how often each occurs (%)."""


def _point(
    rng: random.Random, around: tuple[float, float] | None, km: float
) -> tuple[float, float]:
    """A random point within ``km`` of ``around`` (uniform over the square if None)."""
    lat0, lon0 = around or CENTRE
    half = km if around else SIDE_KM / 2
    dy, dx = rng.uniform(-half, half), rng.uniform(-half, half)
    return (lat0 + dy / 111.2, lon0 + dx / (111.2 * math.cos(math.radians(lat0))))


def _pick(rng: random.Random, table: Sequence[tuple[_T, int]]) -> _T:
    return rng.choices([x for x, _ in table], weights=[w for _, w in table])[0]


def district(n_requests: int, seed: int = 0, drivers: int | None = None) -> Problem:
    """A district day with ``n_requests`` trips and ``n_requests // 5`` drivers (default)."""
    rng = random.Random(seed)
    towns = [_point(rng, None, 0) for _ in range(TOWNS)]
    sites = [_point(rng, town, 1.5) for town in towns for _ in range(SITES_PER_TOWN)]
    homes = [_point(rng, None, 0) for _ in range(n_requests)]
    n_drivers = drivers if drivers is not None else max(1, n_requests // 5)
    driver_homes = [_point(rng, None, 0) for _ in range(n_drivers)]
    points = homes + sites + driver_homes
    # great_circle (the sphere, ~0.2 % off the ellipsoid): the instances these benchmarks were
    # recorded on
    matrix = build_matrix(points, GeodesicTravelModel(method="great_circle"))
    dur = matrix.durations
    requests = []
    for k in range(n_requests):
        home, site = k, n_requests + rng.randrange(len(sites))
        outward = k % 2 == 0
        pickup, dropoff = (home, site) if outward else (site, home)
        direct = dur[pickup][dropoff]
        hour = rng.choice(ARRIVE_BY if outward else PICK_UP_AFTER)
        t = round(hour * 3600)
        dropoff_window = TimeWindow(t - 900, t) if outward else None
        pickup_window = None if outward else TimeWindow(t, t + 900)
        child = 1 if rng.random() < 0.05 else 0
        requests.append(
            Request(
                id=f"r{k}",
                pickup=pickup,
                dropoff=dropoff,
                pickup_service=60,
                dropoff_service=30,
                seats=1 + child + (1 if rng.random() < 0.1 else 0),
                child_seats=child,
                max_ride_seconds=max(math.ceil(1.5 * direct), direct + 900),
                priority=_pick(rng, PURPOSES),
                pickup_window=pickup_window,
                dropoff_window=dropoff_window,
            )
        )
    vehicles = []
    base = n_requests + len(sites)
    for k in range(n_drivers):
        a, b = _pick(rng, SHIFTS)
        vehicles.append(
            Vehicle(
                id=f"d{k}",
                start=base + k,
                end=base + k,
                window=TimeWindow(round(a * 3600), round(b * 3600)),
                seats=rng.choice([3, 4]),
                child_seats=1 if rng.random() < 0.3 else 0,
                max_drive_seconds=6 * 3600,
            )
        )
    return Problem(tuple(vehicles), tuple(requests), matrix)


def measure(n: int, seconds: float, workers: int, seed: int, out: Any) -> None:
    """Build a district, solve, check, and put a result row on ``out`` (a queue).

    Meant to run in a fresh child process (module-level, so ``spawn`` can find it),
    so that ``ru_maxrss`` is this solve's peak memory.
    """
    problem = district(n, seed=seed)
    first: list[float] = []
    started = time.monotonic()
    solution = solve(
        problem,
        SolveParams(time_limit_seconds=seconds, workers=workers),
        lambda p: first.append(p.elapsed_seconds) if not first else None,
    )
    wall = time.monotonic() - started
    violations = check(problem, solution)
    drive = sum(r.drive_seconds for r in solution.routes)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    first_seconds = solution.stats.first_solution_seconds
    out.put(
        {
            "requests": n,
            "vehicles": len(problem.vehicles),
            "time_limit_seconds": seconds,
            "seconds": round(wall, 2),
            "first_feasible_seconds": round(first_seconds if first_seconds else first[0], 2)
            if (first_seconds or first)
            else None,
            "served": len(solution.served_ids),
            "served_share": round(len(solution.served_ids) / n, 4),
            "drive_hours": round(drive / 3600, 2),
            "objective_travel": solution.objective.travel,
            "feasible": not violations,
            "peak_rss_mb": round(own / 1024, 1),
            "peak_child_rss_mb": round(kids / 1024, 1),
        }
    )
