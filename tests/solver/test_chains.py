"""Chained requests: a companion (the child at the daycare) riding inside a main request."""

from __future__ import annotations

from dataclasses import replace

import pytest
from solver_kit import chain_day
from solver_kit import problem
from solver_kit import request
from solver_kit import solution
from solver_kit import vehicle
from solver_kit import visits

from solver import SolveParams
from solver import UnservedReason
from solver import check
from solver import explain_unserved
from solver import schedule_route
from solver import solve
from solver.check import Code
from solver.solution import Route

FAST = SolveParams(time_limit_seconds=30, solution_limit=200)


def _parent_and_child(**child: object) -> list:
    """Parent 1 -> course 6 by 07:45, child 1 -> daycare 2 (opens 07:00)."""
    child.setdefault("dropoff_window", (7.0, 14.0))
    return [
        request("m", 1, 6, dropoff_window=(7.25, 7.75)),
        request("k", 1, 2, companion_of="m", **child),
    ]


def _route(p, vid: str, *spec: str) -> Route:
    result = schedule_route(p, p.vehicle_by_id[vid], visits(*spec))
    assert isinstance(result, Route), result
    return result


def test_companion_must_name_a_main_request() -> None:
    with pytest.raises(ValueError, match="companion_of 'x' is not a request id"):
        problem([vehicle()], [request("k", 1, 2, companion_of="x")])
    with pytest.raises(ValueError, match="is itself a companion"):
        problem(
            [vehicle()],
            [
                request("a", 1, 2),
                request("b", 1, 2, companion_of="a"),
                request("c", 1, 2, companion_of="b"),
            ],
        )


def test_hand_made_chain_plan_holds() -> None:
    p = problem([vehicle()], _parent_and_child())
    ok = _route(p, "v", "m+", "k+", "k-", "m-")
    assert check(p, solution([ok])) == []


def test_chain_split_across_vehicles() -> None:
    p = problem([vehicle("a"), vehicle("b")], _parent_and_child())
    plan = solution([_route(p, "a", "m+", "m-"), _route(p, "b", "k+", "k-")])
    assert Code.CHAIN_SPLIT in {v.code for v in check(p, plan)}


def test_half_a_chain_served() -> None:
    p = problem([vehicle()], _parent_and_child())
    plan = solution([_route(p, "v", "m+", "m-")], unserved=["k"])
    assert [v.code for v in check(p, plan)] == [Code.CHAIN_SPLIT]


def test_daycare_after_the_course_is_wrong_order() -> None:
    # The child stays aboard past the course: the daycare comes after it.
    p = problem([vehicle()], [request("m", 1, 2), request("k", 1, 6, companion_of="m")])
    plan = solution([_route(p, "v", "m+", "k+", "m-", "k-")])
    assert [v.code for v in check(p, plan)] == [Code.CHAIN_ORDER]


def test_daycare_window_missed() -> None:
    p = problem([vehicle()], _parent_and_child(dropoff_window=(7.0, 14.0)))
    good = _route(p, "v", "m+", "k+", "k-", "m-")
    early = [replace(s, service_start=s.arrival) for s in good.stops]
    # Arriving at the daycare before it opens and handing the child over at once.
    stops = list(good.stops)
    i = next(n for n, s in enumerate(stops) if s.request_id == "k" and s.kind == "dropoff")
    stops[i] = replace(
        early[i], service_start=6 * 3600, wait=0, arrival=6 * 3600, departure=6 * 3600
    )
    broken = solution([replace(good, stops=tuple(stops))])
    assert Code.CHAIN_WINDOW in {v.code for v in check(p, broken)}


def test_companion_ride_time() -> None:
    # The child rides 1 -> 2 (10 min, cap 15) but waits aboard 15 min at the daycare.
    p = problem(
        [vehicle()],
        [request("m", 1, 3), request("k", 1, 2, companion_of="m", max_ride_seconds=900)],
    )
    route = _route(p, "v", "m+", "k+", "k-", "m-")
    assert check(p, solution([route])) == []
    stops = list(route.stops)
    i = next(n for n, s in enumerate(stops) if s.request_id == "k" and s.kind == "dropoff")
    late = stops[i].service_start + 900
    stops[i] = replace(stops[i], service_start=late, wait=late - stops[i].arrival, departure=late)
    for n in range(i + 1, len(stops)):
        shift = 900
        stops[n] = replace(
            stops[n],
            arrival=stops[n].arrival + shift,
            service_start=stops[n].service_start + shift,
            departure=stops[n].departure + shift,
        )
    broken = replace(route, stops=tuple(stops), duration_seconds=route.duration_seconds + 900)
    assert Code.COMPANION_RIDE_TIME in {v.code for v in check(p, solution([broken]))}


def test_no_driver_can_make_both_is_explained() -> None:
    # The daycare at 2 opens at 07:40; the course at 9 starts at 07:45, 70 min away.
    reqs = [
        request("m", 1, 9, dropoff_window=(7.0, 7.75)),
        request("k", 1, 2, companion_of="m", dropoff_window=(7.67, 14.0)),
    ]
    p = problem([vehicle()], reqs)
    sol = solve(p, FAST)
    assert sol.served_ids == frozenset()
    reasons = {u.request_id: u for u in sol.unserved}
    assert reasons["m"].reason is UnservedReason.CHAIN_NO_VEHICLE
    assert reasons["k"].reason is UnservedReason.CHAIN_NO_VEHICLE
    details = reasons["m"].details
    assert details["via_earliest"] == round(7.67 * 3600)
    assert details["main_latest"] == round(7.75 * 3600)
    assert details["via_kind"] == "dropoff"
    assert check(p, sol) == []
    assert explain_unserved(p, (), ["k"])[0].reason is UnservedReason.CHAIN_NO_VEHICLE


def test_chain_day_is_fully_served() -> None:
    p, plan = chain_day()
    hand = [_route_of(p, vid, vis) for vid, vis in plan.items()]
    assert check(p, solution(hand)) == []
    sol = solve(p, FAST)
    assert len(sol.served_ids) == len(p.requests) == 40
    assert check(p, sol) == []
    for route in sol.routes:
        order = [(s.request_id, s.kind) for s in route.stops if s.request_id]
        for main, companion in p.companions.items():
            if (main, "pickup") in order:
                assert order.index((main, "pickup")) < order.index((companion, "pickup"))
                assert order.index((companion, "dropoff")) < order.index((main, "dropoff"))


def _route_of(p, vid, vis) -> Route:
    result = schedule_route(p, p.vehicle_by_id[vid], vis)
    assert isinstance(result, Route), result
    return result
