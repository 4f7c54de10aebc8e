"""The large-neighbourhood layer: it only ever accepts better, feasible plans."""

from __future__ import annotations

import time

from solver_kit import problem
from solver_kit import request
from solver_kit import vehicle
from solver_kit import visits

from solver import Weights
from solver._lns import Neighbourhoods
from solver._ortools import SearchSpec
from solver.objective import objective_parts
from solver.schedule import schedule_route


def test_regrouping_two_routes_repairs_a_crossed_assignment() -> None:
    # West drives to the far end and east to the near one: 20 legs instead of 8.
    cars = [vehicle("west", start=0), vehicle("east", start=9)]
    p = problem(cars, [request("a", 1, 2), request("b", 8, 7)])
    cost = lambda routes: objective_parts(p, routes).total  # noqa: E731
    layer = Neighbourhoods(p, SearchSpec(request_ids=("a", "b")), cost)
    seen = []
    bad = {"west": visits("b+", "b-"), "east": visits("a+", "a-")}
    plan = layer.run(bad, time.monotonic() + 1.0, seen.append)
    assert plan == {"west": visits("a+", "a-"), "east": visits("b+", "b-")}
    assert layer.improvements >= 1 and seen[-1] == plan


def test_extra_ride_time_is_reported_in_the_objective() -> None:
    # a rides 1 -> 5 (40 min direct); pooling b with 5 + 5 min service adds 10 min.
    p = problem(
        [vehicle()],
        [request("a", 1, 5), request("b", 2, 4, pickup_service=300, dropoff_service=300)],
        weights=Weights(extra_ride_time=2),
    )

    route = schedule_route(p, p.vehicles[0], visits("a+", "b+", "b-", "a-"))
    parts = objective_parts(p, [route])
    assert parts.extra_ride_time == 2 * 600
    assert parts.travel == route.drive_seconds
