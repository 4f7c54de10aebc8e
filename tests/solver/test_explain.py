"""Unserved reasons are found by checking the request, alone and against the plan."""

from __future__ import annotations

import random

from solver_kit import STEP
from solver_kit import problem
from solver_kit import request
from solver_kit import vehicle
from solver_kit import visits
from solver_kit import window

from solver._structural import alone_ok
from solver.explain import explain_unserved
from solver.explain import structural_feasible
from solver.problem import Problem
from solver.problem import TimeWindow
from solver.schedule import schedule_route
from solver.schedule import tables
from solver.solution import Route
from solver.solution import Unserved
from solver.solution import UnservedReason


def _why(p: Problem, rid: str = "x", routes: tuple[Route, ...] = ()) -> Unserved:
    (u,) = explain_unserved(p, routes, [rid])
    assert u.request_id == rid
    return u


def test_no_vehicle_in_time_reports_the_closest_miss() -> None:
    # Pick-up at place 5 by 0:50; v (at 0) arrives 0:50 at best, w (at 9) 0:40: w is 0 late.
    # Make the window close at 0:30: v is 20 min late, w 10 min late.
    x = request("x", 5, 6, pickup_window=(0, 0.5))
    p = problem([vehicle("v", start=0), vehicle("w", start=9)], [x])
    u = _why(p)
    assert u.reason is UnservedReason.NO_VEHICLE_IN_TIME
    assert u.details["vehicle_id"] == "w"
    assert u.details["late_seconds"] == 4 * STEP - 1800


def test_shift_ends_too_early() -> None:
    x = request("x", 4, 5)
    p = problem([vehicle(window=TimeWindow(0, 8 * STEP))], [x])
    u = _why(p)
    assert u.reason is UnservedReason.NO_VEHICLE_IN_TIME
    assert u.details == {
        "vehicle_id": "v",
        "constraint": "vehicle_window",
        "late_seconds": 2 * STEP,
    }


def test_ride_time_exceeded_for_every_driver() -> None:
    # A direct ride of 3 steps against a limit of 2.
    p = problem([vehicle(), vehicle("w")], [request("x", 1, 4, max_ride_seconds=2 * STEP)])
    u = _why(p)
    assert u.reason is UnservedReason.RIDE_TIME_EXCEEDED


def test_no_seat_for_the_party() -> None:
    p = problem([vehicle(seats=3), vehicle("w", seats=4)], [request("x", 1, 2, seats=5)])
    u = _why(p)
    assert u.reason is UnservedReason.NO_SEAT
    assert (u.details["seats"], u.details["max_seats"]) == (5, 4)


def test_no_child_seat() -> None:
    p = problem([vehicle()], [request("x", 1, 2, child_seats=1)])
    assert _why(p).reason is UnservedReason.NO_SEAT


def test_drive_limit() -> None:
    p = problem([vehicle(max_drive_seconds=5 * STEP)], [request("x", 2, 3)])
    u = _why(p)
    assert u.reason is UnservedReason.DRIVE_LIMIT
    assert u.details["over_by_seconds"] == STEP


def test_driver_cap() -> None:
    p = problem([vehicle(max_night_requests=0)], [request("x", 1, 2, night=True)])
    assert _why(p).reason is UnservedReason.DRIVER_CAP


def test_locked_vehicle_cannot() -> None:
    x = request("x", 5, 6, pickup_window=(0, 0.5), locked_vehicle="v")
    p = problem([vehicle("v"), vehicle("w", start=5)], [x])
    u = _why(p)
    assert u.reason is UnservedReason.LOCKED_VEHICLE_CANNOT
    assert u.details["vehicle_id"] == "v" and u.details["late_seconds"] == 5 * STEP - 1800


def test_all_capable_vehicles_forbidden() -> None:
    x = request("x", 1, 2, seats=3, forbidden_vehicles={"w"})
    p = problem([vehicle("v", seats=2), vehicle("w", seats=3)], [x])
    u = _why(p)
    assert u.reason is UnservedReason.ALL_VEHICLES_FORBIDDEN
    assert u.details["vehicle_id"] == "w"


def test_not_worth_reports_the_cheapest_detour() -> None:
    p = problem([vehicle()], [request("a", 1, 2), request("x", 3, 4)])
    route = schedule_route(p, p.vehicles[0], visits("a+", "a-"))
    assert isinstance(route, Route)
    u = _why(p, "x", (route,))
    assert u.reason is UnservedReason.NOT_WORTH
    assert u.details == {"vehicle_id": "v", "extra_drive_seconds": 4 * STEP}


def test_conflict_names_the_blocking_seat() -> None:
    # The only car is full from 1 to 5 with a party of three; x rides 2 -> 3 at the same time.
    a = request("a", 1, 5, seats=3, pickup_window=(0, 0.2))
    x = request("x", 2, 3, pickup_window=(0, 0.4))
    p = problem([vehicle(seats=3)], [a, x])
    route = schedule_route(p, p.vehicles[0], visits("a+", "a-"))
    assert isinstance(route, Route)
    u = _why(p, "x", (route,))
    assert u.reason is UnservedReason.CONFLICT
    assert u.details["vehicle_id"] == "v"


def test_conflict_names_the_other_riders_ride_limit() -> None:
    # a may ride only its direct time; any detour for x breaks a's limit.
    a = request("a", 1, 3, max_ride_seconds=2 * STEP, pickup_window=(1, 1))
    x = request("x", 6, 7, pickup_window=(1.3, 1.4))
    p = problem([vehicle()], [a, x])
    route = schedule_route(p, p.vehicles[0], visits("a+", "a-"))
    assert isinstance(route, Route)
    u = _why(p, "x", (route,))
    assert u.reason is UnservedReason.CONFLICT
    assert u.details["constraint"] in ("ride_time_exceeded", "late")


def test_structural_feasible_prunes_vehicles() -> None:
    p = problem(
        [vehicle("v", seats=2), vehicle("w", seats=4), vehicle("u", seats=4)],
        [request("a", 1, 2, seats=3, forbidden_vehicles={"u"}), request("b", 1, 2)],
    )
    assert structural_feasible(p) == {"a": {"w"}, "b": {"v", "w", "u"}}


def test_closed_form_alone_check_agrees_with_schedule_route() -> None:
    rng = random.Random(1)
    feasible = 0
    for _ in range(1500):
        kw: dict[str, object] = {"max_ride_seconds": rng.choice([None, 600, 1200, 1800, 3600])}
        if rng.random() < 0.7:
            t = rng.uniform(0, 3)
            kw["pickup_window"] = (t, t + rng.choice([0, 0.25, 1]))
        if rng.random() < 0.7:
            t = rng.uniform(0, 4)
            kw["dropoff_window"] = (t, t + rng.choice([0, 0.25, 1]))
        a, b = rng.sample(range(10), 2)
        services = {"pickup_service": rng.choice([0, 60, 300]), "dropoff_service": 60}
        r = request("x", a, b, **services, **kw)
        s0 = rng.uniform(0, 1)
        v = vehicle(
            start=rng.randrange(10),
            end=rng.randrange(10),
            window=window(s0, s0 + rng.uniform(0.5, 8)),
            max_duty_seconds=rng.choice([None, 3600, 5400, 7200]),
            max_drive_seconds=rng.choice([None, 3600, 7200]),
        )
        p = problem([v], [r])
        expected = isinstance(schedule_route(p, v, visits("x+", "x-")), Route)
        assert alone_ok(p.matrix.durations, v, tables(p)["x"]) == expected, (r, v)
        feasible += expected
    assert feasible > 100
