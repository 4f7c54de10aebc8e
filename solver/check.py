"""The independent plan checker: recompute every time, load and limit from the problem alone.

It shares no code with the search (only the data classes), so a bug in the
model or in ``solver.schedule`` cannot hide itself here. Every solution in the
tests and the benchmark goes through it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.problem import Vehicle
from solver.solution import ObjectiveParts
from solver.solution import Route
from solver.solution import Solution
from solver.solution import Stop


class Code(StrEnum):
    """What a violation is about."""

    UNKNOWN_VEHICLE = "unknown_vehicle"
    VEHICLE_TWICE = "vehicle_twice"
    UNKNOWN_REQUEST = "unknown_request"
    ROUTE_SHAPE = "route_shape"
    WRONG_LOCATION = "wrong_location"
    SERVED_TWICE = "served_twice"
    HALF_SERVED = "half_served"
    PRECEDENCE = "precedence"
    SPLIT = "split_across_routes"
    TIMING = "timing"
    TIME_WINDOW = "time_window"
    VEHICLE_WINDOW = "vehicle_window"
    LOAD = "load"
    SEATS = "seats"
    CHILD_SEATS = "child_seats"
    RIDE_TIME = "ride_time"
    DRIVE_LIMIT = "drive_limit"
    DUTY_LIMIT = "duty_limit"
    CAP = "cap"
    LOCK = "lock"
    FORBIDDEN = "forbidden"
    LOCKED_ROUTE = "locked_route"
    SERVED_AND_UNSERVED = "served_and_unserved"
    UNSERVED_TWICE = "unserved_twice"
    MISSING = "missing"
    MUST_SERVE = "must_serve"
    CHAIN_SPLIT = "chain_split"
    """A chain's two requests on different vehicles, or only one of them served."""
    CHAIN_ORDER = "chain_order"
    """The companion's ride not inside the main ride (e.g. the daycare after the course)."""
    CHAIN_WINDOW = "chain_window"
    """A companion's stop outside its window (the daycare closed)."""
    COMPANION_RIDE_TIME = "companion_ride_time"
    """The companion rides longer than its cap."""
    TOTALS = "totals"
    OBJECTIVE = "objective"


@dataclass(frozen=True)
class Violation:
    """One broken rule of a plan, with the vehicle and request concerned where known."""

    code: Code
    message: str
    vehicle_id: str | None = None
    request_id: str | None = None


def check(problem: Problem, solution: Solution) -> list[Violation]:
    """Every violation of ``solution`` against ``problem``; an empty list means feasible."""
    out: list[Violation] = []
    seen_vehicles: set[str] = set()
    # request id -> list of (route index, stop index, stop)
    where: dict[str, list[tuple[int, int, Stop]]] = {}
    for k, route in enumerate(solution.routes):
        vehicle = problem.vehicle_by_id.get(route.vehicle_id)
        vid = route.vehicle_id
        if vehicle is None:
            out.append(Violation(Code.UNKNOWN_VEHICLE, f"unknown vehicle {vid!r}", vid))
            continue
        if vid in seen_vehicles:
            out.append(Violation(Code.VEHICLE_TWICE, f"vehicle {vid!r} has two routes", vid))
        seen_vehicles.add(vid)
        out.extend(_check_route(problem, vehicle, route))
        for i, stop in enumerate(route.stops):
            if stop.request_id is not None:
                where.setdefault(stop.request_id, []).append((k, i, stop))
    served = set()
    for rid, stops in where.items():
        request = problem.request_by_id.get(rid)
        if request is None:
            out.append(Violation(Code.UNKNOWN_REQUEST, f"unknown request {rid!r}", None, rid))
            continue
        out.extend(_check_pair(problem, solution, request, stops))
        served.add(rid)
    out.extend(_check_chains(problem, solution, where))
    out.extend(_check_unserved(problem, solution, served))
    out.extend(_check_locked_routes(problem, solution))
    if solution.objective != ObjectiveParts():  # all zero: not reported, not judged
        out.extend(_check_objective(problem, solution, served))
    return out


def _check_route(problem: Problem, vehicle: Vehicle, route: Route) -> Iterator[Violation]:
    """Shape, timing, loads and per-vehicle limits of one route."""
    vid = route.vehicle_id
    stops = route.stops
    if (
        len(stops) < 2
        or stops[0].kind is not StopKind.START
        or stops[-1].kind is not StopKind.END
        or any(s.kind in (StopKind.START, StopKind.END) for s in stops[1:-1])
        or any(s.request_id is None for s in stops[1:-1])
        or stops[0].request_id is not None
        or stops[-1].request_id is not None
    ):
        yield Violation(Code.ROUTE_SHAPE, f"route of {vid!r} must go start, visits, end", vid)
        return
    if stops[0].location != vehicle.start or stops[-1].location != vehicle.end:
        yield Violation(Code.WRONG_LOCATION, f"route of {vid!r} starts or ends elsewhere", vid)
    yield from _check_timing(problem, vehicle, route)
    yield from _check_loads(problem, vehicle, route)
    yield from _check_limits(problem, vehicle, route)


def _service(problem: Problem, stop: Stop) -> int:
    request = problem.request_by_id.get(stop.request_id or "")
    if request is None:
        return 0
    return request.pickup_service if stop.kind is StopKind.PICKUP else request.dropoff_service


def _check_timing(problem: Problem, vehicle: Vehicle, route: Route) -> Iterator[Violation]:
    dur = problem.matrix.durations
    vid = route.vehicle_id
    prev: Stop | None = None
    for stop in route.stops:
        rid = stop.request_id
        where = f"{vid!r} at {stop.kind} {rid or ''}".rstrip()
        if prev is not None:
            expected = prev.departure + dur[prev.location][stop.location]
            if stop.arrival != expected:
                msg = f"{where}: arrival {stop.arrival} != previous departure + travel = {expected}"
                yield Violation(Code.TIMING, msg, vid, rid)
        if stop.service_start < stop.arrival:
            msg = f"{where}: service starts {stop.service_start} before arrival {stop.arrival}"
            yield Violation(Code.TIMING, msg, vid, rid)
        if stop.wait != stop.service_start - stop.arrival:
            yield Violation(
                Code.TIMING, f"{where}: wait {stop.wait} is not service - arrival", vid, rid
            )
        if stop.departure != stop.service_start + _service(problem, stop):
            msg = f"{where}: departure {stop.departure} != service start + service time"
            yield Violation(Code.TIMING, msg, vid, rid)
        if rid is not None:
            yield from _check_window(problem, vid, stop)
        prev = stop
    start, end = route.stops[0], route.stops[-1]
    if start.departure < vehicle.window.earliest or start.departure > vehicle.window.latest:
        msg = f"{vid!r} departs at {start.departure}, outside its shift {vehicle.window}"
        yield Violation(Code.VEHICLE_WINDOW, msg, vid)
    if end.arrival > vehicle.window.latest:
        msg = f"{vid!r} is back at {end.arrival}, {end.arrival - vehicle.window.latest} s late"
        yield Violation(Code.VEHICLE_WINDOW, msg, vid)


def _check_window(problem: Problem, vid: str, stop: Stop) -> Iterator[Violation]:
    request = problem.request_by_id.get(stop.request_id or "")
    if request is None:
        return
    is_pickup = stop.kind is StopKind.PICKUP
    location = request.pickup if is_pickup else request.dropoff
    if stop.location != location:
        msg = f"{stop.kind} of {request.id!r} at location {stop.location}, expected {location}"
        yield Violation(Code.WRONG_LOCATION, msg, vid, request.id)
    window: TimeWindow | None = request.pickup_window if is_pickup else request.dropoff_window
    if window is not None and not window.contains(stop.service_start):
        msg = f"{stop.kind} of {request.id!r} at {stop.service_start}, outside {window}"
        code = Code.TIME_WINDOW if request.companion_of is None else Code.CHAIN_WINDOW
        yield Violation(code, msg, vid, request.id)


def _check_loads(problem: Problem, vehicle: Vehicle, route: Route) -> Iterator[Violation]:
    vid = route.vehicle_id
    load = child = 0
    for stop in route.stops:
        request = problem.request_by_id.get(stop.request_id or "")
        if request is not None:
            sign = 1 if stop.kind is StopKind.PICKUP else -1
            load += sign * request.seats
            child += sign * request.child_seats
        if (stop.load, stop.child_load) != (load, child):
            msg = f"{vid!r} reports load {stop.load}/{stop.child_load}, is {load}/{child}"
            yield Violation(Code.LOAD, msg, vid, stop.request_id)
        if load > vehicle.seats:
            msg = f"{vid!r} carries {load} riders in {vehicle.seats} seats"
            yield Violation(Code.SEATS, msg, vid, stop.request_id)
        if child > vehicle.child_seats:
            msg = f"{vid!r} needs {child} child seats, has {vehicle.child_seats}"
            yield Violation(Code.CHILD_SEATS, msg, vid, stop.request_id)


def _check_limits(problem: Problem, vehicle: Vehicle, route: Route) -> Iterator[Violation]:
    """Totals as reported, drive and duty limits, caps, locks, forbidden vehicles."""
    vid = route.vehicle_id
    stops = route.stops
    legs = list(zip(stops, stops[1:], strict=False))
    drive = sum(problem.matrix.durations[a.location][b.location] for a, b in legs)
    metres = sum(problem.matrix.distances[a.location][b.location] for a, b in legs)
    duration = stops[-1].arrival - stops[0].departure
    reported = (route.drive_seconds, route.distance_metres, route.duration_seconds)
    if reported != (drive, metres, duration):
        msg = f"{vid!r} reports drive/distance/duration {reported}, is {(drive, metres, duration)}"
        yield Violation(Code.TOTALS, msg, vid)
    if vehicle.max_drive_seconds is not None and drive > vehicle.max_drive_seconds:
        msg = f"{vid!r} drives {drive} s, limit {vehicle.max_drive_seconds}"
        yield Violation(Code.DRIVE_LIMIT, msg, vid)
    if vehicle.max_duty_seconds is not None and duration > vehicle.max_duty_seconds:
        msg = f"{vid!r} is on duty {duration} s, limit {vehicle.max_duty_seconds}"
        yield Violation(Code.DUTY_LIMIT, msg, vid)
    requests = [
        problem.request_by_id[s.request_id]
        for s in stops
        if s.kind is StopKind.PICKUP
        and s.request_id is not None
        and s.request_id in problem.request_by_id
    ]
    if vehicle.max_requests is not None and len(requests) > vehicle.max_requests:
        msg = f"{vid!r} serves {len(requests)} requests, cap {vehicle.max_requests}"
        yield Violation(Code.CAP, msg, vid)
    nights = sum(r.night for r in requests)
    if vehicle.max_night_requests is not None and nights > vehicle.max_night_requests:
        msg = f"{vid!r} serves {nights} night requests, cap {vehicle.max_night_requests}"
        yield Violation(Code.CAP, msg, vid)
    for r in requests:
        if r.locked_vehicle is not None and r.locked_vehicle != vid:
            yield Violation(Code.LOCK, f"{r.id!r} is locked to {r.locked_vehicle!r}", vid, r.id)
        if vid in r.forbidden_vehicles:
            yield Violation(Code.FORBIDDEN, f"{r.id!r} may not ride with {vid!r}", vid, r.id)


def _check_pair(
    problem: Problem, solution: Solution, request: Request, stops: list[tuple[int, int, Stop]]
) -> Iterator[Violation]:
    """Served exactly once: one pick-up, one drop-off, same route, pick-up first, ride limit."""
    rid = request.id
    kinds = Counter(s.kind for _, _, s in stops)
    if kinds[StopKind.PICKUP] > 1 or kinds[StopKind.DROPOFF] > 1:
        yield Violation(Code.SERVED_TWICE, f"{rid!r} is visited {dict(kinds)}", None, rid)
        return
    if kinds[StopKind.PICKUP] != 1 or kinds[StopKind.DROPOFF] != 1:
        yield Violation(Code.HALF_SERVED, f"{rid!r} has only a {stops[0][2].kind}", None, rid)
        return
    (kp, ip, pickup), (kd, id_, dropoff) = sorted(stops, key=lambda x: x[2].kind != "pickup")
    vid = solution.routes[kp].vehicle_id
    if kp != kd:
        other = solution.routes[kd].vehicle_id
        yield Violation(Code.SPLIT, f"{rid!r} picked up by {vid!r}, dropped by {other!r}", vid, rid)
        return
    if id_ < ip:
        yield Violation(Code.PRECEDENCE, f"{rid!r} is dropped off before pick-up", vid, rid)
        return
    ride = dropoff.service_start - pickup.departure
    if request.max_ride_seconds is not None and ride > request.max_ride_seconds:
        msg = f"{rid!r} rides {ride} s, limit {request.max_ride_seconds}"
        code = Code.RIDE_TIME if request.companion_of is None else Code.COMPANION_RIDE_TIME
        yield Violation(code, msg, vid, rid)


def _check_chains(
    problem: Problem, solution: Solution, where: dict[str, list[tuple[int, int, Stop]]]
) -> Iterator[Violation]:
    """Each chain: both served by one route or neither, the companion's stops inside the main ride.

    Positions in the route decide the order, not times: a chain's shared
    stops (home) are visited at the same moment.
    """
    for main_id, companion_id in problem.companions.items():
        main, companion = where.get(main_id, []), where.get(companion_id, [])
        if not main and not companion:
            continue
        if not main or not companion:
            served, missing = (main_id, companion_id) if main else (companion_id, main_id)
            msg = f"chain {main_id!r}/{companion_id!r}: {served!r} served without {missing!r}"
            yield Violation(Code.CHAIN_SPLIT, msg, None, main_id)
            continue
        routes = {k for k, _, _ in main + companion}
        if len(routes) > 1:
            names = sorted(solution.routes[k].vehicle_id for k in routes)
            msg = f"chain {main_id!r}/{companion_id!r} is split over {names}"
            yield Violation(Code.CHAIN_SPLIT, msg, None, main_id)
            continue
        vid = solution.routes[routes.pop()].vehicle_id
        at = {(s.request_id, s.kind): i for _, i, s in main + companion}
        mp, md = at.get((main_id, StopKind.PICKUP)), at.get((main_id, StopKind.DROPOFF))
        cp, cd = at.get((companion_id, StopKind.PICKUP)), at.get((companion_id, StopKind.DROPOFF))
        if None in (mp, md, cp, cd):
            continue  # half-served: reported per request
        assert mp is not None and md is not None and cp is not None and cd is not None
        if not (mp < cp and cd < md):
            msg = f"{companion_id!r} does not ride inside {main_id!r} on {vid!r}"
            yield Violation(Code.CHAIN_ORDER, msg, vid, companion_id)


def _check_unserved(problem: Problem, solution: Solution, served: set[str]) -> Iterator[Violation]:
    listed = Counter(u.request_id for u in solution.unserved)
    for rid, n in sorted(listed.items()):
        if rid not in problem.request_by_id:
            yield Violation(Code.UNKNOWN_REQUEST, f"unserved {rid!r} is not a request", None, rid)
        if n > 1:
            yield Violation(Code.UNSERVED_TWICE, f"{rid!r} is listed unserved {n} times", None, rid)
        if rid in served:
            yield Violation(Code.SERVED_AND_UNSERVED, f"{rid!r} is served and unserved", None, rid)
    for request in problem.requests:
        if request.id not in served and request.id not in listed:
            msg = f"{request.id!r} is neither served nor listed unserved"
            yield Violation(Code.MISSING, msg, None, request.id)
        if request.must_serve and request.id not in served:
            yield Violation(Code.MUST_SERVE, f"{request.id!r} must be served", None, request.id)


def _check_locked_routes(problem: Problem, solution: Solution) -> Iterator[Violation]:
    """Each locked route must open its vehicle's route, in order."""
    routes = {r.vehicle_id: r for r in solution.routes}
    for vid, locked in problem.locked_routes.items():
        if not locked:
            continue
        route = routes.get(vid)
        actual = (
            [(s.request_id, s.kind) for s in route.stops if s.request_id is not None]
            if route
            else []
        )
        expected = [(v.request_id, v.kind) for v in locked]
        if actual[: len(expected)] != expected:
            yield Violation(Code.LOCKED_ROUTE, f"route of {vid!r} does not open with its lock", vid)


def _check_objective(problem: Problem, solution: Solution, served: set[str]) -> Iterator[Violation]:
    """The parts whose definition is unambiguous: penalties, travel, extra ride, fixed, workload."""
    w = problem.weights
    dur = problem.matrix.durations
    # Fair share: the day's requests spread over its vehicles, rounded up.
    fair = (len(problem.requests) + len(problem.vehicles) - 1) // max(1, len(problem.vehicles))
    extra = 0
    for route in solution.routes:
        departed: dict[str, int] = {}
        for stop in route.stops:
            request = problem.request_by_id.get(stop.request_id or "")
            if request is None:
                continue
            if stop.kind is StopKind.PICKUP:
                departed[request.id] = stop.departure
            elif request.id in departed:
                ride = stop.service_start - departed[request.id]
                extra += max(0, ride - dur[request.pickup][request.dropoff])
    expected = {
        "unserved_penalty": sum(
            w.penalty(r.priority) for r in problem.requests if r.id not in served
        ),
        "travel": sum(
            w.travel_time * r.drive_seconds + w.distance * r.distance_metres
            for r in solution.routes
        ),
        "extra_ride_time": w.extra_ride_time * extra,
        "fixed_cost": sum(
            problem.vehicle_by_id[r.vehicle_id].fixed_cost
            for r in solution.routes
            if r.vehicle_id in problem.vehicle_by_id and r.request_ids
        ),
        "workload": w.workload * sum(max(0, len(r.request_ids) - fair) for r in solution.routes),
    }
    for name, value in expected.items():
        reported = getattr(solution.objective, name)
        if reported != value:
            yield Violation(Code.OBJECTIVE, f"objective.{name} is {reported}, expected {value}")
