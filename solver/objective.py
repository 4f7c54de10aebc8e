"""The plan's objective, part by part, recomputed from the timetable in plain Python.

OR-Tools optimises its own integer objective; this is the one reported, and the
one the large-neighbourhood layer compares plans by (it also sees the riders'
extra ride time, which the OR-Tools model leaves out).
"""

from __future__ import annotations

from collections.abc import Sequence

from solver.problem import Problem
from solver.problem import StopKind
from solver.solution import ObjectiveParts
from solver.solution import Route


def objective_parts(problem: Problem, routes: Sequence[Route]) -> ObjectiveParts:
    """The objective of a plan, part by part, in the problem's weighted units."""
    w = problem.weights
    dur = problem.matrix.durations
    served: dict[str, str] = {}
    extra = mismatch = 0
    for route in routes:
        vehicle = problem.vehicle_by_id[route.vehicle_id]
        pickup_done: dict[str, int] = {}
        for stop in route.stops:
            rid = stop.request_id
            if rid is None:
                continue
            request = problem.request_by_id[rid]
            if stop.kind is StopKind.PICKUP:
                pickup_done[rid] = stop.departure
                served[rid] = route.vehicle_id
                if request.languages and not request.languages & vehicle.languages:
                    mismatch += 1
            else:
                ride = stop.service_start - pickup_done[rid]
                extra += max(0, ride - dur[request.pickup][request.dropoff])
    before = {v.request_id: pr.vehicle_id for pr in problem.previous for v in pr.visits}
    changed = sum(1 for rid, vid in before.items() if served.get(rid) != vid)
    return ObjectiveParts(
        unserved_penalty=sum(w.penalty(r.priority) for r in problem.requests if r.id not in served),
        travel=sum(
            w.travel_time * r.drive_seconds + w.distance * r.distance_metres for r in routes
        ),
        extra_ride_time=w.extra_ride_time * extra,
        change=w.change * changed,
        language_mismatch=w.language_mismatch * mismatch,
        fixed_cost=sum(problem.vehicle_by_id[r.vehicle_id].fixed_cost for r in routes),
        workload=w.workload * sum(max(0, len(r.request_ids) - problem.fair_share) for r in routes),
    )
