"""Timetable for a fixed visit order: is it feasible, and at what times.

The timing constraints of a route (travel, windows, maximum ride time, duty span)
are difference constraints on the service-start times ``B``. A route is feasible
if and only if that system has a solution, which Bellman-Ford decides exactly (a
greedy earliest-start schedule wrongly rejects orders where waiting at a pick-up
shortens a ride). The sweeps below relax the chain edges in one pass and the
ride-time and duty edges after it, so at most ``len(route) + 1`` rounds are needed;
more means a negative cycle, i.e. infeasible.

Times chosen: the latest departure of any feasible timetable, then every stop as
early as possible (earliest return home), then each pick-up as late as its
successor allows, which moves waiting in front of the pick-up and shortens that
rider's ride without touching anyone else's.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from solver.problem import Problem
from solver.problem import StopKind
from solver.problem import Vehicle
from solver.problem import Visit
from solver.solution import Route
from solver.solution import Stop

INF = 10**12
"""Upper bound standing in for 'no window'."""


class RouteIssue(StrEnum):
    """Why a visit order cannot be driven; values match ``UnservedReason`` where one fits."""

    UNKNOWN_REQUEST = "unknown_request"
    PAIRING = "pairing"
    """A request lacks its pick-up or drop-off, repeats one, or drops off first."""
    LOCKED_ELSEWHERE = "locked_elsewhere"
    FORBIDDEN = "forbidden_vehicle"
    NO_SEAT = "no_seat"
    NO_CHILD_SEAT = "no_child_seat"
    DRIVER_CAP = "driver_cap"
    DRIVE_LIMIT = "drive_limit"
    LATE = "late"
    """A pick-up or drop-off window cannot be met."""
    VEHICLE_WINDOW = "vehicle_window"
    """The driver cannot be back by the end of the shift."""
    RIDE_TIME = "ride_time_exceeded"
    DUTY_LIMIT = "duty_limit"


@dataclass(frozen=True)
class RouteInfeasible:
    """A visit order that cannot be driven, with the first constraint found to block it.

    ``details`` holds plain values for a message, e.g. ``{"late_seconds": 720,
    "kind": "dropoff"}``; ``request_id`` names the rider concerned, if any.
    """

    vehicle_id: str
    reason: RouteIssue
    request_id: str | None = None
    details: Mapping[str, int | str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """A short English description for logs and tests."""
        who = f" (request {self.request_id!r})" if self.request_id else ""
        extra = ", ".join(f"{k}={v}" for k, v in sorted(self.details.items()))
        return f"vehicle {self.vehicle_id!r}: {self.reason}{who}" + (f": {extra}" if extra else "")


@dataclass(frozen=True, slots=True)
class _Req:
    """One request's numbers, compiled once per problem."""

    pickup: int
    dropoff: int
    p_lo: int
    p_hi: int
    d_lo: int
    d_hi: int
    p_service: int
    d_service: int
    seats: int
    child_seats: int
    max_ride: int | None
    night: bool
    locked: str | None
    forbidden: frozenset[str]


_CACHE_KEY = "_schedule_tables"


def tables(problem: Problem) -> dict[str, _Req]:
    """Per-request numbers, cached on the problem instance (as ``cached_property`` does)."""
    cached: dict[str, _Req] | None = vars(problem).get(_CACHE_KEY)
    if cached is None:
        cached = {r.id: _compile(r) for r in problem.requests}
        vars(problem)[_CACHE_KEY] = cached
    return cached


def _compile(r: Any) -> _Req:
    pw, dw = r.pickup_window, r.dropoff_window
    return _Req(
        pickup=r.pickup,
        dropoff=r.dropoff,
        p_lo=pw.earliest if pw else 0,
        p_hi=pw.latest if pw else INF,
        d_lo=dw.earliest if dw else 0,
        d_hi=dw.latest if dw else INF,
        p_service=r.pickup_service,
        d_service=r.dropoff_service,
        seats=r.seats,
        child_seats=r.child_seats,
        max_ride=r.max_ride_seconds,
        night=r.night,
        locked=r.locked_vehicle,
        forbidden=r.forbidden_vehicles,
    )


@dataclass(slots=True)
class Timing:
    """The numeric form of a route: per node (start, visits, end) bounds, service, travel."""

    loc: list[int]
    lo: list[int]
    hi: list[int]
    svc: list[int]
    tt: list[int]
    pairs: list[tuple[int, int, int]]
    duty: int | None
    seat_delta: list[int]
    child_delta: list[int]


def timing(
    problem: Problem,
    vehicle: Vehicle,
    visits: Sequence[Visit],
    ignore_assignment: bool = False,
) -> Timing | RouteInfeasible:
    """Check all but time (ids, pairing, lock, forbidden, caps, seats, drive), then build Timing."""
    reqs = tables(problem)
    vid = vehicle.id
    loc, lo, hi, svc = [vehicle.start], [vehicle.window.earliest], [vehicle.window.latest], [0]
    seat_delta, child_delta = [0], [0]
    pickup_at: dict[str, int] = {}
    done: set[str] = set()
    pairs: list[tuple[int, int, int]] = []
    load = child = night = 0
    for i, visit in enumerate(visits, start=1):
        rid = visit.request_id
        r = reqs.get(rid)
        if r is None:
            return RouteInfeasible(vid, RouteIssue.UNKNOWN_REQUEST, rid)
        if visit.kind is StopKind.PICKUP:
            if rid in pickup_at:
                return RouteInfeasible(vid, RouteIssue.PAIRING, rid, {"problem": "picked up twice"})
            if not ignore_assignment and (r.locked not in (None, vid) or vid in r.forbidden):
                return _assignment_issue(vid, rid, r)
            pickup_at[rid] = i
            night += r.night
            load += r.seats
            child += r.child_seats
            if load > vehicle.seats:
                over = load - vehicle.seats
                return RouteInfeasible(vid, RouteIssue.NO_SEAT, rid, {"over_by": over})
            if child > vehicle.child_seats:
                over = child - vehicle.child_seats
                return RouteInfeasible(vid, RouteIssue.NO_CHILD_SEAT, rid, {"over_by": over})
            loc.append(r.pickup)
            lo.append(r.p_lo)
            hi.append(r.p_hi)
            svc.append(r.p_service)
            seat_delta.append(r.seats)
            child_delta.append(r.child_seats)
        else:
            p = pickup_at.get(rid)
            if p is None or rid in done:
                problem_text = "dropped off twice" if rid in done else "dropped off before pick-up"
                return RouteInfeasible(vid, RouteIssue.PAIRING, rid, {"problem": problem_text})
            done.add(rid)
            load -= r.seats
            child -= r.child_seats
            if r.max_ride is not None:
                pairs.append((p, i, r.max_ride))
            loc.append(r.dropoff)
            lo.append(r.d_lo)
            hi.append(r.d_hi)
            svc.append(r.d_service)
            seat_delta.append(-r.seats)
            child_delta.append(-r.child_seats)
    if len(done) != len(pickup_at):
        missing = sorted(set(pickup_at) - done)[0]
        return RouteInfeasible(vid, RouteIssue.PAIRING, missing, {"problem": "never dropped off"})
    cap = vehicle.max_requests
    if cap is not None and len(done) > cap:
        return RouteInfeasible(
            vid, RouteIssue.DRIVER_CAP, None, {"cap": "max_requests", "limit": cap}
        )
    cap = vehicle.max_night_requests
    if cap is not None and night > cap:
        details: dict[str, int | str] = {"cap": "max_night_requests", "limit": cap}
        return RouteInfeasible(vid, RouteIssue.DRIVER_CAP, None, details)
    loc.append(vehicle.end)
    lo.append(vehicle.window.earliest)
    hi.append(vehicle.window.latest)
    svc.append(0)
    seat_delta.append(0)
    child_delta.append(0)
    dur = problem.matrix.durations
    tt = [dur[a][b] for a, b in zip(loc, loc[1:], strict=False)]
    limit = vehicle.max_drive_seconds
    if limit is not None and sum(tt) > limit:
        return RouteInfeasible(vid, RouteIssue.DRIVE_LIMIT, None, {"over_by": sum(tt) - limit})
    return Timing(loc, lo, hi, svc, tt, pairs, vehicle.max_duty_seconds, seat_delta, child_delta)


def _assignment_issue(vid: str, rid: str, r: _Req) -> RouteInfeasible:
    if r.locked not in (None, vid):
        return RouteInfeasible(vid, RouteIssue.LOCKED_ELSEWHERE, rid, {"locked": str(r.locked)})
    return RouteInfeasible(vid, RouteIssue.FORBIDDEN, rid)


# A failed sweep returns (node, seconds missed, last push): the pair index whose
# ride limit last moved a pick-up, _DUTY if the duty cap moved the start, or -1.
_Fail = tuple[int, int, int]
_DUTY = -2


def earliest(t: Timing, start: int | None = None, use_pairs: bool = True) -> list[int] | _Fail:
    """Least solution of the timing system with departure >= ``start``, or why none exists."""
    lo, hi, svc, tt = t.lo, t.hi, t.svc, t.tt
    pairs = t.pairs if use_pairs else []
    duty = t.duty if use_pairs else None
    n = len(lo)
    b = list(lo)
    if start is not None and start > b[0]:
        b[0] = start
    last = -1
    for _ in range(n + 1):
        for i in range(1, n):
            x = b[i - 1] + svc[i - 1] + tt[i - 1]
            if x > b[i]:
                if x > hi[i]:
                    return (i, x - hi[i], last)
                b[i] = x
        changed = False
        for k, (p, d, limit) in enumerate(pairs):
            x = b[d] - svc[p] - limit
            if x > b[p]:
                if x > hi[p]:
                    return (p, x - hi[p], k)
                b[p] = x
                changed = True
                last = k
        if duty is not None and b[-1] - duty > b[0]:
            x = b[-1] - duty
            if x > hi[0]:
                return (0, x - hi[0], _DUTY)
            b[0] = x
            changed = True
            last = _DUTY
        if not changed:
            return b
    return (n - 1, 1, last)


def latest(t: Timing) -> list[int] | None:
    """Greatest solution of the timing system, or None if it is infeasible."""
    lo, hi, svc, tt, pairs, duty = t.lo, t.hi, t.svc, t.tt, t.pairs, t.duty
    n = len(lo)
    b = list(hi)
    for _ in range(n + 1):
        for i in range(n - 2, -1, -1):
            x = b[i + 1] - svc[i] - tt[i]
            if x < b[i]:
                if x < lo[i]:
                    return None
                b[i] = x
        changed = False
        for p, d, limit in pairs:
            x = b[p] + svc[p] + limit
            if x < b[d]:
                if x < lo[d]:
                    return None
                b[d] = x
                changed = True
        if duty is not None and b[0] + duty < b[-1]:
            x = b[0] + duty
            if x < lo[-1]:
                return None
            b[-1] = x
            changed = True
        if not changed:
            return b
    return None


def choose_times(t: Timing) -> list[int] | None:
    """Service-start times as described in the module docstring, or None if infeasible."""
    late = latest(t)
    if late is None:
        return None
    b = earliest(t, start=late[0])
    if isinstance(b, tuple):  # cannot happen: ``late`` departs at late[0]
        return None
    svc, tt, hi, delta = t.svc, t.tt, t.hi, t.seat_delta
    for i in range(len(b) - 2, -1, -1):
        if i == 0 or delta[i] > 0:
            b[i] = min(hi[i], b[i + 1] - svc[i] - tt[i])
    return b


def _diagnose(t: Timing, vehicle: Vehicle, visits: Sequence[Visit]) -> RouteInfeasible:
    """Name the blocking timing constraint: windows alone, then ride times, then duty."""
    vid = vehicle.id
    plain = earliest(t, use_pairs=False)
    if isinstance(plain, tuple):
        node, missed = plain[0], plain[1]
        if node == len(t.lo) - 1:
            return RouteInfeasible(vid, RouteIssue.VEHICLE_WINDOW, None, {"late_seconds": missed})
        visit = visits[node - 1]
        details: dict[str, int | str] = {"late_seconds": missed, "kind": str(visit.kind)}
        return RouteInfeasible(vid, RouteIssue.LATE, visit.request_id, details)
    full = earliest(t)
    if isinstance(full, tuple) and full[2] >= 0:
        rid = visits[t.pairs[full[2]][1] - 1].request_id
        return RouteInfeasible(vid, RouteIssue.RIDE_TIME, rid, {"over_by": full[1]})
    span = _min_span(t)
    over = span - t.duty if t.duty is not None else 0
    return RouteInfeasible(vid, RouteIssue.DUTY_LIMIT, None, {"over_by": max(over, 1)})


def _min_span(t: Timing) -> int:
    """Shortest start-to-end span without the duty cap (for the duty diagnosis)."""
    relaxed = Timing(t.loc, t.lo, t.hi, t.svc, t.tt, t.pairs, None, t.seat_delta, t.child_delta)
    late = latest(relaxed)
    if late is None:
        return INF
    b = earliest(relaxed, start=late[0])
    return INF if isinstance(b, tuple) else b[-1] - b[0]


def schedule_route(
    problem: Problem,
    vehicle: Vehicle,
    visits: Sequence[Visit],
    ignore_assignment: bool = False,
) -> Route | RouteInfeasible:
    """Check a fixed visit order on a vehicle and return its timetable, or why it fails.

    ``ignore_assignment`` skips the lock and forbidden-vehicle rules (to tell
    "forbidden" apart from "could not anyway" when explaining).
    """
    t = timing(problem, vehicle, visits, ignore_assignment)
    if isinstance(t, RouteInfeasible):
        return t
    b = choose_times(t)
    if b is None:
        return _diagnose(t, vehicle, visits)
    return build_route(problem, vehicle, visits, b)


def feasible(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> bool:
    """Whether the visit order can be driven (``schedule_route`` without building the Route)."""
    t = timing(problem, vehicle, visits)
    return not isinstance(t, RouteInfeasible) and latest(t) is not None


def build_route(
    problem: Problem, vehicle: Vehicle, visits: Sequence[Visit], times: Sequence[int]
) -> Route:
    """A Route from given times: departure at start, service start per visit, arrival at end.

    Arrivals, waits, loads and totals are derived from the matrix; the times are
    taken as given (not checked), so ``solver.check`` will flag inconsistent ones.
    """
    if len(times) != len(visits) + 2:
        raise ValueError(f"times has {len(times)} entries, expected {len(visits) + 2}")
    reqs = tables(problem)
    dur, dist = problem.matrix.durations, problem.matrix.distances
    stops = [Stop(StopKind.START, vehicle.start, None, times[0], times[0], times[0], 0, 0, 0)]
    prev_loc, prev_dep = vehicle.start, times[0]
    load = child = drive = metres = 0
    for visit, b in zip(visits, times[1:-1], strict=False):
        r = reqs[visit.request_id]
        if visit.kind is StopKind.PICKUP:
            loc, service, sign = r.pickup, r.p_service, 1
        else:
            loc, service, sign = r.dropoff, r.d_service, -1
        load += sign * r.seats
        child += sign * r.child_seats
        arrival = prev_dep + dur[prev_loc][loc]
        drive += dur[prev_loc][loc]
        metres += dist[prev_loc][loc]
        stops.append(
            Stop(
                visit.kind, loc, visit.request_id, arrival, b, b + service, b - arrival, load, child
            )
        )
        prev_loc, prev_dep = loc, b + service
    arrival = prev_dep + dur[prev_loc][vehicle.end]
    drive += dur[prev_loc][vehicle.end]
    metres += dist[prev_loc][vehicle.end]
    end = times[-1]
    stops.append(Stop(StopKind.END, vehicle.end, None, arrival, end, end, end - arrival, 0, 0))
    return Route(vehicle.id, tuple(stops), drive, metres, arrival - times[0])


def visits_of(route: Route) -> tuple[Visit, ...]:
    """The visits of a route in order (start and end left out)."""
    return tuple(Visit(s.request_id, s.kind) for s in route.stops if s.request_id is not None)


def insert_visits(
    visits: Sequence[Visit], request_id: str, pickup_at: int, dropoff_at: int
) -> tuple[Visit, ...]:
    """``visits`` with the request's pick-up and drop-off inserted.

    The pick-up goes before index ``pickup_at`` and the drop-off before index
    ``dropoff_at`` of the original list (``pickup_at <= dropoff_at``).
    """
    pickup, dropoff = Visit(request_id, StopKind.PICKUP), Visit(request_id, StopKind.DROPOFF)
    return (
        *visits[:pickup_at],
        pickup,
        *visits[pickup_at:dropoff_at],
        dropoff,
        *visits[dropoff_at:],
    )
