"""The compiled ruin-and-recreate layer: exact timing, every constraint kept, deterministic."""

from __future__ import annotations

import random

import numpy as np
from solver_kit import HOUR
from solver_kit import problem
from solver_kit import random_order
from solver_kit import random_requests
from solver_kit import request
from solver_kit import vehicle
from solver_kit import visits
from solver_kit import window

from solver import SolveParams
from solver import solve
from solver._rr import RuinRecreate
from solver._rr_kernels import feasible
from solver.check import check
from solver.objective import objective_parts
from solver.problem import StopKind
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route
from solver.solution import Solution
from solver.solution import SolveStats


def _nodes(layer: RuinRecreate, spec: tuple[Visit, ...]) -> np.ndarray:
    return np.array(
        [2 * layer.index[v.request_id] + (v.kind is StopKind.DROPOFF) for v in spec],
        dtype=np.int64,
    )


def _random_day(rng: random.Random):
    reqs = random_requests(rng, 5)
    duty = rng.choice([None, 2 * HOUR, 4 * HOUR])
    shift = window(rng.choice([0, 5, 7]), rng.choice([11, 24]))
    car = vehicle(seats=8, start=rng.randrange(10), max_duty_seconds=duty, window=shift)
    return problem([car], reqs), random_order(rng, reqs)


def test_timing_check_agrees_with_the_reference_scheduler() -> None:
    rng = random.Random(11)
    agree = feasible_count = 0
    for _ in range(400):
        p, spec = _random_day(rng)
        layer = RuinRecreate(p, [r.id for r in p.requests])
        route = _nodes(layer, spec)
        got = feasible(route, len(route), 0, layer.data, layer.ws.pos, layer.ws.times)
        expected = not isinstance(schedule_route(p, p.vehicles[0], spec), RouteInfeasible)
        agree += got == expected
        feasible_count += expected
    assert agree == 400
    assert 40 < feasible_count < 360  # both outcomes are exercised


def _solution(p, plan) -> Solution:
    routes = [schedule_route(p, p.vehicle_by_id[vid], v) for vid, v in plan.items()]
    served = {rid for r in routes for rid in r.request_ids}
    from solver.explain import explain_unserved

    unserved = explain_unserved(p, routes, [r.id for r in p.requests if r.id not in served])
    return Solution(tuple(routes), unserved, objective_parts(p, routes), SolveStats("test", 0.0))


def test_a_crossed_assignment_is_repaired() -> None:
    # West drives to the far end and east to the near one: 20 legs instead of 8.
    cars = [vehicle("west", start=0), vehicle("east", start=9)]
    p = problem(cars, [request("a", 1, 2), request("b", 8, 7)])
    layer = RuinRecreate(p, ["a", "b"])
    bad = {"west": visits("b+", "b-"), "east": visits("a+", "a-")}
    plan = layer.improve(bad, deadline=0, iterations=200)
    assert plan == {"west": visits("a+", "a-"), "east": visits("b+", "b-")}


def test_unserved_requests_are_inserted_where_they_fit() -> None:
    p = problem(
        [vehicle("v", start=0)],
        [request("a", 1, 3, dropoff_window=(8, 8.5)), request("b", 2, 4, max_ride_seconds=1800)],
    )
    plan = RuinRecreate(p, ["a", "b"]).improve({}, deadline=0, iterations=50)
    assert check(p, _solution(p, plan)) == []
    assert sorted(v.request_id for v in plan["v"]) == ["a", "a", "b", "b"]


def test_locks_forbidden_drivers_seats_and_caps_are_kept() -> None:
    rng = random.Random(5)
    cars = [
        vehicle("a", start=0, seats=2, max_requests=3),
        vehicle("b", start=5, seats=1, child_seats=1, max_drive_seconds=3 * HOUR),
        vehicle("c", start=9, seats=3, max_night_requests=0),
    ]
    reqs = []
    for k in range(14):
        x, y = rng.sample(range(10), 2)
        kw = {}
        if k % 4 == 0:
            kw["forbidden_vehicles"] = frozenset({"a"})
        if k % 5 == 0:
            kw["locked_vehicle"] = "c"
        if k % 3 == 0:
            kw["child_seats"] = 1
        if k % 6 == 1:
            kw["night"] = True
        t = 6 + k * 0.5
        reqs.append(request(f"r{k}", x, y, pickup_window=(t, t + 1), max_ride_seconds=3600, **kw))
    p = problem(cars, reqs)
    layer = RuinRecreate(p, [r.id for r in reqs], locked={"c": visits("r5+", "r5-")})
    plan = layer.improve({"c": visits("r5+", "r5-")}, deadline=0, iterations=2000)
    solution = _solution(p, plan)
    assert check(p, solution) == []
    assert plan["c"][:2] == visits("r5+", "r5-")  # the locked prefix opens the route
    assert len(solution.routes) >= 2


def test_same_seed_same_plan() -> None:
    rng = random.Random(3)
    reqs = [
        request(f"r{k}", *rng.sample(range(10), 2), pickup_window=(6 + k / 4, 7 + k / 4))
        for k in range(12)
    ]
    p = problem([vehicle("a"), vehicle("b", start=9)], reqs)
    ids = [r.id for r in reqs]
    first = RuinRecreate(p, ids, seed=4).improve({}, deadline=0, iterations=500)
    again = RuinRecreate(p, ids, seed=4).improve({}, deadline=0, iterations=500)
    assert first == again


def test_solve_uses_the_layer_and_stays_deterministic() -> None:
    rng = random.Random(9)
    reqs = [
        request(f"r{k}", *rng.sample(range(10), 2), dropoff_window=(7 + k / 3, 7.5 + k / 3))
        for k in range(16)
    ]
    p = problem([vehicle("a"), vehicle("b", start=9), vehicle("c", start=4)], reqs)
    params = SolveParams(solution_limit=5, ruin_share=0.5)
    first, again = solve(p, params), solve(p, params)
    assert first.routes == again.routes
    plain = solve(p, SolveParams(solution_limit=5, ruin_share=0.0))
    assert first.objective.total <= plain.objective.total
