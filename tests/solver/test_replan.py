"""Re-planning: start from the approved plan, keep locks, move few riders; several workers."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from solver import PlannedRoute
from solver import Problem
from solver import Request
from solver import Solution
from solver import SolveParams
from solver import TimeWindow
from solver import TravelMatrix
from solver import Vehicle
from solver import Visit
from solver import Weights
from solver import check
from solver import solve

DETERMINISTIC = SolveParams(time_limit_seconds=30, solution_limit=300, metaheuristic="greedy")
APPROVE = SolveParams(time_limit_seconds=30, solution_limit=100, members=1)
"""The approved plan comes from ILS, so it is not the greedy search's own fixed point."""


def district_day(requests: int, vehicles: int, seed: int = 7) -> Problem:
    """A small random district: 30 x 30 km, 45 km/h, commuter windows, ride caps."""
    rng = random.Random(seed)
    n_loc = vehicles + 2 * requests + 1
    pts = [(rng.uniform(0, 30_000), rng.uniform(0, 30_000)) for _ in range(n_loc)]
    metres = [[round(math.dist(a, b)) for b in pts] for a in pts]
    seconds = [[math.ceil(m / 12.5) for m in row] for row in metres]
    cars = tuple(
        Vehicle(f"v{k}", k, k, TimeWindow(5 * 3600, 21 * 3600), seats=3) for k in range(vehicles)
    )
    reqs = tuple(_request(k, vehicles, seconds, rng) for k in range(requests))
    return Problem(cars, reqs, TravelMatrix(seconds, metres))


def _request(k: int, base: int, seconds: list[list[int]], rng: random.Random) -> Request:
    p, d = base + 2 * k, base + 2 * k + 1
    direct = seconds[p][d]
    at = rng.randrange(7 * 3600, 18 * 3600, 300)
    win = TimeWindow(at - 900, at)
    cap = max(direct * 3 // 2, direct + 900)
    if k % 2:
        return Request(f"r{k}", p, d, dropoff_window=win, max_ride_seconds=cap)
    return Request(f"r{k}", p, d, pickup_window=TimeWindow(at, at + 900), max_ride_seconds=cap)


def as_previous(sol: Solution) -> tuple[PlannedRoute, ...]:
    return tuple(
        PlannedRoute(r.vehicle_id, tuple(Visit(s.request_id, s.kind) for s in r.stops[1:-1]))
        for r in sol.routes
    )


def assignment(sol: Solution) -> dict[str, str]:
    return {rid: r.vehicle_id for r in sol.routes for rid in r.request_ids}


@pytest.fixture(scope="module")
def approved() -> tuple[Problem, Solution]:
    day = district_day(60, 12)
    sol = solve(day, APPROVE)
    assert check(day, sol) == []
    assert len(sol.served_ids) == 60
    return day, sol


def test_adding_one_request_moves_at_most_three_riders(approved) -> None:
    day, sol = approved
    before = assignment(sol)
    extra = _request(60, 0, [list(row) for row in day.matrix.durations], random.Random(3))
    extra = replace(extra, id="new", pickup=0, dropoff=13)
    again = replace(
        day,
        requests=(*day.requests, extra),
        previous=as_previous(sol),
        weights=Weights(change=3600),
    )
    new = solve(again, DETERMINISTIC)
    assert check(again, new) == []
    after = assignment(new)
    moved = [rid for rid, vid in before.items() if after.get(rid) != vid]
    assert len(moved) <= 3, moved
    assert "new" in new.served_ids
    assert new.objective.change == 3600 * len(moved)


def test_unchanged_day_keeps_the_plan(approved) -> None:
    day, sol = approved
    again = replace(day, previous=as_previous(sol), weights=Weights(change=3600))
    new = solve(again, DETERMINISTIC)
    assert assignment(new) == assignment(sol)
    assert new.objective.change == 0
    assert new.objective.travel <= sol.objective.travel


def test_warm_start_drops_what_no_longer_fits(approved) -> None:
    # One vehicle's shift now ends early: its old route cannot be kept as is.
    day, sol = approved
    busy = sol.routes[0].vehicle_id
    cars = tuple(
        replace(v, window=TimeWindow(v.window.earliest, 8 * 3600)) if v.id == busy else v
        for v in day.vehicles
    )
    again = replace(day, vehicles=cars, previous=as_previous(sol), weights=Weights(change=600))
    new = solve(again, DETERMINISTIC)
    assert check(again, new) == []
    kept = {rid for rid, vid in assignment(new).items() if assignment(sol).get(rid) == vid}
    assert len(kept) >= len(assignment(sol)) - len(sol.routes[0].request_ids) - 3


def test_two_workers_give_a_feasible_plan() -> None:
    day = district_day(20, 4, seed=11)
    sol = solve(day, SolveParams(time_limit_seconds=3, workers=2))
    assert check(day, sol) == []
    assert len(sol.served_ids) >= 15
