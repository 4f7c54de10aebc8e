"""Ranked insertions agree with trying every position; the greedy plan is feasible."""

from __future__ import annotations

import random
import time

import pytest
from solver_kit import STEP
from solver_kit import problem
from solver_kit import request
from solver_kit import solution
from solver_kit import vehicle
from solver_kit import visits

from solver.bench.synthetic import district
from solver.check import check
from solver.insertion import greedy_construct
from solver.insertion import rank_insertions
from solver.problem import Problem
from solver.problem import TimeWindow
from solver.schedule import insert_visits
from solver.schedule import schedule_route
from solver.schedule import visits_of
from solver.solution import Route


def _random_problem(rng: random.Random) -> Problem:
    reqs = []
    for k in range(rng.randint(2, 7)):
        a, b = rng.sample(range(10), 2)
        t = rng.uniform(6, 9)
        kw: dict[str, object] = {"max_ride_seconds": rng.choice([None, 1200, 2400, 3600])}
        kw["pickup_window" if rng.random() < 0.5 else "dropoff_window"] = (t, t + 0.5)
        seats = rng.choice([1, 1, 2])
        reqs.append(request(f"r{k}", a, b, seats=seats, pickup_service=60, **kw))
    duty = rng.choice([None, 3 * 3600])
    vs = [
        vehicle("v", start=rng.randrange(10)),
        vehicle("w", start=rng.randrange(10), max_duty_seconds=duty),
    ]
    return problem(vs, reqs)


def _brute_force(p: Problem, routes: tuple[Route, ...], rid: str) -> set[tuple[str, int, int]]:
    by_vehicle = {r.vehicle_id: visits_of(r) for r in routes}
    out = set()
    for v in p.vehicles:
        base = tuple(x for x in by_vehicle.get(v.id, ()) if x.request_id != rid)
        for i in range(len(base) + 1):
            for j in range(i, len(base) + 1):
                if isinstance(schedule_route(p, v, insert_visits(base, rid, i, j)), Route):
                    out.add((v.id, i, j + 1))
    return out


def test_pruning_never_loses_a_feasible_insertion() -> None:
    rng = random.Random(3)
    nonempty = 0
    for _ in range(60):
        p = _random_problem(rng)
        routes = greedy_construct(p)
        for r in p.requests:
            found = rank_insertions(p, routes, r.id, limit=1000)
            got = {(x.vehicle_id, x.pickup_position, x.dropoff_position) for x in found}
            expected = _brute_force(p, routes, r.id)
            assert got == expected
            nonempty += bool(expected)
    assert nonempty > 100


def test_ranked_by_extra_driving_with_effects_on_others() -> None:
    # v drives a 1 -> 5 (pick-up fixed at 1:00); x rides 2 -> 3 on the way: no detour.
    a = request("a", 1, 5, pickup_window=(1, 1), max_ride_seconds=8 * STEP)
    x = request("x", 2, 3, pickup_service=60)
    p = problem([vehicle("v"), vehicle("w", start=9)], [a, x])
    route = schedule_route(p, p.vehicles[0], visits("a+", "a-"))
    assert isinstance(route, Route)
    ranked = rank_insertions(p, [route], "x", limit=3)
    best = ranked[0]
    assert (best.vehicle_id, best.pickup_position, best.dropoff_position) == ("v", 1, 2)
    assert best.extra_drive_seconds == 0 and best.extra_distance_metres == 0
    assert best.affected_request_ids == ("a",)  # a arrives a minute later
    assert best.max_shift_seconds == 0  # a's pick-up time does not move
    assert [s.request_id for s in best.route.stops[1:-1]] == ["a", "x", "x", "a"]
    extras = [i.extra_drive_seconds for i in ranked]
    assert extras == sorted(extras) and len(ranked) == 3


def test_rank_moves_a_served_request_elsewhere() -> None:
    p = problem([vehicle("v"), vehicle("w", start=2)], [request("x", 2, 3)])
    route = schedule_route(p, p.vehicles[0], visits("x+", "x-"))
    assert isinstance(route, Route)
    best = rank_insertions(p, [route], "x", limit=1)[0]
    assert best.vehicle_id == "w" and best.extra_drive_seconds == 2 * STEP


def test_rank_unknown_request() -> None:
    with pytest.raises(ValueError, match="unknown request 'z'"):
        rank_insertions(problem([vehicle()], []), [], "z")


def test_greedy_keeps_locked_routes_first() -> None:
    p = problem(
        [vehicle("v"), vehicle("w")],
        [request("a", 5, 6), request("b", 1, 2), request("c", 1, 3)],
        locked_routes={"v": visits("a+", "a-")},
    )
    routes = {r.vehicle_id: r for r in greedy_construct(p)}
    assert routes["v"].request_ids[0] == "a"
    assert check(p, solution(list(routes.values()))) == []


def test_greedy_plans_a_district_of_400_quickly_and_feasibly() -> None:
    p = district(400, seed=1)
    started = time.perf_counter()
    routes = greedy_construct(p)
    elapsed = time.perf_counter() - started
    served = {rid for r in routes for rid in r.request_ids}
    unserved = [r.id for r in p.requests if r.id not in served]
    assert check(p, solution(routes, unserved)) == []
    assert len(served) >= 380
    assert elapsed < 5.0


def test_greedy_skips_a_shift_too_short_to_get_home() -> None:
    short = vehicle("s", start=0, end=9, window=TimeWindow(0, STEP))  # cannot even drive home
    p = problem([short, vehicle("v")], [request("a", 1, 2)])
    (route,) = greedy_construct(p)
    assert route.vehicle_id == "v"
    assert rank_insertions(p, [route], "a")[0].vehicle_id == "v"


def test_greedy_refuses_an_undrivable_locked_route() -> None:
    p = problem(
        [vehicle("v", max_drive_seconds=STEP)],
        [request("a", 1, 5)],
        locked_routes={"v": visits("a+", "a-")},
    )
    with pytest.raises(ValueError, match=r"locked_routes\['v'\] cannot be driven"):
        greedy_construct(p)


@pytest.mark.parametrize("regret", [2, 3])
def test_regret_insertion_gives_feasible_plans(regret: int) -> None:
    rng = random.Random(11)
    for _ in range(15):
        p = _random_problem(rng)
        routes = greedy_construct(p, regret=regret)
        served = {rid for r in routes for rid in r.request_ids}
        unserved = [r.id for r in p.requests if r.id not in served]
        assert check(p, solution(routes, unserved)) == []
        # whatever is left out really fits nowhere in the final plan
        for rid in unserved:
            assert rank_insertions(p, routes, rid, limit=1) == []


def test_regret_prefers_the_request_with_one_option() -> None:
    # x (1 -> 5, picked up 0:18-0:21) fits only v; y (1 -> 2, 0:12-0:30) fits v and w
    # at equal cost. v has one seat and time for only one of them. Cheapest
    # insertion takes y first (earlier window) and gives it to v, so x is left
    # out; regret inserts x first (it has one option) and y goes to w.
    x = request("x", 1, 5, pickup_window=(0.3, 0.35))
    y = request("y", 1, 2, pickup_window=(0.2, 0.5))
    w = vehicle("w", start=3, window=TimeWindow(0, 2500))
    p = problem([vehicle("v", seats=1), w], [x, y])
    cheapest = {rid for r in greedy_construct(p) for rid in r.request_ids}
    assert cheapest == {"y"}
    routes = {r.vehicle_id: r.request_ids for r in greedy_construct(p, regret=2)}
    assert routes == {"v": ("x",), "w": ("y",)}


def test_regret_argument() -> None:
    with pytest.raises(ValueError, match="regret must be 0"):
        greedy_construct(problem([vehicle()], []), regret=1)
