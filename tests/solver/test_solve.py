"""solve() on small hand-checked days: optimal routes, every constraint, locks, priorities.

The line world of ``solver_kit``: places 0..9, ten minutes apart. Runs are made
deterministic with a solution limit (OR-Tools has no seed); the wall-clock limit
is only a guard. Every plan goes through the independent checker.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from solver_kit import HOUR
from solver_kit import STEP
from solver_kit import problem
from solver_kit import request
from solver_kit import vehicle
from solver_kit import visits
from solver_kit import window

from solver import Priority
from solver import Problem
from solver import Solution
from solver import SolveParams
from solver import UnservedReason
from solver import Weights
from solver import check
from solver import solve
from solver.check import Code

FAST = SolveParams(time_limit_seconds=20, solution_limit=200, metaheuristic="greedy")


def solved(p: Problem, params: SolveParams = FAST, **kw) -> Solution:
    """Solve and insist the independent checker finds nothing (demotions aside)."""
    sol = solve(p, params, **kw)
    demoted = {(Code.MUST_SERVE, rid) for rid in sol.demoted}
    assert [v for v in check(p, sol) if (v.code, v.request_id) not in demoted] == []
    return sol


def route_of(sol: Solution, vid: str) -> tuple[str, ...]:
    """A vehicle's visits as ``("a+", "a-", ...)``, empty if it stays home."""
    for route in sol.routes:
        if route.vehicle_id == vid:
            sign = {"pickup": "+", "dropoff": "-"}
            return tuple(f"{s.request_id}{sign[s.kind]}" for s in route.stops if s.request_id)
    return ()


def vehicle_of(sol: Solution) -> dict[str, str]:
    return {rid: r.vehicle_id for r in sol.routes for rid in r.request_ids}


def test_pools_two_riders_going_the_same_way() -> None:
    # 1 -> 5 and 2 -> 4 from home 0: optimal is one sweep out and back, 10 legs.
    p = problem([vehicle()], [request("a", 1, 5), request("b", 2, 4)])
    sol = solved(p)
    assert route_of(sol, "v")[:2] == ("a+", "b+")
    assert max(s.load for s in sol.routes[0].stops) == 2
    assert sol.routes[0].drive_seconds == 10 * STEP
    assert sol.objective.travel == 10 * STEP
    assert sol.unserved == ()


def test_each_driver_takes_the_rider_next_door() -> None:
    # Homes at 0 and 9; the unique optimum is 4 legs each.
    cars = [vehicle("west", start=0), vehicle("east", start=9)]
    sol = solved(problem(cars, [request("a", 1, 2), request("b", 8, 7)]))
    assert route_of(sol, "west") == ("a+", "a-")
    assert route_of(sol, "east") == ("b+", "b-")
    assert sol.objective.travel == 8 * STEP


def test_time_windows_decide_the_order() -> None:
    # b must be dropped at 3 by 0:40, a at 5 only after 2:00: b is dropped first.
    p = problem(
        [vehicle()],
        [request("a", 1, 5, dropoff_window=(2, 3)), request("b", 2, 3, dropoff_window=(0, 0.7))],
    )
    sol = solved(p)
    order = route_of(sol, "v")
    assert order.index("b-") < order.index("a-")
    drop = {s.request_id: s for s in sol.routes[0].stops if s.kind == "dropoff"}
    assert drop["b"].service_start <= 0.7 * HOUR
    assert 2 * HOUR <= drop["a"].service_start <= 3 * HOUR


def test_one_seat_means_one_rider_at_a_time() -> None:
    p = problem([vehicle(seats=1)], [request("a", 1, 5), request("b", 2, 4)])
    sol = solved(p)
    assert max(s.load for s in sol.routes[0].stops) == 1
    assert sol.served_ids == {"a", "b"}


def test_a_party_too_big_for_every_car_is_unserved() -> None:
    p = problem([vehicle(seats=2)], [request("a", 1, 5, seats=3), request("b", 2, 4)])
    sol = solved(p)
    assert sol.served_ids == {"b"}
    assert [u.request_id for u in sol.unserved] == ["a"]


def test_child_seat_goes_to_the_car_that_has_one() -> None:
    cars = [vehicle("plain"), vehicle("family", start=9, child_seats=1)]
    p = problem(cars, [request("kid", 1, 2, child_seats=1)])
    sol = solved(p)
    assert vehicle_of(sol) == {"kid": "family"}


def test_max_ride_time_forbids_the_detour() -> None:
    # Pooling b (5 min boarding, 5 min alighting) inside a's 40-min ride would
    # keep a aboard 50 min; a's cap is 45.
    reqs = [
        request("a", 1, 5, max_ride_seconds=45 * 60),
        request("b", 2, 4, pickup_service=300, dropoff_service=300),
    ]
    sol = solved(problem([vehicle()], reqs))
    stops = {(s.request_id, s.kind): s for s in sol.routes[0].stops if s.request_id}
    ride = stops["a", "dropoff"].service_start - stops["a", "pickup"].departure
    assert ride <= 45 * 60
    assert sol.served_ids == {"a", "b"}


def test_driver_window_leaves_late_request_unserved() -> None:
    p = problem(
        [vehicle(window=window(6, 8))],
        [
            request("early", 1, 2, pickup_window=(6.5, 7)),
            request("late", 1, 2, pickup_window=(9, 10)),
        ],
    )
    sol = solved(p)
    assert sol.served_ids == {"early"}
    start, end = sol.routes[0].stops[0], sol.routes[0].stops[-1]
    assert start.departure >= 6 * HOUR and end.arrival <= 8 * HOUR


def test_max_drive_limits_what_a_driver_takes() -> None:
    # a alone drives 80 min (0 -> 1 -> 4 -> 0), b alone 160, both 160; the cap is 90.
    p = problem([vehicle(max_drive_seconds=90 * 60)], [request("a", 1, 4), request("b", 5, 8)])
    sol = solved(p)
    assert sol.served_ids == {"a"}
    assert sol.routes[0].drive_seconds <= 90 * 60


def test_max_duty_limits_the_span() -> None:
    reqs = [
        request("a", 1, 2, pickup_window=(7, 7.2)),
        request("b", 1, 2, pickup_window=(11, 11.2)),
    ]
    sol = solved(problem([vehicle(max_duty_seconds=2 * HOUR)], reqs))
    assert len(sol.served_ids) == 1
    assert sol.routes[0].duration_seconds <= 2 * HOUR


def test_locked_vehicle_is_kept_although_another_is_closer() -> None:
    cars = [vehicle("near", start=1), vehicle("far", start=9)]
    sol = solved(problem(cars, [request("a", 1, 2, locked_vehicle="far")]))
    assert vehicle_of(sol) == {"a": "far"}


def test_forbidden_vehicle_is_avoided() -> None:
    cars = [vehicle("near", start=1), vehicle("far", start=9)]
    sol = solved(problem(cars, [request("a", 1, 2, forbidden_vehicles=frozenset({"near"}))]))
    assert vehicle_of(sol) == {"a": "far"}


def test_locked_route_prefix_stays_in_order() -> None:
    # Alone the optimum would nest b inside a; the lock says b first, then a.
    reqs = [request("a", 1, 5), request("b", 2, 4), request("c", 6, 7)]
    locked = {"v": visits("b+", "b-", "a+", "a-")}
    sol = solved(problem([vehicle()], reqs, locked_routes=locked))
    assert route_of(sol, "v")[:4] == ("b+", "b-", "a+", "a-")
    assert sol.served_ids == {"a", "b", "c"}


def test_undrivable_locked_route_is_a_clear_error() -> None:
    reqs = [request("a", 1, 5, dropoff_window=(0, 0.1))]
    p = problem([vehicle()], reqs, locked_routes={"v": visits("a+", "a-")})
    with pytest.raises(ValueError, match="locked_routes"):
        solve(p, FAST)


def test_caps_on_requests_and_night_requests() -> None:
    reqs = [request(f"r{k}", 1, 2) for k in range(3)]
    reqs += [request(f"n{k}", 1, 2, night=True) for k in range(2)]
    cars = [vehicle("capped", max_requests=2, max_night_requests=1)]
    sol = solved(problem(cars, reqs))
    served = sol.served_ids
    assert len(served) == 2
    assert len([r for r in served if r.startswith("n")]) <= 1


def test_higher_priority_wins_when_capacity_is_short() -> None:
    # Both want the only seat at the same time; the worker's ride counts more.
    reqs = [
        request("course", 1, 3, pickup_window=(8, 8), priority=Priority.COURSE),
        request("work", 1, 3, pickup_window=(8, 8), priority=Priority.WORK),
    ]
    sol = solved(problem([vehicle(seats=1)], reqs))
    assert sol.served_ids == {"work"}
    assert sol.objective.unserved_penalty == Weights().penalty(Priority.COURSE)


def test_fixed_cost_uses_fewer_cars() -> None:
    cars = [vehicle("a", fixed_cost=10**6), vehicle("b", fixed_cost=10**6)]
    sol = solved(problem(cars, [request("x", 1, 2), request("y", 3, 4)]))
    assert len(sol.routes) == 1
    assert sol.objective.fixed_cost == 10**6


def test_language_preference_picks_the_matching_driver() -> None:
    cars = [vehicle("de", start=1), vehicle("ar", start=2, languages=frozenset({"ar"}))]
    reqs = [request("a", 1, 3, languages=frozenset({"ar"}))]
    sol = solved(problem(cars, reqs, weights=Weights(language_mismatch=10 * STEP)))
    assert vehicle_of(sol) == {"a": "ar"}
    assert sol.objective.language_mismatch == 0


def test_must_serve_nobody_can_serve_is_demoted_not_fatal() -> None:
    reqs = [
        request("impossible", 1, 9, dropoff_window=(0, 0.2), must_serve=True),
        request("fine", 1, 2, must_serve=True),
    ]
    sol = solved(problem([vehicle()], reqs))
    assert sol.served_ids == {"fine"}
    assert sol.demoted == ("impossible",)
    assert [u.request_id for u in sol.unserved] == ["impossible"]


def test_must_serve_pair_that_cannot_both_fit_still_returns_a_plan() -> None:
    reqs = [
        request("a", 1, 3, pickup_window=(8, 8), must_serve=True),
        request("b", 1, 3, pickup_window=(8, 8), must_serve=True),
    ]
    sol = solved(problem([vehicle(seats=1)], reqs))
    assert len(sol.served_ids) == 1
    assert len(sol.demoted) == 1


def test_progress_is_reported_and_stats_filled() -> None:
    seen = []
    p = problem([vehicle()], [request("a", 1, 5), request("b", 2, 4)])
    sol = solved(p, progress=seen.append)
    assert seen and seen[0].served >= 1
    assert sol.stats.first_solution_seconds is not None
    assert sol.stats.best_solution_seconds >= sol.stats.first_solution_seconds
    assert sol.stats.iterations >= 1


def test_empty_day_gives_an_empty_plan() -> None:
    sol = solved(problem([vehicle()], []))
    assert sol.routes == () and sol.unserved == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"time_limit_seconds": 0}, "time_limit_seconds"),
        ({"solution_limit": 0}, "solution_limit"),
        ({"workers": 0}, "workers"),
        ({"metaheuristic": "tabu"}, "tabu"),
        ({"first_solution": "savings"}, "savings"),
        ({"ruin_visits": 0}, "ruin_visits"),
    ],
)
def test_bad_params_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        SolveParams(**kwargs)


def test_unserved_requests_carry_a_reason() -> None:
    reqs = [
        request("big", 1, 5, seats=3),
        request("never", 1, 2, pickup_window=(9, 9.1), dropoff_window=(8, 8.1)),
        request("ok", 2, 4),
    ]
    sol = solved(problem([vehicle(seats=2)], reqs))
    reasons = {u.request_id: u.reason for u in sol.unserved}
    assert sol.served_ids == {"ok"}
    assert reasons == {"big": UnservedReason.NO_SEAT, "never": UnservedReason.NO_VEHICLE_IN_TIME}


def test_large_day_starts_from_the_insertion_plan() -> None:
    # split_above=1 sends even this small day through the construction path.
    reqs = [request(f"r{k}", k % 9 + 1, (k * 4) % 9 + 1) for k in range(8) if k % 9 != (k * 4) % 9]
    cars = [vehicle("a"), vehicle("b", start=9)]
    sol = solved(problem(cars, reqs), replace(FAST, split_above=1))
    assert sol.served_ids == {r.id for r in reqs}


def test_language_weight_keeps_every_rider_and_prefers_a_shared_language() -> None:
    cars = [
        vehicle("de", start=1, languages=frozenset({"de"})),
        vehicle("ar", start=2, languages=frozenset({"ar"})),
    ]
    reqs = [
        request("a", 2, 4, languages=frozenset({"ar"}), pickup_window=(8, 9)),
        request("b", 1, 3, languages=frozenset({"de"}), pickup_window=(8, 9)),
        request("c", 3, 5, pickup_window=(10, 11)),
        request("d", 4, 6, languages=frozenset({"ar", "en"}), pickup_window=(12, 13)),
    ]
    plain = solved(problem(cars, reqs))
    # Ten steps of driving: small next to leaving a rider out, large next to any detour here.
    weighted = solved(problem(cars, reqs, weights=Weights(language_mismatch=10 * STEP)))
    assert plain.served_ids == weighted.served_ids == {"a", "b", "c", "d"}
    # Both cars have room: each rider with a language gets a driver who speaks it.
    assert vehicle_of(weighted)["a"] == vehicle_of(weighted)["d"] == "ar"
    assert weighted.objective.language_mismatch == 0


def test_language_weight_on_a_day_that_must_leave_riders_out() -> None:
    # Regression: the language penalty used to be a dimension with a unary transit vector
    # per driver language set; once riders had to be left out, OR-Tools 9.15 found no plan
    # at all (cf. google/or-tools#5283) and only the greedy insertion filled the day.
    de, ar = frozenset({"de"}), frozenset({"ar"})
    fa = frozenset({"fa"})
    cars = [
        vehicle("v0", start=1, seats=2, languages=de),
        vehicle("v1", start=1, seats=2, languages=ar),
    ]
    ride = {"max_ride_seconds": 4 * STEP}
    reqs = [
        request("r0", 7, 9, pickup_window=(10, 10.5), languages=fa, **ride),
        request("r1", 3, 1, pickup_window=(9, 9.5), languages=de, **ride),
        request("r2", 6, 9, pickup_window=(10, 10.5), languages=de, max_ride_seconds=6 * STEP),
        request("r3", 7, 4, pickup_window=(10, 10.5), languages=ar, max_ride_seconds=6 * STEP),
        request("r4", 9, 1, pickup_window=(9, 9.5), languages=de, max_ride_seconds=16 * STEP),
        request("r5", 0, 9, pickup_window=(10, 10.5), languages=de, max_ride_seconds=18 * STEP),
        request("r6", 6, 3, pickup_window=(9, 9.5), languages=de, max_ride_seconds=6 * STEP),
        request("r7", 8, 3, pickup_window=(9, 9.5), languages=fa, max_ride_seconds=10 * STEP),
    ]
    # One member, from the parallel insertion that failed (it spent its whole time on it).
    params = replace(FAST, members=1, first_solution="parallel", time_limit_seconds=5)
    plain = solved(problem(cars, reqs), params)
    weighted = solved(problem(cars, reqs, weights=Weights(language_mismatch=STEP // 2)), params)
    assert weighted.stats.status != "no_plan"  # the search itself found the plan
    assert len(weighted.served_ids) == len(plain.served_ids) < len(reqs)


def test_workload_weight_spreads_the_rides() -> None:
    # One seat each, so no pooling: one car could drive all four trips in turn (10 steps),
    # two cars need 12. Above the fair share of 4 / 2 = 2 rides each request costs 2 steps,
    # so the rides are split.
    cars = [vehicle("a", seats=1), vehicle("b", seats=1)]
    reqs = [request(f"r{h}", 1, 2, pickup_window=(h, h)) for h in (8, 9, 10, 11)]
    loaded = solved(problem(cars, reqs))
    assert sorted(len(r.request_ids) for r in loaded.routes) == [4]
    assert loaded.objective.workload == 0
    # A weight below the saving keeps one car, and pays for its two rides above the share.
    cheap = solved(problem(cars, reqs, weights=Weights(workload=STEP // 10)))
    assert sorted(len(r.request_ids) for r in cheap.routes) == [4]
    assert cheap.objective.workload == 2 * STEP // 10
    spread = solved(problem(cars, reqs, weights=Weights(workload=2 * STEP)))
    assert sorted(len(r.request_ids) for r in spread.routes) == [2, 2]
    assert spread.served_ids == loaded.served_ids
    assert spread.objective.workload == 0
    assert spread.objective.total == 12 * STEP
