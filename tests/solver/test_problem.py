"""Malformed input is refused at construction with a ValueError naming the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from solver_kit import line_matrix
from solver_kit import problem
from solver_kit import request
from solver_kit import vehicle
from solver_kit import visits

from solver.problem import PlannedRoute
from solver.problem import Priority
from solver.problem import Problem
from solver.problem import TimeWindow
from solver.problem import TravelMatrix
from solver.problem import Weights


def test_lists_become_tuples_and_frozensets() -> None:
    v = vehicle(languages=["de", "ar"])
    r = request("r", 1, 2, forbidden_vehicles=["w"], languages=["fa"], priority=4)
    p = Problem([v, vehicle("w")], [r], line_matrix(3))
    assert isinstance(p.vehicles, tuple) and isinstance(p.requests, tuple)
    assert v.languages == frozenset({"de", "ar"})
    assert r.forbidden_vehicles == frozenset({"w"})
    assert r.priority is Priority.WORK
    assert p.request_by_id["r"] is r and p.vehicle_by_id["w"].id == "w"


def test_request_whose_party_fits_no_car_is_not_an_input_error() -> None:
    p = problem([vehicle(seats=3)], [request("big", 1, 2, seats=7)])
    assert p.requests[0].seats == 7


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # seats below one
        (lambda: request("r3", 1, 2, seats=0), "Request 'r3'.seats must be >= 1, got 0"),
        # more child seats than seats
        (lambda: request("r", 1, 2, seats=1, child_seats=2), "Request 'r'.child_seats"),
        # negative service time
        (lambda: request("r", 1, 2, pickup_service=-5), "Request 'r'.pickup_service"),
        # ride limit not an int
        (lambda: request("r", 1, 2, max_ride_seconds=1.5), "Request 'r'.max_ride_seconds"),
        # priority outside the enum
        (lambda: request("r", 1, 2, priority=9), "Request 'r'.priority"),
        # locked to a vehicle it is forbidden to use
        (
            lambda: request("r", 1, 2, locked_vehicle="v", forbidden_vehicles={"v"}),
            "Request 'r'.locked_vehicle",
        ),
        # empty id
        (lambda: request("", 1, 2), "Request.id"),
        # window the wrong way round
        (lambda: TimeWindow(10, 5), "TimeWindow.latest"),
        # negative window
        (lambda: TimeWindow(-1, 5), "TimeWindow.earliest"),
        # vehicle without seats
        (lambda: vehicle(seats=0), "Vehicle 'v'.seats must be >= 1"),
        # vehicle with more child seats than seats
        (lambda: vehicle(seats=2, child_seats=3), "Vehicle 'v'.child_seats"),
        # negative drive limit
        (lambda: vehicle(max_drive_seconds=-1), "Vehicle 'v'.max_drive_seconds"),
        # a bool is not a location
        (lambda: vehicle(start=True), "Vehicle 'v'.start"),
        # ragged matrix
        (lambda: TravelMatrix([[0, 1], [1]], [[0, 1], [1, 0]]), "TravelMatrix.durations[1]"),
        # shapes differ
        (lambda: TravelMatrix([[0]], [[0, 1], [1, 0]]), "TravelMatrix.distances has 2 rows"),
        # negative travel time
        (lambda: TravelMatrix([[0, -1], [1, 0]], [[0, 1], [1, 0]]), "non-negative"),
        # float travel time
        (lambda: TravelMatrix([[0, 1.5], [1, 0]], [[0, 1], [1, 0]]), "ints only"),
        # negative weight
        (lambda: Weights(travel_time=-1), "Weights.travel_time"),
    ],
)
def test_malformed_parts(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def _p(**kw: Any) -> Problem:
    vehicles = kw.pop("vehicles", [vehicle("v"), vehicle("w")])
    requests = kw.pop("requests", [request("a", 1, 2), request("b", 3, 4)])
    return Problem(tuple(vehicles), tuple(requests), kw.pop("matrix", line_matrix(5)), **kw)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        # not a Vehicle
        ({"vehicles": [{"id": "v"}]}, "Problem.vehicles must hold Vehicle objects"),
        # two vehicles share an id
        ({"vehicles": [vehicle("v"), vehicle("v")]}, "Problem.vehicles ids must be unique"),
        # two requests share an id
        ({"requests": [request("a", 1, 2)] * 2}, "Problem.requests ids must be unique"),
        # location outside the matrix
        ({"requests": [request("a", 1, 9)]}, "Request 'a'.dropoff = 9 is outside"),
        ({"vehicles": [vehicle("v", start=7)]}, "Vehicle 'v'.start = 7 is outside"),
        # nine seats in the service
        ({"vehicles": [vehicle("v", seats=9)]}, "Vehicle 'v'.seats must be <= 8"),
        # lock to an unknown vehicle
        ({"requests": [request("a", 1, 2, locked_vehicle="x")]}, "Request 'a'.locked_vehicle"),
        # forbidden unknown vehicle
        ({"requests": [request("a", 1, 2, forbidden_vehicles={"x"})]}, "forbidden_vehicles"),
        # earlier plan on an unknown vehicle
        ({"previous": [PlannedRoute("x", visits("a+", "a-"))]}, "Problem.previous vehicle_id"),
        # earlier plan with an unknown request
        ({"previous": [PlannedRoute("v", visits("z+", "z-"))]}, "unknown request 'z'"),
        # earlier plan dropping off first
        ({"previous": [PlannedRoute("v", visits("a-", "a+"))]}, "drops 'a' off before"),
        # locked route on an unknown vehicle
        ({"locked_routes": {"x": visits("a+", "a-")}}, "'x' is not a vehicle id"),
        # locked route with half a request
        ({"locked_routes": {"v": visits("a+")}}, "both pick-up and drop-off"),
        # request locked on two routes
        (
            {"locked_routes": {"v": visits("a+", "a-"), "w": visits("a+", "a-")}},
            "also locked on 'v'",
        ),
        # locked route contradicting the request's lock
        (
            {
                "requests": [request("a", 1, 2, locked_vehicle="w")],
                "locked_routes": {"v": visits("a+", "a-")},
            },
            "has locked_vehicle 'w'",
        ),
    ],
)
def test_malformed_problem(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _p(**kw)


def test_benchmark_capacities_need_max_seats() -> None:
    p = _p(vehicles=[vehicle("v", seats=200)], max_seats=1000)
    assert p.vehicles[0].seats == 200


def test_locked_routes_and_previous_accept_lists() -> None:
    p = _p(locked_routes={"v": list(visits("a+", "a-"))}, previous=[PlannedRoute("w", [])])
    assert p.locked_routes["v"] == visits("a+", "a-")
    assert p.previous[0].visits == ()
