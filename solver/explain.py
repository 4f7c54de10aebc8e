"""Why a request is unserved, established by checking it, never guessed (SOLVER-NOTES §7).

Layer 1 tries the request alone on each vehicle (its pick-up and drop-off as the
whole route): a request no vehicle can serve even alone gets a structural reason
and the closest miss. Layer 2 looks for the cheapest feasible insertion into the
final routes (exact: the pruning in ``solver.insertion`` only drops positions that
cannot work) and reports NOT_WORTH with its detour; if there is none, it tries the
most natural positions on each capable vehicle with ``schedule_route`` and names
the constraint that blocks the nearest one. Layer 3 (re-solve with the request
made mandatory) is the caller's button, not done here.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from solver._structural import alone
from solver._structural import structural_feasible as structural_feasible
from solver.chains import chain_visits
from solver.chains import via_kind
from solver.insertion import Insertion
from solver.insertion import RouteState
from solver.insertion import best_insertions
from solver.insertion import cheapest_fit
from solver.insertion import probes
from solver.insertion import route_states
from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import Vehicle
from solver.schedule import RouteInfeasible
from solver.schedule import RouteIssue
from solver.schedule import insert_visits
from solver.schedule import schedule_route
from solver.solution import Route
from solver.solution import Unserved
from solver.solution import UnservedReason

_STRUCTURAL = {
    RouteIssue.NO_SEAT: UnservedReason.NO_SEAT,
    RouteIssue.NO_CHILD_SEAT: UnservedReason.NO_SEAT,
    RouteIssue.DRIVER_CAP: UnservedReason.DRIVER_CAP,
    RouteIssue.DRIVE_LIMIT: UnservedReason.DRIVE_LIMIT,
    RouteIssue.RIDE_TIME: UnservedReason.RIDE_TIME_EXCEEDED,
    RouteIssue.LATE: UnservedReason.NO_VEHICLE_IN_TIME,
    RouteIssue.VEHICLE_WINDOW: UnservedReason.NO_VEHICLE_IN_TIME,
    RouteIssue.DUTY_LIMIT: UnservedReason.NO_VEHICLE_IN_TIME,
}


def explain_unserved(
    problem: Problem, routes: Sequence[Route], unserved_ids: Iterable[str]
) -> tuple[Unserved, ...]:
    """A reason with details for each unserved request, given the plan's final routes."""
    feasible = structural_feasible(problem)
    states: dict[str, RouteState] | None = None  # built once, only if some request needs layer 2
    out = []
    for rid in unserved_ids:
        request = problem.request_by_id.get(rid)
        if request is None:
            raise ValueError(f"unserved_ids holds unknown request {rid!r}")
        capable = [v for v in problem.vehicles if v.id in feasible[rid]]
        chain = problem.chain_of.get(rid)
        if chain is not None and capable and all(feasible[x] for x in chain):
            found = _chain_alone(problem, *chain)
            if found is not None:
                out.append(Unserved(rid, UnservedReason.CHAIN_NO_VEHICLE, found))
                continue
        if capable:
            states = states if states is not None else route_states(problem, routes)
            out.append(_layer2(problem, request, capable, states))
        else:
            out.append(_layer1(problem, request))
    return tuple(out)


def _chain_alone(problem: Problem, main_id: str, companion_id: str) -> dict[str, int | str] | None:
    """If no vehicle can drive the chain alone: the facts for the message, else None.

    Details: both ids, the via stop's kind and window (the daycare's opening
    hours) and location, the main ride's window at its other end (the course's
    start) and location, and the closest miss in seconds.
    """
    chain = chain_visits(main_id, companion_id)
    fails = []
    for v in problem.vehicles:
        result = schedule_route(problem, v, chain)
        if not isinstance(result, RouteInfeasible):
            return None
        fails.append(result)
    closest = min(fails, key=_miss)
    main, companion = problem.request_by_id[main_id], problem.request_by_id[companion_id]
    kind = via_kind(main, companion)
    there = kind is StopKind.DROPOFF
    via_window = companion.dropoff_window if there else companion.pickup_window
    main_window = main.dropoff_window if there else main.pickup_window
    details: dict[str, int | str] = {
        "main_request_id": main_id,
        "companion_request_id": companion_id,
        "via_kind": str(kind),
        "via_location": companion.dropoff if there else companion.pickup,
        "main_location": main.dropoff if there else main.pickup,
        "vehicle_id": closest.vehicle_id,
        "constraint": str(closest.reason),
        "late_seconds": _miss(closest),
    }
    if via_window is not None:
        details |= {"via_earliest": via_window.earliest, "via_latest": via_window.latest}
    if main_window is not None:
        details |= {"main_earliest": main_window.earliest, "main_latest": main_window.latest}
    return details


def _miss(fail: RouteInfeasible) -> int:
    """Seconds by which a failure misses, for ranking 'closest' (0 when not a time)."""
    value = fail.details.get("late_seconds", fail.details.get("over_by", 0))
    return value if isinstance(value, int) else 0


def _details(fail: RouteInfeasible, request_id: str) -> dict[str, int | str]:
    details: dict[str, int | str] = {"vehicle_id": fail.vehicle_id, "constraint": str(fail.reason)}
    for key, value in fail.details.items():
        details["over_by_seconds" if key == "over_by" and _is_time(fail) else key] = value
    if fail.request_id is not None and fail.request_id != request_id:
        details["other_request_id"] = fail.request_id
    return details


def _is_time(fail: RouteInfeasible) -> bool:
    return fail.reason in (RouteIssue.RIDE_TIME, RouteIssue.DUTY_LIMIT, RouteIssue.DRIVE_LIMIT)


def _layer1(problem: Problem, request: Request) -> Unserved:
    """No vehicle can serve it alone: say which rule, on the vehicle that comes closest."""
    rid = request.id
    if request.locked_vehicle is not None:
        vehicle = problem.vehicle_by_id[request.locked_vehicle]
        fail = schedule_route(problem, vehicle, alone(rid))
        found = _details(fail, rid) if isinstance(fail, RouteInfeasible) else {}
        return Unserved(
            rid, UnservedReason.LOCKED_VEHICLE_CANNOT, found or {"vehicle_id": vehicle.id}
        )
    fails = _failures(problem, problem.vehicles, rid, ignore_assignment=True)
    if not fails:
        return Unserved(rid, UnservedReason.NO_VEHICLE_IN_TIME, {"vehicles": 0})
    if any(f is None for f in fails.values()):
        allowed = [v for v, f in fails.items() if f is None]
        details: dict[str, int | str] = {"vehicle_id": allowed[0], "capable_vehicles": len(allowed)}
        return Unserved(rid, UnservedReason.ALL_VEHICLES_FORBIDDEN, details)
    failures = [f for f in fails.values() if f is not None]
    seatless = [f for f in failures if f.reason in (RouteIssue.NO_SEAT, RouteIssue.NO_CHILD_SEAT)]
    if len(seatless) == len(failures):
        most = max(v.seats for v in problem.vehicles)
        most_child = max(v.child_seats for v in problem.vehicles)
        details = {"seats": request.seats, "child_seats": request.child_seats}
        details |= {"max_seats": most, "max_child_seats": most_child}
        return Unserved(rid, UnservedReason.NO_SEAT, details)
    rest = [f for f in failures if f not in seatless]
    capped = [f for f in rest if f.reason is RouteIssue.DRIVER_CAP]
    if len(capped) == len(rest):
        return Unserved(rid, UnservedReason.DRIVER_CAP, _details(capped[0], rid))
    timed = [f for f in rest if f.reason in _STRUCTURAL and f not in capped]
    closest = min(timed, key=_miss)
    return Unserved(rid, _STRUCTURAL[closest.reason], _details(closest, rid))


def _failures(
    problem: Problem, vehicles: Iterable[Vehicle], rid: str, ignore_assignment: bool
) -> dict[str, RouteInfeasible | None]:
    """Vehicle id -> why it fails alone (None if only the assignment rules stop it)."""
    out: dict[str, RouteInfeasible | None] = {}
    for v in vehicles:
        result = schedule_route(problem, v, alone(rid), ignore_assignment)
        out[v.id] = result if isinstance(result, RouteInfeasible) else None
    return out


PROBES = 4
"""Insertions tried per vehicle to name a blocking constraint (the most natural ones)."""


def _layer2(
    problem: Problem, request: Request, capable: Sequence[Vehicle], states: dict[str, RouteState]
) -> Unserved:
    """It fits some vehicle alone: does it fit the plan? If not, what blocks it?"""
    rid = request.id
    fit = cheapest_fit(problem, states, request, {v.id for v in capable})
    if fit is not None:
        details: dict[str, int | str] = {"vehicle_id": fit[1], "extra_drive_seconds": fit[0]}
        return Unserved(rid, UnservedReason.NOT_WORTH, details)
    blocking: list[RouteInfeasible] = []
    for vehicle in capable:
        s = states.get(vehicle.id)
        if s is None:
            continue
        tried = [
            schedule_route(problem, vehicle, insert_visits(s.visits, rid, i, j))
            for i, j in probes(problem, s, request, PROBES)
        ]
        fails = [f for f in tried if isinstance(f, RouteInfeasible)]
        if fails:
            blocking.append(min(fails, key=_rank))
    if not blocking:  # only undrivable routes (an edited plan): nothing to name
        return Unserved(rid, UnservedReason.CONFLICT, {})
    for issue, reason in (
        (RouteIssue.DRIVE_LIMIT, UnservedReason.DRIVE_LIMIT),
        (RouteIssue.DRIVER_CAP, UnservedReason.DRIVER_CAP),
    ):
        if all(f.reason is issue for f in blocking):
            return Unserved(rid, reason, _details(min(blocking, key=_miss), rid))
    nearest = min(blocking, key=_rank)
    return Unserved(rid, UnservedReason.CONFLICT, _details(nearest, rid))


def _rank(fail: RouteInfeasible) -> tuple[int, int]:
    """Order failures by how near they come: timing misses by seconds, then the rest."""
    timed = fail.reason in (
        RouteIssue.LATE,
        RouteIssue.VEHICLE_WINDOW,
        RouteIssue.RIDE_TIME,
        RouteIssue.DUTY_LIMIT,
        RouteIssue.DRIVE_LIMIT,
    )
    return (0, _miss(fail)) if timed else (1, 0)


def fit_per_vehicle(
    problem: Problem, routes: Sequence[Route], request_id: str
) -> dict[str, Insertion | RouteInfeasible]:
    """Per vehicle, the cheapest feasible insertion of a request, or what blocks it.

    The "move to driver" list: the request (taken out of ``routes`` first if it is
    in them) gets each vehicle's cheapest feasible insertion by extra driving, exact
    as in ``rank_insertions``. A vehicle without one gets the nearest miss: of the
    request alone if the vehicle cannot serve it even alone (layer 1), else of the
    most natural positions in its route (layer 2). A vehicle whose current route
    cannot be driven at all (an edited plan) is left out.
    """
    request = problem.request_by_id.get(request_id)
    if request is None:
        raise ValueError(f"unknown request {request_id!r}")
    states = route_states(problem, routes, request_id)
    capable = structural_feasible(problem)[request_id]
    out: dict[str, Insertion | RouteInfeasible] = dict(
        best_insertions(problem, states, request, capable)
    )
    for vehicle in problem.vehicles:
        if vehicle.id in out:
            continue
        s = states.get(vehicle.id)
        if vehicle.id not in capable:
            tried = [schedule_route(problem, vehicle, alone(request_id))]
        elif s is not None:
            tried = [
                schedule_route(problem, vehicle, insert_visits(s.visits, request_id, i, j))
                for i, j in probes(problem, s, request, PROBES)
            ]
        else:
            continue
        fails = [f for f in tried if isinstance(f, RouteInfeasible)]
        if fails:
            out[vehicle.id] = min(fails, key=_rank)
    return out
