"""Timetables for fixed visit orders: exact feasibility, chosen times, named failures."""

from __future__ import annotations

import random

import pytest
from solver_kit import HOUR
from solver_kit import STEP
from solver_kit import problem
from solver_kit import random_order
from solver_kit import random_requests
from solver_kit import request
from solver_kit import solution
from solver_kit import vehicle
from solver_kit import visits

from solver.check import check
from solver.problem import Problem
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.problem import Vehicle
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import RouteIssue
from solver.schedule import build_route
from solver.schedule import schedule_route
from solver.schedule import visits_of
from solver.solution import Route


def _two_riders() -> Problem:
    a = request(
        "a",
        1,
        3,
        dropoff_window=(8, 8.25),
        pickup_service=60,
        dropoff_service=60,
        max_ride_seconds=1800,
    )
    b = request("b", 2, 4, pickup_window=(7, 8), max_ride_seconds=3000)
    return problem([vehicle()], [a, b])


def test_hand_checked_timetable() -> None:
    p = _two_riders()
    route = schedule_route(p, p.vehicles[0], visits("a+", "b+", "a-", "b-"))
    assert isinstance(route, Route)
    # b's pick-up window closes at 8:00 and binds the latest departure.
    expected = [
        # kind, arrival, service start, departure, load
        (StopKind.START, 27540, 27540, 27540, 0),
        (StopKind.PICKUP, 28140, 28140, 28200, 1),
        (StopKind.PICKUP, 28800, 28800, 28800, 2),
        (StopKind.DROPOFF, 29400, 29400, 29460, 1),
        (StopKind.DROPOFF, 30060, 30060, 30060, 0),
        (StopKind.END, 32460, 32460, 32460, 0),
    ]
    got = [(s.kind, s.arrival, s.service_start, s.departure, s.load) for s in route.stops]
    assert got == expected
    assert (route.drive_seconds, route.distance_metres, route.duration_seconds) == (
        8 * STEP,
        80 * STEP,
        4920,
    )
    assert visits_of(route) == visits("a+", "b+", "a-", "b-")
    assert check(p, solution([route])) == []


def test_start_as_late_as_possible_and_pick_up_late() -> None:
    # Drop-off at work between 8:00 and 8:15; the pick-up has no window.
    p = problem([vehicle()], [request("a", 1, 2, dropoff_window=(8, 8.25))])
    route = schedule_route(p, p.vehicles[0], visits("a+", "a-"))
    assert isinstance(route, Route)
    assert route.stops[0].departure == 8.25 * HOUR - 2 * STEP
    assert route.stops[2].service_start == 8.25 * HOUR
    assert all(s.wait == 0 for s in route.stops)


def test_waiting_is_moved_before_the_pick_up() -> None:
    # a rides 1 -> 2 and must be at 2 no earlier than 9:00; b rides 3 -> 4 from 7:00.
    # The car waits empty instead of with a on board.
    a = request("a", 1, 2, dropoff_window=(9, 9.5))
    b = request("b", 3, 4, pickup_window=(7, 7.1))
    p = problem([vehicle()], [a, b])
    route = schedule_route(p, p.vehicles[0], visits("b+", "b-", "a+", "a-"))
    assert isinstance(route, Route)
    pick_a, drop_a = route.stops[3], route.stops[4]
    assert drop_a.service_start - pick_a.departure == STEP  # the direct ride
    assert pick_a.wait > 0 and drop_a.wait == 0


def test_exact_where_earliest_start_fails() -> None:
    # b must be picked up at 7:00 and may ride 70 min; a is picked up on the way
    # and must not arrive before 8:00: waiting at a's pick-up (with b aboard) is
    # the only way, and a 20-minute ride limit for a forbids waiting after.
    a = request("a", 2, 3, dropoff_window=(8, 8.5), max_ride_seconds=20 * 60)
    b = request("b", 1, 4, pickup_window=(7, 7), max_ride_seconds=70 * 60)
    p = problem([vehicle(start=1)], [a, b])
    route = schedule_route(p, p.vehicles[0], visits("b+", "a+", "a-", "b-"))
    assert isinstance(route, Route), route
    assert check(p, solution([route])) == []
    rides = {s.request_id: s.service_start for s in route.stops if s.kind is StopKind.DROPOFF}
    assert rides["a"] - route.stops[2].departure <= 20 * 60


def _fails(p: Problem, spec: tuple[Visit, ...], v: Vehicle | None = None) -> RouteInfeasible:
    result = schedule_route(p, v or p.vehicles[0], spec)
    assert isinstance(result, RouteInfeasible), result
    return result


def test_late_names_the_rider_and_the_seconds() -> None:
    p = problem([vehicle()], [request("a", 1, 5, dropoff_window=(0, 0.5))])
    fail = _fails(p, visits("a+", "a-"))
    assert (fail.reason, fail.request_id) == (RouteIssue.LATE, "a")
    assert fail.details == {"late_seconds": 5 * STEP - 1800, "kind": "dropoff"}


def test_vehicle_window_end() -> None:
    p = problem([vehicle(window=TimeWindow(0, 3 * STEP))], [request("a", 1, 2)])
    fail = _fails(p, visits("a+", "a-"))
    assert fail.reason is RouteIssue.VEHICLE_WINDOW
    assert fail.details["late_seconds"] == STEP


def test_ride_time() -> None:
    p = problem([vehicle()], [request("a", 1, 3, max_ride_seconds=STEP), request("b", 5, 6)])
    fail = _fails(p, visits("a+", "b+", "b-", "a-"))
    assert (fail.reason, fail.request_id) == (RouteIssue.RIDE_TIME, "a")


def test_duty_limit() -> None:
    p = problem([vehicle(max_duty_seconds=5 * STEP)], [request("a", 1, 3)])
    fail = _fails(p, visits("a+", "a-"))
    assert fail.reason is RouteIssue.DUTY_LIMIT and fail.details["over_by"] == STEP


def test_drive_limit() -> None:
    p = problem([vehicle(max_drive_seconds=5 * STEP)], [request("a", 1, 3)])
    assert _fails(p, visits("a+", "a-")).reason is RouteIssue.DRIVE_LIMIT


@pytest.mark.parametrize(
    ("v", "r", "issue"),
    [
        (vehicle(seats=2), request("a", 1, 2, seats=3), RouteIssue.NO_SEAT),
        (vehicle(child_seats=0), request("a", 1, 2, child_seats=1), RouteIssue.NO_CHILD_SEAT),
        (vehicle(max_requests=0), request("a", 1, 2), RouteIssue.DRIVER_CAP),
        (vehicle(max_night_requests=0), request("a", 1, 2, night=True), RouteIssue.DRIVER_CAP),
        (vehicle(), request("a", 1, 2, locked_vehicle="w"), RouteIssue.LOCKED_ELSEWHERE),
        (vehicle(), request("a", 1, 2, forbidden_vehicles={"v"}), RouteIssue.FORBIDDEN),
    ],
)
def test_static_issues(v: Vehicle, r: object, issue: RouteIssue) -> None:
    p = problem([v, vehicle("w")], [r])
    assert _fails(p, visits("a+", "a-")).reason is issue


def test_seats_count_the_riders_aboard_together() -> None:
    p = problem([vehicle(seats=3)], [request("a", 1, 5, seats=2), request("b", 2, 3, seats=2)])
    assert _fails(p, visits("a+", "b+", "b-", "a-")).reason is RouteIssue.NO_SEAT
    assert isinstance(schedule_route(p, p.vehicles[0], visits("a+", "a-", "b+", "b-")), Route)


@pytest.mark.parametrize(
    "spec",
    [
        visits("a+"),  # never dropped off
        visits("a-", "a+"),  # dropped off first
        visits("a+", "a+", "a-"),  # picked up twice
        visits("a+", "a-", "a-"),  # dropped off twice
    ],
)
def test_pairing(spec: tuple[Visit, ...]) -> None:
    p = problem([vehicle()], [request("a", 1, 2)])
    assert _fails(p, spec).reason is RouteIssue.PAIRING


def test_unknown_request() -> None:
    p = problem([vehicle()], [request("a", 1, 2)])
    assert _fails(p, visits("z+", "z-")).reason is RouteIssue.UNKNOWN_REQUEST


def test_empty_route_goes_home_at_once() -> None:
    p = problem([vehicle(start=2, end=4)], [])
    route = schedule_route(p, p.vehicles[0], ())
    assert isinstance(route, Route) and route.drive_seconds == 2 * STEP


def test_build_route_derives_arrivals_and_loads() -> None:
    p = problem([vehicle()], [request("a", 1, 2, pickup_service=30)])
    route = build_route(p, p.vehicles[0], visits("a+", "a-"), [0, 900, 2000, 3200])
    assert [s.arrival for s in route.stops] == [0, 600, 1530, 3200]
    assert [s.wait for s in route.stops] == [0, 300, 470, 0]
    assert [s.load for s in route.stops] == [0, 1, 0, 0]
    with pytest.raises(ValueError, match="times has 3 entries"):
        build_route(p, p.vehicles[0], visits("a+", "a-"), [0, 1, 2])


def _bellman_ford_feasible(p: Problem, v: Vehicle, spec: tuple[Visit, ...]) -> bool:
    """Independent reference: difference constraints, negative cycle = infeasible."""
    by_id = p.request_by_id
    nodes = [(v.start, v.window.earliest, v.window.latest, 0)]
    where = {}
    for visit in spec:
        r = by_id[visit.request_id]
        pick = visit.kind is StopKind.PICKUP
        w = r.pickup_window if pick else r.dropoff_window
        lo, hi = (w.earliest, w.latest) if w else (0, 10**9)
        where[visit] = len(nodes)
        nodes.append((r.pickup if pick else r.dropoff, lo, hi, r.pickup_service if pick else 0))
    nodes.append((v.end, v.window.earliest, v.window.latest, 0))
    z = len(nodes)
    edges = []  # (u, v, c): B_v - B_u <= c
    for i, (_, lo, hi, _) in enumerate(nodes):
        edges += [(z, i, hi), (i, z, -lo)]
    for i in range(len(nodes) - 1):
        t = p.matrix.durations[nodes[i][0]][nodes[i + 1][0]]
        edges.append((i + 1, i, -(nodes[i][3] + t)))
    for visit, i in where.items():
        r = by_id[visit.request_id]
        if visit.kind is StopKind.PICKUP and r.max_ride_seconds is not None:
            d = where[Visit(r.id, StopKind.DROPOFF)]
            edges.append((i, d, r.pickup_service + r.max_ride_seconds))
    dist = [0] * (z + 1)
    for _ in range(z + 1):
        changed = False
        for a, b, c in edges:
            if dist[a] + c < dist[b]:
                dist[b] = dist[a] + c
                changed = True
        if not changed:
            return True
    return False


def test_agrees_with_bellman_ford_on_random_routes() -> None:
    rng = random.Random(7)
    agree = feasible = 0
    for _ in range(300):
        reqs = random_requests(rng, 4)
        p = problem([vehicle(seats=8, start=rng.randrange(10))], reqs)
        spec = random_order(rng, reqs)
        result = schedule_route(p, p.vehicles[0], spec)
        expected = _bellman_ford_feasible(p, p.vehicles[0], spec)
        agree += isinstance(result, Route) == expected
        feasible += expected
        if isinstance(result, Route):
            assert (
                check(p, solution([result], [r.id for r in reqs if r.id not in result.request_ids]))
                == []
            )
    assert agree == 300
    assert 30 < feasible < 270  # both outcomes are exercised
