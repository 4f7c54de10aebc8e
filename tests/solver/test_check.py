"""The independent checker on hand-made broken plans: one test per rule."""

from __future__ import annotations

from dataclasses import replace

import pytest
from solver_kit import STEP
from solver_kit import problem
from solver_kit import request
from solver_kit import solution
from solver_kit import vehicle
from solver_kit import visits

from solver.check import Code
from solver.check import check
from solver.problem import Problem
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.schedule import build_route
from solver.schedule import schedule_route
from solver.solution import ObjectiveParts
from solver.solution import Route
from solver.solution import Stop
from solver.solution import Unserved
from solver.solution import UnservedReason


def _plan(p: Problem, spec: str = "a+ a-", vid: str = "v") -> Route:
    route = schedule_route(p, p.vehicle_by_id[vid], visits(*spec.split()))
    assert isinstance(route, Route), route
    return route


def _codes(p: Problem, routes: list[Route], unserved: tuple[str, ...] = ()) -> set[Code]:
    return {v.code for v in check(p, solution(routes, unserved))}


def _edit(route: Route, index: int, **changes: int) -> Route:
    stops = list(route.stops)
    stops[index] = replace(stops[index], **changes)
    return replace(route, stops=tuple(stops))


def _forced(p: Problem, spec: str, times: list[int], vid: str = "v") -> Route:
    """A route with given times, consistent in itself, whatever the constraints say."""
    return build_route(p, p.vehicle_by_id[vid], visits(*spec.split()), times)


P = problem([vehicle(), vehicle("w")], [request("a", 1, 3), request("b", 2, 4)])


def test_a_good_plan_passes() -> None:
    assert check(P, solution([_plan(P, "a+ b+ a- b-")])) == []


def test_unknown_vehicle() -> None:
    route = replace(_plan(P), vehicle_id="x")
    assert Code.UNKNOWN_VEHICLE in _codes(P, [route], ("b",))


def test_vehicle_with_two_routes() -> None:
    assert Code.VEHICLE_TWICE in _codes(P, [_plan(P), _plan(P, "b+ b-")])


def test_unknown_request_in_route_and_in_unserved() -> None:
    route = _edit(_plan(P), 1, request_id="z")
    codes = _codes(P, [route], ("b", "y"))
    assert Code.UNKNOWN_REQUEST in codes


def test_route_shape() -> None:
    route = _plan(P)
    bad = replace(route, stops=route.stops[:-1])
    assert Code.ROUTE_SHAPE in _codes(P, [bad], ("b",))


def test_visit_without_request() -> None:
    assert Code.ROUTE_SHAPE in _codes(P, [_edit(_plan(P), 1, request_id=None)], ("a", "b"))


def test_wrong_location() -> None:
    assert Code.WRONG_LOCATION in _codes(P, [_edit(_plan(P), 1, location=2)], ("b",))


def test_served_twice() -> None:
    assert Code.SERVED_TWICE in _codes(P, [_plan(P), _plan(P, "a+ a-", "w")], ("b",))


def test_half_served() -> None:
    route = _forced(P, "a+ a- b+", [0, 600, 1200, 2400, 4800])
    assert Code.HALF_SERVED in _codes(P, [route])


def test_precedence() -> None:
    route = _forced(P, "a- a+", [0, 3 * STEP, 5 * STEP, 6 * STEP])
    assert Code.PRECEDENCE in _codes(P, [route], ("b",))


def test_pick_up_and_drop_off_on_different_routes() -> None:
    r1 = _forced(P, "a+", [0, STEP, 2 * STEP])
    r2 = _forced(P, "a-", [0, 3 * STEP, 6 * STEP], vid="w")
    assert Code.SPLIT in _codes(P, [r1, r2], ("b",))


@pytest.mark.parametrize(
    "changes",
    [
        {"arrival": 10},  # arrival is not previous departure + travel
        {"service_start": 500, "wait": -100},  # service before arrival
        {"wait": 7},  # wait not service start - arrival
        {"departure": 9999},  # departure not service start + service time
    ],
)
def test_timing(changes: dict[str, int]) -> None:
    assert Code.TIMING in _codes(P, [_edit(_plan(P), 1, **changes)], ("b",))


def test_time_window() -> None:
    p = problem([vehicle()], [request("a", 1, 3, dropoff_window=(1, 2))])
    route = _forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])
    assert _codes(p, [route]) == {Code.TIME_WINDOW}


def test_vehicle_window() -> None:
    p = problem([vehicle(window=TimeWindow(STEP, 4 * STEP))], [request("a", 1, 3)])
    route = _forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])
    assert _codes(p, [route]) == {Code.VEHICLE_WINDOW}


def test_load_reported_wrong() -> None:
    assert Code.LOAD in _codes(P, [_edit(_plan(P), 1, load=2)], ("b",))


def test_seats() -> None:
    p = problem([vehicle(seats=2)], [request("a", 1, 3, seats=2), request("b", 2, 4)])
    route = _forced(p, "a+ b+ a- b-", [0, STEP, 2 * STEP, 3 * STEP, 4 * STEP, 8 * STEP])
    assert _codes(p, [route]) == {Code.SEATS}


def test_child_seats() -> None:
    p = problem([vehicle(child_seats=0)], [request("a", 1, 3, child_seats=1)])
    route = _forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])
    assert _codes(p, [route]) == {Code.CHILD_SEATS}


def test_ride_time_counts_waiting_on_board() -> None:
    p = problem([vehicle()], [request("a", 1, 3, max_ride_seconds=3 * STEP)])
    assert _codes(p, [_forced(p, "a+ a-", [0, STEP, 4 * STEP, 7 * STEP])]) == set()
    late = _forced(p, "a+ a-", [0, STEP, 4 * STEP + 1, 7 * STEP + 1])
    assert _codes(p, [late]) == {Code.RIDE_TIME}


def test_drive_limit() -> None:
    p = problem([vehicle(max_drive_seconds=5 * STEP)], [request("a", 1, 3)])
    assert _codes(p, [_forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])]) == {Code.DRIVE_LIMIT}


def test_duty_limit() -> None:
    p = problem([vehicle(max_duty_seconds=7 * STEP)], [request("a", 1, 3)])
    assert _codes(p, [_forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])]) == set()
    waited = _forced(p, "a+ a-", [0, 2 * STEP, 5 * STEP, 8 * STEP])
    assert _codes(p, [waited]) == {Code.DUTY_LIMIT}


@pytest.mark.parametrize(
    ("v", "night"),
    [(vehicle(max_requests=1), False), (vehicle(max_night_requests=1), True)],
)
def test_caps(v: object, night: bool) -> None:
    p = problem([v], [request("a", 1, 3, night=night), request("b", 2, 4, night=night)])
    route = _forced(p, "a+ a- b+ b-", [0, STEP, 3 * STEP, 4 * STEP, 6 * STEP, 10 * STEP])
    assert _codes(p, [route]) == {Code.CAP}


def test_lock() -> None:
    p = problem([vehicle(), vehicle("w")], [request("a", 1, 3, locked_vehicle="w")])
    assert _codes(p, [_forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])]) == {Code.LOCK}


def test_forbidden_vehicle() -> None:
    p = problem([vehicle()], [request("a", 1, 3, forbidden_vehicles={"v"})])
    assert _codes(p, [_forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])]) == {Code.FORBIDDEN}


def test_locked_route_prefix() -> None:
    p = problem(
        [vehicle(), vehicle("w")],
        [request("a", 1, 3), request("b", 2, 4)],
        locked_routes={"v": visits("b+", "b-")},
    )
    assert _codes(p, [_plan(p, "b+ b- a+ a-")]) == set()
    assert _codes(p, [_plan(p, "a+ a- b+ b-")]) == {Code.LOCKED_ROUTE}
    assert _codes(p, [], ("a", "b")) == {Code.LOCKED_ROUTE}


def test_served_and_unserved() -> None:
    assert Code.SERVED_AND_UNSERVED in _codes(P, [_plan(P)], ("a", "b"))


def test_unserved_twice() -> None:
    assert _codes(P, [_plan(P)], ("b", "b")) == {Code.UNSERVED_TWICE}


def test_missing_request() -> None:
    assert _codes(P, [_plan(P)]) == {Code.MISSING}


def test_must_serve() -> None:
    p = problem([vehicle()], [request("a", 1, 3, must_serve=True)])
    assert _codes(p, [], ("a",)) == {Code.MUST_SERVE}


def test_reported_totals() -> None:
    route = _plan(P)
    for field in ("drive_seconds", "distance_metres", "duration_seconds"):
        bad = replace(route, **{field: getattr(route, field) + 1})
        assert _codes(P, [bad], ("b",)) == {Code.TOTALS}


def test_violation_names_vehicle_and_request() -> None:
    p = problem([vehicle()], [request("a", 1, 3, max_ride_seconds=STEP)])
    (v,) = check(p, solution([_forced(p, "a+ a-", [0, STEP, 3 * STEP, 6 * STEP])]))
    assert (v.vehicle_id, v.request_id) == ("v", "a")
    assert "rides 1200 s, limit 600" in v.message


def test_unserved_reason_is_not_judged() -> None:
    sol = solution([_plan(P)])
    sol = replace(sol, unserved=(Unserved("b", UnservedReason.NO_SEAT),))
    assert check(P, sol) == []


def test_start_stop_kind_is_checked() -> None:
    route = _plan(P)
    stops = (Stop(StopKind.PICKUP, 0, None, 0, 0, 0, 0, 0),) + route.stops[1:]
    assert Code.ROUTE_SHAPE in _codes(P, [replace(route, stops=stops)], ("b",))


def test_reported_objective_is_recomputed() -> None:
    route = _plan(P)  # serves a, leaves b: 6 steps of driving
    right = ObjectiveParts(unserved_penalty=1_000_000, travel=6 * STEP)
    assert check(P, replace(solution([route], ("b",)), objective=right)) == []
    wrong = replace(right, travel=1)
    (v,) = check(P, replace(solution([route], ("b",)), objective=wrong))
    assert v.code is Code.OBJECTIVE and "objective.travel is 1, expected 3600" in v.message
